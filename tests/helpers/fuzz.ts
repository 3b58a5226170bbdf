/**
 * Hostile input for the property-based tests: arbitraries for every parameter the webhooks
 * read, signed requests with repeated keys, and the checks every answer must pass. And whole
 * calls that follow the TwiML: random keys, silences and dial outcomes at random instants of a
 * year, walked to their end with what each answer said and dialled.
 *
 * Replaying a failure: fast-check prints `{ seed: S, path: "P", endOnFailure: true }`; run
 *   FC_SEED=S FC_PATH="P" npx vitest run tests/fuzz.test.ts -t "<the property's name>"
 * Every run prints its seed first ("fast-check seed S"): FC_SEED=S replays a whole run.
 * `npm test` makes a tenth of each property's runs (below); `npm run test:fuzz` all of them.
 */
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import type { Config } from '../../src/config/types.js';
import { QUERY } from '../../src/call/call-state.js';
import { ALTERNATIVES_MENU, AFTER_CALL_MENU, LANGUAGE_MENU } from '../../src/config/types.js';
import { addDays, startOfDay } from '../../src/time/brussels.js';
import { spokenNumber } from '../../src/engine/index.js';
import { Hours } from '../../src/time/hours.js';
import { fill } from '../../src/call/placeholders.js';
import { assertValidTwiml, all, BASE, TOKEN, type TwimlNode } from './twilio.js';
import { CALLER_NUMBERS } from './privacy.js';

// --- running properties ------------------------------------------------------------------

/** The share of each property's budget of runs this run makes: a tenth by default, so
 * `npm test` stays quick; `npm run test:fuzz` makes the whole budget (FC_RUNS_FACTOR=1) with a
 * new seed, and FC_RUNS_FACTOR=10 ten times it. */
export const RUNS_FACTOR = Number(process.env.FC_RUNS_FACTOR ?? '0.1') || 0.1;

/** The seed of this run (tests/setup/fast-check.ts). Printed once, so any run, passed or
 * failed, can be replayed whole. */
export const SEED = fc.readConfigureGlobal().seed!;
let announced = false;

