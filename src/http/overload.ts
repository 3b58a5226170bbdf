/**
 * Overload: while the event loop is saturated, answer 503 at once, so Twilio plays the number's
 * fallback URL (a TwiML Bin) instead of waiting 15 s. The Gate applies the verdict first in the
 * webhooks' preHandler and in an onRequest hook on the other routes. Why, and what it costs:
 * docs/operations.md (Overload). Why not @fastify/under-pressure: docs/architecture.md.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
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
 * and a 503 from the fallback URL itself would leave the caller with Twilio's error message.
 * The whisper's answers are as small, and a 503 on the answering leg would fail a transfer
 * that the person had already picked up. */
const SERVED_UNDER_PRESSURE = new Set(['/voice/fallback', '/voice/whisper', '/voice/whisper/key']);

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

export async function overloadProtection(
  app: FastifyInstance,
  refusals: RefusalLog,
  options: Partial<OverloadOptions> = {},
): Promise<OverloadGate> {
  const o = { ...OVERLOAD_DEFAULTS, ...options };
  if (o.maxEventLoopDelayMs <= 0) {
    app.decorate('isUnderPressure', () => false);
    return OPEN_GATE;
  }
  // Measured here, not by under-pressure's maxEventLoopDelay: a window without any sample (one
  // long loop turn, as at a cold start) counts for what it lasted, not as an infinite delay.
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
  // Measured once per window by a timer; a request only reads the verdict, a boolean.
  const timer = setInterval(measure, o.sampleIntervalMs);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    histogram.disable();
  });
  app.decorate('isUnderPressure', () => overloaded);

  const retryAfter = String(o.retryAfterSeconds);
  const shedRequest = (request: FastifyRequest, reply: FastifyReply): boolean => {
    if (!overloaded || SERVED_UNDER_PRESSURE.has(request.routeOptions.url ?? '')) return false;
    // Counted, and logged in summary: under overload, logging is work too.
    refusals.refused('overload', request.log, {
      event: 'overload',
      msg: 'overloaded: answering 503 so Twilio uses the fallback URL',
      fields: { eventLoopDelayMs: Math.round(delay) },
    });
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
