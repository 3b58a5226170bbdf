/** The `{placeholder}` syntax of prompts, parsed in this one module. */

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The names of a template's placeholders as they occur, repeats included. */
export function placeholderUses(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/** The names of a template's placeholders, each once, sorted. */
export function placeholders(template: string): string[] {
  return [...new Set(placeholderUses(template))].sort();
}

/** Fill {placeholders}; an unknown one is left out rather than read aloud. */
export function fill(template: string, vars: Record<string, string> = {}): string {
  return template.replace(PLACEHOLDER, (_, name: string) => (Object.hasOwn(vars, name) ? vars[name] : undefined) ?? '');
}

/** A template's literal text, with every placeholder replaced by `by`. */
export function blank(template: string, by = ' '): string {
  return template.replace(PLACEHOLDER, by);
}

/** `{hours:ID}`: the usual hours of service or group ID, in words (src/engine/hours-words.ts). */
export const HOURS_PLACEHOLDER = 'hours:';
