/**
 * Opening hours as callers live them: 1712 (working days 9-17, closed on public holidays)
 * open and closed at chosen instants, in winter and summer time, on public holidays; what a
 * caller hears when it is closed; and the Hours class itself.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { fill } from '../src/call/placeholders.js';
import { Hours } from '../src/time/hours.js';
import { changeCopy, copyData } from './helpers/fixtures.js';
import { Call, makeApp, testConfig, type TestApp } from './helpers/twilio.js';
import { clockVars } from '../src/engine/index.js';
import { Phrasebook } from '../src/engine/phrasebook.js';
import { loadConfig } from '../src/config/load.js';
import { dayOfMonthKey } from '../src/config/prompts.js';

const config = testConfig();
const fr = config.prompts.fr!.prompts;
const en = config.prompts.en!.prompts;
const LANGS = config.flow.languages;
/** The key of 1712 in the main menu, as the data has it. */
const VIOLENCE_KEY = config.flow.menus.main!.options.find(
  (o) => o.action.type === 'transfer' && o.action.service === 'violence-line',
)!.key;
/** The key of the specialised centres in the offers, as the data has it. */
const CENTRES_OFFER = config.flow.offers.find((o) => o.target.type === 'group' && o.target.group === 'centres')!.key;

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.app.close());

/** Dial 1712 (main menu key 4) in a language at a Brussels instant. */
async function call1712(at: string, langKey = '1'): Promise<Call> {
  t.setNow(at);
  const call = await new Call(t.app).start();
  return call.keys(langKey, VIOLENCE_KEY);
}

/** The text of every <Say> in the current <Gather>. */
const heard = (c: Call) => c.gather!.children.map((n) => n.text).join(' ');

