/**
 * Languages are data (issue 11, item 1): a language is a prompts file plus one entry in the
 * menus' `languages`. A fourth language is added here from data alone, with no code change, and
 * the whole line follows: the language choice, the menus in its voice, the time budgets of the
 * map and the hours audit. A voice that does not speak its code, a prompt missing in one
 * language, or a language without its prompts file stops the start, naming the file and place.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { formatAudit } from '../src/cli/hours.js';
import { auditHours } from '../src/cli/hours-audit.js';
import { allFigures, renderCallFlowMap } from '../src/cli/map-doc.js';
import { LIMITS } from '../src/cli/budgets.js';
import { loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/types.js';
import { runNode, SERVER } from './helpers/built.js';
import { change, fixture, type Fixture } from './helpers/fixtures.js';
import { Call, all, makeApp, testConfig } from './helpers/twilio.js';

const GERMAN = { key: '4', voice: 'Polly.Vicki-Neural', code: 'de-DE' };
const WEDNESDAY_10 = '2026-12-02T10:00:00+01:00';
const SHIPPED = testConfig();

/** The copies of a test, removed after it. */
let copies: Fixture[] = [];
afterEach(() => {
  for (const c of copies) c.remove();
  copies = [];
});
let f: Fixture;
function copy(): Fixture {
  f = fixture();
  copies.push(f);
  return f;
}

/**
 * The shipped data plus German: one line in menus.yaml, prompts/de.yaml (a copy of the English
 * prompts: the mechanism is under test, not German prose), and each service's name in German.
 */
function withGerman(opts: { greeting?: boolean } = {}): Fixture {
  const data = copy();
  change(data, 'menus', (m) => {
    m.languages.de = { ...GERMAN };
    if (opts.greeting) m.greeting = [...m.greeting, 'de'];
  });
  // The whisper names the caller's language in every prompts file (src/engine/whisper.ts).
  for (const lang of ['fr', 'nl', 'en'] as const)
    change(data, lang, (p) => {
      p.prompts['whisper-lang-de'] = 'German';
    });
  data.write('de', data.read('en'));
  change(data, 'directory', (d) => {
    for (const s of Object.values(d.services)) if (s.name.en) s.name.de = s.name.en;
  });
  return data;
}

function load(data: Fixture): Config {
  const r = loadConfig(data);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config;
}

async function app(config: Config, at = WEDNESDAY_10) {
  const t = await makeApp({ config, at });
  onTestFinished(() => t.app.close());
  return t;
}

const isGerman = (s: { attrs: Record<string, string> }) =>
  s.attrs.language === GERMAN.code && s.attrs.voice === GERMAN.voice;

