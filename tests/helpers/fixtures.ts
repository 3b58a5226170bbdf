/** Copies of the built-in data in a temp folder, changed per test as data (never as text). */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { z } from 'zod';
import { DEFAULT_DIRECTORY, DEFAULT_MENUS, DEFAULT_PROMPTS } from '../../src/config/paths.js';
import type { directorySchema, menusSchema, promptFileSchema } from '../../src/config/schema.js';

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
  return { dir, directory, menus, prompts, path };
}

/** A copy to break on purpose: changes as data (`change`), whole-file writes, and removal. */
export interface Fixture {
  dir: string;
  directory: string;
  menus: string;
  prompts: string;
  path(which: DataFile): string;
  /** The file's text as it is now. */
  read(which: DataFile): string;
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
/** A prompts file as data (its comments are not kept in the copy). */
export type PromptsDoc = z.input<typeof promptFileSchema>;
type Docs = {
  directory: DirectoryDoc;
  menus: MenusDoc;
  fr: PromptsDoc;
  nl: PromptsDoc;
  en: PromptsDoc;
  de: PromptsDoc;
};

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

/** `change` for a DataCopy (copyData()): the directory, the menus or a prompts file changed as data. */
export function changeCopy<K extends keyof Docs>(copy: DataCopy, which: K, mutate: (data: Docs[K]) => void): DataCopy {
  const file = copy.path(which);
  const data = parse(readFileSync(file, 'utf8')) as Docs[K];
  mutate(data);
  writeFileSync(file, stringify(data, { lineWidth: 0 }));
  return copy;
}

/** A mapping written in the file in this order: a plain object would put keys such as "5" before
 * "#" and in ascending order, whatever the order they were set in. */
export function inFileOrder<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  // The yaml package writes a Map's entries in their order; the loader reads a mapping either way.
  return new Map(entries) as unknown as Record<string, T>;
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
