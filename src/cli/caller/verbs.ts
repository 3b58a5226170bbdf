/**
 * The TwiML verbs the terminal caller plays, one function each, as Twilio plays them: each says
 * what happened (events) and what comes next (the next verb, another webhook, or the end).
 * Part of the terminal caller, which knows only TwiML (an import rule in biome.json).
 */
import type { TwimlNode } from '../twiml-reader.js';
import type { CallerInput, GatherPrompt } from './input.js';
import { CallError, sid, type LineClient } from './line.js';
import type { Answerer, CallEvent } from './transcript.js';

/** hangup: the line ended the call; caller: the caller hung up (H, q); keys-ran-out; error. */
export type CallEnd = 'hangup' | 'caller' | 'keys-ran-out' | 'error';

export type Request = { kind: 'request'; url: URL; method: 'GET' | 'POST'; params: Record<string, string> };
/** After a verb: go on with the next verb, request another document, or end the call. */
export type Step = { kind: 'next' } | Request | { kind: 'end'; end: CallEnd };

/** What a verb plays with: the document it is in, the line, the caller, the transcript. */
export interface Playing {
  /** The document's URL: relative URLs resolve against it, and <Gather> posts to it by default. */
  document: URL;
  line: LineClient;
  input: CallerInput;
  emit(e: CallEvent): void;
}

export type Verb = (verb: TwimlNode, p: Playing) => Step | Promise<Step>;

const NEXT: Step = { kind: 'next' };

function int(value: string | undefined, fallback: number): number {
  const n = value === undefined ? Number.NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : fallback;
}
const methodOf = (verb: TwimlNode): 'GET' | 'POST' => (verb.attrs.method?.toUpperCase() === 'GET' ? 'GET' : 'POST');
const loopOf = (verb: TwimlNode) => (verb.attrs.loop === undefined ? {} : { loop: int(verb.attrs.loop, 1) });

export function say(verb: TwimlNode, p: Playing): Step {
  const { language = '(none)', voice = '(none)' } = verb.attrs;
  p.emit({ event: 'say', language, voice, text: verb.text.replace(/\s+/g, ' '), ...loopOf(verb) });
  return NEXT;
}

/** <Play>: a URL of the line is fetched as Twilio would, and must be audio. */
export async function play(verb: TwimlNode, p: Playing): Promise<Step> {
  if (!verb.text) {
    p.emit({ event: 'play', digits: verb.attrs.digits ?? '', ...loopOf(verb) });
    return NEXT;
  }
  const url = new URL(verb.text, p.document);
  const media = url.origin === p.line.base.origin ? await p.line.audio(url) : {};
  p.emit({ event: 'play', url: url.href, ...media, ...loopOf(verb) });
  return NEXT;
}

export function pause(verb: TwimlNode, p: Playing): Step {
  p.emit({ event: 'pause', seconds: int(verb.attrs.length, 1) });
  return NEXT;
}

/** What can be inside a <Gather>: played while it waits for keys. */
const NESTED = new Map<string, Verb>([
  ['Say', say],
  ['Play', play],
  ['Pause', pause],
]);

function callerHangsUp(p: Playing): Step {
  p.emit({ event: 'hangup', by: 'caller' });
  return { kind: 'end', end: 'caller' };
}

function ranOut(p: Playing, reason: 'keys-ran-out' | 'outcomes-ran-out'): Step {
  p.emit({ event: 'stop', reason });
  return { kind: 'end', end: 'keys-ran-out' };
}

/** What Twilio collects of the keys pressed: up to numDigits, stopping at finishOnKey (not sent). */
function collect(keys: string, prompt: GatherPrompt): string {
  let digits = '';
  for (const k of keys) {
    if (prompt.finishOnKey && k === prompt.finishOnKey) break;
    digits += k;
    if (prompt.numDigits && digits.length >= prompt.numDigits) break;
  }
  return digits;
}

export async function gather(verb: TwimlNode, p: Playing): Promise<Step> {
  // Twilio's defaults: action = this document's URL, POST, 5 s, finish on #, no limit.
  const action = verb.attrs.action ? new URL(verb.attrs.action, p.document) : p.document;
  const prompt: GatherPrompt = {
    timeout: int(verb.attrs.timeout, 5),
    numDigits: verb.attrs.numDigits === undefined ? undefined : int(verb.attrs.numDigits, 1),
    finishOnKey: verb.attrs.finishOnKey ?? '#',
  };
  const onEmpty = verb.attrs.actionOnEmptyResult === 'true';
  p.emit({
    event: 'gather',
    timeout: prompt.timeout,
    ...(prompt.numDigits !== undefined ? { numDigits: prompt.numDigits } : {}),
    finishOnKey: prompt.finishOnKey,
    actionOnEmptyResult: onEmpty,
    action: action.href,
  });
  for (const child of verb.children) {
    const nested = NESTED.get(child.name);
    if (!nested) throw new CallError(`<${child.name}> cannot be inside <Gather>`);
    await nested(child, p);
  }
  const answer = await p.input.keys(prompt);
  if (answer.kind === 'hangup') return callerHangsUp(p);
  if (answer.kind === 'exhausted') return ranOut(p, 'keys-ran-out');
  const digits = answer.kind === 'keys' ? collect(answer.keys, prompt) : '';
  p.emit(answer.kind === 'keys' ? { event: 'keys', keys: answer.keys, digits } : { event: 'silence' });
  // No input and no actionOnEmptyResult: Twilio goes on with the next verb.
  if (!digits && !onEmpty) return NEXT;
  return { kind: 'request', url: action, method: methodOf(verb), params: { Digits: digits } };
}

