import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../diagnostics/index.ts';
import { scenarios } from '../examples/scenarios.ts';

// The README examples must say what the README promises: each snapshot's first finding.
const dir = new URL('../examples/', import.meta.url);
const readme = readFileSync(new URL('README.md', dir), 'utf8');

describe('examples', () => {
  it.each(scenarios.map((s) => [s.file, s] as const))('%s', (file, s) => {
    const snapshot = JSON.parse(readFileSync(new URL(`${file}.json`, dir), 'utf8')) as Record<string, unknown>;
    expect(snapshot).not.toHaveProperty('expected');
    const f = diagnose(snapshot).findings[0];
    expect({ cause: f?.cause, container: f?.container }).toEqual({ cause: s.cause, container: s.container });
    expect(readme).toContain(`npx crashloop diagnose --snapshot examples/${file}.json`);
    expect(readme).toContain(`\`${s.cause}\``);
  });
});
