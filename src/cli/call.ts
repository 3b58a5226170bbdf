/**
 * `npm run call`: a caller in the terminal. Starts the line in-process (app.inject: no port,
 * no Twilio account, no phone) and plays the caller's side exactly as Twilio does: signs every
 * request with a throwaway auth token, reads the TwiML, says what the line says, waits for
 * keys, follows <Gather> actions and <Redirect>s, and lets you choose how each <Dial> ends.
 *
 * It shares no call-flow logic with the line: it imports no engine, menu or prompt code, and
 * knows only TwiML. So it hears a flow bug instead of repeating it.
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import { buildApp } from '../app.js';
import type { Config } from '../config/types.js';
import { createLogger } from '../logging.js';
import { isMain, loadLineConfig, runMain, UsageError, parseOptions } from './common.js';
import { formatOffset, formatWallClock, isoBrussels, parseWallClock, TIME_ZONE, wallClockOf } from './time.js';
import { readTwiml, TwimlError, type TwimlNode } from './twiml-reader.js';

// --- what happens during a call -----------------------------------------------------------

/** How a transfer ends, as Twilio reports it in DialCallStatus. */
export type DialStatus = 'completed' | 'busy' | 'no-answer' | 'failed';
export const DIAL_STATUSES: readonly DialStatus[] = ['completed', 'busy', 'no-answer', 'failed'];

export type CallEvent =
  | { event: 'call'; at: string; timeZone: string; clock: 'fixed' | 'real' }
  | { event: 'request'; method: 'GET' | 'POST'; url: string }
  | { event: 'say'; language: string; voice: string; text: string; loop?: number }
  | { event: 'play'; url?: string; digits?: string; contentType?: string; bytes?: number; loop?: number }
  | { event: 'pause'; seconds: number }
  | { event: 'gather'; timeout: number; numDigits?: number; finishOnKey: string; actionOnEmptyResult: boolean; action: string }
  | { event: 'keys'; keys: string; digits: string }
  | { event: 'silence' }
  | { event: 'redirect'; url: string }
  | { event: 'dial'; number: string; timeout: number; callerId?: string; ringTone?: string; action?: string }
  | { event: 'outcome'; status: DialStatus }
  | { event: 'hangup'; by: 'line' | 'end-of-document' | 'reject' | 'caller' }
  | { event: 'stop'; reason: 'keys-ran-out' | 'outcomes-ran-out' }
  | { event: 'error'; message: string };

/** Events shown in the text transcript only with --verbose (the webhooks behind the call). */
const VERBOSE_ONLY = new Set<CallEvent['event']>(['request', 'gather', 'redirect']);

/** One line of the transcript, or undefined when it is shown only with --verbose. */
export function formatEvent(e: CallEvent, verbose = false): string | undefined {
  if (!verbose && VERBOSE_ONLY.has(e.event)) return undefined;
  switch (e.event) {
    case 'call': {
      const offset = formatOffset(wallClockOf(new Date(e.at)).offset);
      return `CALL ${formatWallClock(new Date(e.at))} ${e.timeZone} (UTC${offset})${e.clock === 'real' ? ', the real time' : ''}`;
    }
    case 'request':
      return `${e.method} ${e.url}`;
    case 'say':
      return `SAY [${e.language}] (${e.voice}) ${e.text}${e.loop !== undefined ? ` (loop ${e.loop})` : ''}`;
    case 'play':
      return `PLAY ${[e.url, e.digits ? `digits ${e.digits}` : '', e.contentType ? `(${e.contentType}, ${e.bytes} bytes)` : ''].filter(Boolean).join(' ')}`;
    case 'pause':
      return `PAUSE ${e.seconds}s`;
    case 'gather':
      return `GATHER ${e.numDigits ?? 'any number of'} key(s), ${e.timeout} s${e.finishOnKey ? `, ends on ${e.finishOnKey}` : ''}${e.actionOnEmptyResult ? ', action on empty result' : ''} → ${e.action}`;
    case 'keys':
      return `KEYS ${e.keys}${e.digits !== e.keys ? ` (Twilio sends Digits=${e.digits})` : ''}`;
    case 'silence':
      return 'SILENCE';
    case 'redirect':
      return `REDIRECT ${e.url}`;
    case 'dial': {
      const details = [`timeout ${e.timeout} s`, e.callerId ? `caller ID ${e.callerId}` : "caller ID: the caller's own number", e.ringTone ? `ring tone ${e.ringTone}` : ''];
      return `DIAL ${e.number} (${details.filter(Boolean).join(', ')})`;
    }
    case 'outcome':
      return `OUTCOME ${e.status}`;
    case 'hangup':
      return e.by === 'line' ? 'HANGUP' : e.by === 'end-of-document' ? 'HANGUP (end of the TwiML document)' : e.by === 'reject' ? 'HANGUP (rejected)' : 'HANGUP (by the caller)';
    case 'stop':
      return e.reason === 'keys-ran-out' ? 'STOP --keys ran out before the call ended' : 'STOP no outcome left for the transfer';
    case 'error':
      return `ERROR ${e.message}`;
  }
}

