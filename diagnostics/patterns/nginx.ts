import type { LogPattern } from './types.ts';
import { group, seq } from './any-of.ts';

export const NGINX_PATTERNS: LogPattern[] = [
  {
    id: 'nginx-upstream-host',
    cause: 'dns-failure',
    re: /\[emerg\][^\n]*host not found in (?:upstream|resolver) "?([^"\s]+)"?/,
    weight: 4.5,
    subject: 1,
    title: 'nginx cannot resolve the upstream host $1',
  },
  {
    id: 'nginx-bind-in-use',
    cause: 'port-in-use',
    re: /\[emerg\][^\n]*bind\(\) to (\S+) failed \(98: Address (?:already )?in use\)/,
    weight: 4.5,
    subject: 1,
    title: 'nginx cannot bind $1: address already in use',
  },
  {
    id: 'nginx-bind-denied',
    cause: 'permission-denied',
    re: /\[emerg\][^\n]*bind\(\) to (\S+) failed \(13: Permission denied\)/,
    weight: 4.5,
    subject: 1,
    title: 'nginx cannot bind $1 as a non-root user (Permission denied)',
  },
  {
    id: 'nginx-denied',
    cause: 'permission-denied',
    re: seq([
      /\[(?:emerg|alert|crit)\][^\n]*(?:open|mkdir|chown)\(\) "([^"]+)" failed \(/,
      group([
        /13: Permission denied/,
        /30: Read-only file system/,
        /1: Operation not permitted/,
      ]),
      /\)/,
    ]),
    weight: 4.5,
    subject: 1,
    title: 'nginx cannot write $1 (Permission denied)',
  },
  {
    id: 'nginx-cert-missing',
    cause: 'config-file-missing',
    re: /\[emerg\][^\n]*cannot load certificate(?: key)? "([^"]+)"[^\n]*No such file/,
    weight: 4.6,
    subject: 1,
    title: 'The certificate file $1 does not exist',
  },
  {
    id: 'nginx-cert',
    cause: 'tls-error',
    re: seq([
      /\[emerg\][^\n]*/,
      group([
        /cannot load certificate/,
        /SSL_CTX_use_PrivateKey/,
        /PEM_read_bio/,
        /key values mismatch/,
      ]),
    ]),
    weight: 4.4,
    title: 'nginx cannot load its TLS certificate or key',
  },
  {
    id: 'nginx-open-missing',
    cause: 'config-file-missing',
    re: /\[emerg\][^\n]*open\(\) "([^"]+)" failed \(2: No such file or directory\)/,
    weight: 4.5,
    subject: 1,
    title: 'nginx cannot open $1: no such file',
  },
  {
    id: 'nginx-emerg',
    cause: 'config-invalid',
    re: /\[emerg\] (?:\d+#\d+: )?(.+)/,
    weight: 3.4,
    subject: 1,
    title: 'nginx configuration is invalid: $1',
  },
];
