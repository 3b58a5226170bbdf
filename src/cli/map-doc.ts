/**
 * docs/call-flow.md, from the line's data: a Mermaid diagram of every menu, key and
 * destination; the time budgets per language (src/cli/budgets.ts); flags; and every prompt with
 * its words and speaking time. Deterministic (no date of generation), so a test can tell when
 * the committed file is stale.
 */
import type { Config, Lang, Target } from '../config/types.js';
import { fill, HOURS_PLACEHOLDER } from '../call/placeholders.js';
import { clockVars } from '../engine/index.js';
import { HoursWords } from '../engine/hours-words.js';
import { Phrasebook } from '../engine/phrasebook.js';
import {
  budgets,
  countWords,
  keyPaths,
  LIMITS,
  promptWords,
  speakingSeconds,
  WORDS_PER_MINUTE,
  type Figure,
} from './budgets.js';
import { displayPath } from './common.js';
import { formatWallClock, parseWallClock } from '../time/brussels.js';

/** Prompts longer than this are flagged. */
export const LONG_PROMPT_SECONDS = 20;
/** Services deeper than this on their shortest path (keys after the language choice) are flagged. */
export const MAX_KEYS = 2;
/** Budgets are timed at this instant, or a service's first opening after it (fixed: the file must not change by itself). */
export const REFERENCE = parseWallClock('2026-01-05T12:00').at;

const secs = (s: number) => (Number.isFinite(s) ? `${s.toFixed(1)} s` : 'never');
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** Mermaid label text inside double quotes. */
const label = (text: string) => text.replace(/#/g, '#35;').replace(/"/g, '#quot;');
const nodeId = (kind: string, id: string) => `${kind}_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
const targetNode = (t: Target) => (t.type === 'group' ? nodeId('group', t.group) : nodeId('svc', t.service));

/** Every budget of every language, at REFERENCE. */
export function allFigures(config: Config): Figure[] {
  return config.languages.flatMap((lang) => budgets(config, lang, REFERENCE));
}

/** The longest value each placeholder can take in a language, in words. */
function placeholderWords(config: Config, lang: Lang): Record<string, number> {
  const p = config.prompts[lang]!.prompts;
  const w = (k: string, vars?: Record<string, string>) => countWords(p[k] === undefined ? '' : fill(p[k], vars));
  const key = Math.max(1, w('key-star'), w('key-hash'));
  const name = Math.max(1, ...Object.values(config.services).map((s) => countWords(s.name[lang] ?? s.id)));
  const day = Math.max(1, w('today'), w('tomorrow'), ...[0, 1, 2, 3, 4, 5, 6].map((d) => w(`day-${d}`)));
  // A morning and an afternoon time, on the hour and not: the period's words differ in length.
  const clock = (h: number, m: number) =>
    w(
      m === 0 ? 'time-hour' : 'time-hour-minute',
      clockVars(h, m, (k) => p[k] ?? ''),
    );
  const time = Math.max(1, clock(9, 0), clock(9, 30), clock(17, 0), clock(17, 30));
  const number = Math.max(
    1,
    ...Object.values(config.services).map((s) => Math.ceil(s.dial.replace(/\D/g, '').length / 2)),
  );
  const period = Math.max(1, w('time-am'), w('time-pm'));
  // {hours:ID}: the directory's hours of ID, in the words the line says them.
  const hoursWords = new HoursWords(config, new Phrasebook(config));
  const hours = Object.fromEntries(
    Object.keys(config.usualWeeks).map((id) => [HOURS_PLACEHOLDER + id, countWords(hoursWords.hours(lang, id))]),
  );
  return {
    ...{ key, repeat: key, back: key, language: key, name, day, time, number },
    ...{ hour: 1, hour12: 1, minute: 1, minute2: 1, period },
    ...hours,
  };
}

function diagram(config: Config): string[] {
  const { flow } = config;
  const lines = ['```mermaid', 'flowchart TD'];
  const langs = flow.languages.map((l) => `${l.key} ${l.id}`).join(' · ');
  lines.push(
    `  call(["A call comes in: the emergency numbers in ${flow.greeting.join(', ')}"]) --> lang{"Language choice: ${label(langs)}"}`,
  );
  lines.push(`  lang --> ${nodeId('menu', 'main')}`);
  lines.push(`  lang -.->|"silence twice"| safety`);
  for (const menu of Object.values(flow.menus)) {
    const me = nodeId('menu', menu.id);
    lines.push(`  ${me}["${label(menu.id === 'main' ? 'main menu' : `menu ${menu.id}`)}"]`);
    for (const o of menu.options) {
      const a = o.action;
      const to =
        a.type === 'menu'
          ? nodeId('menu', a.menu)
          : a.type === 'transfer'
            ? nodeId('svc', a.service)
            : a.type === 'first_open'
              ? nodeId('group', a.group)
              : me;
      lines.push(`  ${me} -->|"${label(o.key)}${a.type === 'repeat' ? ' again' : ''}"| ${to}`);
    }
  }
  for (const g of Object.values(flow.groups)) {
    const byLang = Object.entries(g.byLang).map(([l, ids]) => `${l}: ${ids.join(', ')}`);
    lines.push(
      `  ${nodeId('group', g.id)}{{"${label([`first open of ${g.order.join(', ')}`, ...byLang].join(' · '))}"}}`,
    );
    for (const id of g.order) lines.push(`  ${nodeId('group', g.id)} --> ${nodeId('svc', id)}`);
  }
  for (const s of Object.values(config.services)) {
    const how = s.connect === 'say' ? 'number said' : s.dial;
    lines.push(`  ${nodeId('svc', s.id)}[["${label(`${s.id} · ${how} · ${s.hours.expression}`)}"]]`);
  }
  lines.push('  offers{{"Closed, failed, or a number said: what is open now and not failed, each on its key"}}');
  for (const { key, target } of flow.offers) lines.push(`  offers -.->|"${label(key)}"| ${targetNode(target)}`);
  lines.push(`  safety{{"Silence twice or ${flow.maxTries} wrong keys: the next open of"}}`);
  for (const t of flow.safetyNet) lines.push(`  safety -.-> ${targetNode(t)}`);
  lines.push('```');
  return lines;
}

