/** Builds the server once before the suite, so tests can run dist/ as `npm start` does. */
import { execFileSync } from 'node:child_process';
import { ROOT } from '../src/paths.js';

export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
}
