import type { LogPattern } from './types.ts';
import type { LogLine } from '../context.ts';

/** A relative (./, ../) or absolute path to a data file: what a missing config looks like through require(). */
const DATA_FILE_REQUIRE = /^(?:\.{1,2}\/|\/)[^'"]*\.(?:json|ya?ml|env|toml|ini|conf)$/i;

const REQUIRE_HEADLINE = /Cannot find (?:module|package) '([^']+)'/;

/** The module named by the nearest "Cannot find module '…'" headline in the lines just before `index`. */
function requiredNear(lines: LogLine[], index: number): string | undefined {
  for (let i = index - 1; i >= Math.max(0, index - 12); i--) {
    const h = REQUIRE_HEADLINE.exec(lines[i]?.text ?? '');
    if (h) return h[1];
  }
  return undefined;
}

export const NODE_PATTERNS: LogPattern[] = [
  {
    id: 'node-module',
    cause: 'missing-dependency',
    re: /Cannot find (?:module|package) '([^']+)'|ERR_MODULE_NOT_FOUND|MODULE_NOT_FOUND/,
    weight: 4,
    subject: 1,
    title: 'The Node.js module "$1" cannot be found in the image',
    // require('./config.json') names a data file next to the code, not a package: a missing relative .json/.yaml/
    // .env/.toml is the app's configuration file. A relative .js module or a bare package name stays a dependency.
    // The error object's "code: 'MODULE_NOT_FOUND'" restates the headline a few lines up: it takes the headline's role.
    classify: (m, lines, index) => (DATA_FILE_REQUIRE.test(m[1] ?? requiredNear(lines, index) ?? '') ? 'config-file-missing' : 'missing-dependency'),
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
