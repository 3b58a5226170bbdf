/**
 * The service directory: each service's number, names, weekly hours, and the operator's
 * temporary closures and openings. Each problem is noted with its file and path.
 */
import { E164 } from './constants.js';
import { holidayOverrides, readHolidays, type Holiday } from '../time/holidays.js';
import { Hours, hoursComments, knowsHolidays, readLocalTime, REASON_PREFIX, type Override } from '../time/hours.js';
import { hoursSyntaxProblem, isReordering } from './hours-help.js';
import { REASON_VARS, SERVICE_VARS, type PromptUse } from './prompts.js';
import { verifiedDateProblem } from '../time/verification.js';
import { reporter, type Problems } from './problems.js';
import type { DirectoryData, ServiceData } from './schema.js';
import type { DialKind, DirectorySettings, Lang, Service } from './types.js';

const SHORT = /^[1-9]\d{2,5}$/;
const SIP = /^sips?:[^\s<>"]+@[^\s<>"]+$/;

function dialKind(dial: string): DialKind | undefined {
  if (E164.test(dial)) return 'e164';
  if (SHORT.test(dial)) return 'short';
  if (SIP.test(dial)) return 'sip';
  return undefined;
}

export interface DirectoryInput {
  data: DirectoryData;
  file: string;
  /** The languages the line speaks (from the menus). */
  languages: Lang[];
  /** False when the menus or a prompts file could not be read: the names given in languages
   * the line does not speak are then not reported (the directory's other checks still run). */
  languagesKnown: boolean;
  /** The line's default language (menus.yaml): the staff language of a service that names none. */
  defaultLanguage?: Lang | undefined;
  now: Date;
  problems: Problems;
}

export interface DirectoryResult {
  /** The services without problems. */
  services: Record<string, Service>;
  /** The prompts the directory names (intros, failures, reasons of closures). */
  promptUses: PromptUse[];
}

interface Context extends DirectoryInput {
  report: ReturnType<typeof reporter>;
  /** settings.holidays, for every service whose hours say "PH off". */
  commonHolidays: Holiday[];
  /** Services with the same hours share one parsed Hours (the rules and the answers it keeps
   * until the next change): parsing is the slow part of checking the directory. */
  sharedHours: Map<string, Hours>;
  reasons: PromptUse[];
  /** False when settings.holidays_country is one the library refuses (reported there, once). */
  countryKnown: boolean;
}

/** Checks every service; each problem is noted, and the services without one are returned. */
export function checkDirectory(input: DirectoryInput): DirectoryResult {
  const report = reporter(input.problems, input.file);
  const commonHolidays = readHolidays(input.data.settings.holidays, 'settings.holidays', report) ?? [];
  const country = input.data.settings.holidays_country;
  const countryKnown = knowsHolidays(country);
  if (!countryKnown)
    report.error(
      'HL_ERR_HOLIDAYS_COUNTRY',
      'settings.holidays_country',
      `"${country}": the opening_hours library has no public holidays ("PH") for this country: write the two-letter code of a country it knows, e.g. "be"`,
    );
  const ctx: Context = { ...input, report, commonHolidays, countryKnown, sharedHours: new Map(), reasons: [] };
  const services: Record<string, Service> = {};
  for (const [id, s] of Object.entries(input.data.services)) {
    const service = readService(ctx, id, s);
    if (service) services[id] = service;
  }
  return { services, promptUses: [...servicePromptUses(input), ...ctx.reasons] };
}

/** The directory's settings, with the deployment's own number (HOTLINE_NUMBER) first. */
export function directorySettings(data: DirectoryData, hotlineNumber?: string): DirectorySettings {
  return {
    holidaysCountry: data.settings.holidays_country,
    dialTimeout: data.settings.dial_timeout,
    ringTone: data.settings.ring_tone,
    hotlineNumber: hotlineNumber || data.settings.hotline_number || undefined,
    verifyMaxAgeDays: data.settings.verify_max_age_days,
    holidays: data.settings.holidays,
    whisperTimeout: data.settings.whisper_timeout,
  };
}

function readService(ctx: Context, id: string, s: ServiceData): Service | undefined {
  const at = `services.${id}`;
  const kind = checkDial(ctx, at, s.dial, s.connect);
  const verified = readVerified(ctx, at, s);
  checkNames(ctx, at, s.name);
  const own = readHolidays(s.holidays, `${at}.holidays`, ctx.report);
  const overrides = readOverrides(ctx, at, s);
  const holidays = [...(PH_OFF.test(s.hours) ? ctx.commonHolidays : []), ...(own ?? [])];
  const hours = overrides && readHours(ctx, at, s, [...overrides, ...holidayOverrides(holidays, ctx.now)]);
  collectReasons(ctx, at, s);
  const staffLanguage = readStaffLanguage(ctx, at, s);
  if (!kind || !hours || !overrides || !own || verified === null || !staffLanguage) return undefined;
  return {
    id,
    name: s.name,
    dial: s.dial,
    dialKind: kind,
    hours,
    callerId: s.caller_id,
    dialTimeout: s.dial_timeout ?? ctx.data.settings.dial_timeout,
    intro: s.intro,
    onFailure: s.on_failure,
    source: s.source,
    check: s.check,
    connect: s.connect,
    hoursSource: s.hours_source,
    verified,
    holidays,
    staffLanguage,
    whisper: s.connect === 'say' ? 'none' : (s.whisper ?? 'announce'),
  };
}

