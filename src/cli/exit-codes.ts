// The `crashloop` exit codes. Documented in `crashloop --help` and docs/cli.md; scripts rely on them.
export const EXIT = {
  /** Diagnosed (findings or not) or the command did what was asked. */
  OK: 0,
  /** Something unexpected broke inside crashloop (a bug: run with --debug and report it). */
  INTERNAL: 1,
  /** Bad command line: unknown command or option, missing argument. */
  USAGE: 2,
  /** The target did not resolve to one pod: not found, or ambiguous. */
  NOT_FOUND: 3,
  /** The cluster could not be used: unreachable, timed out, credentials rejected, access forbidden, bad kubeconfig. */
  CLUSTER: 4,
  /** The --snapshot file is missing, unreadable, not JSON, or not a snapshot. */
  BAD_SNAPSHOT: 5,
  /** `feedback export`: Redis could not be used (unreachable, timed out, credentials rejected). */
  REDIS: 6,
  /** `feedback export`: the fixture files could not be written. */
  OUTPUT: 7,
  /** A rule pack (--rules, CRASHLOOP_RULES_DIR, `crashloop rules`) is missing, unreadable or invalid. */
  BAD_RULES: 8,
  /** `crashloop rules test`: the pack is valid, but some snapshot had no line any of its rules matched. */
  NO_MATCH: 9,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that ends the command with a given exit code and one line for the user. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  constructor(exitCode: ExitCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
