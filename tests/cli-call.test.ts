/**
 * The terminal caller (`npm run call`): scripted calls through the real line, in every
 * language of the data, to every service, closed, failing, the police's number said, silence;
 * then the caller's own reading of TwiML on
 * hand-written answers (Gather fall-through, Dial with and without action, Redirect, errors).
 * Assertions are on the transcript's structure: event kinds, numbers dialled, language codes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { parseAnswerScript } from '../src/cli/call-command.js';
import { withAnswerers } from '../src/cli/caller/input.js';
import {
  callCli,
  formatEvent,
  interactiveInput,
  parseDialScript,
  parseKeyScript,
  runCall,
  scriptedInput,
  type CallEvent,
  type CallResult,
  type DialStatus,
} from '../src/cli/call.js';
import { VERBS } from '../src/cli/caller/verbs.js';
import { loadLineConfig, UsageError } from '../src/cli/common.js';
import { parseWallClock } from '../src/time/brussels.js';
import { PLAYED_VERBS } from '../src/cli/twiml-reader.js';
import { DEFAULT_DIRECTORY } from '../src/config/paths.js';
import { spokenNumber } from '../src/engine/index.js';
import { changeCopy, copyData, TINY_WAV } from './helpers/fixtures.js';
import { testConfig } from './helpers/twilio.js';
import { CALL_CLI, once, runNode } from './helpers/built.js';

const config = testConfig();
const MONDAY_MORNING = '2026-11-30T10:00';
const CHRISTMAS = '2026-12-25T10:00';

/** Every language of the data, with its key, code and voice (menus.yaml `languages`). */
const LANGS = config.flow.languages;
const VOICES = new Map(LANGS.map((l) => [l.code, l.voice]));
const GREETING = config.flow.greeting.map((id) => LANGS.find((l) => l.id === id)!.code);

const SURYA = '+3242324030';
const PAG_ASA = '+3225116464';
const PAYOKE = '+3232011690';
/** What the line promises after the language choice (README's menu), written out by hand so a
 * test fails when the data drifts: the keys and the number rung. Key 1 ("speak to someone now")
 * rings Sürya, the only specialised centre whose night hours are confirmed. */
const SERVICES: ReadonlyArray<{ keys: string[]; dial: string }> = [
  { keys: ['1'], dial: SURYA },
  { keys: ['2', '1'], dial: PAG_ASA },
  { keys: ['2', '2'], dial: PAYOKE },
  { keys: ['2', '3'], dial: SURYA },
  { keys: ['3', '1'], dial: '+3225354542' },
  { keys: ['3', '2'], dial: '+3293328080' },
  { keys: ['3', '3'], dial: '+3243679311' },
  { keys: ['4'], dial: '1712' },
];
const POLICE_KEY = '5';

function call(keys: string[], opts: { at?: string; dial?: DialStatus[] } = {}): Promise<CallResult> {
  return runCall({ input: scriptedInput(keys, opts.dial), at: parseWallClock(opts.at ?? MONDAY_MORNING).at, config });
}

const dialled = (r: CallResult) => r.events.flatMap((e) => (e.event === 'dial' ? [e.number] : []));
const says = (r: CallResult) => r.events.filter((e): e is Extract<CallEvent, { event: 'say' }> => e.event === 'say');
/** The events after the n-th caller action (keys, silence or a transfer's outcome), up to the next one. */
function answerTo(r: CallResult, n: number): CallEvent[] {
  const idx = r.events.flatMap((e, i) =>
    e.event === 'keys' || e.event === 'silence' || e.event === 'outcome' ? [i] : [],
  );
  return r.events.slice(idx[n]! + 1, idx[n + 1] ?? r.events.length);
}
const saysIn = (events: CallEvent[]) => says({ events } as CallResult);
/** Only the events a person sees in the transcript (no webhook details). */
const visible = (r: CallResult) => r.events.filter((e) => formatEvent(e) !== undefined).map((e) => e.event);

