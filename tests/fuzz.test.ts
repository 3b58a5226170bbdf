/**
 * Never fail a caller: every webhook, every parameter it reads, random and hostile values.
 * Each answer is 200 with valid TwiML of known verbs whose URLs carry only a known call state
 * and whose destinations are in the directory, or a deliberate 4xx for requests that are not
 * Twilio-shaped; no input is reflected, no internals shown, nothing logged at error level,
 * no phone number or unknown key in the logs; and a normal call afterwards is unchanged.
 *
 * And whole calls (issue 11): random keys, silences and transfer outcomes at random instants of
 * a year. Every call ends, or reaches a completed transfer, within a bounded number of
 * webhooks; the emergency numbers are said before any hang-up; no service that failed is
 * offered or rung again; the caller's number is in no answer and no log line.
 *
 * About 10,000 cases with `npm run test:fuzz`, a tenth of them in `npm test`. A failure prints
 * fast-check's seed and path: see tests/helpers/fuzz.ts for how to replay it (FC_SEED, FC_PATH).
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BODY_LIMIT } from '../src/http/app.js';
import { QUERY } from '../src/call/call-state.js';
import {
  assertNoStackTrace,
  assertNotReflected,
  bodyArb,
  callPlanArb,
  checkAnswer,
  encodePairs,
  failedAgain,
  failedListArb,
  fcParams,
  hostile,
  pairsArb,
  postSigned,
  QUERY_NAMES,
  RUNS_FACTOR,
  stateQueryArb,
  stepBound,
  vocabulary,
  walkCall,
  type CallPlan,
  type Send,
  type CallTrace,
  type Pair,
  type Sent,
} from './helpers/fuzz.js';
import { carriesCaller, digitsLeaks, knownKeys, phoneLeaks } from './helpers/privacy.js';
import {
  all,
  assertValidTwiml,
  BASE,
  Call,
  callParams,
  makeApp,
  sign,
  testConfig,
  type TestApp,
  type TwimlNode,
} from './helpers/twilio.js';

const config = testConfig();
const vocab = vocabulary(config);
const keys = knownKeys(config);

let t: TestApp; // as production runs: signatures on
let dev: TestApp; // as a fresh machine runs: signatures off
/** Every log line of both apps over the whole run. */
const allLogs = () => [...t.logs, ...dev.logs];

/** A normal call, start to end, through every kind of step: its answers, in order. */
async function normalCall(app: FastifyInstance): Promise<string[]> {
  const call = await new Call(app).start();
  await call.silence();
  await call.keys('2', '2', '1'); // Dutch, specialised centres, PAG-ASA
  await call.outcome('busy');
  await call.press('1'); // an offer: the next specialised centre
  await call.outcome('completed');
  await call.press('0'); // back to the main menu
  await call.keys('6', '3', '7', '*', '1'); // information, minors, a wrong key, repeat, speak to a centre
  await call.outcome('no-answer');
  await call.keys('8', '8', '8'); // three wrong keys in the offers: the safety net
  return call.history.map((n) => JSON.stringify(n));
}

const MONDAY_10 = '2026-11-30T10:00:00+01:00';
let before: string[];
beforeAll(async () => {
  // At debug, Fastify's per-request lines are logged too: every line is scanned for leaks.
  t = await makeApp({ logLevel: 'debug', at: MONDAY_10 });
  dev = await makeApp({ token: null, logLevel: 'debug' });
  before = await normalCall(t.app);
});
afterAll(async () => {
  await t.app.close();
  await dev.app.close();
});

/** The log lines a request wrote: nothing at error level, no phone number, no unknown key,
 * no caller input. */
let cases = 0;
function checkLogs(app: TestApp, from: number, pairs: readonly Pair[]): void {
  cases++;
  const lines = app.logs.slice(from);
  for (const line of lines) {
    const level = (JSON.parse(line) as { level: number }).level;
    if (level >= 50) throw new Error('logged at error level (the last-resort handler ran):\n' + line);
  }
  const phones = phoneLeaks(lines);
  if (phones.length) throw new Error('a phone number in the logs:\n' + phones.join('\n'));
  const digits = digitsLeaks(lines, keys);
  if (digits.length) throw new Error('an unknown key in the logs:\n' + digits.join('\n'));
  assertNotReflected(lines.join('\n'), pairs, vocab, 'the logs');
}

