/**
 * Overload: while the event loop is saturated, answer 503 at once, so Twilio plays the number's
 * fallback URL (a TwiML Bin) instead of waiting 15 s. Measured and applied by
 * @fastify/under-pressure (an onRequest hook on every route); this file says what the line
 * sheds and how it logs it. Why: docs/operations.md (Overload).
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RefusalLog } from './refusals.js';

export interface OverloadOptions {
  /** Mean event-loop delay (ms) over a window above which requests get 503; 0 turns it off. */
  maxEventLoopDelayMs: number;
  /** The window (ms) the delay is measured over. */
  sampleIntervalMs: number;
  /** Retry-After (s) on the 503 (Twilio does not retry; it uses the fallback URL). */
  retryAfterSeconds: number;
}

/** 2 s: answers still reach Twilio well within its 15 s, and bursts the line can serve (about
 * 1 s under bench:calls) are not shed. See docs/operations.md (Overload). */
export const OVERLOAD_DEFAULTS: OverloadOptions = {
  maxEventLoopDelayMs: 2_000,
  sampleIntervalMs: 500,
  retryAfterSeconds: 10,
};

/** Routes still served under pressure: the fallback document is static and costs nothing,
 * and a 503 from the fallback URL itself would leave the caller with Twilio's error message. */
const SERVED_UNDER_PRESSURE = new Set(['/voice/fallback']);

/** Not shed: the fallback route, and requests that match no route (the not-found handler
 * answers those with the fallback document or a 404, which cost nothing). */
function served(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route === undefined || SERVED_UNDER_PRESSURE.has(route);
}

export async function overloadProtection(
  app: FastifyInstance,
  refusals: RefusalLog,
  options: Partial<OverloadOptions> = {},
): Promise<void> {
  const o = { ...OVERLOAD_DEFAULTS, ...options };
  await app.register(underPressure, {
    maxEventLoopDelay: Math.max(0, o.maxEventLoopDelayMs),
    sampleInterval: o.sampleIntervalMs,
    retryAfter: o.retryAfterSeconds,
    // Not answered here: the request goes on (the plugin's documented contract).
    pressureHandler: (request, reply, _type, delay) => {
      if (served(request)) return;
      refusals.refused('overload', request.log, {
        event: 'overload',
        msg: 'overloaded: answering 503 so Twilio uses the fallback URL',
        // null: the window had no sample at all (the loop was blocked through all of it).
        fields: { eventLoopDelayMs: delay !== undefined && Number.isFinite(delay) ? Math.round(delay) : null },
      });
      void reply.code(503).header('retry-after', String(o.retryAfterSeconds)).type('text/plain').send('overloaded');
    },
  });
}
