/**
 * The data checks of issues 16 and 17: one model of Belgian time, nobody-to-reach days, extra
 * holidays, recordings, and `npm run preflight -- --json`. Test data is built as data
 * (tests/helpers/fixtures.ts); assertions are on codes and behaviour.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { ROOT } from '../src/config/paths.js';
import { auditHours } from '../src/cli/hours-audit.js';
import { formatAudit } from '../src/cli/hours.js';
import { preflight, preflightCli } from '../src/cli/preflight.js';
import { parseWallClock, WallClockError } from '../src/time/brussels.js';
import { dataFixture, type DirectoryDoc, type Fixture, fixture, service, TINY_WAV } from './helpers/fixtures.js';
import { all, Call, makeApp, testConfig } from './helpers/twilio.js';

let f: Fixture | undefined;
afterEach(() => {
  f?.remove();
  f = undefined;
});

describe('one model of Belgian time (src/time/brussels.ts)', () => {
  it('refuses a time in the hour skipped in spring, for the data and the tools alike', () => {
    expect(() => parseWallClock('2027-03-28T02:30')).toThrow(WallClockError);
    f = dataFixture({
      directory: (d) => (service(d, 'pag-asa').closures = [{ from: '2027-03-28 02:30', to: '2027-03-28 04:00' }]),
    });
    const r = loadConfig(f);
    expect(r.problems).toContainEqual(
      expect.objectContaining({ code: 'HL_ERR_TIME', path: 'services.pag-asa.closures[0].from' }),
    );
  });

  it('reads a time in the hour repeated in autumn as the first, in summer time, with a note', () => {
    const p = parseWallClock('2027-10-31T02:30');
    expect(p.at.toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(p.note).toBeDefined();
    f = dataFixture({
      directory: (d) => (service(d, 'pag-asa').closures = [{ from: '2027-10-31 02:30', to: '2027-10-31 05:00' }]),
    });
    const r = loadConfig(f);
    expect(r.ok).toBe(true);
    expect(r.problems).toContainEqual(
      expect.objectContaining({ code: 'HL_WARN_TIME_TWICE', path: 'services.pag-asa.closures[0].from' }),
    );
  });

  it('24:00 and a date alone as an end are the end of that day', () => {
    expect(parseWallClock('2027-01-05 24:00').at).toEqual(parseWallClock('2027-01-06').at);
    expect(parseWallClock('2027-01-05', { endOfDay: true }).at).toEqual(parseWallClock('2027-01-06T00:00').at);
  });

  it('importing the hours does not set the process time zone; the tools set it at their start', () => {
    const script =
      "const before = process.env.TZ; await import('./dist/src/time/hours.js'); console.log(process.env.TZ === before)";
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, TZ: 'America/New_York' },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('true');
  });
});

/** Every service of the safety net closed on one day: 2027-01-05, a Tuesday. */
const NOBODY_DAY = '2027-01-05';
function closeSafetyNet(d: DirectoryDoc): void {
  for (const id of ['surya', 'pag-asa', 'payoke', 'care-brussels', 'care-ghent', 'care-liege'])
    service(d, id).closures = [{ from: NOBODY_DAY, to: NOBODY_DAY }];
}

