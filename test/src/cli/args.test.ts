import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/cli/args.ts';
import { CliError, EXIT } from '../../../src/cli/exit-codes.ts';

function usageError(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(EXIT.USAGE);
    return (err as CliError).message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('parses a live diagnose with namespace, context and output', () => {
    expect(parseCommandLine(['diagnose', 'api', '-n', 'prod', '--context', 'kind-dev', '-o', 'json'])).toEqual({
      name: 'diagnose',
      target: 'api',
      namespace: 'prod',
      context: 'kind-dev',
      output: 'json',
      timeoutMs: 30_000,
      debug: false,
    });
  });

  it('parses --snapshot, stdin and colour flags', () => {
    expect(parseCommandLine(['diagnose', '--snapshot', 's.json'])).toEqual({ name: 'diagnose-file', file: 's.json', output: 'text', debug: false });
    expect(parseCommandLine(['diagnose', '--snapshot=-', '--output=json', '--no-color', '--debug'])).toEqual({
      name: 'diagnose-file',
      file: '-',
      output: 'json',
      color: false,
      debug: true,
    });
  });

  it('parses snapshot, serve, help and version', () => {
    expect(parseCommandLine(['snapshot', 'prod/api-1', '--timeout', '5'])).toMatchObject({ name: 'snapshot', target: 'prod/api-1', timeoutMs: 5000 });
    expect(parseCommandLine(['serve', '--port', '3000'])).toEqual({ name: 'serve', argv: ['--port', '3000'], debug: false });
    expect(parseCommandLine([])).toMatchObject({ name: 'help' });
    expect(parseCommandLine(['--help'])).toMatchObject({ name: 'help' });
    expect(parseCommandLine(['diagnose', '--help'])).toMatchObject({ name: 'help', topic: 'diagnose' });
    expect(parseCommandLine(['--version'])).toMatchObject({ name: 'version' });
  });

  it.each([
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['-n', 'prod', 'diagnose'], /Put the command first/],
    [['diagnose'], /Missing target/],
    [['diagnose', 'a', 'b'], /Expected one target, got 2/],
    [['diagnose', 'api', '--output', 'yaml'], /--output must be text or json/],
    [['diagnose', 'api', '--bogus'], /Unknown option '--bogus'/],
    [['diagnose', 'api', '--snapshot', 'f.json'], /either a target or --snapshot/],
    [['diagnose', '--snapshot', 'f.json', '-n', 'prod'], /do not apply to --snapshot/],
    [['diagnose', 'api', '--timeout=-3'], /--timeout must be a positive number/],
    [['diagnose', 'api', '--timeout', 'soon'], /--timeout must be a positive number/],
    [['snapshot'], /Missing target/],
    [['snapshot', 'api', '-o', 'text'], /always prints JSON/],
  ])('rejects %j', (argv, message) => {
    expect(usageError(argv)).toMatch(message);
    expect(usageError(argv)).toMatch(/crashloop --help/);
  });
});
