/**
 * The call flow engine: reads the menus and the directory (data) and decides, for each
 * webhook, what the caller hears and what comes next. Pure: no I/O, no clock of its own (the
 * instant is passed in), no TwiML (src/call/twiml.ts renders the Step it returns). The call's state
 * travels in the webhook URLs (src/call/call-state.ts), so the server keeps nothing between webhooks.
 */
import type { Config, Lang, Menu } from '../config/types.js';
import { Transfers } from './transfers.js';
import { withFailed } from './services.js';
import { Menus } from './menus.js';
import {
  AFTER_CALL_MENU,
  ALTERNATIVES_MENU,
  LANGUAGE_MENU,
  dialOutcome,
  dialStatus,
  ownEntry,
  transferResult,
} from './types.js';
import type { DialState, FlowEvent, ReceivedState, Result, Speech, Step, WhisperState } from './types.js';
import type { WhisperResult } from './whisper.js';
import { speech, Phrasebook } from './phrasebook.js';

export * from './types.js';
export { clockVars, spokenNumber } from './phrasebook.js';
export type { WhisperStep, WhisperResult } from './whisper.js';

/** A key, or silence, in a menu. `digits` is Twilio's Digits as received. */
export interface Input {
  /** The state the menu's URL carried, checked (src/call/call-state.ts). */
  state: ReceivedState;
  digits?: string | undefined;
  silent?: boolean | undefined;
  now: Date;
}

/** A transfer's outcome: Twilio's DialCallStatus, with the state the transfer was made in. */
export interface DialResult {
  /** The state the transfer's URL carried, checked (src/call/call-state.ts). */
  state: DialState;
  status: string | undefined;
  /** Twilio's DialBridged: "true" when the caller was connected to the person who answered. */
  bridged?: string | undefined;
  now: Date;
}

/** Where a call is, once its state is checked: what every handler of a key needs. `lang` is
 * undefined only after a transfer made for a caller who chose no language. */
interface KeyPress<L extends Lang | undefined = Lang> {
  lang: L;
  key: string | undefined;
  tries: number;
  failed: readonly string[];
  now: Date;
}

export class Engine {
  private readonly phrases: Phrasebook;
  private readonly transfers: Transfers;
  private readonly menus: Menus;
  /** The same for every call: one frozen Step, which the renderer finds by identity. */
  private readonly greeting: Step;

  constructor(private readonly config: Config) {
    this.phrases = new Phrasebook(config);
    this.transfers = new Transfers(config, this.phrases);
    this.menus = new Menus(config, this.phrases);
    this.greeting = Object.freeze(this.menus.language({ tries: 0, greeting: true, failed: [], prefix: [] }));
  }

  private get flow() {
    return this.config.flow;
  }

  /** A call comes in: the emergency numbers in every language of the greeting, then the choice. */
  start(): Result {
    return { step: this.greeting, events: [{ event: 'call', menu: LANGUAGE_MENU }] };
  }

  /** `state` was checked against this config once, by src/call/call-state.ts: its language, tries,
   * failed services and focus are known ones; only its menu may be missing. */
  input({ state, digits, silent, now }: Input): Result {
    const key = silent || !digits ? undefined : digits.length === 1 ? digits : '?';
    const { lang, tries, failed } = state;
    // After a call: a caller who chose no language is spoken to in every greeting language.
    if (state.menu === AFTER_CALL_MENU) return this.afterCallInput({ lang, key, tries, failed, now }, state.focus);
    if (state.menu === LANGUAGE_MENU || lang === undefined) return this.languageInput({ key, tries, failed, now });
    const at: KeyPress = { lang, key, tries, failed, now };
    if (state.menu === ALTERNATIVES_MENU) return this.offersInput(at, state.focus);
    const menu = ownEntry(this.flow.menus, state.menu);
    if (!menu)
      return {
        step: this.menus.menu({ lang, menu: 'main', tries: 0, failed }),
        events: [{ event: 'back', menu: 'main', lang }],
      };
    return this.menuInput(at, menu);
  }

  /** A transfer's outcome: reached only when Twilio bridged it (DialBridged); a completed
   * transfer that was not bridged (the whisper's key not pressed) fails like a busy one. */
  dialResult({ state, status, bridged, now }: DialResult): Result {
    const { lang, failed: known } = state;
    const service = ownEntry(this.config.services, state.service);
    const result = transferResult(status, bridged);
    const outcome = dialOutcome(status);
    const events: FlowEvent[] = [
      {
        event: 'dial-result',
        lang,
        service: service?.id ?? 'unknown',
        outcome: !status ? 'missing' : result === 'declined' ? 'declined' : outcome,
        status: dialStatus(status),
        result,
      },
    ];
    if (result === 'reached' && service)
      return {
        step: this.transfers.afterCall({ lang, failed: known, tries: 0, prefix: [], focus: service.id }),
        events,
      };
    const failed = service ? withFailed(known, service.id) : known;
    // Briefly for a caller who chose no language (every greeting language): "we are trying
    // another service" (putThrough), then the next service's name; why it failed is left unsaid.
    const prefix: Speech[] =
      service && lang !== undefined
        ? [
            speech(lang, service.onFailure ?? `dial-${result === 'reached' ? 'failed' : result}`, {
              name: this.phrases.name(lang, service),
            }),
          ]
        : [];
    // A caller who did not choose goes on to the next service; one who chose hears the offers.
    if (state.net || lang === undefined)
      return this.transfers.putThrough({ lang, failed, now, prefix, events, why: 'retry' });
    return this.transfers.offers({ lang, failed, now, prefix, events, focus: service?.id });
  }

