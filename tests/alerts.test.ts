/**
 * The alerting rules of the compose file's metrics profile (deploy/alerts.yml and
 * deploy/in-use-hours.yml): what Prometheus loads, that every expression names series the
 * line exports (read from the app's own GET /metrics) or rules defined before it, that the
 * texts use only labels the alert has and carry no phone number or CallSid, and that each
 * alert has promtool unit tests that fire it and that do not (scripts/check-ops.sh runs them)
 * and a section in docs/monitoring.md.
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
  parseExposition,
  promqlNames,
  type Exported,
} from './helpers/promql.js';
import { PurgeMetrics } from '../src/cli/purge-metrics.js';
import { CALLER } from './helpers/twilio.js';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const RULE_FILES = ['deploy/alerts.yml', 'deploy/in-use-hours.yml', 'deploy/figures.yml'];

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}

/** What the issue asks to be alerted on. */
const ALERTS = [
  'HelplineServiceFailing', // transfers to one service mostly fail over an hour
  'HelplineServiceFailingDaily', // the same over a day, for services called rarely
  'HelplineFallbackUsed', // the fallback URL is used
  'HelplineInternalError', // the internal-error answer is used
  'HelplineWebhooksShed', // webhooks shed under overload
  'HelplineQuiet', // no webhook for hours while the line should be in use
  'HelplineDown', // the line is down
  'HelplinePurgeFailing', // npm run purge has not succeeded for a day (issue 18)
];

/** Label names that would hold a caller's details. */
const PERSONAL_LABEL = /caller|callsid|sid|^from$|^to$|number|phone|digits/i;

const loadRules = (): RuleFile[] => RULE_FILES.map((f) => parse(read(f)) as RuleFile);

/**
 * Everything wrong with a set of rule files: expressions naming series that neither the line
 * exports nor an earlier recording rule records (`up` is Prometheus's own series for its
 * target), templates using a label the alert does not have, labels that would hold personal
 * data, texts shaped like a phone number or a CallSid.
 */
function rulesProblems(files: RuleFile[], exported: Exported): string[] {
  const known: Exported = new Map([...exported, ['up', new Set(['job', 'instance'])]]);
  const problems: string[] = [];
  // Recording rules first, in order, so that alerts may use any of them.
  const rules = files.flatMap((f) => f.groups.flatMap((g) => g.rules));
  for (const r of [...rules.filter((r) => r.record), ...rules.filter((r) => r.alert)]) {
    const id = r.alert ?? r.record!;
    problems.push(...nameProblems(r.expr, known).map((p) => `${id}: ${p}`));
    const { grouping } = promqlNames(r.expr);
    if (r.record) known.set(r.record, new Set(grouping));
    // The labels an alert has: its expression's (as far as its grouping says) and its own.
    const has = new Set([...grouping, 'job', 'instance', ...Object.keys(r.labels ?? {})]);
    for (const [key, text] of Object.entries(r.annotations ?? {})) {
      for (const [, label] of text.matchAll(/\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)/g)) {
        if (!has.has(label!))
          problems.push(`${id}: annotation ${key} uses $labels.${label}, which the alert does not have`);
        if (PERSONAL_LABEL.test(label!)) problems.push(`${id}: annotation ${key} uses $labels.${label}`);
      }
    }
    for (const key of Object.keys(r.labels ?? {})) if (PERSONAL_LABEL.test(key)) problems.push(`${id}: label ${key}`);
    for (const leak of privacyLeaks(allStrings({ labels: r.labels, annotations: r.annotations, expr: r.expr })))
      problems.push(`${id}: ${leak}`);
  }
  return problems;
}

