/**
 * What the command-line tools share: loading the line's data as the server does, parsing options,
 * and running a tool's main (its entry file in src/cli/bin/). No call-flow logic here.
 */
import { relative, isAbsolute } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type ConfigPaths } from '../config/load.js';
import type { Config } from '../config/types.js';
import { readEnv } from '../http/env.js';
import { ROOT } from '../config/paths.js';
import { useBrusselsTime } from '../time/zone.js';

/** A problem the user can fix (bad option, broken data): printed without a stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** The data files the server would read: HELPLINE_CONFIG, HELPLINE_MENUS, HELPLINE_PROMPTS or the built-in ones. */
export function envPaths(env: NodeJS.ProcessEnv = process.env): ConfigPaths {
  const e = readEnv(env);
  return { directory: e.directory, menus: e.menus, prompts: e.prompts, hotlineNumber: e.hotlineNumber };
}

/** The line's data, checked exactly as at start-up; a broken file is a UsageError listing every problem. */
export function loadLineConfig(paths: ConfigPaths = envPaths()): Config {
  const r = loadConfig(paths);
  if (!r.ok) {
    throw new UsageError(
      `the helpline's data has ${r.errors.length} problem(s):\n${r.errors.map((e) => `  - ${e}`).join('\n')}`,
      1,
    );
  }
  return r.config;
}

/** A path as the docs show it: relative to the repository when inside it. */
export function displayPath(path: string): string {
  const rel = relative(ROOT, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : path;
}

/** Runs a CLI's main, turning UsageErrors into a message and an exit code. */
export function runMain(main: () => Promise<number>): void {
  // Opening hours are read in local time (src/time/zone.ts).
  useBrusselsTime();
  // `npm run hours | head`: the reader went away; stop quietly, as other tools do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof UsageError) {
        if (err.message) process.stderr.write(`${err.message}\n`);
        process.exitCode = err.exitCode;
      } else {
        process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exitCode = 1;
      }
    },
  );
}

/** --help (-h), which every tool that takes options has. */
const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

/**
 * The command's options (node:util parseArgs, strict, no positionals) and --help: asked for, the
 * usage goes to `printUsage` (as the tool's output takes it) and the result is undefined, for the
 * tool to exit 0 before reading anything else. A mistake is a UsageError with the usage text.
 */
export function parseOptions<const O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  usage: string,
  printUsage: (usage: string) => void,
) {
  const parse = () =>
    parseArgs({ args: argv, strict: true, allowPositionals: false, options: { ...options, ...HELP } });
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
  }
  if ('help' in values && values.help === true) {
    printUsage(usage);
    return undefined;
  }
  return values;
}
