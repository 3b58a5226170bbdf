/**
 * npm run preflight: what stands between the data and a launch. The checks are driven with
 * fixed clocks and copies of the data; --call and --twilio run against a stand-in for Twilio's
 * REST API on 127.0.0.1 (PREFLIGHT_TWILIO_API), never a real call.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fallbackCli } from '../src/cli/fallback.js';
import { isTwimlBin, startsWithBase } from '../src/cli/number-check.js';
import { preflightCli, type Report } from '../src/cli/preflight.js';
import { loadConfig } from '../src/config/load.js';
import { ROOT } from '../src/config/paths.js';
import { neverVerifiedWarning, unverifiedServices } from '../src/time/verification.js';
import { childEnv, runNode } from './helpers/built.js';
import { change, dataFixture, type DirectoryDoc, type Fixture } from './helpers/fixtures.js';
import { all, assertValidTwiml, HOTLINE, languagesSaid } from './helpers/twilio.js';

const PREFLIGHT_CLI = join(ROOT, 'dist', 'cli', 'preflight.js');
const SHIPPED = loadConfig();
if (!SHIPPED.ok) throw new Error('the shipped data does not load');
const SERVICE_IDS = Object.keys(SHIPPED.config.services);

const NOW = new Date('2026-12-01T10:00:00Z');
const ACCOUNT = 'AC' + '0123456789abcdef'.repeat(2);
const TOKEN = 'preflight-test-token';
const BASE = 'https://ivr.example.be';
const BIN = 'https://handler.twilio.com/twiml/EH' + 'fedcba9876543210'.repeat(2);

const tmp = mkdtempSync(join(tmpdir(), 'helpline-preflight-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let fixtures: Fixture[] = [];
afterEach(() => {
  for (const f of fixtures) f.remove();
  fixtures = [];
});

/** A copy of the data with every service verified on `date`, and other changes, made as data. */
function data(date: string | undefined, edit: (directory: DirectoryDoc) => void = () => {}): Fixture {
  const f = dataFixture({
    directory: (d) => {
      if (date) for (const s of Object.values(d.services)) s.verified = date;
      edit(d);
    },
  });
  fixtures.push(f);
  return f;
}

/** The environment of a line ready for launch, on the data `f`. */
function launchEnv(f: Fixture, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    HELPLINE_CONFIG: f.directory,
    HELPLINE_MENUS: f.menus,
    HELPLINE_PROMPTS: f.prompts,
    TWILIO_AUTH_TOKEN: TOKEN,
    PUBLIC_BASE_URL: BASE,
    HOTLINE_NUMBER: HOTLINE,
    FALLBACK_RECORD: join(f.dir, 'record.json'),
    ...extra,
  };
}

async function run(argv: string[], env: NodeJS.ProcessEnv, now = NOW) {
  let out = '';
  let err = '';
  const io = { out: (t: string) => (out += t), err: (t: string) => (err += t) };
  let status: number;
  try {
    status = await preflightCli(argv, io, { env, now, sleep: async () => undefined });
  } catch (e) {
    // As runMain does: a UsageError is a message and its exit code.
    const u = e as { message: string; exitCode?: number };
    if (u.exitCode === undefined) throw e;
    err += u.message;
    status = u.exitCode;
  }
  return { status, out, err };
}

async function report(env: NodeJS.ProcessEnv, now = NOW): Promise<{ status: number; report: Report }> {
  const r = await run(['--json'], env, now);
  return { status: r.status, report: JSON.parse(r.out) as Report };
}

async function recordFallback(env: NodeJS.ProcessEnv): Promise<void> {
  expect(await fallbackCli({ out: () => undefined, err: () => undefined }, env, NOW)).toBe(0);
}

