/**
 * A problem in the operator's data: a stable code (like Fastify's FST_ERR_*), the file, the
 * place in it, and a message that says what to fix. Tools and tests read the code; people read
 * the message. The table of codes is in docs/configuration.md (a test keeps the two in step).
 */

/** Every code, with what it means (the docs' table). HL_ERR_* stop the start; HL_WARN_* are logged. */
export const PROBLEM_CODES = {
  // Reading the files
  HL_ERR_FILE_UNREADABLE: 'a data file cannot be read (missing, no permission)',
  HL_ERR_FILE_EMPTY: 'a data file is empty',
  HL_ERR_YAML_SYNTAX: 'a YAML syntax error (e.g. a missing quote or bracket)',
  HL_ERR_YAML_DUPLICATE_KEY: 'the same key written twice in one place',
  HL_ERR_SCHEMA: 'a field of the wrong type or value, or a field missing',
  HL_ERR_UNKNOWN_FIELD: 'a field the line does not know (a typo?)',
  // The directory
  HL_ERR_DIAL: 'a number that is not E.164, a short number or a SIP URI',
  HL_ERR_NAME_MISSING: "a service's name missing in a language the line speaks",
  HL_ERR_NAME_LANGUAGE: "a service's name in a language the line does not speak",
  HL_ERR_HOURS_SYNTAX: 'opening hours the opening_hours library cannot read',
  HL_ERR_TIME: 'a date or time that does not exist in Brussels (including the hour skipped in spring)',
  HL_ERR_SPAN_ORDER: 'a closure or opening that ends before it starts',
  HL_ERR_SPAN_OVERLAP: 'two closures or openings of one service that overlap',
  HL_ERR_VERIFIED_DATE: 'a `verified` date that does not exist or is in the future',
  HL_ERR_WHISPER_SAY: 'a `whisper` on a service whose number is said (connect: say), never dialled',
  HL_ERR_STAFF_LANGUAGE: 'a `staff_language` that is not a language of the line',
  HL_ERR_HOLIDAY: 'an extra holiday that is not "MM-DD" or "YYYY-MM-DD", or is not a real date',
  HL_ERR_HOLIDAYS_COUNTRY: 'a `holidays_country` whose public holidays the opening_hours library does not know',
  HL_ERR_TIME_ZONE: 'the process does not run in Europe/Brussels time (see src/time/zone.ts)',
  // The menus
  HL_ERR_UNKNOWN_SERVICE: 'a service id the directory does not have',
  HL_ERR_UNKNOWN_MENU: 'a menu id the menus do not have',
  HL_ERR_UNKNOWN_GROUP: 'a group id the menus do not have',
  HL_ERR_UNKNOWN_LANGUAGE: 'a language the language menu does not have',
  HL_ERR_KEY: 'a key that is not one of 0-9, * or #',
  HL_ERR_KEY_RESERVED: 'a key reserved for repeat, back or language used for something else',
  HL_ERR_KEY_TWICE: 'one key given to two languages, or the three common keys not all different',
  HL_ERR_GROUP: 'a group named like a service, or whose per-language order names other services',
  HL_ERR_MAIN_MENU: 'no menu called "main", or a menu named like one of the line\'s own',
  HL_ERR_GREETING: 'a language named twice in the greeting',
  HL_ERR_VOICE: 'a voice that speaks another language than its code',
  HL_ERR_SAFETY_NET_SAY: 'a service in the safety net whose number is said, not dialled',
  HL_ERR_SAFETY_NET_NO_24_7: 'a safety net with no service open 24/7',
  HL_ERR_OFFER_KEY: 'an offer key that is not a main-menu key, or leads elsewhere than there',
  // The prompts
  HL_ERR_PROMPTS_FILE_MISSING: 'no prompts/<lang>.yaml for a language of the menus',
  HL_ERR_PROMPT_MISSING: 'a prompt used by the line or the data missing in a language',
  HL_ERR_PROMPT_PLACEHOLDERS: 'placeholders that differ between languages, or that nothing fills',
  HL_ERR_PROMPT_UNUSED: 'a prompt nothing uses (a typo?)',
  HL_ERR_AUDIO: 'a recording that is empty, or not a WAV or MP3 Twilio plays',
  // Warnings
  HL_WARN_SHORT_NUMBER: 'a short number Twilio may not reach',
  HL_WARN_NEVER_OPEN: 'a service never open from now on',
  HL_WARN_HOURS: "the opening_hours library's own warning about a service's hours",
  HL_WARN_HOURS_COMMENT: 'a comment in the hours that is not a reason prompt key',
  HL_WARN_PAST_SPAN: 'a closure or opening that has ended',
  HL_WARN_TIME_TWICE: 'a time that happens twice in Brussels (autumn): the first, in summer time, is used',
  HL_WARN_VERIFIED_NOTE: 'a `verified_note` without a `verified` date',
  HL_WARN_SAFETY_NET_CLOSURE: 'a safety-net service with a closure to come',
  HL_WARN_NOBODY_TO_REACH: 'days within the next year when no safety-net service is open',
  HL_WARN_UNKNOWN_VOICE: 'a voice the line does not know',
  HL_WARN_NO_SAY: 'a menu option with no "say"',
  HL_WARN_UNREACHABLE_MENU: 'a menu no key leads to',
  HL_WARN_AUDIO_UNUSED: 'a recording no prompt can use',
  HL_WARN_AUDIO_STALE: "a recording whose prompt's text changed since it was recorded",
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export interface Problem {
  code: ProblemCode;
  /** The data file, as given to the loader. */
  file: string;
  /** The place in it, e.g. services.surya.hours, menus.main.options.2 ('' for the whole file). */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** What the checks found: errors stop the start, warnings are logged. */
export interface Problems {
  errors: Problem[];
  warnings: Problem[];
}

/** A new, empty collection. */
export function noProblems(): Problems {
  return { errors: [], warnings: [] };
}

/** One line for people: "config/directory.yaml: services.surya.hours: ...". */
export function formatProblem(p: Problem): string {
  return p.path ? `${p.file}: ${p.path}: ${p.message}` : `${p.file}: ${p.message}`;
}

/** Adds problems in one file: `at(file)` returns error() and warn() that fill in the file. */
export function reporter(problems: Problems, file: string) {
  return {
    error(code: ProblemCode, path: string, message: string): void {
      problems.errors.push({ code, file, path, message });
    },
    warn(code: ProblemCode, path: string, message: string): void {
      problems.warnings.push({ code, file, path, message });
    },
  };
}
