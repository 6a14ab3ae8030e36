// Hostile slash-command inputs (fast-check): pieces of names that are valid, just over Kubernetes'
// limits, dotted, upper-case, binary or huge. Shared by test/src/cluster/hostile-names.test.ts and the
// fuzz suite (test/faults/).
import fc from 'fast-check';

/** Pieces of names: valid ones, ones just over Kubernetes' limits, dotted, upper-case, binary, huge. */
export const hostileSegment = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/), weight: 8 },
  fc.stringMatching(/^[a-z0-9.-]{1,300}$/),
  fc.constantFrom('..', '.', 'a..b', '-a', 'a-', 'API', 'etc', 'passwd', 'deploy', 'pod', 'sts', 'prod', 'staging', 'a'.repeat(64), 'a'.repeat(254), `${'a.'.repeat(127)}a`, '%2e%2e', 'a%2Fb', 'a?b', 'a#b', '*'),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.nat({ max: 12_000 }).map((n) => 'b'.repeat(n + 1)),
);

export const hostileSlashText = fc
  .tuple(
    fc.array(hostileSegment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')),
    fc.option(fc.tuple(fc.constantFrom('-n', '--namespace', '--cluster', '-n=', '--cluster='), hostileSegment), { nil: undefined }),
  )
  .map(([target, flag]) => (flag === undefined ? target : flag[0].endsWith('=') ? `${target} ${flag[0]}${flag[1]}` : `${target} ${flag[0]} ${flag[1]}`));
