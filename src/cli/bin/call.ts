/** `npm run call`: a caller in the terminal (src/cli/call.ts). Runs it; the module itself only exports. */
import { runMain } from '../common.js';
import { callCli } from '../call-command.js';

runMain(() =>
  callCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (text) => process.stderr.write(text),
  }),
);