interface PromtoolTests {
  rule_files: string[];
  tests: { name?: string; alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

/** Alerts without a promtool case where they fire, or without one where they do not. */
function untested(alerts: string[], tests: PromtoolTests): string[] {
  const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
  const missing: string[] = [];
  for (const a of alerts) {
    const mine = cases.filter((c) => c.alertname === a);
    if (!mine.some((c) => (c.exp_alerts ?? []).length > 0)) missing.push(`${a}: no case that fires it`);
    if (!mine.some((c) => (c.exp_alerts ?? []).length === 0)) missing.push(`${a}: no case that does not fire it`);
  }
  return missing;
}

describe('the alerting rules', () => {
  let files: RuleFile[];
  let exported: Exported;
  beforeAll(async () => {
    files = loadRules();
    // The line's series, and those of npm run purge (its own /metrics, scraped as job "purge").
    const purge = new PurgeMetrics();
    purge.run({ calls: 1, transfers: 1, failed: 0 });
    exported = new Map([...(await exportedSeries()), ...parseExposition(await purge.registry.metrics())]);
  });
  const alertRules = () => files.flatMap((f) => f.groups.flatMap((g) => g.rules)).filter((r) => r.alert);

  it('are what Prometheus loads in the compose file, and it sends them to Alertmanager', () => {
    const config = parse(read('deploy/prometheus.yml'));
    expect(config.rule_files).toEqual(RULE_FILES.map((f) => f.replace('deploy/', '')));
    const prom = parse(read('docker-compose.yml')).services.prometheus;
    for (const f of RULE_FILES) expect(prom.volumes).toContain(`./${f}:/etc/prometheus/${f.replace('deploy/', '')}:ro`);
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['alertmanager:9093']);
    const am = parse(read('docker-compose.yml')).services.alertmanager;
    expect(am.profiles).toEqual(['metrics']);
    expect(am.image).toMatch(/^prom\/alertmanager:v\d+\.\d+\.\d+$/);
    expect(am.ports).toEqual(['127.0.0.1:${ALERTMANAGER_PORT:-9093}:9093']);
    expect(am.env_file).toBeUndefined(); // not the Twilio token: only the receiver's settings
    expect(Object.keys(am.environment).every((k) => k.startsWith('ALERT_'))).toBe(true);
  });

  it('alert on everything the issue names, each with a severity, a summary and a description', () => {
    expect(
      alertRules()
        .map((r) => r.alert)
        .sort(),
    ).toEqual([...ALERTS].sort());
    for (const r of alertRules()) {
      expect(['critical', 'warning'], r.alert).toContain(r.labels?.severity);
      expect(r.annotations?.summary, r.alert).toBeTruthy();
      expect(r.annotations?.description, r.alert).toBeTruthy();
    }
    // Transfers: named by service, with a minimum number of tries.
    for (const name of ['HelplineServiceFailing', 'HelplineServiceFailingDaily']) {
      const r = alertRules().find((x) => x.alert === name)!;
      expect(promqlNames(r.expr).grouping, name).toContain('service');
      expect(r.annotations!.summary).toContain('{{ $labels.service }}');
      expect(r.expr).toMatch(/>= 3\s*$/);
    }
  });

  it('name only series the line exports, or rules recorded from them; no personal data', () => {
    expect(exported.get('helpline_transfer_outcomes_total')).toEqual(new Set(['service', 'outcome', 'status']));
    expect(rulesProblems(files, exported)).toEqual([]);
  });

  it('the check finds a made-up series, a label the alert lacks, a phone number and a CallSid', () => {
    const broken = (change: (r: Rule) => void): RuleFile[] => {
      const copy = loadRules();
      change(copy[0]!.groups.flatMap((g) => g.rules).find((r) => r.alert === 'HelplineServiceFailing')!);
      return copy;
    };
    expect(
      rulesProblems(
        broken((r) => (r.expr = 'sum(increase(helpline_made_up_total[1h])) > 0')),
        exported,
      ),
    ).toEqual([
      'HelplineServiceFailing: unknown series helpline_made_up_total',
      // the texts' $labels.service no longer exists either
      'HelplineServiceFailing: annotation summary uses $labels.service, which the alert does not have',
      'HelplineServiceFailing: annotation description uses $labels.service, which the alert does not have',
    ]);
    expect(
      rulesProblems(
        broken((r) => (r.annotations!.summary = 'from {{ $labels.caller }}')),
        exported,
      ),
    ).toEqual([
      'HelplineServiceFailing: annotation summary uses $labels.caller, which the alert does not have',
      'HelplineServiceFailing: annotation summary uses $labels.caller',
    ]);
    expect(
      rulesProblems(
        broken((r) => (r.annotations!.summary = `last caller ${CALLER}`)),
        exported,
      ),
    ).toEqual([`HelplineServiceFailing: last caller ${CALLER}`]);
    expect(
      rulesProblems(
        broken((r) => (r.labels!.callsid = 'x')),
        exported,
      ),
    ).toEqual(['HelplineServiceFailing: label callsid', 'HelplineServiceFailing: callsid']);
    expect(
      rulesProblems(
        broken((r) => (r.annotations!.description = 'see CA' + 'f'.repeat(32))),
        exported,
      ),
    ).toEqual([`HelplineServiceFailing: see CA${'f'.repeat(32)}`]);
  });

  it('each have promtool unit tests that fire them and that do not', () => {
    const tests = parse(read('deploy/alerts.test.yml')) as PromtoolTests;
    expect(tests.rule_files.sort()).toEqual(RULE_FILES.map((f) => f.replace('deploy/', '')).sort());
    expect(untested(ALERTS, tests)).toEqual([]);
    // The check would see an alert without them.
    const fewer = {
      ...tests,
      tests: tests.tests.map((t) => ({
        ...t,
        alert_rule_test: (t.alert_rule_test ?? []).filter(
          (c) => c.alertname !== 'HelplineQuiet' || (c.exp_alerts ?? []).length === 0,
        ),
      })),
    };
    expect(untested(ALERTS, fewer)).toEqual(['HelplineQuiet: no case that fires it']);
    // The Brussels-time rules have theirs.
    const hours = parse(read('deploy/in-use-hours.test.yml'));
    expect(hours.rule_files).toEqual(['in-use-hours.yml']);
    const exprs = hours.tests.flatMap((t: { promql_expr_test: { expr: string }[] }) =>
      t.promql_expr_test.map((c) => c.expr),
    );
    expect(new Set(exprs)).toEqual(new Set(['helpline:brussels_hour', 'helpline:should_be_in_use']));
  });

  it('are each explained in docs/monitoring.md, with the quiet-hours settings', () => {
    const doc = read('docs/monitoring.md');
    const headings = [...doc.matchAll(/^#+ (.*)$/gm)].map((m) => m[1]!);
    for (const a of ALERTS)
      expect(
        headings.some((h) => h.includes(a)),
        a,
      ).toBe(true);
    expect(doc).toContain('helpline:should_be_in_use');
    expect(doc).toContain('deploy/in-use-hours.yml');
    expect(doc).toContain('bash scripts/check-ops.sh');
  });
});
