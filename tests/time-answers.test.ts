/** Answers that depend on the time change when the time does, through the app. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fill } from '../src/call/placeholders.js';
import { Call, makeApp, testConfig, type TestApp } from './helpers/twilio.js';

const config = testConfig();

describe('answers that depend on the time, through the app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ at: '2026-11-30T08:58:00+01:00' });
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

    // A minute later, still closed: the same answer.
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
