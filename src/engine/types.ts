/** The engine's vocabulary: what a call's state is, what is said, what happens next. */
import type { ClosureKind } from '../time/hours.js';
import type { CallState, DialState } from '../call/call-state.js';
import type { Lang, Service } from '../config/types.js';

export { AFTER_CALL_MENU, ALTERNATIVES_MENU, LANGUAGE_MENU, RESERVED_MENU_IDS } from '../config/types.js';

export type { CallState, DialState, ReceivedState } from '../call/call-state.js';

/** One thing said: a prompt of a language, with its placeholders filled. */
export interface Speech {
  lang: Lang;
  key: string;
  vars?: Record<string, string>;
}

export type Step =
  /** Say, then wait for one key; the key (or silence) goes back with `state`. */
  | { kind: 'gather'; say: Speech[]; state: CallState; timeout: number }
  /** Say, then put the caller through; the outcome comes back with `state`. */
  | { kind: 'dial'; say: Speech[]; service: Service; state: DialState }
  /** Say, then end the call. */
  | { kind: 'hangup'; say: Speech[] };

/** What happened, for the logs and metrics: no caller data, only the flow's own words. A key
 * is only one the menu knows; never what the caller typed otherwise. `lang` is undefined for a
 * caller who chose no language. */
export type FlowEvent =
  | { event: 'call'; menu: string }
  | { event: 'language' | 'choice'; menu: string; key: string; lang: Lang | undefined }
  | { event: 'repeat' | 'back' | 'no-input' | 'invalid-key'; menu: string; lang?: Lang | undefined }
  | { event: 'switch-language'; menu: string; lang?: Lang | undefined }
  | { event: 'default-language' | 'safety-net' | 'none-open' | 'goodbye'; lang?: Lang | undefined }
  | { event: 'transfer' | 'number-said'; lang?: Lang | undefined; service: string }
  /** closed: why the service is closed. */
  | { event: 'closed'; lang?: Lang | undefined; service: string; reason: ClosureKind }
  | {
      event: 'dial-result';
      lang?: Lang | undefined;
      service: string;
      outcome: DialOutcome | 'missing';
      /** Twilio's DialCallStatus when it is one Twilio documents, else "unknown". */
      status: DialStatus | 'unknown' | 'missing';
    };

export interface Result {
  step: Step;
  events: FlowEvent[];
}

export type DialOutcome = 'completed' | 'busy' | 'no-answer' | 'failed';

/** Every DialCallStatus Twilio documents. */
export const DIAL_STATUSES = ['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type DialStatus = (typeof DIAL_STATUSES)[number];

export function dialStatus(status: string | undefined): DialStatus | 'unknown' | 'missing' {
  if (!status) return 'missing';
  return (DIAL_STATUSES as readonly string[]).includes(status) ? (status as DialStatus) : 'unknown';
}

/** Twilio's DialCallStatus, mapped to what the caller hears. Anything unknown counts as failed. */
export function dialOutcome(status: string | undefined): DialOutcome {
  switch (status) {
    case 'completed':
    case 'answered':
      return 'completed';
    case 'busy':
      return 'busy';
    case 'no-answer':
      return 'no-answer';
    default:
      return 'failed';
  }
}

/**
 * A record's own entry, or undefined. The call state comes from the caller's side of the
 * wire: `menu=constructor` or `service=__proto__` must not find Object's prototype members.
 */
export function own<T>(record: Record<string, T>, id: string | undefined): T | undefined {
  return id !== undefined && Object.hasOwn(record, id) ? record[id] : undefined;
}
