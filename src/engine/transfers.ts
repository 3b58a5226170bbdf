/**
 * Putting a caller through, and what follows when that cannot be done: a closed service, a
 * failed transfer, the police's number said, the offers of other services, the safety net and
 * the kind ending. Every path either reaches a service open now or ends with the emergency
 * numbers and a number to call back.
 */
import type { Config, Lang, Service } from '../config/types.js';
import { calendarDaysBetween } from '../time/hours.js';
import {
  ALTERNATIVES_MENU,
  AFTER_CALL_MENU,
  type FlowEvent,
  type Result,
  type Speech,
  type Step,
  type WhisperWhy,
} from './types.js';
import { Services, withFailed } from './services.js';
import { Whisper } from './whisper.js';
import { speech, spokenNumber, type Phrasebook } from './phrasebook.js';

/** For a caller who may have chosen no language (undefined): spoken in every greeting language. */
interface AnyContext {
  lang: Lang | undefined;
  failed: readonly string[];
  now: Date;
  /** Said first. */
  prefix: Speech[];
  events: FlowEvent[];
  /** For the whisper: what brought the caller (default: now when not chosen, else the service). */
  why?: WhisperWhy | undefined;
}

/** For a caller who chose a language. */
type Context = AnyContext & { lang: Lang };

export class Transfers {
  readonly services: Services;
  readonly whisper: Whisper;

  constructor(
    private readonly config: Config,
    private readonly phrases: Phrasebook,
  ) {
    this.services = new Services(config);
    this.whisper = new Whisper(config, phrases);
  }

  private get flow() {
    return this.config.flow;
  }

  /** A chosen service: its number said, closed, or a transfer. `net`: not chosen by the caller. */
  transfer(c: Context & { service: Service; net?: boolean }): Result {
    const { lang, service, now } = c;
    const events: FlowEvent[] = [...c.events];
    if (service.connect === 'say') {
      events.push({ event: 'number-said', lang, service: service.id });
      const failed = withFailed(c.failed, service.id);
      const prefix = [...c.prefix, ...this.about(lang, service, failed, now)];
      return this.offers({ ...c, prefix, events, failed, focus: service.id });
    }
    const state = service.hours.state(now);
    if (!state.open) {
      events.push({ event: 'closed', lang, service: service.id, reason: state.closure?.kind ?? 'after-hours' });
      const prefix = [...c.prefix, ...this.about(lang, service, c.failed, now)];
      return this.offers({ ...c, prefix, events, focus: service.id });
    }
    return this.putThroughTo({ ...c, events });
  }

  /**
   * What is said of the service the offers follow, before them, so that `*` says it again:
   * the number to call (a service whose number is said), or that it is closed, why and when it
   * opens again, or, once it failed, that it could not be reached.
   */
  about(lang: Lang, service: Service | undefined, failed: readonly string[], now: Date): Speech[] {
    if (!service) return [];
    const name = this.phrases.name(lang, service);
    if (service.connect === 'say') {
      const say = [speech(lang, 'police-number', { number: spokenNumber(service.dial) })];
      // "Or stay on the line" only while someone can still be reached by staying.
      if (this.services.next(lang, failed, now)) say.push(speech(lang, 'police-stay'));
      return say;
    }
    const state = service.hours.state(now);
    if (state.open)
      return failed.includes(service.id) ? [speech(lang, service.onFailure ?? 'dial-failed', { name })] : [];
    const closure = state.closure ?? { kind: 'after-hours' as const };
    return [
      speech(lang, 'closed', { name }),
      speech(lang, closure.reason ?? `closed-${closure.kind}`),
      state.nextChange
        ? this.phrases.when(lang, now, state.nextChange, { at: 'reopens', day: 'reopens-day' })
        : speech(lang, 'closed-until-further-notice'),
    ];
  }

  /** An open service put through: said in the caller's language, or, for a caller who chose
   * none, in every greeting language. `quiet`: the caller was just told they are being put through. */
  putThroughTo(c: AnyContext & { service: Service; net?: boolean; quiet?: boolean }): Result {
    const { lang, service } = c;
    const say = this.phrases.grouped(lang, [
      ...c.prefix,
      ...this.phrases.each(lang, (l) => [
        ...(service.callerId === 'caller' ? [speech(l, 'caller-id-notice')] : []),
        ...(c.quiet ? [] : [speech(l, service.intro ?? 'transfer', { name: this.phrases.name(l, service) })]),
      ]),
    ]);
    const why = c.why ?? (c.net ? 'now' : 'service');
    const step: Step = {
      kind: 'dial',
      say,
      service,
      state: { lang, service: service.id, failed: c.failed, net: c.net ?? false },
      // The person who answers hears the caller's language, or that they chose none.
      whisper: this.whisper.state(service, lang, why),
    };
    return { step, events: [...c.events, { event: 'transfer', lang, service: service.id }] };
  }

