/**
 * JavaScript source text with no character above U+00FF, for scripts/bundle.mjs: V8 keeps a
 * script's source at one byte per character only when every character fits in Latin-1, and
 * one character above it makes the whole 2.8 MB bundle two bytes per character.
 */
/** The \uXXXX escape of a character. */
const escapeChar = (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
const WIDE = /[^\x00-\xff]/g;
const HAS_WIDE = /[^\x00-\xff]/;
/** A regular expression literal, where esbuild prints one: after a punctuator or keyword that
 * starts an expression (never after an operand, where a slash divides). */
const REGEX_LITERAL =
  /(?<=(?:^|[(,=:!&|?{};]|\belse|\breturn)\s*)\/((?:[^/\\[\n]|\\.|\[(?:[^\]\\\n]|\\.)*\])+)\/([dgimsuyv]*)/g;

/**
 * `text` with no character above U+00FF. esbuild already escapes them in strings,
 * identifiers and plain templates; it cannot in two places, where this does it without changing
 * what the code computes:
 * - String.raw`...`: the character becomes a substitution, `${"\u2192"}` (String.raw joins its
 *   raw pieces and substitutions, so the result is the same string);
 * - regular expression literals: `\u2192` matches the same character, in a class or not.
 * Anything else is left as it is and returned in `left`: the code still runs, only larger in memory.
 */
export function asciiSource(text) {
  let out = text.replace(/String\.raw`((?:[^`\\$]|\\[\s\S]|\$(?!\{))*)`/g, (whole, body) => {
    // After a backslash, the substitution's `${` would become an escaped dollar: leave it.
    if (/\\[^\x00-\xff]/.test(body)) return whole;
    return 'String.raw`' + body.replace(WIDE, (c) => '${"' + escapeChar(c) + '"}') + '`';
  });
  out = out.replace(REGEX_LITERAL, (whole, body, flags) => {
    if (!HAS_WIDE.test(body)) return whole;
    // An escaped character (`\→`) is the character itself; then its \u escape.
    const escaped = body.replace(/\\([^\x00-\xff])/g, '$1').replace(WIDE, escapeChar);
    try {
      new RegExp(body, flags);
      new RegExp(escaped, flags);
    } catch {
      return whole; // not a regular expression after all
    }
    return `/${escaped}/${flags}`;
  });
  return { text: out, left: out.match(WIDE) ?? [] };
}