/** fast-check parameters: a share of a budget of runs, the run's seed, and the path to replay when given. */
export function fcParams<T>(numRuns: number): fc.Parameters<T> {
  const path = process.env.FC_PATH;
  if (!announced) {
    announced = true;
    console.log(`fast-check seed ${SEED} (replay: FC_SEED=${SEED})`);
  }
  return {
    numRuns: Math.max(1, Math.round(numRuns * RUNS_FACTOR)),
    seed: SEED,
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

/** Every query name of the webhook URLs (src/call/call-state.ts). */
export const QUERY_NAMES: readonly string[] = Object.values(QUERY);

/** A list of failed services as the line writes it: known ids, each once, joined by ".". */
export function failedListArb(config: Config): fc.Arbitrary<string> {
  return fc.uniqueArray(fc.constantFrom(...Object.keys(config.services)), { minLength: 1 }).map((ids) => ids.join('.'));
}

/** The call state in the query: sometimes valid, sometimes one field broken, sometimes garbage. */
export function stateQueryArb(config: Config): fc.Arbitrary<Pair[]> {
  const langs = config.languages;
  const menus = [...Object.keys(config.flow.menus), LANGUAGE_MENU, ALTERNATIVES_MENU, AFTER_CALL_MENU];
  const services = Object.keys(config.services);
  const valid = fc.record({
    [QUERY.lang]: fc.constantFrom(...langs),
    [QUERY.menu]: fc.constantFrom(...menus),
    [QUERY.tries]: fc.constantFrom('0', '1', '2'),
    [QUERY.failed]: fc.option(failedListArb(config), { nil: undefined }),
    [QUERY.focus]: fc.option(fc.constantFrom(...services), { nil: undefined }),
    [QUERY.silent]: fc.option(fc.constant('1'), { nil: undefined }),
  });
  const asPairs = (r: Record<string, string | undefined>): Pair[] =>
    Object.entries(r).filter((e): e is Pair => e[1] !== undefined);
  // A failed list with hostile parts: prototype names, unknown ids, empty parts, repeats.
  const forgedList = fc
    .array(
      fc.oneof(
        fc.constantFrom(...services),
        fc.constantFrom('', '__proto__', 'constructor', 'toString', 'nobody', 'SURYA'),
        hostile,
      ),
      { minLength: 1, maxLength: 12 },
    )
    .map((parts) => parts.join('.'));
  return fc.oneof(
    valid.map(asPairs),
    fc.tuple(valid, fc.constantFrom(...QUERY_NAMES), hostile).map(([r, k, v]) => asPairs({ ...r, [k]: v })),
    fc.tuple(valid, forgedList).map(([r, f]) => asPairs({ ...r, [QUERY.failed]: f })),
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
export async function postSigned(
  app: FastifyInstance,
  path: string,
  query: readonly Pair[],
  body: readonly Pair[],
  headers: Record<string, string> = {},
): Promise<Sent> {
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
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
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
  if (v.split('.').every((id) => vocab.services.has(id))) return false; // a failed list: the line writes it back itself
  if (/^[\s\d]*$/.test(v)) return false; // digits are everywhere in TwiML (timeouts, numbers)
  if (/^https:\/\/ivr\.example\.be/.test(v)) return false;
  if (/^[a-z-]{1,9}$/.test(v)) return false; // short plain words appear in log messages ("complete")
  if (/^CA[0-9a-f]{32}$/.test(v)) return false; // a well-formed CallSid is logged on purpose
  return true;
}

/** A failed list as the line writes it: known services, each once. */
function isFailedList(v: string, vocab: Vocabulary): boolean {
  const ids = v.split('.');
  return ids.length > 0 && ids.every((id) => vocab.services.has(id)) && new Set(ids).size === ids.length;
}

/** The URL of an action or Redirect: our own webhooks, with a call state made of known words. */
function checkUrl(u: string, vocab: Vocabulary): void {
  const url = new URL(u);
  if (url.origin !== BASE) throw new Error(`URL leaves the line: ${u}`);
  const seen = new Set<string>();
  for (const [k, v] of url.searchParams) {
    if (seen.has(k)) throw new Error(`repeated ${k} in ${u}`);
    seen.add(k);
    const common = (k === QUERY.lang && vocab.langs.has(v)) || (k === QUERY.failed && isFailedList(v, vocab));
    const ok =
      url.pathname === '/voice/menu'
        ? common ||
          (k === QUERY.menu && vocab.menus.has(v)) ||
          (k === QUERY.tries && /^\d{1,2}$/.test(v)) ||
          (k === QUERY.focus && vocab.services.has(v)) ||
          (k === QUERY.silent && v === '1')
        : url.pathname === '/voice/dial'
          ? common || (k === QUERY.service && vocab.services.has(v)) || (k === QUERY.net && v === '1')
          : false;
    if (!ok) throw new Error(`unexpected ${k}=${JSON.stringify(v)} in ${u}`);
  }
  if (url.pathname === '/voice/menu' && !seen.has(QUERY.menu)) throw new Error(`no menu in ${u}`);
  // No language: only a transfer for a caller who chose none (put through by the safety net).
  if (url.pathname === '/voice/dial' && !(seen.has(QUERY.service) && (seen.has(QUERY.lang) || seen.has(QUERY.net))))
    throw new Error(`no service or language in ${u}`);
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
  if (!/^(text|application)\/xml/.test(String(res.headers['content-type'])))
    throw new Error(`not XML: ${res.headers['content-type']}`);
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
    if (!/^https:\/\/ivr\.example\.be\/audio\/[a-z]{2}\/[a-z0-9-]+\.wav$/.test(p.text))
      throw new Error(`plays ${p.text}`);
  }
  // The call's To is the helpline's own number: it may be the transfer's caller ID.
  const to = sent.pairs.filter(([k]) => k === 'To').map(([, v]) => v);
  assertNotReflected(res.body, sent.pairs, vocab, 'the answer', to);
  return root;
}

/** No distinctive input value appears in `text`, raw or XML-escaped or URL-encoded. */
export function assertNotReflected(
  text: string,
  pairs: readonly Pair[],
  vocab: Vocabulary,
  where: string,
  except: readonly string[] = [],
): void {
  for (const [k, v] of pairs) {
    if (!distinctive(v, vocab) || except.includes(v)) continue;
    for (const form of [v, xmlEscape(v), encodeURIComponent(v), JSON.stringify(v).slice(1, -1)]) {
      if (form.length >= 6 && text.includes(form))
        throw new Error(`${where} reflects ${k}=${JSON.stringify(v.slice(0, 80))}`);
    }
  }
}

// --- whole calls, following the TwiML, at random instants of a year -------------------------

const MINUTE = 60_000;
const YEAR = '2026';
const FIRST_DAY = `${YEAR}-01-01`;
const DAYS = 365;

/** An instant `minutes` after the start of a Brussels calendar day (real minutes). */
function onDay(date: string, minutes: number): Date {
  return new Date(startOfDay(date).getTime() + minutes * MINUTE);
}

/** The public holidays of the year, as the line computes them (opening_hours "PH", Belgium). */
export const HOLIDAYS: readonly string[] = (() => {
  const ph = new Hours('PH', 'be');
  const out: string[] = [];
  for (let d = 0; d < DAYS; d++) {
    const date = addDays(FIRST_DAY, d);
    if (ph.isOpen(onDay(date, 12 * 60))) out.push(date);
  }
  return out;
})();

/** Any minute of a year, and more often the hard ones: nights, weekends, public holidays, and
 * the minutes around a weekday's 09:00 and 17:00 (services open or close during the call). */
export const instantArb: fc.Arbitrary<Date> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: DAYS - 1 }), fc.integer({ min: 0, max: 24 * 60 - 1 }))
    .map(([d, m]) => onDay(addDays(FIRST_DAY, d), m)),
  // 22:00 to 06:00
  fc
    .tuple(fc.integer({ min: 0, max: DAYS - 2 }), fc.integer({ min: 22 * 60, max: 30 * 60 - 1 }))
    .map(([d, m]) => onDay(addDays(FIRST_DAY, d), m)),
  // Saturday or Sunday (3 January 2026 is a Saturday)
  fc
    .tuple(fc.integer({ min: 0, max: 51 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 24 * 60 - 1 }))
    .map(([w, d, m]) => onDay(addDays('2026-01-03', 7 * w + d), m)),
  fc.tuple(fc.constantFrom(...HOLIDAYS), fc.integer({ min: 0, max: 24 * 60 - 1 })).map(([date, m]) => onDay(date, m)),
  // a few minutes around 09:00 or 17:00 on a weekday (5 January 2026 is a Monday)
  fc
    .tuple(
      fc.integer({ min: 0, max: 51 }),
      fc.integer({ min: 0, max: 4 }),
      fc.constantFrom(9 * 60, 17 * 60),
      fc.integer({ min: -5, max: 5 }),
    )
    .map(([w, d, h, m]) => onDay(addDays('2026-01-05', 7 * w + d), h + m)),
);

