/**
 * The terminal caller knows only TwiML, so it hears a flow bug instead of repeating it. As an
 * import boundary: its modules (src/cli/caller/ and the TwiML reader) import node's built-ins,
 * the XML parser, src/config/constants.ts and each other, nothing else: no engine, config, renderer,
 * routes or app. Only the command (src/cli/call-command.ts) builds the line under test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../src/config/paths.js';

const CLI = join(ROOT, 'src', 'cli');
const CALLER = join(CLI, 'caller');
const READER = join(CLI, 'twiml-reader.ts');
const CONSTANTS = join(ROOT, 'src', 'config', 'constants.ts');
const PACKAGES = new Set(['fast-xml-parser', 'twilio/lib/webhooks/webhooks.js']);

/** Every file under src/cli/caller/, and the TwiML reader. */
function callerModules(): string[] {
  const files = readdirSync(CALLER, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return [...files.map((f) => join(CALLER, f)), READER];
}

/** What a TypeScript source imports: imports and re-exports (type-only ones too), side-effect
 * imports, import() and require(). Comments are not skipped: a commented-out import is flagged,
 * never hidden. An import() or require() of anything but a string literal is returned as
 * "(dynamic: ...)", which no rule allows. */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const statements = /\b(?:import|export)\s+(?:type\s+)?[\w*{}\s,$]*?\bfrom\s*(['"])([^'"]+)\1/g;
  for (const m of source.matchAll(statements)) found.push(m[2]!);
  for (const m of source.matchAll(/\bimport\s*(['"])([^'"]+)\1/g)) found.push(m[2]!);
  for (const m of source.matchAll(/\b(?:import|require)\s*\(([^)]*)\)/g)) {
    const literal = /^\s*(['"])([^'"]+)\1\s*$/.exec(m[1]!);
    found.push(literal ? literal[2]! : `(dynamic: ${m[1]!.trim()})`);
  }
  return found;
}

function allowed(file: string, specifier: string): boolean {
  if (isBuiltin(specifier) || PACKAGES.has(specifier)) return true;
  if (!specifier.startsWith('.')) return false;
  const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
  return target === CONSTANTS || target === READER || target.startsWith(CALLER + sep);
}

/** The imports of `file` (with this source) that cross the boundary. */
function violations(file: string, source: string): string[] {
  return importsOf(source)
    .filter((s) => !allowed(file, s))
    .map((s) => `${relative(ROOT, file)} imports ${s}`);
}

describe('the terminal caller knows only TwiML', () => {
  it('its modules import node, the XML parser, src/config/constants.ts and each other, nothing else', () => {
    const modules = callerModules();
    const names = modules.map((f) => relative(CLI, f).split(sep).join('/'));
    const expected = ['transcript', 'input', 'line', 'verbs', 'runner'].map((m) => `caller/${m}.ts`);
    expect(names).toEqual(expect.arrayContaining([...expected, 'twiml-reader.ts']));
    const problems = modules.flatMap((f) => violations(f, readFileSync(f, 'utf8')));
    expect(problems).toEqual([]);
    // The parse sees real imports (the rule is not met by finding none).
    const runner = importsOf(readFileSync(join(CALLER, 'runner.ts'), 'utf8'));
    expect(runner).toEqual(expect.arrayContaining(['./line.js', './verbs.js', '../twiml-reader.js']));
  });

  it('the command builds the line: read against the same rule, it is refused', () => {
    const command = join(CLI, 'call-command.ts');
    const problems = violations(command, readFileSync(command, 'utf8'));
    const refused = ['../http/app.js', '../config/types.js'].map((s) => `src/cli/call-command.ts imports ${s}`);
    expect(problems).toEqual(expect.arrayContaining(refused));
  });

  it('the entry point only wires the command: it imports neither the app nor the data', () => {
    const entry = join(CLI, 'call.ts');
    const imports = importsOf(readFileSync(entry, 'utf8'));
    expect(imports.length).toBeGreaterThan(0);
    const wiring = (s: string) => s === './call-command.js' || s === './common.js' || s.startsWith('./caller/');
    expect(imports.filter((s) => !wiring(s))).toEqual([]);
  });

  const file = join(CALLER, 'crafted.ts');
  it.each([
    ['the app factory', "import { buildApp } from '../../app.js';"],
    ['a type of the config', "import type { Config } from '../../config/types.js';"],
    ['the renderer, over several lines', "import {\n  renderTwiml,\n  type Step,\n} from '../../twiml.js';"],
    ['a re-export of the engine', "export * from '../../engine.js';"],
    ['a route, dynamically', "const voice = await import('../../../routes/voice.js');"],
    ['a computed import', 'const m = await import(`../../${name}.js`);'],
    ['a require', "const load = require('../../config/load.js');"],
    ['a side-effect import', "import '../../metrics.js';"],
    ["twilio's TwiML builder", "import VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';"],
    ['the shared CLI helpers (they load the data)', "import { loadLineConfig } from '../common.js';"],
  ])('a crafted module importing %s is refused', (_label, source) => {
    expect(violations(file, `import { KEY } from '../../config/constants.js';\n${source}\n`)).toHaveLength(1);
  });

  it('a crafted module importing only what the rule allows passes', () => {
    const source = [
      "import { createHmac } from 'node:crypto';",
      "import { XMLParser } from 'fast-xml-parser';",
      "import { KEY } from '../../config/constants.js';",
      "import { readTwiml, type TwimlNode } from '../twiml-reader.js';",
      "import type { CallEvent } from './transcript.js';",
      "export { VERBS } from './verbs.js';",
    ].join('\n');
    expect(importsOf(source)).toHaveLength(6);
    expect(violations(file, source)).toEqual([]);
  });
});
