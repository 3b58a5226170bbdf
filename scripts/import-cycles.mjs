#!/usr/bin/env node
// Import cycles among the project's own modules: the graph of relative imports (type imports
// included) of the TypeScript files under the given directories, src/ and routes/ by default.
// Prints one `cycle: a -> b -> a` line per cycle found and exits 1 if there is any.
// Usage: node scripts/import-cycles.mjs [--root DIR] [DIR...]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const args = process.argv.slice(2);
const at = args.indexOf('--root');
const root = resolve(at >= 0 ? args.splice(at, 2)[1] : process.cwd());
const dirs = args.length > 0 ? args : ['src', 'routes'];

const files = [];
const walk = (dir) => {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.m?ts$/.test(name) && !name.endsWith('.d.ts')) files.push(path);
  }
};
for (const d of dirs) walk(resolve(root, d));
const known = new Set(files);

// import ... from './x.js', export ... from './x.js', import './x.js', import('./x.js')
const IMPORT =
  /\b(?:import|export)\s[^'";]*?\bfrom\s*['"](\.[^'"]+)['"]|\bimport\s*['"](\.[^'"]+)['"]|\bimport\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** The module a relative specifier names, if it is one of ours. */
function target(from, spec) {
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(m?js|m?ts)$/, '');
  for (const candidate of [stem + '.ts', stem + '.mts', join(base, 'index.ts')])
    if (known.has(candidate)) return candidate;
  return undefined;
}

const graph = new Map();
for (const file of files) {
  const deps = new Set();
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const dep = target(file, m[1] ?? m[2] ?? m[3]);
    if (dep) deps.add(dep);
  }
  graph.set(file, [...deps].sort());
}

// Tarjan's strongly connected components: every cycle lies inside one.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function connect(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v)) {
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) !== index.get(v)) return;
  const component = [];
  let w;
  do {
    w = stack.pop();
    onStack.delete(w);
    component.push(w);
  } while (w !== v);
  if (component.length > 1 || graph.get(v).includes(v)) components.push(component);
}
for (const v of graph.keys()) if (!index.has(v)) connect(v);

/** One shortest cycle through `start` inside its component (breadth first). */
function cycleThrough(start, component) {
  const inside = new Set(component);
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of graph.get(v)) {
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = previous.get(u)) path.splice(1, 0, u);
        return [...path, start];
      }
      if (inside.has(w) && !previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

const name = (f) => relative(root, f).split('\\').join('/');
for (const component of components) {
  const start = [...component].sort()[0];
  console.log(`cycle: ${cycleThrough(start, component).map(name).join(' -> ')}`);
}
console.error(`${files.length} modules, ${components.length} import cycle(s)`);
process.exit(components.length > 0 ? 1 : 0);
