/**
 * Issue 11, as a caller lives it: the emergency numbers first, a person at once, silence that
 * leads to a person, the police's number said, keys that keep their meaning, and failures that
 * end kindly. Driven as Twilio drives the line; assertions on what is dialled, in which
 * language and voice, and where the call goes next.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { changeCopy, copyData } from './helpers/fixtures.js';
import {
  Call,
  all,
  assertValidTwiml,
  callParams,
  first,
  makeApp,
  post,
  testConfig,
  type TestApp,
} from './helpers/twilio.js';

const WEDNESDAY_10 = '2026-12-02T10:00:00+01:00';
const SUNDAY_03 = '2026-12-06T03:00:00+01:00';
const config = testConfig();
const LANGS = config.flow.languages;
const SURYA = config.services.surya!.dial;
const CENTRES = ['surya', 'pag-asa', 'payoke'].map((id) => config.services[id]!.dial);
const CARE = ['care-brussels', 'care-ghent', 'care-liege'].map((id) => config.services[id]!.dial);
const ALWAYS = Object.values(config.services)
  .filter((s) => s.connect === 'transfer' && s.hours.expression === '24/7')
  .map((s) => s.dial);

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ at: WEDNESDAY_10 });
});
afterAll(() => t.app.close());

const call = () => new Call(t.app).start();
const says = (c: Call) => all(c.twiml, 'Say');

describe('the greeting', () => {
  it('says the emergency numbers in every language of the greeting, each in its own voice, inside the Gather', async () => {
    const c = await call();
    expect(c.twiml.children.map((n) => n.name)).toEqual(['Gather', 'Redirect']);
    const greeting = config.flow.greeting.map((id) => LANGS.find((l) => l.id === id)!);
    const first = c.gather!.children.slice(0, greeting.length);
    expect(first.map((s) => [s.attrs.language, s.attrs.voice])).toEqual(greeting.map((l) => [l.code, l.voice]));
    for (const s of first) expect(s.text).toMatch(/112.*101|101.*112/);
  });

  it('then offers each language in that language, on its key', async () => {
    const c = await call();
    for (const l of LANGS) {
      const choice = c.gather!.children.find(
        (s) => s.attrs.language === l.code && new RegExp(`\\b${l.key}\\b`).test(s.text),
      );
      expect(choice, l.id).toBeDefined();
    }
  });
});

describe('a person at once', () => {
  it.each(LANGS.map((l) => [l.id, l] as const))(
    '%s: key 1 of the main menu rings a specialised centre, in the language chosen',
    async (_, l) => {
      const c = await call();
      await c.keys(l.key, '1');
      expect(c.dialled).toBe(SURYA); // the only centre whose hours are confirmed
      expect(new Set(c.languages)).toEqual(new Set([l.code]));
      expect(says(c).every((s) => s.attrs.voice === l.voice)).toBe(true);
    },
  );

  it('a caller silent at the language choice hears it once more, then is put through, told so in every greeting language', async () => {
    const c = await call();
    await c.silence();
    expect(c.gather).toBeDefined();
    await c.silence();
    expect(ALWAYS).toContain(c.dialled);
    const codes = config.flow.greeting.map((id) => LANGS.find((l) => l.id === id)!.code);
    expect(c.languages).toEqual(codes);
  });

  it.each(LANGS.map((l) => [l.id, l.key] as const))(
    '%s: silence twice in the main menu puts the caller through',
    async (_, key) => {
      const c = await call();
      await c.press(key);
      await c.silence();
      expect(c.gather).toBeDefined();
      await c.silence();
      expect(CENTRES).toContain(c.dialled);
    },
  );
});

describe('the police', () => {
  it('says the number at once, dials nothing, and offers a specialised centre on key 1', async () => {
    for (const l of LANGS) {
      const c = await call();
      await c.keys(l.key, '5');
      expect(c.dial).toBeUndefined();
      expect(says(c)[0]!.text).toMatch(/101/);
      await c.press('1');
      expect(CENTRES).toContain(c.dialled);
    }
  });
});

describe('one key, one meaning', () => {
  // What each key of the main menu leads to (written out, not read from the data).
  const MEANING: Array<[string, readonly string[]]> = [
    ['1', CENTRES],
    ['3', CARE],
    ['4', [config.services['violence-line']!.dial]],
  ];

  it.each([WEDNESDAY_10, SUNDAY_03])('at %s, a key in the offers leads where it leads in the main menu', async (at) => {
    t.setNow(at);
    try {
      for (const [key, expected] of MEANING) {
        const c = await call();
        await c.keys('3', '1'); // English, speak to someone now
        await c.outcome('busy');
        const offered = c.gather!.children.some((s) => new RegExp(`\\b${key}\\b`).test(s.text));
        if (!offered) continue; // closed now: not said, and the key means nothing else
        await c.press(key);
        expect(expected, `offer key ${key}`).toContain(c.dialled);
      }
      const police = await call();
      await police.keys('3', '1');
      await police.outcome('busy');
      await police.press('5');
      expect(police.dial).toBeUndefined();
      expect(says(police)[0]!.text).toMatch(/101/);
    } finally {
      t.setNow(WEDNESDAY_10);
    }
  });
});

describe('failures end kindly', () => {
  it('after a care centre fails, another care centre comes first', async () => {
    const c = await call();
    await c.keys('3', '3', '2'); // English, care centres, Ghent
    expect(c.dialled).toBe(CARE[1]);
    await c.outcome('no-answer');
    const options = c.gather!.children.filter((s) => /\b[0-9]\b/.test(s.text));
    expect(options[0]!.text).toMatch(/\b3\b/);
    await c.press('3');
    expect(CARE.filter((d) => d !== CARE[1])).toContain(c.dialled);
  });

  it('a caller whose every transfer fails is never offered a failed service again, and hears a number to call back', async () => {
    t.setNow(SUNDAY_03);
    try {
      const c = await call();
      await c.keys('2', '1');
      const dialled: string[] = [];
      for (let i = 0; i < 30 && !c.hungUp; i++) {
        if (c.dial) {
          expect(dialled).not.toContain(c.dialled);
          dialled.push(c.dialled!);
          await c.outcome('failed');
        } else {
          const keys = c.gather!.children.map((s) => /\b([0-9])\b/.exec(s.text)?.[1]).filter(Boolean);
          await c.press(keys.find((k) => k !== '5') ?? keys[0]!);
        }
      }
      expect(c.hungUp).toBe(true);
      const text = says(c)
        .map((s) => s.text)
        .join(' ');
      expect(text).toMatch(/112/);
      expect(text).toMatch(/17 12/);
    } finally {
      t.setNow(WEDNESDAY_10);
    }
  });

  it('a failed safety-net transfer goes on to the next open service', async () => {
    const c = await call();
    await c.keys('1', '7', '7', '7'); // French, three wrong keys
    const first = c.dialled;
    expect(first).toBeDefined();
    await c.outcome('busy');
    expect(c.dialled).toBeDefined();
    expect(c.dialled).not.toBe(first);
  });

  it('after a completed transfer, a wrong key is a wrong key, not a hang-up', async () => {
    const c = await call();
    await c.keys('1', '1');
    await c.outcome('completed');
    await c.press('7');
    expect(c.hungUp).toBe(false);
    expect(c.gather).toBeDefined();
  });
});

describe('a long call remembers every failure', () => {
  it('with every service but one failed, the offers name only that one, and its key rings it', async () => {
    const left = 'care-liege';
    const failed = Object.keys(config.services)
      .filter((id) => id !== left)
      .join('.');
    // The state a call reaches after every other service failed, as the line writes it.
    const url = `/voice/menu?lang=en&menu=alt&tries=0&failed=${failed}&focus=care-brussels`;
    const offers = assertValidTwiml((await post(t.app, url + '&silent=1', callParams())).body);
    const names = Object.values(config.services).map((s) => s.name.en!);
    const said = all(offers, 'Say')
      .map((s) => s.text)
      .join(' ');
    expect(names.filter((n) => said.includes(n))).toEqual([config.services[left]!.name.en]);
    const rung = assertValidTwiml((await post(t.app, url, callParams({ Digits: '3' }))).body);
    expect(first(rung, 'Number')?.text).toBe(config.services[left]!.dial);
  });
});

describe('a caller who does not choose is never told that nobody can be reached while someone can', () => {
  it('after every safety-net service fails, the line goes on to the open services the offers name (1712)', async () => {
    const c = await call();
    await c.keys('2'); // Dutch
    await c.silence();
    await c.silence();
    const dialled: string[] = [];
    while (c.dial) {
      dialled.push(c.dialled!);
      await c.outcome('busy');
    }
    expect(dialled).toContain(config.services['violence-line']!.dial); // open on a Wednesday at 10:00
    expect(new Set(dialled).size).toBe(dialled.length);
    expect(c.hungUp).toBe(true);
  });

  it('"speak to someone now" with every centre failed puts the caller through to the next person, not to a menu', async () => {
    const centres = ['surya', 'pag-asa', 'payoke'].join('.');
    const res = await post(
      t.app,
      `/voice/menu?lang=en&menu=main&tries=0&failed=${centres}`,
      callParams({ Digits: '1' }),
    );
    const twiml = assertValidTwiml(res.body);
    expect(CARE).toContain(first(twiml, 'Number')?.text);
  });
});

describe('confirmed hours come first, while the confirmation is recent', () => {
  const at = '2026-12-06T03:00:00+01:00'; // a Sunday night: Payoke's night hours are unconfirmed
  const withPayoke = (verified: string) => {
    const data = copyData();
    changeCopy(data, 'directory', (d) => (d.services.payoke!.verified = verified));
    return testConfig(data);
  };

  it.each([
    ['verified last month: a Dutch caller goes first to Payoke', '2026-11-20', 'payoke'],
    ['verified five years ago (settings.verify_max_age_days): Sürya first again', '2021-11-20', 'surya'],
  ])('%s', async (_, verified, expected) => {
    const app = await makeApp({ at, config: withPayoke(verified) });
    onTestFinished(() => app.app.close());
    const c = await new Call(app.app).start();
    await c.keys('2', '1');
    expect(c.dialled).toBe(config.services[expected]!.dial);
  });
});

describe('the data cannot make the safety net say a number instead of putting through', () => {
  it('a connect: say service in safety_net stops the start, naming the file and place', () => {
    const data = copyData();
    changeCopy(data, 'menus', (m) => (m.safety_net = ['police', ...m.safety_net]));
    const r = loadConfig({ directory: data.directory, menus: data.menus, prompts: data.prompts });
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(
      expect.objectContaining({ code: 'HL_ERR_SAFETY_NET_SAY', file: data.menus, path: 'safety_net' }),
    );
  });
});