  /** For a caller who did not choose: the safety net's next service open now, else the end.
   * `announce` is said after the prefix only when someone is put through ("putting you through"). */
  putThrough(c: AnyContext & { quiet?: boolean; announce?: Speech[] }): Result {
    const events: FlowEvent[] = [...c.events, { event: 'safety-net', lang: c.lang }];
    const service = this.services.next(c.lang ?? this.flow.defaultLanguage, c.failed, c.now);
    if (!service) return this.ending({ ...c, events });
    // After a failed transfer, a caller who chose no language hears in every greeting language
    // that another service is tried (one who chose heard why it failed, in c.prefix).
    const prefix = [
      ...c.prefix,
      ...(c.announce ?? []),
      ...(c.why === 'retry' && c.lang === undefined
        ? this.phrases.each(undefined, (l) => speech(l, 'dial-trying-another'))
        : []),
    ];
    // next() gives only services open now that are put through, never one whose number is said.
    return this.putThroughTo({ ...c, prefix, events, service, net: true });
  }

  /** The offers open now, each on its fixed key, those like `focus` first; none: the end. */
  offers(c: Context & { focus?: string | undefined; tries?: number; intro?: boolean }): Result {
    const open = this.openOffers(c.lang, c.failed, c.now, c.focus);
    if (open.length === 0) return this.ending(c);
    const say = [...c.prefix];
    if (c.intro ?? true) say.push(speech(c.lang, 'alternatives-intro'));
    for (const { key, service } of open) {
      say.push(
        speech(c.lang, 'opt-service', {
          name: this.phrases.name(c.lang, service),
          key: this.phrases.keyName(c.lang, key),
        }),
      );
    }
    const state = { lang: c.lang, menu: ALTERNATIVES_MENU, tries: c.tries ?? 0, failed: c.failed, focus: c.focus };
    return { step: { kind: 'gather', say, state, timeout: this.flow.gatherTimeout }, events: c.events };
  }

  /** Each offer key with the service it stands for now (none: not said). */
  openOffers(
    lang: Lang,
    failed: readonly string[],
    now: Date,
    focus?: string,
  ): Array<{ key: string; service: Service }> {
    const out: Array<{ key: string; service: Service; like: boolean }> = [];
    for (const { key, target } of this.flow.offers) {
      const service = this.services.pick(target, lang, failed, now);
      const like = focus !== undefined && this.services.members(target, lang, now).some((s) => s.id === focus);
      if (service) out.push({ key, service, like });
    }
    // Like services first: they save the caller the most time. Then key order, so the caller
    // hears the keys rise; a key is never renumbered to read in order (one key, one meaning).
    out.sort((a, b) => Number(b.like) - Number(a.like) || keyRank(a.key) - keyRank(b.key));
    return out.map(({ key, service }) => ({ key, service }));
  }

  /** What an offer key does now: the open service it stands for; a service whose number is
   * said keeps its key even once said (one key, one meaning: it says the number again). */
  offerFor(
    key: string,
    lang: Lang,
    failed: readonly string[],
    now: Date,
    focus?: string,
  ): { key: string; service: Service } | undefined {
    const open = this.openOffers(lang, failed, now, focus).find((o) => o.key === key);
    if (open) return open;
    const target = this.flow.offers.find((o) => o.key === key)?.target;
    const said = target && this.services.members(target, lang, now).find((s) => s.connect === 'say');
    return said ? { key, service: said } : undefined;
  }

  /** After a transfer that was bridged: thanks; then, when `focus` names the service, a key for
   * a caller who reached nobody (a voicemail, a wrong person); then a way back to the menus (for
   * a caller who chose no language, in every greeting language: back is then the language
   * choice, and said so). Thanks first, so that it does not fall between two options. */
  afterCall(c: {
    lang: Lang | undefined;
    failed: readonly string[];
    tries: number;
    prefix: Speech[];
    focus?: string | undefined;
  }): Step {
    const back = (l: Lang) => this.phrases.keyName(l, this.flow.keys.back);
    const nobody = (l: Lang) =>
      c.focus === undefined
        ? []
        : [speech(l, 'after-call-not-reached', { key: this.phrases.keyName(l, this.notReachedKey) })];
    return {
      kind: 'gather',
      say: this.phrases.grouped(c.lang, [
        ...c.prefix,
        ...this.phrases.each(c.lang, (l) => [
          speech(l, 'after-call-thanks'),
          ...nobody(l),
          speech(l, c.lang === undefined ? 'after-call-languages' : 'after-call', { key: back(l) }),
        ]),
      ]),
      state: { lang: c.lang, menu: AFTER_CALL_MENU, tries: c.tries, failed: c.failed, focus: c.focus },
      timeout: this.flow.gatherTimeout,
    };
  }

