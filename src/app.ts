/**
 * The app factory: builds the Fastify app for a checked configuration. It never listens
 * (src/server.ts does), so tests drive it with app.inject() exactly as Twilio would.
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { audioRoutes } from '../routes/audio.js';
import { healthRoutes } from '../routes/health.js';
import { voiceRoutes, WEBHOOK_PATHS } from '../routes/voice.js';
import type { Config } from './config/types.js';
import { Engine } from './engine.js';
import { createLogger, RequestLogsAtDebug } from './logging.js';
import { overloadProtection, type OverloadOptions } from './overload.js';
import { fallbackTwiml, TwimlRenderer } from './twiml.js';

export interface AppOptions {
  config: Config;
  /** The instant "now" for opening hours; tests and the terminal caller set it. */
  clock?: () => Date;
  /** Twilio auth token; absent: signatures are not checked (never in production). */
  authToken?: string | undefined;
  /** The public base URL Twilio calls, e.g. https://ivr.example.be. */
  publicBaseUrl?: string | undefined;
  /** Honour X-Forwarded-Proto/-Host (behind a reverse proxy). */
  trustProxy?: boolean;
  /** A pino logger; default: info level to stdout. */
  logger?: Logger;
  /** Shedding load with 503 when the event loop is saturated (src/overload.ts). */
  overload?: Partial<OverloadOptions>;
}

export interface Helpline {
  config: Config;
  engine: Engine;
  renderer: TwimlRenderer;
  clock: () => Date;
  baseUrl: string;
  authToken: string | undefined;
  publicBaseUrl: string | undefined;
  /** The bilingual fallback TwiML for when anything goes wrong, rendered once (fallbackTwiml). */
  safeTwiml: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    helpline: Helpline;
  }
}

/** Twilio's webhook bodies are a few kilobytes at most. */
export const BODY_LIMIT = 32 * 1024;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const safeTwiml = fallbackTwiml(options.config);
  const app = Fastify({
    loggerInstance: (options.logger ?? createLogger(process.env.LOG_LEVEL ?? 'info')) as FastifyBaseLogger,
    logController: new RequestLogsAtDebug(),
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    // Twilio gives up after 15 s; never hold a socket longer than that.
    requestTimeout: 14_000,
    connectionTimeout: 15_000,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // A URL Fastify cannot decode (e.g. /voice/%ff): a 400 like the others, without
    // Fastify's own JSON error (which names its internals).
    frameworkErrors: (error, request, reply) => {
      request.log.warn({ event: 'bad-request', status: 400, code: error.code }, 'request refused');
      void (reply as FastifyReply).code(400).type('text/xml').send(safeTwiml);
    },
  });

  const baseUrl = (options.publicBaseUrl ?? '').replace(/\/+$/, '');
  const renderer = new TwimlRenderer(options.config);
  const helpline: Helpline = {
    config: options.config,
    engine: new Engine(options.config),
    renderer,
    clock: options.clock ?? (() => new Date()),
    baseUrl,
    authToken: options.authToken || undefined,
    publicBaseUrl: baseUrl || undefined,
    safeTwiml,
  };
  app.decorate('helpline', helpline);

  // Never a 5xx or a stack trace to Twilio: an internal error answers the safe TwiML with
  // 200, so the caller hears the emergency numbers and is put through to a 24/7 service.
  // Requests that are not Twilio-shaped (wrong content type, oversized body) keep their 4xx.
  app.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      request.log.warn({ event: 'bad-request', status, code: error.code }, 'request refused');
      return reply.code(status).type('text/xml').send(helpline.safeTwiml);
    }
    request.log.error({ event: 'internal-error', err: error }, 'internal error: answered the safe TwiML');
    return reply.code(200).type('text/xml').send(helpline.safeTwiml);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // Another method on a webhook's path: not Twilio (which always POSTs).
    if (request.method !== 'POST' && WEBHOOK_PATHS.includes(path.replace(/\/+$/, ''))) {
      return reply.code(405).header('allow', 'POST').type('text/xml').send(helpline.safeTwiml);
    }
    // A POST to an unknown path mid-call (an old URL after a deploy): start the call again.
    if (request.method === 'POST') {
      request.log.warn({ event: 'unknown-webhook', path: request.url.split('?')[0] }, 'unknown webhook');
      return reply.code(200).type('text/xml').send(helpline.safeTwiml);
    }
    return reply.code(404).send({ error: 'not found' });
  });

  await overloadProtection(app, options.overload);
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  await app.register(healthRoutes);
  await app.register(audioRoutes);
  await app.register(voiceRoutes);
  return app;
}
