/**
 * Hostile input for the property-based tests: arbitraries for every parameter the webhooks
 * read, signed requests with repeated keys, and the checks every answer must pass.
 *
 * Replaying a failure: fast-check prints `{ seed: S, path: "P", endOnFailure: true }`; run
 *   FC_SEED=S FC_PATH="P" npx vitest run tests/fuzz.test.ts -t "<the property's name>"
 * FC_RUNS_FACTOR=10 multiplies every property's number of runs for a deeper local search.
 */
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import type { Config } from '../../src/config/types.js';
import { QUERY } from '../../src/call-state.js';
import { ALTERNATIVES_MENU, AFTER_CALL_MENU, LANGUAGE_MENU } from '../../src/config/types.js';
import { assertValidTwiml, all, BASE, TOKEN, type TwimlNode } from './twilio.js';
import { CALLER_NUMBERS } from './privacy.js';

// --- running properties ------------------------------------------------------------------

const FACTOR = Number(process.env.FC_RUNS_FACTOR ?? '1') || 1;

/** fast-check parameters: a budget of runs, and the seed/path to replay when given. */
export function fcParams<T>(numRuns: number): fc.Parameters<T> {
  const seed = process.env.FC_SEED;
  const path = process.env.FC_PATH;
  return {
    numRuns: Math.max(1, Math.round(numRuns * FACTOR)),
    ...(seed ? { seed: Number(seed) } : {}),
    ...(path ? { path, endOnFailure: true } : {}),
    // Shrinking a failure of an HTTP round trip can take long: keep the report readable.
    includeErrorInReport: true,
  };
}

// --- arbitraries -------------------------------------------------------------------------

/** Values chosen to break things: markup, entities, prototype names, traversal, numbers. */
export const NASTY = [
  '',
  ' ',
  '\u0000',
  '\u0000\u0001\u0007\u001b[31m\u007f',
  '\r\n',
  '\t',
  '</Say><Dial><Number>+15005550006</Number></Dial><Say>',
  '<Dial>+15005550006</Dial>',
  '"/><Dial action="https://evil.example/x"><Number>+15005550006</Number></Dial><Say x="',
  "'><Hangup/>",
  ']]><Hangup/><![CDATA[',
  '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
  '&amp;&lt;Dial&gt;',
  '&#60;Dial&#62;',
  '{name}',
  '{key}{day}{time}',
  '${process.env.TWILIO_AUTH_TOKEN}',
  '%s%s%s%n',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  '../../../../etc/passwd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '/etc/passwd',
  '..\\..\\windows\\win.ini',
  'file:///etc/passwd',
  'https://evil.example/twiml',
  '//evil.example',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '-0',
  '1e9',
  '0x1',
  '99',
  '100',
  '2147483648',
  '9007199254740993',
  '1.5',
  ' 1',
  '1 ',
  '１', // full-width digit
  '٣', // Arabic-Indic digit
  '🚨',
  '\u202e1',
  '\u200b',
  'e\u0301',
  'İ',
  'ß',
  'Ａ',
  '\ud83d\ude00'.repeat(10),
  'completed ',
  'COMPLETED',
  'complete',
  'in-progress',
  'canceled',
  'answered',
  'FR',
  'fr-BE',
  'de',
  'en',
  'main ',
  'MAIN',
  'lang',
  'alt',
  'end',
  '*',
  '#',
  '**',
  '##',
  '0',
  '9',
  '10',
  '123',
  '1#',
  'A',
  'w',
  ...CALLER_NUMBERS,
];

/** One hostile string: a known nasty value, random unicode, random ASCII, or a big one. */
export const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9*#]{1,12}$/) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('9', '<Dial>', 'é', '%', '&', '\u0000', '🚨', 'a'), fc.integer({ min: 100, max: 3000 }))
      .map(([s, n]) => s.repeat(Math.ceil(n / s.length))),
  },
);

/** A parameter name: one the app reads, a Twilio one, or a hostile one. */
export function nameArb(read: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...read) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'hasOwnProperty',
        'Digits[]',
        'Digits[0]',
        'digits',
        'DIGITS',
        'l[]',
        'm[x]',
        'CallSid',
        'From',
        'To',
        'Caller',
        'Called',
        'SpeechResult',
        'Confidence',
        'FinishedOnKey',
        'ErrorCode',
        'ErrorUrl',
        'DialCallSid',
        'DialBridged',
        'bodySHA256',
        '../x',
        '<Dial>',
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }) },
  );
}

export type Pair = [string, string];

/** Pairs of parameters, with repeats: the parameters the app reads appear often. */
export function pairsArb(read: readonly string[], maxLength = 8): fc.Arbitrary<Pair[]> {
  return fc.array(fc.tuple(nameArb(read), hostile), { maxLength });
}

