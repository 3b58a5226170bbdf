/**
 * Putting a caller through, and what follows when that cannot be done: a closed service, a
 * failed transfer, the police's number said, the offers of other services, the safety net and
 * the kind ending. Every path either reaches a service open now or ends with the emergency
 * numbers and a number to call back.
 */
import type { Config, Lang, Service } from '../config/types.js';
import { calendarDaysBetween } from '../time/hours.js';
import { ALTERNATIVES_MENU, AFTER_CALL_MENU, type FlowEvent, type Result, type Speech, type Step } from './types.js';
import { Services, withFailed } from './services.js';
import { speech, spokenNumber, type Words } from './words.js';

interface Context {
  lang: Lang;
  failed: readonly string[];
  now: Date;
  /** Said first. */
  prefix: Speech[];
  events: FlowEvent[];
}

export class Links {
  readonly services: Services;

  constructor(
    private readonly config: Config,
    private readonly words: Words,
  ) {
    this.services = new Services(config);
  }

  private get flow() {
    return this.config.flow;
  }

  /** A chosen service: its number said, closed, or a transfer. `net`: not chosen by the caller. */
  transfer(c: Context & { service: Service; net?: boolean; quiet?: boolean }): Result {
    const { lang, service, now } = c;
    const name = this.words.name(lang, service);
    const events: FlowEvent[] = [...c.events];
    if (service.connect === 'say') {
      events.push({ event: 'number-said', lang, service: service.id });
      const failed = withFailed(c.failed, service.id);
      const say = [...c.prefix, speech(lang, 'police-number', { number: spokenNumber(service.dial) })];
      // "Or stay on the line" only while someone can still be reached by staying.
      if (this.services.next(lang, failed, now)) say.push(speech(lang, 'police-stay'));
      return this.offers({ ...c, prefix: say, events, failed, focus: service.id });
    }
    const state = service.hours.state(now);
    if (!state.open) {
      const closure = state.closure ?? { kind: 'after-hours' as const };
      const say = [
        ...c.prefix,
        speech(lang, 'closed', { name }),
        speech(lang, closure.reason ?? `closed-${closure.kind}`),
      ];
      say.push(
        state.nextChange
          ? this.words.when(lang, now, state.nextChange, { at: 'reopens', day: 'reopens-day' })
          : speech(lang, 'closed-until-further-notice'),
      );
      events.push({ event: 'closed', lang, service: service.id, reason: closure.kind });
      return this.offers({ ...c, prefix: say, events, focus: service.id });
    }
    const say = [...c.prefix];
    if (service.callerId === 'caller') say.push(speech(lang, 'caller-id-notice'));
    // quiet: the caller was just told, in every language, that they are being put through.
    if (!c.quiet) say.push(speech(lang, service.intro ?? 'transfer', { name }));
    const step: Step = {
      kind: 'dial',
      say,
      service,
      state: { lang, service: service.id, failed: c.failed, net: c.net ?? false },
    };
    return { step, events: [...events, { event: 'transfer', lang, service: service.id }] };
  }

  /** For a caller who did not choose: the safety net's next service open now, else the end. */
  putThrough(c: Context & { quiet?: boolean }): Result {
    const events: FlowEvent[] = [...c.events, { event: 'safety-net', lang: c.lang }];
    const service = this.services.next(c.lang, c.failed, c.now);
    if (!service) return this.ending({ ...c, events });
    return this.transfer({ ...c, events, service, net: true });
  }

  /** The offers open now, each on its fixed key, those like `focus` first; none: the end. */
  offers(c: Context & { focus?: string | undefined; tries?: number; intro?: boolean }): Result {
    const open = this.openOffers(c.lang, c.failed, c.now, c.focus);
    if (open.length === 0) return this.ending(c);
    const say = [...c.prefix];
    if (c.intro ?? true) say.push(speech(c.lang, 'alternatives-intro'));
    for (const { key, service } of open) {
      say.push(
        speech(c.lang, 'opt-service', { name: this.words.name(c.lang, service), key: this.words.keyName(c.lang, key) }),
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
    return [...out.filter((o) => o.like), ...out.filter((o) => !o.like)].map(({ key, service }) => ({ key, service }));
  }

  /** After a transfer that ended normally: a way back to the menus. */
  afterCall(c: { lang: Lang; failed: readonly string[]; tries: number; prefix: Speech[] }): Step {
    return {
      kind: 'gather',
      say: [...c.prefix, speech(c.lang, 'after-call', { key: this.words.keyName(c.lang, this.flow.keys.back) })],
      state: { lang: c.lang, menu: AFTER_CALL_MENU, tries: c.tries, failed: c.failed },
      timeout: this.flow.gatherTimeout,
    };
  }

  /** Nobody can be reached: the emergency numbers, one number to call back, a kind goodbye. */
  ending(c: Context): Result {
    const { lang } = c;
    const say = [
      ...c.prefix,
      speech(lang, 'none-open'),
      speech(lang, 'emergency'),
      ...this.callback(lang, c.failed, c.now),
      speech(lang, 'goodbye'),
    ];
    return { step: { kind: 'hangup', say }, events: [...c.events, { event: 'none-open', lang }] };
  }

  /** The end of a call that reached someone: the emergency numbers and goodbye. */
  farewell(lang: Lang, events: FlowEvent[]): Result {
    return {
      step: { kind: 'hangup', say: [speech(lang, 'emergency'), speech(lang, 'goodbye')] },
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
    const name = this.words.name(lang, service);
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
      return today ? [said, speech(lang, 'callback-until', { time: this.words.time(lang, state.nextChange) })] : [said];
    }
    if (!state.nextChange) return [said];
    return [
      said,
      this.words.when(lang, now, state.nextChange, { at: 'callback-reopens', day: 'callback-reopens-day' }),
    ];
  }
}
