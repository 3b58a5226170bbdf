/**
 * The rendered-TwiML cache (src/call/twiml.ts): an answer served from the cache is the answer a
 * fresh render gives (answers that depend on the time: tests/time-answers.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { AFTER_CALL_MENU, ALTERNATIVES_MENU, Engine, LANGUAGE_MENU, type Step } from '../src/engine/index.js';
import { RENDER_CACHE_MAX, TwimlRenderer, type RenderContext } from '../src/call/twiml.js';
import { BASE, HOTLINE, testConfig } from './helpers/twilio.js';

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
      // Steps whose cached answer differs from the fresh one: none.
      const wrong: string[] = [];
      for (const [i, step] of steps.entries()) {
        const c = contents[i]!;
        // A renderer that has never seen the step renders it from scratch.
        let expected = fresh.get(c);
        if (expected === undefined) {
          expected = new TwimlRenderer(config).render(step, ctx);
          fresh.set(c, expected);
        }
        if (cached.render(step, ctx) !== expected) wrong.push(c);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
      // As many cached answers as distinct steps: none merged, none duplicated.
      expect(cached.cached).toBe(fresh.size);
      expect(fresh.size).toBeLessThan(steps.length / 10);
    }
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

  it('finds the greeting by identity, for the base URL it was rendered for only', () => {
    const r = new TwimlRenderer(config);
    const step = engine.start().step;
    expect(engine.start().step).toBe(step);
    const a = 'https://a.example';
    const b = 'https://b.example';
    const fromA = r.render(step, { baseUrl: a });
    expect(fromA).toContain(`action="${a}/voice/menu?`);
    expect(r.render(step, { baseUrl: b })).toContain(`action="${b}/voice/menu?`);
    expect(r.render(step, { baseUrl: a })).toBe(fromA);
    expect(r.render(step, { baseUrl: a })).toBe(new TwimlRenderer(config).render(step, { baseUrl: a }));
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
