// Loads the one authorization policy of the process: every path (slash command, buttons, worker,
// actions) decides with the same object.
import { readFileSync } from 'node:fs';
import { DEFAULT_POLICY, parsePolicy, type Policy } from './policy.ts';

/** The policy from CRASHLOOP_POLICY_FILE, else inline YAML in ACTIONS_POLICY, else the safe default. */
export function loadPolicy(path: string | undefined, env: Record<string, string | undefined> = process.env): Policy {
  if (path !== undefined) return parsePolicy(readFileSync(path, 'utf8'));
  const inline = env.ACTIONS_POLICY;
  if (inline !== undefined && inline.trim() !== '') return parsePolicy(inline);
  return DEFAULT_POLICY;
}
