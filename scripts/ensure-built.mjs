/**
 * Loaded first by `npm start` and the terminal tools (`node --import ./scripts/ensure-built.mjs
 * dist/...`), or run on its own: builds dist/ when it is missing or older than its sources, and
 * otherwise only reads some file times. A fresh clone's first `npm start` builds; the next ones
 * start at once. The build's output goes to stderr, so a tool's own output stays clean
 * (`npm run --silent fallback > fallback.xml`).
 */
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { build, staleness } from './build.mjs';

// An older Node would fail later with a cryptic error: say what to do instead.
if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    `The line needs Node 24 LTS, and this is Node ${process.version}: run \`. scripts/node24.sh\` first (README).\n`,
  );
  process.exit(1);
}

const why = staleness();
if (why) {
  process.stderr.write(`Building first: ${why}.\n`);
  if (!existsSync(new URL('../node_modules/typescript/package.json', import.meta.url))) {
    process.stderr.write('The build needs the development dependencies: run `npm install` first.\n');
    process.exit(1);
  }
  const code = build(undefined, process.stderr.fd);
  if (code !== 0) {
    process.stderr.write('The build failed (above): nothing was started.\n');
    process.exit(code);
  }
}
// Node keeps V8's compiled code of what this process loads on disk (os.tmpdir()/node-compile-cache,
// or NODE_COMPILE_CACHE), checked against each file's content: the next start skips compiling
// (docs/performance.md, "Start").
nodeModule.enableCompileCache();
