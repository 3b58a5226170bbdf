/**
 * Opening hours, in Belgian time.
 *
 * The `opening_hours` library reads a Date's local fields (getHours, getDay), so the process
 * must run in Europe/Brussels: its entry calls useBrusselsTime() (src/time/zone.ts); nothing
 * here sets the zone. Wall-clock times in the data are read by src/time/brussels.ts.
 *
 * A service's hours are its weekly rules (an opening_hours expression) with the operator's
 * temporary overrides on top: closures and openings, each a [from, to) span of time. When a
 * service is closed, `state()` also says why, as one of four kinds callers are told.
 */
import OpeningHours from 'opening_hours';
import { calendarDaysBetween, parseWallClock, WallClockError } from './brussels.js';
import { inBrusselsTime } from './zone.js';

// The engine reads calendar days from here.
export { calendarDaysBetween };

/** Why a service is closed, as callers are told it. */
export type ClosureKind = 'after-hours' | 'weekend' | 'holiday' | 'temporary';
export const CLOSURE_KINDS: readonly ClosureKind[] = ['after-hours', 'weekend', 'holiday', 'temporary'];

/** Prompt keys that operators give as the reason of a temporary closure start with this. */
export const REASON_PREFIX = 'reason-';

export interface Closure {
  kind: ClosureKind;
  /** For a temporary closure: the prompt key of its reason (reason-...), when one is given. */
  reason?: string | undefined;
}

/** A temporary change on top of the weekly hours: open or closed from `from` up to `to`. */
export interface Override {
  from: Date;
  to: Date;
  open: boolean;
  /** For a closure: its reason's prompt key (reason-...). */
  reason?: string | undefined;
  /** An extra holiday of the directory (src/time/holidays.ts): callers hear "a holiday". */
  holiday?: boolean | undefined;
}

export interface HoursState {
  open: boolean;
  /** When the state changes next; undefined when it never changes again. */
  nextChange: Date | undefined;
  /** The library's comment for the rule in force (for public holidays: their name). */
  comment: string | undefined;
  /** When closed: why. */
  closure?: Closure | undefined;
}

/** A rule's comment in opening_hours syntax. */
const COMMENT = /"([^"]*)"/g;

/** A local time as operators write it: "2026-12-24" or "2026-12-24 13:00" (see parseLocalTime). */
export const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/;

/** A rule that names a date (a year, a month or Easter) closes for a reason of its own. */
const DATED_RULE = /\b(?:\d{4}|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|easter)\b/;
/** Enough steps to cross any sensible list of overrides; past it "no change known". */
const MAX_STEPS = 1000;

/** Whether a day is a public holiday, by country and day: the same for every service, and
 * asked for each day of a year when the loader reads each service's usual week. */
const holidayDays = new Map<string, boolean>();

/** One service's opening hours. The last answer is kept until the state changes, so a
 * call-heavy minute evaluates the rules once. */

export class Hours {
  readonly expression: string;
  readonly overrides: readonly Override[];
  private readonly countryCode: string;
  private readonly oh: OpeningHours;
  private cache: { from: number; until: number; state: HoursState } | undefined;

  /** Throws with the library's message when the expression does not parse. Overrides must
   * not overlap (the loader checks it and says where). */
  constructor(expression: string, countryCode: string, overrides: readonly Override[] = []) {
    if (!inBrusselsTime())
      throw new Error('opening hours need the process in Europe/Brussels time: call useBrusselsTime() at the entry');
    this.expression = expression;
    this.countryCode = countryCode;
    this.overrides = [...overrides].sort((a, b) => a.from.getTime() - b.from.getTime());
    this.oh = new OpeningHours(
      expression,
      // Brussels' coordinates; the country code selects the public holidays ("PH").
      { lat: 50.85, lon: 4.35, address: { country_code: countryCode, state: '' } },
    );
  }

  warnings(): string[] {
    return this.oh.getWarnings();
  }

  state(at: Date): HoursState {
    const state = this.stateUntilChange(at);
    // Why it is closed can change while it stays closed (Friday evening, then the weekend),
    // so it is read at each call; only callers of a closed service ask.
    if (state.open) return state;
    const closure = this.closureAt(at);
    // Closed for good ("off", or every opening past): not "the weekend" or "a holiday".
    const why =
      state.nextChange === undefined && closure.kind !== 'temporary' ? { kind: 'temporary' as const } : closure;
    return { ...state, comment: this.oh.getComment(at), closure: why };
  }

  isOpen(at: Date): boolean {
    return this.stateUntilChange(at).open;
  }

  /** Open now and never closing again, overrides included (what "24/7" means here). */
  alwaysOpen(at: Date): boolean {
    const s = this.stateUntilChange(at);
    return s.open && s.nextChange === undefined;
  }

  /** The weekly rules alone (without the overrides) are open now and never close. */
  weeklyAlwaysOpen(at: Date): boolean {
    return this.oh.getState(at) && this.oh.getNextChange(at) === undefined;
  }

  /** The open stretches between two instants, overrides included. */
  intervals(from: Date, to: Date): Array<{ from: Date; to: Date; comment: string | undefined }> {
    if (this.overrides.length === 0) {
      return this.oh.getOpenIntervals(from, to).map(([f, t, , comment]) => ({ from: f, to: t, comment }));
    }
    const out: Array<{ from: Date; to: Date; comment: string | undefined }> = [];
    let t = from;
    let open = this.openAt(t);
    while (t < to) {
      const next = this.nextChangeAfter(t, open);
      const end = next && next < to ? next : to;
      if (open) out.push({ from: t, to: end, comment: this.oh.getComment(t) });
      if (!next) break;
      t = next;
      open = !open;
    }
    return out;
  }

