/**
 * Replicas: the line keeps no state between webhooks (a call's state is in the URLs Twilio
 * posts to), so one call's successive webhooks may reach different instances. Here they go
 * alternately to two separate apps, and the call is the same as on one instance.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Call, makeApp, type Outcome, type TestApp } from './helpers/twilio.js';

type Step = { press: string } | { silence: true } | { outcome: Outcome };
const press = (...keys: string[]): Step[] => keys.map((k) => ({ press: k }));

/** `end`: what the call's last answer dials, or where its menu posts to. */
const SCRIPTS: Array<{ name: string; at: string; steps: Step[]; end: string }> = [
  {
    name: 'French, PAG-ASA busy, Sürya in the offers answered, back to the menu',
    at: '2026-11-30T10:00:00+01:00',
    steps: [...press('1', '2', '1'), { outcome: 'busy' }, ...press('1'), { outcome: 'completed' }, ...press('0')],
    end: '/voice/menu?lang=fr&menu=main&tries=0&failed=pag-asa',
  },
  {
    name: 'silent at the language choice: put through, then on past two busy lines (the failed list travels)',
    at: '2026-11-30T10:00:00+01:00',
    steps: [{ silence: true }, { silence: true }, { outcome: 'busy' }, { outcome: 'busy' }],
    end: '+3232011690',
  },
  {
    name: 'English, information, another topic, then a centre at once',
    at: '2026-11-30T10:00:00+01:00',
    steps: press('3', '6', '2', '2', '5', '1'),
    end: '+3242324030',
  },
  {
    name: '1712 at the weekend in Dutch: closed, the offers, then Sürya not answering',
    at: '2026-11-28T11:00:00+01:00',
    steps: [...press('2', '4', '1'), { outcome: 'no-answer' }],
    end: '/voice/menu?lang=nl&menu=alt&tries=0&failed=surya&focus=surya',
  },
  {
    name: 'another language, then wrong keys at night: the safety net',
    at: '2026-11-30T22:00:00+01:00',
    steps: press('2', '9', '3', '7', '#', '8'),
    end: '+3242324030',
  },
  {
    name: 'the police on Christmas night: its number, then the offers again',
    at: '2026-12-25T03:00:00+01:00',
    steps: press('1', '5', '*'),
    end: '/voice/menu?lang=fr&menu=alt&tries=0&failed=police&focus=police',
  },
];

/** An app-like object whose inject() sends each request to the next instance in turn. */
function roundRobin(apps: FastifyInstance[]): { app: FastifyInstance; served: number[] } {
  const served = apps.map(() => 0);
  let next = 0;
  const app = {
    inject: (opts: InjectOptions) => {
      const i = next++ % apps.length;
      served[i]!++;
      return apps[i]!.inject(opts);
    },
  } as unknown as FastifyInstance;
  return { app, served };
}

async function play(app: FastifyInstance, steps: Step[]): Promise<Call> {
  const call = await new Call(app).start();
  for (const s of steps) {
    if ('press' in s) await call.press(s.press);
    else if ('silence' in s) await call.silence();
    else await call.outcome(s.outcome);
  }
  return call;
}

let one: TestApp;
let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  [one, a, b] = await Promise.all([makeApp(), makeApp(), makeApp()]);
});
afterAll(async () => {
  await Promise.all([one.app.close(), a.app.close(), b.app.close()]);
});

describe('one call across two instances', () => {
  it.each(SCRIPTS)('$name: the same TwiML, webhook by webhook, as on one instance', async ({ at, steps, end }) => {
    for (const t of [one, a, b]) t.setNow(at);
    const alone = await play(one.app, steps);
    const rr = roundRobin([a.app, b.app]);
    const shared = await play(rr.app, steps);
    expect(shared.history.length).toBe(steps.length + 1);
    expect(shared.history).toEqual(alone.history);
    expect(shared.dialled ?? shared.gather?.attrs.action?.replace('https://ivr.example.be', '')).toBe(end);
    // Both instances really served this call.
    expect(rr.served[0]).toBeGreaterThan(0);
    expect(rr.served[1]).toBeGreaterThan(0);
  });
});
