/**
 * The app factory: builds the Fastify app for a checked configuration. It never listens
 * (src/http/server.ts does), so tests drive it with app.inject() exactly as Twilio would.
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { audioRoutes } from '../../routes/audio.js';
import { healthRoutes } from '../../routes/health.js';
import { metricsRoutes } from '../../routes/metrics.js';
import { voiceRoutes } from '../../routes/voice.js';
import { WEBHOOK_PATHS, WEBHOOKS } from '../call/call-state.js';
import { emptyTwiml } from '../call/twiml.js';
import type { Config } from '../config/types.js';
import { createLogger, RequestLogsAtDebug } from './logging.js';
import { overloadProtection, type OverloadOptions } from './overload.js';
import { Helpline, type HelplineOptions } from './runtime.js';

export interface AppOptions extends HelplineOptions {
  config: Config;
  /** Honour X-Forwarded-Proto/-Host (behind a reverse proxy). */
  trustProxy?: boolean;
  /** A pino logger; default: info level to stdout. */
  logger?: Logger;
  /** Shedding load with 503 when the event loop is saturated (src/http/overload.ts). */
  overload?: Partial<OverloadOptions>;
  /** Serve GET /metrics at all (default true; the server turns it off in production
   * without METRICS_TOKEN, so usage figures never answer anyone who reaches the port). */
  metricsEnabled?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    helpline: Helpline;
  }
}

/** Twilio's webhook bodies are a few kilobytes at most. */
export const BODY_LIMIT = 32 * 1024;

/** The webhooks of the answering leg of a transfer (src/engine/whisper.ts). */
const ANSWERING_LEG: ReadonlySet<string> = new Set([WEBHOOKS.whisper, WEBHOOKS.whisperKey]);
/** What an error on the answering leg answers: the person is put through to the caller. */
const EMPTY = emptyTwiml();

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const helpline = new Helpline(options.config, options);
  const app = Fastify({
    loggerInstance: (options.logger ?? createLogger(process.env.LOG_LEVEL ?? 'info')) as FastifyBaseLogger,
    logController: new RequestLogsAtDebug(),
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    // Twilio gives up after 15 s; never hold a socket longer than that.
    requestTimeout: 14_000,
    connectionTimeout: 15_000,
    return503OnClosing: false, // never a 503 while stopping: src/http/shutdown.ts answers or refuses
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // A URL Fastify cannot decode (e.g. /voice/%ff): a 400 like the others, without
    // Fastify's own JSON error (which names its internals).
    frameworkErrors: (error, request, reply) => {
      helpline.refusals.refused('bad-request', request.log, {
        event: 'bad-request',
        msg: 'request refused',
        fields: { status: 400, code: error.code },
      });
      void (reply as FastifyReply).code(400).type('text/xml').send(helpline.safeTwiml);
    },
  });

  app.decorate('helpline', helpline);
  app.addHook('onClose', (_app, done) => {
    helpline.refusals.flush();
    helpline.unsignedFallbacks.flush();
    done();
  });

  // Webhook latency, by route pattern (never the raw URL with its query string).
  app.addHook('onResponse', (request, reply, done) => {
    helpline.metrics.observeRequest(
      request.method,
      request.routeOptions.url,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  // Never a 5xx or a stack trace to Twilio: an internal error answers the safe TwiML with
  // 200, so the caller hears the emergency numbers and is put through to a 24/7 service.
  // Requests that are not Twilio-shaped (wrong content type, oversized body) keep their 4xx.
  // On the answering leg (the whisper) the listener is the service's staff and <Dial> is not
  // allowed: any error there answers an empty document, which puts them through to the caller.
  app.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    const answeringLeg = ANSWERING_LEG.has(request.routeOptions.url ?? '');
    const safe = answeringLeg ? EMPTY : helpline.safeTwiml;
    if (status >= 400 && status < 500) {
      helpline.refusals.refused('bad-request', request.log, {
        event: 'bad-request',
        msg: 'request refused',
        fields: { status, code: error.code },
      });
      return reply
        .code(answeringLeg ? 200 : status)
        .type('text/xml')
        .send(safe);
    }
    request.log.error({ event: 'internal-error', err: error }, 'internal error: answered the safe TwiML');
    helpline.metrics.internalError();
    return reply.code(200).type('text/xml').send(safe);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // Another method on a webhook's path: not Twilio (which always POSTs).
    if (request.method !== 'POST' && WEBHOOK_PATHS.includes(path.replace(/\/+$/, ''))) {
      helpline.refusals.refused('method', request.log, { event: 'method-not-allowed', msg: 'webhook not POSTed' });
      return reply.code(405).header('allow', 'POST').type('text/xml').send(helpline.safeTwiml);
    }
    // A POST to an unknown path mid-call (an old URL after a deploy): the fallback document,
    // which needs no call state. The path is not logged: anyone can write anything there.
    if (request.method === 'POST') {
      helpline.refusals.refused('unknown-webhook', request.log, { event: 'unknown-webhook', msg: 'unknown webhook' });
      return reply.code(200).type('text/xml').send(helpline.safeTwiml);
    }
    return reply.code(404).send({ error: 'not found' });
  });

  const gate = await overloadProtection(app, helpline.refusals, options.overload);
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  // Shed under overload: the webhooks in their own preHandler, the other routes here.
  await app.register(async (others) => {
    others.addHook('onRequest', gate.onRequest);
    await others.register(healthRoutes);
    await others.register(audioRoutes, { helpline });
    if (options.metricsEnabled ?? true)
      await others.register(metricsRoutes, {
        metrics: helpline.metrics,
        token: helpline.metricsToken,
        refusals: helpline.refusals,
      });
  });
  await app.register(voiceRoutes, { helpline, gate });
  return app;
}
