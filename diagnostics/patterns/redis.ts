import type { LogPattern } from './types.ts';
import { anyOf, group, seq } from './any-of.ts';

export const REDIS_PATTERNS: LogPattern[] = [
  {
    id: 'redis-config',
    cause: 'config-invalid',
    re: anyOf([
      /FATAL CONFIG FILE ERROR/,
      /Bad directive or wrong number of arguments/,
      /Invalid argument during startup/,
    ]),
    weight: 4,
    title: 'redis.conf is invalid',
  },
  {
    id: 'redis-rdb-denied',
    cause: 'permission-denied',
    re: seq([
      group([
        /Can't open the append-only file/,
        /Fatal error loading the DB/,
        /Failed opening the RDB file/,
        /Can't (?:open|create) [^\n]*/,
      ]),
      /[: ]+Permission denied/,
    ]),
    weight: 4.5,
    title: 'Redis cannot write its data directory (Permission denied)',
  },
  {
    id: 'redis-noauth',
    cause: 'auth-failure',
    re: anyOf([
      /NOAUTH Authentication required/,
      /WRONGPASS invalid username-password pair/,
      /ERR invalid password/,
      /AUTH failed/,
    ]),
    weight: 4,
    title: 'Redis rejected the credentials',
  },
  {
    id: 'redis-corrupt',
    cause: 'app-error',
    re: anyOf([
      /Bad file format reading the append only file/,
      /Short read or OOM loading DB/,
      /Unrecoverable error, aborting now/,
      /Can't handle RDB format version/,
    ]),
    weight: 3.5,
    title: 'Redis cannot load its data file',
  },
];
