/**
 * Bundles what `npm start` and the terminal tools run, from the tsc output in dist/src/:
 *   - the server (dist/src/http/server.js and everything it imports) into one file,
 *     dist/server.mjs: the file `npm start` and the container run;
 *   - the terminal tools (dist/src/cli/bin/*.js) into dist/cli/, their shared code in
 *     dist/cli/chunks/.
 *
 * Why: unbundled, the line reads and compiles some 630 files at start (zod, yaml, ajv, twilio's
 * xmlbuilder, prom-client...), and that was most of its start time; a tool run takes about a
 * quarter less CPU bundled (docs/performance.md, "Start"). The tests keep importing src/.
 *
 * The bundle is ESM, like the code. Some dependencies are CommonJS and `require()` Node's own
 * modules; an ESM bundle has no `require`, so the banner makes one (createRequire), the usual
 * way with esbuild. Nothing is left external in the server: it runs without node_modules
 * (tests/server.test.ts checks that). The tools load twilio from node_modules (its REST
 * client, the package's main entry, is 21 MB of API classes, used only by `npm run purge` and
 * the preflight's remote checks).
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
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
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

/** What both bundles share. */
const common = {
  absWorkingDir: root,
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
};

const bin = 'dist/src/cli/bin';
rmSync(`${root}dist/cli`, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: readdirSync(`${root}${bin}`)
    .filter((f) => f.endsWith('.js'))
    .map((f) => `${bin}/${f}`),
  outdir: 'dist/cli',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  external: ['twilio'],
});

// The server last: scripts/build.mjs takes dist/server.mjs's time as the build's.
const result = await build({
  ...common,
  entryPoints: ['dist/src/http/server.js'],
  outfile: 'dist/server.mjs',
  metafile: true,
});
// What went into the bundle, file by file (npm run bench checks that twilio's REST client did not).
writeFileSync(`${root}dist/server.mjs.meta.json`, JSON.stringify(result.metafile));
