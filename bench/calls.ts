/**
 * bench:calls — N simulated callers walk whole calls through the built server, over
 * 127.0.0.1 only, signed as Twilio signs: language choice (sometimes after silence), menus,
 * information, wrong keys, transfers and every dial outcome, alternatives, the after-call menu
 * and goodbye. Reports calls completed, errors, and p50/p99/max latency per webhook.
 *
 *   npm run bench:calls                      # 200 concurrent callers, 4000 calls
 *   CALLERS=500 CALLS=10000 npm run bench:calls
 *
 * Bounded: CALLS calls at most, MAX_SECONDS (default 120) at most; then it stops the server
 * with SIGTERM (which must exit 0) and scans the server's log for the callers' numbers.
 * Callers do not pause between webhooks (a real caller listens for seconds): a far heavier
 * load than the same number of real calls. The client shares the machine's cores.
 * Exit code 0 only with zero errors, every call completed and a clean stop.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync, closeSync, mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import webhooks from 'twilio/lib/webhooks/webhooks.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CALLERS = Number(process.env.CALLERS ?? 200);
const CALLS = Number(process.env.CALLS ?? 4000);
const MAX_SECONDS = Number(process.env.MAX_SECONDS ?? 120);
const MAX_STEPS = 30;
const TOKEN = randomBytes(16).toString('hex');

// --- a tiny seeded random, so a run's walks can be replayed (SEED) -------------------------
let seed = Number(process.env.SEED ?? 20261130) >>> 0;
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

// --- the server ----------------------------------------------------------------------------
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const BASE = `http://127.0.0.1:${port}`;
const logDir = mkdtempSync(join(tmpdir(), 'bench-calls-'));
const logFile = join(logDir, 'server.log');
const logFd = openSync(logFile, 'w');
const server = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'server.js')], {
  cwd: ROOT,
  env: {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    TWILIO_AUTH_TOKEN: TOKEN,
    PUBLIC_BASE_URL: BASE,
    NODE_ENV: 'production',
    HOTLINE_NUMBER: '+3225550100',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  },
  stdio: ['ignore', logFd, logFd],
});
const serverExit = new Promise<number | string>((r) =>
  server.on('exit', (code, signal) => r(code ?? signal ?? 'unknown')),
);

const agent = new Agent({ keepAlive: true, maxSockets: CALLERS });

interface Answer {
  status: number;
  type: string;
  body: string;
}

function send(method: 'GET' | 'POST', path: string, params?: Record<string, string>): Promise<Answer> {
  const body = params ? new URLSearchParams(params).toString() : '';
  const headers: Record<string, string | number> = { 'user-agent': 'TwilioProxy/1.1 (bench)' };
  if (params) {
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
    headers['content-length'] = Buffer.byteLength(body);
    headers['x-twilio-signature'] = webhooks.getExpectedTwilioSignature(TOKEN, BASE + path, params);
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout (15 s, as Twilio)')));
    req.on('error', reject);
    req.end(body);
  });
}

for (let i = 0; ; i++) {
  if (i > 200) throw new Error('the server did not become ready');
  const ok = await send('GET', '/health').then(
    (r) => r.status === 200,
    () => false,
  );
  if (ok) break;
  const code = await Promise.race([serverExit, new Promise((r) => setTimeout(r, 50, undefined))]);
  if (code !== undefined) throw new Error(`the server exited (${code}): see ${logFile}`);
}

// --- a caller ------------------------------------------------------------------------------
const latencies: Record<string, number[]> = { '/voice': [], '/voice/menu': [], '/voice/dial': [] };
const errors: string[] = [];
const fromNumbers = new Set<string>();
let completed = 0;
let requests = 0;

const decode = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'");

interface Doc {
  gather?: string;
  redirect?: string;
  dial?: string;
  hangup: boolean;
}

function parse(a: Answer, path: string): Doc {
  if (a.status !== 200) throw new Error(`${path}: HTTP ${a.status}`);
  if (!/^text\/xml/.test(a.type)) throw new Error(`${path}: content-type ${a.type}`);
  if (!a.body.startsWith('<?xml') || !a.body.includes('<Response>') || !a.body.endsWith('</Response>'))
    throw new Error(`${path}: not a TwiML document`);
  const gather = /<Gather [^>]*action="([^"]+)"/.exec(a.body)?.[1];
  const redirect = /<Redirect[^>]*>([^<]+)<\/Redirect>/.exec(a.body)?.[1];
  const dial = /<Dial [^>]*action="([^"]+)"/.exec(a.body)?.[1];
  const doc: Doc = { hangup: a.body.includes('<Hangup/>') };
  if (gather) doc.gather = decode(gather);
  if (redirect) doc.redirect = decode(redirect);
  if (dial) doc.dial = decode(dial);
  if (!doc.gather && !doc.dial && !doc.hangup)
    throw new Error(`${path}: a dead end (no Gather, Dial action or Hangup)`);
  return doc;
}

/** Keys a caller means to press after the language choice; then the walk ends the call. */
const PLANS: ReadonlyArray<readonly string[]> = [
  ['1'], // speak to someone now: the first open centre
  ['2', '1'],
  ['2', '2'],
  ['2', '3'],
  ['3', '1'],
  ['3', '2'],
  ['3', '3'],
  ['4'], // 1712 (closed at night and at weekends: the offers)
  ['5', '1'], // the police's number said, then a centre from the offers
  ['6', '1', '3', '1'], // information, a section, hear it again, a centre
  ['6', '2', '2', '5', '1'],
  ['6', '3', '*', '1'],
  ['7', '2', '1'], // a wrong key first
  ['9', '2', '2'], // the language choice again first
  ['8', '8', '8'], // three wrong keys: the safety net
];
const OUTCOMES = ['completed', 'completed', 'completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled'];

