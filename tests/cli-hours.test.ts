/**
 * `npm run hours`: the audit across Christmas and New Year, and across the change to summer
 * time (28 March 2027, with Easter Monday the day after); what a caller is offered while a
 * service is closed, in every language of the data (the offers can differ by language),
 * checked against the line itself through the terminal caller.
 */
import { describe, expect, it } from 'vitest';
import { runCall, scriptedInput, type CallResult } from '../src/cli/call.js';
import { UsageError } from '../src/cli/common.js';
import { formatAudit, hoursCli } from '../src/cli/hours.js';
import { auditHours, type Audit, type OfferIn, type Period } from '../src/cli/hours-audit.js';
import { wallClockOf } from '../src/time/brussels.js';
import type { Config } from '../src/config/types.js';
import { spokenNumber } from '../src/engine/index.js';
import { changeCopy, copyData } from './helpers/fixtures.js';
import { addGerman, GERMAN } from './helpers/german.js';
import { testConfig } from './helpers/twilio.js';
import { HOURS_CLI, runNode } from './helpers/built.js';

const config = testConfig();
const LANGS = config.flow.languages;
const CODES = LANGS.map((l) => l.code);
const ALWAYS = ['police', 'pag-asa', 'payoke', 'surya', 'care-brussels', 'care-ghent', 'care-liege'];
const LINE =
  /^(HOURS |HOLIDAY |TIMECHANGE |SERVICE | {2}OPEN {3}| {2}CLOSED | {4}OFFER (\[[a-z]{2}-[A-Z]{2}\] )?| {4}SAID \[[a-z]{2}-[A-Z]{2}\] |$)/;

const service = (a: Audit, id: string) => a.services.find((s) => s.id === id)!;
const hm = (d: Date) => {
  const w = wallClockOf(d);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
};
const HOUR = 3_600_000;
const dialled = (r: CallResult) => r.events.flatMap((e) => (e.event === 'dial' ? [e.number] : []));
const langOf = (c: Config, id: string) => c.flow.languages.find((l) => l.id === id)!;

/** Open periods of 1712: working days 09:00-17:00 Brussels time, 8 real hours each. */
function expectOfficeHours(periods: Period[], workingDays: string[]) {
  const open = periods.filter((p) => p.open);
  expect(
    open
      .map((p) => wallClockOf(p.from))
      .map((w) => `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`),
  ).toEqual(workingDays);
  for (const p of open) {
    expect([hm(p.from), hm(p.to)]).toEqual(['09:00', '17:00']);
    expect(p.to.getTime() - p.from.getTime()).toBe(8 * HOUR);
    expect(p.holidays).toEqual([]);
  }
}

/** The services the main menu's option `key` leads to in `lang`: a transfer, a group's first open, or a menu's transfers. */
function mainKeyLeadsTo(c: Config, key: string, lang: string): string[] {
  const a = c.flow.menus.main!.options.find((o) => o.key === key)?.action;
  if (!a) return [];
  if (a.type === 'transfer') return [a.service];
  if (a.type === 'first_open') return c.flow.groups[a.group]!.byLang[lang] ?? c.flow.groups[a.group]!.order;
  if (a.type === 'menu')
    return c.flow.menus[a.menu]!.options.flatMap((o) => (o.action.type === 'transfer' ? [o.action.service] : []));
  return [];
}

/** Every closed stretch: offers in every language, without the closed service, each service on
 * the key that leads to it in the main menu; the caller hears that the service is closed. */
function expectOffers(periods: Period[], closedId: string, c: Config = config) {
  for (const p of periods.filter((x) => !x.open)) {
    expect(p.offers.length).toBeGreaterThan(0);
    expect(p.offers[0]!.from).toEqual(p.from);
    expect(p.offers.at(-1)!.to).toEqual(p.to);
    for (const o of p.offers) {
      expect(o.langs.map((l) => l.language)).toEqual(c.flow.languages.map((l) => l.code));
      for (const l of o.langs) {
        expect(l.services.map((s) => s.service)).not.toContain(closedId);
        expect(l.services.length).toBeGreaterThan(0);
        for (const s of l.services) expect(mainKeyLeadsTo(c, s.key, l.lang), `${l.lang} ${s.key}`).toContain(s.service);
        expect(new Set(l.services.map((s) => s.key)).size).toBe(l.services.length);
        expect(l.said).toContain(c.services[closedId]!.name[l.lang]);
      }
    }
  }
}

