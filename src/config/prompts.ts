/**
 * The prompts: one file per language (prompts/<lang>.yaml), its recorded audio files, and the
 * checks that every prompt the line or the data uses exists in every language with only the
 * placeholders it is given.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REASON_PREFIX } from '../time/hours.js';
import { placeholders } from '../call/placeholders.js';
import { audioFormatProblem } from './audio-check.js';
import type { Problem, Problems } from './problems.js';
import { parseData, readYaml } from './read.js';
import { promptFileSchema, type PronounceData } from './schema.js';
import type { Lang, LanguageEntry, PromptCatalog, Pronunciation } from './types.js';

/** The prompts the engine itself says, with the placeholders it fills in for each. */
const SYSTEM_PROMPTS: Record<string, readonly string[]> = {
  greeting: [],
  'choose-language': ['key'],
  'putting-through': [],
  'no-input': [],
  'invalid-key': [],
  'key-star': [],
  'key-hash': [],
  transfer: ['name'],
  'caller-id-notice': [],
  'police-number': ['number'],
  'police-stay': [],
  'dial-busy': ['name'],
  'dial-no-answer': ['name'],
  'dial-failed': ['name'],
  // The person who answered did not take the call (whisper: confirm), or it was never bridged.
  'dial-declined': ['name'],
  // For a caller who chose no language, after a failed transfer, before the next one.
  'dial-trying-another': [],
  closed: ['name'],
  // Why it is closed, said after "closed" (one per kind of closure; see src/time/hours.ts).
  'closed-after-hours': [],
  'closed-weekend': [],
  'closed-holiday': [],
  'closed-temporary': [],
  reopens: ['day', 'time'],
  'reopens-day': ['day'],
  date: ['day', 'month'],
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => [`month-${m}`, []])),
  'closed-until-further-notice': [],
  // A clock time: each language picks the forms its speakers say (src/engine/phrasebook.ts, clockVars).
  'time-hour': ['hour', 'hour12', 'period'],
  'time-hour-minute': ['hour', 'hour12', 'minute', 'minute2', 'period'],
  'time-am': [],
  'time-pm': [],
  today: [],
  tomorrow: [],
  ...Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((d) => [`day-${d}`, []])),
  'alternatives-intro': [],
  'opt-service': ['name', 'key'],
  'none-open': [],
  emergency: [],
  callback: ['name', 'number'],
  // When the name holds the number ("the 17 12 helpline"): the number is not said twice.
  'callback-named': ['name'],
  'callback-always': [],
  'callback-until': ['time'],
  'callback-reopens': ['day', 'time'],
  'callback-reopens-day': ['day'],
  // A service's usual hours in words, for {hours:ID} (src/engine/hours-words.ts).
  'hours-always': [],
  'hours-never': [],
  'hours-every-day': [],
  'hours-working-days': [],
  'hours-day': ['day'],
  'hours-days': ['first', 'last'],
  'hours-span': ['from', 'to'],
  'hours-group': ['days', 'times'],
  'hours-and': ['first', 'second'],
  'hours-except-holidays': ['hours'],
  ...Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((d) => [`weekday-${d}`, []])),
  'after-call-thanks': [],
  'after-call': ['key'],
  // For a caller who chose no language, the back key leads to the language choice.
  'after-call-languages': ['key'],
  'after-call-not-reached': ['key'],
  goodbye: [],
  error: [],
  // Heard by a service, not a caller: the test call of `npm run preflight -- --call SERVICE`.
  'test-call': [],
  'test-call-whisper': [],
  // Heard by the person who answers a transfer, in the service's staff_language (src/engine/whisper.ts).
  'helpline-name': [],
  whisper: ['helpline', 'language', 'why'],
  'whisper-confirm': [],
  'whisper-lang-none': [],
  'whisper-why-now': [],
  'whisper-why-retry': [],
  'whisper-why-service': [],
};

/** The whisper's words for the caller's language, and for what brought a caller to a group. */
export const whisperLanguageKey = (lang: Lang) => `whisper-lang-${lang}`;
export const whisperGroupKey = (group: string) => `whisper-group-${group}`;

/** The whisper prompts the data calls for: one per language of the line, one per group. */
export function whisperPromptUses(languages: Lang[], groups: string[], menusFile: string): PromptUse[] {
  return [
    ...languages.map((l) => ({ key: whisperLanguageKey(l), vars: [], place: `${menusFile}: languages.${l}` })),
    ...groups.map((g) => ({ key: whisperGroupKey(g), vars: [], place: `${menusFile}: groups.${g}` })),
  ];
}

/** Prompts whose placeholders may differ between languages: a clock time is said on the
 * 24-hour clock in French and Dutch ("17 heures") and on the 12-hour clock in English ("5 pm"). */
const OWN_FORMS: ReadonlySet<string> = new Set(['time-hour', 'time-hour-minute']);

