/** Reading the operator's YAML files: every problem is collected with its code, file and path. */
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type * as z from 'zod';
import { type Problem, type ProblemCode, type Problems, reporter } from './problems.js';

export type { Problems };

/** A YAML file's content, or undefined when it cannot be read or parsed (problems noted). */
export function readYaml(file: string, problems: Problems): unknown {
  const report = reporter(problems, file);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    report.error('HL_ERR_FILE_UNREADABLE', '', `cannot be read (${code}): check the path and its permissions`);
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.errors.push(yamlProblem(file, source, doc, lines, e));
    return undefined;
  }
  const data = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) {
    report.error('HL_ERR_FILE_EMPTY', '', 'the file is empty (or holds only comments): restore its content');
    return undefined;
  }
  return data;
}

/** A YAML error as the operator can act on it: the key, the place, the fix. */
function yamlProblem(file: string, source: string, doc: Document, lines: LineCounter, e: YAMLError): Problem {
  const { line, col } = lines.linePos(e.pos[0]);
  const where = `line ${line}, column ${col}`;
  const problem = (code: ProblemCode, path: string, message: string): Problem => ({ code, file, path, message });
  if (e.code === 'DUPLICATE_KEY') {
    const { path, key } = duplicateAt(doc, e.pos[0]);
    return problem(
      'HL_ERR_YAML_DUPLICATE_KEY',
      path,
      `the key "${key}" is written twice (the second at ${where}): keep one and remove the other`,
    );
  }
  if (e.code === 'MISSING_CHAR' && /quote/.test(e.message)) {
    const quote = e.message.includes("'quote") ? "'" : '"';
    const open = source.lastIndexOf(quote, e.pos[0] - 1);
    const at = open >= 0 ? lines.linePos(open) : { line, col };
    return problem(
      'HL_ERR_YAML_SYNTAX',
      pathAt(doc, open >= 0 ? open : e.pos[0]),
      `a value opened with ${quote} at line ${at.line}, column ${at.col} is never closed: end it with ${quote} on the same line, e.g. dial: ${quote}+3225551234${quote}`,
    );
  }
  const first = e.message.split('\n')[0] ?? e.message;
  return problem('HL_ERR_YAML_SYNTAX', pathAt(doc, e.pos[0]), `${first}: correct the YAML there`);
}

/** The path of the deepest key whose entry spans `offset`, e.g. services.surya.dial. */
function pathAt(doc: Document, offset: number): string {
  let best = '';
  visit(doc, {
    Pair(_key, pair, ancestors) {
      const start = (pair.key as { range?: number[] } | null)?.range?.[0];
      const end = (pair.value as { range?: number[] } | null)?.range?.[2];
      if (start !== undefined && start <= offset && (end === undefined || offset <= end)) {
        best = [...keysOf(ancestors), String(isScalar(pair.key) ? pair.key.value : pair.key)].join('.');
      }
    },
  });
  return best;
}

/** The map path and the key of the duplicate whose key starts at `offset`. */
function duplicateAt(doc: Document, offset: number): { path: string; key: string } {
  let found = { path: '', key: '?' };
  visit(doc, {
    Pair(_key, pair, ancestors) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        const key = String(pair.key.value);
        found = { path: [...keysOf(ancestors), key].join('.'), key };
      }
    },
  });
  return found;
}

function keysOf(ancestors: readonly unknown[]): string[] {
  const out: string[] = [];
  ancestors.forEach((node, i) => {
    if (isPair(node) && isScalar(node.key)) out.push(String(node.key.value));
    const next = ancestors[i + 1];
    if (isSeq(node) && next !== undefined) out.push(String(node.items.indexOf(next as never)));
    else if (isMap(node)) return;
  });
  return out;
}

/** A file's content checked against its schema, or undefined (each problem noted at its path). */
export function parseData<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  file: string,
  problems: Problems,
): z.output<S> | undefined {
  if (raw === undefined) return undefined;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const i of parsed.error.issues) {
    const path = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys') {
      for (const key of i.keys) {
        problems.errors.push({
          code: 'HL_ERR_UNKNOWN_FIELD',
          file,
          path: path ? `${path}.${key}` : key,
          message: `"${key}" is not a field the line knows here: correct its spelling or remove it`,
        });
      }
      continue;
    }
    problems.errors.push({ code: 'HL_ERR_SCHEMA', file, path: path || '(top level)', message: i.message });
  }
  return undefined;
}
