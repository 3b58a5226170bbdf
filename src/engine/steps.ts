/**
 * The Steps the engine answers with, built from the data: the menus, a transfer (or why it
 * cannot be made now), the safety net, the services open now, the question after a call.
 * Key handling is in src/engine.ts; this module only says what comes next.
 */
import type { CallState } from '../call-state.js';
import { AFTER_CALL_MENU, ALTERNATIVES_MENU, LANGUAGE_MENU, type Config, type Lang, type Menu, type Service } from '../config/types.js';
import type { Closure } from '../hours.js';
import { own, type FlowEvent, type Result, type Speech, type Step } from './types.js';
import { Words } from './words.js';

export interface TransferRequest {
  lang: Lang;
  service: string;
  now: Date;
  /** Said before the transfer (or before the notice that the service is closed). */
  prefix?: Speech[];
  /** What led here, for the logs. */
  events: FlowEvent[];
  /** The safety net's transfer: its failure ends the call. */
  safetyNet?: boolean;
}

export interface AlternativesRequest {
  lang: Lang;
  /** The service that was closed or failed: not offered. */
  exclude: string | undefined;
  now: Date;
  prefix?: Speech[];
  tries?: number;
  events?: FlowEvent[];
  /** Say the alternatives' introduction (not when the menu is said again after a wrong key). */
  intro?: boolean;
}

export class Steps {
  readonly words: Words;

  /**
   * Menus as first heard (no "wrong key" before them), by language and menu. They depend on
   * the config only, never on the time or the caller, so each is built once and the same
   * frozen Step is returned every time: the renderer finds its TwiML by the Step's identity
   * (src/twiml.ts). Bounded: languages x menus, and the greeting by try.
   */
  private readonly frozen = new Map<string, Step>();

  constructor(private readonly config: Config) {
    this.words = new Words(config);
  }

  private get flow() {
    return this.config.flow;
  }

  // --- menus ---------------------------------------------------------------------------

  /** The bilingual greeting and language choice; `prefix` ("wrong key") before it. */
  languageMenu(tries: number, prefix: Speech[] = []): Step {
    if (prefix.length > 0) return this.buildLanguageMenu(tries, prefix);
    return this.once(`lang\u0000${tries}`, () => this.buildLanguageMenu(tries, prefix));
  }

  private buildLanguageMenu(tries: number, prefix: Speech[]): Step {
    const w = this.words;
    // The emergency numbers first, in every language, before anything else.
    const say: Speech[] = [...prefix, ...this.config.languages.map((lang) => w.speech(lang, 'emergency'))];
    for (const { key, lang } of this.flow.languageMenu.options) {
      say.push(w.speech(lang, 'welcome'), w.speech(lang, 'choose-language', { key: w.keyName(lang, key) }));
    }
    return { kind: 'gather', say, state: { menu: LANGUAGE_MENU, tries }, timeout: this.flow.gatherTimeout };
  }

  /** A menu as first heard: its introduction, options and footer. An unknown id: the main menu. */
  menu(lang: Lang, menuId: string): Step {
    const menu = own(this.flow.menus, menuId) ?? this.flow.menus.main!;
    return this.once(`${lang}\u0000${menu.id}`, () => this.buildMenu({ lang, menu, tries: 0, prefix: [], intro: true }));
  }

  mainMenu(lang: Lang): Step {
    return this.menu(lang, 'main');
  }

  /** A menu said again after a failed try: `prefix` ("wrong key"), then its options. */
  retry(lang: Lang, menuId: string, tries: number, prefix: Speech[]): Step {
    const menu = own(this.flow.menus, menuId) ?? this.flow.menus.main!;
    return this.buildMenu({ lang, menu, tries, prefix, intro: false });
  }

  private buildMenu({ lang, menu, tries, prefix, intro }: { lang: Lang; menu: Menu; tries: number; prefix: Speech[]; intro: boolean }): Step {
    const w = this.words;
    const say: Speech[] = [...prefix];
    const vars = { repeat: w.keyName(lang, this.flow.keys.repeat), back: w.keyName(lang, this.flow.keys.back) };
    if (intro) for (const k of menu.say) say.push(w.speech(lang, k, vars));
    for (const o of menu.options) {
      if (o.say) say.push(w.speech(lang, o.say, { key: w.keyName(lang, o.key) }));
    }
    if (intro) for (const k of menu.footer) say.push(w.speech(lang, k, vars));
    say.push(...w.switchOffer(lang));
    return { kind: 'gather', say, state: { lang, menu: menu.id, tries }, timeout: this.flow.gatherTimeout };
  }

