/**
 * The webhooks Twilio calls. Thin: read the parameters, ask the engine, render its step.
 *   POST /voice           a call comes in (the number's voice URL)
 *   POST /voice/menu      a key, or silence, in a menu (state in the query string)
 *   POST /voice/dial      the outcome of a transfer (DialCallStatus)
 *   POST /voice/fallback  the number's fallback URL: the safe bilingual TwiML
 *   POST /voice/whisper   the answering leg of a transfer, before it is put through (<Number url>)
 *   POST /voice/whisper/key  the whisper's key, or its time-out (whisper: confirm)
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  type FormValue,
  param,
  readDialQuery,
  readMenuQuery,
  readWhisperQuery,
  type WebhookQuery,
  WEBHOOKS,
} from '../src/call/call-state.js';
import type { Result, WhisperResult } from '../src/engine/index.js';
import type { OverloadGate } from '../src/http/overload.js';
import type { Helpline, Runtime } from '../src/http/runtime.js';
import { isValidTwilioRequest, signatureCheck } from '../src/http/signature.js';

const CALL_SID = /^CA[0-9a-f]{32}$/;

/** The fields of Twilio's form that the line reads (Twilio sends many more). Not trusted: each
 * is read, bounded and checked by param() and the engine. */
interface CallForm {
  CallSid?: FormValue;
  /** The helpline's number and the caller's: for caller ID only, never logged. */
  To?: FormValue;
  From?: FormValue;
}
interface MenuForm extends CallForm {
  Digits?: FormValue;
}
interface DialForm extends CallForm {
  DialCallStatus?: FormValue;
  /** "true" when the caller was connected to the person who answered. */
  DialBridged?: FormValue;
}
interface FallbackForm {
  ErrorCode?: FormValue;
}

/** A webhook's request: its form (absent when the body is empty) and its query. */
interface Webhook<Form> {
  Body: Form | undefined;
  Querystring: WebhookQuery;
}

export interface VoiceRoutesOptions {
  helpline: Helpline;
  /** Overload protection (src/http/overload.ts): applied first, before the signature is checked. */
  gate: OverloadGate;
}

export const voiceRoutes: FastifyPluginAsync<VoiceRoutesOptions> = async (app, { helpline, gate }) => {
  // Twilio posts forms. Fastify's own JSON and text parsers are removed here (this plugin's
  // scope only), so any other body is refused with 415 before a webhook runs.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  // One callback preHandler for both checks (docs/architecture.md): shed under overload (a
  // 503), then refuse what Twilio did not sign (a 403), except on the fallback URL (below).
  const isTwilio = helpline.authToken
    ? signatureCheck({
        authToken: helpline.authToken,
        publicBaseUrl: helpline.publicBaseUrl,
        refusals: helpline.refusals,
      })
    : undefined;
  app.addHook('preHandler', (request, reply, done) => {
    if (gate.shed(request, reply)) return;
    if (isTwilio && request.routeOptions.url !== WEBHOOKS.fallback && !isTwilio(request, reply)) return;
    done();
  });

  /** The call record and the metrics of one webhook's events. */
  function record(request: FastifyRequest<Webhook<CallForm>>, run: Runtime, events: Result['events']): void {
    // Checked first: with info off, nothing is read or built for the call record.
    if ((request.log as Logger).isLevelEnabled('info')) {
      const sid = param(request.body, 'CallSid');
      const callSid = sid && CALL_SID.test(sid) ? sid : 'unknown';
      for (const e of events) request.log.info({ callSid, ...e }, 'flow');
    }
    helpline.metrics.record(events, run.config);
  }

  /** `run` is the configuration in force when the request started (see Helpline.current):
   * the engine's answer is rendered, and counted, with that same configuration. */
  function answer(
    request: FastifyRequest<Webhook<CallForm>>,
    reply: FastifyReply,
    run: Runtime,
    result: Result,
  ): string {
    record(request, run, result.events);
    const twiml = run.renderer.render(result.step, {
      baseUrl: helpline.baseUrl,
      to: param(request.body, 'To', 32),
      from: param(request.body, 'From', 32),
    });
    reply.type('text/xml');
    return twiml;
  }

  app.post<Webhook<CallForm>>(WEBHOOKS.call, async (request, reply) => {
    const run = helpline.current;
    return answer(request, reply, run, run.engine.start());
  });

  app.post<Webhook<MenuForm>>(WEBHOOKS.menu, async (request, reply) => {
    const run = helpline.current;
    const { state, silent } = readMenuQuery(request.query, run.config);
    const digits = param(request.body, 'Digits', 8);
    return answer(request, reply, run, run.engine.input({ state, digits, silent, now: helpline.clock() }));
  });

  app.post<Webhook<DialForm>>(WEBHOOKS.dial, async (request, reply) => {
    const run = helpline.current;
    const state = readDialQuery(request.query, run.config);
    const status = param(request.body, 'DialCallStatus', 16);
    const bridged = param(request.body, 'DialBridged', 8);
    return answer(request, reply, run, run.engine.dialResult({ state, status, bridged, now: helpline.clock() }));
  });

  // The answering leg (its CallSid is the transfer's, not the caller's call).
  function whispered(
    request: FastifyRequest<Webhook<CallForm>>,
    reply: FastifyReply,
    run: Runtime,
    result: WhisperResult,
  ): string {
    record(request, run, result.events);
    reply.type('text/xml');
    return run.renderer.whisper(result.step, { baseUrl: helpline.baseUrl });
  }

  app.post<Webhook<CallForm>>(WEBHOOKS.whisper, async (request, reply) => {
    const run = helpline.current;
    return whispered(request, reply, run, run.engine.whisper(readWhisperQuery(request.query, run.config)));
  });

  app.post<Webhook<MenuForm>>(WEBHOOKS.whisperKey, async (request, reply) => {
    const run = helpline.current;
    const digits = param(request.body, 'Digits', 8);
    return whispered(request, reply, run, run.engine.whisperKey(readWhisperQuery(request.query, run.config), digits));
  });

  // The fallback document is public text and the caller's last resort: it is answered even when
  // the signature does not verify, so a wrong PUBLIC_BASE_URL or token is logged and counted
  // rather than turned into Twilio's "application error".
  const token = helpline.authToken;
  const signed = token
    ? (request: FastifyRequest) => isValidTwilioRequest(request, token, helpline.publicBaseUrl)
    : () => true;
  app.post<Webhook<FallbackForm>>(WEBHOOKS.fallback, async (request, reply) => {
    // Twilio's error codes are five digits; anything else is not logged (it is not Twilio's).
    const code = param(request.body, 'ErrorCode', 8);
    const errorCode = code && /^\d{5}$/.test(code) ? code : undefined;
    if (signed(request)) {
      request.log.warn({ event: 'fallback', errorCode }, 'fallback URL called');
    } else {
      helpline.unsignedFallbacks.refused('fallback-unsigned', request.log, {
        event: 'fallback',
        msg: 'fallback URL called, its signature does not verify (answered all the same): if this is Twilio, check PUBLIC_BASE_URL and TWILIO_AUTH_TOKEN',
        fields: { errorCode, signature: 'invalid' },
      });
    }
    helpline.metrics.fallback();
    reply.type('text/xml');
    return helpline.safeTwiml;
  });
};
