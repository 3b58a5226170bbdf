/**
 * The call as Twilio drives it: signed posts, following each action URL, both languages,
 * to every service; the emergency numbers first; keys, silence and wrong keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Call, makeApp, type TestApp } from './helpers/twilio.js';
import { SERVICES } from './helpers/expected.js';

const MONDAY_MORNING = '2026-11-30T10:00:00+01:00';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ at: MONDAY_MORNING });
});
afterAll(() => t.app.close());

const LANGS = [
  { key: '1', code: 'fr-BE', voice: 'Polly.Isabelle-Neural', other: 'nl-BE' },
  { key: '2', code: 'nl-BE', voice: 'Polly.Lisa-Neural', other: 'fr-BE' },
];


describe('greeting', () => {
  it('says the emergency numbers first, in French then Dutch, each language in its own voice', async () => {
    const call = await new Call(t.app).start();
    const says = call.gather!.children.filter((c) => c.name === 'Say');
    expect(says.map((s) => [s.attrs.language, s.attrs.voice])).toEqual([
      ['fr-BE', 'Polly.Isabelle-Neural'],
      ['nl-BE', 'Polly.Lisa-Neural'],
      ['fr-BE', 'Polly.Isabelle-Neural'],
      ['nl-BE', 'Polly.Lisa-Neural'],
    ]);
    for (const s of says.slice(0, 2)) {
      expect(s.text).toMatch(/112/);
      expect(s.text).toMatch(/101/);
      expect(s.text.split(/\s+/).length).toBeLessThan(20); // a few seconds each
    }
    // Then the choice: one key per language, said in that language.
    expect(says[2]!.text).toMatch(/\b1\b/);
    expect(says[3]!.text).toMatch(/\b2\b/);
    expect(call.gather!.attrs).toMatchObject({ input: 'dtmf', numDigits: '1', method: 'POST' });
  });

  it('says it again on silence, then goes on in French rather than hanging up', async () => {
    const call = await new Call(t.app).start();
    await call.silence();
    expect(call.languages).toEqual(['fr-BE', 'nl-BE', 'fr-BE', 'nl-BE']);
    expect(call.gather!.attrs.action).toMatch(/m=lang/);
    await call.silence();
    expect(call.gather!.attrs.action).toMatch(/l=fr&m=main/);
    expect(call.hungUp).toBe(false);
  });

  it('tells a wrong key in both languages, and never loops for ever', async () => {
    const call = await new Call(t.app).start();
    await call.press('7');
    expect(call.gather!.attrs.action).toMatch(/m=lang&t=1/);
    await call.press('#');
    await call.press('8');
    expect(call.gather!.attrs.action).toMatch(/l=fr&m=main&t=0/);
  });
});

describe.each(LANGS)('in $code', (lang) => {
  it('the main menu is said only in the chosen language, but for the offer of the other one', async () => {
    const call = await new Call(t.app).start();
    await call.press(lang.key);
    const langs = call.languages;
    expect(langs[0]).toBe(lang.code);
    // Only the last <Say> (the offer to switch, in that language's own voice) is the other language.
    expect(langs.slice(0, -1).every((l) => l === lang.code)).toBe(true);
    expect(langs.at(-1)).toBe(lang.other);
    expect(call.gather!.attrs.action).toContain(`l=${lang.code.slice(0, 2)}`);
  });

  it.each(SERVICES)('reaches $dial with keys $keys', async ({ keys, dial }) => {
    const call = await new Call(t.app).start();
    await call.press(lang.key);
    await call.keys(...keys);
    expect(call.dialled).toBe(dial);
    expect(call.dial!.attrs.action).toMatch(/^https:\/\/ivr\.example\.be\/voice\/dial\?/);
    expect(call.dial!.attrs.ringTone).toBe('be');
    expect(Number(call.dial!.attrs.timeout)).toBeGreaterThanOrEqual(5);
    expect(call.languages.every((l) => l === lang.code)).toBe(true);
    expect(call.xml).not.toMatch(/record/i);
  });

  it('the police option tells the caller to dial 112 or 101 before the transfer, and passes the caller ID', async () => {
    const call = await new Call(t.app).start();
    await call.keys(lang.key, '1');
    const say = call.twiml.children.find((c) => c.name === 'Say')!;
    expect(say.text).toMatch(/112/);
    expect(say.text).toMatch(/101/);
    expect(call.twiml.children.findIndex((c) => c.name === 'Say')).toBeLessThan(call.twiml.children.findIndex((c) => c.name === 'Dial'));
    expect(call.dial!.attrs.callerId).toBeUndefined(); // caller_id: caller, Twilio passes the caller's own
  });

  it('specialised centres see the helpline number, not the caller', async () => {
    const call = await new Call(t.app).start();
    await call.keys(lang.key, '2', '1');
    expect(call.dial!.attrs.callerId).toBe('+3225550100');
  });

  it('* repeats the menu, 0 goes back to the main menu, 9 switches language', async () => {
    const call = await new Call(t.app).start();
    await call.keys(lang.key, '5');
    const submenu = call.xml;
    await call.press('*');
    expect(call.xml).toBe(submenu);
    await call.press('0');
    expect(call.gather!.attrs.action).toMatch(/m=main/);
    await call.press('0');
    expect(call.gather!.attrs.action).toMatch(/m=lang/);
    await call.press(lang.key);
    await call.keys('2', '9');
    expect(call.gather!.attrs.action).toMatch(new RegExp(`l=${lang.other.slice(0, 2)}&m=centres`));
    expect(call.languages[0]).toBe(lang.other);
  });

  it('a wrong key says so and repeats the options; the third failure gives the emergency numbers and a 24/7 transfer', async () => {
    const call = await new Call(t.app).start();
    await call.press(lang.key);
    await call.press('7');
    expect(call.gather!.attrs.action).toMatch(/m=main&t=1/);
    await call.silence();
    expect(call.gather!.attrs.action).toMatch(/m=main&t=2/);
    await call.press('8');
    expect(call.dialled).toBe('+3242324030'); // Sürya, first of the safety net, 24/7
    const before = call.twiml.children.filter((c) => c.name === 'Say').map((s) => s.text).join(' ');
    expect(before).toMatch(/112/);
    expect(call.languages.every((l) => l === lang.code)).toBe(true);
  });

  it('information: five sections, each with repeat, another subject, or a transfer', async () => {
    for (const section of ['1', '2', '3', '4', '5']) {
      const call = await new Call(t.app).start();
      await call.keys(lang.key, '4', section);
      const text = call.gather!.children.map((c) => c.text).join(' ');
      expect(text.length).toBeGreaterThan(60);
      const again = await call.press('1');
      expect(again.xml).toContain(text.slice(0, 40).replace(/'/g, '&apos;').slice(0, 10));
      await call.press('2');
      expect(call.gather!.attrs.action).toMatch(/m=info&/);
      await call.keys(section, '3');
      expect(call.dialled).toBe('+3225116464'); // PAG-ASA, the first open specialised centre
    }
  });
});