  private once(id: string, build: () => Step): Step {
    let step = this.frozen.get(id);
    if (!step) this.frozen.set(id, (step = deepFreeze(build())));
    return step;
  }

  // --- transfers -----------------------------------------------------------------------

  /** Put the caller through to a service open now; closed: why, when it reopens, and the
   * services open instead. */
  transfer({ lang, service: serviceId, now, prefix = [], events, safetyNet = false }: TransferRequest): Result {
    const w = this.words;
    const service = own(this.config.services, serviceId);
    if (!service) return this.safetyNet({ lang, now, events });
    const name = service.name[lang] ?? service.id;
    const state = service.hours.state(now);
    if (!state.open) {
      const closure: Closure = state.closure ?? { kind: 'after-hours' };
      const say = [
        ...prefix,
        w.speech(lang, 'closed', { name }),
        w.speech(lang, closure.reason ?? `closed-${closure.kind}`),
        ...w.reopening(lang, now, state.nextChange),
      ];
      const closed: FlowEvent = { event: 'closed', lang, service: serviceId, reason: closure.kind };
      return this.alternatives({ lang, exclude: serviceId, prefix: say, now, events: [...events, closed] });
    }
    const say = [...prefix, w.speech(lang, service.intro ?? 'transfer', { name })];
    const step: Step = safetyNet ? { kind: 'dial', say, lang, service, safetyNet } : { kind: 'dial', say, lang, service };
    return { step, events: [...events, { event: 'transfer', lang, service: serviceId }] };
  }

  /** After too many failed tries: the emergency numbers, then a service open now (not the one
   * that just failed or was closed). */
  safetyNet({ lang, now, events, exclude }: { lang: Lang; now: Date; events: FlowEvent[]; exclude?: string | undefined }): Result {
    const id = this.flow.safetyNet.find((s) => s !== exclude && this.isOpen(s, now));
    const warn = [this.words.speech(lang, 'emergency')];
    const all: FlowEvent[] = [...events, { event: 'safety-net', lang }];
    if (!id) return { step: this.hangup([...warn, this.words.speech(lang, 'goodbye')]), events: [...all, { event: 'none-open', lang }] };
    return this.transfer({ lang, service: id, prefix: warn, now, events: all, safetyNet: true });
  }

  /** The services open now, each on its fixed key; none open: the emergency numbers, kindly. */
  alternatives({ lang, exclude, now, prefix = [], tries = 0, events = [], intro = true }: AlternativesRequest): Result {
    const w = this.words;
    const open = this.openAlternatives(exclude, now);
    if (open.length === 0) {
      return {
        step: this.hangup([...prefix, w.speech(lang, 'none-open'), w.speech(lang, 'goodbye')]),
        events: [...events, { event: 'none-open', lang }],
      };
    }
    const say = [...prefix];
    if (intro) say.push(w.speech(lang, 'alternatives-intro'));
    for (const { key, service } of open) {
      say.push(w.speech(lang, 'opt-service', { name: service.name[lang] ?? service.id, key: w.keyName(lang, key) }));
    }
    const state: CallState = { lang, menu: ALTERNATIVES_MENU, tries, exclude };
    return { step: { kind: 'gather', say, state, timeout: this.flow.gatherTimeout }, events };
  }

  openAlternatives(exclude: string | undefined, now: Date): Array<{ key: string; service: Service }> {
    const out: Array<{ key: string; service: Service }> = [];
    for (const { key, service: id } of this.flow.alternatives) {
      const service = own(this.config.services, id);
      if (service && id !== exclude && service.hours.isOpen(now)) out.push({ key, service });
    }
    return out;
  }

  isOpen(serviceId: string, now: Date): boolean {
    return own(this.config.services, serviceId)?.hours.isOpen(now) ?? false;
  }

  // --- the end of a call -----------------------------------------------------------------

  /** After a transfer that ended normally: a way back to the menus, else goodbye. */
  afterCall(lang: Lang): Step {
    return {
      kind: 'gather',
      say: [this.words.speech(lang, 'after-call', { key: this.words.keyName(lang, this.flow.keys.back) })],
      state: { lang, menu: AFTER_CALL_MENU, tries: 0 },
      timeout: this.flow.gatherTimeout,
    };
  }

  /** The emergency numbers, goodbye, and the end of the call. */
  goodbye(lang: Lang, prefix: Speech[] = []): Step {
    return this.hangup([...prefix, this.words.speech(lang, 'emergency'), this.words.speech(lang, 'goodbye')]);
  }

  private hangup(say: Speech[]): Step {
    return { kind: 'hangup', say };
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
