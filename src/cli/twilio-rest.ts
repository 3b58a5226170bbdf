/**
 * Twilio's REST client for `npm run preflight -- --call SERVICE`, `--twilio` and `npm run purge`,
 * from the account's credentials, in the account's region (TWILIO_REGION, TWILIO_EDGE), retrying
 * what Twilio asks to retry, optionally pointed at a stand-in (PREFLIGHT_TWILIO_API); and what
 * the preflight's two commands are given.
 */
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type { Config } from '../config/types.js';
import { UsageError } from './common.js';

export type Client = ReturnType<typeof twilio>;

export const TWILIO_API = 'https://api.twilio.com';

/** `--call SERVICE` or `--twilio`, with the data, the environment and the output. */
export interface RemoteCommand {
  config: Config;
  env: NodeJS.ProcessEnv;
  now: Date;
  io: { out(text: string): void; err(text: string): void };
  json: boolean;
  /** --call SERVICE; undefined: --twilio. */
  call?: string | undefined;
  sleep: (ms: number) => Promise<void>;
}

/** Attempts per request, the first included, when Twilio answers 429 or 5xx. */
export const MAX_ATTEMPTS = 5;
/** The longest wait between attempts, whatever Retry-After says. */
export const MAX_RETRY_WAIT_MS = 60_000;

/** How long Retry-After asks to wait (seconds or an HTTP date), in ms; undefined if absent or unreadable. */
export function retryAfterMs(value: unknown, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const text = String(v).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The library's HTTP client, with retries: 429 (too many requests, nothing was done) for every
 * method, 5xx only for GET and DELETE (repeating them is harmless; a POST might place a second
 * call). It waits what Retry-After says, else 1, 2, 4, 8 s. twilio-node's own autoRetry covers
 * 429 only and ignores Retry-After. With `base`, requests go to a stand-in instead (twilio-node's
 * documented way: a custom httpClient that rewrites the URI), for tests.
 */
class PatientRequestClient extends twilio.RequestClient {
  constructor(
    private readonly base: string | undefined,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    super();
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>) {
    let uri = opts.uri;
    if (this.base) {
      const u = new URL(opts.uri);
      uri = this.base + u.pathname + u.search;
    }
    const idempotent = ['GET', 'DELETE'].includes(String(opts.method).toUpperCase());
    for (let attempt = 1; ; attempt++) {
      const res = await super.request<TData>({ ...opts, uri });
      const retry = res.statusCode === 429 || (res.statusCode >= 500 && idempotent);
      if (!retry || attempt >= MAX_ATTEMPTS) return res;
      const asked = retryAfterMs((res.headers as Record<string, unknown> | undefined)?.['retry-after']);
      await this.sleep(Math.min(asked ?? 1000 * 2 ** (attempt - 1), MAX_RETRY_WAIT_MS));
    }
  }
}

/** TWILIO_REGION and TWILIO_EDGE, checked. IE1 needs an edge (api.ie1.twilio.com no longer
 * answers since 28 April 2026): dublin unless another is set. */
export function apiLocation(env: NodeJS.ProcessEnv): { region?: string; edge?: string } {
  const region = env.TWILIO_REGION?.trim().toLowerCase() || undefined;
  let edge = env.TWILIO_EDGE?.trim().toLowerCase() || undefined;
  if (region && !/^[a-z]{2}\d$/.test(region))
    throw new UsageError(`TWILIO_REGION: "${region}" is not a Twilio region such as ie1 (or empty for us1)`);
  if (edge && !/^[a-z][a-z0-9-]*$/.test(edge))
    throw new UsageError(`TWILIO_EDGE: "${edge}" is not a Twilio edge location such as dublin`);
  if (region === 'ie1' && !edge) edge = 'dublin';
  return { ...(region ? { region } : {}), ...(edge ? { edge } : {}) };
}

/** PREFLIGHT_TWILIO_API, checked: HTTPS, or plain HTTP to this machine only, so the auth
 * token never crosses a network in clear. */
export function apiBase(value: string | undefined): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new UsageError(`PREFLIGHT_TWILIO_API: "${v}" is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new UsageError(
      `PREFLIGHT_TWILIO_API: use https://, or http:// to 127.0.0.1 (a stand-in): the auth token must not travel in clear`,
    );
  }
  return v.replace(/\/+$/, '');
}

/** A REST client from TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (the region's own token), in
 * TWILIO_REGION/TWILIO_EDGE; a UsageError names what is missing. `sleep`: how retries wait. */
export function restClient(
  env: NodeJS.ProcessEnv,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Client {
  const accountSid = env.TWILIO_ACCOUNT_SID?.trim();
  const authToken = env.TWILIO_AUTH_TOKEN?.trim();
  const missing = [!accountSid && 'TWILIO_ACCOUNT_SID', !authToken && 'TWILIO_AUTH_TOKEN'].filter(Boolean);
  if (missing.length > 0)
    throw new UsageError(
      `${missing.join(' and ')} not set: this command uses the Twilio account's REST API (Console > Account > API keys & tokens)`,
    );
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid!))
    throw new UsageError('TWILIO_ACCOUNT_SID: an account SID starts with AC followed by 32 hexadecimal characters');
  const base = apiBase(env.PREFLIGHT_TWILIO_API);
  return twilio(accountSid, authToken, {
    ...apiLocation(env),
    httpClient: new PatientRequestClient(base, sleep),
  });
}
