/**
 * Nobody-to-reach days: the stretches when none of the safety net's services is open (each
 * closed by a closure, a holiday or its hours at once), and the Brussels dates they touch.
 * Found ahead, so the operator can open one before a caller meets an empty line. Pure.
 */
import { addDays, dateOf } from './brussels.js';
import type { Config, Service } from '../config/types.js';
import type { Hours } from './hours.js';

export interface Gap {
  from: Date;
  to: Date;
}

/** When none of these hours is open, between `from` and `to`. */
export function gapsBetween(hours: readonly Hours[], from: Date, to: Date): Gap[] {
  const open = hours
    .flatMap((h) => h.intervals(from, to))
    .map((i) => [i.from.getTime(), i.to.getTime()] as const)
    .sort((a, b) => a[0] - b[0]);
  const gaps: Gap[] = [];
  let covered = from.getTime();
  for (const [f, t] of open) {
    if (f > covered) gaps.push({ from: new Date(covered), to: new Date(f) });
    covered = Math.max(covered, t);
  }
  if (covered < to.getTime()) gaps.push({ from: new Date(covered), to });
  return gaps;
}

/** The Brussels dates ("2027-01-05") a gap touches, in order, each once. */
export function gapDates(gaps: readonly Gap[]): string[] {
  const out = new Set<string>();
  for (const g of gaps) {
    const last = dateOf(new Date(g.to.getTime() - 1));
    for (let d = dateOf(g.from); d <= last; d = addDays(d, 1)) out.add(d);
  }
  return [...out];
}

/** The next year from `now`: how far ahead the start, a reload and the preflight look. */
export const LOOK_AHEAD_DAYS = 365;

/** The dates within the next year when none of these hours is open. */
export function nobodyToReachDates(hours: readonly Hours[], now: Date): string[] {
  return gapDates(gapsBetween(hours, now, new Date(now.getTime() + LOOK_AHEAD_DAYS * 86_400_000)));
}

/** The safety net's services the line can put a caller through to (groups opened up). */
export function safetyNetHours(config: Pick<Config, 'flow' | 'services'>): Hours[] {
  const ids = config.flow.safetyNet.flatMap((t) =>
    t.type === 'group' ? (config.flow.groups[t.group]?.order ?? []) : [t.service],
  );
  return [...new Set(ids)]
    .map((id) => config.services[id])
    .filter((s): s is Service => s !== undefined && s.connect === 'transfer')
    .map((s) => s.hours);
}
