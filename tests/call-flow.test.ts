/**
 * The call as Twilio drives it: signed posts, following each action URL, in every language of
 * the data, to every service; the emergency numbers first; the language choice, keys, silence
 * and wrong keys. What the data promises (keys, numbers) is in helpers/expected.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, Call, HOTLINE, all, makeApp, testConfig, type TestApp } from './helpers/twilio.js';
import { INFO, OFFER_KEYS, POLICE, SERVICES, SPEAK_NOW, dialOf, safetyNet } from './helpers/expected.js';

const MONDAY_MORNING = '2026-11-30T10:00:00+01:00';
const config = testConfig();
const LANGS = config.flow.languages;
const byId = (id: string) => LANGS.find((l) => l.id === id)!;
const GREETING = config.flow.greeting.map(byId);
const DEFAULT = config.flow.defaultLanguage;

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ at: MONDAY_MORNING });
});
afterAll(() => t.app.close());

const call = () => new Call(t.app).start();
const says = (c: Call) => all(c.twiml, 'Say');
const voices = (c: Call) => says(c).map((s) => [s.attrs.language, s.attrs.voice]);
const action = (c: Call) => c.gather!.attrs.action!.slice(BASE.length);
/** A prompt as the data words it (to find it in what is said, never retyped). */
const prompt = (lang: string, key: string) => config.prompts[lang]!.prompts[key]!;

describe('the language choice', () => {
  it('one Gather holds the emergency numbers in every greeting language, then each language offered in its own voice', async () => {
    const c = await call();
    expect(c.twiml.children.map((n) => n.name)).toEqual(['Gather', 'Redirect']);
    expect(c.gather!.attrs).toMatchObject({
      input: 'dtmf',
      numDigits: '1',
      method: 'POST',
      finishOnKey: '',
      timeout: String(config.flow.gatherTimeout),
    });
    expect(action(c)).toBe('/voice/menu?menu=lang&tries=0');
    expect(c.twiml.children[1]!.text).toBe(`${BASE}/voice/menu?menu=lang&tries=0&silent=1`);
    expect(voices(c)).toEqual([...GREETING, ...LANGS].map((l) => [l.code, l.voice]));
    // The emergency numbers come first, before any choice.
    expect(says(c)[0]!.text).toMatch(/112/);
    expect(says(c)[0]!.text).toMatch(/101/);
  });

  it.each(LANGS.map((l) => [l.id, l] as const))('%s: its key opens its main menu', async (_, l) => {
    const c = await call();
    await c.press(l.key);
    expect(action(c)).toBe(`/voice/menu?lang=${l.id}&menu=main&tries=0`);
  });

  it('silence once: the choice again without the greeting; twice: put through with no language (every greeting language), no hang-up', async () => {
    const c = await call();
    await c.silence();
    expect(action(c)).toBe('/voice/menu?menu=lang&tries=1');
    expect(voices(c)).toEqual(LANGS.map((l) => [l.code, l.voice]));
    expect(says(c).some((s) => /112/.test(s.text))).toBe(false);
    await c.silence();
    expect(c.dialled).toBe(dialOf(safetyNet(DEFAULT)[0]!));
    expect(c.dial!.attrs.action).toBe(`${BASE}/voice/dial?service=${safetyNet(DEFAULT)[0]}&net=1`);
    expect(c.hungUp).toBe(false);
  });

  it('a wrong key is said in every greeting language, then the choice; the third puts the caller through', async () => {
    const c = await call();
    await c.press('7');
    expect(action(c)).toBe('/voice/menu?menu=lang&tries=1');
    expect(voices(c)).toEqual([...GREETING, ...LANGS].map((l) => [l.code, l.voice]));
    expect(says(c).some((s) => /112/.test(s.text))).toBe(false); // not the greeting again
    GREETING.forEach((l, i) => {
      expect(says(c)[i]!.text).toBe(prompt(l.id, 'invalid-key'));
    });
    await c.press('#');
    expect(action(c)).toBe('/voice/menu?menu=lang&tries=2');
    await c.press('8');
    expect(c.dialled).toBe(dialOf(safetyNet(DEFAULT)[0]!));
    expect(c.dial!.attrs.action).toMatch(/&net=1$/);
    // Told in every greeting language that they are being put through, and nothing else.
    GREETING.forEach((l, i) => {
      expect(says(c)[i]!.text).toBe(prompt(l.id, 'putting-through'));
    });
    expect(voices(c)).toEqual(GREETING.map((l) => [l.code, l.voice]));
  });

  it.each([config.flow.keys.repeat, config.flow.keys.back, config.flow.keys.language])(
    '%s says the choice again, without the greeting',
    async (key) => {
      const c = await call();
      await c.press('7');
      await c.press(key);
      expect(action(c)).toBe('/voice/menu?menu=lang&tries=0');
      expect(voices(c)).toEqual(LANGS.map((l) => [l.code, l.voice]));
    },
  );
});

