/**
 * The answering side of a transfer (<Dial><Number url>): what the person who answers hears
 * before the caller is put through, in the service's staff language. One sentence: the
 * helpline's name, the caller's language (or that they chose none), what brought them; with
 * `whisper: confirm`, a key to take the call. Built from the data and the URL's checked state
 * only: never the caller's number nor anything the caller typed.
 */
import { whisperGroupKey, whisperLanguageKey } from '../config/prompts.js';
import type { Config, Service } from '../config/types.js';
import type { FlowEvent, Speech, WhisperState, WhisperWhy } from './types.js';
import { ownEntry } from './types.js';
import { speech, type Phrasebook } from './phrasebook.js';

/** What the answering leg is told to do. */
export type WhisperStep =
  /** Say, then (confirm) wait for one key, posted with `state`; no key: hang up. Without
   * `confirm`, the end of the document puts the caller through. */
  | { kind: 'whisper'; say: Speech[]; confirm?: { timeout: number; state: WhisperState } | undefined }
  /** Put the caller through (an empty document). */
  | { kind: 'bridge' }
  /** Hang up the answering leg: the caller's transfer fails and the line goes on. */
  | { kind: 'decline' };

export interface WhisperResult {
  step: WhisperStep;
  events: FlowEvent[];
}

export class Whisper {
  constructor(
    private readonly config: Config,
    private readonly phrases: Phrasebook,
  ) {}

  /** The whisper of a transfer to `service` (none: no whisper, the caller is put through). */
  state(service: Service, lang: string | undefined, why: WhisperWhy): WhisperState | undefined {
    return service.whisper === 'none' ? undefined : { lang, service: service.id, why };
  }

  /** The whisper's speech, in the staff's language: at most one sentence and the key's request. */
  speech(service: Service, state: Pick<WhisperState, 'lang' | 'why'>, confirm: boolean): Speech[] {
    const staff = service.staffLanguage;
    const t = (key: string) => this.phrases.text(staff, key);
    const why = state.why ?? 'now';
    const whyKey = why.startsWith('group:') ? whisperGroupKey(why.slice('group:'.length)) : `whisper-why-${why}`;
    const say = [
      speech(staff, 'whisper', {
        helpline: t('helpline-name'),
        language: t(state.lang === undefined ? 'whisper-lang-none' : whisperLanguageKey(state.lang)),
        why: t(whyKey),
      }),
    ];
    if (confirm) say.push(speech(staff, 'whisper-confirm'));
    return say;
  }

  /** POST /voice/whisper: the person has just answered. A URL naming no service (forged, or
   * from before a reload removed it) is put through: the caller is waiting for a person. */
  answer(state: WhisperState): WhisperResult {
    const service = ownEntry(this.config.services, state.service);
    if (!service || service.whisper === 'none') return { step: { kind: 'bridge' }, events: [] };
    const confirm = service.whisper === 'confirm';
    const say = this.speech(service, state, confirm);
    const event: FlowEvent = { event: 'whisper', service: service.id, whisper: confirm ? 'asked' : 'announced' };
    if (!confirm) return { step: { kind: 'whisper', say }, events: [event] };
    const timeout = this.config.settings.whisperTimeout;
    return { step: { kind: 'whisper', say, confirm: { timeout, state } }, events: [event] };
  }

  /** POST /voice/whisper/key: any key takes the call; none (the time-out) declines it. */
  key(state: WhisperState, digits: string | undefined): WhisperResult {
    const service = ownEntry(this.config.services, state.service)?.id ?? 'unknown';
    if (digits) return { step: { kind: 'bridge' }, events: [{ event: 'whisper', service, whisper: 'accepted' }] };
    return { step: { kind: 'decline' }, events: [{ event: 'whisper', service, whisper: 'timed-out' }] };
  }
}
