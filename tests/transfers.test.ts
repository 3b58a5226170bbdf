/**
 * Transfers and their outcomes: every DialCallStatus Twilio sends, the after-call menu, the
 * offers (fixed keys, failed services never again, like services first), the safety net going
 * on to the next open service, the kind ending, the police's number, caller ID, and no dead end
 * when nothing else is open. What the data promises is in helpers/expected.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeCopy, copyData } from './helpers/fixtures.js';
import { CALLBACK, OFFER_KEYS, POLICE, SERVICES, dialOf, safetyNet } from './helpers/expected.js';
import {
  BASE,
  Call,
  all,
  assertValidTwiml,
  callParams,
  makeApp,
  post,
  testConfig,
  type TestApp,
} from './helpers/twilio.js';

const MONDAY_MORNING = '2026-11-30T10:00:00+01:00';
const SATURDAY = '2026-11-28T11:00:00+01:00';
const config = testConfig();
const LANGS = config.flow.languages;
const keysTo = (id: string) => SERVICES.find((s) => s.id === id)!.keys;

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ at: MONDAY_MORNING });
});
afterAll(() => t.app.close());

const says = (c: Call) => all(c.twiml, 'Say');
const said = (c: Call) =>
  says(c)
    .map((s) => s.text)
    .join(' ');
const action = (c: Call) => c.gather!.attrs.action!.slice(BASE.length);
const prompt = (lang: string, key: string) => config.prompts[lang]!.prompts[key]!;
const name = (lang: string, id: string) => config.services[id]!.name[lang]!;

async function to(langKey: string, id: string, app = t.app): Promise<Call> {
  return (await new Call(app).start()).keys(langKey, ...keysTo(id));
}

describe('after a call, for a caller who chose no language', () => {
  it('each greeting language says thanks, the not-reached key, then that the back key is the language choice; it is', async () => {
    const call = await new Call(t.app).start();
    while (!call.dial) await call.silence();
    await call.outcome('completed', true);
    const texts = says(call);
    expect(texts.map((s) => s.attrs.language)).toEqual(config.flow.greeting.map((l) => config.prompts[l]!.language));
    for (const [i, l] of config.flow.greeting.entries()) {
      const text = texts[i]!.text;
      const at = (key: string) => text.indexOf(prompt(l, key).split('{')[0]!);
      expect(at('after-call-thanks'), l).toBe(0);
      expect(at('after-call-not-reached'), l).toBeGreaterThan(0);
      expect(at('after-call-languages'), l).toBeGreaterThan(at('after-call-not-reached'));
      expect(at('after-call'), l).toBe(-1);
    }
    await call.press(config.flow.keys.back);
    expect(action(call)).toBe('/voice/menu?menu=lang&tries=0');
  });
});

describe.each(LANGS)('in $code', (lang) => {
  const net = safetyNet(lang.id);

  it.each(['completed', 'answered'] as const)(
    '%s: the after-call menu, whose back key leads to the main menu',
    async (status) => {
      const call = await to(lang.key, 'pag-asa');
      await call.outcome(status, true);
      expect(action(call)).toBe(`/voice/menu?lang=${lang.id}&menu=end&tries=0&focus=pag-asa`);
      expect(new Set(call.languages)).toEqual(new Set([lang.code]));
      await call.press(config.flow.keys.back);
      expect(action(call)).toBe(`/voice/menu?lang=${lang.id}&menu=main&tries=0`);
    },
  );

  it('after a call: thanks first, then the key for a caller who reached nobody, then the way back to the main menu', async () => {
    const call = await (await to(lang.key, 'pag-asa')).outcome('completed');
    const text = said(call);
    const at = (key: string) => text.indexOf(prompt(lang.id, key).split('{')[0]!);
    expect(at('after-call-thanks')).toBe(0);
    expect(at('after-call-not-reached')).toBeGreaterThan(at('after-call-thanks'));
    expect(at('after-call')).toBeGreaterThan(at('after-call-not-reached'));
    expect(at('after-call-languages')).toBe(-1);
  });

  it('after a call: * says it again, 9 is the language choice; wrong keys and silence count, then the call ends kindly', async () => {
    const call = await (await to(lang.key, 'pag-asa')).outcome('completed');
    const first = call.xml;
    await call.press(config.flow.keys.repeat);
    expect(call.xml).toBe(first);
    await call.press(config.flow.keys.language);
    expect(action(call)).toBe('/voice/menu?menu=lang&tries=0');

    const wrong = await (await to(lang.key, 'pag-asa')).outcome('completed');
    await wrong.press('5');
    expect(wrong.hungUp).toBe(false);
    expect(action(wrong)).toBe(`/voice/menu?lang=${lang.id}&menu=end&tries=1&focus=pag-asa`);
    expect(says(wrong)[0]!.text.startsWith(prompt(lang.id, 'invalid-key'))).toBe(true);
    await wrong.press('7');
    expect(action(wrong)).toBe(`/voice/menu?lang=${lang.id}&menu=end&tries=2&focus=pag-asa`);
    await wrong.press('#');
    // The third: the caller has spoken to someone; the emergency numbers and goodbye, no new transfer.
    expect(says(wrong)[0]!.text).toMatch(/112/);
    expect(wrong.dial).toBeUndefined();
    expect(wrong.hungUp).toBe(true);

    const silent = await (await to(lang.key, 'pag-asa')).outcome('completed');
    await silent.silence();
    expect(silent.hungUp).toBe(false);
    expect(action(silent)).toBe(`/voice/menu?lang=${lang.id}&menu=end&tries=1&focus=pag-asa`);
    // Silence after a call is no mistake: the menu again (thanks, then "did not reach anyone"),
    // without "you did not press a key".
    const again = says(silent)[0]!.text;
    expect(again.startsWith(prompt(lang.id, 'after-call-thanks'))).toBe(true);
    expect(again).toContain(prompt(lang.id, 'after-call-not-reached').split('{')[0]!);
    expect(again).not.toContain(prompt(lang.id, 'no-input').split('{')[0]!);
    await silent.silence();
    expect(silent.dial).toBeUndefined();
    expect(silent.hungUp).toBe(true);
    expect(
      says(silent)
        .map((s) => s.text)
        .join(' '),
    ).toMatch(/112/);
  });

  it.each(['busy', 'no-answer', 'failed', 'canceled'] as const)(
    '%s: the caller hears so and is offered the services open now, on their main-menu keys',
    async (status) => {
      const call = await to(lang.key, 'pag-asa');
      await call.outcome(status);
      expect(new Set(call.languages)).toEqual(new Set([lang.code]));
      expect(action(call)).toBe(`/voice/menu?lang=${lang.id}&menu=alt&tries=0&failed=pag-asa&focus=pag-asa`);
      const offers = said(call).slice(said(call).indexOf(prompt(lang.id, 'alternatives-intro')));
      expect(offers.length).toBeLessThan(said(call).length); // the offers follow what happened
      expect(offers).not.toContain(name(lang.id, 'pag-asa'));
      await call.press('2'); // no offer's key
      expect(call.dial).toBeUndefined();
      expect(action(call)).toBe(`/voice/menu?lang=${lang.id}&menu=alt&tries=1&failed=pag-asa&focus=pag-asa`);
      await call.press(OFFER_KEYS.centres);
      expect(call.dialled).toBe(dialOf(net[0]!)); // the next centre, 24/7 confirmed first
      expect(call.dial!.attrs.action).toBe(`${BASE}/voice/dial?lang=${lang.id}&service=${net[0]}&failed=pag-asa`);
    },
  );

  it('busy, no-answer and failed are told apart', async () => {
    const texts = new Set<string>();
    for (const status of ['busy', 'no-answer', 'failed'] as const) {
      const call = await (await to(lang.key, 'pag-asa')).outcome(status);
      const expected = prompt(lang.id, `dial-${status}`).replace('{name}', name(lang.id, 'pag-asa'));
      expect(says(call)[0]!.text.startsWith(expected)).toBe(true);
      texts.add(expected);
    }
    expect(texts.size).toBe(3);
  });

  it('a chosen centre that fails is never offered again; the police key, once its number was said, says it again', async () => {
    const call = await new Call(t.app).start();
    await call.keys(lang.key, ...POLICE.keys);
    expect(call.dial).toBeUndefined();
    await call.press(OFFER_KEYS.centres);
    expect(call.dialled).toBe(dialOf(net[0]!));
    await call.outcome('failed');
    expect(action(call)).toBe(`/voice/menu?lang=${lang.id}&menu=alt&tries=0&failed=police.${net[0]}&focus=${net[0]}`);
    await call.press(OFFER_KEYS.police);
    expect(call.dial).toBeUndefined();
    expect(action(call)).toMatch(/&tries=0&/);
    await call.press(OFFER_KEYS.centres);
    expect(call.dialled).toBe(dialOf(net[1]!)); // this language's next centre
    await call.outcome('busy');
    await call.press(OFFER_KEYS.centres);
    expect(call.dialled).toBe(dialOf(net[2]!));
    await call.outcome('no-answer');
    // No centre left: key 1 is no longer said, and means nothing else.
    expect(said(call)).not.toContain(name(lang.id, 'surya'));
    await call.press(OFFER_KEYS.centres);
    expect(call.dial).toBeUndefined();
  });

  it('after a care centre fails, another care centre is said first, on the care key', async () => {
    const call = await to(lang.key, 'care-brussels');
    await call.outcome('busy');
    const next = net.slice(3).find((id) => id !== 'care-brussels')!;
    const text = said(call);
    expect(text.indexOf(name(lang.id, next))).toBeGreaterThan(-1);
    expect(text.indexOf(name(lang.id, next))).toBeLessThan(text.indexOf(name(lang.id, 'surya')));
    await call.press(OFFER_KEYS.care);
    expect(call.dialled).toBe(dialOf(next));
  });

  it('1712 at the weekend: said closed, then the offers, where 4 is not offered', async () => {
    t.setNow(SATURDAY);
    try {
      const call = await to(lang.key, 'violence-line');
      expect(call.dial).toBeUndefined();
      expect(action(call)).toBe(`/voice/menu?lang=${lang.id}&menu=alt&tries=0&focus=violence-line`);
      await call.press(OFFER_KEYS.violenceLine);
      expect(call.dial).toBeUndefined();
      await call.press(OFFER_KEYS.centres);
      expect(call.dialled).toBe(dialOf(net[0]!));
    } finally {
      t.setNow(MONDAY_MORNING);
    }
  });
});

describe.each(LANGS)('the safety net, in $code', (lang) => {
  const net = safetyNet(lang.id);

  it('a caller who never chooses goes through every open service in order, then hears the emergency numbers and a number to call back', async () => {
    const call = await new Call(t.app).start();
    await call.press(lang.key);
    await call.silence();
    await call.silence();
    const failed: string[] = [];
    for (const id of net) {
      expect(call.dialled).toBe(dialOf(id));
      expect(call.dial!.attrs.action).toBe(
        `${BASE}/voice/dial?lang=${lang.id}&service=${id}${failed.length ? `&failed=${failed.join('.')}` : ''}&net=1`,
      );
      await call.outcome('busy');
      failed.push(id);
    }
    // Then the services the offers name that are still open (1712 on a working day), never a
    // hang-up while one could answer.
    while (call.dial) {
      expect([...net.map(dialOf), ...failed.map(dialOf)]).not.toContain(call.dialled);
      expect(call.dialled).toBe(config.services['violence-line']!.dial);
      await call.outcome('busy');
    }
    expect(call.hungUp).toBe(true);
    expect(new Set(call.languages)).toEqual(new Set([lang.code]));
    const text = said(call);
    expect(text).toMatch(/112/);
    // 1712 failed too: its number is still the one to call back later (without its hours).
    expect(text).toContain(CALLBACK[0].said);
    expect(text.indexOf('112')).toBeLessThan(text.lastIndexOf(CALLBACK[0].said));
  });

  it('after a chosen centre failed and two silences, the net skips it and goes on past its own failure', async () => {
    const call = await to(lang.key, 'surya');
    await call.outcome('no-answer');
    await call.silence();
    expect(action(call)).toBe(`/voice/menu?lang=${lang.id}&menu=alt&tries=1&failed=surya&focus=surya`);
    await call.silence();
    expect(says(call)[0]!.text).toMatch(/112/);
    expect(call.dialled).toBe(dialOf(net[1]!));
    expect(call.dial!.attrs.action).toBe(`${BASE}/voice/dial?lang=${lang.id}&service=${net[1]}&failed=surya&net=1`);
    await call.outcome('busy');
    expect(call.hungUp).toBe(false);
    expect(call.dialled).toBe(dialOf(net[2]!));
  });
});

describe('dial results Twilio never sends', () => {
  it.each([[{}], [{ DialCallStatus: '' }], [{ DialCallStatus: 'weird' }], [{ DialCallStatus: 'completed' }]])(
    'an unknown service or status still gets valid TwiML with a way on: %j',
    async (extra) => {
      for (const url of [
        '/voice/dial',
        '/voice/dial?lang=xx&service=nope',
        '/voice/dial?lang=nl&service=__proto__',
        '/voice/dial?service=surya',
        '/voice/dial?lang=en&service=surya&failed=nope.__proto__&net=1',
      ]) {
        const res = await post(t.app, url, callParams(extra));
        expect(res.statusCode).toBe(200);
        const root = assertValidTwiml(res.body);
        expect(root.children.some((c) => c.name === 'Gather' || c.name === 'Hangup' || c.name === 'Dial')).toBe(true);
      }
    },
  );
});

describe('caller ID', () => {
  it('hotline services show the configured hotline number when set, else the number dialled', async () => {
    const data = copyData();
    changeCopy(data, 'directory', (d) => (d.settings = { ...d.settings, hotline_number: '+3225550999' }));
    const app = await makeApp({ config: testConfig(data) });
    const call = await to('1', 'surya', app.app);
    expect(call.dial!.attrs.callerId).toBe('+3225550999');
    await app.app.close();
    const anon = await new Call(t.app, { To: 'not-a-number' }).start();
    await anon.keys('1', ...keysTo('surya'));
    expect(anon.dial!.attrs.callerId).toBeUndefined();
  });

  it('dial timeout and ring tone come from the directory', async () => {
    const call = await to('2', 'surya');
    expect(call.dial!.attrs.timeout).toBe(String(config.services.surya!.dialTimeout));
    expect(call.dial!.attrs.ringTone).toBe(config.settings.ringTone);
  });

  it.each(LANGS.map((l) => [l.id, l] as const))(
    '%s: an operator who sets a police SIP URI gets a transfer, as <Sip>, with the caller told their number is shown',
    async (_, lang) => {
      const data = copyData();
      changeCopy(data, 'directory', (d) => {
        d.services.police!.dial = 'sip:police@carrier.example.be';
        d.services.police!.connect = 'transfer';
      });
      const app = await makeApp({ config: testConfig(data) });
      try {
        const call = await (await new Call(app.app).start()).keys(lang.key, ...POLICE.keys);
        expect(call.dial!.children[0]).toMatchObject({ name: 'Sip', text: 'sip:police@carrier.example.be' });
        expect(call.dial!.attrs.callerId).toBeUndefined(); // caller_id: caller: Twilio passes the caller's own
        expect(said(call)).toContain(prompt(lang.id, 'caller-id-notice'));
        expect(call.dial!.attrs.action).toBe(`${BASE}/voice/dial?lang=${lang.id}&service=police`);
        // A hotline service gets no such notice.
        const centre = await to(lang.key, 'surya', app.app);
        expect(said(centre)).not.toContain(prompt(lang.id, 'caller-id-notice'));
        // Its failure: the offers, without the police.
        await call.outcome('failed');
        expect(action(call)).toBe(`/voice/menu?lang=${lang.id}&menu=alt&tries=0&failed=police&focus=police`);
        await call.press(OFFER_KEYS.police);
        expect(call.dial).toBeUndefined();
      } finally {
        await app.app.close();
      }
    },
  );
});

describe('when nothing else is open', () => {
  it('everything but Sürya closed: its failure leaves only the police number, then a kind ending', async () => {
    const data = copyData();
    // Everything but Sürya closed for good (the police's number is said, so it stays offered).
    changeCopy(data, 'directory', (d) => {
      for (const [id, s] of Object.entries(d.services)) if (id !== 'surya') s.hours = 'off';
    });
    const app = await makeApp({ config: testConfig(data) });
    try {
      for (const lang of LANGS) {
        const call = await to(lang.key, 'surya', app.app);
        expect(call.dialled).toBe(dialOf('surya'));
        await call.outcome('busy');
        expect(action(call)).toBe(`/voice/menu?lang=${lang.id}&menu=alt&tries=0&failed=surya&focus=surya`);
        await call.press(OFFER_KEYS.centres); // not offered: nothing
        expect(call.dial).toBeUndefined();
        await call.press(OFFER_KEYS.police);
        expect(call.dial).toBeUndefined();
        expect(said(call)).toContain(POLICE.said);
        expect(call.hungUp).toBe(true);
        expect(said(call)).toMatch(/112/);

        // Silence in the offers: the net finds nothing open, and ends as kindly.
        const silent = await (await to(lang.key, 'surya', app.app)).outcome('no-answer');
        await silent.silence();
        await silent.silence();
        expect(silent.dial).toBeUndefined();
        expect(silent.hungUp).toBe(true);
        expect(said(silent)).toMatch(/112/);

        // A closed service says it is closed until further notice, and offers Sürya.
        const closed = await to(lang.key, 'pag-asa', app.app);
        expect(closed.dial).toBeUndefined();
        expect(said(closed)).toContain(prompt(lang.id, 'closed-until-further-notice'));
        expect(action(closed)).toBe(`/voice/menu?lang=${lang.id}&menu=alt&tries=0&focus=pag-asa`);
        await closed.press(OFFER_KEYS.centres);
        expect(closed.dialled).toBe(dialOf('surya'));
      }
    } finally {
      await app.app.close();
    }
  });

  it('when 1712 failed and nothing else answers, the number to call back is the next one, with when it opens again', async () => {
    const data = copyData();
    // Sürya closed for the day (a closure), every other service but 1712 closed for good.
    changeCopy(data, 'directory', (d) => {
      for (const s of Object.values(d.services)) if (s.hours === '24/7') s.hours = 'off';
      d.services.surya!.hours = '24/7';
      d.services.surya!.closures = [{ from: '2026-11-30', to: '2026-11-30' }];
    });
    const app = await makeApp({ config: testConfig(data), at: MONDAY_MORNING });
    try {
      for (const lang of LANGS) {
        const call = await to(lang.key, 'violence-line', app.app);
        expect(call.dialled).toBe(dialOf('violence-line'));
        await call.outcome('failed');
        await call.press(OFFER_KEYS.police); // the only offer left
        expect(call.hungUp).toBe(true);
        const text = said(call);
        expect(text).toMatch(/112/);
        expect(text).toContain(CALLBACK[1].said);
        expect(text).not.toContain(CALLBACK[0].said);
        expect(text).toContain(prompt(lang.id, 'tomorrow'));
      }
    } finally {
      await app.app.close();
    }
  });
});
