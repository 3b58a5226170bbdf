/**
 * The languages of the line (menus.yaml `languages`): each is a prompts file plus its key, its
 * Twilio voice and that voice's language code. A voice that speaks another language than its
 * code says would read every prompt with the wrong accent: it stops the start.
 */
import { KEY } from './constants.js';
import { reporter, type Problems } from './problems.js';
import type { MenusData } from './schema.js';
import type { LanguageEntry, Lang } from './types.js';

/** Amazon Polly voices Twilio offers, by the language they speak (twilio-node's voice list). */
const POLLY: Record<string, string[]> = {
  'fr-BE': ['Isabelle'],
  'fr-FR': ['Celine', 'Lea', 'Mathieu', 'Remi'],
  'fr-CA': ['Chantal', 'Gabrielle', 'Liam'],
  'nl-BE': ['Lisa'],
  'nl-NL': ['Laura', 'Lotte', 'Ruben'],
  'en-GB': ['Amy', 'Brian', 'Emma', 'Arthur'],
  'en-US': [
    'Joanna',
    'Matthew',
    'Ivy',
    'Kendra',
    'Kimberly',
    'Salli',
    'Joey',
    'Justin',
    'Kevin',
    'Ruth',
    'Stephen',
    'Danielle',
    'Gregory',
  ],
  'en-IE': ['Niamh'],
  'en-IN': ['Aditi', 'Raveena', 'Kajal'],
  'en-AU': ['Nicole', 'Russell', 'Olivia'],
  'de-DE': ['Vicki', 'Daniel', 'Marlene', 'Hans'],
  'ro-RO': ['Carmen'],
  'es-ES': ['Lucia', 'Conchita', 'Enrique', 'Sergio'],
  'pt-BR': ['Camila', 'Vitoria', 'Ricardo', 'Thiago'],
  'pt-PT': ['Ines', 'Cristiano'],
  'it-IT': ['Bianca', 'Carla', 'Giorgio', 'Adriano'],
  'pl-PL': ['Ola', 'Ewa', 'Maja', 'Jacek', 'Jan'],
  arb: ['Zeina'],
  'ar-AE': ['Hala', 'Zayd'],
  'tr-TR': ['Filiz', 'Burcu'],
  'ru-RU': ['Tatyana', 'Maxim'],
};

/** The language code a voice speaks, when the voice's name tells it; undefined: unknown voice. */
export function voiceLanguage(voice: string): string | undefined {
  const google = /^Google\.([a-z]{2,3}-[A-Z]{2})-/.exec(voice);
  if (google) return google[1];
  const polly = /^Polly\.([A-Za-z]+?)(?:-Neural|-Generative)?$/.exec(voice);
  if (!polly) return undefined;
  return Object.keys(POLLY).find((code) => POLLY[code]!.includes(polly[1]!));
}

/** The languages in order, checked; problems noted with the file and place. */
export function readLanguages(
  data: MenusData,
  file: string,
  reserved: Map<string, string>,
  problems: Problems,
): LanguageEntry[] {
  const entries = Object.entries(data.languages).map(([id, l]) => ({ id, key: l.key, voice: l.voice, code: l.code }));
  const report = reporter(problems, file);
  const byKey = new Map<string, Lang>();
  for (const l of entries) {
    const at = `languages.${l.id}`;
    if (!KEY.test(l.key)) report.error('HL_ERR_KEY', `${at}.key`, 'a key is one of 0-9, * or #');
    else if (reserved.has(l.key))
      report.error(
        'HL_ERR_KEY_RESERVED',
        `${at}.key`,
        `key ${l.key} is reserved for ${reserved.get(l.key)} in every menu: choose another`,
      );
    else if (byKey.has(l.key))
      report.error(
        'HL_ERR_KEY_TWICE',
        `${at}.key`,
        `key ${l.key} is already the key of ${byKey.get(l.key)}: choose another`,
      );
    byKey.set(l.key, l.id);
    const speaks = voiceLanguage(l.voice);
    if (speaks === undefined) {
      report.warn(
        'HL_WARN_UNKNOWN_VOICE',
        `${at}.voice`,
        `"${l.voice}" is not a voice the line knows; check that it speaks ${l.code}`,
      );
    } else if (speaks !== l.code) {
      report.error(
        'HL_ERR_VOICE',
        `${at}.voice`,
        `${l.voice} speaks ${speaks}, not ${l.code} (code): choose a ${l.code} voice or correct the code`,
      );
    }
  }
  const ids = entries.map((l) => l.id);
  if (ids.length === 0) report.error('HL_ERR_UNKNOWN_LANGUAGE', 'languages', 'needs at least one language');
  data.greeting.forEach((id, i) => {
    if (!ids.includes(id))
      report.error(
        'HL_ERR_UNKNOWN_LANGUAGE',
        `greeting[${i}]`,
        `"${id}" is not one of the languages (${ids.join(', ')})`,
      );
  });
  if (new Set(data.greeting).size !== data.greeting.length)
    report.error('HL_ERR_GREETING', 'greeting', 'a language is named twice: name each once');
  if (!ids.includes(data.default_language)) {
    report.error(
      'HL_ERR_UNKNOWN_LANGUAGE',
      'default_language',
      `"${data.default_language}" is not one of the languages (${ids.join(', ')})`,
    );
  }
  return entries;
}
