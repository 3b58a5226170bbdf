/** `npm run docs:transcripts`: regenerates the transcripts in README.md and docs/ (src/cli/transcripts.ts). Runs it; the module itself only exports. */
import { runMain } from '../common.js';
import { DATA_ENV, transcriptsCli } from '../transcripts.js';

// The documentation shows the shipped data, whatever this shell points the line at.
for (const name of DATA_ENV) delete process.env[name];
runMain(() =>
  transcriptsCli(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }),
);
