/** `text` with no character above U+00FF where that changes nothing it computes; `left`: those it could not rewrite (scripts/ascii-source.mjs). */
export function asciiSource(text: string): { text: string; left: string[] };
