/**
 * `npm run hours`: the audit across Christmas and New Year, and across the change to summer
 * time (28 March 2027, with Easter Monday the day after); what a caller is offered while a
 * service is closed, checked against the line itself through the terminal caller.
 */
import { describe, expect, it } from 'vitest';
import { runCall, scriptedInput } from '../src/cli/call.js';
import { UsageError } from '../src/cli/common.js';
import { auditHours, formatAudit, hoursCli, type Audit, type Period } from '../src/cli/hours.js';
import { wallClockOf } from '../src/cli/time.js';
import { copyData } from './helpers/fixtures.js';
import { testConfig } from './helpers/twilio.js';
import { HOURS_CLI, runNode } from './helpers/built.js';

const config = testConfig();
const ALWAYS = ['police', 'pag-asa', 'payoke', 'surya', 'care-brussels', 'care-ghent', 'care-liege'];
const LINE = /^(HOURS |HOLIDAY |TIMECHANGE |SERVICE |  OPEN   |  CLOSED |    OFFER |    SAID \[(fr|nl)-BE\] |$)/;

const service = (a: Audit, id: string) => a.services.find((s) => s.id === id)!;
const hm = (d: Date) => {
  const w = wallClockOf(d);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
};
const HOUR = 3_600_000;

/** Open periods of 1712: working days 09:00-17:00 Brussels time, 8 real hours each. */
function expectOfficeHours(periods: Period[], workingDays: string[]) {
  const open = periods.filter((p) => p.open);
  expect(open.map((p) => wallClockOf(p.from)).map((w) => `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`)).toEqual(workingDays);
  for (const p of open) {
    expect([hm(p.from), hm(p.to)]).toEqual(['09:00', '17:00']);
    expect(p.to.getTime() - p.from.getTime()).toBe(8 * HOUR);
    expect(p.holidays).toEqual([]);
  }
}

/** Every closed stretch: offers without the closed service, each on its fixed key, said in both languages. */
function expectOffers(periods: Period[], closedId: string) {
  const keyOf = new Map(config.flow.alternatives.map((a) => [a.service, a.key]));
  for (const p of periods.filter((x) => !x.open)) {
    expect(p.offers.length).toBeGreaterThan(0);
    expect(p.offers[0]!.from).toEqual(p.from);
    expect(p.offers.at(-1)!.to).toEqual(p.to);
    for (const o of p.offers) {
      expect(o.services.map((s) => s.service)).not.toContain(closedId);
      expect(o.services.length).toBeGreaterThan(0);
      for (const s of o.services) expect(s.key).toBe(keyOf.get(s.service));
      expect(o.said.map((s) => s.language)).toEqual(['fr-BE', 'nl-BE']);
      for (const s of o.said) expect(s.text.length).toBeGreaterThan(10);
    }
  }
}

