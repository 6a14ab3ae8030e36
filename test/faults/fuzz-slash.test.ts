// 10,000 (FUZZ_RUNS) hostile slash texts through the real parser, resolver and Kubernetes client against
// the recording API server: nothing throws, errors are short, and no request carries an invalid name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createKubeGateway, type KubeGateway } from '../../src/cluster/kube-gateway.ts';
import { resolveTarget } from '../../src/cluster/resolve-target.ts';
import { parseCommand } from '../../src/slack/command.ts';
import { invalidNamesIn, startRecordingApiServer, type RecordingApiServer } from '../support/recording-apiserver.ts';
import { hostileSlashText } from '../support/hostile-input.ts';
import { FUZZ_RUNS, fuzzOptions, fuzzTimeout } from './fuzz.ts';

let api: RecordingApiServer;
let gateway: KubeGateway;
beforeAll(async () => {
  api = await startRecordingApiServer();
  gateway = createKubeGateway({ kubeconfigText: api.kubeconfig, clusterName: 'prod', env: {} });
});
afterAll(async () => {
  await api?.close();
});

describe(`fuzz: slash text (${FUZZ_RUNS} cases)`, () => {
  it('parses and resolves any text without throwing, and sends only valid names to the API', async () => {
    let resolved = 0;
    const text = fc.oneof({ arbitrary: hostileSlashText, weight: 6 }, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }), fc.constantFrom('', 'help', '../etc/passwd', 'list', '--cluster', '-n', 'a b c'));
    await fc.assert(
      fc.asyncProperty(text, async (input) => {
        const parsed = parseCommand(input, { clusters: ['prod', 'staging'] });
        if (parsed.kind === 'error') {
          expect(parsed.message.length).toBeLessThan(400);
          return;
        }
        if (parsed.kind !== 'diagnose') return;
        resolved += 1;
        const result = await resolveTarget(gateway, parsed.target);
        expect(['not-found', 'pod', 'ambiguous']).toContain(result.kind);
      }),
      fuzzOptions(9102),
    );
    const invalid = api.requests.flatMap((r) => invalidNamesIn(r).map((p) => `${r.path}: ${p}`));
    expect(invalid).toEqual([]);
    // Not vacuous: valid inputs reached the API server.
    expect(resolved).toBeGreaterThan(FUZZ_RUNS / 10);
    expect(api.requests.length).toBeGreaterThan(FUZZ_RUNS / 10);
  }, fuzzTimeout());
});
