/**
 * Issue 16, what callers hear (items 1, 2, 4 and 6): the police's number heard again, a caller
 * who chose no language spoken to in every greeting language, the offers' order, and clock
 * times as each language says them. Driven as Twilio drives the line.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { AFTER_CALL_MENU } from '../src/engine/index.js';
import { changeCopy, copyData, inFileOrder, service } from './helpers/fixtures.js';
import { BASE, Call, all, makeApp, testConfig, type TestApp } from './helpers/twilio.js';
import { OFFER_KEYS, POLICE, dialOf, safetyNet } from './helpers/expected.js';

const WEDNESDAY_10 = '2026-12-02T10:00:00+01:00';
const SATURDAY_11 = '2026-12-05T11:00:00+01:00';
const config = testConfig();
const LANGS = config.flow.languages;
const byId = (id: string) => LANGS.find((l) => l.id === id)!;
const GREETING = config.flow.greeting.map(byId);
const EN = byId('en');

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ at: WEDNESDAY_10 });
});
afterAll(() => t.app.close());

const call = () => new Call(t.app).start();
const says = (c: Call) => all(c.twiml, 'Say');
const said = (c: Call) =>
  says(c)
    .map((s) => s.text)
    .join(' ');
const voices = (c: Call) => says(c).map((s) => [s.attrs.language, s.attrs.voice]);
const action = (c: Call) => c.gather!.attrs.action!.slice(BASE.length);
const query = (c: Call) => Object.fromEntries(new URL(c.gather!.attrs.action!).searchParams);
/** The keys the offers are read with, in the order said (an offer names its key last). */
const offerKeys = (c: Call) =>
  says(c)
    .flatMap((s) => [...s.text.matchAll(/\b([0-9])\.(?:\s|$)/g)])
    .map((m) => m[1]!);

describe('1. the police number can be heard again', () => {
  it.each(LANGS.map((l) => [l.id, l] as const))(
    '%s: * after the number says the whole message again, number first',
    async (_, l) => {
      const c = await call();
      await c.keys(l.key, ...POLICE.keys);
      const first = c.xml;
      expect(says(c)[0]!.text).toContain(POLICE.said);
      await c.press(config.flow.keys.repeat);
      expect(c.xml).toBe(first);
      expect(says(c)[0]!.text).toContain(POLICE.said);
    },
  );

  it.each(LANGS.map((l) => [l.id, l] as const))(
    '%s: the police key in the offers says the number again, and is never a wrong key',
    async (_, l) => {
      const c = await call();
      await c.keys(l.key, ...POLICE.keys);
      const first = c.xml;
      // Three presses: never "not in this menu", never counted, never put through elsewhere.
      for (let i = 0; i < config.flow.maxTries; i++) {
        await c.press(OFFER_KEYS.police);
        expect(c.dial).toBeUndefined();
        expect(c.hungUp).toBe(false);
        expect(query(c)).toMatchObject({ lang: l.id, menu: 'alt', tries: '0', focus: POLICE.id });
        expect(c.xml).toBe(first);
      }
    },
  );

  it('after a centre failed, the police key still says the number, with the offers that are left', async () => {
    const c = await call();
    await c.keys(EN.key, ...POLICE.keys);
    await c.press(OFFER_KEYS.centres);
    const rung = c.dialled;
    await c.outcome('busy');
    await c.press(OFFER_KEYS.police);
    expect(c.dial).toBeUndefined();
    expect(says(c)[0]!.text).toContain(POLICE.said);
    expect(query(c)).toMatchObject({ tries: '0', focus: POLICE.id });
    await c.press(OFFER_KEYS.centres);
    expect(c.dialled).toBeDefined();
    expect(c.dialled).not.toBe(rung);
  });

  it('* after a closed service says again that it is closed and when it opens, then the offers', async () => {
    t.setNow(SATURDAY_11);
    try {
      const c = await call();
      await c.keys(EN.key, '4'); // 1712: closed at weekends
      const first = c.xml;
      expect(said(c)).toMatch(/\bMonday\b/);
      await c.press(config.flow.keys.repeat);
      expect(c.xml).toBe(first);
    } finally {
      t.setNow(WEDNESDAY_10);
    }
  });

  it('* after a failed transfer says first that the service could not be reached, then the offers', async () => {
    const c = await call();
    await c.keys(EN.key, '4');
    await c.outcome('no-answer');
    const offers = offerKeys(c);
    await c.press(config.flow.keys.repeat);
    const name = config.services['violence-line']!.name.en!;
    expect(says(c)[0]!.text.startsWith(config.prompts.en!.prompts['dial-failed']!.replace('{name}', name))).toBe(true);
    expect(offerKeys(c)).toEqual(offers);
  });
});

