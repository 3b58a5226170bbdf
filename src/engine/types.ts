/** The engine's vocabulary: what a call's state is, what is said, what happens next. */
import type { ClosureKind } from '../time/hours.js';
import type { CallState, DialState, WhisperState } from '../call/call-state.js';
import type { Lang, Service } from '../config/types.js';

export { AFTER_CALL_MENU, ALTERNATIVES_MENU, LANGUAGE_MENU, RESERVED_MENU_IDS } from '../config/types.js';

export type { CallState, DialState, ReceivedState, WhisperState, WhisperWhy } from '../call/call-state.js';

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
  | { kind: 'dial'; say: Speech[]; service: Service; state: DialState; whisper?: WhisperState | undefined }
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
      outcome: DialOutcome | 'declined' | 'missing';
      /** Twilio's DialCallStatus when it is one Twilio documents, else "unknown". */
      status: DialStatus | 'unknown' | 'missing';
      /** The transfer's result for the evidence of real hours (reached only when bridged). */
      result: TransferResult;
    }
  /** The caller said, after a bridged transfer, that they reached nobody there. */
  | { event: 'not-reached'; lang?: Lang | undefined; service: string; result: 'not-reached' }
  /** The answering side of a transfer: no caller data, only the service and what it did. */
  | { event: 'whisper'; service: string; whisper: WhisperResult };

/** How a transfer ended, for the metrics: reached only when Twilio bridged it (DialBridged);
 * not-reached: the caller said afterwards that they reached nobody (the after-call key). */
export const TRANSFER_RESULTS = ['reached', 'busy', 'no-answer', 'failed', 'declined', 'not-reached'] as const;
export type TransferResult = (typeof TRANSFER_RESULTS)[number];

/** The answering side: the whisper said (announce) or asked for a key (confirm), then the key
 * pressed (accepted) or its time-out (timed-out: the answering leg is hung up). */
export const WHISPER_RESULTS = ['announced', 'asked', 'accepted', 'timed-out'] as const;
export type WhisperResult = (typeof WHISPER_RESULTS)[number];

/**
 * A transfer's result from Twilio's DialCallStatus and DialBridged. `completed` (or `answered`)
 * counts as reached only when bridged: a whisper that hung up the answering leg, or a leg that
 * ended before it was connected, is a decline. Twilio does not document the status sent after
 * a whisper hangs up (docs/architecture.md): a non-completed one is read as it says.
 */
export function transferResult(status: string | undefined, bridged: string | undefined): TransferResult {
  const outcome = dialOutcome(status);
  if (outcome !== 'completed') return outcome;
  return bridged === 'true' ? 'reached' : 'declined';
}

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
export function ownEntry<T>(record: Record<string, T>, id: string | undefined): T | undefined {
  return id !== undefined && Object.hasOwn(record, id) ? record[id] : undefined;
}
