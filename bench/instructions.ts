/**
 * `npm run bench:instructions`: the instructions each server executes per signed `POST /voice`,
 * counted by valgrind's callgrind. On a shared, noisy machine requests/s vary by up to 2x from
 * one round to the next; instruction counts do not (about ±2 % from run to run: V8's compiler
 * and collector threads are counted too), so a change of a few percent can be seen.
 *
 * For each server (the line as `npm start` runs it, then bench/bare-server.ts as "bare" and as
 * "floor": see bench/webhooks.ts) it:
 *   1. starts it under `valgrind --tool=callgrind --instr-atstart=no` (counting off);
 *   2. sends N signed POST /voice (10 connections) to warm it up (V8 compiles the hot code);
 *   3. `callgrind_control -i on`, N more, `callgrind_control -i off`;
 *   4. stops it and divides the instructions counted by N.
 * User space only: the kernel's share of each request (the socket work) is not counted, and it
 * is the same for all three servers.
 *
 * Needs valgrind (Debian: `apt-get install valgrind`). Slow: each server runs about 50 times
 * slower under valgrind; with the default N the whole run takes 2-3 minutes.
 * Environment: BENCH_REQUESTS (N, 3000).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  BARE_ENTRY,
  BASE,
  HOST,
  LINE_ENTRY,
  LINE_ENV,
  LINE_NODE_FLAGS,
  ROOT,
  TOKEN,
  signedRequests,
} from './common.js';

const N = Math.max(100, Math.round(Number(process.env.BENCH_REQUESTS) || 3000));

function have(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (!have('valgrind') || !have('callgrind_control')) {
  process.stderr.write('bench:instructions needs valgrind and callgrind_control (Debian: apt-get install valgrind)\n');
  process.exit(2);
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, HOST);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      s.destroy();
      resolve(false);
    });
  });

const requests = signedRequests('/voice', { CallStatus: 'ringing' }, 50);

async function drive(port: number): Promise<void> {
  const r = await autocannon({
    url: `http://${HOST}:${port}`,
    connections: 10,
    amount: N,
    timeout: 60,
    requests: requests.map((q) => ({ ...q, headers: { ...q.headers } })),
  });
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0 || r.requests.total < N)
    throw new Error(`port ${port}: ${r.requests.total} of ${N} answered, ${bad} errors`);
}

/** Instructions per request of one server. */
async function count(name: string, args: string[], env: Record<string, string>, port: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'helpline-callgrind-'));
  // valgrind names its control pipes after the HOST variable: callgrind_control must see the same.
  const childEnv = { ...process.env, ...env, PORT: String(port), HOST };
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      `--callgrind-out-file=${join(dir, 'out.%p')}`,
      process.execPath,
      ...args,
    ],
    {
      cwd: ROOT,
      env: childEnv,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const t0 = Date.now();
    while (!(await canConnect(port))) {
      if (child.exitCode !== null) throw new Error(`${name} exited before listening:\n${stderr}`);
      if (Date.now() - t0 > 180_000) throw new Error(`${name} did not listen within 3 minutes under valgrind`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await drive(port);
    const control = (on: boolean) =>
      execFileSync('callgrind_control', ['-i', on ? 'on' : 'off', String(child.pid)], {
        env: childEnv,
        stdio: 'ignore',
      });
    control(true);
    await drive(port);
    control(false);
    child.kill('SIGTERM');
    await exited;
    let total = 0;
    for (const f of readdirSync(dir)) {
      // "totals:" is what was counted while counting was on ("summary:" stays 0 with -i toggled).
      const m = /^totals: (\d+)/m.exec(readFileSync(join(dir, f), 'utf8'));
      if (m) total += Number(m[1]);
    }
    if (total === 0) throw new Error(`${name}: callgrind counted nothing:\n${stderr}`);
    return total / N;
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const servers: Array<[string, string[], Record<string, string>]> = [
  ['line', [...LINE_NODE_FLAGS, LINE_ENTRY], { ...LINE_ENV, LOG_LEVEL: 'warn' }],
  ['bare', [BARE_ENTRY], {}],
  ['floor', [BARE_ENTRY], { BARE_SIGNED: TOKEN, BARE_PUBLIC_BASE_URL: BASE }],
];

console.log(`bench:instructions: ${N} signed POST /voice to each server after ${N} to warm up, counted by callgrind`);
const results: Record<string, number> = {};
for (const [k, [name, args, env]] of servers.entries()) {
  results[name] = await count(name, args, env, 39_000 + k + (process.pid % 500) * 3);
  console.log(`${name.padEnd(6)} ${Math.round(results[name]!).toLocaleString('en')} instructions per request`);
}
const bare = results.bare!;
console.log(
  `\nline / bare ${(results.line! / bare).toFixed(2)}, floor / bare ${(results.floor! / bare).toFixed(2)}, line / floor ${(results.line! / results.floor!).toFixed(2)}`,
);