describe('2. a caller who never chose a language hears everything in every greeting language', () => {
  const codes = GREETING.map((l) => [l.code, l.voice]);
  /** Silent at the language choice twice: put through to a 24/7 service. */
  const silent = async () => {
    const c = await call();
    await c.silence();
    await c.silence();
    expect(c.dialled).toBe(dialOf(safetyNet(config.flow.defaultLanguage)[0]!));
    expect(new URL(c.dial!.attrs.action!).searchParams.has('lang')).toBe(false);
    return c;
  };

  it.each([
    ['busy', false],
    ['no-answer', false],
    ['completed', false], // declined: answered, the whisper's key never pressed
  ] as const)(
    'a failed transfer (%s, bridged %s): "we are trying another service", then the next "putting you through", in every greeting language, each in its own voice',
    async (status, bridged) => {
      const c = await silent();
      const first = c.dialled;
      await c.outcome(status, bridged);
      expect(c.dialled).toBeDefined();
      expect(c.dialled).not.toBe(first);
      expect(voices(c)).toEqual(codes);
      expect(new URL(c.dial!.attrs.action!).searchParams.has('lang')).toBe(false);
      // Briefly: another service is tried, and its name; not why the last one failed.
      for (const [i, s] of says(c).entries()) {
        expect(s.text.startsWith(config.prompts[GREETING[i]!.id]!.prompts['dial-trying-another']!)).toBe(true);
        expect(s.text.split(/[.!?](?:\s|$)/).filter(Boolean)).toHaveLength(2);
      }
    },
  );

  it('after the call: the menu, a wrong key, and the goodbye with the emergency numbers, all in every greeting language', async () => {
    const c = await silent();
    await c.outcome('completed');
    expect(voices(c)).toEqual(codes);
    // focus: the service just reached, for the "I did not reach anyone" key (issue 15).
    const reached = `focus=${new URL(c.history.at(-2)!.children.find((n) => n.name === 'Dial')!.attrs.action!).searchParams.get('service')}`;
    expect(action(c)).toBe(`/voice/menu?menu=${AFTER_CALL_MENU}&tries=0&${reached}`);
    await c.press('7');
    expect(voices(c)).toEqual(codes);
    expect(action(c)).toBe(`/voice/menu?menu=${AFTER_CALL_MENU}&tries=1&${reached}`);
    await c.silence();
    expect(c.hungUp).toBe(true);
    expect(voices(c)).toEqual(codes);
    for (const s of says(c)) expect(s.text).toMatch(/112/);
  });

  it('after the call, the back key leads to the language choice (their only main menu)', async () => {
    const c = await silent();
    await c.outcome('completed');
    await c.press(config.flow.keys.back);
    expect(action(c)).toBe('/voice/menu?menu=lang&tries=0');
    await c.press(EN.key);
    expect(action(c)).toBe('/voice/menu?lang=en&menu=main&tries=0');
  });

  it('when nobody is left: the emergency numbers, a number to call back and goodbye, in every greeting language', async () => {
    const c = await silent();
    for (let i = 0; c.dial && i < 20; i++) {
      await c.outcome('failed');
      if (c.dial) expect(voices(c)).toEqual(codes);
    }
    expect(c.hungUp).toBe(true);
    expect(voices(c)).toEqual(codes);
    for (const s of says(c)) expect(s.text).toMatch(/112/);
    // Nothing else is tried: not "we are trying another service".
    for (const l of GREETING) expect(said(c)).not.toContain(config.prompts[l.id]!.prompts['dial-trying-another']!);
  });

  it('a caller who chose a language and was then put through for silence stays in that language', async () => {
    const c = await call();
    await c.keys(EN.key);
    await c.silence();
    await c.silence();
    await c.outcome('busy');
    expect(new Set(c.languages)).toEqual(new Set([EN.code]));
    await c.outcome('completed');
    expect(new Set(c.languages)).toEqual(new Set([EN.code]));
  });
});

