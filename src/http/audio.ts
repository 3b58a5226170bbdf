/** The recorded prompts of a configuration, read into memory (served by routes/audio.ts). */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/types.js';

export interface AudioFile {
  body: Buffer;
  type: string;
}

/** Read once (at start-up and on each reload), by `<lang>/<prompt key>`. Only files that the
 * prompt check found (prompts/audio/<lang>/<prompt key>.wav) are served. */
export function readAudio(config: Config): Map<string, AudioFile> {
  const files = new Map<string, AudioFile>();
  for (const [lang, catalog] of Object.entries(config.prompts)) {
    for (const [key, file] of catalog.audio) {
      files.set(`${lang}/${key}`, {
        body: readFileSync(file),
        type: file.endsWith('.mp3') ? 'audio/mpeg' : 'audio/wav',
      });
    }
  }
  return files;
}
