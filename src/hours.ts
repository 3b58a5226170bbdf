/**
 * Opening hours, in Belgian time, whatever the server's time zone.
 *
 * The `opening_hours` library reads a Date's local fields (getHours, getDay), so the
 * process must run in Europe/Brussels: this module sets it before anything reads a date,
 * and refuses to load if the runtime cannot (no time-zone data).
 */
import OpeningHours from 'opening_hours';

process.env.TZ = 'Europe/Brussels';
if (new Date(Date.UTC(2026, 6, 1, 12)).getHours() !== 14 || new Date(Date.UTC(2026, 0, 1, 12)).getHours() !== 13) {
  throw new Error('The Europe/Brussels time zone is not available in this Node.js runtime.');
}

export const TIME_ZONE = 'Europe/Brussels';

export interface HoursState {
  open: boolean;
  /** When the state changes next; undefined when it never changes again. */
  nextChange: Date | undefined;
  /** The library's comment for the rule in force (for public holidays: their name). */
  comment: string | undefined;
}

/** One service's opening hours. The last answer is kept until the state changes, so a
 * call-heavy minute evaluates the rules once. */
export class Hours {
  readonly expression: string;
  private readonly oh: OpeningHours;
  private cache: { from: number; until: number; state: HoursState } | undefined;

  /** Throws with the library's message when the expression does not parse. */
  constructor(expression: string, countryCode: string) {
    this.expression = expression;
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
    const t = at.getTime();
    const c = this.cache;
    if (c && t >= c.from && t < c.until) return c.state;
    const open = this.oh.getState(at);
    const nextChange = this.oh.getNextChange(at);
    const state = { open, nextChange, comment: this.oh.getComment(at) };
    this.cache = { from: t, until: nextChange ? nextChange.getTime() : Number.POSITIVE_INFINITY, state };
    return state;
  }

  isOpen(at: Date): boolean {
    return this.state(at).open;
  }

  /** Open now and never closing again (what "24/7" means here). */
  alwaysOpen(at: Date): boolean {
    const s = this.state(at);
    return s.open && s.nextChange === undefined;
  }

  intervals(from: Date, to: Date): Array<{ from: Date; to: Date; comment: string | undefined }> {
    return this.oh.getOpenIntervals(from, to).map(([f, t, , comment]) => ({ from: f, to: t, comment }));
  }

  comment(at: Date): string | undefined {
    return this.oh.getComment(at);
  }
}

/** Brussels wall-clock fields of an instant (the process runs in Europe/Brussels). */
export function wallClock(at: Date): { year: number; month: number; day: number; weekday: number; hour: number; minute: number } {
  return {
    year: at.getFullYear(),
    month: at.getMonth() + 1,
    day: at.getDate(),
    weekday: at.getDay(),
    hour: at.getHours(),
    minute: at.getMinutes(),
  };
}

/** Whole days between two instants' Brussels calendar dates (0 = same day, 1 = tomorrow). */
export function calendarDaysBetween(a: Date, b: Date): number {
  const da = Date.UTC(a.getFullYear(), a.getMonth(), a.getDate());
  const db = Date.UTC(b.getFullYear(), b.getMonth(), b.getDate());
  return Math.round((db - da) / 86_400_000);
}
