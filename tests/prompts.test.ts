/**
 * The prompt catalogs: one file per language with the same keys and placeholders, checked at
 * start-up; voices per language; recorded files replacing the voice.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { blank, fill, placeholders, placeholderUses } from '../src/call/placeholders.js';
import { DEFAULT_MENUS, DEFAULT_PROMPTS } from '../src/config/paths.js';
import { changeCopy, copyData, TINY_WAV } from './helpers/fixtures.js';
import { Call, all, makeApp, testConfig, BASE } from './helpers/twilio.js';

type Catalog = { prompts: Record<string, string> };
const read = (lang: string) => parse(readFileSync(join(DEFAULT_PROMPTS, `${lang}.yaml`), 'utf8')) as Catalog;
const menus = parse(readFileSync(DEFAULT_MENUS, 'utf8')) as {
  languages: Record<string, { key: string; voice: string; code: string }>;
};
const LANGS = Object.keys(menus.languages);

describe('the built-in catalogs', () => {
  const catalogs = Object.fromEntries(LANGS.map((l) => [l, read(l)]));

  it('are French, Dutch and English, each a prompts file with the same keys and placeholders', () => {
    expect(LANGS).toEqual(['fr', 'nl', 'en']);
    const [first, ...others] = LANGS.map((l) => catalogs[l]!);
    // A language's own word for an hour (time-hour-12: "midi", "midday") or a day of the month
    // (date-day-1: "1er") only where it needs one.
    const shared = (c: Catalog) =>
      Object.keys(c.prompts)
        .filter((k) => !/^(time-hour|date-day)-\d+$/.test(k))
        .sort();
    for (const [i, c] of others.entries()) {
      expect(shared(c), LANGS[i + 1]).toEqual(shared(first!));
      // A clock time: each language picks its own forms ("17 heures", "5 pm").
      for (const key of shared(first!))
        if (!key.startsWith('time-hour'))
          expect(placeholders(c.prompts[key]!), `${LANGS[i + 1]} ${key}`).toEqual(placeholders(first!.prompts[key]!));
    }
  });

  it('hold only prompts: the voices and language codes are in the menus, the Belgian voices and British English', () => {
    for (const l of LANGS) expect(Object.keys(catalogs[l]!), l).toEqual(['prompts', 'pronounce']);
    expect(Object.fromEntries(LANGS.map((l) => [l, [menus.languages[l]!.voice, menus.languages[l]!.code]]))).toEqual({
      fr: ['Polly.Isabelle-Neural', 'fr-BE'],
      nl: ['Polly.Lisa-Neural', 'nl-BE'],
      en: ['Polly.Amy-Neural', 'en-GB'],
    });
    const config = testConfig();
    for (const l of LANGS)
      expect([config.prompts[l]!.voice, config.prompts[l]!.language]).toEqual([
        menus.languages[l]!.voice,
        menus.languages[l]!.code,
      ]);
  });

  it('are written for the ear: no slashes, brackets or abbreviations a voice misreads', () => {
    for (const l of LANGS) {
      for (const [key, text] of Object.entries(catalogs[l]!.prompts)) {
        expect(text, `${l} ${key}`).not.toMatch(/[/()[\]]|\b(etc|ex|cf|tel|nr|bv|z\.n|e\.g|i\.e)\.|\d\s?h\b|\d{5,}/i);
      }
    }
  });

  it('load with no problem at all', () => {
    const r = loadConfig();
    expect(r.ok ? [] : r.errors).toEqual([]);
  });
});

describe('the {placeholder} syntax, parsed in one module', () => {
  it('lists each use in order, each name once, and fills and blanks the same places', () => {
    const t = 'Tapez {key} pour {name}, puis {key}.';
    expect(placeholderUses(t)).toEqual(['key', 'name', 'key']);
    expect(placeholders(t)).toEqual(['key', 'name']);
    expect(fill(t, { key: '1', name: 'Payoke' })).toBe('Tapez 1 pour Payoke, puis 1.');
    expect(blank(t, '_')).toBe('Tapez _ pour _, puis _.');
    // An unknown placeholder is left out, never read aloud, even one named like a property of every object.
    expect(fill('{constructor}{name}', { key: '1' })).toBe('');
  });
});

describe('catalog checks at start-up', () => {
  it('a key missing in one language is named with its file', () => {
    const data = copyData();
    changeCopy(data, 'en', (p) => {
      delete p.prompts.goodbye;
    });
    const r = loadConfig(data);
    expect(r.ok).toBe(false);
    expect(r.problems.filter((p) => p.code.startsWith('HL_ERR_'))).toEqual([
      expect.objectContaining({
        code: 'HL_ERR_PROMPT_MISSING',
        file: expect.stringMatching(/en\.yaml$/),
        path: 'prompts.goodbye',
        message: expect.stringContaining('fr.yaml, nl.yaml'),
      }),
    ]);
  });

  it('mismatched, unknown and unused placeholders and keys are each reported', () => {
    const data = copyData();
    changeCopy(data, 'fr', (p) => {
      p.prompts['opt-police'] = 'Pour la police, tapez {touche}.';
    });
    for (const lang of LANGS as Array<'fr' | 'nl' | 'en'>)
      changeCopy(data, lang, (p) => {
        p.prompts['stray-key'] = 'x';
      });
    const r = loadConfig(data);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContainEqual(
      expect.stringMatching(
        /prompts\.opt-police: placeholders differ between languages \(fr: \{touche\}; nl: \{key\}; en: \{key\}\)/,
      ),
    );
    expect(r.errors).toContainEqual(
      expect.stringMatching(/fr\.yaml: prompts\.opt-police: unknown placeholder \{touche\}/),
    );
    expect(r.errors).toContainEqual(expect.stringMatching(/prompts\.stray-key: not used/));
  });
});

describe('recorded prompts', () => {
  it('a prompts/audio/<lang>/<key>.wav file is played instead of spoken, and served with caching headers', async () => {
    const data = copyData();
    mkdirSync(join(data.prompts, 'audio', 'fr'), { recursive: true });
    writeFileSync(join(data.prompts, 'audio', 'fr', 'greeting.wav'), TINY_WAV);
    const config = testConfig(data);
    const app = await makeApp({ config });
    onTestFinished(() => app.app.close());
    const call = await new Call(app.app).start();
    const plays = all(call.twiml, 'Play');
    expect(plays.map((p) => p.text)).toEqual([`${BASE}/audio/fr/greeting.wav`]);
    // The other greetings have no recording: still spoken, each in its language; then the choice.
    const code = (id: string) => config.flow.languages.find((l) => l.id === id)!.code;
    const spoken = [...config.flow.greeting.filter((l) => l !== 'fr'), ...config.languages].map(code);
    expect(call.gather!.children.map((c) => c.name)).toEqual(['Play', ...spoken.map(() => 'Say')]);
    expect(call.languages).toEqual(spoken);
    const res = await app.app.inject({ method: 'GET', url: '/audio/fr/greeting.wav' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    expect(res.headers['cache-control']).toMatch(/max-age/);
    const again = await app.app.inject({
      method: 'GET',
      url: '/audio/fr/greeting.wav',
      headers: { 'if-none-match': String(res.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    for (const url of [
      '/audio/fr/goodbye.wav',
      '/audio/fr/..%2F..%2Fdirectory.yaml',
      '/audio/xx/greeting.wav',
      '/audio/en/greeting.wav',
    ]) {
      expect((await app.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
  });

  it('a recording of a prompt with placeholders, or of no prompt, is not used, with a warning naming the file', () => {
    const data = copyData();
    mkdirSync(join(data.prompts, 'audio', 'en'), { recursive: true });
    writeFileSync(join(data.prompts, 'audio', 'en', 'transfer.wav'), TINY_WAV);
    writeFileSync(join(data.prompts, 'audio', 'en', 'welcome.mp3'), 'ID3');
    const r = loadConfig(data);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.config.prompts.en!.audio.size).toBe(0);
    expect(r.warnings).toContainEqual(
      expect.stringMatching(/audio\/en\/transfer\.wav: prompt "transfer" has placeholders, so it is always spoken/),
    );
    expect(r.warnings).toContainEqual(
      expect.stringMatching(/audio\/en\/welcome\.mp3: no prompt "welcome" in en\.yaml/),
    );
  });
});