describe('npm run preflight on the shipped data', () => {
  it('names every service as never verified, lists the missing environment and the unprinted fallback, and exits 1', () => {
    const r = runNode(PREFLIGHT_CLI, { FALLBACK_RECORD: join(tmp, 'never-written.json'), HOTLINE_NUMBER: '' });
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    const blocking = lines.slice(
      lines.indexOf(`Blocking (${SERVICE_IDS.length + 4}):`) + 1,
      lines.findIndex((l) => l.startsWith('To check')),
    );
    for (const id of SERVICE_IDS)
      expect(blocking.filter((l) => l.startsWith(`  ${id}: never verified`))).toHaveLength(1);
    for (const name of ['TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL', 'HOTLINE_NUMBER'])
      expect(blocking.some((l) => l.startsWith(`  environment: ${name} is not set`))).toBe(true);
    expect(blocking.some((l) => l.startsWith('  fallback: the fallback document was never printed'))).toBe(true);
    // Each unverified service's line carries the directory's check text.
    expect(blocking.find((l) => l.startsWith('  care-liege:'))).toContain(
      SHIPPED.config.services['care-liege']!.check!.replace(/\s+/g, ' ').slice(0, 40),
    );
    expect(lines.filter(Boolean).at(-1)).toMatch(/^Not ready: \d+ blocking, 1 to check\.$/);
  });

  it('says which hours are unconfirmed, and does not ask to test-call a number the line only says', async () => {
    const { report: r } = await report({ FALLBACK_RECORD: join(tmp, 'none.json') });
    const never = r.blocking.filter((f) => f.kind === 'never-verified');
    expect(never.map((f) => f.service)).toEqual(SERVICE_IDS);
    const secondary = never.filter((f) => /hours_source: secondary/.test(f.message)).map((f) => f.service);
    expect(secondary).toEqual(SERVICE_IDS.filter((id) => SHIPPED.config.services[id]!.hoursSource === 'secondary'));
    expect(secondary.length).toBeGreaterThan(0);
    const police = never.find((f) => f.service === 'police')!;
    expect(SHIPPED.config.services.police!.connect).toBe('say');
    expect(police.message).not.toMatch(/--call|test-call/);
  });
});

describe('npm run preflight when everything is done', () => {
  it('exits 0 with every service verified recently, the environment set and the fallback recorded', async () => {
    const f = data('2026-11-30');
    const env = launchEnv(f);
    await recordFallback(env);
    const r = await run([], env);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^Blocking \(0\):\n {2}none$/m);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('Ready: nothing blocks; 1 to check.');
    const { report: json } = await report(env);
    expect(json.ready).toBe(true);
    // The short number is still worth a test call: reported, but it does not block.
    expect(json.toCheck.map((x) => [x.kind, x.service])).toEqual([['short-number', 'violence-line']]);
  });

  it('blocks again when the data changes after the fallback was printed', async () => {
    const f = data('2026-11-30');
    const env = launchEnv(f);
    await recordFallback(env);
    change(f, 'directory', (d) => (d.services.surya!.dial = '+3242324031'));
    const { status, report: r } = await report(env);
    expect(status).toBe(1);
    expect(r.blocking.map((x) => x.kind)).toEqual(['fallback-outdated']);
    // The helpline's number is in the document (the transfer's caller ID): changing it counts too.
    const g = data('2026-11-30');
    await recordFallback(launchEnv(g));
    expect((await report(launchEnv(g, { HOTLINE_NUMBER: '+3225550111' }))).report.blocking.map((x) => x.kind)).toEqual([
      'fallback-outdated',
    ]);
  });

  it('reports each missing variable; HOTLINE_NUMBER may come from the directory; TRUST_PROXY turns PUBLIC_BASE_URL into a check', async () => {
    const f = data('2026-11-30');
    await recordFallback(launchEnv(f));
    for (const name of ['TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL', 'HOTLINE_NUMBER']) {
      const { status, report: r } = await report(launchEnv(f, { [name]: '' }));
      expect(status).toBe(1);
      expect(r.blocking.filter((x) => x.kind === 'env-missing').map((x) => x.message.split(' ')[0])).toEqual([name]);
    }
    const g = data('2026-11-30', (d) => (d.settings = { ...d.settings, hotline_number: HOTLINE }));
    await recordFallback(launchEnv(g, { HOTLINE_NUMBER: undefined }));
    expect((await report(launchEnv(g, { HOTLINE_NUMBER: undefined }))).status).toBe(0);
    const proxied = await report(launchEnv(f, { PUBLIC_BASE_URL: undefined, TRUST_PROXY: 'true' }));
    expect(proxied.status).toBe(0);
    expect(proxied.report.toCheck.map((x) => x.kind)).toContain('env-missing');
  });
});

