// The log-pattern library, every ecosystem together. Order does not matter: weight decides per line.
import type { LogPattern } from './types.ts';
import { GENERIC_PATTERNS } from './generic.ts';
import { PYTHON_PATTERNS } from './python.ts';
import { NODE_PATTERNS } from './node.ts';
import { JVM_PATTERNS } from './jvm.ts';
import { GO_PATTERNS } from './go.ts';
import { RUBY_PATTERNS } from './ruby.ts';
import { PHP_PATTERNS } from './php.ts';
import { NGINX_PATTERNS } from './nginx.ts';
import { POSTGRES_PATTERNS } from './postgres.ts';
import { MYSQL_PATTERNS } from './mysql.ts';
import { REDIS_PATTERNS } from './redis.ts';
import { K8S_COMPONENT_PATTERNS } from './k8s-components.ts';
import { ERLANG_PATTERNS } from './erlang.ts';
import { FAMILY_PATTERNS } from './families.ts';

export type { LogPattern } from './types.ts';

export const LOG_PATTERNS: LogPattern[] = [
  ...K8S_COMPONENT_PATTERNS,
  ...POSTGRES_PATTERNS,
  ...MYSQL_PATTERNS,
  ...REDIS_PATTERNS,
  ...NGINX_PATTERNS,
  ...PYTHON_PATTERNS,
  ...NODE_PATTERNS,
  ...JVM_PATTERNS,
  ...GO_PATTERNS,
  ...RUBY_PATTERNS,
  ...PHP_PATTERNS,
  ...ERLANG_PATTERNS,
  ...GENERIC_PATTERNS,
  ...FAMILY_PATTERNS,
];
