import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this module that holds package.json.
 * Works both from src/ (tests) and from dist/src/ (the built server). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export const ROOT = findRoot();
export const DEFAULT_DIRECTORY = join(ROOT, 'config', 'directory.yaml');
export const DEFAULT_MENUS = join(ROOT, 'config', 'menus.yaml');
export const DEFAULT_PROMPTS = join(ROOT, 'prompts');
