/**
 * The webhooks Twilio calls. Thin: read the parameters, ask the engine, render its step.
 *   POST /voice           a call comes in (the number's voice URL)
 *   POST /voice/menu      a key, or silence, in a menu (state in the query string)
 *   POST /voice/dial      the outcome of a transfer (DialCallStatus)
 *   POST /voice/fallback  the number's fallback URL: the safe bilingual TwiML
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Runtime } from '../src/app.js';
import type { Result } from '../src/engine.js';
import type { OverloadGate } from '../src/overload.js';
import { signatureCheck } from '../src/signature.js';

type Params = Record<string, unknown>;

/** One parameter as Twilio sends it: a short string. Repeated, missing or huge: handled. */
function param(source: unknown, name: string, max = 64): string | undefined {
  if (!source || typeof source !== 'object') return undefined;
  let v = Object.hasOwn(source, name) ? (source as Params)[name] : undefined;
  if (Array.isArray(v)) v = v[0];
  if (typeof v !== 'string') return undefined;
  return v.length > max ? v.slice(0, max) : v;
}

const CALL_SID = /^CA[0-9a-f]{32}$/;

/** The paths of the webhooks, for the 405 of another method (src/app.ts). */
export const WEBHOOK_PATHS = ['/voice', '/voice/menu', '/voice/dial', '/voice/fallback'];

export interface VoiceRoutesOptions {
  /** Overload protection (src/overload.ts): applied first, before the signature is checked. */
  gate: OverloadGate;
}

export const voiceRoutes: FastifyPluginAsync<VoiceRoutesOptions> = async (app, { gate }) => {
  const h = app.helpline;
  // Twilio posts forms. Fastify's own JSON and text parsers are removed here (this plugin's
  // scope only), so any other body is refused with 415 before a webhook runs.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  // One callback-style preHandler for both checks (each Fastify hook has a cost per request):
  // shed under overload (a 503), then refuse what Twilio did not sign (a 403).
  const isTwilio = h.authToken ? signatureCheck({ authToken: h.authToken, publicBaseUrl: h.publicBaseUrl }) : undefined;
  app.addHook('preHandler', (request, reply, done) => {
    if (gate.shed(request, reply)) return;
    if (isTwilio && !isTwilio(request, reply)) return;
    done();
  });

  /** `run` is the configuration in force when the request started (see Helpline.current):
   * the engine's answer is rendered, and counted, with that same configuration. */
  function answer(request: FastifyRequest, reply: FastifyReply, run: Runtime, result: Result): void {
    // The call record. Checked first: with info off, nothing is read or built for it.
    if ((request.log as Logger).isLevelEnabled('info')) {
      const sid = param(request.body, 'CallSid');
      const callSid = sid && CALL_SID.test(sid) ? sid : 'unknown';
      for (const e of result.events) request.log.info({ callSid, ...e }, 'flow');
    }
    h.metrics.record(result.events, run.config);
    const twiml = run.renderer.renderBytes(result.step, {
      baseUrl: h.baseUrl,
      to: param(request.body, 'To', 32),
      from: param(request.body, 'From', 32),
    });
    void reply.type('text/xml').send(twiml);
  }

  // The handlers are synchronous and return nothing once they have sent: an async handler (or
  // returning the reply, which is a thenable) costs a promise and a microtask or a stream
  // listener per webhook. An exception still reaches the error handler.
  app.post('/voice', (request, reply) => {
    const run = h.current;
    answer(request, reply, run, run.engine.start());
  });

  app.post('/voice/menu', (request, reply) => {
    const q = request.query;
    const tries = Number.parseInt(param(q, 't', 3) ?? '0', 10);
    const state = {
      lang: param(q, 'l', 8),
      menu: param(q, 'm') ?? 'main',
      tries: Number.isNaN(tries) ? 0 : tries,
      exclude: param(q, 'x'),
    };
    const run = h.current;
    answer(request, reply, run, run.engine.input(state, param(request.body, 'Digits', 8), param(q, 's', 1) === '1', h.clock()));
  });

  app.post('/voice/dial', (request, reply) => {
    const q = request.query;
    const status = param(request.body, 'DialCallStatus', 16);
    const run = h.current;
    answer(request, reply, run, run.engine.dialResult(param(q, 'l', 8), param(q, 's'), status, h.clock(), param(q, 'n', 1) === '1'));
  });

  app.post('/voice/fallback', (request, reply) => {
    // Twilio's error codes are five digits; anything else is not logged (it is not Twilio's).
    const code = param(request.body, 'ErrorCode', 8);
    request.log.warn({ event: 'fallback', errorCode: code && /^\d{5}$/.test(code) ? code : undefined }, 'fallback URL called');
    h.metrics.fallback();
    void reply.type('text/xml').send(h.safeTwiml);
  });
};
