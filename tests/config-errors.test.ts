/**
 * Broken or incomplete data stops the start, with every problem listed at its place; the
 * built server exits 1 and says why. And the decision for a valid service that is never open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../src/config/load.js';
import { ROOT } from '../src/config/paths.js';
import { PROBLEM_CODES, type Problem, type ProblemCode } from '../src/config/problems.js';
import { runNode, SERVER } from './helpers/built.js';
import { dataFixture, type DirectoryDoc, fixture, type Fixture, type MenusDoc, service } from './helpers/fixtures.js';
import { all, Call, makeApp, testConfig } from './helpers/twilio.js';

let f: Fixture;
afterEach(() => f?.remove());

/** The errors the loader finds in the fixture. */
function problems(make: () => Fixture): Problem[] {
  f = make();
  const r = loadConfig(f);
  if (r.ok) throw new Error('the data was accepted');
  return r.problems.filter((p) => p.code.startsWith('HL_ERR_'));
}

const dir = (mutate: (d: DirectoryDoc) => void) => () => dataFixture({ directory: mutate });
const menus = (mutate: (m: MenusDoc) => void) => () => dataFixture({ menus: mutate });
const prompts = (lang: 'fr' | 'nl' | 'en', mutate: (p: Record<string, string>) => void) => () => {
  const fx = fixture();
  const data = parse(fx.read(lang)) as { prompts: Record<string, string> };
  mutate(data.prompts);
  return fx.write(lang, stringify(data, { lineWidth: 0 }));
};
const allPrompts = (mutate: (p: Record<string, string>) => void) => () => {
  const fx = fixture();
  for (const lang of ['fr', 'nl', 'en'] as const) {
    const data = parse(fx.read(lang)) as { prompts: Record<string, string> };
    mutate(data.prompts);
    fx.write(lang, stringify(data, { lineWidth: 0 }));
  }
  return fx;
};
const mainOptions = (m: MenusDoc) => m.menus.main!.options;

interface Kind {
  kind: string;
  make: () => Fixture;
  code: ProblemCode;
  /** The file it names (the end of its path) and the place in it. */
  file: string;
  path: string;
}

