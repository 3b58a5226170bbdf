/**
 * The transcripts in README.md and docs/ are what the tools print now (src/cli/transcripts.ts,
 * `npm run docs:transcripts`): each sits below a marker naming its command, and a block that
 * drifted from the program's output fails here, as docs/call-flow.md does in cli-map.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../src/config/paths.js';
import { UsageError } from '../src/cli/common.js';
import { docPages, findTranscripts, regenerate, runTranscript, transcriptsCli } from '../src/cli/transcripts.js';

const read = (page: string) => readFileSync(join(ROOT, page), 'utf8');
const CALL = 'npm run --silent call -- --at 2026-12-02T10:00 --keys 3,1,H';

describe('the transcripts of README.md and docs/', () => {
  it('are what their commands print now (npm run docs:transcripts rewrites them)', async () => {
    const stale: string[] = [];
    let count = 0;
    for (const page of docPages()) {
      const text = read(page);
      count += findTranscripts(page, text).length;
      for (const t of (await regenerate(page, text)).stale) stale.push(`${page}:${t.line} ${t.command}`);
    }
    expect(count).toBeGreaterThanOrEqual(3);
    expect(stale, 'out of date: run npm run docs:transcripts').toEqual([]);
  });

  it('each have a marker: no block that reads like a transcript is left to drift', () => {
    const unmarked: string[] = [];
    for (const page of docPages()) {
      const lines = read(page).split('\n');
      lines.forEach((line, i) => {
        if (!/^```/.test(line) || !/^(CALL|HOURS) /.test(lines[i + 1] ?? '')) return;
        if (!(lines[i - 1] ?? '').startsWith('<!-- transcript: ')) unmarked.push(`${page}:${i + 1}`);
      });
    }
    expect(unmarked).toEqual([]);
  });
});

describe('npm run docs:transcripts', () => {
  const page = (block: string) =>
    `# A page\n\nA call:\n\n<!-- transcript: ${CALL} -->\n\`\`\`\n${block}\n\`\`\`\n\nThe end.\n`;

  it('replaces a block that drifted with the output of its command, and nothing else', async () => {
    const now = await runTranscript({
      page: 'x.md',
      line: 1,
      command: CALL,
      tool: 'call',
      argv: CALL.split(' ').slice(5),
    });
    expect(now[0]).toMatch(/^CALL Wed 2026-12-02 10:00 /);
    expect(now.at(-1)).toBe('HANGUP (by the caller)');
    const { text, stale } = await regenerate('x.md', page('CALL an old transcript\nSAY something no longer said'));
    expect(stale.map((t) => t.command)).toEqual([CALL]);
    expect(text).toBe(page(now.join('\n')));
    expect((await regenerate('x.md', text)).stale).toEqual([]);
  });

  it('refuses a marker it cannot run, naming the page and line', () => {
    expect(() => findTranscripts('x.md', '<!-- transcript: npm run --silent start -- --port 1 -->\n```\n```')).toThrow(
      /x\.md:1: "start"/,
    );
    expect(() => findTranscripts('x.md', `<!-- transcript: ${CALL} -->\nno block`)).toThrow(UsageError);
    expect(() => findTranscripts('x.md', '<!-- transcript: npm run call --keys 1 -->')).toThrow(/x\.md:1/);
  });

  it('--check writes nothing and exits 1 on a drifted block; without it the page is rewritten', async () => {
    const root = mkdtempSync(join(tmpdir(), 'helpline-docs-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'README.md'), '# Nothing generated here\n');
    const file = join(root, 'docs', 'page.md');
    writeFileSync(file, page('CALL drifted'));
    let err = '';
    const io = { out: () => {}, err: (t: string) => (err += t) };
    expect(await transcriptsCli(['--check'], io, root)).toBe(1);
    expect(err).toMatch(/out of date: .*page\.md:5 npm run --silent call/);
    expect(readFileSync(file, 'utf8')).toBe(page('CALL drifted'));
    expect(await transcriptsCli([], io, root)).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toBe(page('CALL drifted'));
    expect(await transcriptsCli(['--check'], io, root)).toBe(0);
  });
});
