/**
 * Operator overrides: temporary closures and openings on top of the weekly hours, the reason
 * callers hear for each kind of closure, and the checks of the directory's new fields.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Problem } from '../src/config/problems.js';
import { loadConfig } from '../src/config/load.js';
import { Hours, parseLocalTime } from '../src/time/hours.js';
import { fill } from '../src/call/placeholders.js';
import { parse, stringify } from 'yaml';
import { changeCopy, copyData, type DirectoryDoc } from './helpers/fixtures.js';
import { Call, makeApp, testConfig } from './helpers/twilio.js';
import { clockVars } from '../src/engine/index.js';

const at = (iso: string) => new Date(iso);

describe('parseLocalTime: Belgian wall-clock times as the operator writes them', () => {
  it('reads a date, a date and time, 24:00, and the end of a day', () => {
    expect(parseLocalTime('2026-12-24 13:00')?.toISOString()).toBe('2026-12-24T12:00:00.000Z');
    expect(parseLocalTime('2026-07-21')?.toISOString()).toBe('2026-07-20T22:00:00.000Z');
    expect(parseLocalTime('2026-07-21', true)?.toISOString()).toBe('2026-07-21T22:00:00.000Z');
    expect(parseLocalTime('2026-12-24 24:00')?.toISOString()).toBe('2026-12-24T23:00:00.000Z');
  });

  it('refuses what does not exist', () => {
    for (const bad of [
      '2026-02-30',
      '2026-13-01',
      '2026-12-24 25:00',
      '2026-12-24 24:30',
      '24/12/2026',
      '2026-12-24 9:00',
      '',
    ]) {
      expect(parseLocalTime(bad), bad).toBeUndefined();
    }
  });
});

describe('Hours with overrides', () => {
  const closure = {
    from: at('2026-12-24T13:00:00+01:00'),
    to: at('2026-12-24T17:00:00+01:00'),
    open: false,
    reason: 'reason-training',
  };

  it('a closure of a 24/7 service: closed with its reason until it ends, open before and after', () => {
    const h = new Hours('24/7', 'be', [closure]);
    const before = h.state(at('2026-12-24T12:00:00+01:00'));
    expect(before.open).toBe(true);
    expect(before.nextChange?.toISOString()).toBe(closure.from.toISOString());
    const during = h.state(at('2026-12-24T14:00:00+01:00'));
    expect(during).toMatchObject({ open: false, closure: { kind: 'temporary', reason: 'reason-training' } });
    expect(during.nextChange?.toISOString()).toBe(closure.to.toISOString());
    const after = h.state(at('2026-12-24T17:00:00+01:00'));
    expect(after.open).toBe(true);
    expect(after.nextChange).toBeUndefined();
    expect(h.alwaysOpen(at('2026-12-24T18:00:00+01:00'))).toBe(true);
    // Before the closure it is not "always open", but its weekly hours still are.
    expect(h.alwaysOpen(at('2026-12-20T12:00:00+01:00'))).toBe(false);
    expect(h.weeklyAlwaysOpen(at('2026-12-20T12:00:00+01:00'))).toBe(true);
  });

  it('a closure that runs into the weekly closing reopens with the weekly hours', () => {
    // Thursday 24 December 13:00 to 17:00 closed; Friday 25 is Christmas; Monday 28 at 9.
    const h = new Hours('Mo-Fr 09:00-17:00; PH off', 'be', [closure]);
    const during = h.state(at('2026-12-24T15:00:00+01:00'));
    expect(during.open).toBe(false);
    expect(during.nextChange?.toISOString()).toBe('2026-12-28T08:00:00.000Z');
    // The morning before: open until the closure starts.
    expect(h.state(at('2026-12-24T10:00:00+01:00')).nextChange?.toISOString()).toBe('2026-12-24T12:00:00.000Z');
  });

  it('a closure that ends while the weekly hours are closed does not make a change of its own', () => {
    const h = new Hours('Mo-Fr 09:00-17:00; PH off', 'be', [
      { from: at('2026-11-30T09:00:00+01:00'), to: at('2026-11-30T20:00:00+01:00'), open: false },
    ]);
    const s = h.state(at('2026-11-30T10:00:00+01:00'));
    expect(s).toMatchObject({ open: false, closure: { kind: 'temporary' } });
    expect(s.nextChange?.toISOString()).toBe('2026-12-01T08:00:00.000Z');
  });

  it('an opening on a Saturday opens a working-days service, then it closes at the weekend again', () => {
    const h = new Hours('Mo-Fr 09:00-17:00; PH off', 'be', [
      { from: at('2026-11-28T10:00:00+01:00'), to: at('2026-11-28T14:00:00+01:00'), open: true },
    ]);
    const s = h.state(at('2026-11-28T11:00:00+01:00'));
    expect(s.open).toBe(true);
    expect(s.nextChange?.toISOString()).toBe('2026-11-28T13:00:00.000Z');
    const later = h.state(at('2026-11-28T15:00:00+01:00'));
    expect(later).toMatchObject({ open: false, closure: { kind: 'weekend' } });
    expect(later.nextChange?.toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(h.state(at('2026-11-28T09:00:00+01:00')).nextChange?.toISOString()).toBe('2026-11-28T09:00:00.000Z');
  });
});

describe('open intervals with overrides (npm run hours, npm run map)', () => {
  it('a closure cuts a 24/7 service in two; an opening adds a stretch', () => {
    const h = new Hours('24/7', 'be', [
      { from: at('2026-12-24T13:00:00+01:00'), to: at('2026-12-24T17:00:00+01:00'), open: false },
    ]);
    const iv = h.intervals(at('2026-12-24T00:00:00+01:00'), at('2026-12-25T00:00:00+01:00'));
    expect(iv.map((i) => [i.from.toISOString(), i.to.toISOString()])).toEqual([
      ['2026-12-23T23:00:00.000Z', '2026-12-24T12:00:00.000Z'],
      ['2026-12-24T16:00:00.000Z', '2026-12-24T23:00:00.000Z'],
    ]);
    const w = new Hours('Mo-Fr 09:00-17:00; PH off', 'be', [
      { from: at('2026-11-28T10:00:00+01:00'), to: at('2026-11-28T14:00:00+01:00'), open: true },
    ]);
    const week = w.intervals(at('2026-11-27T00:00:00+01:00'), at('2026-11-30T12:00:00+01:00'));
    expect(week.map((i) => [i.from.toISOString(), i.to.toISOString()])).toEqual([
      ['2026-11-27T08:00:00.000Z', '2026-11-27T16:00:00.000Z'],
      ['2026-11-28T09:00:00.000Z', '2026-11-28T13:00:00.000Z'],
      ['2026-11-30T08:00:00.000Z', '2026-11-30T11:00:00.000Z'],
    ]);
  });
});

describe('why a service is closed', () => {
  const h = new Hours('Mo-Fr 09:00-17:00; PH off', 'be');
  it.each([
    ['a weekday evening', '2026-11-30T20:00:00+01:00', 'after-hours'],
    ['a Friday evening (the weekend has not begun)', '2026-11-27T18:00:00+01:00', 'after-hours'],
    ['a weekday early morning', '2026-11-30T07:00:00+01:00', 'after-hours'],
    ['a Saturday', '2026-11-28T11:00:00+01:00', 'weekend'],
    ['a Sunday night', '2026-11-29T23:30:00+01:00', 'weekend'],
    ['Whit Monday', '2026-05-25T10:00:00+02:00', 'holiday'],
    ['Christmas Day', '2026-12-25T10:00:00+01:00', 'holiday'],
  ])('%s: %s', (_label, iso, kind) => {
    expect(h.state(at(iso)).closure?.kind).toBe(kind);
  });

  it('a dated rule in the hours is a temporary closure; its comment, when a reason key, is the reason', () => {
    const withReason = new Hours('Mo-Fr 09:00-17:00; PH off; 2026 Dec 28-2026 Dec 31 off "reason-leave"', 'be');
    expect(withReason.state(at('2026-12-29T10:00:00+01:00')).closure).toEqual({
      kind: 'temporary',
      reason: 'reason-leave',
    });
    const bare = new Hours('Mo-Fr 09:00-17:00; PH off; 2026 Dec 24 off', 'be');
    expect(bare.state(at('2026-12-24T10:00:00+01:00')).closure).toEqual({ kind: 'temporary' });
    // A weekday rule without a date is the weekend, not a temporary closure.
    const weekend = new Hours('Mo-Fr 09:00-17:00; Sa,Su off', 'be');
    expect(weekend.state(at('2026-11-28T11:00:00+01:00')).closure).toEqual({ kind: 'weekend' });
  });

  it('changes from "after hours" to "weekend" while the service stays closed', () => {
    const hours = new Hours('Mo-Fr 09:00-17:00', 'be');
    expect(hours.state(at('2026-11-27T23:59:00+01:00')).closure?.kind).toBe('after-hours');
    expect(hours.state(at('2026-11-28T00:01:00+01:00')).closure?.kind).toBe('weekend');
  });
});

/** The text of every <Say> of the current TwiML. */
const said = (call: Call) => call.gather!.children.map((c) => c.text).join(' ');

