/**
 * What to say when a service's hours are not what the operator meant: the rule, a correct
 * example, and, when one missing ";" between two rules is the slip, the corrected hours.
 * "Mo-Fr 09:00-17:00 PH off" is such a slip: the library reorders it into one rule
 * ("PH Mo-Fr 09:00-17:00 off") with a warning, and evaluating it can take minutes; its own
 * messages ("the movable day easter plus 1 days", "switched with the selector") say little to an
 * operator, so they come last.
 */
import OpeningHours from 'opening_hours';

const RULE = 'each rule is days then times, and rules are separated by ";", e.g. "Mo-Fr 09:00-17:00; PH off" or "24/7"';
/** The library's warning when it had to reorder a rule's parts: a sign of a missing ";". */
const REORDERED = /was switched with the selector/;

export const isReordering = (warning: string): boolean => REORDERED.test(warning);

const seen = new Map<string, string | undefined>();

/** The library's error, or its reordering warning, for these hours; undefined when they read as written. */
function slip(hours: string): string | undefined {
  if (!seen.has(hours)) seen.set(hours, read(hours));
  return seen.get(hours);
}

function read(hours: string): string | undefined {
  try {
    const oh = new OpeningHours(hours, { lat: 50.85, lon: 4.35, address: { country_code: 'be', state: '' } });
    return oh.getWarnings().find(isReordering);
  } catch (err) {
    return String(err);
  }
}

/** One ";" added between two words that makes the hours read as written, or undefined. */
function missingSemicolon(hours: string): string | undefined {
  for (const m of hours.matchAll(/ (?=\S)/g)) {
    const before = hours.slice(0, m.index).trimEnd();
    if (before.endsWith(';') || before.endsWith(',')) continue;
    const fixed = `${before}; ${hours.slice(m.index + 1)}`;
    if (slip(fixed) === undefined) return fixed;
  }
  return undefined;
}

/** What is wrong with these hours and how to write them; undefined when they read as written. */
export function hoursSyntaxProblem(hours: string): string | undefined {
  const found = slip(hours);
  if (found === undefined) return undefined;
  const library = found.replace(/\s+/g, ' ').trim();
  const fixed = missingSemicolon(hours);
  if (fixed)
    return `"${hours}" is not valid opening hours: a ";" is missing between two rules; write "${fixed}" (${RULE})`;
  return `"${hours}" is not valid opening hours: ${RULE} (the opening_hours library says: ${library})`;
}