/** A language's own word for one hour on the hour (time-hour-0 to time-hour-23: "minuit",
 * "1 heure", "midi", "midday"), said instead of time-hour; optional, and only where the
 * language needs it, so other languages need not have it. */
export const hourKey = (hour: number) => `time-hour-${hour}`;
const HOUR_KEYS: ReadonlySet<string> = new Set(Array.from({ length: 24 }, (_, h) => hourKey(h)));

/** A language's own way to say a day of the month in a date (date-day-1 to date-day-31: "1er"
 * for "le 1er janvier"), said as {day} instead of the number; optional, like time-hour-N. */
export const dayOfMonthKey = (day: number) => `date-day-${day}`;
const DAY_OF_MONTH_KEYS: ReadonlySet<string> = new Set(Array.from({ length: 31 }, (_, d) => dayOfMonthKey(d + 1)));

/** Prompts only the languages that need them have. */
const ownWord = (key: string) => HOUR_KEYS.has(key) || DAY_OF_MONTH_KEYS.has(key);

/** Placeholders available to prompts named by the data. */
export const OPTION_VARS = ['key'];
export const MENU_VARS = ['repeat', 'back', 'language'];
export const SERVICE_VARS = ['name'];
/** Placeholders of a temporary closure's reason (a prompt key starting with "reason-"): none,
 * so a recorded file can replace it. */
export const REASON_VARS: string[] = [];

/** A prompt key used somewhere, the placeholders filled there, and where (for messages). */
export interface PromptUse {
  key: string;
  vars: readonly string[];
  place: string;
}

/** Every language's prompts, read from one folder. */
export interface PromptSet {
  dir: string;
  languages: Lang[];
  catalogs: Record<Lang, PromptCatalog>;
}

/** The prompts of each language; a language whose file is missing or wrong has no catalog. */
export function readPrompts(dir: string, languages: LanguageEntry[], problems: Problems): PromptSet {
  const catalogs: Record<Lang, PromptCatalog> = {};
  for (const { id: lang, voice, code } of languages) {
    const file = join(dir, `${lang}.yaml`);
    if (!existsSync(file)) {
      problems.errors.push({
        code: 'HL_ERR_PROMPTS_FILE_MISSING',
        file,
        path: '',
        message: `missing: the menus' languages include "${lang}"; write its prompts (copy en.yaml and translate it)`,
      });
      continue;
    }
    const data = parseData(promptFileSchema, readYaml(file, problems), file, problems);
    if (data)
      catalogs[lang] = {
        lang,
        voice,
        language: code,
        prompts: data.prompts,
        pronounce: pronunciations(data.pronounce),
        audio: findAudio(dir, lang, data.prompts, problems),
      };
  }
  return { dir, languages: languages.map((l) => l.id), catalogs };
}

/** The pronounce table without its espeak notes (those are for scripts/pronounce.mjs). */
function pronunciations(data: Record<string, PronounceData>): Record<string, Pronunciation> {
  const out: Record<string, Pronunciation> = {};
  for (const [name, p] of Object.entries(data))
    out[name] = p.say !== undefined ? { say: p.say } : p.ipa !== undefined ? { ipa: p.ipa } : { lang: p.lang! };
  return out;
}

/** The prompts the line itself says. */
export function systemPromptUses(): PromptUse[] {
  return Object.entries(SYSTEM_PROMPTS).map(([key, vars]) => ({ key, vars, place: 'the line itself' }));
}

/** Same keys and placeholders in every language; every use has its prompt; no prompt unused. */
export function checkPrompts(set: PromptSet, uses: PromptUse[], errors: Problem[]): void {
  const allKeys = new Set(set.languages.flatMap((l) => Object.keys(set.catalogs[l]?.prompts ?? {})));
  checkLanguagesAgree(set, allKeys, errors);
  const own = [...allKeys].flatMap((key) =>
    HOUR_KEYS.has(key)
      ? [{ key, vars: SYSTEM_PROMPTS['time-hour']!, place: 'the line itself (a time on the hour)' }]
      : DAY_OF_MONTH_KEYS.has(key)
        ? [{ key, vars: [], place: 'the line itself (a day of the month, in a date)' }]
        : [],
  );
  for (const use of [...uses, ...own]) checkUse(set, allKeys, use, errors);
  const used = new Set([...uses, ...own].map((u) => u.key));
  for (const key of allKeys) {
    // Reasons of temporary closures are kept for the next closure even when none uses them now.
    if (!used.has(key) && !key.startsWith(REASON_PREFIX))
      errors.push({
        code: 'HL_ERR_PROMPT_UNUSED',
        file: set.dir,
        path: `prompts.${key}`,
        message: 'not used by any menu, service or the line (a typo?): correct its name where it is used, or remove it',
      });
  }
}

const fileOf = (set: PromptSet, lang: Lang) => join(set.dir, `${lang}.yaml`);

