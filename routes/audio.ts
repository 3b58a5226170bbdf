import type { FastifyPluginAsync } from 'fastify';
import type { Helpline } from '../src/http/runtime.js';

export interface AudioRoutesOptions {
  helpline: Helpline;
}

/** GET /audio/:lang/:key.wav: the recorded prompts of the configuration in force. */
export const audioRoutes: FastifyPluginAsync<AudioRoutesOptions> = async (app, { helpline }) => {
  app.get<{ Params: { lang: string; file: string } }>('/audio/:lang/:file', async (request, reply) => {
    const { lang, file } = request.params;
    const found = helpline.current.audio.get(`${lang}/${file.replace(/\.wav$/, '')}`);
    if (!found) return reply.code(404).send({ error: 'not found' });
    reply.header('cache-control', 'public, max-age=3600').header('etag', found.etag).type(found.type);
    if (request.headers['if-none-match'] === found.etag) return reply.code(304).send();
    return reply.send(found.body);
  });
};
