import type { LogPattern } from './types.ts';
import { anyOf } from './any-of.ts';

export const MYSQL_PATTERNS: LogPattern[] = [
  {
    id: 'mysql-uninitialized',
    cause: 'missing-env-var',
    re: anyOf([
      /Database is uninitialized and password option is not specified/,
      /You need to specify one of (?:the following|MYSQL_ROOT_PASSWORD|MARIADB_ROOT_PASSWORD)/,
    ]),
    weight: 4.5,
    title: 'MYSQL_ROOT_PASSWORD (or an alternative) is not set for a fresh database',
  },
  {
    id: 'mysql-not-empty',
    cause: 'permission-denied',
    re: anyOf([
      /--initialize specified but the data directory has files in it/,
      /data directory has files in it\. Aborting/,
    ]),
    weight: 4.5,
    title: 'mysqld cannot initialize: the data volume is not empty (lost+found?)',
  },
  {
    id: 'mysql-errno13',
    cause: 'permission-denied',
    re: /(?:Operating system error number 13|Errcode: 13|errno: 13|Can't create\/write to file)/,
    weight: 4,
    title: 'mysqld cannot write its data directory (errno 13)',
  },
  {
    id: 'mysql-unknown-option',
    cause: 'config-invalid',
    re: anyOf([
      /unknown (?:variable|option) '([^']+)'/,
      /Found option without preceding group/,
      /Fatal error in defaults handling/,
    ]),
    weight: 3.6,
    subject: 1,
    title: 'MySQL configuration is invalid: $1',
  },
  {
    id: 'mysql-access',
    cause: 'auth-failure',
    re: /Access denied for user '([^']+)'/,
    weight: 4,
    subject: 1,
    title: 'MySQL rejected the credentials of $1',
  },
  {
    id: 'mysql-unknown-host',
    cause: 'dns-failure',
    re: /Unknown (?:MySQL )?server host '([^']+)'/,
    weight: 4,
    subject: 1,
    title: 'Cannot resolve the MySQL host $1',
  },
  {
    id: 'mysql-connect',
    cause: 'dependency-unreachable',
    re: /Can't connect to (?:local )?MySQL server(?: on '([^']+)')?/,
    weight: 3.5,
    subject: 1,
    title: 'MySQL server $1 is unreachable',
  },
];
