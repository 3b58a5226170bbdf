import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../src/config/types.js';

export interface AudioFile {
  body: Buffer;
  etag: string;
  type: string;
}

/** The recorded prompts of a configuration, read once (at start-up and on each reload). Only
 * files that the prompt check found (prompts/audio/<lang>/<prompt key>.wav) are served. */
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

/** GET /audio/:lang/:key.wav: the recorded prompts of the configuration in force. */
export const audioRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { lang: string; file: string } }>('/audio/:lang/:file', async (request, reply) => {
    const { lang, file } = request.params;
    const found = app.helpline.current.audio.get(`${lang}/${file.replace(/\.wav$/, '')}`);
    if (!found) return reply.code(404).send({ error: 'not found' });
    reply.header('cache-control', 'public, max-age=3600').header('etag', found.etag).type(found.type);
    if (request.headers['if-none-match'] === found.etag) return reply.code(304).send();
    return reply.send(found.body);
  });
};
