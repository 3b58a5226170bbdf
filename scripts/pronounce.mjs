#!/usr/bin/env node
// The espeak-ng check of every name in the prompts' `pronounce` tables: for each, espeak-ng
// reads what the voice is given (the alias of `say`, or the name in the language of `lang`) in
// that language and its IPA must be the entry's `espeak`. A first opinion before a person
// listens on the Polly voice; `ipa` entries are listed to be listened to.
// Usage: node scripts/pronounce.mjs [PROMPTS_DIR] (default prompts/; HELPLINE_PROMPTS too).
// Exits 1 when a reading changed or an entry has no `espeak`, 2 when espeak-ng is missing.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const dir = resolve(process.argv[2] ?? process.env.HELPLINE_PROMPTS ?? 'prompts');
const menus = parse(readFileSync(resolve(process.env.HELPLINE_MENUS ?? 'config/menus.yaml'), 'utf8'));

/** espeak-ng's voice for a language code: fr-BE -> fr-be, else the bare language (nl-BE -> nl). */
function voices() {
  const r = spawnSync('espeak-ng', ['--voices'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return new Set(
    r.stdout
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/)[1])
      .filter(Boolean),
  );
}
const known = voices();
if (!known) {
  console.error('pronounce: espeak-ng is not installed (Debian: apt-get install espeak-ng)');
  process.exit(2);
}
const voiceFor = (code) => {
  const lower = code.toLowerCase();
  return known.has(lower) ? lower : lower.split('-')[0];
};

let bad = 0;
for (const file of readdirSync(dir)
  .filter((f) => /^[a-z]{2}\.yaml$/.test(f))
  .sort()) {
  const lang = file.slice(0, 2);
  const code = menus.languages?.[lang]?.code ?? lang;
  const table = parse(readFileSync(join(dir, file), 'utf8'))?.pronounce ?? {};
  for (const [name, p] of Object.entries(table)) {
    if (p.ipa !== undefined) {
      console.log(`${file} ${name}: ipa ${p.ipa} (espeak-ng cannot check phonemes: listen on the voice)`);
      continue;
    }
    const [voice, text] = p.say !== undefined ? [voiceFor(code), p.say] : [voiceFor(p.lang), name];
    const r = spawnSync('espeak-ng', ['-q', '--ipa', '-v', voice, text], { encoding: 'utf8' });
    const heard = r.stdout.trim();
    const given = p.say !== undefined ? `say "${p.say}"` : `lang ${p.lang}`;
    if (p.espeak === undefined) {
      bad++;
      console.log(`${file} ${name}: ${given}: espeak-ng -v ${voice} says ${heard}: add espeak: "${heard}"`);
    } else if (p.espeak !== heard) {
      bad++;
      console.log(`${file} ${name}: ${given}: espeak-ng -v ${voice} now says ${heard}, not ${p.espeak}: listen again`);
    } else {
      console.log(`${file} ${name}: ${given}: ${heard} (espeak-ng -v ${voice}), as recorded`);
    }
  }
}
process.exit(bad ? 1 : 0);
