/**
 * The command `npm run call`: its options, its exit status, and the line it calls, built
 * in-process by the app factory from the line's data. The only part of the terminal caller
 * that imports the line's code; the rest (caller/) knows only TwiML (an import rule in biome.json).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../http/app.js';
import type { Config } from '../config/types.js';
import { TIME_ZONE } from '../config/constants.js';
import { createLogger } from '../http/logging.js';
import { interactiveInput, isKeys, scriptedInput, withAnswerers, type CallerInput } from './caller/input.js';
import { DEFAULT_FROM, DEFAULT_TO, type LineUnderTest } from './caller/line.js';
import { playCall } from './caller/runner.js';
import {
  ANSWERERS,
  DIAL_STATUSES,
  formatEvent,
  type Answerer,
  type CallEvent,
  type DialStatus,
} from './caller/transcript.js';
import type { CallEnd } from './caller/verbs.js';
import { loadLineConfig, parseOptions, UsageError } from './common.js';
import { isoBrussels, parseWallClock } from '../time/brussels.js';

export interface CallOptions {
  input: CallerInput;
  /** The line's clock: this instant for the whole call. Absent: the real time. */
  at?: Date | undefined;
  /** The line's data; default: as the server reads it (HELPLINE_* or the built-in files). */
  config?: Config | undefined;
  /** An app to call instead of building the line (to test the caller on hand-written TwiML). */
  line?: LineUnderTest | undefined;
  /** The call's From and To (To is the helpline's number). */
  from?: string | undefined;
  to?: string | undefined;
  /** The line's own log level, on stderr; default silent. */
  logLevel?: string | undefined;
  onEvent?: ((e: CallEvent) => void) | undefined;
  /** Stop after this many webhooks (a runaway call). */
  maxRequests?: number | undefined;
}

export interface CallResult {
  events: CallEvent[];
  /** hangup: the line ended the call; caller: the caller hung up (H, q); keys-ran-out; error. */
  end: CallEnd;
  exitCode: number;
}

export const EXIT = { ok: 0, lineError: 1, usage: 2, keysRanOut: 3 } as const;
const EXIT_OF: Record<CallEnd, number> = {
  hangup: EXIT.ok,
  caller: EXIT.ok,
  'keys-ran-out': EXIT.keysRanOut,
  error: EXIT.lineError,
};

/** The base URL the in-process line answers under (never resolved: app.inject only). */
export const LINE_BASE_URL = 'https://helpline.test';

/** The line as the server builds it, at the chosen instant, with an auth token made for this call only. */
async function buildLine(options: CallOptions): Promise<LineUnderTest & { app: FastifyInstance }> {
  const authToken = randomBytes(16).toString('hex');
  const at = options.at;
  const app = await buildApp({
    config: options.config ?? loadLineConfig(),
    ...(at ? { clock: () => at } : {}),
    authToken,
    publicBaseUrl: LINE_BASE_URL,
    logger: createLogger(options.logLevel ?? 'silent', pino.destination({ dest: 2, sync: true })),
  });
  return { app, baseUrl: LINE_BASE_URL, authToken };
}

/** Plays a whole call against the line (built here unless given); resolves with the transcript,
 * how it ended and the exit status. */
export async function runCall(options: CallOptions): Promise<CallResult> {
  const owned = options.line ? undefined : await buildLine(options);
  try {
    const at = options.at ?? new Date();
    const { events, end } = await playCall({
      line: options.line ?? owned!,
      input: options.input,
      call: { at: isoBrussels(at), timeZone: TIME_ZONE, clock: options.at ? 'fixed' : 'real' },
      from: options.from,
      to: options.to,
      onEvent: options.onEvent,
      maxRequests: options.maxRequests,
    });
    return { events, end, exitCode: EXIT_OF[end] };
  } finally {
    await owned?.app.close();
  }
}

/** --keys "1,2,T,3": one item per <Gather>: keys (0-9 * #), T = silence, H = the caller hangs up. */
export function parseKeyScript(script: string): string[] {
  const items = script.split(',').map((s) => s.trim());
  if (items.length === 1 && items[0] === '') return [];
  for (const item of items) {
    if (!isKeys(item) && item !== 'T' && item !== 'H') {
      throw new UsageError(`--keys: "${item}" is not keys (0-9, *, #), T (silence) or H (hang up)`);
    }
  }
  return items;
}

