/**
 * Extra holidays from the directory: days the public-holiday calendar ("PH") does not know, such
 * as a community's own day (Flemish community, 11 July). `settings.holidays` applies to every
 * service whose hours say "PH off"; a service's own `holidays` to it alone. An entry is "MM-DD"
 * (every year) or "YYYY-MM-DD" (once). Each becomes a whole-day closure of kind 'holiday'.
 */
import { addDays, startOfDay, wallClockOf } from './brussels.js';
import type { Override } from './hours.js';
import type { ProblemCode } from '../config/problems.js';

export interface Holiday {
  /** As written: "07-11" or "2027-07-11". */
  text: string;
  month: number;
  day: number;
  /** Undefined: every year. */
  year?: number | undefined;
}

const ENTRY = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/;
/** Years of every-year holidays turned into closures, after the current one (a reload or restart renews them). */
const YEARS_AHEAD = 5;

/** The entries, checked; undefined when one is wrong (each reported at its place). */
export function readHolidays(
  entries: readonly string[],
  place: string,
  report: { error(code: ProblemCode, path: string, message: string): void },
): Holiday[] | undefined {
  let ok = true;
  const out: Holiday[] = [];
  entries.forEach((text, i) => {
    const m = ENTRY.exec(text);
    const year = m?.[1] === undefined ? undefined : Number(m[1]);
    const month = Number(m?.[2]);
    const day = Number(m?.[3]);
    // 29 February is checked in a leap year when no year is given.
    const probe = m && new Date(Date.UTC(year ?? 2028, month - 1, day));
    if (!probe || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
      report.error(
        'HL_ERR_HOLIDAY',
        `${place}[${i}]`,
        `"${text}" is not a day: write "MM-DD" for every year (e.g. "07-11") or "YYYY-MM-DD" for once (e.g. "2027-07-11"), quoted`,
      );
      ok = false;
      return;
    }
    out.push({ text, month, day, year });
  });
  return ok ? out : undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The days a holiday falls on from last year to YEARS_AHEAD years after `now`'s ("YYYY-MM-DD"). */
export function holidayDates(holidays: readonly Holiday[], now: Date): string[] {
  const thisYear = wallClockOf(now).year;
  const out = new Set<string>();
  for (const h of holidays) {
    const years = h.year !== undefined ? [h.year] : range(thisYear - 1, thisYear + YEARS_AHEAD);
    for (const y of years) {
      const probe = new Date(Date.UTC(y, h.month - 1, h.day));
      if (probe.getUTCDate() === h.day) out.add(`${y}-${pad(h.month)}-${pad(h.day)}`);
    }
  }
  return [...out].sort();
}

/** Whole-day closures of kind 'holiday' for those days (consecutive days make one closure). */
export function holidayOverrides(holidays: readonly Holiday[], now: Date): Override[] {
  const out: Override[] = [];
  for (const date of holidayDates(holidays, now)) {
    const from = startOfDay(date);
    const to = startOfDay(addDays(date, 1));
    const last = out.at(-1);
    if (last && last.to.getTime() === from.getTime()) last.to = to;
    else out.push({ from, to, open: false, holiday: true });
  }
  return out;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}
