// Writes examples/<file>.json from scenarios.ts: snapshots shaped as `crashloop snapshot` prints them
// (no `expected` key). Run: node examples/build.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSnapshot } from '../test/fixtures/corpus/build.ts';
import { scenarios } from './scenarios.ts';

const here = dirname(fileURLToPath(import.meta.url));
for (const s of scenarios) {
  const snap = buildSnapshot(s);
  delete snap.expected;
  writeFileSync(join(here, `${s.file}.json`), `${JSON.stringify(snap, null, 2)}\n`);
}
console.log(`wrote ${scenarios.length} examples`);
