/**
 * Reloading the data files while the line runs (SIGHUP): a good file changes what callers
 * get, calls in flight go on, a broken file keeps the configuration in force and every
 * problem is logged; then the same against the built server with a real SIGHUP.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { reloadFromSources } from '../src/http/reload.js';
import { changeCopy, copyData, type DataCopy, TINY_WAV } from './helpers/fixtures.js';
import { SPEAK_NOW, dialOf } from './helpers/expected.js';
import { startServer } from './helpers/built.js';
import { BASE, Call, TOKEN, assertValidTwiml, callParams, makeApp, sign, testConfig } from './helpers/twilio.js';

const LANGS = testConfig().flow.languages;
const PAG_ASA = '+3225116464';
const NEW_NUMBER = '+3225550199';

/** The same file, with PAG-ASA's number changed. */
const renumber = (d: DataCopy) => {
  changeCopy(d, 'directory', (dir) => {
    expect(dir.services['pag-asa']!.dial).toBe(PAG_ASA);
    dir.services['pag-asa']!.dial = NEW_NUMBER;
  });
};
/** Two problems in the directory and one in a prompts file. */
function breakData(d: DataCopy): void {
  changeCopy(d, 'directory', (dir) => {
    dir.services.payoke!.dial = '03 201 16 90';
    dir.services['violence-line']!.hours = 'Mo-Fr 25:00-17:00';
  });
  changeCopy(d, 'nl', (p) => {
    delete p.prompts.goodbye;
  });
}

describe('reload in the app', () => {
  it('a good file changes behaviour at once, and a call in flight goes on', async () => {
    const data = copyData();
    const t = await makeApp({ config: testConfig(data) });
    onTestFinished(() => t.app.close());
    const inFlight = await new Call(t.app).start();
    await inFlight.keys('1', '2'); // in the centres menu
    expect((await new Call(t.app).start().then((c) => c.keys('1', '2', '1'))).dialled).toBe(PAG_ASA);

    renumber(data);
    const r = reloadFromSources(t.app.helpline, t.app.log);
    expect(r.ok).toBe(true);
    expect(t.logs.some((l) => l.includes('"event":"reloaded"'))).toBe(true);

    await inFlight.press('1');
    expect(inFlight.dialled).toBe(NEW_NUMBER);
    for (const l of LANGS)
      expect((await new Call(t.app).start().then((c) => c.keys(l.key, '2', '1'))).dialled).toBe(NEW_NUMBER);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^helpline_config_reloads_total\{result="ok"\} 1$/m);
  });

  it('a broken file keeps the configuration in force and logs every problem with its place', async () => {
    const data = copyData();
    const t = await makeApp({ config: testConfig(data) });
    onTestFinished(() => t.app.close());
    const before = t.app.helpline.current;
    breakData(data);
    const r = reloadFromSources(t.app.helpline, t.app.log);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContainEqual(
      expect.stringMatching(/directory\.yaml: services\.payoke\.dial: "03 201 16 90" is not/),
    );
    expect(r.errors).toContainEqual(
      expect.stringMatching(/directory\.yaml: services\.violence-line\.hours: .* is not valid opening hours/),
    );
    expect(r.errors).toContainEqual(expect.stringMatching(/nl\.yaml: prompts\.goodbye: missing/));
    for (const e of r.errors)
      expect(
        t.logs.some((l) => l.includes('"event":"reload-problem"') && l.includes(JSON.stringify(e).slice(1, 40))),
      ).toBe(true);
    expect(t.logs.some((l) => l.includes('"event":"reload-failed"'))).toBe(true);
    expect(t.app.helpline.current).toBe(before);
    const call = await new Call(t.app).start();
    await call.keys('1', '2', '2');
    expect(call.dialled).toBe('+3232011690');
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^helpline_config_reloads_total\{result="failed"\} 1$/m);
  });

  it('a call in a menu that the new file removes goes on from the main menu, never dropped', async () => {
    const data = copyData();
    const t = await makeApp({ config: testConfig(data) });
    onTestFinished(() => t.app.close());
    const calls = await Promise.all(LANGS.map(async (l) => (await new Call(t.app).start()).keys(l.key, '3'))); // care centres
    const gone: Array<string | undefined> = [];
    changeCopy(data, 'menus', (m) => {
      const care = m.menus['care-centres']!;
      gone.push(m.menus.main!.options['3']!.say, ...(care.say ?? []), ...(care.footer ?? []));
      for (const o of Object.values(care.options)) gone.push(o.say);
      delete m.menus.main!.options['3'];
      delete m.menus['care-centres'];
      // An offer's key is a main-menu key: the care centres' offer goes with it.
      delete m.offers['3'];
    });
    // Their prompts go too, in every language (a prompt no menu uses stops the load).
    for (const l of LANGS)
      changeCopy(data, l.id as 'fr' | 'nl' | 'en', (p) => {
        for (const key of gone) if (key !== undefined) delete p.prompts[key];
      });
    const r = reloadFromSources(t.app.helpline, t.app.log);
    expect(r.ok ? [] : r.errors).toEqual([]);
    for (const [i, l] of LANGS.entries()) {
      const call = calls[i]!;
      await call.press('1');
      expect(call.gather!.attrs.action).toBe(`${BASE}/voice/menu?lang=${l.id}&menu=main&tries=0`);
      await call.keys(...SPEAK_NOW.keys);
      expect(call.dialled).toBe(dialOf(SPEAK_NOW.id));
    }
  });

  it('recorded prompts are read again', async () => {
    const data = copyData();
    const t = await makeApp({ config: testConfig(data) });
    onTestFinished(() => t.app.close());
    expect((await t.app.inject({ method: 'GET', url: '/audio/nl/goodbye.wav' })).statusCode).toBe(404);
    mkdirSync(join(data.prompts, 'audio', 'nl'), { recursive: true });
    writeFileSync(join(data.prompts, 'audio', 'nl', 'goodbye.wav'), TINY_WAV);
    expect(reloadFromSources(t.app.helpline, t.app.log).ok).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: '/audio/nl/goodbye.wav' })).statusCode).toBe(200);
  });
});

