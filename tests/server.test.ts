/**
 * The built server as a new user starts it (`npm start` runs the bundle dist/server.mjs under
 * plain Node ESM, where vitest's module handling does not apply).
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staleness } from '../scripts/build.mjs';
import { ROOT } from '../src/config/paths.js';
import { BASE, HOTLINE, TOKEN, assertValidTwiml, callParams, sign } from './helpers/twilio.js';
import { SERVER, childEnv, runNode, startServer, type Running } from './helpers/built.js';

let server: Running;
beforeAll(async () => {
  server = await startServer({
    TWILIO_AUTH_TOKEN: TOKEN,
    PUBLIC_BASE_URL: BASE,
    NODE_ENV: 'production',
    HOTLINE_NUMBER: HOTLINE,
    TZ: 'Pacific/Auckland',
  });
});
afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
});

async function signedPost(path: string, params: Record<string, string>) {
  return fetch(`http://127.0.0.1:${server.port}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
      'x-twilio-signature': sign(BASE + path, params),
    },
    body: new URLSearchParams(params).toString(),
  });
}

describe('the built server', () => {
  it('is healthy and answers a signed POST /voice with valid TwiML', async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/health`)).status).toBe(200);
    const res = await signedPost('/voice', callParams());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    const root = assertValidTwiml(await res.text());
    expect(root.children[0]!.name).toBe('Gather');
  });

  it('follows a call to a transfer and refuses an unsigned request', async () => {
    const menu = await signedPost('/voice/menu?menu=lang&tries=0', callParams({ Digits: '2' }));
    expect(assertValidTwiml(await menu.text()).children[0]!.attrs.action).toBe(
      `${BASE}/voice/menu?lang=nl&menu=main&tries=0`,
    );
    const dial = await signedPost('/voice/menu?lang=nl&menu=centres&tries=0', callParams({ Digits: '3' }));
    const root = assertValidTwiml(await dial.text());
    expect(root.children.find((c) => c.name === 'Dial')!.children[0]!.text).toBe('+3242324030');
    const unsigned = await fetch(`http://127.0.0.1:${server.port}/voice`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'CallSid=CA1',
    });
    expect(unsigned.status).toBe(403);
  });

  it('in production, warns once at start about every number nobody has verified, naming the services, not their numbers', async () => {
    const warnings = server
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"event":"numbers-unverified"'));
    expect(warnings).toHaveLength(1);
    for (const id of [
      'police',
      'pag-asa',
      'payoke',
      'surya',
      'violence-line',
      'care-brussels',
      'care-ghent',
      'care-liege',
    ])
      expect(warnings[0]).toContain(id);
    expect(warnings[0]).not.toMatch(/\+32|\d{3} \d{2}/);
  });

  it('in production without METRICS_TOKEN, /metrics is off', async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(404);
    expect(server.stdout()).toMatch(/"event":"metrics-off"/);
  });

  it('in production with METRICS_TOKEN, /metrics answers only with the token', async () => {
    const s = await startServer({
      TWILIO_AUTH_TOKEN: TOKEN,
      NODE_ENV: 'production',
      HOTLINE_NUMBER: HOTLINE,
      METRICS_TOKEN: 'm-token',
    });
    const url = `http://127.0.0.1:${s.port}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: 'Bearer m-token' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^# HELP /m);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('runs from the bundle alone: a copy with its data and no node_modules answers a call', async () => {
    // What makes the start fast (scripts/bundle.mjs): nothing is read from node_modules.
    const dir = mkdtempSync(join(tmpdir(), 'helpline-bundle-'));
    try {
      for (const f of ['package.json', 'config', 'prompts', 'dist/server.mjs'])
        cpSync(join(ROOT, f), join(dir, f), { recursive: true });
      const s = await startServer(
        { NODE_ENV: 'production', TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_BASE_URL: BASE, HOTLINE_NUMBER: HOTLINE },
        join(dir, 'dist', 'server.mjs'),
      );
      const params = callParams({ Digits: '3' });
      const path = '/voice/menu?lang=fr&menu=centres&tries=0';
      const res = await fetch(`http://127.0.0.1:${s.port}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': sign(BASE + path, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      const root = assertValidTwiml(await res.text());
      expect(root.children.find((c) => c.name === 'Dial')!.children[0]!.text).toBe('+3242324030');
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
      expect(s.stderr()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the bundle holds the server, never a terminal tool', () => {
    const meta = JSON.parse(readFileSync(join(ROOT, 'dist', 'server.mjs.meta.json'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain('dist/src/http/server.js');
    expect(inputs.filter((f) => f.startsWith('dist/src/cli/'))).toEqual([]);
  });

  it('logs no phone number', () => {
    expect(server.stdout() + server.stderr()).not.toContain('470123456');
    expect(server.stdout() + server.stderr()).not.toContain('25550100');
  });
});

describe('start-up checks', () => {
  it('refuses to run in production without TWILIO_AUTH_TOKEN, and says why', async () => {
    const r = runNode(SERVER, { NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/TWILIO_AUTH_TOKEN/);
  });

  it("refuses to run in production without the helpline's own number, so no transfer shows the caller's", async () => {
    const r = runNode(SERVER, { NODE_ENV: 'production', TWILIO_AUTH_TOKEN: TOKEN, PORT: '0', HOST: '127.0.0.1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/HOTLINE_NUMBER/);
    expect(
      runNode(SERVER, { NODE_ENV: 'production', TWILIO_AUTH_TOKEN: TOKEN, HOTLINE_NUMBER: '02 555 01 00', PORT: '0' })
        .stderr,
    ).toMatch(/HOTLINE_NUMBER: .* is not an E\.164 number/);
  });

  it('starts without a token outside production, with a loud warning', async () => {
    const s = await startServer({});
    expect(s.stdout()).toMatch(/signatures are NOT checked/);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it("reads opening hours in Brussels time whatever the machine's time zone (the entry sets it, not an import)", () => {
    for (const tz of ['UTC', 'Pacific/Auckland', 'America/New_York']) {
      const out = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          "const { useBrusselsTime } = await import('./dist/src/time/zone.js'); const { Hours } = await import('./dist/src/time/hours.js'); useBrusselsTime(); const h = new Hours('Mo-Fr 09:00-17:00', 'be'); console.log(h.isOpen(new Date('2026-03-30T07:30:00Z')), h.isOpen(new Date('2026-03-30T06:30:00Z')))",
        ],
        { cwd: ROOT, env: { PATH: process.env.PATH, TZ: tz }, encoding: 'utf8' },
      );
      expect(out.trim(), tz).toBe('true false');
    }
  });
});

describe('the bundle stays small in memory (scripts/bundle.mjs)', () => {
  it('takes opening_hours from its CommonJS build, which V8 compiles on its own when required', () => {
    const meta = JSON.parse(readFileSync(`${SERVER}.meta.json`, 'utf8')) as { inputs: Record<string, unknown> };
    expect(
      Object.keys(meta.inputs)
        .filter((f) => f.includes('/opening_hours/'))
        .map((f) => f.slice(f.lastIndexOf('/opening_hours/'))),
    ).toEqual(['/opening_hours/build/opening_hours.js']);
  });
});

describe('npm start builds only what is out of date (scripts/ensure-built.mjs)', () => {
  it('calls dist/ stale when a source, a folder or the dependencies changed after it, and fresh otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helpline-stale-'));
    try {
      const at = (path: string, seconds: number) => utimesSync(join(dir, path), seconds, seconds);
      for (const d of ['src/config', 'routes', 'dist', 'node_modules']) mkdirSync(join(dir, d), { recursive: true });
      for (const f of [
        'src/server.ts',
        'src/config/load.ts',
        'routes/voice.ts',
        'tsconfig.json',
        'package.json',
        'node_modules/.package-lock.json',
      ])
        writeFileSync(join(dir, f), '');
      expect(staleness(dir)).toBe('dist/server.mjs does not exist yet');
      writeFileSync(join(dir, 'dist/server.mjs'), '');
      for (const f of [
        'src/server.ts',
        'src/config/load.ts',
        'src/config',
        'src',
        'routes/voice.ts',
        'routes',
        'tsconfig.json',
        'package.json',
        'node_modules/.package-lock.json',
      ])
        at(f, 1_000);
      at('dist/server.mjs', 2_000);
      expect(staleness(dir)).toBeUndefined();
      at('src/config/load.ts', 3_000);
      expect(staleness(dir)).toBe('src changed since the last build');
      at('src/config/load.ts', 1_000);
      at('src/config', 3_000); // a file added or removed there
      expect(staleness(dir)).toBe('src changed since the last build');
      at('src/config', 1_000);
      at('node_modules/.package-lock.json', 3_000); // npm install
      expect(staleness(dir)).toBe('node_modules/.package-lock.json changed since the last build');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('npm start starts the bundle built by the suite without building it again', async () => {
    expect(staleness()).toBeUndefined(); // tests/global-setup.ts built it
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: childEnv({ HOST: '127.0.0.1', PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', () => /Server listening at/.test(out) && resolve());
        void exited.then((code) => reject(new Error(`npm start exited (${code}) before listening:\n${out}`)));
      });
      expect(out).not.toMatch(/Building first/);
    } finally {
      process.kill(-child.pid!, 'SIGTERM'); // npm, and the line it started
    }
    await exited;
  });
});
