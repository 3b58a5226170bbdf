/**
 * Names are written as they are (PAG-ASA, Payoke, Child Focus); how a voice says each is data,
 * the `pronounce` table of prompts/<lang>.yaml, rendered as SSML inside <Say>: <sub alias>,
 * <phoneme alphabet="ipa">, <lang xml:lang>. The terminal caller shows the written name; the
 * espeak-ng check of each reading is scripts/pronounce.mjs.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCall, scriptedInput, type CallEvent } from '../src/cli/call.js';
import { parseWallClock } from '../src/time/brussels.js';
import { loadConfig } from '../src/config/load.js';
import { ROOT } from '../src/config/paths.js';
import { fixture, type Fixture } from './helpers/fixtures.js';
import { all, Call, makeApp, testConfig, type TwimlNode } from './helpers/twilio.js';

const config = testConfig();
const keyOf = (lang: string) => config.flow.languages.find((l) => l.id === lang)!.key;
/** The menu `option` leads to, in `lang`: its option keys pressed after the language choice. */
const MENU_KEYS = {
  centres: config.flow.menus.main!.options.find((o) => o.action.type === 'menu' && o.action.menu === 'centres')!.key,
  info: config.flow.menus.main!.options.find((o) => o.action.type === 'menu' && o.action.menu === 'info')!.key,
  minors: config.flow.menus.info!.options.find((o) => o.action.type === 'menu' && o.action.menu === 'info-minors')!.key,
};

async function answer(lang: string, keys: string[], cfg = config): Promise<TwimlNode> {
  const { app } = await makeApp({ config: cfg });
  onTestFinished(() => app.close());
  const call = new Call(app);
  await call.start();
  await call.keys(keyOf(lang), ...keys);
  return call.twiml;
}

/** Every SSML element inside the answer's <Say>s, with the <Say>'s language. */
function ssml(root: TwimlNode): Array<{ language: string; name: string; attrs: Record<string, string>; text: string }> {
  return all(root, 'Say').flatMap((say) =>
    say.children.map((c) => ({ language: say.attrs.language!, name: c.name, attrs: c.attrs, text: c.text })),
  );
}

const entry = (lang: string, name: string) => config.prompts[lang]!.pronounce[name];

describe('names in <Say>', () => {
  it('each name of the language table is an SSML element holding the written name', async () => {
    for (const lang of ['fr', 'en']) {
      const root = await answer(lang, [MENU_KEYS.centres]);
      const code = config.prompts[lang]!.language;
      const subs = ssml(root).filter((e) => e.name === 'sub');
      const pagAsa = config.services['pag-asa']!.name[lang]!;
      expect(subs, lang).toContainEqual({
        language: code,
        name: 'sub',
        attrs: { alias: (entry(lang, pagAsa) as { say: string }).say },
        text: pagAsa,
      });
      // The alias is said, never shown: the <Say>'s text is the written name.
      const text = all(root, 'Say')
        .map((s) => s.text)
        .join(' ');
      expect(text).toContain(pagAsa);
      expect(text).not.toContain((entry(lang, pagAsa) as { say: string }).say);
    }
  });

  it('a name read in another language is a <lang> element, only in the languages whose table says so', async () => {
    const fr = ssml(await answer('fr', [MENU_KEYS.info, MENU_KEYS.minors]));
    expect(fr.filter((e) => e.name === 'lang')).toEqual([
      { language: 'fr-BE', name: 'lang', attrs: { 'xml:lang': 'en-GB' }, text: 'Child Focus' },
    ]);
    const en = ssml(await answer('en', [MENU_KEYS.info, MENU_KEYS.minors]));
    expect(en.filter((e) => e.name === 'lang')).toEqual([]);
    expect(entry('en', 'Child Focus')).toBeUndefined();
  });

  it('an ipa entry is a <phoneme alphabet="ipa">, matched as a whole word only', async () => {
    const f = fixture();
    onTestFinished(() => f.remove());
    const fr = parse(f.read('fr')) as { pronounce: Record<string, unknown> };
    fr.pronounce.Sürya = { ipa: 'syʁˈja' };
    // A name inside a longer word is not that name.
    fr.pronounce.Anvers = { say: 'Anvèrs' };
    fr.pronounce.Anv = { say: 'never' };
    f.write('fr', stringify(fr));
    const cfg = testConfig({ directory: f.directory, menus: f.menus, prompts: f.prompts });
    const elements = ssml(await answer('fr', [MENU_KEYS.centres], cfg));
    expect(elements.filter((e) => e.name === 'phoneme')).toEqual([
      { language: 'fr-BE', name: 'phoneme', attrs: { alphabet: 'ipa', ph: 'syʁˈja' }, text: 'Sürya' },
    ]);
    expect(elements.filter((e) => e.attrs.alias === 'never')).toEqual([]);
    expect(elements.filter((e) => e.attrs.alias === 'Anvèrs').map((e) => e.text)).toEqual(['Anvers']);
  });

  it('the terminal caller shows the written names, never an alias', async () => {
    const r = await runCall({
      input: scriptedInput([keyOf('fr'), MENU_KEYS.centres, 'H']),
      at: parseWallClock('2026-11-30T10:00').at,
      config,
    });
    const said = r.events
      .filter((e): e is Extract<CallEvent, { event: 'say' }> => e.event === 'say')
      .map((e) => e.text)
      .join(' ');
    for (const id of ['pag-asa', 'payoke']) {
      const name = config.services[id]!.name.fr!;
      expect(said).toContain(name);
      const p = entry('fr', name);
      if (p && 'say' in p) expect(said).not.toContain(p.say);
    }
  });
});