  /** The open stretches of the weekly rules alone (without the overrides). */
  weeklyIntervals(from: Date, to: Date): Array<{ from: Date; to: Date }> {
    return this.oh.getOpenIntervals(from, to).map(([f, t]) => ({ from: f, to: t }));
  }

  comment(at: Date): string | undefined {
    return this.oh.getComment(at);
  }

  /** True on a public holiday of the country (whatever the service's hours). */
  isPublicHoliday(at: Date): boolean {
    const day = `${this.countryCode} ${at.getFullYear()}-${at.getMonth() + 1}-${at.getDate()}`;
    let holiday = holidayDays.get(day);
    if (holiday === undefined) {
      holiday = this.oh.getPublicHolidayContext(at).isHoliday;
      holidayDays.set(day, holiday);
    }
    return holiday;
  }

  /** Open or not, and until when: kept until the next change. */
  private stateUntilChange(at: Date): HoursState {
    const t = at.getTime();
    const c = this.cache;
    if (c && t >= c.from && t < c.until) return c.state;
    const open = this.openAt(at);
    const nextChange = this.nextChangeAfter(at, open);
    const state = { open, nextChange, comment: this.oh.getComment(at) };
    this.cache = { from: t, until: nextChange ? nextChange.getTime() : Number.POSITIVE_INFINITY, state };
    return state;
  }

  // --- overrides on top of the weekly rules ----------------------------------------------

  private overrideAt(t: number): Override | undefined {
    for (const o of this.overrides) {
      if (o.from.getTime() > t) return undefined;
      if (t < o.to.getTime()) return o;
    }
    return undefined;
  }

  private nextOverrideStart(t: number): Date | undefined {
    return this.overrides.find((o) => o.from.getTime() > t)?.from;
  }

  private openAt(at: Date): boolean {
    const o = this.overrideAt(at.getTime());
    return o ? o.open : this.oh.getState(at);
  }

  /** The first instant after `at` when the state is no longer `open`: walk from boundary to
   * boundary (an override's end or start, a change of the weekly rules). */
  private nextChangeAfter(at: Date, open: boolean): Date | undefined {
    let p = at;
    for (let i = 0; i < MAX_STEPS; i++) {
      const t = p.getTime();
      const o = this.overrideAt(t);
      let next: Date | undefined;
      if (o) {
        next = o.to;
      } else {
        const weekly = this.oh.getNextChange(p);
        const start = this.nextOverrideStart(t);
        next = weekly && start ? (weekly.getTime() < start.getTime() ? weekly : start) : (weekly ?? start);
      }
      if (!next) return undefined;
      if (this.openAt(next) !== open) return next;
      p = next;
    }
    return undefined;
  }

  /** Why the service is closed at `at`. */
  private closureAt(at: Date): Closure {
    const o = this.overrideAt(at.getTime());
    if (o && !o.open) return o.holiday ? { kind: 'holiday' } : { kind: 'temporary', reason: o.reason };
    const comment = this.oh.getComment(at);
    if (comment?.startsWith(REASON_PREFIX)) return { kind: 'temporary', reason: comment };
    // A public holiday says more than a dated rule that happens to cover it (Christmas week).
    if (this.isPublicHoliday(at)) return { kind: 'holiday' };
    const rule = this.oh.getMatchingRule(at);
    if (rule !== undefined && DATED_RULE.test(this.ruleText(rule))) return { kind: 'temporary' };
    const day = at.getDay();
    if (day === 0 || day === 6) return { kind: 'weekend' };
    return { kind: 'after-hours' };
  }

  private ruleText(index: number): string {
    // The rule without its comment, so a comment's words do not look like a date.
    return this.oh.prettifyValue({ rule_index: index }).replace(COMMENT, '');
  }
}

/** Whether the opening_hours library knows the public holidays ("PH") of this country. */
export function knowsHolidays(countryCode: string): boolean {
  try {
    new OpeningHours('PH off', { lat: 50.85, lon: 4.35, address: { country_code: countryCode, state: '' } });
    return true;
  } catch {
    return false;
  }
}

/** The comments of an opening_hours expression ("..."), in order. */
export function hoursComments(hours: string): string[] {
  return [...hours.matchAll(COMMENT)].map((m) => m[1] ?? '');
}

/**
 * A Belgian wall-clock time as the operator writes it in the directory: "2026-12-24" (the
 * start of that day) or "2026-12-24 13:00" (24:00 is the end of the day). With `endOfDay`, a
 * date alone means the end of that day, so { from: 2026-12-24, to: 2026-12-24 } is the whole
 * day. By the policy of src/time/brussels.ts: a time in the hour skipped in spring is refused
 * (`error` says so), one in the hour repeated in autumn is the first, with a `note`.
 */
export function readLocalTime(
  text: string,
  endOfDay = false,
): { at: Date; note?: string | undefined } | { error: string; skipped: boolean } {
  if (!LOCAL_TIME.test(text.trim()))
    return { error: `"${text}" is not a date such as "2026-12-24" or "2026-12-24 13:00"`, skipped: false };
  try {
    return parseWallClock(text.replace(' ', 'T'), { endOfDay });
  } catch (err) {
    if (err instanceof WallClockError) return { error: err.message, skipped: err.kind === 'skipped' };
    throw err;
  }
}

/** The instant of readLocalTime, or undefined when the time does not exist. */
export function parseLocalTime(text: string, endOfDay = false): Date | undefined {
  const r = readLocalTime(text, endOfDay);
  return 'at' in r ? r.at : undefined;
}
