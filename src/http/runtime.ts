/**
 * The helpline at run time: the settings fixed at start and the configuration in force, with
 * everything built from it (engine, renderer, fallback document, recorded prompts). The app
 * (src/http/app.ts) makes one and hands it to the routes.
 */
import { readAudio, type AudioFile } from './audio.js';
import type { Config } from '../config/types.js';
import { Engine } from '../engine/index.js';
import { Metrics } from './metrics.js';
import { RefusalLog } from './refusals.js';
import { fallbackTwiml, TwimlRenderer } from '../call/twiml.js';

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

export interface HelplineOptions {
  /** The instant "now" for opening hours; tests and the terminal caller set it. */
  clock?: (() => Date) | undefined;
  /** Twilio auth token; absent: signatures are not checked (never in production). */
  authToken?: string | undefined;
  /** The public base URL Twilio calls, e.g. https://ivr.example.be. */
  publicBaseUrl?: string | undefined;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken?: string | undefined;
  /** Export the process's own metrics too (the server does; see src/http/metrics.ts). */
  processMetrics?: boolean | undefined;
}

/**
 * The line's state in the app: the settings fixed at start (clock, URLs, token, metrics)
 * and the configuration in force. A call keeps its state in the URLs, not here, so the
 * configuration can be swapped between two webhooks of a call (SIGHUP: src/http/reload.ts).
 */
export class Helpline {
  readonly clock: () => Date;
  readonly baseUrl: string;
  readonly authToken: string | undefined;
  readonly publicBaseUrl: string | undefined;
  readonly metricsToken: string | undefined;
  readonly metrics: Metrics;
  /** Refused requests: each counted, logged in summary (src/http/refusals.ts). */
  readonly refusals: RefusalLog;
  /** Fallback requests whose signature does not verify: answered, but counted and logged in
   * summary like refusals, so a forged flood on the public fallback URL writes a few lines. */
  readonly unsignedFallbacks: RefusalLog;
  private runtime: Runtime;

  constructor(config: Config, options: HelplineOptions = {}) {
    this.baseUrl = (options.publicBaseUrl ?? '').replace(/\/+$/, '');
    this.clock = options.clock ?? (() => new Date());
    this.authToken = options.authToken || undefined;
    this.publicBaseUrl = this.baseUrl || undefined;
    this.metricsToken = options.metricsToken || undefined;
    this.metrics = new Metrics({ processMetrics: options.processMetrics ?? false });
    this.refusals = new RefusalLog((kind) => this.metrics.refused(kind));
    this.unsignedFallbacks = new RefusalLog(() => this.metrics.fallbackUnsigned());
    this.runtime = build(config, this.clock());
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
    this.runtime = build(config, this.clock());
    this.metrics.configLoadedNow();
  }
}

/** `now`: the instant the fallback document is made for (the injected clock's). */
function build(config: Config, now: Date): Runtime {
  return {
    config,
    engine: new Engine(config),
    renderer: new TwimlRenderer(config),
    safeTwiml: fallbackTwiml(config, now),
    audio: readAudio(config),
  };
}
