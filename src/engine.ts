/**
 * The call flow engine: reads the menus and the directory (data) and decides, for each
 * webhook, what the caller hears and what comes next. Pure: no I/O, no clock of its own
 * (the instant is passed in), no TwiML (src/twiml.ts renders the Step it returns).
 *
 * The call's state travels in the action URLs (src/call-state.ts, which also checks it), so
 * the server keeps nothing between webhooks. This module handles the keys; src/engine/steps.ts
 * builds what comes next.
 */
import type { CallState, ReceivedState } from './call-state.js';
import { AFTER_CALL_MENU, ALTERNATIVES_MENU, LANGUAGE_MENU, type Config, type Lang, type Menu } from './config/types.js';
import { Steps } from './engine/steps.js';
import { dialOutcome, dialStatus, own, type FlowEvent, type Result, type Speech, type Step } from './engine/types.js';

export { AFTER_CALL_MENU, ALTERNATIVES_MENU, LANGUAGE_MENU, RESERVED_MENU_IDS } from './config/types.js';
export type { CallState } from './call-state.js';
export { DIAL_STATUSES, dialOutcome, type DialOutcome, type DialStatus, type FlowEvent, type Result, type Speech, type Step } from './engine/types.js';

/** A key, or silence, in a menu. */
export interface MenuInput {
  /** The state the menu's URL carried, checked (src/call-state.ts). */
  state: ReceivedState;
  /** Twilio's Digits as received. */
  digits?: string | undefined;
  /** The Gather timed out. */
  silent?: boolean | undefined;
  now: Date;
}

/** The outcome of a transfer. */
export interface DialInput {
  /** The state the transfer's URL carried: the language (absent: the default one). */
  state: Pick<CallState, 'lang'>;
  /** The service called; undefined: unknown to the directory. */
  service: string | undefined;
  /** Twilio's DialCallStatus. */
  status: string | undefined;
  now: Date;
  /** The safety net's transfer: its failure ends the call. */
  safetyNet?: boolean | undefined;
}

/** One key (or silence) in one menu, in a known language. */
interface Keyed {
  lang: Lang;
  key: string | undefined;
  tries: number;
  now: Date;
}

export class Engine {
  private readonly steps: Steps;

  constructor(private readonly config: Config) {
    this.steps = new Steps(config);
  }

  private get flow() {
    return this.config.flow;
  }

  /** A call comes in: the bilingual greeting and the language choice. */
  start(): Result {
    return { step: this.steps.languageMenu(0), events: [{ event: 'call', menu: LANGUAGE_MENU }] };
  }

  /** A key (or silence) in a menu. A state without a language is the language menu's; one
   * whose menu is unknown goes back to the main menu. */
  input({ state, digits, silent = false, now }: MenuInput): Result {
    const key = silent || !digits ? undefined : digits.length === 1 ? digits : '?';
    const { lang, tries } = state;
    if (state.menu === LANGUAGE_MENU || lang === undefined) return this.languageInput(key, tries);
    if (state.menu === ALTERNATIVES_MENU) return this.alternativesInput({ lang, key, tries, now }, state.exclude);
    if (state.menu === AFTER_CALL_MENU) return this.afterCallInput(lang, key);
    const menu = own(this.flow.menus, state.menu);
    if (!menu) return { step: this.steps.mainMenu(lang), events: [{ event: 'back', menu: 'main', lang }] };
    return this.menuInput({ lang, key, tries, now }, menu);
  }

  /** The outcome of a transfer (Twilio's DialCallStatus). */
  dialResult({ state, service: serviceId, status, now, safetyNet = false }: DialInput): Result {
    const lang = state.lang ?? this.flow.languageMenu.default;
    const service = own(this.config.services, serviceId);
    const outcome = dialOutcome(status);
    const events: FlowEvent[] = [
      { event: 'dial-result', lang, service: service?.id ?? 'unknown', outcome: status ? outcome : 'missing', status: dialStatus(status) },
    ];
    if (outcome === 'completed' && service) return { step: this.steps.afterCall(lang), events };
    const w = this.steps.words;
    const say: Speech[] = [];
    if (service?.onFailure) say.push(w.speech(lang, service.onFailure, { name: service.name[lang] ?? service.id }));
    else if (service) say.push(w.speech(lang, `dial-${outcome === 'completed' ? 'failed' : outcome}`, { name: service.name[lang] ?? service.id }));
    // The safety net was the last resort after a caller could not use the menus: its failure
    // ends the call with the emergency numbers rather than starting the menus over (a loop).
    if (safetyNet) return { step: this.steps.goodbye(lang, say), events: [...events, { event: 'goodbye', lang }] };
    return this.steps.alternatives({ lang, exclude: service?.id, prefix: say, now, events });
  }

