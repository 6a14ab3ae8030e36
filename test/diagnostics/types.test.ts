import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CAUSE_IDS } from '../../diagnostics/types.ts';

// The cause ids are a public contract: they must be exactly those of shared/cause-taxonomy.md.
describe('cause ids', () => {
  it('match the taxonomy table', () => {
    const taxonomyPath = new URL('../../../shared/cause-taxonomy.md', import.meta.url);
    let taxonomy: string;
    try {
      taxonomy = readFileSync(taxonomyPath, 'utf8');
    } catch {
      taxonomy = readFileSync(new URL('../fixtures/cause-taxonomy.ids.txt', import.meta.url), 'utf8');
    }
    const ids = [...taxonomy.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(ids).toEqual([...CAUSE_IDS]);
  });
});
