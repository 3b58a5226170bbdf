/**
 * The shape of the operator's files (zod): types, ranges and defaults. What needs more than one
 * field (unknown services, keys, hours, prompts) is checked by directory.ts, menus.ts and prompts.ts.
 */
import * as z from 'zod';
import { E164, KEY } from './constants.js';
import { LOCAL_TIME } from '../time/hours.js';

const ID = /^[a-z0-9][a-z0-9-]*$/;
const TWO_LETTERS = /^[a-z]{2}$/;

const text = z.string().trim().min(1, 'must not be empty');
const idKey = z.string().regex(ID, 'use lower-case letters, digits and dashes');
const country = z.string().regex(TWO_LETTERS, 'a two-letter country code, e.g. be');
const ringSeconds = z.number().int().min(5).max(600);

// --- directory.yaml -------------------------------------------------------------------------

/** "2026-12-24" or "2026-12-24 13:00", Belgian time. */
const localTime = z
  .string({
    error: 'a date such as "2026-12-24" or a date and time such as "2026-12-24 13:00" (quoted), in Belgian time',
  })
  .regex(LOCAL_TIME, 'a date such as "2026-12-24" or a date and time such as "2026-12-24 13:00", in Belgian time');
const reasonKey = z
  .string()
  .regex(
    /^reason-[a-z0-9-]+$/,
    'a prompt key starting with "reason-" (e.g. reason-training), defined in every prompts file',
  );

const closureSchema = z.strictObject({ from: localTime, to: localTime, reason: reasonKey.optional() });
const openingSchema = z.strictObject({ from: localTime, to: localTime });

const serviceSchema = z.strictObject({
  name: z.record(z.string(), text),
  dial: z.union([z.string(), z.number()]).transform(String),
  hours: text,
  closures: z.array(closureSchema).default([]),
  openings: z.array(openingSchema).default([]),
  caller_id: z.enum(['hotline', 'caller']).default('hotline'),
  dial_timeout: ringSeconds.optional(),
  intro: text.optional(),
  on_failure: text.optional(),
  source: z.string().optional(),
  check: z.string().optional(),
  connect: z.enum(['transfer', 'say']).default('transfer'),
  hours_source: z.enum(['document', 'secondary']).default('document'),
  // The date itself is checked by the loader (src/time/verification.ts), which quotes it back.
  verified: z.string({ error: 'a date such as "2026-11-30" (quoted)' }).optional(),
  verified_note: z.string().optional(),
  // Days this service alone closes, besides public holidays: "MM-DD" or "YYYY-MM-DD" (src/time/holidays.ts).
  holidays: z.array(z.string({ error: 'a day such as "07-11" or "2027-07-11" (quoted)' })).default([]),
  // The language the service's staff hear the whisper in (a language of the line), and how
  // the person who answers is told of the call (src/engine/whisper.ts). Checked by directory.ts.
  staff_language: z.string().optional(),
  whisper: z.enum(['none', 'announce', 'confirm']).optional(),
});

const settingsSchema = z
  .strictObject({
    holidays_country: country.default('be'),
    dial_timeout: ringSeconds.default(25),
    ring_tone: country.default('be'),
    hotline_number: z
      .string()
      .optional()
      .refine((v) => !v || E164.test(v), 'must be an E.164 number such as +3225551234, or empty'),
    verify_max_age_days: z.number().int().min(1).max(3660).default(365),
    // Extra holidays of every service whose hours say "PH off": "MM-DD" or "YYYY-MM-DD".
    holidays: z.array(z.string({ error: 'a day such as "07-11" or "2027-07-11" (quoted)' })).default([]),
    whisper_timeout: z.number().int().min(3).max(30).default(8),
  })
  .default({
    holidays_country: 'be',
    dial_timeout: 25,
    ring_tone: 'be',
    verify_max_age_days: 365,
    holidays: [],
    whisper_timeout: 8,
  });

export const directorySchema = z.strictObject({
  settings: settingsSchema,
  services: z.record(idKey, serviceSchema).refine((s) => Object.keys(s).length > 0, 'needs at least one service'),
});

// --- menus.yaml -----------------------------------------------------------------------------

const keySchema = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(KEY, 'a key is one of 0-9, * or #'));

const optionSchema = z
  .strictObject({
    say: text.optional(),
    menu: idKey.optional(),
    transfer: idKey.optional(),
    first_open: idKey.optional(),
    repeat: z.literal(true).optional(),
  })
  .refine(
    (o) => [o.menu, o.transfer, o.first_open, o.repeat].filter((a) => a !== undefined).length === 1,
    'give exactly one action: menu, transfer, first_open (a group) or repeat',
  );

/** A language: its key in the language menu, its Twilio voice and that voice's language code. */
const languageSchema = z.strictObject({
  key: keySchema,
  voice: text,
  code: z.string().regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'a language code such as fr-BE'),
});

/** A group's services in order, and the order for a language where it differs. */
const groupSchema = z
  .record(z.string(), z.array(idKey).min(1))
  .refine((g) => Object.hasOwn(g, 'order'), 'needs an "order": the services in the order they are tried');

const menuSchema = z.strictObject({
  say: z.array(text).default([]),
  footer: z.array(text).default([]),
  options: z.record(z.string(), optionSchema),
});

export const menusSchema = z.strictObject({
  languages: z.record(
    z.string().regex(TWO_LETTERS, 'a two-letter language code, the name of its prompts file'),
    languageSchema,
  ),
  greeting: z.array(z.string()).min(1),
  default_language: z.string(),
  keys: z.strictObject({ repeat: keySchema, back: keySchema, language: keySchema }),
  max_tries: z.number().int().min(1).max(10).default(3),
  gather_timeout: z.number().int().min(1).max(60).default(6),
  groups: z.record(idKey, groupSchema).default({}),
  safety_net: z.array(idKey).min(1),
  offers: z.record(z.string(), idKey),
  callback: z.array(idKey).min(1),
  menus: z.record(idKey, menuSchema),
});

// --- prompts/<lang>.yaml --------------------------------------------------------------------

/** How a voice says a name written in the prompts or the directory: one of an alias it reads
 * instead (`say`), IPA phonemes (`ipa`), or another language's reading (`lang`); `espeak`: what
 * espeak-ng made of it, kept for scripts/pronounce.mjs. */
export const pronounceSchema = z
  .strictObject({
    say: text.optional(),
    ipa: text.optional(),
    lang: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'a language code such as en-GB')
      .optional(),
    espeak: text.optional(),
  })
  .refine(
    (p) => [p.say, p.ipa, p.lang].filter((v) => v !== undefined).length === 1,
    'give exactly one of say (an alias), ipa (phonemes) or lang (a language code), e.g. { say: "Pag-Assa" }',
  );

export const promptFileSchema = z.strictObject({
  prompts: z.record(z.string(), text),
  pronounce: z.record(text, pronounceSchema).default({}),
});

export type DirectoryData = z.infer<typeof directorySchema>;
export type ServiceData = z.infer<typeof serviceSchema>;
export type MenusData = z.infer<typeof menusSchema>;
export type OptionData = z.infer<typeof optionSchema>;
export type LanguageData = z.infer<typeof languageSchema>;
export type PronounceData = z.infer<typeof pronounceSchema>;
