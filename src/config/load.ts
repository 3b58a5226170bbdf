/**
 * Reads and checks the operator's data: the service directory, the menus and the prompts.
 * Every problem is collected with its place (file and path), so one start-up names them all.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { Hours, parseLocalTime, REASON_PREFIX, type Override } from '../hours.js';
import { DEFAULT_DIRECTORY, DEFAULT_MENUS, DEFAULT_PROMPTS } from '../paths.js';
import { RESERVED_MENU_IDS, type Action, type Config, type DialKind, type Flow, type Lang, type Menu, type PromptCatalog, type Service } from './types.js';
import { placeholders } from '../placeholders.js';
import { verifiedDateProblem } from '../verification.js';

export interface ConfigPaths {
  directory?: string | undefined;
  menus?: string | undefined;
  prompts?: string | undefined;
  /** The helpline's own number from the deployment (HOTLINE_NUMBER), over the directory's
   * settings.hotline_number. */
  hotlineNumber?: string | undefined;
}

export type LoadResult =
  | { ok: true; config: Config; warnings: string[] }
  | { ok: false; errors: string[]; warnings: string[] };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The helpline's data has ${problems.length} problem(s):\n` + problems.map((p) => `  - ${p}`).join('\n'));
  }
}

/** The prompts the engine itself says, with the placeholders it fills in for each. */
export const SYSTEM_PROMPTS: Record<string, readonly string[]> = {
  welcome: [],
  'choose-language': ['key'],
  'no-input': [],
  'invalid-key': [],
  'key-star': [],
  'key-hash': [],
  transfer: ['name'],
  'dial-busy': ['name'],
  'dial-no-answer': ['name'],
  'dial-failed': ['name'],
  closed: ['name'],
  // Why it is closed, said after "closed" (one per kind of closure; see src/hours.ts).
  'closed-after-hours': [],
  'closed-weekend': [],
  'closed-holiday': [],
  'closed-temporary': [],
  reopens: ['day', 'time'],
  'reopens-day': ['day'],
  date: ['day', 'month'],
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => [`month-${m}`, []])),
  'closed-until-further-notice': [],
  'time-hour': ['hour'],
  'time-hour-minute': ['hour', 'minute'],
  today: [],
  tomorrow: [],
  ...Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((d) => [`day-${d}`, []])),
  'alternatives-intro': [],
  'opt-service': ['name', 'key'],
  'none-open': [],
  emergency: [],
  'after-call': ['key'],
  goodbye: [],
  error: [],
};
/** Placeholders available to prompts named by the data. */
const OPTION_VARS = ['key'];
const MENU_VARS = ['repeat', 'back'];
const SERVICE_VARS = ['name'];
/** Placeholders of a temporary closure's reason (a prompt key starting with "reason-"): none,
 * so a recorded file can replace it. */
const REASON_VARS: string[] = [];

const E164 = /^\+[1-9]\d{6,14}$/;
const SHORT = /^[1-9]\d{2,5}$/;
const SIP = /^sips?:[^\s<>"]+@[^\s<>"]+$/;
const KEY = /^[0-9*#]$/;
const ID = /^[a-z0-9][a-z0-9-]*$/;

export function dialKind(dial: string): DialKind | undefined {
  if (E164.test(dial)) return 'e164';
  if (SHORT.test(dial)) return 'short';
  if (SIP.test(dial)) return 'sip';
  return undefined;
}


const text = z.string().trim().min(1, 'must not be empty');
const idKey = z.string().regex(ID, 'use lower-case letters, digits and dashes');

/** "2026-12-24" or "2026-12-24 13:00", Belgian time. */
const localTime = z
  .string({ error: 'a date such as "2026-12-24" or a date and time such as "2026-12-24 13:00" (quoted), in Belgian time' })
  .regex(/^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2})?$/, 'a date such as "2026-12-24" or a date and time such as "2026-12-24 13:00", in Belgian time');
const reasonKey = z
  .string()
  .regex(/^reason-[a-z0-9-]+$/, 'a prompt key starting with "reason-" (e.g. reason-training), defined in every prompts file');

const closureSchema = z.strictObject({ from: localTime, to: localTime, reason: reasonKey.optional() });
const openingSchema = z.strictObject({ from: localTime, to: localTime });