  private languageInput(key: string | undefined, tries: number): Result {
    const choice = key === undefined ? undefined : this.flow.languageMenu.options.find((o) => o.key === key);
    const fallback = this.flow.languageMenu.default;
    if (choice) {
      return { step: this.steps.mainMenu(choice.lang), events: [{ event: 'language', menu: LANGUAGE_MENU, key: choice.key, lang: choice.lang }] };
    }
    const next = tries + 1;
    const failure: FlowEvent = key === undefined ? { event: 'no-input', menu: LANGUAGE_MENU } : { event: 'invalid-key', menu: LANGUAGE_MENU };
    // Silence twice, or too many wrong keys: go on in the default language rather than hang up.
    if ((key === undefined && next >= 2) || next >= this.flow.maxTries) {
      return { step: this.steps.mainMenu(fallback), events: [failure, { event: 'default-language', lang: fallback }] };
    }
    const prefix = key === undefined ? [] : this.config.languages.map((l) => this.steps.words.speech(l, 'invalid-key'));
    return { step: this.steps.languageMenu(next, prefix), events: [failure] };
  }

  private menuInput(input: Keyed, menu: Menu): Result {
    const { lang, key, now } = input;
    const common = this.commonKey(input, menu.id, (l) => this.steps.menu(l, menu.id));
    if (common) return common;
    const option = key === undefined ? undefined : menu.options.find((o) => o.key === key);
    if (!option) return this.failedTry(input, menu.id);
    const chosen: FlowEvent[] = [{ event: 'choice', menu: menu.id, key: option.key, lang }];
    const a = option.action;
    switch (a.type) {
      case 'menu':
        return { step: this.steps.menu(lang, a.menu), events: chosen };
      case 'repeat':
        return { step: this.steps.menu(lang, menu.id), events: chosen };
      case 'transfer':
        return this.steps.transfer({ lang, service: a.service, now, events: chosen });
      case 'first_open': {
        const open = a.services.find((id) => this.steps.isOpen(id, now));
        if (open) return this.steps.transfer({ lang, service: open, now, events: chosen });
        return this.steps.alternatives({ lang, exclude: undefined, now, events: chosen });
      }
    }
  }

  /** The keys that do the same in every menu: repeat and switch language say the menu again
   * (`redo`, in a language), back goes to the main menu (from the main menu: the greeting). */
  private commonKey({ lang, key }: Pick<Keyed, 'lang' | 'key'>, menuId: string, redo: (lang: Lang) => Step): Result | undefined {
    const { repeat, back, switchLanguage } = this.flow.keys;
    if (key === repeat) return { step: redo(lang), events: [{ event: 'repeat', menu: menuId, lang }] };
    if (key === back) {
      const step = menuId === 'main' ? this.steps.languageMenu(0) : this.steps.mainMenu(lang);
      return { step, events: [{ event: 'back', menu: menuId, lang }] };
    }
    if (key === switchLanguage && this.config.languages.length > 1) {
      const other = this.steps.words.otherLanguage(lang);
      return { step: redo(other), events: [{ event: 'switch-language', menu: menuId, lang: other }] };
    }
    return undefined;
  }

  /** A wrong key or silence: the menu again with a word about it, or the safety net. */
  private failedTry({ lang, key, tries, now }: Keyed, menuId: string, exclude?: string): Result {
    const event: FlowEvent = key === undefined ? { event: 'no-input', menu: menuId, lang } : { event: 'invalid-key', menu: menuId, lang };
    const next = tries + 1;
    if (next >= this.flow.maxTries) return this.steps.safetyNet({ lang, now, events: [event], exclude });
    const prefix = [this.steps.words.speech(lang, key === undefined ? 'no-input' : 'invalid-key')];
    if (menuId === ALTERNATIVES_MENU) {
      return this.steps.alternatives({ lang, exclude, prefix, tries: next, now, events: [event], intro: false });
    }
    return { step: this.steps.retry(lang, menuId, next, prefix), events: [event] };
  }

  private alternativesInput(input: Keyed, exclude: string | undefined): Result {
    const { lang, key, now } = input;
    const common = this.commonKey(input, ALTERNATIVES_MENU, (l) => this.steps.alternatives({ lang: l, exclude, now }).step);
    if (common) return common;
    const chosen = key === undefined ? undefined : this.steps.openAlternatives(exclude, now).find((a) => a.key === key);
    if (!chosen) return this.failedTry(input, ALTERNATIVES_MENU, exclude);
    const events: FlowEvent[] = [{ event: 'choice', menu: ALTERNATIVES_MENU, key: chosen.key, lang }];
    return this.steps.transfer({ lang, service: chosen.service.id, now, events });
  }

  private afterCallInput(lang: Lang, key: string | undefined): Result {
    const common = this.commonKey({ lang, key }, AFTER_CALL_MENU, (l) => this.steps.afterCall(l));
    if (common) return common;
    return { step: this.steps.goodbye(lang), events: [{ event: 'goodbye', lang }] };
  }
}
