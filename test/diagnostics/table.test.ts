// Table tests: whole findings (cause, container, title, evidence, fix kind) for representative fixtures.
// Expected values (table-expected.json) were reviewed by hand against the fixture: they quote the exact
// status fields, events and log lines, with the real names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../diagnostics/index.ts';
import { buildSnapshot } from '../fixtures/diagnostics/build.ts';
import { CASES } from '../fixtures/diagnostics/cases.ts';

const TABLE = JSON.parse(readFileSync(new URL('../fixtures/diagnostics/table-expected.json', import.meta.url), 'utf8')) as { name: string; expected: unknown }[];

describe('primary finding, whole', () => {
  for (const row of TABLE) {
    it(row.name, () => {
      const c = CASES.find((x) => x.name === row.name);
      expect(c).toBeDefined();
      if (!c) return;
      const f = diagnose(buildSnapshot(c)).findings[0];
      expect(f && { cause: f.cause, container: f.container, containerType: f.containerType, title: f.title, evidence: f.evidence, fixKind: f.fix.kind }).toEqual(row.expected);
    });
  }
});
