/** An internal error never reaches Twilio as a 5xx: the caller hears the emergency numbers
 * in every language of the greeting and is put through to a 24/7 service. */
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { SERVICES, dialOf, safetyNet } from './helpers/expected.js';
import { Call, assertValidTwiml, callParams, makeApp, post, testConfig } from './helpers/twilio.js';

const config = testConfig();
const GREETING = config.flow.greeting.map((id) => config.flow.languages.find((l) => l.id === id)!);

describe('internal errors', () => {
  it('answer 200 with the safe TwiML in every greeting language, logged, without a stack trace', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    const broken = vi.spyOn(t.app.helpline.engine, 'input').mockImplementation(() => {
      throw new Error('boom: secret detail');
    });
    const res = await post(t.app, '/voice/menu?lang=fr&menu=main&tries=0', callParams({ Digits: '1' }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).not.toMatch(/boom|secret|at .*\.ts/);
    const root = assertValidTwiml(res.body);
    const says = root.children.filter((c) => c.name === 'Say');
    // The problem and the emergency numbers in each language, in its voice, before the transfer;
    // the emergency numbers again after it.
    const dialAt = root.children.findIndex((c) => c.name === 'Dial');
    const before = root.children.slice(0, dialAt).filter((c) => c.name === 'Say');
    expect(before.map((s) => [s.attrs.language, s.attrs.voice])).toEqual(GREETING.map((l) => [l.code, l.voice]));
    for (const s of before) expect(s.text).toMatch(/112/);
    expect(says.length).toBe(2 * GREETING.length);
    const dial = root.children[dialAt]!;
    expect(dial.children[0]!.text).toBe(dialOf(safetyNet(config.flow.defaultLanguage)[0]!));
    expect(dial.attrs.action).toBeUndefined(); // needs no further webhook
    expect(root.children.at(-1)!.name).toBe('Hangup');
    expect(t.logs.some((l) => l.includes('"event":"internal-error"'))).toBe(true);
    // The next call is not affected by the previous one's failure.
    broken.mockRestore();
    const pagAsa = SERVICES.find((x) => x.id === 'pag-asa')!;
    const call = await (await new Call(t.app).start()).keys(config.flow.languages[0]!.key, ...pagAsa.keys);
    expect(call.dialled).toBe(pagAsa.dial);
  });

  it('the fallback URL serves the same safe document', async () => {
    const t = await makeApp();
    onTestFinished(() => t.app.close());
    const res = await post(
      t.app,
      '/voice/fallback',
      callParams({ ErrorCode: '11200', ErrorUrl: 'https://ivr.example.be/voice' }),
    );
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
