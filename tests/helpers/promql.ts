/**
 * What the monitoring files (deploy/) may name: the series the line exports, read from the
 * app's own GET /metrics, and the series and labels a PromQL expression names. Used by
 * tests/alerts.test.ts and tests/dashboard.test.ts.
 */
import { Writable } from 'node:stream';
import { buildApp } from '../../src/http/app.js';
import { createLogger } from '../../src/http/logging.js';
import { BASE, Call, TOKEN, callParams, post, testConfig } from './twilio.js';
import { phoneLeaks } from './privacy.js';

/** Each exported series name with the label names seen on it. */
export type Exported = Map<string, Set<string>>;

/**
 * The series of the line as the server runs it (process metrics on), after calls that give
 * the labelled counters samples: a transfer answered and one busy, a closed service, a
 * time-out, the fallback URL. Names come from `# TYPE` lines; a histogram adds its _bucket,
 * _sum and _count; labels come from the samples.
 */
export async function exportedSeries(): Promise<Exported> {
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  let now = new Date('2026-11-30T10:00:00+01:00'); // a Monday morning
  const app = await buildApp({
    config: testConfig(),
    clock: () => now,
    authToken: TOKEN,
    publicBaseUrl: BASE,
    logger: createLogger('info', quiet),
    processMetrics: true,
  });
  try {
    const a = await new Call(app).start();
    await a.silence(); // a time-out in the language menu
    await a.keys('1', '2', '1'); // French, centres, the first centre
    await a.outcome('busy');
    await a.press('1'); // an alternative
    await a.answer(); // the whisper to the person who answers
    await a.outcome('completed');
    await a.press('1'); // the caller reached nobody
    now = new Date('2026-11-28T11:00:00+01:00'); // a Saturday: a service closed at weekends
    const b = await new Call(app).start();
    await b.keys('2', '4'); // Dutch, 1712: closed on Saturdays
    await post(app, '/voice/fallback', callParams({ ErrorCode: '11200' }));
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    if (res.statusCode !== 200) throw new Error('GET /metrics answered ' + res.statusCode);
    return parseExposition(res.body);
  } finally {
    await app.close();
  }
}

/** Names and label names from Prometheus text. */
export function parseExposition(text: string): Exported {
  const out: Exported = new Map();
  const add = (name: string) => {
    if (!out.has(name)) out.set(name, new Set());
    return out.get(name)!;
  };
  for (const line of text.split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/.exec(line);
    if (type) {
      const [, name, kind] = type;
      if (kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) add(name! + s);
      else if (kind === 'summary') for (const s of ['', '_sum', '_count']) add(name! + s);
      else add(name!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} /.exec(line);
    if (sample) for (const [, label] of sample[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) add(sample[1]!).add(label!);
  }
  return out;
}

// --- PromQL ----------------------------------------------------------------------------------

export interface Selector {
  name: string;
  /** Label names in its matchers. */
  labels: string[];
}

export interface Names {
  selectors: Selector[];
  /** Labels of by/without/on/ignoring/group_left/group_right clauses. */
  grouping: string[];
}

const AGGREGATIONS = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'group',
  'limitk',
  'limit_ratio',
]);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'offset', 'bool', 'atan2', 'inf', 'nan']);

type Token = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string };

