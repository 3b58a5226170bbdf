/**
 * Log privacy checks: no caller phone number in any format, no key press the menus do not
 * know. Used over every log line of the hostile-input run and of the spawned servers.
 */
import type { Config } from '../../src/config/types.js';

/** Callers' numbers the tests put in every parameter, in the formats people and carriers use. */
export const CALLER_NUMBERS = [
  '+32470123456',
  '+32 470 12 34 56',
  '+32 (0)470 12 34 56',
  '0032470123456',
  '0032 470 12 34 56',
  '0470123456',
  '0470 12 34 56',
  '0470/12.34.56',
  '0470-12-34-56',
  '+32497887766',
  '0497 88 77 66',
  '+3225550199',
  '02 555 01 99',
  '+33612345678',
  '+2348031234567',
];

/** The distinctive digits of each number above (national part without the trunk 0). */
const CORES = ['470123456', '497887766', '25550199', '612345678', '8031234567'];

/** A Belgian or international number written in any usual way. Hex ids (CallSids) and
 * timestamps do not match: a number must not be glued to letters or digits before it. */
const PHONE_PATTERNS: RegExp[] = [
  /\+\s*\d[\d\s./()-]{6,}\d/, // +32..., +33..., spaced or not
  /(?<![\w.])00\s*[1-9][\d\s./()-]{6,}\d/, // 0032...
  /(?<![\w.])0[1-9](?:[\s./-]*\d){7,8}(?![\d])/, // 04.., 02.. national format
];

export function phoneLeaks(lines: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const line of lines) {
    if (PHONE_PATTERNS.some((p) => p.test(line))) {
      leaks.push(line);
      continue;
    }
    // pino's responseTime is a float whose digits can hold a core by chance (0.2555019999...).
    const digits = line.replace(/"responseTime":[\d.e-]+/g, '').replace(/[\s./()-]/g, '');
    if (CORES.some((c) => digits.includes(c))) leaks.push(line);
  }
  return leaks;
}

/** Every key any menu of the configuration knows (options, language choice, offers,
 * repeat/back/language). */
export function knownKeys(config: Config): Set<string> {
  const keys = new Set<string>([config.flow.keys.repeat, config.flow.keys.back, config.flow.keys.language]);
  for (const l of config.flow.languages) keys.add(l.key);
  for (const o of config.flow.offers) keys.add(o.key);
  for (const m of Object.values(config.flow.menus)) for (const o of m.options) keys.add(o.key);
  return keys;
}

/** A caller's number in any format: its digits in international form, in national form (a
 * trunk 0 after a country code of one to three digits), or its last nine digits, with spaces,
 * dots, slashes, brackets or dashes between them, not glued to other digits (so a timestamp
 * that happens to contain them does not count). */
export function callerPattern(from: string): RegExp {
  const digits = from.replace(/\D/g, '').replace(/^00/, '');
  const forms = new Set([digits, ...[1, 2, 3].map((k) => `0${digits.slice(k)}`), digits.slice(-9)]);
  const between = '[\\s./()-]*';
  const alternatives = [...forms].filter((f) => f.length >= 8).map((f) => f.split('').join(between));
  return new RegExp(`(?<!\\d)(?:${alternatives.join('|')})(?!\\d)`);
}

/** Does `text` carry the caller's number, in any format? */
export function carriesCaller(text: string, from: string): boolean {
  return callerPattern(from).test(text);
}

const KEY_FIELDS = /^(key|keys|digits|Digits|input|pressed)$/;

/** Log lines that carry a key press the menus do not know (under any key-like field), or
 * Twilio's Digits parameter at all. */
export function digitsLeaks(lines: readonly string[], known: Set<string>): string[] {
  const leaks: string[] = [];
  for (const line of lines) {
    if (/"Digits"/.test(line)) {
      leaks.push(line);
      continue;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      continue; // not a pino line (stderr text): the phone check still applies
    }
    const walk = (v: unknown, depth: number): boolean => {
      if (depth > 6 || v === null || typeof v !== 'object') return false;
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (KEY_FIELDS.test(k) && !(typeof x === 'string' && known.has(x))) return true;
        if (walk(x, depth + 1)) return true;
      }
      return false;
    };
    if (walk(obj, 0)) leaks.push(line);
  }
  return leaks;
}