describe('verification dates', () => {
  it('reports a verification older than settings.verify_max_age_days, counted in Belgian days', async () => {
    const f = data('2026-11-30', (d) => {
      d.services.surya!.verified = '2025-12-01';
      d.services.payoke!.verified = '2025-11-30';
    });
    const env = launchEnv(f);
    await recordFallback(env);
    const { status, report: r } = await report(env);
    expect(status).toBe(1);
    // 2025-12-01 is 365 days before 2026-12-01 (the default maximum); 2025-11-30 is 366.
    expect(r.blocking.map((x) => [x.kind, x.service])).toEqual([['verification-too-old', 'payoke']]);
    expect(r.blocking[0]!.message).toMatch(
      /verified on 2025-11-30, 366 days ago \(settings\.verify_max_age_days: 365\)/,
    );
    expect(r.blocking[0]!.check).toBe(SHIPPED.config.services.payoke!.check);
    // 23:30 UTC on 30 November is already 1 December in Brussels.
    expect((await report(env, new Date('2026-11-30T23:30:00Z'))).report.blocking.map((x) => x.service)).toEqual([
      'payoke',
    ]);
    expect((await report(env, new Date('2026-11-30T22:30:00Z'))).report.blocking).toEqual([]);

    change(f, 'directory', (d) => (d.settings = { ...d.settings, verify_max_age_days: 400 }));
    expect((await report(env)).status).toBe(0);
  });

  it('refuses a date that does not exist or is in the future, naming the file and the path', () => {
    for (const [date, problem] of [
      ['2026-02-30', /services\.surya\.verified: "2026-02-30" is not a date that exists/],
      ['30/11/2026', /services\.surya\.verified: "30\/11\/2026" is not a date that exists/],
      ['2026-12-02', /services\.surya\.verified: "2026-12-02" is in the future \(today is 2026-12-01\)/],
    ] as const) {
      const f = data(undefined, (d) => (d.services.surya!.verified = date));
      const r = loadConfig({ directory: f.directory }, NOW);
      expect(r.ok).toBe(false);
      expect(r.ok ? [] : r.errors.filter((e) => e.startsWith(`${f.directory}: `) && problem.test(e))).toHaveLength(1);
    }
    const number = data(undefined, (d) => (d.services.surya!.verified = 20261130 as unknown as string));
    expect(loadConfig({ directory: number.directory }, NOW).ok).toBe(false);
  });

  it('reads the new fields with their defaults, and a note without a date is a warning', () => {
    const f = data(undefined, (d) => {
      d.services.surya!.verified = '2026-11-30';
      d.services.surya!.verified_note = 'answered at 23:10 on a Sunday';
      d.services['care-brussels']!.verified_note = 'no date';
    });
    const r = loadConfig({ directory: f.directory }, NOW);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const { services, settings } = r.config;
    expect(services.surya!.verified).toEqual({ date: '2026-11-30', note: 'answered at 23:10 on a Sunday' });
    expect(services.surya!.hoursSource).toBe('document');
    expect(services.surya!.connect).toBe('transfer');
    expect(services['care-brussels']!.verified).toBeUndefined();
    expect(r.warnings.filter((w) => w.includes('services.care-brussels.verified_note'))).toHaveLength(1);
    expect(settings.verifyMaxAgeDays).toBe(365);
    // The loader warns about short numbers it transfers to, not about one it only says.
    expect(
      SHIPPED.warnings.filter((w) => /is a short number/.test(w)).map((w) => /services\.([\w-]+)\.dial/.exec(w)![1]),
    ).toEqual(['violence-line']);
  });

  it("gives the server's warning with service ids only, no number", () => {
    const warning = neverVerifiedWarning(SHIPPED.config, NOW)!;
    for (const id of SERVICE_IDS) expect(warning).toContain(id);
    expect(warning).not.toMatch(/\d{3}/);
    expect(unverifiedServices(SHIPPED.config, NOW).map((u) => u.state.status)).toEqual(SERVICE_IDS.map(() => 'never'));
    const f = data('2026-11-30');
    const r = loadConfig({ directory: f.directory }, NOW);
    expect(r.ok && neverVerifiedWarning(r.config, NOW)).toBeUndefined();
  });
});