function budgetSection(config: Config, figures: Figure[]): string[] {
  const out = ['## Time budgets', ''];
  out.push(
    `Counted at ${WORDS_PER_MINUTE} words a minute for a first-time caller who listens to everything said until the option they take has been ` +
      'said, then presses (a key cuts a prompt short); a silence counts the Gather time-out ' +
      `(${config.flow.gatherTimeout} s). Timed at ${formatWallClock(REFERENCE)} (Brussels time), or at a service's first opening after it. ` +
      `Budgets: the emergency numbers within ${LIMITS.emergency} s; a person ringing within ${LIMITS.speakNow} s on the "speak to someone" path; ` +
      `every service within ${LIMITS.service} s on its shortest path; a caller who never presses a key ringing a 24/7 service within ${LIMITS.silent} s; ` +
      `the whisper each service's staff hear (in its staff language) before the caller is put through, which the caller spends ringing, within ${LIMITS.whisper} s. ` +
      '`npm run map -- --check` fails when one is over.',
  );
  out.push('');
  for (const lang of config.languages) {
    const catalog = config.prompts[lang]!;
    out.push(`### ${lang} (\`${catalog.language}\`, \`${catalog.voice}\`)`, '');
    out.push('| what | keys after the language | rings | seconds | budget | |', '|---|---|---|---:|---:|---|');
    for (const f of figures.filter((x) => x.lang === lang)) {
      const keys = f.keys.length ? f.keys.map((k) => `\`${k}\``).join(' · ') : '';
      const said = Number.isFinite(f.seconds) && config.services[f.what]?.connect === 'say' ? 'number said' : '';
      out.push(
        `| ${cell(f.note ? `${f.what} (${f.note})` : f.what)} | ${keys} | ${f.rings ?? said} | ${secs(f.seconds)} | ${f.limit} s | ${f.over ? '**over**' : 'ok'} |`,
      );
    }
    out.push('');
  }
  return out;
}

