/**
 * Stopping never hangs on the log: with stdout's reader gone (a log shipper that died) or
 * stalled (one that stopped reading, as in `npm start | sleep 300`), SIGTERM still ends the
 * built server within its grace period, and webhooks are answered meanwhile (a log write never
 * blocks one). stdout is a named pipe (an OS pipe, as a shell's `|` makes) to another process,
 * or a socket (as a container runtime or a supervisor may give).
 */
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SHUTDOWN_GRACE_MS } from '../src/http/shutdown.js';
import { ROOT } from '../src/config/paths.js';
import { childEnv, SERVER, startServer } from './helpers/built.js';
import { BASE, callParams, sign, TOKEN } from './helpers/twilio.js';

/** Enough webhooks, at debug (each logs ~5 lines, ~1.5 KB), to fill a pipe's 64 KB several times over. */
const WEBHOOKS = 250;

const spawned: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const p of spawned.splice(0)) p.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The built server with stdout to a named pipe read by another process that never reads it. */
async function startBehindPipe(): Promise<{ server: ChildProcess; reader: ChildProcess; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'log-stall-'));
  dirs.push(dir);
  const fifo = join(dir, 'stdout');
  execFileSync('mkfifo', [fifo]);
  const reader = spawn('sh', ['-c', `exec sleep 300 < "${fifo}"`], { stdio: 'ignore' });
  spawned.push(reader);
  const fd = openSync(fifo, 'w'); // returns once the reader has opened its end
  const port = await freePort();
  const server = spawn(process.execPath, [SERVER], {
    cwd: ROOT,
    env: childEnv({
      HOST: '127.0.0.1',
      PORT: String(port),
      TWILIO_AUTH_TOKEN: TOKEN,
      PUBLIC_BASE_URL: BASE,
      LOG_LEVEL: 'debug',
    }),
    stdio: ['ignore', fd, 'ignore'],
  });
  spawned.push(server);
  closeSync(fd);
  for (let i = 0; ; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 500 || server.exitCode !== null) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { server, reader, port };
}

async function webhooks(port: number, n: number): Promise<number[]> {
  const statuses: number[] = [];
  const params = callParams({ Digits: '1' });
  const path = '/voice/menu?menu=lang&tries=0';
  const body = new URLSearchParams(params).toString();
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-twilio-signature': sign(BASE + path, params),
  };
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, () =>
        fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers, body }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        }),
      ),
    );
    statuses.push(...batch);
  }
  return statuses;
}

/** Milliseconds from SIGTERM to the exit; the process is killed after two grace periods. */
async function stopTime(server: ChildProcess): Promise<{ ms: number; code: number | string }> {
  const exited = new Promise<number | string>((resolve) =>
    server.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const signalled = performance.now();
  server.kill('SIGTERM');
  const killer = setTimeout(() => server.kill('SIGKILL'), 2 * SHUTDOWN_GRACE_MS);
  const code = await exited;
  clearTimeout(killer);
  return { ms: Math.round(performance.now() - signalled), code };
}

const readerExits = async (reader: ChildProcess) => {
  const gone = new Promise((r) => reader.once('exit', r));
  reader.kill('SIGKILL');
  await gone;
};
const readerStalls = async () => undefined; // it never reads

describe.each([
  ['whose reader has exited, nothing logged since', readerExits, 0],
  ['whose reader has exited, webhooks since', readerExits, WEBHOOKS],
  ['whose reader stopped reading, webhooks since', readerStalls, WEBHOOKS],
] as const)('stdout to a pipe %s', (what, stall, n) => {
  it('webhooks are answered, and SIGTERM ends the line within its grace period', async () => {
    const { server, reader, port } = await startBehindPipe();
    await stall(reader);
    const statuses = await webhooks(port, n);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const { ms, code } = await stopTime(server);
    console.log(`stdout to a pipe ${what}: exited ${code} ${ms} ms after SIGTERM`);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(SHUTDOWN_GRACE_MS);
  });
});

it('stdout to a socket whose reader has gone: SIGTERM ends the line within its grace period', async () => {
  const running = await startServer({ TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_BASE_URL: BASE });
  spawned.push(running.child);
  running.child.stdout!.destroy();
  const { ms, code } = await stopTime(running.child);
  console.log(`stdout to a socket whose reader has gone: exited ${code} ${ms} ms after SIGTERM`);
  expect(code).toBe(0);
  expect(ms).toBeLessThan(SHUTDOWN_GRACE_MS);
});