describe('the pronounce table, checked at start-up', () => {
  function load(f: Fixture) {
    return loadConfig({ directory: f.directory, menus: f.menus, prompts: f.prompts });
  }

  it('refuses an entry with two readings or none, naming the file and the name', () => {
    const f = fixture();
    onTestFinished(() => f.remove());
    const nl = parse(f.read('nl')) as { pronounce: Record<string, unknown> };
    nl.pronounce.Payoke = { say: 'Pajoke', lang: 'en-GB' };
    nl.pronounce.Sürya = {};
    f.write('nl', stringify(nl));
    const r = load(f);
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    expect(errors.filter((e) => e.startsWith(f.path('nl')) && e.includes('pronounce.Payoke'))).toHaveLength(1);
    expect(errors.filter((e) => e.startsWith(f.path('nl')) && e.includes('pronounce.Sürya'))).toHaveLength(1);
  });
});

const espeak = spawnSync('espeak-ng', ['--version'], { encoding: 'utf8' }).status === 0;
const SCRIPT = join(ROOT, 'scripts', 'pronounce.mjs');
const runScript = (dir?: string) =>
  spawnSync(process.execPath, [SCRIPT, ...(dir ? [dir] : [])], { cwd: ROOT, encoding: 'utf8' });

describe.skipIf(!espeak)('the espeak-ng check (scripts/pronounce.mjs; needs espeak-ng)', () => {
  it('every reading of the shipped tables is what espeak-ng records', () => {
    const r = runScript();
    expect(r.stdout.trim().split('\n')).toHaveLength(
      config.languages.reduce((n, l) => n + Object.keys(config.prompts[l]!.pronounce).length, 0),
    );
    expect(r.status, r.stdout).toBe(0);
  });

  it('fails on a reading espeak-ng no longer gives, and on an entry never checked', () => {
    const f = fixture();
    onTestFinished(() => f.remove());
    const en = parse(f.read('en')) as { pronounce: Record<string, { say?: string; espeak?: string }> };
    en.pronounce['PAG-ASA']!.say = 'Pag-Asa';
    en.pronounce.Sürya = { say: 'Soorya' };
    f.write('en', stringify(en));
    const r = runScript(f.prompts);
    expect(r.status).toBe(1);
    expect(
      r.stdout
        .split('\n')
        .filter((l) => /listen again|add espeak/.test(l))
        .map((l) => l.split(':')[0]),
    ).toEqual(['en.yaml PAG-ASA', 'en.yaml Sürya']);
  });
});