describe('nobody-to-reach days are found before they happen (issue 16, item 3)', () => {
  it('the start and a reload warn once, naming the date', () => {
    f = dataFixture({ directory: closeSafetyNet });
    const r = loadConfig(f);
    expect(r.ok).toBe(true);
    const found = r.problems.filter((p) => p.code === 'HL_WARN_NOBODY_TO_REACH');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain(NOBODY_DAY);
    // The shipped data has none.
    expect(loadConfig().problems.filter((p) => p.code === 'HL_WARN_NOBODY_TO_REACH')).toEqual([]);
  });

  it('npm run preflight blocks, naming the date; npm run hours shows it', () => {
    f = dataFixture({ directory: closeSafetyNet });
    const config = testConfig(f);
    const report = preflight({ config, env: {}, now: new Date(), record: { status: 'missing' } as never });
    const finding = report.blocking.find((x) => x.kind === 'nobody-to-reach');
    expect(finding?.message).toContain(NOBODY_DAY);
    const audit = auditHours({ config, from: '2027-01-04', days: 3 });
    expect(audit.nobodyToReach).toEqual([NOBODY_DAY]);
    expect(formatAudit(audit).filter((l) => l.startsWith('NOBODY'))).toHaveLength(1);
    expect(auditHours({ config: testConfig(), from: '2027-01-04', days: 3 }).nobodyToReach).toEqual([]);
  });

  it('on that day a silent caller hears the emergency numbers in every greeting language, and no "no other service"', async () => {
    f = dataFixture({ directory: closeSafetyNet });
    const config = testConfig(f);
    const t = await makeApp({ config, at: `${NOBODY_DAY}T03:00:00+01:00` });
    onTestFinished(() => t.app.close());
    const call = await new Call(t.app).start();
    await call.silence();
    await call.silence();
    expect(call.dial).toBeUndefined();
    expect(call.hungUp).toBe(true);
    const said = all(call.twiml, 'Say');
    for (const lang of config.flow.greeting) {
      const p = config.prompts[lang]!;
      const inLang = said
        .filter((s) => s.attrs.language === p.language)
        .map((s) => s.text)
        .join(' ');
      expect(inLang).toContain(p.prompts.emergency);
      expect(inLang).not.toContain(p.prompts['none-open']);
      expect(inLang).not.toContain(p.prompts['putting-through']);
    }
  });

  it('"no other service" is said once something was tried: the chosen service is closed', async () => {
    f = dataFixture({ directory: closeSafetyNet });
    const config = testConfig(f);
    const t = await makeApp({ config, at: `${NOBODY_DAY}T03:00:00+01:00` });
    onTestFinished(() => t.app.close());
    const key = config.flow.menus.main!.options.find(
      (o) => o.action.type === 'transfer' && o.action.service === 'violence-line',
    )!.key;
    const call = await (await new Call(t.app).start()).keys(config.flow.languages[0]!.key, key);
    // Closed: only the police's number is offered (it is said, not dialled); then nobody is left.
    const police = config.flow.offers.find((o) => o.target.type === 'service' && o.target.service === 'police')!;
    await call.press(police.key);
    expect(call.hungUp).toBe(true);
    const p = config.prompts[config.flow.languages[0]!.id]!.prompts;
    expect(
      all(call.twiml, 'Say')
        .map((s) => s.text)
        .join(' '),
    ).toContain(p['none-open']);
  });
});

describe('extra holidays in the data (issue 16, item 9)', () => {
  /** 2027-12-27 is a Monday: 1712 would be open. */
  const DAY = '12-27';
  const at = '2027-12-27T10:00:00+01:00';
  const violenceKey = (c: ReturnType<typeof testConfig>) =>
    c.flow.menus.main!.options.find((o) => o.action.type === 'transfer' && o.action.service === 'violence-line')!.key;

  it('settings.holidays closes every service whose hours say "PH off", and only those', () => {
    f = dataFixture({ directory: (d) => (d.settings = { ...d.settings, holidays: [DAY] }) });
    const config = testConfig(f);
    expect(config.services['violence-line']!.hours.isOpen(new Date(at))).toBe(false);
    expect(config.services['violence-line']!.hours.state(new Date(at)).closure?.kind).toBe('holiday');
    expect(config.services.surya!.hours.isOpen(new Date(at))).toBe(true);
    expect(testConfig().services['violence-line']!.hours.isOpen(new Date(at))).toBe(true);
  });

  it("a service's own holidays apply to it alone, once (YYYY-MM-DD) or every year (MM-DD)", () => {
    f = dataFixture({ directory: (d) => (service(d, 'surya').holidays = ['2027-12-27', '07-11']) });
    const config = testConfig(f);
    expect(config.services.surya!.hours.isOpen(new Date(at))).toBe(false);
    expect(config.services.surya!.hours.isOpen(new Date('2028-12-27T10:00:00+01:00'))).toBe(true);
    expect(config.services.surya!.hours.isOpen(new Date('2028-07-11T10:00:00+02:00'))).toBe(false);
    expect(config.services['pag-asa']!.hours.isOpen(new Date(at))).toBe(true);
  });

  it('a caller hears the holiday reason and when it opens again; the audit shows the day', async () => {
    f = dataFixture({ directory: (d) => (d.settings = { ...d.settings, holidays: [DAY] }) });
    const config = testConfig(f);
    const t = await makeApp({ config, at });
    onTestFinished(() => t.app.close());
    const lang = config.flow.languages[0]!;
    const call = await (await new Call(t.app).start()).keys(lang.key, violenceKey(config));
    expect(call.dial).toBeUndefined();
    const texts = call.gather!.children.map((n) => n.text).join(' ');
    expect(texts).toContain(config.prompts[lang.id]!.prompts['closed-holiday']);
    const audit = auditHours({ config, from: '2027-12-26', days: 3, services: ['violence-line'] });
    expect(audit.holidays).toContainEqual(
      expect.objectContaining({ date: '2027-12-27', services: expect.arrayContaining(['violence-line']) }),
    );
    const closed = audit.services[0]!.periods.find((p) => !p.open && p.holidays.some((h) => h.date === '2027-12-27'));
    expect(closed).toBeDefined();
  });

  it('every shipped service has a check asking which days it closes', () => {
    for (const s of Object.values(testConfig().services)) expect(s.check, s.id).toMatch(/holidays/);
  });
});

