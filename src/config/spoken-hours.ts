/**
 * `{hours:ID}` in a menu's prompts: the usual week of service ID, or of group ID when its
 * services share one, which the line says in words (src/engine/hours-words.ts). So the prose never
 * states hours the directory contradicts; hours the line cannot say in words are refused here,
 * naming the prompt, the service and the fix.
 */
import { HOURS_PLACEHOLDER, placeholders } from '../call/placeholders.js';
import { usualWeek, type Week } from '../time/weekly.js';
import type { Problems } from './problems.js';
import type { Lang, PromptCatalog, Service, ServiceGroup } from './types.js';

/** The placeholders a menu's prompts may use for hours: one per service and group. */
export function hoursPlaceholders(serviceIds: Iterable<string>, groupIds: Iterable<string>): string[] {
  return [...serviceIds, ...groupIds].map((id) => HOURS_PLACEHOLDER + id);
}

export interface SpokenHoursInput {
  promptsDir: string;
  directoryFile: string;
  catalogs: Record<Lang, PromptCatalog>;
  services: Record<string, Service>;
  groups: Record<string, ServiceGroup>;
  now: Date;
  problems: Problems;
}

/** The usual week of every ID a prompt says the hours of; each one that cannot be said is an error. */
export function checkSpokenHours(input: SpokenHoursInput): Record<string, Week> {
  const { services, groups, directoryFile, problems } = input;
  const error = (path: string, message: string) =>
    problems.errors.push({ code: 'HL_ERR_PROMPT_PLACEHOLDERS', file: input.promptsDir, path, message });
  const weeks: Record<string, Week> = {};
  const done = new Set<string>();
  for (const [key, id] of hoursUses(input.catalogs)) {
    const path = `prompts.${key}`;
    const place = `{${HOURS_PLACEHOLDER}${id}}`;
    const members = Object.hasOwn(services, id)
      ? [services[id]!]
      : Object.hasOwn(groups, id)
        ? groups[id]!.order.flatMap((s) => (Object.hasOwn(services, s) ? [services[s]!] : []))
        : [];
    if (members.length === 0) continue; // an unknown ID is reported with the prompt's placeholders
    const all = members.map((s) => ({ s, week: usualWeek(s.hours, input.now) }));
    // A service closed for good ("off") is left out of its group's hours, as out of its offers.
    const open = all.filter((m) => m.week.kind !== 'never');
    const said = open.length > 0 ? open : all;
    const unsaid = said.find((m) => m.week.kind === 'unsaid');
    if (unsaid?.week.kind === 'unsaid') {
      if (!done.has(`${key}\u0000${id}`))
        error(
          path,
          `${place}: the line cannot say the hours of ${directoryFile}: services.${unsaid.s.id}.hours ("${unsaid.s.hours.expression}") in words: ${unsaid.week.why}. Give it hours the same every week, e.g. "Mo-Fr 09:00-17:00; PH off", or take {${HOURS_PLACEHOLDER}${id}} out of the prompt in every language`,
        );
    } else if (new Set(said.map((m) => JSON.stringify(m.week))).size > 1) {
      error(
        path,
        `${place}: the services of group ${id} (${members.map((s) => s.id).join(', ')}) have different hours in ${directoryFile}: name one service instead ({${HOURS_PLACEHOLDER}${members[0]!.id}}), or give them the same hours`,
      );
    } else {
      weeks[id] = said[0]!.week;
      if (weeks[id].kind === 'never' && !done.has(`${key}\u0000${id}`))
        problems.warnings.push({
          code: 'HL_WARN_NEVER_OPEN',
          file: input.promptsDir,
          path,
          message: `${place}: ${directoryFile}: services.${said[0]!.s.id} is never open: callers hear its hours as prompts.hours-never`,
        });
    }
    done.add(`${key}\u0000${id}`);
  }
  return weeks;
}

/** [prompt key, ID] for each {hours:ID} of each language's prompts, each pair once. */
function hoursUses(catalogs: Record<Lang, PromptCatalog>): Array<[string, string]> {
  const pairs = new Map<string, [string, string]>();
  for (const catalog of Object.values(catalogs))
    for (const [key, text] of Object.entries(catalog.prompts))
      for (const p of placeholders(text))
        if (p.startsWith(HOURS_PLACEHOLDER)) {
          const id = p.slice(HOURS_PLACEHOLDER.length);
          pairs.set(`${key}\u0000${id}`, [key, id]);
        }
  return [...pairs.values()];
}