/** A caller's number as Twilio sends it (E.164), or one of the test numbers in other formats. */
export const callerArb: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^\+324[6-9]\d{7}$/), // Belgian mobiles
  fc.stringMatching(/^\+(33|31|234|40|359)[1-9]\d{8}$/), // France, Netherlands, Nigeria, Romania, Bulgaria
  fc.constantFrom(...CALLER_NUMBERS),
);

/** What a caller does at a <Gather>: one of the keys that menu knows (by index), any key, or nothing. */
export type Move = { option: number } | { key: string } | { silence: true };

const moveArb: fc.Arbitrary<Move> = fc.oneof(
  { weight: 6, arbitrary: fc.nat(99).map((option) => ({ option })) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#').map((key) => ({ key })),
  },
  { weight: 2, arbitrary: fc.constant({ silence: true as const }) },
);

/** Twilio's DialCallStatus, failures more often than answers; '' leaves it out. */
const outcomeArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('completed', 'answered') },
  { weight: 6, arbitrary: fc.constantFrom('busy', 'no-answer', 'failed') },
  { weight: 1, arbitrary: fc.constantFrom('canceled', '', 'ringing') },
);

/** A call: when it starts, who calls, the keys and silences, the transfers' outcomes, and the
 * seconds between two webhooks. When the moves run out the caller stays silent; when the
 * outcomes run out every transfer fails. */
