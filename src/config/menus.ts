/**
 * The call flow (menus.yaml): the languages, the keys that work everywhere, the groups of
 * services, the safety net, the offers, and each menu's options. Checked against the directory's
 * services; each problem is noted with its file and path.
 */
import { KEY } from './constants.js';
import { readLanguages } from './languages.js';
import { MENU_VARS, OPTION_VARS, type PromptUse } from './prompts.js';
import { hoursPlaceholders } from './spoken-hours.js';
import type { Problems } from './read.js';
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
    reserved: reservedKeys(input),
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
  checkReachability(menus, input.file, input.problems.warnings);
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

function needService({ serviceIds, file, problems }: Context, id: string, place: string): void {
  if (!serviceIds.has(id))
    problems.errors.push(
      `${file}: ${place}: unknown service "${id}" (the directory has: ${[...serviceIds].join(', ')})`,
    );
}

function reservedKeys({ data, file, problems }: Pick<MenusInput, 'data' | 'file' | 'problems'>): Map<string, string> {
  const reserved = new Map<string, string>([
    [data.keys.repeat, 'repeat'],
    [data.keys.back, 'back'],
    [data.keys.language, 'language'],
  ]);
  if (reserved.size !== 3) problems.errors.push(`${file}: keys: repeat, back and language need three different keys`);
  return reserved;
}

function readGroups(ctx: Context): Record<string, ServiceGroup> {
  const { data, file, languages, problems } = ctx;
  const groups: Record<string, ServiceGroup> = {};
  for (const [id, g] of Object.entries(data.groups)) {
    if (ctx.serviceIds.has(id))
      problems.errors.push(
        `${file}: groups.${id}: "${id}" is also a service of the directory; name the group otherwise`,
      );
    const byLang: Record<Lang, string[]> = {};
    for (const [name, ids] of Object.entries(g)) {
      ids.forEach((s, i) => {
        needService(ctx, s, `groups.${id}.${name}[${i}]`);
      });
      if (name === 'order') continue;
      if (!languages.includes(name))
        problems.errors.push(
          `${file}: groups.${id}.${name}: "${name}" is not one of the languages (${languages.join(', ')}) nor "order"`,
        );
      else if ([...ids].sort().join() !== [...g.order!].sort().join())
        problems.errors.push(
          `${file}: groups.${id}.${name}: name the same services as groups.${id}.order, in another order`,
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
  const { file, services, now, problems } = ctx;
  const ids = [...new Set(net.flatMap((t) => members(ctx, t)))];
  // The safety net puts a caller through: a service whose number is only said cannot be in it.
  for (const id of ids) {
    if (services[id]?.connect === 'say') {
      problems.errors.push(
        `${file}: safety_net: ${id} has connect: say in the directory (its number is said, not dialled): the safety net puts callers through, so leave it out`,
      );
    }
  }
  const transfers = ids
    .map((id) => services[id])
    .filter((s): s is Service => s !== undefined && s.connect === 'transfer');
  if (ids.every((id) => ctx.serviceIds.has(id)) && !transfers.some((s) => s.hours.weeklyAlwaysOpen(now))) {
    problems.errors.push(
      `${file}: safety_net: needs at least one service open 24/7 (hours "24/7"), so a caller in trouble always reaches someone`,
    );
  }
  for (const s of transfers) {
    if (s.hours.overrides.some((o) => !o.open && o.to > now)) {
      problems.warnings.push(
        `${ctx.directoryFile}: services.${s.id}.closures: ${s.id} is in the safety net (${file}); while it is closed, the safety net skips it`,
      );
    }
  }
}

function readOffers(ctx: Context): Flow['offers'] {
  const { data, file, reserved, problems } = ctx;
  return Object.entries(data.offers).map(([key, id]) => {
    if (!KEY.test(key)) problems.errors.push(`${file}: offers.${keyName(key)}: a key is one of 0-9, * or #`);
    else if (reserved.has(key))
      problems.errors.push(`${file}: offers.${keyName(key)}: key ${key} is reserved for ${reserved.get(key)}`);
    return { key, target: target(ctx, id, `offers.${keyName(key)}`) };
  });
}

/** A key keeps its meaning: where an offer and a main-menu option share a key, they lead to the
 * same services (a transfer to the service, the first open of the group, or a menu of exactly
 * the group's services). */
function checkOfferKeys(ctx: Context, menus: Record<string, Menu>, offers: Flow['offers']): void {
  for (const o of menus.main?.options ?? []) {
    const offer = offers.find((x) => x.key === o.key);
    const leads = leadsTo(menus, o.action);
    const same = offer !== undefined && [...members(ctx, offer.target)].sort().join() === [...leads].sort().join();
    if (offer && !same) {
      ctx.problems.errors.push(
        `${ctx.file}: offers.${keyName(o.key)}: key ${o.key} leads to ${members(ctx, offer.target).join(', ')} here but to ${leads.join(', ') || 'no service'} in the main menu: a key must keep its meaning`,
      );
    }
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
  const { data, file, menuIds, problems } = ctx;
  for (const id of RESERVED_MENU_IDS) {
    if (menuIds.has(id))
      problems.errors.push(`${file}: menus.${id}: "${id}" is a name the line uses itself; choose another`);
  }
  if (!menuIds.has('main')) problems.errors.push(`${file}: menus: needs a menu called "main"`);
  const menus: Record<string, Menu> = {};
  for (const [id, menu] of Object.entries(data.menus)) {
    const place = `menus.${id}`;
    // Said before and after the options: the common keys, and the hours of any service or group.
    const vars = [...MENU_VARS, ...hoursPlaceholders(ctx.serviceIds, Object.keys(ctx.groups))];
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
  const { file, reserved, menuIds, problems } = ctx;
  const at = `${menu}.options.${keyName(key)}`;
  if (!KEY.test(key)) problems.errors.push(`${file}: ${at}: a key is one of 0-9, * or #`);
  else if (reserved.has(key))
    problems.errors.push(`${file}: ${at}: key ${key} is reserved for ${reserved.get(key)} in every menu`);
  let action: Action;
  if (o.menu !== undefined) {
    if (!menuIds.has(o.menu)) problems.errors.push(`${file}: ${at}.menu: unknown menu "${o.menu}"`);
    action = { type: 'menu', menu: o.menu };
  } else if (o.transfer !== undefined) {
    needService(ctx, o.transfer, `${at}.transfer`);
    action = { type: 'transfer', service: o.transfer };
  } else if (o.first_open !== undefined) {
    if (!Object.hasOwn(ctx.groups, o.first_open))
      problems.errors.push(
        `${file}: ${at}.first_open: unknown group "${o.first_open}" (groups: ${Object.keys(ctx.groups).join(', ')})`,
      );
    action = { type: 'first_open', group: o.first_open };
  } else {
    action = { type: 'repeat' };
  }
  if (o.say !== undefined) ctx.promptUses.push({ key: o.say, vars: OPTION_VARS, place: `${file}: ${at}.say` });
  else problems.warnings.push(`${file}: ${at}: no "say": the caller is not told about this key`);
  return { key, say: o.say, action };
}

/** A warning for each menu no key leads to from the main menu. */
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
