/**
 * The call flow (menus.yaml): the languages, the keys that work everywhere, the groups of
 * services, the safety net, the offers, and each menu's options. Checked against the directory's
 * services; each problem is noted with its file and path.
 */
import { KEY } from './constants.js';
import { nobodyToReachDates } from '../time/coverage.js';
import { readLanguages } from './languages.js';
import { MENU_VARS, OPTION_VARS, type PromptUse } from './prompts.js';
import { hoursPlaceholders } from './spoken-hours.js';
import { noProblems, reporter, type Problems } from './problems.js';
import type { MenusData, OptionData } from './schema.js';
import {
  RESERVED_MENU_IDS,
  type Action,
  type Flow,
  type Lang,
  type LanguageEntry,
  type Menu,
  type MenuOption,
  type Service,
  type ServiceGroup,
  type Target,
} from './types.js';

export interface MenusInput {
  data: MenusData;
  file: string;
  /** For messages about a service's closures. */
  directoryFile: string;
  languages: Lang[];
  /** Every service of the directory, with or without problems. */
  serviceIds: Set<string>;
  /** The services without problems. */
  services: Record<string, Service>;
  now: Date;
  problems: Problems;
}

export interface MenusResult {
  flow: Flow;
  /** The prompts the menus name. */
  promptUses: PromptUse[];
}

interface Context extends MenusInput {
  report: ReturnType<typeof reporter>;
  /** The keys that do the same in every menu, and what they do. */
  reserved: Map<string, string>;
  menuIds: Set<string>;
  groups: Record<string, ServiceGroup>;
  promptUses: PromptUse[];
}

/** The languages the line speaks, in the order of the language menu (checked by languages.ts). */
export function menuLanguages(data: MenusData, file: string, problems: Problems): LanguageEntry[] {
  return readLanguages(data, file, reservedKeys({ data, file, problems }), problems);
}

export function checkMenus(input: MenusInput, languages: LanguageEntry[]): MenusResult {
  const ctx: Context = {
    ...input,
    report: reporter(input.problems, input.file),
    // Reported once, by menuLanguages.
    reserved: reservedKeys({ ...input, problems: noProblems() }),
    menuIds: new Set(Object.keys(input.data.menus)),
    groups: {},
    promptUses: [],
  };
  const m = input.data;
  ctx.groups = readGroups(ctx);
  const safetyNet = m.safety_net.map((id, i) => target(ctx, id, `safety_net[${i}]`));
  checkSafetyNet(ctx, safetyNet);
  const offers = readOffers(ctx);
  m.callback.forEach((id, i) => {
    needService(ctx, id, `callback[${i}]`);
  });
  const menus = readMenus(ctx);
  checkOfferKeys(ctx, menus, offers);
  checkReachability(menus, ctx.report);
  const flow: Flow = {
    keys: { repeat: m.keys.repeat, back: m.keys.back, language: m.keys.language },
    maxTries: m.max_tries,
    gatherTimeout: m.gather_timeout,
    languages,
    greeting: m.greeting,
    defaultLanguage: m.default_language,
    groups: ctx.groups,
    safetyNet,
    offers,
    callback: m.callback,
    menus,
  };
  return { flow, promptUses: ctx.promptUses };
}

/** A key as it appears in a path: digits bare, anything else quoted. */
function keyName(k: string): string {
  return /^\d$/.test(k) ? k : JSON.stringify(k);
}

function needService({ serviceIds, report, directoryFile }: Context, id: string, place: string): void {
  if (serviceIds.has(id)) return;
  const near = [...serviceIds].filter((s) => oneEditApart(s, id));
  const fix = near.length
    ? `did you mean "${near[0]}"?`
    : `use one of the services of ${directoryFile}: ${[...serviceIds].join(', ')}`;
  report.error('HL_ERR_UNKNOWN_SERVICE', place, `unknown service "${id}": ${fix}`);
}

/** Two ids one typo apart: a letter changed, added, removed, or two neighbours swapped. */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const rest = (x: string, y: string) => a.slice(i + x.length) === b.slice(i + y.length);
  if (a.length === b.length) return rest('x', 'y') || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest('xx', 'yy'));
  return a.length > b.length ? rest('x', '') : rest('', 'y');
}

function reservedKeys({ data, file, problems }: Pick<MenusInput, 'data' | 'file' | 'problems'>): Map<string, string> {
  const report = reporter(problems, file);
  const reserved = new Map<string, string>([
    [data.keys.repeat, 'repeat'],
    [data.keys.back, 'back'],
    [data.keys.language, 'language'],
  ]);
  if (reserved.size !== 3)
    report.error('HL_ERR_KEY_TWICE', 'keys', 'repeat, back and language need three different keys: change one');
  return reserved;
}