export interface CallPlan {
  at: Date;
  from: string;
  moves: Move[];
  outcomes: string[];
  waits: number[];
}

export const callPlanArb: fc.Arbitrary<CallPlan> = fc.record({
  at: instantArb,
  from: callerArb,
  moves: fc.array(moveArb, { maxLength: 16 }),
  outcomes: fc.array(outcomeArb, { maxLength: 10 }),
  waits: fc.array(fc.integer({ min: 0, max: 180 }), { maxLength: 40 }),
});

/** Webhooks a call may take before it must have ended: each move and outcome of the plan (a
 * move may dial a failed service again by its own key: twice the moves), then, for a silent
 * caller whose transfers all fail, at most two silences and one transfer per service, and the end. */
export function stepBound(plan: CallPlan, config: Config): number {
  return 2 * plan.moves.length + plan.outcomes.length + 3 * (Object.keys(config.services).length + 1) + 1;
}

/** One answer of the call, with what led to it. */
export interface Answer {
  /** The webhook's path and query. */
  url: string;
  xml: string;
  twiml: TwimlNode;
  /** Every <Say> of the answer, joined. */
  said: string;
  /** The key pressed to get here, and the menu it was pressed in (the Gather's m=). */
  pressed?: { key: string; menu: string };
  /** The dial outcome posted to get here. */
  outcome?: string;
}

export interface CallTrace {
  answers: Answer[];
  end: 'hangup' | 'completed' | 'unfinished';
}

/** The keys a menu knows: its options (the language choice's languages, the offers' keys), then
 * the common keys. */
function menuKeys(config: Config, menu: string): string[] {
  const { flow } = config;
  const own =
    menu === LANGUAGE_MENU
      ? flow.languages.map((l) => l.key)
      : menu === ALTERNATIVES_MENU
        ? flow.offers.map((o) => o.key)
        : menu === AFTER_CALL_MENU
          ? []
          : (flow.menus[menu]?.options.map((o) => o.key) ?? []);
  return [...own, flow.keys.repeat, flow.keys.back, flow.keys.language];
}

export type Send = (path: string, query: Pair[], body: Pair[]) => Promise<{ xml: string; twiml: TwimlNode }>;

/** Plays `plan` as Twilio would: the call comes in, then each Gather gets a move (or its
 * Redirect on silence) and each Dial an outcome, the clock moving on between webhooks; until a
 * <Hangup>, a completed transfer, or `maxSteps` webhooks. */
export async function walkCall(o: {
  plan: CallPlan;
  config: Config;
  send: Send;
  setNow: (at: Date) => void;
  body: Pair[];
  maxSteps: number;
}): Promise<CallTrace> {
  const { plan, config, send } = o;
  let now = plan.at.getTime();
  o.setNow(new Date(now));
  const answers: Answer[] = [];
  const record = async (url: string, extra: Pair[], meta: Pick<Answer, 'pressed' | 'outcome'>) => {
    const u = new URL(url, BASE);
    const { xml, twiml } = await send(u.pathname, [...u.searchParams], [...o.body, ...extra]);
    answers.push({
      url: u.pathname + u.search,
      xml,
      twiml,
      said: all(twiml, 'Say')
        .map((s) => s.text)
        .join(' '),
      ...meta,
    });
    return twiml;
  };
  let twiml = await record('/voice', [], {});
  let moves = 0;
  let outcomes = 0;
  let waits = 0;
  while (answers.length <= o.maxSteps) {
    if (twiml.children.some((c) => c.name === 'Hangup')) return { answers, end: 'hangup' };
    now += (plan.waits[waits++] ?? 8) * 1000;
    o.setNow(new Date(now));
    const dial = twiml.children.find((c) => c.name === 'Dial');
    const gather = twiml.children.find((c) => c.name === 'Gather');
    if (dial) {
      if (!dial.attrs.action) throw new Error('a <Dial> without action: the call cannot go on after it');
      const status = plan.outcomes[outcomes++] ?? 'failed';
      twiml = await record(dial.attrs.action, status ? [['DialCallStatus', status]] : [], { outcome: status });
      if (status === 'completed' || status === 'answered') return { answers, end: 'completed' };
    } else if (gather) {
      const move: Move = plan.moves[moves++] ?? { silence: true };
      const action = gather.attrs.action ?? '';
      if ('silence' in move) {
        const redirect = twiml.children[twiml.children.indexOf(gather) + 1];
        if (redirect?.name !== 'Redirect') throw new Error('silence after <Gather> leads nowhere');
        twiml = await record(redirect.text, [], {});
      } else {
        const menu = new URL(action).searchParams.get(QUERY.menu) ?? '';
        const keys = menuKeys(config, menu);
        const key = 'key' in move ? move.key : keys[move.option % keys.length]!;
        twiml = await record(action, [['Digits', key]], { pressed: { key, menu } });
      }
    } else {
      throw new Error('an answer with neither <Gather>, <Dial> nor <Hangup>: the call leads nowhere');
    }
  }
  return { answers, end: 'unfinished' };
}

