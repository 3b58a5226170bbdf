/** `npm run map`: writes docs/call-flow.md (src/cli/map.ts). Runs it; the module itself only exports. */
import { runMain } from '../common.js';
import { mapCli } from '../map.js';

runMain(() =>
  mapCli(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }),
);
