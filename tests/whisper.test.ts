/**
 * Issue 15: a live person at the end of every transfer. The whisper to the person who answers
 * (<Number url>), `whisper: confirm` keeping callers out of voicemail, reached only when
 * bridged, the after-call key for a caller who reached nobody, and the counts per service.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { envPaths } from '../src/cli/common.js';
import { countWords, speakingSeconds } from '../src/cli/budgets.js';
import { fallbackTwiml } from '../src/call/twiml.js';
import { DEFAULT_DIRECTORY } from '../src/config/paths.js';
import { loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/types.js';
import { OFFER_KEYS, SERVICES, SPEAK_NOW, safetyNet } from './helpers/expected.js';
import {
  all,
  CALLER,
  Call,
  callParams,
  first,
  makeApp,
  parseTwiml,
  post,
  testConfig,
  type TestApp,
  type TwimlNode,
} from './helpers/twilio.js';

const config = testConfig();
const LANGS = config.flow.languages;
const text = (lang: string, key: string) => config.prompts[lang]!.prompts[key]!;
const code = (lang: string) => config.prompts[lang]!.language;
const said = (doc: TwimlNode) => all(doc, 'Say').map((s) => s.text);

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(async () => {
  await t.app.close();
});

/** A caller who chooses `lang` (undefined: stays silent) and presses `keys`. */
async function caller(app: TestApp, lang: string | undefined, keys: readonly string[]): Promise<Call> {
  const call = await new Call(app.app).start();
  if (lang === undefined) return (await call.silence()).silence();
  return call.keys(LANGS.find((l) => l.id === lang)!.key, ...keys);
}