describe.each(LANGS)('a scripted call in $code', (lang) => {
  it.each(SERVICES)(
    'reaches $dial with keys $keys, then the caller hangs up after the call',
    async ({ keys, dial }) => {
      const r = await call([lang.key, ...keys, 'H']);
      expect(r.exitCode).toBe(0);
      expect(r.end).toBe('caller');
      expect(dialled(r)).toEqual([dial]);
      // greeting, then one menu per key, the transfer, the after-call menu.
      // The person who answers hears the whisper before the caller is put through.
      expect(visible(r).join(' ')).toMatch(
        /^call( say)+ keys(( say)+ keys)+( say)+ dial outcome whisper answer( say)+ hangup$/,
      );
      // The greeting (everything before the first key): the emergency numbers in each greeting
      // language, then each language's choice in that language.
      const firstKey = r.events.findIndex((e) => e.event === 'keys');
      const greeting = saysIn(r.events.slice(0, firstKey));
      expect(greeting.map((s) => s.language)).toEqual([...GREETING, ...LANGS.map((l) => l.code)]);
      // After the choice: only the caller's language, in its own voice.
      expect(new Set(saysIn(r.events.slice(firstKey)).map((s) => s.language))).toEqual(new Set([lang.code]));
      const sayBeforeDial = r.events[r.events.findIndex((e) => e.event === 'dial') - 1];
      expect(sayBeforeDial).toMatchObject({ event: 'say', language: lang.code });
      for (const s of says(r)) expect(s.voice).toBe(VOICES.get(s.language));
    },
  );

  it('1712 closed on Christmas Day: no transfer to 1712, the offers keep their keys and Sürya is on key 1', async () => {
    const r = await call([lang.key, '4', '1', 'H'], { at: CHRISTMAS });
    expect(r.exitCode).toBe(0);
    expect(dialled(r)).toEqual([SURYA]);
    const answer = answerTo(r, 1);
    expect(answer.map((e) => e.event)).not.toContain('dial');
    expect(saysIn(answer).map((s) => s.language)).toEqual([lang.code]);
    // 1712's own key is not offered while it is closed, and means nothing else.
    const again = await call([lang.key, '4', '4', 'H'], { at: CHRISTMAS });
    expect(dialled(again)).toEqual([]);
  });

  it('1712 closed on a Saturday, open on the Monday morning', async () => {
    const saturday = await call([lang.key, '4', '1', 'H'], { at: '2026-12-26T11:00' });
    expect(dialled(saturday)).toEqual([SURYA]);
    const monday = await call([lang.key, '4', 'H'], { at: '2026-12-28T10:00' });
    expect(dialled(monday)).toEqual(['1712']);
  });

  it('the police: the number is said at once, nothing is dialled, and a specialised centre is on key 1', async () => {
    const r = await call([lang.key, POLICE_KEY, 'H']);
    expect(r.exitCode).toBe(0);
    expect(dialled(r)).toEqual([]);
    const answer = saysIn(answerTo(r, 1));
    expect(answer.map((s) => s.language)).toEqual([lang.code]);
    expect(answer[0]!.text).toContain(spokenNumber(config.services.police!.dial));
    const then = await call([lang.key, POLICE_KEY, '1', 'H']);
    expect(dialled(then)).toEqual([SURYA]);
  });

  it('a failed transfer: the caller hears so and is offered another service, never the failed one', async () => {
    const r = await call([lang.key, '2', '1', '1', 'H'], { dial: ['failed', 'completed'] });
    expect(r.exitCode).toBe(0);
    expect(dialled(r)).toEqual([PAG_ASA, SURYA]);
    expect(r.events.filter((e) => e.event === 'outcome')).toEqual([
      { event: 'outcome', status: 'failed' },
      { event: 'outcome', status: 'completed' },
    ]);
    const afterFailure = answerTo(r, 3).filter((e) => formatEvent(e) !== undefined);
    expect(afterFailure.map((e) => e.event)).toEqual(['say']);
    expect(afterFailure[0]).toMatchObject({ language: lang.code });
    // Every centre fails in turn: key 1 rings the next one, then no one.
    const chain = await call([lang.key, '2', '1', '1', '1', '1', 'H'], { dial: ['failed'] });
    expect(dialled(chain)).toEqual([PAG_ASA, SURYA, PAYOKE]);
  });

  it.each(['busy', 'no-answer'] as const)(
    'a %s transfer is followed by an offer, never a bare hang-up',
    async (status) => {
      const r = await call([lang.key, '2', '3', 'H'], { dial: [status] });
      expect(r.end).toBe('caller');
      expect(r.exitCode).toBe(0);
      expect(visible(r).slice(-4)).toEqual(['dial', 'outcome', 'say', 'hangup']);
      expect(r.events.at(-1)).toEqual({ event: 'hangup', by: 'caller' });
    },
  );

  it('silence twice in the main menu: the emergency numbers, then a person, in the language chosen', async () => {
    const r = await call([lang.key, 'T', 'T', 'H']);
    expect(r.exitCode).toBe(0);
    expect(dialled(r)).toEqual([SURYA]);
    const before = saysIn(answerTo(r, 2));
    expect(new Set(before.map((s) => s.language))).toEqual(new Set([lang.code]));
    expect(before.map((s) => s.text).join(' ')).toContain(config.prompts[lang.id]!.prompts.emergency);
  });
});

