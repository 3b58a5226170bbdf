/**
 * GET /metrics: Prometheus text counted from the call flow, without personal data, behind a
 * bearer token when METRICS_TOKEN is set, and one registry per app.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { RESERVED_MENU_IDS } from '../src/config/types.js';
import { Metrics } from '../src/http/metrics.js';
import { CALLER, Call, HOTLINE, callParams, makeApp, post, type TestApp } from './helpers/twilio.js';

/** One sample of the exposition text: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error('not Prometheus text: ' + line);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(t: TestApp, headers: Record<string, string> = {}): Promise<Sample[]> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics', headers });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(res.body);
}

/** The value of the one sample with exactly these labels (0 when absent). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`several samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

describe('counters after scripted calls', () => {
  let t: TestApp;
  let samples: Sample[];
  beforeAll(async () => {
    t = await makeApp({ at: '2026-11-30T10:00:00+01:00' }); // a Monday morning: 1712 open
    // a. French; centres; PAG-ASA busy; the centres from the offers (Sürya), answered; then a
    //    wrong key in the menu after the call.
    const a = await new Call(t.app).start();
    await a.keys('1', '2', '1');
    await a.outcome('busy');
    await a.press('1');
    await a.outcome('completed');
    await a.press('7');
    // b. Silent at the language choice twice: put through (default French) to Sürya, no answer;
    //    the safety net goes on to the next centre, answered.
    const b = await new Call(t.app).start();
    await b.silence();
    await b.silence();
    await b.outcome('no-answer');
    await b.outcome('completed');
    // e. French; in the main menu a time-out, a wrong key, then * repeats; 1712 on a Saturday
    //    (closed: weekend); the caller gives up in the offers.
    const e = await new Call(t.app).start();
    await e.press('1');
    await e.silence();
    await e.press('7');
    await e.press('*');
    t.setNow('2026-11-28T11:00:00+01:00');
    await e.press('4');
    t.setNow('2026-11-30T10:00:00+01:00');
    // c. Dutch; 9: the language choice again, French; the police (its number said); the centres
    //    from the offers; the transfer fails (Twilio's status: canceled).
    const c = await new Call(t.app).start();
    await c.keys('2', '9', '1', '5', '1');
    await c.outcome('canceled');
    // d. English; three wrong keys: the safety net.
    const d = await new Call(t.app).start();
    await d.keys('3', '8', '8', '8');
    // f. Silent, then every transfer of the safety net fails: nobody left, the call ends.
    const f = await new Call(t.app).start();
    await f.silence();
    await f.silence();
    for (let i = 0; f.dial && i < 20; i++) await f.outcome('failed');
    expect(f.hungUp).toBe(true);
    // The number's fallback URL.
    expect((await post(t.app, '/voice/fallback', callParams({ ErrorCode: '11200' }))).statusCode).toBe(200);
    samples = await scrape(t);
  });
  afterAll(() => t.app.close());

  it('calls, and the language they go on in', () => {
    expect(value(samples, 'helpline_calls_total')).toBe(6);
    expect(value(samples, 'helpline_call_language_total', { language: 'fr', via: 'key' })).toBe(3);
    expect(value(samples, 'helpline_call_language_total', { language: 'none', via: 'default' })).toBe(2);
    expect(value(samples, 'helpline_call_language_total', { language: 'nl', via: 'key' })).toBe(1);
    expect(value(samples, 'helpline_call_language_total', { language: 'en', via: 'key' })).toBe(1);
    expect(value(samples, 'helpline_language_switches_total', { language: 'nl' })).toBe(1);
    expect(value(samples, 'helpline_language_switches_total', { language: 'fr' })).toBe(0);
  });

  it('menu choices by menu and key (the offers as "alt"), and the common keys', () => {
    expect(value(samples, 'helpline_menu_choices_total', { menu: 'main', key: '2' })).toBe(1);
    expect(value(samples, 'helpline_menu_choices_total', { menu: 'centres', key: '1' })).toBe(1);
    expect(value(samples, 'helpline_menu_choices_total', { menu: 'alt', key: '1' })).toBe(2);
    expect(value(samples, 'helpline_menu_choices_total', { menu: 'main', key: '4' })).toBe(1);
    expect(value(samples, 'helpline_menu_choices_total', { menu: 'main', key: '5' })).toBe(1);
    expect(value(samples, 'helpline_menu_navigation_total', { menu: 'main', action: 'repeat' })).toBe(1);
  });

  it('time-outs and wrong keys per menu, after a call too; the safety net each time it chose', () => {
    expect(value(samples, 'helpline_failed_inputs_total', { menu: 'lang', kind: 'timeout' })).toBe(4);
    expect(value(samples, 'helpline_failed_inputs_total', { menu: 'main', kind: 'timeout' })).toBe(1);
    expect(value(samples, 'helpline_failed_inputs_total', { menu: 'main', kind: 'invalid-key' })).toBe(4);
    expect(value(samples, 'helpline_failed_inputs_total', { menu: 'end', kind: 'invalid-key' })).toBe(1);
    // b: 2 (silence, then Sürya's no-answer); d: 1; f: 8 (silence, then six failed transfers and 1712's).
    expect(value(samples, 'helpline_safety_net_total')).toBe(11);
    expect(value(samples, 'helpline_none_open_total')).toBe(1);
  });

  it('transfers by service, numbers said, their outcomes, and callers who found a service closed', () => {
    expect(value(samples, 'helpline_transfers_total', { service: 'pag-asa' })).toBe(3); // a, b (the safety net's next), f
    expect(value(samples, 'helpline_transfers_total', { service: 'surya' })).toBe(5); // a, b, c, d, f
    for (const id of ['payoke', 'care-brussels', 'care-liege', 'care-ghent'])
      expect(value(samples, 'helpline_transfers_total', { service: id }), id).toBe(1);
    expect(value(samples, 'helpline_transfers_total', { service: 'police' })).toBe(0);
    expect(value(samples, 'helpline_numbers_said_total', { service: 'police' })).toBe(1);
    expect(
      value(samples, 'helpline_transfer_outcomes_total', { service: 'pag-asa', outcome: 'busy', status: 'busy' }),
    ).toBe(1);
    expect(
      value(samples, 'helpline_transfer_outcomes_total', {
        service: 'pag-asa',
        outcome: 'completed',
        status: 'completed',
      }),
    ).toBe(1);
    expect(
      value(samples, 'helpline_transfer_outcomes_total', {
        service: 'surya',
        outcome: 'completed',
        status: 'completed',
      }),
    ).toBe(1);
    expect(
      value(samples, 'helpline_transfer_outcomes_total', {
        service: 'surya',
        outcome: 'no-answer',
        status: 'no-answer',
      }),
    ).toBe(1);
    expect(
      value(samples, 'helpline_transfer_outcomes_total', { service: 'surya', outcome: 'failed', status: 'canceled' }),
    ).toBe(1);
    expect(
      value(samples, 'helpline_transfer_outcomes_total', { service: 'surya', outcome: 'failed', status: 'failed' }),
    ).toBe(1);
    expect(
      value(samples, 'helpline_transfer_outcomes_total', {
        service: 'care-ghent',
        outcome: 'failed',
        status: 'failed',
      }),
    ).toBe(1);
    expect(value(samples, 'helpline_closed_total', { service: 'violence-line', reason: 'weekend' })).toBe(1);
  });

  it('fallbacks, internal errors, reloads', () => {
    expect(value(samples, 'helpline_fallbacks_total')).toBe(1);
    expect(value(samples, 'helpline_internal_errors_total')).toBe(0);
    expect(value(samples, 'helpline_config_reloads_total', { result: 'failed' })).toBe(0);
    expect(value(samples, 'helpline_config_loaded_timestamp_seconds')).toBeGreaterThan(1_700_000_000);
  });

  it('a latency histogram per route pattern, never per raw URL', () => {
    const counts = samples.filter((s) => s.name === 'helpline_http_request_duration_seconds_count');
    const routes = new Set(counts.map((s) => s.labels.route));
    expect(routes).toEqual(new Set(['/voice', '/voice/menu', '/voice/dial', '/voice/fallback']));
    expect(
      value(samples, 'helpline_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/voice',
        status_code: '200',
      }),
    ).toBe(6);
    const buckets = samples.filter(
      (s) => s.name === 'helpline_http_request_duration_seconds_bucket' && s.labels.route === '/voice/menu',
    );
    expect(buckets.find((s) => s.labels.le === '+Inf')?.value).toBeGreaterThan(10);
  });

  it('no label value is a phone number, a CallSid or free text', () => {
    for (const s of samples) {
      for (const [k, v] of Object.entries(s.labels)) {
        expect(v, `${s.name} ${k}`).not.toMatch(/\d{6,}|\+\d|CA[0-9a-f]{32}/i);
        expect(v, `${s.name} ${k}`).toMatch(/^[a-z0-9/:*#.+-]+$|^\+Inf$/i);
      }
    }
  });

  it("every flow label is one of the data's own ids, or other/unknown", () => {
    const config = t.app.helpline.config;
    const allowed: Record<string, readonly string[]> = {
      language: [...config.languages, 'none', 'other'],
      menu: [...Object.keys(config.flow.menus), ...RESERVED_MENU_IDS, 'other'],
      service: [...Object.keys(config.services), 'unknown'],
      key: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'other'],
    };
    let checked = 0;
    for (const s of samples) {
      for (const [k, v] of Object.entries(s.labels)) {
        if (!allowed[k]) continue;
        expect(allowed[k], `${s.name} ${k}`).toContain(v);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});

describe('hostile input never becomes a label', () => {
  it('numbers, CallSids and junk in every parameter and query field are counted as other/unknown', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    const sid = 'CA' + 'f'.repeat(32);
    const junk = {
      CallSid: sid,
      From: CALLER,
      To: HOTLINE,
      Digits: '+32470123456',
      DialCallStatus: '<b>+32470123456</b>',
    };
    for (const url of [
      `/voice/menu?lang=fr&menu=${encodeURIComponent(CALLER)}&tries=0`,
      `/voice/menu?lang=${sid}&menu=main&tries=0`,
      `/voice/menu?lang=fr&menu=alt&tries=0&focus=${encodeURIComponent(CALLER)}&failed=${encodeURIComponent(CALLER)}`,
      `/voice/menu?lang=fr&menu=alt&tries=0&failed=surya.${encodeURIComponent(CALLER)}.${sid}`,
      `/voice/dial?lang=fr&service=${encodeURIComponent(CALLER)}&failed=${encodeURIComponent(CALLER)}&net=1`,
      `/voice/dial?lang=${sid}&service=surya`,
      `/voice/${encodeURIComponent(CALLER)}`,
    ]) {
      expect((await post(t.app, url, callParams(junk))).statusCode).toBe(200);
    }
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    for (const secret of ['470123456', '5550100', sid, 'ffffffff', '<b>']) expect(res.body).not.toContain(secret);
    const samples = parse(res.body);
    expect(
      value(samples, 'helpline_transfer_outcomes_total', { service: 'unknown', outcome: 'failed', status: 'unknown' }),
    ).toBe(1);
    expect(
      samples.some((s) => s.name === 'helpline_http_request_duration_seconds_count' && s.labels.route === 'unmatched'),
    ).toBe(true);
  });
});

describe('an internal error', () => {
  it('is counted', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    const broken = vi.spyOn(t.app.helpline.engine, 'input').mockImplementation(() => {
      throw new Error('boom');
    });
    onTestFinished(() => broken.mockRestore());
    await post(t.app, '/voice/menu?lang=fr&menu=main&tries=0', callParams({ Digits: '1' }));
    expect(value(await scrape(t), 'helpline_internal_errors_total')).toBe(1);
  });
});

describe('one registry per app', () => {
  it('two apps in one process count apart', async () => {
    const a = await makeApp();
    onTestFinished(() => a.app.close());
    const b = await makeApp();
    onTestFinished(() => b.app.close());
    await new Call(a.app).start();
    await new Call(a.app).start();
    await new Call(b.app).start();
    expect(value(await scrape(a), 'helpline_calls_total')).toBe(2);
    expect(value(await scrape(b), 'helpline_calls_total')).toBe(1);
  });
});

describe('METRICS_TOKEN', () => {
  const token = 'm3tr1cs-t0ken-0123456789abcdef';
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ metricsToken: token });
  });
  afterAll(() => t.app.close());

  it('refuses a scrape without the token, or with another one: 401 with WWW-Authenticate', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong',
      `Basic ${token}`,
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, -1)}`,
      'Bearer',
      '',
    ]) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(res.statusCode, String(authorization)).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).not.toContain('helpline_');
    }
  });

  it('answers with the token (scheme in any case); Twilio signatures are not asked for', async () => {
    expect(value(await scrape(t, { authorization: `Bearer ${token}` }), 'helpline_calls_total')).toBe(0);
    expect(
      (await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `bearer ${token}` } }))
        .statusCode,
    ).toBe(200);
  });

  it('the token is compared whole, with spaces around it allowed', async () => {
    const status = async (authorization: string) =>
      (await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization } })).statusCode;
    expect(await status(`Bearer  ${token} `)).toBe(200);
    expect(await status(`Bearer ${token} extra`)).toBe(401);
    expect(await status('Bearer a')).toBe(401);
  });
});

describe('the latency series', () => {
  it('labels built once per series count each request in its own series', async () => {
    const m = new Metrics();
    const requests: Array<[string, string | undefined, number]> = [
      ['POST', '/voice', 200],
      ['POST', '/voice', 200],
      ['POST', '/voice', 403],
      ['POST', '/voice/menu', 200],
      ['GET', '/voice', 405],
      ['PATCH', '/voice', 405],
      ['PROPFIND', '/voice', 405], // another unknown method: the same "other" series
      ['POST', undefined, 200],
      ['POST', '/voice', 200],
    ];
    for (const [method, route, status] of requests) m.observeRequest(method, route, status, 0.002);
    const samples = parse(await m.text());
    const count = (method: string, route: string, status: string) =>
      value(samples, 'helpline_http_request_duration_seconds_count', { method, route, status_code: status });
    expect(count('POST', '/voice', '200')).toBe(3);
    expect(count('POST', '/voice', '403')).toBe(1);
    expect(count('POST', '/voice/menu', '200')).toBe(1);
    expect(count('GET', '/voice', '405')).toBe(1);
    expect(count('other', '/voice', '405')).toBe(2);
    expect(count('POST', 'unmatched', '200')).toBe(1);
    const all = samples.filter((s) => s.name === 'helpline_http_request_duration_seconds_count');
    expect(all.reduce((n, s) => n + s.value, 0)).toBe(requests.length);
  });
});