/** Hours that close on public holidays: the extra holidays of settings.holidays apply to them. */
const PH_OFF = /\bPH\s+off\b/;

/** The language the service's staff hear the whisper in: one of the line's, default the line's
 * default language. A service whose number is only said has no whisper to set. */
function readStaffLanguage(ctx: Context, at: string, s: ServiceData): Lang | undefined {
  const { languages, languagesKnown, report } = ctx;
  if (s.connect === 'say' && s.whisper !== undefined)
    report.error(
      'HL_ERR_WHISPER_SAY',
      `${at}.whisper`,
      "the line says this service's number (connect: say) and never dials it, so nobody answers to hear a whisper: remove whisper, or set connect: transfer",
    );
  const lang = s.staff_language ?? ctx.defaultLanguage ?? languages[0] ?? '';
  if (languagesKnown && s.staff_language !== undefined && !languages.includes(s.staff_language)) {
    report.error(
      'HL_ERR_STAFF_LANGUAGE',
      `${at}.staff_language`,
      `"${s.staff_language}" is not a language of the line (${languages.join(', ')}): the whisper is said in one of them`,
    );
    return undefined;
  }
  return lang || undefined;
}

/** A real date, not in the future; null when it is wrong (reported). */
function readVerified({ now, report }: Context, at: string, s: ServiceData): Service['verified'] | null {
  if (s.verified === undefined) {
    if (s.verified_note !== undefined)
      report.warn(
        'HL_WARN_VERIFIED_NOTE',
        `${at}.verified_note`,
        'a note without a date: set verified: "YYYY-MM-DD" too',
      );
    return undefined;
  }
  const problem = verifiedDateProblem(s.verified, now);
  if (problem) {
    report.error('HL_ERR_VERIFIED_DATE', `${at}.verified`, problem);
    return null;
  }
  return s.verified_note === undefined ? { date: s.verified } : { date: s.verified, note: s.verified_note };
}

function checkDial(
  { report }: Context,
  at: string,
  dial: string,
  connect: ServiceData['connect'],
): DialKind | undefined {
  const kind = dialKind(dial);
  if (!kind) {
    report.error(
      'HL_ERR_DIAL',
      `${at}.dial`,
      `"${dial}" is not an E.164 number (+32...), a short number (e.g. 1712) or a SIP URI (sip:user@host): write it as "+3225551234", with the country code and no spaces`,
    );
  } else if (kind === 'short' && connect === 'transfer') {
    report.warn(
      'HL_WARN_SHORT_NUMBER',
      `${at}.dial`,
      `${dial} is a short number: Twilio may not reach it; test-call it or set a number or SIP URI your carrier reaches`,
    );
  }
  return kind;
}

/** A name in every language the line speaks, and in no other. */
function checkNames({ languages, languagesKnown, report }: Context, at: string, name: Record<Lang, string>): void {
  for (const lang of languages) {
    if (!name[lang])
      report.error(
        'HL_ERR_NAME_MISSING',
        `${at}.name.${lang}`,
        `missing (the line speaks ${languages.join(', ')}): add the service's name in ${lang}`,
      );
  }
  for (const lang of languagesKnown ? Object.keys(name) : []) {
    if (!languages.includes(lang))
      report.error(
        'HL_ERR_NAME_LANGUAGE',
        `${at}.name.${lang}`,
        `"${lang}" is not a language of the language menu: remove it, or add the language to the menus`,
      );
  }
}

/** The service's Hours, or undefined when its hours are not valid syntax. */
function readHours(ctx: Context, at: string, s: ServiceData, overrides: Override[]): Hours | undefined {
  const { report, now } = ctx;
  let hours: Hours | undefined;
  let refused: unknown;
  try {
    hours = parseHours(ctx, s.hours, overrides);
  } catch (err) {
    refused = err;
  }
  const warnings = hours?.warnings() ?? [];
  // Parsed once when they read as written; explained when the library refused them or had to
  // reorder a rule (before they are ever evaluated: such hours can take minutes).
  const problem = hours && !warnings.some(isReordering) ? undefined : hoursSyntaxProblem(s.hours);
  if (problem || !hours) {
    // Hours that read as written, refused for the country's holidays: said once, at the country.
    if (problem || ctx.countryKnown)
      report.error('HL_ERR_HOURS_SYNTAX', `${at}.hours`, problem ?? `"${s.hours}": ${String(refused)}`);
    return undefined;
  }
  for (const w of warnings) report.warn('HL_WARN_HOURS', `${at}.hours`, w);
  if (!hours.isOpen(now) && hours.state(now).nextChange === undefined) {
    report.warn(
      'HL_WARN_NEVER_OPEN',
      `${at}.hours`,
      `"${s.hours}" is never open from now on: callers who choose it hear that it is closed until further notice and are offered the services open now`,
    );
  }
  return hours;
}

