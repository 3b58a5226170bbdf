/**
 * Opening hours as callers live them: 1712 (working days 9-17, closed on public holidays)
 * open and closed at chosen instants, in winter and summer time, on public holidays; what a
 * caller hears when it is closed; and the Hours class itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fill } from '../src/placeholders.js';
import { Hours } from '../src/hours.js';
import { copyData } from './helpers/fixtures.js';
import { Call, makeApp, testConfig, type TestApp } from './helpers/twilio.js';

const config = testConfig();
const fr = config.prompts.fr!.prompts;
const nl = config.prompts.nl!.prompts;

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.app.close());

/** Dial 1712 (main menu key 3) in a language at a Brussels instant. */
async function call1712(at: string, langKey = '1'): Promise<Call> {
  t.setNow(at);
  const call = await new Call(t.app).start();
  return call.keys(langKey, '3');
}

describe('1712 by the clock', () => {
  it.each([
    ['a winter Monday 10:00', '2026-11-30T10:00:00+01:00'],
    ['a winter Monday 16:59', '2026-11-30T16:59:00+01:00'],
    ['Christmas Eve, a working day', '2026-12-24T10:00:00+01:00'],
    // 09:30 CEST is 07:30 UTC: open only if the hours are read in Brussels time.
    ['the Monday after the change to summer time, 09:30', '2026-03-30T09:30:00+02:00'],
    ['a summer Tuesday 16:30', '2026-07-14T16:30:00+02:00'],
  ])('open on %s: the call is put through to 1712', async (_label, at) => {
    const call = await call1712(at);
    expect(call.dialled).toBe('1712');
  });

  it.each([
    ['before opening, winter', '2026-11-30T08:59:00+01:00'],
    ['after closing, winter', '2026-11-30T17:00:00+01:00'],
    ['a Saturday', '2026-11-28T11:00:00+01:00'],
    ['a Sunday', '2026-11-29T11:00:00+01:00'],
    ['Christmas Day (Friday)', '2026-12-25T10:00:00+01:00'],
    ['New Year (Friday)', '2027-01-01T10:00:00+01:00'],
    ['Easter Monday 2027', '2027-03-29T10:00:00+02:00'],
    ['Ascension 2026', '2026-05-14T10:00:00+02:00'],
    ['Whit Monday 2026', '2026-05-25T10:00:00+02:00'],
    ['the national holiday, 21 July', '2026-07-21T10:00:00+02:00'],
    ['Armistice, 11 November', '2026-11-11T10:00:00+01:00'],
    // 08:30 CEST is 06:30 UTC; in UTC it would still be closed, and 17:30 CEST (15:30 UTC) too.
    ['summer evening 17:30', '2026-07-14T17:30:00+02:00'],
  ])('closed %s: no transfer, the alternatives open now are offered', async (_label, at) => {
    const call = await call1712(at);
    expect(call.dial).toBeUndefined();
    expect(call.gather!.attrs.action).toMatch(/m=alt&t=0&x=violence-line/);
    // Sürya (24/7) is on key 1 of the alternatives, whatever the time: press it.
    await call.press('1');
    expect(call.dialled).toBe('+3242324030');
  });

  it('on Christmas Day says it reopens on Monday at 9, in the caller\'s language', async () => {
    const nlCall = await call1712('2026-12-25T10:00:00+01:00', '2');
    const said = nlCall.gather!.children.map((c) => c.text).join(' ');
    expect(nlCall.languages.every((l) => l === 'nl-BE')).toBe(true);
    expect(said).toContain(nl['day-1']);
    expect(said).toContain(nl['time-hour']!.replace('{hour}', '9'));
    const frCall = await call1712('2026-12-25T10:00:00+01:00', '1');
    expect(frCall.gather!.children.map((c) => c.text).join(' ')).toContain(fr['day-1']);
  });

  it('before opening on a working day it reopens "today"; on a Thursday evening "tomorrow"', async () => {
    const early = await call1712('2026-11-30T07:15:00+01:00');
    expect(early.gather!.children.map((c) => c.text).join(' ')).toContain(fr.today);
    const evening = await call1712('2026-12-03T18:00:00+01:00');
    expect(evening.gather!.children.map((c) => c.text).join(' ')).toContain(fr.tomorrow);
  });

  it('key assignments do not change with the time of day', async () => {
    const open = await call1712('2026-11-30T10:00:00+01:00');
    const closedCall = await call1712('2026-11-28T23:00:00+01:00');
    expect(open.history[1]!.children[0]!.attrs.action).toBe(closedCall.history[1]!.children[0]!.attrs.action);
    expect(open.history[1]!.children[0]!.children.map((c) => c.text)).toEqual(closedCall.history[1]!.children[0]!.children.map((c) => c.text));
  });

  it('the alternatives never offer the closed service itself', async () => {
    const call = await call1712('2026-11-28T11:00:00+01:00');
    const said = call.gather!.children.map((c) => c.text).join(' ');
    const name = config.services['violence-line']!.name.fr!;
    expect(said.split(name).length - 1).toBe(1); // said once: in "closed", not as an option
    await call.press('5'); // 1712's fixed alternatives key: not offered now
    expect(call.dial).toBeUndefined();
    expect(call.gather!.attrs.action).toMatch(/m=alt&t=1/);
  });
});

