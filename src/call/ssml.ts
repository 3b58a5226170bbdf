/**
 * Names as written, said as the data says: each name of a language's pronounce table becomes an
 * SSML element inside its <Say> (Polly neural voices read <sub>, <phoneme> and <lang>). The
 * text keeps the written name, so transcripts and the terminal caller show it.
 */
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import type { Pronunciation } from '../config/types.js';

type Say = VoiceResponse.Say;
type XmlLang = Parameters<Say['lang']>[0] extends infer A ? (A extends { 'xml:lang'?: infer L } ? L : never) : never;

/** The names of a table as one pattern, longest first, matched as whole words. */
const patterns = new WeakMap<Record<string, Pronunciation>, RegExp | undefined>();

function patternOf(table: Record<string, Pronunciation>): RegExp | undefined {
  if (patterns.has(table)) return patterns.get(table);
  const names = Object.keys(table).sort((a, b) => b.length - a.length);
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = names.length
    ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})(?![\\p{L}\\p{N}])`, 'gu')
    : undefined;
  patterns.set(table, re);
  return re;
}

/** The text into the <Say>: plain text, and each name of the table as its SSML element. */
export function sayText(say: Say, text: string, table: Record<string, Pronunciation>): void {
  const re = patternOf(table);
  let at = 0;
  if (re) {
    for (const m of text.matchAll(re)) {
      const name = m[0];
      const p = table[name];
      if (!p) continue;
      if (m.index > at) say.addText(text.slice(at, m.index));
      if ('say' in p) say.sub({ alias: p.say }, name);
      else if ('ipa' in p) say.phoneme({ alphabet: 'ipa', ph: p.ipa }, name);
      // twilio-node's type lists no fr-BE or nl-BE, though Polly knows them.
      else say.lang({ 'xml:lang': p.lang as XmlLang }, name);
      at = m.index + name.length;
    }
  }
  if (at < text.length) say.addText(text.slice(at));
}
