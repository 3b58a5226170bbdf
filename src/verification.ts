/**
 * When a person last confirmed each service's number and hours (the directory's `verified`),
 * and which services that leaves unconfirmed. Read by the loader (a date must be real and not
 * in the future), by `npm run preflight`, and by the server's warning at start. Pure: the
 * clock is passed in. No phone number in what it returns, so its messages can be logged.
 */
import { TIME_ZONE } from './constants.js';

const DAY_MS = 86_400_000;
const brusselsDay = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Belgian calendar date of an instant, "2026-11-30". */
export function brusselsDate(now: Date): string {
  const parts = brusselsDay.formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Days since 1970-01-01 of a "YYYY-MM-DD" that exists in the calendar; undefined otherwise. */
export function dayNumber(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return t / DAY_MS;
}

/** Why a `verified` date cannot be used, or undefined when it can (the loader's check). */
export function verifiedDateProblem(date: string, now: Date): string | undefined {
  const day = dayNumber(date);
  if (day === undefined) return `"${date}" is not a date that exists: write it as "2026-11-30" (quoted)`;
  const today = brusselsDate(now);
  if (day > dayNumber(today)!) return `"${date}" is in the future (today is ${today}): write the day the number was confirmed`;
  return undefined;
}
