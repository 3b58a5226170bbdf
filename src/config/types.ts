import type { Holiday } from '../time/holidays.js';
import type { Hours } from '../time/hours.js';
import type { Week } from '../time/weekly.js';

export type Lang = string;

/** Pseudo-menus of the engine, next to the data's menus: the data may not use their ids. */
export const LANGUAGE_MENU = 'lang';
export const ALTERNATIVES_MENU = 'alt';
export const AFTER_CALL_MENU = 'end';
export const RESERVED_MENU_IDS: readonly string[] = [LANGUAGE_MENU, ALTERNATIVES_MENU, AFTER_CALL_MENU];
export type CallerIdPolicy = 'hotline' | 'caller';
export type DialKind = 'e164' | 'short' | 'sip';
/** Where a service's hours come from: the source document, or public pages (unconfirmed until verified). */
export type HoursSource = 'document' | 'secondary';
/** transfer: the line dials the service; say: the line says the number instead (one Twilio cannot dial). */
export type ConnectMode = 'transfer' | 'say';
/** How the person who answers a transfer is told of the call before it is put through:
 * none; announce (a sentence); confirm (a sentence, then a key to take the call, or no call). */
export type WhisperMode = 'none' | 'announce' | 'confirm';

export interface Service {
  id: string;
  name: Record<Lang, string>;
  dial: string;
  dialKind: DialKind;
  hours: Hours;
  callerId: CallerIdPolicy;
  dialTimeout: number;
  intro?: string | undefined;
  onFailure?: string | undefined;
  source?: string | undefined;
  check?: string | undefined;
  /** When a person last confirmed the number and hours ("YYYY-MM-DD", Belgian date). */
  verified?: { date: string; note?: string | undefined } | undefined;
  hoursSource: HoursSource;
  connect: ConnectMode;
  /** Extra holidays it closes on (settings.holidays when its hours say "PH off", and its own). */
  holidays: Holiday[];
  /** The language the whisper is said in (a language of the line). */
  staffLanguage: Lang;
  whisper: WhisperMode;
}

export interface DirectorySettings {
  holidaysCountry: string;
  dialTimeout: number;
  ringTone: string;
  hotlineNumber?: string | undefined;
  /** A verification older than this many days no longer counts (npm run preflight). */
  verifyMaxAgeDays: number;
  /** Extra holidays of every service whose hours say "PH off", as written. */
  holidays: string[];
  /** Seconds the person who answers has to press a key, for a service with whisper: confirm. */
  whisperTimeout: number;
}

export type Action =
  | { type: 'menu'; menu: string }
  | { type: 'transfer'; service: string }
  /** The first service of a group open now (and not failed in this call). */
  | { type: 'first_open'; group: string }
  | { type: 'repeat' };

export interface MenuOption {
  key: string;
  say?: string | undefined;
  action: Action;
}

export interface Menu {
  id: string;
  say: string[];
  footer: string[];
  options: MenuOption[];
}

/** A language of the line: its prompts file, its key in the language menu, its voice. */
export interface LanguageEntry {
  id: Lang;
  key: string;
  voice: string;
  /** The <Say language> attribute, e.g. fr-BE. */
  code: string;
}

/** Services of one kind, in the order the line tries them; the order may differ by language. */
export interface ServiceGroup {
  id: string;
  order: string[];
  byLang: Record<Lang, string[]>;
}

/** What an offer key or the safety net points at: one service, or the first open of a group. */
export type Target = { type: 'service'; service: string } | { type: 'group'; group: string };

export interface Flow {
  keys: { repeat: string; back: string; language: string };
  maxTries: number;
  gatherTimeout: number;
  /** In the order of the language menu. */
  languages: LanguageEntry[];
  /** The languages the greeting is said in, in order. */
  greeting: Lang[];
  /** For a caller who chose no language: whose order of services they are put through in. */
  defaultLanguage: Lang;
  groups: Record<string, ServiceGroup>;
  /** For a caller who cannot or does not use the menus: tried in order. */
  safetyNet: Target[];
  /** After a closed service or a failed transfer: each key always means the same target. */
  offers: Array<{ key: string; target: Target }>;
  /** The numbers said at the end of a call that found no one: the first not failed. */
  callback: string[];
  menus: Record<string, Menu>;
}

export interface PromptCatalog {
  lang: Lang;
  voice: string;
  language: string;
  prompts: Record<string, string>;
  /** How the voice says names, by the name as written (prompts/<lang>.yaml `pronounce`). */
  pronounce: Record<string, Pronunciation>;
  /** Prompt keys with a recorded file, and the file's path. */
  audio: Map<string, string>;
}

/** One name's reading: an alias (<sub>), IPA phonemes (<phoneme>) or another language (<lang>). */
export type Pronunciation = { say: string } | { ipa: string } | { lang: string };

export interface Config {
  languages: Lang[];
  settings: DirectorySettings;
  services: Record<string, Service>;
  flow: Flow;
  prompts: Record<Lang, PromptCatalog>;
  /** The usual week of each service or group whose hours a prompt says ({hours:ID}). */
  usualWeeks: Record<string, Week>;
  /** Where each part was read from, for messages and the docs. */
  sources: { directory: string; menus: string; prompts: string; hotlineNumber?: string | undefined };
}
