/**
 * `npm run bench`: the line's webhooks against bare Fastify, side by side, on this machine.
 *
 * `npm run bench` builds the line if it is out of date, compiles this file, then runs it. It starts:
 *   - the line as the Dockerfile runs it (the bundle, with src/http/launch.ts's Node flags and
 *     environment), with NODE_ENV=production, TWILIO_AUTH_TOKEN set (signature checks on),
 *     PUBLIC_BASE_URL set to the base the bench signs against, LOG_LEVEL=warn;
 *   - bench/bare-server.ts: Fastify + @fastify/formbody answering one constant TwiML string
 *     (the line's own answer to POST /voice, so both send as many bytes);
 *   - for POST /voice only, the same file as the "floor": bare Fastify + a pino logger + the
 *     line's signature check, what any line that checks Twilio's signatures pays.
 * It drives them with autocannon over 127.0.0.1 with signed form posts as Twilio sends them,
 * a warm-up, then rounds alternating line, bare, (floor,) line, bare..., and prints per webhook the
 * requests/s of both, their ratio, latencies, errors and CPU time per request; then each
 * server's start time (spawn to accepting connections, median of several starts), also for the
 * line started by `npm start`, next to npm's own start-up (its built-in `env` script, spawn to exit),
 * and resident memory after the load; and the targets, met or missed. No traffic leaves the
 * machine; the servers are stopped when the bench ends, fails or is interrupted.
 *
 * Environment (all optional): BENCH_CONNECTIONS (50), BENCH_ROUNDS and BENCH_SECONDS (per
 * webhook; default 4 x 5 s for POST /voice, 3 x 3 s for the others), BENCH_WARMUP (3 s),
 * BENCH_STARTS (5 starts of each server), BENCH_LOG_LEVEL (the line's LOG_LEVEL, warn),
 * BENCH_JSON (a file to write the figures to).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { cpus } from 'node:os';
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
  signedRequests as signedFor,
  type SignedRequest,
} from './common.js';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const CONNECTIONS = num('BENCH_CONNECTIONS', 50);
const WARMUP_S = num('BENCH_WARMUP', 3);
const STARTS = Math.max(1, Math.round(num('BENCH_STARTS', 5)));
/** The line's LOG_LEVEL: warn, as the issue asks; info to measure the cost of the call record. */
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'warn';
/** Whatever happens, the bench stops itself (and its servers) after this long. */
const DEADLINE_MS = 10 * 60_000;

// --- the webhooks, as Twilio posts them ------------------------------------------------------

interface Webhook {
  name: string;
  path: string;
  extra: Record<string, string>;
  /** What the line's answer must contain (checked once before the load). */
  expect: RegExp;
  rounds: number;
  seconds: number;
}

const DEFAULT_WEBHOOKS: Webhook[] = [
  {
    name: 'POST /voice (greeting)',
    path: '/voice',
    extra: { CallStatus: 'ringing' },
    expect: /<Gather[^>]*m=lang/,
    rounds: 4,
    seconds: 5,
  },
  {
    name: 'main menu, key 2 (submenu)',
    path: '/voice/menu?lang=fr&menu=main&tries=0',
    extra: { Digits: '2', FinishedOnKey: '' },
    expect: /<Gather[^>]*m=centres/,
    rounds: 3,
    seconds: 3,
  },
  {
    name: 'main menu, key 1 (transfer)',
    path: '/voice/menu?lang=fr&menu=main&tries=0',
    extra: { Digits: '1', FinishedOnKey: '' },
    expect: /<Dial[^>]*action="[^"]*\/voice\/dial\?lang=fr&amp;s=surya/,
    rounds: 3,
    seconds: 3,
  },
  {
    name: 'dial result, busy',
    path: '/voice/dial?lang=fr&service=surya',
    extra: { DialCallStatus: 'busy', DialCallSid: 'CA' + 'b'.repeat(32), DialCallDuration: '0', DialBridged: 'false' },
    expect: /<Gather[^>]*m=alt/,
    rounds: 3,
    seconds: 3,
  },
];

const WEBHOOKS: Webhook[] = DEFAULT_WEBHOOKS.map((w) => ({
  ...w,
  rounds: Math.round(num('BENCH_ROUNDS', w.rounds)),
  seconds: num('BENCH_SECONDS', w.seconds),
}));

