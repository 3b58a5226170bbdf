/**
 * The app factory: builds the Fastify app for a checked configuration. It never listens
 * (src/server.ts does), so tests drive it with app.inject() exactly as Twilio would.
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { audioRoutes, readAudio, type AudioFile } from '../routes/audio.js';
import { healthRoutes } from '../routes/health.js';
import { metricsRoutes } from '../routes/metrics.js';
import { voiceRoutes, WEBHOOK_PATHS } from '../routes/voice.js';
import type { Config } from './config/types.js';
import { Engine } from './engine.js';
import { createLogger, RequestLogsAtDebug } from './logging.js';
import { Metrics } from './metrics.js';
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
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken?: string | undefined;
  /** Serve GET /metrics at all (default true; the server turns it off in production
   * without METRICS_TOKEN, so usage figures never answer anyone who reaches the port). */
  metricsEnabled?: boolean;
  /** Export the process's own metrics too (the server does; see src/metrics.ts). */
  processMetrics?: boolean;
}

/** Everything that follows from one configuration; swapped whole by Helpline.reload(). */
export interface Runtime {
  readonly config: Config;
  readonly engine: Engine;
  readonly renderer: TwimlRenderer;
  /** The bilingual fallback TwiML for when anything goes wrong, rendered once per
   * configuration (fallbackTwiml). */
  readonly safeTwiml: string;
  /** The recorded prompts, read once per configuration. */
  readonly audio: ReadonlyMap<string, AudioFile>;
}

/**
 * The line's state in the app: the settings fixed at start (clock, URLs, token, metrics)
 * and the configuration in force. A call keeps its state in the URLs, not here, so the
 * configuration can be swapped between two webhooks of a call (SIGHUP: src/reload.ts).
 */
export class Helpline {
  readonly clock: () => Date;
  readonly baseUrl: string;
  readonly authToken: string | undefined;
  readonly publicBaseUrl: string | undefined;
  readonly metricsToken: string | undefined;
  readonly metrics: Metrics;
  private runtime: Runtime;

  constructor(config: Config, options: Omit<AppOptions, 'config' | 'logger' | 'trustProxy' | 'overload'>) {
    this.baseUrl = (options.publicBaseUrl ?? '').replace(/\/+$/, '');
    this.clock = options.clock ?? (() => new Date());
    this.authToken = options.authToken || undefined;
    this.publicBaseUrl = this.baseUrl || undefined;
    this.metricsToken = options.metricsToken || undefined;
    this.metrics = new Metrics({ processMetrics: options.processMetrics ?? false });
    this.runtime = this.build(config);
    this.metrics.configLoadedNow();
  }

  /** The configuration in force, as one consistent whole: read it once per request. */
  get current(): Runtime {
    return this.runtime;
  }

  get config(): Config {
    return this.runtime.config;
  }

  get engine(): Engine {
    return this.runtime.engine;
  }

  get renderer(): TwimlRenderer {
    return this.runtime.renderer;
  }

  get safeTwiml(): string {
    return this.runtime.safeTwiml;
  }

  /**
   * Put a new (already checked) configuration in force. Everything derived from it is
   * built first; if that throws, the configuration in force stays. Requests that already
   * read `current` finish with the configuration they started with.
   */
  reload(config: Config): void {
    const next = this.build(config);
    this.runtime = next;
    this.metrics.configLoadedNow();
  }

  private build(config: Config): Runtime {
    return {
      config,
      engine: new Engine(config),
      renderer: new TwimlRenderer(config),
      safeTwiml: fallbackTwiml(config),
      audio: readAudio(config),
    };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    helpline: Helpline;
  }
}

/** Twilio's webhook bodies are a few kilobytes at most. */
export const BODY_LIMIT = 32 * 1024;

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
    return503OnClosing: false, // never a 503 while stopping: src/shutdown.ts answers or refuses
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // A URL Fastify cannot decode (e.g. /voice/%ff): a 400 like the others, without
    // Fastify's own JSON error (which names its internals).
    frameworkErrors: (error, request, reply) => {
      request.log.warn({ event: 'bad-request', status: 400, code: error.code }, 'request refused');
      void (reply as FastifyReply).code(400).type('text/xml').send(helpline.safeTwiml);
    },
  });

  app.decorate('helpline', helpline);

  // Webhook latency, by route pattern (never the raw URL with its query string). A callback
  // hook: an async one costs a promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    helpline.metrics.observeRequest(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

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
    helpline.metrics.internalError();
    return reply.code(200).type('text/xml').send(helpline.safeTwiml);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // Another method on a webhook's path: not Twilio (which always POSTs).
    if (request.method !== 'POST' && WEBHOOK_PATHS.includes(path.replace(/\/+$/, ''))) {
      return reply.code(405).header('allow', 'POST').type('text/xml').send(helpline.safeTwiml);
    }
    // A POST to an unknown path mid-call (an old URL after a deploy): the fallback document,
    // which needs no call state. The path is not logged: anyone can write anything there.
    if (request.method === 'POST') {
      request.log.warn({ event: 'unknown-webhook' }, 'unknown webhook');
      return reply.code(200).type('text/xml').send(helpline.safeTwiml);
    }
    return reply.code(404).send({ error: 'not found' });
  });

  const gate = await overloadProtection(app, options.overload);
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  // Shed under overload: the webhooks in their own preHandler, the other routes here.
  await app.register(async (others) => {
    others.addHook('onRequest', gate.onRequest);
    await others.register(healthRoutes);
    await others.register(audioRoutes);
    if (options.metricsEnabled ?? true) await others.register(metricsRoutes);
  });
  await app.register(voiceRoutes, { gate });
  return app;
}
