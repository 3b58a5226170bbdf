/**
 * The call state in the webhook URLs (src/call-state.ts): what the line writes it reads back
 * unchanged, and what it did not write (forged, stale or broken URLs) reads as absent, checked
 * against the configuration once.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { dialUrl, menuUrl, QUERY, readDialQuery, readMenuQuery, type CallState } from '../src/call-state.js';
import { ALTERNATIVES_MENU, LANGUAGE_MENU } from '../src/config/types.js';
import { assertValidTwiml, callParams, first, makeApp, post, testConfig } from './helpers/twilio.js';

const config = testConfig();

/** The query of a URL as Fastify hands it to a route (a repeated name: an array). */
function query(url: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URL(url, 'https://x.example').searchParams) {
    const prev = out[k];
    out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  return out;
}

describe('the call state in the URLs', () => {
  it('gives every query name one meaning, on every webhook', () => {
    const names = Object.values(QUERY);
    expect(new Set(names).size).toBe(names.length);
  });

  it('reads back every state the line writes', () => {
    const states: CallState[] = [{ menu: LANGUAGE_MENU, tries: 0 }];
    for (const lang of config.languages) {
      for (const menu of Object.keys(config.flow.menus)) {
        for (let tries = 0; tries < config.flow.maxTries; tries++) states.push({ lang, menu, tries });
      }
      for (const exclude of [undefined, ...Object.keys(config.services)]) states.push({ lang, menu: ALTERNATIVES_MENU, tries: 1, exclude });
    }
    for (const state of states) {
      for (const silent of [false, true]) {
        const url = menuUrl(state, silent);
        expect(url.startsWith('/voice/menu?')).toBe(true);
        expect(readMenuQuery(query(url), config)).toEqual({ state: { exclude: undefined, lang: undefined, ...state }, silent });
      }
    }
    for (const service of Object.keys(config.services)) {
      for (const safetyNet of [false, true]) {
        const url = dialUrl({ state: { lang: 'nl' }, service, safetyNet });
        expect(url.startsWith('/voice/dial?')).toBe(true);
        const read = readDialQuery(query(url), config);
        expect(read).toMatchObject({ state: { lang: 'nl' }, service, safetyNet });
      }
    }
  });

  it('keeps the URLs Twilio already holds readable (calls in flight across a deploy)', () => {
    expect(menuUrl({ lang: 'fr', menu: ALTERNATIVES_MENU, tries: 0, exclude: 'pag-asa' })).toBe('/voice/menu?l=fr&m=alt&t=0&x=pag-asa');
    expect(dialUrl({ state: { lang: 'fr' }, service: 'police' })).toBe('/voice/dial?l=fr&s=police');
  });

  it('reads unknown languages, menus and services, and prototype names, as absent', () => {
    for (const bad of ['de', 'FR', '', '__proto__', 'constructor', 'toString', 'x'.repeat(65)]) {
      const { state } = readMenuQuery({ l: bad, m: bad, t: '0', x: bad }, config);
      expect(state).toEqual({ lang: undefined, menu: undefined, tries: 0, exclude: undefined });
      expect(readDialQuery({ l: bad, s: bad }, config)).toMatchObject({ state: { lang: undefined }, service: undefined, safetyNet: false });
    }
  });

  it('reads silly tries counts as 0: not digits, negative, 100 and more, above max_tries', () => {
    const max = config.flow.maxTries;
    for (const t of ['-1', '1.5', '1e1', ' 1', '0x1', '１', '100', '2147483648', String(max + 1), 'NaN', '']) {
      expect(readMenuQuery({ l: 'fr', m: 'main', t }, config).state.tries, t).toBe(0);
    }
    expect(readMenuQuery({ l: 'fr', m: 'main', t: String(max) }, config).state.tries).toBe(max);
    expect(readMenuQuery({ l: 'fr', m: 'main', t: ['2', '0'] }, config).state.tries).toBe(2); // repeated: the first
  });
});

describe('forged states through the app', () => {
  it('an unknown menu goes back to the main menu, whatever the key', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    for (const m of ['__proto__', 'constructor', 'nope']) {
      const twiml = assertValidTwiml((await post(t.app, `/voice/menu?l=fr&m=${m}&t=0`, callParams({ Digits: '1' }))).body);
      expect(first(twiml, 'Dial')).toBeUndefined();
      expect(first(twiml, 'Gather')!.attrs.action).toMatch(/\/voice\/menu\?l=fr&m=main&t=0$/);
    }
  });

  it('a tries count above max_tries is read as 0: a wrong key says so and asks again', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    const twiml = assertValidTwiml((await post(t.app, '/voice/menu?l=fr&m=main&t=50', callParams({ Digits: '7' }))).body);
    expect(first(twiml, 'Dial')).toBeUndefined();
    expect(first(twiml, 'Gather')!.attrs.action).toMatch(/\/voice\/menu\?l=fr&m=main&t=1$/);
  });
});