function readGroups(ctx: Context): Record<string, ServiceGroup> {
  const { data, languages, report } = ctx;
  const groups: Record<string, ServiceGroup> = {};
  for (const [id, g] of Object.entries(data.groups)) {
    if (ctx.serviceIds.has(id))
      report.error(
        'HL_ERR_GROUP',
        `groups.${id}`,
        `"${id}" is also a service of the directory; name the group otherwise`,
      );
    const byLang: Record<Lang, string[]> = {};
    for (const [name, ids] of Object.entries(g)) {
      ids.forEach((s, i) => {
        needService(ctx, s, `groups.${id}.${name}[${i}]`);
      });
      if (name === 'order') continue;
      if (!languages.includes(name))
        report.error(
          'HL_ERR_UNKNOWN_LANGUAGE',
          `groups.${id}.${name}`,
          `"${name}" is not one of the languages (${languages.join(', ')}) nor "order"`,
        );
      else if ([...ids].sort().join() !== [...g.order!].sort().join())
        report.error(
          'HL_ERR_GROUP',
          `groups.${id}.${name}`,
          `name the same services as groups.${id}.order, in another order`,
        );
      byLang[name] = ids;
    }
    groups[id] = { id, order: g.order!, byLang };
  }
  return groups;
}

/** A service or a group, by id. */
function target(ctx: Context, id: string, place: string): Target {
  if (Object.hasOwn(ctx.groups, id)) return { type: 'group', group: id };
  needService(ctx, id, place);
  return { type: 'service', service: id };
}

function members(ctx: Context, t: Target): string[] {
  return t.type === 'group' ? (ctx.groups[t.group]?.order ?? []) : [t.service];
}

/** Known services, at least one open 24/7; a warning for each with a closure to come. */
function checkSafetyNet(ctx: Context, net: Target[]): void {
  const { file, services, now, report, problems } = ctx;
  const ids = [...new Set(net.flatMap((t) => members(ctx, t)))];
  // The safety net puts a caller through: a service whose number is only said cannot be in it.
  for (const id of ids) {
    if (services[id]?.connect === 'say') {
      report.error(
        'HL_ERR_SAFETY_NET_SAY',
        'safety_net',
        `${id} has connect: say in the directory (its number is said, not dialled): the safety net puts callers through, so leave it out`,
      );
    }
  }
  const transfers = ids
    .map((id) => services[id])
    .filter((s): s is Service => s !== undefined && s.connect === 'transfer');
  if (ids.every((id) => ctx.serviceIds.has(id)) && !transfers.some((s) => s.hours.weeklyAlwaysOpen(now))) {
    report.error(
      'HL_ERR_SAFETY_NET_NO_24_7',
      'safety_net',
      'needs at least one service open 24/7 (hours "24/7"), so a caller in trouble always reaches someone: add one',
    );
  }
  const dates =
    transfers.length > 0
      ? nobodyToReachDates(
          transfers.map((s) => s.hours),
          now,
        )
      : [];
  if (dates.length > 0) {
    report.warn(
      'HL_WARN_NOBODY_TO_REACH',
      'safety_net',
      `no service of the safety net (${transfers.map((s) => s.id).join(', ')}) is open on ${dates.join(', ')}: a caller who does not choose, or whose choice fails, then reaches nobody; add an opening or shorten a closure of one of them (${ctx.directoryFile})`,
    );
  }
  for (const s of transfers) {
    if (s.hours.overrides.some((o) => !o.open && o.to > now)) {
      problems.warnings.push({
        code: 'HL_WARN_SAFETY_NET_CLOSURE',
        file: ctx.directoryFile,
        path: `services.${s.id}.closures`,
        message: `${s.id} is in the safety net (${file}); while it is closed, the safety net skips it`,
      });
    }
  }
}

function readOffers(ctx: Context): Flow['offers'] {
  const { data, reserved, report } = ctx;
  return Object.entries(data.offers).map(([key, id]) => {
    if (!KEY.test(key)) report.error('HL_ERR_KEY', `offers.${keyName(key)}`, 'a key is one of 0-9, * or #');
    else if (reserved.has(key))
      report.error(
        'HL_ERR_KEY_RESERVED',
        `offers.${keyName(key)}`,
        `key ${key} is reserved for ${reserved.get(key)}: use the main menu's key for this service`,
      );
    return { key, target: target(ctx, id, `offers.${keyName(key)}`) };
  });
}

/** A key keeps its meaning: every offer key is a main-menu key, and both lead to the same
 * services (a transfer to the service, the first open of the group, or a menu of exactly the
 * group's services). */
