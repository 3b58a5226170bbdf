/**
 * `npm run hours -- --from 2026-12-21 --days 14`: per service, when it is open and closed in
 * that span (Brussels time, public holidays named, summer-time changes shown), and for every
 * closed stretch what a caller who picks it is offered and hears, in every language of the
 * line. The audit itself is computed in ./hours-audit.ts; this file prints it, as lines or JSON.
 */
import { loadLineConfig, UsageError, parseOptions } from './common.js';
import { type Audit, auditHours, type Holiday, type OfferIn } from './hours-audit.js';
import {
  dateOf,
  formatDay,
  formatDuration,
  formatOffset,
  formatWallClock,
  isoBrussels,
  startOfDay,
} from '../time/brussels.js';

const holidayText = (h: Holiday) =>
  `${formatDay(h.start)} ${h.name}${h.services ? ` (the directory's: ${h.services.join(', ')})` : ''}`;

/** The audit as lines a person reads; each line starts with what it is (HOURS, HOLIDAY, TIMECHANGE, NOBODY, SERVICE, OPEN, CLOSED, OFFER, SAID). */
export function formatAudit(a: Audit): string[] {
  const out: string[] = [];
  out.push(
    `HOURS ${formatWallClock(a.from)} → ${formatWallClock(a.to)} ${a.timeZone} (${a.days} day${a.days === 1 ? '' : 's'})`,
  );
  for (const h of a.holidays) out.push(`HOLIDAY ${holidayText(h)}`);
  for (const c of a.timeChanges) {
    out.push(
      `TIMECHANGE ${formatDay(c.at)} ${c.before} → ${c.after} (UTC${formatOffset(c.fromOffset)} → UTC${formatOffset(c.toOffset)}, ${c.toOffset > c.fromOffset ? 'summer time starts' : 'summer time ends'})`,
    );
  }
  for (const d of a.nobodyToReach)
    out.push(
      `NOBODY ${formatDay(startOfDay(d))} no safety-net service is open: a caller who does not choose reaches nobody (open one: docs/configuration.md)`,
    );
  for (const s of a.services) {
    out.push('');
    const names = [...new Set(Object.values(s.names))].join(' / ');
    out.push(
      `SERVICE ${s.id} · ${names} · ${s.connect === 'say' ? 'says the number' : 'dials'} ${s.dial} · hours "${s.hours}" · ${s.keys ? `keys ${s.keys.join(' ')} after the language choice` : 'no menu option transfers to it'}`,
    );
    for (const p of s.periods) {
      const whole =
        p.from.getTime() === a.from.getTime() && p.to.getTime() === a.to.getTime() ? ' · the whole span' : '';
      const hol = p.holidays.length
        ? ` · ${p.open ? 'open on' : 'includes'} ${p.holidays.map(holidayText).join(', ')}`
        : '';
      out.push(
        `  ${p.open ? 'OPEN  ' : 'CLOSED'} ${formatWallClock(p.from)} → ${formatWallClock(p.to)} (${formatDuration(p.to.getTime() - p.from.getTime())})${whole}${hol}`,
      );
      for (const o of p.offers) {
        const when = p.offers.length > 1 ? `from ${formatWallClock(o.from)}: ` : '';
        const what = (l: OfferIn) =>
          l.services.length
            ? l.services.map((x) => `${x.key} ${x.service}`).join(', ')
            : 'nothing open: the emergency numbers, a number to call back, and the call ends';
        // One OFFER line when every language is offered the same; else one per language.
        const each =
          new Set(o.langs.map(what)).size === 1
            ? [{ tag: '', text: what(o.langs[0]!) }]
            : o.langs.map((l) => ({ tag: `[${l.language}] `, text: what(l) }));
        for (const e of each) out.push(`    OFFER ${when}${e.tag}${e.text}`);
        for (const l of o.langs) out.push(`    SAID [${l.language}] ${l.said}`);
      }
      if (!p.open && !s.keys)
        out.push('    (callers reach it only as an alternative, which is offered only while it is open)');
    }
  }
  return out;
}

/** The audit as JSON: instants as ISO 8601 with their Brussels offset. */
export function auditToJson(a: Audit): unknown {
  return JSON.parse(
    JSON.stringify(a, function (this: Record<string, unknown>, key: string, value: unknown) {
      const raw = this[key];
      return raw instanceof Date ? isoBrussels(raw) : value;
    }),
  );
}

export const USAGE = `Usage: npm run hours -- [--from 2026-12-21] [--days 14] [--service ID]... [--json]

Per service, when it is open and closed (Brussels time, public holidays named), and what a
caller who picks it while closed is offered and hears. Reads the line's data (HELPLINE_CONFIG,
HELPLINE_MENUS, HELPLINE_PROMPTS if set, else the built-in files).
  --from DATE    first day, Brussels calendar date (default: today)
  --days N       number of days, 1 to 366 (default 14)
  --service ID   only this service (repeat for more)
  --json         the audit as one JSON document`;

export interface HoursIO {
  out(line: string): void;
  err(text: string): void;
}

/** `npm run hours`; resolves with the exit status. */
export async function hoursCli(argv: string[], io: HoursIO, now: Date = new Date()): Promise<number> {
  const values = parseOptions(
    argv,
    {
      from: { type: 'string' },
      days: { type: 'string', default: '14' },
      service: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
    USAGE,
    (usage) => io.out(usage),
  );
  if (!values) return 0;
  const from = values.from ?? dateOf(now);
  try {
    startOfDay(from);
  } catch (err) {
    throw new UsageError(`--from: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!/^\d+$/.test(values.days)) throw new UsageError(`--days: "${values.days}" is not a number of days`);
  const audit = auditHours({ config: loadLineConfig(), from, days: Number(values.days), services: values.service });
  if (values.json) io.out(JSON.stringify(auditToJson(audit), null, 2));
  else for (const line of formatAudit(audit)) io.out(line);
  return 0;
}
