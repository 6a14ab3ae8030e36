// Differential test: twins A and B with the same rollout history; A is rolled back by the real, built
// `kubectl rollout undo`, B by our code. The outcome, spec.template and annotations must be identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cluster, deleteNamespace, kubectl, KubectlError, newNamespace } from '../cluster/harness.ts';
import { KubeClusterWriter } from '../../src/cluster/actions/cluster-writer.ts';
import { rolloutUndo } from '../../src/actions/rollback/rollout-undo.ts';
import type { RollbackKind } from '../../src/actions/rollback/plan-rollback.ts';
import { RESOURCE, rolloutView, withHistory } from '../actions/support/workloads.ts';

interface Case {
  name: string;
  kind: RollbackKind;
  revisions: number;
  toRevision?: number;
  paused?: boolean;
  apply?: boolean;
  /** An annotation added to the workload after its last rollout (kubectl drops it on a Deployment undo). */
  lateAnnotation?: boolean;
}

const CASES: Case[] = [
  { name: 'd2', kind: 'Deployment', revisions: 2 },
  { name: 'd3', kind: 'Deployment', revisions: 3, lateAnnotation: true },
  { name: 'd5-to2', kind: 'Deployment', revisions: 5, toRevision: 2, apply: true },
  { name: 'd3-to1', kind: 'Deployment', revisions: 3, toRevision: 1 },
  { name: 'd3-paused', kind: 'Deployment', revisions: 3, paused: true },
  { name: 'd3-same', kind: 'Deployment', revisions: 3, toRevision: 3 },
  { name: 'd2-missing', kind: 'Deployment', revisions: 2, toRevision: 9 },
  { name: 'd1-none', kind: 'Deployment', revisions: 1 },
  { name: 's3', kind: 'StatefulSet', revisions: 3 },
  { name: 's3-to1', kind: 'StatefulSet', revisions: 3, toRevision: 1, lateAnnotation: true },
  { name: 's2-same', kind: 'StatefulSet', revisions: 2, toRevision: 2 },
  { name: 'ds3', kind: 'DaemonSet', revisions: 3 },
  { name: 'ds5-to2', kind: 'DaemonSet', revisions: 5, toRevision: 2 },
  { name: 'ds1-none', kind: 'DaemonSet', revisions: 1 },
];

let nsA = '';
let nsB = '';
let writer: KubeClusterWriter;

beforeAll(async () => {
  nsA = await newNamespace('undo-a');
  nsB = await newNamespace('undo-b');
  writer = KubeClusterWriter.fromKubeConfig({ kubeconfig: cluster().kubeconfig });
});

afterAll(async () => {
  await deleteNamespace(nsA);
  await deleteNamespace(nsB);
});

/** kubectl's one-line result (stdout) or its error (stderr, without the warning about apply). */
async function kubectlUndo(c: Case): Promise<{ ok: boolean; text: string }> {
  const args = ['-n', nsA, 'rollout', 'undo', `${RESOURCE[c.kind]}/${c.name}`];
  if (c.toRevision !== undefined) args.push(`--to-revision=${c.toRevision}`);
  try {
    return { ok: true, text: (await kubectl(args)).trim() };
  } catch (err) {
    if (!(err instanceof KubectlError)) throw err;
    const lines = err.stderr.split('\n').filter((l) => l.startsWith('error: '));
    return { ok: false, text: lines.join('\n').replace(/^error: /, '') };
  }
}

async function ourUndo(c: Case): Promise<{ ok: boolean; text: string }> {
  const result = await rolloutUndo(writer, { namespace: nsB, kind: c.kind, name: c.name, toRevision: c.toRevision ?? 0 });
  if (result.kind === 'error') return { ok: false, text: result.message };
  return { ok: true, text: `${c.kind.toLowerCase()}.apps/${c.name} ${result.message}` };
}

/** The two namespaces differ by name only; last-applied-configuration records it. */
function normalized(value: unknown, ns: string): string {
  return JSON.stringify(value).replaceAll(ns, '<ns>');
}

describe('rollout undo matches the real kubectl', () => {
  it.each(CASES)('$name: $kind with $revisions revisions, to-revision $toRevision, paused $paused', async (c) => {
    for (const ns of [nsA, nsB]) {
      await withHistory(ns, c.kind, c.name, c.revisions, { apply: c.apply === true });
      if (c.lateAnnotation === true) await kubectl(['-n', ns, 'annotate', RESOURCE[c.kind], c.name, 'team=payments']);
      if (c.paused === true) await kubectl(['-n', ns, 'rollout', 'pause', `${RESOURCE[c.kind]}/${c.name}`]);
    }
    const beforeA = await rolloutView(nsA, c.kind, c.name);
    const beforeB = await rolloutView(nsB, c.kind, c.name);
    expect(normalized(beforeB, nsB)).toBe(normalized(beforeA, nsA));

    const theirs = await kubectlUndo(c);
    const ours = await ourUndo(c);
    expect(ours).toEqual(theirs);

    const afterA = await rolloutView(nsA, c.kind, c.name);
    const afterB = await rolloutView(nsB, c.kind, c.name);
    expect(normalized(afterB, nsB)).toBe(normalized(afterA, nsA));
    // The comparison has teeth: a real rollback changed the template, a refusal or a skip did not.
    const changed = theirs.ok && theirs.text.endsWith('rolled back');
    expect(normalized(afterA.template, nsA) !== normalized(beforeA.template, nsA)).toBe(changed);
  });
});