describe('recordings are checked (issue 16, item 10)', () => {
  const WAV = TINY_WAV;
  function withRecording(name: string, bytes: Buffer, text?: string): Fixture {
    const fx = fixture();
    const dir = join(fx.prompts, 'audio', 'en');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), bytes);
    if (text !== undefined) writeFileSync(join(dir, name.replace(/\.(wav|mp3)$/, '.txt')), text);
    return fx;
  }
  const en = testConfig().prompts.en!.prompts;

  it.each([
    ['an empty file', Buffer.alloc(0)],
    ['a 9-byte text file', Buffer.from('not audio')],
  ])('%s stops the start, naming the file', (_what, bytes) => {
    f = withRecording('emergency.wav', bytes, en.emergency);
    const r = loadConfig(f);
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(
      expect.objectContaining({ code: 'HL_ERR_AUDIO', file: expect.stringMatching(/audio\/en\/emergency\.wav$/) }),
    );
  });

  it('a WAV with its recorded text is used without a warning; an MP3 header is accepted', () => {
    f = withRecording('emergency.wav', WAV, en.emergency);
    const r = loadConfig(f);
    expect(r.ok).toBe(true);
    expect(r.problems.filter((p) => p.code.includes('AUDIO'))).toEqual([]);
    if (r.ok) expect(r.config.prompts.en!.audio.get('emergency')).toMatch(/emergency\.wav$/);
    f.remove();
    f = withRecording('goodbye.mp3', Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0]), en.goodbye);
    expect(loadConfig(f).ok).toBe(true);
  });

  it('a recording whose prompt text changed since gets a warning', () => {
    f = withRecording('emergency.wav', WAV, 'The words as they were recorded last year.');
    const r = loadConfig(f);
    expect(r.ok).toBe(true);
    expect(r.problems).toContainEqual(expect.objectContaining({ code: 'HL_WARN_AUDIO_STALE' }));
  });
});

describe('npm run preflight -- --json emits the problems with their codes (issue 17, point 5)', () => {
  it('broken data: the problems as JSON, exit status 2', async () => {
    f = dataFixture({ directory: (d) => (service(d, 'payoke').dial = '03 201 16 90') });
    let out = '';
    const io = { out: (t: string) => (out += t), err: () => {} };
    const env = { HELPLINE_CONFIG: f.directory, HELPLINE_MENUS: f.menus, HELPLINE_PROMPTS: f.prompts };
    await expect(preflightCli(['--json'], io, { env })).rejects.toMatchObject({ exitCode: 2 });
    const json = JSON.parse(out) as { ready: boolean; problems: Array<{ code: string; path: string }> };
    expect(json.ready).toBe(false);
    expect(json.problems).toContainEqual(
      expect.objectContaining({ code: 'HL_ERR_DIAL', path: 'services.payoke.dial' }),
    );
  });

  it('valid data: the report carries the warnings with their codes', async () => {
    let out = '';
    const io = { out: (t: string) => (out += t), err: () => {} };
    await preflightCli(['--json'], io, { env: {} });
    const json = JSON.parse(out) as { problems: Array<{ code: string }> };
    expect(json.problems.every((p) => /^HL_WARN_/.test(p.code))).toBe(true);
  });
});