describe('a fourth language, from data alone', () => {
  it('loads with no problem, in the order of the menus, with its voice and code', () => {
    const r = loadConfig(withGerman());
    expect(r.ok ? [] : r.errors).toEqual([]);
    if (!r.ok) return;
    expect(r.config.languages).toEqual(['fr', 'nl', 'en', 'de']);
    expect(r.config.flow.languages.at(-1)).toEqual({ id: 'de', ...GERMAN });
    expect([r.config.prompts.de!.voice, r.config.prompts.de!.language]).toEqual([GERMAN.voice, GERMAN.code]);
    // The shipped data has no German: the test added it, the code did not.
    expect(SHIPPED.languages).not.toContain('de');
  });

  it('the language choice offers key 4 in de-DE with Polly.Vicki-Neural', async () => {
    const config = load(withGerman());
    const call = await new Call((await app(config)).app).start();
    const german = call.gather!.children.filter(isGerman);
    expect(german).toHaveLength(1);
    expect(german[0]!.text).toMatch(/(^|\D)4(\D|$)/);
    // German is not in the greeting: the choice comes after the greetings, each language once.
    expect(call.languages.filter((c) => c === GERMAN.code)).toHaveLength(1);
    expect(call.gather!.children.indexOf(german[0]!)).toBe(call.gather!.children.length - 1);
  });

  it('key 4 then 1 rings a specialised centre, every word in de-DE with its voice', async () => {
    const config = load(withGerman());
    const call = await new Call((await app(config)).app).start();
    await call.press('4');
    expect(call.gather!.attrs.action).toMatch(/[?&]lang=de&menu=main&/);
    expect(all(call.twiml, 'Say').every(isGerman)).toBe(true);
    await call.press('1');
    expect(call.dialled).toBe(config.services.surya!.dial);
    const says = all(call.twiml, 'Say');
    expect(says.length).toBeGreaterThan(0);
    expect(says.every(isGerman)).toBe(true);
    expect(call.dial!.attrs.action).toMatch(/[?&]lang=de&service=surya/);
    // A failed transfer goes on in German, with the offers on their usual keys.
    await call.outcome('busy');
    expect(all(call.twiml, 'Say').every(isGerman)).toBe(true);
    expect(call.gather!.attrs.action).toMatch(/[?&]lang=de&menu=alt&tries=0&failed=surya&focus=surya$/);
  });

  it('the key that changes language works from the German menus, and German is one of the choices there', async () => {
    const config = load(withGerman());
    const call = await new Call((await app(config)).app).start();
    await call.keys('4', '2', config.flow.keys.language);
    expect(call.gather!.attrs.action).toMatch(/menu=lang/);
    expect(call.gather!.children.filter(isGerman)).toHaveLength(1);
    await call.press('3');
    expect(new Set(call.languages)).toEqual(new Set(['en-GB']));
  });

  it('in the greeting, German says the emergency numbers and "putting you through" in its own voice', async () => {
    const config = load(withGerman({ greeting: true }));
    const call = await new Call((await app(config)).app).start();
    const greetings = call.gather!.children.slice(0, config.flow.greeting.length);
    expect(greetings.map((s) => s.attrs.language)).toEqual(['fr-BE', 'nl-BE', 'en-GB', 'de-DE']);
    expect(greetings[3]!.attrs.voice).toBe(GERMAN.voice);
    expect(greetings[3]!.text).toMatch(/112[\s\S]*101/);
    await call.silence();
    await call.silence();
    expect(call.dialled).toBeDefined();
    expect(call.languages).toEqual(['fr-BE', 'nl-BE', 'en-GB', 'de-DE']);
  });

  it('the map computes every time budget for German, and the call-flow document has a German section', () => {
    const config = load(withGerman());
    const figures = allFigures(config);
    const german = figures.filter((x) => x.lang === 'de');
    const english = figures.filter((x) => x.lang === 'en');
    // The same figures as every other language: each budget, each service.
    expect(german.map((x) => [x.budget, x.what])).toEqual(english.map((x) => [x.budget, x.what]));
    expect(new Set(german.map((x) => x.budget))).toEqual(new Set(Object.keys(LIMITS)));
    for (const x of german) expect(Number.isFinite(x.seconds), `${x.budget} ${x.what}`).toBe(true);
    expect(german.find((x) => x.budget === 'speakNow')!.rings).toBe('surya');
    for (const x of figures) expect(x.over, `${x.lang} ${x.what}`).toBe(x.seconds > x.limit);
    const doc = renderCallFlowMap(config, figures);
    expect(doc).toContain(`### de (\`${GERMAN.code}\`, \`${GERMAN.voice}\`)`);
    expect(doc).toContain('de.yaml');
  });

  it('the map counts the seconds German adds to every language when it joins the greeting', () => {
    const speakNow = (c: Config) =>
      Object.fromEntries(
        allFigures(c)
          .filter((x) => x.budget === 'speakNow')
          .map((x) => [x.lang, x.seconds]),
      );
    const chosen = speakNow(load(withGerman()));
    const greeted = speakNow(load(withGerman({ greeting: true })));
    for (const lang of ['fr', 'nl', 'en', 'de']) expect(greeted[lang]!, lang).toBeGreaterThan(chosen[lang]!);
  });

  it('the hours audit tells, in German too, what a caller of a closed service hears', () => {
    const config = load(withGerman());
    const audit = auditHours({ config, from: '2026-12-19', days: 3 }); // a weekend
    const line = audit.services.find((s) => s.id === 'violence-line')!;
    expect(line.names.de).toBe(config.services['violence-line']!.name.de);
    expect(line.periods.some((p) => !p.open && p.offers.length > 0)).toBe(true);
    // What a person reads: each SAID line of 1712's section tagged with its language.
    const lines = formatAudit(audit);
    const from = lines.findIndex((l) => l.startsWith('SERVICE violence-line '));
    const section = lines.slice(from + 1, lines.indexOf('', from + 1) < 0 ? undefined : lines.indexOf('', from + 1));
    const said = section.filter((l) => l.trim().startsWith('SAID ['));
    expect(said.length).toBeGreaterThan(0);
    const tags = said.map((l) => /SAID \[([a-z]{2}-[A-Z]{2})\]/.exec(l)![1]);
    expect([...new Set(tags)]).toEqual(['fr-BE', 'nl-BE', 'en-GB', 'de-DE']);
    for (const l of said.filter((x) => x.includes('[de-DE]')))
      expect(l).toContain(config.services['violence-line']!.name.de);
  });
});

