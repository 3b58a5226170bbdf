/**
 * Reads and checks the operator's data: the service directory, the menus and the prompts.
 * Every problem is collected with its place (file and path), so one start-up names them all.
 * The checks live with their part: schema.ts (shapes), directory.ts, menus.ts, prompts.ts.
 */
import { DEFAULT_DIRECTORY, DEFAULT_MENUS, DEFAULT_PROMPTS } from './paths.js';
import { checkDirectory, directorySettings } from './directory.js';
import { checkMenus, menuLanguages } from './menus.js';
import { checkPrompts, readPrompts, systemPromptUses, whisperPromptUses } from './prompts.js';
import { formatProblem, noProblems, type Problem } from './problems.js';
import { parseData, readYaml } from './read.js';
import { inBrusselsTime } from '../time/zone.js';
import { checkSpokenHours } from './spoken-hours.js';
import { directorySchema, menusSchema } from './schema.js';
import type { Config } from './types.js';

export interface ConfigPaths {
  directory?: string | undefined;
  menus?: string | undefined;
  prompts?: string | undefined;
  /** The helpline's own number from the deployment (HOTLINE_NUMBER), over the directory's
   * settings.hotline_number. */
  hotlineNumber?: string | undefined;
}

/** `errors` and `warnings` as lines for people; `problems` with their codes, for tools and tests. */
export type LoadResult =
  | { ok: true; config: Config; warnings: string[]; problems: Problem[] }
  | { ok: false; errors: string[]; warnings: string[]; problems: Problem[] };

/** Load and check everything. Never throws: problems come back with their codes. */
export function loadConfig(paths: ConfigPaths = {}, now: Date = new Date()): LoadResult {
  const sources = {
    directory: paths.directory ?? DEFAULT_DIRECTORY,
    menus: paths.menus ?? DEFAULT_MENUS,
    prompts: paths.prompts ?? DEFAULT_PROMPTS,
    hotlineNumber: paths.hotlineNumber,
  };
  const problems = noProblems();
  const lines = () => ({
    errors: problems.errors.map(formatProblem),
    warnings: problems.warnings.map(formatProblem),
    problems: [...problems.errors, ...problems.warnings],
  });
  const failed = (): LoadResult => ({ ok: false, ...lines() });
  if (!inBrusselsTime()) {
    problems.errors.push({
      code: 'HL_ERR_TIME_ZONE',
      file: sources.directory,
      path: '',
      message:
        'opening hours are read in local time, and this process is not in Europe/Brussels: call useBrusselsTime() (src/time/zone.ts) at the start, or set TZ=Europe/Brussels',
    });
    return failed();
  }

  const dirRaw = readYaml(sources.directory, problems);
  const menusRaw = readYaml(sources.menus, problems);
  const dir = parseData(directorySchema, dirRaw, sources.directory, problems);
  const menus = parseData(menusSchema, menusRaw, sources.menus, problems);
  // Languages come from the menus; each needs prompts/<lang>.yaml.
  const entries = menus ? menuLanguages(menus, sources.menus, problems) : [];
  const languages = entries.map((l) => l.id);
  const prompts = readPrompts(sources.prompts, entries, problems);
  if (!dir) return failed();

  // When the menus or a prompt file cannot be read, the directory's own problems (numbers,
  // hours) are still checked, so one start lists them all.
  const languagesKnown = menus !== undefined && Object.keys(prompts.catalogs).length === languages.length;
  const directory = checkDirectory({
    data: dir,
    file: sources.directory,
    languages,
    languagesKnown,
    defaultLanguage: menus?.default_language,
    now,
    problems,
  });
  if (!menus || !languagesKnown) return failed();

  const serviceIds = new Set(Object.keys(dir.services));
  const menusInput = {
    data: menus,
    file: sources.menus,
    directoryFile: sources.directory,
    languages,
    serviceIds,
    services: directory.services,
    now,
    problems,
  };
  const callFlow = checkMenus(menusInput, entries);
  const whisperUses = whisperPromptUses(languages, Object.keys(callFlow.flow.groups), sources.menus);
  checkPrompts(
    prompts,
    [...callFlow.promptUses, ...directory.promptUses, ...systemPromptUses(), ...whisperUses],
    problems.errors,
  );
  const usualWeeks = checkSpokenHours({
    promptsDir: sources.prompts,
    directoryFile: sources.directory,
    catalogs: prompts.catalogs,
    services: directory.services,
    groups: callFlow.flow.groups,
    now,
    problems,
  });
  if (problems.errors.length > 0) return failed();

  return {
    ok: true,
    warnings: lines().warnings,
    problems: lines().problems,
    config: {
      languages,
      settings: directorySettings(dir, paths.hotlineNumber),
      services: directory.services,
      flow: callFlow.flow,
      prompts: prompts.catalogs,
      usualWeeks,
      sources,
    },
  };
}
