/**
 * A service's usual week, as a person would tell it ("on working days, from 9 to 5"): read from
 * its weekly rules over a year, each weekday's most frequent hours (so a dated exception does not
 * count), and whether it closes on public holidays. Hours of another shape (changing with the
 * season, across midnight, public holidays with hours of their own) are `unsaid`,
 * with why: the loader then refuses a prompt that would state them (src/config/spoken-hours.ts).
 */
import type { Hours } from './hours.js';

/** Minutes since midnight; `to` is 1440 only for a whole day. */
export interface Span {
  from: number;
  to: number;
}

/** Weekdays in a row (Date.getDay() numbers, Monday first, Sunday last) open at the same times. */
export interface DayRun {
  days: number[];
  spans: Span[];
}

export type Week =
  | { kind: 'always' }
  | { kind: 'weekly'; runs: DayRun[]; holidaysOff: boolean }
  /** Closed for good ("off", every opening past): said as "only once it reopens". */
  | { kind: 'never' }
  | { kind: 'unsaid'; why: string };

/** Monday first, as a week is told. */
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;
const DAYS = 364;
/** A weekday's usual hours are those of at least this share of its days in the year. */
const USUAL = 0.75;
const WHOLE_DAY = '0-1440';

const weeks = new WeakMap<Hours, Week>();

/** The usual week of `hours` over the 52 weeks from `from`'s Monday; kept per Hours. */
export function usualWeek(hours: Hours, from: Date): Week {
  let week = weeks.get(hours);
  if (!week) {
    week = readWeek(hours, from);
    weeks.set(hours, week);
  }
  return week;
}

const minutes = (d: Date) => d.getHours() * 60 + d.getMinutes();

function readWeek(hours: Hours, from: Date): Week {
  const start = new Date(from.getFullYear(), from.getMonth(), from.getDate() - ((from.getDay() + 6) % 7));
  const end = new Date(start.getFullYear(), start.getMonth(), start.getDate() + DAYS);
  const intervals = hours.weeklyIntervals(start, end);
  // Each day's open spans, as text ("540-1020"): a day of the year, its weekday, holiday or not.
  const byWeekday = new Map<number, Map<string, number>>();
  const holidays: Array<{ weekday: number; spans: string }> = [];
  let i = 0;
  for (let d = 0; d < DAYS; d++) {
    const day = new Date(start.getFullYear(), start.getMonth(), start.getDate() + d);
    const next = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1);
    while (i < intervals.length && intervals[i]!.to <= day) i++;
    const spans: string[] = [];
    for (let j = i; j < intervals.length && intervals[j]!.from < next; j++) {
      const f = intervals[j]!.from < day ? 0 : minutes(intervals[j]!.from);
      const t = intervals[j]!.to >= next ? 1440 : minutes(intervals[j]!.to);
      if (t > f) spans.push(`${f}-${t}`);
    }
    const text = spans.join(',');
    if (hours.isPublicHoliday(new Date(day.getFullYear(), day.getMonth(), day.getDate(), 12))) {
      holidays.push({ weekday: day.getDay(), spans: text });
      continue;
    }
    const counts = byWeekday.get(day.getDay()) ?? new Map<string, number>();
    counts.set(text, (counts.get(text) ?? 0) + 1);
    byWeekday.set(day.getDay(), counts);
  }
  const usual = new Map<number, string>();
  for (const weekday of WEEK_ORDER) {
    const counts = [...(byWeekday.get(weekday) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]);
    const total = counts.reduce((n, [, c]) => n + c, 0);
    const [best, count] = counts[0] ?? ['', 0];
    if (count < USUAL * total) return { kind: 'unsaid', why: 'the hours change with the season or the date' };
    usual.set(weekday, best);
  }
  const open = (weekday: number) => usual.get(weekday) !== '';
  // Public holidays on a day it usually opens: all closed, or all as usual.
  const onOpenDays = holidays.filter((h) => open(h.weekday));
  const closedOnHolidays = onOpenDays.filter((h) => h.spans === '').length;
  const asUsual = onOpenDays.filter((h) => h.spans === usual.get(h.weekday)).length;
  if (closedOnHolidays !== onOpenDays.length && asUsual !== onOpenDays.length)
    return { kind: 'unsaid', why: 'public holidays have hours of their own' };
  const holidaysOff = onOpenDays.length > 0 && closedOnHolidays === onOpenDays.length;

  if (WEEK_ORDER.every((d) => usual.get(d) === WHOLE_DAY) && !holidaysOff) return { kind: 'always' };
  if (!WEEK_ORDER.some(open)) return { kind: 'never' };
  for (const text of usual.values()) {
    for (const span of text ? text.split(',') : []) {
      const [f, t] = span.split('-').map(Number) as [number, number];
      if ((f === 0 || t === 1440) && span !== WHOLE_DAY) return { kind: 'unsaid', why: 'it is open across midnight' };
    }
  }
  const runs: DayRun[] = [];
  let run: { days: number[]; text: string } | undefined;
  for (const weekday of WEEK_ORDER) {
    const text = usual.get(weekday)!;
    if (run && run.text === text) run.days.push(weekday);
    else {
      if (run?.text) runs.push(toRun(run));
      run = { days: [weekday], text };
    }
  }
  if (run?.text) runs.push(toRun(run));
  return { kind: 'weekly', runs, holidaysOff };
}

function toRun(run: { days: number[]; text: string }): DayRun {
  const spans = run.text.split(',').map((s) => {
    const [from, to] = s.split('-').map(Number) as [number, number];
    return { from, to };
  });
  return { days: run.days, spans };
}