describe('every transfer carries a whisper', () => {
  const cases = [...LANGS.map((l) => l.id), undefined].flatMap((lang) =>
    SERVICES.map((s) => ({ lang, service: s.id, keys: s.keys })),
  );

  it.each(cases)(
    'caller $lang to $service: the staff language, the helpline, the caller language, 8 s at most',
    async ({ lang, service, keys }) => {
      // A silent caller reaches the safety net's first service only.
      if (lang === undefined && service !== safetyNet(config.flow.defaultLanguage)[0]) return;
      const call = await caller(t, lang, keys);
      expect(call.dialled).toBeDefined();
      const number = call.dial!.children[0]!;
      expect(number.attrs.method).toBe('POST');
      expect(new URL(number.attrs.url!).pathname).toBe('/voice/whisper');
      const id = call.dial!.attrs.action!.match(/service=([a-z-]+)/)![1]!;
      const staff = config.services[id]!.staffLanguage;
      expect(await call.answer()).toBe(true); // announce: the end of the document puts the caller through
      const doc = call.whispers[0]!;
      expect(doc.children.map((c) => c.name)).toEqual(['Say']);
      const say = first(doc, 'Say')!;
      expect(say.attrs.language).toBe(code(staff));
      expect(say.text).toContain(text(staff, 'helpline-name'));
      expect(say.text).toContain(text(staff, lang === undefined ? 'whisper-lang-none' : `whisper-lang-${lang}`));
      expect(speakingSeconds(countWords(say.text))).toBeLessThanOrEqual(8);
      expect(say.text).not.toContain(CALLER.slice(1));
      expect(say.text).not.toMatch(/\d{4}/);
    },
  );

  it('the answering leg hears what brought the caller: now, a group, this service, another that could not answer', async () => {
    const why = async (call: Call) => {
      await call.answer();
      const t2 = first(call.whispers.at(-1)!, 'Say')!.text;
      call.whispers.length = 0;
      return t2;
    };
    const staff = (id: string) => config.services[id]!.staffLanguage;
    const now = await caller(t, undefined, []);
    expect(await why(now)).toContain(text(staff(safetyNet('fr')[0]!), 'whisper-why-now'));
    // The main menu's "speak to someone now" is said as such; a centre asked for from the
    // information is said as the group.
    const speakNow = await caller(t, 'en', SPEAK_NOW.keys);
    expect(await why(speakNow)).toContain(text(staff(SPEAK_NOW.id), 'whisper-why-now'));
    const group = await caller(t, 'en', ['6', '1', '1']);
    expect(await why(group)).toContain(text(staff(SPEAK_NOW.id), 'whisper-group-centres'));
    const chosen = await caller(t, 'en', ['4']);
    expect(await why(chosen)).toContain(text(staff('violence-line'), 'whisper-why-service'));
    await chosen.outcome('busy');
    await chosen.press(OFFER_KEYS.care);
    const id = chosen.dial!.attrs.action!.match(/service=([a-z-]+)/)![1]!;
    expect(await why(chosen)).toContain(text(staff(id), 'whisper-why-retry'));
  });

  it('a service with whisper: none has no <Number url>; the static fallback document has none either', async () => {
    const data = parse(readFileSync(DEFAULT_DIRECTORY, 'utf8'));
    data.services.surya.whisper = 'none';
    const dir = mkdtempSync(join(tmpdir(), 'helpline-whisper-'));
    try {
      writeFileSync(join(dir, 'directory.yaml'), stringify(data));
      const app = await makeApp({ config: testConfig({ directory: join(dir, 'directory.yaml') }) });
      try {
        const call = await caller(app, 'fr', SPEAK_NOW.keys);
        expect(call.dialled).toBeDefined();
        expect(call.dial!.children[0]!.attrs.url).toBeUndefined();
      } finally {
        await app.app.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const safe = parseTwiml(fallbackTwiml(config, new Date('2026-11-30T10:00:00+01:00')));
    expect(
      all(safe, 'Number')
        .concat(all(safe, 'Sip'))
        .every((n) => n.attrs.url === undefined),
    ).toBe(true);
  });
});

describe('whisper: confirm on every dialled service (a copy of the directory named by HELPLINE_CONFIG)', () => {
  let dir: string;
  let app: TestApp;
  let confirmed: Config;
  beforeAll(async () => {
    // Built as data: the directory parsed, every service it dials set to confirm, written out.
    const data = parse(readFileSync(DEFAULT_DIRECTORY, 'utf8'));
    for (const s of Object.values<{ connect?: string; whisper?: string }>(data.services))
      if (s.connect !== 'say') s.whisper = 'confirm';
    dir = mkdtempSync(join(tmpdir(), 'helpline-confirm-'));
    const file = join(dir, 'directory.yaml');
    writeFileSync(file, stringify(data));
    confirmed = testConfig(envPaths({ HELPLINE_CONFIG: file }));
    app = await makeApp({ config: confirmed });
  });
  afterAll(async () => {
    await app.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the whisper asks for a key, in the staff language, within 8 s, and any key puts the caller through', async () => {
    const call = await caller(app, 'en', SPEAK_NOW.keys);
    expect(await call.answer('5')).toBe(true);
    const [ask, taken] = call.whispers;
    const g = first(ask!, 'Gather')!;
    expect(g.attrs.numDigits).toBe('1');
    expect(g.attrs.timeout).toBe(String(confirmed.settings.whisperTimeout));
    expect(g.attrs.actionOnEmptyResult).toBe('true');
    expect(ask!.children.at(-1)!.name).toBe('Hangup');
    const words = all(ask!, 'Say')
      .map((s) => countWords(s.text))
      .reduce((a, b) => a + b, 0);
    expect(speakingSeconds(words)).toBeLessThanOrEqual(8);
    expect(taken!.children).toEqual([]); // an empty document: bridged
    await call.outcome('completed', true);
    expect(call.gather!.attrs.action).toContain('menu=end');
  });

  for (const shape of ['completed', 'no-answer'] as const) {
    it.each(LANGS.map((l) => l.id))(
      `%s: nobody presses the key (Twilio reports ${shape}, not bridged): a failed try, then another service, never a goodbye`,
      async (lang) => {
        const call = await caller(app, lang, SPEAK_NOW.keys);
        const firstService = call.dialled;
        await call.answered(undefined, shape);
        expect(call.hungUp).toBe(false);
        expect(call.dial).toBeUndefined();
        const words = said(call.twiml).join(' ');
        const name = confirmed.services[SPEAK_NOW.id]!.name[lang]!;
        const heard = shape === 'completed' ? 'dial-declined' : 'dial-no-answer';
        expect(words).toContain(text(lang, heard).replace('{name}', name));
        expect(call.gather!.attrs.action).toContain(`failed=${SPEAK_NOW.id}`);
        // The offers: the next centre, never the one that declined.
        await call.press(OFFER_KEYS.centres);
        expect(call.dialled).toBeDefined();
        expect(call.dialled).not.toBe(firstService);
        // And a caller who did not choose goes straight on to the next service.
        const silent = await caller(app, undefined, []);
        const before = silent.dialled;
        await silent.answered(undefined, shape);
        expect(silent.dialled).toBeDefined();
        expect(silent.dialled).not.toBe(before);
      },
    );
  }
});

describe('reached only when bridged, and "I did not reach anyone"', () => {
  it('completed but not bridged is a decline: the caller hears so and is offered other services', async () => {
    const call = await caller(t, 'nl', ['4']);
    await call.outcome('completed', false);
    expect(said(call.twiml).join(' ')).toContain(
      text('nl', 'dial-declined').replace('{name}', config.services['violence-line']!.name.nl!),
    );
    expect(call.gather!.attrs.action).toContain('menu=alt');
  });

  it.each(LANGS.map((l) => l.id))(
    '%s: after a bridged transfer, the not-reached key is said first and puts the caller through at once to a service like it',
    async (lang) => {
      const call = await caller(t, lang, SPEAK_NOW.keys);
      await call.outcome('completed', true);
      const texts = said(call.twiml);
      expect(texts[0]).toContain(text(lang, 'after-call-not-reached').replace('{key}', '1'));
      await call.press('1');
      expect(call.dialled).toBeDefined();
      const next = call.dial!.attrs.action!;
      expect(next).toContain(`failed=${SPEAK_NOW.id}`);
      expect(next).toContain(`service=${safetyNet(lang).find((s) => s !== SPEAK_NOW.id)}`); // the next centre
      // The one just reached is never offered again: its failure leads to the offers without it.
      await call.outcome('busy');
      expect(call.gather!.attrs.action).toContain(`${SPEAK_NOW.id}.`);
    },
  );

  it('silence and wrong keys after a call still end kindly', async () => {
    const call = await caller(t, 'fr', SPEAK_NOW.keys);
    await call.outcome('completed', true);
    await call.silence();
    await call.silence();
    expect(call.hungUp).toBe(true);
    expect(call.dial).toBeUndefined();
  });
});

describe('counts per service, without caller data', () => {
  it('transfer results and whispers are counted by service', async () => {
    const app = await makeApp();
    try {
      const reached = await caller(app, 'fr', ['4']);
      await reached.answered();
      await reached.press('1'); // not reached
      const declined = await caller(app, 'fr', ['4']);
      await declined.outcome('completed', false);
      const busy = await caller(app, 'fr', ['4']);
      await busy.outcome('busy');
      const res = await app.app.inject({ method: 'GET', url: '/metrics' });
      const body = res.body;
      const count = (result: string) =>
        Number(
          new RegExp(`helpline_transfer_results_total\\{service="violence-line",result="${result}"\\} (\\d+)`).exec(
            body,
          )?.[1] ?? 0,
        );
      expect([count('reached'), count('declined'), count('busy'), count('not-reached')]).toEqual([1, 1, 1, 1]);
      expect(body).toMatch(/helpline_whispers_total\{service="violence-line",result="announced"\} 1/);
      expect(body).toMatch(/helpline_service_open\{service="violence-line"\} 1/); // Monday 10:00
      expect(body).toMatch(/helpline_service_open\{service="surya"\} 1/);
      expect(body).not.toContain(CALLER.slice(1));
    } finally {
      await app.app.close();
    }
  });
});

describe('the whisper webhooks', () => {
  it('answer an empty document (never the caller-side fallback, no <Dial>) to a request the app cannot read', async () => {
    for (const url of ['/voice/whisper?service=surya&why=now', '/voice/whisper/key?service=surya&why=now']) {
      const json = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(json.statusCode).toBe(200);
      expect(parseTwiml(json.body).children).toEqual([]);
    }
  });

  it('answer valid TwiML with status 200 to anything, and are refused unsigned', async () => {
    for (const url of [
      '/voice/whisper',
      '/voice/whisper?service=__proto__&why=group:__proto__&lang=xx',
      '/voice/whisper/key',
      '/voice/whisper/key?service=surya&why=now',
    ]) {
      const res = await post(t.app, url, callParams({ Digits: '' }));
      expect(res.statusCode).toBe(200);
      parseTwiml(res.body);
    }
    const unsigned = await post(t.app, '/voice/whisper?service=surya', callParams(), { signature: 'nope' });
    expect(unsigned.statusCode).toBe(403);
  });

  it('the loader refuses whisper on a service whose number is only said, naming the file and place', () => {
    const data = parse(readFileSync(DEFAULT_DIRECTORY, 'utf8'));
    data.services.police.whisper = 'announce';
    data.services.surya.staff_language = 'de';
    const dir = mkdtempSync(join(tmpdir(), 'helpline-whisper-'));
    try {
      const file = join(dir, 'directory.yaml');
      writeFileSync(file, stringify(data));
      const r = loadConfig({ directory: file });
      expect(r.ok).toBe(false);
      expect(r.problems.map(({ code, file: f, path }) => ({ code, file: f, path }))).toEqual(
        expect.arrayContaining([
          { code: 'HL_ERR_WHISPER_SAY', file, path: 'services.police.whisper' },
          { code: 'HL_ERR_STAFF_LANGUAGE', file, path: 'services.surya.staff_language' },
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
