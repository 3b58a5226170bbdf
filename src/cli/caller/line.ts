/**
 * The line as Twilio sees it: webhooks it signs and posts (or gets), TwiML it reads back, audio
 * it fetches for <Play>. Only HTTP: the line is any app that answers a request, in-process.
 * Part of the terminal caller, which knows only TwiML (an import rule in biome.json).
 */
import { randomBytes } from 'node:crypto';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import { readTwiml, TwimlError, type TwimlNode } from '../twiml-reader.js';
import type { CallEvent } from './transcript.js';

/** A request as Twilio sends it; Fastify's app.inject takes this shape (no port needed). */
export interface LineRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  payload?: string;
}
export interface LineResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  rawPayload: Buffer;
}

/** A line to call: an app that answers requests, the base URL it answers under, and the auth
 * token it checks signatures with. */
export interface LineUnderTest {
  app: { inject(request: LineRequest): Promise<LineResponse> };
  /** e.g. https://ivr.example.be */
  baseUrl: string;
  authToken: string;
}

/** Something Twilio would refuse or fail on: the call ends with an ERROR. */
export class CallError extends Error {}

export const DEFAULT_FROM = '+32470000000';
export const DEFAULT_TO = '+3225550100';

/** A Twilio SID: two letters and 32 hex digits. */
export const sid = (prefix: 'AC' | 'CA'): string => prefix + randomBytes(16).toString('hex');

/** X-Twilio-Signature as Twilio computes it: twilio's own signer, not a copy of it. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  return webhooks.getExpectedTwilioSignature(authToken, url, params);
}

export interface LineClient {
  /** The line's origin: a URL elsewhere is outside the line. */
  base: URL;
  /** Requests a TwiML document as Twilio does: a signed form post (or GET), then reads it. */
  twiml(url: URL, method: 'GET' | 'POST', params: Record<string, string>): Promise<TwimlNode>;
  /** Fetches a <Play> URL of the line; it must answer audio. */
  audio(url: URL): Promise<{ contentType: string; bytes: number }>;
}

const contentType = (res: LineResponse): string => String(res.headers['content-type'] ?? '');

/** The webhooks of one call: the same CallSid and parameters on each, as Twilio sends them. */
export function callLine(
  line: LineUnderTest,
  call: { from: string; to: string; emit(e: CallEvent): void },
): LineClient {
  const { app, authToken } = line;
  const base = new URL(line.baseUrl);
  const callParams: Record<string, string> = {
    AccountSid: sid('AC'),
    ApiVersion: '2010-04-01',
    CallSid: sid('CA'),
    CallStatus: 'ringing',
    Called: call.to,
    Caller: call.from,
    Direction: 'inbound',
    From: call.from,
    FromCountry: 'BE',
    To: call.to,
    ToCountry: 'BE',
  };

  async function twiml(url: URL, method: 'GET' | 'POST', extra: Record<string, string>): Promise<TwimlNode> {
    if (url.origin !== base.origin) {
      throw new CallError(`the TwiML sends the call to ${url.href}, outside the line (${base.origin})`);
    }
    const params = { ...callParams, ...extra };
    let path = url.pathname + url.search;
    let payload: string | undefined;
    let signed: Record<string, string> = params;
    if (method === 'GET') {
      const q = new URLSearchParams(url.search);
      for (const [k, v] of Object.entries(params)) q.append(k, v);
      path = `${url.pathname}?${q.toString()}`;
      signed = {};
    } else {
      payload = new URLSearchParams(params).toString();
    }
    const full = base.origin + path;
    call.emit({ event: 'request', method, url: full });
    const headers: Record<string, string> = {
      host: base.host,
      'user-agent': 'TwilioProxy/1.1',
      'x-twilio-signature': twilioSignature(authToken, full, signed),
    };
    if (payload !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
    const res = await app.inject({ method, url: path, headers, ...(payload !== undefined ? { payload } : {}) });
    if (res.statusCode !== 200) {
      const twilio = 'Twilio would play its error message (or the fallback URL)';
      throw new CallError(`${method} ${path} answered HTTP ${res.statusCode}, not 200: ${twilio}`);
    }
    const type = contentType(res);
    if (!/^(text|application)\/xml\b/.test(type)) {
      throw new CallError(`${method} ${path} answered Content-Type "${type}", not text/xml (Twilio error 12300)`);
    }
    callParams.CallStatus = 'in-progress';
    try {
      return readTwiml(res.body);
    } catch (err) {
      if (err instanceof TwimlError) throw new CallError(`${method} ${path}: ${err.message}`);
      throw err;
    }
  }

  async function audio(url: URL): Promise<{ contentType: string; bytes: number }> {
    const res = await app.inject({ method: 'GET', url: url.pathname + url.search, headers: { host: base.host } });
    const type = contentType(res);
    if (res.statusCode !== 200 || !/^audio\//.test(type)) {
      throw new CallError(`<Play> ${url.href} answered HTTP ${res.statusCode} ${type}: Twilio cannot play it`);
    }
    return { contentType: type, bytes: res.rawPayload.length };
  }

  return { base, twiml, audio };
}
