/** Copies of the built-in data in a temp folder, edited per test. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DIRECTORY, DEFAULT_MENUS, DEFAULT_PROMPTS } from '../../src/paths.js';

export interface DataCopy {
  dir: string;
  directory: string;
  menus: string;
  prompts: string;
  edit(file: 'directory' | 'menus' | 'fr' | 'nl', change: (text: string) => string): void;
}

export function copyData(): DataCopy {
  const dir = mkdtempSync(join(tmpdir(), 'helpline-data-'));
  const directory = join(dir, 'directory.yaml');
  const menus = join(dir, 'menus.yaml');
  const prompts = join(dir, 'prompts');
  cpSync(DEFAULT_DIRECTORY, directory);
  cpSync(DEFAULT_MENUS, menus);
  cpSync(DEFAULT_PROMPTS, prompts, { recursive: true });
  const files = { directory, menus, fr: join(prompts, 'fr.yaml'), nl: join(prompts, 'nl.yaml') };
  return {
    dir,
    directory,
    menus,
    prompts,
    edit(file, change) {
      const path = files[file];
      const before = readFileSync(path, 'utf8');
      const after = change(before);
      if (after === before) throw new Error(`the edit of ${file} changed nothing`);
      writeFileSync(path, after);
    },
  };
}

/** A copy to break on purpose: chainable edits, whole-file writes, and removal. */
export interface Fixture {
  dir: string;
  directory: string;
  menus: string;
  prompts: string;
  edit(which: 'directory' | 'menus' | 'fr' | 'nl', change: (text: string) => string): Fixture;
  write(which: 'directory' | 'menus' | 'fr' | 'nl', text: string): Fixture;
  remove(): void;
}

export function fixture(): Fixture {
  const copy = copyData();
  const path = (which: string) => (which === 'directory' ? copy.directory : which === 'menus' ? copy.menus : join(copy.prompts, `${which}.yaml`));
  const f: Fixture = {
    dir: copy.dir,
    directory: copy.directory,
    menus: copy.menus,
    prompts: copy.prompts,
    edit(which, change) {
      copy.edit(which, change);
      return f;
    },
    write(which, text) {
      writeFileSync(path(which), text);
      return f;
    },
    remove() {
      rmSync(copy.dir, { recursive: true, force: true });
    },
  };
  return f;
}
