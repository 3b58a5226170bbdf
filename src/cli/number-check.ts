/**
 * `npm run preflight -- --twilio`: where the helpline's number sends its calls, read from
 * Twilio's REST API (its voice URL, and a fallback URL that works when the line does not).
 */
import { readEnv } from '../http/env.js';
import { UsageError } from './common.js';
import type { Client, RemoteCommand } from './twilio-rest.js';

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
