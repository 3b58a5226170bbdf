/**
 * The limits set on purpose (README, "When things go wrong"): Twilio's bodies are a few
 * kilobytes and Twilio gives up after 15 s; Docker kills 10 s after SIGTERM.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BODY_LIMIT } from '../src/http/app.js';
import { OVERLOAD_DEFAULTS } from '../src/http/overload.js';
import { SHUTDOWN_GRACE_MS } from '../src/http/shutdown.js';
import { makeApp, type TestApp } from './helpers/twilio.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.app.close());

it('bodies: 32 KiB at most (the oversized-body 413 is a property in fuzz.test.ts)', () => {
  expect(BODY_LIMIT).toBe(32 * 1024);
  expect(t.app.initialConfig.bodyLimit).toBe(BODY_LIMIT);
});

it('a request must arrive within 14 s, under Twilio 15 s; a connection idles 15 s at most', () => {
  // Node's own server settings, as the listening server will use them. requestTimeout runs
  // from the request's first byte, so it bounds the headers too (Node refuses a longer
  // headersTimeout).
  expect(t.app.server.requestTimeout).toBe(14_000);
  expect(t.app.server.timeout).toBe(15_000);
});

it('shutdown: the grace period ends before Docker kills (10 s by default)', () => {
  expect(SHUTDOWN_GRACE_MS).toBeLessThan(10_000);
});

it('overload: shedding starts well before Twilio would time out', () => {
  expect(OVERLOAD_DEFAULTS.maxEventLoopDelayMs + OVERLOAD_DEFAULTS.sampleIntervalMs).toBeLessThan(15_000 / 4);
});
