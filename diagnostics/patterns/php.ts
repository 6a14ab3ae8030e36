import type { LogPattern } from './types.ts';
import { anyOf, group, seq } from './any-of.ts';

export const PHP_PATTERNS: LogPattern[] = [
  {
    id: 'php-autoload',
    cause: 'missing-dependency',
    re: anyOf([
      /Failed opening required '([^']*vendor\/[^']*)'/,
      /Class ["']?([\w\\]+)["']? not found/,
      /Call to undefined function ([\w\\]+)\(\)/,
    ]),
    weight: 3.6,
    subject: 1,
    title: 'Code is missing from the image (composer install?): $1',
  },
  {
    id: 'php-require',
    cause: 'config-file-missing',
    re: anyOf([
      /Failed opening required '([^']+)'/,
      /failed to open (?:stream|configuration file) '?([^':]*)'?:? No such file/,
    ]),
    weight: 3.5,
    subject: 1,
    title: 'The file $1 does not exist',
  },
  {
    id: 'php-memory',
    cause: 'app-error',
    re: /Allowed memory size of \d+ bytes exhausted/,
    weight: 4,
    title: 'PHP exceeded its memory_limit (a PHP setting, not the container limit)',
  },
  {
    id: 'php-fpm-config',
    cause: 'config-invalid',
    re: seq([
      /ERROR: (?:\[pool [^\]]+\] )?/,
      group([
        /cannot get [ug]id/,
        /failed to load configuration/,
        /unable to parse/,
      ]),
    ]),
    weight: 3.5,
    title: 'php-fpm configuration is invalid',
  },
  {
    id: 'php-fpm-init',
    cause: 'app-error',
    re: /FPM initialization failed/,
    weight: 0.8,
    title: 'php-fpm failed to start',
  },
  {
    id: 'php-parse',
    cause: 'app-error',
    re: /PHP Parse error: (.+)/,
    weight: 3,
    subject: 1,
    title: 'PHP parse error: $1',
  },
  {
    id: 'php-fatal',
    cause: 'app-error',
    re: /PHP Fatal error: +(?:Uncaught )?(.+)/,
    weight: 1.3,
    subject: 1,
    title: 'PHP fatal error: $1',
  },
];
