/**
 * The time budgets of issue 11, computed from the data by walking the line's own engine: how
 * long a first-time caller listens before the emergency numbers, before a person's phone rings
 * on the "speak to someone" path, before each service's transfer, and, pressing nothing at
 * all, before a 24/7 service rings. Speech is counted at WORDS_PER_MINUTE; the caller listens to
 * everything said until the option they take has been said, then presses (a key cuts the
 * prompt short); silence counts the Gather's time-out.
 */
import type { Config, Lang, Service } from '../config/types.js';
import { Engine, type Speech, type Step, type WhisperWhy } from '../engine/index.js';
import { Whisper } from '../engine/whisper.js';
import { Phrasebook } from '../engine/phrasebook.js';
import { blank, placeholderUses } from '../call/placeholders.js';
import { spoken } from './menu-paths.js';

export const WORDS_PER_MINUTE = 150;
export const LIMITS = { emergency: 5, speakNow: 30, service: 45, silent: 60, whisper: 8 } as const;
/** Keys in a row the silent walk may take before it counts as never reaching anyone. */
const MAX_STEPS = 20;

/** Spoken words: tokens with a letter or a digit ("?" and ":" alone are not words). */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((t) => /[\p{L}\p{N}]/u.test(t)).length;
}

export function speakingSeconds(words: number): number {
  return (words * 60) / WORDS_PER_MINUTE;
}

function seconds(config: Config, say: readonly Speech[]): number {
  return speakingSeconds(say.reduce((n, s) => n + countWords(spoken(config, s)), 0));
}

/** What is said in a Gather until the option for `key` has been said (all of it if no option offers it). */
function untilOption(config: Config, step: Step, key: string): number {
  const i = step.say.findIndex((s) => s.vars?.key === key);
  return seconds(config, i < 0 ? step.say : step.say.slice(0, i + 1));
}

export interface Figure {
  lang: Lang;
  budget: keyof typeof LIMITS;
  /** What the figure is about: "emergency numbers", a service id, ... */
  what: string;
  keys: string[];
  seconds: number;
  limit: number;
  /** Said beside the figure in the map. */
  note?: string | undefined;
  /** The service rung, when the walk ends in a transfer. */
  rings?: string | undefined;
  over: boolean;
}

interface Walk {
  seconds: number;
  /** Seconds before the last step began. */
  before: number;
  last: Step;
}

/** A first-time caller who chooses `lang`, then presses `keys`, at `at`. */
export function walkKeys(config: Config, engine: Engine, lang: Lang, keys: string[], at: Date): Walk {
  const langKey = config.flow.languages.find((l) => l.id === lang)?.key;
  if (!langKey) throw new Error(`no key for language ${lang}`);
  let step = engine.start().step;
  let total = 0;
  for (const key of [langKey, ...keys]) {
    if (step.kind !== 'gather') break;
    total += untilOption(config, step, key);
    step = engine.input({ state: step.state, digits: key, silent: false, now: at }).step;
  }
  return { seconds: total + seconds(config, step.say), before: total, last: step };
}

/** A caller who never presses a key. */
export function walkSilent(config: Config, engine: Engine, at: Date): Walk {
  let step = engine.start().step;
  let total = 0;
  for (let i = 0; i < MAX_STEPS && step.kind === 'gather'; i++) {
    total += seconds(config, step.say) + config.flow.gatherTimeout;
    step = engine.input({ state: step.state, digits: undefined, silent: true, now: at }).step;
  }
  return { seconds: total + seconds(config, step.say), before: total, last: step };
}

/** Seconds until every number in the first thing said has been said. */
export function emergencySeconds(config: Config, engine: Engine, lang?: Lang): number {
  const say = engine.start().step.say;
  // The first thing said (the budget), or that language's own greeting (for the record).
  const i = lang === undefined ? 0 : say.findIndex((s) => s.lang === lang && s.key === 'greeting');
  const first = say[i];
  if (i < 0 || !first) return Number.POSITIVE_INFINITY;
  const words = spoken(config, first)
    .split(/\s+/)
    .filter((t) => /[\p{L}\p{N}]/u.test(t));
  let last = -1;
  words.forEach((w, j) => {
    if (/\d/.test(w)) last = j;
  });
  return last < 0 ? Number.POSITIVE_INFINITY : seconds(config, say.slice(0, i)) + speakingSeconds(last + 1);
}

/** Every key path from the main menu to a service, breadth first: the shortest come first. */
export function keyPaths(config: Config): Array<{ keys: string[]; target: { service: string } | { group: string } }> {
  const out: Array<{ keys: string[]; target: { service: string } | { group: string } }> = [];
  const seen = new Set(['main']);
  const queue = [{ menu: 'main', keys: [] as string[] }];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const o of config.flow.menus[at.menu]?.options ?? []) {
      const keys = [...at.keys, o.key];
      const a = o.action;
      if (a.type === 'transfer') out.push({ keys, target: { service: a.service } });
      else if (a.type === 'first_open') out.push({ keys, target: { group: a.group } });
      else if (a.type === 'menu' && !seen.has(a.menu)) {
        seen.add(a.menu);
        queue.push({ menu: a.menu, keys });
      }
    }
  }
  return out;
}

