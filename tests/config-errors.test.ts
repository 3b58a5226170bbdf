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
    {
      kind: 'bad opening hours syntax',
      edit: (f) => f.edit('directory', (s) => s.replace(new RegExp(surya.source + 'hours: "24/7"'), '$1hours: "sometimes"')),
      message: /directory\.yaml: services\.surya\.hours: "sometimes" is not valid opening_hours syntax/,
    },
    {
      kind: 'a service name missing in one language',
      edit: (f) => f.edit('directory', (s) => s.replace('name: { fr: "Payoke", nl: "Payoke" }', 'name: { fr: "Payoke" }')),
      message: /directory\.yaml: services\.payoke\.name\.nl: missing/,
    },
    {
      kind: 'a prompt missing in one language',
      edit: (f) => f.edit('nl', (s) => s.replace(/^ {2}goodbye: .*\n/m, '')),
      message: /nl\.yaml: prompts\.goodbye: missing \(it is in fr\.yaml\)/,
    },
    {
      kind: 'a number that is not E.164',
      edit: (f) => f.edit('directory', (s) => s.replace('dial: "+3232011690"', 'dial: "03 201 16 90"')),
      message: /directory\.yaml: services\.payoke\.dial: "03 201 16 90" is not an E\.164 number/,
    },
    {
      kind: 'an unknown service in a menu',
      edit: (f) => f.edit('menus', (s) => s.replace('{ transfer: payoke, say: opt-payoke }', '{ transfer: payok, say: opt-payoke }')),
      message: /menus\.yaml: menus\.centres\.options\.2\.transfer: unknown service "payok"/,
    },
    {
      kind: 'an unknown service in the safety net',
      edit: (f) => f.edit('menus', (s) => s.replace('safety_net: [surya,', 'safety_net: [suria,')),
      message: /menus\.yaml: safety_net\[0\]: unknown service "suria"/,
    },
    {
      kind: 'an unknown menu',
      edit: (f) => f.edit('menus', (s) => s.replace('{ menu: centres, say: opt-centres }', '{ menu: centers, say: opt-centres }')),
      message: /menus\.yaml: menus\.main\.options\.2\.menu: unknown menu "centers"/,
    },
    {
      kind: 'a prompt key no language has',
      edit: (f) => f.edit('menus', (s) => s.replace('{ transfer: surya, say: opt-surya }', '{ transfer: surya, say: opt-suria }')),
      message: /fr\.yaml: prompts\.opt-suria: missing \(used by .*menus\.yaml: menus\.centres\.options\.3\.say\)/,
    },
    {
      kind: 'placeholders that differ between languages',
      edit: (f) => f.edit('nl', (s) => s.replace(/^( {2}transfer: ").*(")$/m, '$1We verbinden u door.$2')),
      message: /prompts\.transfer: placeholders differ between languages \(fr: \{name\}; nl: none\)/,
    },
    {
      kind: 'a placeholder the line does not fill',
      edit: (f) => f.edit('fr', (s) => s.replace(/^( {2}goodbye: ").*(")$/m, '$1Au revoir, {name}.$2')).edit('nl', (s) => s.replace(/^( {2}goodbye: ").*(")$/m, '$1Tot ziens, {name}.$2')),
      message: /fr\.yaml: prompts\.goodbye: unknown placeholder \{name\} \(used by the line itself, which fills none\)/,
    },
    {
      kind: 'a reserved key used by an option',
      edit: (f) => f.edit('menus', (s) => s.replace('"3": { transfer: violence-line', '"0": { transfer: violence-line')),
      message: /menus\.yaml: menus\.main\.options\.0: key 0 is reserved for back in every menu/,
    },
    {
      kind: 'a reserved menu name',
      edit: (f) => f.edit('menus', (s) => s.replace(/^ {2}care-centres:$/m, '  alt:').replace('{ menu: care-centres,', '{ menu: alt,')),
      message: /menus\.yaml: menus\.alt: "alt" is a name the line uses itself/,
    },
    {
      kind: 'a key that is not a key',
      edit: (f) => f.edit('menus', (s) => s.replace('"5": { menu: care-centres', '"55": { menu: care-centres')),
      message: /menus\.yaml: menus\.main\.options\."55": a key is one of 0-9, \* or #/,
    },
    {
      kind: 'a prompt nobody uses (a typo?)',
      edit: (f) => f.edit('fr', (s) => s.replace('  goodbye:', '  good-bye: "Salut."\n  goodbye:')).edit('nl', (s) => s.replace('  goodbye:', '  good-bye: "Dag."\n  goodbye:')),
      message: /prompts\.good-bye: not used by any menu, service or the line/,
    },
    {
      kind: 'a YAML syntax error',
      edit: (f) => f.edit('directory', (s) => s.replace('services:', 'services:\n  bad: [unclosed')),
      message: /directory\.yaml: .*(indented|end with a \]).* at line \d+, column \d+/,
    },
    {
      kind: 'a key written twice',
      edit: (f) => f.edit('menus', (s) => s.replace('max_tries: 3', 'max_tries: 3\nmax_tries: 4')),
      message: /menus\.yaml: Map keys must be unique at line \d+/,
    },
    {
      kind: 'an unknown field (a typo)',
      edit: (f) => f.edit('directory', (s) => s.replace('    caller_id: caller\n', '    callerid: caller\n')),
      message: /directory\.yaml: services\.police: Unrecognized key: "callerid"/,
    },
    {
      kind: 'an empty prompt file',
      edit: (f) => f.write('nl', ''),
      message: /nl\.yaml: \(top level\): Invalid input: expected object/,
    },
    {
      kind: 'a safety net with no 24/7 service',
      edit: (f) =>
        f
          .edit('menus', (s) => s.replace('safety_net: [surya, pag-asa, payoke, care-brussels]', 'safety_net: [violence-line]')),
      message: /menus\.yaml: safety_net: needs at least one service open 24\/7/,
    },
    {
      kind: 'a file that cannot be read',
      edit: (f) => f.remove(),
      message: /directory\.yaml: cannot be read \(ENOENT\)/,
    },
  ];

  it.each(kinds)('$kind', ({ edit, message }) => {
    const errors = problems(edit);
    expect(errors.some((e) => message.test(e)), `no problem matches ${message}:\n${errors.join('\n')}`).toBe(true);
  });
});

