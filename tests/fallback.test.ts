/**
 * The fallback document: `npm run fallback` prints it for the number's fallback URL (a TwiML
 * Bin), POST /voice/fallback serves it, an internal error answers it. The same bytes, valid,
 * in every language of the greeting, static (no URL of the server), a transfer to a 24/7 service.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fallbackTwiml } from '../src/call/twiml.js';
import { FALLBACK_CLI, once, runNode as runBuilt } from './helpers/built.js';
import { dataFixture, fixture, TINY_WAV } from './helpers/fixtures.js';
import { CALLER_NUMBERS } from './helpers/privacy.js';
import {
  all,
  assertValidTwiml,
  callParams,
  languagesSaid,
  makeApp,
  post,
  testConfig,
  type TestApp,
} from './helpers/twilio.js';

// The CLI records what it printed (for npm run preflight): in a temporary file here, not in
// the repository's data/ folder.
const recordDir = mkdtempSync(join(tmpdir(), 'helpline-fallback-'));
const RECORD = join(recordDir, 'fallback-record.json');
const runNode = (script: string, env: Record<string, string | undefined> = {}) =>
  runBuilt(script, { FALLBACK_RECORD: RECORD, ...env });
/** `npm run fallback` on the shipped data, checked by several tests: run once, with a record
 * file of its own that nothing else writes or removes, so each test can check what it wrote. */
const PRINTED_RECORD = join(recordDir, 'printed-record.json');
const printed = once(() => {
  expect(existsSync(PRINTED_RECORD)).toBe(false);
  return runBuilt(FALLBACK_CLI, { FALLBACK_RECORD: PRINTED_RECORD });
});
/** The CLI's messages other than the line saying where it recorded the printout. */
const notes = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l && !l.startsWith('Recorded for npm run preflight'))
    .join('\n');

const metrics = async (line: TestApp) => (await line.app.inject({ method: 'GET', url: '/metrics' })).body;

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
  // A webhook that breaks, to see what an internal error answers (added before the app is ready).
  t.app.post('/voice/broken', async () => {
    throw new Error('broken on purpose');
  });
});
afterAll(async () => {
  await t.app.close();
  rmSync(recordDir, { recursive: true, force: true });
});

