/** `npm run fallback`: prints the fallback TwiML document (src/cli/fallback.ts). Runs it; the module itself only exports. */
import { runMain } from '../common.js';
import { fallbackCli } from '../fallback.js';

runMain(() => fallbackCli({ out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }));
