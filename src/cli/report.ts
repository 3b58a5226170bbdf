/**
 * `npm run report -- --month 2026-11` (or `--year 2026`): the figures of a month or a year,
 * from the daily counts Prometheus records (deploy/figures.yml), as a Markdown table or CSV.
 * Days are Belgian days: each day's count is the value recorded at the next midnight in
 * Brussels, rounded to a whole number; a month is the sum of its days. docs/monitoring.md
 * says how exact that is.
 */
import { parseOptions, UsageError } from './common.js';
import { addDays, startOfDay } from '../time/brussels.js';

/** The recorded daily counts the report reads, and the labels that tell their rows apart. */
export const FIGURES = [
  { figure: 'Calls', rule: 'helpline:calls:increase1d', labels: [] },
  { figure: 'Calls by language', rule: 'language:helpline_call_language:increase1d', labels: ['language'] },
  { figure: 'Options chosen', rule: 'menu_key:helpline_menu_choices:increase1d', labels: ['menu', 'key'] },
  { figure: 'Transfers started', rule: 'service:helpline_transfers:increase1d', labels: ['service'] },
  {
    figure: 'Transfer outcomes',
    rule: 'service_outcome:helpline_transfer_outcomes:increase1d',
    labels: ['service', 'outcome'],
  },
] as const;

const DAY_MS = 86_400_000;

/** The instant of 00:00 in Brussels on a calendar day (month 1-12; day may overflow). */
export function brusselsMidnight(year: number, month: number, day: number): Date {
  return startOfDay(addDays(`${year}-${String(month).padStart(2, '0')}-01`, day - 1));
}

export interface Period {
  /** Column names: one per month. */
  months: string[];
  /** For each month, the instants its days end at (the following midnights in Brussels). */
  dayEnds: Date[][];
}

export function period(month: string | undefined, year: string | undefined): Period {
  if ((month === undefined) === (year === undefined))
    throw new UsageError(`give either --month YYYY-MM or --year YYYY\n\n${USAGE}`);
  const m = month === undefined ? undefined : /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (month !== undefined && !m) throw new UsageError(`--month: "${month}" is not a month such as 2026-11`);
  if (year !== undefined && !/^\d{4}$/.test(year)) throw new UsageError(`--year: "${year}" is not a year such as 2026`);
  const y = Number(m ? m[1] : year);
  const list = m ? [Number(m[2])] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  return {
    months: list.map((n) => `${y}-${String(n).padStart(2, '0')}`),
    dayEnds: list.map((n) => {
      const days = new Date(Date.UTC(y, n, 0)).getUTCDate();
      return Array.from({ length: days }, (_, i) => brusselsMidnight(y, n, i + 2));
    }),
  };
}

