import type { LogPattern } from './types.ts';
import { anyOf, group, seq } from './any-of.ts';

export const POSTGRES_PATTERNS: LogPattern[] = [
  // Data-directory problems of the postgres image on a fresh volume: wrong owner, lost+found at the
  // volume root, chmod refused. All are fixed with fsGroup/securityContext or a PGDATA subdirectory.
  {
    id: 'pg-wrong-ownership',
    cause: 'permission-denied',
    re: seq([
      /data directory "([^"]+)" has /,
      group([
        /wrong ownership/,
        /invalid permissions/,
        /group or world access/,
      ]),
    ]),
    weight: 4.5,
    subject: 1,
    title: 'PostgreSQL refuses the data directory $1: wrong ownership or permissions',
  },
  {
    id: 'pg-not-empty',
    cause: 'permission-denied',
    re: /initdb: (?:error: )?directory "([^"]+)" exists but is not empty/,
    weight: 4.5,
    subject: 1,
    title: 'initdb cannot use $1: the volume is not empty (lost+found?)',
  },
  {
    id: 'pg-chmod',
    cause: 'permission-denied',
    re: anyOf([
      /could not change permissions of directory "([^"]+)"/,
      /chmod: changing permissions of '([^']+)': Operation not permitted/,
      /chown: changing ownership of '([^']+)'/,
    ]),
    weight: 4.5,
    subject: 1,
    title: 'Cannot change permissions of $1 on the volume',
  },
  {
    id: 'pg-uninitialized',
    cause: 'missing-env-var',
    re: anyOf([
      /Database is uninitialized and superuser password is not specified/,
      /POSTGRES_PASSWORD (?:is not specified|must be set)/,
    ]),
    weight: 4.5,
    title: 'POSTGRES_PASSWORD is not set for a fresh database',
  },
  {
    id: 'pg-auth',
    cause: 'auth-failure',
    re: seq([
      /FATAL: +/,
      group([
        /password authentication failed/,
        /no pg_hba\.conf entry/,
        /role "[^"]+" does not exist/,
      ]),
    ]),
    weight: 4,
    title: 'PostgreSQL rejected the credentials',
  },
  {
    id: 'pg-no-db',
    cause: 'config-invalid',
    re: /FATAL: +database "([^"]+)" does not exist/,
    weight: 3.6,
    subject: 1,
    title: 'The database "$1" does not exist',
  },
  {
    id: 'pg-incompatible',
    cause: 'config-invalid',
    re: /database files are incompatible with server|was initialized by PostgreSQL version/,
    weight: 4,
    title: 'The data directory was created by another PostgreSQL major version',
  },
  {
    id: 'pg-conf',
    cause: 'config-invalid',
    re: anyOf([
      /(?:syntax error in file|unrecognized configuration parameter|invalid value for parameter) "([^"]+)"/,
      /configuration file "([^"]+)" contains errors/,
    ]),
    weight: 3.8,
    subject: 1,
    title: 'postgresql.conf is invalid: $1',
  },
  {
    id: 'pg-panic',
    cause: 'app-error',
    re: /PANIC: +(.+)/,
    weight: 2,
    subject: 1,
    title: 'PostgreSQL panicked: $1',
  },
];