function flags(config: Config): string[] {
  const langs = config.languages;
  const longest = Object.fromEntries(langs.map((l) => [l, placeholderWords(config, l)]));
  const long = langs.flatMap((l) =>
    Object.entries(config.prompts[l]!.prompts)
      .map(([key, text]) => ({ l, key, s: speakingSeconds(promptWords(text, longest[l]!)) }))
      .filter((p) => p.s > LONG_PROMPT_SECONDS),
  );
  // Each service's shortest key path (paths come shortest first): its own option, else a group's
  // (which reaches it only while those before it are closed or failed).
  const paths = keyPaths(config);
  const shortest = new Map<string, string[]>();
  for (const p of paths)
    if ('service' in p.target && !shortest.has(p.target.service)) shortest.set(p.target.service, p.keys);
  for (const p of paths) {
    const members = 'group' in p.target ? (config.flow.groups[p.target.group]?.order ?? []) : [];
    for (const id of members) if (!shortest.has(id)) shortest.set(id, p.keys);
  }
  const deep = [...shortest].filter(([, keys]) => keys.length > MAX_KEYS);
  const unreached = Object.keys(config.services).filter((id) => !shortest.has(id));
  return [
    '## Flags',
    '',
    `- Prompts over ${LONG_PROMPT_SECONDS} seconds: ${long.length ? long.map((p) => `\`${p.l}\` \`${p.key}\` (${secs(p.s)})`).join(', ') + '.' : 'none.'}`,
    `- Services more than ${MAX_KEYS} keys after the language choice: ${deep.length ? deep.map(([id, keys]) => `\`${id}\` (${keys.join(' · ')})`).join(', ') + '.' : 'none.'}`,
    `- Services no menu option leads to: ${unreached.length ? unreached.map((id) => `\`${id}\``).join(', ') + '.' : 'none.'}`,
    '',
  ];
}

function promptTables(config: Config): string[] {
  const out = ['## Prompts', ''];
  out.push(
    'Each placeholder is counted at its longest value in that language (`{name}`: the longest service name; `{key}`: the longest word for a key; ' +
      `\`{day}\`, \`{time}\`: the longest day and time; \`{hours:ID}\`: the directory's hours of ID, as the line says them). Seconds at ${WORDS_PER_MINUTE} words a minute; prompts over ${LONG_PROMPT_SECONDS} seconds are flagged.`,
    '',
  );
  for (const lang of config.languages) {
    const catalog = config.prompts[lang]!;
    const longest = placeholderWords(config, lang);
    out.push(
      `### ${lang} (\`${catalog.language}\`, \`${catalog.voice}\`)`,
      '',
      '| prompt | words | seconds | flag | text |',
      '|---|---:|---:|---|---|',
    );
    for (const [key, text] of Object.entries(catalog.prompts)) {
      const words = promptWords(text, longest);
      const s = speakingSeconds(words);
      const flag = [
        s > LONG_PROMPT_SECONDS ? `over ${LONG_PROMPT_SECONDS} s` : '',
        catalog.audio.has(key) ? 'recorded' : '',
      ]
        .filter(Boolean)
        .join('; ');
      out.push(`| \`${key}\` | ${words} | ${s.toFixed(1)} | ${flag} | ${cell(text)} |`);
    }
    out.push('');
  }
  return out;
}

/** The whole document, from the data. */
export function renderCallFlowMap(config: Config, figures: Figure[] = allFigures(config)): string {
  const { flow, sources: src } = config;
  const keys = flow.keys;
  const out = ['# The call flow', '', '<!-- Generated by `npm run map`. Do not edit by hand. -->', ''];
  out.push(
    `Generated by \`npm run map\` from \`${displayPath(src.menus)}\`, \`${displayPath(src.directory)}\` and \`${displayPath(src.prompts)}/\` ` +
      `(${config.languages.map((l) => `\`${l}.yaml\``).join(', ')}). Do not edit it by hand: change the data and run \`npm run map\` again; ` +
      '`npm test` fails while this file is out of date.',
    '',
    '## Menus, keys and destinations',
    '',
    ...diagram(config),
    '',
    `In every menu: \`${keys.repeat}\` says the menu again, \`${keys.back}\` goes back (to the main menu; from the main menu, to the language choice), ` +
      `\`${keys.language}\` goes to the language choice. Dotted arrows: what a caller is offered when the chosen service is closed, a transfer does not ` +
      'go through, or a number was said (only the services open now and not failed during the call, each always on its own key), and where a caller ' +
      'who does not choose is put through.',
    '',
    ...budgetSection(config, figures),
    ...flags(config),
    ...promptTables(config),
  );
  return out.join('\n');
}
