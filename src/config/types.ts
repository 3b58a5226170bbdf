import type { Hours } from '../hours.js';

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
}

export interface DirectorySettings {
  holidaysCountry: string;
  dialTimeout: number;
  ringTone: string;
  hotlineNumber?: string | undefined;
  /** A verification older than this many days no longer counts (npm run preflight). */
  verifyMaxAgeDays: number;
}

export type Action =
  | { type: 'menu'; menu: string }
  | { type: 'transfer'; service: string }
  | { type: 'first_open'; services: string[] }
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

export interface Flow {
  keys: { repeat: string; back: string; switchLanguage: string };
  maxTries: number;
  gatherTimeout: number;
  languageMenu: { options: Array<{ key: string; lang: Lang }>; default: Lang };
  safetyNet: string[];
  alternatives: Array<{ key: string; service: string }>;
  menus: Record<string, Menu>;
}

export interface PromptCatalog {
  lang: Lang;
  voice: string;
  language: string;
  prompts: Record<string, string>;
  /** Prompt keys with a recorded file, and the file's path. */
  audio: Map<string, string>;
}

export interface Config {
  languages: Lang[];
  settings: DirectorySettings;
  services: Record<string, Service>;
  flow: Flow;
  prompts: Record<Lang, PromptCatalog>;
  /** Where each part was read from, for messages and the docs. */
  sources: { directory: string; menus: string; prompts: string; hotlineNumber?: string | undefined };
}
