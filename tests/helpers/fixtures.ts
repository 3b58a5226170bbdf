/** Copies of the built-in data in a temp folder, edited per test. */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { z } from 'zod';
import { DEFAULT_DIRECTORY, DEFAULT_MENUS, DEFAULT_PROMPTS } from '../../src/config/paths.js';
import type { directorySchema, menusSchema } from '../../src/config/schema.js';

/** A file of the data: the directory, the menus, or a language's prompts file (prompts/<lang>.yaml),
 * including one the copy does not have yet (`write` creates it). */
export type DataFile = 'directory' | 'menus' | 'fr' | 'nl' | 'en' | 'de';

export interface DataCopy {
  dir: string;
  directory: string;
  menus: string;
  prompts: string;
  /** The path of one file of the copy. */
  path(file: DataFile): string;
  edit(file: DataFile, change: (text: string) => string): void;
}

export function copyData(): DataCopy {
  const dir = mkdtempSync(join(tmpdir(), 'helpline-data-'));
  const directory = join(dir, 'directory.yaml');
  const menus = join(dir, 'menus.yaml');
  const prompts = join(dir, 'prompts');
  cpSync(DEFAULT_DIRECTORY, directory);
  cpSync(DEFAULT_MENUS, menus);
  cpSync(DEFAULT_PROMPTS, prompts, { recursive: true });
  const path = (file: DataFile) =>
    file === 'directory' ? directory : file === 'menus' ? menus : join(prompts, `${file}.yaml`);
  return {
    dir,
    directory,
    menus,
    prompts,
    path,
    edit(file, change) {
      const p = path(file);
      if (!existsSync(p)) throw new Error(`the copy has no ${file} file to edit (write it first)`);
      const before = readFileSync(p, 'utf8');
      const after = change(before);
      if (after === before) throw new Error(`the edit of ${file} changed nothing`);
      writeFileSync(p, after);
    },
  };
}

/** A copy to break on purpose: chainable edits, whole-file writes, and removal. */
export interface Fixture {
  dir: string;
  directory: string;
  menus: string;
  prompts: string;
  path(which: DataFile): string;
  /** The file's text as it is now. */
  read(which: DataFile): string;
  edit(which: DataFile, change: (text: string) => string): Fixture;
  /** Writes the whole file (creates a prompts file for a new language). */
  write(which: DataFile, text: string): Fixture;
  remove(): void;
}

export function fixture(): Fixture {
  const copy = copyData();
  const f: Fixture = {
    dir: copy.dir,
    directory: copy.directory,
    menus: copy.menus,
    prompts: copy.prompts,
    path: copy.path,
    read: (which) => readFileSync(copy.path(which), 'utf8'),
    edit(which, change) {
      copy.edit(which, change);
      return f;
    },
    write(which, text) {
      writeFileSync(copy.path(which), text);
      return f;
    },
    remove() {
      rmSync(copy.dir, { recursive: true, force: true });
    },
  };
  return f;
}

/** The directory and the menus as the loader reads them (before defaults), for builders. */
export type DirectoryDoc = z.input<typeof directorySchema>;
export type MenusDoc = z.input<typeof menusSchema>;
type Docs = { directory: DirectoryDoc; menus: MenusDoc };

/**
 * Test data built as data: the shipped file parsed, changed as an object, written to the copy.
 * Never a replacement of lines of the shipped text, so an operator's edit does not break a test.
 */
export function change<K extends keyof Docs>(f: Fixture, which: K, mutate: (data: Docs[K]) => void): Fixture {
  const data = parse(f.read(which)) as Docs[K];
  mutate(data);
  return f.write(which, stringify(data, { lineWidth: 0 }));
}

/** A copy of the shipped data with the directory and/or the menus changed as data. */
export function dataFixture(changes: {
  directory?: (d: DirectoryDoc) => void;
  menus?: (m: MenusDoc) => void;
}): Fixture {
  const f = fixture();
  if (changes.directory) change(f, 'directory', changes.directory);
  if (changes.menus) change(f, 'menus', changes.menus);
  return f;
}

/** One service of the directory, as data. */
export function service(d: DirectoryDoc, id: string): DirectoryDoc['services'][string] {
  const s = d.services[id];
  if (!s) throw new Error(`the shipped directory has no service "${id}"`);
  return s;
}

/** `change` for a DataCopy (copyData()): the directory or the menus changed as data. */
export function changeCopy<K extends keyof Docs>(copy: DataCopy, which: K, mutate: (data: Docs[K]) => void): DataCopy {
  const file = copy.path(which);
  const data = parse(readFileSync(file, 'utf8')) as Docs[K];
  mutate(data);
  writeFileSync(file, stringify(data, { lineWidth: 0 }));
  return copy;
}

/** The smallest WAV Twilio plays: a RIFF/WAVE header, PCM 8 kHz 16-bit mono, no samples. */
export const TINY_WAV = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([36, 0, 0, 0]),
  Buffer.from('WAVEfmt '),
  Buffer.from([16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0]),
  Buffer.from('data'),
  Buffer.from([0, 0, 0, 0]),
]);