describe('the data this file relies on', () => {
  it('1712 is key 4 of the main menu and the centres are key 1 of the offers', () => {
    expect(VIOLENCE_KEY).toBe('4');
    expect(CENTRES_OFFER).toBe('1');
    expect(config.services['violence-line']!.dial).toBe('1712');
  });
});

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
    // The offers, focused on 1712; nothing failed (a closed service is not a failed one).
    const action = new URL(call.gather!.attrs.action!);
    expect(action.pathname).toBe('/voice/menu');
    expect(Object.fromEntries(action.searchParams)).toEqual({
      lang: 'fr',
      menu: 'alt',
      tries: '0',
      focus: 'violence-line',
    });
    // The centres are on key 1 of the offers whatever the time; Sürya (24/7, confirmed) answers.
    await call.press(CENTRES_OFFER);
    expect(call.dialled).toBe(config.services.surya!.dial);
  });

  it.each(LANGS.map((l) => [l.id, l] as const))(
    "on Christmas Day, in %s: closed for a public holiday, reopens on Monday at 9, all in the caller's language and voice",
    async (_id, l) => {
      const call = await call1712('2026-12-25T10:00:00+01:00', l.key);
      const p = config.prompts[l.id]!.prompts;
      expect(new Set(call.languages)).toEqual(new Set([l.code]));
      expect(new Set(call.gather!.children.map((n) => n.attrs.voice))).toEqual(new Set([l.voice]));
      const said = heard(call);
      expect(said).toContain(fill(p.closed!, { name: config.services['violence-line']!.name[l.id]! }));
      expect(said).toContain(p['closed-holiday']);
      expect(said).toContain(
        fill(p.reopens!, {
          day: p['day-1']!,
          time: fill(
            p['time-hour']!,
            clockVars(9, 0, (k) => p[k]!),
          ),
        }),
      );
    },
  );

  it('before opening on a working day it reopens "today"; on a Thursday evening "tomorrow"', async () => {
    const early = await call1712('2026-11-30T07:15:00+01:00');
    expect(heard(early)).toContain(
      fill(fr.reopens!, {
        day: fr.today!,
        time: fill(
          fr['time-hour']!,
          clockVars(9, 0, (k) => fr[k]!),
        ),
      }),
    );
    const evening = await call1712('2026-12-03T18:00:00+01:00', '3');
    expect(heard(evening)).toContain(
      fill(en.reopens!, {
        day: en.tomorrow!,
        time: fill(
          en['time-hour']!,
          clockVars(9, 0, (k) => en[k]!),
        ),
      }),
    );
  });

  it('key assignments do not change with the time of day', async () => {
    const open = await call1712('2026-11-30T10:00:00+01:00');
    const closedCall = await call1712('2026-11-28T23:00:00+01:00');
    expect(open.history[1]!.children[0]!.attrs.action).toBe(closedCall.history[1]!.children[0]!.attrs.action);
    expect(open.history[1]!.children[0]!.children.map((c) => c.text)).toEqual(
      closedCall.history[1]!.children[0]!.children.map((c) => c.text),
    );
  });

  it.each(LANGS.map((l) => [l.id, l.key] as const))(
    'in %s, the offers never offer the closed service itself',
    async (id, key) => {
      const call = await call1712('2026-11-28T11:00:00+01:00', key);
      const name = config.services['violence-line']!.name[id]!;
      expect(heard(call).split(name).length - 1).toBe(1); // said once: in "closed", not as an option
      await call.press(VIOLENCE_KEY); // 1712's own key in the offers too: not offered now, a wrong key
      expect(call.dial).toBeUndefined();
      const action = new URL(call.gather!.attrs.action!);
      expect(action.searchParams.get('menu')).toBe('alt');
      expect(action.searchParams.get('tries')).toBe('1');
      expect(action.searchParams.get('focus')).toBe('violence-line');
    },
  );
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
  const said = (c: Call) =>
    c.twiml.children
      .flatMap((n) => [n, ...n.children])
      .filter((n) => n.name === 'Say')
      .map((n) => n.text)
      .join(' ');

  it('a closure of a week or more gives the date; a reopening at midnight gives the day alone', async () => {
    const data = copyData();
    changeCopy(data, 'directory', (d) => {
      d.services['pag-asa']!.closures = [{ from: '2026-12-21', to: '2027-01-03', reason: 'reason-leave' }];
    });
    const app = await makeApp({ at: '2026-12-21T10:00:00+01:00', config: testConfig(data) });
    onTestFinished(() => app.app.close());
    for (const l of LANGS) {
      const p = config.prompts[l.id]!.prompts;
      const call = await (await new Call(app.app).start()).keys(l.key, '2', '1');
      expect(call.dial, l.id).toBeUndefined();
      expect(said(call), l.id).toContain(
        fill(p['reopens-day']!, { day: fill(p.date!, { day: '4', month: p['month-1']! }) }),
      );
      // Never "at 0 o'clock": the time-of-day prompts are not used at all.
      expect(said(call), l.id).not.toContain(
        fill(
          p['time-hour']!,
          clockVars(0, 0, (k) => p[k]!),
        ),
      );
    }
  });

  it('the first of a month: French says it in its own word ("le 1er février"), Dutch and English the number', async () => {
    const data = copyData();
    changeCopy(data, 'directory', (d) => {
      d.services['pag-asa']!.closures = [{ from: '2027-01-04', to: '2027-01-31', reason: 'reason-leave' }];
    });
    const app = await makeApp({ at: '2027-01-04T10:00:00+01:00', config: testConfig(data) });
    onTestFinished(() => app.app.close());
    // The French data has its own word for the 1st; the others have none and say "1".
    expect(fr[dayOfMonthKey(1)]).toBeDefined();
    expect(fr[dayOfMonthKey(1)]).not.toBe('1');
    for (const l of LANGS) {
      const p = config.prompts[l.id]!.prompts;
      if (l.id !== 'fr') expect(p[dayOfMonthKey(1)], l.id).toBeUndefined();
      const day = p[dayOfMonthKey(1)] ?? '1';
      const call = await (await new Call(app.app).start()).keys(l.key, '2', '1');
      expect(call.dial, l.id).toBeUndefined();
      expect(said(call), l.id).toContain(
        fill(p['reopens-day']!, { day: fill(p.date!, { day, month: p['month-2']! }) }),
      );
    }
  });

  it('other days of the month are said as numbers in every language', () => {
    const words = new Phrasebook(config);
    for (const l of LANGS)
      for (let d = 2; d <= 31; d++) expect(words.dayOfMonth(l.id, d), `${l.id} ${d}`).toBe(String(d));
    expect(words.dayOfMonth('fr', 1)).toBe(fr[dayOfMonthKey(1)]);
    expect(words.dayOfMonth('en', 1)).toBe('1');
  });

  it('the loader takes a day of the month in one language only, and refuses a day that does not exist or a placeholder', () => {
    const data = copyData();
    const load = () => loadConfig(data);
    changeCopy(data, 'nl', (p) => {
      p.prompts[dayOfMonthKey(1)] = 'eerste';
    });
    const ok = load();
    expect(ok.ok ? ok.config.prompts.nl!.prompts[dayOfMonthKey(1)] : ok.errors).toBe('eerste');
    changeCopy(data, 'nl', (p) => {
      p.prompts['date-day-32'] = 'tweeëndertigste';
      p.prompts['date-day-0'] = 'nulde';
      p.prompts[dayOfMonthKey(1)] = '{month} eerste';
    });
    const r = load();
    expect(r.ok).toBe(false);
    const codes = (key: string) => r.problems.filter((x) => x.path === `prompts.${key}`).map((x) => x.code);
    expect(codes('date-day-32')).toContain('HL_ERR_PROMPT_UNUSED');
    expect(codes('date-day-0')).toContain('HL_ERR_PROMPT_UNUSED');
    expect(codes(dayOfMonthKey(1))).toEqual(['HL_ERR_PROMPT_PLACEHOLDERS']);
  });

  it('a service closed for good is "closed until further notice", not "the weekend" or "a holiday"', async () => {
    const data = copyData();
    changeCopy(data, 'directory', (d) => (d.services.payoke!.hours = 'off'));
    for (const at of ['2026-12-26T11:00:00+01:00', '2026-12-25T11:00:00+01:00', '2026-12-22T20:00:00+01:00']) {
      const app = await makeApp({ at, config: testConfig(data) });
      onTestFinished(() => app.app.close());
      const call = await (await new Call(app.app).start()).keys('1', '2', '2');
      expect(said(call), at).toContain(fr['closed-temporary']);
      expect(said(call), at).toContain(fr['closed-until-further-notice']);
      expect(said(call), at).not.toContain(fr['closed-weekend']);
      expect(said(call), at).not.toContain(fr['closed-holiday']);
    }
  });
});
