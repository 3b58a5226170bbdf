/**
 * The rendered-TwiML cache (src/call/twiml.ts): an answer served from the cache is the answer a
 * fresh render gives, and answers that depend on the time change when the time does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AFTER_CALL_MENU, ALTERNATIVES_MENU, Engine, LANGUAGE_MENU, type Step } from '../src/engine/index.js';
import { fill } from '../src/call/placeholders.js';
import { RENDER_CACHE_MAX, TwimlRenderer, type RenderContext } from '../src/call/twiml.js';
import { BASE, Call, HOTLINE, makeApp, testConfig, type TestApp } from './helpers/twilio.js';

const config = testConfig();
const engine = new Engine(config);

/** Instants around 1712's opening (working days 9:00-17:00, closed on public holidays). */
const INSTANTS = [
  '2026-11-30T08:59:59+01:00', // Monday, just before 9:00
  '2026-11-30T09:00:00+01:00', // Monday, 9:00: open
  '2026-11-30T17:00:00+01:00', // Monday, closed until Tuesday
  '2026-12-05T11:00:00+01:00', // Saturday: closed until Monday
  '2026-07-21T10:00:00+02:00', // national holiday, summer time
];

/** Failed lists a call can carry: none, a centre and a care centre, every service. */
const FAILED: ReadonlyArray<readonly string[]> = [[], ['surya', 'care-ghent'], Object.keys(config.services)];
/** Focus of the offers: none, a centre, 1712, a care centre, the police (its number said). */
const FOCUS = [undefined, 'surya', 'violence-line', 'care-ghent', 'police'];

/** Every Step the engine can answer at these instants, for every menu, language, key, failed
 * list and focus of the offers, at the first try and the last before the safety net; and
 * every transfer's outcome. Without a language every menu is the language choice: two will do. */
function everyStep(): Step[] {
  const steps: Step[] = [engine.start().step];
  const keys = [undefined, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];
  const menus = [LANGUAGE_MENU, ALTERNATIVES_MENU, AFTER_CALL_MENU, ...Object.keys(config.flow.menus)];
  for (const iso of INSTANTS) {
    const now = new Date(iso);
    for (const lang of [undefined, ...config.languages]) {
      for (const menu of lang === undefined ? [LANGUAGE_MENU, 'main'] : menus) {
        for (const tries of [0, config.flow.maxTries - 1]) {
          for (const failed of FAILED) {
            for (const focus of menu === ALTERNATIVES_MENU ? FOCUS : [undefined]) {
              for (const key of keys) {
                steps.push(
                  engine.input({
                    state: { lang, menu, tries, failed, focus },
                    digits: key,
                    silent: key === undefined,
                    now,
                  }).step,
                );
              }
            }
          }
        }
      }
    }
    for (const lang of config.languages) {
      for (const service of [...Object.keys(config.services), undefined]) {
        for (const failed of FAILED) {
          for (const net of [false, true]) {
            for (const status of ['completed', 'busy', 'no-answer', 'failed', 'canceled', undefined]) {
              steps.push(engine.dialResult({ state: { lang, service, failed, net }, status, now }).step);
            }
          }
        }
      }
    }
  }
  return steps;
}

