/**
 * `npm run map`: writes docs/call-flow.md from the line's data (src/cli/map-doc.ts). With
 * --check it writes nothing and fails when the file is out of date or a time budget is over.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from '../config/paths.js';
import { displayPath, envPaths, loadLineConfig, parseOptions } from './common.js';
import { allFigures, renderCallFlowMap } from './map-doc.js';

export const DOC_PATH = join(ROOT, 'docs', 'call-flow.md');

export const USAGE = `Usage: npm run map -- [--check] [--out FILE]

Writes ${displayPath(DOC_PATH)} from the line's data (HELPLINE_CONFIG, HELPLINE_MENUS and
HELPLINE_PROMPTS if set, else the built-in files).
  --check     write nothing; exit 1 if the file is out of date or a time budget is over
  --out FILE  write there instead ("-" for standard output)`;

export interface MapIO {
  out(text: string): void;
  err(text: string): void;
}

/** `npm run map`; resolves with the exit status. */
export async function mapCli(argv: string[], io: MapIO): Promise<number> {
  const values = parseOptions(
    argv,
    {
      check: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    USAGE,
    (usage) => io.out(`${usage}\n`),
  );
  if (!values) return 0;
  const config = loadLineConfig(envPaths());
  const figures = allFigures(config);
  const doc = renderCallFlowMap(config, figures);
  const target = values.out ?? DOC_PATH;
  if (values.check) {
    const over = figures.filter((f) => f.over);
    for (const f of over)
      io.err(
        `${f.lang}: ${f.what}: ${Number.isFinite(f.seconds) ? `${f.seconds.toFixed(1)} s` : 'never'}, over the budget of ${f.limit} s\n`,
      );
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current !== doc) io.err(`${displayPath(target)} is out of date: run npm run map\n`);
    else io.err(`${displayPath(target)} is up to date\n`);
    return over.length === 0 && current === doc ? 0 : 1;
  }
  if (target === '-') {
    io.out(doc);
    return 0;
  }
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, doc);
  io.err(`wrote ${displayPath(target)}\n`);
  return 0;
}
