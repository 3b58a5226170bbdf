/**
 * The two checks of `npm run preflight` that ask Twilio's REST API, through the `twilio`
 * package: one short test call to a service (--call), and where the helpline's number sends
 * its calls (--twilio). Loaded only for those options: the REST client is slow to load.
 */
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type { Config, Service } from '../config/types.js';
import { readEnv } from '../env.js';
import { testCallTwiml } from '../twiml.js';
import { brusselsDate } from '../verification.js';
import { UsageError } from './common.js';

type Client = ReturnType<typeof twilio>;

export const TWILIO_API = 'https://api.twilio.com';

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

export const TERMINAL = ['completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
/** Seconds the test call may last once answered (Twilio's TimeLimit). */
export const TEST_CALL_TIME_LIMIT = 60;

export interface TestCallResult {
  sid: string;
  /** The last status seen: one of TERMINAL, or the status when the wait ran out. */
  status: string;
  statuses: string[];
  durationSeconds?: number | undefined;
  timedOut: boolean;
}

export interface TestCallOptions {
  client: Client;
  service: Service;
  /** The helpline's number: the call's From. */
  from: string;
  twiml: string;
  sleep: (ms: number) => Promise<void>;
  onStatus?: (status: string, sid: string) => void;
}

/** Places the call, then asks for its status (after 0.25 s, doubling to 2 s) until it ends. */
export async function placeTestCall(o: TestCallOptions): Promise<TestCallResult> {
  const call = await o.client.calls.create({
    to: o.service.dial,
    from: o.from,
    twiml: o.twiml,
    timeout: o.service.dialTimeout,
    timeLimit: TEST_CALL_TIME_LIMIT,
  });
  const statuses = [call.status as string];
  o.onStatus?.(call.status, call.sid);
  let status: string = call.status;
  let duration: string | null = call.duration;
  // Ringing, then the message: the call cannot last longer, plus a margin for Twilio's queue.
  let waitLeft = (o.service.dialTimeout + TEST_CALL_TIME_LIMIT + 60) * 1000;
  let delay = 250;
  while (!(TERMINAL as readonly string[]).includes(status) && waitLeft > 0) {
    await o.sleep(delay);
    waitLeft -= delay;
    delay = Math.min(delay * 2, 2000);
    const now = await o.client.calls(call.sid).fetch();
    duration = now.duration;
    if (now.status !== status) {
      status = now.status;
      statuses.push(status);
      o.onStatus?.(status, call.sid);
    }
  }
  const timedOut = !(TERMINAL as readonly string[]).includes(status);
  if (timedOut) {
    // Do not leave a call ringing at a service: end it (best effort).
    await o.client
      .calls(call.sid)
      .update({ status: status === 'in-progress' ? 'completed' : 'canceled' })
      .catch(() => undefined);
  }
  const seconds = duration === null || duration === undefined ? undefined : Number(duration);
  return { sid: call.sid, status, statuses, durationSeconds: Number.isFinite(seconds) ? seconds : undefined, timedOut };
}

export interface NumberCheckLine {
  ok: boolean;
  what: 'number' | 'voice-url' | 'fallback-url';
  text: string;
}

const TWIML_BIN = /^\/twiml\/EH[0-9a-f]{32}$/;

/** Whether a URL is a TwiML Bin: static, served by Twilio, up when the line is down. */
export function isTwimlBin(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.hostname === 'handler.twilio.com' && TWIML_BIN.test(u.pathname);
  } catch {
    return false;
  }
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

/** Reads the helpline number's configuration (IncomingPhoneNumbers, filtered by the number). */
export async function checkHelplineNumber(o: {
  client: Client;
  number: string;
  publicBaseUrl: string | undefined;
}): Promise<NumberCheckLine[]> {
  const found = await o.client.incomingPhoneNumbers.list({ phoneNumber: o.number, limit: 20 });
  const n = found.find((p) => p.phoneNumber === o.number) ?? found[0];
  if (!n)
    return [
      {
        ok: false,
        what: 'number',
        text: "the helpline's number (HOTLINE_NUMBER) is not a number of this Twilio account",
      },
    ];
  const lines: NumberCheckLine[] = [
    { ok: true, what: 'number', text: `the helpline's number is in this account (${n.sid})` },
  ];
  const expected = o.publicBaseUrl ? `${o.publicBaseUrl}/voice` : undefined;
  if (n.trunkSid || n.voiceApplicationSid) {
    lines.push({
      ok: false,
      what: 'voice-url',
      text: `calls go to ${n.trunkSid ? `the SIP trunk ${n.trunkSid}` : `the TwiML App ${n.voiceApplicationSid}`}, which overrides the number's voice URL: point the number's voice URL at ${expected ?? 'PUBLIC_BASE_URL/voice'} instead`,
    });
  } else if (!expected) {
    lines.push({
      ok: false,
      what: 'voice-url',
      text: `voice URL ${n.voiceUrl || '(none)'}: PUBLIC_BASE_URL is not set, so it cannot be compared with this deployment`,
    });
  } else if (!n.voiceUrl || !sameUrl(n.voiceUrl, expected)) {
    lines.push({
      ok: false,
      what: 'voice-url',
      text: `voice URL ${n.voiceUrl || '(none)'}: not this deployment; set it to ${expected} (HTTP POST)`,
    });
  } else if ((n.voiceMethod ?? 'POST').toUpperCase() !== 'POST') {
    lines.push({
      ok: false,
      what: 'voice-url',
      text: `voice URL ${n.voiceUrl} is requested with ${n.voiceMethod}: set "HTTP POST" (the line answers POST only)`,
    });
  } else {
    lines.push({ ok: true, what: 'voice-url', text: `voice URL ${n.voiceUrl} (POST): this deployment` });
  }
  const fb = n.voiceFallbackUrl;
  if (!fb) {
    lines.push({
      ok: false,
      what: 'fallback-url',
      text: 'no fallback URL: when the line cannot answer, callers hear a generic error. Paste `npm run fallback` into a TwiML Bin and set it as "Primary handler fails"',
    });
  } else if (isTwimlBin(fb)) {
    lines.push({ ok: true, what: 'fallback-url', text: `fallback URL ${fb}: a TwiML Bin (static, served by Twilio)` });
  } else if (o.publicBaseUrl && new URL(o.publicBaseUrl).host === safeHost(fb)) {
    lines.push({
      ok: false,
      what: 'fallback-url',
      text: `fallback URL ${fb} is served by this deployment, so it fails when the line does: use a TwiML Bin with \`npm run fallback\`'s document`,
    });
  } else {
    lines.push({
      ok: false,
      what: 'fallback-url',
      text: `fallback URL ${fb} is not a TwiML Bin (https://handler.twilio.com/twiml/EH...): use a TwiML Bin with \`npm run fallback\`'s document`,
    });
  }
  return lines;
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

// --- the two commands ------------------------------------------------------------------------

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

/** `--call SERVICE` or `--twilio`; resolves with the exit status. */
export async function runTwilioCheck(o: RemoteCommand): Promise<number> {
  const client = restClient(o.env);
  try {
    return o.call !== undefined ? await testCallCommand(o, o.call, client) : await numberCommand(o, client);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const e = err as { status?: number; code?: number | string; message?: string };
    const hint = e.status === 401 ? ': check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN' : '';
    o.io.err(
      `Twilio's API refused the request${e.status ? ` (HTTP ${e.status}${e.code ? `, error ${e.code}` : ''})` : ''}: ${e.message ?? String(err)}${hint}\n`,
    );
    return 1;
  }
}

const OUTCOME_HINTS: Record<string, string> = {
  busy: 'the line was busy: try again later.',
  'no-answer': "nobody answered before the ring timeout (the service's dial_timeout).",
  failed:
    "Twilio could not place the call: check the number, the account's Voice geographic permissions for Belgium, and the call's log in the Twilio Console.",
  canceled: 'the call was cancelled before it was answered.',
};

async function testCallCommand(o: RemoteCommand, id: string, client: Client): Promise<number> {
  const service = o.config.services[id];
  if (!service)
    throw new UsageError(
      `--call: unknown service "${id}" (the directory has: ${Object.keys(o.config.services).join(', ')})`,
    );
  if (service.connect === 'say') {
    throw new UsageError(
      `--call: ${id} has connect: say: the line says its number (${service.dial}) and never dials it, so there is no transfer to test through Twilio.`,
    );
  }
  const from = o.config.settings.hotlineNumber;
  if (!from)
    throw new UsageError(
      "--call: HOTLINE_NUMBER (or settings.hotline_number in the directory) is not set: the test call comes from the helpline's number",
    );
  const say = (t: string) => {
    if (!o.json) o.io.out(`${t}\n`);
  };
  say(`Test call to ${id} (${service.dial}) from the helpline's number, through Twilio:`);
  const r = await placeTestCall({
    client,
    service,
    from,
    twiml: testCallTwiml(o.config),
    sleep: o.sleep,
    onStatus: (s, sid) => say(`  ${s}${s === 'queued' ? ` (${sid})` : ''}`),
  });
  const ok = r.status === 'completed';
  if (o.json) {
    o.io.out(JSON.stringify({ service: id, dial: service.dial, ok, ...r }, null, 2) + '\n');
  } else if (ok) {
    say(
      `Completed: ${id} answered${r.durationSeconds !== undefined ? ` (${r.durationSeconds} s)` : ''}. If a person there confirmed the number and the hours, record it in the directory: verified: "${brusselsDate(o.now)}" (and a verified_note).`,
    );
  } else if (r.timedOut) {
    say(
      `Not completed: still ${r.status} after the longest the call could take; it was ended. See the call ${r.sid} in the Twilio Console.`,
    );
  } else {
    say(`Not completed: ${r.status}: ${OUTCOME_HINTS[r.status] ?? ''}`.trimEnd());
  }
  return ok ? 0 : 1;
}

async function numberCommand(o: RemoteCommand, client: Client): Promise<number> {
  const number = o.config.settings.hotlineNumber;
  if (!number)
    throw new UsageError(
      '--twilio: HOTLINE_NUMBER (or settings.hotline_number in the directory) is not set: it names the number to look up',
    );
  const publicBaseUrl = readEnv(o.env).publicBaseUrl;
  const lines = await checkHelplineNumber({ client, number, publicBaseUrl });
  const ok = lines.every((l) => l.ok);
  if (o.json) {
    o.io.out(JSON.stringify({ ok, checks: lines }, null, 2) + '\n');
  } else {
    o.io.out(
      `The helpline's number in the Twilio account:\n${lines.map((l) => `  ${l.ok ? 'ok ' : 'NOT'} ${l.text}`).join('\n')}\n`,
    );
    o.io.out(
      ok
        ? 'Twilio: the number answers with this deployment and falls back to a TwiML Bin.\n'
        : `Twilio: ${lines.filter((l) => !l.ok).length} problem(s) to fix in the Console (Phone Numbers > the number > Voice configuration).\n`,
    );
  }
  return ok ? 0 : 1;
}