async function call(n: number): Promise<void> {
  const from = `+32 47${String(n % 10)} ${String(100000 + ((n * 7919) % 900000)).replace(/(\d\d)(\d\d)(\d\d)/, '$1 $2 $3')}`;
  const e164 = from.replace(/\s/g, '');
  fromNumbers.add(e164);
  const base = {
    AccountSid: 'AC' + '0'.repeat(32),
    CallSid: 'CA' + n.toString(16).padStart(32, '0'),
    From: e164,
    Caller: e164,
    To: '+3225550100',
    Called: '+3225550100',
    CallStatus: 'in-progress',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
  };
  const post = async (url: string, extra: Record<string, string> = {}) => {
    const path = url.startsWith(BASE) ? url.slice(BASE.length) : url;
    const t0 = performance.now();
    const a = await send('POST', path, { ...base, ...extra });
    const ms = performance.now() - t0;
    requests++;
    latencies[path.split('?')[0]!]?.push(ms);
    return parse(a, path);
  };

  let doc = await post('/voice');
  if (random() < 0.1) doc = await post(doc.redirect!); // silence once: the greeting again
  const plan = [pick(['1', '2', '3']), ...pick(PLANS)];
  let dialled = 0;
  for (let step = 0; step < MAX_STEPS; step++) {
    if (doc.hangup) {
      completed++;
      return;
    }
    if (doc.dial) {
      dialled++;
      // After two transfers, the third one is answered: every call ends.
      const outcome = dialled >= 3 ? 'completed' : pick(OUTCOMES);
      doc = await post(doc.dial, {
        DialCallStatus: outcome,
        DialCallSid: 'CA' + 'd'.repeat(32),
        DialCallDuration: outcome === 'completed' ? '42' : '0',
        // Reached only when bridged (a person took the call).
        DialBridged: String(outcome === 'completed'),
      });
      continue;
    }
    const action = doc.gather!;
    let key = plan.shift();
    if (key === undefined) {
      // The plan is done: in the after-call menu wrong keys until goodbye; elsewhere (the
      // offers included) key 1, a specialised centre, or a wrong key when none is offered.
      key = action.includes('menu=end') ? '5' : '1';
    }
    doc = await post(action, { Digits: key });
  }
  throw new Error(`call ${n} did not end within ${MAX_STEPS} webhooks`);
}

// --- the run -------------------------------------------------------------------------------
const started = performance.now();
const deadline = started + MAX_SECONDS * 1000;
let next = 0;
let stoppedByTime = false;
await Promise.all(
  Array.from({ length: CALLERS }, async () => {
    while (next < CALLS) {
      if (performance.now() > deadline) {
        stoppedByTime = true;
        return;
      }
      const n = next++;
      try {
        await call(n);
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
agent.destroy();

server.kill('SIGTERM');
const exitCode = await serverExit;
closeSync(logFd);
const log = readFileSync(logFile, 'utf8');
// Every Belgian number in the log, as sent (E.164), spaced, or in the national format, not
// glued to other digits (a responseTime of 0.30471200000 is not a number), against the callers'.
const national = (x: string) => '0' + x.replace(/\D/g, '').replace(/^32/, '');
const inLog = new Set(
  (log.match(/(?<![\d.])(?:\+32(?: ?\d){9}|0\d{9})(?!\d)/g) ?? []).map((x) => (x.startsWith('+') ? national(x) : x)),
);
const leaked = [...fromNumbers].filter((f) => inLog.has(national(f))).length;
const logErrors = log.split('\n').filter((l) => /"level":(50|60)/.test(l)).length;

// --- the report ----------------------------------------------------------------------------
function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
const ms = (x: number) => x.toFixed(1);
const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
console.log(`bench:calls — ${CALLERS} concurrent callers, ${CALLS} calls asked, no pause between webhooks`);
console.log(`machine: ${cpus().length} cores (${cpu}), Node ${process.version}, ${process.platform}`);
console.log(
  `calls completed: ${completed} / ${next}${stoppedByTime ? ` (stopped at ${MAX_SECONDS} s)` : ''}   errors: ${errors.length}   webhooks: ${requests} in ${seconds.toFixed(1)} s (${(requests / seconds).toFixed(0)}/s)`,
);
console.log('');
console.log('| webhook | requests | p50 ms | p99 ms | max ms |');
console.log('|---|---:|---:|---:|---:|');
for (const [path, xs] of Object.entries(latencies)) {
  console.log(`| POST ${path} | ${xs.length} | ${ms(pct(xs, 50))} | ${ms(pct(xs, 99))} | ${ms(Math.max(...xs))} |`);
}
console.log('');
console.log(
  `server: stopped by SIGTERM with exit code ${exitCode}; log lines at error level: ${logErrors}; callers' numbers in its log: ${leaked}`,
);
if (errors.length) {
  const counts = new Map<string, number>();
  for (const e of errors) counts.set(e, (counts.get(e) ?? 0) + 1);
  console.log('errors:');
  for (const [e, c] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${c} × ${e}`);
}
const ok = errors.length === 0 && completed === next && next > 0 && exitCode === 0 && leaked === 0 && logErrors === 0;
console.log(ok ? 'OK' : `FAILED (server log: ${logFile})`);
process.exit(ok ? 0 : 1);
