/**
 * `npm run bench`: the line's four webhooks against the floor, then start time and memory,
 * against the budgets (docs/performance.md).
 *
 * The floor is bench/floor.ts: Fastify + formbody + a pino logger at warn answering the line's
 * own TwiML, with Twilio's signature checked by the `twilio` package. autocannon posts signed
 * forms as Twilio sends them over 127.0.0.1, 50 connections; after a warm-up, rounds alternate
 * floor, line (and each other line of BENCH_LINES), so each round's ratio compares servers under
 * the same load on a shared machine. Then the starts, alternating: bare Fastify (bench/floor.ts
 * without a token), the line, `npm start`, and npm's own start-up (npm's built-in `env` script, spawn to exit).
 *
 * Environment (optional): BENCH_ROUNDS (3), BENCH_SECONDS (3), BENCH_WARMUP (2), BENCH_STARTS (5),
 * BENCH_CONNECTIONS (50), BENCH_WEBHOOKS (names to run, comma-separated: voice,menu,dial,fallback),
 * BENCH_LINES: the lines to compare, `name=bundle [--node-flag] [VAR=value]` separated by `;`
 * (default `line=dist/server.mjs`; the first is the one the budgets and start times are about).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import webhooks from 'twilio/lib/webhooks/webhooks.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const HOST = '127.0.0.1';
const BASE = 'https://ivr.example.be';
const TOKEN = 'bench-auth-token-0123456789abcdef';
const HOTLINE = '+3225550100';
const num = (name: string, fallback: number) => Number(process.env[name]) || fallback;
const ROUNDS = num('BENCH_ROUNDS', 3);
const SECONDS = num('BENCH_SECONDS', 3);
const WARMUP = num('BENCH_WARMUP', 2);
const STARTS = num('BENCH_STARTS', 5);
const CONNECTIONS = num('BENCH_CONNECTIONS', 50);

interface Webhook {
  name: string;
  path: string;
  extra: Record<string, string>;
  expect: RegExp;
}
const ALL_WEBHOOKS: Webhook[] = [
  { name: 'voice', path: '/voice', extra: { CallStatus: 'ringing' }, expect: /<Gather[^>]*menu=lang/ },
  {
    name: 'menu',
    path: '/voice/menu?lang=fr&menu=main&tries=0',
    extra: { Digits: '1', FinishedOnKey: '' },
    expect: /<Dial[^>]*action="[^"]*\/voice\/dial\?/,
  },
  {
    name: 'dial',
    path: '/voice/dial?lang=fr&service=surya',
    extra: { DialCallStatus: 'busy', DialCallSid: `CA${'b'.repeat(32)}`, DialCallDuration: '0' },
    expect: /<Gather[^>]*menu=alt/,
  },
  { name: 'fallback', path: '/voice/fallback', extra: { ErrorCode: '11200' }, expect: /<Dial/ },
];
const only = process.env.BENCH_WEBHOOKS?.split(',');
const WEBHOOKS = ALL_WEBHOOKS.filter((w) => !only || only.includes(w.name));

interface LineSpec {
  name: string;
  entry: string;
  flags: string[];
  env: Record<string, string>;
}
const LINES: LineSpec[] = (process.env.BENCH_LINES || 'line=dist/server.mjs').split(';').map((spec) => {
  const [head = '', ...rest] = spec.trim().split(/\s+/);
  const [name = '', entry = ''] = head.split('=');
  const env = Object.fromEntries(rest.filter((t) => !t.startsWith('--')).map((t) => t.split('=', 2)));
  return { name, entry: ROOT + entry, flags: rest.filter((t) => t.startsWith('--')), env };
});

/** One signed request per simulated call (the server checks a different signature each time). */
function requests(w: Webhook, token = TOKEN) {
  return Array.from({ length: CONNECTIONS }, (_, i) => {
    const caller = `+3247${String(1_000_000 + i)}`;
    const params: Record<string, string> = {
      AccountSid: `AC${'1'.repeat(32)}`,
      ApiVersion: '2010-04-01',
      CallSid: `CA${i.toString(16).padStart(32, '0')}`,
      CallStatus: 'in-progress',
      Called: HOTLINE,
      CalledCountry: 'BE',
      Caller: caller,
      CallerCountry: 'BE',
      Direction: 'inbound',
      From: caller,
      FromCountry: 'BE',
      To: HOTLINE,
      ToCountry: 'BE',
      ...w.extra,
    };
    return {
      method: 'POST' as const,
      path: w.path,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': webhooks.getExpectedTwilioSignature(token, BASE + w.path, params),
      },
      body: new URLSearchParams(params).toString(),
    };
  });
}

// --- servers ---------------------------------------------------------------------------------

