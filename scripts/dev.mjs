/**
 * `npm run dev`: the line on port 3000 (or PORT), restarted on every change. tsc --watch
 * compiles src/ and routes/ to dist/ as you save; `node --watch` restarts the server
 * (dist/src/http/server.js, the unbundled build) when dist/, config/ or prompts/ change, so an
 * edit of the code, the directory, the menus or a prompt is live a moment later.
 *
 * Why not Node's type stripping on src/ directly: the code imports `./x.js` (NodeNext) and uses
 * parameter properties, which type stripping does not support. Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// dist/ must exist before the server starts: build once if it is missing or stale.
await import('./ensure-built.mjs');

const tsc = spawn(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--watch', '--preserveWatchOutput'],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
);
// --watch-path replaces watching the imported files: the compiled code and the data.
const server = spawn(
  process.execPath,
  [
    '--watch-path=dist',
    '--watch-path=config',
    '--watch-path=prompts',
    '--watch-preserve-output',
    join('dist', 'src', 'http', 'server.js'),
  ],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
);

const children = [tsc, server];
let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  process.exitCode = code;
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(0));
// One of them ended on its own (a crash of the watcher, not of the server it restarts): stop.
for (const c of children) c.on('exit', (code) => stop(code ?? 0));
