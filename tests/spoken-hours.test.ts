/**
 * Hours are facts of the directory, not of the prose: the prompts that state hours (info-services,
 * info-help-police, care-intro) say them through {hours:ID}, filled from the service's (or
 * group's) hours in config/directory.yaml, in words (src/time/weekly.ts, src/engine/hours-words.ts).
 * Hours the line cannot say in words stop the start, naming the prompt and the service.
 */
import { parse, stringify } from 'yaml';
import { describe, expect, it, onTestFinished } from 'vitest';
import { placeholders } from '../src/call/placeholders.js';
import { loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/types.js';
import { Phrasebook } from '../src/engine/phrasebook.js';
import { Hours } from '../src/time/hours.js';
import { usualWeek } from '../src/time/weekly.js';
import { fixture } from './helpers/fixtures.js';
import { all, Call, makeApp, testConfig } from './helpers/twilio.js';

const shipped = testConfig();
const LANGS = shipped.languages;
const MONDAY = new Date('2026-11-30T10:00:00+01:00');

/** A copy of the data whose directory gives `service` these hours (and, for a group, each member). */
function withHours(hours: Record<string, string>) {
  const f = fixture();
  onTestFinished(() => f.remove());
  const dir = parse(f.read('directory')) as { services: Record<string, { hours: string }> };
  for (const [id, h] of Object.entries(hours)) dir.services[id]!.hours = h;
  f.write('directory', stringify(dir));
  return { f, load: () => loadConfig({ directory: f.directory, menus: f.menus, prompts: f.prompts }, MONDAY) };
}

function configOf(r: ReturnType<typeof loadConfig>): Config {
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config;
}

/** What the information section on who can help (info-help) says in `lang`, as Twilio would play it. */
async function infoHelp(config: Config, lang: string): Promise<string> {
  const { app } = await makeApp({ config });
  onTestFinished(() => app.close());
  const info = config.flow.menus.main!.options.find((o) => o.action.type === 'menu' && o.action.menu === 'info')!;
  const help = config.flow.menus.info!.options.find((o) => o.action.type === 'menu' && o.action.menu === 'info-help')!;
  const call = new Call(app);
  await call.start();
  await call.keys(config.flow.languages.find((l) => l.id === lang)!.key, info.key, help.key);
  return all(call.twiml, 'Say')
    .map((s) => s.text)
    .join(' ');
}

describe('prompts that state hours take them from the directory', () => {
  it('info-services, info-help-police and care-intro name the hours by placeholder, in every language', () => {
    for (const lang of LANGS) {
      const p = shipped.prompts[lang]!.prompts;
      expect(placeholders(p['info-services']!), lang).toEqual(['hours:surya', 'hours:violence-line']);
      expect(placeholders(p['info-help-police']!), lang).toEqual(['hours:violence-line']);
      expect(placeholders(p['care-intro']!), lang).toEqual(['hours:care']);
    }
  });

  it('follow an operator who changes the hours: 1712 open day and night, then also on Saturday mornings', async () => {
    const always = configOf(withHours({ 'violence-line': '24/7' }).load());
    const weekly = configOf(
      withHours({ 'violence-line': 'Mo-Fr 09:00-12:00,13:00-17:00; Sa 10:00-12:00; PH off' }).load(),
    );
    for (const lang of LANGS) {
      const words = new Phrasebook(shipped);
      const text = (key: string) => words.text(lang, key);
      const before = await infoHelp(shipped, lang);
      expect(before, lang).toContain(text('hours-working-days'));
      expect(before, lang).not.toMatch(/\{hours:/);

      const said = await infoHelp(always, lang);
      expect(said, lang).not.toContain(text('hours-working-days'));
      // 1712 (twice: info-services, info-help-police) and Sürya: day and night.
      expect(said.split(text('hours-always')).length - 1, lang).toBe(3);

      const saturday = await infoHelp(weekly, lang);
      const time = (h: number) => words.time(lang, new Date(2000, 0, 3, h, 0));
      for (const piece of [text('weekday-1'), text('weekday-5'), text('weekday-6'), time(10), time(12), time(13)])
        expect(saturday, `${lang} ${piece}`).toContain(piece);
      expect(saturday, lang).not.toContain(text('hours-working-days'));
      // Closed on public holidays, said once the days are not simply "working days".
      expect(saturday, lang).toContain(words.text(lang, 'hours-except-holidays', { hours: '' }).replace(/^, /, ''));
    }
  });

  it('refuse hours the line cannot say in words, naming the prompt, the service and a correct example', () => {
    const { f, load } = withHours({ 'violence-line': 'Jan-Jun Mo-Fr 09:00-17:00; Jul-Dec Mo-Fr 10:00-16:00' });
    const r = load();
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors.filter((e) => e.includes('{hours:violence-line}'));
    expect(errors.map((e) => e.slice(0, e.indexOf(': {'))).sort()).toEqual([
      `${f.prompts}: prompts.info-help-police`,
      `${f.prompts}: prompts.info-services`,
    ]);
    for (const e of errors) {
      expect(e).toContain(`${f.directory}: services.violence-line.hours`);
      expect(e).toContain('"Mo-Fr 09:00-17:00; PH off"');
    }
  });

  it('a service closed for good ("off") is said as closed until it reopens, with a warning; a group leaves it out', async () => {
    const { load } = withHours({ 'violence-line': 'off', 'care-ghent': 'off' });
    const r = load();
    const config = configOf(r);
    expect(
      r.warnings.filter((w) => w.includes('{hours:violence-line}') && w.includes('services.violence-line')),
    ).toHaveLength(2);
    expect(r.warnings.filter((w) => w.includes('{hours:care}'))).toEqual([]);
    expect(config.usualWeeks.care).toEqual({ kind: 'always' });
    for (const lang of LANGS) {
      const said = await infoHelp(config, lang);
      const words = new Phrasebook(config);
      expect(said.split(words.text(lang, 'hours-never')).length - 1, lang).toBe(2);
    }
  });

  it('refuse a group whose services have different hours', () => {
    const { f, load } = withHours({ 'care-ghent': 'Mo-Fr 08:00-20:00' });
    const r = load();
    const errors = r.ok ? [] : r.errors.filter((e) => e.includes('{hours:care}'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(`^${f.prompts}: prompts\\.care-intro: .*care-brussels, care-liege, care-ghent`),
    );
  });

  it('refuse {hours:ID} for an ID that is neither a service nor a group', () => {
    const f = fixture();
    onTestFinished(() => f.remove());
    for (const lang of LANGS) {
      const doc = parse(f.read(lang as 'fr')) as { prompts: Record<string, string> };
      doc.prompts['care-intro'] = `${doc.prompts['care-intro']} {hours:nowhere}`;
      f.write(lang as 'fr', stringify(doc));
    }
    const r = loadConfig({ directory: f.directory, menus: f.menus, prompts: f.prompts });
    const errors = r.ok ? [] : r.errors;
    expect(errors.filter((e) => e.includes('prompts.care-intro: unknown placeholder {hours:nowhere}'))).toHaveLength(
      LANGS.length,
    );
  });
});

describe('the usual week of a service', () => {
  const week = (expr: string) => usualWeek(new Hours(expr, 'be'), MONDAY);

  it('is read from a year of its rules: a dated exception does not change it', () => {
    expect(week('Mo-Fr 09:00-17:00; PH off; 2026 Dec 24 13:00-17:00 off "reason-training"')).toEqual(
      week('Mo-Fr 09:00-17:00; PH off'),
    );
    expect(week('Mo-Fr 09:00-17:00; PH off')).toEqual({
      kind: 'weekly',
      runs: [{ days: [1, 2, 3, 4, 5], spans: [{ from: 540, to: 1020 }] }],
      holidaysOff: true,
    });
    expect(week('24/7')).toEqual({ kind: 'always' });
    expect(week('Mo,We 09:00-17:00')).toMatchObject({ kind: 'weekly', holidaysOff: false });
  });

  it('is unsaid for hours of another shape, with why', () => {
    for (const expr of [
      'Jan-Jun Mo-Fr 09:00-17:00; Jul-Dec Mo-Fr 10:00-16:00',
      'Mo-Fr 18:00-24:00',
      'Mo-Fr 09:00-17:00; PH 10:00-12:00',
    ])
      expect(week(expr).kind, expr).toBe('unsaid');
    expect(week('off')).toEqual({ kind: 'never' });
  });
});

describe('a time on the hour, in the words of each language (time-hour-N before time-hour)', () => {
  const words = new Phrasebook(shipped);
  const at = (h: number, m = 0) => new Date(2000, 0, 3, h, m);
  const own = (lang: string, h: number) => shipped.prompts[lang]!.prompts[`time-hour-${h}`];

  it('French says "1 heure", "midi" and "minuit"; English "midday" and "midnight"; other hours and minutes keep the pattern', () => {
    expect([own('fr', 1), own('fr', 12), own('fr', 0), own('en', 12), own('en', 0)]).not.toContain(undefined);
    expect(words.time('fr', at(1))).toBe(own('fr', 1));
    expect(words.time('fr', at(12))).toBe(own('fr', 12));
    expect(words.time('fr', at(0))).toBe(own('fr', 0));
    expect(words.time('en', at(12))).toBe(own('en', 12));
    expect(words.time('en', at(0))).toBe(own('en', 0));
    expect(words.time('fr', at(17))).toBe(words.text('fr', 'time-hour', { hour: '17' }));
    expect(words.time('fr', at(12, 30))).toBe(words.text('fr', 'time-hour-minute', { hour: '12', minute: '30' }));
    expect(own('en', 1)).toBeUndefined();
    expect(words.time('en', at(1))).toBe(
      words.text('en', 'time-hour', { hour12: '1', period: words.text('en', 'time-am') }),
    );
  });

  it('a caller hears them in the usual hours of a service open from 1:00 to noon', async () => {
    const config = configOf(withHours({ 'violence-line': 'Mo-Fr 01:00-12:00; PH off' }).load());
    const fr = await infoHelp(config, 'fr');
    expect(fr).toContain(own('fr', 1));
    expect(fr).toContain(own('fr', 12));
    expect(await infoHelp(config, 'en')).toContain(own('en', 12));
  });

  it('the loader takes one in a single language, and refuses an hour that does not exist or a placeholder it lacks', () => {
    const { f, load } = withHours({});
    const nl = parse(f.read('nl')) as { prompts: Record<string, string> };
    nl.prompts['time-hour-0'] = 'middernacht';
    f.write('nl', stringify(nl));
    expect(configOf(load()).prompts.nl!.prompts['time-hour-0']).toBe('middernacht');

    nl.prompts['time-hour-24'] = 'middernacht';
    nl.prompts['time-hour-0'] = '{minute} middernacht';
    f.write('nl', stringify(nl));
    const r = load();
    expect(r.ok).toBe(false);
    const codes = (key: string) => r.problems.filter((p) => p.path === `prompts.${key}`).map((p) => p.code);
    expect(codes('time-hour-24')).toContain('HL_ERR_PROMPT_UNUSED');
    expect(codes('time-hour-0')).toEqual(['HL_ERR_PROMPT_PLACEHOLDERS']);
  });
});
