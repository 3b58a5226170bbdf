/**
 * `npm run preflight -- --twilio`: where the helpline's number sends its calls, read from
 * Twilio's REST API (its voice URL, a fallback URL that works when the line does not, and its
 * status callback). A URL of the number that does not start with PUBLIC_BASE_URL is named: the
 * line checks signatures against PUBLIC_BASE_URL, so such an address is another deployment's.
 */
import { readEnv } from '../http/env.js';
import { UsageError } from './common.js';
import type { Client, RemoteCommand } from './twilio-rest.js';

export interface NumberCheckLine {
  /** False: it blocks (exit 1). */
  ok: boolean;
  /** True: it does not block, but someone should look (printed WARN). */
  warning?: boolean;
  what: 'number' | 'voice-url' | 'fallback-url' | 'status-callback';
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

/** Whether `url` is under `base` (same scheme, host and port; its path starts with base's). */
export function startsWithBase(url: string, base: string): boolean {
  try {
    const u = new URL(url);
    const b = new URL(base);
    const path = b.pathname.endsWith('/') ? b.pathname : `${b.pathname}/`;
    return u.origin === b.origin && (u.pathname === b.pathname || u.pathname.startsWith(path));
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
    const elsewhere =
      n.voiceUrl && !startsWithBase(n.voiceUrl, o.publicBaseUrl!)
        ? ` (it does not start with PUBLIC_BASE_URL ${o.publicBaseUrl}: if Twilio should call this line there, PUBLIC_BASE_URL is wrong and every webhook's signature fails)`
        : '';
    lines.push({
      ok: false,
      what: 'voice-url',
      text: `voice URL ${n.voiceUrl || '(none)'}: not this deployment${elsewhere}; set it to ${expected} (HTTP POST)`,
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
    const elsewhere =
      o.publicBaseUrl && !startsWithBase(fb, o.publicBaseUrl)
        ? ` and does not start with PUBLIC_BASE_URL ${o.publicBaseUrl} (another deployment's?)`
        : '';
    lines.push({
      ok: false,
      what: 'fallback-url',
      text: `fallback URL ${fb} is not a TwiML Bin (https://handler.twilio.com/twiml/EH...)${elsewhere}: use a TwiML Bin with \`npm run fallback\`'s document`,
    });
  }
  lines.push(statusCallbackLine(n.statusCallback, o.publicBaseUrl));
  return lines;
}

/** The number's status callback: the line needs none and serves none. Twilio would post every
 * call's status, the caller's number included, to it: worth a look, but nothing a caller hears. */
function statusCallbackLine(url: string | null | undefined, publicBaseUrl: string | undefined): NumberCheckLine {
  if (!url) return { ok: true, what: 'status-callback', text: 'no status callback (the line needs none)' };
  const where =
    publicBaseUrl && startsWithBase(url, publicBaseUrl)
      ? 'the line serves no status callback (Twilio gets a 404 for every call)'
      : `it does not start with PUBLIC_BASE_URL${publicBaseUrl ? ` ${publicBaseUrl}` : ' (not set)'}, and Twilio sends it every call's status with the caller's number`;
  return {
    ok: true,
    warning: true,
    what: 'status-callback',
    text: `status callback ${url}: ${where}; clear it unless it is yours on purpose`,
  };
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** `--twilio`: the number's checks, printed; exit status 0 when all pass. */
export async function numberCommand(o: RemoteCommand, client: Client): Promise<number> {
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
      `The helpline's number in the Twilio account:\n${lines.map((l) => `  ${l.ok ? (l.warning ? 'WARN' : 'ok ') : 'NOT'} ${l.text}`).join('\n')}\n`,
    );
    const warnings = lines.filter((l) => l.warning).length;
    o.io.out(
      ok
        ? `Twilio: the number answers with this deployment and falls back to a TwiML Bin${warnings ? `; ${warnings} warning(s) above` : ''}.\n`
        : `Twilio: ${lines.filter((l) => !l.ok).length} problem(s) to fix in the Console (Phone Numbers > the number > Voice configuration).\n`,
    );
  }
  return ok ? 0 : 1;
}
