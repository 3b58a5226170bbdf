/**
 * Overload: with the event loop saturated, the line answers at once with 503 (Twilio then
 * uses the number's fallback URL) rather than leaving Twilio to time out; the fallback route
 * itself is still served; once the load is gone, calls are answered as before.
 *
 * The loop is saturated for real, in this process: a busy loop that yields only briefly.
 * Thresholds are lowered so the test is quick; the waits are for conditions, not for time.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { phoneLeaks } from './helpers/privacy.js';
import { assertValidTwiml, callParams, makeApp, post, type TestApp } from './helpers/twilio.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ overload: { maxEventLoopDelayMs: 30, sampleIntervalMs: 10, retryAfterSeconds: 7 } });
  await t.app.ready();
});
afterAll(() => t.app.close());

const tick = () => new Promise<void>((r) => setTimeout(r, 5));

/** Blocks the event loop ~100 ms at a time, letting it breathe between blocks, until stopped. */
function saturate(): { stop: () => Promise<void> } {
  let running = true;
  const done = (async () => {
    while (running) {
      const until = performance.now() + 100;
      while (performance.now() < until) {
        // busy: the loop is saturated
      }
      await new Promise<void>((r) => setImmediate(r));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
    },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (condition()) return;
    await tick();
  }
  throw new Error(`never ${what}`);
}

it('a saturated loop: webhooks get 503 with Retry-After, the fallback route is still served, then all is as before', async () => {
  const normal = await post(t.app, '/voice', callParams());
  expect(normal.statusCode).toBe(200);
  expect(t.app.isUnderPressure()).toBe(false);

  const load = saturate();
  try {
    await until(() => t.app.isUnderPressure(), 'under pressure');
    const shed = await post(t.app, '/voice', callParams());
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['retry-after']).toBe('7');
    const menu = await post(t.app, '/voice/menu?lang=fr&menu=main&tries=0', callParams({ Digits: '1' }));
    expect(menu.statusCode).toBe(503);
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    // The number's fallback URL may point here too: it stays a 200 with the static document.
    const fallback = await post(t.app, '/voice/fallback', callParams({ ErrorCode: '11205' }));
    expect(fallback.statusCode).toBe(200);
    expect(fallback.body).toBe(t.app.helpline.safeTwiml);
    // The answering leg of a transfer already picked up is not shed either.
    const whisper = await post(t.app, '/voice/whisper?lang=fr&service=surya&why=now', callParams());
    expect(whisper.statusCode).toBe(200);
  } finally {
    await load.stop();
  }

  await until(() => !t.app.isUnderPressure(), 'relieved');
  const after = await post(t.app, '/voice', callParams());
  expect(after.statusCode).toBe(200);
  expect(after.body).toBe(normal.body);
  assertValidTwiml(after.body);

  const overload = t.logs.filter((l) => l.includes('"event":"overload"'));
  expect(overload.length).toBeGreaterThan(0);
  expect(Number(/"eventLoopDelayMs":(\d+)/.exec(overload[0]!)?.[1])).toBeGreaterThan(30);
  expect(phoneLeaks(t.logs)).toEqual([]);
  // Each shed request is counted: /voice, /voice/menu and /health above.
  const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
  const shedCount = /^helpline_refused_requests_total\{kind="overload"\} (\d+)$/m.exec(metrics.body)?.[1];
  expect(Number(shedCount)).toBeGreaterThanOrEqual(3);
});