/** Every query name of the webhook URLs (src/call-state.ts). */
export const QUERY_NAMES: readonly string[] = Object.values(QUERY);

/** The call state in the query: sometimes valid, sometimes one field broken, sometimes garbage. */
export function stateQueryArb(config: Config): fc.Arbitrary<Pair[]> {
  const langs = config.languages;
  const menus = [...Object.keys(config.flow.menus), LANGUAGE_MENU, ALTERNATIVES_MENU, AFTER_CALL_MENU];
  const services = Object.keys(config.services);
  const valid = fc.record({
    [QUERY.lang]: fc.constantFrom(...langs),
    [QUERY.menu]: fc.constantFrom(...menus),
    [QUERY.tries]: fc.constantFrom('0', '1', '2'),
    [QUERY.exclude]: fc.option(fc.constantFrom(...services), { nil: undefined }),
    [QUERY.silent]: fc.option(fc.constant('1'), { nil: undefined }),
  });
  const asPairs = (r: Record<string, string | undefined>): Pair[] =>
    Object.entries(r).filter((e): e is Pair => e[1] !== undefined);
  return fc.oneof(
    valid.map(asPairs),
    fc
      .tuple(valid, fc.constantFrom(...QUERY_NAMES), hostile)
      .map(([r, k, v]) => asPairs({ ...r, [k]: v })),
    fc.tuple(valid, pairsArb(QUERY_NAMES, 4)).map(([r, extra]) => [...asPairs(r), ...extra]),
    pairsArb(QUERY_NAMES, 10),
  );
}

/** Twilio's body for a webhook: its usual parameters, some replaced or repeated by hostile ones. */
export function bodyArb(read: readonly string[], base: Record<string, string>): fc.Arbitrary<Pair[]> {
  return fc
    .tuple(
      fc.subarray(Object.keys(base)),
      fc.array(fc.tuple(fc.constantFrom(...read), hostile), { maxLength: 4 }),
      pairsArb(read, 4),
    )
    .map(([keep, overrides, extra]) => {
      const pairs: Pair[] = keep.map((k) => [k, base[k]!]);
      for (const [k, v] of overrides) {
        const i = pairs.findIndex(([pk]) => pk === k);
        if (i >= 0) pairs[i] = [k, v];
        else pairs.push([k, v]);
      }
      return [...pairs, ...extra];
    });
}

// --- requests ----------------------------------------------------------------------------

/** Percent-encoding of everything but unreserved characters, as URLSearchParams does: the
 * injected URL then reaches the app exactly as signed (light-my-request rewrites a raw '). */
function strictEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function encodePairs(pairs: readonly Pair[]): string {
  return pairs.map(([k, v]) => `${strictEncode(k)}=${strictEncode(v)}`).join('&');
}

/** The parameters as the server parses a form body (repeated keys become arrays), for signing. */
export function parsedForm(pairs: readonly Pair[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of pairs) {
    if (k === '') continue;
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  }
  return out;
}

export interface Sent {
  url: string;
  pairs: Pair[];
  res: LightMyRequestResponse;
}

/** POST a form signed as Twilio signs it (the URL as sent plus the parsed parameters). */
export async function postSigned(app: FastifyInstance, path: string, query: readonly Pair[], body: readonly Pair[], headers: Record<string, string> = {}): Promise<Sent> {
  const qs = encodePairs(query);
  const url = qs ? `${path}?${qs}` : path;
  const payload = encodePairs(body);
  const signature = webhooks.getExpectedTwilioSignature(TOKEN, BASE + url, parsedForm(body));
  const res = await app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
      'x-twilio-signature': signature,
      'user-agent': 'TwilioProxy/1.1',
      ...headers,
    },
    payload,
  });
  return { url, pairs: [...query, ...body], res };
}

// --- checks ------------------------------------------------------------------------------

const STACK = /\n\s+at |node_modules|\.[cm]?[jt]s:\d+|\b[A-Z][a-z]+Error\b|FST_/;

