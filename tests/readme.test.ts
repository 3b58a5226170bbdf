/**
 * The README and docs/ keep their promises: the two commands, a short README, npm scripts that
 * exist, a directory table that matches the data, and relative links that lead somewhere.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../src/config/paths.js';
import { testConfig } from './helpers/twilio.js';

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const readme = read('README.md');
/** Every page a reader follows links through: the README and docs/*.md (repository paths). */
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/** The lines of a Markdown page outside fenced code blocks, where links and headings count. */
function prose(markdown: string): string[] {
  let fence: string | undefined;
  const out: string[] = [];
  for (const line of markdown.split('\n')) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    if (fence === undefined) out.push(line);
  }
  return out;
}

/** A heading's anchor as GitHub makes it: text only, lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a page's headings; a repeated heading gets -1, -2... as on GitHub. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(markdown)) {
    const m = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The relative link targets of a page: inline links and images, and reference definitions. */
function relativeLinks(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of prose(markdown)) {
    const text = line.replace(/`[^`]*`/g, '');
    for (const m of text.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      targets.push(m[1]!);
    const ref = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(text);
    if (ref) targets.push(ref[1]!);
  }
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** One section of a page: from its heading to the next heading of the same level or above. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${heading}`));
  expect(start, `no heading "${heading}"`).toBeGreaterThanOrEqual(0);
  const level = /^#+/.exec(heading)![0].length;
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && /^#+/.exec(l)![0].length <= level);
  return lines.slice(start, end === -1 ? undefined : end).join('\n');
}

describe('README', () => {
  it('gives the install-and-start command and the test command', () => {
    expect(readme).toContain('. scripts/node24.sh && npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it("stays a newcomer's page: at most 200 lines, the rest in docs/", () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
  });
});

describe('README and docs/', () => {
  it('name only npm scripts that exist', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const named = new Set<string>();
    for (const page of PAGES) {
      for (const m of read(page).matchAll(/npm run\s+(?:--silent\s+)?([a-z][\w:-]*)/g)) named.add(m[1]!);
    }
    expect(named.size).toBeGreaterThanOrEqual(5);
    expect([...named].filter((name) => !Object.hasOwn(scripts, name))).toEqual([]);
  });

  it('link only to files, and headings, that exist', () => {
    const broken: string[] = [];
    let links = 0;
    for (const page of PAGES) {
      for (const target of relativeLinks(read(page))) {
        links++;
        const hash = target.indexOf('#');
        const path = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
        const anchor = hash === -1 ? '' : decodeURIComponent(target.slice(hash + 1));
        const file = path ? join(ROOT, dirname(page), path) : join(ROOT, page);
        if (!existsSync(file)) broken.push(`${page}: ${target}: no such file`);
        else if (anchor && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor)) {
          broken.push(`${page}: ${target}: no such heading`);
        }
      }
    }
    expect(links).toBeGreaterThanOrEqual(20);
    expect(broken).toEqual([]);
  });

  it('make anchors as GitHub does', () => {
    expect(slug('Overload: a 503 at once, so Twilio uses the fallback URL')).toBe(
      'overload-a-503-at-once-so-twilio-uses-the-fallback-url',
    );
    expect(slug('`npm run bench:calls`: whole calls under load')).toBe('npm-run-benchcalls-whole-calls-under-load');
    expect(slug('Reload without a restart (SIGHUP)')).toBe('reload-without-a-restart-sighup');
    expect([...anchors('# A\n```\n# not a heading\n```\n## A\n')]).toEqual(['a', 'a-1']);
  });
});

describe('docs/configuration.md', () => {
  it('lists every service of the directory with the number it dials and its hours', () => {
    const table = section(read('docs/configuration.md'), '## The directory');
    const rows = table
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| service') && !l.startsWith('|---'));
    const config = testConfig();
    expect(rows.length).toBe(Object.keys(config.services).length);
    for (const s of Object.values(config.services)) {
      const row = rows.find((r) => r.includes(`\`${s.dial}\``));
      expect(row, `${s.id} (${s.dial}) is missing from the directory table of docs/configuration.md`).toBeDefined();
      const hours = s.hours.expression === '24/7' ? '24/7' : `\`${s.hours.expression}\``;
      expect(row).toContain(hours);
    }
  });
});
