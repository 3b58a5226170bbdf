/**
 * Refused requests are each counted in the metrics and logged in summary: a burst of forged
 * webhooks leaves a handful of log lines, not one per request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { RefusalLog } from '../src/http/refusals.js';
import { phoneLeaks } from './helpers/privacy.js';
import { callParams, makeApp, post, type TestApp } from './helpers/twilio.js';

const BURST = 3_000;

function refusedMetric(text: string, kind: string): number {
  return Number(new RegExp(`^helpline_refused_requests_total\\{kind="${kind}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
}

describe('a burst of forged webhooks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp();
  });
  afterAll(() => t.app.close());

  it(`${BURST} forged webhooks: each refused with 403 and counted, a handful of log lines`, async () => {
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        post(t.app, i % 2 ? '/voice' : '/voice/menu?lang=fr&menu=main&tries=0', callParams({ Digits: '1' }), {
          signature: 'forged' + i,
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(BURST).fill(403));
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(refusedMetric(metrics.body, 'signature')).toBe(BURST);

    await t.app.close(); // writes what the open window holds
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.refusal === 'signature');
    console.log(`${BURST} forged webhooks: ${lines.length} log lines, counts ${lines.map((l) => l.count).join(' + ')}`);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(lines.every((l) => l.event === 'signature-rejected')).toBe(true);
    // The lines' counts add up to every refusal.
    expect(lines.reduce((n, l) => n + Number(l.count), 0)).toBe(BURST);
    expect(phoneLeaks(t.logs)).toEqual([]);
  });
});

describe('RefusalLog', () => {
  function logger(lines: Array<Record<string, unknown>>): FastifyBaseLogger {
    return { warn: (obj: Record<string, unknown>, msg: string) => lines.push({ ...obj, msg }) } as never;
  }
  const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  it('the first refusal of a kind at once, then one line per window with the count, per kind', async () => {
    const counted: string[] = [];
    const lines: Array<Record<string, unknown>> = [];
    const log = new RefusalLog((k) => counted.push(k), 40);
    const line = (event: string) => ({ event, msg: event });
    for (let i = 0; i < 10; i++) log.refused('signature', logger(lines), line('signature-rejected'));
    log.refused('bad-request', logger(lines), line('bad-request'));
    expect(lines.map((l) => [l.refusal, l.count])).toEqual([
      ['signature', 1],
      ['bad-request', 1],
    ]);
    await wait(60); // the window ends: the 9 others in one line
    expect(lines.slice(2).map((l) => [l.refusal, l.count])).toEqual([['signature', 9]]);
    await wait(60); // a window with nothing: no line, and the next refusal is logged at once
    log.refused('signature', logger(lines), line('signature-rejected'));
    expect(lines.slice(3).map((l) => [l.refusal, l.count])).toEqual([['signature', 1]]);
    log.refused('signature', logger(lines), line('signature-rejected'));
    log.flush();
    expect(lines.slice(4).map((l) => [l.refusal, l.count])).toEqual([['signature', 1]]);
    expect(counted.filter((k) => k === 'signature').length).toBe(12);
  });
});