/** What the audit says a caller of `lang` is offered at `at`, after choosing the closed service with `keys`, is what the line does. */
async function expectLineDoes(c: Config, offer: OfferIn, keys: string[], at: Date) {
  const langKey = langOf(c, offer.lang).key;
  for (const s of offer.services) {
    const r = await runCall({ input: scriptedInput([langKey, ...keys, s.key, 'H']), at, config: c });
    const target = c.services[s.service]!;
    expect(dialled(r), `${offer.lang} ${s.key}`).toEqual(target.connect === 'say' ? [] : [target.dial]);
  }
  // A key of the offers not said now (the closed service's own key) rings no one.
  const offered = new Set(offer.services.map((s) => s.key));
  for (const { key } of c.flow.offers.filter((o) => !offered.has(o.key))) {
    const refused = await runCall({ input: scriptedInput([langKey, ...keys, key, 'H']), at, config: c });
    expect(dialled(refused), `${offer.lang} ${key}`).toEqual([]);
  }
}

describe('across Christmas and New Year (from Monday 21 December 2026, 14 days)', () => {
  const audit = auditHours({ config, from: '2026-12-21', days: 14 });
  const text = formatAudit(audit);

  it('names the public holidays in the span', () => {
    expect(audit.holidays.map((h) => h.date)).toEqual(['2026-12-25', '2027-01-01']);
    expect(text.filter((l) => l.startsWith('HOLIDAY '))).toEqual([
      expect.stringMatching(/^HOLIDAY Fri 2026-12-25 \S/),
      expect.stringMatching(/^HOLIDAY Fri 2027-01-01 \S/),
    ]);
    expect(audit.timeChanges).toEqual([]);
  });

  it('1712 is open on the working days only, 9 to 17, closed on Christmas Day and New Year', () => {
    const line = service(audit, 'violence-line');
    expectOfficeHours(line.periods, [
      '2026-12-21',
      '2026-12-22',
      '2026-12-23',
      '2026-12-24',
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
    ]);
    const christmas = line.periods.find((p) => p.holidays.some((h) => h.date === '2026-12-25'))!;
    expect(christmas.open).toBe(false);
    expect([christmas.from, christmas.to].map((d) => d.toISOString())).toEqual([
      '2026-12-24T16:00:00.000Z',
      '2026-12-28T08:00:00.000Z',
    ]);
    expectOffers(line.periods, 'violence-line');
  });

  it('the 24/7 services are open for the whole span, holidays included', () => {
    for (const id of ALWAYS) {
      const periods = service(audit, id).periods;
      expect(periods.length, id).toBe(1);
      expect(periods[0]).toMatchObject({ open: true, from: audit.from, to: audit.to, offers: [] });
      expect(periods[0]!.holidays.map((h) => h.date)).toEqual(['2026-12-25', '2027-01-01']);
    }
  });

  it('prints one kind of line per fact: HOURS, HOLIDAY, SERVICE, OPEN, CLOSED, OFFER, SAID', () => {
    expect(text[0]).toBe('HOURS Mon 2026-12-21 00:00 → Mon 2027-01-04 00:00 Europe/Brussels (14 days)');
    for (const l of text) expect(l).toMatch(LINE);
    expect(text.filter((l) => l.startsWith('SERVICE ')).length).toBe(Object.keys(config.services).length);
    expect(text.find((l) => l.startsWith('SERVICE violence-line'))).toMatch(
      /dials 1712 · hours "Mo-Fr 09:00-17:00; PH off" · keys 4 after/,
    );
    expect(text.find((l) => l.startsWith('SERVICE police'))).toMatch(
      /says the number 101 · hours "24\/7" · keys 5 after/,
    );
    expect(text).toContain(
      '  CLOSED Thu 2026-12-24 17:00 → Mon 2026-12-28 09:00 (3 d 16 h) · includes Fri 2026-12-25 Kerstmis - Noël',
    );
    // Every closed stretch: what is said in each language, and the offer, once or per language.
    const christmas = text.indexOf(
      '  CLOSED Thu 2026-12-24 17:00 → Mon 2026-12-28 09:00 (3 d 16 h) · includes Fri 2026-12-25 Kerstmis - Noël',
    );
    const block = text.slice(
      christmas + 1,
      text.findIndex((l, i) => i > christmas && !l.startsWith('    ')),
    );
    expect(block.filter((l) => l.startsWith('    SAID ')).map((l) => /\[(\S+)\]/.exec(l)![1])).toEqual(CODES);
    const offers = block.filter((l) => l.startsWith('    OFFER '));
    expect(offers.length === 1 || offers.length === CODES.length).toBe(true);
    for (const l of offers) expect(l).toMatch(/^ {4}OFFER (\[\S+\] )?(\d \S+)(, \d \S+)*$/);
  });

  it('the offers can differ by language: Dutch speakers are offered the Ghent care centre first', () => {
    const offer = service(audit, 'violence-line').periods.find((p) => !p.open)!.offers[0]!;
    const care = (lang: string) =>
      offer.langs.find((l) => l.lang === lang)!.services.find((s) => s.key === '3')?.service;
    expect(care('nl')).toBe(config.flow.groups.care!.byLang.nl![0]);
    expect(care('fr')).toBe(config.flow.groups.care!.order[0]);
    expect(care('nl')).not.toBe(care('fr'));
    expect(text).toContain(
      `    OFFER [nl-BE] ${offer.langs
        .find((l) => l.lang === 'nl')!
        .services.map((s) => `${s.key} ${s.service}`)
        .join(', ')}`,
    );
  });

  it('what the audit says a caller is offered on Christmas Day is what the line does, in every language', async () => {
    const christmas = service(audit, 'violence-line').periods.find((p) => p.holidays.length && !p.open)!;
    const at = new Date('2026-12-25T10:00:00+01:00');
    const offer = christmas.offers.find((o) => o.from <= at && o.to > at)!;
    for (const l of offer.langs) await expectLineDoes(config, l, service(audit, 'violence-line').keys!, at);
  });
});

