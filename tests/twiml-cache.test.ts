/**
 * The rendered-TwiML cache (src/twiml.ts): an answer served from the cache is the answer a
 * fresh render gives, and answers that depend on the time change when the time does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALTERNATIVES_MENU, Engine, LANGUAGE_MENU, type Step } from '../src/engine.js';
import { RENDER_CACHE_MAX, TwimlRenderer, type RenderContext } from '../src/twiml.js';
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

/** Every Step the engine can answer at these instants, for every menu, language, key and try. */
function everyStep(): Step[] {
  const steps: Step[] = [engine.start().step];
  const keys = [undefined, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];
  const menus = [LANGUAGE_MENU, ALTERNATIVES_MENU, 'end', ...Object.keys(config.flow.menus)];
  for (const iso of INSTANTS) {
    const now = new Date(iso);
    for (const lang of [undefined, ...config.languages]) {
      for (const menu of menus) {
        for (const tries of [0, 1, 2]) {
          for (const exclude of menu === ALTERNATIVES_MENU ? [undefined, 'surya', 'violence-line'] : [undefined]) {
            for (const key of keys) {
              steps.push(engine.input({ state: { lang, menu, tries, exclude }, digits: key, silent: key === undefined, now }).step);
            }
          }
        }
      }
      for (const id of Object.keys(config.services)) {
        for (const status of ['completed', 'busy', 'no-answer', 'failed', 'canceled', undefined]) {
          steps.push(engine.dialResult({ state: { lang }, service: id, status, now }).step);
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
    expect(steps.length).toBeGreaterThan(5000);
    // The Step's whole content (a service by its id), independent of the cache's own key.
    const content = (step: Step) => JSON.stringify(step, (k, v: unknown) => (k === 'service' ? (v as { id: string }).id : v));
    for (const ctx of contexts) {
      const fresh = new Map<string, string>();
      const cached = new TwimlRenderer(config);
      for (const step of steps) {
        const c = content(step);
        // A renderer that has never seen the step renders it from scratch.
        if (!fresh.has(c)) fresh.set(c, new TwimlRenderer(config).render(step, ctx));
        expect(cached.render(step, ctx)).toBe(fresh.get(c));
        // The bytes the webhooks send are that text in UTF-8.
        expect(cached.renderBytes(step, ctx).equals(Buffer.from(fresh.get(c)!, 'utf8'))).toBe(true);
      }
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
    const submenu = engine.input({ state: { lang: 'fr', menu: 'main', tries: 0 }, digits: '2', now }).step;
    expect(engine.input({ state: { lang: 'fr', menu: 'main', tries: 0 }, digits: '2', now }).step).toBe(submenu);
    // Not shared: a step with a prefix (a wrong key), or one that depends on the time.
    const wrong = engine.input({ state: { lang: 'fr', menu: 'main', tries: 0 }, digits: '7', now }).step;
    expect(engine.input({ state: { lang: 'fr', menu: 'main', tries: 0 }, digits: '7', now }).step).not.toBe(wrong);
    expect(Object.isFrozen(wrong)).toBe(false);
    const r = new TwimlRenderer(config);
    for (const step of [greeting, submenu, wrong]) {
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
    const step = engine.input({ state: { lang: 'fr', menu: 'centres', tries: 0 }, digits: '1', now: new Date(INSTANTS[1]!) }).step;
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
    const changed = structuredClone({ fr: config.prompts.fr!.prompts, nl: config.prompts.nl!.prompts });
    changed.fr.welcome = 'Bienvenue, version deux.';
    const other = {
      ...config,
      prompts: {
        fr: { ...config.prompts.fr!, prompts: changed.fr },
        nl: { ...config.prompts.nl!, prompts: changed.nl },
      },
    };
    const ctx = { baseUrl: BASE };
    const step = engine.start().step;
    expect(new TwimlRenderer(config).render(step, ctx)).not.toContain('version deux');
    expect(new TwimlRenderer(other).render(step, ctx)).toContain('version deux');
  });
});

describe('answers that depend on the time, through the app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ at: INSTANTS[0] });
  });
  afterAll(() => t.app.close());

  it('a closed service is offered once the clock passes its opening time', async () => {
    t.setNow('2026-11-30T08:58:00+01:00');
    const early = await new Call(t.app).start();
    await early.keys('1', '3'); // French, 1712
    expect(early.dial).toBeUndefined();
    expect(early.gather!.attrs.action).toMatch(/m=alt&t=0&x=violence-line/);
    expect(early.xml).toMatch(/aujourd&apos;hui à 9 heures|aujourd'hui à 9 heures/);
    const closedXml = early.xml;

    // A minute later, still closed: the same answer (from the cache).
    t.setNow('2026-11-30T08:59:59+01:00');
    const later = await new Call(t.app).start();
    await later.keys('1', '3');
    expect(later.xml).toBe(closedXml);

    // 9:00: open, put through.
    t.setNow('2026-11-30T09:00:00+01:00');
    const open = await new Call(t.app).start();
    await open.keys('1', '3');
    expect(open.dialled).toBe('1712');

    // 17:00: closed again, and it now reopens tomorrow, not today.
    t.setNow('2026-11-30T17:00:00+01:00');
    const evening = await new Call(t.app).start();
    await evening.keys('1', '3');
    expect(evening.dial).toBeUndefined();
    expect(evening.xml).toMatch(/demain à 9 heures/);
    expect(evening.xml).not.toBe(closedXml);
  });

  it('the services open now change with the clock after a failed transfer', async () => {
    const offered = async (iso: string) => {
      t.setNow(iso);
      const call = await new Call(t.app).start();
      await call.keys('1', '2', '3'); // French, centres, Sürya (24/7)
      await call.outcome('busy');
      return call.gather!.children.map((c) => c.text).join(' ');
    };
    expect(await offered('2026-11-30T08:59:00+01:00')).not.toMatch(/17 12/);
    expect(await offered('2026-11-30T09:00:00+01:00')).toMatch(/17 12/);
    expect(await offered('2026-11-30T08:59:00+01:00')).not.toMatch(/17 12/);
  });
});
