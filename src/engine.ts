/**
 * The call flow engine: reads the menus and the directory (data) and decides, for each
 * webhook, what the caller hears and what comes next. Pure: no I/O, no clock of its own
 * (the instant is passed in), no TwiML (src/twiml.ts renders the Step it returns).
 *
 * The call's state travels in the action URLs (see CallState), so the server keeps nothing
 * between webhooks.
 */
import { calendarDaysBetween, type Closure, type ClosureKind } from './hours.js';
import type { Config, Lang, Menu, Service } from './config/types.js';
import { fill } from './placeholders.js';

import { AFTER_CALL_MENU, ALTERNATIVES_MENU, LANGUAGE_MENU } from './config/types.js';

export { AFTER_CALL_MENU, ALTERNATIVES_MENU, LANGUAGE_MENU, RESERVED_MENU_IDS } from './config/types.js';

export interface CallState {
  /** Absent only in the language menu. */
  lang?: Lang | undefined;
  menu: string;
  /** Failed tries in a row (wrong key or silence) in this menu. */
  tries: number;
  /** In the alternatives menu: the service that was closed or failed, not offered again. */
  exclude?: string | undefined;
}

/** One thing said: a prompt of a language, with its placeholders filled. */
export interface Speech {
  lang: Lang;
  key: string;
  vars?: Record<string, string>;
}

export type Step =
  /** Say, then wait for one key; the key goes to `state`'s menu, silence too (marked). */
  | { kind: 'gather'; say: Speech[]; state: CallState; timeout: number }
  /** Say, then put the caller through; the outcome comes back to dialResult. `safetyNet`:
   * the transfer made after too many failed tries (its failure ends the call kindly). */
  | { kind: 'dial'; say: Speech[]; lang: Lang; service: Service; safetyNet?: boolean }
  /** Say, then end the call. */
  | { kind: 'hangup'; say: Speech[] };

/** What happened, for the logs and metrics: no caller data, only the flow's own words. */
export interface FlowEvent {
  event:
    | 'call'
    | 'language'
    | 'choice'
    | 'repeat'
    | 'back'
    | 'switch-language'
    | 'invalid-key'
    | 'no-input'
    | 'default-language'
    | 'safety-net'
    | 'transfer'
    | 'closed'
    | 'none-open'
    | 'dial-result'
    | 'goodbye';
  menu?: string;
  /** Only a key the menu knows; never what the caller typed otherwise. */
  key?: string;
  lang?: Lang;
  service?: string;
  outcome?: string;
  /** dial-result: Twilio's DialCallStatus when it is one Twilio documents, else "unknown". */
  status?: DialStatus | 'unknown' | 'missing';
  /** closed: why the service is closed. */
  reason?: ClosureKind;
}

export interface Result {
  step: Step;
  events: FlowEvent[];
}

export type DialOutcome = 'completed' | 'busy' | 'no-answer' | 'failed';