describe('the fallback document', () => {
  it('npm run fallback prints exactly what POST /voice/fallback serves, and both are valid TwiML', async () => {
    const cli = printed();
    expect(cli.status).toBe(0);
    const res = await post(
      t.app,
      '/voice/fallback',
      callParams({ ErrorCode: '11200', ErrorUrl: 'https://ivr.example.be/voice' }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(cli.stdout).toBe(res.body + '\n');
    assertValidTwiml(cli.stdout.trimEnd());
    assertValidTwiml(res.body);
    expect(res.body).toBe(fallbackTwiml(testConfig(), t.app.helpline.clock()));
  });

  it('is answered even when the signature does not verify (a wrong PUBLIC_BASE_URL or token), logged and counted', async () => {
    const line = await makeApp({ publicBaseUrl: 'https://wrong.example.be' });
    try {
      const unsigned = async () => Number(/^helpline_fallback_unsigned_total (\d+)$/m.exec(await metrics(line))![1]);
      const params = callParams({ ErrorCode: '11200' });
      // Signed for the URL Twilio called, which is not the PUBLIC_BASE_URL the line was given.
      const wrongBase = await post(line.app, '/voice/fallback', params);
      const noSignature = await line.app.inject({
        method: 'POST',
        url: '/voice/fallback',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(params).toString(),
      });
      for (const res of [wrongBase, noSignature]) {
        expect(res.statusCode).toBe(200);
        expect(res.body).toBe(fallbackTwiml(testConfig(), line.app.helpline.clock()));
      }
      expect(await unsigned()).toBe(2);
      // Logged in summary: the first at once, the second in the window's line (written at close).
      const logged = () => line.logs.filter((l) => l.includes('"signature":"invalid"'));
      expect(logged()).toHaveLength(1);
      for (const l of logged()) {
        expect(l).toContain('"event":"fallback"');
        for (const n of CALLER_NUMBERS) expect(l).not.toContain(n);
      }
      // A forged flood on the public URL: every request answered and counted, a line or two logged.
      const flood = await Promise.all(
        Array.from({ length: 500 }, () =>
          line.app.inject({
            method: 'POST',
            url: '/voice/fallback',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: new URLSearchParams(params).toString(),
          }),
        ),
      );
      expect(flood.every((r) => r.statusCode === 200)).toBe(true);
      expect(await unsigned()).toBe(502);
      expect(logged()).toHaveLength(1);
      // Signed for the line's own base URL: counted as a fallback, not as unsigned.
      expect((await post(line.app, '/voice/fallback', params, { base: 'https://wrong.example.be' })).statusCode).toBe(
        200,
      );
      expect(await unsigned()).toBe(502);
      // The other webhooks still refuse what does not verify.
      expect((await post(line.app, '/voice', callParams())).statusCode).toBe(403);
    } finally {
      await line.app.close();
    }
  });

  it('is what an internal error answers, with 200 and no stack trace', async () => {
    const res = await post(t.app, '/voice/broken', callParams());
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(t.app.helpline.safeTwiml);
    expect(res.body).toBe(fallbackTwiml(testConfig(), t.app.helpline.clock()));
    expect(res.body).not.toMatch(/broken on purpose|\bat \/|Error/);
    expect(t.logs.some((l) => l.includes('"event":"internal-error"'))).toBe(true);
  });

  it('says the emergency numbers in every language of the greeting, then puts the caller through to a confirmed 24/7 service', () => {
    const config = testConfig();
    const codes = config.flow.greeting.map((id) => config.flow.languages.find((l) => l.id === id)!.code);
    expect(codes).toHaveLength(3);
    const root = assertValidTwiml(fallbackTwiml(config, new Date()));
    // Each language once before the transfer and once after, in the greeting's order, each in its own voice.
    expect(languagesSaid(root)).toEqual([...codes, ...codes]);
    const says = all(root, 'Say');
    for (const s of says)
      expect(s.attrs.voice).toBe(config.flow.languages.find((l) => l.code === s.attrs.language)!.voice);
    for (const s of says) {
      expect(s.text).toMatch(/112/);
      expect(s.text).toMatch(/101/);
    }
    // Before the transfer: the technical problem too, from each language's prompts.
    for (const [i, id] of config.flow.greeting.entries())
      expect(says[i]!.text).toContain(config.prompts[id]!.prompts.error);
    const dials = all(root, 'Dial');
    expect(dials).toHaveLength(1);
    const dialled = dials[0]!.children[0]!.text;
    const service = Object.values(config.services).find((s) => s.dial === dialled)!;
    // A service of the safety net's groups, dialled (not said), open 24/7 with hours confirmed.
    const netGroups = config.flow.safetyNet.map((t) => (t.type === 'group' ? t.group : undefined));
    expect(netGroups.some((g) => g !== undefined && config.flow.groups[g]!.order.includes(service.id))).toBe(true);
    expect(service.connect).toBe('transfer');
    expect(service.hours.alwaysOpen(new Date())).toBe(true);
    expect(service.hoursSource === 'document' || service.verified !== undefined).toBe(true);
    // The emergency numbers come first, the transfer next, and again after it; then the end.
    const say = codes.map(() => 'Say');
    expect(root.children.map((c) => c.name)).toEqual([...say, 'Dial', ...say, 'Hangup']);
  });

  it('is static: no action, no Redirect, no recording of the server, even when recordings exist', () => {
    const f = fixture();
    try {
      mkdirSync(join(f.prompts, 'audio', 'fr'), { recursive: true });
      writeFileSync(join(f.prompts, 'audio', 'fr', 'error.wav'), TINY_WAV);
      writeFileSync(join(f.prompts, 'audio', 'fr', 'emergency.wav'), TINY_WAV);
      const config = testConfig(f);
      expect(config.prompts.fr!.audio.has('error')).toBe(true);
      const xml = fallbackTwiml(config, new Date());
      expect(xml).not.toMatch(/<Play|<Redirect|<Gather|action=|https?:/);
      const cli = runNode(FALLBACK_CLI, {
        HELPLINE_CONFIG: f.directory,
        HELPLINE_MENUS: f.menus,
        HELPLINE_PROMPTS: f.prompts,
      });
      expect(cli.stdout).toBe(xml + '\n');
      const fromEnv = runNode(FALLBACK_CLI, { HOTLINE_NUMBER: '+3225550111' });
      expect(notes(fromEnv.stderr)).toBe('');
      expect(assertValidTwiml(fromEnv.stdout.trimEnd()).children.find((c) => c.name === 'Dial')!.attrs.callerId).toBe(
        '+3225550111',
      );
    } finally {
      f.remove();
    }
  });

  it("shows the helpline's number to the service when the directory has it, and says so when it does not", () => {
    const without = printed();
    expect(without.stderr).toMatch(/HOTLINE_NUMBER .* is not set/);
    expect(
      assertValidTwiml(without.stdout.trimEnd()).children.find((c) => c.name === 'Dial')!.attrs.callerId,
    ).toBeUndefined();

    const f = dataFixture({ directory: (d) => (d.settings = { ...d.settings, hotline_number: '+3225550100' }) });
    try {
      const withNumber = runNode(FALLBACK_CLI, { HELPLINE_CONFIG: f.directory });
      expect(withNumber.status).toBe(0);
      expect(notes(withNumber.stderr)).toBe('');
      expect(
        assertValidTwiml(withNumber.stdout.trimEnd()).children.find((c) => c.name === 'Dial')!.attrs.callerId,
      ).toBe('+3225550100');
    } finally {
      f.remove();
    }
  });

  it('records a digest of what it printed for npm run preflight, and still prints when it cannot record', () => {
    const r = printed(); // its record file did not exist before it ran
    expect(r.status).toBe(0);
    const record = JSON.parse(readFileSync(PRINTED_RECORD, 'utf8')) as { sha256: string; printedAt: string };
    expect(record.sha256).toBe(createHash('sha256').update(r.stdout.slice(0, -1)).digest('hex'));
    expect(Date.parse(record.printedAt)).not.toBeNaN();
    // The record holds no number: neither a service's nor the helpline's.
    expect(readFileSync(PRINTED_RECORD, 'utf8')).not.toMatch(/\+\d{6,}|<Number|\b1712\b/);
    expect(r.stderr).toMatch(/Recorded for npm run preflight/);

    // A file where the record's folder should be: the document is printed all the same.
    const blocked = join(recordDir, 'not-a-folder');
    writeFileSync(blocked, '');
    const unwritable = runBuilt(FALLBACK_CLI, { FALLBACK_RECORD: join(blocked, 'record.json') });
    expect(unwritable.status).toBe(0);
    expect(unwritable.stdout).toBe(r.stdout);
    expect(unwritable.stderr).toMatch(/could not record .*FALLBACK_RECORD/);
  });

  it('refuses to print a document from broken data, and lists the problems', () => {
    const f = dataFixture({ directory: (d) => (d.services.surya!.dial = '04 232 40 30') });
    try {
      rmSync(RECORD, { force: true });
      const r = runNode(FALLBACK_CLI, { HELPLINE_CONFIG: f.directory });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(existsSync(RECORD)).toBe(false);
      expect(r.stderr).toMatch(/services\.surya\.dial: "04 232 40 30" is not an E\.164 number/);
    } finally {
      f.remove();
    }
  });
});
