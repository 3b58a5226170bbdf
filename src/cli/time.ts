/**
 * Brussels wall-clock time for the command-line tools, computed explicitly with Intl in
 * Europe/Brussels: it never depends on the process time zone (which src/time/hours.ts sets once it
 * is loaded, but these helpers must be right before that, and in any process).
 */
import { TIME_ZONE } from '../config/constants.js';

// Re-exported for the tools that import it from here.
export { TIME_ZONE };

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
  /** Minutes ahead of UTC: 60 in winter (CET), 120 in summer (CEST). */
  offset: number;
}

const parts = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** The Brussels wall clock of an instant. */
export function wallClockOf(at: Date): WallClock {
  const t = at.getTime();
  if (!Number.isFinite(t)) throw new RangeError('invalid date');
  const f: Record<string, number> = {};
  for (const p of parts.formatToParts(at)) if (p.type !== 'literal') f[p.type] = Number(p.value);
  const year = f.year!;
  const month = f.month!;
  const day = f.day!;
  const hour = f.hour!;
  const minute = f.minute!;
  const second = f.second!;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const offset = Math.round((asUtc - Math.floor(t / 1000) * 1000) / 60_000);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { year, month, day, hour, minute, second, weekday, offset };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/** "2026-12-25" */
export function dateOf(at: Date): string {
  const w = wallClockOf(at);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** "Fri 2026-12-25 10:00" in Brussels time. */
export function formatWallClock(at: Date): string {
  const w = wallClockOf(at);
  return `${WEEKDAYS[w.weekday]} ${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
}

/** "Fri 2026-12-25" */
export function formatDay(at: Date): string {
  return formatWallClock(at).slice(0, 14);
}

/** "2026-12-25T10:00:00+01:00": ISO 8601 with the Brussels offset of that instant. */
export function isoBrussels(at: Date): string {
  const w = wallClockOf(at);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${formatOffset(w.offset)}`;
}

export interface ParsedTime {
  at: Date;
  /** Set when the wall-clock time happens twice (the night summer time ends). */
  note?: string;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * A Brussels wall-clock time ("2026-12-25T10:00", "2026-12-25 10:00", "2026-12-25" = midnight)
 * to the instant it names. A time that does not exist (the hour skipped when summer time
 * starts) is an error; one that happens twice (when it ends) is the first, in summer time,
 * with a note. An explicit offset ("...+01:00" or "...Z") is taken as it is.
 */
export function parseWallClock(text: string): ParsedTime {
  const s = text.trim();
  if (WITH_OFFSET.test(s)) {
    const at = new Date(s);
    if (Number.isNaN(at.getTime())) throw new Error(`"${text}" is not a valid date and time`);
    return { at };
  }
  const m = WALL.exec(s);
  if (!m) throw new Error(`"${text}" is not a Brussels date and time such as 2026-12-25T10:00`);
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(
    Number,
  ) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day)
    throw new Error(`"${text}": no such date`);
  if (hour > 23 || minute > 59 || second > 59) throw new Error(`"${text}": no such time of day`);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // The offsets in force around that day (a day before and after cover any change).
  const offsets = new Set([
    wallClockOf(new Date(asUtc - 86_400_000)).offset,
    wallClockOf(new Date(asUtc + 86_400_000)).offset,
  ]);
  const candidates = [...offsets]
    .map((o) => new Date(asUtc - o * 60_000))
    .filter((d) => {
      const w = wallClockOf(d);
      return (
        w.year === year &&
        w.month === month &&
        w.day === day &&
        w.hour === hour &&
        w.minute === minute &&
        w.second === second
      );
    })
    .sort((a, b) => a.getTime() - b.getTime());
  const first = candidates[0];
  if (!first) {
    throw new Error(`"${text}" does not exist in Brussels: the clocks skip that hour when summer time starts`);
  }
  if (candidates.length > 1) {
    return {
      at: first,
      note: `${s} happens twice in Brussels (the clocks go back when summer time ends): using the first, ${isoBrussels(first)}`,
    };
  }
  return { at: first };
}

/** The instant a Brussels calendar date ("2026-12-21") starts. */
export function startOfDay(date: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`"${date}" is not a date such as 2026-12-21`);
  return parseWallClock(`${date}T00:00`).at;
}

/** Calendar arithmetic on Brussels dates: "2026-12-21" + 14 = "2027-01-04". */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** "3 d 16 h", "8 h", "45 min": real elapsed time (a summer-time change day has 23 or 25 hours). */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const min = minutes % 60;
  const out = [d ? `${d} d` : '', h ? `${h} h` : '', min ? `${min} min` : ''].filter(Boolean);
  return out.length ? out.join(' ') : '0 min';
}
