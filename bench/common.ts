/**
 * What the two benches share (`npm run bench`, bench/webhooks.ts; `npm run bench:instructions`,
 * bench/instructions.ts): where the servers are, how the line is started, and the webhooks as
 * Twilio signs them.
 */
import { fileURLToPath } from 'node:url';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import { LINE_PROCESS_ENV } from '../src/http/launch.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const LINE_ENTRY = `${ROOT}dist/server.mjs`;
/** Node's flags for the line, as `npm start` and the Dockerfile pass them (src/http/launch.ts). */
export { LINE_NODE_FLAGS } from '../src/http/launch.js';
export const BARE_ENTRY = `${ROOT}dist-bench/bench/bare-server.js`;
export const HOST = '127.0.0.1';
/** The public base the line believes Twilio calls; only a string here, never contacted. */
export const BASE = 'https://ivr.example.be';
export const TOKEN = 'bench-auth-token-0123456789abcdef';
export const HOTLINE = '+3225550100';

/** The line's environment in the benches: as `npm start` sets it (src/http/launch.ts), production,
 * signatures checked (LOG_LEVEL: each bench's). */
export const LINE_ENV: Record<string, string> = {
  ...LINE_PROCESS_ENV,
  NODE_ENV: 'production',
  TWILIO_AUTH_TOKEN: TOKEN,
  PUBLIC_BASE_URL: BASE,
  HOTLINE_NUMBER: HOTLINE,
  TRUST_PROXY: '',
};

/** The parameters of an inbound call from a Belgian mobile, as Twilio sends them. */
export function callParams(i: number, extra: Record<string, string>): Record<string, string> {
  const caller = `+3247${String(1_000_000 + i).padStart(7, '0')}`;
  return {
    AccountSid: 'AC' + '1'.repeat(32),
    ApiVersion: '2010-04-01',
    CallSid: 'CA' + i.toString(16).padStart(32, '0'),
    CallStatus: 'in-progress',
    Called: HOTLINE,
    CalledCity: '',
    CalledCountry: 'BE',
    CalledState: '',
    CalledZip: '',
    Caller: caller,
    CallerCity: '',
    CallerCountry: 'BE',
    CallerState: '',
    CallerZip: '',
    Direction: 'inbound',
    From: caller,
    FromCity: '',
    FromCountry: 'BE',
    FromState: '',
    FromZip: '',
    To: HOTLINE,
    ToCity: '',
    ToCountry: 'BE',
    ToState: '',
    ToZip: '',
    ...extra,
  };
}

export interface SignedRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** One signed request per simulated call to `path` (the server checks a different signature
 * each time), with the webhook's own parameters `extra`. */
export function signedRequests(
  path: string,
  extra: Record<string, string>,
  count: number,
  token = TOKEN,
): SignedRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const params = callParams(i + 1, extra);
    return {
      method: 'POST',
      path,
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
        'user-agent': 'TwilioProxy/1.1',
        accept: '*/*',
        'cache-control': 'max-age=259200',
        'i-twilio-idempotency-token': `bench-${i}`,
        'x-home-region': 'us1',
        'x-twilio-signature': webhooks.getExpectedTwilioSignature(token, BASE + path, params),
      },
      body: new URLSearchParams(params).toString(),
    };
  });
}
