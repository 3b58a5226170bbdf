/**
 * Twilio's REST client for `npm run preflight -- --call SERVICE` and `--twilio`, from the
 * account's credentials, optionally pointed at a stand-in (PREFLIGHT_TWILIO_API); and what
 * the two commands are given.
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

/**
 * Sends the library's requests to another base URL (twilio-node's documented way: a custom
 * httpClient that rewrites the URI). Used with PREFLIGHT_TWILIO_API, for a stand-in in tests.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super();
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const u = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: this.base + u.pathname + u.search });
  }
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

/** A REST client from TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN; a UsageError names what is missing. */
export function restClient(env: NodeJS.ProcessEnv): Client {
  const accountSid = env.TWILIO_ACCOUNT_SID?.trim();
  const authToken = env.TWILIO_AUTH_TOKEN?.trim();
  const missing = [!accountSid && 'TWILIO_ACCOUNT_SID', !authToken && 'TWILIO_AUTH_TOKEN'].filter(Boolean);
  if (missing.length > 0)
    throw new UsageError(
      `${missing.join(' and ')} not set: --call and --twilio use the Twilio account's REST API (Console > Account > API keys & tokens)`,
    );
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid!))
    throw new UsageError('TWILIO_ACCOUNT_SID: an account SID starts with AC followed by 32 hexadecimal characters');
  const base = apiBase(env.PREFLIGHT_TWILIO_API);
  return twilio(accountSid, authToken, base ? { httpClient: new RebasedRequestClient(base) } : {});
}