describe('the end of a scripted call', () => {
  it('keys that run out mid-call: exit 3 and a STOP line', async () => {
    const r = await call(['1']);
    expect(r.exitCode).toBe(3);
    expect(r.end).toBe('keys-ran-out');
    expect(r.events.at(-1)).toEqual({ event: 'stop', reason: 'keys-ran-out' });
  });

  it('silence twice at the language choice: "putting you through" in each greeting language, then a person; the rest too, in every greeting language', async () => {
    const r = await call(['T', 'T', 'H']);
    expect(r.exitCode).toBe(0);
    expect(dialled(r)).toEqual([SURYA]);
    // The choice once more (no greeting), then no menu: straight to the transfer.
    expect(saysIn(answerTo(r, 0)).map((s) => s.language)).toEqual(LANGS.map((l) => l.code));
    const second = answerTo(r, 1);
    expect(second.filter((e) => formatEvent(e) !== undefined).map((e) => e.event)).toEqual([
      ...GREETING.map(() => 'say'),
      'dial',
    ]);
    expect(saysIn(second).map((s) => s.language)).toEqual(GREETING);
    expect(saysIn(answerTo(r, 2)).map((s) => s.language)).toEqual(GREETING);
  });

  it('every transfer failing ends kindly: the emergency numbers, a number to call back, goodbye, and the line hangs up', async () => {
    const en = LANGS.find((l) => l.id === 'en')!;
    // Christmas: 1712 is closed. Key 1 each time rings the next centre, key 3 the next care centre, then the police's number.
    const r = await call([en.key, '1', '1', '1', '3', '3', '3', POLICE_KEY], { at: CHRISTMAS, dial: ['busy'] });
    expect(r.exitCode).toBe(0);
    expect(r.end).toBe('hangup');
    expect(dialled(r)).toHaveLength(6);
    expect(new Set(dialled(r)).size).toBe(6); // no service rung twice
    expect(r.events.at(-1)).toEqual({ event: 'hangup', by: 'line' });
    const last = says(r).at(-1)!;
    expect(last.language).toBe(en.code);
    expect(last.text).toContain(config.prompts.en!.prompts.emergency);
    expect(last.text).toContain(spokenNumber(config.services['violence-line']!.dial)); // the callback number, 1712 not having failed
  });

  it('every request is signed: the line checks a fresh auth token on each one', async () => {
    // English, information, a section, another topic, back to the main menu, back to the language choice, French.
    const r = await call(['3', '6', '1', '2', '0', '0', '1', 'H']);
    expect(r.events.filter((e) => e.event === 'error')).toEqual([]);
    expect(r.events.filter((e) => e.event === 'request').length).toBe(8);
    expect(says(r).at(-1)!.language).toBe('fr-BE');
  });
});

