/**
 * Bundles the server entry (dist/src/http/server.js, compiled by tsc) and everything it imports into
 * one file, dist/server.mjs: the file `npm start` and the container run.
 *
 * Why: unbundled, the line reads and compiles some 630 files at start (zod, yaml, ajv, twilio's
 * xmlbuilder, prom-client...), and that was most of its start time. One file is read and
 * compiled once. Measured by `npm run bench` (README, Performance). The CLIs (npm run call,
 * map, hours, fallback) and the tests keep running the tsc output in dist/src/.
 *
 * The bundle is ESM, like the code. Some dependencies are CommonJS and `require()` Node's own
 * modules; an ESM bundle has no `require`, so the banner makes one (createRequire), the usual
 * way with esbuild. Nothing is left external: the bundle runs without node_modules
 * (tests/server.test.ts checks that).
 *
 * opening_hours is bundled from its CommonJS build, which esbuild wraps in a function that V8
 * compiles when it is first required, on its own. Its ES build is hoisted into the bundle's top
 * level, compiled in one piece with everything else: V8 then needed 16.7 MB of compiler memory
 * at once instead of 9.2, and the C library kept most of it (docs/restarts.md, "Memory").
 *
 * The server never imports the terminal tools (src/cli/): they are not part of the line
 * (tests/server.test.ts checks the bundle's inputs).
 */
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const requireFromRoot = createRequire(`${root}package.json`);

/** `import ... from 'opening_hours'` bundles the package's CommonJS build (see above). */
const openingHoursAsCommonJs = {
  name: 'opening-hours-commonjs',
  setup(b) {
    b.onResolve({ filter: /^opening_hours$/ }, () => ({ path: requireFromRoot.resolve('opening_hours') }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ['dist/src/http/server.js'],
  outfile: 'dist/server.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // Readable stack traces with `node --enable-source-maps dist/server.mjs`.
  sourcemap: 'linked',
  // Smaller to read and parse (4.3 -> 2.8 MB), but names are kept: the logs' error stacks
  // stay readable. Full minification (2.2 MB) started no faster than this.
  minifyWhitespace: true,
  minifySyntax: true,
  banner: {
    js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);",
  },
  plugins: [openingHoursAsCommonJs],
  logLevel: 'warning',
  metafile: true,
});
// What went into the bundle, file by file (npm run bench checks that twilio's REST client did not).
writeFileSync(`${root}dist/server.mjs.meta.json`, JSON.stringify(result.metafile));
