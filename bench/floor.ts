/**
 * The yardstick of `npm run bench` (bench/bench.ts): Fastify with @fastify/formbody answering a
 * fixed TwiML on the four webhook paths, nothing else.
 *   FLOOR_TWIML  JSON, the answer by path (the bench passes the line's own, so both send as many bytes)
 *   FLOOR_TOKEN  set: the floor. Twilio's signature is checked first by the `twilio` package
 *                (validateRequest, against FLOOR_BASE + the URL), with a pino logger at warn as
 *                the line has. Unset: bare Fastify, whose start time is the start budget's unit.
 */
import formbody from '@fastify/formbody';
import Fastify from 'fastify';

const answers = JSON.parse(process.env.FLOOR_TWIML || '{}') as Record<string, string>;
const token = process.env.FLOOR_TOKEN;

const app = Fastify(token ? { logger: { level: 'warn' } } : {});
await app.register(formbody);
if (token) {
  const { default: webhooks } = await import('twilio/lib/webhooks/webhooks.js');
  const base = process.env.FLOOR_BASE ?? '';
  app.addHook('preHandler', async (request, reply) => {
    const signature = String(request.headers['x-twilio-signature'] ?? '');
    const params = (request.body ?? {}) as Record<string, string>;
    if (!webhooks.validateRequest(token, signature, base + request.url, params)) return reply.code(403).send();
  });
}
for (const path of ['/voice', '/voice/menu', '/voice/dial', '/voice/fallback'])
  app.post(path, async (_request, reply) => reply.type('text/xml').send(answers[path] ?? '<Response/>'));

process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
await app.listen({ port: Number(process.env.PORT ?? 3001), host: '127.0.0.1' });
