/**
 * The call flow (menus.yaml): the keys that work everywhere, the language menu, the safety net,
 * the alternatives, and each menu's options. Checked against the directory's services; each
 * problem is noted with its file and path.
 */
import { KEY } from '../constants.js';
import { MENU_VARS, OPTION_VARS, type PromptUse } from './prompts.js';
import type { Problems } from './read.js';
import type { MenusData, OptionData } from './schema.js';
import { RESERVED_MENU_IDS, type Action, type Flow, type Lang, type Menu, type MenuOption, type Service } from './types.js';

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
  promptUses: PromptUse[];
}

/** The languages the line speaks: those of the language menu, each once. */
export function menuLanguages(data: MenusData): Lang[] {
  return [...new Set(Object.values(data.language_menu.options))];
}

export function checkMenus(input: MenusInput): MenusResult {
  const ctx: Context = { ...input, reserved: reservedKeys(input), menuIds: new Set(Object.keys(input.data.menus)), promptUses: [] };
  const m = input.data;
  const languageOptions = readLanguageMenu(ctx);
  checkSafetyNet(ctx);
  const alternatives = readAlternatives(ctx);
  const menus = readMenus(ctx);
  checkReachability(menus, input.file, input.problems.warnings);
  const flow: Flow = {
    keys: { repeat: m.keys.repeat, back: m.keys.back, switchLanguage: m.keys.switch_language },
    maxTries: m.max_tries,
    gatherTimeout: m.gather_timeout,
    languageMenu: { options: languageOptions, default: m.language_menu.default },
    safetyNet: m.safety_net,
    alternatives,
    menus,
  };
  return { flow, promptUses: ctx.promptUses };
}

/** A key as it appears in a path: digits bare, anything else quoted. */
function keyName(k: string): string {
  return /^\d$/.test(k) ? k : JSON.stringify(k);
}

function needService({ serviceIds, file, problems }: Context, id: string, place: string): void {
  if (!serviceIds.has(id)) problems.errors.push(`${file}: ${place}: unknown service "${id}" (the directory has: ${[...serviceIds].join(', ')})`);
}

function reservedKeys({ data, file, problems }: MenusInput): Map<string, string> {
  const reserved = new Map<string, string>([
    [data.keys.repeat, 'repeat'],
    [data.keys.back, 'back'],
    [data.keys.switch_language, 'switch_language'],
  ]);
  if (reserved.size !== 3) problems.errors.push(`${file}: keys: repeat, back and switch_language need three different keys`);
  return reserved;
}

function readLanguageMenu({ data, file, languages, problems }: Context): Flow['languageMenu']['options'] {
  const options = Object.entries(data.language_menu.options).map(([key, lang]) => ({ key, lang }));
  for (const { key } of options) {
    if (!KEY.test(key)) problems.errors.push(`${file}: language_menu.options.${keyName(key)}: a key is one of 0-9, * or #`);
  }
  if (!languages.includes(data.language_menu.default)) {
    problems.errors.push(`${file}: language_menu.default: "${data.language_menu.default}" is not one of the language menu's languages (${languages.join(', ')})`);
  }
  return options;
}

/** Known services, at least one open 24/7; a warning for each with a closure to come. */
function checkSafetyNet(ctx: Context): void {
  const { data, file, serviceIds, services, now, problems } = ctx;
  data.safety_net.forEach((id, i) => needService(ctx, id, `safety_net[${i}]`));
  if (data.safety_net.every((id) => serviceIds.has(id)) && !data.safety_net.some((id) => services[id]?.hours.weeklyAlwaysOpen(now))) {
    problems.errors.push(`${file}: safety_net: needs at least one service open 24/7 (hours "24/7"), so a caller in trouble always reaches someone`);
  }
  for (const id of new Set(data.safety_net)) {
    const s = services[id];
    if (s && s.hours.overrides.some((o) => !o.open && o.to > now)) {
      problems.warnings.push(`${ctx.directoryFile}: services.${id}.closures: ${id} is in the safety net (${file}); while it is closed, the safety net skips it`);
    }
  }
}

function readAlternatives(ctx: Context): Flow['alternatives'] {
  const { data, file, reserved, problems } = ctx;
  const alternatives = Object.entries(data.alternatives).map(([key, service]) => ({ key, service }));
  for (const { key, service } of alternatives) {
    if (!KEY.test(key)) problems.errors.push(`${file}: alternatives.${keyName(key)}: a key is one of 0-9, * or #`);
    else if (reserved.has(key)) problems.errors.push(`${file}: alternatives.${keyName(key)}: key ${key} is reserved for ${reserved.get(key)}`);
    needService(ctx, service, `alternatives.${keyName(key)}`);
  }
  return alternatives;
}

function readMenus(ctx: Context): Record<string, Menu> {
  const { data, file, menuIds, problems } = ctx;
  for (const id of RESERVED_MENU_IDS) {
    if (menuIds.has(id)) problems.errors.push(`${file}: menus.${id}: "${id}" is a name the line uses itself; choose another`);
  }
  if (!menuIds.has('main')) problems.errors.push(`${file}: menus: needs a menu called "main"`);
  const menus: Record<string, Menu> = {};
  for (const [id, menu] of Object.entries(data.menus)) {
    const place = `menus.${id}`;
    menu.say.forEach((key, i) => ctx.promptUses.push({ key, vars: MENU_VARS, place: `${file}: ${place}.say[${i}]` }));
    menu.footer.forEach((key, i) => ctx.promptUses.push({ key, vars: MENU_VARS, place: `${file}: ${place}.footer[${i}]` }));
    const options = Object.entries(menu.options).map(([key, o]) => readOption(ctx, place, key, o));
    menus[id] = { id, say: menu.say, footer: menu.footer, options };
  }
  return menus;
}

function readOption(ctx: Context, menu: string, key: string, o: OptionData): MenuOption {
  const { file, reserved, menuIds, problems } = ctx;
  const at = `${menu}.options.${keyName(key)}`;
  if (!KEY.test(key)) problems.errors.push(`${file}: ${at}: a key is one of 0-9, * or #`);
  else if (reserved.has(key)) problems.errors.push(`${file}: ${at}: key ${key} is reserved for ${reserved.get(key)} in every menu`);
  let action: Action;
  if (o.menu !== undefined) {
    if (!menuIds.has(o.menu)) problems.errors.push(`${file}: ${at}.menu: unknown menu "${o.menu}"`);
    action = { type: 'menu', menu: o.menu };
  } else if (o.transfer !== undefined) {
    needService(ctx, o.transfer, `${at}.transfer`);
    action = { type: 'transfer', service: o.transfer };
  } else if (o.transfer_first_open !== undefined) {
    o.transfer_first_open.forEach((s, i) => needService(ctx, s, `${at}.transfer_first_open[${i}]`));
    action = { type: 'first_open', services: o.transfer_first_open };
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