/** Every DialCallStatus Twilio documents. */
export const DIAL_STATUSES = ['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type DialStatus = (typeof DIAL_STATUSES)[number];

function dialStatus(status: string | undefined): DialStatus | 'unknown' | 'missing' {
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

export class Engine {
  /**
   * Menus as first heard (no prefix: no "wrong key" before them), by language, menu and try.
   * They depend on the config only, never on the time or the caller, so each is built once
   * and the same frozen Step is returned every time: the renderer then finds its TwiML by the
   * Step's identity (src/twiml.ts). Bounded: languages x menus x tries (0-99) x intro.
   */
  private readonly menus = new Map<string, Step>();

  constructor(private readonly config: Config) {}

  private get flow() {
    return this.config.flow;
  }

  isLanguage(lang: string | undefined): lang is Lang {
    return lang !== undefined && this.config.languages.includes(lang);
  }

  /** A call comes in: the bilingual greeting and the language choice. */
  start(): Result {
    return { step: this.languageMenu(0, []), events: [{ event: 'call', menu: LANGUAGE_MENU }] };
  }

  /**
   * A key (or silence) in a menu. `digits` is Twilio's Digits as received; `silent` is true
   * when the Gather timed out. Unknown states are treated as a fresh main menu (or greeting).
   */
  input(state: CallState, digits: string | undefined, silent: boolean, now: Date): Result {
    const key = silent || !digits ? undefined : digits.length === 1 ? digits : '?';
    const lang = this.isLanguage(state.lang) ? state.lang : undefined;
    const tries = Number.isInteger(state.tries) && state.tries >= 0 && state.tries < 100 ? state.tries : 0;
    if (state.menu === LANGUAGE_MENU || lang === undefined) return this.languageInput(key, tries);
    if (state.menu === ALTERNATIVES_MENU) return this.alternativesInput(lang, key, tries, state.exclude, now);
    if (state.menu === AFTER_CALL_MENU) return this.afterCallInput(lang, key);
    const menu = own(this.flow.menus, state.menu);
    if (!menu) return { step: this.menuStep(lang, 'main', 0, [], true), events: [{ event: 'back', menu: 'main', lang }] };
    return this.menuInput(lang, menu, key, tries, now);
  }

  /** The outcome of a transfer (Twilio's DialCallStatus). */
  dialResult(langIn: string | undefined, serviceId: string | undefined, status: string | undefined, now: Date, viaSafetyNet = false): Result {
    const lang = this.isLanguage(langIn) ? langIn : this.flow.languageMenu.default;
    const service = own(this.config.services, serviceId);
    const outcome = dialOutcome(status);
    const events: FlowEvent[] = [
      { event: 'dial-result', lang, service: service?.id ?? 'unknown', outcome: status ? outcome : 'missing', status: dialStatus(status) },
    ];
    if (outcome === 'completed' && service) return { step: this.afterCall(lang), events };
    const say: Speech[] = [];
    if (service?.onFailure) say.push(this.speech(lang, service.onFailure, { name: service.name[lang] ?? service.id }));
    else if (service) say.push(this.speech(lang, `dial-${outcome === 'completed' ? 'failed' : outcome}`, { name: service.name[lang] ?? service.id }));
    // The safety net was the last resort after a caller could not use the menus: its failure
    // ends the call with the emergency numbers rather than starting the menus over (a loop).
    if (viaSafetyNet) {
      return {
        step: { kind: 'hangup', say: [...say, this.speech(lang, 'emergency'), this.speech(lang, 'goodbye')] },
        events: [...events, { event: 'goodbye', lang }],
      };
    }
    return this.alternatives(lang, service?.id, say, 0, now, events);
  }

  // --- menus ---------------------------------------------------------------------------

  private languageMenu(tries: number, prefix: Speech[]): Step {
    if (prefix.length > 0) return this.buildLanguageMenu(tries, prefix);
    const id = `lang\u0000${tries}`;
    let step = this.menus.get(id);
    if (!step) this.menus.set(id, (step = deepFreeze(this.buildLanguageMenu(tries, prefix))));
    return step;
  }

  private buildLanguageMenu(tries: number, prefix: Speech[]): Step {
    // The emergency numbers first, in every language, before anything else.
    const say: Speech[] = [...prefix, ...this.config.languages.map((lang) => this.speech(lang, 'emergency'))];
    for (const { key, lang } of this.flow.languageMenu.options) {
      say.push(this.speech(lang, 'welcome'), this.speech(lang, 'choose-language', { key: this.keyName(lang, key) }));
    }
    return { kind: 'gather', say, state: { menu: LANGUAGE_MENU, tries }, timeout: this.flow.gatherTimeout };
  }

  private languageInput(key: string | undefined, tries: number): Result {
    const choice = key === undefined ? undefined : this.flow.languageMenu.options.find((o) => o.key === key);
    const fallback = this.flow.languageMenu.default;
    if (choice) {
      return { step: this.menuStep(choice.lang, 'main', 0, [], true), events: [{ event: 'language', menu: LANGUAGE_MENU, key, lang: choice.lang }] };
    }
    const next = tries + 1;
    const failure: FlowEvent = key === undefined ? { event: 'no-input', menu: LANGUAGE_MENU } : { event: 'invalid-key', menu: LANGUAGE_MENU };
    // Silence twice, or too many wrong keys: go on in the default language rather than hang up.
    if ((key === undefined && next >= 2) || next >= this.flow.maxTries) {
      return { step: this.menuStep(fallback, 'main', 0, [], true), events: [failure, { event: 'default-language', lang: fallback }] };
    }
    const prefix = key === undefined ? [] : this.config.languages.map((l) => this.speech(l, 'invalid-key'));
    return { step: this.languageMenu(next, prefix), events: [failure] };
  }

  private menuStep(lang: Lang, menuId: string, tries: number, prefix: Speech[], intro: boolean): Step {
    const menu = own(this.flow.menus, menuId) ?? this.flow.menus.main!;
    if (prefix.length > 0) return this.buildMenuStep(lang, menu, tries, prefix, intro);
    const id = `${lang}\u0000${menu.id}\u0000${tries}\u0000${intro ? 1 : 0}`;
    let step = this.menus.get(id);
    if (!step) this.menus.set(id, (step = deepFreeze(this.buildMenuStep(lang, menu, tries, prefix, intro))));
    return step;
  }

  private buildMenuStep(lang: Lang, menu: Menu, tries: number, prefix: Speech[], intro: boolean): Step {
    const say: Speech[] = [...prefix];
    const vars = { repeat: this.keyName(lang, this.flow.keys.repeat), back: this.keyName(lang, this.flow.keys.back) };
    if (intro) for (const k of menu.say) say.push(this.speech(lang, k, vars));
    for (const o of menu.options) {
      if (o.say) say.push(this.speech(lang, o.say, { key: this.keyName(lang, o.key) }));
    }
    if (intro) for (const k of menu.footer) say.push(this.speech(lang, k, vars));
    say.push(...this.switchOffer(lang));
    return { kind: 'gather', say, state: { lang, menu: menu.id, tries }, timeout: this.flow.gatherTimeout };
  }

  private menuInput(lang: Lang, menu: Menu, key: string | undefined, tries: number, now: Date): Result {
    const common = this.commonKey(lang, menu.id, key, (l) => this.menuStep(l, menu.id, 0, [], true));
    if (common) return common;
    const option = key === undefined ? undefined : menu.options.find((o) => o.key === key);
    if (!option) return this.failedTry(lang, menu.id, key, tries, now);
    const chosen: FlowEvent = { event: 'choice', menu: menu.id, key: option.key, lang };
    const a = option.action;
    switch (a.type) {
      case 'menu':
        return { step: this.menuStep(lang, a.menu, 0, [], true), events: [chosen] };
      case 'repeat':
        return { step: this.menuStep(lang, menu.id, 0, [], true), events: [chosen] };
      case 'transfer':
        return this.transfer(lang, a.service, [], now, [chosen]);
      case 'first_open': {
        const open = a.services.find((id) => this.isOpen(id, now));
        if (open) return this.transfer(lang, open, [], now, [chosen]);
        return this.alternatives(lang, undefined, [], 0, now, [chosen]);
      }
    }
  }

  /** The keys that do the same in every menu: repeat and switch language say the menu again
   * (`redo`, in a language), back goes to the main menu (from the main menu: the greeting). */
  private commonKey(lang: Lang, menuId: string, key: string | undefined, redo: (lang: Lang) => Step): Result | undefined {
    const { repeat, back, switchLanguage } = this.flow.keys;
    if (key === repeat) return { step: redo(lang), events: [{ event: 'repeat', menu: menuId, lang }] };
    if (key === back) {
      const step = menuId === 'main' ? this.languageMenu(0, []) : this.menuStep(lang, 'main', 0, [], true);
      return { step, events: [{ event: 'back', menu: menuId, lang }] };
    }
    if (key === switchLanguage && this.config.languages.length > 1) {
      const other = this.otherLanguage(lang);
      return { step: redo(other), events: [{ event: 'switch-language', menu: menuId, lang: other }] };
    }
    return undefined;
  }

  private failedTry(lang: Lang, menuId: string, key: string | undefined, tries: number, now: Date, exclude?: string): Result {
    const event: FlowEvent = key === undefined ? { event: 'no-input', menu: menuId, lang } : { event: 'invalid-key', menu: menuId, lang };
    const next = tries + 1;
    if (next >= this.flow.maxTries) return this.safetyNet(lang, now, [event], exclude);
    const prefix = [this.speech(lang, key === undefined ? 'no-input' : 'invalid-key')];
    if (menuId === ALTERNATIVES_MENU) return this.alternatives(lang, exclude, prefix, next, now, [event], false);
    return { step: this.menuStep(lang, menuId, next, prefix, false), events: [event] };
  }

  // --- transfers -----------------------------------------------------------------------

  private transfer(lang: Lang, serviceId: string, prefix: Speech[], now: Date, events: FlowEvent[], safetyNet = false): Result {
    const service = own(this.config.services, serviceId);
    if (!service) return this.safetyNet(lang, now, events);
    const name = service.name[lang] ?? service.id;
    const state = service.hours.state(now);
    if (!state.open) {
      const closure: Closure = state.closure ?? { kind: 'after-hours' };
      const say = [
        ...prefix,
        this.speech(lang, 'closed', { name }),
        this.speech(lang, closure.reason ?? `closed-${closure.kind}`),
        ...this.reopening(lang, now, state.nextChange),
      ];
      return this.alternatives(lang, serviceId, say, 0, now, [...events, { event: 'closed', lang, service: serviceId, reason: closure.kind }]);
    }
    const say = [...prefix, this.speech(lang, service.intro ?? 'transfer', { name })];
    const step: Step = safetyNet ? { kind: 'dial', say, lang, service, safetyNet } : { kind: 'dial', say, lang, service };
    return { step, events: [...events, { event: 'transfer', lang, service: serviceId }] };
  }

  /** After too many failed tries: the emergency numbers, then a service open now (not the one
   * that just failed or was closed). */
  private safetyNet(lang: Lang, now: Date, events: FlowEvent[], exclude?: string): Result {
    const id = this.flow.safetyNet.find((s) => s !== exclude && this.isOpen(s, now));
    const warn = [this.speech(lang, 'emergency')];
    const all = [...events, { event: 'safety-net' as const, lang }];
    if (!id) return { step: { kind: 'hangup', say: [...warn, this.speech(lang, 'goodbye')] }, events: [...all, { event: 'none-open', lang }] };
    return this.transfer(lang, id, warn, now, all, true);
  }

  /** The services open now, each on its fixed key; none open: the emergency numbers, kindly. */
  private alternatives(lang: Lang, exclude: string | undefined, prefix: Speech[], tries: number, now: Date, events: FlowEvent[], intro = true): Result {
    const open = this.openAlternatives(exclude, now);
    if (open.length === 0) {
      return {
        step: { kind: 'hangup', say: [...prefix, this.speech(lang, 'none-open'), this.speech(lang, 'goodbye')] },
        events: [...events, { event: 'none-open', lang }],
      };
    }
    const say = [...prefix];
    if (intro) say.push(this.speech(lang, 'alternatives-intro'));
    for (const { key, service } of open) {
      say.push(this.speech(lang, 'opt-service', { name: service.name[lang] ?? service.id, key: this.keyName(lang, key) }));
    }
    return {
      step: { kind: 'gather', say, state: { lang, menu: ALTERNATIVES_MENU, tries, exclude }, timeout: this.flow.gatherTimeout },
      events,
    };
  }

  private alternativesInput(lang: Lang, key: string | undefined, tries: number, excludeIn: string | undefined, now: Date): Result {
    const exclude = own(this.config.services, excludeIn) ? excludeIn : undefined;
    const common = this.commonKey(lang, ALTERNATIVES_MENU, key, (l) => this.alternatives(l, exclude, [], 0, now, []).step);
    if (common) return common;
    const chosen = key === undefined ? undefined : this.openAlternatives(exclude, now).find((a) => a.key === key);
    if (!chosen) return this.failedTry(lang, ALTERNATIVES_MENU, key, tries, now, exclude);
    return this.transfer(lang, chosen.service.id, [], now, [{ event: 'choice', menu: ALTERNATIVES_MENU, key: chosen.key, lang }]);
  }

  /** After a transfer that ended normally: a way back to the menus, else goodbye. */
  private afterCall(lang: Lang): Step {
    return {
      kind: 'gather',
      say: [this.speech(lang, 'after-call', { key: this.keyName(lang, this.flow.keys.back) })],
      state: { lang, menu: AFTER_CALL_MENU, tries: 0 },
      timeout: this.flow.gatherTimeout,
    };
  }

  private afterCallInput(lang: Lang, key: string | undefined): Result {
    const common = this.commonKey(lang, AFTER_CALL_MENU, key, (l) => this.afterCall(l));
    if (common) return common;
    return {
      step: { kind: 'hangup', say: [this.speech(lang, 'emergency'), this.speech(lang, 'goodbye')] },
      events: [{ event: 'goodbye', lang }],
    };
  }

  private openAlternatives(exclude: string | undefined, now: Date): Array<{ key: string; service: Service }> {
    const out: Array<{ key: string; service: Service }> = [];
    for (const { key, service: id } of this.flow.alternatives) {
      const service = own(this.config.services, id);
      if (service && id !== exclude && service.hours.isOpen(now)) out.push({ key, service });
    }
    return out;
  }

  // --- words ---------------------------------------------------------------------------

  /** "It opens again on Monday at 9", "tomorrow", "on 4 January at 9", or "no reopening
   * planned". A week or more away, the date; at midnight, the day alone. */
  private reopening(lang: Lang, now: Date, next: Date | undefined): Speech[] {
    if (!next) return [this.speech(lang, 'closed-until-further-notice')];
    const days = calendarDaysBetween(now, next);
    const day =
      days === 0
        ? this.text(lang, 'today')
        : days === 1
          ? this.text(lang, 'tomorrow')
          : days < 7
            ? this.text(lang, `day-${next.getDay()}`)
            : this.text(lang, 'date', { day: String(next.getDate()), month: this.text(lang, `month-${next.getMonth() + 1}`) });
    const hour = next.getHours();
    const minute = next.getMinutes();
    if (hour === 0 && minute === 0) return [this.speech(lang, 'reopens-day', { day })];
    const time =
      minute === 0
        ? this.text(lang, 'time-hour', { hour: String(hour) })
        : this.text(lang, 'time-hour-minute', { hour: String(hour), minute: String(minute) });
    return [this.speech(lang, 'reopens', { day, time })];
  }

  private switchOffer(lang: Lang): Speech[] {
    if (this.config.languages.length < 2) return [];
    const other = this.otherLanguage(lang);
    return [this.speech(other, 'choose-language', { key: this.keyName(other, this.flow.keys.switchLanguage) })];
  }

  private otherLanguage(lang: Lang): Lang {
    const langs = this.config.languages;
    return langs[(langs.indexOf(lang) + 1) % langs.length] ?? lang;
  }

  private isOpen(serviceId: string, now: Date): boolean {
    return own(this.config.services, serviceId)?.hours.isOpen(now) ?? false;
  }

  /** How a key is said: digits as they are, * and # by their word in the language. */
  private keyName(lang: Lang, key: string): string {
    if (key === '*') return this.text(lang, 'key-star');
    if (key === '#') return this.text(lang, 'key-hash');
    return key;
  }

  private speech(lang: Lang, key: string, vars?: Record<string, string>): Speech {
    return vars ? { lang, key, vars } : { lang, key };
  }

  private text(lang: Lang, key: string, vars?: Record<string, string>): string {
    return fill(this.config.prompts[lang]?.prompts[key] ?? '', vars);
  }
}

/** Frozen through: a Step shared between requests cannot be changed by one of them. Services
 * (from the config) are left as they are; they are shared by design. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const [k, v] of Object.entries(value)) if (k !== 'service') deepFreeze(v);
  }
  return value;
}

/**
 * A record's own entry, or undefined. The call state comes from the caller's side of the
 * wire: `m=constructor` or `s=__proto__` must not find Object's prototype members.
 */
export function own<T>(record: Record<string, T>, id: string | undefined): T | undefined {
  return id !== undefined && Object.hasOwn(record, id) ? record[id] : undefined;
}
