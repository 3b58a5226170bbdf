/**
 * npm run report, against a real Prometheus (Debian's `prometheus` package, installed by
 * scripts/check-ops.sh and .ci/run), started once for this file on 127.0.0.1 and a free port,
 * on data this test writes with `promtool tsdb create-blocks-from openmetrics`: five weeks of
 * the daily counts that deploy/figures.yml and deploy/alerts.yml record, made from events the
 * test lays out (a series that appears, the end of summer time), with the small
 * excess increase() adds by extrapolating. The figures must be the test's own counts.
 * The rules themselves are tested by promtool (deploy/figures.test.yml). Backfilling them here
 * with `promtool tsdb create-blocks-from rules` writes one block per 2 hours (472 for these
 * five weeks) and took over 10 minutes on the shared test machine: too slow for the suite.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brusselsMidnight, period, reportCli } from '../src/cli/report.js';
import { ROOT } from '../src/config/paths.js';
import { runNode } from './helpers/built.js';

const REPORT_CLI = join(ROOT, 'dist', 'cli', 'report.js');
const HAS_PROMETHEUS = ['prometheus', 'promtool'].every(
  (tool) => spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0,
);

// --- the line's counters, as data ------------------------------------------------------------

const START = Date.parse('2026-10-24T00:00:00Z');
const END = Date.parse('2026-12-02T06:00:00Z');

interface Event {
  at: number;
  labels: string;
}

/** The events one of the line's counters counts. */
interface Counter {
  name: string;
  events: Event[];
}

const day = (i: number) => START + i * 86_400_000; // 00:00 UTC, day i
const DAYS = 39; // 24 October to 1 December
const counters: Counter[] = [
  { name: 'helpline_calls_total', events: [] },
  { name: 'helpline_call_language_total', events: [] },
  { name: 'helpline_menu_choices_total', events: [] },
  { name: 'helpline_transfers_total', events: [] },
  { name: 'helpline_transfer_outcomes_total', events: [] },
];
const [calls, languages, choices, transfers, outcomes] = counters as [Counter, Counter, Counter, Counter, Counter];
for (let i = 0; i < DAYS; i++) {
  const date = new Date(day(i)).getUTCDate();
  const n = (date % 4) + 1; // 1 to 4 calls a day, around the middle of the day
  for (let k = 0; k < n; k++) {
    const at = day(i) + 10 * 3_600_000 + k * 50 * 60_000;
    calls.events.push({ at, labels: '' });
    // Dutch from 5 November on (its series appears then), every other call; French otherwise.
    const nl = at >= Date.parse('2026-11-05T00:00:00Z') && k % 2 === 1;
    languages.events.push({ at, labels: `language="${nl ? 'nl' : 'fr'}",via="key"` });
    choices.events.push({ at, labels: `menu="main",key="${k === 0 ? '1' : '2'}"` });
  }
  // A transfer a day to pag-asa, answered; from 20 November, one to surya too, busy.
  const at = day(i) + 15 * 3_600_000;
  transfers.events.push({ at, labels: 'service="pag-asa"' });
  outcomes.events.push({ at, labels: 'service="pag-asa",outcome="completed",status="completed"' });
  if (at >= Date.parse('2026-11-20T00:00:00Z')) {
    transfers.events.push({ at: at + 60_000, labels: 'service="surya"' });
    outcomes.events.push({ at: at + 60_000, labels: 'service="surya",outcome="busy",status="busy"' });
  }
}

const HOUR = 3_600_000;
/** What Prometheus adds by extrapolating a day's increase from samples 5 minutes apart. */
const EXTRAPOLATION = 1.0035;

/** The recorded daily counts, every hour, as deploy/figures.yml and deploy/alerts.yml record
 * them: the events of the last 24 hours by the rule's labels. */
const RULES: Array<{ rule: string; counter: Counter; by: string[] }> = [
  { rule: 'helpline:calls:increase1d', counter: calls, by: [] },
  { rule: 'language:helpline_call_language:increase1d', counter: languages, by: ['language'] },
  { rule: 'menu_key:helpline_menu_choices:increase1d', counter: choices, by: ['menu', 'key'] },
  { rule: 'service:helpline_transfers:increase1d', counter: transfers, by: ['service'] },
  { rule: 'service_outcome:helpline_transfer_outcomes:increase1d', counter: outcomes, by: ['service', 'outcome'] },
];

function openMetrics(): string {
  const out: string[] = [];
  for (const r of RULES) {
    out.push(`# TYPE ${r.rule} gauge`);
    const keyOf = (labels: string) => r.by.map((l) => `${l}="${label(labels, l)}"`).join(',');
    const keys = [...new Set(r.counter.events.map((e) => keyOf(e.labels)))];
    for (const key of keys) {
      for (let t = START; t <= END; t += HOUR) {
        const n = r.counter.events.filter((e) => keyOf(e.labels) === key && e.at > t - 86_400_000 && e.at <= t).length;
        // The rule of an unlabelled counter always has a value; a labelled one only once its
        // series has events in the window.
        if (n > 0 || r.by.length === 0) out.push(`${r.rule}${key ? `{${key}}` : ''} ${n * EXTRAPOLATION} ${t / 1000}`);
      }
    }
  }
  return `${out.join('\n')}\n# EOF\n`;
}

/** What the report must print: the events of each Belgian day, summed by month. */
function expected(c: Counter, month: string, labelOf: (labels: string) => string): Map<string, number> {
  const p = period(month, undefined);
  const ends = p.dayEnds[0]!;
  const first = ends[0]!.getTime() - 86_400_000;
  const last = ends.at(-1)!.getTime();
  const out = new Map<string, number>();
  for (const e of c.events)
    if (e.at > first && e.at <= last && e.at <= END) out.set(labelOf(e.labels), (out.get(labelOf(e.labels)) ?? 0) + 1);
  return out;
}

