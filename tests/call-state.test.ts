/**
 * The call state in the webhook URLs (src/call/call-state.ts): what the line writes it reads back
 * unchanged, and what it did not write (forged, stale or broken URLs) reads as absent, checked
 * against the configuration once.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  dialUrl,
  menuUrl,
  QUERY,
  readDialQuery,
  readMenuQuery,
  type CallState,
  type DialState,
} from '../src/call/call-state.js';
import { AFTER_CALL_MENU, ALTERNATIVES_MENU, LANGUAGE_MENU } from '../src/config/types.js';
import { all, assertValidTwiml, callParams, first, makeApp, post, testConfig } from './helpers/twilio.js';

const config = testConfig();
const SERVICES = Object.keys(config.services);

/** The query of a URL as Fastify hands it to a route (a repeated name: an array). */
function query(url: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URL(url, 'https://x.example').searchParams) {
    const prev = out[k];
    out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  return out;
}

/** Some lists of failed services, from none to all of them. */
const FAILED_LISTS: string[][] = [[], [SERVICES[0]!], SERVICES.slice(1, 3), SERVICES.slice(0, 5).reverse()];

describe('the call state in the URLs', () => {
  it('gives every query name one meaning, on every webhook', () => {
    const names = Object.values(QUERY);
    expect(new Set(names).size).toBe(names.length);
  });

  it('reads back every state the line writes', () => {
    const states: CallState[] = [
      { menu: LANGUAGE_MENU, tries: 0, failed: [] },
      { menu: LANGUAGE_MENU, tries: 1, failed: ['surya'] },
    ];
    for (const lang of config.languages) {
      for (const failed of FAILED_LISTS) {
        for (const menu of [...Object.keys(config.flow.menus), AFTER_CALL_MENU]) {
          for (let tries = 0; tries < config.flow.maxTries; tries++) states.push({ lang, menu, tries, failed });
        }
        for (const focus of [undefined, ...SERVICES])
          states.push({ lang, menu: ALTERNATIVES_MENU, tries: 1, failed, focus });
      }
    }
    for (const state of states) {
      for (const silent of [false, true]) {
        const url = menuUrl(state, silent);
        expect(url.startsWith('/voice/menu?')).toBe(true);
        expect(readMenuQuery(query(url), config)).toEqual({
          state: { lang: undefined, focus: undefined, ...state },
          silent,
        });
      }
    }
    for (const lang of config.languages) {
      for (const service of SERVICES) {
        for (const failed of FAILED_LISTS) {
          for (const net of [false, true]) {
            const state: DialState = { lang, service, failed, net };
            const url = dialUrl(state);
            expect(url.startsWith('/voice/dial?')).toBe(true);
            expect(readDialQuery(query(url), config)).toEqual(state);
          }
        }
      }
    }
  });

  it('reads back a failed list of every service of the directory (a call where everything failed)', () => {
    // The line writes it when every service failed or was said; read back shorter, the call
    // would forget its failures and offer them again.
    for (const failed of [SERVICES, [...SERVICES].reverse()]) {
      expect(
        readMenuQuery(query(menuUrl({ lang: 'en', menu: ALTERNATIVES_MENU, tries: 0, failed })), config).state.failed,
      ).toEqual(failed);
      expect(readDialQuery(query(dialUrl({ lang: 'en', service: 'surya', failed, net: true })), config).failed).toEqual(
        failed,
      );
    }
  });

  it('writes the short names, and leaves out what is empty', () => {
    expect(
      menuUrl({ lang: 'en', menu: ALTERNATIVES_MENU, tries: 0, failed: ['police', 'surya'], focus: 'surya' }),
    ).toBe('/voice/menu?lang=en&menu=alt&tries=0&failed=police.surya&focus=surya');
    expect(menuUrl({ lang: 'fr', menu: 'main', tries: 2, failed: [] }, true)).toBe(
      '/voice/menu?lang=fr&menu=main&tries=2&silent=1',
    );
    expect(menuUrl({ menu: LANGUAGE_MENU, tries: 0, failed: [] })).toBe('/voice/menu?menu=lang&tries=0');
    expect(dialUrl({ lang: 'nl', service: 'payoke', failed: ['surya'], net: true })).toBe(
      '/voice/dial?lang=nl&service=payoke&failed=surya&net=1',
    );
    expect(dialUrl({ lang: 'fr', service: 'surya', failed: [], net: false })).toBe('/voice/dial?lang=fr&service=surya');
  });

  it('keeps the URLs Twilio already holds readable (calls in flight across a deploy)', () => {
    // Written by the line before issue 11: l, m, t, s and n kept their meaning; x (the one
    // service left out of the offers) is no longer read, so it reads as nothing failed.
    expect(readMenuQuery(query('/voice/menu?lang=fr&menu=alt&tries=0&x=pag-asa'), config).state).toEqual({
      lang: 'fr',
      menu: ALTERNATIVES_MENU,
      tries: 0,
      failed: [],
      focus: undefined,
    });
    expect(readDialQuery(query('/voice/dial?lang=fr&service=police'), config)).toEqual({
      lang: 'fr',
      service: 'police',
      failed: [],
      net: false,
    });
    expect(readDialQuery(query('/voice/dial?lang=nl&service=surya&net=1'), config)).toEqual({
      lang: 'nl',
      service: 'surya',
      failed: [],
      net: true,
    });
  });

  it('reads unknown languages, menus and services, and prototype names, as absent; a transfer without a language is one made for a caller who chose none', () => {
    for (const bad of ['de', 'FR', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'x'.repeat(65)]) {
      const { state } = readMenuQuery({ l: bad, m: bad, t: '0', f: bad, o: bad }, config);
      expect(state).toEqual({ lang: undefined, menu: undefined, tries: 0, failed: [], focus: undefined });
      expect(readDialQuery({ l: bad, s: bad, f: bad, n: bad }, config)).toEqual({
        lang: undefined,
        service: undefined,
        failed: [],
        net: false,
      });
    }
  });

  it('reads a failed list as known services, each once, in order; anything else in it is left out', () => {
    const read = (f: string | string[]) => readMenuQuery({ l: 'fr', m: 'main', t: '0', f }, config).state.failed;
    expect(read('surya.pag-asa')).toEqual(['surya', 'pag-asa']);
    expect(read('surya.surya.payoke.surya')).toEqual(['surya', 'payoke']);
    expect(read('surya..__proto__.constructor.nobody.SURYA.payoke.')).toEqual(['surya', 'payoke']);
    expect(read('surya,pag-asa')).toEqual([]);
    expect(read(['payoke', 'surya'])).toEqual(['payoke']); // repeated: the first
    // Far longer than any list the line writes (every service of the directory, each once): refused unread.
    const huge = Array.from({ length: 200 }, () => 'surya').join('.');
    expect(huge.length).toBeGreaterThan(10 * SERVICES.join('.').length);
    expect(read(huge)).toEqual([]);
    expect(readDialQuery({ l: 'fr', s: 'surya', f: 'payoke.nobody.payoke' }, config).failed).toEqual(['payoke']);
  });

  it('reads silly tries counts as 0: not digits, negative, 100 and more, above max_tries', () => {
    const max = config.flow.maxTries;
    for (const t of ['-1', '1.5', '1e1', ' 1', '0x1', '１', '100', '2147483648', String(max + 1), 'NaN', '']) {
      expect(readMenuQuery({ l: 'fr', m: 'main', t }, config).state.tries, t).toBe(0);
    }
    expect(readMenuQuery({ l: 'fr', m: 'main', t: String(max) }, config).state.tries).toBe(max);
    expect(readMenuQuery({ l: 'fr', m: 'main', t: ['2', '0'] }, config).state.tries).toBe(2); // repeated: the first
  });

  it('reads only q=1 as silence and only n=1 as the safety net', () => {
    for (const v of ['0', 'true', '11', ' 1', '']) {
      expect(readMenuQuery({ l: 'fr', m: 'main', t: '0', q: v }, config).silent, v).toBe(false);
      expect(readDialQuery({ l: 'fr', s: 'surya', n: v }, config).net, v).toBe(false);
    }
  });
});