function checkOfferKeys(ctx: Context, menus: Record<string, Menu>, offers: Flow['offers']): void {
  const main = menus.main?.options ?? [];
  for (const offer of offers) {
    const o = main.find((x) => x.key === offer.key);
    const here = members(ctx, offer.target);
    if (!menus.main || ctx.reserved.has(offer.key) || !KEY.test(offer.key)) continue;
    if (!o) {
      const same = main.find((x) => sameServices(here, leadsTo(menus, x.action)));
      ctx.report.error(
        'HL_ERR_OFFER_KEY',
        `offers.${keyName(offer.key)}`,
        `key ${offer.key} is not a key of the main menu, so callers would learn a key that means nothing there: ${same ? `use key ${same.key}, which leads to ${here.join(', ')} in the main menu` : 'use the main-menu key of the same service, or remove this offer'}`,
      );
      continue;
    }
    const leads = leadsTo(menus, o.action);
    if (!sameServices(here, leads)) {
      ctx.report.error(
        'HL_ERR_OFFER_KEY',
        `offers.${keyName(o.key)}`,
        `key ${o.key} leads to ${here.join(', ')} here but to ${leads.join(', ') || 'no service'} in the main menu: a key must keep its meaning; give this offer the main menu's key for ${here.join(', ')}`,
      );
    }
  }
  function sameServices(a: string[], b: string[]): boolean {
    return [...a].sort().join() === [...b].sort().join();
  }
  function leadsTo(all: Record<string, Menu>, a: Action): string[] {
    if (a.type === 'transfer') return [a.service];
    if (a.type === 'first_open') return ctx.groups[a.group]?.order ?? [];
    if (a.type === 'menu')
      return (all[a.menu]?.options ?? []).flatMap((x) => (x.action.type === 'transfer' ? [x.action.service] : []));
    return [];
  }
}

function readMenus(ctx: Context): Record<string, Menu> {
  const { data, file, menuIds, report } = ctx;
  for (const id of RESERVED_MENU_IDS) {
    if (menuIds.has(id))
      report.error('HL_ERR_MAIN_MENU', `menus.${id}`, `"${id}" is a name the line uses itself; choose another`);
  }
  if (!menuIds.has('main'))
    report.error('HL_ERR_MAIN_MENU', 'menus', 'needs a menu called "main": the first menu callers hear');
  const menus: Record<string, Menu> = {};
  for (const [id, menu] of Object.entries(data.menus)) {
    const place = `menus.${id}`;
    // Said before and after the options: the common keys, and the hours of any service or group.
    // Ids the menus name count too: a typo in the directory's id is reported once, where it is used.
    const named = [...Object.values(data.groups).flatMap((g) => Object.values(g).flat()), ...data.callback];
    const vars = [...MENU_VARS, ...hoursPlaceholders(new Set([...ctx.serviceIds, ...named]), Object.keys(ctx.groups))];
    menu.say.forEach((key, i) => {
      ctx.promptUses.push({ key, vars, place: `${file}: ${place}.say[${i}]` });
    });
    menu.footer.forEach((key, i) => {
      ctx.promptUses.push({ key, vars, place: `${file}: ${place}.footer[${i}]` });
    });
    const options = Object.entries(menu.options).map(([key, o]) => readOption(ctx, place, key, o));
    menus[id] = { id, say: menu.say, footer: menu.footer, options };
  }
  return menus;
}

function readOption(ctx: Context, menu: string, key: string, o: OptionData): MenuOption {
  const { file, reserved, menuIds, report } = ctx;
  const at = `${menu}.options.${keyName(key)}`;
  if (!KEY.test(key)) report.error('HL_ERR_KEY', at, 'a key is one of 0-9, * or #');
  else if (reserved.has(key))
    report.error(
      'HL_ERR_KEY_RESERVED',
      at,
      `key ${key} is reserved for ${reserved.get(key)} in every menu: choose another key`,
    );
  let action: Action;
  if (o.menu !== undefined) {
    if (!menuIds.has(o.menu))
      report.error('HL_ERR_UNKNOWN_MENU', `${at}.menu`, `unknown menu "${o.menu}" (menus: ${[...menuIds].join(', ')})`);
    action = { type: 'menu', menu: o.menu };
  } else if (o.transfer !== undefined) {
    needService(ctx, o.transfer, `${at}.transfer`);
    action = { type: 'transfer', service: o.transfer };
  } else if (o.first_open !== undefined) {
    if (!Object.hasOwn(ctx.groups, o.first_open))
      report.error(
        'HL_ERR_UNKNOWN_GROUP',
        `${at}.first_open`,
        `unknown group "${o.first_open}" (groups: ${Object.keys(ctx.groups).join(', ')})`,
      );
    action = { type: 'first_open', group: o.first_open };
  } else {
    action = { type: 'repeat' };
  }
  if (o.say !== undefined) ctx.promptUses.push({ key: o.say, vars: OPTION_VARS, place: `${file}: ${at}.say` });
  else report.warn('HL_WARN_NO_SAY', at, 'no "say": the caller is not told about this key');
  return { key, say: o.say, action };
}

/** A warning for each menu no key leads to from the main menu. */
function checkReachability(menus: Record<string, Menu>, report: Context['report']): void {
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
    if (!seen.has(id))
      report.warn(
        'HL_WARN_UNREACHABLE_MENU',
        `menus.${id}`,
        'not reachable from the main menu: add a key that leads to it, or remove it',
      );
  }
}