/** The query of the current <Gather>'s action, as a plain object. */
const query = (call: Call) => Object.fromEntries(new URL(call.gather!.attrs.action!).searchParams);

describe('callers hear the reason, in their language', () => {
  const config = testConfig();
  const LANGS = config.flow.languages;
  const prompts = (id: string) => config.prompts[id]!.prompts;
  const VIOLENCE_KEY = config.flow.menus.main!.options.find(
    (o) => o.action.type === 'transfer' && o.action.service === 'violence-line',
  )!.key;
  const CENTRES_OFFER = config.flow.offers.find((o) => o.target.type === 'group' && o.target.group === 'centres')!.key;

  it.each([
    ['after hours', '2026-11-30T19:00:00+01:00', 'closed-after-hours'],
    ['at the weekend', '2026-11-28T11:00:00+01:00', 'closed-weekend'],
    ['on a public holiday', '2026-07-21T11:00:00+02:00', 'closed-holiday'],
  ])('1712 %s', async (_label, iso, key) => {
    const t = await makeApp({ at: iso });
    onTestFinished(() => t.app.close());
    for (const l of LANGS) {
      const catalog = prompts(l.id);
      const call = await new Call(t.app).start();
      await call.keys(l.key, VIOLENCE_KEY);
      expect(call.dial, l.id).toBeUndefined();
      expect(new Set(call.languages), l.id).toEqual(new Set([l.code]));
      const text = said(call);
      const closed = fill(catalog.closed!, { name: config.services['violence-line']!.name[l.id]! });
      // "Closed", then the reason, then when it reopens; then the offers.
      expect(text, l.id).toContain(closed);
      expect(text, l.id).toContain(catalog[key]);
      expect(text.indexOf(closed), l.id).toBeLessThan(text.indexOf(catalog[key]!));
      expect(text.indexOf(catalog[key]!), l.id).toBeLessThan(text.indexOf(catalog.reopens!.split('{')[0]!));
      expect(query(call), l.id).toMatchObject({ lang: l.id, menu: 'alt', focus: 'violence-line' });
    }
  });

  it('a closure in the directory closes PAG-ASA with its reason, says when it reopens, and offers the others', async () => {
    const fr = prompts('fr');
    const data = changeCopy(copyData(), 'directory', (d) => {
      d.services['pag-asa']!.closures = [
        { from: '2026-11-30 09:00', to: '2026-11-30 13:30', reason: 'reason-training' },
      ];
    });
    const t = await makeApp({ at: '2026-11-30T10:00:00+01:00', config: testConfig(data) });
    onTestFinished(() => t.app.close());
    const call = await new Call(t.app).start();
    await call.keys('1', '2', '1');
    expect(call.dial).toBeUndefined();
    expect(said(call)).toContain(fr['reason-training']);
    expect(said(call)).toContain(
      fill(fr.reopens!, {
        day: fr.today!,
        time: fill(
          fr['time-hour-minute']!,
          clockVars(13, 30, (k) => fr[k]!),
        ),
      }),
    );
    // The offers, focused on PAG-ASA; a closed service has not failed, so f= is absent.
    expect(query(call)).toEqual({ lang: 'fr', menu: 'alt', tries: '0', focus: 'pag-asa' });
    // Not offered itself: its name is said once, in "closed".
    expect(said(call).split(config.services['pag-asa']!.name.fr!).length - 1).toBe(1);
    await call.press(CENTRES_OFFER);
    expect(call.dialled).toBe(config.services.surya!.dial);
    // Services with the same weekly hours ("24/7") but no closure stay open.
    expect((await new Call(t.app).start().then((c) => c.keys('1', '2', '2'))).dialled).toBe(
      config.services.payoke!.dial,
    );
    // Without a reason: the generic temporary closure, in every other language.
    const data2 = changeCopy(copyData(), 'directory', (d) => {
      d.services['pag-asa']!.closures = [{ from: '2026-11-30', to: '2026-12-01' }];
    });
    const t2 = await makeApp({ at: '2026-11-30T10:00:00+01:00', config: testConfig(data2) });
    onTestFinished(() => t2.app.close());
    for (const l of LANGS.filter((x) => x.id !== 'fr')) {
      const p = prompts(l.id);
      const other = await new Call(t2.app).start();
      await other.keys(l.key, '2', '1');
      expect(said(other), l.id).toContain(p['closed-temporary']);
      expect(said(other), l.id).toContain(fill(p['reopens-day']!, { day: p['day-3']! })); // reopens Wednesday
    }
    // After the closure, PAG-ASA is put through again.
    t.setNow('2026-11-30T13:30:00+01:00');
    expect((await new Call(t.app).start().then((c) => c.keys('1', '2', '1'))).dialled).toBe(
      config.services['pag-asa']!.dial,
    );
  });

  it('an opening puts 1712 through on a Saturday', async () => {
    const data = changeCopy(copyData(), 'directory', (d) => {
      d.services['violence-line']!.openings = [{ from: '2026-11-28 10:00', to: '2026-11-28 14:00' }];
    });
    const t = await makeApp({ at: '2026-11-28T11:00:00+01:00', config: testConfig(data) });
    onTestFinished(() => t.app.close());
    expect((await new Call(t.app).start().then((c) => c.keys('1', VIOLENCE_KEY))).dialled).toBe('1712');
    t.setNow('2026-11-28T14:00:00+01:00');
    expect((await new Call(t.app).start().then((c) => c.keys('1', VIOLENCE_KEY))).dial).toBeUndefined();
  });

  it('the reason in a comment of the hours is said too', async () => {
    const data = changeCopy(copyData(), 'directory', (d) => {
      d.services['violence-line']!.hours = 'Mo-Fr 09:00-17:00; PH off; 2026 Nov 30 off "reason-team-meeting"';
    });
    const t = await makeApp({ at: '2026-11-30T10:00:00+01:00', config: testConfig(data) });
    onTestFinished(() => t.app.close());
    for (const l of LANGS) {
      const p = prompts(l.id);
      const call = await new Call(t.app).start();
      await call.keys(l.key, VIOLENCE_KEY);
      expect(said(call), l.id).toContain(p['reason-team-meeting']);
      expect(said(call), l.id).toContain(
        fill(p.reopens!, {
          day: p.tomorrow!,
          time: fill(
            p['time-hour']!,
            clockVars(9, 0, (k) => p[k]!),
          ),
        }),
      );
    }
  });
});

