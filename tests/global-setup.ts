/** Builds the server once before the suite (`npm run build`: tsc, then the bundle `npm start`
 * runs), so tests can run dist/ as a user does. Always: a test run checks the code as it is. */
import { execFileSync } from 'node:child_process';
import { ROOT } from '../src/config/paths.js';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
}