describe('short numbers', () => {
  it('reports a transfer to a short number, not a short number the line only says', async () => {
    const f = data('2026-11-30', (d) => (d.services.police!.connect = 'transfer'));
    const env = launchEnv(f);
    await recordFallback(env);
    const { status, report: r } = await report(env);
    expect(status).toBe(0);
    expect(r.toCheck.filter((x) => x.kind === 'short-number').map((x) => x.service)).toEqual([
      'police',
      'violence-line',
    ]);
    expect(r.toCheck.find((x) => x.service === 'police')!.message).toMatch(/short number 101.*--call police/);
  });
});

// --- a stand-in for Twilio's REST API -------------------------------------------------------

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  authorization: string | undefined;
}

interface StandIn {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

/** Answers like Twilio's Calls and IncomingPhoneNumbers resources, from `answer`. */
async function standIn(answer: (r: Received) => { status: number; body: unknown }): Promise<StandIn> {
  const requests: Received[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req
        .setEncoding('utf8')
        .on('data', (d: string) => (body += d))
        .on('end', () => resolve(body));
    });
  const server: Server = createServer((req, res) => {
    void read(req).then((body) => {
      const u = new URL(req.url!, 'http://127.0.0.1');
      const r: Received = {
        method: req.method!,
        path: u.pathname,
        query: u.searchParams,
        form: new URLSearchParams(body),
        authorization: req.headers.authorization,
      };
      requests.push(r);
      const a = answer(r);
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const CALLS = `/2010-04-01/Accounts/${ACCOUNT}/Calls.json`;
const CALL_SID = 'CA' + '1'.repeat(32);

/** A call that goes through `statuses`: the first when created, one more per status request. */
function callsResource(statuses: string[], duration = '14') {
  let i = 0;
  return (r: Received) => {
    const call = (status: string) => ({
      sid: CALL_SID,
      account_sid: ACCOUNT,
      to: r.form.get('To'),
      from: r.form.get('From'),
      status,
      direction: 'outbound-api',
      duration: status === 'completed' ? duration : null,
    });
    if (r.method === 'POST' && r.path === CALLS) return { status: 201, body: call(statuses[0]!) };
    if (r.method === 'GET' && r.path === `/2010-04-01/Accounts/${ACCOUNT}/Calls/${CALL_SID}.json`)
      return { status: 200, body: call(statuses[Math.min(++i, statuses.length - 1)]!) };
    return { status: 404, body: { code: 20404, message: 'not found', status: 404 } };
  };
}

function apiEnv(f: Fixture, api: StandIn, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return launchEnv(f, { TWILIO_ACCOUNT_SID: ACCOUNT, PREFLIGHT_TWILIO_API: api.url, ...extra });
}

/** The phone-number-like strings of a text (ids such as CA... and dates do not count). */
function numbersIn(text: string): string[] {
  return [...text.matchAll(/(?<!\w)\+?\d[\d\s]{5,}\d/g)].map((m) => m[0]);
}

describe('npm run preflight -- --call SERVICE', () => {
  it("places one call from the helpline's number to the service, with a short spoken test message, and reports completed", async () => {
    const api = await standIn(callsResource(['queued', 'ringing', 'in-progress', 'completed']));
    try {
      const f = data(undefined);
      const r = await run(['--call', 'surya'], apiEnv(f, api));
      expect(r.status).toBe(0);
      const creates = api.requests.filter((q) => q.method === 'POST');
      expect(creates).toHaveLength(1);
      const c = creates[0]!;
      expect(c.path).toBe(CALLS);
      expect(c.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`);
      expect(c.form.get('To')).toBe('+3242324030');
      expect(c.form.get('From')).toBe(HOTLINE);
      expect(c.form.get('Timeout')).toBe(String(SHIPPED.config.services.surya!.dialTimeout));
      expect(Number(c.form.get('TimeLimit'))).toBeLessThanOrEqual(60);
      expect(c.form.get('Url')).toBeNull();
      const twiml = assertValidTwiml(c.form.get('Twiml')!);
      // One <Say> per language of the greeting, in its voice; then the whisper the service's
      // staff will hear before each call, in its staff language; then hang up.
      const greeting = SHIPPED.config.flow.greeting;
      const staff = SHIPPED.config.services.surya!.staffLanguage;
      expect(twiml.children.map((n) => n.name)).toEqual([...greeting.map(() => 'Say'), 'Say', 'Hangup']);
      expect(languagesSaid(twiml)).toEqual([...greeting, staff].map((l) => SHIPPED.config.prompts[l]!.language));
      expect(all(twiml, 'Say').map((s) => s.attrs.voice)).toEqual(
        [...greeting, staff].map((l) => SHIPPED.config.prompts[l]!.voice),
      );
      expect(
        all(twiml, 'Say')
          .map((s) => s.text)
          .slice(0, greeting.length),
      ).toEqual(greeting.map((l) => SHIPPED.config.prompts[l]!.prompts['test-call']));
      const whisper = all(twiml, 'Say').at(-1)!.text;
      expect(whisper.startsWith(SHIPPED.config.prompts[staff]!.prompts['test-call-whisper']!)).toBe(true);
      expect(whisper).toContain(SHIPPED.config.prompts[staff]!.prompts['helpline-name']);
      // No caller data and nothing to dial in the message.
      expect(numbersIn(c.form.get('Twiml')!)).toEqual([]);
      expect(api.requests.filter((q) => q.method === 'GET')).toHaveLength(3);
      expect(r.out).toMatch(/^ {2}queued \(CA1+\)$/m);
      expect(r.out).toMatch(/^Completed: surya answered \(14 s\)\. .*verified: "2026-12-01"/m);
      expect(numbersIn(r.out + r.err)).toEqual(['+3242324030']);
    } finally {
      await api.close();
    }
  });

  it('exits 1 and says how the call ended when it is not completed', async () => {
    for (const outcome of ['busy', 'no-answer', 'failed', 'canceled']) {
      const api = await standIn(callsResource(['queued', 'ringing', outcome]));
      try {
        const r = await run(['--call', 'care-ghent', '--json'], apiEnv(data(undefined), api));
        expect(r.status).toBe(1);
        const json = JSON.parse(r.out) as { ok: boolean; status: string; statuses: string[]; service: string };
        expect(json).toMatchObject({
          ok: false,
          status: outcome,
          service: 'care-ghent',
          statuses: ['queued', 'ringing', outcome],
        });
      } finally {
        await api.close();
      }
    }
  });

  it('refuses a service the line only says, an unknown service, and missing credentials, without asking Twilio', async () => {
    const api = await standIn(callsResource(['queued', 'completed']));
    try {
      const f = data(undefined);
      const police = await run(['--call', 'police'], apiEnv(f, api));
      expect(police.status).toBe(2);
      expect(police.err).toMatch(/police has connect: say/);
      expect((await run(['--call', 'nobody'], apiEnv(f, api))).err).toMatch(/unknown service "nobody"/);
      const noSid = await run(['--call', 'surya'], apiEnv(f, api, { TWILIO_ACCOUNT_SID: undefined }));
      expect([noSid.status, noSid.err]).toEqual([2, expect.stringMatching(/TWILIO_ACCOUNT_SID not set/)]);
      const noFrom = await run(['--call', 'surya'], apiEnv(f, api, { HOTLINE_NUMBER: undefined }));
      expect([noFrom.status, noFrom.err]).toEqual([2, expect.stringMatching(/HOTLINE_NUMBER/)]);
      // The auth token never goes to another machine over plain HTTP.
      const clear = await run(['--call', 'surya'], apiEnv(f, api, { PREFLIGHT_TWILIO_API: 'http://api.example.be' }));
      expect([clear.status, clear.err]).toEqual([2, expect.stringMatching(/PREFLIGHT_TWILIO_API/)]);
      expect(api.requests).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it("reports Twilio's refusal (here: a bad token) and exits 1", async () => {
    const api = await standIn(() => ({
      status: 401,
      body: {
        code: 20003,
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      },
    }));
    try {
      const r = await run(['--call', 'surya'], apiEnv(data(undefined), api));
      expect(r.status).toBe(1);
      expect(r.err).toMatch(/HTTP 401, error 20003.*check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN/);
    } finally {
      await api.close();
    }
  });

  it('runs as `npm run preflight` runs it (plain Node, the built file)', async () => {
    const api = await standIn(callsResource(['queued', 'completed']));
    try {
      const f = data(undefined);
      const child = spawn(process.execPath, [PREFLIGHT_CLI, '--call', 'surya'], {
        cwd: ROOT,
        env: childEnv(apiEnv(f, api) as Record<string, string>),
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      expect(out).toMatch(/^Completed: surya answered/m);
      expect(api.requests.filter((q) => q.method === 'POST').map((q) => q.form.get('To'))).toEqual(['+3242324030']);
    } finally {
      await api.close();
    }
  });
});

describe('npm run preflight -- --twilio', () => {
  const number = (over: Record<string, unknown> = {}) => ({
    sid: 'PN' + '2'.repeat(32),
    phone_number: HOTLINE,
    voice_url: `${BASE}/voice`,
    voice_method: 'POST',
    voice_fallback_url: BIN,
    voice_fallback_method: 'POST',
    voice_application_sid: null,
    trunk_sid: null,
    status_callback: '',
    ...over,
  });
  const numbers = (list: unknown[]) => (r: Received) =>
    r.method === 'GET' && r.path === `/2010-04-01/Accounts/${ACCOUNT}/IncomingPhoneNumbers.json`
      ? {
          status: 200,
          body: { incoming_phone_numbers: list, next_page_uri: null, page: 0, page_size: 20, uri: r.path },
        }
      : { status: 404, body: { code: 20404, message: 'not found', status: 404 } };

  it("looks the helpline's number up and accepts this deployment's voice URL and a TwiML Bin as fallback", async () => {
    const api = await standIn(numbers([number()]));
    try {
      const r = await run(['--twilio'], apiEnv(data(undefined), api));
      expect(r.status).toBe(0);
      expect(api.requests).toHaveLength(1);
      expect(api.requests[0]!.query.get('PhoneNumber')).toBe(HOTLINE);
      expect(r.out.split('\n').filter((l) => l.startsWith('  ok '))).toHaveLength(4);
      expect(r.out).not.toContain(HOTLINE);
      expect(numbersIn(r.out)).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('exits 1, saying what to fix, when the URLs point elsewhere or the number is missing', async () => {
    const cases: Array<[unknown[], RegExp]> = [
      [
        [number({ voice_url: 'https://old.example.be/voice' })],
        /NOT voice URL https:\/\/old\.example\.be\/voice: not this deployment \(it does not start with PUBLIC_BASE_URL https:\/\/ivr\.example\.be: .*\); set it to https:\/\/ivr\.example\.be\/voice/,
      ],
      [
        [number({ voice_fallback_url: 'https://old.example.be/voice/fallback' })],
        /NOT fallback URL https:\/\/old\.example\.be\/voice\/fallback is not a TwiML Bin .* and does not start with PUBLIC_BASE_URL https:\/\/ivr\.example\.be/,
      ],
      [[number({ voice_method: 'GET' })], /NOT voice URL .* is requested with GET/],
      [[number({ voice_application_sid: 'AP' + '3'.repeat(32) })], /NOT calls go to the TwiML App AP3+/],
      [[number({ voice_fallback_url: `${BASE}/voice/fallback` })], /NOT fallback URL .* is served by this deployment/],
      [
        [number({ voice_fallback_url: 'https://static.example.be/fallback.xml' })],
        /NOT fallback URL .* is not a TwiML Bin/,
      ],
      [[number({ voice_fallback_url: '' })], /NOT no fallback URL/],
      [[], /NOT the helpline's number \(HOTLINE_NUMBER\) is not a number of this Twilio account/],
    ];
    for (const [list, problem] of cases) {
      const api = await standIn(numbers(list));
      try {
        const r = await run(['--twilio'], apiEnv(data(undefined), api));
        expect(r.status).toBe(1);
        expect(r.out).toMatch(problem);
        expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^Twilio: 1 problem\(s\)/);
      } finally {
        await api.close();
      }
    }
  });

  it("warns, without blocking, about a status callback: elsewhere it receives callers' numbers; under PUBLIC_BASE_URL nothing answers it", async () => {
    const cases: Array<[string, RegExp]> = [
      [
        'https://old.example.be/status',
        /^ {2}WARN status callback https:\/\/old\.example\.be\/status: it does not start with PUBLIC_BASE_URL https:\/\/ivr\.example\.be/m,
      ],
      [
        `${BASE}/voice/status`,
        /^ {2}WARN status callback https:\/\/ivr\.example\.be\/voice\/status: the line serves no status callback/m,
      ],
    ];
    for (const [url, warning] of cases) {
      const api = await standIn(numbers([number({ status_callback: url })]));
      try {
        const r = await run(['--twilio'], apiEnv(data(undefined), api));
        expect(r.status).toBe(0);
        expect(r.out).toMatch(warning);
        expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/1 warning\(s\) above\.$/);
      } finally {
        await api.close();
      }
    }
  });

  it('compares URLs with PUBLIC_BASE_URL by scheme, host, port and path', () => {
    expect(startsWithBase('https://ivr.example.be/voice', 'https://ivr.example.be')).toBe(true);
    expect(startsWithBase('https://ivr.example.be/line/voice', 'https://ivr.example.be/line')).toBe(true);
    expect(startsWithBase('https://ivr.example.be/lines/voice', 'https://ivr.example.be/line')).toBe(false);
    expect(startsWithBase('http://ivr.example.be/voice', 'https://ivr.example.be')).toBe(false);
    expect(startsWithBase('https://ivr.example.be:8443/voice', 'https://ivr.example.be')).toBe(false);
    expect(startsWithBase('https://ivr.example.be.evil.example/voice', 'https://ivr.example.be')).toBe(false);
    expect(startsWithBase('not a url', 'https://ivr.example.be')).toBe(false);
  });

  it('knows a TwiML Bin from other URLs', () => {
    expect(isTwimlBin(BIN)).toBe(true);
    expect(isTwimlBin(BIN.replace('https:', 'http:'))).toBe(false);
    expect(isTwimlBin('https://handler.twilio.com/twiml/EHnot-a-sid')).toBe(false);
    expect(isTwimlBin('https://handler.twilio.com.example.be/twiml/EH' + '0'.repeat(32))).toBe(false);
  });
});

describe('options', () => {
  it('refuses --call with --twilio, and unknown options, with exit 2', async () => {
    const f = data(undefined);
    expect((await run(['--call', 'surya', '--twilio'], launchEnv(f))).status).toBe(2);
    expect((await run(['--verbose'], launchEnv(f))).status).toBe(2);
  });
});
