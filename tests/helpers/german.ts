/** A fourth language added to a copy of the data, from data alone (issue 11): German, de-DE,
 * Polly.Vicki-Neural, with the prompts of tests/fixtures/de.yaml. */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataCopy } from './fixtures.js';

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
  data.edit('menus', (t) =>
    t.replace(/(\n {2}en: \{[^\n]*\}\n)/, `$1  ${id}: { key: "${key}", voice: ${voice}, code: ${code} }\n`),
  );
  // Every prompts file names the caller's language in the whisper (src/engine/whisper.ts).
  const whisper: Record<string, string> = {
    fr: 'Appel en allemand',
    nl: 'Oproep in het Duits',
    en: 'Caller speaks German',
  };
  for (const [lang, words] of Object.entries(whisper))
    data.edit(lang as 'fr' | 'nl' | 'en', (t) =>
      t.replace(/(\n {2}whisper-lang-none: [^\n]*)/, `\n  whisper-lang-${id}: "${words}"$1`),
    );
  if (opts.greeting) data.edit('menus', (t) => t.replace(/\ngreeting: \[([^\]]*)\]/, `\ngreeting: [$1, ${id}]`));
  data.edit('directory', (t) =>
    t.replace(/(\n {2}([a-z-]+):\n {4}name: \{[^}]*)\}/g, (_, head: string, service: string) => {
      const name = NAMES[service];
      if (!name) throw new Error(`no German name for ${service}`);
      return `${head}, ${id}: "${name}" }`;
    }),
  );
}
