/**
 * Data files in a temporary folder: a copy of the built-in directory, menus and prompts that
 * a test edits, to start the line (or the loader) on broken or unusual data.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DIRECTORY, DEFAULT_MENUS, DEFAULT_PROMPTS } from '../../src/paths.js';

export interface Fixture {
  dir: string;
  directory: string;
  menus: string;
  prompts: string;
  /** Rewrite one of the files: 'directory', 'menus', 'fr', 'nl'. */
  edit(which: 'directory' | 'menus' | 'fr' | 'nl', change: (text: string) => string): Fixture;
  write(which: 'directory' | 'menus' | 'fr' | 'nl', text: string): Fixture;
  remove(): void;
}

export function fixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'helpline-data-'));
  const directory = join(dir, 'directory.yaml');
  const menus = join(dir, 'menus.yaml');
  const prompts = join(dir, 'prompts');
  cpSync(DEFAULT_DIRECTORY, directory);
  cpSync(DEFAULT_MENUS, menus);
  mkdirSync(prompts);
  for (const l of ['fr', 'nl']) cpSync(join(DEFAULT_PROMPTS, `${l}.yaml`), join(prompts, `${l}.yaml`));
  const path = (which: string) => (which === 'directory' ? directory : which === 'menus' ? menus : join(prompts, `${which}.yaml`));
  const f: Fixture = {
    dir,
    directory,
    menus,
    prompts,
    edit(which, change) {
      const file = path(which);
      const before = readFileSync(file, 'utf8');
      const after = change(before);
      if (after === before) throw new Error(`the edit of ${which} changed nothing`);
      writeFileSync(file, after);
      return f;
    },
    write(which, text) {
      writeFileSync(path(which), text);
      return f;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return f;
}