const serviceSchema = z.strictObject({
  name: z.record(z.string(), text),
  dial: z.union([z.string(), z.number()]).transform(String),
  hours: text,
  closures: z.array(closureSchema).default([]),
  openings: z.array(openingSchema).default([]),
  caller_id: z.enum(['hotline', 'caller']).default('hotline'),
  dial_timeout: z.number().int().min(5).max(600).optional(),
  intro: text.optional(),
  on_failure: text.optional(),
  source: z.string().optional(),
  check: z.string().optional(),
  // When a person last confirmed the number and hours; YAML reads an unquoted date as text too.
  verified: z.string({ error: 'a date such as "2026-11-30" (quoted): the day a person confirmed the number and hours' }).optional(),
  verified_note: text.optional(),
  hours_source: z.enum(['document', 'secondary']).default('document'),
  connect: z.enum(['transfer', 'say']).default('transfer'),
});

const directorySchema = z.strictObject({
  settings: z
    .strictObject({
      holidays_country: z.string().regex(/^[a-z]{2}$/, 'a two-letter country code, e.g. be').default('be'),
      dial_timeout: z.number().int().min(5).max(600).default(25),
      ring_tone: z.string().regex(/^[a-z]{2}$/, 'a two-letter country code, e.g. be').default('be'),
      hotline_number: z
        .string()
        .optional()
        .refine((v) => !v || E164.test(v), 'must be an E.164 number such as +3225551234, or empty'),
      verify_max_age_days: z.number().int().min(1).max(3650).default(365),
    })
    .default({ holidays_country: 'be', dial_timeout: 25, ring_tone: 'be', verify_max_age_days: 365 }),
  services: z.record(idKey, serviceSchema).refine((s) => Object.keys(s).length > 0, 'needs at least one service'),
});

const keySchema = z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(KEY, 'a key is one of 0-9, * or #'));

const optionSchema = z
  .strictObject({
    say: text.optional(),
    menu: idKey.optional(),
    transfer: idKey.optional(),
    transfer_first_open: z.array(idKey).min(1).optional(),
    repeat: z.literal(true).optional(),
  })
  .refine(
    (o) => [o.menu, o.transfer, o.transfer_first_open, o.repeat].filter((a) => a !== undefined).length === 1,
    'give exactly one action: menu, transfer, transfer_first_open or repeat',
  );

const menusSchema = z.strictObject({
  keys: z.strictObject({ repeat: keySchema, back: keySchema, switch_language: keySchema }),
  max_tries: z.number().int().min(1).max(10).default(3),
  gather_timeout: z.number().int().min(1).max(60).default(6),
  language_menu: z.strictObject({
    options: z.record(z.string(), z.string().regex(/^[a-z]{2}$/, 'a two-letter language code')),
    default: z.string(),
  }),
  safety_net: z.array(idKey).min(1),
  alternatives: z.record(z.string(), idKey),
  menus: z.record(
    idKey,
    z.strictObject({
      say: z.array(text).default([]),
      footer: z.array(text).default([]),
      options: z.record(z.string(), optionSchema),
    }),
  ),
});

const promptFileSchema = z.strictObject({
  voice: text,
  language: z.string().regex(/^[a-z]{2}-[A-Z]{2}$/, 'a language code such as fr-BE'),
  prompts: z.record(z.string(), z.string().trim().min(1, 'must not be empty')),
});

function readYaml(file: string, problems: string[]): unknown {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return undefined;
  }
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push(`${file}: ${e.message.split('\n')[0]}`);
    return undefined;
  }
  return doc.toJS({ maxAliasCount: 100 });
}

function zodProblems(file: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${file}: ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
}

function keyName(k: string): string {
  return /^\d$/.test(k) ? k : JSON.stringify(k);
}