describe.each(LANGS)('in $code', (lang) => {
  const other = LANGS[(LANGS.indexOf(lang) + 1) % LANGS.length]!;
  const start = async () => (await call()).press(lang.key);

  it('the main menu is said only in the chosen language, in its voice, and its URLs carry the language', async () => {
    const c = await start();
    expect(new Set(voices(c).map(String))).toEqual(new Set([String([lang.code, lang.voice])]));
    expect(c.twiml.children[1]!.text).toBe(`${BASE}/voice/menu?lang=${lang.id}&menu=main&tries=0&silent=1`);
    expect(c.xml).not.toMatch(/record/i);
  });

  it.each(SERVICES)('reaches $id ($dial) with keys $keys', async ({ id, keys, dial }) => {
    const c = await start();
    await c.keys(...keys);
    expect(c.dialled).toBe(dial);
    expect(c.dial!.attrs.action).toBe(`${BASE}/voice/dial?lang=${lang.id}&service=${id}`);
    expect(c.dial!.attrs.ringTone).toBe('be');
    expect(Number(c.dial!.attrs.timeout)).toBeGreaterThanOrEqual(5);
    // Every service of the menus shows the helpline's number, never the caller's.
    expect(c.dial!.attrs.callerId).toBe(HOTLINE);
    expect(new Set(c.languages)).toEqual(new Set([lang.code]));
    expect(c.xml).not.toMatch(/record/i);
  });

  it('the police: its number said at once, nothing dialled, then the offers; its key there says the number again (one key, one meaning)', async () => {
    const c = await start();
    await c.keys(...POLICE.keys);
    expect(c.dial).toBeUndefined();
    expect(c.hungUp).toBe(false);
    expect(says(c)[0]!.text).toContain(POLICE.said);
    expect(new Set(c.languages)).toEqual(new Set([lang.code]));
    expect(action(c)).toBe(`/voice/menu?lang=${lang.id}&menu=alt&tries=0&failed=police&focus=police`);
    await c.press(OFFER_KEYS.police);
    expect(c.dial).toBeUndefined();
    // Not a wrong key: the try count stays at 0, and the number is said first again.
    expect(action(c)).toBe(`/voice/menu?lang=${lang.id}&menu=alt&tries=0&failed=police&focus=police`);
    expect(says(c)[0]!.text).toContain(POLICE.said);
    expect(new Set(c.languages)).toEqual(new Set([lang.code]));
  });

  it('* repeats the menu, 0 goes back (from the main menu to the language choice), 9 is the language choice', async () => {
    const c = await start();
    await c.press('3'); // care centres
    const submenu = c.xml;
    expect(action(c)).toMatch(new RegExp(`^/voice/menu\\?lang=${lang.id}&menu=care-centres&tries=0$`));
    await c.press(config.flow.keys.repeat);
    expect(c.xml).toBe(submenu);
    await c.press(config.flow.keys.back);
    expect(action(c)).toBe(`/voice/menu?lang=${lang.id}&menu=main&tries=0`);
    await c.press(config.flow.keys.back);
    expect(action(c)).toBe('/voice/menu?menu=lang&tries=0');
    await c.press(other.key);
    expect(action(c)).toBe(`/voice/menu?lang=${other.id}&menu=main&tries=0`);
    await c.keys('2', config.flow.keys.language); // from the centres menu
    expect(action(c)).toBe('/voice/menu?menu=lang&tries=0');
    await c.press(lang.key);
    expect(action(c)).toBe(`/voice/menu?lang=${lang.id}&menu=main&tries=0`);
    expect(voices(c).every(([code, voice]) => code === lang.code && voice === lang.voice)).toBe(true);
  });

  it('wrong keys are said, with the options again; the third gives the emergency numbers and a transfer to a 24/7 centre', async () => {
    const c = await start();
    await c.press('7');
    expect(action(c)).toBe(`/voice/menu?lang=${lang.id}&menu=main&tries=1`);
    expect(new Set(c.languages)).toEqual(new Set([lang.code]));
    expect(says(c)[0]!.text.startsWith(prompt(lang.id, 'invalid-key'))).toBe(true);
    await c.press('#');
    expect(action(c)).toBe(`/voice/menu?lang=${lang.id}&menu=main&tries=2`);
    await c.press('8');
    expect(c.dialled).toBe(dialOf(safetyNet(lang.id)[0]!));
    expect(c.dial!.attrs.action).toBe(`${BASE}/voice/dial?lang=${lang.id}&service=${safetyNet(lang.id)[0]}&net=1`);
    expect(says(c)[0]!.text).toMatch(/112/);
    expect(new Set(c.languages)).toEqual(new Set([lang.code]));
  });

  it('information: five sections, each with a centre now, another topic, or the section again', async () => {
    for (const section of INFO.sections) {
      const c = await start();
      await c.keys(...INFO.keys);
      expect(action(c)).toBe(`/voice/menu?lang=${lang.id}&menu=info&tries=0`);
      await c.press(section);
      const menuId = /[?&]menu=([^&]+)/.exec(action(c))![1]!;
      const first = c.xml;
      // The section's own words (from the data) are said on first hearing, then only its options.
      const words = prompt(lang.id, config.flow.menus[menuId]!.say[0]!);
      expect(
        says(c)
          .map((s) => s.text)
          .join(' '),
      ).toContain(words);
      await c.press('7');
      expect(
        says(c)
          .map((s) => s.text)
          .join(' '),
      ).not.toContain(words);
      expect(action(c)).toBe(`/voice/menu?lang=${lang.id}&menu=${menuId}&tries=1`);
      await c.press(INFO.again);
      expect(c.xml).toBe(first);
      await c.press(INFO.otherTopic);
      expect(action(c)).toBe(`/voice/menu?lang=${lang.id}&menu=info&tries=0`);
      await c.keys(section, INFO.centreNow);
      expect(c.dialled).toBe(dialOf(SPEAK_NOW.id));
      expect(c.dial!.attrs.action).toBe(`${BASE}/voice/dial?lang=${lang.id}&service=${SPEAK_NOW.id}`);
    }
  });
});
