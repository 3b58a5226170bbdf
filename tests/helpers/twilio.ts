/**
 * Test helpers that play Twilio: sign form posts as Twilio does, parse the TwiML answers,
 * and follow their action/Redirect URLs. They know TwiML, not the app's call flow.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import { buildApp } from '../../src/http/app.js';
import { readTwiml, type TwimlNode } from '../../src/cli/twiml-reader.js';
import { loadConfig, type ConfigPaths } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { createLogger } from '../../src/http/logging.js';
import type { OverloadOptions } from '../../src/http/overload.js';

export const TOKEN = 'test-auth-token-0123456789abcdef';
export const BASE = 'https://ivr.example.be';
export const CALLER = '+32470123456';
export const HOTLINE = '+3225550100';

export function testConfig(paths: ConfigPaths = {}): Config {
  const r = loadConfig(paths);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config;
}

export interface TestApp {
  app: FastifyInstance;
  logs: string[];
  setNow(iso: string): void;
}

/** The app as production runs it (signatures on), at a chosen instant, logs captured. Load
 * shedding is off unless a test asks for it: the suite's own synchronous work (fast-check loops,
 * a loaded CI machine) must not turn an answer under test into a 503. */
export async function makeApp(
  opts: {
    at?: string | undefined;
    config?: Config;
    token?: string | null;
    publicBaseUrl?: string | null;
    overload?: Partial<OverloadOptions>;
    logLevel?: string;
    metricsToken?: string;
  } = {},
): Promise<TestApp> {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  let now = new Date(opts.at ?? '2026-11-30T10:00:00+01:00'); // a Monday morning
  const app = await buildApp({
    config: opts.config ?? testConfig(),
    clock: () => now,
    authToken: opts.token === null ? undefined : (opts.token ?? TOKEN),
    publicBaseUrl: opts.publicBaseUrl === null ? undefined : (opts.publicBaseUrl ?? BASE),
    logger: createLogger(opts.logLevel ?? 'info', stream),
    overload: opts.overload ?? { maxEventLoopDelayMs: 0 },
    metricsToken: opts.metricsToken,
  });
  return { app, logs, setNow: (iso) => (now = new Date(iso)) };
}

export function sign(url: string, params: Record<string, string>, token = TOKEN): string {
  return webhooks.getExpectedTwilioSignature(token, url, params);
}

export function callParams(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: 'AC' + '1'.repeat(32),
    ApiVersion: '2010-04-01',
    CallSid: 'CA' + 'a'.repeat(32),
    CallStatus: 'in-progress',
    Called: HOTLINE,
    Caller: CALLER,
    Direction: 'inbound',
    From: CALLER,
    FromCountry: 'BE',
    To: HOTLINE,
    ToCountry: 'BE',
    ...extra,
  };
}

/** POST a signed form as Twilio does; `url` is a path or an absolute URL under BASE. */
export async function post(
  app: FastifyInstance,
  url: string,
  params: Record<string, string>,
  opts: { base?: string; token?: string; signature?: string } = {},
) {
  const base = opts.base ?? BASE;
  const path = url.startsWith(base) ? url.slice(base.length) : url;
  const body = new URLSearchParams(params).toString();
  return app.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
      'x-twilio-signature': opts.signature ?? sign(base + path, params, opts.token ?? TOKEN),
      'user-agent': 'TwilioProxy/1.1',
    },
    payload: body,
  });
}

// --- TwiML --------------------------------------------------------------------------------

export type { TwimlNode } from '../../src/cli/twiml-reader.js';

/** Parse a TwiML document as the terminal caller reads it (one <Response>, well-formed, Twilio's
 * verbs in their places); throws otherwise. The grammar below is stricter: this line's verbs. */
export function parseTwiml(xml: string): TwimlNode {
  return readTwiml(xml);
}

