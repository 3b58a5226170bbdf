/**
 * The built line (dist/, built once by tests/global-setup.ts), run as a user runs it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../src/config/paths.js';

/** What `npm start` runs: the bundle of dist/src/http/server.js (scripts/bundle.mjs). */
export const SERVER = join(ROOT, 'dist', 'server.mjs');
export const FALLBACK_CLI = join(ROOT, 'dist', 'cli', 'fallback.js');
export const CALL_CLI = join(ROOT, 'dist', 'cli', 'call.js');
export const MAP_CLI = join(ROOT, 'dist', 'cli', 'map.js');
export const HOURS_CLI = join(ROOT, 'dist', 'cli', 'hours.js');

/** The environment of a child: this one, without what would change the line's data or port. */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [
    'HELPLINE_CONFIG',
    'HELPLINE_MENUS',
    'HELPLINE_PROMPTS',
    'PORT',
    'HOST',
    'TWILIO_AUTH_TOKEN',
    'PUBLIC_BASE_URL',
    'NODE_ENV',
    'LOG_LEVEL',
    'TRUST_PROXY',
  ])
    delete env[k];
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function runNode(
  script: string,
  env: Record<string, string | undefined> = {},
  args: string[] = [],
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Running {
  child: ChildProcess;
  port: number;
  /** Everything the process wrote so far. */
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** Resolves once stdout has a line matching `re` (waits for a condition, not for time). */
  waitFor(re: RegExp, count?: number): Promise<void>;
}

/** Starts the built server on 127.0.0.1 and a free port, as npm start does; resolves once it listens.
 * `entry`: another copy of the bundle (default: dist/server.mjs in the repository); `nodeArgs`: Node's flags. */
export async function startServer(
  env: Record<string, string | undefined> = {},
  entry = SERVER,
  nodeArgs: readonly string[] = [],
): Promise<Running> {
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: ROOT,
    env: childEnv({ HOST: '127.0.0.1', PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of [...waiters]) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const waitFor = (re: RegExp, count = 1) =>
    new Promise<void>((resolve, reject) => {
      const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
      const check = () => {
        if ((out.match(global)?.length ?? 0) >= count) {
          waiters.splice(waiters.indexOf(check), 1);
          resolve();
        }
      };
      waiters.push(check);
      void exited.then((code) => reject(new Error(`the server exited (${code}) before ${re}:\n${out}\n${err}`)));
      check();
    });
  await waitFor(/Server listening at http:\/\/127\.0\.0\.1:\d+/);
  const port = Number(/Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]);
  return { child, port, stdout: () => out, stderr: () => err, exited, waitFor };
}

/** A run that several tests check, made once, when the first of them asks for it (in any order,
 * or alone with -t): each spawn of the built line costs about a CPU-second. */
export function once<T>(run: () => T): () => T {
  let result: { value: T } | undefined;
  return () => {
    result ??= { value: run() };
    return result.value;
  };
}
