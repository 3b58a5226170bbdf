/**
 * npm run purge: against a stand-in for Twilio's Calls resource on 127.0.0.1 holding old,
 * recent, in-progress and other-number calls with their transfers, in pages. Deletes exactly
 * the old calls to the helpline and their transfers, retries a 429, counts a 20009 as a
 * failure left for the next run, and never prints a phone number.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OLDER_THAN, parseDuration, purgeCli } from '../src/cli/purge.js';
import { apiLocation, restClient } from '../src/cli/twilio-rest.js';
import { ROOT } from '../src/config/paths.js';
import { createLogger } from '../src/http/logging.js';
import { childEnv } from './helpers/built.js';
import { phoneLeaks } from './helpers/privacy.js';
import { CALLER, HOTLINE } from './helpers/twilio.js';
import { ACCOUNT, callsApi, sid, TOKEN, type CallRecord, type CallsApi, type Reply } from './helpers/twilio-api.js';

const PURGE_CLI = join(ROOT, 'dist', 'cli', 'purge.js');
const NOW = new Date('2026-12-01T10:00:00Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const SURYA = '+3242324030';
const CARE = '+3225354542';
const OTHER_NUMBER = '+3225550111';

/** A call to the helpline that ended `minutes` ago (undefined: still going), with transfers. */
function call(name: string, minutes: number | undefined, transfers: Array<[string, string]> = []): CallRecord[] {
  const end = minutes === undefined ? undefined : ago(minutes);
  const status = end ? 'completed' : 'in-progress';
  return [
    { sid: sid(name), to: HOTLINE, from: CALLER, status, endTime: end },
    ...transfers.map(([t, status]) => ({
      sid: sid(`${name}-${t}`),
      parentCallSid: sid(name),
      // caller_id: caller shows the caller's number to the service
      from: t === 'care' ? CALLER : HOTLINE,
      to: t === 'care' ? CARE : SURYA,
      status: end ? status : 'in-progress',
      endTime: end,
    })),
  ];
}

/** Seven old calls (four pages of two), a recent one, one in progress, one to another number
 * of the account, and the preflight's test call from the helpline's number. */
function records(): CallRecord[] {
  return [
    ...call('old1', 180, [
      ['surya', 'busy'],
      ['care', 'completed'],
    ]),
    ...call('old2', 120),
    ...call('old3', 26 * 60, [['surya', 'completed']]),
    ...call('old4', 61),
    ...call('old5', 600, [['care', 'no-answer']]),
    { sid: sid('old6'), to: HOTLINE, from: CALLER, status: 'canceled', endTime: ago(300) },
    { sid: sid('old7'), to: HOTLINE, from: 'anonymous', status: 'busy', endTime: ago(90) },
    ...call('recent', 10, [['surya', 'completed']]),
    ...call('live', undefined, [['surya', 'in-progress']]),
    { sid: sid('other'), to: OTHER_NUMBER, from: CALLER, status: 'completed', endTime: ago(300) },
    {
      sid: sid('other-t'),
      parentCallSid: sid('other'),
      to: SURYA,
      from: OTHER_NUMBER,
      status: 'completed',
      endTime: ago(300),
    },
    { sid: sid('test-call'), to: SURYA, from: HOTLINE, status: 'completed', endTime: ago(300) },
  ];
}

const OLD = ['old1', 'old2', 'old3', 'old4', 'old5', 'old6', 'old7'];
const OLD_TRANSFERS = ['old1-surya', 'old1-care', 'old3-surya', 'old5-care'];

function env(api: CallsApi, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    HOTLINE_NUMBER: HOTLINE,
    TWILIO_ACCOUNT_SID: ACCOUNT,
    TWILIO_AUTH_TOKEN: TOKEN,
    PREFLIGHT_TWILIO_API: api.url,
    ...extra,
  };
}

interface Run {
  status: number;
  out: string;
  err: string;
  log: string[];
  waits: number[];
}