/** Load and check everything. Never throws: problems come back as messages. */
export function loadConfig(paths: ConfigPaths = {}, now: Date = new Date()): LoadResult {
  const directoryFile = paths.directory ?? DEFAULT_DIRECTORY;
  const menusFile = paths.menus ?? DEFAULT_MENUS;
  const promptsDir = paths.prompts ?? DEFAULT_PROMPTS;
  const errors: string[] = [];
  const warnings: string[] = [];

  const dirRaw = readYaml(directoryFile, errors);
  const menusRaw = readYaml(menusFile, errors);
  const dir = dirRaw === undefined ? undefined : directorySchema.safeParse(dirRaw);
  const menus = menusRaw === undefined ? undefined : menusSchema.safeParse(menusRaw);
  if (dir && !dir.success) errors.push(...zodProblems(directoryFile, dir.error));
  if (menus && !menus.success) errors.push(...zodProblems(menusFile, menus.error));

  // Languages come from the language menu; each needs prompts/<lang>.yaml.
  const languages: Lang[] = menus?.success ? [...new Set(Object.values(menus.data.language_menu.options))] : [];
  const prompts: Record<Lang, PromptCatalog> = {};
  for (const lang of languages) {
    const file = join(promptsDir, `${lang}.yaml`);
    if (!existsSync(file)) {
      errors.push(`${file}: missing: the language menu offers "${lang}"`);
      continue;
    }
    const raw = readYaml(file, errors);
    if (raw === undefined) continue;
    const parsed = promptFileSchema.safeParse(raw);
    if (!parsed.success) {
      errors.push(...zodProblems(file, parsed.error));
      continue;
    }
    prompts[lang] = { lang, ...parsed.data, audio: findAudio(promptsDir, lang, parsed.data.prompts, warnings) };
  }

  if (!dir?.success) return { ok: false, errors, warnings };
  const d = dir.data;
  // When the menus or a prompt file cannot be read, the directory's own problems (numbers,
  // hours) are still checked below, so one start lists them all; the languages are then
  // unknown, and the names per language are checked once the menus read.
  const menusReadable = menus?.success === true && Object.keys(prompts).length === languages.length;

  // Services. Those with the same hours share one parsed Hours (the rules and the answers it
  // keeps until the next change): parsing is the slow part of checking the directory.
  const services: Record<string, Service> = {};
  const parsedHours = new Map<string, Hours>();
  const reasonUses: Array<{ key: string; place: string }> = [];
  for (const [id, s] of Object.entries(d.services)) {
    const at = `${directoryFile}: services.${id}`;
    const kind = dialKind(s.dial);
    if (!kind) {
      errors.push(`${at}.dial: "${s.dial}" is not an E.164 number (+32...), a short number (e.g. 1712) or a SIP URI (sip:user@host)`);
    } else if (kind === 'short' && s.connect === 'transfer') {
      warnings.push(`${at}.dial: ${s.dial} is a short number: Twilio may not reach it; test-call it or set a number or SIP URI your carrier reaches`);
    }
    for (const lang of languages) {
      if (!s.name[lang]) errors.push(`${at}.name.${lang}: missing (the line speaks ${languages.join(', ')})`);
    }
    for (const lang of menusReadable ? Object.keys(s.name) : []) {
      if (!languages.includes(lang)) errors.push(`${at}.name.${lang}: "${lang}" is not a language of the language menu`);
    }
    const verifiedProblem = s.verified === undefined ? undefined : verifiedDateProblem(s.verified, now);
    if (verifiedProblem) errors.push(`${at}.verified: ${verifiedProblem}`);
    if (s.verified_note !== undefined && s.verified === undefined) warnings.push(`${at}.verified_note: no "verified" date next to it: the note is not used`);
    const overrides = readOverrides(at, s.closures, s.openings, now, errors, warnings);
    let hours: Hours | undefined;
    try {
      // A service with closures or openings has hours of its own.
      if (overrides && overrides.length > 0) {
        hours = new Hours(s.hours, d.settings.holidays_country, overrides);
      } else {
        hours = parsedHours.get(s.hours);
        if (!hours) {
          hours = new Hours(s.hours, d.settings.holidays_country);
          parsedHours.set(s.hours, hours);
        }
      }
      for (const w of hours.warnings()) warnings.push(`${at}.hours: ${w}`);
      if (!hours.isOpen(now) && hours.state(now).nextChange === undefined) {
        warnings.push(`${at}.hours: "${s.hours}" is never open from now on: callers who choose it hear that it is closed until further notice and are offered the services open now`);
      }
    } catch (err) {
      errors.push(`${at}.hours: "${s.hours}" is not valid opening_hours syntax: ${String(err).replace(/\s+/g, ' ').trim()}`);
    }
    // A comment in the hours ("... off \"reason-training\"") is said as the closure's reason.
    for (const [, comment] of s.hours.matchAll(/"([^"]*)"/g)) {
      if (comment?.startsWith(REASON_PREFIX)) reasonUses.push({ key: comment, place: `${at}.hours` });
      else warnings.push(`${at}.hours: the comment "${comment}" is not a reason prompt key (reason-...): callers are not told it`);
    }
    s.closures.forEach((c, i) => {
      if (c.reason) reasonUses.push({ key: c.reason, place: `${at}.closures[${i}].reason` });
    });
    if (!kind || !hours || !overrides || verifiedProblem) continue;
    services[id] = {
      id,
      name: s.name,
      dial: s.dial,
      dialKind: kind,
      hours,
      callerId: s.caller_id,
      dialTimeout: s.dial_timeout ?? d.settings.dial_timeout,
      intro: s.intro,
      onFailure: s.on_failure,
      source: s.source,
      check: s.check,
      verified: s.verified === undefined ? undefined : { date: s.verified, note: s.verified_note },
      hoursSource: s.hours_source,
      connect: s.connect,
    };
  }
  if (!menusReadable || !menus?.success) return { ok: false, errors, warnings };
  const m = menus.data;
  const serviceIds = new Set(Object.keys(d.services));
  const needService = (id: string, place: string) => {
    if (!serviceIds.has(id)) errors.push(`${menusFile}: ${place}: unknown service "${id}" (the directory has: ${[...serviceIds].join(', ')})`);
  };

  // Reserved keys.
  const reserved = new Map<string, string>([
    [m.keys.repeat, 'repeat'],
    [m.keys.back, 'back'],
    [m.keys.switch_language, 'switch_language'],
  ]);
  if (reserved.size !== 3) errors.push(`${menusFile}: keys: repeat, back and switch_language need three different keys`);

  // Language menu.
  const languageOptions = Object.entries(m.language_menu.options).map(([key, lang]) => ({ key, lang }));
  for (const { key } of languageOptions) {
    if (!KEY.test(key)) errors.push(`${menusFile}: language_menu.options.${keyName(key)}: a key is one of 0-9, * or #`);
  }
  if (!languages.includes(m.language_menu.default)) {
    errors.push(`${menusFile}: language_menu.default: "${m.language_menu.default}" is not one of the language menu's languages (${languages.join(', ')})`);
  }

  // Safety net and alternatives.
  m.safety_net.forEach((id, i) => needService(id, `safety_net[${i}]`));
  if (m.safety_net.every((id) => serviceIds.has(id)) && !m.safety_net.some((id) => services[id]?.hours.weeklyAlwaysOpen(now))) {
    errors.push(`${menusFile}: safety_net: needs at least one service open 24/7 (hours "24/7"), so a caller in trouble always reaches someone`);
  }
  for (const id of new Set(m.safety_net)) {
    const s = services[id];
    if (s && s.hours.overrides.some((o) => !o.open && o.to > now)) {
      warnings.push(`${directoryFile}: services.${id}.closures: ${id} is in the safety net (${menusFile}); while it is closed, the safety net skips it`);
    }
  }
  const alternatives = Object.entries(m.alternatives).map(([key, service]) => ({ key, service }));
  for (const { key, service } of alternatives) {
    if (!KEY.test(key)) errors.push(`${menusFile}: alternatives.${keyName(key)}: a key is one of 0-9, * or #`);
    else if (reserved.has(key)) errors.push(`${menusFile}: alternatives.${keyName(key)}: key ${key} is reserved for ${reserved.get(key)}`);
    needService(service, `alternatives.${keyName(key)}`);
  }

  // Menus.
  const menuIds = new Set(Object.keys(m.menus));
  for (const id of RESERVED_MENU_IDS) {
    if (menuIds.has(id)) errors.push(`${menusFile}: menus.${id}: "${id}" is a name the line uses itself; choose another`);
  }
  if (!menuIds.has('main')) errors.push(`${menusFile}: menus: needs a menu called "main"`);
  const flowMenus: Record<string, Menu> = {};
  const promptUses: Array<{ key: string; vars: readonly string[]; place: string }> = [];
  for (const [id, menu] of Object.entries(m.menus)) {
    const place = `menus.${id}`;
    menu.say.forEach((key, i) => promptUses.push({ key, vars: MENU_VARS, place: `${menusFile}: ${place}.say[${i}]` }));
    menu.footer.forEach((key, i) => promptUses.push({ key, vars: MENU_VARS, place: `${menusFile}: ${place}.footer[${i}]` }));
    const options = Object.entries(menu.options).map(([key, o]) => {
      const at = `${place}.options.${keyName(key)}`;
      if (!KEY.test(key)) errors.push(`${menusFile}: ${at}: a key is one of 0-9, * or #`);
      else if (reserved.has(key)) errors.push(`${menusFile}: ${at}: key ${key} is reserved for ${reserved.get(key)} in every menu`);
      let action: Action;
      if (o.menu !== undefined) {
        if (!menuIds.has(o.menu)) errors.push(`${menusFile}: ${at}.menu: unknown menu "${o.menu}"`);
        action = { type: 'menu', menu: o.menu };
      } else if (o.transfer !== undefined) {
        needService(o.transfer, `${at}.transfer`);
        action = { type: 'transfer', service: o.transfer };
      } else if (o.transfer_first_open !== undefined) {
        o.transfer_first_open.forEach((s, i) => needService(s, `${at}.transfer_first_open[${i}]`));
        action = { type: 'first_open', services: o.transfer_first_open };
      } else {
        action = { type: 'repeat' };
      }
      if (o.say !== undefined) promptUses.push({ key: o.say, vars: OPTION_VARS, place: `${menusFile}: ${at}.say` });
      else warnings.push(`${menusFile}: ${at}: no "say": the caller is not told about this key`);
      return { key, say: o.say, action };
    });
    flowMenus[id] = { id, say: menu.say, footer: menu.footer, options };
  }
  checkReachability(flowMenus, menusFile, warnings);

  for (const [id, s] of Object.entries(d.services)) {
    if (s.intro) promptUses.push({ key: s.intro, vars: SERVICE_VARS, place: `${directoryFile}: services.${id}.intro` });
    if (s.on_failure) promptUses.push({ key: s.on_failure, vars: SERVICE_VARS, place: `${directoryFile}: services.${id}.on_failure` });
  }
  for (const { key, place } of reasonUses) promptUses.push({ key, vars: REASON_VARS, place });
  for (const [key, vars] of Object.entries(SYSTEM_PROMPTS)) promptUses.push({ key, vars, place: 'the line itself' });

  checkPrompts(prompts, languages, promptsDir, promptUses, errors);

  if (errors.length > 0) return { ok: false, errors, warnings };

  const flow: Flow = {
    keys: { repeat: m.keys.repeat, back: m.keys.back, switchLanguage: m.keys.switch_language },
    maxTries: m.max_tries,
    gatherTimeout: m.gather_timeout,
    languageMenu: { options: languageOptions, default: m.language_menu.default },
    safetyNet: m.safety_net,
    alternatives,
    menus: flowMenus,
  };
  return {
    ok: true,
    warnings,
    config: {
      languages,
      settings: {
        holidaysCountry: d.settings.holidays_country,
        dialTimeout: d.settings.dial_timeout,
        ringTone: d.settings.ring_tone,
        hotlineNumber: paths.hotlineNumber || d.settings.hotline_number || undefined,
        verifyMaxAgeDays: d.settings.verify_max_age_days,
      },
      services,
      flow,
      prompts,
      sources: { directory: directoryFile, menus: menusFile, prompts: promptsDir, hotlineNumber: paths.hotlineNumber },
    },
  };
}

