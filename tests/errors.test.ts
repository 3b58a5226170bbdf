/** An internal error never reaches Twilio as a 5xx: the caller hears the emergency numbers
 * in both languages and is put through to a 24/7 service. */
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { Call, assertValidTwiml, callParams, makeApp, post } from './helpers/twilio.js';

describe('internal errors', () => {
  it('answer 200 with the safe bilingual TwiML, logged, without a stack trace', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    const broken = vi.spyOn(t.app.helpline.engine, 'input').mockImplementation(() => {
      throw new Error('boom: secret detail');
    });
    const res = await post(t.app, '/voice/menu?l=fr&m=main&t=0', callParams({ Digits: '1' }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).not.toMatch(/boom|secret|at .*\.ts/);
    const root = assertValidTwiml(res.body);
    const langs = root.children.filter((c) => c.name === 'Say').map((s) => s.attrs.language);
    expect(new Set(langs)).toEqual(new Set(['fr-BE', 'nl-BE']));
    const dial = root.children.find((c) => c.name === 'Dial')!;
    expect(dial.children[0]!.text).toBe('+3242324030');
    expect(dial.attrs.action).toBeUndefined(); // needs no further webhook
    expect(root.children.at(-1)!.name).toBe('Hangup');
    expect(t.logs.some((l) => l.includes('"event":"internal-error"'))).toBe(true);
    // The next call is not affected by the previous one's failure.
    broken.mockRestore();
    const call = await (await new Call(t.app).start()).keys('1', '2', '3');
    expect(call.dialled).toBe('+3242324030');
  });

  it('the fallback URL serves the same safe document', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    const res = await post(t.app, '/voice/fallback', callParams({ ErrorCode: '11200', ErrorUrl: 'https://ivr.example.be/voice' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(t.app.helpline.safeTwiml);
  });

  it('an unknown webhook path mid-call still gets valid TwiML', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    const res = await post(t.app, '/voice/old-route?x=1', callParams());
    expect(res.statusCode).toBe(200);
    assertValidTwiml(res.body);
    // Its path is anyone's text: never logged.
    await post(t.app, '/+32471234567', callParams());
    expect(t.logs.join('\n')).not.toContain('471234567');
    expect(t.logs.some((l) => l.includes('"event":"unknown-webhook"'))).toBe(true);
  });
});