describe('a language that cannot be spoken stops the start', () => {
  function errors(data: Fixture): string[] {
    const r = loadConfig(data);
    if (r.ok) throw new Error('the data was accepted');
    return r.errors;
  }

  it.each([
    [
      'a Polly voice of another language',
      'Polly.Vicki-Neural',
      /languages\.en\.voice: Polly\.Vicki-Neural speaks de-DE, not en-GB/,
    ],
    [
      'an American voice for British English',
      'Polly.Joanna-Neural',
      /languages\.en\.voice: Polly\.Joanna-Neural speaks en-US, not en-GB/,
    ],
    [
      'a Google voice of another code',
      'Google.fr-FR-Chirp3-HD-Aoede',
      /languages\.en\.voice: Google\.fr-FR-Chirp3-HD-Aoede speaks fr-FR, not en-GB/,
    ],
  ])('%s: menus.yaml and languages.en.voice are named', (_, voice, message) => {
    f = change(copy(), 'menus', (m) => (m.languages.en!.voice = voice));
    const found = errors(f).filter((e) => e.startsWith(`${f!.menus}: `) && message.test(e));
    expect(found).toHaveLength(1);
    expect(loadConfig(f).problems).toContainEqual(
      expect.objectContaining({ code: 'HL_ERR_VOICE', path: 'languages.en.voice' }),
    );
  });

  it('a code that does not match its voice is named the same way', () => {
    f = change(copy(), 'menus', (m) => (m.languages.nl!.code = 'nl-NL'));
    expect(loadConfig(f).problems).toContainEqual(
      expect.objectContaining({ code: 'HL_ERR_VOICE', file: f.menus, path: 'languages.nl.voice' }),
    );
  });

  it('a voice the line does not know starts, with a warning to check it', () => {
    f = change(copy(), 'menus', (m) => (m.languages.en!.voice = 'Polly.Nobody-Neural'));
    const r = loadConfig(f);
    expect(r.ok).toBe(true);
    expect(r.problems).toContainEqual(
      expect.objectContaining({ code: 'HL_WARN_UNKNOWN_VOICE', file: f.menus, path: 'languages.en.voice' }),
    );
  });

  it('a prompt missing from one language names that prompts file and key', () => {
    f = withGerman();
    change(f, 'de', (p) => {
      delete p.prompts.goodbye;
    });
    expect(loadConfig(f).problems.filter((p) => p.code.startsWith('HL_ERR_'))).toEqual([
      expect.objectContaining({ code: 'HL_ERR_PROMPT_MISSING', file: f.path('de'), path: 'prompts.goodbye' }),
    ]);
  });

  it('a language in menus.yaml without a prompts file names the file', () => {
    f = withGerman();
    rmSync(f.path('de'));
    expect(loadConfig(f).problems).toContainEqual(
      expect.objectContaining({ code: 'HL_ERR_PROMPTS_FILE_MISSING', file: f.path('de') }),
    );
  });

  it('the built server refuses to start on a voice that does not match its code: exit 1, the file and place on stderr', () => {
    f = change(copy(), 'menus', (m) => (m.languages.en!.voice = 'Polly.Vicki-Neural'));
    const r = runNode(SERVER, {
      HELPLINE_CONFIG: f.directory,
      HELPLINE_MENUS: f.menus,
      HELPLINE_PROMPTS: f.prompts,
      PORT: '0',
      HOST: '127.0.0.1',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${f.menus}: languages.en.voice: Polly.Vicki-Neural speaks de-DE, not en-GB`);
    expect(r.stdout).not.toMatch(/Server listening/);
  });
});
