/**
 * The caller's side of a call: the keys pressed at each <Gather> and how each <Dial> ends,
 * from a fixed script (--keys, --dial) or asked of the person at the terminal.
 * Part of the terminal caller, which knows only TwiML (an import rule in biome.json).
 */
import { createInterface } from 'node:readline';
import { KEY } from '../../config/constants.js';
import type { DialStatus } from './transcript.js';

export interface GatherPrompt {
  timeout: number;
  numDigits: number | undefined;
  finishOnKey: string;
}
export interface DialPrompt {
  number: string;
  timeout: number;
}
export type KeyAnswer =
  | { kind: 'keys'; keys: string }
  | { kind: 'silence' }
  | { kind: 'hangup' }
  | { kind: 'exhausted' };
export type DialAnswer = { kind: 'outcome'; status: DialStatus } | { kind: 'hangup' } | { kind: 'exhausted' };

export interface CallerInput {
  keys(prompt: GatherPrompt): Promise<KeyAnswer>;
  dial(prompt: DialPrompt): Promise<DialAnswer>;
  close?(): void;
}

/** One or more telephone keys (0-9 * #). */
export function isKeys(text: string): boolean {
  return text.length > 0 && [...text].every((k) => KEY.test(k));
}

/** Plays a fixed script: one item per <Gather> (keys, T = silence, H = hang up), then one
 * outcome per <Dial>, the last one repeating. */
export function scriptedInput(keys: string[], outcomes: DialStatus[] = ['completed']): CallerInput {
  let k = 0;
  let d = 0;
  return {
    async keys() {
      const item = keys[k++];
      if (item === undefined) return { kind: 'exhausted' };
      if (item === 'T') return { kind: 'silence' };
      if (item === 'H') return { kind: 'hangup' };
      return { kind: 'keys', keys: item };
    },
    async dial() {
      const status = outcomes[Math.min(d++, outcomes.length - 1)];
      return status ? { kind: 'outcome', status } : { kind: 'exhausted' };
    },
  };
}

/** What the person types at a transfer, and the outcome it stands for (a Map: "constructor" is no choice). */
const DIAL_CHOICES = new Map<string, DialStatus>([
  ['', 'completed'],
  ['a', 'completed'],
  ['answered', 'completed'],
  ['completed', 'completed'],
  ['b', 'busy'],
  ['busy', 'busy'],
  ['n', 'no-answer'],
  ['no-answer', 'no-answer'],
  ['f', 'failed'],
  ['failed', 'failed'],
]);

function describeGather(p: GatherPrompt): string {
  const count = p.numDigits === 1 ? '1 key' : p.numDigits ? `up to ${p.numDigits} keys` : 'keys';
  return `${count} (0-9 * #), Enter alone = silence, q = hang up; the line waits ${p.timeout} s`;
}

/** Asks the person at the terminal: keys at each menu, the outcome of each transfer. */
export function interactiveInput(input: NodeJS.ReadableStream, prompts: NodeJS.WritableStream): CallerInput {
  const terminal = Boolean((input as { isTTY?: boolean }).isTTY);
  const rl = createInterface({ input, output: prompts, terminal });
  rl.on('SIGINT', () => rl.close()); // Ctrl-C: the caller hangs up
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (question: string): Promise<string | undefined> => {
    rl.setPrompt(question);
    rl.prompt();
    const r = await lines.next();
    const answer = r.done ? undefined : String(r.value).trim();
    if (!terminal) prompts.write(`${answer ?? '(end of input)'}\n`); // piped input is not echoed
    return answer;
  };
  return {
    async keys(p) {
      for (;;) {
        const line = await ask(`  [${describeGather(p)}] > `);
        if (line === undefined || line === 'q' || line === 'Q') return { kind: 'hangup' };
        if (line === '' || line === 'T' || line === 't') return { kind: 'silence' };
        const keys = line.replace(/\s+/g, '');
        if (isKeys(keys)) return { kind: 'keys', keys };
        prompts.write('  keys are 0-9, * and #\n');
      }
    },
    async dial(p) {
      const choices = 'Enter or a = answered, b = busy, n = no answer, f = failed, q = hang up';
      for (;;) {
        const line = await ask(`  [transfer to ${p.number}: ${choices}] > `);
        if (line === undefined || line === 'q' || line === 'Q') return { kind: 'hangup' };
        const status = DIAL_CHOICES.get(line.toLowerCase());
        if (status) return { kind: 'outcome', status };
        prompts.write('  choose a, b, n, f or q\n');
      }
    },
    close() {
      rl.close();
    },
  };
}
