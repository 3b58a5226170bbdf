/** Reading the operator's YAML files: every problem is collected with its file and path. */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';

/** What the checks found: errors stop the start, warnings are logged. */
export interface Problems {
  errors: string[];
  warnings: string[];
}

/** A YAML file's content, or undefined when it cannot be read or parsed (problems noted). */
export function readYaml(file: string, errors: string[]): unknown {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    errors.push(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return undefined;
  }
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) errors.push(`${file}: ${e.message.split('\n')[0]}`);
    return undefined;
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/** A file's content checked against its schema, or undefined (each problem noted at its path). */
export function parseData<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  file: string,
  errors: string[],
): z.output<S> | undefined {
  if (raw === undefined) return undefined;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  errors.push(
    ...parsed.error.issues.map((i) => `${file}: ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`),
  );
  return undefined;
}
