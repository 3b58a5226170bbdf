/**
 * `npm run map`: writes docs/call-flow.md from the line's data: a Mermaid diagram of every
 * menu, key and destination; the time a caller listens before each transfer starts; and every
 * prompt with its word count and speaking time. Flags long prompts and deep services.
 * Deterministic (no date of generation), so a test can tell when the committed file is stale.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config, Lang, Service } from '../config/types.js';
import { Engine } from '../engine.js';
import { ROOT } from '../paths.js';
import { blank, fill, placeholderUses } from '../placeholders.js';
import { displayPath, envPaths, isMain, loadLineConfig, runMain, UsageError, parseOptions } from './common.js';
import { servicePaths, languageKey, spoken, walk } from './menu-paths.js';
import { formatWallClock, parseWallClock } from './time.js';

export const DOC_PATH = join(ROOT, 'docs', 'call-flow.md');
export const WORDS_PER_MINUTE = 150;
/** Prompts longer than this are flagged. */
export const LONG_PROMPT_SECONDS = 20;
/** Services deeper than this (keys after the language choice) are flagged. */
export const MAX_KEYS = 2;
/** Paths are timed at the first instant each service is open from here (fixed: the file must not change by itself). */
export const REFERENCE = parseWallClock('2026-01-05T12:00').at;

/** Spoken words: tokens with a letter or a digit ("?" and ":" alone are not words). */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((t) => /[\p{L}\p{N}]/u.test(t)).length;
}

export function speakingSeconds(words: number): number {
  return (words * 60) / WORDS_PER_MINUTE;
}

const secs = (s: number) => `${s.toFixed(1)} s`;
const LANGUAGE_NAMES: Record<string, string> = { fr: 'Français', nl: 'Nederlands', en: 'English', de: 'Deutsch' };

/** The longest value each placeholder can take in a language, in words. */
function placeholderWords(config: Config, lang: Lang): Record<string, number> {
  const p = config.prompts[lang]!.prompts;
  const w = (k: string, vars?: Record<string, string>) => countWords(p[k] === undefined ? '' : vars ? fill(p[k], vars) : p[k]);
  const key = Math.max(1, w('key-star'), w('key-hash'));
  const name = Math.max(1, ...Object.values(config.services).map((s) => countWords(s.name[lang] ?? s.id)));
  const day = Math.max(1, w('today'), w('tomorrow'), ...[0, 1, 2, 3, 4, 5, 6].map((d) => w(`day-${d}`)));
  const time = Math.max(1, w('time-hour', { hour: '12' }), w('time-hour-minute', { hour: '12', minute: '30' }));
  return { key, repeat: key, back: key, name, day, time, hour: 1, minute: 1 };
}

/** A prompt's words with every placeholder at its longest value. */
export function promptWords(template: string, longest: Record<string, number>): number {
  let words = countWords(blank(template));
  for (const name of placeholderUses(template)) words += longest[name] ?? 1;
  return words;
}

/** Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Mermaid label text inside double quotes. */
function label(text: string): string {
  return text.replace(/#/g, '#35;').replace(/"/g, '#quot;');
}

const nodeId = (kind: string, id: string) => `${kind}_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
const ordinal = (n: number) => `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;

function diagram(config: Config): string[] {
  const { flow } = config;
  const lines = ['```mermaid', 'flowchart TD'];
  const langs = flow.languageMenu.options.map((o) => `${o.key} ${o.lang}`).join(' · ');
  lines.push(`  call(["A call comes in"]) --> lang{"Language choice: ${label(langs)}"}`);
  lines.push(`  lang --> ${nodeId('menu', 'main')}`);
  const firstOpen = new Map<string, string>();
  for (const menu of Object.values(flow.menus)) {
    const me = nodeId('menu', menu.id);
    lines.push(`  ${me}["${label(menu.id === 'main' ? 'main menu' : `menu ${menu.id}`)}"]`);
    for (const o of menu.options) {
      const a = o.action;
      if (a.type === 'menu') lines.push(`  ${me} -->|"${label(o.key)}"| ${nodeId('menu', a.menu)}`);
      else if (a.type === 'transfer') lines.push(`  ${me} -->|"${label(o.key)}"| ${nodeId('svc', a.service)}`);
      else if (a.type === 'repeat') lines.push(`  ${me} -->|"${label(o.key)} again"| ${me}`);
      else {
        const listKey = a.services.join(',');
        let node = firstOpen.get(listKey);
        if (!node) {
          node = `first_open_${firstOpen.size + 1}`;
          firstOpen.set(listKey, node);
          lines.push(`  ${node}{{"the first open of"}}`);
          a.services.forEach((s, i) => lines.push(`  ${node} -->|"${ordinal(i + 1)}"| ${nodeId('svc', s)}`));
        }
        lines.push(`  ${me} -->|"${label(o.key)}"| ${node}`);
      }
    }
  }
  for (const s of Object.values(config.services)) {
    lines.push(`  ${nodeId('svc', s.id)}[["${label(`${s.id} · ${s.dial} · ${s.hours.expression}`)}"]]`);
  }
  lines.push('  closed{{"Chosen service closed, or the transfer busy, unanswered or failed: the services open now, each on its key"}}');
  for (const { key, service } of flow.alternatives) lines.push(`  closed -.->|"${label(key)}"| ${nodeId('svc', service)}`);
  lines.push(`  safety{{"${flow.maxTries} failed tries in a row: the emergency numbers, then the first open of"}}`);
  flow.safetyNet.forEach((s, i) => lines.push(`  safety -.->|"${ordinal(i + 1)}"| ${nodeId('svc', s)}`));
  lines.push('```');
  return lines;
}

interface PathTiming {
  service: Service;
  keys: string[];
  greeting: number;
  menus: Array<{ id: string; seconds: number }>;
  transfer: number;
  total: number;
  /** False when the walk did not end in a transfer (the service never open). */
  reached: boolean;
  at: Date | undefined;
}

/** The first instant from REFERENCE at which a service is open (within a year). */
function firstOpen(service: Service): Date | undefined {
  if (service.hours.isOpen(REFERENCE)) return REFERENCE;
  return service.hours.intervals(REFERENCE, new Date(REFERENCE.getTime() + 366 * 86_400_000))[0]?.from;
}

function pathTimings(config: Config, lang: Lang): PathTiming[] {
  const engine = new Engine(config);
  const out: PathTiming[] = [];
  for (const path of servicePaths(config).values()) {
    const service = config.services[path.service]!;
    const at = firstOpen(service);
    const results = walk(config, engine, lang, path.keys, at ?? REFERENCE);
    const time = (i: number) => speakingSeconds(results[i]!.step.say.reduce((n, s) => n + countWords(spoken(config, s)), 0));
    const greeting = time(0);
    const menus = path.menus.map((id, i) => ({ id, seconds: time(i + 1) }));
    const last = results.at(-1)!.step;
    const transfer = time(results.length - 1);
    out.push({
      service,
      keys: path.keys,
      greeting,
      menus,
      transfer,
      total: greeting + menus.reduce((n, m) => n + m.seconds, 0) + transfer,
      reached: last.kind === 'dial' && last.service.id === service.id,
      at,
    });
  }
  return out;
}

/** The whole document, from the data. */
export function renderCallFlowMap(config: Config): string {
  const { flow } = config;
  const langs = config.languages;
  const paths = servicePaths(config);
  const src = config.sources;
  const out: string[] = [];
  out.push('# The call flow');
  out.push('');
  out.push('<!-- Generated by `npm run map`. Do not edit by hand. -->');
  out.push('');
  out.push(
    `Generated by \`npm run map\` from \`${displayPath(src.menus)}\`, \`${displayPath(src.directory)}\` and \`${displayPath(src.prompts)}/\` ` +
      `(${langs.map((l) => `\`${l}.yaml\``).join(', ')}). Do not edit it by hand: change the data and run \`npm run map\` again; ` +
      '`npm test` fails while this file is out of date.',
  );
  out.push('');

  // --- diagram
  out.push('## Menus, keys and destinations');
  out.push('');
  out.push(...diagram(config));
  out.push('');
  const keyWord = (k: string) => `\`${k}\``;
  out.push(
    `In every menu: ${keyWord(flow.keys.repeat)} says the menu again, ${keyWord(flow.keys.back)} goes back (to the main menu; from the main menu, to the language choice), ` +
      `${keyWord(flow.keys.switchLanguage)} switches to the other language. Dotted arrows: what a caller is offered when the chosen service is closed or a transfer ` +
      `does not go through (only the services open at that moment are said, each always on its own key), and where ${flow.maxTries} failed tries in a row lead.`,
  );
  out.push('');

  // --- flags
  const longest = Object.fromEntries(langs.map((l) => [l, placeholderWords(config, l)]));
  const longPrompts = langs.flatMap((l) =>
    Object.entries(config.prompts[l]!.prompts)
      .map(([key, text]) => ({ lang: l, key, seconds: speakingSeconds(promptWords(text, longest[l]!)) }))
      .filter((p) => p.seconds > LONG_PROMPT_SECONDS),
  );
  const deep = [...paths.values()].filter((p) => p.keys.length > MAX_KEYS);
  const unreached = Object.keys(config.services).filter((id) => !paths.has(id));
  out.push('## Flags');
  out.push('');
  out.push(
    `- Prompts over ${LONG_PROMPT_SECONDS} seconds: ` +
      (longPrompts.length ? longPrompts.map((p) => `\`${p.lang}\` \`${p.key}\` (${secs(p.seconds)})`).join(', ') + '.' : 'none.'),
  );
  out.push(
    `- Services more than ${MAX_KEYS} keys after the language choice: ` +
      (deep.length ? deep.map((p) => `\`${p.service}\` (${p.keys.join(' · ')})`).join(', ') + '.' : 'none.'),
  );
  out.push(
    '- Services no menu option transfers to: ' +
      (unreached.length ? unreached.map((id) => `\`${id}\``).join(', ') + ' (reached only as an alternative or through the safety net).' : 'none.'),
  );
  out.push('');

  // --- paths
  out.push('## Time to each service');
  out.push('');
  out.push(
    `Estimated at ${WORDS_PER_MINUTE} words a minute, for a caller who listens to every prompt in full before pressing a key: the longest path ` +
      '(callers can press a key during a prompt). It is what the line says on the menu path: the greeting in every language, each menu with its ' +
      `options and the offer of the other language, then what is said before the transfer starts. Timed at the first instant each service is open from ` +
      `${formatWallClock(REFERENCE)} (Brussels time); \`npm run hours\` shows what a caller hears while it is closed.`,
  );
  out.push('');
  for (const lang of langs) {
    const catalog = config.prompts[lang]!;
    out.push(`### ${LANGUAGE_NAMES[lang] ?? lang} (\`${catalog.language}\`)`);
    out.push('');
    out.push('| service | dials | keys | greeting | menus | before the transfer | total | flag |');
    out.push('|---|---|---|---|---|---|---|---|');
    for (const t of pathTimings(config, lang)) {
      const flags = [t.keys.length > MAX_KEYS ? `more than ${MAX_KEYS} keys` : '', t.reached ? '' : 'never open: no transfer'].filter(Boolean).join('; ');
      out.push(
        `| ${cell(t.service.name[lang] ?? t.service.id)} | \`${t.service.dial}\` | ${[languageKey(config, lang), ...t.keys].map((k) => `\`${k}\``).join(' · ')} | ` +
          `${secs(t.greeting)} | ${t.menus.map((m) => `${m.id} ${secs(m.seconds)}`).join(' + ')} | ${secs(t.transfer)} | **${secs(t.total)}** | ${flags} |`,
      );
    }
    out.push('');
  }

  // --- prompts
  out.push('## Prompts');
  out.push('');
  out.push(
    `Each placeholder is counted at its longest value in that language (\`{name}\`: the longest service name; \`{key}\`: the longest word for a key; ` +
      `\`{day}\`, \`{time}\`: the longest day and time). Seconds at ${WORDS_PER_MINUTE} words a minute; prompts over ${LONG_PROMPT_SECONDS} seconds are flagged.`,
  );
  out.push('');
  for (const lang of langs) {
    const catalog = config.prompts[lang]!;
    out.push(`### ${LANGUAGE_NAMES[lang] ?? lang} (\`${catalog.language}\`, \`${catalog.voice}\`)`);
    out.push('');
    out.push('| prompt | words | seconds | flag | text |');
    out.push('|---|---:|---:|---|---|');
    for (const [key, text] of Object.entries(catalog.prompts)) {
      const words = promptWords(text, longest[lang]!);
      const s = speakingSeconds(words);
      const flag = [s > LONG_PROMPT_SECONDS ? `over ${LONG_PROMPT_SECONDS} s` : '', catalog.audio.has(key) ? 'recorded' : ''].filter(Boolean).join('; ');
      out.push(`| \`${key}\` | ${words} | ${s.toFixed(1)} | ${flag} | ${cell(text)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

export const USAGE = `Usage: npm run map -- [--check] [--out FILE]

Writes ${displayPath(DOC_PATH)} from the line's data (HELPLINE_CONFIG, HELPLINE_MENUS and
HELPLINE_PROMPTS if set, else the built-in files).
  --check     write nothing; exit 1 if the file is out of date
  --out FILE  write there instead ("-" for standard output)`;

export interface MapIO {
  out(text: string): void;
  err(text: string): void;
}

/** `npm run map`; resolves with the exit status. */
export async function mapCli(argv: string[], io: MapIO): Promise<number> {
  const values = parseOptions(argv, { check: { type: 'boolean', default: false }, out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } }, USAGE);
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const doc = renderCallFlowMap(loadLineConfig(envPaths()));
  const target = values.out ?? DOC_PATH;
  if (values.check) {
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current === doc) {
      io.err(`${displayPath(target)} is up to date\n`);
      return 0;
    }
    io.err(`${displayPath(target)} is out of date: run npm run map\n`);
    return 1;
  }
  if (target === '-') {
    io.out(doc);
    return 0;
  }
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, doc);
  io.err(`wrote ${displayPath(target)}\n`);
  return 0;
}

if (isMain(import.meta.url)) {
  runMain(() => mapCli(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }));
}
