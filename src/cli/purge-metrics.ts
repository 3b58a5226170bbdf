/**
 * The purge's metrics, served by `npm run purge -- --every 1h --metrics-port 9464` for
 * Prometheus (docker-compose.yml, profile "purge"): runs and failures, as counts only.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';

export class PurgeMetrics {
  readonly registry = new Registry();
  private readonly runs = new Counter<'result'>({
    name: 'helpline_purge_runs_total',
    help: "Purge runs, by result: ok (every deletion went) or failed (one failed, or Twilio's list could not be read).",
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly deleted = new Counter<'kind'>({
    name: 'helpline_purge_deleted_total',
    help: 'Call records deleted (or found already deleted), by kind: call (to the helpline) or transfer.',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly failures = new Counter({
    name: 'helpline_purge_failures_total',
    help: 'Deletions that failed (tried again at the next run).',
    registers: [this.registry],
  });
  private readonly lastRun = new Gauge({
    name: 'helpline_purge_last_run_success',
    help: 'Whether the last purge run succeeded (1) or failed (0).',
    registers: [this.registry],
  });

  constructor() {
    // Known series start at 0, so that increase() sees the first run.
    for (const result of ['ok', 'failed']) this.runs.inc({ result }, 0);
    for (const kind of ['call', 'transfer']) this.deleted.inc({ kind }, 0);
  }

  /** One run's counts; undefined: the run failed before deleting anything. */
  run(counts: { calls: number; transfers: number; failed: number } | undefined): void {
    const ok = counts !== undefined && counts.failed === 0;
    this.runs.inc({ result: ok ? 'ok' : 'failed' });
    this.lastRun.set(ok ? 1 : 0);
    if (!counts) return;
    this.deleted.inc({ kind: 'call' }, counts.calls);
    this.deleted.inc({ kind: 'transfer' }, counts.transfers);
    this.failures.inc(counts.failed);
  }
}

/** GET /metrics on host:port (0: a free port); resolves once it listens. */
export async function serveMetrics(
  metrics: PurgeMetrics,
  port: number,
  host: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const a = server.address() as AddressInfo;
  const shown = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    url: `http://${shown}:${a.port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