// --- the caller's side: keys and transfer outcomes ----------------------------------------

export interface GatherPrompt {
  timeout: number;
  numDigits: number | undefined;
  finishOnKey: string;
}
export interface DialPrompt {
  number: string;
  timeout: number;
}
export type KeyAnswer = { kind: 'keys'; keys: string } | { kind: 'silence' } | { kind: 'hangup' } | { kind: 'exhausted' };
export type DialAnswer = { kind: 'outcome'; status: DialStatus } | { kind: 'hangup' } | { kind: 'exhausted' };

export interface CallerInput {
  keys(prompt: GatherPrompt): Promise<KeyAnswer>;
  dial(prompt: DialPrompt): Promise<DialAnswer>;
  close?(): void;
}

const KEYS = /^[0-9*#]+$/;

/** "1,2,T,3": one item per <Gather>: keys (0-9 * #), T = silence, H = the caller hangs up. */
export function parseKeyScript(script: string): string[] {
  const items = script.split(',').map((s) => s.trim());
  if (items.length === 1 && items[0] === '') return [];
  for (const item of items) {
    if (!KEYS.test(item) && item !== 'T' && item !== 'H') {
      throw new UsageError(`--keys: "${item}" is not keys (0-9, *, #), T (silence) or H (hang up)`);
    }
  }
  return items;
}

/** "busy,completed": how each transfer ends, in order; the last one repeats. */
export function parseDialScript(script: string): DialStatus[] {
  return script.split(',').map((raw) => {
    const s = raw.trim().toLowerCase();
    if (s === 'answered') return 'completed';
    if ((DIAL_STATUSES as readonly string[]).includes(s)) return s as DialStatus;
    throw new UsageError(`--dial: "${raw}" is not one of answered, completed, busy, no-answer, failed`);
  });
}

/** Plays a fixed script: --keys and --dial. */
export function scriptedInput(keys: string[], outcomes: DialStatus[] = ['completed']): CallerInput {
  let k = 0;
  let d = 0;
  return {
    async keys() {
      const item = keys[k++];
      if (item === undefined) return { kind: 'exhausted' };
      if (item === 'T') return { kind: 'silence' };
      if (item === 'H') return { kind: 'hangup' };
      return { kind: 'keys', keys: item };
    },
    async dial() {
      const status = outcomes[Math.min(d++, outcomes.length - 1)];
      return status ? { kind: 'outcome', status } : { kind: 'exhausted' };
    },
  };
}

/** Asks the person at the terminal: keys at each menu, the outcome of each transfer. */
export function interactiveInput(input: NodeJS.ReadableStream, prompts: NodeJS.WritableStream): CallerInput {
  const terminal = Boolean((input as { isTTY?: boolean }).isTTY);
  const rl = createInterface({ input, output: prompts, terminal });
  rl.on('SIGINT', () => rl.close()); // Ctrl-C: the caller hangs up
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (question: string): Promise<string | undefined> => {
    rl.setPrompt(question);
    rl.prompt();
    const r = await lines.next();
    const answer = r.done ? undefined : String(r.value).trim();
    if (!terminal) prompts.write(`${answer ?? '(end of input)'}\n`); // piped input is not echoed
    return answer;
  };
  return {
    async keys(p) {
      const how = `${p.numDigits === 1 ? '1 key' : p.numDigits ? `up to ${p.numDigits} keys` : 'keys'} (0-9 * #), Enter alone = silence, q = hang up; the line waits ${p.timeout} s`;
      for (;;) {
        const line = await ask(`  [${how}] > `);
        if (line === undefined || line === 'q' || line === 'Q') return { kind: 'hangup' };
        if (line === '' || line === 'T' || line === 't') return { kind: 'silence' };
        const keys = line.replace(/\s+/g, '');
        if (KEYS.test(keys)) return { kind: 'keys', keys };
        prompts.write('  keys are 0-9, * and #\n');
      }
    },
    async dial(p) {
      for (;;) {
        const line = await ask(`  [transfer to ${p.number}: Enter or a = answered, b = busy, n = no answer, f = failed, q = hang up] > `);
        if (line === undefined || line === 'q' || line === 'Q') return { kind: 'hangup' };
        const choice = ({ '': 'completed', a: 'completed', answered: 'completed', completed: 'completed', b: 'busy', busy: 'busy', n: 'no-answer', 'no-answer': 'no-answer', f: 'failed', failed: 'failed' } as Record<string, DialStatus>)[line.toLowerCase()];
        if (choice) return { kind: 'outcome', status: choice };
        prompts.write('  choose a, b, n, f or q\n');
      }
    },
    close() {
      rl.close();
    },
  };
}

// --- the call ---------------------------------------------------------------------------

/** An app to call instead of building the line (to test the caller on hand-written TwiML). */
export interface LineUnderTest {
  app: FastifyInstance;
  /** The base URL the app signs and answers under, e.g. https://ivr.example.be */
  baseUrl: string;
  authToken: string;
}

export interface CallOptions {
  input: CallerInput;
  /** The line's clock: this instant for the whole call. Absent: the real time. */
  at?: Date | undefined;
  /** The line's data; default: as the server reads it (HELPLINE_* or the built-in files). */
  config?: Config | undefined;
  line?: LineUnderTest | undefined;
  /** The call's From and To (To is the helpline's number). */
  from?: string | undefined;
  to?: string | undefined;
  /** The line's own log level, on stderr; default silent. */
  logLevel?: string | undefined;
  onEvent?: ((e: CallEvent) => void) | undefined;
  /** Stop after this many webhooks (a runaway call). */
  maxRequests?: number | undefined;
}

export interface CallResult {
  events: CallEvent[];
  /** hangup: the line ended the call; caller: the caller hung up (H, q); keys-ran-out; error. */
  end: 'hangup' | 'caller' | 'keys-ran-out' | 'error';
  exitCode: number;
}

export const EXIT = { ok: 0, lineError: 1, usage: 2, keysRanOut: 3 } as const;

/** The base URL the in-process line answers under (never resolved: app.inject only). */
export const LINE_BASE_URL = 'https://helpline.test';
export const DEFAULT_FROM = '+32470000000';
export const DEFAULT_TO = '+3225550100';
/** Consecutive webhooks without the caller doing anything: a Redirect loop. */
const MAX_WITHOUT_CALLER = 25;

class CallError extends Error {}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function int(value: string | undefined, fallback: number): number {
  const n = value === undefined ? Number.NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : fallback;
}

/** Plays a whole call against the line; resolves with the transcript and how it ended. */
export async function runCall(options: CallOptions): Promise<CallResult> {
  const events: CallEvent[] = [];
  const emit = (e: CallEvent) => {
    events.push(e);
    options.onEvent?.(e);
  };

  let line = options.line;
  let owned: FastifyInstance | undefined;
  if (!line) {
    const authToken = hex(16); // throwaway: exists only for this call
    const at = options.at;
    const logLevel = options.logLevel ?? 'silent';
    owned = await buildApp({
      config: options.config ?? loadLineConfig(),
      ...(at ? { clock: () => at } : {}),
      authToken,
      publicBaseUrl: LINE_BASE_URL,
      logger: createLogger(logLevel, pino.destination({ dest: 2, sync: true })),
    });
    line = { app: owned, baseUrl: LINE_BASE_URL, authToken };
  }
  const { app, authToken } = line;
  const base = new URL(line.baseUrl);

  const callParams: Record<string, string> = {
    AccountSid: 'AC' + hex(16),
    ApiVersion: '2010-04-01',
    CallSid: 'CA' + hex(16),
    CallStatus: 'ringing',
    Called: options.to ?? DEFAULT_TO,
    Caller: options.from ?? DEFAULT_FROM,
    Direction: 'inbound',
    From: options.from ?? DEFAULT_FROM,
    FromCountry: 'BE',
    To: options.to ?? DEFAULT_TO,
    ToCountry: 'BE',
  };

  /** Requests a TwiML document as Twilio does: a signed form post (or GET). */
  async function fetchTwiml(url: URL, method: 'GET' | 'POST', extra: Record<string, string>): Promise<TwimlNode> {
    if (url.origin !== base.origin) throw new CallError(`the TwiML sends the call to ${url.href}, outside the line (${base.origin})`);
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
    emit({ event: 'request', method, url: full });
    const res = await app.inject({
      method,
      url: path,
      headers: {
        host: base.host,
        'user-agent': 'TwilioProxy/1.1',
        'x-twilio-signature': webhooks.getExpectedTwilioSignature(authToken, full, signed),
        ...(payload !== undefined ? { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } : {}),
      },
      ...(payload !== undefined ? { payload } : {}),
    });
    if (res.statusCode !== 200) throw new CallError(`${method} ${path} answered HTTP ${res.statusCode}, not 200: Twilio would play its error message (or the fallback URL)`);
    const type = String(res.headers['content-type'] ?? '');
    if (!/^(text|application)\/xml\b/.test(type)) throw new CallError(`${method} ${path} answered Content-Type "${type}", not text/xml (Twilio error 12300)`);
    callParams.CallStatus = 'in-progress';
    try {
      return readTwiml(res.body);
    } catch (err) {
      if (err instanceof TwimlError) throw new CallError(`${method} ${path}: ${err.message}`);
      throw err;
    }
  }

  /** <Play>: a URL of the line is fetched as Twilio would; it must be audio. */
  async function play(verb: TwimlNode, current: URL): Promise<void> {
    const loop = verb.attrs.loop === undefined ? undefined : int(verb.attrs.loop, 1);
    if (!verb.text) {
      emit({ event: 'play', digits: verb.attrs.digits ?? '', ...(loop !== undefined ? { loop } : {}) });
      return;
    }
    const url = new URL(verb.text, current);
    if (url.origin !== base.origin) {
      emit({ event: 'play', url: url.href, ...(loop !== undefined ? { loop } : {}) });
      return;
    }
    const res = await app.inject({ method: 'GET', url: url.pathname + url.search, headers: { host: base.host } });
    const type = String(res.headers['content-type'] ?? '');
    if (res.statusCode !== 200 || !/^audio\//.test(type)) throw new CallError(`<Play> ${url.href} answered HTTP ${res.statusCode} ${type}: Twilio cannot play it`);
    emit({ event: 'play', url: url.href, contentType: type, bytes: res.rawPayload.length, ...(loop !== undefined ? { loop } : {}) });
  }

  async function speak(verb: TwimlNode, current: URL): Promise<void> {
    if (verb.name === 'Say') {
      const loop = verb.attrs.loop === undefined ? undefined : int(verb.attrs.loop, 1);
      emit({ event: 'say', language: verb.attrs.language ?? '(none)', voice: verb.attrs.voice ?? '(none)', text: verb.text.replace(/\s+/g, ' '), ...(loop !== undefined ? { loop } : {}) });
    } else if (verb.name === 'Play') {
      await play(verb, current);
    } else if (verb.name === 'Pause') {
      emit({ event: 'pause', seconds: int(verb.attrs.length, 1) });
    }
  }

  const finish = (end: CallResult['end'], exitCode: number): CallResult => ({ events, end, exitCode });
  let next: { url: URL; method: 'GET' | 'POST'; params: Record<string, string> } | undefined = {
    url: new URL('/voice', base),
    method: 'POST',
    params: {},
  };
  let requests = 0;
  let withoutCaller = 0;
  const maxRequests = options.maxRequests ?? 500;
  const method = (m: string | undefined): 'GET' | 'POST' => ((m ?? 'POST').toUpperCase() === 'GET' ? 'GET' : 'POST');

  try {
    const at = options.at ?? new Date();
    emit({ event: 'call', at: isoBrussels(at), timeZone: TIME_ZONE, clock: options.at ? 'fixed' : 'real' });
    while (next) {
      if (++requests > maxRequests) throw new CallError(`more than ${maxRequests} webhooks in one call`);
      if (++withoutCaller > MAX_WITHOUT_CALLER) throw new CallError(`${MAX_WITHOUT_CALLER} webhooks in a row without waiting for the caller: a Redirect loop`);
      const current: URL = next.url;
      const doc = await fetchTwiml(current, next.method, next.params);
      next = undefined;
      for (const verb of doc.children) {
        if (verb.name === 'Say' || verb.name === 'Play' || verb.name === 'Pause') {
          await speak(verb, current);
        } else if (verb.name === 'Gather') {
          // Twilio's defaults: action = this document's URL, POST, 5 s, finish on #, no limit.
          const action = verb.attrs.action ? new URL(verb.attrs.action, current) : current;
          const prompt: GatherPrompt = {
            timeout: int(verb.attrs.timeout, 5),
            numDigits: verb.attrs.numDigits === undefined ? undefined : int(verb.attrs.numDigits, 1),
            finishOnKey: verb.attrs.finishOnKey ?? '#',
          };
          const onEmpty = verb.attrs.actionOnEmptyResult === 'true';
          emit({
            event: 'gather',
            timeout: prompt.timeout,
            ...(prompt.numDigits !== undefined ? { numDigits: prompt.numDigits } : {}),
            finishOnKey: prompt.finishOnKey,
            actionOnEmptyResult: onEmpty,
            action: action.href,
          });
          for (const child of verb.children) await speak(child, current);
          const answer = await options.input.keys(prompt);
          withoutCaller = 0;
          if (answer.kind === 'hangup') {
            emit({ event: 'hangup', by: 'caller' });
            return finish('caller', EXIT.ok);
          }
          if (answer.kind === 'exhausted') {
            emit({ event: 'stop', reason: 'keys-ran-out' });
            return finish('keys-ran-out', EXIT.keysRanOut);
          }
          let digits = '';
          if (answer.kind === 'keys') {
            // What Twilio collects: up to numDigits keys, stopping at finishOnKey (not sent).
            for (const k of answer.keys) {
              if (prompt.finishOnKey && k === prompt.finishOnKey) break;
              digits += k;
              if (prompt.numDigits && digits.length >= prompt.numDigits) break;
            }
            emit({ event: 'keys', keys: answer.keys, digits });
          } else {
            emit({ event: 'silence' });
          }
          if (digits || onEmpty) {
            next = { url: action, method: method(verb.attrs.method), params: { Digits: digits } };
            break;
          }
          // No input and no actionOnEmptyResult: Twilio goes on with the next verb.
        } else if (verb.name === 'Dial') {
          const number = verb.children.length ? verb.children.map((c) => (c.name === 'Number' || c.name === 'Sip' ? c.text : `${c.name.toLowerCase()}:${c.text}`)).join(', ') : verb.text;
          const action = verb.attrs.action ? new URL(verb.attrs.action, current) : undefined;
          const timeout = int(verb.attrs.timeout, 30);
          emit({
            event: 'dial',
            number,
            timeout,
            ...(verb.attrs.callerId ? { callerId: verb.attrs.callerId } : {}),
            ...(verb.attrs.ringTone ? { ringTone: verb.attrs.ringTone } : {}),
            ...(action ? { action: action.href } : {}),
          });
          const answer = await options.input.dial({ number, timeout });
          withoutCaller = 0;
          if (answer.kind === 'hangup') {
            emit({ event: 'hangup', by: 'caller' });
            return finish('caller', EXIT.ok);
          }
          if (answer.kind === 'exhausted') {
            emit({ event: 'stop', reason: 'outcomes-ran-out' });
            return finish('keys-ran-out', EXIT.keysRanOut);
          }
          emit({ event: 'outcome', status: answer.status });
          if (action) {
            const answered = answer.status === 'completed';
            next = {
              url: action,
              method: method(verb.attrs.method),
              params: { DialCallStatus: answer.status, DialCallSid: 'CA' + hex(16), DialCallDuration: answered ? '60' : '0', DialBridged: String(answered) },
            };
            break;
          }
          // Without an action, Twilio goes on with the next verb once the transfer ends.
        } else if (verb.name === 'Redirect') {
          next = { url: new URL(verb.text, current), method: method(verb.attrs.method), params: {} };
          emit({ event: 'redirect', url: next.url.href });
          break;
        } else if (verb.name === 'Hangup' || verb.name === 'Reject') {
          emit({ event: 'hangup', by: verb.name === 'Hangup' ? 'line' : 'reject' });
          return finish('hangup', EXIT.ok);
        }
      }
      if (!next) {
        emit({ event: 'hangup', by: 'end-of-document' });
        return finish('hangup', EXIT.ok);
      }
    }
    return finish('hangup', EXIT.ok);
  } catch (err) {
    if (!(err instanceof CallError)) throw err;
    emit({ event: 'error', message: err.message });
    return finish('error', EXIT.lineError);
  } finally {
    if (owned) await owned.close();
  }
}

// --- the command ------------------------------------------------------------------------

export const USAGE = `Usage: npm run call -- [options]

Plays a caller against the line, in-process (no port, no Twilio account, no phone).
Interactive by default: type the keys of each menu and press Enter (Enter alone = silence,
q = hang up); at a transfer, choose how it ends.

Options:
  --at 2026-12-25T10:00   the line's clock, in Brussels wall-clock time (default: now)
  --keys 1,2,T,3          play these keys, one item per menu, then exit (T = silence, H = hang up)
  --dial busy,completed   with --keys: how each transfer ends, in order, the last one repeating:
                          completed (or answered), busy, no-answer, failed (default: completed)
  --json                  one JSON object per event instead of text lines
  --verbose               also show the webhooks behind the call (POST, GATHER, REDIRECT)
  --log                   the line's own log lines, on stderr
  --from NUMBER           the caller's number (default ${DEFAULT_FROM})
  --to NUMBER             the helpline's number, the call's To (default ${DEFAULT_TO})

Exit status: 0 the call ended (the line hung up, or H / q); 1 the line answered something
Twilio would refuse (not 200, not TwiML, a loop); 2 a bad option or broken data;
3 --keys or --dial ran out before the call ended.`;

export interface CliIO {
  /** One line of the transcript. */
  out(line: string): void;
  /** Messages for the person (warnings, usage). */
  err(text: string): void;
  stdin?: NodeJS.ReadableStream;
  prompts?: NodeJS.WritableStream;
}

/** `npm run call` with its arguments; resolves with the exit status. */
export async function callCli(argv: string[], io: CliIO): Promise<number> {
  const values = parseOptions(argv, {
        at: { type: 'string' },
        keys: { type: 'string' },
        dial: { type: 'string' },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', short: 'v', default: false },
        log: { type: 'boolean', default: false },
        from: { type: 'string' },
        to: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      }, USAGE);
  if (values.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  let at: Date | undefined;
  if (values.at !== undefined) {
    try {
      const parsed = parseWallClock(values.at);
      at = parsed.at;
      if (parsed.note) io.err(`note: ${parsed.note}\n`);
    } catch (err) {
      throw new UsageError(`--at: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (values.dial !== undefined && values.keys === undefined) throw new UsageError('--dial goes with --keys (interactively, you choose each outcome)');
  // Before reading the terminal: a broken data file must not leave stdin open.
  const config = loadLineConfig();
  const input =
    values.keys !== undefined
      ? scriptedInput(parseKeyScript(values.keys), values.dial !== undefined ? parseDialScript(values.dial) : undefined)
      : interactiveInput(io.stdin ?? process.stdin, io.prompts ?? process.stderr);
  try {
    const result = await runCall({
      input,
      at,
      config,
      from: values.from,
      to: values.to,
      logLevel: values.log ? 'info' : 'silent',
      onEvent: (e) => {
        const line = values.json ? JSON.stringify(e) : formatEvent(e, values.verbose);
        if (line !== undefined) io.out(line);
      },
    });
    return result.exitCode;
  } finally {
    input.close?.();
  }
}

if (isMain(import.meta.url)) {
  runMain(() =>
    callCli(process.argv.slice(2), {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (text) => process.stderr.write(text),
    }),
  );
}