describe('across the change to summer time (from Monday 22 March 2027, 14 days)', () => {
  const audit = auditHours({ config, from: '2027-03-22', days: 14 });
  const text = formatAudit(audit);

  it('shows the change on Sunday 28 March, 02:00 becoming 03:00, and Easter Monday', () => {
    expect(audit.timeChanges.map((c) => [c.at.toISOString(), c.before, c.after])).toEqual([
      ['2027-03-28T01:00:00.000Z', '02:00', '03:00'],
    ]);
    expect(text).toContain('TIMECHANGE Sun 2027-03-28 02:00 → 03:00 (UTC+01:00 → UTC+02:00, summer time starts)');
    expect(audit.holidays.map((h) => h.date)).toEqual(['2027-03-29']);
  });

  it('1712 keeps 9 to 17 Brussels time on both sides of the change, closed on Easter Monday', () => {
    const line = service(audit, 'violence-line');
    expectOfficeHours(line.periods, [
      '2027-03-22',
      '2027-03-23',
      '2027-03-24',
      '2027-03-25',
      '2027-03-26',
      '2027-03-30',
      '2027-03-31',
      '2027-04-01',
      '2027-04-02',
    ]);
    const easter = line.periods.find((p) => p.holidays.some((h) => h.date === '2027-03-29'))!;
    expect(easter.open).toBe(false);
    // Friday 17:00 CET to Tuesday 09:00 CEST: 88 hours on the wall clock, 87 real ones.
    expect(easter.to.getTime() - easter.from.getTime()).toBe(87 * HOUR);
    expectOffers(line.periods, 'violence-line');
  });

  it('a 24/7 service is open the whole span, one hour short of 14 days', () => {
    const surya = service(audit, 'surya').periods;
    expect(surya.length).toBe(1);
    expect(surya[0]!.to.getTime() - surya[0]!.from.getTime()).toBe((14 * 24 - 1) * HOUR);
    expect(text).toContain(
      '  OPEN   Mon 2027-03-22 00:00 → Mon 2027-04-05 00:00 (13 d 23 h) · the whole span · open on Mon 2027-03-29 Paasmaandag - Lundi de Pâques',
    );
  });
});

describe('the offer follows the other services through a closed stretch', () => {
  it('when Sürya closes at 20:00 while 1712 is closed, key 1 stands for the next centre, each language in its own order', async () => {
    const data = copyData();
    changeCopy(data, 'directory', (d) => (d.services.surya!.hours = 'Mo-Su 08:00-20:00'));
    const edited = testConfig({ directory: data.directory, menus: data.menus, prompts: data.prompts });
    const audit = auditHours({ config: edited, from: '2026-11-30', days: 1, services: ['violence-line'] });
    const key1 = (o: { langs: OfferIn[] }) =>
      Object.fromEntries(o.langs.map((l) => [l.lang, l.services.find((s) => s.key === '1')?.service]));
    const evening = audit.services[0]!.periods.find((p) => !p.open && hm(p.from) === '17:00')!;
    expect(evening.offers.map((o) => [hm(o.from), hm(o.to), key1(o)])).toEqual([
      ['17:00', '20:00', { fr: 'surya', nl: 'surya', en: 'surya' }],
      // Sürya closed: the centres' own order per language (menus.yaml groups), none confirmed for the night.
      ['20:00', '00:00', { fr: 'pag-asa', nl: 'payoke', en: 'pag-asa' }],
    ]);
    const morning = audit.services[0]!.periods[0]!;
    expect(morning.offers.map((o) => [hm(o.from), hm(o.to), key1(o).nl])).toEqual([
      ['00:00', '08:00', 'payoke'],
      ['08:00', '09:00', 'surya'],
    ]);
    expectOffers(audit.services[0]!.periods, 'violence-line', edited);
    const night = evening.offers[1]!;
    for (const l of night.langs)
      await expectLineDoes(edited, l, audit.services[0]!.keys!, new Date('2026-11-30T21:00:00+01:00'));
  });
});

