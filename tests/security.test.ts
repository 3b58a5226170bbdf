/**
 * Twilio's signature on every webhook, the URL it is computed over, and logs that never
 * carry a phone number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../src/http/env.js';
import { createLogger } from '../src/http/logging.js';
import { Writable } from 'node:stream';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import { BASE, CALLER, Call, HOTLINE, TOKEN, callParams, makeApp, post, sign, type TestApp } from './helpers/twilio.js';

const WEBHOOKS = ['/voice', '/voice/menu?lang=fr&menu=main&tries=0', '/voice/dial?lang=nl&service=surya'];

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.app.close());

describe('signature', () => {
  it.each(WEBHOOKS)('%s answers 200 when signed, 403 when not', async (url) => {
    const params = callParams({ Digits: '1', DialCallStatus: 'busy' });
    expect((await post(t.app, url, params)).statusCode).toBe(200);
    const unsigned = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(params).toString(),
    });
    expect(unsigned.statusCode).toBe(403);
    expect((await post(t.app, url, params, { token: 'another-token' })).statusCode).toBe(403);
    expect((await post(t.app, url, params, { signature: 'x'.repeat(28) })).statusCode).toBe(403);
  });

  it('covers the query string and every parameter: changing one after signing is refused', async () => {
    const params = callParams({ Digits: '1' });
    const good = sign(BASE + '/voice/menu?lang=fr&menu=main&tries=0', params);
    expect((await post(t.app, '/voice/menu?lang=fr&menu=main&tries=0', params, { signature: good })).statusCode).toBe(
      200,
    );
    expect(
      (await post(t.app, '/voice/menu?lang=fr&menu=centres&tries=0', params, { signature: good })).statusCode,
    ).toBe(403);
    expect(
      (await post(t.app, '/voice/menu?lang=fr&menu=main&tries=0', { ...params, Digits: '2' }, { signature: good }))
        .statusCode,
    ).toBe(403);
  });

  it('accepts parameters Twilio adds without notice', async () => {
    const res = await post(t.app, '/voice', callParams({ SomethingNew: 'yes', CallerName: 'X' }));
    expect(res.statusCode).toBe(200);
  });

  it('the 403 is valid XML and says nothing about why', async () => {
    const res = await post(t.app, '/voice', callParams(), { signature: 'bad' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toMatch(/^<\?xml[^>]*\?><Response>/);
    expect(res.body).not.toMatch(/token|signature|url/i);
  });

  it('without PUBLIC_BASE_URL the URL is rebuilt from the request; forwarded headers count only when the proxy is trusted', async () => {
    const plain = await makeApp({ publicBaseUrl: null });
    const params = callParams();
    // light-my-request's Host is localhost:80; Twilio's validator tries the URL with and without the port.
    expect((await post(plain.app, '/voice', params, { base: 'http://localhost' })).statusCode).toBe(200);
    const proxied = {
      method: 'POST' as const,
      url: '/voice',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'ivr.example.be',
        'x-twilio-signature': sign('https://ivr.example.be/voice', params),
      },
      payload: new URLSearchParams(params).toString(),
    };
    expect((await plain.app.inject(proxied)).statusCode).toBe(403);
    await plain.app.close();
    const { buildApp } = await import('../src/http/app.js');
    const trusting = await buildApp({
      config: (await import('./helpers/twilio.js')).testConfig(),
      authToken: TOKEN,
      trustProxy: true,
      logger: createLogger('silent'),
    });
    expect((await trusting.inject(proxied)).statusCode).toBe(200);
    await trusting.close();
  });

  it('with no auth token (development only) the webhooks answer unsigned', async () => {
    const open = await makeApp({ token: null });
    const res = await open.app.inject({
      method: 'POST',
      url: '/voice',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'CallSid=CA1',
    });
    expect(res.statusCode).toBe(200);
    await open.app.close();
  });
});

describe("twilio's validator decides", () => {
  it("repeated parameters are checked as twilio's validator signs them, and the webhook then uses them", async () => {
    // Twilio never repeats a parameter of a voice webhook, but its validator knows how they are signed.
    const params = { ...callParams(), Digits: ['2', '1'] };
    const url = BASE + '/voice/menu?lang=fr&menu=main&tries=0';
    const signature = webhooks.getExpectedTwilioSignature(TOKEN, url, params);
    const body = new URLSearchParams(Object.entries(callParams()));
    body.append('Digits', '2');
    body.append('Digits', '1');
    const res = await t.app.inject({
      method: 'POST',
      url: '/voice/menu?lang=fr&menu=main&tries=0',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      payload: body.toString(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<Gather[^>]*menu=centres/);
  });

  it('accepts an HMAC-SHA256 signature when the settings header names it, and only then', async () => {
    const params = callParams();
    const payload = new URLSearchParams(params).toString();
    const sha256 = webhooks.getExpectedTwilioSignature(TOKEN, BASE + '/voice', params, webhooks.HMAC_SHA256);
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sha256 };
    const settings = { 'x-twilio-webhooks-signature-settings': 'key=webhooks_sharedkey_1,algorithm=HMAC_SHA256' };
    expect(
      (await t.app.inject({ method: 'POST', url: '/voice', headers: { ...headers, ...settings }, payload })).statusCode,
    ).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/voice', headers, payload })).statusCode).toBe(403);
  });
});

describe('environment', () => {
  it('refuses production without TWILIO_AUTH_TOKEN, and says why', () => {
    const env = readEnv({ NODE_ENV: 'production' });
    expect(env.ok).toBe(false);
    expect(env.errors.join(' ')).toMatch(/TWILIO_AUTH_TOKEN/);
    expect(readEnv({ NODE_ENV: 'production', TWILIO_AUTH_TOKEN: 'x' }).ok).toBe(true);
    expect(readEnv({}).ok).toBe(true);
  });

  it('rejects a PUBLIC_BASE_URL that is not a base URL, and bad PORT and LOG_LEVEL', () => {
    expect(readEnv({ PUBLIC_BASE_URL: 'ivr.example.be' }).ok).toBe(false);
    expect(readEnv({ PUBLIC_BASE_URL: 'https://ivr.example.be/?x=1' }).ok).toBe(false);
    expect(readEnv({ PUBLIC_BASE_URL: 'https://ivr.example.be/' }).publicBaseUrl).toBe('https://ivr.example.be');
    expect(readEnv({ PORT: 'eighty' }).ok).toBe(false);
    expect(readEnv({ LOG_LEVEL: 'loud' }).ok).toBe(false);
  });
});

describe('privacy in logs', () => {
  const numberForms = (n: string) => {
    const national = '0' + n.slice(3);
    return [
      n,
      n.slice(1),
      '00' + n.slice(1),
      national,
      national.replace(/(\d{4})(\d{2})(\d{2})(\d{2})/, '$1 $2 $3 $4'),
    ];
  };

  it('a whole call logs the CallSid, language, choices and outcome, and never a phone number', async () => {
    const app = await makeApp();
    const call = await new Call(app.app, {
      ForwardedFrom: '+32470999888',
      CallerName: 'Jane',
      CalledVia: HOTLINE,
    }).start();
    await call.keys('2', '2', '1');
    await call.outcome('busy');
    await call.press('1');
    await app.app.close();
    const all = app.logs.join('\n');
    for (const n of [CALLER, HOTLINE, '+32470999888'])
      for (const form of numberForms(n)) expect(all).not.toContain(form);
    expect(all).not.toContain('Jane');
    const flow = app.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'flow');
    expect(flow.every((l) => l.callSid === 'CA' + 'a'.repeat(32))).toBe(true);
    expect(flow).toContainEqual(expect.objectContaining({ event: 'language', lang: 'nl', key: '2' }));
    expect(flow).toContainEqual(expect.objectContaining({ event: 'choice', menu: 'centres', key: '1' }));
    expect(flow).toContainEqual(expect.objectContaining({ event: 'dial-result', service: 'pag-asa', outcome: 'busy' }));
  });

  it('a wrong key is logged as such, not by its value', async () => {
    const app = await makeApp();
    const call = await new Call(app.app).start();
    await call.keys('1', '#');
    await app.app.close();
    const invalid = app.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.event === 'invalid-key');
    expect(invalid).toBeDefined();
    expect(invalid).not.toHaveProperty('key');
  });

  it('the logger scrubs phone-number fields even when code passes them by mistake', () => {
    const lines: string[] = [];
    const log = createLogger(
      'info',
      new Writable({
        write: (c, _e, cb) => {
          lines.push(String(c));
          cb();
        },
      }),
    );
    log.info(
      {
        From: CALLER,
        body: { To: HOTLINE, Caller: CALLER, ForwardedFrom: CALLER, StirVerstat: 'x', ContactNumber: CALLER },
        nested: [{ Called: HOTLINE }],
      },
      'oops',
    );
    const out = lines.join('');
    expect(out).not.toContain('470123456');
    expect(out).not.toContain('25550100');
    expect(out).toContain('[redacted]');
  });
});