describe('each kind of problem has its code, file and place', () => {
  const kinds: Kind[] = [
    // --- the directory ---
    {
      kind: 'bad opening hours syntax',
      make: dir((d) => (service(d, 'surya').hours = 'sometimes')),
      code: 'HL_ERR_HOURS_SYNTAX',
      file: 'directory.yaml',
      path: 'services.surya.hours',
    },
    {
      kind: 'a service name missing in one language',
      make: dir((d) => delete service(d, 'payoke').name.en),
      code: 'HL_ERR_NAME_MISSING',
      file: 'directory.yaml',
      path: 'services.payoke.name.en',
    },
    {
      kind: 'a service name in a language the line does not speak',
      make: dir((d) => (service(d, 'payoke').name.de = 'Payoke')),
      code: 'HL_ERR_NAME_LANGUAGE',
      file: 'directory.yaml',
      path: 'services.payoke.name.de',
    },
    {
      kind: 'a number that is not E.164',
      make: dir((d) => (service(d, 'payoke').dial = '03 201 16 90')),
      code: 'HL_ERR_DIAL',
      file: 'directory.yaml',
      path: 'services.payoke.dial',
    },
    {
      kind: 'a connect mode the line does not know',
      make: dir((d) => (service(d, 'police').connect = 'speak' as 'say')),
      code: 'HL_ERR_SCHEMA',
      file: 'directory.yaml',
      path: 'services.police.connect',
    },
    {
      kind: 'an hours_source the line does not know',
      make: dir((d) => (service(d, 'payoke').hours_source = 'website' as 'secondary')),
      code: 'HL_ERR_SCHEMA',
      file: 'directory.yaml',
      path: 'services.payoke.hours_source',
    },
    {
      kind: 'a verified date that does not exist',
      make: dir((d) => (service(d, 'surya').verified = '2026-02-30')),
      code: 'HL_ERR_VERIFIED_DATE',
      file: 'directory.yaml',
      path: 'services.surya.verified',
    },
    {
      kind: 'an unknown field (a typo)',
      make: dir((d) => {
        const police = service(d, 'police') as Record<string, unknown>;
        police.callerid = police.caller_id;
        delete police.caller_id;
      }),
      code: 'HL_ERR_UNKNOWN_FIELD',
      file: 'directory.yaml',
      path: 'services.police.callerid',
    },
    {
      kind: 'a closure in the hour skipped when summer time starts',
      make: dir((d) => (service(d, 'surya').closures = [{ from: '2027-03-28 02:30', to: '2027-03-28 05:00' }])),
      code: 'HL_ERR_TIME',
      file: 'directory.yaml',
      path: 'services.surya.closures[0].from',
    },
    {
      kind: 'an extra holiday that is not a day',
      make: dir((d) => (d.settings = { ...d.settings, holidays: ['July 11'] })),
      code: 'HL_ERR_HOLIDAY',
      file: 'directory.yaml',
      path: 'settings.holidays[0]',
    },
    {
      kind: 'a holidays country the library has no public holidays for',
      make: dir((d) => (d.settings = { ...d.settings, holidays_country: 'xx' })),
      code: 'HL_ERR_HOLIDAYS_COUNTRY',
      file: 'directory.yaml',
      path: 'settings.holidays_country',
    },
    {
      kind: "a service's own holiday that is not a day",
      make: dir((d) => (service(d, 'violence-line').holidays = ['2027-02-30'])),
      code: 'HL_ERR_HOLIDAY',
      file: 'directory.yaml',
      path: 'services.violence-line.holidays[0]',
    },

    // --- the prompts ---
    {
      kind: 'a prompt missing in one language',
      make: prompts('nl', (p) => delete p.goodbye),
      code: 'HL_ERR_PROMPT_MISSING',
      file: 'nl.yaml',
      path: 'prompts.goodbye',
    },
    {
      kind: 'a prompt key no language has',
      make: menus((m) => (m.menus.centres!.options['3']!.say = 'opt-suria')),
      code: 'HL_ERR_PROMPT_MISSING',
      file: 'fr.yaml',
      path: 'prompts.opt-suria',
    },
    {
      kind: 'placeholders that differ between languages',
      make: prompts('nl', (p) => (p.transfer = 'We verbinden u door.')),
      code: 'HL_ERR_PROMPT_PLACEHOLDERS',
      file: 'prompts',
      path: 'prompts.transfer',
    },
    {
      kind: 'a placeholder the line does not fill',
      make: allPrompts((p) => (p.goodbye = 'Bye, {name}.')),
      code: 'HL_ERR_PROMPT_PLACEHOLDERS',
      file: 'en.yaml',
      path: 'prompts.goodbye',
    },
    {
      kind: 'a prompt nobody uses (a typo?)',
      make: allPrompts((p) => (p['good-bye'] = 'Bye.')),
      code: 'HL_ERR_PROMPT_UNUSED',
      file: 'prompts',
      path: 'prompts.good-bye',
    },
    {
      kind: 'a voice in a prompts file (voices are in the menus now)',
      make: () => {
        const fx = fixture();
        const data = parse(fx.read('en')) as Record<string, unknown>;
        return fx.write('en', stringify({ voice: 'Polly.Amy-Neural', ...data }));
      },
      code: 'HL_ERR_UNKNOWN_FIELD',
      file: 'en.yaml',
      path: 'voice',
    },

    // --- the menus: languages and the greeting ---
    {
      kind: 'a greeting language that is not a language',
      make: menus((m) => (m.greeting = ['fr', 'nl', 'de'])),
      code: 'HL_ERR_UNKNOWN_LANGUAGE',
      file: 'menus.yaml',
      path: 'greeting[2]',
    },
    {
      kind: 'a greeting language named twice',
      make: menus((m) => (m.greeting = ['fr', 'nl', 'fr'])),
      code: 'HL_ERR_GREETING',
      file: 'menus.yaml',
      path: 'greeting',
    },
    {
      kind: 'a default language that is not a language',
      make: menus((m) => (m.default_language = 'de')),
      code: 'HL_ERR_UNKNOWN_LANGUAGE',
      file: 'menus.yaml',
      path: 'default_language',
    },
    {
      kind: 'a language key reserved for every menu',
      make: menus((m) => (m.languages.en!.key = m.keys.language)),
      code: 'HL_ERR_KEY_RESERVED',
      file: 'menus.yaml',
      path: 'languages.en.key',
    },
    {
      kind: 'a language key used twice',
      make: menus((m) => (m.languages.en!.key = m.languages.nl!.key)),
      code: 'HL_ERR_KEY_TWICE',
      file: 'menus.yaml',
      path: 'languages.en.key',
    },
    {
      kind: 'a language key that is not a key',
      make: menus((m) => (m.languages.en!.key = '33')),
      code: 'HL_ERR_SCHEMA',
      file: 'menus.yaml',
      path: 'languages.en.key',
    },
    {
      kind: 'a language code that is not one',
      make: menus((m) => (m.languages.en!.code = 'english')),
      code: 'HL_ERR_SCHEMA',
      file: 'menus.yaml',
      path: 'languages.en.code',
    },
    {
      kind: 'no language at all',
      make: menus((m) => (m.languages = {})),
      code: 'HL_ERR_UNKNOWN_LANGUAGE',
      file: 'menus.yaml',
      path: 'languages',
    },
    {
      kind: 'the common keys not all different',
      make: menus((m) => (m.keys.language = m.keys.back)),
      code: 'HL_ERR_KEY_TWICE',
      file: 'menus.yaml',
      path: 'keys',
    },

    // --- the menus: groups, safety net, offers, callback ---
    {
      kind: 'an unknown group',
      make: menus((m) => (mainOptions(m)['1'] = { first_open: 'centers', say: 'opt-speak-now' })),
      code: 'HL_ERR_UNKNOWN_GROUP',
      file: 'menus.yaml',
      path: 'menus.main.options.1.first_open',
    },
    {
      kind: 'an unknown service in a group',
      make: menus((m) => (m.groups!.centres!.order = ['surya', 'pag-asa', 'payok'])),
      code: 'HL_ERR_UNKNOWN_SERVICE',
      file: 'menus.yaml',
      path: 'groups.centres.order[2]',
    },
    {
      kind: "a language's order that names other services than the group's",
      make: menus((m) => (m.groups!.centres!.nl = ['payoke', 'surya'])),
      code: 'HL_ERR_GROUP',
      file: 'menus.yaml',
      path: 'groups.centres.nl',
    },
    {
      kind: "a group's order for a language the line does not speak",
      make: menus((m) => (m.groups!.centres!.de = ['payoke', 'surya', 'pag-asa'])),
      code: 'HL_ERR_UNKNOWN_LANGUAGE',
      file: 'menus.yaml',
      path: 'groups.centres.de',
    },
    {
      kind: 'a group without an order',
      make: menus((m) => {
        const g = m.groups!.centres!;
        g.fr = g.order!;
        delete g.order;
      }),
      code: 'HL_ERR_SCHEMA',
      file: 'menus.yaml',
      path: 'groups.centres',
    },
    {
      kind: 'a group named like a service',
      make: menus((m) => (m.groups!.police = { order: ['police'] })),
      code: 'HL_ERR_GROUP',
      file: 'menus.yaml',
      path: 'groups.police',
    },
    {
      kind: 'an unknown service in the safety net',
      make: menus((m) => (m.safety_net = ['centre', 'care'])),
      code: 'HL_ERR_UNKNOWN_SERVICE',
      file: 'menus.yaml',
      path: 'safety_net[0]',
    },
    {
      kind: 'a safety net with no 24/7 service',
      make: menus((m) => (m.safety_net = ['violence-line'])),
      code: 'HL_ERR_SAFETY_NET_NO_24_7',
      file: 'menus.yaml',
      path: 'safety_net',
    },
    {
      kind: 'a safety net of numbers the line only says',
      make: menus((m) => (m.safety_net = ['police'])),
      code: 'HL_ERR_SAFETY_NET_SAY',
      file: 'menus.yaml',
      path: 'safety_net',
    },
    {
      kind: 'an offer key that changes meaning between the main menu and the offers',
      make: menus((m) => (m.offers['3'] = 'violence-line')),
      code: 'HL_ERR_OFFER_KEY',
      file: 'menus.yaml',
      path: 'offers.3',
    },
    {
      kind: 'an offer of a group on the key of a single service',
      make: menus((m) => (m.offers['4'] = 'centres')),
      code: 'HL_ERR_OFFER_KEY',
      file: 'menus.yaml',
      path: 'offers.4',
    },
    {
      kind: 'an offer on a key the main menu does not have ("7": centres)',
      make: menus((m) => (m.offers['7'] = 'centres')),
      code: 'HL_ERR_OFFER_KEY',
      file: 'menus.yaml',
      path: 'offers.7',
    },
    {
      kind: 'an offer on a reserved key',
      make: menus((m) => {
        m.offers[m.keys.language as string] = m.offers['5']!;
        delete m.offers['5'];
      }),
      code: 'HL_ERR_KEY_RESERVED',
      file: 'menus.yaml',
      path: 'offers.9',
    },
    {
      kind: 'an offer of an unknown service',
      make: menus((m) => (m.offers['4'] = 'violence')),
      code: 'HL_ERR_UNKNOWN_SERVICE',
      file: 'menus.yaml',
      path: 'offers.4',
    },
    {
      kind: 'an unknown service to call back',
      make: menus((m) => (m.callback = ['violence-line', 'suria'])),
      code: 'HL_ERR_UNKNOWN_SERVICE',
      file: 'menus.yaml',
      path: 'callback[1]',
    },

    // --- the menus: menus and options ---
    {
      kind: 'an unknown service in a menu',
      make: menus((m) => (m.menus.centres!.options['2']!.transfer = 'payok')),
      code: 'HL_ERR_UNKNOWN_SERVICE',
      file: 'menus.yaml',
      path: 'menus.centres.options.2.transfer',
    },
    {
      kind: 'an unknown menu',
      make: menus((m) => (mainOptions(m)['2']!.menu = 'centers')),
      code: 'HL_ERR_UNKNOWN_MENU',
      file: 'menus.yaml',
      path: 'menus.main.options.2.menu',
    },
    {
      kind: 'a reserved key used by an option',
      make: menus((m) => {
        mainOptions(m)[m.keys.back as string] = mainOptions(m)['4']!;
        delete mainOptions(m)['4'];
        delete m.offers['4'];
      }),
      code: 'HL_ERR_KEY_RESERVED',
      file: 'menus.yaml',
      path: 'menus.main.options.0',
    },
    {
      kind: 'a reserved menu name',
      make: menus((m) => {
        m.menus.alt = m.menus['care-centres']!;
        delete m.menus['care-centres'];
        mainOptions(m)['3']!.menu = 'alt';
      }),
      code: 'HL_ERR_MAIN_MENU',
      file: 'menus.yaml',
      path: 'menus.alt',
    },
    {
      kind: 'a key that is not a key',
      make: menus((m) => {
        mainOptions(m)['33'] = mainOptions(m)['3']!;
        delete mainOptions(m)['3'];
      }),
      code: 'HL_ERR_KEY',
      file: 'menus.yaml',
      path: 'menus.main.options."33"',
    },
    {
      kind: 'an option with two actions',
      make: menus((m) => (mainOptions(m)['1']!.transfer = 'surya')),
      code: 'HL_ERR_SCHEMA',
      file: 'menus.yaml',
      path: 'menus.main.options.1',
    },

    // --- the files themselves (written as text on purpose: they are not data) ---
    {
      kind: 'a YAML syntax error',
      make: () => fixture().write('directory', 'services:\n  bad: [unclosed\n  x: 1\n'),
      code: 'HL_ERR_YAML_SYNTAX',
      file: 'directory.yaml',
      path: 'services.x',
    },
    {
      kind: 'a file that cannot be read',
      make: () => {
        const fx = fixture();
        rmSync(fx.directory);
        return fx;
      },
      code: 'HL_ERR_FILE_UNREADABLE',
      file: 'directory.yaml',
      path: '',
    },
    {
      kind: 'an empty prompts file',
      make: () => fixture().write('nl', ''),
      code: 'HL_ERR_FILE_EMPTY',
      file: 'nl.yaml',
      path: '',
    },
  ];

  it.each(kinds)('$kind: $code at $path', ({ make, code, file, path }) => {
    const found = problems(make);
    expect(found, JSON.stringify(found, null, 1)).toContainEqual(
      expect.objectContaining({ code, path, file: expect.stringMatching(new RegExp(`${file}$`)) }),
    );
  });

  it('every code the loader uses is in the table of docs/configuration.md, and every code there exists', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
    const documented = new Set(doc.match(/`HL_(?:ERR|WARN)_[A-Z0-9_]+`/g)?.map((c) => c.slice(1, -1)));
    expect([...documented].sort()).toEqual(Object.keys(PROBLEM_CODES).sort());
  });
});

