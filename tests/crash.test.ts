/**
 * A bug that escapes every handler (an uncaught exception, an unhandled rejection): the built
 * server logs it without its message (which may quote a request), answers the webhook in
 * flight, and exits 1 for its supervisor to restart it. The error is thrown by a preload
 * that exists only in the tests (tests/helpers/crash-preload.mjs).
 */
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../src/config/paths.js';
import { SERVER, startServer } from './helpers/built.js';
import { phoneLeaks } from './helpers/privacy.js';
import { assertValidTwiml, BASE, CALLER, callParams, sign, TOKEN } from './helpers/twilio.js';

const PRELOAD = join(ROOT, 'tests', 'helpers', 'crash-preload.mjs');

/** A signed POST /voice, its headers and the first half of its body sent; the rest is returned. */
async function holdWebhook(port: number): Promise<{ socket: Socket; rest: string; answer: Promise<string> }> {
  const params = callParams({ CallStatus: 'ringing' });
  const body = new URLSearchParams(params).toString();
  const head =
    `POST /voice HTTP/1.1\r\nHost: ivr.example.be\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
    `X-Twilio-Signature: ${sign(BASE + '/voice', params)}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  socket.setEncoding('utf8').on('data', (d: string) => (received += d));
  const answer = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  const half = Math.floor(body.length / 2);
  socket.write(head + body.slice(0, half));
  return { socket, rest: body.slice(half), answer };
}

describe.each(['exception', 'rejection'])('an uncaught %s', (kind) => {
  it('is logged without its message, the webhook in flight is answered, and the line exits 1', async () => {
    const server = await startServer(
      { TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_BASE_URL: BASE, LOG_LEVEL: 'debug', CRASH_KIND: kind },
      SERVER,
      ['--import', PRELOAD],
    );
    try {
      const held = await holdWebhook(server.port);
      await server.waitFor(/"msg":"incoming request"/);
      server.child.kill('SIGUSR2');
      await server.waitFor(/"event":"crash"/);
      held.socket.write(held.rest);
      const answer = await held.answer;
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(answer).toMatch(/^connection: close$/im);
      assertValidTwiml(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      expect(await server.exited).toBe(1);

      const crash = server
        .stdout()
        .split('\n')
        .filter((l) => l.includes('"event":"crash"'))
        .map((l) => JSON.parse(l) as { kind: string; error: { type: string; stack: string[] } });
      expect(crash).toHaveLength(1);
      expect(crash[0]!.kind).toBe(kind === 'exception' ? 'uncaughtException' : 'unhandledRejection');
      expect(crash[0]!.error.type).toBe('Error');
      expect(crash[0]!.error.stack.join('\n')).toContain('crash-preload.mjs');
      const lines = [...server.stdout().split('\n'), ...server.stderr().split('\n')].filter(Boolean);
      expect(lines.join('\n')).not.toContain('a bug, thrown');
      expect(lines.join('\n')).not.toContain(CALLER.slice(3));
      expect(phoneLeaks(lines)).toEqual([]);
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
