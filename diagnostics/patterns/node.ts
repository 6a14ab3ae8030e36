import type { LogPattern } from './types.ts';

export const NODE_PATTERNS: LogPattern[] = [
  {
    id: 'node-module',
    cause: 'missing-dependency',
    re: /Cannot find (?:module|package) '([^']+)'|ERR_MODULE_NOT_FOUND|MODULE_NOT_FOUND/,
    weight: 4,
    subject: 1,
    title: 'The Node.js module "$1" cannot be found in the image',
  },
  {
    id: 'node-heap',
    cause: 'app-error',
    re: /JavaScript heap out of memory|Reached heap limit Allocation failed/,
    weight: 4,
    title: 'Node.js ran out of heap (JavaScript heap out of memory) before the container limit was reached',
  },
  {
    id: 'node-json',
    cause: 'config-invalid',
    re: /Unexpected token .{1,5} in JSON|Unexpected end of JSON input|is not valid JSON/,
    weight: 3.3,
    title: 'A JSON configuration cannot be parsed',
  },
  {
    id: 'npm-missing-script',
    cause: 'config-invalid',
    re: /npm ERR! [Mm]issing script: "?(\w+)"?|npm error Missing script: "?(\w+)"?/,
    weight: 3.5,
    subject: 1,
    title: 'package.json has no "$1" script',
  },
  {
    id: 'npm-enoent-package',
    cause: 'config-file-missing',
    re: /npm (?:ERR!|error) (?:enoent|code ENOENT)?.*(?:package\.json)/,
    weight: 3.4,
    title: 'package.json is missing from the working directory',
  },
  {
    id: 'node-error',
    cause: 'app-error',
    re: /^\s*(?:Uncaught )?(TypeError|ReferenceError|RangeError|SyntaxError|Error|AssertionError|UnhandledPromiseRejection\w*)(?: \[\w+\])?: .+/,
    weight: 1.1,
    subject: 1,
    title: 'The app crashed with $1',
  },
  {
    id: 'node-unhandled',
    cause: 'app-error',
    re: /UnhandledPromiseRejection|triggerUncaughtException|process\.on\('uncaughtException'\)/,
    weight: 0.8,
    title: 'The app crashed with an unhandled exception',
  },
];
