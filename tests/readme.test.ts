/** The README keeps its promises: the two commands, and a directory table that matches the data. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../src/paths.js';
import { testConfig } from './helpers/twilio.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('gives the install-and-start command and the test command', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it('lists every service of the directory with the number it dials and its hours', () => {
    const table = readme.slice(readme.indexOf('## The directory'), readme.indexOf('## ', readme.indexOf('## The directory') + 5));
    const rows = table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| service') && !l.startsWith('|---'));
    const config = testConfig();
    expect(rows.length).toBe(Object.keys(config.services).length);
    for (const s of Object.values(config.services)) {
      const row = rows.find((r) => r.includes(`\`${s.dial}\``));
      expect(row, `${s.id} (${s.dial}) is missing from the README's directory table`).toBeDefined();
      const hours = s.hours.expression === '24/7' ? '24/7' : `\`${s.hours.expression}\``;
      expect(row).toContain(hours);
    }
  });
});