describe('checks of closures and openings at start-up', () => {
  /** The problems of the directory changed as data, at a Monday morning. */
  function problems(edit: (d: DirectoryDoc) => void): { errors: Problem[]; warnings: Problem[] } {
    const data = changeCopy(copyData(), 'directory', edit);
    const r = loadConfig(data, at('2026-11-30T10:00:00+01:00'));
    return {
      errors: r.problems.filter((p) => p.code.startsWith('HL_ERR_')),
      warnings: r.problems.filter((p) => p.code.startsWith('HL_WARN_')),
    };
  }
  type Closures = NonNullable<DirectoryDoc['services'][string]['closures']>;
  const closures = (list: Closures) => (d: DirectoryDoc) => {
    d.services['pag-asa']!.closures = list;
  };
  const problem = (code: string, path: string) => expect.objectContaining({ code, path });

  it('the built-in reasons may stay unused; the data loads as shipped', () => {
    const r = loadConfig();
    expect(r.ok ? [] : r.errors).toEqual([]);
  });

  it('every wrong closure is named with its place', () => {
    const { errors } = problems(
      closures([
        { from: '2026-02-30', to: '2026-03-02' },
        { from: '2026-12-24 17:00', to: '2026-12-24 13:00' },
        { from: '2026-12-01', to: '2026-12-03', reason: 'training' },
        { from: '2026-12-10', to: '2026-12-12', reason: 'reason-nowhere' },
        { from: '24/12/2026', to: '2026-12-24', why: 'x' } as Closures[number],
      ]),
    );
    expect(errors).toContainEqual(problem('HL_ERR_SCHEMA', 'services.pag-asa.closures.2.reason'));
    expect(errors).toContainEqual(problem('HL_ERR_SCHEMA', 'services.pag-asa.closures.4.from'));
    expect(errors).toContainEqual(problem('HL_ERR_UNKNOWN_FIELD', 'services.pag-asa.closures.4.why'));
    // The others are checked once the shapes are right.
    const second = problems(
      closures([
        { from: '2026-02-30', to: '2026-03-02' },
        { from: '2026-12-24 17:00', to: '2026-12-24 13:00' },
        { from: '2026-12-10', to: '2026-12-12', reason: 'reason-nowhere' },
      ]),
    ).errors;
    expect(second).toContainEqual(problem('HL_ERR_TIME', 'services.pag-asa.closures[0].from'));
    expect(second).toContainEqual(problem('HL_ERR_SPAN_ORDER', 'services.pag-asa.closures[1]'));
    for (const lang of ['fr', 'nl', 'en'])
      expect(second).toContainEqual(
        expect.objectContaining({
          code: 'HL_ERR_PROMPT_MISSING',
          path: 'prompts.reason-nowhere',
          file: expect.stringMatching(new RegExp(`${lang}\\.yaml$`)),
          message: expect.stringContaining('services.pag-asa.closures[2].reason'),
        }),
      );
  });

  it('overlapping closures and openings are refused', () => {
    const { errors } = problems((d) => {
      d.services['pag-asa']!.closures = [{ from: '2026-12-01', to: '2026-12-05' }];
      d.services['pag-asa']!.openings = [{ from: '2026-12-03 10:00', to: '2026-12-03 12:00' }];
    });
    expect(errors).toContainEqual(problem('HL_ERR_SPAN_OVERLAP', 'services.pag-asa.openings[0]'));
  });

  it('warns of a past closure, a comment that is not a reason, and a closed safety-net service', () => {
    const { errors, warnings } = problems((d) => {
      d.services.surya!.closures = [
        { from: '2026-12-01', to: '2026-12-02' },
        { from: '2025-01-01', to: '2025-01-02' },
      ];
      d.services['violence-line']!.hours = 'Mo-Fr 09:00-17:00; PH off; 2026 Dec 24 off "training day"';
    });
    expect(errors).toEqual([]);
    expect(warnings).toContainEqual(problem('HL_WARN_PAST_SPAN', 'services.surya.closures[1]'));
    expect(warnings).toContainEqual(problem('HL_WARN_HOURS_COMMENT', 'services.violence-line.hours'));
    expect(warnings).toContainEqual(problem('HL_WARN_SAFETY_NET_CLOSURE', 'services.surya.closures'));
  });

  it('a reason used by a closure must exist in every language and have no placeholder', () => {
    const withReason = closures([{ from: '2026-12-01', to: '2026-12-02', reason: 'reason-training' }]);
    /** One language's reason-training with a placeholder, changed as data. */
    const placeholderIn = (lang: 'fr' | 'nl' | 'en') => {
      const data = changeCopy(copyData(), 'directory', withReason);
      const file = data.path(lang);
      const doc = parse(readFileSync(file, 'utf8')) as { prompts: Record<string, string> };
      doc.prompts['reason-training'] = 'Closed for {name}.';
      writeFileSync(file, stringify(doc, { lineWidth: 0 }));
      return loadConfig(data).problems;
    };
    for (const lang of ['fr', 'nl', 'en'] as const)
      expect(placeholderIn(lang)).toContainEqual(
        expect.objectContaining({
          code: 'HL_ERR_PROMPT_PLACEHOLDERS',
          path: 'prompts.reason-training',
          file: expect.stringMatching(new RegExp(`${lang}\\.yaml$`)),
        }),
      );
  });
});
