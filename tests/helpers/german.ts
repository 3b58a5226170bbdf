/** A fourth language added to a copy of the data, from data alone (issue 11): German, de-DE,
 * Polly.Vicki-Neural, with the prompts of tests/fixtures/de.yaml. */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { changeCopy, type DataCopy } from './fixtures.js';

export const GERMAN = { id: 'de', key: '4', voice: 'Polly.Vicki-Neural', code: 'de-DE' } as const;

/** The directory's services' names in German, written for the ear. */
const NAMES: Record<string, string> = {
  police: 'die Polizei',
  'pag-asa': 'Pag-Asa',
  payoke: 'Payoke',
  surya: 'Sürya',
  'violence-line': 'die Linie 17 12',
  'care-brussels': 'das Zentrum nach sexueller Gewalt in Brüssel',
  'care-ghent': 'das Zentrum nach sexueller Gewalt in Gent',
  'care-liege': 'das Zentrum nach sexueller Gewalt in Lüttich',
};

/** German in the language menu (and, if `greeting`, in the greeting), its prompts file, and a
 * German name for every service. */
export function addGerman(data: DataCopy, opts: { greeting: boolean }): void {
  copyFileSync(fileURLToPath(new URL('../fixtures/de.yaml', import.meta.url)), join(data.prompts, 'de.yaml'));
  const { id, key, voice, code } = GERMAN;
  changeCopy(data, 'menus', (m) => {
    m.languages[id] = { key, voice, code };
    if (opts.greeting) m.greeting = [...m.greeting, id];
  });
  // Every prompts file names the caller's language in the whisper (src/engine/whisper.ts).
  const whisper = { fr: 'Appel en allemand', nl: 'Oproep in het Duits', en: 'Call in German' } as const;
  for (const [lang, words] of Object.entries(whisper) as [keyof typeof whisper, string][])
    changeCopy(data, lang, (p) => {
      p.prompts[`whisper-lang-${id}`] = words;
    });
  changeCopy(data, 'directory', (d) => {
    for (const [service, s] of Object.entries(d.services)) {
      const name = NAMES[service];
      if (!name) throw new Error(`no German name for ${service}`);
      s.name[id] = name;
    }
  });
}