describe('the rendered-TwiML cache', () => {
  const contexts: RenderContext[] = [
    { baseUrl: BASE, to: HOTLINE, from: '+32470123456' },
    { baseUrl: BASE, to: '+3225550199' }, // another helpline number: another caller ID
    { baseUrl: '', to: 'anonymous' },
  ];

  it('answers exactly what a fresh render answers, for every step the engine makes', () => {
    const steps = everyStep();
    expect(steps.length).toBeGreaterThan(20_000);
    // Every kind of answer is among them: offers and transfers carrying a failed list, the
    // safety net's transfers, the kind ending.
    const kinds = new Set<string>();
    for (const step of steps) {
      if (
        step.kind === 'gather' &&
        step.state.menu === ALTERNATIVES_MENU &&
        step.state.failed.length > 0 &&
        step.state.focus
      )
        kinds.add('offers with failed and focus');
      if (step.kind === 'gather' && step.state.menu === AFTER_CALL_MENU) kinds.add('after a call');
      if (step.kind === 'dial' && step.state.failed.length > 0)
        kinds.add(step.state.net ? 'safety net after a failure' : 'chosen after a failure');
      if (step.kind === 'hangup') kinds.add('ending');
    }
    expect([...kinds].sort()).toEqual([
      'after a call',
      'chosen after a failure',
      'ending',
      'offers with failed and focus',
      'safety net after a failure',
    ]);
    // The Step's whole content (a service by its id), independent of the cache's own key.
    const content = (step: Step) =>
      JSON.stringify(step, (k, v: unknown) => (k === 'service' ? (v as { id: string }).id : v));
    const contents = steps.map(content);
    for (const ctx of contexts) {
      const fresh = new Map<string, string>();
      const cached = new TwimlRenderer(config);
      // Steps whose cached answer differs from the fresh one (text or bytes): none.
      const wrong: string[] = [];
      for (const [i, step] of steps.entries()) {
        const c = contents[i]!;
        // A renderer that has never seen the step renders it from scratch.
        let expected = fresh.get(c);
        if (expected === undefined) {
          expected = new TwimlRenderer(config).render(step, ctx);
          fresh.set(c, expected);
        }
        if (cached.render(step, ctx) !== expected) wrong.push(`text of ${c}`);
        // The bytes the webhooks send are that text in UTF-8.
        if (!cached.renderBytes(step, ctx).equals(Buffer.from(expected, 'utf8'))) wrong.push(`bytes of ${c}`);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
      // As many cached answers as distinct steps: none merged, none duplicated.
      expect(cached.cached).toBe(fresh.size);
      expect(fresh.size).toBeLessThan(steps.length / 10);
    }
  });

  it('menus that depend only on the config are one frozen Step, found by identity with the same answer', () => {
    const now = new Date(INSTANTS[1]!);
    const greeting = engine.start().step;
    expect(engine.start().step).toBe(greeting);
    expect(Object.isFrozen(greeting)).toBe(true);
    expect(Object.isFrozen(greeting.say)).toBe(true);
    expect(Object.isFrozen(greeting.say[0])).toBe(true);
    expect(() => (greeting.say as unknown[]).push({ lang: 'fr', key: 'goodbye' })).toThrow();
    const main = { lang: 'fr', menu: 'main', tries: 0, failed: [] };
    const submenu = engine.input({ state: main, digits: '2', now }).step;
    expect(engine.input({ state: main, digits: '2', now }).step).toBe(submenu);
    expect(Object.isFrozen(submenu)).toBe(true);
    // Not shared: a step with a prefix (a wrong key), or one that carries a failed list.
    const wrong = engine.input({ state: main, digits: '7', now }).step;
    expect(engine.input({ state: main, digits: '7', now }).step).not.toBe(wrong);
    expect(Object.isFrozen(wrong)).toBe(false);
    const afterFailure = engine.input({ state: { ...main, failed: ['surya'] }, digits: '2', now }).step;
    expect(afterFailure).not.toBe(submenu);
    expect(Object.isFrozen(afterFailure)).toBe(false);
    expect(afterFailure.kind === 'gather' && afterFailure.state.failed).toEqual(['surya']);
    const r = new TwimlRenderer(config);
    // The same menu, heard the same, but its URLs keep the failed list.
    const submenuXml = r.render(submenu, contexts[0]!);
    const afterFailureXml = r.render(afterFailure, contexts[0]!);
    expect(afterFailureXml).not.toBe(submenuXml);
    const actions = (xml: string) =>
      [...xml.matchAll(/(?:action="|<Redirect[^>]*>)([^"<]*)/g)].map((m) => new URL(m[1]!.replaceAll('&amp;', '&')));
    expect(actions(afterFailureXml).map((u) => u.searchParams.get('failed'))).toEqual(['surya', 'surya']);
    expect(actions(submenuXml).map((u) => u.searchParams.get('failed'))).toEqual([null, null]);
    expect(afterFailureXml.replace(/&amp;failed=surya/g, '')).toBe(submenuXml);
    for (const step of [greeting, submenu, wrong, afterFailure]) {
      for (const ctx of [...contexts, contexts[0]!, { baseUrl: 'https://other.example' }, contexts[2]!]) {
        const first = r.render(step, ctx);
        expect(first).toBe(new TwimlRenderer(config).render(step, ctx));
        expect(r.render(step, ctx)).toBe(first); // the second time by identity
      }
    }
    // A renderer of its own (for an equal config) answers the same bytes.
    const changed = { ...config, settings: { ...config.settings } };
    expect(new TwimlRenderer(changed).render(greeting, contexts[0]!)).toBe(r.render(greeting, contexts[0]!));
  });

  it('tells apart steps that differ only in the caller ID of a transfer', () => {
    const step = engine.input({
      state: { lang: 'fr', menu: 'centres', tries: 0, failed: [] },
      digits: '1',
      now: new Date(INSTANTS[1]!),
    }).step;
    expect(step.kind).toBe('dial');
    const r = new TwimlRenderer({ ...config, settings: { ...config.settings, hotlineNumber: undefined } });
    const a = r.render(step, { baseUrl: BASE, to: '+3225550100' });
    const b = r.render(step, { baseUrl: BASE, to: '+3225550199' });
    expect(a).toContain('callerId="+3225550100"');
    expect(b).toContain('callerId="+3225550199"');
  });

  it('stays bounded whatever it is asked', () => {
    const r = new TwimlRenderer(config);
    const step = engine.start().step;
    for (let i = 0; i < RENDER_CACHE_MAX + 10; i++) r.render(step, { baseUrl: `https://host-${i}.example` });
    expect(r.cached).toBeLessThanOrEqual(RENDER_CACHE_MAX);
  });

  it('belongs to one config: a renderer for another config answers with that config', () => {
    // Another config: the same, but the English greeting says something else.
    const en = config.prompts.en!;
    const other = {
      ...config,
      prompts: { ...config.prompts, en: { ...en, prompts: { ...en.prompts, greeting: 'Welcome, version two.' } } },
    };
    const ctx = { baseUrl: BASE };
    const step = engine.start().step;
    expect(new TwimlRenderer(config).render(step, ctx)).toContain(en.prompts.greeting!);
    expect(new TwimlRenderer(config).render(step, ctx)).not.toContain('version two');
    expect(new TwimlRenderer(other).render(step, ctx)).toContain('version two');
    expect(new TwimlRenderer(other).render(step, ctx)).not.toContain(en.prompts.greeting!);
  });
});