/** --dial "busy,completed": how each transfer ends, in order; the last one repeats. */
export function parseDialScript(script: string): DialStatus[] {
  return script.split(',').map((raw) => {
    const s = raw.trim().toLowerCase();
    if (s === 'answered') return 'completed';
    if ((DIAL_STATUSES as readonly string[]).includes(s)) return s as DialStatus;
    throw new UsageError(`--dial: "${raw}" is not one of answered, completed, busy, no-answer, failed`);
  });
}

/** --answer "person,declined,voicemail": who answers each transfer that rings through, in order;
 * the last one repeats. */
export function parseAnswerScript(script: string): Answerer[] {
  return script.split(',').map((raw) => {
    const a = raw.trim().toLowerCase();
    if ((ANSWERERS as readonly string[]).includes(a)) return a as Answerer;
    throw new UsageError(`--answer: "${raw}" is not one of ${ANSWERERS.join(', ')}`);
  });
}

export const USAGE = `Usage: npm run call -- [options]

Plays a caller against the line, in-process (no port, no Twilio account, no phone).
Interactive by default: type the keys of each menu and press Enter (Enter alone = silence,
q = hang up); at a transfer, choose how it ends.

Options:
  --at 2026-12-25T10:00   the line's clock, in Brussels wall-clock time (default: now)
  --keys 1,2,T,3          play these keys, one item per menu, then exit (T = silence, H = hang up)
  --dial busy,completed   with --keys: how each transfer ends, in order, the last one repeating:
                          completed (or answered), busy, no-answer, failed (default: completed)
  --answer person,declined,voicemail
                          who answers each transfer that rings through, in order, the last
                          one repeating (default: person). Prints the whisper the answerer
                          hears (WHISPER [fr-BE] ...). person: takes the call (presses the
                          whisper's key if asked); declined: presses nothing, or hangs up;
                          voicemail: presses nothing, so it is put through only without a key
                          to press, and the caller stays on the line afterwards
  --json                  one JSON object per event instead of text lines
  --verbose               also show the webhooks behind the call (POST, GATHER, REDIRECT)
  --log                   the line's own log lines, on stderr
  --from NUMBER           the caller's number (default ${DEFAULT_FROM})
  --to NUMBER             the helpline's number, the call's To (default ${DEFAULT_TO})

Exit status:
  0  the call ended (the line hung up, or H / q)
  1  the line's data is broken (each problem is listed, as at the line's start), or the line
     answered something Twilio would refuse (not 200, not TwiML, a loop)
  2  a bad option
  3  --keys or --dial ran out before the call ended`;

export interface CliIO {
  /** One line of the transcript. */
  out(line: string): void;
  /** Messages for the person (warnings, usage). */
  err(text: string): void;
  stdin?: NodeJS.ReadableStream;
  prompts?: NodeJS.WritableStream;
}

const OPTIONS = {
  at: { type: 'string' },
  keys: { type: 'string' },
  dial: { type: 'string' },
  answer: { type: 'string' },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', short: 'v', default: false },
  log: { type: 'boolean', default: false },
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

/** --at: Brussels wall-clock time; a time that happens twice is noted. */
function parseAt(text: string, io: CliIO): Date {
  try {
    const parsed = parseWallClock(text);
    if (parsed.note) io.err(`note: ${parsed.note}\n`);
    return parsed.at;
  } catch (err) {
    throw new UsageError(`--at: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** `npm run call` with its arguments; resolves with the exit status. */
export async function callCli(argv: string[], io: CliIO): Promise<number> {
  const values = parseOptions(argv, OPTIONS, USAGE, (usage) => io.out(usage));
  if (!values) return EXIT.ok;
  const at = values.at !== undefined ? parseAt(values.at, io) : undefined;
  if (values.dial !== undefined && values.keys === undefined) {
    throw new UsageError('--dial goes with --keys (interactively, you choose each outcome)');
  }
  // Before reading the terminal: a broken data file must not leave stdin open.
  const config = loadLineConfig();
  const answerers = values.answer !== undefined ? parseAnswerScript(values.answer) : ['person' as const];
  const input = withAnswerers(
    values.keys !== undefined
      ? scriptedInput(parseKeyScript(values.keys), values.dial !== undefined ? parseDialScript(values.dial) : undefined)
      : interactiveInput(io.stdin ?? process.stdin, io.prompts ?? process.stderr),
    answerers,
  );
  try {
    const result = await runCall({
      input,
      at,
      config,
      from: values.from,
      to: values.to,
      logLevel: values.log ? 'info' : 'silent',
      onEvent: (e) => {
        const line = values.json ? JSON.stringify(e) : formatEvent(e, values.verbose);
        if (line !== undefined) io.out(line);
      },
    });
    return result.exitCode;
  } finally {
    input.close?.();
  }
}
