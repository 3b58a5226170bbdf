/**
 * Builds the line once before the tests that run it as a user would (the built server, the
 * fallback CLI): `node dist/src/...` catches what vitest's own module loading hides.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}
