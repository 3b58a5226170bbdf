/**
 * Graceful shutdown of the built server, over real sockets: on SIGTERM or SIGINT it stops
 * accepting, answers every request that reached it on an accepted connection (200, valid TwiML,
 * `Connection: close`), and exits 0 within SHUTDOWN_GRACE_MS. Never a 503 or another error
 * status: Twilio takes a 5xx as an application error, and a proxy retries only a refused
 * connection (docs/restarts.md).
 *
 * Waits are for conditions (log lines, answers), never for time.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SHUTDOWN_GRACE_MS } from '../src/http/shutdown.js';
import { startServer, type Running } from './helpers/built.js';
import { phoneLeaks } from './helpers/privacy.js';
import { assertValidTwiml, BASE, callParams, CALLER, sign, TOKEN } from './helpers/twilio.js';

// --- a webhook client on raw sockets ------------------------------------------------------

interface Answer {
  status: number;
  headers: string;
  body: string;
}

/** What became of one request: an HTTP answer, or a refusal at the connection level. */
type Outcome =
  | { kind: 'answered'; answer: Answer; webhook: Webhook }
  | { kind: 'refused'; code: string }
  | { kind: 'reset'; code: string };

/** Three webhooks whose answers do not depend on the time of day, each recognisable by the
 * action of its <Gather>: the request's answer, not another's. */
const WEBHOOKS = [
  { path: '/voice', params: { CallStatus: 'ringing' }, action: /\/voice\/menu\?menu=lang&tries=0$/ },
  {
    path: '/voice/menu?menu=lang&tries=0',
    params: { Digits: '1' },
    action: /\/voice\/menu\?lang=fr&menu=main&tries=0$/,
  },
  {
    path: '/voice/menu?menu=lang&tries=0',
    params: { Digits: '2' },
    action: /\/voice\/menu\?lang=nl&menu=main&tries=0$/,
  },
] as const;
type Webhook = (typeof WEBHOOKS)[number];