describe('4. offers: like services first, then key order', () => {
  const CARE_GHENT = ['3', '2'];

  it.each([
    ['a care centre failed: another care centre first, then the rest in key order', CARE_GHENT, ['3', '1', '4', '5']],
    ['a centre failed: another centre first', ['2', '1'], ['1', '3', '4', '5']],
    ['1712 failed: nothing like it, so key order', ['4'], ['1', '3', '5']],
  ])('%s', async (_, keys, expected) => {
    for (const l of LANGS) {
      const c = await call();
      await c.keys(l.key, ...keys);
      await c.outcome('no-answer');
      expect(offerKeys(c), l.id).toEqual(expected);
      await c.press(config.flow.keys.repeat);
      expect(offerKeys(c), `${l.id} repeated`).toEqual(expected);
    }
  });

  it('after the police number: key order', async () => {
    const c = await call();
    await c.keys(EN.key, ...POLICE.keys);
    expect(offerKeys(c)).toEqual(['1', '3', '4']);
  });

  it('offers written out of key order in menus.yaml are still read in key order, like services first', async () => {
    const data = copyData();
    changeCopy(data, 'menus', (m) => {
      // 1712 on # instead of 4, in the main menu and in the offers.
      const main = m.menus.main!.options;
      expect(main['4']?.transfer).toBe('violence-line');
      main['#'] = main['4']!;
      delete main['4'];
      const offers = Object.entries(m.offers).map(([key, id]) => [key === '4' ? '#' : key, id] as const);
      expect(offers.map(([key]) => key)).toEqual(['1', '3', '#', '5']);
      // Written in the file in reverse: "5", "#", "3", "1".
      m.offers = inFileOrder(offers.reverse());
    });
    const app = await makeApp({ at: WEDNESDAY_10, config: testConfig(data) });
    onTestFinished(() => app.app.close());
    const c = await new Call(app.app).start();
    await c.keys(EN.key, ...CARE_GHENT);
    await c.outcome('busy');
    const hash = config.prompts.en!.prompts['key-hash']!;
    const keys = says(c).flatMap((s) =>
      [...s.text.matchAll(new RegExp(`press ([0-9]|${hash})\\.`, 'g'))].map((m) => m[1]),
    );
    expect(keys).toEqual(['3', '1', '5', hash]);
  });
});

describe('6. clock times as each language says them', () => {
  /** A closure of PAG-ASA from 09:00 until `until` on the test's Wednesday. */
  const closedUntil = async (until: string) => {
    const data = copyData();
    changeCopy(data, 'directory', (d) => {
      service(d, 'pag-asa').closures = [
        { from: '2026-12-02 09:00', to: `2026-12-02 ${until}`, reason: 'reason-training' },
      ];
    });
    const app = await makeApp({ at: WEDNESDAY_10, config: testConfig(data) });
    onTestFinished(() => app.app.close());
    return app;
  };
  const heard = async (app: TestApp, lang: string) => {
    const c = await new Call(app.app).start();
    await c.keys(byId(lang).key, '2', '1'); // the centres, PAG-ASA
    expect(c.dial).toBeUndefined();
    return said(c);
  };

  it.each([
    ['17:00', { en: 'at 5 pm', fr: 'à 17 heures', nl: 'om 17 uur' }],
    ['13:05', { en: 'at 1:05 pm', fr: 'à 13 heures 5', nl: 'om 13 uur 5' }],
    ['12:30', { en: 'at 12:30 pm', fr: 'à 12 heures 30', nl: 'om 12 uur 30' }],
  ])('reopening at %s', async (until, expected) => {
    const app = await closedUntil(until);
    for (const [lang, time] of Object.entries(expected)) {
      const text = await heard(app, lang);
      // The whole time, wherever the sentence puts it (Dutch: "om 17 uur weer open").
      expect(text, lang).toMatch(new RegExp(`${time.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\d:])`));
      expect(text, lang).not.toMatch(/o'clock/);
    }
  });

  it('a morning time in English: "at 9 am"', async () => {
    t.setNow(SATURDAY_11);
    try {
      const c = await call();
      await c.keys(EN.key, '4'); // 1712, closed until Monday 09:00
      expect(said(c)).toContain('Monday at 9 am.');
    } finally {
      t.setNow(WEDNESDAY_10);
    }
  });
});