/** One signed request per simulated call: the line checks a different signature each time. */
function signedRequests(w: Webhook, count: number, token = TOKEN): SignedRequest[] {
  return signedFor(w.path, w.extra, count, token);
}

// --- servers ---------------------------------------------------------------------------------

/** line: the helpline (its bundle, as the Dockerfile runs it); npm-start: the same started by
 * `npm start`; bare: bare Fastify; floor: bare Fastify + a logger + the line's signature check
 * (bench/bare-server.ts), what any line that checks signatures pays. */
type Kind = 'line' | 'npm-start' | 'bare' | 'floor';

interface Server {
  kind: Kind;
  child: ChildProcess;
  port: number;
  /** Spawn to accepting connections, in ms. */
  startMs: number;
  /** Its last output lines, kept until `keepOutput` is turned off (before the load). */
  output: string[];
  keepOutput: boolean;
}

const children = new Set<ChildProcess>();

/** A child, or the process group it leads (npm, and what it started). */
function signal(c: ChildProcess, sig: NodeJS.Signals): void {
  try {
    if (c.spawnargs[0] === 'npm') process.kill(-c.pid!, sig);
    else c.kill(sig);
  } catch {
    // already gone
  }
}

function killAll(sig: NodeJS.Signals): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) signal(c, sig);
}
process.on('exit', () => killAll('SIGKILL'));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    process.stderr.write(`\nbench: ${sig}: stopping the servers\n`);
    killAll('SIGKILL');
    process.exit(130);
  });
}
setTimeout(() => {
  process.stderr.write(`bench: still running after ${DEADLINE_MS / 60_000} minutes: giving up\n`);
  killAll('SIGKILL');
  process.exit(1);
}, DEADLINE_MS).unref();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Spawn a server and time it from spawn to its port accepting connections (same method for both). */
async function startServer(kind: Kind, bareTwiml?: string): Promise<Server> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST };
  if (kind === 'line' || kind === 'npm-start') {
    Object.assign(env, LINE_ENV, { LOG_LEVEL });
  } else {
    if (bareTwiml) env.BARE_TWIML = bareTwiml;
    if (kind === 'floor') Object.assign(env, { BARE_SIGNED: TOKEN, BARE_PUBLIC_BASE_URL: BASE });
  }
  const output: string[] = [];
  const t0 = performance.now();
  const child =
    kind === 'npm-start'
      ? spawn('npm', ['start'], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      : spawn(process.execPath, kind === 'line' ? [...LINE_NODE_FLAGS, LINE_ENTRY] : [BARE_ENTRY], {
          env,
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // Its output is kept for error messages until the load starts; then it is read and dropped.
  const state = { keepOutput: true };
  const keep = (chunk: Buffer) => {
    if (!state.keepOutput) return;
    output.push(...String(chunk).split('\n').filter(Boolean));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the ${kind} server exited (${child.exitCode ?? child.signalCode}) before listening:\n${output.join('\n')}`,
      );
    }
    if (await canConnect(port)) break;
    if (performance.now() - t0 > 30_000)
      throw new Error(`the ${kind} server did not listen within 30 s:\n${output.join('\n')}`);
    await sleep(2);
  }
  const startMs = performance.now() - t0;
  if (kind === 'npm-start' && output.some((l) => l.includes('Building first')))
    throw new Error(`npm start built the line first: its start time would be the build's\n${output.join('\n')}`);
  return Object.assign(state, { kind, child, port, startMs, output });
}

/** npm's own start-up: npm's built-in `env` script (it prints the environment), spawn to exit. */
async function npmOwnStart(): Promise<number> {
  const t0 = performance.now();
  const child = spawn('npm', ['run-script', '--silent', 'env'], { cwd: ROOT, stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`npm run-script env exited ${code}`);
  return performance.now() - t0;
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => s.child.once('exit', () => resolve()));
  signal(s.child, 'SIGTERM');
  const timer = setTimeout(() => signal(s.child, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time the process has used, in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

async function post(port: number, r: SignedRequest): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(`http://${HOST}:${port}${r.path}`, { method: 'POST', headers: r.headers, body: r.body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/**
 * The twilio modules in the line's bundle (scripts/bundle.mjs writes the list of its inputs):
 * its TwiML builder and webhook check, never the package root and its REST client.
 */
function twilioModulesOfTheLine(): string[] {
  const meta = JSON.parse(readFileSync(`${LINE_ENTRY}.meta.json`, 'utf8')) as { inputs: Record<string, unknown> };
  const files = Object.keys(meta.inputs)
    .filter((f) => f.includes('node_modules/twilio/'))
    .map((f) => f.slice(f.indexOf('node_modules/') + 13));
  const rest = files.filter(
    (f) => f === 'twilio/lib/index.js' || f.startsWith('twilio/lib/rest/') || f.startsWith('twilio/lib/base/'),
  );
  if (rest.length > 0)
    throw new Error(
      `the line bundles twilio's REST client (${rest.join(', ')}): import twilio/lib/twiml/VoiceResponse.js and twilio/lib/webhooks/webhooks.js only`,
    );
  return files;
}

// --- load ------------------------------------------------------------------------------------

interface Round {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  cpuMs: number;
}

async function load(s: Server, requests: SignedRequest[], seconds: number, expected: string): Promise<Round> {
  const pid = s.child.pid!;
  const cpu0 = cpuMs(pid);
  const r = await autocannon({
    url: `http://${HOST}:${s.port}`,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    requests: requests.map((q) => ({ ...q, headers: { ...q.headers } })),
    verifyBody: (body) => body === expected,
  });
  return {
    requests: r.requests.total,
    seconds: r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    mismatches: r.mismatches,
    cpuMs: cpuMs(pid) - cpu0,
  };
}

interface Side {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** What the errors were, e.g. "non-2xx 3, timeouts 1"; empty when none. */
  errorKinds: string;
  cpuUsPerRequest: number;
  bytes: number;
}

function summarize(rounds: Round[], bytes: number): Side {
  const requests = rounds.reduce((a, r) => a + r.requests, 0);
  const seconds = rounds.reduce((a, r) => a + r.seconds, 0);
  const p50s = rounds.map((r) => r.p50).sort((a, b) => a - b);
  return {
    rps: requests / seconds,
    p50: p50s[Math.floor(p50s.length / 2)] ?? NaN,
    // The worst round's p99: percentiles of separate runs do not average.
    p99: Math.max(...rounds.map((r) => r.p99)),
    errors: rounds.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts + r.mismatches, 0),
    errorKinds: (['non2xx', 'errors', 'timeouts', 'mismatches'] as const)
      .map(
        (k) =>
          [
            k === 'non2xx' ? 'non-2xx' : k === 'errors' ? 'connection errors' : k === 'mismatches' ? 'wrong bodies' : k,
            rounds.reduce((a, r) => a + r[k], 0),
          ] as const,
      )
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', '),
    cpuUsPerRequest: (rounds.reduce((a, r) => a + r.cpuMs, 0) * 1000) / Math.max(1, requests),
    bytes,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(header), '| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |', ...rows.map(line)].join('\n');
}

// --- the run ---------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now();
  const cpuModel = cpus()[0]?.model ?? 'unknown';
  console.log(
    `bench: ${cpus().length} CPUs (${cpuModel}), node ${process.version}, ${CONNECTIONS} connections, 127.0.0.1, the line's LOG_LEVEL=${LOG_LEVEL}`,
  );

  console.log(`twilio modules in the line's bundle: ${twilioModulesOfTheLine().join(', ')}`);

  const line = await startServer('line');
  const lineStarts = [line.startMs];

  // Sanity: ready, signature checks on, and each webhook answers the TwiML it should.
  const health = await fetch(`http://${HOST}:${line.port}/health`);
  if (health.status !== 200) throw new Error(`the line's /health answered ${health.status}`);
  const [forged] = signedRequests(WEBHOOKS[0]!, 1, 'not-the-token');
  const refused = await post(line.port, forged!);
  if (refused.status !== 403)
    throw new Error(`the line answered ${refused.status} to a forged signature: are signature checks on?`);
  const pools = WEBHOOKS.map((w) => signedRequests(w, CONNECTIONS));
  const answers: string[] = [];
  for (const [i, w] of WEBHOOKS.entries()) {
    const a = await post(line.port, pools[i]![0]!);
    if (a.status !== 200 || !a.type.startsWith('text/xml') || !w.expect.test(a.body)) {
      throw new Error(`${w.name}: unexpected answer ${a.status} ${a.type}:\n${a.body}\n${line.output.join('\n')}`);
    }
    answers.push(a.body);
  }

  const bare = await startServer('bare', answers[0]);
  const bareStarts = [bare.startMs];
  const bareAnswer = (await post(bare.port, pools[0]![0]!)).body;
  if (bareAnswer !== answers[0]) throw new Error("the bare server does not answer the line's greeting");
  const floor = await startServer('floor', answers[0]);
  if ((await post(floor.port, forged!)).status !== 403) throw new Error('the floor server does not check signatures');
  if ((await post(floor.port, pools[0]![0]!)).body !== answers[0])
    throw new Error("the floor server does not answer the line's greeting");

  line.keepOutput = false;
  bare.keepOutput = false;
  floor.keepOutput = false;
  const results: Array<{ webhook: Webhook; line: Side; bare: Side; ratios: number[] }> = [];
  let floorResult: { side: Side; ratios: number[]; lineRatios: number[] } | undefined;
  for (const [i, w] of WEBHOOKS.entries()) {
    const pool = pools[i]!;
    // POST /voice also drives the floor server, in the same alternation.
    const withFloor = i === 0;
    process.stdout.write(
      `${w.name}: warm-up ${WARMUP_S} s each, then ${w.rounds} x ${w.seconds} s ${withFloor ? 'line/bare/floor' : 'line/bare'} alternating `,
    );
    await load(line, pool, WARMUP_S, answers[i]!);
    await load(bare, pool, WARMUP_S, bareAnswer);
    if (withFloor) await load(floor, pool, WARMUP_S, bareAnswer);
    const lr: Round[] = [];
    const br: Round[] = [];
    const fr: Round[] = [];
    for (let round = 0; round < w.rounds; round++) {
      lr.push(await load(line, pool, w.seconds, answers[i]!));
      br.push(await load(bare, pool, w.seconds, bareAnswer));
      if (withFloor) fr.push(await load(floor, pool, w.seconds, bareAnswer));
      process.stdout.write('.');
    }
    process.stdout.write('\n');
    const rate = (r: Round) => r.requests / r.seconds;
    const ratios = lr.map((r, k) => rate(r) / rate(br[k]!));
    results.push({
      webhook: w,
      line: summarize(lr, Buffer.byteLength(answers[i]!)),
      bare: summarize(br, Buffer.byteLength(bareAnswer)),
      ratios,
    });
    if (withFloor) {
      floorResult = {
        side: summarize(fr, Buffer.byteLength(bareAnswer)),
        ratios: fr.map((r, k) => rate(r) / rate(br[k]!)),
        lineRatios: lr.map((r, k) => rate(r) / rate(fr[k]!)),
      };
    }
  }
  await stopServer(floor);

  const rss = { line: procStatus(line.child.pid!, 'VmRSS'), bare: procStatus(bare.child.pid!, 'VmRSS') };
  const hwm = { line: procStatus(line.child.pid!, 'VmHWM'), bare: procStatus(bare.child.pid!, 'VmHWM') };
  await stopServer(line);
  await stopServer(bare);

  // More starts, alternating, each stopped once it listens; npm start, and npm's own start-up.
  const npmStarts: number[] = [];
  const npmOwnStarts: number[] = [];
  for (let k = 0; k < STARTS; k++) {
    if (k > 0) {
      const b = await startServer('bare', answers[0]);
      bareStarts.push(b.startMs);
      await stopServer(b);
      const l = await startServer('line');
      lineStarts.push(l.startMs);
      await stopServer(l);
    }
    npmOwnStarts.push(await npmOwnStart());
    const n = await startServer('npm-start');
    npmStarts.push(n.startMs);
    await stopServer(n);
  }

  const f0 = (x: number) => x.toFixed(0);
  const f1 = (x: number) => x.toFixed(1);
  const f2 = (x: number) => x.toFixed(2);
  console.log('');
  console.log(
    table(
      [
        'webhook',
        'line req/s',
        'bare req/s',
        'ratio',
        'ratio per round',
        'line p50/p99 ms',
        'bare p50/p99 ms',
        'line errors',
        'bare errors',
        'line CPU µs/req',
        'bare CPU µs/req',
        'bytes',
      ],
      results.map(({ webhook, line: l, bare: b, ratios }) => [
        webhook.name,
        f0(l.rps),
        f0(b.rps),
        f2(l.rps / b.rps),
        `${f2(Math.min(...ratios))}-${f2(Math.max(...ratios))}`,
        `${l.p50} / ${l.p99}`,
        `${b.p50} / ${b.p99}`,
        l.errors ? `${l.errors} (${l.errorKinds})` : '0',
        b.errors ? `${b.errors} (${b.errorKinds})` : '0',
        f0(l.cpuUsPerRequest),
        f0(b.cpuUsPerRequest),
        `${l.bytes} / ${b.bytes}`,
      ]),
    ),
  );
  const lineStart = median(lineStarts);
  const bareStart = median(bareStarts);
  const npmStart = median(npmStarts);
  const npmOwn = median(npmOwnStarts);
  console.log('');
  console.log(
    table(
      ['server', `start ms (median of ${STARTS})`, 'start ms (all)', 'RSS MB after load', 'peak RSS MB'],
      [
        [
          `line (node ${LINE_NODE_FLAGS.join(' ')} dist/server.mjs)`,
          f0(lineStart),
          lineStarts.map(f0).join(' '),
          f1(rss.line),
          f1(hwm.line),
        ],
        ['line (npm start)', f0(npmStart), npmStarts.map(f0).join(' '), '', ''],
        ["npm's own start-up (npm run-script env, to exit)", f0(npmOwn), npmOwnStarts.map(f0).join(' '), '', ''],
        ['bare Fastify', f0(bareStart), bareStarts.map(f0).join(' '), f1(rss.bare), f1(hwm.bare)],
      ],
    ),
  );

  const voice = results[0]!;
  if (floorResult) {
    const f = floorResult;
    const range = (xs: number[]) => `${f2(Math.min(...xs))}-${f2(Math.max(...xs))}`;
    console.log('');
    console.log(
      `floor, POST /voice (bare Fastify + a pino logger at warn + the line's signature check): ${f0(f.side.rps)} req/s, ` +
        `${f2(f.side.rps / voice.bare.rps)} of bare (rounds ${range(f.ratios)}), p50/p99 ${f.side.p50} / ${f.side.p99} ms, CPU ${f0(f.side.cpuUsPerRequest)} µs/req, errors ${f.side.errors}; ` +
        `the line is ${f2(voice.line.rps / f.side.rps)} of the floor (rounds ${range(f.lineRatios)})`,
    );
  }
  const targets: Array<[string, boolean, string]> = [
    ['POST /voice >= 0.8 x bare req/s', voice.line.rps / voice.bare.rps >= 0.8, f2(voice.line.rps / voice.bare.rps)],
    [
      'p99 < 10 ms (every webhook)',
      results.every((r) => r.line.p99 < 10),
      results.map((r) => r.line.p99).join(', ') + ' ms',
    ],
    ['zero errors', results.every((r) => r.line.errors === 0), String(results.reduce((a, r) => a + r.line.errors, 0))],
    [
      'start <= 2 x bare start',
      lineStart <= 2 * bareStart,
      `${f0(lineStart)} ms vs ${f0(bareStart)} ms (${f2(lineStart / bareStart)} x)`,
    ],
    [
      "npm start <= 2 x bare start + npm's own start-up",
      npmStart <= 2 * bareStart + npmOwn,
      `${f0(npmStart)} ms vs 2 x ${f0(bareStart)} + ${f0(npmOwn)} = ${f0(2 * bareStart + npmOwn)} ms (npm start less npm: ${f2((npmStart - npmOwn) / bareStart)} x bare)`,
    ],
    ['RSS after load <= 100 MB', rss.line <= 100, `${f1(rss.line)} MB (bare Fastify ${f1(rss.bare)} MB)`],
  ];
  console.log('');
  for (const [what, ok, value] of targets) console.log(`${ok ? 'met   ' : 'MISSED'}  ${what}: ${value}`);
  console.log(`\nbench: ${f0((performance.now() - began) / 1000)} s`);

  if (process.env.BENCH_JSON) {
    writeFileSync(
      process.env.BENCH_JSON,
      JSON.stringify(
        {
          cpus: cpus().length,
          cpuModel,
          node: process.version,
          connections: CONNECTIONS,
          results,
          floor: floorResult,
          lineStarts,
          bareStarts,
          npmStarts,
          npmOwnStarts,
          rss,
          hwm,
        },
        null,
        2,
      ),
    );
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    killAll('SIGKILL');
    process.exit(1);
  },
);