/** Like loadConfig, but throws a ConfigError listing every problem. */
export function loadConfigOrThrow(paths: ConfigPaths = {}, now?: Date): { config: Config; warnings: string[] } {
  const r = loadConfig(paths, now);
  if (!r.ok) throw new ConfigError(r.errors);
  return { config: r.config, warnings: r.warnings };
}

function checkPrompts(
  catalogs: Record<Lang, PromptCatalog>,
  languages: Lang[],
  dir: string,
  uses: Array<{ key: string; vars: readonly string[]; place: string }>,
  errors: string[],
): void {
  const file = (lang: Lang) => join(dir, `${lang}.yaml`);
  // Same keys and the same placeholders in every language.
  const allKeys = new Set(languages.flatMap((l) => Object.keys(catalogs[l]?.prompts ?? {})));
  for (const key of [...allKeys].sort()) {
    const present = languages.filter((l) => catalogs[l]?.prompts[key] !== undefined);
    for (const l of languages) {
      if (!present.includes(l)) errors.push(`${file(l)}: prompts.${key}: missing (it is in ${present.map(file).map((f) => basename(f)).join(', ')})`);
    }
    const shapes = new Map(present.map((l) => [l, placeholders(catalogs[l]!.prompts[key]!).join(',')]));
    if (new Set(shapes.values()).size > 1) {
      errors.push(
        `${dir}: prompts.${key}: placeholders differ between languages (${[...shapes].map(([l, s]) => `${l}: ${s ? `{${s.split(',').join('} {')}}` : 'none'}`).join('; ')})`,
      );
    }
  }
  // Every prompt the data or the line uses exists, and uses only placeholders it is given.
  const used = new Set<string>();
  for (const u of uses) {
    used.add(u.key);
    for (const l of languages) {
      const t = catalogs[l]?.prompts[u.key];
      if (t === undefined) {
        if (allKeys.has(u.key)) continue; // already reported as missing in one language
        errors.push(`${file(l)}: prompts.${u.key}: missing (used by ${u.place})`);
        continue;
      }
      const unknown = placeholders(t).filter((p) => !u.vars.includes(p));
      if (unknown.length > 0) {
        errors.push(
          `${file(l)}: prompts.${u.key}: unknown placeholder ${unknown.map((p) => `{${p}}`).join(' ')} (used by ${u.place}, which fills ${u.vars.length ? u.vars.map((v) => `{${v}}`).join(' ') : 'none'})`,
        );
      }
    }
  }
  for (const key of allKeys) {
    // Reasons of temporary closures are kept for the next closure even when none uses them now.
    if (!used.has(key) && !key.startsWith(REASON_PREFIX)) errors.push(`${dir}: prompts.${key}: not used by any menu, service or the line (a typo?)`);
  }
}

