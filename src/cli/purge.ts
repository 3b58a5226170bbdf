/**
 * `npm run purge`: deletes, through Twilio's REST API, the records Twilio keeps of the
 * helpline's calls (each with the caller's number) once they have ended, and the records of
 * their transfers (child calls). The sweep through Twilio's own list is the guarantee: the
 * line keeps no state, and a run that fails is caught up by the next. docs/privacy.md.
 */
import type { Logger } from 'pino';
import type { CallInstance } from 'twilio/lib/rest/api/v2010/account/call.js';
import { createLogger } from '../http/logging.js';
import { envPaths, loadLineConfig, parseOptions, UsageError } from './common.js';
import { PurgeMetrics, serveMetrics } from './purge-metrics.js';
import { restClient, type Client } from './twilio-rest.js';

/** Statuses of a call that has ended: only those can be deleted (Twilio answers 20009 otherwise). */
export const ENDED = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
/** --older-than when neither the option nor PURGE_OLDER_THAN is given. */
export const DEFAULT_OLDER_THAN = '24h';
/** Twilio advises waiting at least a minute after a call ends before deleting it. */
const MIN_OLDER_THAN_MS = 60_000;
const PAGE_SIZE = 1000;

/** "90m", "24h", "7d" in ms; a UsageError names the option otherwise. */
export function parseDuration(text: string, what: string): number {
  const m = /^(\d+)(m|h|d)$/.exec(text.trim());
  if (!m || Number(m[1]) === 0)
    throw new UsageError(`${what}: "${text}" is not a duration such as 90m, 24h or 7d (minutes, hours, days)`);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
}

export interface PurgeCounts {
  /** Calls to the helpline's number whose records were deleted (or already gone). */
  calls: number;
  /** Their transfers' records, deleted (or already gone). */
  transfers: number;
  /** Records found already deleted (counted in calls and transfers too). */
  alreadyGone: number;
  /** Calls not finished yet (or with a transfer not finished yet): left alone. */
  inProgress: number;
  /** Calls that ended less than --older-than ago: left for a later run. */
  recent: number;
  /** Deletions Twilio refused or that kept failing: tried again at the next run. */
  failed: number;
}

export interface PurgeOptions {
  client: Client;
  /** The helpline's number: only calls to it are purged. */
  number: string;
  /** Calls that ended before this instant are purged. */
  cutoff: Date;
  dryRun: boolean;
  log: Logger;
}

type Removal = 'deleted' | 'gone' | 'failed';

async function remove(client: Client, sid: string, log: Logger): Promise<Removal> {
  try {
    await client.calls(sid).remove();
    log.debug({ callSid: sid }, 'call record deleted');
    return 'deleted';
  } catch (err) {
    const e = err as { status?: number; code?: number };
    if (e.status === 404 || e.code === 20404) {
      log.debug({ callSid: sid }, 'call record already deleted');
      return 'gone';
    }
    // Status and code only: Twilio's message may quote the call's numbers.
    log.warn({ callSid: sid, status: e.status, code: e.code }, 'call record not deleted');
    return 'failed';
  }
}

const ended = (c: CallInstance, cutoff: Date) =>
  ENDED.includes(c.status) && c.endTime instanceof Date && c.endTime.getTime() < cutoff.getTime();

/** One sweep: lists the calls to the number, and deletes the ended ones with their transfers. */
export async function purgeCalls(o: PurgeOptions): Promise<PurgeCounts> {
  const counts: PurgeCounts = { calls: 0, transfers: 0, alreadyGone: 0, inProgress: 0, recent: 0, failed: 0 };
  // The whole list first: deleting while paging could move records between pages.
  const calls = await o.client.calls.list({ to: o.number, pageSize: PAGE_SIZE });
  for (const call of calls) {
    if (call.to !== o.number) continue; // the list's filter is Twilio's; this is ours
    if (!ENDED.includes(call.status)) {
      counts.inProgress++;
      continue;
    }
    if (!ended(call, o.cutoff)) {
      counts.recent++;
      continue;
    }
    const children = (await o.client.calls.list({ parentCallSid: call.sid, pageSize: PAGE_SIZE })).filter(
      (c) => c.parentCallSid === call.sid,
    );
    if (children.some((c) => !ENDED.includes(c.status))) {
      counts.inProgress++;
      continue;
    }
    if (o.dryRun) {
      counts.calls++;
      counts.transfers += children.length;
      continue;
    }
    let transfersLeft = false;
    for (const child of children) {
      const r = await remove(o.client, child.sid, o.log);
      if (r === 'failed') {
        counts.failed++;
        transfersLeft = true;
      } else {
        counts.transfers++;
        if (r === 'gone') counts.alreadyGone++;
      }
    }
    // Transfers first, the call last: the next run finds a transfer left behind through its call.
    if (transfersLeft) continue;
    const r = await remove(o.client, call.sid, o.log);
    if (r === 'failed') counts.failed++;
    else {
      counts.calls++;
      if (r === 'gone') counts.alreadyGone++;
    }
  }
  return counts;
}

