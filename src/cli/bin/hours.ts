/** `npm run hours`: the hours audit (src/cli/hours.ts). Runs it; the module itself only exports. */
import { runMain } from '../common.js';
import { hoursCli } from '../hours.js';

runMain(() =>
  hoursCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (t) => process.stderr.write(t),
  }),
);