describe('callCli: the command itself', () => {
  async function cli(args: string[]): Promise<{ code: number; lines: string[]; err: string }> {
    const lines: string[] = [];
    let err = '';
    const code = await callCli(args, { out: (l) => lines.push(l), err: (t) => (err += t) });
    return { code, lines, err };
  }

  it('--answer person,declined,voicemail: prints the whisper, and how each transfer is answered', async () => {
    // 4: 1712 (whisper in Dutch, its staff language); declined: not bridged, so the offers; 1:
    // a centre, answered by a voicemail: put through (announce), the caller stays on the line.
    const { code, lines } = await cli([
      '--at',
      MONDAY_MORNING,
      '--keys',
      '3,4,1,1,H',
      '--answer',
      'declined,voicemail',
    ]);
    expect(code).toBe(0);
    const whispers = lines.filter((l) => l.startsWith('WHISPER '));
    expect(whispers[0]).toMatch(/^WHISPER \[nl-BE\] \(Polly\.Lisa-Neural\) /);
    expect(whispers.join(' ')).toContain(config.prompts.nl!.prompts['whisper-lang-en']!);
    expect(lines.filter((l) => l.startsWith('ANSWERED '))).toEqual([
      'ANSWERED by a person who declines: not put through (DialBridged=false)',
      'ANSWERED by a voicemail: put through (DialBridged=true)',
      // the not-reached key: the next centre, answered by a voicemail again (the last repeats)
      'ANSWERED by a voicemail: put through (DialBridged=true)',
    ]);
    expect(lines.filter((l) => l.startsWith('DIAL ')).length).toBe(3);
    expect(lines.join('\n')).not.toContain('+32470000000'.slice(1, 8));
  });

  it('--answer with whisper: confirm: a voicemail never presses the key, so the caller goes on to another service', async () => {
    const data = parseYaml(readFileSync(DEFAULT_DIRECTORY, 'utf8'));
    for (const s of Object.values<{ connect?: string; whisper?: string }>(data.services))
      if (s.connect !== 'say') s.whisper = 'confirm';
    const dir = mkdtempSync(join(tmpdir(), 'helpline-answer-'));
    try {
      writeFileSync(join(dir, 'directory.yaml'), stringifyYaml(data));
      const confirmed = loadLineConfig({ directory: join(dir, 'directory.yaml') });
      const r = await runCall({
        input: withAnswerers(scriptedInput([LANGS[2]!.key, '1', '1', '1', 'H']), ['voicemail', 'declined', 'person']),
        at: parseWallClock(MONDAY_MORNING).at,
        config: confirmed,
      });
      const answers = r.events.filter((e) => e.event === 'answer');
      expect(answers).toEqual([
        { event: 'answer', by: 'voicemail', key: '', bridged: false },
        { event: 'answer', by: 'declined', key: '', bridged: false },
        { event: 'answer', by: 'person', key: '1', bridged: true },
      ]);
      // Each decline leads to the offers; 1 puts the caller through to the next centre.
      expect(dialled(r).length).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--answer refuses anything else', () => {
    expect(() => parseAnswerScript('person,robot')).toThrow(/--answer: "robot"/);
    expect(parseAnswerScript('Person, voicemail')).toEqual(['person', 'voicemail']);
  });

  it('prints one line per event, each starting with its kind', async () => {
    const { code, lines } = await cli(['--at', CHRISTMAS, '--keys', '3,4,1,H']);
    expect(code).toBe(0);
    expect(lines[0]).toBe('CALL Fri 2026-12-25 10:00 Europe/Brussels (UTC+01:00)');
    for (const l of lines)
      expect(l).toMatch(
        /^(CALL|(SAY|WHISPER) \[(fr-BE|nl-BE|en-GB)\] \(Polly\.(Isabelle|Lisa|Amy)-Neural\) \S|KEYS [0-9*#]+$|SILENCE$|DIAL \S+ \(|OUTCOME |ANSWERED by |HANGUP)/,
      );
    expect(lines.filter((l) => l.startsWith('DIAL '))).toEqual([
      expect.stringMatching(/^DIAL \+3242324030 \(timeout \d+ s, caller ID \+\d+, ring tone be\)$/),
    ]);
    expect(lines.filter((l) => l.startsWith('SAY ') && !l.startsWith('SAY [en-GB]')).length).toBe(
      GREETING.length - 1 + LANGS.length - 1,
    ); // the greeting only
    expect(lines.at(-1)).toBe('HANGUP (by the caller)');
  });

  it('--json prints one JSON object per event; --dial busy applies to every transfer', async () => {
    const { code, lines } = await cli(['--json', '--at', '2026-07-14T16:30', '--keys', '3,2,2,1,H', '--dial', 'busy']);
    expect(code).toBe(0);
    const events = lines.map((l) => JSON.parse(l) as CallEvent);
    expect(events[0]).toEqual({
      event: 'call',
      at: '2026-07-14T16:30:00+02:00',
      timeZone: 'Europe/Brussels',
      clock: 'fixed',
    });
    expect(events.filter((e) => e.event === 'outcome').map((e) => (e as { status: string }).status)).toEqual([
      'busy',
      'busy',
    ]);
    expect(events.filter((e) => e.event === 'dial').map((e) => (e as { number: string }).number)).toEqual([
      PAYOKE,
      SURYA,
    ]);
    expect(events.some((e) => e.event === 'request')).toBe(true); // JSON has the webhooks too
  });

  it('--verbose shows the webhooks and their URLs', async () => {
    const { lines } = await cli(['--verbose', '--at', MONDAY_MORNING, '--keys', '1,H']);
    expect(lines.filter((l) => l.startsWith('POST ')).length).toBe(2);
    expect(lines.some((l) => /^GATHER 1 key\(s\), \d+ s → https:\/\/\S+\/voice\/menu\?/.test(l))).toBe(true);
  });

  it('says which options are wrong, with exit status 2', async () => {
    await expect(cli(['--keys', '1,x'])).rejects.toThrow(UsageError);
    await expect(cli(['--dial', 'busy'])).rejects.toThrow(/goes with --keys/);
    await expect(cli(['--at', '2027-03-28T02:30', '--keys', '1'])).rejects.toThrow(/does not exist/);
    await expect(cli(['--nope'])).rejects.toThrow(UsageError);
  });

  it('--help prints the usage', async () => {
    const { code, lines } = await cli(['--help']);
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/--keys/);
  });
});

describe('scripts and times', () => {
  it('--keys items are keys, T or H', () => {
    expect(parseKeyScript('1, 2,T,*,#,12#,H')).toEqual(['1', '2', 'T', '*', '#', '12#', 'H']);
    expect(parseKeyScript('')).toEqual([]);
    expect(() => parseKeyScript('1,,2')).toThrow(UsageError);
    expect(() => parseKeyScript('t')).toThrow(UsageError);
  });

  it('--dial outcomes are Twilio DialCallStatus values; answered means completed', () => {
    expect(parseDialScript('answered,busy,no-answer,failed,completed')).toEqual([
      'completed',
      'busy',
      'no-answer',
      'failed',
      'completed',
    ]);
    expect(() => parseDialScript('canceled')).toThrow(UsageError);
  });

  it('--at is Brussels wall-clock time, winter and summer, whatever the process time zone', () => {
    expect(parseWallClock('2026-12-25T10:00').at.toISOString()).toBe('2026-12-25T09:00:00.000Z');
    expect(parseWallClock('2026-07-14 16:30').at.toISOString()).toBe('2026-07-14T14:30:00.000Z');
    expect(parseWallClock('2026-12-25').at.toISOString()).toBe('2026-12-24T23:00:00.000Z');
    expect(parseWallClock('2027-03-28T01:59').at.toISOString()).toBe('2027-03-28T00:59:00.000Z');
    expect(parseWallClock('2027-03-28T03:00').at.toISOString()).toBe('2027-03-28T01:00:00.000Z');
    expect(parseWallClock('2026-12-25T10:00:00Z').at.toISOString()).toBe('2026-12-25T10:00:00.000Z');
  });

  it('--at refuses a time the clocks skip, and takes the first of a time that happens twice', () => {
    expect(() => parseWallClock('2027-03-28T02:30')).toThrow(/does not exist/);
    const twice = parseWallClock('2026-10-25T02:30');
    expect(twice.at.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(twice.note).toMatch(/twice/);
    expect(() => parseWallClock('2026-02-30T10:00')).toThrow(/no such date/);
    expect(() => parseWallClock('25/12/2026')).toThrow();
  });
});

describe('the caller itself', () => {
  it('plays every verb the TwiML reader lets through, one function each', () => {
    expect([...VERBS.keys()].sort()).toEqual([...PLAYED_VERBS].sort());
  });

  it('at the terminal: keys are asked again until they are keys; a transfer outcome is one of the choices', async () => {
    const stdin = new PassThrough();
    const prompts = new PassThrough();
    let shown = '';
    prompts.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    const input = interactiveInput(stdin, prompts);
    onTestFinished(() => input.close?.());
    stdin.end('zz\n1 2\n\nconstructor\nb\nq\n');
    const gather = { timeout: 5, numDigits: 2, finishOnKey: '#' };
    expect(await input.keys(gather)).toEqual({ kind: 'keys', keys: '12' });
    expect(await input.keys(gather)).toEqual({ kind: 'silence' });
    expect(await input.dial({ number: '101', timeout: 30 })).toEqual({ kind: 'outcome', status: 'busy' });
    expect(await input.keys(gather)).toEqual({ kind: 'hangup' });
    expect(await input.keys(gather)).toEqual({ kind: 'hangup' }); // the end of the input hangs up too
    expect(shown.match(/keys are 0-9/g)).toHaveLength(1);
    expect(shown.match(/choose a, b, n, f or q/g)).toHaveLength(1);
  });

  it('the CALL line takes the date, time and offset from the event (summer time here)', () => {
    const summer = {
      event: 'call',
      at: '2026-07-14T16:30:00+02:00',
      timeZone: 'Europe/Brussels',
      clock: 'real',
    } as const;
    expect(formatEvent(summer)).toBe('CALL Tue 2026-07-14 16:30 Europe/Brussels (UTC+02:00), the real time');
  });
});

describe('recorded prompts', () => {
  it('a prompt with a recording is a PLAY of a URL the line serves as audio', async () => {
    const data = copyData();
    mkdirSync(join(data.prompts, 'audio', 'nl'), { recursive: true });
    const wav = TINY_WAV;
    writeFileSync(join(data.prompts, 'audio', 'nl', 'putting-through.wav'), wav);
    const withAudio = testConfig({ directory: data.directory, menus: data.menus, prompts: data.prompts });
    // Silent at the language choice: "putting you through" in each greeting language, the Dutch one recorded.
    const r = await runCall({
      input: scriptedInput(['T', 'T', 'H']),
      at: parseWallClock(MONDAY_MORNING).at,
      config: withAudio,
    });
    expect(r.exitCode).toBe(0);
    expect(r.events.filter((e) => e.event === 'play')).toEqual([
      {
        event: 'play',
        url: 'https://helpline.test/audio/nl/putting-through.wav',
        contentType: 'audio/wav',
        bytes: wav.length,
      },
    ]);
    const nl = config.flow.greeting.indexOf('nl');
    expect(
      answerTo(r, 1)
        .filter((e) => formatEvent(e) !== undefined)
        .map((e) => e.event)[nl],
    ).toBe('play');
  });
});

// --- the caller's reading of TwiML, on hand-written answers -----------------------------

const BASE = 'https://fake.example';
const TOKEN = 'fake-line-token';

/** A line that answers fixed TwiML per path, checks signatures as Twilio's library does, and records what it got. */
async function fakeLine(
  routes: Record<string, string | ((body: Record<string, string>) => string)>,
  opts: { status?: number; type?: string } = {},
) {
  const got: Array<{ method: string; url: string; body: Record<string, string> }> = [];
  const fake = Fastify();
  onTestFinished(() => fake.close());
  await fake.register(formbody);
  fake.addHook('preHandler', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string>;
    const ok = webhooks.validateRequest(TOKEN, String(request.headers['x-twilio-signature']), BASE + request.url, body);
    if (!ok) await reply.code(403).send('bad signature');
  });
  const handler = async (
    request: { method: string; url: string; body?: unknown },
    reply: { code(c: number): { type(t: string): { send(b: string): unknown } } },
  ) => {
    const body = (request.body ?? {}) as Record<string, string>;
    got.push({ method: request.method, url: request.url, body });
    const route = routes[request.url.split('?')[0]!];
    const xml = typeof route === 'function' ? route(body) : (route ?? '<Response><Hangup/></Response>');
    return reply
      .code(opts.status ?? 200)
      .type(opts.type ?? 'text/xml')
      .send(xml);
  };
  fake.all('/*', handler);
  return { line: { app: fake, baseUrl: BASE, authToken: TOKEN }, got };
}

const say = (text: string) => `<Say voice="Polly.Lisa-Neural" language="nl-BE">${text}</Say>`;

describe('the caller reads TwiML as Twilio does', () => {
  it('Gather without actionOnEmptyResult falls through on silence to the next verb; the end of the document hangs up', async () => {
    const { line, got } = await fakeLine({
      '/voice': `<Response><Gather action="/next" numDigits="1">${say('kies')}</Gather>${say('niets gehoord')}</Response>`,
    });
    const r = await runCall({ input: scriptedInput(['T']), line });
    expect(visible(r)).toEqual(['call', 'say', 'silence', 'say', 'hangup']);
    expect(r.events.at(-1)).toEqual({ event: 'hangup', by: 'end-of-document' });
    expect(got.map((g) => g.url)).toEqual(['/voice']);
    expect(r.exitCode).toBe(0);
  });

  it('Gather with actionOnEmptyResult posts an empty Digits to its action on silence', async () => {
    const { line, got } = await fakeLine({
      '/voice': `<Response><Gather action="/next" actionOnEmptyResult="true"/>${say('niet bereikt')}</Response>`,
    });
    await runCall({ input: scriptedInput(['T']), line });
    expect(got.map((g) => [g.url, g.body.Digits])).toEqual([
      ['/voice', undefined],
      ['/next', ''],
    ]);
  });

  it('Gather defaults: posts to its own URL, and stops at # (which is not sent)', async () => {
    const { line, got } = await fakeLine({ '/voice': '<Response><Gather/></Response>' });
    const r = await runCall({ input: scriptedInput(['12#3']), line });
    expect(got.map((g) => [g.url, g.body.Digits])).toEqual([
      ['/voice', undefined],
      ['/voice', '12'],
    ]);
    expect(r.events.find((e) => e.event === 'gather')).toMatchObject({
      timeout: 5,
      finishOnKey: '#',
      actionOnEmptyResult: false,
    });
    expect(r.exitCode).toBe(3); // the second <Gather> finds no keys left
  });

  it('numDigits and an empty finishOnKey: # is a key, the rest is cut at numDigits', async () => {
    const { line, got } = await fakeLine({
      '/voice': '<Response><Gather numDigits="2" finishOnKey="" action="/done"/></Response>',
    });
    const r = await runCall({ input: scriptedInput(['#12']), line });
    expect(got.at(-1)).toMatchObject({ url: '/done', body: { Digits: '#1' } });
    expect(r.events.find((e) => e.event === 'keys')).toEqual({ event: 'keys', keys: '#12', digits: '#1' });
  });

  it('Dial without action continues the document after the transfer', async () => {
    const { line, got } = await fakeLine({
      '/voice': `<Response><Dial timeout="20"><Number>+3242324030</Number></Dial>${say('na de oproep')}<Hangup/></Response>`,
    });
    const r = await runCall({ input: scriptedInput([], ['no-answer']), line });
    expect(visible(r)).toEqual(['call', 'dial', 'outcome', 'say', 'hangup']);
    expect(r.events.find((e) => e.event === 'dial')).toMatchObject({ number: '+3242324030', timeout: 20 });
    expect(got.length).toBe(1);
  });

  it('Dial with action posts DialCallStatus there, and the verbs after it are never played', async () => {
    const { line, got } = await fakeLine({
      '/voice': `<Response><Dial action="/after?x=1"><Sip>sip:police@carrier.example</Sip></Dial>${say('onbereikbaar')}</Response>`,
      '/after': '<Response><Hangup/></Response>',
    });
    const r = await runCall({ input: scriptedInput([], ['busy']), line });
    expect(visible(r)).toEqual(['call', 'dial', 'outcome', 'hangup']);
    expect(r.events.find((e) => e.event === 'dial')).toMatchObject({ number: 'sip:police@carrier.example' });
    expect(got.at(-1)).toMatchObject({
      url: '/after?x=1',
      body: { DialCallStatus: 'busy', CallStatus: 'in-progress' },
    });
    expect(got[0]!.body.CallStatus).toBe('ringing');
  });

  it('Redirect follows relative URLs, and GET puts the parameters in the signed query string', async () => {
    const { line, got } = await fakeLine({
      '/voice': '<Response><Redirect method="GET">menu/a?b=1</Redirect></Response>',
      '/menu/a': '<Response><Pause length="2"/><Play>https://cdn.example/x.wav</Play><Hangup/></Response>',
    });
    const r = await runCall({ input: scriptedInput([]), line });
    expect(r.exitCode).toBe(0);
    expect(got[1]!.method).toBe('GET');
    expect(got[1]!.url).toMatch(/^\/menu\/a\?b=1&AccountSid=AC/);
    expect(visible(r)).toEqual(['call', 'pause', 'play', 'hangup']);
  });

  it.each([
    ['not well-formed XML', { '/voice': '<Response><Say>open' }, {}, /well-formed/],
    ['a leading blank', { '/voice': ' <Response/>' }, {}, /does not start/],
    ['an unknown verb', { '/voice': '<Response><Speak>hallo</Speak></Response>' }, {}, /not a TwiML verb/],
    [
      'a verb inside Gather it cannot hold',
      { '/voice': '<Response><Gather><Dial>101</Dial></Gather></Response>' },
      {},
      /cannot be inside <Gather>/,
    ],
    ['two roots', { '/voice': '<Response/><Response/>' }, {}, /one <Response>/],
    ['HTTP 500', { '/voice': '<Response/>' }, { status: 500 }, /HTTP 500/],
    ['text/html', { '/voice': '<Response/>' }, { type: 'text/html' }, /Content-Type/],
    ['a Redirect loop', { '/voice': '<Response><Redirect>/voice</Redirect></Response>' }, {}, /loop/],
    [
      'an action outside the line',
      { '/voice': '<Response><Redirect>https://elsewhere.example/x</Redirect></Response>' },
      {},
      /outside the line/,
    ],
  ])('%s is an ERROR with exit status 1', async (_label, routes, opts, message) => {
    const { line } = await fakeLine(routes, opts);
    const r = await runCall({ input: scriptedInput(['1']), line });
    expect(r.exitCode).toBe(1);
    expect(r.end).toBe('error');
    const last = r.events.at(-1)!;
    expect(last.event).toBe('error');
    expect((last as { message: string }).message).toMatch(message);
  });

  it('a wrong signature would be refused: the fake line checks it, so a 403 is an error', async () => {
    const { line } = await fakeLine({ '/voice': '<Response/>' });
    const r = await runCall({ input: scriptedInput([]), line: { ...line, authToken: 'another-token' } });
    expect(r.events.at(-1)).toMatchObject({ event: 'error', message: expect.stringMatching(/HTTP 403/) });
  });
});

describe('the built command', () => {
  it('node dist/cli/call.js plays a scripted call and exits 0', () => {
    // English on Christmas Day: Sürya busy, then the police's number, then the caller hangs up.
    const run = runNode(CALL_CLI, {}, ['--at', CHRISTMAS, '--keys', `3,1,${POLICE_KEY},H`, '--dial', 'busy', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CallEvent);
    expect(events.filter((e) => e.event === 'dial').map((e) => (e as { number: string }).number)).toEqual([SURYA]);
    expect(
      new Set(events.flatMap((e) => (e.event === 'say' ? [e.language] : [])).slice(GREETING.length + LANGS.length)),
    ).toEqual(new Set(['en-GB']));
    expect(events.at(-1)).toEqual({ event: 'hangup', by: 'caller' });
  });

  /** The exit statuses --help promises: status -> what it says. */
  function promisedExits(): Map<number, string> {
    const help = runNode(CALL_CLI, {}, ['--help']).stdout;
    const lines = help.slice(help.indexOf('Exit status:')).split('\n').slice(1);
    const out = new Map<number, string>();
    let last = -1;
    for (const line of lines) {
      const m = /^\s+(\d)\s+(.*)$/.exec(line);
      if (m) {
        last = Number(m[1]);
        out.set(last, m[2]!);
      } else if (last >= 0 && line.trim()) out.set(last, `${out.get(last)} ${line.trim()}`);
    }
    return out;
  }

  // Each of these runs is checked by two tests (what --help promises, and the behaviour itself).
  const badOption = once(() => runNode(CALL_CLI, {}, ['--keys', 'x']));
  const keysRunOut = once(() => runNode(CALL_CLI, {}, ['--keys', '1']));
  const brokenData = once(() => {
    // Broken data, built as data: the shipped directory with one number not in E.164.
    const data = copyData();
    try {
      changeCopy(data, 'directory', (d) => (d.services.surya!.dial = '04 232 40 30'));
      return runNode(CALL_CLI, { HELPLINE_CONFIG: data.directory }, ['--keys', '1']);
    } finally {
      rmSync(data.dir, { recursive: true, force: true });
    }
  });

  it('exits as --help says: a bad option, keys that ran out, broken data', () => {
    const promised = promisedExits();
    expect(promised.get(badOption().status!)).toMatch(/bad option/);
    expect(promised.get(keysRunOut().status!)).toMatch(/ran out/);
    const broken = brokenData();
    expect(broken.stderr).toMatch(/services\.surya\.dial/);
    expect(promised.get(broken.status!)).toMatch(/data is broken/);
    expect([...promised.values()].filter((t) => /data/.test(t))).toHaveLength(1);
  });

  it('exits 3 when the keys run out, and 2 on a bad option', () => {
    const short = keysRunOut();
    expect(short.status).toBe(3);
    expect(short.stdout.trim().split('\n').at(-1)).toMatch(/^STOP /);
    const bad = badOption();
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--keys/);
  });

  it('reads HELPLINE_CONFIG as the line does: broken data is listed, exit 1', () => {
    const run = brokenData();
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/services\.surya\.dial: "04 232 40 30"/);
    expect(run.stdout).toBe('');
  });
});