/** The answer to a key pressed at `gather` (its action), or to silence there (the Redirect after it). */
function atGather(twiml: TwimlNode, gather: TwimlNode, m: { digits: string } | { silence: true }) {
  const url = 'digits' in m ? gather.attrs.action! : twiml.children.find((c) => c.name === 'Redirect')!.text;
  const u = new URL(url);
  const key: Pair[] = 'digits' in m ? [['Digits', m.digits]] : [];
  return signedCase(u.pathname, [...u.searchParams], [...Object.entries(base), ...key]);
}

async function signedCase(
  path: string,
  query: Pair[],
  body: Pair[],
  headers?: Record<string, string>,
): Promise<{ sent: Sent; twiml: TwimlNode; refused: boolean }> {
  const from = t.logs.length;
  const sent = await postSigned(t.app, path, query, body, headers);
  if (Buffer.byteLength(encodePairs(body)) > BODY_LIMIT) {
    // Big hostile values can add up past the body limit: a deliberate 413; on the answering
    // leg (the whisper), 200 and an empty document, as for any request it cannot read there
    // (src/http/app.ts): the person who answered is put through to the caller.
    const answeringLeg = path.startsWith('/voice/whisper');
    expect(sent.res.statusCode).toBe(answeringLeg ? 200 : 413);
    checkLogs(t, from, sent.pairs);
    const twiml = assertValidTwiml(sent.res.body);
    if (answeringLeg) expect(twiml.children).toEqual([]);
    return { sent, twiml, refused: true };
  }
  const twiml = checkAnswer(sent, vocab);
  checkLogs(t, from, sent.pairs);
  return { sent, twiml, refused: false };
}