/** Webhook i, signed as Twilio signs it (a different call for each i). */
function webhookRequest(i: number): { webhook: Webhook; text: string } {
  const webhook = WEBHOOKS[i % WEBHOOKS.length]!;
  const params = callParams({ ...webhook.params, CallSid: 'CA' + i.toString(16).padStart(32, '0') });
  const body = new URLSearchParams(params).toString();
  const text =
    `POST ${webhook.path} HTTP/1.1\r\nHost: ivr.example.be\r\nUser-Agent: TwilioProxy/1.1\r\nConnection: keep-alive\r\n` +
    `Content-Type: application/x-www-form-urlencoded; charset=UTF-8\r\nX-Twilio-Signature: ${sign(BASE + webhook.path, params)}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  return { webhook, text };
}

/** A connection to the server; `socket` is undefined when the connection was refused. */
async function open(port: number): Promise<{ socket?: Socket; code?: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve({ socket });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve({ code: e.code ?? e.message }));
  });
}

/**
 * Reads one HTTP/1.1 answer (Content-Length framed) from a socket. No byte before the server
 * resets or closes it: a refusal at the connection level. Some bytes, then nothing: rejected
 * (a broken answer is a failure).
 */
function readAnswer(socket: Socket, webhook: Webhook): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (outcome: Outcome | Error) => {
      socket.off('data', onData).off('error', onEnd).off('close', onEnd).off('end', onEnd);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers = buf.subarray(0, end).toString('latin1');
      const length = Number(/content-length:\s*(\d+)/i.exec(headers)?.[1] ?? 'NaN');
      if (buf.length < end + 4 + length) return;
      done({
        kind: 'answered',
        webhook,
        answer: {
          status: Number(headers.split(' ')[1]),
          headers,
          body: buf.subarray(end + 4, end + 4 + length).toString('utf8'),
        },
      });
    };
    const onEnd = (e?: NodeJS.ErrnoException | boolean) => {
      const code = typeof e === 'object' ? (e.code ?? e.message) : 'EOF';
      done(
        buf.length === 0
          ? { kind: 'reset', code }
          : new Error(`connection ended (${code}) in the middle of an answer: ${buf.toString('latin1').slice(0, 200)}`),
      );
    };
    socket.on('data', onData).on('error', onEnd).on('close', onEnd).on('end', onEnd);
  });
}

/** Sends webhook i on an open socket and reads its answer. */
function exchange(socket: Socket, i: number): Promise<Outcome> {
  // Closed by the server already (its end seen): nothing to send on.
  if (socket.destroyed || socket.readableEnded) return Promise.resolve({ kind: 'reset', code: 'EOF' });
  const { webhook, text } = webhookRequest(i);
  const answer = readAnswer(socket, webhook);
  socket.write(text, () => undefined); // a write error shows as the answer's reset
  return answer;
}

/** A new connection, one webhook on it. */
async function oneShot(port: number, i: number): Promise<Outcome> {
  const { socket, code } = await open(port);
  if (!socket) return { kind: 'refused', code: code! };
  return exchange(socket, i);
}

const closed = (socket: Socket) =>
  new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

/** An answer as Twilio needs it: 200, XML, valid TwiML, the action of this webhook's <Gather>. */
function expectNormalAnswer(outcome: Outcome): Answer {
  expect(outcome.kind).toBe('answered');
  const { answer, webhook } = outcome as Extract<Outcome, { kind: 'answered' }>;
  expect(answer.status, answer.body).toBe(200);
  expect(answer.headers).toMatch(/content-type: text\/xml/i);
  const root = assertValidTwiml(answer.body);
  expect(root.children[0]!.name).toBe('Gather');
  expect(root.children[0]!.attrs.action).toMatch(webhook.action);
  return answer;
}

const closes = (a: Answer) => /^connection: close$/im.test(a.headers);

function expectCleanLogs(server: Running, signal: string): void {
  expect(server.stdout()).toMatch(new RegExp(`"event":"shutdown","signal":"${signal}"`));
  expect(server.stdout()).toMatch(/"event":"stopped"/);
  expect(server.stdout()).not.toMatch(/shutdown-timeout|"level":50/);
  // Every request the server started, it completed with 200 (at debug, Fastify logs both).
  const completed = [...server.stdout().matchAll(/"statusCode":(\d+)\},"responseTime"/g)].map((m) => m[1]);
  expect(completed.length).toBe((server.stdout().match(/"msg":"incoming request"/g) ?? []).length);
  expect(completed.filter((s) => s !== '200')).toEqual([]);
  const lines = [...server.stdout().split('\n'), ...server.stderr().split('\n')].filter(Boolean);
  expect(phoneLeaks(lines)).toEqual([]);
  expect(lines.join('\n')).not.toContain(CALLER.slice(3));
}

// --- webhooks in flight -------------------------------------------------------------------

const IN_FLIGHT = 24;

interface Held {
  socket: Socket;
  rest: string;
  answer: Promise<Outcome>;
}

/** Webhook i with its headers and the first half of its body sent; the rest is held. */
async function holdRequest(port: number, i: number): Promise<Held> {
  const { socket } = await open(port);
  if (!socket) throw new Error('refused before the signal');
  const { webhook, text } = webhookRequest(i);
  const answer = readAnswer(socket, webhook);
  answer.catch(() => undefined); // observed below
  const split = text.indexOf('\r\n\r\n') + 4 + Math.floor((text.length - text.indexOf('\r\n\r\n') - 4) / 2);
  socket.write(text.slice(0, split));
  return { socket, rest: text.slice(split), answer };
}

/** Tries new connections until one is refused (the server stopped accepting). */
async function refusesNewConnections(port: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    const { socket, code } = await open(port);
    if (!socket) return code === 'ECONNREFUSED';
    socket.destroy();
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

describe.each(['SIGTERM', 'SIGINT'] as const)('%s with webhooks in flight', (signal) => {
  it('stops accepting, answers every webhook in flight with valid TwiML and Connection: close, and exits 0', async () => {
    // Each request's headers and the first half of its body are sent, the server has started it
    // (its "incoming request" log line, at debug), and the rest is sent after the signal.
    const server = await startServer({ TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_BASE_URL: BASE, LOG_LEVEL: 'debug' });
    try {
      const held: Held[] = [];
      for (let i = 0; i < IN_FLIGHT; i++) held.push(await holdRequest(server.port, i));
      await server.waitFor(/"msg":"incoming request"/, IN_FLIGHT);

      server.child.kill(signal);
      await server.waitFor(/"event":"shutdown"/);
      expect(await refusesNewConnections(server.port)).toBe(true);
      expect(server.child.exitCode).toBeNull(); // still there: its webhooks are in flight

      for (const h of held) h.socket.write(h.rest);
      for (const outcome of await Promise.all(held.map((h) => h.answer)))
        expect(closes(expectNormalAnswer(outcome))).toBe(true);
      // Connection: close, so the server closes each connection after its answer.
      await Promise.all(held.map((h) => closed(h.socket)));

      expect(await server.exited).toBe(0);
      expectCleanLogs(server, signal);
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});

// --- a burst of webhooks, and the signal in the middle ------------------------------------

/** As in the issue: 300 concurrent signed webhooks, the signal while they arrive. */
const BURST = 300;
/** Connections opened, with nothing sent on them yet, before the signal: a proxy or Twilio
 * that just connected and whose request is on its way. */
const FRESH = 20;
/** Keep-alive connections that carried one webhook before the signal and carry another after. */
const KEPT = 20;
/** New connections tried once the server has logged the signal: all refused. */
const LATE = 20;

describe('SIGTERM in the middle of a burst of webhooks', () => {
  it('answers every request on an accepted connection with 200, refuses the others at the connection, never a 503', async () => {
    const server = await startServer({ TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_BASE_URL: BASE, LOG_LEVEL: 'debug' });
    try {
      let n = 0;
      const fresh: Socket[] = [];
      for (let i = 0; i < FRESH; i++) fresh.push((await open(server.port)).socket!);
      const kept: Socket[] = [];
      for (let i = 0; i < KEPT; i++) kept.push((await open(server.port)).socket!);
      // Answered before the signal: keep-alive. (The server has accepted the fresh connections
      // by now: it accepts in order, and it answered on connections opened after them.)
      for (const outcome of await Promise.all(kept.map((s) => exchange(s, n++))))
        expect(closes(expectNormalAnswer(outcome))).toBe(false);

      const started = (server.stdout().match(/"msg":"incoming request"/g) ?? []).length;
      const burst: Array<Promise<Outcome>> = [];
      // Half the burst; the signal once the server has started the first of them; the other half
      // at once, while the server takes the signal.
      for (let i = 0; i < BURST / 2; i++) burst.push(oneShot(server.port, n++));
      await server.waitFor(/"msg":"incoming request"/, started + 1);
      const signalled = performance.now();
      server.child.kill('SIGTERM');
      for (let i = 0; i < BURST / 2; i++) burst.push(oneShot(server.port, n++));
      await server.waitFor(/"event":"shutdown"/);

      const late = await Promise.all(Array.from({ length: LATE }, () => oneShot(server.port, n++)));
      expect(late.map((o) => (o.kind === 'refused' ? o.code : o.kind))).toEqual(Array(LATE).fill('ECONNREFUSED'));

      // Requests sent after the signal on connections accepted before it: answered, and closed.
      const after = await Promise.all([...fresh, ...kept].map((s) => exchange(s, n++)));
      for (const outcome of after) expect(closes(expectNormalAnswer(outcome))).toBe(true);
      await Promise.all([...fresh, ...kept].map(closed));

      const outcomes = await Promise.all(burst);
      const answered = outcomes.filter((o) => o.kind === 'answered');
      for (const outcome of answered) expectNormalAnswer(outcome);
      for (const o of outcomes)
        if (o.kind !== 'answered') expect(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EOF']).toContain(o.code);
      expect(answered.length).toBeGreaterThanOrEqual(1);

      expect(await server.exited).toBe(0);
      expect(performance.now() - signalled).toBeLessThan(SHUTDOWN_GRACE_MS);
      expectCleanLogs(server, 'SIGTERM');
      const kinds = outcomes.map((o) => (o.kind === 'answered' ? `200${closes(o.answer) ? ' close' : ''}` : o.code));
      console.log(
        `burst of ${BURST}: ${[...new Set(kinds)].map((k) => `${k} ${kinds.filter((x) => x === k).length}`).join(', ')}`,
      );
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