/** The sentences that would offer a service ("For Sürya, press 1."), in every language, on
 * every key of the offers: built from the prompts, as the line builds them. */
export function offerSentences(config: Config, service: string): string[] {
  const s = config.services[service]!;
  return config.languages.flatMap((lang) =>
    config.flow.offers.map((o) =>
      fill(config.prompts[lang]!.prompts['opt-service'] ?? '', { name: s.name[lang] ?? s.id, key: o.key }),
    ),
  );
}

/** The sentences that say a service's number instead of dialling it (connect: say). */
export function numberSaidSentences(config: Config, service: string): string[] {
  const s = config.services[service]!;
  return config.languages.map((lang) =>
    fill(config.prompts[lang]!.prompts['police-number'] ?? '', { number: spokenNumber(s.dial) }),
  );
}

/** The service a <Dial> rings, by its number. */
export function dialledService(config: Config, twiml: TwimlNode): string | undefined {
  const dial = twiml.children.find((c) => c.name === 'Dial');
  const to = dial?.children[0]?.text;
  return to === undefined ? undefined : Object.values(config.services).find((s) => s.dial === to)?.id;
}

/** Was this transfer the caller's own choice of that very service, by its key in a menu of the data? */
function chosenByItsKey(config: Config, a: Answer, service: string): boolean {
  if (!a.pressed) return false;
  const option = config.flow.menus[a.pressed.menu]?.options.find((x) => x.key === a.pressed!.key);
  return option?.action.type === 'transfer' && option.action.service === service;
}

/**
 * No service that failed during the call (a transfer not completed), nor one whose number was
 * said, is offered again or rung again, unless the caller chose it again by its own key.
 * Returns the problems found.
 */
export function failedAgain(config: Config, trace: CallTrace): string[] {
  const problems: string[] = [];
  const gone = new Set<string>();
  trace.answers.forEach((a, i) => {
    for (const s of Object.values(config.services)) {
      if (s.connect === 'say' && numberSaidSentences(config, s.id).some((sentence) => a.said.includes(sentence)))
        gone.add(s.id);
    }
    // Offers are made in the offers menu only (the main menu names its own options).
    const gather = a.twiml.children.find((c) => c.name === 'Gather');
    const offers =
      gather !== undefined &&
      new URL(gather.attrs.action ?? '', BASE).searchParams.get(QUERY.menu) === ALTERNATIVES_MENU;
    for (const id of offers ? gone : []) {
      const offered = offerSentences(config, id).find((sentence) =>
        all(gather!, 'Say').some((s) => s.text.includes(sentence)),
      );
      if (offered)
        problems.push(
          `answer ${i} (${a.url}) offers ${id}, which failed or was said earlier in the call: "${offered}"`,
        );
    }
    const rung = dialledService(config, a.twiml);
    if (rung && gone.has(rung) && !chosenByItsKey(config, a, rung))
      problems.push(`answer ${i} (${a.url}) rings ${rung} again, which failed earlier in the call`);
    const next = trace.answers[i + 1];
    if (rung && next?.outcome !== undefined && next.outcome !== 'completed' && next.outcome !== 'answered')
      gone.add(rung);
  });
  return problems;
}
