/** Builds the server once before the suite (`npm run build`: tsc, then the bundle `npm start`
 * runs), so tests can run dist/ as a user does. */
import { execFileSync } from 'node:child_process';
import { ROOT } from '../src/paths.js';

export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: ROOT, stdio: 'inherit' });
}
