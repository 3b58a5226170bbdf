/**
 * Graceful shutdown of the built server: on SIGTERM or SIGINT it stops accepting, finishes
 * the webhooks in flight, and exits 0 (within SHUTDOWN_GRACE_MS, shorter than Docker's 10 s).
 *
 * Webhooks are made "in flight" without any hook in the server: each request's headers and
 * the first half of its body are sent, the server has started it (its "incoming request" log
 * line), and the rest of the body is sent only after the signal. Waits are for conditions.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startServer, type Running } from './helpers/built.js';
import { encodePairs, parsedForm, type Pair } from './helpers/fuzz.js';
import { phoneLeaks } from './helpers/privacy.js';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import { assertValidTwiml, BASE, callParams, CALLER, TOKEN } from './helpers/twilio.js';

const IN_FLIGHT = 24;

interface Pending {
  socket: Socket;
  rest: string;
  response: Promise<{ status: number; headers: string; body: string }>;
}

/** Reads one HTTP/1.1 response (Content-Length framed) from a socket. */
function readResponse(socket: Socket): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers = buf.subarray(0, end).toString('latin1');
      const length = Number(/content-length:\s*(\d+)/i.exec(headers)?.[1] ?? 'NaN');
      if (buf.length < end + 4 + length) return;
      socket.off('data', onData);
      resolve({ status: Number(headers.split(' ')[1]), headers, body: buf.subarray(end + 4, end + 4 + length).toString('utf8') });
    };
    socket.on('data', onData);
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('closed before a full response: ' + buf.toString('latin1').slice(0, 200))));
  });
}

/** A signed webhook whose headers and first half of the body are sent; the rest is held. */
async function startRequest(server: Running, i: number): Promise<Pending> {
  const path = i % 3 === 0 ? '/voice' : i % 3 === 1 ? '/voice/menu?l=nl&m=main&t=0' : '/voice/dial?l=fr&s=pag-asa';
  const pairs: Pair[] = Object.entries(callParams({ Digits: String(1 + (i % 5)), DialCallStatus: 'busy', CallSid: 'CA' + i.toString(16).padStart(32, '0') }));
  const body = encodePairs(pairs);
  const signature = webhooks.getExpectedTwilioSignature(TOKEN, BASE + path, parsedForm(pairs));
  const socket = connect(server.port, '127.0.0.1');
  await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
  const response = readResponse(socket);
  response.catch(() => undefined); // observed below
  const half = Math.floor(body.length / 2);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: ivr.example.be\r\nUser-Agent: TwilioProxy/1.1\r\nConnection: keep-alive\r\n` +
      `Content-Type: application/x-www-form-urlencoded; charset=UTF-8\r\nX-Twilio-Signature: ${signature}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
  );
  return { socket, rest: body.slice(half), response };
}

/** Tries new connections until one is refused (the server stopped accepting). */
async function refusesNewConnections(port: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
    });
    if (refused) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

describe.each(['SIGTERM', 'SIGINT'] as const)('%s', (signal) => {
  it('stops accepting, answers every webhook in flight with valid TwiML, and exits 0', async () => {
    // At debug the server logs when each request starts (Fastify's "incoming request").
    const server = await startServer({ TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_BASE_URL: BASE, LOG_LEVEL: 'debug' });
    try {
      const pending: Pending[] = [];
      for (let i = 0; i < IN_FLIGHT; i++) pending.push(await startRequest(server, i));
      await server.waitFor(/"msg":"incoming request"/, IN_FLIGHT);

      server.child.kill(signal);
      await server.waitFor(/"event":"shutdown"/);
      expect(await refusesNewConnections(server.port)).toBe(true);
      expect(server.child.exitCode).toBeNull(); // still there: its webhooks are in flight

      for (const p of pending) p.socket.write(p.rest);
      const responses = await Promise.all(pending.map((p) => p.response));
      for (const r of responses) {
        expect(r.status).toBe(200);
        expect(r.headers).toMatch(/content-type: text\/xml/i);
        assertValidTwiml(r.body);
      }
      // Once closing, each answer closes its keep-alive connection, so none holds the process.
      for (const r of responses) expect(r.headers).toMatch(/connection: close/i);
      expect(responses.filter((r) => r.body.includes('m=lang')).length).toBe(IN_FLIGHT / 3);

      expect(await server.exited).toBe(0);
      expect(server.stdout()).toMatch(new RegExp(`"event":"shutdown","signal":"${signal}"`));
      expect(server.stdout()).not.toMatch(/shutdown-timeout/);
      const lines = [...server.stdout().split('\n'), ...server.stderr().split('\n')].filter(Boolean);
      expect(phoneLeaks(lines)).toEqual([]);
      expect(lines.join('\n')).not.toContain(CALLER.slice(3));
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