describe('nothing to offer', () => {
  it('the audit says the ending: nothing open, and the number to call back with its hours, in every language', () => {
    const data = copyData();
    changeCopy(data, 'menus', (m) => (m.offers = { '4': 'violence-line' }));
    const edited = testConfig({ directory: data.directory, menus: data.menus, prompts: data.prompts });
    const audit = auditHours({ config: edited, from: '2026-11-30', days: 1, services: ['violence-line'] });
    const evening = audit.services[0]!.periods.find((p) => !p.open && hm(p.from) === '17:00')!;
    expect(evening.offers.length).toBe(1);
    const callback = edited.services[edited.flow.callback[0]!]!;
    for (const l of evening.offers[0]!.langs) {
      expect(l.services).toEqual([]);
      expect(l.said).toContain(edited.prompts[l.lang]!.prompts['none-open']);
      expect(l.said).toContain(spokenNumber(callback.dial));
    }
    expect(formatAudit(audit)).toContain(
      '    OFFER nothing open: the emergency numbers, a number to call back, and the call ends',
    );
  });
});

describe('a language added as data', () => {
  it('German (de-DE) is audited like the others: offers and what is said, in its own words', async () => {
    const data = copyData();
    addGerman(data, { greeting: false });
    const withGerman = testConfig({ directory: data.directory, menus: data.menus, prompts: data.prompts });
    const audit = auditHours({ config: withGerman, from: '2026-12-21', days: 14, services: ['violence-line'] });
    expectOffers(audit.services[0]!.periods, 'violence-line', withGerman);
    const christmas = audit.services[0]!.periods.find((p) => p.holidays.length && !p.open)!;
    const de = christmas.offers[0]!.langs.find((l) => l.lang === GERMAN.id)!;
    expect(de.language).toBe(GERMAN.code);
    expect(de.said).toContain(withGerman.services['violence-line']!.name.de);
    expect(formatAudit(audit)).toContain(`    SAID [${GERMAN.code}] ${de.said}`);
    await expectLineDoes(withGerman, de, audit.services[0]!.keys!, new Date('2026-12-25T10:00:00+01:00'));
  });
});

describe('the command', () => {
  async function cli(args: string[]): Promise<string[]> {
    const lines: string[] = [];
    expect(
      await hoursCli(args, { out: (l) => lines.push(l), err: () => undefined }, new Date('2026-12-25T10:00:00+01:00')),
    ).toBe(0);
    return lines;
  }

  it('defaults to 14 days from today, Brussels time', async () => {
    const lines = await cli([]);
    expect(lines[0]).toBe('HOURS Fri 2026-12-25 00:00 → Fri 2027-01-08 00:00 Europe/Brussels (14 days)');
  });

  it('--service keeps only the services asked for', async () => {
    const lines = await cli([
      '--from',
      '2026-12-21',
      '--days',
      '7',
      '--service',
      'violence-line',
      '--service',
      'surya',
    ]);
    expect(lines.filter((l) => l.startsWith('SERVICE ')).map((l) => l.split(' ')[1])).toEqual([
      'violence-line',
      'surya',
    ]);
  });

  it('refuses a bad date, a bad number of days and an unknown service', async () => {
    const io = { out: () => undefined, err: () => undefined };
    await expect(hoursCli(['--from', '2026-13-01'], io)).rejects.toThrow(UsageError);
    await expect(hoursCli(['--days', '0'], io)).rejects.toThrow(/--days/);
    await expect(hoursCli(['--days', 'ten'], io)).rejects.toThrow(/--days/);
    await expect(hoursCli(['--service', 'nope'], io)).rejects.toThrow(/no service "nope"/);
  });

  it('the built script prints JSON with Brussels offsets', () => {
    const run = runNode(HOURS_CLI, {}, ['--from', '2027-03-22', '--days', '14', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as {
      from: string;
      to: string;
      timeChanges: Array<{ at: string }>;
      services: Array<{ id: string; periods: Array<{ from: string }> }>;
    };
    expect([json.from, json.to]).toEqual(['2027-03-22T00:00:00+01:00', '2027-04-05T00:00:00+02:00']);
    expect(json.timeChanges.map((c) => c.at)).toEqual(['2027-03-28T03:00:00+02:00']);
    const line = json.services.find((s) => s.id === 'violence-line')!;
    expect(line.periods.map((p) => p.from)).toContain('2027-03-30T09:00:00+02:00');
  });
});