describe('forged states through the app', () => {
  it('an unknown menu goes back to the main menu, whatever the key', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    for (const m of ['__proto__', 'constructor', 'nope']) {
      const twiml = assertValidTwiml(
        (await post(t.app, `/voice/menu?lang=fr&menu=${m}&tries=0`, callParams({ Digits: '1' }))).body,
      );
      expect(first(twiml, 'Dial')).toBeUndefined();
      expect(first(twiml, 'Gather')!.attrs.action).toMatch(/\/voice\/menu\?lang=fr&menu=main&tries=0$/);
    }
  });

  it('a tries count above max_tries is read as 0: a wrong key says so and asks again', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    const twiml = assertValidTwiml(
      (await post(t.app, '/voice/menu?lang=fr&menu=main&tries=50', callParams({ Digits: '7' }))).body,
    );
    expect(first(twiml, 'Dial')).toBeUndefined();
    expect(first(twiml, 'Gather')!.attrs.action).toMatch(/\/voice\/menu\?lang=fr&menu=main&tries=1$/);
  });

  it('the failed list travels on: a forged one with unknown ids keeps only the services of the directory', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    const twiml = assertValidTwiml(
      (
        await post(
          t.app,
          '/voice/menu?lang=en&menu=main&tries=0&failed=surya.__proto__.nobody',
          callParams({ Digits: '1' }),
        )
      ).body,
    );
    // Speak to someone now: Sürya failed in this call, so the next centre is rung.
    const dial = first(twiml, 'Dial')!;
    expect(dial.children[0]!.text).not.toBe(config.services.surya!.dial);
    expect(dial.attrs.action).toMatch(/\/voice\/dial\?lang=en&service=[a-z-]+&failed=surya$/);
  });

  it('the failed list names each service once, even when the police number is asked for twice', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    // The police number was said once already (f=police); the caller chooses the police again.
    const twiml = assertValidTwiml(
      (await post(t.app, '/voice/menu?lang=fr&menu=main&tries=0&failed=police', callParams({ Digits: '5' }))).body,
    );
    expect(first(twiml, 'Dial')).toBeUndefined();
    expect(first(twiml, 'Gather')!.attrs.action).toMatch(
      /\/voice\/menu\?lang=fr&menu=alt&tries=0&failed=police&focus=police$/,
    );
  });

  it('a transfer outcome with a forged service or language is still answered, in a language of the line (or, with none, in every greeting language), with the offers or the safety net', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    for (const q of [
      'lang=xx&service=__proto__',
      'service=nobody&net=1',
      'lang=nl&service=constructor&failed=toString',
    ]) {
      const twiml = assertValidTwiml(
        (await post(t.app, `/voice/dial?${q}`, callParams({ DialCallStatus: 'busy' }))).body,
      );
      const langs = [...new Set(all(twiml, 'Say').map((s) => s.attrs.language))];
      const codes = (ids: readonly string[]) => ids.map((id) => config.flow.languages.find((l) => l.id === id)!.code);
      // lang=nl names a language of the line; xx, or none, is a caller who chose none.
      expect(langs, q).toEqual(q.startsWith('lang=nl') ? codes(['nl']) : codes(config.flow.greeting));
      expect(first(twiml, 'Gather') ?? first(twiml, 'Dial'), q).toBeDefined();
    }
  });
});

describe('query names', () => {
  it('are words, and the one-letter names of the previous release are still read', () => {
    const url = menuUrl({ lang: 'nl', menu: 'main', tries: 1, failed: ['surya'], focus: 'surya' }, true);
    expect(url).toBe('/voice/menu?lang=nl&menu=main&tries=1&failed=surya&focus=surya&silent=1');
    const legacy = readMenuQuery({ l: 'nl', m: 'main', t: '1', f: 'surya', o: 'surya', q: '1' }, config);
    expect(legacy).toEqual(readMenuQuery(Object.fromEntries(new URL(url, 'https://x').searchParams), config));
    expect(readDialQuery({ l: 'en', s: 'surya', n: '1' }, config)).toEqual(
      readDialQuery({ lang: 'en', service: 'surya', net: '1' }, config),
    );
  });
});