interface Series {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** One range query per stretch of days 24 h apart (a change of summer time starts a new one). */
async function dailyValues(base: string, rule: string, ends: Date[], fetcher: typeof fetch): Promise<Series[]> {
  const stretches: Date[][] = [];
  for (const t of ends) {
    const last = stretches.at(-1);
    if (last && t.getTime() - last.at(-1)!.getTime() === DAY_MS) last.push(t);
    else stretches.push([t]);
  }
  const out: Series[] = [];
  for (const s of stretches) {
    const q = new URLSearchParams({
      query: rule,
      start: String(s[0]!.getTime() / 1000),
      end: String(s.at(-1)!.getTime() / 1000),
      step: '86400',
    });
    let res: Response;
    try {
      res = await fetcher(`${base}/api/v1/query_range?${q}`);
    } catch (err) {
      throw new UsageError(
        `Prometheus at ${base} does not answer (${(err as Error).message}): set --prometheus or PROMETHEUS_URL`,
        1,
      );
    }
    const body = (await res.json().catch(() => ({}))) as {
      status?: string;
      error?: string;
      data?: { result?: Series[] };
    };
    if (!res.ok || body.status !== 'success')
      throw new UsageError(
        `Prometheus refused the query ${rule} (HTTP ${res.status}): ${body.error ?? 'no detail'}`,
        1,
      );
    out.push(...(body.data?.result ?? []));
  }
  return out;
}

export interface Row {
  figure: string;
  detail: string;
  /** One count per month. */
  counts: number[];
}

export interface Figures {
  months: string[];
  /** Days of each month with a recorded count of calls (a missing day counts 0). */
  daysWithData: number[];
  daysInMonth: number[];
  rows: Row[];
}

/** The figures of the period, from Prometheus's HTTP API at `base`. */
export async function figures(base: string, p: Period, fetcher: typeof fetch = fetch): Promise<Figures> {
  const monthOf = new Map<number, number>();
  p.dayEnds.forEach((ends, i) => {
    for (const t of ends) monthOf.set(t.getTime(), i);
  });
  const all = p.dayEnds.flat();
  const rows: Row[] = [];
  const daysWithData = p.months.map(() => 0);
  for (const f of FIGURES) {
    const series = await dailyValues(base, f.rule, all, fetcher);
    // A series comes once per range query (one per stretch of days): one row per label set.
    const byDetail = new Map<string, Row>();
    for (const s of series) {
      const detail = f.labels.map((l) => s.metric[l] ?? '').join(' ');
      let row = byDetail.get(detail);
      if (!row) {
        row = { figure: f.figure, detail, counts: p.months.map(() => 0) };
        byDetail.set(detail, row);
      }
      for (const [t, v] of s.values) {
        const i = monthOf.get(Math.round(t * 1000));
        if (i === undefined) continue;
        row.counts[i]! += Math.round(Number(v));
        if (f.labels.length === 0) daysWithData[i]!++;
      }
    }
    const mine = [...byDetail.values()];
    mine.sort((a, b) => a.detail.localeCompare(b.detail, 'en', { numeric: true }));
    rows.push(...mine);
  }
  return { months: p.months, daysWithData, daysInMonth: p.dayEnds.map((d) => d.length), rows };
}

function columns(f: Figures): { head: string[]; body: string[][] } {
  const total = f.months.length > 1;
  const head = ['Figure', 'Detail', ...f.months, ...(total ? ['Total'] : [])];
  const line = (figure: string, detail: string, counts: number[]) => [
    figure,
    detail,
    ...counts.map(String),
    ...(total ? [String(counts.reduce((a, b) => a + b, 0))] : []),
  ];
  const body = [line('Days with data', '', f.daysWithData), ...f.rows.map((r) => line(r.figure, r.detail, r.counts))];
  return { head, body };
}

export function markdown(f: Figures): string {
  const { head, body } = columns(f);
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [row(head), row(head.map((_, i) => (i < 2 ? '---' : '---:'))), ...body.map(row)].join('\n') + '\n';
}

export function csv(f: Figures): string {
  const { head, body } = columns(f);
  const cell = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return [head, ...body].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

export const USAGE = `Usage: npm run report -- (--month YYYY-MM | --year YYYY) [--csv] [--prometheus URL]

Prints the helpline's figures for a month, or a year by month, from the daily counts that
Prometheus records (deploy/figures.yml): calls, calls by language, options chosen, transfers
started and transfer outcomes by service. Counts only: no personal data. Days are Belgian days.
  --month YYYY-MM    one month
  --year YYYY        the twelve months of a year, and their total
  --csv              CSV instead of a Markdown table
  --prometheus URL   Prometheus's address; default PROMETHEUS_URL, else http://127.0.0.1:9090
                     (docker compose --profile metrics publishes it there)

Exit status: 0 printed; 1 Prometheus did not answer; 2 a bad option.`;

export interface ReportIO {
  out(text: string): void;
  err(text: string): void;
}

/** `npm run report`; resolves with the exit status. */
export async function reportCli(
  argv: string[],
  io: ReportIO,
  deps: { env?: NodeJS.ProcessEnv; fetch?: typeof fetch } = {},
): Promise<number> {
  const values = parseOptions(
    argv,
    {
      month: { type: 'string' },
      year: { type: 'string' },
      csv: { type: 'boolean', default: false },
      prometheus: { type: 'string' },
    },
    USAGE,
    (usage) => io.out(`${usage}\n`),
  );
  if (!values) return 0;
  const env = deps.env ?? process.env;
  const base = (values.prometheus ?? (env.PROMETHEUS_URL?.trim() || 'http://127.0.0.1:9090')).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(base)) throw new UsageError(`--prometheus: "${base}" is not an http(s) URL`);
  const f = await figures(base, period(values.month, values.year), deps.fetch ?? fetch);
  io.out(values.csv ? csv(f) : markdown(f));
  return 0;
}