describe('every problem at once', () => {
  const BROKEN = (f: Fixture) =>
    f
      .edit('directory', (s) =>
        s
          .replace('hours: "Mo-Fr 09:00-17:00; PH off"', 'hours: "Mo-Fr 25:00-17:00"')
          .replace('dial: "+3232011690"', 'dial: "03 201 16 90"')
          .replace('name: { fr: "Payoke", nl: "Payoke" }', 'name: { fr: "Payoke" }'),
      )
      .edit('menus', (s) => s.replace('{ transfer: payoke, say: opt-payoke }', '{ transfer: payok, say: opt-payoke }').replace('"3": { transfer: violence-line', '"0": { transfer: violence-line'))
      .edit('nl', (s) => s.replace(/^( {2}transfer: ").*(")$/m, '$1We verbinden u door.$2'));
  const EXPECTED = [
    /services\.violence-line\.hours: "Mo-Fr 25:00-17:00" is not valid/,
    /services\.payoke\.dial: "03 201 16 90" is not an E\.164/,
    /services\.payoke\.name\.nl: missing/,
    /menus\.centres\.options\.2\.transfer: unknown service "payok"/,
    /menus\.main\.options\.0: key 0 is reserved/,
    /prompts\.transfer: placeholders differ/,
  ];

  it('the loader lists them all', () => {
    const errors = problems(BROKEN);
    for (const m of EXPECTED) expect(errors.some((e) => m.test(e)), `${m} in:\n${errors.join('\n')}`).toBe(true);
  });

  it('a menus file that cannot be read does not hide the directory\'s own problems', () => {
    const errors = problems((f) =>
      f
        .edit('directory', (s) => s.replace('hours: "Mo-Fr 09:00-17:00; PH off"', 'hours: "Mo-Fr 25:00-17:00"').replace('dial: "+3232011690"', 'dial: "03 201 16 90"'))
        .edit('menus', (s) => s.replace('  care-centres:\n', '  care-liège:\n')),
    );
    expect(errors).toContainEqual(expect.stringMatching(/menus\.yaml: menus\.care-liège/));
    expect(errors).toContainEqual(expect.stringMatching(/services\.violence-line\.hours: "Mo-Fr 25:00-17:00" is not valid/));
    expect(errors).toContainEqual(expect.stringMatching(/services\.payoke\.dial: "03 201 16 90" is not an E\.164/));
    expect(errors.filter((e) => /is not a language of the language menu/.test(e))).toEqual([]);
  });

  it('the built server refuses to start: exit code 1, and every problem on stderr', () => {
    f = fixture();
    BROKEN(f);
    const r = runNode(SERVER, { HELPLINE_CONFIG: f.directory, HELPLINE_MENUS: f.menus, HELPLINE_PROMPTS: f.prompts, PORT: '0', HOST: '127.0.0.1' });
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

  it.each(['fr', 'nl'])('in %s, a caller who chooses it hears "closed until further notice" and the services open now', async (lang) => {
    f = fixture().edit('directory', (s) => s.replace(/(payoke:[\s\S]*?)hours: "24\/7"/, '$1hours: "off"'));
    const config = testConfig(f);
    const t = await makeApp({ config });
    try {
      const call = await new Call(t.app).start();
      await call.keys(lang === 'fr' ? '1' : '2', '2', '2'); // the specialised centres, Payoke
      expect(call.dial).toBeUndefined();
      const said = all(call.twiml, 'Say').map((s) => s.text).join(' ');
      const prompts = config.prompts[lang]!.prompts;
      expect(said).toContain(prompts['closed-until-further-notice']);
      expect(said).toContain(prompts['alternatives-intro']);
      expect(said).not.toContain(prompts.reopens!.split('{')[0]!.trim() || '\u0000');
      // The alternatives never offer Payoke again, and the first key reaches a 24/7 service.
      expect(call.gather!.attrs.action).toMatch(/m=alt&t=0&x=payoke/);
      expect(said.split(prompts['alternatives-intro']!)[1]).not.toMatch(/Payoke/);
      await call.press('1');
      expect(call.dialled).toBe(config.services.surya!.dial);
    } finally {
      await t.app.close();
    }
  });
});