async function run(argv: string[], api: CallsApi, extra: Parameters<typeof purgeCli>[2] = {}): Promise<Run> {
  let out = '';
  let err = '';
  const log: string[] = [];
  const waits: number[] = [];
  const stream = new Writable({
    write: (chunk, _e, cb) => {
      log.push(String(chunk));
      cb();
    },
  });
  let status: number;
  try {
    status = await purgeCli(
      argv,
      { out: (t) => (out += t), err: (t) => (err += t) },
      {
        env: env(api),
        now: () => NOW,
        sleep: async (ms) => void waits.push(ms),
        log: createLogger('debug', stream),
        ...extra,
      },
    );
  } catch (e) {
    const u = e as { message: string; exitCode?: number };
    if (u.exitCode === undefined) throw e;
    err += u.message;
    status = u.exitCode;
  }
  return { status, out, err, log, waits };
}

const sids = (names: string[]) => names.map(sid).sort();

describe('npm run purge', () => {
  it('deletes exactly the calls to the helpline that ended over an hour ago and their transfers, through a 429, and exits 0', async () => {
    // Twilio slows us down once on a page of the list and once on a deletion.
    const throttled = new Set<string>();
    const once = (what: string): Reply | undefined => {
      if (throttled.has(what)) return undefined;
      throttled.add(what);
      return {
        status: 429,
        body: { code: 20429, message: 'Too Many Requests', status: 429 },
        headers: { 'retry-after': '1' },
      };
    };
    const api = await callsApi(records(), {
      answer: (r) =>
        r.method === 'GET' && r.query.get('Page') === '2'
          ? once('page')
          : r.method === 'DELETE' && r.path.includes(sid('old2'))
            ? once('delete')
            : undefined,
    });
    try {
      const r = await run(['--older-than', '1h'], api);
      expect(r.status).toBe(0);
      expect([...api.deleted].sort()).toEqual(sids([...OLD, ...OLD_TRANSFERS]));
      // Every transfer's record goes before its call's.
      for (const t of OLD_TRANSFERS)
        expect(api.deleted.indexOf(sid(t))).toBeLessThan(api.deleted.indexOf(sid(t.split('-')[0]!)));
      expect(throttled.size).toBe(2);
      expect(r.waits).toEqual([1000, 1000]); // Retry-After: 1, honoured
      // The list was read in pages, filtered by the helpline's number; transfers by their parent.
      const lists = api.requests.filter((q) => q.method === 'GET');
      expect(lists.filter((q) => q.query.get('To') === HOTLINE).map((q) => q.query.get('Page') ?? '0')).toEqual([
        '0',
        '1',
        '2',
        '2',
        '3',
        '4',
      ]);
      expect(lists.every((q) => q.query.get('To') === HOTLINE || q.query.has('ParentCallSid'))).toBe(true);
      // Never asked to delete a call in progress, a recent call or another number's.
      const asked = api.requests.filter((q) => q.method === 'DELETE').map((q) => /(CA\w+)\.json$/.exec(q.path)![1]);
      for (const kept of ['recent', 'recent-surya', 'live', 'live-surya', 'other', 'other-t', 'test-call'])
        expect(asked).not.toContain(sid(kept));
      expect(r.out).toMatch(/deleted 7 call\(s\) and 4 transfer\(s\); 0 failed; left alone: 1 in progress, 1 ended/);

      // Idempotent: the next run finds nothing more to delete.
      const again = await run(['--older-than', '1h'], api);
      expect(again.status).toBe(0);
      expect(api.deleted).toHaveLength(OLD.length + OLD_TRANSFERS.length);
      expect(again.out).toMatch(/deleted 0 call\(s\) and 0 transfer\(s\)/);
    } finally {
      await api.close();
    }
  });

  it('keeps a call whose transfer Twilio refuses to delete (20009), exits 1, and the next run finishes it', async () => {
    let refuse = true;
    const api = await callsApi(records(), {
      answer: (r) =>
        refuse && r.method === 'DELETE' && r.path.includes(sid('old1-surya'))
          ? { status: 400, body: { code: 20009, message: 'Cannot delete a call in progress', status: 400 } }
          : undefined,
    });
    try {
      const first = await run(['--older-than', '1h'], api);
      expect(first.status).toBe(1);
      expect(api.calls.has(sid('old1-surya'))).toBe(true);
      expect(api.calls.has(sid('old1'))).toBe(true); // so that the next run finds its transfer again
      expect(api.calls.has(sid('old1-care'))).toBe(false);
      expect(first.out).toMatch(/; 1 failed;/);
      expect(first.log.some((l) => l.includes('"code":20009') && l.includes(sid('old1-surya')))).toBe(true);
      refuse = false;
      const second = await run(['--older-than', '1h'], api);
      expect(second.status).toBe(0);
      expect([...api.deleted].sort()).toEqual(sids([...OLD, ...OLD_TRANSFERS]));
    } finally {
      await api.close();
    }
  });

  it('counts a record already deleted as done, and retries a 5xx', async () => {
    let failures = 0;
    const api = await callsApi(records(), {
      answer: (r) => {
        if (r.method === 'DELETE' && r.path.includes(sid('old3-surya')))
          return { status: 404, body: { code: 20404, message: 'not found', status: 404 } };
        if (r.method === 'DELETE' && r.path.includes(sid('old4')) && failures++ < 2)
          return { status: 503, body: { code: 20503, message: 'Service unavailable', status: 503 } };
        return undefined;
      },
    });
    try {
      const r = await run([], api); // the default: 24 h
      expect(r.status).toBe(0);
      expect(DEFAULT_OLDER_THAN).toBe('24h');
      expect([...api.deleted].sort()).toEqual(sids(['old3'])); // only the call that ended 26 h ago
      expect(r.out).toMatch(/deleted 1 call\(s\) and 1 transfer\(s\) \(1 already gone\)/);
      const wider = await run(['--older-than', '2h'], api);
      expect(wider.status).toBe(0);
      expect([...api.deleted].sort()).toEqual(
        sids(['old3', 'old1', 'old1-surya', 'old1-care', 'old5', 'old5-care', 'old6']),
      );
      // PURGE_OLDER_THAN sets the default.
      const hour = await run([], api, { env: env(api, { PURGE_OLDER_THAN: '60m' }) });
      expect(hour.status).toBe(0);
      expect(hour.waits).toEqual([1000, 2000]); // two 503 without Retry-After: 1 s, then 2 s
      expect(api.calls.has(sid('old4'))).toBe(false);
    } finally {
      await api.close();
    }
  });

  it('--dry-run counts and deletes nothing', async () => {
    const api = await callsApi(records());
    try {
      const r = await run(['--older-than', '1h', '--dry-run'], api);
      expect(r.status).toBe(0);
      expect(api.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
      expect(r.out).toMatch(/would delete 7 call\(s\) and 4 transfer\(s\); left alone: 1 in progress, 1 ended/);
    } finally {
      await api.close();
    }
  });

  it('never prints or logs a phone number: call SIDs only, at debug level', async () => {
    const api = await callsApi(records());
    try {
      const r = await run(['--older-than', '1h'], api);
      expect(r.status).toBe(0);
      const lines = [...r.out.split('\n'), ...r.err.split('\n'), ...r.log];
      expect(phoneLeaks(lines)).toEqual([]);
      for (const n of [HOTLINE, CALLER, SURYA, CARE]) expect(lines.join('\n')).not.toContain(n.slice(1));
      const debug = r.log.map((l) => JSON.parse(l) as { level: number; callSid?: string });
      expect(debug.filter((l) => l.callSid).every((l) => l.level === 20)).toBe(true);
      expect(debug.filter((l) => l.callSid)).toHaveLength(OLD.length + OLD_TRANSFERS.length);
    } finally {
      await api.close();
    }
  });

  it('exits 1 when the list cannot be read, 2 on a bad option or a missing number or credentials', async () => {
    const api = await callsApi(records());
    try {
      const bad = await run([], api, { env: env(api, { TWILIO_AUTH_TOKEN: 'wrong' }) });
      expect(bad.status).toBe(1);
      expect(bad.err).toMatch(/HTTP 401, error 20003/);
      for (const argv of [
        ['--older-than', '30s'],
        ['--older-than', '0h'],
        ['--older-than', '10s'],
        ['--metrics-port', '9464'],
      ])
        expect((await run(argv, api)).status, argv.join(' ')).toBe(2);
      expect((await run([], api, { env: env(api, { HOTLINE_NUMBER: '' }) })).err).toMatch(/HOTLINE_NUMBER/);
      expect((await run([], api, { env: env(api, { TWILIO_ACCOUNT_SID: '' }) })).err).toMatch(/TWILIO_ACCOUNT_SID/);
      expect((await run([], api, { env: env(api, { TWILIO_REGION: 'ireland' }) })).err).toMatch(/TWILIO_REGION/);
      expect(api.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('--every keeps running, and serves its runs and failures on /metrics', async () => {
    const api = await callsApi(records());
    const stop = new AbortController();
    let url = '';
    const scraped: string[] = [];
    try {
      const r = await run(['--older-than', '1h', '--every', '1h', '--metrics-port', '0'], api, {
        env: env(api, { PURGE_METRICS_HOST: '127.0.0.1' }),
        signal: stop.signal,
        onMetrics: (u) => (url = u),
        sleep: async (ms) => {
          expect(ms).toBe(3_600_000);
          scraped.push(await (await fetch(url)).text());
          if (scraped.length === 2) stop.abort();
        },
      });
      expect(r.status).toBe(0);
      const value = (text: string, series: string) =>
        Number(
          text
            .split('\n')
            .find((l) => l.startsWith(`${series} `))
            ?.split(' ')[1],
        );
      expect(value(scraped[0]!, 'helpline_purge_runs_total{result="ok"}')).toBe(1);
      expect(value(scraped[1]!, 'helpline_purge_runs_total{result="ok"}')).toBe(2);
      expect(value(scraped[1]!, 'helpline_purge_runs_total{result="failed"}')).toBe(0);
      expect(value(scraped[1]!, 'helpline_purge_deleted_total{kind="call"}')).toBe(OLD.length);
      expect(value(scraped[1]!, 'helpline_purge_deleted_total{kind="transfer"}')).toBe(OLD_TRANSFERS.length);
      expect(value(scraped[1]!, 'helpline_purge_last_run_success')).toBe(1);
      expect(phoneLeaks(scraped)).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('runs as `npm run purge -- --older-than 1h` runs it (the built entry file), through a 429', async () => {
    let throttled = false;
    const api = await callsApi(records(), {
      answer: (r) => {
        if (r.method !== 'DELETE' || throttled) return undefined;
        throttled = true;
        return { status: 429, body: { code: 20429, status: 429 }, headers: { 'retry-after': '1' } };
      },
    });
    try {
      // The real clock: the records' times are moved to now.
      const shift = Date.now() - NOW.getTime();
      for (const c of api.calls.values()) if (c.endTime) c.endTime = new Date(c.endTime.getTime() + shift);
      const child = spawn(process.execPath, [PURGE_CLI, '--older-than', '1h'], {
        cwd: ROOT,
        env: childEnv({ ...(env(api) as Record<string, string>), LOG_LEVEL: 'debug' }),
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, err).toBe(0);
      expect(throttled).toBe(true);
      expect([...api.deleted].sort()).toEqual(sids([...OLD, ...OLD_TRANSFERS]));
      expect(phoneLeaks([...out.split('\n'), ...err.split('\n')])).toEqual([]);
      expect(err).toContain(sid('old1')); // debug lines name SIDs
    } finally {
      await api.close();
    }
  });
});

describe("Twilio's region", () => {
  it('sends the REST requests to IE1 through the Dublin edge with TWILIO_REGION=ie1', () => {
    const base = { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: TOKEN };
    const ie1 = restClient({ ...base, TWILIO_REGION: 'ie1' });
    expect([ie1.region, ie1.edge]).toEqual(['ie1', 'dublin']);
    // twilio-node's own rewriting of each request's host
    expect(ie1.getHostname('api.twilio.com', ie1.edge, ie1.region)).toBe('api.dublin.ie1.twilio.com');
    expect(apiLocation({ TWILIO_REGION: 'IE1', TWILIO_EDGE: 'frankfurt' })).toEqual({
      region: 'ie1',
      edge: 'frankfurt',
    });
    expect(apiLocation({ TWILIO_REGION: '', TWILIO_EDGE: '' })).toEqual({});
    expect(() => apiLocation({ TWILIO_EDGE: 'dublin/x' })).toThrow(/TWILIO_EDGE/);
  });

  it('reads durations in minutes, hours and days', () => {
    expect(parseDuration('90m', 'x')).toBe(5_400_000);
    expect(parseDuration('24h', 'x')).toBe(86_400_000);
    expect(parseDuration('7d', 'x')).toBe(604_800_000);
    expect(() => parseDuration('1w', 'x')).toThrow(/not a duration/);
  });
});
