/**
 * What `npm run fallback` last printed, so `npm run preflight` can tell whether the TwiML Bin
 * behind the number's fallback URL was made from the current data. Twilio's API does not
 * return a Bin's content, so the record of the printout is the next best witness. The record
 * holds a SHA-256 of the document, never the document (it names the services' numbers).
 *
 * Where: FALLBACK_RECORD, or data/fallback-record.json in the repository (data/ is not
 * committed).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/types.js';
import { ROOT } from '../config/paths.js';

export const DEFAULT_FALLBACK_RECORD = join(ROOT, 'data', 'fallback-record.json');

export interface FallbackRecord {
  /** SHA-256 (hex) of the document as printed, without the final newline. */
  sha256: string;
  printedAt: string;
  /** The data it was printed from, for the person reading the record. */
  directory: string;
  menus: string;
  prompts: string;
}

export type RecordState =
  | { status: 'missing' }
  | { status: 'unreadable'; reason: string }
  | { status: 'ok'; record: FallbackRecord };

export function fallbackRecordPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.FALLBACK_RECORD?.trim() || DEFAULT_FALLBACK_RECORD;
}

export function documentDigest(doc: string): string {
  return createHash('sha256').update(doc, 'utf8').digest('hex');
}

export function writeFallbackRecord(path: string, doc: string, config: Config, now: Date): void {
  const record: FallbackRecord = {
    sha256: documentDigest(doc),
    printedAt: now.toISOString(),
    directory: config.sources.directory,
    menus: config.sources.menus,
    prompts: config.sources.prompts,
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(record, null, 2) + '\n');
}

export function readFallbackRecord(path: string): RecordState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { status: 'missing' } : { status: 'unreadable', reason: code ?? String(err) };
  }
  try {
    const r = JSON.parse(text) as Partial<FallbackRecord>;
    if (typeof r.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(r.sha256) || typeof r.printedAt !== 'string')
      throw new Error('fields');
    return { status: 'ok', record: r as FallbackRecord };
  } catch {
    return { status: 'unreadable', reason: 'not a record written by npm run fallback' };
  }
}
