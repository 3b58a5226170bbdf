/**
 * `--help` and `-h` of every command-line tool: the usage on stdout, exit status 0, before
 * anything else is read or checked (data, environment, other options); a bad option beside it
 * is still a usage error (status 2, the usage after the message). The output is what the
 * tool's entry file (src/cli/bin/) writes to the terminal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { callCli, USAGE as CALL } from '../src/cli/call-command.js';
import { UsageError } from '../src/cli/common.js';
import { hoursCli, USAGE as HOURS } from '../src/cli/hours.js';
import { mapCli, USAGE as MAP } from '../src/cli/map.js';
import { preflightCli, USAGE as PREFLIGHT } from '../src/cli/preflight.js';
import { purgeCli, USAGE as PURGE } from '../src/cli/purge.js';
import { reportCli, USAGE as REPORT } from '../src/cli/report.js';
import { transcriptsCli, USAGE as TRANSCRIPTS } from '../src/cli/transcripts.js';

/** What the terminal shows: a tool whose out() takes a line gets its newline from the entry file. */
interface Terminal {
  stdout: string;
  stderr: string;
  io: { out(t: string): void; err(t: string): void };
}
const terminal = (lines: boolean): Terminal => {
  const t: Terminal = {
    stdout: '',
    stderr: '',
    io: {
      out: (text) => {
        t.stdout += lines ? `${text}\n` : text;
      },
      err: (text) => {
        t.stderr += text;
      },
    },
  };
  return t;
};

const EMPTY = mkdtempSync(join(tmpdir(), 'helpline-help-'));
afterAll(() => rmSync(EMPTY, { recursive: true, force: true }));

const fail = () => {
  throw new Error('the tool reached the network');
};
/** Each tool, run as its entry file runs it; `extra` are options that would fail or do work without --help. */
const TOOLS = [
  { name: 'call', usage: CALL, lines: true, run: callCli, extra: ['--keys', '1', '--dial', 'busy'] },
  { name: 'hours', usage: HOURS, lines: true, run: hoursCli, extra: ['--days', 'many'] },
  { name: 'map', usage: MAP, lines: false, run: mapCli, extra: ['--check'] },
  {
    name: 'preflight',
    usage: PREFLIGHT,
    lines: false,
    run: (argv: string[], io: Terminal['io']) => preflightCli(argv, io, { env: {} }),
    extra: ['--call', 'police', '--twilio'],
  },
  {
    name: 'purge',
    usage: PURGE,
    lines: false,
    run: (argv: string[], io: Terminal['io']) => purgeCli(argv, io, { env: {} }),
    extra: ['--metrics-port', '9464'],
  },
  {
    name: 'report',
    usage: REPORT,
    lines: false,
    run: (argv: string[], io: Terminal['io']) => reportCli(argv, io, { fetch: fail as typeof fetch }),
    extra: ['--csv'],
  },
  {
    name: 'docs:transcripts',
    usage: TRANSCRIPTS,
    lines: false,
    // An empty folder for the pages: a --help that did not stop it would rewrite nothing real.
    run: (argv: string[], io: Terminal['io']) => transcriptsCli(argv, io, EMPTY),
    extra: ['--check'],
  },
] as const;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe.each(TOOLS)('npm run $name', (tool) => {
  it.each([['--help'], ['-h']])(
    '%s prints the usage and exits 0, before the data or any other option',
    async (flag) => {
      // Data that cannot be read: a tool that looked at it would fail.
      vi.stubEnv('HELPLINE_CONFIG', '/nonexistent/directory.yaml');
      for (const argv of [[flag], [...tool.extra, flag]]) {
        const t = terminal(tool.lines);
        expect(await tool.run(argv, t.io), argv.join(' ')).toBe(0);
        expect(t.stdout, argv.join(' ')).toBe(`${tool.usage}\n`);
        expect(t.stderr, argv.join(' ')).toBe('');
      }
    },
  );

  it('a bad option beside --help is a usage error: status 2, the usage after the message', async () => {
    const t = terminal(tool.lines);
    const err = await tool.run(['--help', '--no-such-option'], t.io).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toMatch(/no-such-option/);
    expect((err as UsageError).message.endsWith(`\n\n${tool.usage}`)).toBe(true);
    expect(t.stdout).toBe('');
  });
});
