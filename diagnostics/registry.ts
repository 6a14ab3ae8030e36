// The rules the engine runs. Adding a cause: its rule file, its fixtures, its test and one line here.
import type { Rule } from './types.ts';
import { oomRule } from './rules/oom.ts';
import { livenessRule } from './rules/probes.ts';
import { configRefRule } from './rules/config-ref.ts';
import { imagePullRule } from './rules/image-pull.ts';
import { startErrorRule } from './rules/start-error.ts';
import { exitedZeroRule } from './rules/exited-zero.ts';
import { signalsRule } from './rules/signals.ts';
import { volumeRule } from './rules/volume.ts';
import { diskRule } from './rules/disk.ts';
import { logsRule } from './rules/logs.ts';
import { unknownRule } from './rules/unknown.ts';

export const RULES: readonly Rule[] = [
  oomRule,
  livenessRule,
  configRefRule,
  imagePullRule,
  startErrorRule,
  exitedZeroRule,
  signalsRule,
  volumeRule,
  diskRule,
  logsRule,
  unknownRule,
];