function tokenize(expr: string): Token[] {
  // Grafana's variables ($__range, ${x}) stand for durations or values: not names.
  const src = expr.replace(/\$\{[^}]*\}|\$\w+/g, '1');
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++; // a comment
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' && c !== '`' ? 2 : 1;
      if (j >= src.length) throw new Error(`unterminated string in ${expr}`);
      tokens.push({ kind: 'string', text: src.slice(i + 1, j) });
      i = j + 1;
    } else if (c === '[') {
      const j = src.indexOf(']', i); // a range or subquery: durations only
      if (j < 0) throw new Error(`unterminated [ in ${expr}`);
      i = j + 1;
    } else if (/[0-9.]/.test(c)) {
      const m = /^[0-9.][0-9a-zA-Z_.]*/.exec(src.slice(i))!; // 0.5, 1e3, 5m, 1h30m, 0x1f
      tokens.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if (/[a-zA-Z_:]/.test(c)) {
      const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(src.slice(i))!;
      tokens.push({ kind: 'ident', text: m[0] });
      i += m[0].length;
    } else {
      tokens.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}

/** The series names, their matchers' label names, and the grouping labels of an expression. */
export function promqlNames(expr: string): Names {
  const t = tokenize(expr);
  const selectors: Selector[] = [];
  const grouping: string[] = [];
  const matchers = (start: number): { labels: string[]; name?: string; end: number } => {
    // t[start] is '{': label op "value" [, ...] '}'
    const labels: string[] = [];
    let name: string | undefined;
    let k = start + 1;
    while (k < t.length && t[k]!.text !== '}') {
      const label = t[k]!;
      if (label.kind === 'ident') {
        let v = k + 1;
        while (v < t.length && t[v]!.kind === 'punct' && t[v]!.text !== ',' && t[v]!.text !== '}') v++;
        if (label.text === '__name__' && t[v]?.kind === 'string') name = t[v]!.text;
        else labels.push(label.text);
        k = v + 1;
      } else k++;
    }
    if (k >= t.length) throw new Error(`unterminated { in ${expr}`);
    return { labels, ...(name ? { name } : {}), end: k };
  };
  for (let i = 0; i < t.length; i++) {
    const tok = t[i]!;
    const next = t[i + 1];
    if (tok.kind === 'punct' && tok.text === '{') {
      const m = matchers(i);
      if (!m.name) throw new Error(`a selector without a name in ${expr}`);
      selectors.push({ name: m.name, labels: m.labels });
      i = m.end;
      continue;
    }
    if (tok.kind !== 'ident') continue;
    const word = tok.text;
    if (GROUPING.has(word)) {
      if (next?.text === '(') {
        let k = i + 2;
        for (; k < t.length && t[k]!.text !== ')'; k++) if (t[k]!.kind === 'ident') grouping.push(t[k]!.text);
        i = k;
      }
      continue;
    }
    if (KEYWORDS.has(word.toLowerCase()) || AGGREGATIONS.has(word) || next?.text === '(') continue; // functions too
    if (next?.text === '{') {
      const m = matchers(i + 1);
      selectors.push({ name: word, labels: m.labels });
      i = m.end;
    } else selectors.push({ name: word, labels: [] });
  }
  return { selectors, grouping };
}

/**
 * What is wrong with an expression's names: a series that is not in `known`, a matcher's
 * label that the series does not have, a grouping label that none of its series has.
 * `job` and `instance` are Prometheus's own target labels, on every scraped series.
 */
export function nameProblems(expr: string, known: Exported): string[] {
  const problems: string[] = [];
  const { selectors, grouping } = promqlNames(expr);
  const all = new Set(['job', 'instance']);
  for (const s of selectors) {
    const labels = known.get(s.name);
    if (!labels) {
      problems.push(`unknown series ${s.name}`);
      continue;
    }
    for (const l of labels) all.add(l);
    for (const l of s.labels)
      if (l !== 'job' && l !== 'instance' && !labels.has(l)) problems.push(`${s.name} has no label ${l}`);
  }
  for (const l of grouping) if (!all.has(l)) problems.push(`no series of the expression has the label ${l}`);
  return problems;
}

// --- privacy -----------------------------------------------------------------------------------

/** A CallSid by name or by shape (CA and 32 hex digits). */
const CALL_SID = /callsid|\bCA[0-9a-f]{32}\b/i;

/** Texts shaped like a phone number (any usual format) or naming or holding a CallSid. */
export function privacyLeaks(texts: readonly string[]): string[] {
  return [...new Set([...phoneLeaks(texts), ...texts.filter((t) => CALL_SID.test(t))])];
}

/** Every string in a parsed JSON or YAML document, keys included. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...allStrings(v)]);
  return [];
}
