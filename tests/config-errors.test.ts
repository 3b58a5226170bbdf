/**
 * Broken or incomplete data stops the start, with every problem listed at its place; the
 * built server exits 1 and says why. And the decision for a valid service that is never open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { runNode, SERVER } from './helpers/built.js';
import { fixture, type Fixture } from './helpers/fixtures.js';
import { all, Call, makeApp, testConfig } from './helpers/twilio.js';

let f: Fixture;
afterEach(() => f?.remove());

function problems(edit: (f: Fixture) => void): string[] {
  f = fixture();
  edit(f);
  const r = loadConfig(f);
  if (r.ok) throw new Error('the data was accepted');
  return r.errors;
}

const surya = /(surya:[\s\S]*?)/;

describe('each kind of problem is named, with its file and place', () => {
  const kinds: Array<{ kind: string; edit: (f: Fixture) => void; message: RegExp }> = [
    // --- the directory ---
    {
      kind: 'bad opening hours syntax',
      edit: (f) =>
        f.edit('directory', (s) => s.replace(new RegExp(surya.source + 'hours: "24/7"'), '$1hours: "sometimes"')),
      message: /directory\.yaml: services\.surya\.hours: "sometimes" is not valid opening_hours syntax/,
    },
    {
      kind: 'a service name missing in one language',
      edit: (f) =>
        f.edit('directory', (s) =>
          s.replace('name: { fr: "Payoke", nl: "Payoke", en: "Payoke" }', 'name: { fr: "Payoke", nl: "Payoke" }'),
        ),
      message: /directory\.yaml: services\.payoke\.name\.en: missing \(the line speaks fr, nl, en\)/,
    },
    {
      kind: 'a service name in a language the line does not speak',
      edit: (f) =>
        f.edit('directory', (s) =>
          s.replace(
            'name: { fr: "Payoke", nl: "Payoke", en: "Payoke" }',
            'name: { fr: "Payoke", nl: "Payoke", en: "Payoke", de: "Payoke" }',
          ),
        ),
      message: /directory\.yaml: services\.payoke\.name\.de: "de" is not a language of the language menu/,
    },
    {
      kind: 'a number that is not E.164',
      edit: (f) => f.edit('directory', (s) => s.replace('dial: "+3232011690"', 'dial: "03 201 16 90"')),
      message: /directory\.yaml: services\.payoke\.dial: "03 201 16 90" is not an E\.164 number/,
    },
    {
      kind: 'a connect mode the line does not know',
      edit: (f) => f.edit('directory', (s) => s.replace('connect: say', 'connect: speak')),
      message: /directory\.yaml: services\.police\.connect: .*"transfer".*"say"/,
    },
    {
      kind: 'an hours_source the line does not know',
      edit: (f) =>
        f.edit('directory', (s) => s.replace(/(payoke:[\s\S]*?)hours_source: secondary/, '$1hours_source: website')),
      message: /directory\.yaml: services\.payoke\.hours_source: .*"document".*"secondary"/,
    },
    {
      kind: 'a verified date that does not exist',
      edit: (f) =>
        f.edit('directory', (s) => s.replace('dial: "+3242324030"', 'dial: "+3242324030"\n    verified: "2026-02-30"')),
      message: /directory\.yaml: services\.surya\.verified: "2026-02-30" is not a date that exists/,
    },
    {
      kind: 'an unknown field (a typo)',
      edit: (f) => f.edit('directory', (s) => s.replace('    caller_id: caller\n', '    callerid: caller\n')),
      message: /directory\.yaml: services\.police: Unrecognized key: "callerid"/,
    },
    {
      kind: 'a YAML syntax error',
      edit: (f) => f.edit('directory', (s) => s.replace('services:', 'services:\n  bad: [unclosed')),
      message: /directory\.yaml: .*(indented|end with a \]).* at line \d+, column \d+/,
    },
    {
      kind: 'a file that cannot be read',
      edit: (f) => f.remove(),
      message: /directory\.yaml: cannot be read \(ENOENT\)/,
    },

    // --- the prompts ---
    {
      kind: 'a prompt missing in one language',
      edit: (f) => f.edit('nl', (s) => s.replace(/^ {2}goodbye: .*\n/m, '')),
      message: /nl\.yaml: prompts\.goodbye: missing \(it is in fr\.yaml, en\.yaml\)/,
    },
    {
      kind: 'a prompt key no language has',
      edit: (f) =>
        f.edit('menus', (s) => s.replace('{ transfer: surya, say: opt-surya }', '{ transfer: surya, say: opt-suria }')),
      message: /fr\.yaml: prompts\.opt-suria: missing \(used by .*menus\.yaml: menus\.centres\.options\.3\.say\)/,
    },
    {
      kind: 'placeholders that differ between languages',
      edit: (f) => f.edit('nl', (s) => s.replace(/^( {2}transfer: ").*(")$/m, '$1We verbinden u door.$2')),
      message: /prompts\.transfer: placeholders differ between languages \(fr: \{name\}; nl: none; en: \{name\}\)/,
    },
    {
      kind: 'a placeholder the line does not fill',
      edit: (f) => {
        for (const lang of ['fr', 'nl', 'en'] as const)
          f.edit(lang, (s) => s.replace(/^( {2}goodbye: ").*(")$/m, '$1Bye, {name}.$2'));
      },
      message: /en\.yaml: prompts\.goodbye: unknown placeholder \{name\} \(used by the line itself, which fills none\)/,
    },
    {
      kind: 'a prompt nobody uses (a typo?)',
      edit: (f) => {
        for (const lang of ['fr', 'nl', 'en'] as const)
          f.edit(lang, (s) => s.replace('  goodbye:', '  good-bye: "Bye."\n  goodbye:'));
      },
      message: /prompts\.good-bye: not used by any menu, service or the line/,
    },
    {
      kind: 'an empty prompt file',
      edit: (f) => f.write('nl', ''),
      message: /nl\.yaml: \(top level\): Invalid input: expected object/,
    },
    {
      kind: 'a voice in a prompts file (voices are in the menus now)',
      edit: (f) => f.edit('en', (s) => s.replace(/^prompts:$/m, 'voice: Polly.Amy-Neural\nprompts:')),
      message: /en\.yaml: \(top level\): Unrecognized key: "voice"/,
    },

    // --- the menus: languages and the greeting ---
    {
      kind: 'a greeting language that is not a language',
      edit: (f) => f.edit('menus', (s) => s.replace('greeting: [fr, nl, en]', 'greeting: [fr, nl, de]')),
      message: /menus\.yaml: greeting\[2\]: "de" is not one of the languages \(fr, nl, en\)/,
    },
    {
      kind: 'a greeting language named twice',
      edit: (f) => f.edit('menus', (s) => s.replace('greeting: [fr, nl, en]', 'greeting: [fr, nl, fr]')),
      message: /menus\.yaml: greeting: a language is named twice/,
    },
    {
      kind: 'a default language that is not a language',
      edit: (f) => f.edit('menus', (s) => s.replace('default_language: fr', 'default_language: de')),
      message: /menus\.yaml: default_language: "de" is not one of the languages \(fr, nl, en\)/,
    },
    {
      kind: 'a language key reserved for every menu',
      edit: (f) => f.edit('menus', (s) => s.replace('en: { key: "3"', 'en: { key: "9"')),
      message: /menus\.yaml: languages\.en\.key: key 9 is reserved for language in every menu/,
    },
    {
      kind: 'a language key used twice',
      edit: (f) => f.edit('menus', (s) => s.replace('en: { key: "3"', 'en: { key: "2"')),
      message: /menus\.yaml: languages\.en\.key: key 2 is already the key of nl/,
    },
    {
      kind: 'a language key that is not a key',
      edit: (f) => f.edit('menus', (s) => s.replace('en: { key: "3"', 'en: { key: "33"')),
      message: /menus\.yaml: languages\.en\.key: a key is one of 0-9, \* or #/,
    },
    {
      kind: 'a language code that is not one',
      edit: (f) => f.edit('menus', (s) => s.replace('code: en-GB', 'code: english')),
      message: /menus\.yaml: languages\.en\.code: a language code such as fr-BE/,
    },
    {
      kind: 'no language at all',
      edit: (f) => f.edit('menus', (s) => s.replace(/^languages:\n(?: {2}.*\n)+/m, 'languages: {}\n')),
      message: /menus\.yaml: languages: needs at least one language/,
    },
    {
      kind: 'the common keys not all different',
      edit: (f) => f.edit('menus', (s) => s.replace('language: "9"', 'language: "0"')),
      message: /menus\.yaml: keys: repeat, back and language need three different keys/,
    },

    // --- the menus: groups, safety net, offers, callback ---
    {
      kind: 'an unknown group',
      edit: (f) =>
        f.edit('menus', (s) =>
          s.replace(
            '"1": { first_open: centres, say: opt-speak-now }',
            '"1": { first_open: centers, say: opt-speak-now }',
          ),
        ),
      message: /menus\.yaml: menus\.main\.options\.1\.first_open: unknown group "centers" \(groups: centres, care\)/,
    },
    {
      kind: 'an unknown service in a group',
      edit: (f) =>
        f.edit('menus', (s) => s.replace('order: [surya, pag-asa, payoke]', 'order: [surya, pag-asa, payok]')),
      message: /menus\.yaml: groups\.centres\.order\[2\]: unknown service "payok"/,
    },
    {
      kind: "a language's order that names other services than the group's",
      edit: (f) => f.edit('menus', (s) => s.replace('nl: [payoke, surya, pag-asa]', 'nl: [payoke, surya]')),
      message: /menus\.yaml: groups\.centres\.nl: name the same services as groups\.centres\.order, in another order/,
    },
    {
      kind: "a group's order for a language the line does not speak",
      edit: (f) =>
        f.edit('menus', (s) =>
          s.replace('nl: [payoke, surya, pag-asa]', 'nl: [payoke, surya, pag-asa]\n    de: [payoke, surya, pag-asa]'),
        ),
      message: /menus\.yaml: groups\.centres\.de: "de" is not one of the languages \(fr, nl, en\) nor "order"/,
    },
    {
      kind: 'a group without an order',
      edit: (f) => f.edit('menus', (s) => s.replace('order: [surya, pag-asa, payoke]', 'fr: [surya, pag-asa, payoke]')),
      message: /menus\.yaml: groups\.centres: needs an "order"/,
    },
    {
      kind: 'a group named like a service',
      edit: (f) => f.edit('menus', (s) => s.replace(/^groups:\n/m, 'groups:\n  police:\n    order: [police]\n')),
      message: /menus\.yaml: groups\.police: "police" is also a service of the directory/,
    },
    {
      kind: 'an unknown service in the safety net',
      edit: (f) => f.edit('menus', (s) => s.replace('safety_net: [centres, care]', 'safety_net: [centre, care]')),
      message: /menus\.yaml: safety_net\[0\]: unknown service "centre"/,
    },
    {
      kind: 'a safety net with no 24/7 service',
      edit: (f) => f.edit('menus', (s) => s.replace('safety_net: [centres, care]', 'safety_net: [violence-line]')),
      message: /menus\.yaml: safety_net: needs at least one service open 24\/7/,
    },
    {
      kind: 'a safety net of numbers the line only says',
      edit: (f) => f.edit('menus', (s) => s.replace('safety_net: [centres, care]', 'safety_net: [police]')),
      message: /menus\.yaml: safety_net: needs at least one service open 24\/7/,
    },
    {
      kind: 'an offer key that changes meaning between the main menu and the offers',
      edit: (f) => f.edit('menus', (s) => s.replace('"3": care\n', '"3": violence-line\n')),
      message:
        /menus\.yaml: offers\.3: key 3 leads to violence-line here but to care-brussels, care-ghent, care-liege in the main menu: a key must keep its meaning/,
    },
    {
      kind: 'an offer of a group on the key of a single service',
      edit: (f) => f.edit('menus', (s) => s.replace('"4": violence-line\n', '"4": centres\n')),
      message:
        /menus\.yaml: offers\.4: key 4 leads to surya, pag-asa, payoke here but to violence-line in the main menu/,
    },
    {
      kind: 'an offer on a reserved key',
      edit: (f) => f.edit('menus', (s) => s.replace('"5": police\n', '"9": police\n')),
      message: /menus\.yaml: offers\.9: key 9 is reserved for language/,
    },
    {
      kind: 'an offer of an unknown service',
      edit: (f) => f.edit('menus', (s) => s.replace('"4": violence-line\n', '"4": violence\n')),
      message: /menus\.yaml: offers\.4: unknown service "violence"/,
    },
    {
      kind: 'an unknown service to call back',
      edit: (f) =>
        f.edit('menus', (s) => s.replace('callback: [violence-line, surya]', 'callback: [violence-line, suria]')),
      message: /menus\.yaml: callback\[1\]: unknown service "suria"/,
    },

    // --- the menus: menus and options ---
    {
      kind: 'an unknown service in a menu',
      edit: (f) =>
        f.edit('menus', (s) =>
          s.replace('{ transfer: payoke, say: opt-payoke }', '{ transfer: payok, say: opt-payoke }'),
        ),
      message: /menus\.yaml: menus\.centres\.options\.2\.transfer: unknown service "payok"/,
    },
    {
      kind: 'an unknown menu',
      edit: (f) =>
        f.edit('menus', (s) => s.replace('{ menu: centres, say: opt-centres }', '{ menu: centers, say: opt-centres }')),
      message: /menus\.yaml: menus\.main\.options\.2\.menu: unknown menu "centers"/,
    },
    {
      kind: 'a reserved key used by an option',
      edit: (f) =>
        f.edit('menus', (s) => s.replace('"4": { transfer: violence-line', '"0": { transfer: violence-line')),
      message: /menus\.yaml: menus\.main\.options\.0: key 0 is reserved for back in every menu/,
    },
    {
      kind: 'a reserved menu name',
      edit: (f) =>
        f.edit('menus', (s) =>
          s.replace(/^ {2}care-centres:$/m, '  alt:').replace('{ menu: care-centres,', '{ menu: alt,'),
        ),
      message: /menus\.yaml: menus\.alt: "alt" is a name the line uses itself/,
    },
    {
      kind: 'a key that is not a key',
      edit: (f) => f.edit('menus', (s) => s.replace('"3": { menu: care-centres', '"33": { menu: care-centres')),
      message: /menus\.yaml: menus\.main\.options\."33": a key is one of 0-9, \* or #/,
    },
    {
      kind: 'an option with two actions',
      edit: (f) =>
        f.edit('menus', (s) =>
          s.replace(
            '{ first_open: centres, say: opt-speak-now }',
            '{ first_open: centres, transfer: surya, say: opt-speak-now }',
          ),
        ),
      message: /menus\.yaml: menus\.main\.options\.1: give exactly one action/,
    },
    {
      kind: 'a key written twice',
      edit: (f) => f.edit('menus', (s) => s.replace('max_tries: 3', 'max_tries: 3\nmax_tries: 4')),
      message: /menus\.yaml: Map keys must be unique at line \d+/,
    },
  ];

  it.each(kinds)('$kind', ({ edit, message }) => {
    const errors = problems(edit);
    expect(
      errors.some((e) => message.test(e)),
      `no problem matches ${message}:\n${errors.join('\n')}`,
    ).toBe(true);
  });
});

describe('every problem at once', () => {
  const BROKEN = (f: Fixture) =>
    f
      .edit('directory', (s) =>
        s
          .replace('hours: "Mo-Fr 09:00-17:00; PH off"', 'hours: "Mo-Fr 25:00-17:00"')
          .replace('dial: "+3232011690"', 'dial: "03 201 16 90"')
          .replace('name: { fr: "Payoke", nl: "Payoke", en: "Payoke" }', 'name: { fr: "Payoke", en: "Payoke" }'),
      )
      .edit('menus', (s) =>
        s
          .replace('{ transfer: payoke, say: opt-payoke }', '{ transfer: payok, say: opt-payoke }')
          .replace('"4": { transfer: violence-line', '"0": { transfer: violence-line')
          .replace('"3": care\n', '"3": violence-line\n'),
      )
      .edit('nl', (s) => s.replace(/^( {2}transfer: ").*(")$/m, '$1We verbinden u door.$2'));
  const EXPECTED = [
    /services\.violence-line\.hours: "Mo-Fr 25:00-17:00" is not valid/,
    /services\.payoke\.dial: "03 201 16 90" is not an E\.164/,
    /services\.payoke\.name\.nl: missing/,
    /menus\.centres\.options\.2\.transfer: unknown service "payok"/,
    /menus\.main\.options\.0: key 0 is reserved/,
    /prompts\.transfer: placeholders differ/,
    /offers\.3: key 3 leads to violence-line here/,
  ];

  it('the loader lists them all', () => {
    const errors = problems(BROKEN);
    for (const m of EXPECTED)
      expect(
        errors.some((e) => m.test(e)),
        `${m} in:\n${errors.join('\n')}`,
      ).toBe(true);
  });

  it("a menus file that cannot be read does not hide the directory's own problems", () => {
    const errors = problems((f) =>
      f
        .edit('directory', (s) =>
          s
            .replace('hours: "Mo-Fr 09:00-17:00; PH off"', 'hours: "Mo-Fr 25:00-17:00"')
            .replace('dial: "+3232011690"', 'dial: "03 201 16 90"'),
        )
        .edit('menus', (s) => s.replace('  care-centres:\n', '  care-liège:\n')),
    );
    expect(errors).toContainEqual(expect.stringMatching(/menus\.yaml: menus\.care-liège/));
    expect(errors).toContainEqual(
      expect.stringMatching(/services\.violence-line\.hours: "Mo-Fr 25:00-17:00" is not valid/),
    );
    expect(errors).toContainEqual(expect.stringMatching(/services\.payoke\.dial: "03 201 16 90" is not an E\.164/));
    expect(errors.filter((e) => /is not a language of the language menu/.test(e))).toEqual([]);
  });

  it('the built server refuses to start: exit code 1, and every problem on stderr', () => {
    f = fixture();
    BROKEN(f);
    const r = runNode(SERVER, {
      HELPLINE_CONFIG: f.directory,
      HELPLINE_MENUS: f.menus,
      HELPLINE_PROMPTS: f.prompts,
      PORT: '0',
      HOST: '127.0.0.1',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Refusing to start: the helpline's data has \d+ problem\(s\):/);
    for (const m of EXPECTED) expect(r.stderr).toMatch(m);
    expect(r.stdout).not.toMatch(/Server listening/);
  });

  it('the built server refuses a broken HELPLINE_CONFIG alone (the built-in menus and prompts)', () => {
    f = fixture().edit('directory', (s) => s.replace('services:', 'services:\n  bad: [unclosed'));
    const r = runNode(SERVER, { HELPLINE_CONFIG: f.directory, PORT: '0', HOST: '127.0.0.1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(f.directory);
    expect(r.stderr).toMatch(/at line \d+, column \d+/);
  });
});

describe('a valid service that is never open ("off", or hours that have all passed)', () => {
  const NEVER = ['off', '2020 Jan 01-2020 Dec 31 Mo-Fr 09:00-17:00'];

  it.each(NEVER)('hours "%s": the line starts, with a warning that names the service', (hours) => {
    f = fixture().edit('directory', (s) => s.replace(/(payoke:[\s\S]*?)hours: "24\/7"/, `$1hours: "${hours}"`));
    const r = loadConfig(f);
    expect(r.ok).toBe(true);
    expect(r.warnings.some((w) => /services\.payoke\.hours: .* is never open from now on/.test(w))).toBe(true);
  });

  const LANGS = testConfig().flow.languages.map((l) => [l.id, l.key] as const);

  it.each(LANGS)(
    'in %s, a caller who chooses it hears "closed until further notice" and the services open now',
    async (lang, key) => {
      f = fixture().edit('directory', (s) => s.replace(/(payoke:[\s\S]*?)hours: "24\/7"/, '$1hours: "off"'));
      const config = testConfig(f);
      const t = await makeApp({ config });
      try {
        const call = await new Call(t.app).start();
        await call.keys(key, '2', '2'); // the specialised centres, Payoke
        expect(call.dial).toBeUndefined();
        const said = all(call.twiml, 'Say')
          .map((s) => s.text)
          .join(' ');
        const prompts = config.prompts[lang]!.prompts;
        expect(said).toContain(prompts['closed-until-further-notice']);
        expect(said).toContain(prompts['alternatives-intro']);
        expect(said).not.toContain(prompts.reopens!.split('{')[0]!.trim() || '\u0000');
        // The offers never name Payoke, and the key of the centres reaches a 24/7 one.
        expect(call.gather!.attrs.action).toMatch(new RegExp(`lang=${lang}&menu=alt&tries=0&focus=payoke$`));
        expect(said.split(prompts['alternatives-intro']!)[1]).not.toContain(config.services.payoke!.name[lang]);
        await call.press('1');
        expect(call.dialled).toBe(config.services.surya!.dial);
      } finally {
        await t.app.close();
      }
    },
  );
});
