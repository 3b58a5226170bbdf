/**
 * The transcript of a call: what happens, one event at a time, and the line each event prints.
 * Part of the terminal caller, which knows only TwiML (an import rule in biome.json).
 */

/** How a transfer ends, as Twilio reports it in DialCallStatus. */
export type DialStatus = 'completed' | 'busy' | 'no-answer' | 'failed';
export const DIAL_STATUSES: readonly DialStatus[] = ['completed', 'busy', 'no-answer', 'failed'];

export type CallEvent =
  | { event: 'call'; at: string; timeZone: string; clock: 'fixed' | 'real' }
  | { event: 'request'; method: 'GET' | 'POST'; url: string }
  | { event: 'say'; language: string; voice: string; text: string; loop?: number }
  | { event: 'play'; url?: string; digits?: string; contentType?: string; bytes?: number; loop?: number }
  | { event: 'pause'; seconds: number }
  | {
      event: 'gather';
      timeout: number;
      numDigits?: number;
      finishOnKey: string;
      actionOnEmptyResult: boolean;
      action: string;
    }
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

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/** "Fri 2026-12-25 10:00 Europe/Brussels (UTC+01:00)", read from the event's own ISO time
 * (written in the line's time zone), so the transcript needs no time-zone code. */
function callTime(at: string, timeZone: string): string {
  const m = ISO.exec(at);
  if (!m) return `${at} ${timeZone}`;
  const [year = '', month = '', day = '', time = '', offset = ''] = m.slice(1);
  const weekday = WEEKDAYS[new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).getUTCDay()];
  return `${weekday} ${year}-${month}-${day} ${time} ${timeZone} (UTC${offset === 'Z' ? '+00:00' : offset})`;
}

function gatherLine(e: Extract<CallEvent, { event: 'gather' }>): string {
  const ends = e.finishOnKey ? `, ends on ${e.finishOnKey}` : '';
  const onEmpty = e.actionOnEmptyResult ? ', action on empty result' : '';
  return `GATHER ${e.numDigits ?? 'any number of'} key(s), ${e.timeout} s${ends}${onEmpty} → ${e.action}`;
}

function playLine(e: Extract<CallEvent, { event: 'play' }>): string {
  const media = e.contentType ? `(${e.contentType}, ${e.bytes} bytes)` : '';
  return `PLAY ${[e.url, e.digits ? `digits ${e.digits}` : '', media].filter(Boolean).join(' ')}`;
}

function dialLine(e: Extract<CallEvent, { event: 'dial' }>): string {
  const details = [
    `timeout ${e.timeout} s`,
    e.callerId ? `caller ID ${e.callerId}` : "caller ID: the caller's own number",
    e.ringTone ? `ring tone ${e.ringTone}` : '',
  ];
  return `DIAL ${e.number} (${details.filter(Boolean).join(', ')})`;
}

const HANGUPS = {
  line: 'HANGUP',
  'end-of-document': 'HANGUP (end of the TwiML document)',
  reject: 'HANGUP (rejected)',
  caller: 'HANGUP (by the caller)',
} as const;

const STOPS = {
  'keys-ran-out': 'STOP --keys ran out before the call ended',
  'outcomes-ran-out': 'STOP no outcome left for the transfer',
} as const;

const loopOf = (loop: number | undefined) => (loop !== undefined ? ` (loop ${loop})` : '');

/** One line of the transcript, or undefined when it is shown only with --verbose. */
export function formatEvent(e: CallEvent, verbose = false): string | undefined {
  if (!verbose && VERBOSE_ONLY.has(e.event)) return undefined;
  switch (e.event) {
    case 'call':
      return `CALL ${callTime(e.at, e.timeZone)}${e.clock === 'real' ? ', the real time' : ''}`;
    case 'request':
      return `${e.method} ${e.url}`;
    case 'say':
      return `SAY [${e.language}] (${e.voice}) ${e.text}${loopOf(e.loop)}`;
    case 'play':
      return playLine(e);
    case 'pause':
      return `PAUSE ${e.seconds}s`;
    case 'gather':
      return gatherLine(e);
    case 'keys':
      return `KEYS ${e.keys}${e.digits !== e.keys ? ` (Twilio sends Digits=${e.digits})` : ''}`;
    case 'silence':
      return 'SILENCE';
    case 'redirect':
      return `REDIRECT ${e.url}`;
    case 'dial':
      return dialLine(e);
    case 'outcome':
      return `OUTCOME ${e.status}`;
    case 'hangup':
      return HANGUPS[e.by];
    case 'stop':
      return STOPS[e.reason];
    case 'error':
      return `ERROR ${e.message}`;
  }
}
