/**
 * The hours audit as data: per service, when it is open and closed in a span of Brussels days
 * (public holidays named, summer-time changes found), and for every closed stretch what a caller
 * who picks it is offered and hears, in every language of the line (the offers can differ: a
 * language may try its own centre first). It reads the same directory and menus as the line,
 * evaluates the same Hours objects, and asks the line's own engine for the offer, walking the
 * menu path to the service at that instant. `npm run hours` (./hours.ts) prints it.
 */
import type { Config, ConnectMode, Lang } from '../config/types.js';
import { ALTERNATIVES_MENU, Engine } from '../engine/index.js';
import { Hours } from '../time/hours.js';
import { holidayDates } from '../time/holidays.js';
import { gapDates, gapsBetween, safetyNetHours } from '../time/coverage.js';
import { UsageError } from './common.js';
import { servicePaths, spoken, walk } from './menu-paths.js';
import { addDays, isoBrussels, parseWallClock, startOfDay, TIME_ZONE, wallClockOf } from '../time/brussels.js';

export interface Holiday {
  date: string;
  /** The instant the day starts. */
  start: Date;
  end: Date;
  /** The opening_hours library's name, e.g. "Kerstmis - Noël"; "extra holiday" for the directory's own. */
  name: string;
  /** An extra holiday of the directory (settings.holidays, a service's holidays): the services it closes. */
  services?: string[] | undefined;
}

export interface TimeChange {
  at: Date;
  /** Wall-clock time just before and from the change: "02:00" → "03:00". */
  before: string;
  after: string;
  fromOffset: number;
  toOffset: number;
}

export interface Offer {
  from: Date;
  to: Date;
  /** Per language of the line, in the menus' order, as the line says it at `from`. */
  langs: OfferIn[];
}

/** What a caller of one language is offered and hears. */
export interface OfferIn {
  lang: Lang;
  /** The voice's language code, e.g. "fr-BE". */
  language: string;
  /** The services said, in the order said, each on its key; empty: nothing open, the call ends
   * with the emergency numbers and a number to call back. */
  services: Array<{ key: string; service: string }>;
  /** About the closed service (closed, why, when it reopens), or the ending's number to call back. */
  said: string;
}

export interface Period {
  open: boolean;
  from: Date;
  to: Date;
  holidays: Holiday[];
  /** Closed periods of a service the menus transfer to: the offer, per stretch where it stays the same. */
  offers: Offer[];
}

export interface ServiceAudit {
  id: string;
  names: Record<Lang, string>;
  dial: string;
  /** transfer: the line dials it; say: the line says its number (one Twilio cannot dial). */
  connect: ConnectMode;
  hours: string;
  /** Keys after the language choice; undefined when no menu option transfers to it. */
  keys: string[] | undefined;
  periods: Period[];
}

export interface Audit {
  from: Date;
  to: Date;
  days: number;
  timeZone: string;
  holidays: Holiday[];
  timeChanges: TimeChange[];
  /** Days in the span when no safety-net service is open: a caller who does not choose reaches nobody. */
  nobodyToReach: string[];
  services: ServiceAudit[];
}

export interface AuditOptions {
  config: Config;
  /** First Brussels calendar day, "2026-12-21". */
  from: string;
  days: number;
  /** Only these services (ids); default all. */
  services?: string[] | undefined;
}

const hhmm = (t: number) => {
  const d = new Date(t);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
};

function holidaysIn(config: Config, from: string, days: number): Holiday[] {
  const probe = new Hours('PH', config.settings.holidaysCountry);
  const out: Holiday[] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(from, i);
    const noon = parseWallClock(`${date}T12:00`).at;
    if (probe.isOpen(noon))
      out.push({
        date,
        start: startOfDay(date),
        end: startOfDay(addDays(date, 1)),
        name: probe.comment(noon) ?? 'public holiday',
      });
  }
  // The directory's extra holidays, with the services each closes.
  const last = addDays(from, days - 1);
  const extra = new Map<string, string[]>();
  for (const s of Object.values(config.services)) {
    for (const date of holidayDates(s.holidays, startOfDay(from)))
      if (date >= from && date <= last) extra.set(date, [...(extra.get(date) ?? []), s.id]);
  }
  for (const [date, services] of extra)
    out.push({ date, start: startOfDay(date), end: startOfDay(addDays(date, 1)), name: 'extra holiday', services });
  return out.sort((a, b) => a.start.getTime() - b.start.getTime());
}

function timeChangesIn(from: string, days: number): TimeChange[] {
  const out: TimeChange[] = [];
  for (let i = 0; i < days; i++) {
    let lo = startOfDay(addDays(from, i)).getTime();
    let hi = startOfDay(addDays(from, i + 1)).getTime();
    const fromOffset = wallClockOf(new Date(lo)).offset;
    const toOffset = wallClockOf(new Date(hi)).offset;
    if (fromOffset === toOffset) continue;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (wallClockOf(new Date(mid)).offset === fromOffset) lo = mid;
      else hi = mid;
    }
    out.push({
      at: new Date(hi),
      before: hhmm(hi + fromOffset * 60_000),
      after: hhmm(hi + toOffset * 60_000),
      fromOffset,
      toOffset,
    });
  }
  return out;
}