const label = (labels: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels)?.[1] ?? '';

// --- Prometheus ----------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

interface Prometheus {
  url: string;
  child: ChildProcess;
}

async function startPrometheus(dir: string, data: string): Promise<Prometheus> {
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  evaluation_interval: 1h\nscrape_configs: []\n');
  const port = await freePort();
  const child = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=3650d',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited:\n${log}`);
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus did not become ready:\n${log}`);
}

async function stop(p: Prometheus | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null) return;
  const exited = new Promise((resolve) => p.child.once('exit', resolve));
  p.child.kill('SIGTERM');
  await exited;
}

function promtool(args: string[]): void {
  const r = spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`promtool ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
}

async function report(argv: string[], url: string) {
  let out = '';
  let err = '';
  const status = await reportCli([...argv, '--prometheus', url], { out: (t) => (out += t), err: (t) => (err += t) });
  return { status, out, err };
}

/** Rows of a Markdown table: figure and detail to the counts. */
function table(md: string): { head: string[]; rows: Map<string, string[]> } {
  const lines = md.trim().split('\n');
  const cells = (l: string) =>
    l
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
  const rows = new Map(lines.slice(2).map((l) => [`${cells(l)[0]}/${cells(l)[1]}`, cells(l).slice(2)]));
  return { head: cells(lines[0]!), rows };
}

describe.skipIf(!HAS_PROMETHEUS)('npm run report, against Prometheus', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'helpline-report-'));
  let prom: Prometheus | undefined;

  beforeAll(async () => {
    const data = join(tmp, 'data');
    writeFileSync(join(tmp, 'figures.om'), openMetrics());
    // Few large blocks (the default is one per 2 hours): a hidden flag of promtool 2.42.
    promtool([
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      '--max-block-duration=2000h',
      '-q',
      join(tmp, 'figures.om'),
      data,
    ]);
    prom = await startPrometheus(tmp, data);
  }, 60_000);

  afterAll(async () => {
    await stop(prom);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('prints the figures of November 2026, Belgian days, exactly the events of the data', async () => {
    const r = await report(['--month', '2026-11'], prom!.url);
    expect(r.status).toBe(0);
    const { head, rows } = table(r.out);
    expect(head).toEqual(['Figure', 'Detail', '2026-11']);
    expect(rows.get('Days with data/')).toEqual(['30']);
    const count = (key: string) => Number(rows.get(key)?.[0]);
    expect(count('Calls/')).toBe(expected(calls, '2026-11', () => '').get(''));
    for (const [lang, n] of expected(languages, '2026-11', (l) => label(l, 'language')))
      expect(count(`Calls by language/${lang}`), lang).toBe(n);
    expect(count('Calls by language/nl')).toBeGreaterThan(0); // its series appeared in November
    for (const [k, n] of expected(choices, '2026-11', (l) => `main ${label(l, 'key')}`))
      expect(count(`Options chosen/${k}`), k).toBe(n);
    for (const [s, n] of expected(transfers, '2026-11', (l) => label(l, 'service')))
      expect(count(`Transfers started/${s}`), s).toBe(n);
    for (const [o, n] of expected(outcomes, '2026-11', (l) => `${label(l, 'service')} ${label(l, 'outcome')}`))
      expect(count(`Transfer outcomes/${o}`), o).toBe(n);
    expect(count('Transfer outcomes/surya busy')).toBe(11); // 20 to 30 November
    expect(r.out).not.toMatch(/\+?\d{8,}/); // no phone number: there is none to print
  });

  it('prints a year by month as CSV, October across the change of summer time, with totals', async () => {
    const r = await report(['--year', '2026', '--csv'], prom!.url);
    expect(r.status).toBe(0);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(lines[0]).toEqual([
      'Figure',
      'Detail',
      ...Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`),
      'Total',
    ]);
    const row = (figure: string, detail = '') => lines.find((l) => l[0] === figure && l[1] === detail)!.slice(2);
    const oct = expected(calls, '2026-10', () => '').get('')!;
    const nov = expected(calls, '2026-11', () => '').get('')!;
    const dec = expected(calls, '2026-12', () => '').get('')!;
    expect(row('Calls').map(Number)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, oct, nov, dec, oct + nov + dec]);
    // 24 October (data from 02:00 Belgian time) to 31 October, then 1 December.
    expect(row('Days with data').map(Number).slice(9)).toEqual([8, 30, 1, 39]);
    // The 25th of October has 25 hours in Brussels: its midnight is 23:00 UTC, not 22:00.
    expect(brusselsMidnight(2026, 10, 26).toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });

  it('runs as `npm run report` runs it (the built entry file), and exits 1 when Prometheus does not answer', async () => {
    const r = runNode(REPORT_CLI, { PROMETHEUS_URL: prom!.url }, ['--month', '2026-11', '--csv']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Figure,Detail,2026-11');
    const down = runNode(REPORT_CLI, { PROMETHEUS_URL: `http://127.0.0.1:${await freePort()}` }, [
      '--month',
      '2026-11',
    ]);
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/does not answer/);
    // Bad options: a UsageError (exit status 2, runMain).
    await expect(report(['--month', '2026-13'], prom!.url)).rejects.toMatchObject({ exitCode: 2 });
    await expect(report(['--month', '2026-11', '--year', '2026'], prom!.url)).rejects.toMatchObject({ exitCode: 2 });
  });
});