interface Server {
  name: string;
  child: ChildProcess;
  port: number;
  startMs: number;
}
const children = new Set<ChildProcess>();
/** A child, or the process group it leads (npm and what it started). */
const stop = (c: ChildProcess, sig: NodeJS.Signals = 'SIGTERM') => {
  try {
    if (c.spawnargs[0] === 'npm') process.kill(-c.pid!, sig);
    else c.kill(sig);
  } catch {
    // already gone
  }
};
process.on('exit', () => {
  for (const c of children) stop(c, 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, HOST, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function start(name: string, command: string, args: string[], env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: command === 'npm',
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before listening`);
    const up = await fetch(`http://${HOST}:${port}/`, { method: 'HEAD' }).then(
      () => true,
      () => false,
    );
    if (up) return { name, child, port, startMs: performance.now() - t0 };
    if (performance.now() - t0 > 30_000) throw new Error(`${name} did not listen within 30 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const LINE_ENV = {
  NODE_ENV: 'production',
  TWILIO_AUTH_TOKEN: TOKEN,
  PUBLIC_BASE_URL: BASE,
  HOTLINE_NUMBER: HOTLINE,
  TRUST_PROXY: '',
  LOG_LEVEL: 'warn',
};
const startLine = (l: LineSpec) => start(l.name, process.execPath, [...l.flags, l.entry], { ...LINE_ENV, ...l.env });
const startFloor = (twiml: Record<string, string>, token?: string) =>
  start(token ? 'floor' : 'bare', process.execPath, [`${ROOT}dist-bench/bench/floor.js`], {
    FLOOR_TWIML: JSON.stringify(twiml),
    ...(token ? { FLOOR_TOKEN: token, FLOOR_BASE: BASE } : {}),
  });
async function stopped(s: Server): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  stop(s.child);
  await exited;
}

const proc = (pid: number, file: string) => readFileSync(`/proc/${pid}/${file}`, 'utf8');
const rssMb = (pid: number) => Number(/^VmRSS:\s+(\d+)/m.exec(proc(pid, 'status'))?.[1]) / 1024;
/** User + system CPU time, in clock ticks (100 a second on Linux). */
const cpuTicks = (pid: number) => {
  const f = proc(pid, 'stat').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
};

// --- load ------------------------------------------------------------------------------------

interface Round {
  rps: number;
  p99: number;
  errors: number;
  cpuUs: number;
}
async function load(s: Server, reqs: ReturnType<typeof requests>, seconds: number, expected: string): Promise<Round> {
  const cpu0 = cpuTicks(s.child.pid!);
  const r = await autocannon({
    url: `http://${HOST}:${s.port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: reqs,
    verifyBody: (body) => body === expected,
  });
  return {
    rps: r.requests.total / r.duration,
    p99: r.latency.p99,
    errors: r.non2xx + r.errors + r.timeouts + r.mismatches,
    cpuUs: ((cpuTicks(s.child.pid!) - cpu0) * 10_000) / Math.max(1, r.requests.total),
  };
}

const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const f = (x: number, d = 0) => x.toFixed(d);
const span = (xs: number[]) => `${f(Math.min(...xs), 2)}-${f(Math.max(...xs), 2)}`;

async function main(): Promise<void> {
  const t0 = performance.now();
  console.log(
    `bench: ${cpus().length} CPUs, node ${process.version}, load ${loadavg().map((x) => f(x, 2))}, ` +
      `${CONNECTIONS} connections, ${ROUNDS} x ${SECONDS} s rounds after ${WARMUP} s warm-up`,
  );
  const lines: Server[] = [];
  for (const l of LINES) lines.push(await startLine(l));
  // Each line must answer each webhook as it should; the floor answers the first line's TwiML.
  const pools = WEBHOOKS.map((w) => requests(w));
  const answers: string[][] = [];
  for (const s of lines) {
    const forged = await fetch(`http://${HOST}:${s.port}/voice`, requests(ALL_WEBHOOKS[0]!, 'forged')[0]!);
    if (forged.status !== 403) throw new Error(`${s.name} answered ${forged.status} to a forged signature`);
    const mine: string[] = [];
    for (const [i, w] of WEBHOOKS.entries()) {
      const res = await fetch(`http://${HOST}:${s.port}${w.path}`, pools[i]![0]!);
      const body = await res.text();
      if (res.status !== 200 || !w.expect.test(body)) throw new Error(`${s.name}, ${w.name}: ${res.status} ${body}`);
      mine.push(body);
    }
    answers.push(mine);
  }
  const floor = await startFloor(
    Object.fromEntries(WEBHOOKS.map((w, i) => [w.path.split('?')[0], answers[0]![i]])),
    TOKEN,
  );
  const forged = await fetch(`http://${HOST}:${floor.port}/voice`, requests(ALL_WEBHOOKS[0]!, 'forged')[0]!);
  if (forged.status !== 403) throw new Error('the floor does not check signatures');

  const p99s: number[] = [];
  let voiceRatios: number[] = [];
  for (const [i, w] of WEBHOOKS.entries()) {
    const servers = [floor, ...lines];
    const expected = [answers[0]![i]!, ...answers.map((a) => a[i]!)];
    for (const [k, s] of servers.entries()) await load(s, pools[i]!, WARMUP, expected[k]!);
    const rounds: Round[][] = servers.map(() => []);
    for (let r = 0; r < ROUNDS; r++)
      for (const [k, s] of servers.entries()) rounds[k]!.push(await load(s, pools[i]!, SECONDS, expected[k]!));
    console.log(`\n${w.name} (POST ${w.path}): req/s, ratio to the floor (per round), worst p99, CPU per request`);
    for (const [k, s] of servers.entries()) {
      const rs = rounds[k]!;
      const ratios = rs.map((x, j) => x.rps / rounds[0]![j]!.rps);
      const rps = mean(rs.map((x) => x.rps));
      const p99 = Math.max(...rs.map((x) => x.p99));
      const errors = rs.reduce((a, x) => a + x.errors, 0);
      if (k === 1) p99s.push(p99);
      if (k === 1 && w.name === 'voice') voiceRatios = ratios;
      console.log(
        `  ${s.name.padEnd(12)} ${f(rps).padStart(6)} req/s  ${k === 0 ? ' '.repeat(16) : `${f(mean(ratios), 2)} (${span(ratios)})`}` +
          `  p99 ${f(p99).padStart(2)} ms  ${f(median(rs.map((x) => x.cpuUs))).padStart(4)} µs CPU  errors ${errors}`,
      );
    }
  }
  const rss = lines.map((s) => rssMb(s.child.pid!));
  // The floor's, after the same load: what Node and Fastify alone come to.
  const floorRss = rssMb(floor.child.pid!);
  console.log(
    `\nRSS after the load: ${lines.map((s, k) => `${s.name} ${f(rss[k]!, 1)} MB`).join(', ')}; the floor ${f(floorRss, 1)} MB`,
  );
  await Promise.all([floor, ...lines].map(stopped));

  const starts: Record<'bare' | 'line' | 'npmStart' | 'npm', number[]> = { bare: [], line: [], npmStart: [], npm: [] };
  for (let k = 0; k < STARTS; k++) {
    for (const [key, run] of [
      ['bare', () => startFloor({})],
      ['line', () => startLine(LINES[0]!)],
      ['npmStart', () => start('npm start', 'npm', ['start'], LINE_ENV)],
    ] as const) {
      const s = await run();
      starts[key].push(s.startMs);
      await stopped(s);
    }
    const n0 = performance.now();
    await new Promise((r) => spawn('npm', ['run', '--silent', 'env'], { cwd: ROOT, stdio: 'ignore' }).once('exit', r));
    starts.npm.push(performance.now() - n0);
  }
  const m = Object.fromEntries(Object.entries(starts).map(([k, v]) => [k, median(v)])) as Record<
    keyof typeof starts,
    number
  >;
  console.log(`\nstart, spawn to listening, median of ${STARTS} (all, ms):`);
  for (const [k, v] of Object.entries(starts))
    console.log(`  ${k.padEnd(9)} ${f(median(v)).padStart(5)} ms  (${v.map((x) => f(x)).join(' ')})`);

  const budgets: Array<[string, boolean, string]> = [
    ...(voiceRatios.length
      ? [
          [
            'POST /voice >= 0.8 x the floor',
            mean(voiceRatios) >= 0.8,
            `${f(mean(voiceRatios), 2)} (${span(voiceRatios)})`,
          ] as [string, boolean, string],
        ]
      : []),
    ['p99 <= 10 ms at 50 connections, every webhook', p99s.every((p) => p <= 10), `${p99s.join(', ')} ms`],
    [
      "npm start <= 2 x bare Fastify + npm's own",
      m.npmStart <= 2 * m.bare + m.npm,
      `${f(m.npmStart)} ms vs 2 x ${f(m.bare)} + ${f(m.npm)} = ${f(2 * m.bare + m.npm)} ms`,
    ],
    ['RSS after load <= 100 MB', rss[0]! <= 100, `${f(rss[0]!, 1)} MB (the floor: ${f(floorRss, 1)} MB)`],
  ];
  console.log('');
  for (const [what, ok, value] of budgets) console.log(`${ok ? 'met   ' : 'MISSED'}  ${what}: ${value}`);
  console.log(`\nbench: ${f((performance.now() - t0) / 1000)} s, load ${loadavg().map((x) => f(x, 2))}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