function parseHours(ctx: Context, rules: string, overrides: Override[]): Hours {
  const country = ctx.data.settings.holidays_country;
  // A service with closures, openings or extra holidays has hours of its own.
  if (overrides.length > 0) return new Hours(rules, country, overrides);
  let hours = ctx.sharedHours.get(rules);
  if (!hours) {
    hours = new Hours(rules, country);
    ctx.sharedHours.set(rules, hours);
  }
  return hours;
}

/** The reasons of closures said to callers: a comment in the hours ("... off \"reason-training\"")
 * or a closure's `reason`. */
function collectReasons({ reasons, report, file }: Context, at: string, s: ServiceData): void {
  for (const comment of hoursComments(s.hours)) {
    if (comment.startsWith(REASON_PREFIX))
      reasons.push({ key: comment, vars: REASON_VARS, place: `${file}: ${at}.hours` });
    else
      report.warn(
        'HL_WARN_HOURS_COMMENT',
        `${at}.hours`,
        `the comment "${comment}" is not a reason prompt key (reason-...): callers are not told it`,
      );
  }
  s.closures.forEach((c, i) => {
    if (c.reason) reasons.push({ key: c.reason, vars: REASON_VARS, place: `${file}: ${at}.closures[${i}].reason` });
  });
}

function servicePromptUses({ data, file }: DirectoryInput): PromptUse[] {
  return Object.entries(data.services).flatMap(([id, s]) => [
    ...(s.intro ? [{ key: s.intro, vars: SERVICE_VARS, place: `${file}: services.${id}.intro` }] : []),
    ...(s.on_failure ? [{ key: s.on_failure, vars: SERVICE_VARS, place: `${file}: services.${id}.on_failure` }] : []),
  ]);
}

type Span = { from: string; to: string; reason?: string | undefined };

/** A service's closures and openings as overrides of its weekly hours; undefined when one
 * of them is wrong (each problem is reported with its place). */
function readOverrides({ now, report }: Context, at: string, s: ServiceData): Override[] | undefined {
  const out: Array<Override & { place: string }> = [];
  let ok = true;
  const read = (list: Span[], field: string, open: boolean) => {
    list.forEach((item, i) => {
      const place = `${at}.${field}[${i}]`;
      const override = readSpan(item, place, report);
      if (!override) {
        ok = false;
        return;
      }
      if (override.to <= now)
        report.warn(
          'HL_WARN_PAST_SPAN',
          place,
          `ended on ${item.to}: it no longer changes anything and can be removed`,
        );
      out.push({ ...override, open, reason: item.reason, place });
    });
  };
  read(s.closures, 'closures', false);
  read(s.openings, 'openings', true);
  if (!noOverlaps(at, out, report)) ok = false;
  return ok ? out.map(({ place: _place, ...o }) => o) : undefined;
}

function readSpan(item: Span, place: string, report: Context['report']): { from: Date; to: Date } | undefined {
  const read = (field: 'from' | 'to'): Date | undefined => {
    const r = readLocalTime(item[field], field === 'to');
    if ('error' in r) {
      report.error(
        'HL_ERR_TIME',
        `${place}.${field}`,
        r.skipped
          ? r.error
          : `"${item[field]}" is not a date or time that exists: write a real one, e.g. "2026-12-24 13:00"`,
      );
      return undefined;
    }
    if (r.note) report.warn('HL_WARN_TIME_TWICE', `${place}.${field}`, r.note);
    return r.at;
  };
  const from = read('from');
  const to = read('to');
  if (!from || !to) return undefined;
  if (to <= from) {
    report.error('HL_ERR_SPAN_ORDER', place, `ends ("${item.to}") before it starts ("${item.from}"): swap them`);
    return undefined;
  }
  return { from, to };
}

/** Sorts the overrides by start; false when two of them overlap (each overlap noted). */
function noOverlaps(at: string, out: Array<Override & { place: string }>, report: Context['report']): boolean {
  let ok = true;
  out.sort((a, b) => a.from.getTime() - b.from.getTime());
  let latest = out[0];
  for (const cur of out.slice(1)) {
    if (latest && cur.from < latest.to) {
      report.error(
        'HL_ERR_SPAN_OVERLAP',
        cur.place,
        `overlaps ${latest.place.slice(at.length + 1)}: a time can be in one closure or opening only; shorten or merge them`,
      );
      ok = false;
    }
    if (!latest || cur.to > latest.to) latest = cur;
  }
  return ok;
}