describe('SIGHUP against the built server', () => {
  it('reloads a good file, keeps the previous one when broken, and still stops cleanly', async () => {
    const data = copyData();
    const server = await startServer({
      TWILIO_AUTH_TOKEN: TOKEN,
      PUBLIC_BASE_URL: BASE,
      NODE_ENV: 'production',
      HOTLINE_NUMBER: '+3225550100',
      METRICS_TOKEN: 'scrape-token-0123456789',
      HELPLINE_CONFIG: data.directory,
      HELPLINE_MENUS: data.menus,
      HELPLINE_PROMPTS: data.prompts,
    });
    const url = `http://127.0.0.1:${server.port}`;
    const dialled = async () => {
      const path = '/voice/menu?lang=fr&menu=centres&tries=0';
      const params = callParams({ Digits: '1' });
      const res = await fetch(url + path, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': sign(BASE + path, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      return assertValidTwiml(await res.text()).children.find((c) => c.name === 'Dial')?.children[0]?.text;
    };
    try {
      expect(await dialled()).toBe(PAG_ASA);

      renumber(data);
      server.child.kill('SIGHUP');
      await server.waitFor(/"event":"reloaded"/);
      expect(await dialled()).toBe(NEW_NUMBER);

      breakData(data);
      const mark = server.stdout().length;
      server.child.kill('SIGHUP');
      await server.waitFor(/"event":"reload-failed"/);
      const said = server.stdout().slice(mark);
      expect(said).toMatch(/services\.payoke\.dial/);
      expect(said).toMatch(/services\.violence-line\.hours/);
      expect(said).toMatch(/prompts\.goodbye: missing/);
      expect(await dialled()).toBe(NEW_NUMBER);
      expect((await fetch(url + '/health')).status).toBe(200);

      const metrics = await fetch(url + '/metrics', { headers: { authorization: 'Bearer scrape-token-0123456789' } });
      const text = await metrics.text();
      expect(text).toMatch(/^helpline_config_reloads_total\{result="ok"\} 1$/m);
      expect(text).toMatch(/^helpline_config_reloads_total\{result="failed"\} 1$/m);
      expect(text).toMatch(/^helpline_process_resident_memory_bytes /m);
      expect((await fetch(url + '/metrics')).status).toBe(401);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
  });
});