/** Where a <Dial> goes: its text, or its nouns (<Number>, <Sip> as they are, others named). */
function destination(verb: TwimlNode): string {
  if (!verb.children.length) return verb.text;
  const noun = (c: TwimlNode) =>
    c.name === 'Number' || c.name === 'Sip' ? c.text : `${c.name.toLowerCase()}:${c.text}`;
  return verb.children.map(noun).join(', ');
}

export async function dial(verb: TwimlNode, p: Playing): Promise<Step> {
  const number = destination(verb);
  const action = verb.attrs.action ? new URL(verb.attrs.action, p.document) : undefined;
  const timeout = int(verb.attrs.timeout, 30);
  p.emit({
    event: 'dial',
    number,
    timeout,
    ...(verb.attrs.callerId ? { callerId: verb.attrs.callerId } : {}),
    ...(verb.attrs.ringTone ? { ringTone: verb.attrs.ringTone } : {}),
    ...(action ? { action: action.href } : {}),
  });
  const answer = await p.input.dial({ number, timeout });
  if (answer.kind === 'hangup') return callerHangsUp(p);
  if (answer.kind === 'exhausted') return ranOut(p, 'outcomes-ran-out');
  p.emit({ event: 'outcome', status: answer.status });
  // Someone answers: the whisper (<Number url>) runs on the answering leg first.
  const answered = answer.status === 'completed';
  const bridged = answered ? await answeringLeg(verb, p, p.input.answerer?.() ?? 'person') : false;
  // Without an action, Twilio goes on with the next verb once the transfer ends.
  if (!action) return NEXT;
  const params = {
    DialCallStatus: answer.status,
    DialCallSid: sid('CA'),
    DialCallDuration: bridged ? '60' : '0',
    DialBridged: String(bridged),
  };
  return { kind: 'request', url: action, method: methodOf(verb), params };
}

/** The verbs Twilio runs on the answering leg (twilio.com/docs/voice/twiml/number). */
const ANSWERING_VERBS = new Set(['Say', 'Play', 'Pause', 'Gather', 'Hangup']);
/** Documents in a row on the answering leg before it counts as a loop. */
const MAX_LEG_DOCUMENTS = 5;

/**
 * The answering leg as Twilio plays it: the <Number url> (or <Sip url>) document, its Says
 * printed as the answerer hears them; at a <Gather>, a person presses 1, whoever declines or
 * a voicemail presses nothing. Resolves with whether the caller is put through (the documents
 * ended without <Hangup/>; a person who declines an announcement hangs up).
 */
async function answeringLeg(verb: TwimlNode, p: Playing, by: Answerer): Promise<boolean> {
  const noun = verb.children.find((c) => c.name === 'Number' || c.name === 'Sip');
  const first = noun?.attrs.url;
  const leg = { CallSid: sid('CA'), Direction: 'outbound-dial', CallStatus: 'in-progress' };
  let key: string | undefined;
  let next: Request | undefined = first
    ? { kind: 'request', url: new URL(first, p.document), method: methodOf(noun!), params: leg }
    : undefined;
  let bridged = by !== 'declined';
  for (let n = 0; next && n < MAX_LEG_DOCUMENTS; n++) {
    const doc = await p.line.twiml(next.url, next.method, next.params);
    const current: Request = next;
    next = undefined;
    for (const v of doc.children) {
      if (!ANSWERING_VERBS.has(v.name))
        throw new CallError(`<${v.name}> is not allowed on the answering leg (<Number url>)`);
      if (v.name === 'Hangup') {
        bridged = false;
        break;
      }
      for (const said of v.name === 'Gather' ? v.children : [v]) {
        if (said.name !== 'Say') continue;
        const { language = '(none)', voice = '(none)' } = said.attrs;
        p.emit({ event: 'whisper', language, voice, text: said.text.replace(/\s+/g, ' ') });
      }
      if (v.name !== 'Gather') continue;
      key = by === 'person' ? '1' : '';
      if (!key && v.attrs.actionOnEmptyResult !== 'true') continue;
      const url = v.attrs.action ? new URL(v.attrs.action, current.url) : current.url;
      next = { kind: 'request', url, method: methodOf(v), params: { ...leg, Digits: key } };
      break;
    }
    // A declined confirm-whisper still posts its Gather's time-out (next), then hangs up.
    if (!bridged && !next) break;
  }
  if (next) throw new CallError(`more than ${MAX_LEG_DOCUMENTS} documents on the answering leg`);
  p.emit({ event: 'answer', by, ...(key !== undefined ? { key } : {}), bridged });
  return bridged;
}

export function redirect(verb: TwimlNode, p: Playing): Step {
  const url = new URL(verb.text, p.document);
  p.emit({ event: 'redirect', url: url.href });
  return { kind: 'request', url, method: methodOf(verb), params: {} };
}

export function hangup(_verb: TwimlNode, p: Playing): Step {
  p.emit({ event: 'hangup', by: 'line' });
  return { kind: 'end', end: 'hangup' };
}

export function reject(_verb: TwimlNode, p: Playing): Step {
  p.emit({ event: 'hangup', by: 'reject' });
  return { kind: 'end', end: 'hangup' };
}

/** Every verb the caller plays (the reader refuses the others: PLAYED_VERBS). */
export const VERBS: ReadonlyMap<string, Verb> = new Map<string, Verb>([
  ['Say', say],
  ['Play', play],
  ['Pause', pause],
  ['Gather', gather],
  ['Dial', dial],
  ['Redirect', redirect],
  ['Hangup', hangup],
  ['Reject', reject],
]);
