// Erlang/OTP and Elixir crash markers. The BEAM reports a crash in its own shapes: a `=CRASH REPORT====` or
// `=SUPERVISOR REPORT====` block whose `exception error:`/`exception exit:` line names the error, and a release that
// dies before its applications start prints `{"init terminating in do_boot",...}`. These say only "the app crashed"
// (weight 1): a specific signature on the same or a nearby line (an errno atom, a decoded message) still decides.
import type { LogPattern } from './types.ts';

export const ERLANG_PATTERNS: LogPattern[] = [
  {
    id: 'erlang-exception',
    cause: 'app-error',
    re: /^\s*exception (?:error|exit|throw): (.{1,160})/,
    weight: 1.1,
    title: 'The Erlang process crashed: $1',
  },
  {
    id: 'erlang-do-boot',
    cause: 'app-error',
    re: /\binit terminating in do_boot\b/,
    weight: 1,
    title: 'The Erlang VM stopped while booting the release',
  },
  {
    id: 'erlang-start-error',
    cause: 'app-error',
    re: /^\s*errorContext: (?:start_error|child_terminated|shutdown_error)\b/,
    weight: 0.9,
    title: 'An Erlang supervisor could not keep its child running',
  },
];
