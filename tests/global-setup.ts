/** Builds dist/ before the tests that run it or spawn processes (the `processes` project of
 * vitest.config.ts) when it is older than its sources, as `npm start` does (scripts/build.mjs:
 * tsc, then the bundle), so they run dist/ as a user does, built from the code as it is. */
import { build, staleness } from '../scripts/build.mjs';

export default function setup(): void {
  const why = staleness();
  if (why === undefined) return;
  process.stderr.write(`Building dist/: ${why}.\n`);
  if (build() !== 0) throw new Error('the build failed (above)');
}
