/**
 * `npm run build`: tsc compiles src/ and routes/ to dist/, then scripts/bundle.mjs bundles the
 * server into dist/server.mjs, written last. `staleness()` says whether dist/ is older than what
 * it is built from: `npm start` and the terminal tools build only then (scripts/ensure-built.mjs).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What a build reads: the code, the compiler's settings, the dependencies installed (npm
 * rewrites node_modules/.package-lock.json on every install), and the build itself. */
const INPUTS = [
  'src',
  'routes',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
  'scripts/build.mjs',
  'scripts/bundle.mjs',
];
/** Written last by a build. */
const OUTPUT = 'dist/server.mjs';

/** The latest modification under `path`, folders included (a folder's time changes when a
 * file in it is added, removed or renamed); 0 if it does not exist. */
function latest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let t = stat.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, latest(join(path, name)));
  return t;
}

/** Why dist/ must be built again; undefined when it is up to date. */
export function staleness(root = ROOT) {
  const built = latest(join(root, OUTPUT));
  if (built === 0) return `${OUTPUT} does not exist yet`;
  const changed = INPUTS.find((input) => latest(join(root, input)) > built);
  return changed && `${changed} changed since the last build`;
}

/** Loaded only to build: `npm start` loads this file first on every start, and child_process
 * alone takes 10 ms to load (docs/performance.md, "Start"). */
const childProcess = () => process.getBuiltinModule('node:child_process');

/** tsc, then the bundle, their output on `out` ('inherit', or a file descriptor); the exit code. */
export function build(root = ROOT, out = 'inherit') {
  const steps = [
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
    [join(root, 'scripts', 'bundle.mjs')],
  ];
  for (const args of steps) {
    const r = childProcess().spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', out, out] });
    if (r.status !== 0) return r.status ?? 1;
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(build());
