/**
 * Plays a whole call as Twilio does: posts to /voice, plays the verbs of each TwiML answer in
 * order, and follows the webhooks they lead to, until the line or the caller ends the call.
 * Part of the terminal caller, which knows only TwiML (an import rule in biome.json).
 */
import type { TwimlNode } from '../twiml-reader.js';
import type { CallerInput } from './input.js';
import { CallError, callLine, DEFAULT_FROM, DEFAULT_TO, type LineUnderTest } from './line.js';
import type { CallEvent } from './transcript.js';
import { VERBS, type CallEnd, type Playing, type Request, type Step } from './verbs.js';

export interface PlayOptions {
  line: LineUnderTest;
  input: CallerInput;
  /** When the call happens on the line's clock: the first event of the transcript. */
  call: { at: string; timeZone: string; clock: 'fixed' | 'real' };
  /** The call's From and To (To is the helpline's number). */
  from?: string | undefined;
  to?: string | undefined;
  onEvent?: ((e: CallEvent) => void) | undefined;
  /** Stop after this many webhooks (a runaway call). */
  maxRequests?: number | undefined;
}

export interface PlayedCall {
  events: CallEvent[];
  end: CallEnd;
}

/** Consecutive webhooks without the caller doing anything: a Redirect loop. */
const MAX_WITHOUT_CALLER = 25;

async function playVerb(verb: TwimlNode, p: Playing): Promise<Step> {
  const play = VERBS.get(verb.name);
  if (!play) throw new CallError(`<${verb.name}> is a TwiML verb the terminal caller does not play`);
  return play(verb, p);
}

/** The verbs of one document, in order, until one leads elsewhere; after the last, Twilio hangs up. */
async function playDocument(doc: TwimlNode, p: Playing): Promise<Exclude<Step, { kind: 'next' }>> {
  for (const verb of doc.children) {
    const step = await playVerb(verb, p);
    if (step.kind !== 'next') return step;
  }
  p.emit({ event: 'hangup', by: 'end-of-document' });
  return { kind: 'end', end: 'hangup' };
}

/** Plays a whole call against the line; resolves with the transcript and how it ended. */
export async function playCall(options: PlayOptions): Promise<PlayedCall> {
  const events: CallEvent[] = [];
  const emit = (e: CallEvent) => {
    events.push(e);
    options.onEvent?.(e);
  };
  let withoutCaller = 0;
  // Each answer of the caller (keys, silence, an outcome) ends a run of webhooks.
  const input: CallerInput = {
    keys: async (prompt) => {
      const answer = await options.input.keys(prompt);
      withoutCaller = 0;
      return answer;
    },
    dial: async (prompt) => {
      const answer = await options.input.dial(prompt);
      withoutCaller = 0;
      return answer;
    },
  };
  const line = callLine(options.line, { from: options.from ?? DEFAULT_FROM, to: options.to ?? DEFAULT_TO, emit });
  const maxRequests = options.maxRequests ?? 500;
  let requests = 0;
  let next: Request = { kind: 'request', url: new URL('/voice', line.base), method: 'POST', params: {} };
  try {
    const { at, timeZone, clock } = options.call;
    emit({ event: 'call', at, timeZone, clock });
    for (;;) {
      if (++requests > maxRequests) throw new CallError(`more than ${maxRequests} webhooks in one call`);
      if (++withoutCaller > MAX_WITHOUT_CALLER) {
        throw new CallError(`${MAX_WITHOUT_CALLER} webhooks in a row without waiting for the caller: a Redirect loop`);
      }
      const doc = await line.twiml(next.url, next.method, next.params);
      const step = await playDocument(doc, { document: next.url, line, input, emit });
      if (step.kind === 'end') return { events, end: step.end };
      next = step;
    }
  } catch (err) {
    if (!(err instanceof CallError)) throw err;
    emit({ event: 'error', message: err.message });
    return { events, end: 'error' };
  }
}
