/**
 * Reads and checks the operator's data: the service directory, the menus and the prompts.
 * Every problem is collected with its place (file and path), so one start-up names them all.
 */
import { KEY } from '../constants.js';
import { DEFAULT_DIRECTORY, DEFAULT_MENUS, DEFAULT_PROMPTS } from '../paths.js';
import { RESERVED_MENU_IDS, type Action, type Config, type Flow, type Lang, type Menu } from './types.js';
import { parseData, readYaml } from './read.js';
import { checkDirectory, directorySettings } from './directory.js';
import { checkPrompts, MENU_VARS, OPTION_VARS, readPrompts, systemPromptUses, type PromptUse } from './prompts.js';
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

  const directory = checkDirectory({ data: d, file: directoryFile, languages, languagesKnown: menusReadable, now, problems: { errors, warnings } });
  const services = directory.services;
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

  promptUses.push(...directory.promptUses);
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
      settings: directorySettings(d, paths.hotlineNumber),
      services,
      flow,
      prompts,
      sources: { directory: directoryFile, menus: menusFile, prompts: promptsDir, hotlineNumber: paths.hotlineNumber },
    },
  };
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
