/** The recorded prompts of a configuration, read into memory (served by routes/audio.ts). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../config/types.js';

export interface AudioFile {
  body: Buffer;
  etag: string;
  type: string;
}

/** Read once (at start-up and on each reload), by `<lang>/<prompt key>`. Only files that the
 * prompt check found (prompts/audio/<lang>/<prompt key>.wav) are served. */
export function readAudio(config: Config): Map<string, AudioFile> {
  const files = new Map<string, AudioFile>();
  for (const [lang, catalog] of Object.entries(config.prompts)) {
    for (const [key, file] of catalog.audio) {
      const body = readFileSync(file);
      const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
      files.set(`${lang}/${key}`, { body, etag, type: file.endsWith('.mp3') ? 'audio/mpeg' : 'audio/wav' });
    }
  }
  return files;
}
