/** `npm run report` (src/cli/report.ts): the entry file. */
import { runMain } from '../common.js';
import { reportCli } from '../report.js';

runMain(() =>
  reportCli(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }),
);