  /** POST /voice/whisper: the person who answered a transfer hears the whisper. */
  whisper(state: WhisperState): WhisperResult {
    return this.transfers.whisper.answer(state);
  }

  /** POST /voice/whisper/key: the whisper's key, or its time-out (no digits). */
  whisperKey(state: WhisperState, digits: string | undefined): WhisperResult {
    return this.transfers.whisper.key(state, digits);
  }

  // --- the language choice ---------------------------------------------------------------

  private languageInput({ key, tries, failed, now }: Omit<KeyPress, 'lang'>): Result {
    const choice = key === undefined ? undefined : this.flow.languages.find((l) => l.key === key);
    if (choice) {
      const events: FlowEvent[] = [{ event: 'language', menu: LANGUAGE_MENU, key: choice.key, lang: choice.id }];
      return { step: this.menus.menu({ lang: choice.id, menu: 'main', tries: 0, failed }), events };
    }
    const { repeat, back, language } = this.flow.keys;
    if (key === repeat || key === back || key === language) {
      return {
        step: this.menus.language({ tries: 0, greeting: false, failed, prefix: [] }),
        events: [{ event: 'repeat', menu: LANGUAGE_MENU }],
      };
    }
    const failure: FlowEvent =
      key === undefined ? { event: 'no-input', menu: LANGUAGE_MENU } : { event: 'invalid-key', menu: LANGUAGE_MENU };
    // A caller who stays silent may speak none of the languages: after one repetition of the
    // choice, the line puts them through, saying so in every language of the greeting.
    // From here on, nothing they hear is in one language only: they chose none.
    if ((key === undefined && tries >= 1) || tries + 1 >= this.flow.maxTries) {
      // Nobody to put through to (every safety-net service closed): no "putting you through",
      // but the ending, in every language of the greeting.
      return this.transfers.putThrough({
        lang: undefined,
        failed,
        now,
        prefix: [],
        announce: this.flow.greeting.map((l) => speech(l, 'putting-through')),
        events: [failure, { event: 'default-language' }],
        quiet: true,
      });
    }
    const prefix = key === undefined ? [] : this.flow.greeting.map((l) => speech(l, 'invalid-key'));
    return { step: this.menus.language({ tries: tries + 1, greeting: false, failed, prefix }), events: [failure] };
  }

  // --- the data's menus ------------------------------------------------------------------

  private menuInput(at: KeyPress, menu: Menu): Result {
    const { lang, key, failed, now } = at;
    const common = this.commonKey(at, menu.id, (l) => this.menus.menu({ lang: l, menu: menu.id, tries: 0, failed }));
    if (common) return common;
    const option = key === undefined ? undefined : menu.options.find((o) => o.key === key);
    if (!option)
      return this.failedTry(at, menu.id, (prefix, tries) => ({
        step: this.menus.menu({ lang, menu: menu.id, tries, failed, prefix, intro: false }),
        events: [],
      }));
    const events: FlowEvent[] = [{ event: 'choice', menu: menu.id, key: option.key, lang }];
    const a = option.action;
    switch (a.type) {
      case 'menu':
      case 'repeat':
        return {
          step: this.menus.menu({ lang, menu: a.type === 'menu' ? a.menu : menu.id, tries: 0, failed }),
          events,
        };
      case 'transfer': {
        const service = this.transfers.services.get(a.service);
        if (!service) return this.transfers.putThrough({ lang, failed, now, prefix: [], events });
        return this.transfers.transfer({ lang, failed, now, prefix: [], events, service });
      }
      case 'first_open': {
        const service = this.transfers.services.pick({ type: 'group', group: a.group }, lang, failed, now);
        if (service)
          return this.transfers.transfer({
            lang,
            failed,
            now,
            prefix: [],
            events,
            service,
            // The main menu's "speak to someone now"; elsewhere the caller asked for the group.
            why: menu.id === 'main' ? 'now' : `group:${a.group}`,
          });
        // No such service open now: "someone now" is the next person the line can reach.
        return this.transfers.putThrough({ lang, failed, now, prefix: [], events });
      }
    }
  }

