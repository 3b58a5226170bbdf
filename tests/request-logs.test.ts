/**
 * What a webhook writes to the log: at info, the call record (the 'flow' events), without
 * Fastify's two lines per request, which are at debug.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/http/app.js';
import { createLogger } from '../src/http/logging.js';
import { BASE, CALLER, callParams, post, testConfig, TOKEN } from './helpers/twilio.js';

async function logsOf(level: string): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const app = await buildApp({
    config: testConfig(),
    authToken: TOKEN,
    publicBaseUrl: BASE,
    logger: createLogger(level, stream),
  });
  try {
    const res = await post(app, '/voice/menu?lang=fr&menu=main&tries=0', callParams({ Digits: '2' }));
    expect(res.statusCode).toBe(200);
  } finally {
    await app.close();
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('request logs', () => {
  it('at info: only the flow events of the call, with its CallSid', async () => {
    const logs = await logsOf('info');
    const messages = logs.map((l) => l.msg);
    expect(messages).not.toContain('incoming request');
    expect(messages).not.toContain('request completed');
    const flow = logs.filter((l) => l.msg === 'flow');
    expect(flow).toEqual([
      expect.objectContaining({ event: 'choice', menu: 'main', key: '2', lang: 'fr', callSid: 'CA' + 'a'.repeat(32) }),
    ]);
    expect(JSON.stringify(logs)).not.toContain(CALLER.slice(1));
  });

  it("at debug: also Fastify's request lines, still without the caller's number", async () => {
    const logs = await logsOf('debug');
    const messages = logs.map((l) => l.msg);
    expect(messages).toContain('incoming request');
    expect(messages).toContain('request completed');
    expect(logs.find((l) => l.msg === 'request completed')).toMatchObject({ res: { statusCode: 200 } });
    expect(JSON.stringify(logs)).not.toContain(CALLER.slice(1));
  });

  it('at warn: nothing for a good webhook', async () => {
    expect(await logsOf('warn')).toEqual([]);
  });
});
