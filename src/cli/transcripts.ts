/**
 * `npm run docs:transcripts`: the transcripts in README.md and docs/ are what the tools print.
 * A marker line names the exact command,
 *
 *   <!-- transcript: npm run --silent call -- --at 2026-12-02T10:00 --keys 3,1,H -->
 *
 * and the fenced block right below it is replaced with that command's output, run in-process
 * on the shipped data. With --check nothing is written, and the status is 1 when a block
 * differs from what the tool prints now (tests/docs-transcripts.test.ts runs the same check).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../config/paths.js';
import { callCli } from './call-command.js';
import { displayPath, parseOptions, UsageError } from './common.js';
import { hoursCli } from './hours.js';

/** The tools a marker may name, each run as its entry file runs it (src/cli/bin/). */
const TOOLS: Record<
  string,
  (argv: string[], io: { out(line: string): void; err(text: string): void }) => Promise<number>
> = {
  call: callCli,
  hours: hoursCli,
};

/** The environment that would make a tool read other data than the shipped files. */
export const DATA_ENV = ['HELPLINE_CONFIG', 'HELPLINE_MENUS', 'HELPLINE_PROMPTS', 'HOTLINE_NUMBER'] as const;

const MARKER = /^<!-- transcript: (npm run --silent (\S+) -- (.*?)) -->$/;
const FENCE = /^(`{3,})/;

export interface Transcript {
  /** The page, as a repository path. */
  page: string;
  /** The marker's line number (1-based). */
  line: number;
  /** The command line, as the marker writes it. */
  command: string;
  tool: string;
  argv: string[];
  /** The block's lines between its fences, as the page has them now. */
  current: string[];
  /** Where those lines are in the page's lines (0-based, end exclusive). */
  start: number;
  end: number;
}

/** The pages with transcripts: the README and docs/*.md (repository paths). */
export function docPages(root = ROOT): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

/** The markers of one page and the blocks below them; a marker without a block is an error. */
export function findTranscripts(page: string, markdown: string): Transcript[] {
  const lines = markdown.split('\n');
  const found: Transcript[] = [];
  lines.forEach((text, i) => {
    if (!text.startsWith('<!-- transcript:')) return;
    const m = MARKER.exec(text);
    const where = `${page}:${i + 1}`;
    if (!m) throw new UsageError(`${where}: write the marker as <!-- transcript: npm run --silent TOOL -- OPTIONS -->`);
    const [, command = '', tool = '', args = ''] = m;
    if (!Object.hasOwn(TOOLS, tool)) {
      throw new UsageError(
        `${where}: "${tool}" is not a tool whose output can be generated (${Object.keys(TOOLS).join(', ')})`,
      );
    }
    if (/["'\\]/.test(args)) throw new UsageError(`${where}: the options may not be quoted (split at spaces)`);
    const fence = FENCE.exec(lines[i + 1] ?? '')?.[1];
    if (!fence) throw new UsageError(`${where}: the line after a transcript marker must open a fenced block`);
    const close = lines.findIndex((l, j) => j > i + 1 && l === fence);
    if (close < 0) throw new UsageError(`${where}: the block below the marker is never closed`);
    found.push({
      page,
      line: i + 1,
      command,
      tool,
      argv: args.split(/\s+/).filter(Boolean),
      current: lines.slice(i + 2, close),
      start: i + 2,
      end: close,
    });
  });
  return found;
}

/** What the command prints now on standard output, as lines; a failing command is an error. */
export async function runTranscript(
  t: Pick<Transcript, 'page' | 'line' | 'command' | 'tool' | 'argv'>,
): Promise<string[]> {
  const set = DATA_ENV.filter((k) => process.env[k]);
  if (set.length > 0) throw new UsageError(`unset ${set.join(', ')}: the documentation shows the shipped data`);
  const out: string[] = [];
  let err = '';
  const code = await TOOLS[t.tool]!(t.argv, { out: (line) => out.push(line), err: (text) => (err += text) });
  if (code !== 0) throw new UsageError(`${t.page}:${t.line}: ${t.command} exited ${code}:\n${err}`);
  return out.join('\n').split('\n');
}

/** The page with every transcript block replaced by what its command prints now, and the
 * transcripts that differed. */
export async function regenerate(page: string, markdown: string): Promise<{ text: string; stale: Transcript[] }> {
  const lines = markdown.split('\n');
  const stale: Transcript[] = [];
  // From the last to the first, so earlier blocks keep their line numbers.
  for (const t of findTranscripts(page, markdown).reverse()) {
    const now = await runTranscript(t);
    if (now.join('\n') === t.current.join('\n')) continue;
    stale.unshift(t);
    lines.splice(t.start, t.end - t.start, ...now);
  }
  return { text: lines.join('\n'), stale };
}

export const USAGE = `Usage: npm run docs:transcripts -- [--check]

Replaces the fenced block below each "<!-- transcript: npm run --silent TOOL -- OPTIONS -->"
marker in README.md and docs/*.md with what that command prints now (TOOL: ${Object.keys(TOOLS).join(', ')}),
on the shipped data.
  --check   write nothing; exit 1 if a block differs from what its command prints`;

export interface TranscriptsIO {
  out(text: string): void;
  err(text: string): void;
}

/** `npm run docs:transcripts`; resolves with the exit status. */
export async function transcriptsCli(argv: string[], io: TranscriptsIO, root = ROOT): Promise<number> {
  const values = parseOptions(argv, { check: { type: 'boolean', default: false } }, USAGE, (usage) =>
    io.out(`${usage}\n`),
  );
  if (!values) return 0;
  let stale = 0;
  let total = 0;
  for (const page of docPages(root)) {
    const path = join(root, page);
    const before = readFileSync(path, 'utf8');
    total += findTranscripts(page, before).length;
    const { text, stale: changed } = await regenerate(page, before);
    stale += changed.length;
    for (const t of changed)
      io.err(`${values.check ? 'out of date' : 'rewritten'}: ${displayPath(path)}:${t.line} ${t.command}\n`);
    if (!values.check && text !== before) writeFileSync(path, text);
  }
  io.err(`${total} transcript(s), ${stale} ${values.check ? 'out of date' : 'rewritten'}.\n`);
  return values.check && stale > 0 ? 1 : 0;
}
