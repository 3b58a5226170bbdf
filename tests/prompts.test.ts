/**
 * The prompt catalogs: one file per language with the same keys and placeholders, checked at
 * start-up; voices per language; recorded files replacing the voice.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { blank, fill, placeholders, placeholderUses } from '../src/placeholders.js';
import { DEFAULT_PROMPTS } from '../src/paths.js';
import { copyData } from './helpers/fixtures.js';
import { Call, all, makeApp, testConfig, BASE } from './helpers/twilio.js';

type Catalog = { voice: string; language: string; prompts: Record<string, string> };
const read = (lang: string) => parse(readFileSync(join(DEFAULT_PROMPTS, `${lang}.yaml`), 'utf8')) as Catalog;

describe('the built-in catalogs', () => {
  const fr = read('fr');
  const nl = read('nl');

  it('have the same keys and the same placeholders in French and Dutch', () => {
    expect(Object.keys(nl.prompts).sort()).toEqual(Object.keys(fr.prompts).sort());
    for (const key of Object.keys(fr.prompts)) expect(placeholders(nl.prompts[key]!), key).toEqual(placeholders(fr.prompts[key]!));
  });

  it('use the Belgian voices', () => {
    expect([fr.voice, fr.language]).toEqual(['Polly.Isabelle-Neural', 'fr-BE']);
    expect([nl.voice, nl.language]).toEqual(['Polly.Lisa-Neural', 'nl-BE']);
  });

  it('are written for the ear: no slashes, brackets or abbreviations a voice misreads', () => {
    for (const c of [fr, nl]) {
      for (const [key, text] of Object.entries(c.prompts)) {
        expect(text, key).not.toMatch(/[/()\[\]]|\b(etc|ex|cf|tel|nr|bv|z\.n)\.|\d\s?h\b|\d{5,}/i);
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
    data.edit('nl', (s) => s.replace(/^ {2}goodbye:.*\n/m, ''));
    const r = loadConfig(data);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toContainEqual(expect.stringMatching(/nl\.yaml: prompts\.goodbye: missing/));
  });

  it('mismatched, unknown and unused placeholders and keys are each reported', () => {
    const data = copyData();
    data.edit('fr', (s) => s.replace('Pour la police, tapez {key}.', 'Pour la police, tapez {touche}.').replace('  goodbye:', '  stray-key: "x"\n  goodbye:'));
    data.edit('nl', (s) => s.replace('  goodbye:', '  stray-key: "x"\n  goodbye:'));
    const r = loadConfig(data);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContainEqual(expect.stringMatching(/prompts\.opt-police: placeholders differ between languages/));
    expect(r.errors).toContainEqual(expect.stringMatching(/fr\.yaml: prompts\.opt-police: unknown placeholder \{touche\}/));
    expect(r.errors).toContainEqual(expect.stringMatching(/prompts\.stray-key: not used/));
  });
});

describe('recorded prompts', () => {
  it('a prompts/audio/<lang>/<key>.wav file is played instead of spoken, and served with caching headers', async () => {
    const data = copyData();
    mkdirSync(join(data.prompts, 'audio', 'fr'), { recursive: true });
    writeFileSync(join(data.prompts, 'audio', 'fr', 'welcome.wav'), Buffer.from('RIFF....WAVEfmt fake'));
    const app = await makeApp({ config: testConfig(data) });
    const call = await new Call(app.app).start();
    const plays = all(call.twiml, 'Play');
    expect(plays.map((p) => p.text)).toEqual([`${BASE}/audio/fr/welcome.wav`]);
    // The Dutch welcome has no recording: still spoken, in Dutch.
    expect(call.languages).toEqual(['fr-BE', 'nl-BE', 'fr-BE', 'nl-BE']);
    expect(call.gather!.children.map((c) => c.name)).toEqual(['Say', 'Say', 'Play', 'Say', 'Say']);
    const res = await app.app.inject({ method: 'GET', url: '/audio/fr/welcome.wav' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    expect(res.headers['cache-control']).toMatch(/max-age/);
    const again = await app.app.inject({ method: 'GET', url: '/audio/fr/welcome.wav', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
    for (const url of ['/audio/fr/goodbye.wav', '/audio/fr/..%2F..%2Fdirectory.yaml', '/audio/xx/welcome.wav']) {
      expect((await app.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
    await app.app.close();
  });
});
