/** `npm run purge` (src/cli/purge.ts): the entry file, stopped by SIGTERM or Ctrl-C. */
import { runMain } from '../common.js';
import { purgeCli } from '../purge.js';

const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
runMain(() =>
  purgeCli(
    process.argv.slice(2),
    { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
    { signal: stop.signal },
  ),
);
