/**
 * Overload: when the event loop is saturated, answer at once with 503 rather than let Twilio
 * wait up to 15 s. A 503 makes Twilio fetch the number's fallback URL, a TwiML Bin holding
 * the static fallback document (npm run fallback) served by Twilio itself: the caller hears
 * the emergency numbers and is put through to a 24/7 service, and this process gets no more
 * work for that request.
 *
 * Measured here: the mean event-loop delay over each sample window (a window in which the loop
 * never came round counts for its whole length). The verdict is applied by the Gate: first
 * thing in the webhooks' preHandler (routes/voice.ts, before the signature is checked), and
 * by an onRequest hook on the other routes (src/app.ts). Not one onRequest hook for every
 * request: an empty one cost bare Fastify 4,000-7,000 instructions per request (callgrind,
 * README Performance), here to read a boolean that is false nearly always. So a webhook is
 * shed once its body (a form, 32 KB at most) is read and parsed.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

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

declare module 'fastify' {
  interface FastifyInstance {
    /** True while requests are shed (the last window's mean loop delay was over the limit). */
    isUnderPressure(): boolean;
  }
}

/** Applies the verdict to a request. */
export interface OverloadGate {
  /** Answers 503 and returns true when the request is shed; false: go on. */
  shed(request: FastifyRequest, reply: FastifyReply): boolean;
  /** The same, as an onRequest hook (for routes other than the webhooks). */
  onRequest(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void;
}

const OPEN_GATE: OverloadGate = {
  shed: () => false,
  onRequest: (_request, _reply, done) => done(),
};

export async function overloadProtection(app: FastifyInstance, options: Partial<OverloadOptions> = {}): Promise<OverloadGate> {
  const o = { ...OVERLOAD_DEFAULTS, ...options };
  if (o.maxEventLoopDelayMs <= 0) {
    app.decorate('isUnderPressure', () => false);
    return OPEN_GATE;
  }
  // The delay is measured here rather than by a library's maxEventLoopDelay (such as
  // under-pressure's), which counts a window without any sample as an infinite delay: one
  // loop turn longer than the window (a cold start with 200 connections at once) then shed
  // calls the line could serve. Here such a window counts for what it lasted.
  const RESOLUTION_MS = 10;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let windowStart = performance.now();
  let delay = 0;
  let overloaded = false;
  const measure = (): void => {
    const now = performance.now();
    delay = histogram.count > 0 ? Math.max(0, histogram.mean / 1e6 - RESOLUTION_MS) : now - windowStart;
    histogram.reset();
    windowStart = now;
    overloaded = delay > o.maxEventLoopDelayMs;
  };
  measure();
  // Measured once per window by a timer; every request only reads the verdict (a boolean),
  // so the protection costs a request next to nothing. (This was @fastify/under-pressure,
  // whose hook built Fastify's routeOptions object for every request: see the README.)
  const timer = setInterval(measure, o.sampleIntervalMs);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    histogram.disable();
  });
  app.decorate('isUnderPressure', () => overloaded);

  let lastLog = 0;
  let shed = 0;
  const retryAfter = String(o.retryAfterSeconds);
  const shedRequest = (request: FastifyRequest, reply: FastifyReply): boolean => {
    if (!overloaded || SERVED_UNDER_PRESSURE.has(request.routeOptions.url ?? '')) return false;
    shed++;
    // One log line per window at most: under overload, logging is work too.
    const now = Date.now();
    if (now - lastLog >= o.sampleIntervalMs) {
      lastLog = now;
      request.log.warn({ event: 'overload', eventLoopDelayMs: Math.round(delay), shed }, 'overloaded: answering 503 so Twilio uses the fallback URL');
      shed = 0;
    }
    void reply.code(503).header('retry-after', retryAfter).type('text/plain').send('overloaded');
    return true;
  };
  return {
    shed: shedRequest,
    onRequest: (request, reply, done) => {
      if (!shedRequest(request, reply)) done();
    },
  };
}