describe('across Christmas and New Year (from Monday 21 December 2026, 14 days)', () => {
  const audit = auditHours({ config, from: '2026-12-21', days: 14 });
  const text = formatAudit(audit);

  it('names the public holidays in the span', () => {
    expect(audit.holidays.map((h) => h.date)).toEqual(['2026-12-25', '2027-01-01']);
    expect(text.filter((l) => l.startsWith('HOLIDAY '))).toEqual([expect.stringMatching(/^HOLIDAY Fri 2026-12-25 \S/), expect.stringMatching(/^HOLIDAY Fri 2027-01-01 \S/)]);
    expect(audit.timeChanges).toEqual([]);
  });

  it('1712 is open on the working days only, 9 to 17, closed on Christmas Day and New Year', () => {
    const line = service(audit, 'violence-line');
    expectOfficeHours(line.periods, ['2026-12-21', '2026-12-22', '2026-12-23', '2026-12-24', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31']);
    const christmas = line.periods.find((p) => p.holidays.some((h) => h.date === '2026-12-25'))!;
    expect(christmas.open).toBe(false);
    expect([christmas.from, christmas.to].map((d) => d.toISOString())).toEqual(['2026-12-24T16:00:00.000Z', '2026-12-28T08:00:00.000Z']);
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
    expect(text.find((l) => l.startsWith('SERVICE violence-line'))).toMatch(/dials 1712 · hours "Mo-Fr 09:00-17:00; PH off" · keys 3 after/);
    expect(text).toContain('  CLOSED Thu 2026-12-24 17:00 → Mon 2026-12-28 09:00 (3 d 16 h) · includes Fri 2026-12-25 Kerstmis - Noël');
    expect(text.filter((l) => l.startsWith('    OFFER ')).every((l) => /^    OFFER (\d \S+)(, \d \S+)*$/.test(l))).toBe(true);
  });

  it('what the audit says a caller is offered on Christmas Day is what the line does', async () => {
    const christmas = service(audit, 'violence-line').periods.find((p) => p.holidays.length && !p.open)!;
    const offer = christmas.offers[0]!;
    const at = new Date('2026-12-25T10:00:00+01:00');
    for (const langKey of ['1', '2']) {
      const first = offer.services[0]!;
      const r = await runCall({ input: scriptedInput([langKey, '3', first.key, 'T']), at, config });
      expect(r.events.filter((e) => e.event === 'dial').map((e) => (e as { number: string }).number)).toEqual([config.services[first.service]!.dial]);
      const offered = new Set(offer.services.map((s) => s.key));
      const notOffered = config.flow.alternatives.find((a) => !offered.has(a.key))!; // 1712's own key
      const refused = await runCall({ input: scriptedInput([langKey, '3', notOffered.key, 'H']), at, config });
      expect(refused.events.some((e) => e.event === 'dial')).toBe(false);
    }
  });
});

describe('across the change to summer time (from Monday 22 March 2027, 14 days)', () => {
  const audit = auditHours({ config, from: '2027-03-22', days: 14 });
  const text = formatAudit(audit);

  it('shows the change on Sunday 28 March, 02:00 becoming 03:00, and Easter Monday', () => {
    expect(audit.timeChanges.map((c) => [c.at.toISOString(), c.before, c.after])).toEqual([['2027-03-28T01:00:00.000Z', '02:00', '03:00']]);
    expect(text).toContain('TIMECHANGE Sun 2027-03-28 02:00 → 03:00 (UTC+01:00 → UTC+02:00, summer time starts)');
    expect(audit.holidays.map((h) => h.date)).toEqual(['2027-03-29']);
  });

  it('1712 keeps 9 to 17 Brussels time on both sides of the change, closed on Easter Monday', () => {
    const line = service(audit, 'violence-line');
    expectOfficeHours(line.periods, ['2027-03-22', '2027-03-23', '2027-03-24', '2027-03-25', '2027-03-26', '2027-03-30', '2027-03-31', '2027-04-01', '2027-04-02']);
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
    expect(text).toContain('  OPEN   Mon 2027-03-22 00:00 → Mon 2027-04-05 00:00 (13 d 23 h) · the whole span · open on Mon 2027-03-29 Paasmaandag - Lundi de Pâques');
  });
});

describe('the offer follows the other services through a closed stretch', () => {
  it('when PAG-ASA opens and closes while 1712 is closed, the offer changes at those instants', () => {
    const data = copyData();
    data.edit('directory', (t) => t.replace(/(pag-asa:[\s\S]*?hours: )"24\/7"/, '$1"Mo-Su 08:00-20:00"'));
    const edited = testConfig({ directory: data.directory, menus: data.menus, prompts: data.prompts });
    const audit = auditHours({ config: edited, from: '2026-11-30', days: 1, services: ['violence-line'] });
    const evening = audit.services[0]!.periods.find((p) => !p.open && hm(p.from) === '17:00')!;
    expect(evening.offers.map((o) => [hm(o.from), hm(o.to), o.services.some((s) => s.service === 'pag-asa')])).toEqual([
      ['17:00', '20:00', true],
      ['20:00', '00:00', false],
    ]);
    const morning = audit.services[0]!.periods[0]!;
    expect(morning.offers.map((o) => [hm(o.from), hm(o.to), o.services.some((s) => s.service === 'pag-asa')])).toEqual([
      ['00:00', '08:00', false],
      ['08:00', '09:00', true],
    ]);
  });
});

describe('the command', () => {
  async function cli(args: string[]): Promise<string[]> {
    const lines: string[] = [];
    expect(await hoursCli(args, { out: (l) => lines.push(l), err: () => undefined }, new Date('2026-12-25T10:00:00+01:00'))).toBe(0);
    return lines;
  }

  it('defaults to 14 days from today, Brussels time', async () => {
    const lines = await cli([]);
    expect(lines[0]).toBe('HOURS Fri 2026-12-25 00:00 → Fri 2027-01-08 00:00 Europe/Brussels (14 days)');
  });

  it('--service keeps only the services asked for', async () => {
    const lines = await cli(['--from', '2026-12-21', '--days', '7', '--service', 'violence-line', '--service', 'surya']);
    expect(lines.filter((l) => l.startsWith('SERVICE ')).map((l) => l.split(' ')[1])).toEqual(['violence-line', 'surya']);
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
    const json = JSON.parse(run.stdout) as { from: string; to: string; timeChanges: Array<{ at: string }>; services: Array<{ id: string; periods: Array<{ from: string }> }> };
    expect([json.from, json.to]).toEqual(['2027-03-22T00:00:00+01:00', '2027-04-05T00:00:00+02:00']);
    expect(json.timeChanges.map((c) => c.at)).toEqual(['2027-03-28T03:00:00+02:00']);
    const line = json.services.find((s) => s.id === 'violence-line')!;
    expect(line.periods.map((p) => p.from)).toContain('2027-03-30T09:00:00+02:00');
  });
});
