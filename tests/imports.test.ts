/**
 * Imports run one way, and the terminal caller knows only TwiML: two Biome rules in biome.json,
 * checked by `npm run lint` on the code. Here the project's biome.json is run on crafted files in
 * a throwaway folder, to show both rules fire (a rule that never fires would pass any code).
 *   - suspicious/noImportCycles (type imports included): no module imports, through any chain,
 *     a module that imports it;
 *   - style/noRestrictedImports on src/cli/caller/ and src/cli/twiml-reader.ts: node's
 *     built-ins, fast-xml-parser, twilio's webhooks module, src/config/constants.ts and each
 *     other, nothing else (no engine, config, renderer, routes or app).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../src/config/paths.js';

const CALLER_ALLOWED = [
  "import { createHmac } from 'node:crypto';",
  "import { XMLParser } from 'fast-xml-parser';",
  "import webhooks from 'twilio/lib/webhooks/webhooks.js';",
  "import { KEY } from '../../config/constants.js';",
  "import { readTwiml } from '../twiml-reader.js';",
  "import type { CallEvent } from './transcript.js';",
  "export { VERBS } from './verbs.js';",
];
const CALLER_REFUSED = [
  "import { buildApp } from '../../http/app.js';",
  "import type { Config } from '../../config/types.js';",
  "import {\n  TwimlRenderer,\n  type RenderContext,\n} from '../../call/twiml.js';",
  "export * from '../../engine/index.js';",
  "const voice = await import('../../../routes/voice.js');",
  "import '../../http/metrics.js';",
  "import VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';",
  "import { loadLineConfig } from '../common.js';",
];

const FILES: Record<string, string> = {
  // A cycle through a type import and a routes/ module, beside a diamond that is no cycle.
  'src/app.ts': "import { routes } from '../routes/voice.js';\nexport const app = routes;\n",
  'routes/voice.ts': "import type { Runtime } from '../src/runtime.js';\nexport const routes = 1;\n",
  'src/runtime.ts': "export type { App } from './app.js';\nexport interface Runtime {}\n",
  'src/d/a.ts': "import { b } from './b.js';\nimport { c } from './c.js';\nexport const a = [b, c];\n",
  'src/d/b.ts': "import { d } from './d.js';\nexport const b = d;\n",
  'src/d/c.ts': "export { d as c } from './d.js';\n",
  'src/d/d.ts': 'export const d = 1;\n',
  'src/cli/caller/allowed.ts': `${CALLER_ALLOWED.join('\n')}\n`,
  'src/cli/caller/refused.ts': `${CALLER_REFUSED.join('\n')}\n`,
  'src/cli/twiml-reader.ts':
    "import { KEY } from '../config/constants.js';\nimport './caller/line.js';\nimport { Engine } from '../engine/index.js';\n",
  // The same import outside the caller is the rest of the code's business.
  'src/cli/call-command.ts': "import { buildApp } from '../http/app.js';\n",
};

interface Diagnostic {
  category: string;
  location: { path: string; start: { line: number } };
}
let found: string[];
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'helpline-imports-'));
  copyFileSync(join(ROOT, 'biome.json'), join(dir, 'biome.json'));
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const only = ['suspicious/noImportCycles', 'style/noRestrictedImports'].map((r) => `--only=${r}`);
  let out: string;
  try {
    out = execFileSync(
      join(ROOT, 'node_modules', '.bin', 'biome'),
      ['lint', '--vcs-enabled=false', '--reporter=json', '--max-diagnostics=none', ...only],
      { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
  } catch (e) {
    out = (e as { stdout: string }).stdout; // exit 1: it found something, as it should
  }
  found = (JSON.parse(out) as { diagnostics: Diagnostic[] }).diagnostics.map(
    (d) => `${d.location.path}:${d.location.start.line} ${d.category.replace('lint/', '')}`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The line of each crafted import's module name, where Biome reports it (its last line). */
const lines = (imports: string[]) =>
  imports.map((_, i) => imports.slice(0, i + 1).reduce((n, s) => n + s.split('\n').length, 0));

describe("the project's Biome rules on crafted files", () => {
  it('noImportCycles names every import of a cycle, through a type import and routes/', () => {
    expect(found.filter((f) => f.endsWith('noImportCycles')).sort()).toEqual([
      'routes/voice.ts:1 suspicious/noImportCycles',
      'src/app.ts:1 suspicious/noImportCycles',
      'src/runtime.ts:1 suspicious/noImportCycles',
    ]);
  });

  it('noRestrictedImports refuses each import of the caller that crosses the boundary, and only those', () => {
    const refused = lines(CALLER_REFUSED).map((l) => `src/cli/caller/refused.ts:${l} style/noRestrictedImports`);
    expect(found.filter((f) => f.endsWith('noRestrictedImports')).sort()).toEqual(
      [...refused, 'src/cli/twiml-reader.ts:3 style/noRestrictedImports'].sort(),
    );
  });
});