describe('errors say what to fix (issue 16, item 12)', () => {
  /** A file written as text: these mistakes live in the text itself. */
  const text = (which: 'directory' | 'menus', edit: (t: string) => string) => () => {
    const fx = fixture();
    return fx.write(which, edit(fx.read(which)));
  };

  it('a key written twice is named, with its place', () => {
    const found = problems(
      text('directory', (t) => `${t}\n# the same service again\nservices:\n  surya:\n    dial: "+3242324030"\n`),
    );
    expect(found).toContainEqual(
      expect.objectContaining({
        code: 'HL_ERR_YAML_DUPLICATE_KEY',
        path: 'services',
        message: expect.stringContaining('"services"'),
      }),
    );
  });

  it('a duplicate key inside a service names that key and the service', () => {
    const found = problems(text('menus', (t) => `${t}\nmax_tries: 4\n`));
    expect(found).toContainEqual(expect.objectContaining({ code: 'HL_ERR_YAML_DUPLICATE_KEY', path: 'max_tries' }));
  });

  it('a missing quote says where the value opened and how to close it', () => {
    const found = problems(() => {
      const fx = fixture();
      const directory = parse(fx.read('directory')) as DirectoryDoc;
      // The file as this test writes it, every string in double quotes; then Sürya's number's
      // closing quote left out: the text itself is what is broken here.
      const data = stringify(directory, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
      const dial = `dial: "${service(directory, 'surya').dial}"`;
      expect(data.split(dial)).toHaveLength(2);
      return fx.write('directory', data.replace(dial, dial.slice(0, -1)));
    });
    const quote = found.find((p) => p.code === 'HL_ERR_YAML_SYNTAX');
    expect(quote?.message).toMatch(/never closed: end it with "/);
    expect(quote?.path).toMatch(/^services\.surya/);
  });

  it('hours without the ";" between two rules: the rule and the corrected hours, not the library\'s words', () => {
    const found = problems(dir((d) => (service(d, 'violence-line').hours = 'Mo-Fr 09:00-17:00 PH off')));
    const p = found.find((x) => x.path === 'services.violence-line.hours');
    expect(p?.code).toBe('HL_ERR_HOURS_SYNTAX');
    expect(p?.message).toContain('"Mo-Fr 09:00-17:00; PH off"');
    expect(p?.message).not.toMatch(/easter|switched/);
  });

  it("a holidays country the library does not know is named once, at the country, not at each service's hours", () => {
    const found = problems(dir((d) => (d.settings = { ...d.settings, holidays_country: 'xx' })));
    expect(found.filter((p) => p.code === 'HL_ERR_HOLIDAYS_COUNTRY').map((p) => p.path)).toEqual([
      'settings.holidays_country',
    ]);
    expect(found.filter((p) => p.code === 'HL_ERR_HOURS_SYNTAX')).toEqual([]);
  });

  it('an empty directory file is named as empty', () => {
    const found = problems(() => fixture().write('directory', '# nothing yet\n'));
    expect(found).toEqual([expect.objectContaining({ code: 'HL_ERR_FILE_EMPTY', path: '' })]);
  });

  it('a one-letter typo in a service id: one problem, which suggests the right id', () => {
    const found = problems(menus((m) => (m.menus.centres!.options['2']!.transfer = 'payok')));
    expect(found).toEqual([
      expect.objectContaining({
        code: 'HL_ERR_UNKNOWN_SERVICE',
        path: 'menus.centres.options.2.transfer',
        message: expect.stringContaining('did you mean "payoke"'),
      }),
    ]);
  });

  it("a one-letter typo in the directory's id: each use is named once, with the suggestion", () => {
    const found = problems(
      dir((d) => {
        d.services.suria = service(d, 'surya');
        delete d.services.surya;
      }),
    );
    expect(new Set(found.map((p) => p.code))).toEqual(new Set(['HL_ERR_UNKNOWN_SERVICE']));
    for (const p of found) expect(p.message).toContain('did you mean "suria"');
  });
});

describe('every problem at once', () => {
  const BROKEN = () => {
    const fx = dataFixture({
      directory: (d) => {
        service(d, 'violence-line').hours = 'Mo-Fr 25:00-17:00';
        service(d, 'payoke').dial = '03 201 16 90';
        delete service(d, 'payoke').name.nl;
      },
      menus: (m) => {
        m.menus.centres!.options['2']!.transfer = 'payok';
        m.offers['3'] = 'violence-line';
      },
    });
    const nl = parse(fx.read('nl')) as { prompts: Record<string, string> };
    nl.prompts.transfer = 'We verbinden u door.';
    return fx.write('nl', stringify(nl, { lineWidth: 0 }));
  };
  const EXPECTED: Array<[ProblemCode, string]> = [
    ['HL_ERR_HOURS_SYNTAX', 'services.violence-line.hours'],
    ['HL_ERR_DIAL', 'services.payoke.dial'],
    ['HL_ERR_NAME_MISSING', 'services.payoke.name.nl'],
    ['HL_ERR_UNKNOWN_SERVICE', 'menus.centres.options.2.transfer'],
    ['HL_ERR_PROMPT_PLACEHOLDERS', 'prompts.transfer'],
    ['HL_ERR_OFFER_KEY', 'offers.3'],
  ];

  it('the loader lists them all', () => {
    const found = problems(BROKEN);
    for (const [code, path] of EXPECTED) expect(found).toContainEqual(expect.objectContaining({ code, path }));
  });

  it("a menus file that cannot be read does not hide the directory's own problems", () => {
    const found = problems(() => {
      const fx = dataFixture({
        directory: (d) => {
          service(d, 'violence-line').hours = 'Mo-Fr 25:00-17:00';
          service(d, 'payoke').dial = '03 201 16 90';
        },
      });
      return fx.write('menus', `${fx.read('menus')}\nmax_tries: 4\n`);
    });
    expect(found).toContainEqual(expect.objectContaining({ code: 'HL_ERR_YAML_DUPLICATE_KEY' }));
    expect(found).toContainEqual(
      expect.objectContaining({ code: 'HL_ERR_HOURS_SYNTAX', path: 'services.violence-line.hours' }),
    );
    expect(found).toContainEqual(expect.objectContaining({ code: 'HL_ERR_DIAL', path: 'services.payoke.dial' }));
    expect(found.filter((p) => p.code === 'HL_ERR_NAME_LANGUAGE')).toEqual([]);
  });

  it('the built server refuses to start: exit code 1, and every problem on stderr', () => {
    f = BROKEN();
    const r = runNode(SERVER, {
      HELPLINE_CONFIG: f.directory,
      HELPLINE_MENUS: f.menus,
      HELPLINE_PROMPTS: f.prompts,
      PORT: '0',
      HOST: '127.0.0.1',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Refusing to start: the helpline's data has \d+ problem\(s\):/);
    for (const [, path] of EXPECTED) expect(r.stderr).toContain(`: ${path}: `);
    expect(r.stdout).not.toMatch(/Server listening/);
  });

  it('the built server refuses a broken HELPLINE_CONFIG alone (the built-in menus and prompts)', () => {
    f = fixture().write('directory', 'services:\n  bad: [unclosed\n  x: 1\n');
    const r = runNode(SERVER, { HELPLINE_CONFIG: f.directory, PORT: '0', HOST: '127.0.0.1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(f.directory);
    expect(r.stderr).toMatch(/at line \d+, column \d+/);
  });
});

describe('a valid service that is never open ("off", or hours that have all passed)', () => {
  const NEVER = ['off', '2020 Jan 01-2020 Dec 31 Mo-Fr 09:00-17:00'];

  it.each(NEVER)('hours "%s": the line starts, with a warning that names the service', (hours) => {
    f = dataFixture({ directory: (d) => (service(d, 'payoke').hours = hours) });
    const r = loadConfig(f);
    expect(r.ok).toBe(true);
    expect(r.problems).toContainEqual(
      expect.objectContaining({ code: 'HL_WARN_NEVER_OPEN', path: 'services.payoke.hours' }),
    );
  });

  const LANGS = testConfig().flow.languages.map((l) => [l.id, l.key] as const);

  it.each(LANGS)(
    'in %s, a caller who chooses it hears "closed until further notice" and the services open now',
    async (lang, key) => {
      f = dataFixture({ directory: (d) => (service(d, 'payoke').hours = 'off') });
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
