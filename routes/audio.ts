import etag from '@fastify/etag';
import type { FastifyPluginAsync } from 'fastify';
import type { Helpline } from '../src/http/runtime.js';

export interface AudioRoutesOptions {
  helpline: Helpline;
}

/** GET /audio/:lang/:key.wav: the recorded prompts of the configuration in force. ETag and
 * If-None-Match (304) by @fastify/etag. */
export const audioRoutes: FastifyPluginAsync<AudioRoutesOptions> = async (app, { helpline }) => {
  await app.register(etag);
  app.get<{ Params: { lang: string; file: string } }>('/audio/:lang/:file', async (request, reply) => {
    const { lang, file } = request.params;
    const found = helpline.current.audio.get(`${lang}/${file.replace(/\.wav$/, '')}`);
    if (!found) return reply.code(404).send({ error: 'not found' });
    return reply.header('cache-control', 'public, max-age=3600').type(found.type).send(found.body);
  });
};
