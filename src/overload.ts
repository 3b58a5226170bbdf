/**
 * Overload: when the event loop is saturated, answer at once with 503 rather than let Twilio
 * wait up to 15 s. A 503 makes Twilio fetch the number's fallback URL, a TwiML Bin holding
 * the static fallback document (npm run fallback) served by Twilio itself: the caller hears
 * the emergency numbers and is put through to a 24/7 service, and this process gets no more
 * work for that request.
 *
 * Measured by @fastify/under-pressure: the mean event-loop delay over each sample window.
 * Every request is answered first by this check (an onRequest hook), before its body is read.
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';

export interface OverloadOptions {
  /** Mean event-loop delay (ms) over a window above which requests get 503; 0 turns it off. */
  maxEventLoopDelayMs: number;
  /** The window (ms) the delay is measured over. */
  sampleIntervalMs: number;
  /** Retry-After (s) on the 503 (Twilio does not retry; it uses the fallback URL). */
  retryAfterSeconds: number;
}

/**
 * A webhook normally takes a millisecond or two. A mean loop delay of two seconds means every
 * webhook already waits two seconds or more and the queue is growing: shed it then, while the
 * answers still reach Twilio well within its 15 s. Lower, the line would send callers to the
 * fallback during bursts it can still serve: bench:calls (200 callers who never pause, far
 * more than 200 real calls) runs with a mean delay near one second on 2 busy cores.
 */
export const OVERLOAD_DEFAULTS: OverloadOptions = {
  maxEventLoopDelayMs: 2_000,
  sampleIntervalMs: 500,
  retryAfterSeconds: 10,
};

/** Routes still served under pressure: the fallback document is static and costs nothing,
 * and a 503 from the fallback URL itself would leave the caller with Twilio's error message. */
const SERVED_UNDER_PRESSURE = new Set(['/voice/fallback']);

export async function overloadProtection(app: FastifyInstance, options: Partial<OverloadOptions> = {}): Promise<void> {
  const o = { ...OVERLOAD_DEFAULTS, ...options };
  if (o.maxEventLoopDelayMs <= 0) return;
  let lastLog = 0;
  let shed = 0;
  await app.register(underPressure, {
    maxEventLoopDelay: o.maxEventLoopDelayMs,
    sampleInterval: o.sampleIntervalMs,
    retryAfter: o.retryAfterSeconds,
    pressureHandler: (request, reply, type, value) => {
      if (SERVED_UNDER_PRESSURE.has(request.routeOptions.url ?? '')) return; // handled as usual
      shed++;
      // One log line per window at most: under overload, logging is work too.
      const now = Date.now();
      if (now - lastLog >= o.sampleIntervalMs) {
        lastLog = now;
        request.log.warn({ event: 'overload', measure: type, value: Math.round(value ?? 0), shed }, 'overloaded: answering 503 so Twilio uses the fallback URL');
        shed = 0;
      }
      void reply.code(503).header('retry-after', String(o.retryAfterSeconds)).type('text/plain').send('overloaded');
    },
  });
}
