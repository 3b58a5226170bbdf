/**
 * Prometheus metrics (GET /metrics), without personal data.
 *
 * Counters are derived from the engine's FlowEvents, whose values are the data's own ids
 * (menus, keys the menu knows, services, languages); every label value is checked against
 * the configuration in force once more before it is used, and anything else is counted as
 * "other". No label ever carries a phone number, a CallSid or anything a caller typed.
 *
 * Each app has its own Registry (never prom-client's global one), so several apps in one
 * process (tests, replicas in a bench) keep separate counts.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { RESERVED_MENU_IDS, type Config } from '../config/types.js';
import { KEY } from '../config/constants.js';
import { DIAL_STATUSES, type FlowEvent } from '../engine/types.js';
import { CLOSURE_KINDS } from '../time/hours.js';
import { droppedLogLines } from './logging.js';

const PREFIX = 'helpline_';
const OTHER = 'other';
const OUTCOMES = ['completed', 'busy', 'no-answer', 'failed', 'missing'];
const STATUSES = [...DIAL_STATUSES, 'unknown', 'missing'];
const METHODS = ['GET', 'HEAD', 'POST'];

/** Seconds; Twilio gives up on a webhook after 15 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

export interface MetricsOptions {
  /** Also export the process's own metrics (CPU, memory, event loop): the server does;
   * tests and embedded apps leave them out (they install process-wide observers). */
  processMetrics?: boolean;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly calls: Counter;
  private readonly languages: Counter<'language' | 'via'>;
  private readonly switches: Counter<'language'>;
  private readonly choices: Counter<'menu' | 'key'>;
  private readonly navigation: Counter<'menu' | 'action'>;
  private readonly failedInputs: Counter<'menu' | 'kind'>;
  private readonly safetyNet: Counter;
  private readonly noneOpen: Counter;
  private readonly transfers: Counter<'service'>;
  private readonly numbersSaid: Counter<'service'>;
  private readonly outcomes: Counter<'service' | 'outcome' | 'status'>;
  private readonly closed: Counter<'service' | 'reason'>;
  private readonly fallbacks: Counter;
  private readonly fallbacksUnsigned: Counter;
  private readonly internalErrors: Counter;
  private readonly refusals: Counter<'kind'>;
  private readonly reloads: Counter<'result'>;
  private readonly configLoaded: Gauge;
  private readonly latency: Histogram<'method' | 'route' | 'status_code'>;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Counter<L>({ name: PREFIX + name, help, labelNames, registers });
    this.calls = counter('calls_total', 'Calls answered (POST /voice).');
    this.languages = counter(
      'call_language_total',
      'Languages calls continue in: chosen by key, or none (language "none", via "default") after silence or wrong keys: then every greeting language.',
      ['language', 'via'],
    );
    this.switches = counter(
      'language_switches_total',
      'Callers who asked for the language choice again (its key in a menu), by the language they were in.',
      ['language'],
    );
    this.choices = counter('menu_choices_total', 'Options chosen, by menu and key (only keys the menu offers).', [
      'menu',
      'key',
    ]);
    this.navigation = counter('menu_navigation_total', 'Keys that work in every menu: repeat or back, by menu.', [
      'menu',
      'action',
    ]);
    this.failedInputs = counter('failed_inputs_total', 'Time-outs (no key) and keys not in the menu, by menu.', [
      'menu',
      'kind',
    ]);
    this.safetyNet = counter(
      'safety_net_total',
      'Times the line put through a caller who did not choose (silence, wrong keys, or a safety-net transfer that failed).',
    );
    this.noneOpen = counter('none_open_total', 'Callers told that no other service is open now (the call then ends).');
    this.transfers = counter('transfers_total', 'Transfers started, by service.', ['service']);
    this.numbersSaid = counter(
      'numbers_said_total',
      "Callers told a service's number to dial themselves (connect: say), by service.",
      ['service'],
    );
    this.outcomes = counter(
      'transfer_outcomes_total',
      "Transfer outcomes, by service: outcome as the line handles it, status as Twilio's DialCallStatus.",
      ['service', 'outcome', 'status'],
    );
    this.closed = counter('closed_total', 'Callers who chose a service while it was closed, by service and why.', [
      'service',
      'reason',
    ]);
    this.fallbacks = counter(
      'fallbacks_total',
      "Requests to the number's fallback URL (Twilio could not use the line's answer).",
    );
    this.fallbacksUnsigned = counter(
      'fallback_unsigned_total',
      'Requests to the fallback URL whose signature did not verify, answered all the same (public text): a wrong PUBLIC_BASE_URL or TWILIO_AUTH_TOKEN, or not Twilio.',
    );
    this.internalErrors = counter('internal_errors_total', 'Internal errors answered with the fallback TwiML.');
    this.refusals = counter(
      'refused_requests_total',
      'Requests refused before any webhook ran (a forged signature, a malformed request), by kind.',
      ['kind'],
    );
    let counted = 0;
    new Counter({
      name: PREFIX + 'log_lines_dropped_total',
      help: "Log lines given up because stdout's reader was gone or too slow (src/http/logging.ts).",
      registers,
      collect() {
        const now = droppedLogLines();
        if (now > counted) this.inc(now - counted);
        counted = now;
      },
    });
    this.reloads = counter('config_reloads_total', 'Reloads of the data files (SIGHUP), by result.', ['result']);
    this.configLoaded = new Gauge({
      name: PREFIX + 'config_loaded_timestamp_seconds',
      help: 'When the configuration in force was loaded (Unix time).',
      registers,
    });
    this.latency = new Histogram({
      name: PREFIX + 'http_request_duration_seconds',
      help: 'Time to answer a request, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    // Known series start at 0, so rates and alerts work before the first event.
    for (const result of ['ok', 'failed']) this.reloads.inc({ result }, 0);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Count what one webhook's flow did. `config` is the configuration that produced it. */
  record(events: readonly FlowEvent[], config: Config): void {
    const lang = (l: string | undefined) => (l !== undefined && config.languages.includes(l) ? l : OTHER);
    const menu = (m: string | undefined) =>
      m !== undefined && (Object.hasOwn(config.flow.menus, m) || RESERVED_MENU_IDS.includes(m)) ? m : OTHER;
    const service = (s: string | undefined) => (s !== undefined && Object.hasOwn(config.services, s) ? s : 'unknown');
    const oneOf = (v: string | undefined, allowed: readonly string[]) =>
      v !== undefined && allowed.includes(v) ? v : OTHER;
    for (const e of events) {
      switch (e.event) {
        case 'call':
          this.calls.inc();
          break;
        case 'language':
          this.languages.inc({ language: lang(e.lang), via: 'key' });
          break;
        case 'default-language':
          // A caller who chose none goes on in every greeting language: counted as "none".
          this.languages.inc({ language: 'none', via: 'default' });
          break;
        case 'switch-language':
          this.switches.inc({ language: lang(e.lang) });
          break;
        case 'choice':
          this.choices.inc({ menu: menu(e.menu), key: e.key !== undefined && KEY.test(e.key) ? e.key : OTHER });
          break;
        case 'repeat':
        case 'back':
          this.navigation.inc({ menu: menu(e.menu), action: e.event });
          break;
        case 'no-input':
          this.failedInputs.inc({ menu: menu(e.menu), kind: 'timeout' });
          break;
        case 'invalid-key':
          this.failedInputs.inc({ menu: menu(e.menu), kind: 'invalid-key' });
          break;
        case 'safety-net':
          this.safetyNet.inc();
          break;
        case 'none-open':
          this.noneOpen.inc();
          break;
        case 'transfer':
          this.transfers.inc({ service: service(e.service) });
          break;
        case 'number-said':
          this.numbersSaid.inc({ service: service(e.service) });
          break;
        case 'dial-result':
          this.outcomes.inc({
            service: service(e.service),
            outcome: oneOf(e.outcome, OUTCOMES),
            status: oneOf(e.status, STATUSES),
          });
          break;
        case 'closed':
          this.closed.inc({ service: service(e.service), reason: oneOf(e.reason, CLOSURE_KINDS) });
          break;
        case 'goodbye':
          break;
        default: {
          // A new kind of event must be counted, or left out here on purpose.
          const unhandled: never = e;
          void unhandled;
        }
      }
    }
  }

  /** One answered request; `route` is the route's pattern (never the raw URL). */
  observeRequest(method: string, route: string | undefined, statusCode: number, seconds: number): void {
    this.latency.observe(this.requestLabels(method, route, statusCode), seconds);
  }

  /** The labels of a request's series, built once per series and reused (docs/architecture.md).
   * Bounded like the series themselves: methods x route patterns x status codes. */
  private readonly requestSeries = new Map<
    string,
    Map<string, Map<number, Readonly<Record<'method' | 'route' | 'status_code', string>>>>
  >();

  private requestLabels(
    methodIn: string,
    routeIn: string | undefined,
    statusCode: number,
  ): Readonly<Record<'method' | 'route' | 'status_code', string>> {
    const method = METHODS.includes(methodIn) ? methodIn : OTHER;
    const route = routeIn ?? 'unmatched';
    let byRoute = this.requestSeries.get(method);
    if (!byRoute) {
      byRoute = new Map();
      this.requestSeries.set(method, byRoute);
    }
    let byStatus = byRoute.get(route);
    if (!byStatus) {
      byStatus = new Map();
      byRoute.set(route, byStatus);
    }
    let labels = byStatus.get(statusCode);
    if (!labels) {
      labels = Object.freeze({ method, route, status_code: String(statusCode) });
      byStatus.set(statusCode, labels);
    }
    return labels;
  }

  fallback(): void {
    this.fallbacks.inc();
  }

  fallbackUnsigned(): void {
    this.fallbacksUnsigned.inc();
  }

  internalError(): void {
    this.internalErrors.inc();
  }

  /** `kind`: a word the code chose (src/http/refusals.ts), never the request's text. */
  refused(kind: string): void {
    this.refusals.inc({ kind });
  }

  configLoadedNow(): void {
    this.configLoaded.setToCurrentTime();
  }

  reload(result: 'ok' | 'failed'): void {
    this.reloads.inc({ result });
  }
}