/** The audit itself, as data. */
export function auditHours(opts: AuditOptions): Audit {
  const { config } = opts;
  if (!Number.isInteger(opts.days) || opts.days < 1 || opts.days > 366)
    throw new UsageError(`--days: ${opts.days} is not a number of days from 1 to 366`);
  const from = startOfDay(opts.from);
  const to = startOfDay(addDays(opts.from, opts.days));
  const ids = opts.services ?? Object.keys(config.services);
  for (const id of ids) {
    if (!config.services[id])
      throw new UsageError(
        `--service: no service "${id}" in the directory (it has: ${Object.keys(config.services).join(', ')})`,
      );
  }
  const holidays = holidaysIn(config, opts.from, opts.days);
  const paths = servicePaths(config);
  const engine = new Engine(config);

  // Every instant some service opens or closes: the offer of the services open can change there.
  const open = new Map(Object.values(config.services).map((s) => [s.id, s.hours.intervals(from, to)]));
  const changes = [
    ...new Set([...open.values()].flatMap((list) => list.flatMap((i) => [i.from.getTime(), i.to.getTime()]))),
  ].sort((a, b) => a - b);

  /** The service an offer's key stands for, named `name` in `lang` (a group's key: one of its services). */
  function offered(lang: Lang, key: string, name: string | undefined): string {
    const target = config.flow.offers.find((o) => o.key === key)?.target;
    const ids = !target
      ? []
      : target.type === 'service'
        ? [target.service]
        : (config.flow.groups[target.group]?.byLang[lang] ?? config.flow.groups[target.group]?.order ?? []);
    return ids.find((id) => config.services[id]?.name[lang] === name) ?? name ?? '?';
  }

  /** What the line answers a caller who chooses `id` at `at`, in every language, walking its menu path. */
  function offerAt(id: string, keys: string[], at: Date): OfferIn[] {
    return config.languages.map((lang) => {
      const step = walk(config, engine, lang, keys, at).at(-1)!.step;
      if (step.kind === 'dial')
        throw new Error(
          `the line puts a caller through to ${step.service.id} at ${isoBrussels(at)}, when ${id}'s hours say it is closed`,
        );
      // Closed, why (closed-after-hours, ..., or a reason- prompt), when it reopens; at the end, the number to call back.
      const notice = step.say.filter((s) => s.key === 'none-open' || /^(closed|reason-|reopens|callback)/.test(s.key));
      const services =
        step.kind === 'gather' && step.state.menu === ALTERNATIVES_MENU
          ? step.say
              .filter((s) => s.key === 'opt-service')
              .map((s) => ({ key: s.vars?.key ?? '?', service: offered(lang, s.vars?.key ?? '?', s.vars?.name) }))
          : [];
      return {
        lang,
        language: config.prompts[lang]!.language,
        services,
        said: notice.map((s) => spoken(config, s)).join(' '),
      };
    });
  }

  const services: ServiceAudit[] = ids.map((id) => {
    const service = config.services[id]!;
    const keys = paths.get(id)?.keys;
    // Open intervals, merged where they touch; the gaps between them are closed.
    const merged: Array<{ from: Date; to: Date }> = [];
    for (const i of open.get(id) ?? []) {
      const last = merged.at(-1);
      if (last && last.to.getTime() >= i.from.getTime()) last.to = i.to;
      else merged.push({ from: i.from, to: i.to });
    }
    const spans: Array<{ open: boolean; from: Date; to: Date }> = [];
    let cursor = from;
    for (const i of merged) {
      if (i.from > cursor) spans.push({ open: false, from: cursor, to: i.from });
      spans.push({ open: true, from: i.from, to: i.to });
      cursor = i.to;
    }
    if (cursor < to) spans.push({ open: false, from: cursor, to });

    const periods = spans.map((span): Period => {
      const period: Period = {
        ...span,
        holidays: holidays.filter(
          (h) => h.start < span.to && h.end > span.from && (!h.services || h.services.includes(id)),
        ),
        offers: [],
      };
      if (span.open || !keys) return period;
      const cuts = [
        span.from.getTime(),
        ...changes.filter((c) => c > span.from.getTime() && c < span.to.getTime()),
        span.to.getTime(),
      ];
      for (let i = 0; i + 1 < cuts.length; i++) {
        const at = new Date(cuts[i]!);
        const langs = offerAt(id, keys, at);
        const last = period.offers.at(-1);
        const same = (o: OfferIn[]) => JSON.stringify(o.map((x) => x.services));
        if (last && same(last.langs) === same(langs)) last.to = new Date(cuts[i + 1]!);
        else period.offers.push({ from: at, to: new Date(cuts[i + 1]!), langs });
      }
      return period;
    });
    return {
      id,
      names: service.name,
      dial: service.dial,
      connect: service.connect,
      hours: service.hours.expression,
      keys,
      periods,
    };
  });

  return {
    from,
    to,
    days: opts.days,
    timeZone: TIME_ZONE,
    holidays,
    timeChanges: timeChangesIn(opts.from, opts.days),
    nobodyToReach: gapDates(gapsBetween(safetyNetHours(config), from, to)),
    services,
  };
}