/** The figures of one language at `at` (an instant the line's services are open as usual). */
export function budgets(config: Config, lang: Lang, at: Date): Figure[] {
  const engine = new Engine(config);
  const figure = (f: Omit<Figure, 'over' | 'limit' | 'lang'>): Figure => ({
    ...f,
    lang,
    limit: LIMITS[f.budget],
    over: f.seconds > LIMITS[f.budget],
  });
  const out: Figure[] = [
    figure({
      budget: 'emergency',
      what: 'the emergency numbers',
      note: `first said; in ${lang}'s own words at ${emergencySeconds(config, engine, lang).toFixed(1)} s`,
      keys: [],
      seconds: emergencySeconds(config, engine),
    }),
  ];
  const paths = keyPaths(config);
  const speakNow = paths.find((p) => p.keys.length === 1 && 'group' in p.target);
  const rung = (last: Step) => (last.kind === 'dial' ? last.service.id : undefined);
  if (speakNow) {
    const w = walkKeys(config, engine, lang, speakNow.keys, at);
    out.push(
      figure({
        budget: 'speakNow',
        what: 'speak to someone now',
        keys: speakNow.keys,
        seconds: rung(w.last) ? w.seconds : Infinity,
        rings: rung(w.last),
      }),
    );
  } else {
    out.push(
      figure({ budget: 'speakNow', what: 'speak to someone now (no such option)', keys: [], seconds: Infinity }),
    );
  }
  for (const service of Object.values(config.services)) {
    let best: Walk & { keys: string[] } = { seconds: Infinity, before: 0, last: { kind: 'hangup', say: [] }, keys: [] };
    const when = firstOpen(service, at);
    for (const p of paths) {
      const w = walkKeys(config, engine, lang, p.keys, when);
      const until = reached(config, w, service);
      if (until < best.seconds) best = { ...w, seconds: until, keys: p.keys };
    }
    out.push(
      figure({ budget: 'service', what: service.id, keys: best.keys, seconds: best.seconds, rings: rung(best.last) }),
    );
  }
  const silent = walkSilent(config, engine, at);
  const allDay = silent.last.kind === 'dial' && silent.last.service.hours.weeklyAlwaysOpen(at);
  out.push(
    figure({
      budget: 'silent',
      what: 'a caller who presses nothing',
      keys: [],
      seconds: allDay ? silent.seconds : Infinity,
      rings: rung(silent.last),
    }),
  );
  return [...out, ...whisperFigures(config, lang)];
}

/**
 * The whisper each service's staff hear before the caller is put through (the caller rings
 * meanwhile), for a caller in `lang` (and, in the default language, one who chose none): the
 * longest over what can bring a caller there, with the key's request for `whisper: confirm`.
 */
export function whisperFigures(config: Config, lang: Lang): Figure[] {
  const whisper = new Whisper(config, new Phrasebook(config));
  const out: Figure[] = [];
  const callers = lang === config.flow.defaultLanguage ? [lang, undefined] : [lang];
  for (const service of Object.values(config.services)) {
    if (service.whisper === 'none' || service.connect !== 'transfer') continue;
    const groups = Object.values(config.flow.groups).filter((g) => g.order.includes(service.id));
    const whys: WhisperWhy[] = ['now', 'retry', 'service', ...groups.map((g) => `group:${g.id}` as const)];
    const longest = (confirm: boolean) =>
      Math.max(
        ...callers.flatMap((caller) =>
          whys.map((why) => seconds(config, whisper.speech(service, { lang: caller, why }, confirm))),
        ),
      );
    const confirm = service.whisper === 'confirm';
    const other = confirm ? '' : `; with whisper: confirm ${longest(true).toFixed(1)} s`;
    const none = callers.length > 1 ? ', or chose none' : '';
    out.push({
      lang,
      budget: 'whisper',
      what: `whisper to ${service.id}`,
      note: `${service.whisper}, in ${service.staffLanguage}, the longest for a caller in ${lang}${none}; the caller rings meanwhile${other}`,
      keys: [],
      seconds: longest(confirm),
      limit: LIMITS.whisper,
      rings: service.id,
      over: longest(confirm) > LIMITS.whisper,
    });
  }
  return out;
}

/** The first instant from `at` the service is open (within a year), else `at`. */
export function firstOpen(service: Service, at: Date): Date {
  if (service.hours.isOpen(at)) return at;
  return service.hours.intervals(at, new Date(at.getTime() + 366 * 86_400_000))[0]?.from ?? at;
}

/** Seconds until the walk reached the service: its transfer starts, or its number has been said. */
function reached(config: Config, w: Walk, service: Service): number {
  const { last } = w;
  if (last.kind === 'dial') return last.service.id === service.id ? w.seconds : Infinity;
  if (service.connect !== 'say') return Infinity;
  const i = last.say.findIndex((s) => s.key !== 'callback' && s.vars?.number !== undefined);
  if (i < 0) return Infinity;
  // Up to the number itself: the rest of that prompt comes after the caller has heard it.
  const said = last.say[i]!;
  const template = config.prompts[said.lang]?.prompts[said.key] ?? '';
  const upTo = countWords(blank(template.split('{number}')[0] ?? '')) + countWords(said.vars?.number ?? '');
  return w.before + seconds(config, last.say.slice(0, i)) + speakingSeconds(upTo);
}

/** A prompt's words with each placeholder counted as `longest[name]` words (1 if unknown). */
export function promptWords(template: string, longest: Record<string, number>): number {
  return countWords(blank(template)) + placeholderUses(template).reduce((n, p) => n + (longest[p] ?? 1), 0);
}