  /** The after-call key for "I did not reach anyone": 1, unless the data gave 1 to every menu. */
  get notReachedKey(): string {
    const common = Object.values(this.flow.keys);
    return ['1', '2', '3', '4', '5', '6', '7', '8'].find((k) => !common.includes(k)) ?? '1';
  }

  /** The next open service like `like` (in an offer's or the safety net's target with it),
   * else the safety net's next: for a caller who reached nobody at `like`. */
  nextLike(lang: Lang | undefined, failed: readonly string[], now: Date, like: string): Service | undefined {
    const order = lang ?? this.flow.defaultLanguage;
    for (const target of [...this.flow.offers.map((o) => o.target), ...this.flow.safetyNet]) {
      const members = this.services.members(target, order, now);
      if (!members.some((s) => s.id === like)) continue;
      const s = this.services.firstToPutThrough(members, failed, now);
      if (s) return s;
    }
    return this.services.next(order, failed, now);
  }

  /** Nobody can be reached: the emergency numbers, one number to call back, a kind goodbye.
   * For a caller who chose no language, briefly, as it is said in every greeting language:
   * the emergency numbers first, the number to call back without its hours. "No other service
   * can be reached" only after a service was tried (it failed, or was found closed: `focus`). */
  ending(c: AnyContext & { focus?: string | undefined }): Result {
    const brief = c.lang === undefined;
    const tried = c.failed.length > 0 || c.focus !== undefined;
    // The emergency numbers not twice in a row (a caller who stayed silent in a menu was just told them).
    const told = (l: Lang) => c.prefix.some((s) => s.lang === l && s.key === 'emergency');
    const say = this.phrases.grouped(c.lang, [
      ...c.prefix,
      ...this.phrases.each(c.lang, (l) => [
        ...(brief || !tried ? [] : [speech(l, 'none-open')]),
        ...(told(l) ? [] : [speech(l, 'emergency')]),
        ...this.callback(l, c.failed, c.now).slice(0, brief ? 1 : undefined),
        speech(l, 'goodbye'),
      ]),
    ]);
    return { step: { kind: 'hangup', say }, events: [...c.events, { event: 'none-open', lang: c.lang }] };
  }

  /** The end of a call that reached someone: the emergency numbers and goodbye. */
  farewell(lang: Lang | undefined, events: FlowEvent[]): Result {
    return {
      step: { kind: 'hangup', say: this.phrases.each(lang, (l) => [speech(l, 'emergency'), speech(l, 'goodbye')]) },
      events: [...events, { event: 'goodbye', lang }],
    };
  }

  private callback(lang: Lang, failed: readonly string[], now: Date): Speech[] {
    // The first that did not fail and will answer at some point (open now, or opening again).
    const listed = this.flow.callback.map((id) => this.services.get(id)).filter((s): s is Service => s !== undefined);
    const answers = (s: Service) => s.hours.isOpen(now) || s.hours.state(now).nextChange !== undefined;
    const service =
      listed.find((s) => !failed.includes(s.id) && answers(s)) ??
      listed.find((s) => !failed.includes(s.id)) ??
      listed[0];
    if (!service) return [];
    const name = this.phrases.name(lang, service);
    const number = spokenNumber(service.dial);
    // "The 17 12 helpline" already says its number: not "on 17 12" again.
    const said = name.includes(number)
      ? speech(lang, 'callback-named', { name })
      : speech(lang, 'callback', { name, number });
    // It failed in this call: when it answers would sound like a promise just broken.
    if (failed.includes(service.id)) return [said];
    const state = service.hours.state(now);
    if (state.open && state.nextChange === undefined) return [said, speech(lang, 'callback-always')];
    if (state.open && state.nextChange) {
      const today = calendarDaysBetween(now, state.nextChange) === 0;
      return today
        ? [said, speech(lang, 'callback-until', { time: this.phrases.time(lang, state.nextChange) })]
        : [said];
    }
    if (!state.nextChange) return [said];
    return [
      said,
      this.phrases.when(lang, now, state.nextChange, { at: 'callback-reopens', day: 'callback-reopens-day' }),
    ];
  }
}

/** Keys in the order they are read: digits as numbers, then * and #. */
function keyRank(key: string): number {
  return '0123456789*#'.indexOf(key);
}
