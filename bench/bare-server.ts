/**
 * The yardstick of `npm run bench`: bare Fastify with @fastify/formbody, no logger, answering
 * one constant TwiML string to every webhook path the bench posts to. It parses the form body
 * as the line must, and does nothing else: no signature check, no engine, no rendering.
 *
 *   PORT, HOST   where to listen (127.0.0.1 by default: the bench never leaves the machine)
 *   BARE_TWIML   the answer; the bench passes the line's own answer to POST /voice, so both
 *                servers send the same number of bytes
 *   BARE_SIGNED  an auth token: then this is the "floor" server instead, bare Fastify plus the
 *                two things every webhook of the line must pay for whatever else it does: a
 *                pino logger (at warn, like the bench's line) and the line's own check of
 *                Twilio's signature (src/http/signature.ts, against BARE_PUBLIC_BASE_URL). It shows
 *                how close to bare Fastify a line that checks signatures can get. (Loading
 *                signature.ts also loads the line's TwiML module and what it imports: the
 *                floor's start time and memory are not the floor's cost, and are not reported.)
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';

const FALLBACK =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="dtmf" numDigits="1" timeout="6" finishOnKey="" ' +
  'action="https://ivr.example.be/voice/menu?menu=lang&amp;t=0" method="POST"><Say voice="Polly.Isabelle-Neural" language="fr-BE">' +
  'x'.repeat(600) +
  '</Say><Say voice="Polly.Lisa-Neural" language="nl-BE">' +
  'x'.repeat(600) +
  '</Say></Gather><Redirect method="POST">https://ivr.example.be/voice/menu?menu=lang&amp;t=0&amp;q=1</Redirect></Response>';

const twiml = process.env.BARE_TWIML || FALLBACK;
const token = process.env.BARE_SIGNED;

// The floor's extra modules are imported only for the floor: the bare server's start time and
// memory are those of Fastify and formbody alone.
const floor = token
  ? { pino: (await import('pino')).default, signatureCheck: (await import('../src/http/signature.js')).signatureCheck }
  : undefined;
const app: FastifyInstance = floor
  ? Fastify({ loggerInstance: floor.pino({ level: 'warn' }) as FastifyBaseLogger })
  : Fastify();
await app.register(formbody);
if (floor && token) {
  const isTwilio = floor.signatureCheck({ authToken: token, publicBaseUrl: process.env.BARE_PUBLIC_BASE_URL });
  app.addHook('preHandler', (request, reply, done) => {
    if (isTwilio(request, reply)) done();
  });
}
// One handler, on the three paths the line's webhooks use (static routes, like the line's).
for (const path of ['/voice', '/voice/menu', '/voice/dial'])
  app.post(path, async (_request, reply) => reply.type('text/xml').send(twiml));

process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
await app.listen({ port: Number(process.env.PORT ?? 3001), host: process.env.HOST || '127.0.0.1' });
