/**
 * For the map and the hours audit (not the terminal caller, which must know only TwiML): the
 * key path to each service through the menus data, and a walk of that path through the line's
 * own engine at a chosen instant, so both report what the line itself would say.
 */
import type { Config, Lang } from '../config/types.js';
import { type Engine, LANGUAGE_MENU, type Result, type Speech } from '../engine/index.js';
import { fill } from '../call/placeholders.js';

export interface MenuPath {
  service: string;
  /** Keys after the language choice, e.g. ["2", "1"]. */
  keys: string[];
  /** The menus the caller passes through, from "main". */
  menus: string[];
}

/** The shortest key path from the main menu to every service an option transfers to. */
export function servicePaths(config: Config): Map<string, MenuPath> {
  const paths = new Map<string, MenuPath>();
  const menus = config.flow.menus;
  const seen = new Set<string>(['main']);
  const queue: Array<{ menu: string; keys: string[]; menus: string[] }> = [{ menu: 'main', keys: [], menus: ['main'] }];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const o of menus[at.menu]?.options ?? []) {
      const keys = [...at.keys, o.key];
      if (o.action.type === 'transfer' && !paths.has(o.action.service)) {
        paths.set(o.action.service, { service: o.action.service, keys, menus: at.menus });
      } else if (o.action.type === 'menu' && !seen.has(o.action.menu)) {
        seen.add(o.action.menu);
        queue.push({ menu: o.action.menu, keys, menus: [...at.menus, o.action.menu] });
      }
    }
  }
  return paths;
}

/** The language menu's key for a language. */
export function languageKey(config: Config, lang: Lang): string {
  const o = config.flow.languages.find((x) => x.id === lang);
  if (!o) throw new Error(`no key for language ${lang} in the language menu`);
  return o.key;
}

/** The line's answers to a call that chooses `lang` and then presses `keys`, at `at`:
 * [greeting, main menu, ...one per key]. */
export function walk(config: Config, engine: Engine, lang: Lang, keys: string[], at: Date): Result[] {
  const results: Result[] = [engine.start()];
  let r = engine.input({
    state: { menu: LANGUAGE_MENU, tries: 0, failed: [] },
    digits: languageKey(config, lang),
    now: at,
  });
  results.push(r);
  for (const key of keys) {
    if (r.step.kind !== 'gather') throw new Error(`the call ended before key ${key} (${r.step.kind})`);
    r = engine.input({ state: r.step.state, digits: key, now: at });
    results.push(r);
  }
  return results;
}

/** A Speech as the line says it. */
export function spoken(config: Config, s: Speech): string {
  return fill(config.prompts[s.lang]?.prompts[s.key] ?? '', s.vars);
}