describe('Hours', () => {
  const h = new Hours('Mo-Fr 09:00-17:00; PH off', 'be');

  it('knows Belgian public holidays of any year', () => {
    for (const day of ['2030-04-22', '2031-05-22', '2028-06-05', '2029-08-15', '2035-11-01']) {
      expect(h.isOpen(new Date(`${day}T12:00:00+02:00`)), day).toBe(false);
    }
    expect(h.comment(new Date('2026-12-25T12:00:00+01:00'))).toMatch(/Noël/);
  });

  it('gives the next change across the summer-time switch', () => {
    // Friday 27 March 2026 18:00 CET → Monday 30 March 09:00 CEST (07:00 UTC).
    expect(h.state(new Date('2026-03-27T18:00:00+01:00')).nextChange?.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    // Friday 23 October 2026 18:00 CEST → Monday 26 October 09:00 CET (08:00 UTC).
    expect(h.state(new Date('2026-10-23T18:00:00+02:00')).nextChange?.toISOString()).toBe('2026-10-26T08:00:00.000Z');
  });

  it('keeps its answer until the next change, then re-reads', () => {
    const hours = new Hours('Mo-Fr 09:00-17:00', 'be');
    const a = hours.state(new Date('2026-11-30T16:00:00+01:00'));
    expect(hours.state(new Date('2026-11-30T16:59:59+01:00'))).toBe(a);
    const b = hours.state(new Date('2026-11-30T17:00:00+01:00'));
    expect(b.open).toBe(false);
    // A clock that goes back (tests, the terminal caller) is read afresh too.
    expect(hours.state(new Date('2026-11-30T08:00:00+01:00')).open).toBe(false);
    expect(hours.state(new Date('2026-11-30T12:00:00+01:00')).open).toBe(true);
  });

  it('24/7 is always open and never changes', () => {
    const always = new Hours('24/7', 'be');
    expect(always.alwaysOpen(new Date('2026-12-25T03:00:00+01:00'))).toBe(true);
  });

  it('throws on a syntax error', () => {
    expect(() => new Hours('Mo-Fr 25:00-17:00', 'be')).toThrow();
  });
});

describe('when a closed service opens again, as said', () => {
  const said = (c: Call) => c.twiml.children.flatMap((n) => [n, ...n.children]).filter((n) => n.name === 'Say').map((n) => n.text).join(' ');

  it('a closure of a week or more gives the date; a reopening at midnight gives the day alone', async () => {
    const data = copyData();
    data.edit('directory', (s) => s.replace('  pag-asa:\n', '  pag-asa:\n    closures:\n      - { from: "2026-12-21", to: "2027-01-03", reason: reason-leave }\n'));
    const app = await makeApp({ at: '2026-12-21T10:00:00+01:00', config: testConfig(data) });
    const frCall = await (await new Call(app.app).start()).keys('1', '2', '1');
    expect(frCall.dial).toBeUndefined();
    expect(said(frCall)).toContain(fill(fr['reopens-day']!, { day: fill(fr.date!, { day: '4', month: fr['month-1']! }) }));
    expect(said(frCall)).not.toMatch(/\b0 heures/);
    const nlCall = await (await new Call(app.app).start()).keys('2', '2', '1');
    expect(said(nlCall)).toContain(fill(nl['reopens-day']!, { day: fill(nl.date!, { day: '4', month: nl['month-1']! }) }));
    await app.app.close();
  });

  it('a service closed for good is "closed until further notice", not "the weekend" or "a holiday"', async () => {
    const data = copyData();
    data.edit('directory', (s) => s.replace(/(payoke:[\s\S]*?)hours: "24\/7"/, '$1hours: "off"'));
    for (const at of ['2026-12-26T11:00:00+01:00', '2026-12-25T11:00:00+01:00', '2026-12-22T20:00:00+01:00']) {
      const app = await makeApp({ at, config: testConfig(data) });
      const call = await (await new Call(app.app).start()).keys('1', '2', '2');
      expect(said(call), at).toContain(fr['closed-temporary']);
      expect(said(call), at).toContain(fr['closed-until-further-notice']);
      expect(said(call), at).not.toContain(fr['closed-weekend']);
      expect(said(call), at).not.toContain(fr['closed-holiday']);
      await app.app.close();
    }
  });
});
