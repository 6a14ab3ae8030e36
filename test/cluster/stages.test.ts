// Unit checks of the generated Stages (the e2e project exercises them against kwok for real).
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SIM, SIM_LABEL, allStages } from './stages.ts';

interface Stage {
  kind: string;
  metadata: { name: string };
  spec: {
    resourceRef: { kind: string };
    selector: { matchExpressions: { key: string; operator: string; values: string[] }[] };
    steps: { patch?: { template: string }; apply?: { template: string }; delete?: boolean }[];
  };
}

const stages = parseAllDocuments(allStages()).map((d) => d.toJSON() as Stage);

describe('allStages', () => {
  it('is a list of uniquely named Stages with steps', () => {
    expect(stages.length).toBeGreaterThan(10);
    expect(new Set(stages.map((s) => s.metadata.name)).size).toBe(stages.length);
    for (const s of stages) {
      expect(s.kind).toBe('Stage');
      expect(s.spec.steps.length).toBeGreaterThan(0);
    }
  });

  it('selects only with boolean jq expressions (kwok CEL cannot iterate typed lists)', () => {
    for (const s of stages) {
      for (const e of s.spec.selector.matchExpressions) {
        expect(e.operator).toBe('In');
        expect(e.values).toEqual(['true']);
      }
    }
  });

  it('keeps kwok lifecycle stages for nodes and ordinary pods, and never touches pods being deleted', () => {
    const names = stages.map((s) => s.metadata.name);
    for (const n of ['node-initialize', 'node-heartbeat', 'pod-ready', 'pod-complete', 'pod-delete']) expect(names).toContain(n);
    for (const s of stages.filter((x) => x.spec.resourceRef.kind === 'Pod' && x.metadata.name !== 'pod-delete')) {
      expect(s.spec.selector.matchExpressions.map((e) => e.key)).toContain('.metadata.deletionTimestamp == null');
    }
  });

  it('simulates each SIM kind, and pod-ready leaves simulated pods alone', () => {
    for (const v of Object.values(SIM)) {
      const selecting = stages.filter((s) => s.spec.selector.matchExpressions.some((e) => e.key === `.metadata.labels["${SIM_LABEL}"] == "${v}"`));
      expect(selecting.length).toBeGreaterThan(0);
    }
    const ready = stages.find((s) => s.metadata.name === 'pod-ready');
    expect(ready?.spec.selector.matchExpressions.map((e) => e.key)).toContain(`.metadata.labels["${SIM_LABEL}"] == null`);
  });

  it('writes Events as the kubelet (source, fieldPath, count)', () => {
    const applies = stages.flatMap((s) => s.spec.steps.flatMap((st) => (st.apply ? [st.apply.template] : [])));
    expect(applies.length).toBeGreaterThan(5);
    for (const t of applies) {
      expect(t).toContain('kind: Event');
      expect(t).toMatch(/source:\n\s+component: kubelet/);
      expect(t).toContain('fieldPath:');
      expect(t).toMatch(/\ncount: /);
    }
  });

  it('never nests template actions (kwok fails to parse "{{ … {{")', () => {
    for (const s of stages) {
      for (const st of s.spec.steps) {
        const t = st.patch?.template ?? st.apply?.template ?? '';
        expect(t).not.toMatch(/\{\{[^}]*\{\{/);
      }
    }
  });
});