export function formatCounts(c: PurgeCounts, dryRun: boolean, olderThan: string): string {
  const kept = `left alone: ${c.inProgress} in progress, ${c.recent} ended less than ${olderThan} ago`;
  if (dryRun) return `Dry run: would delete ${c.calls} call(s) and ${c.transfers} transfer(s); ${kept}.`;
  const gone = c.alreadyGone ? ` (${c.alreadyGone} already gone)` : '';
  return `Purge: deleted ${c.calls} call(s) and ${c.transfers} transfer(s)${gone}; ${c.failed} failed; ${kept}.`;
}

export const USAGE = `Usage: npm run purge -- [--older-than 24h] [--dry-run] [--every 1h [--metrics-port 9464]]

Deletes Twilio's records of the calls to the helpline's number (HOTLINE_NUMBER, or
settings.hotline_number in the directory) that ended more than --older-than ago, and the
records of their transfers. Calls in progress and calls to other numbers are left alone.
Prints counts, never a number (call SIDs only, in the log at LOG_LEVEL=debug).
  --older-than D    how long after a call ended its records go (minutes, hours or days:
                    90m, 24h, 7d; at least 1m); default PURGE_OLDER_THAN, else ${DEFAULT_OLDER_THAN}
  --dry-run         count what would be deleted, delete nothing
  --every D         run again every D until stopped (SIGTERM, Ctrl-C)
  --metrics-port N  with --every: serve the purge's metrics on GET /metrics at port N
Uses TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, in TWILIO_REGION/TWILIO_EDGE (docs/operations.md).

Exit status: 0 every deletion went; 1 one failed, or Twilio could not be asked; 2 a bad option,
broken data or missing credentials.`;

export interface PurgeIO {
  out(text: string): void;
  err(text: string): void;
}

export interface PurgeDeps {
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** How retries and --every wait (tests pass one that does not). */
  sleep?: (ms: number) => Promise<void>;
  /** Ends --every (the entry file aborts it on SIGTERM and SIGINT). */
  signal?: AbortSignal;
  /** Where the log goes (default: stderr). */
  log?: Logger;
  /** Told the metrics' address once they are served. */
  onMetrics?: (url: string) => void;
}

const realSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/** `npm run purge`; resolves with the exit status (of the last run, with --every). */
export async function purgeCli(argv: string[], io: PurgeIO, deps: PurgeDeps = {}): Promise<number> {
  const values = parseOptions(
    argv,
    {
      'older-than': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      every: { type: 'string' },
      'metrics-port': { type: 'string' },
    },
    USAGE,
    (usage) => io.out(`${usage}\n`),
  );
  if (!values) return 0;
  const env = deps.env ?? process.env;
  const olderThan = values['older-than'] ?? (env.PURGE_OLDER_THAN?.trim() || DEFAULT_OLDER_THAN);
  const olderThanMs = parseDuration(olderThan, values['older-than'] ? '--older-than' : 'PURGE_OLDER_THAN');
  if (olderThanMs < MIN_OLDER_THAN_MS) throw new UsageError('--older-than: at least 1m (Twilio advises a minute)');
  const everyMs = values.every === undefined ? undefined : parseDuration(values.every, '--every');
  const port = values['metrics-port'];
  if (port !== undefined && (everyMs === undefined || !/^\d+$/.test(port) || Number(port) > 65535))
    throw new UsageError(`--metrics-port: a port number, with --every\n\n${USAGE}`);
  const number = loadLineConfig(envPaths(env)).settings.hotlineNumber;
  if (!number)
    throw new UsageError(
      "HOTLINE_NUMBER (or settings.hotline_number in the directory) is not set: it names the calls to purge (the helpline's)",
    );
  const wait = (ms: number) => (deps.sleep ? deps.sleep(ms) : realSleep(ms, deps.signal));
  const client = restClient(env, wait);
  const log = deps.log ?? createLogger(env.LOG_LEVEL?.trim() || 'info', process.stderr);
  const now = deps.now ?? (() => new Date());
  const metrics = new PurgeMetrics();
  const server =
    port === undefined
      ? undefined
      : await serveMetrics(metrics, Number(port), env.PURGE_METRICS_HOST?.trim() || '0.0.0.0');
  if (server) deps.onMetrics?.(server.url);

  const once = async (): Promise<number> => {
    try {
      const counts = await purgeCalls({
        client,
        number,
        cutoff: new Date(now().getTime() - olderThanMs),
        dryRun: values['dry-run'],
        log,
      });
      io.out(`${formatCounts(counts, values['dry-run'], olderThan)}\n`);
      metrics.run(counts);
      return counts.failed === 0 ? 0 : 1;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const e = err as { status?: number; code?: number; message?: string };
      const hint = e.status === 401 ? ': check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (the region’s own token)' : '';
      io.err(
        `Purge: Twilio's list of calls could not be read${e.status ? ` (HTTP ${e.status}${e.code ? `, error ${e.code}` : ''})` : ` (${e.message ?? String(err)})`}${hint}; nothing more was deleted.\n`,
      );
      metrics.run(undefined);
      return 1;
    }
  };

  try {
    let status = await once();
    while (everyMs !== undefined && !deps.signal?.aborted) {
      await wait(everyMs);
      if (deps.signal?.aborted) break;
      status = await once();
    }
    return status;
  } finally {
    await server?.close();
  }
}
