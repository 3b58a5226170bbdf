/**
 * `npm run map`: docs/call-flow.md is generated from the data and must be up to date; its
 * diagram, time budgets and prompt tables follow the data. The time budgets of issue 11 are
 * properties of the data, counted by walking the line's own engine (src/cli/budgets.ts), never
 * timed: checked against what the line does (the terminal caller, through the app's TwiML),
 * shown to fail when the data makes a caller wait longer, and computed for a language added as
 * data alone (German).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { runCall, scriptedInput, type CallEvent, type CallResult } from '../src/cli/call.js';
import {
  budgets,
  countWords,
  firstOpen,
  LIMITS,
  promptWords,
  speakingSeconds,
  WORDS_PER_MINUTE,
  type Figure,
} from '../src/cli/budgets.js';
import { allFigures, LONG_PROMPT_SECONDS, MAX_KEYS, REFERENCE, renderCallFlowMap } from '../src/cli/map-doc.js';
import { DOC_PATH, mapCli } from '../src/cli/map.js';
import type { Config } from '../src/config/types.js';
import { spokenNumber } from '../src/engine/index.js';
import { fill } from '../src/call/placeholders.js';
import { changeCopy, copyData, type DataCopy } from './helpers/fixtures.js';
import { addGerman, GERMAN } from './helpers/german.js';
import { testConfig } from './helpers/twilio.js';
import { MAP_CLI, runNode } from './helpers/built.js';

const config = testConfig();
const LANGS = config.flow.languages;
const figures = allFigures(config);
const doc = renderCallFlowMap(config, figures);

/** The lines under a heading, from `after` on, up to the next heading of the same level or higher. */
function section(text: string, heading: string, after = 0): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(heading, after);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.indexOf(' ') <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}
const rows = (lines: string[]) =>
  lines.filter((l) => l.startsWith('| ') && !l.startsWith('| what |') && !l.startsWith('| prompt |'));
const langHeading = (c: Config, id: string) =>
  `### ${id} (\`${c.prompts[id]!.language}\`, \`${c.prompts[id]!.voice}\`)`;
const langsOf = (c: Config) => c.flow.languages;
const load = (data: DataCopy) => testConfig({ directory: data.directory, menus: data.menus, prompts: data.prompts });
const figure = (list: Figure[], lang: string, what: string) => list.find((f) => f.lang === lang && f.what === what)!;
const secondsOf = (c: Config, lang: string, key: string) => speakingSeconds(countWords(c.prompts[lang]!.prompts[key]!));

const dialled = (r: CallResult) => r.events.flatMap((e) => (e.event === 'dial' ? [e.number] : []));
const sayText = (events: CallEvent[]) => events.flatMap((e) => (e.event === 'say' ? [e.text] : []));
/** Seconds to say everything the transcript says before its first transfer (or all of it). */
function saidBeforeDial(r: CallResult): number {
  const i = r.events.findIndex((e) => e.event === 'dial');
  return speakingSeconds(sayText(r.events.slice(0, i < 0 ? undefined : i)).reduce((n, t) => n + countWords(t), 0));
}
/**
 * Seconds a caller of `lang` who pressed `keys` listened, read from the transcript alone: in each
 * menu, everything said until the end of the option they took (a key cuts the rest short), then
 * everything said before the transfer, or up to `until` (a number said) in the last answer.
 */
function heard(r: CallResult, c: Config, lang: string, keys: string[], until?: string): number {
  const prompts = c.prompts[lang]!.prompts;
  const options = [fill(prompts['choose-language']!, { key: langsOf(c).find((l) => l.id === lang)!.key })];
  let menu = c.flow.menus.main!;
  for (const k of keys) {
    const o = menu.options.find((x) => x.key === k)!;
    options.push(fill(prompts[o.say!]!, { key: k }));
    if (o.action.type === 'menu') menu = c.flow.menus[o.action.menu]!;
  }
  const actions = r.events.flatMap((e, i) => (e.event === 'keys' ? [i] : []));
  const end = r.events.findIndex((e) => e.event === (until === undefined ? 'dial' : 'hangup'));
  let words = 0;
  [...actions, end].forEach((stop, n) => {
    const text = sayText(r.events.slice(n === 0 ? 0 : actions[n - 1]! + 1, stop)).join(' ');
    const upTo = n < options.length ? options[n]! : until;
    const at = upTo === undefined ? text.length : text.indexOf(upTo) + upTo.length;
    if (upTo !== undefined && text.indexOf(upTo) < 0) throw new Error(`"${upTo}" is not in "${text}"`);
    words += countWords(text.slice(0, at));
  });
  return speakingSeconds(words);
}
/** A caller of `lang` who presses `keys` at `at`, through the app (TwiML), until the caller hangs up. */
function keyCall(c: Config, lang: string, keys: string[], at: Date): Promise<CallResult> {
  return runCall({ input: scriptedInput([langsOf(c).find((l) => l.id === lang)!.key, ...keys, 'H']), at, config: c });
}

