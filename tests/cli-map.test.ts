/**
 * `npm run map`: docs/call-flow.md is generated from the data and must be up to date; its
 * diagram, path times and prompt tables follow the data; flags appear when the data earns them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countWords, DOC_PATH, LONG_PROMPT_SECONDS, mapCli, promptWords, renderCallFlowMap, speakingSeconds } from '../src/cli/map.js';
import { servicePaths } from '../src/cli/menu-paths.js';
import { copyData } from './helpers/fixtures.js';
import { testConfig } from './helpers/twilio.js';
import { MAP_CLI, runNode } from './helpers/built.js';

const config = testConfig();
const doc = renderCallFlowMap(config);

/** The lines of a section, from its heading to the next heading of the same level or higher. */
function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.indexOf(' ') <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}
const rows = (lines: string[]) => lines.filter((l) => l.startsWith('| ') && !l.startsWith('| service |') && !l.startsWith('| prompt |'));

describe('docs/call-flow.md', () => {
  it('is up to date with the data (run `npm run map` after changing a menu, a number or a prompt)', () => {
    expect(readFileSync(DOC_PATH, 'utf8'), 'docs/call-flow.md is out of date: run npm run map').toBe(doc);
  });

  it('the diagram has every menu, every key of every menu, and every service with its number', () => {
    const mermaid = doc.slice(doc.indexOf('```mermaid'), doc.indexOf('```', doc.indexOf('```mermaid') + 3));
    for (const menu of Object.values(config.flow.menus)) {
      const id = `menu_${menu.id.replace(/[^A-Za-z0-9]/g, '_')}`;
      expect(mermaid).toContain(`  ${id}[`);
      for (const o of menu.options) expect(mermaid).toMatch(new RegExp(`^  ${id} -->\\|"${o.key.replace(/[*]/g, '\\*')}( again)?"\\| \\S+$`, 'm'));
    }
    for (const s of Object.values(config.services)) expect(mermaid).toContain(`[["${s.id} · ${s.dial} · `);
    for (const { key } of config.flow.alternatives) expect(mermaid).toMatch(new RegExp(`^  closed -\\.->\\|"${key}"\\| svc_`, 'm'));
    for (const line of mermaid.split('\n')) expect((line.match(/"/g) ?? []).length % 2, line).toBe(0); // quotes in labels are escaped
  });

  it('times the path to every service in each language, with the language key first', () => {
    const paths = servicePaths(config);
    for (const [lang, name] of [
      ['fr', 'Français'],
      ['nl', 'Nederlands'],
    ] as const) {
      const table = rows(section(doc, `### ${name} (\`${lang}-BE\`)`));
      expect(table.length).toBe(paths.size);
      for (const path of paths.values()) {
        const row = table.find((r) => r.includes(`| \`${config.services[path.service]!.dial}\` |`));
        expect(row, path.service).toBeDefined();
        const keys = [lang === 'fr' ? '1' : '2', ...path.keys].map((k) => `\`${k}\``).join(' · ');
        expect(row).toContain(`| ${keys} |`);
        const [greeting, menus, before, total] = row!.split(' | ').slice(3, 7);
        expect(menus).toMatch(/^main \d+\.\d s( \+ \S+ \d+\.\d s)*$/);
        expect(Number.parseFloat(greeting!)).toBeGreaterThan(0);
        expect(Number.parseFloat(before!)).toBeGreaterThan(0);
        expect(total).toMatch(/^\*\*\d+\.\d s\*\*$/);
      }
    }
  });

  it('lists every prompt of each language with its words and seconds, and flags those over 20 s', () => {
    const long: string[] = [];
    for (const lang of ['fr', 'nl']) {
      const catalog = config.prompts[lang]!;
      const table = rows(section(doc, `### ${lang === 'fr' ? 'Français' : 'Nederlands'} (\`${catalog.language}\`, \`${catalog.voice}\`)`));
      expect(table.map((r) => /^\| `([^`]+)`/.exec(r)?.[1])).toEqual(Object.keys(catalog.prompts));
      for (const r of table) {
        const [, words, seconds, flag] = r.split(' | ');
        expect(Number(seconds)).toBeCloseTo(speakingSeconds(Number(words)), 5);
        expect(flag === `over ${LONG_PROMPT_SECONDS} s`).toBe(Number(seconds) > LONG_PROMPT_SECONDS);
        if (Number(seconds) > LONG_PROMPT_SECONDS) long.push(`\`${lang}\` \`${/^\| `([^`]+)`/.exec(r)?.[1]}\``);
      }
    }
    const flags = section(doc, '## Flags').join('\n');
    // The flags list exactly the long prompts of the tables (none today: the long sections are split).
    const listed = /Prompts over 20 seconds: (.*)\./.exec(flags)?.[1] ?? '';
    expect(listed === 'none' ? [] : listed.split(', ').map((x) => x.replace(/ \([\d.]+ s\)$/, ''))).toEqual(long);
    expect(flags).toMatch(/more than 2 keys after the language choice: none\./);
  });

  it('counts words as a voice says them: punctuation alone is not a word, placeholders at their longest', () => {
    expect(countWords('En danger immédiat ? Raccrochez : 112, ou le 101.')).toBe(8);
    expect(speakingSeconds(150)).toBe(60);
    expect(promptWords('Pour {name}, tapez {key}.', { name: 9, key: 1 })).toBe(12);
  });
});

describe('flags follow the data', () => {
  it('a service three keys deep, and a prompt made longer, are flagged', () => {
    const data = copyData();
    data.edit('menus', (t) =>
      t
        .replace('"3": { transfer: care-liege, say: opt-care-liege }', '"3": { menu: liege, say: opt-care-liege }')
        .concat('\n  liege:\n    say: [care-intro]\n    options:\n      "1": { transfer: care-liege, say: opt-care-liege }\n'),
    );
    data.edit('nl', (t) => t.replace('\n  info-minors: "', `\n  info-minors: "${'Dit is een lange zin. '.repeat(12)}`));
    const edited = renderCallFlowMap(testConfig({ directory: data.directory, menus: data.menus, prompts: data.prompts }));
    const flags = section(edited, '## Flags').join('\n');
    expect(flags).toContain('`care-liege` (5 · 3 · 1)');
    expect(flags).toContain('`nl` `info-minors`');
    const nl = rows(section(edited, '### Nederlands (`nl-BE`)'));
    expect(nl.find((r) => r.includes('`+3243679311`'))).toMatch(/\| `2` · `5` · `3` · `1` \| .* more than 2 keys \|$/);
  });
});

describe('the command', () => {
  it('--check passes on the committed file (built script), and fails on a stale one', async () => {
    const run = runNode(MAP_CLI, {}, ['--check']);
    expect(run.stderr).toMatch(/up to date/);
    expect(run.status).toBe(0);
    const data = copyData();
    const stale = join(data.dir, 'call-flow.md');
    let err = '';
    const code = await mapCli(['--check', '--out', stale], { out: () => undefined, err: (t) => (err += t) });
    expect(code).toBe(1);
    expect(err).toMatch(/out of date/);
  });

  it('--out - prints the document', async () => {
    let out = '';
    expect(await mapCli(['--out', '-'], { out: (t) => (out += t), err: () => undefined })).toBe(0);
    expect(out).toBe(doc);
  });
});
