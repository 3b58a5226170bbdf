/** `npm run preflight`: what stands between this configuration and a launch (src/cli/preflight.ts). Runs it; the module itself only exports. */
import { runMain } from '../common.js';
import { preflightCli } from '../preflight.js';

runMain(() =>
  preflightCli(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }),
);