export function assertNoStackTrace(body: string): void {
  if (STACK.test(body)) throw new Error('the answer shows internals:\n' + body.slice(0, 500));
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export interface Vocabulary {
  langs: Set<string>;
  menus: Set<string>;
  services: Set<string>;
  dials: Set<string>;
  /** Strings that may appear in an answer or a log without being a reflection of input. */
  legit: Set<string>;
}

export function vocabulary(config: Config): Vocabulary {
  const langs = new Set(config.languages);
  const menus = new Set([...Object.keys(config.flow.menus), LANGUAGE_MENU, ALTERNATIVES_MENU, AFTER_CALL_MENU]);
  const services = new Set(Object.keys(config.services));
  const dials = new Set(Object.values(config.services).map((s) => s.dial));
  const legit = new Set<string>([...langs, ...menus, ...services, ...dials]);
  for (const c of Object.values(config.prompts)) {
    legit.add(c.voice);
    legit.add(c.language);
  }
  return { langs, menus, services, dials, legit };
}

/** Is `v` caller input distinctive enough that finding it in an answer means it was reflected? */
export function distinctive(v: string, vocab: Vocabulary): boolean {
  if (v.length < 6 || vocab.legit.has(v)) return false;
  if (/^[\s\d]*$/.test(v)) return false; // digits are everywhere in TwiML (timeouts, numbers)
  if (/^https:\/\/ivr\.example\.be/.test(v)) return false;
  if (/^[a-z-]{1,9}$/.test(v)) return false; // short plain words appear in log messages ("complete")
  if (/^CA[0-9a-f]{32}$/.test(v)) return false; // a well-formed CallSid is logged on purpose
  return true;
}

/** The URL of an action or Redirect: our own webhooks, with a call state made of known words. */
function checkUrl(u: string, vocab: Vocabulary): void {
  const url = new URL(u);
  if (url.origin !== BASE) throw new Error(`URL leaves the line: ${u}`);
  const seen = new Set<string>();
  for (const [k, v] of url.searchParams) {
    if (seen.has(k)) throw new Error(`repeated ${k} in ${u}`);
    seen.add(k);
    const ok =
      url.pathname === '/voice/menu'
        ? (k === QUERY.lang && vocab.langs.has(v)) ||
          (k === QUERY.menu && vocab.menus.has(v)) ||
          (k === QUERY.tries && /^\d{1,2}$/.test(v)) ||
          (k === QUERY.exclude && vocab.services.has(v)) ||
          (k === QUERY.silent && v === '1')
        : url.pathname === '/voice/dial'
          ? (k === QUERY.lang && vocab.langs.has(v)) || (k === QUERY.service && vocab.services.has(v)) || (k === QUERY.safetyNet && v === '1')
          : false;
    if (!ok) throw new Error(`unexpected ${k}=${JSON.stringify(v)} in ${u}`);
  }
  if (url.pathname === '/voice/menu' && !seen.has(QUERY.menu)) throw new Error(`no menu in ${u}`);
}

/**
 * An answer to a Twilio-shaped request: 200, XML, valid TwiML of known verbs; every URL is
 * one of ours with a known call state; every destination is in the directory; no input
 * reflected; no internals shown. Returns the parsed TwiML.
 */
export function checkAnswer(sent: Sent, vocab: Vocabulary): TwimlNode {
  const { res } = sent;
  assertNoStackTrace(res.body);
  if (res.statusCode !== 200) throw new Error(`${sent.url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  if (!/^(text|application)\/xml/.test(String(res.headers['content-type']))) throw new Error(`not XML: ${res.headers['content-type']}`);
  const root = assertValidTwiml(res.body);
  for (const g of all(root, 'Gather')) checkUrl(g.attrs.action ?? '', vocab);
  for (const r of all(root, 'Redirect')) checkUrl(r.text, vocab);
  for (const d of all(root, 'Dial')) {
    if (d.attrs.action) checkUrl(d.attrs.action, vocab);
    const dest = d.children[0]?.text ?? '';
    if (!vocab.dials.has(dest)) throw new Error(`dials ${dest}, which is not in the directory`);
    const cid = d.attrs.callerId;
    if (cid !== undefined && !/^\+[1-9]\d{6,14}$/.test(cid)) throw new Error(`callerId ${cid}`);
  }
  for (const p of all(root, 'Play')) {
    if (!/^https:\/\/ivr\.example\.be\/audio\/[a-z]{2}\/[a-z0-9-]+\.wav$/.test(p.text)) throw new Error(`plays ${p.text}`);
  }
  // The call's To is the helpline's own number: it may be the transfer's caller ID.
  const to = sent.pairs.filter(([k]) => k === 'To').map(([, v]) => v);
  assertNotReflected(res.body, sent.pairs, vocab, 'the answer', to);
  return root;
}

/** No distinctive input value appears in `text`, raw or XML-escaped or URL-encoded. */
export function assertNotReflected(text: string, pairs: readonly Pair[], vocab: Vocabulary, where: string, except: readonly string[] = []): void {
  for (const [k, v] of pairs) {
    if (!distinctive(v, vocab) || except.includes(v)) continue;
    for (const form of [v, xmlEscape(v), encodeURIComponent(v), JSON.stringify(v).slice(1, -1)]) {
      if (form.length >= 6 && text.includes(form)) throw new Error(`${where} reflects ${k}=${JSON.stringify(v.slice(0, 80))}`);
    }
  }
}