/** Verbs and nouns this line may use, with their allowed attributes and children. */
const GRAMMAR: Record<string, { attrs: string[]; children: string[]; text?: boolean }> = {
  Response: { attrs: [], children: ['Say', 'Play', 'Gather', 'Dial', 'Redirect', 'Hangup', 'Pause', 'Reject'] },
  Say: { attrs: ['voice', 'language', 'loop'], children: ['sub', 'phoneme', 'lang'], text: true },
  // SSML inside <Say>: how names are said (prompts' pronounce tables).
  sub: { attrs: ['alias'], children: [], text: true },
  phoneme: { attrs: ['alphabet', 'ph'], children: [], text: true },
  lang: { attrs: ['xml:lang'], children: [], text: true },
  Play: { attrs: ['loop', 'digits'], children: [], text: true },
  Pause: { attrs: ['length'], children: [] },
  Gather: {
    attrs: ['input', 'numDigits', 'timeout', 'finishOnKey', 'action', 'method', 'actionOnEmptyResult', 'language'],
    children: ['Say', 'Play', 'Pause'],
  },
  Dial: {
    attrs: ['action', 'method', 'timeout', 'callerId', 'ringTone', 'answerOnBridge', 'timeLimit', 'hangupOnStar'],
    children: ['Number', 'Sip'],
    text: false,
  },
  // url: the whisper, run on the answering leg before the caller is put through.
  Number: { attrs: ['url', 'method'], children: [], text: true },
  Sip: { attrs: ['url', 'method'], children: [], text: true },
  Redirect: { attrs: ['method'], children: [], text: true },
  Hangup: { attrs: [], children: [] },
  Reject: { attrs: ['reason'], children: [] },
};

/** Checks a parsed TwiML tree against the grammar above; returns the problems found. */
export function twimlProblems(node: TwimlNode): string[] {
  const problems: string[] = [];
  const rule = GRAMMAR[node.name];
  if (!rule) return [`unknown element <${node.name}>`];
  for (const a of Object.keys(node.attrs))
    if (!rule.attrs.includes(a)) problems.push(`<${node.name}> has unknown attribute ${a}`);
  for (const c of node.children) {
    if (!rule.children.includes(c.name)) problems.push(`<${c.name}> cannot be inside <${node.name}>`);
    problems.push(...twimlProblems(c));
  }
  if (node.name === 'Say') {
    if (!node.attrs.voice || !node.attrs.language) problems.push('<Say> needs voice and language');
    if (!node.text.trim()) problems.push('<Say> is empty');
    if (/\{[a-z:-]*\}/.test(node.text)) problems.push(`<Say> reads a placeholder aloud: ${node.text}`);
  }
  if (node.name === 'Number' && !/^\+[1-9]\d{6,14}$|^[1-9]\d{2,5}$/.test(node.text))
    problems.push(`<Number> ${node.text} is not dialable`);
  if (
    node.name === 'Dial' &&
    node.attrs.timeout &&
    !(Number(node.attrs.timeout) >= 5 && Number(node.attrs.timeout) <= 600)
  )
    problems.push('<Dial> timeout out of range');
  if (node.name === 'Dial' && node.children.length !== 1) problems.push('<Dial> needs exactly one destination');
  if (node.name === 'Response') {
    const idx = node.children.findIndex(
      (c) => ['Hangup', 'Redirect', 'Reject'].includes(c.name) || (c.name === 'Dial' && c.attrs.action),
    );
    if (idx >= 0 && idx < node.children.length - 1)
      problems.push(`<${node.children[idx]!.name}> is followed by unreachable verbs`);
  }
  return problems;
}

/** The verbs Twilio allows in a <Number url> document (the answering leg): no <Dial>, <Redirect>. */
export const ANSWERING_LEG_VERBS = ['Say', 'Play', 'Pause', 'Gather', 'Hangup'];

/** A whisper document: valid TwiML with only the answering leg's verbs. */
export function assertValidWhisperTwiml(xml: string): TwimlNode {
  const root = assertValidTwiml(xml);
  const wrong = root.children.filter((c) => !ANSWERING_LEG_VERBS.includes(c.name));
  if (wrong.length) throw new Error(`not allowed on the answering leg: <${wrong[0]!.name}>\n${xml}`);
  return root;
}

export function assertValidTwiml(xml: string): TwimlNode {
  const root = parseTwiml(xml);
  if (Buffer.byteLength(xml) > 64 * 1024) throw new Error('TwiML over 64 kB');
  const problems = twimlProblems(root);
  if (problems.length) throw new Error('invalid TwiML:\n' + problems.join('\n') + '\n' + xml);
  return root;
}

export function all(node: TwimlNode, name: string): TwimlNode[] {
  return [...(node.name === name ? [node] : []), ...node.children.flatMap((c) => all(c, name))];
}

export function first(node: TwimlNode, name: string): TwimlNode | undefined {
  return all(node, name)[0];
}

/** Every <Say>'s language, in order. */
export function languagesSaid(node: TwimlNode): string[] {
  return all(node, 'Say').map((s) => s.attrs.language ?? '');
}

// --- a caller following the TwiML ---------------------------------------------------------

export type Outcome = 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';

/** Plays a caller as Twilio would: follows Gather actions, Redirects and Dial actions. */
export class Call {
  twiml!: TwimlNode;
  xml = '';
  readonly history: TwimlNode[] = [];
  private readonly params: Record<string, string>;