  /** Keys that do the same in every menu: repeat, back (to the main menu; from it, to the
   * language choice) and the language choice. */
  private commonKey<L extends Lang | undefined>(
    at: KeyPress<L>,
    menuId: string,
    redo: (lang: L) => Step,
  ): Result | undefined {
    const { lang, key, failed } = at;
    const { repeat, back, language } = this.flow.keys;
    if (key === repeat) return { step: redo(lang), events: [{ event: 'repeat', menu: menuId, lang }] };
    if (key === back) {
      // A caller who chose no language has the language choice for a main menu.
      const step =
        menuId === 'main' || lang === undefined
          ? this.menus.language({ tries: 0, greeting: false, failed, prefix: [] })
          : this.menus.menu({ lang, menu: 'main', tries: 0, failed });
      return { step, events: [{ event: 'back', menu: menuId, lang }] };
    }
    if (key === language) {
      return {
        step: this.menus.language({ tries: 0, greeting: false, failed, prefix: [] }),
        events: [{ event: 'switch-language', menu: menuId, lang }],
      };
    }
    return undefined;
  }

  /** A wrong key or silence: said, then the menu again; silence after a failed try, or too
   * many tries in a row, puts the caller through to a person (the safety net), or, after a
   * call that went through (`last`), ends the call kindly. */
  private failedTry<L extends Lang | undefined>(
    at: KeyPress<L>,
    menuId: string,
    redo: (prefix: Speech[], tries: number) => Result,
    last?: (events: FlowEvent[]) => Result,
  ): Result {
    const { lang, key, tries, failed, now } = at;
    const event: FlowEvent =
      key === undefined ? { event: 'no-input', menu: menuId, lang } : { event: 'invalid-key', menu: menuId, lang };
    if ((key === undefined && tries >= 1) || tries + 1 >= this.flow.maxTries) {
      if (last) return last([event]);
      const prefix = this.phrases.each(lang, (l) => speech(l, 'emergency'));
      return this.transfers.putThrough({ lang, failed, now, prefix, events: [event] });
    }
    const again = redo(
      this.phrases.each(lang, (l) => speech(l, key === undefined ? 'no-input' : 'invalid-key')),
      tries + 1,
    );
    return { step: again.step, events: [event, ...again.events] };
  }

  // --- offers and after a call -------------------------------------------------------------

  private offersInput(at: KeyPress, focus: string | undefined): Result {
    const { lang, key, failed, now } = at;
    // `*` says again all that was said: what became of the service (its number, closed, not
    // reached), then the offers.
    const common = this.commonKey(at, ALTERNATIVES_MENU, (l) => {
      const prefix = this.transfers.about(l, this.transfers.services.get(focus), failed, now);
      return this.transfers.offers({ lang: l, failed, now, prefix, events: [], focus }).step;
    });
    if (common) return common;
    const chosen = key === undefined ? undefined : this.transfers.offerFor(key, lang, failed, now, focus);
    if (chosen) {
      return this.transfers.transfer({
        lang,
        failed,
        now,
        prefix: [],
        events: [{ event: 'choice', menu: ALTERNATIVES_MENU, key: chosen.key, lang }],
        service: chosen.service,
        // The offers follow a service that could not answer (closed, failed, or its number said).
        why: 'retry',
      });
    }
    return this.failedTry(at, ALTERNATIVES_MENU, (prefix, tries) =>
      this.transfers.offers({ lang, failed, now, prefix, events: [], focus, tries, intro: false }),
    );
  }

  private afterCallInput(at: KeyPress<Lang | undefined>, focus: string | undefined): Result {
    const { lang, failed, key, now } = at;
    const common = this.commonKey(at, AFTER_CALL_MENU, (l) =>
      this.transfers.afterCall({ lang: l, failed, tries: 0, prefix: [], focus }),
    );
    if (common) return common;
    // "I did not reach anyone": the service just reached fails for this call, and the caller
    // is put through at once to the next open service like it.
    if (focus !== undefined && key === this.transfers.notReachedKey) {
      const events: FlowEvent[] = [{ event: 'not-reached', lang, service: focus, result: 'not-reached' }];
      const left = withFailed(failed, focus);
      const next = this.transfers.nextLike(lang, left, now, focus);
      if (!next) return this.transfers.ending({ lang, failed: left, now, prefix: [], events });
      return this.transfers.putThroughTo({ lang, failed: left, now, prefix: [], events, service: next, why: 'retry' });
    }
    // The caller has spoken to someone: a caller who stays on the line without a key is not
    // put through again (a loop with no end), but hears the emergency numbers and goodbye.
    // Silence after a call is no mistake: no "you did not press a key" before the menu again.
    return this.failedTry(
      at,
      AFTER_CALL_MENU,
      (prefix, tries) => ({
        step: this.transfers.afterCall({ lang, failed, tries, prefix: at.key === undefined ? [] : prefix, focus }),
        events: [],
      }),
      (events) => this.transfers.farewell(lang, events),
    );
  }
}
