/**
 * The Grafana dashboard of the compose file's metrics profile (deploy/grafana/): valid JSON,
 * provisioned with the data source it queries, showing what the issue asks for, and every
 * query names only series the line exports (read from the app's own GET /metrics, not from
 * a list kept here) with labels those series have. No phone number or CallSid anywhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../src/config/paths.js';
import {
  allStrings,
  exportedSeries,
  nameProblems,
  privacyLeaks,
  promqlNames,
  type Exported,
} from './helpers/promql.js';
import { CALLER } from './helpers/twilio.js';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const DASHBOARD = 'deploy/grafana/dashboards/helpline.json';

interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
}

const targets = (d: Dashboard) => d.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));

/** Every query's naming problems, prefixed by its panel. */
function dashboardProblems(d: Dashboard, known: Exported): string[] {
  return targets(d).flatMap((t) => nameProblems(t.expr, known).map((p) => `${t.panel} (${t.refId}): ${p}`));
}

/** The series the dashboard may name: the line's, and `up`, Prometheus's own series for its
 * target (whether the line answers the scrape). */
function knownToGrafana(exported: Exported): Exported {
  return new Map([...exported, ['up', new Set(['job', 'instance'])]]);
}

describe('the dashboard', () => {
  let dashboard: Dashboard;
  let known: Exported;
  beforeAll(async () => {
    dashboard = JSON.parse(read(DASHBOARD)) as Dashboard;
    known = knownToGrafana(await exportedSeries());
  });

  it('is valid JSON: panels with a title, a place on the grid and a query each', () => {
    expect(() => JSON.parse(read(DASHBOARD))).not.toThrow();
    expect(dashboard.uid).toMatch(/^[a-z0-9-]+$/);
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(8);
    const ids = new Set<number>();
    for (const p of dashboard.panels) {
      expect(p.title, JSON.stringify(p)).toBeTruthy();
      expect(ids.has(p.id), `panel id ${p.id} twice`).toBe(false);
      ids.add(p.id);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) expect(t.expr.trim(), p.title).not.toBe('');
    }
  });

  it('queries the provisioned Prometheus, and is provisioned from the folder the compose file mounts', () => {
    const sources = parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')).datasources as {
      uid: string;
      type: string;
      url: string;
    }[];
    expect(sources).toHaveLength(1);
    const source = sources[0]!;
    expect(source).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    for (const p of dashboard.panels) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: source.uid });
      for (const t of p.targets!)
        expect(t.datasource ?? p.datasource, p.title).toEqual({ type: 'prometheus', uid: source.uid });
    }
    const grafana = parse(read('docker-compose.yml')).services.grafana;
    expect(grafana.profiles).toEqual(['metrics']);
    expect(grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(grafana.ports).toEqual(['127.0.0.1:${GRAFANA_PORT:-3001}:3000']);
    const mounts = new Map((grafana.volumes as string[]).map((v) => [v.split(':')[0], v.split(':')[1]]));
    expect(mounts.get('./deploy/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    const provider = parse(read('deploy/grafana/provisioning/dashboards/helpline.yml')).providers[0];
    expect(provider.type).toBe('file');
    expect(mounts.get('./deploy/grafana/dashboards')).toBe(provider.options.path);
    expect(grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(
      `${provider.options.path}/helpline.json`,
    );
  });

  it('shows calls, transfers by service and outcome, closed-service offers and webhook latency', () => {
    const queries = targets(dashboard).map((t) => ({ ...promqlNames(t.expr), expr: t.expr }));
    const names = (q: (typeof queries)[number]) => q.selectors.map((s) => s.name);
    expect(queries.some((q) => names(q).includes('helpline_calls_total'))).toBe(true);
    expect(
      queries.some(
        (q) =>
          names(q).includes('helpline_transfer_outcomes_total') &&
          q.grouping.includes('service') &&
          q.grouping.includes('outcome'),
      ),
    ).toBe(true);
    expect(queries.some((q) => names(q).includes('helpline_closed_total') && q.grouping.includes('service'))).toBe(
      true,
    );
    expect(
      queries.some(
        (q) => names(q).includes('helpline_http_request_duration_seconds_bucket') && /histogram_quantile/.test(q.expr),
      ),
    ).toBe(true);
  });

  it('names only series the line exports, with labels they have', () => {
    expect(known.get('helpline_calls_total')).toBeDefined(); // read from the app, not assumed
    expect(known.get('helpline_transfer_outcomes_total')).toEqual(new Set(['service', 'outcome', 'status']));
    expect(dashboardProblems(dashboard, known)).toEqual([]);
  });

  it('the check finds a made-up series, a label a series lacks and a grouping label no series has', () => {
    expect(nameProblems('sum(rate(helpline_made_up_total[5m]))', known)).toEqual([
      'unknown series helpline_made_up_total',
    ]);
    expect(nameProblems('helpline_calls_total{service="police"}', known)).toEqual([
      'helpline_calls_total has no label service',
    ]);
    expect(nameProblems('sum by (servcie) (increase(helpline_transfers_total[1h]))', known)).toEqual([
      'no series of the expression has the label servcie',
    ]);
    // The same check over a dashboard with one query changed.
    const broken = JSON.parse(read(DASHBOARD)) as Dashboard;
    broken.panels[3]!.targets![0]!.expr = 'sum(increase(helpline_transfer_failures_total[$__range]))';
    expect(dashboardProblems(broken, known)).toEqual([
      `${broken.panels[3]!.title} (A): unknown series helpline_transfer_failures_total`,
    ]);
  });

  it('holds no phone number and no CallSid, and the check would find them', () => {
    expect(privacyLeaks(allStrings(dashboard))).toEqual([]);
    for (const leak of [CALLER, '0470 12 34 56', 'by CallSid', 'CA' + '0123456789abcdef'.repeat(2)]) {
      const copy = JSON.parse(read(DASHBOARD)) as Dashboard;
      copy.panels[1]!.title = `Calls ${leak}`;
      expect(privacyLeaks(allStrings(copy)), leak).toEqual([`Calls ${leak}`]);
    }
  });
});

describe('the figures dashboard (deploy/grafana/dashboards/figures.json)', () => {
  const figures = JSON.parse(read('deploy/grafana/dashboards/figures.json')) as Dashboard;
  /** The daily counts recorded by the rule files, with the labels they keep. */
  const recorded: Exported = new Map(
    ['deploy/figures.yml', 'deploy/alerts.yml'].flatMap((f) =>
      (parse(read(f)) as { groups: { rules: { record?: string; expr: string }[] }[] }).groups
        .flatMap((g) => g.rules)
        .filter((r) => r.record?.endsWith(':increase1d'))
        .map((r) => [r.record!, new Set(promqlNames(r.expr).grouping)] as const),
    ),
  );

  it('shows calls by month, and calls by language, transfers, outcomes and options chosen', () => {
    expect(figures.uid).not.toBe(JSON.parse(read(DASHBOARD)).uid);
    const names = new Set(targets(figures).flatMap((t) => promqlNames(t.expr).selectors.map((s) => s.name)));
    expect([...names].sort()).toEqual([...recorded.keys()].sort());
    for (const p of figures.panels) expect(p.datasource?.uid, p.title).toBe('helpline-prometheus');
  });

  it('names only the recorded daily counts, with labels they keep; no personal data', () => {
    expect(dashboardProblems(figures, recorded)).toEqual([]);
    expect(privacyLeaks(allStrings(figures))).toEqual([]);
  });
});