function checkLanguagesAgree(set: PromptSet, allKeys: Set<string>, errors: Problem[]): void {
  const file = (l: Lang) => fileOf(set, l);
  for (const key of [...allKeys].sort()) {
    if (ownWord(key)) continue; // a language's own word for an hour or a day: only where it needs one
    const present = set.languages.filter((l) => set.catalogs[l]?.prompts[key] !== undefined);
    for (const l of set.languages) {
      if (!present.includes(l))
        errors.push({
          code: 'HL_ERR_PROMPT_MISSING',
          file: file(l),
          path: `prompts.${key}`,
          message: `missing (it is in ${present
            .map(file)
            .map((f) => basename(f))
            .join(', ')}): add it in this language`,
        });
    }
    if (OWN_FORMS.has(key)) continue;
    const shapes = new Map(present.map((l) => [l, placeholders(set.catalogs[l]!.prompts[key]!).join(',')]));
    if (new Set(shapes.values()).size > 1) {
      errors.push({
        code: 'HL_ERR_PROMPT_PLACEHOLDERS',
        file: set.dir,
        path: `prompts.${key}`,
        message: `placeholders differ between languages (${[...shapes].map(([l, s]) => `${l}: ${s ? `{${s.split(',').join('} {')}}` : 'none'}`).join('; ')}): use the same in every language`,
      });
    }
  }
}

function checkUse(set: PromptSet, allKeys: Set<string>, use: PromptUse, errors: Problem[]): void {
  for (const l of set.languages) {
    const text = set.catalogs[l]?.prompts[use.key];
    if (text === undefined) {
      if (allKeys.has(use.key)) continue; // already reported as missing in one language
      errors.push({
        code: 'HL_ERR_PROMPT_MISSING',
        file: fileOf(set, l),
        path: `prompts.${use.key}`,
        message: `missing (used by ${use.place}): add it, or correct the name there`,
      });
      continue;
    }
    const unknown = placeholders(text).filter((p) => !use.vars.includes(p));
    if (unknown.length > 0) {
      const fills = use.vars.length ? use.vars.map((v) => `{${v}}`).join(' ') : 'none';
      errors.push({
        code: 'HL_ERR_PROMPT_PLACEHOLDERS',
        file: fileOf(set, l),
        path: `prompts.${use.key}`,
        message: `unknown placeholder ${unknown.map((p) => `{${p}}`).join(' ')} (used by ${use.place}, which fills ${fills}): remove it`,
      });
    }
  }
}

/**
 * Recorded files (prompts/audio/<lang>/<key>.wav or .mp3; a .wav wins) for prompts without
 * placeholders. A file that is empty or not a WAV or MP3 Twilio plays stops the start. Beside
 * each file, <key>.txt keeps the prompt's text as recorded: when the prompt has changed since,
 * the recording says something else, and a warning asks for a new one.
 */
function findAudio(
  promptsDir: string,
  lang: Lang,
  prompts: Record<string, string>,
  problems: Problems,
): Map<string, string> {
  const audio = new Map<string, string>();
  const dir = join(promptsDir, 'audio', lang);
  if (!existsSync(dir)) return audio;
  const problem = (code: Problem['code'], f: string, message: string): Problem => ({
    code,
    file: join(dir, f),
    path: '',
    message,
  });
  for (const f of readdirSync(dir).sort()) {
    if (!/\.(wav|mp3)$/.test(f)) continue;
    const key = f.replace(/\.(wav|mp3)$/, '');
    const format = audioFormatProblem(readFileSync(join(dir, f)), f.endsWith('.wav') ? 'wav' : 'mp3');
    if (format) {
      problems.errors.push(problem('HL_ERR_AUDIO', f, format));
      continue;
    }
    const textOf = prompts[key];
    if (textOf === undefined)
      problems.warnings.push(
        problem('HL_WARN_AUDIO_UNUSED', f, `no prompt "${key}" in ${lang}.yaml: the file is not used`),
      );
    else if (placeholders(textOf).length > 0)
      problems.warnings.push(
        problem(
          'HL_WARN_AUDIO_UNUSED',
          f,
          `prompt "${key}" has placeholders, so it is always spoken: the file is not used`,
        ),
      );
    else {
      if (!audio.has(key) || f.endsWith('.wav')) audio.set(key, join(dir, f));
      const recorded = readRecordedText(join(dir, `${key}.txt`));
      if (recorded === undefined)
        problems.warnings.push(
          problem(
            'HL_WARN_AUDIO_STALE',
            f,
            `no ${key}.txt beside it: write the text as recorded there, so a change of the prompt is noticed`,
          ),
        );
      else if (recorded !== textOf.trim())
        problems.warnings.push(
          problem(
            'HL_WARN_AUDIO_STALE',
            f,
            `prompt "${key}" in ${lang}.yaml has changed since it was recorded (${key}.txt): record it again and update ${key}.txt, or callers hear the old words`,
          ),
        );
    }
  }
  return audio;
}

function readRecordedText(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}