describe('answers that depend on the time, through the app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ at: INSTANTS[0] });
  });
  afterAll(() => t.app.close());

  const fr = config.prompts.fr!.prompts;
  const VIOLENCE_KEY = config.flow.menus.main!.options.find(
    (o) => o.action.type === 'transfer' && o.action.service === 'violence-line',
  )!.key;
  const heard = (c: Call) => c.gather!.children.map((n) => n.text).join(' ');
  const reopens = (day: string) => fill(fr.reopens!, { day, time: fill(fr['time-hour']!, { hour: '9' }) });

  it('a closed service is offered once the clock passes its opening time', async () => {
    t.setNow('2026-11-30T08:58:00+01:00');
    const early = await new Call(t.app).start();
    await early.keys('1', VIOLENCE_KEY); // French, 1712
    expect(early.dial).toBeUndefined();
    expect(Object.fromEntries(new URL(early.gather!.attrs.action!).searchParams)).toEqual({
      lang: 'fr',
      menu: 'alt',
      tries: '0',
      focus: 'violence-line',
    });
    expect(heard(early)).toContain(reopens(fr.today!));
    const closedXml = early.xml;

    // A minute later, still closed: the same answer (from the cache).
    t.setNow('2026-11-30T08:59:59+01:00');
    const later = await new Call(t.app).start();
    await later.keys('1', VIOLENCE_KEY);
    expect(later.xml).toBe(closedXml);

    // 9:00: open, put through.
    t.setNow('2026-11-30T09:00:00+01:00');
    const open = await new Call(t.app).start();
    await open.keys('1', VIOLENCE_KEY);
    expect(open.dialled).toBe('1712');

    // 17:00: closed again, and it now reopens tomorrow, not today.
    t.setNow('2026-11-30T17:00:00+01:00');
    const evening = await new Call(t.app).start();
    await evening.keys('1', VIOLENCE_KEY);
    expect(evening.dial).toBeUndefined();
    expect(heard(evening)).toContain(reopens(fr.tomorrow!));
    expect(heard(evening)).not.toContain(reopens(fr.today!));
    expect(evening.xml).not.toBe(closedXml);
  });

  it('the services open now change with the clock after a failed transfer', async () => {
    const name = config.services['violence-line']!.name.fr!;
    /** French, centres, Sürya (24/7); busy; then the offers, and key 4 (1712's) pressed in them. */
    const afterBusy = async (iso: string) => {
      t.setNow(iso);
      const call = await new Call(t.app).start();
      await call.keys('1', '2', '3');
      await call.outcome('busy');
      expect(Object.fromEntries(new URL(call.gather!.attrs.action!).searchParams)).toEqual({
        lang: 'fr',
        menu: 'alt',
        tries: '0',
        failed: 'surya',
        focus: 'surya',
      });
      const offered = heard(call).includes(name);
      await call.press(VIOLENCE_KEY);
      return { offered, dialled: call.dialled };
    };
    expect(await afterBusy('2026-11-30T08:59:00+01:00')).toEqual({ offered: false, dialled: undefined });
    expect(await afterBusy('2026-11-30T09:00:00+01:00')).toEqual({ offered: true, dialled: '1712' });
    expect(await afterBusy('2026-11-30T08:59:00+01:00')).toEqual({ offered: false, dialled: undefined });
  });
});
