import type { LogPattern } from './types.ts';

export const GO_PATTERNS: LogPattern[] = [
  {
    id: 'go-cgo-signal',
    cause: 'segfault',
    re: /fatal error: unexpected signal during runtime execution/,
    weight: 3.8,
    title: 'The process crashed with a segmentation fault in native code',
  },
  // A Go nil-pointer panic prints "[signal SIGSEGV …]" but it is a bug in Go code (exit 2), not a
  // native memory corruption: it is reported as app-error, quoting the panic line.
  {
    id: 'go-nil-panic',
    cause: 'app-error',
    re: /panic: runtime error: (invalid memory address or nil pointer dereference|index out of range[^\n]*|slice bounds out of range[^\n]*)/,
    weight: 3,
    subject: 1,
    title: 'The app panicked: runtime error: $1',
  },
  {
    id: 'go-concurrent-map',
    cause: 'app-error',
    re: /fatal error: (concurrent map (?:writes|read and map write)|all goroutines are asleep - deadlock!)/,
    weight: 3,
    subject: 1,
    title: 'The app crashed: fatal error: $1',
  },
  {
    id: 'go-oom',
    cause: 'app-error',
    re: /fatal error: runtime: out of memory/,
    weight: 3,
    title: 'The Go runtime could not allocate memory',
  },
  {
    id: 'k8s-observed-panic',
    cause: 'app-error',
    re: /Observed a panic: (.+)/,
    weight: 1.4,
    subject: 1,
    title: 'The app panicked: $1',
  },
  {
    id: 'go-panic',
    cause: 'app-error',
    re: /^panic: (.+)/,
    weight: 1.3,
    subject: 1,
    title: 'The app panicked: $1',
  },
];
