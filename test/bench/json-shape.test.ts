// `npm run bench -- --json` prints one object whose keys docs/benchmarks.md lists. The cheap sections
// (no cluster, no served bot) are run here for the shape only: benchmarks measure, tests never judge speed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('bench --json', () => {
  it('prints one JSON object with the machine, the load and the figures of the sections asked for', () => {
    const run = spawnSync(process.execPath, ['bench/run.ts', '--json', '--quick', '--only', 'engine'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(out).toMatchObject({ quick: true, machine: { cores: expect.any(Number), node: process.version }, loadAtEnd: expect.any(Number) });
    expect(out.engineOpsPerSec).toEqual(expect.any(Number));
    expect(out.engineP99Ms).toEqual(expect.any(Number));
    expect(out.details).toMatchObject({ engine: { roundRobin: { ms: { median: expect.any(Number), p95: expect.any(Number) } } } });
    // Sections not asked for are absent, not zero.
    expect(out).not.toHaveProperty('ackP99Ms');
    expect(out).not.toHaveProperty('storm');
    expect(out).not.toHaveProperty('adversarial');
  }, 120_000);
});