  constructor(
    private readonly app: FastifyInstance,
    extra: Record<string, string> = {},
  ) {
    this.params = callParams(extra);
  }

  private async request(url: string, extra: Record<string, string> = {}): Promise<this> {
    const res = await post(this.app, url, { ...this.params, ...extra });
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
    if (!/^(text|application)\/xml/.test(String(res.headers['content-type'])))
      throw new Error('not XML: ' + res.headers['content-type']);
    this.xml = res.body;
    this.twiml = assertValidTwiml(res.body);
    this.history.push(this.twiml);
    return this;
  }

  start(): Promise<this> {
    return this.request('/voice');
  }

  get gather(): TwimlNode | undefined {
    return this.twiml.children.find((c) => c.name === 'Gather');
  }

  get dial(): TwimlNode | undefined {
    return this.twiml.children.find((c) => c.name === 'Dial');
  }

  get dialled(): string | undefined {
    return this.dial?.children[0]?.text;
  }

  get hungUp(): boolean {
    return this.twiml.children.some((c) => c.name === 'Hangup');
  }

  get languages(): string[] {
    return languagesSaid(this.twiml);
  }

  /** Press a key in the current <Gather>. */
  press(key: string): Promise<this> {
    const g = this.gather;
    if (!g) throw new Error('no <Gather> to press a key in:\n' + this.xml);
    return this.request(g.attrs.action ?? '', { Digits: key });
  }

  /** Several keys, one Gather each. */
  async keys(...keys: string[]): Promise<this> {
    for (const k of keys) await this.press(k);
    return this;
  }

  /** Say nothing: Gather falls through to the next verb, which must be a <Redirect>. */
  silence(): Promise<this> {
    const g = this.gather;
    if (!g) throw new Error('no <Gather> to be silent in');
    if (g.attrs.actionOnEmptyResult === 'true') return this.request(g.attrs.action ?? '', { Digits: '' });
    const next = this.twiml.children[this.twiml.children.indexOf(g) + 1];
    if (next?.name !== 'Redirect')
      throw new Error('silence after <Gather> leads nowhere (no <Redirect>):\n' + this.xml);
    return this.request(next.text);
  }

  /** The transfer ends with this DialCallStatus; Twilio posts it to the Dial action.
   * `bridged`: DialBridged (default: true for completed, as when a person took the call). */
  outcome(status: Outcome, bridged = status === 'completed'): Promise<this> {
    const d = this.dial;
    if (!d?.attrs.action) throw new Error('no <Dial action> to report to:\n' + this.xml);
    return this.request(d.attrs.action, {
      DialCallStatus: status,
      DialCallSid: 'CA' + 'b'.repeat(32),
      DialCallDuration: status === 'completed' ? '42' : '0',
      DialBridged: String(bridged),
    });
  }

  /** The whisper documents the person who answers the current transfer got, in order. */
  readonly whispers: TwimlNode[] = [];

  /**
   * Someone answers the current transfer: the <Number url> is requested as Twilio does for the
   * answering leg, and its <Gather> (whisper: confirm) gets `key`, or its time-out (undefined).
   * Returns whether the answering leg was put through (the document ended without <Hangup/>).
   */
  async answer(key?: string): Promise<boolean> {
    const url = this.dial?.children[0]?.attrs.url;
    if (!url) throw new Error('no whisper (<Number url>) on this transfer:\n' + this.xml);
    const leg = callParams({ CallSid: 'CA' + 'c'.repeat(32), Direction: 'outbound-dial' });
    let doc = await whisperRequest(this.app, url, leg);
    this.whispers.push(doc);
    const g = doc.children.find((c) => c.name === 'Gather');
    if (g) {
      doc = await whisperRequest(this.app, g.attrs.action ?? url, { ...leg, Digits: key ?? '' });
      this.whispers.push(doc);
    }
    return !doc.children.some((c) => c.name === 'Hangup');
  }

  /** Someone answers and the transfer ends as Twilio reports it: bridged (reached), or not
   * (the whisper hung up: `completed` with DialBridged false, or `shape: 'no-answer'`). */
  async answered(key?: string, shape: 'completed' | 'no-answer' = 'completed'): Promise<this> {
    const bridged = await this.answer(key);
    if (bridged) return this.outcome('completed', true);
    return shape === 'completed' ? this.outcome('completed', false) : this.outcome('no-answer', false);
  }
}

async function whisperRequest(app: FastifyInstance, url: string, params: Record<string, string>): Promise<TwimlNode> {
  const res = await post(app, url, params);
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
  return assertValidWhisperTwiml(res.body);
}