const base = callParams();
const MENU_READS = ['Digits', 'CallSid', 'To', 'From', 'SpeechResult', 'FinishedOnKey'];
const DIAL_READS = ['DialCallStatus', 'CallSid', 'To', 'From', 'DialCallSid', 'DialCallDuration', 'DialBridged'];
const VOICE_READS = ['CallSid', 'To', 'From', 'Caller', 'Called', 'CallStatus', 'Direction'];
const digitArb = fc.oneof(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'), hostile);
const statusArb = fc.oneof(
  fc.constantFrom('completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled'),
  hostile,
);

describe('signed webhooks with hostile parameters answer 200 and valid TwiML', () => {
  it('POST /voice/menu: any call state in the query, any Digits', async () => {
    await fc.assert(
      fc.asyncProperty(stateQueryArb(config), digitArb, bodyArb(MENU_READS, base), async (query, digits, body) => {
        await signedCase('/voice/menu', query, [['Digits', digits], ...body]);
      }),
      fcParams(3500),
    );
  });

  it('POST /voice/dial: any language and service in the query, any DialCallStatus', async () => {
    const services = Object.keys(config.services);
    const query = fc.oneof(
      fc.tuple(fc.constantFrom(...config.languages), fc.constantFrom(...services)).map(([l, s]): Pair[] => [
        [QUERY.lang, l],
        [QUERY.service, s],
      ]),
      fc.tuple(fc.constantFrom(...config.languages), hostile).map(([l, s]): Pair[] => [
        [QUERY.lang, l],
        [QUERY.service, s],
      ]),
      fc
        .tuple(
          fc.constantFrom(...config.languages),
          fc.constantFrom(...services),
          failedListArb(config),
          fc.constantFrom('1', '0', ''),
        )
        .map(([l, s, f, n]): Pair[] => [
          [QUERY.lang, l],
          [QUERY.service, s],
          [QUERY.failed, f],
          [QUERY.net, n],
        ]),
      pairsArb([QUERY.lang, QUERY.service, QUERY.failed, QUERY.net], 6),
    );
    await fc.assert(
      fc.asyncProperty(query, statusArb, bodyArb(DIAL_READS, base), async (q, status, body) => {
        await signedCase('/voice/dial', q, [['DialCallStatus', status], ...body]);
      }),
      fcParams(1500),
    );
  });

  it("POST /voice/whisper and /voice/whisper/key: any state in the query, any Digits; only the answering leg's verbs", async () => {
    const services = Object.keys(config.services);
    const whys = ['now', 'retry', 'service', ...Object.keys(config.flow.groups).map((g) => `group:${g}`)];
    const query = fc.oneof(
      fc
        .tuple(fc.constantFrom(...config.languages, ''), fc.constantFrom(...services), fc.constantFrom(...whys))
        .map(([l, s, w]): Pair[] => [
          [QUERY.lang, l],
          [QUERY.service, s],
          [QUERY.why, w],
        ]),
      fc.tuple(fc.constantFrom(...services), hostile).map(([s, w]): Pair[] => [
        [QUERY.service, s],
        [QUERY.why, w],
      ]),
      pairsArb([QUERY.lang, QUERY.service, QUERY.why], 6),
    );
    const path = fc.constantFrom('/voice/whisper', '/voice/whisper/key');
    await fc.assert(
      fc.asyncProperty(path, query, digitArb, bodyArb(MENU_READS, base), async (p, q, digits, body) => {
        const { twiml, refused } = await signedCase(p, q, [['Digits', digits], ...body]);
        if (refused) return;
        for (const verb of twiml.children) expect(['Say', 'Play', 'Pause', 'Gather', 'Hangup']).toContain(verb.name);
      }),
      fcParams(1200),
    );
  });

  it('POST /voice: any body, any query', async () => {
    await fc.assert(
      fc.asyncProperty(pairsArb(QUERY_NAMES), bodyArb(VOICE_READS, base), async (query, body) => {
        const { twiml, refused } = await signedCase('/voice', query, body);
        if (!refused) expect(all(twiml, 'Gather')[0]?.attrs.action).toBe(`${BASE}/voice/menu?menu=lang&tries=0`);
      }),
      fcParams(800),
    );
  });

  it('POST /voice/fallback: always the same fallback document', async () => {
    const expected = t.app.helpline.safeTwiml;
    await fc.assert(
      fc.asyncProperty(
        pairsArb([QUERY.lang, QUERY.menu]),
        bodyArb(['ErrorCode', 'ErrorUrl', 'CallSid', 'From', 'To'], base),
        async (query, body) => {
          const { sent } = await signedCase('/voice/fallback', query, body);
          expect(sent.res.body).toBe(expected);
        },
      ),
      fcParams(500),
    );
  });

  it('X-Twilio-Webhooks-Signature-Settings: a hostile value never reaches the console', async () => {
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    const header = fc.oneof(
      hostile.map((h) => h.replace(/[^\x20-\x7e]/g, '')),
      hostile.map((h) => `key=x,algorithm=${h.replace(/[^\x20-\x7e]/g, '')}`),
      fc.constantFrom('algorithm=HMAC_SHA1', 'algorithm=hmac_sha1', ' algorithm = HMAC_SHA1 ', ''),
    );
    try {
      await fc.assert(
        fc.asyncProperty(header, digitArb, async (h, digits) => {
          const from = t.logs.length;
          const sent = await postSigned(
            t.app,
            '/voice/menu',
            [
              [QUERY.lang, 'fr'],
              [QUERY.menu, 'main'],
              [QUERY.tries, '0'],
            ],
            [...Object.entries(base), ['Digits', digits]],
            {
              'x-twilio-webhooks-signature-settings': h,
            },
          );
          const sha1 = webhooks.getSignatureAlgorithm(h).toUpperCase() === webhooks.HMAC_SHA1;
          if (sha1) checkAnswer(sent, vocab);
          else {
            // Signed with SHA-1 but announced as another algorithm: not Twilio's, refused.
            expect(sent.res.statusCode).toBe(403);
            assertValidTwiml(sent.res.body);
          }
          checkLogs(t, from, sent.pairs);
        }),
        fcParams(300),
      );
      expect(warn).not.toHaveBeenCalled();
      expect(error).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });
});

describe('requests that are not Twilio-shaped get a deliberate 4xx, never a 5xx', () => {
  const WEBHOOKS = ['/voice', '/voice/menu', '/voice/dial', '/voice/fallback'];
  const PATHS = [
    ...WEBHOOKS,
    '/voice/',
    '/voice/menu/',
    '/VOICE',
    '/voice/../voice',
    '/voice/%2e%2e/voice',
    '/voice/menu/../../etc/passwd',
    '/voice/..%2f..%2fetc%2fpasswd',
    '//voice',
    '/voice%00',
    '/voice/%ff',
    '/voice/unknown',
    '/',
    '/health',
    '/audio/fr/welcome.wav',
    '/audio/../../package.json',
    '/audio/fr/..%2f..%2fpackage.json',
  ];
  const CONTENT_TYPES = [
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=UTF-8',
    'application/x-www-form-urlencoded; charset=ISO-8859-1',
    'application/json',
    'text/plain',
    'text/xml',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    'application/x-www-form-urlencodedX',
    ';;;',
    '',
  ];
  const RAW_BODIES = fc.oneof(
    pairsArb(['Digits', 'DialCallStatus', 'CallSid', 'From', 'To']).map(encodePairs),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom(
      '%',
      '%zz',
      '%E0%A4%A',
      '&&&==&=',
      'a=%',
      '=x',
      '{"Digits":"1"}',
      '{"Digits":["1"],"__proto__":{"x":1}}',
      '[1,2',
      '<Response/>',
      '\u0000',
    ),
  );
  const DELIBERATE = [400, 403, 404, 405, 413, 415];

  for (const [name, which] of [
    ['signatures on', () => t],
    ['signatures off', () => dev],
  ] as const) {
    it(`any method, path, content type and body (${name})`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
          fc.constantFrom(...PATHS),
          fc.option(pairsArb(QUERY_NAMES).map(encodePairs), { nil: undefined }),
          fc.constantFrom(...CONTENT_TYPES),
          RAW_BODIES,
          fc.boolean(),
          async (method, path, qs, type, body, signIt) => {
            const app = which();
            const url = qs ? `${path}?${qs}` : path;
            const headers: Record<string, string> = {};
            if (type) headers['content-type'] = type;
            if (signIt) headers['x-twilio-signature'] = sign(BASE + url, {});
            const from = app.logs.length;
            const res = await app.app.inject({
              method: method as 'POST',
              url,
              headers,
              ...(method === 'GET' || method === 'HEAD' ? {} : { payload: body }),
            });
            assertNoStackTrace(res.body);
            if (res.statusCode === 200 && method === 'POST') assertValidTwiml(res.body);
            else if (
              !(res.statusCode === 200 && ['GET', 'HEAD'].includes(method)) &&
              !DELIBERATE.includes(res.statusCode)
            ) {
              throw new Error(`${method} ${url} (${type}) answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
            }
            // What Twilio sends, unsigned on a line that checks signatures: refused, except the
            // fallback URL's public document.
            const formType =
              type.startsWith('application/x-www-form-urlencoded;') || type === 'application/x-www-form-urlencoded';
            if (method === 'POST' && WEBHOOKS.includes(path) && formType) {
              if (Buffer.byteLength(body) > BODY_LIMIT) expect(res.statusCode).toBe(413);
              // Signed over no parameters, an empty body is a valid signature.
              else
                expect(res.statusCode).toBe(
                  app === dev || path === '/voice/fallback' || (signIt && body === '') ? 200 : 403,
                );
            }
            // Another method: 405, unless its body was already refused (type, size).
            if (method !== 'POST' && WEBHOOKS.includes(path)) expect([400, 405, 413, 415]).toContain(res.statusCode);
            if (res.statusCode === 405) {
              expect(res.headers.allow).toBe('POST');
              if (method !== 'HEAD') assertValidTwiml(res.body);
            }
            checkLogs(app, from, []);
          },
        ),
        fcParams(1200),
      );
    });
  }

  it('a body over the limit is refused with 413; one within it is answered', async () => {
    const sizes = fc.integer({ min: BODY_LIMIT - 300, max: BODY_LIMIT + 3000 });
    await fc.assert(
      fc.asyncProperty(
        sizes,
        fc.constantFrom(
          '/voice',
          '/voice/menu?lang=fr&menu=main&tries=0',
          '/voice/menu?lang=en&menu=alt&tries=1&failed=surya.police&focus=surya',
          '/voice/dial?lang=nl&service=surya',
          '/voice/dial?lang=en&service=payoke&failed=surya&net=1',
          '/voice/fallback',
        ),
        async (size, url) => {
          const params = { ...base, Digits: '1', DialCallStatus: 'busy' };
          const fixed = new URLSearchParams({ ...params, Pad: '' }).toString().length;
          const pad = 'p'.repeat(Math.max(0, size - fixed));
          const body = { ...params, Pad: pad };
          const payload = new URLSearchParams(body).toString();
          const res = await t.app.inject({
            method: 'POST',
            url,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'x-twilio-signature': sign(BASE + url, body),
            },
            payload,
          });
          assertNoStackTrace(res.body);
          if (Buffer.byteLength(payload) > BODY_LIMIT) expect(res.statusCode).toBe(413);
          else {
            expect(res.statusCode).toBe(200);
            assertValidTwiml(res.body);
          }
        },
      ),
      fcParams(200),
    );
  });
});

describe('whole calls with hostile callers', () => {
  const LANG_KEYS = config.flow.languages.map((l) => l.key);
  const choose = (key: string) =>
    signedCase(
      '/voice/menu',
      [
        [QUERY.menu, 'lang'],
        [QUERY.tries, '0'],
      ],
      [...Object.entries(base), ['Digits', key]],
    );
  /** One move of a caller in the current TwiML. */
  const move = fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#')
        .map((d) => ({ digits: d })),
    },
    { weight: 2, arbitrary: hostile.map((d) => ({ digits: d })) },
    { weight: 1, arbitrary: fc.constant({ silence: true as const }) },
    { weight: 2, arbitrary: statusArb.map((s) => ({ status: s })) },
  );

  it('any walk follows only valid TwiML, and the state stays known', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LANG_KEYS),
        fc.array(move, { minLength: 1, maxLength: 10 }),
        async (lang, moves) => {
          let { twiml } = await signedCase('/voice', [], Object.entries(base));
          ({ twiml } = await choose(lang));
          for (const m of moves) {
            const gather = twiml.children.find((c) => c.name === 'Gather');
            const dial = twiml.children.find((c) => c.name === 'Dial');
            let url: string | undefined;
            let extra: Pair[] = [];
            if (gather && 'digits' in m) {
              url = gather.attrs.action;
              extra = [['Digits', m.digits]];
            } else if (gather && 'silence' in m) {
              url = twiml.children.find((c) => c.name === 'Redirect')?.text;
            } else if (dial?.attrs.action) {
              url = dial.attrs.action;
              extra = [['DialCallStatus', 'status' in m ? m.status : 'completed']];
            }
            if (!url) break; // the call ended (Hangup, or a Dial without action)
            const u = new URL(url);
            ({ twiml } = await signedCase(u.pathname, [...u.searchParams], [...Object.entries(base), ...extra]));
          }
        },
      ),
      fcParams(800),
    );
  });

  it('a caller who only presses wrong keys or says nothing reaches a person or a kind goodbye, never a loop', async () => {
    const wrong = fc.oneof(
      fc.constantFrom('7', '8', '#', '', '12', '<Dial>', '__proto__').map((d) => ({ digits: d })),
      fc.constant({ silence: true as const }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LANG_KEYS),
        fc.array(wrong, { minLength: 12, maxLength: 12 }),
        async (lang, moves) => {
          let { twiml } = await choose(lang);
          let steps = 0;
          for (const m of moves) {
            const gather = twiml.children.find((c) => c.name === 'Gather');
            if (!gather) break;
            steps++;
            ({ twiml } = await atGather(twiml, gather, m));
          }
          expect(twiml.children.some((c) => c.name === 'Dial' || c.name === 'Hangup')).toBe(true);
          expect(steps).toBeLessThanOrEqual(config.flow.maxTries);
        },
      ),
      fcParams(300),
    );
  });

  it('a caller who never manages a key, and whose every transfer fails, is put through to each open service once, then hears the emergency numbers', async () => {
    const wrong = fc.oneof(
      fc.constantFrom('7', '8', '#', '').map((d) => ({ digits: d })),
      fc.constant({ silence: true as const }),
    );
    const failure = fc.constantFrom('busy', 'no-answer', 'failed', 'canceled');
    // The safety net's services (Monday 10:00: all open), then those the offers name that can
    // still take the call (1712), each once.
    const offered = config.flow.offers.flatMap((o) => (o.target.type === 'service' ? [o.target.service] : []));
    const net = [...new Set([...Object.values(config.flow.groups).flatMap((g) => g.order), ...offered])]
      .filter((id) => config.services[id]!.connect === 'transfer')
      .map((id) => config.services[id]!.dial);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LANG_KEYS),
        fc.array(wrong, { minLength: 40, maxLength: 40 }),
        fc.array(failure, { minLength: 10, maxLength: 10 }),
        async (lang, moves, failures) => {
          let { twiml } = await choose(lang);
          let webhooks = 0;
          const dialled: string[] = [];
          while (!twiml.children.some((c) => c.name === 'Hangup')) {
            expect(webhooks++, 'the call should have ended by now').toBeLessThan(config.flow.maxTries + net.length + 1);
            const dial = twiml.children.find((c) => c.name === 'Dial');
            if (dial) {
              dialled.push(dial.children[0]!.text);
              const u = new URL(dial.attrs.action!);
              ({ twiml } = await signedCase(
                u.pathname,
                [...u.searchParams],
                [...Object.entries(base), ['DialCallStatus', failures[dialled.length % failures.length]!]],
              ));
              continue;
            }
            const m = moves[webhooks % moves.length]!;
            const gather = twiml.children.find((c) => c.name === 'Gather')!;
            ({ twiml } = await atGather(twiml, gather, m));
          }
          // Each service that could answer once, never one again: then the end.
          expect([...dialled].sort()).toEqual([...net].sort());
          const said = all(twiml, 'Say')
            .map((c) => c.text)
            .join(' ');
          expect(said).toMatch(/112/);
          expect(said).toMatch(/101/);
        },
      ),
      fcParams(150),
    );
  });
});

describe('whole calls at any instant of a year: random keys, silences and transfer outcomes', () => {
  const send: Send = async (path, query, body) => {
    const { sent, twiml, refused } = await signedCase(path, query, body);
    if (refused) throw new Error(`${path} refused a call's webhook`);
    return { xml: sent.res.body, twiml };
  };
  const bodyOf = (from: string): Pair[] => Object.entries(callParams({ From: from, Caller: from }));
  afterAll(() => t.setNow(MONDAY_10));

  /** The call played, and the log lines it wrote. */
  async function play(plan: CallPlan): Promise<{ trace: CallTrace; logs: string[] }> {
    const from = t.logs.length;
    const trace = await walkCall({
      plan,
      config,
      send,
      setNow: (at) => t.setNow(at.toISOString()),
      body: bodyOf(plan.from),
      maxSteps: stepBound(plan, config),
    });
    walks.push(trace);
    return { trace, logs: t.logs.slice(from) };
  }
  const walks: CallTrace[] = [];

  it('every call ends or reaches a completed transfer within a bounded number of webhooks, and the emergency numbers are said before any hang-up', async () => {
    await fc.assert(
      fc.asyncProperty(callPlanArb, async (plan) => {
        const { trace } = await play(plan);
        if (trace.end === 'unfinished')
          throw new Error(
            `the call did not end within ${stepBound(plan, config)} webhooks:\n${trace.answers.map((a) => `${a.url}: ${a.said}`).join('\n')}`,
          );
        if (trace.end === 'hangup') {
          const last = trace.answers.at(-1)!;
          expect(last.said, 'the emergency numbers before the hang-up').toMatch(/\b112\b/);
          expect(last.said, 'the emergency numbers before the hang-up').toMatch(/\b101\b/);
        }
      }),
      fcParams(400),
    );
  });

  it('no service that failed is offered or rung again in the same call (unless the caller chooses it again by its own key)', async () => {
    await fc.assert(
      fc.asyncProperty(callPlanArb, async (plan) => {
        const { trace } = await play(plan);
        const problems = failedAgain(config, trace);
        if (problems.length > 0)
          throw new Error(
            `${problems.join('\n')}\nThe call:\n${trace.answers.map((a) => `${a.url}${a.pressed ? ` (${a.pressed.key})` : ''}${a.outcome !== undefined ? ` (${a.outcome})` : ''}: ${a.said}`).join('\n')}`,
          );
      }),
      fcParams(400),
    );
  });

  it("the caller's number appears in no answer and no log line", async () => {
    await fc.assert(
      fc.asyncProperty(callPlanArb, async (plan) => {
        const { trace, logs } = await play(plan);
        for (const a of [...trace.answers, ...trace.whispers])
          expect(carriesCaller(a.xml, plan.from), `${a.url}:\n${a.xml}`).toBe(false);
        expect(logs.length).toBeGreaterThan(0);
        expect(logs.filter((l) => carriesCaller(l, plan.from))).toEqual([]);
        expect(phoneLeaks(logs)).toEqual([]);
      }),
      fcParams(200),
    );
  });

  it('the walks went where they should: long chains of failures, hang-ups, completed transfers, every language, all hours', () => {
    // Not a property of the line: a check that the properties above were tried on the calls
    // they are about, so a change to the arbitraries cannot quietly make them vacuous.
    const ends = new Set(walks.map((w) => w.end));
    expect(ends).toEqual(new Set(['hangup', 'completed']));
    const failures = walks.map(
      (w) => w.answers.filter((a) => a.outcome !== undefined && !['completed', 'answered'].includes(a.outcome)).length,
    );
    expect(Math.max(...failures)).toBeGreaterThanOrEqual(5);
    const langs = new Set(
      walks.flatMap((w) => w.answers.flatMap((a) => [...a.url.matchAll(/[?&]lang=([a-z]+)/g)].map((m) => m[1]))),
    );
    expect(langs).toEqual(new Set(config.languages));
    expect(
      walks.some((w) => failedAgain(config, w).length === 0 && w.answers.some((a) => a.pressed?.menu === 'alt')),
    ).toBe(true);
  });
});

describe('after all of it', () => {
  it('a normal call is answered exactly as before the hostile run', async () => {
    t.setNow(MONDAY_10);
    expect(await normalCall(t.app)).toEqual(before);
  });

  it('no log line of the whole run carries a phone number or an unknown key', () => {
    const lines = allLogs();
    // The run did log, at least two lines a request, and the flow's events with their keys.
    expect(cases).toBeGreaterThanOrEqual(RUNS_FACTOR >= 1 ? 10_000 : 1000);
    expect(lines.length).toBeGreaterThan(2 * cases);
    expect(lines.some((l) => l.includes('"event":"choice"') && l.includes('"key":"'))).toBe(true);
    expect(phoneLeaks(lines)).toEqual([]);
    expect(digitsLeaks(lines, keys)).toEqual([]);
  });

  it('the privacy checks themselves catch a leak in any format', () => {
    for (const leak of [
      '+32470123456',
      '0032 470 12 34 56',
      '0470 12 34 56',
      '0470/12.34.56',
      '+32 (0)470 12 34 56',
      '02 555 01 99',
    ]) {
      expect(phoneLeaks([JSON.stringify({ level: 30, msg: 'x', caller: leak })])).toHaveLength(1);
    }
    expect(
      phoneLeaks([
        JSON.stringify({ level: 30, time: 1764493200123, callSid: 'CA' + 'a'.repeat(32), responseTime: 0.0470123 }),
      ]),
    ).toHaveLength(0);
    expect(digitsLeaks([JSON.stringify({ event: 'choice', key: '1' })], keys)).toHaveLength(0);
    expect(digitsLeaks([JSON.stringify({ event: 'choice', key: '<Dial>' })], keys)).toHaveLength(1);
    expect(digitsLeaks([JSON.stringify({ body: { Digits: '1' } })], keys)).toHaveLength(1);
    // The caller's own number, whatever its format; not digits glued into a longer run.
    for (const text of [
      '+32470123456',
      '+32 470 12 34 56',
      '0032 470 12 34 56',
      '0470/12.34.56',
      '(0470) 12-34-56',
      'From=%2B32470123456',
      'x 470123456 y',
    ]) {
      expect(carriesCaller(text, '+32470123456'), text).toBe(true);
    }
    expect(carriesCaller('+2348031234567', '+2348031234567')).toBe(true);
    expect(carriesCaller('08031234567', '+2348031234567')).toBe(true);
    for (const text of ['"time":1764704701234567', 'CA470123456470123456', '+3242324030', '+32470123457']) {
      expect(carriesCaller(text, '+32470123456'), text).toBe(false);
    }
  });
});
