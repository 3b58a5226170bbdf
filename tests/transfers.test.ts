/**
 * Transfers and their outcomes: every DialCallStatus Twilio sends, the police's own failure
 * message, caller ID policy, and no dead end when nothing else is open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyData } from './helpers/fixtures.js';
import { Call, makeApp, post, callParams, testConfig, assertValidTwiml, type TestApp } from './helpers/twilio.js';

const config = testConfig();
let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ at: '2026-11-30T10:00:00+01:00' });
});
afterAll(() => t.app.close());

async function toPagAsa(langKey: string): Promise<Call> {
  const call = await new Call(t.app).start();
  return call.keys(langKey, '2', '1');
}

describe.each([
  ['1', 'fr-BE'],
  ['2', 'nl-BE'],
])('language key %s (%s)', (langKey, code) => {
  it.each(['completed', 'answered'] as const)('%s: thanks, a way back to the menu, then goodbye', async (status) => {
    const call = await toPagAsa(langKey);
    await call.outcome(status);
    expect(call.gather!.attrs.action).toMatch(/m=end/);
    expect(call.languages.every((l) => l === code)).toBe(true);
    const back = await (await toPagAsa(langKey)).outcome('completed');
    await back.press('0');
    expect(back.gather!.attrs.action).toMatch(/m=main/);
    const bye = await (await toPagAsa(langKey)).outcome('completed');
    await bye.silence();
    expect(bye.hungUp).toBe(true);
  });

  it('after a call: * says it again, 9 in the other language, 0 the main menu; anything else ends with the emergency numbers', async () => {
    const call = await (await toPagAsa(langKey)).outcome('completed');
    const first = call.xml;
    await call.press('*');
    expect(call.xml).toBe(first);
    await call.press('9');
    expect(call.gather!.attrs.action).toMatch(/m=end/);
    expect(call.languages.every((l) => l !== code)).toBe(true);
    await call.press('9');
    expect(call.xml).toBe(first);
    await call.press('5');
    expect(call.hungUp).toBe(true);
    expect(call.twiml.children.map((c) => c.text).join(' ')).toMatch(/112/);
  });

  it.each(['busy', 'no-answer', 'failed', 'canceled'] as const)('%s: the caller hears so and is offered the services open now, 24/7 first', async (status) => {
    const call = await toPagAsa(langKey);
    await call.outcome(status);
    expect(call.languages.every((l) => l === code)).toBe(true);
    expect(call.gather!.attrs.action).toMatch(/m=alt&t=0&x=pag-asa/);
    await call.press('2'); // PAG-ASA's alternatives key: the one that just failed is not offered
    expect(call.dial).toBeUndefined();
    await call.press('1');
    expect(call.dialled).toBe('+3242324030');
  });

  it('busy, no-answer and failed are told apart', async () => {
    const texts = new Set<string>();
    for (const status of ['busy', 'no-answer', 'failed'] as const) {
      const call = await (await toPagAsa(langKey)).outcome(status);
      texts.add(call.gather!.children[0]!.text.split('.')[0]!);
    }
    expect(texts.size).toBe(3);
  });

  it('a failed police transfer says again, plainly, to dial 112 or 101, then offers the services open now', async () => {
    const call = await new Call(t.app).start();
    await call.keys(langKey, '1');
    expect(call.dialled).toBe('101');
    await call.outcome('failed');
    const first = call.gather!.children[0]!.text;
    expect(first).toMatch(/112/);
    expect(first).toMatch(/101/);
    expect(call.gather!.attrs.action).toMatch(/m=alt&t=0&x=police/);
  });
});

describe('the safety net', () => {
  it('never puts the caller back through to the service that just failed, and its own failure ends the call', async () => {
    const call = await (await new Call(t.app).start()).keys('1', '2', '3');
    expect(call.dialled).toBe('+3242324030'); // Sürya, chosen
    await call.outcome('no-answer');
    await call.silence();
    await call.silence();
    await call.silence(); // third failed try in the alternatives: the safety net, without Sürya
    expect(call.dialled).toBe('+3225116464'); // PAG-ASA, next in the safety net
    expect(call.dial!.attrs.action).toMatch(/n=1/);
    await call.outcome('busy');
    expect(call.hungUp).toBe(true);
    expect(call.twiml.children.map((c) => c.text).join(' ')).toMatch(/112/);
  });
});

describe('dial results Twilio never sends', () => {
  it.each([[{}], [{ DialCallStatus: '' }], [{ DialCallStatus: 'weird' }], [{ DialCallStatus: 'completed' }]])(
    'an unknown service or status still gets valid TwiML with a way on: %j',
    async (extra) => {
      for (const url of ['/voice/dial', '/voice/dial?l=xx&s=nope', '/voice/dial?l=nl&s=__proto__', '/voice/dial?s=surya']) {
        const res = await post(t.app, url, callParams(extra));
        expect(res.statusCode).toBe(200);
        const root = assertValidTwiml(res.body);
        expect(root.children.some((c) => c.name === 'Gather' || c.name === 'Hangup')).toBe(true);
      }
    },
  );
});

describe('caller ID', () => {
  it('hotline services show the configured hotline number when set, else the number dialled', async () => {
    const data = copyData();
    data.edit('directory', (s) => s.replace('hotline_number: ""', 'hotline_number: "+3225550999"'));
    const app = await makeApp({ config: testConfig(data) });
    const call = await new Call(app.app).start();
    await call.keys('1', '2', '3');
    expect(call.dial!.attrs.callerId).toBe('+3225550999');
    await app.app.close();
    const anon = await new Call(t.app, { To: 'not-a-number' }).start();
    await anon.keys('1', '2', '3');
    expect(anon.dial!.attrs.callerId).toBeUndefined();
  });

  it('dial timeout and ring tone come from the directory', async () => {
    const call = await (await new Call(t.app).start()).keys('2', '2', '3');
    expect(call.dial!.attrs.timeout).toBe(String(config.services.surya!.dialTimeout));
    expect(call.dial!.attrs.ringTone).toBe(config.settings.ringTone);
  });

  it('a SIP destination is dialled as <Sip>', async () => {
    const data = copyData();
    data.edit('directory', (s) => s.replace('dial: "101"', 'dial: "sip:police@carrier.example.be"'));
    const app = await makeApp({ config: testConfig(data) });
    const call = await (await new Call(app.app).start()).keys('1', '1');
    expect(call.dial!.children[0]).toMatchObject({ name: 'Sip', text: 'sip:police@carrier.example.be' });
    await app.app.close();
  });
});

describe('when nothing else is open', () => {
  it('a failed transfer ends kindly with the emergency numbers, not silence', async () => {
    const data = copyData();
    // Everything but Sürya closed for good.
    data.edit('directory', (s) => s.replace(/hours: "24\/7"/g, 'hours: "off"').replace(/(surya:[\s\S]*?)hours: "off"/, '$1hours: "24/7"').replace('hours: "Mo-Fr 09:00-17:00; PH off"', 'hours: "off"'));
    const app = await makeApp({ config: testConfig(data) });
    const call = await (await new Call(app.app).start()).keys('1', '2', '3');
    expect(call.dialled).toBe('+3242324030');
    await call.outcome('busy');
    expect(call.hungUp).toBe(true);
    expect(call.twiml.children.map((c) => c.text).join(' ')).toMatch(/112/);
    // A closed service says it is closed until further notice, and offers Sürya.
    const closed = await (await new Call(app.app).start()).keys('1', '2', '1');
    expect(closed.gather!.attrs.action).toMatch(/m=alt/);
    await closed.press('1');
    expect(closed.dialled).toBe('+3242324030');
    await app.app.close();
  });
});
