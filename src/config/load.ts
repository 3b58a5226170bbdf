/**
 * Reads and checks the operator's data: the service directory, the menus and the prompts.
 * Every problem is collected with its place (file and path), so one start-up names them all.
 */
import { E164, KEY } from '../constants.js';
import { Hours, hoursComments, parseLocalTime, REASON_PREFIX, type Override } from '../hours.js';
import { DEFAULT_DIRECTORY, DEFAULT_MENUS, DEFAULT_PROMPTS } from '../paths.js';
import { RESERVED_MENU_IDS, type Action, type Config, type DialKind, type Flow, type Lang, type Menu, type Service } from './types.js';
import { parseData, readYaml } from './read.js';
import { checkPrompts, MENU_VARS, OPTION_VARS, readPrompts, REASON_VARS, SERVICE_VARS, systemPromptUses, type PromptUse } from './prompts.js';
import { directorySchema, menusSchema } from './schema.js';

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

const SHORT = /^[1-9]\d{2,5}$/;
const SIP = /^sips?:[^\s<>"]+@[^\s<>"]+$/;

export function dialKind(dial: string): DialKind | undefined {
  if (E164.test(dial)) return 'e164';
  if (SHORT.test(dial)) return 'short';
  if (SIP.test(dial)) return 'sip';
  return undefined;
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
  const dir = parseData(directorySchema, dirRaw, directoryFile, errors);
  const menus = parseData(menusSchema, menusRaw, menusFile, errors);

  // Languages come from the language menu; each needs prompts/<lang>.yaml.
  const languages: Lang[] = menus ? [...new Set(Object.values(menus.language_menu.options))] : [];
  const promptSet = readPrompts(promptsDir, languages, { errors, warnings });
  const prompts = promptSet.catalogs;

  if (!dir) return { ok: false, errors, warnings };
  const d = dir;
  // When the menus or a prompt file cannot be read, the directory's own problems (numbers,
  // hours) are still checked below, so one start lists them all; the languages are then
  // unknown, and the names per language are checked once the menus read.
  const menusReadable = menus !== undefined && Object.keys(prompts).length === languages.length;

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
    } else if (kind === 'short') {
      warnings.push(`${at}.dial: ${s.dial} is a short number: Twilio may not reach it; test-call it or set a number or SIP URI your carrier reaches`);
    }
    for (const lang of languages) {
      if (!s.name[lang]) errors.push(`${at}.name.${lang}: missing (the line speaks ${languages.join(', ')})`);
    }
    for (const lang of menusReadable ? Object.keys(s.name) : []) {
      if (!languages.includes(lang)) errors.push(`${at}.name.${lang}: "${lang}" is not a language of the language menu`);
    }
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
    for (const comment of hoursComments(s.hours)) {
      if (comment.startsWith(REASON_PREFIX)) reasonUses.push({ key: comment, place: `${at}.hours` });
      else warnings.push(`${at}.hours: the comment "${comment}" is not a reason prompt key (reason-...): callers are not told it`);
    }
    s.closures.forEach((c, i) => {
      if (c.reason) reasonUses.push({ key: c.reason, place: `${at}.closures[${i}].reason` });
    });
    if (!kind || !hours || !overrides) continue;
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
    };
  }
  if (!menusReadable || !menus) return { ok: false, errors, warnings };
  const m = menus;
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
  const promptUses: PromptUse[] = [];
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
  promptUses.push(...systemPromptUses());

  checkPrompts(promptSet, promptUses, errors);

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
      },
      services,
      flow,
      prompts,
      sources: { directory: directoryFile, menus: menusFile, prompts: promptsDir, hotlineNumber: paths.hotlineNumber },
    },
  };
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
