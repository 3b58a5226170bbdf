/**
 * Wording that callers hear at the end of a call and at its start (issue 16 item 8): the number
 * of a service whose name holds it is not said twice; silence after a call that reached someone
 * is no mistake; the greeting and the emergency prompt give the emergency numbers in the same
 * words. Assertions on prompt keys and data, not on retyped sentences.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { dialUrl } from '../src/call/call-state.js';
import { spokenNumber } from '../src/engine/index.js';
import { all, assertValidTwiml, Call, callParams, makeApp, post, testConfig } from './helpers/twilio.js';

const config = testConfig();
const LANGS = config.flow.languages;
const prompt = (lang: string, key: string) => config.prompts[lang]!.prompts[key]!;
const text = (root: ReturnType<typeof assertValidTwiml>) =>
  all(root, 'Say')
    .map((s) => s.text)
    .join(' ');

describe.each(LANGS)('in $code', (lang) => {
  it('nobody left to reach: the callback service whose name holds its number is not given the number again', async () => {
    const { app } = await makeApp({ at: '2026-12-05T10:00:00+01:00' }); // a Saturday: 1712 closed
    onTestFinished(() => app.close());
    const callback = config.services[config.flow.callback[0]!]!;
    const number = spokenNumber(callback.dial);
    expect(callback.name[lang.id]).toContain(number);
    // A caller put through by the safety net, every service of it tried and failed.
    const net = ['pag-asa', 'payoke', 'care-brussels', 'care-ghent', 'care-liege'];
    const res = await post(app, dialUrl({ lang: lang.id, service: 'surya', failed: net, net: true }), {
      ...callParams(),
      DialCallStatus: 'busy',
    });
    const root = assertValidTwiml(res.body);
    expect(all(root, 'Hangup')).toHaveLength(1);
    const said = text(root);
    expect(said).toContain(callback.name[lang.id]);
    expect(said.split(number).length - 1).toBe(1);
  });

  it('silence after a call that reached someone: the after-call menu again, without "you did not press a key"', async () => {
    const { app } = await makeApp();
    onTestFinished(() => app.close());
    const call = new Call(app);
    await call.start();
    await call.keys(lang.key, '2', '1');
    await call.outcome('completed');
    const afterCall = text(call.twiml);
    await call.silence();
    expect(call.hungUp).toBe(false);
    expect(text(call.twiml)).not.toContain(prompt(lang.id, 'no-input'));
    expect(text(call.twiml)).toBe(afterCall);
  });

  it('the greeting gives the emergency numbers in the words of the emergency prompt', () => {
    const numbers = (key: string) => {
      const p = prompt(lang.id, key);
      const from = p.search(/\d/);
      return p.slice(from, p.indexOf('.', from) + 1);
    };
    expect(numbers('greeting')).toMatch(/112.*101/);
    expect(numbers('greeting')).toBe(numbers('emergency'));
  });
});
