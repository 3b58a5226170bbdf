/**
 * The one model of Belgian time: Brussels wall-clock times parsed and formatted for the data
 * (the directory's closures and openings, extra holidays) and the terminal tools alike. Computed
 * with Intl in Europe/Brussels, so it never depends on the process time zone.
 *
 * The policy for the two nights the clocks change (docs/architecture.md, "Belgian time"):
 * - spring forward: a time in the skipped hour (02:00-02:59 on the last Sunday of March) does
 *   not exist and is refused, with the fix: write 03:00;
 * - autumn back: a time in the repeated hour (02:00-02:59 on the last Sunday of October) is the
 *   first of the two, still in summer time (+02:00), with a note saying so; an explicit offset
 *   ("...T02:30+01:00") chooses the second.
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

/** Why a wall-clock time was refused; `code` says which rule (the data's problems use it). */
export class WallClockError extends Error {
  constructor(
    message: string,
    readonly kind: 'syntax' | 'no-such-date' | 'no-such-time' | 'skipped',
  ) {
    super(message);
  }
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * A Brussels wall-clock time ("2026-12-25T10:00", "2026-12-25 10:00", "2026-12-25" = midnight)
 * to the instant it names, by the policy above. "24:00" is the end of that day. With
 * `endOfDay`, a date alone is the end of that day (so a closure { from: D, to: D } is the whole
 * day). An explicit offset ("...+01:00" or "...Z") is taken as it is. Throws a WallClockError.
 */
export function parseWallClock(text: string, options: { endOfDay?: boolean } = {}): ParsedTime {
  const s = text.trim();
  if (WITH_OFFSET.test(s)) {
    const at = new Date(s);
    if (Number.isNaN(at.getTime())) throw new WallClockError(`"${text}" is not a valid date and time`, 'syntax');
    return { at };
  }
  const m = WALL.exec(s);
  if (!m) throw new WallClockError(`"${text}" is not a Brussels date and time such as 2026-12-25T10:00`, 'syntax');
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(
    Number,
  ) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day)
    throw new WallClockError(`"${text}": no such date`, 'no-such-date');
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  // The end of a day is the start of the next (which may itself be shifted by no change: days
  // start at 00:00 in Brussels all year).
  if ((m[4] === undefined && options.endOfDay) || (hour === 24 && minute === 0 && second === 0))
    return parseWallClock(`${addDays(date, 1)}T00:00`);
  if (hour > 23 || minute > 59 || second > 59)
    throw new WallClockError(`"${text}": no such time of day`, 'no-such-time');
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
    throw new WallClockError(
      `"${text}" does not exist in Brussels: the clocks skip from 02:00 to 03:00 that night when summer time starts; write 03:00`,
      'skipped',
    );
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

/** Whole days between two instants' Brussels calendar dates (0 = same day, 1 = tomorrow). */
export function calendarDaysBetween(a: Date, b: Date): number {
  const da = wallClockOf(a);
  const db = wallClockOf(b);
  return Math.round((Date.UTC(db.year, db.month - 1, db.day) - Date.UTC(da.year, da.month - 1, da.day)) / 86_400_000);
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
