/**
 * When a person last confirmed each service's number and hours (the directory's `verified`),
 * and which services that leaves unconfirmed. Read by the loader (a date must be real and not
 * in the future), by `npm run preflight`, and by the server's warning at start. Pure: the
 * clock is passed in. No phone number in what it returns, so its messages can be logged.
 */
import type { Config, Service } from '../config/types.js';
import { dateOf } from './brussels.js';

const DAY_MS = 86_400_000;

/** The Belgian calendar date of an instant, "2026-11-30". */
export function brusselsDate(now: Date): string {
  return dateOf(now);
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
  if (day > dayNumber(today)!)
    return `"${date}" is in the future (today is ${today}): write the day the number was confirmed`;
  return undefined;
}

export type VerificationState =
  /** No `verified` in the directory. */
  | { status: 'never' }
  /** Verified longer ago than settings.verify_max_age_days. */
  | { status: 'stale'; date: string; ageDays: number; maxAgeDays: number }
  | { status: 'current'; date: string; ageDays: number; maxAgeDays: number };

export function verificationOf(service: Pick<Service, 'verified'>, maxAgeDays: number, now: Date): VerificationState {
  if (!service.verified) return { status: 'never' };
  const { date } = service.verified;
  const ageDays = dayNumber(brusselsDate(now))! - (dayNumber(date) ?? Number.NEGATIVE_INFINITY);
  return { status: ageDays > maxAgeDays ? 'stale' : 'current', date, ageDays, maxAgeDays };
}

export interface Unverified {
  id: string;
  state: Exclude<VerificationState, { status: 'current' }>;
  /** The hours come from public pages, not the source document: unconfirmed until verified. */
  secondaryHours: boolean;
}

/** The services whose number and hours no person has confirmed, or not recently enough, in directory order. */
export function unverifiedServices(config: Pick<Config, 'services' | 'settings'>, now: Date): Unverified[] {
  const out: Unverified[] = [];
  for (const s of Object.values(config.services)) {
    const state = verificationOf(s, config.settings.verifyMaxAgeDays, now);
    if (state.status !== 'current') out.push({ id: s.id, state, secondaryHours: s.hoursSource === 'secondary' });
  }
  return out;
}

/** The server's one warning at start (in production) about numbers never verified; undefined when every service was. Ids only. */
export function neverVerifiedWarning(config: Pick<Config, 'services' | 'settings'>, now: Date): string | undefined {
  const never = unverifiedServices(config, now).filter((u) => u.state.status === 'never');
  if (never.length === 0) return undefined;
  return `${never.length} service number(s) never verified by a person: ${never.map((u) => u.id).join(', ')}. Test-call them and record "verified" in the directory (npm run preflight lists what is left; docs/preflight.md).`;
}