/** A service's closures and openings as overrides of its weekly hours; undefined when one
 * of them is wrong (each problem is reported with its place). */
function readOverrides(
  at: string,
  closures: Array<{ from: string; to: string; reason?: string | undefined }>,
  openings: Array<{ from: string; to: string }>,
  now: Date,
  errors: string[],
  warnings: string[],
): Override[] | undefined {
  const out: Array<Override & { place: string }> = [];
  let ok = true;
  const read = (list: Array<{ from: string; to: string; reason?: string | undefined }>, field: string, open: boolean) => {
    list.forEach((item, i) => {
      const place = `${at}.${field}[${i}]`;
      const from = parseLocalTime(item.from);
      const to = parseLocalTime(item.to, true);
      if (!from) errors.push(`${place}.from: "${item.from}" is not a date or time that exists`);
      if (!to) errors.push(`${place}.to: "${item.to}" is not a date or time that exists`);
      if (!from || !to) {
        ok = false;
        return;
      }
      if (to <= from) {
        errors.push(`${place}: ends ("${item.to}") before it starts ("${item.from}")`);
        ok = false;
        return;
      }
      if (to <= now) warnings.push(`${place}: ended on ${item.to}: it no longer changes anything and can be removed`);
      out.push({ from, to, open, reason: item.reason, place });
    });
  };
  read(closures, 'closures', false);
  read(openings, 'openings', true);
  out.sort((a, b) => a.from.getTime() - b.from.getTime());
  let latest = out[0];
  for (const cur of out.slice(1)) {
    if (latest && cur.from < latest.to) {
      errors.push(`${cur.place}: overlaps ${latest.place.slice(at.length + 1)}: a time can be in one closure or opening only`);
      ok = false;
    }
    if (!latest || cur.to > latest.to) latest = cur;
  }
  return ok ? out.map(({ place: _place, ...o }) => o) : undefined;
}

