/**
 * Imports run one way (server -> app -> routes -> runtime -> engine, renderer, data): no
 * module of src/ or routes/ imports, through any chain, a module that imports it.
 * scripts/import-cycles.mjs checks the graph; here on the repository and on small fixtures.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ROOT } from '../src/config/paths.js';

const SCRIPT = join(ROOT, 'scripts', 'import-cycles.mjs');

function cycles(root: string): { status: number | null; lines: string[] } {
  const r = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });
  return { status: r.status, lines: r.stdout.split('\n').filter(Boolean) };
}

/** A throwaway project with these files under it. */
function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'helpline-imports-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('import cycles', () => {
  it('there are none in src/ and routes/', () => {
    expect(cycles(ROOT)).toEqual({ status: 0, lines: [] });
  });

  it('a cycle through a type import and a routes/ module is found and named', () => {
    const dir = fixture({
      'src/app.ts': "import { routes } from '../routes/voice.js';\nexport const app = routes;\n",
      'routes/voice.ts': "import type { Runtime } from '../src/runtime.js';\nexport const routes = 1;\n",
      'src/runtime.ts': "export type { App } from './app.js';\nexport interface Runtime {}\n",
      'src/leaf.ts': "import './app.js';\n",
    });
    expect(cycles(dir)).toEqual({
      status: 1,
      lines: ['cycle: routes/voice.ts -> src/runtime.ts -> src/app.ts -> routes/voice.ts'],
    });
  });

  it('shared modules (a diamond), dynamic imports and packages are not cycles', () => {
    const dir = fixture({
      'src/a.ts': "import { b } from './b.js';\nimport { c } from './c.js';\nimport fastify from 'fastify';\n",
      'src/b.ts': "import { d } from './d.js';\nexport const b = d;\n",
      'src/c.ts': "export { d as c } from './d.js';\nconst later = () => import('./e.js');\n",
      'src/d.ts': 'export const d = 1;\n',
      'src/e.ts': "import type { d } from './d.js';\n",
    });
    expect(cycles(dir)).toEqual({ status: 0, lines: [] });
  });

  it('a self-import is a cycle too', () => {
    const dir = fixture({ 'src/x.ts': "import type { X } from './x.js';\nexport interface X {}\n" });
    expect(cycles(dir)).toEqual({ status: 1, lines: ['cycle: src/x.ts -> src/x.ts'] });
  });
});