/** `npm run map -- --check` on a copy of the data, its document written first: exits 1 only for a budget over. */
async function checkCopy(data: DataCopy): Promise<{ code: number; err: string }> {
  vi.stubEnv('HELPLINE_CONFIG', data.directory);
  vi.stubEnv('HELPLINE_MENUS', data.menus);
  vi.stubEnv('HELPLINE_PROMPTS', data.prompts);
  onTestFinished(() => {
    vi.unstubAllEnvs();
  });
  const out = join(data.dir, 'call-flow.md');
  let err = '';
  const io = { out: () => undefined, err: (t: string) => (err += t) };
  expect(await mapCli(['--out', out], io)).toBe(0);
  err = '';
  const code = await mapCli(['--check', '--out', out], io);
  expect(err).toMatch(/up to date/);
  return { code, err };
}
const overLine = (f: Figure) => `${f.lang}: ${f.what}: ${f.seconds.toFixed(1)} s, over the budget of ${f.limit} s`;

describe('docs/call-flow.md', () => {
  it('is up to date with the data, and every budget is met: `npm run map -- --check` exits 0 (built script)', () => {
    expect(readFileSync(DOC_PATH, 'utf8'), 'docs/call-flow.md is out of date: run npm run map').toBe(doc);
    const run = runNode(MAP_CLI, {}, ['--check']);
    expect(run.stderr).toMatch(/up to date/);
    expect(run.stderr).not.toMatch(/over the budget/);
    expect(run.status).toBe(0);
  });

  it('the diagram has every language, menu and key, every group in its order per language, every service, the offers and the safety net', () => {
    const start = doc.indexOf('```mermaid');
    const mermaid = doc.slice(start, doc.indexOf('```', start + 3));
    const id = (kind: string, x: string) => `${kind}_${x.replace(/[^A-Za-z0-9]/g, '_')}`;
    for (const l of LANGS) expect(mermaid).toContain(`${l.key} ${l.id}`);
    for (const menu of Object.values(config.flow.menus)) {
      expect(mermaid).toContain(`  ${id('menu', menu.id)}[`);
      for (const o of menu.options)
        expect(mermaid).toMatch(new RegExp(`^  ${id('menu', menu.id)} -->\\|"${o.key}( again)?"\\| \\S+$`, 'm'));
    }
    for (const g of Object.values(config.flow.groups)) {
      expect(mermaid).toContain(`first open of ${g.order.join(', ')}`);
      for (const [lang, ids] of Object.entries(g.byLang)) expect(mermaid).toContain(`${lang}: ${ids.join(', ')}`);
    }
    for (const s of Object.values(config.services))
      expect(mermaid).toContain(`[["${s.id} · ${s.connect === 'say' ? 'number said' : s.dial} · `);
    for (const { key, target } of config.flow.offers)
      expect(mermaid).toMatch(
        new RegExp(
          `^  offers -\\.->\\|"${key}"\\| ${target.type === 'group' ? id('group', target.group) : id('svc', target.service)}$`,
          'm',
        ),
      );
    for (const t of config.flow.safetyNet)
      expect(mermaid).toMatch(
        new RegExp(`^  safety -\\.-> ${t.type === 'group' ? id('group', t.group) : id('svc', t.service)}$`, 'm'),
      );
    for (const line of mermaid.split('\n')) expect((line.match(/"/g) ?? []).length % 2, line).toBe(0); // quotes in labels are escaped
  });

  it('has a budget table per language: every figure, its seconds, and ok', () => {
    const budgetsAt = doc.split('\n').indexOf('## Time budgets');
    for (const l of LANGS) {
      const table = rows(section(doc, langHeading(config, l.id), budgetsAt));
      const mine = figures.filter((f) => f.lang === l.id);
      expect(table.length).toBe(mine.length);
      mine.forEach((f, i) => {
        const cells = table[i]!.split(' | ');
        expect(cells[0]).toBe(`| ${f.note ? `${f.what} (${f.note})` : f.what}`);
        expect(cells[1]).toBe(f.keys.map((k) => `\`${k}\``).join(' · '));
        expect(cells[3]).toBe(`${f.seconds.toFixed(1)} s`);
        expect(cells[4]).toBe(`${f.limit} s`);
        expect(cells[5]).toBe('ok |');
      });
    }
  });

  it('lists every prompt of each language with its words and seconds, and flags those over 20 s', () => {
    const long: string[] = [];
    const promptsAt = doc.split('\n').indexOf('## Prompts');
    for (const l of LANGS) {
      const catalog = config.prompts[l.id]!;
      const table = rows(section(doc, langHeading(config, l.id), promptsAt));
      expect(table.map((r) => /^\| `([^`]+)`/.exec(r)?.[1])).toEqual(Object.keys(catalog.prompts));
      for (const r of table) {
        const [, words, seconds, flag] = r.split(' | ');
        expect(Number(seconds)).toBeCloseTo(speakingSeconds(Number(words)), 5);
        expect(flag === `over ${LONG_PROMPT_SECONDS} s`).toBe(Number(seconds) > LONG_PROMPT_SECONDS);
        if (Number(seconds) > LONG_PROMPT_SECONDS) long.push(`\`${l.id}\` \`${/^\| `([^`]+)`/.exec(r)?.[1]}\``);
      }
    }
    const flags = section(doc, '## Flags').join('\n');
    // The flags list exactly the long prompts of the tables.
    const listed = /Prompts over 20 seconds: (.*)\./.exec(flags)?.[1] ?? '';
    expect(listed === 'none' ? [] : listed.split(', ').map((x) => x.replace(/ \([\d.]+ s\)$/, ''))).toEqual(long);
    expect(flags).toMatch(new RegExp(`Services more than ${MAX_KEYS} keys after the language choice: none\\.`));
    expect(flags).toMatch(/Services no menu option leads to: none\./);
  });

  it('counts words as a voice says them: punctuation alone is not a word, placeholders at their longest', () => {
    expect(countWords('En danger immédiat ? Raccrochez : 112, ou le 101.')).toBe(8);
    expect(countWords('17 12')).toBe(2);
    expect(WORDS_PER_MINUTE).toBe(150);
    expect(speakingSeconds(150)).toBe(60);
    expect(promptWords('Pour {name}, tapez {key}.', { name: 9, key: 1 })).toBe(12);
  });
});

describe.each(LANGS.map((l) => [l.id, l] as const))('the time budgets of the shipped data in %s', (lang) => {
  const mine = figures.filter((f) => f.lang === lang);

  it('every figure is within its budget', () => {
    expect(mine.filter((f) => f.over).map(overLine)).toEqual([]);
    expect(new Set(mine.map((f) => f.budget))).toEqual(new Set(Object.keys(LIMITS)));
  });

  it(`the emergency numbers are said within ${LIMITS.emergency} s: the first thing the line says, up to its last number`, async () => {
    const f = figure(mine, lang, 'the emergency numbers');
    expect(f.seconds).toBeLessThanOrEqual(LIMITS.emergency);
    const r = await runCall({ input: scriptedInput(['H']), at: REFERENCE, config });
    const words = sayText(r.events)[0]!
      .split(/\s+/)
      .filter((w) => countWords(w) > 0);
    const lastNumber = words.reduce((last, w, i) => (/\d/.test(w) ? i : last), -1);
    expect(words.slice(0, lastNumber + 1).join(' ')).toMatch(/112.*101|101.*112/);
    expect(f.seconds).toBeCloseTo(speakingSeconds(lastNumber + 1), 9);
  });

  it(`"speak to someone" rings a specialised centre within ${LIMITS.speakNow} s, and the line dials it on those keys`, async () => {
    const f = figure(mine, lang, 'speak to someone now');
    expect(f.seconds).toBeLessThanOrEqual(LIMITS.speakNow);
    expect(f.keys).toEqual(['1']);
    expect(f.rings).toBe('surya'); // the only centre whose night hours are confirmed
    const r = await keyCall(config, lang, f.keys, REFERENCE);
    expect(dialled(r)).toEqual([config.services.surya!.dial]);
    expect(f.seconds).toBeCloseTo(heard(r, config, lang, f.keys), 9);
    expect(f.seconds).toBeGreaterThan(config.flow.greeting.reduce((s, l) => s + secondsOf(config, l, 'greeting'), 0));
  });

  it(`every service is reached within ${LIMITS.service} s on its shortest path: transferred to, or its number said`, async () => {
    const services = mine.filter((f) => f.budget === 'service');
    expect(services.map((f) => f.what).sort()).toEqual(Object.keys(config.services).sort());
    for (const f of services) {
      const s = config.services[f.what]!;
      expect(f.seconds, f.what).toBeLessThanOrEqual(LIMITS.service);
      expect(f.keys.length, f.what).toBeLessThanOrEqual(MAX_KEYS);
      const r = await keyCall(config, lang, f.keys, firstOpen(s, REFERENCE));
      if (s.connect === 'say') {
        expect(f.rings, f.what).toBeUndefined();
        expect(dialled(r), f.what).toEqual([]);
        expect(f.seconds, f.what).toBeCloseTo(heard(r, config, lang, f.keys, spokenNumber(s.dial)), 9);
      } else {
        expect(f.rings, f.what).toBe(f.what);
        expect(dialled(r), f.what).toEqual([s.dial]);
        expect(f.seconds, f.what).toBeCloseTo(heard(r, config, lang, f.keys), 9);
      }
    }
  });

  it(`a caller who presses nothing rings a 24/7 service within ${LIMITS.silent} s: exactly what the line says, plus its time-outs`, async () => {
    const f = figure(mine, lang, 'a caller who presses nothing');
    expect(f.seconds).toBeLessThanOrEqual(LIMITS.silent);
    const rung = config.services[f.rings!]!;
    expect(rung.hours.expression).toBe('24/7');
    const r = await runCall({ input: scriptedInput(['T', 'T', 'H']), at: REFERENCE, config });
    expect(dialled(r)).toEqual([rung.dial]);
    const dial = r.events.findIndex((e) => e.event === 'dial');
    const waits = r.events.slice(0, dial).flatMap((e, i, all) =>
      e.event === 'silence'
        ? [
            all
              .slice(0, i)
              .filter((g) => g.event === 'gather')
              .at(-1),
          ]
        : [],
    );
    const timeouts = waits.reduce((n, g) => n + (g?.event === 'gather' ? g.timeout : Number.NaN), 0);
    expect(waits.length).toBe(2); // the choice once more, then a person
    expect(f.seconds).toBeCloseTo(saidBeforeDial(r) + timeouts, 9);
  });
});

describe('each budget fails when the data makes a caller wait longer', () => {
  it('a longer greeting: the emergency numbers come too late, and --check names them', async () => {
    const data = copyData();
    changeCopy(data, 'fr', (p) => {
      p.prompts.greeting = `Bonjour, vous êtes bien sur la ligne d'aide aux victimes. ${p.prompts.greeting}`;
    });
    const edited = allFigures(load(data));
    for (const l of LANGS) expect(figure(edited, l.id, 'the emergency numbers').over, l.id).toBe(true);
    const { code, err } = await checkCopy(data);
    expect(code).toBe(1);
    expect(err).toContain(overLine(figure(edited, 'fr', 'the emergency numbers')));
  });

  it('a slower way to a person: an intro before the main menu\'s options puts "speak to someone" over, in every language', async () => {
    const data = copyData();
    changeCopy(data, 'menus', (m) => (m.menus.main!.say = ['centres-footer']));
    const c = load(data);
    const edited = allFigures(c);
    for (const l of LANGS) {
      const f = figure(edited, l.id, 'speak to someone now');
      expect(f.seconds, l.id).toBeCloseTo(
        figure(figures, l.id, f.what).seconds + secondsOf(c, l.id, 'centres-footer'),
        9,
      );
      expect(f.over, l.id).toBe(true);
      expect(figure(edited, l.id, 'a caller who presses nothing').seconds).toBe(
        figure(figures, l.id, 'a caller who presses nothing').seconds,
      );
    }
    const { code, err } = await checkCopy(data);
    expect(code).toBe(1);
    for (const l of LANGS) expect(err).toContain(overLine(figure(edited, l.id, 'speak to someone now')));
  });

  it('a slower path to one service: 1712 behind a menu with an intro is over, the others are not', async () => {
    const data = copyData();
    changeCopy(data, 'menus', (m) => {
      m.menus.main!.options['4'] = { menu: 'violence', say: 'opt-violence-line' };
      m.menus.violence = {
        say: ['care-intro'],
        options: { '1': { transfer: 'violence-line', say: 'opt-violence-line' } },
      };
    });
    const edited = allFigures(load(data));
    const over = edited.filter((f) => f.over);
    expect(new Set(over.map((f) => f.what))).toEqual(new Set(['violence-line']));
    expect(over.map((f) => f.lang)).toEqual(LANGS.map((l) => l.id));
    for (const f of over) expect(f.keys).toEqual(['4', '1']);
    const { code, err } = await checkCopy(data);
    expect(code).toBe(1);
    for (const f of over) expect(err).toContain(overLine(f));
  });

  it('longer silences: a caller who presses nothing waits too long, and only that figure is over', async () => {
    const data = copyData();
    changeCopy(data, 'menus', (m) => (m.gather_timeout = 15));
    const edited = allFigures(load(data));
    for (const f of edited) {
      const before = figure(figures, f.lang, f.what);
      if (f.budget === 'silent')
        expect(f.seconds).toBeCloseTo(before.seconds + 2 * (15 - config.flow.gatherTimeout), 9);
      else expect(f.seconds, `${f.lang} ${f.what}`).toBe(before.seconds);
    }
    expect(edited.filter((f) => f.over).map((f) => `${f.lang} ${f.budget}`)).toEqual(
      LANGS.map((l) => `${l.id} silent`),
    );
    const { code, err } = await checkCopy(data);
    expect(code).toBe(1);
    for (const l of LANGS) expect(err).toContain(overLine(figure(edited, l.id, 'a caller who presses nothing')));
  });

  it('a silent caller put through to a service that is not open day and night never counts as reached', () => {
    const data = copyData();
    changeCopy(data, 'directory', (d) => (d.services.surya!.hours = 'Mo-Su 08:00-20:00'));
    const f = figure(allFigures(load(data)), 'fr', 'a caller who presses nothing');
    expect(f.rings).toBe('surya'); // open at the reference instant, but not 24/7
    expect(f.seconds).toBe(Number.POSITIVE_INFINITY);
    expect(f.over).toBe(true);
  });
});

describe('a fourth language added as data: German (de-DE, Polly.Vicki-Neural)', () => {
  const greetingSeconds = speakingSeconds(
    countWords(
      readFileSync(new URL('./fixtures/de.yaml', import.meta.url), 'utf8').match(/\n {2}greeting: "([^"]*)"/)![1]!,
    ),
  );

  /** Every key path's figure (all but the silent caller's and the emergency numbers'). */
  const keyed = (list: Figure[]) => list.filter((f) => f.budget === 'speakNow' || f.budget === 'service');

  it('in the language menu only: German has every figure, walked in German; the other languages lose nothing on a key path', async () => {
    const data = copyData();
    addGerman(data, { greeting: false });
    const c = load(data);
    const withGerman = allFigures(c);
    const de = budgets(c, GERMAN.id, REFERENCE);
    expect(withGerman.filter((f) => f.lang === GERMAN.id)).toEqual(de);
    expect(de.map((f) => f.what)).toEqual(figures.filter((f) => f.lang === 'fr').map((f) => f.what));
    expect(figure(de, 'de', 'speak to someone now').rings).toBe('surya');
    const r = await keyCall(c, GERMAN.id, ['1'], REFERENCE);
    expect(dialled(r)).toEqual([c.services.surya!.dial]);
    const dial = r.events.findIndex((e) => e.event === 'dial');
    expect(
      r.events
        .slice(0, dial)
        .filter((e) => e.event === 'say')
        .at(-1),
    ).toMatchObject({ language: GERMAN.code, voice: GERMAN.voice });
    for (const f of keyed(withGerman.filter((x) => x.lang !== GERMAN.id)))
      expect(f.seconds, `${f.lang} ${f.what}`).toBe(figure(figures, f.lang, f.what).seconds);
    // The silent caller hears the German choice twice.
    for (const l of LANGS) {
      expect(figure(withGerman, l.id, 'a caller who presses nothing').seconds).toBeCloseTo(
        figure(figures, l.id, 'a caller who presses nothing').seconds + 2 * secondsOf(c, GERMAN.id, 'choose-language'),
        9,
      );
    }
    // --check judges German like any language, naming each of its figures over (if any).
    const { code, err } = await checkCopy(data);
    const over = withGerman.filter((f) => f.over);
    expect(over.every((f) => f.lang === GERMAN.id)).toBe(true);
    expect(code).toBe(over.length ? 1 : 0);
    for (const f of over) expect(err).toContain(overLine(f));
  });

  it('in the greeting too: every key path of every language waits the German greeting longer, and "speak to someone" goes over everywhere', async () => {
    const data = copyData();
    addGerman(data, { greeting: true });
    const c = load(data);
    expect(c.flow.greeting.at(-1)).toBe(GERMAN.id);
    const withGerman = allFigures(c);
    for (const f of keyed(withGerman.filter((x) => x.lang !== GERMAN.id))) {
      expect(f.seconds, `${f.lang} ${f.what}`).toBeCloseTo(
        figure(figures, f.lang, f.what).seconds + greetingSeconds,
        9,
      );
    }
    for (const l of LANGS) {
      const silent = figure(withGerman, l.id, 'a caller who presses nothing');
      const extra =
        greetingSeconds + 2 * secondsOf(c, GERMAN.id, 'choose-language') + secondsOf(c, GERMAN.id, 'putting-through');
      expect(silent.seconds).toBeCloseTo(figure(figures, l.id, silent.what).seconds + extra, 9);
      // German comes after the emergency numbers of the first greeting language.
      expect(figure(withGerman, l.id, 'the emergency numbers').seconds).toBe(
        figure(figures, l.id, 'the emergency numbers').seconds,
      );
    }
    const { code, err } = await checkCopy(data);
    expect(code).toBe(1);
    for (const l of [...LANGS.map((x) => x.id), GERMAN.id]) {
      const f = figure(withGerman, l, 'speak to someone now');
      expect(f.over, l).toBe(true);
      expect(err).toContain(overLine(f));
    }
  });
});

describe('flags follow the data', () => {
  it('a service three keys deep, and a prompt made longer, are flagged', () => {
    const data = copyData();
    // 1712 behind two menus (its offer key removed: key 4 no longer leads to it alone).
    changeCopy(data, 'menus', (m) => {
      delete m.offers['4'];
      m.menus.main!.options['4'] = { menu: 'violence', say: 'opt-violence-line' };
      m.menus.violence = { say: [], options: { '1': { menu: 'violence-2', say: 'opt-violence-line' } } };
      m.menus['violence-2'] = { say: [], options: { '1': { transfer: 'violence-line', say: 'opt-violence-line' } } };
    });
    changeCopy(data, 'nl', (p) => {
      p.prompts['info-minors'] = `${'Dit is een lange zin. '.repeat(12)}${p.prompts['info-minors']}`;
    });
    const edited = renderCallFlowMap(load(data));
    const flags = section(edited, '## Flags').join('\n');
    expect(flags).toContain('`violence-line` (4 · 1 · 1)');
    expect(flags).toContain('`nl` `info-minors`');
  });
});

describe('the command', () => {
  it('--check fails on a stale file, naming it', async () => {
    const data = copyData();
    const stale = join(data.dir, 'call-flow.md');
    let err = '';
    const code = await mapCli(['--check', '--out', stale], { out: () => undefined, err: (t) => (err += t) });
    expect(code).toBe(1);
    expect(err).toMatch(/call-flow\.md is out of date/);
  });

  it('--out - prints the document', async () => {
    let out = '';
    expect(await mapCli(['--out', '-'], { out: (t) => (out += t), err: () => undefined })).toBe(0);
    expect(out).toBe(doc);
  });
});