function findAudio(promptsDir: string, lang: Lang, prompts: Record<string, string>, warnings: string[]): Map<string, string> {
  const audio = new Map<string, string>();
  const dir = join(promptsDir, 'audio', lang);
  if (!existsSync(dir)) return audio;
  for (const f of readdirSync(dir)) {
    if (!/\.(wav|mp3)$/.test(f)) continue;
    const key = f.replace(/\.(wav|mp3)$/, '');
    const textOf = prompts[key];
    if (textOf === undefined) warnings.push(`${join(dir, f)}: no prompt "${key}" in ${lang}.yaml: the file is not used`);
    else if (placeholders(textOf).length > 0) warnings.push(`${join(dir, f)}: prompt "${key}" has placeholders, so it is always spoken: the file is not used`);
    else if (!audio.has(key) || f.endsWith('.wav')) audio.set(key, join(dir, f));
  }
  return audio;
}

function checkReachability(menus: Record<string, Menu>, file: string, warnings: string[]): void {
  if (!menus.main) return;
  const seen = new Set<string>(['main']);
  const queue = ['main'];
  while (queue.length) {
    const id = queue.shift()!;
    for (const o of menus[id]?.options ?? []) {
      if (o.action.type === 'menu' && !seen.has(o.action.menu)) {
        seen.add(o.action.menu);
        queue.push(o.action.menu);
      }
    }
  }
  for (const id of Object.keys(menus)) {
    if (!seen.has(id)) warnings.push(`${file}: menus.${id}: not reachable from the main menu`);
  }
}
