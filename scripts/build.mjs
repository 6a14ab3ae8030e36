#!/usr/bin/env node
// `npm run build` (and `prepare`, so `npm ci` builds): compiles the sources to dist/ with tsc and bundles
// the run-time packages (client-node, Bolt, the Slack Web API, BullMQ, ioredis, pino, prom-client, yaml,
// zod) into dist/vendor/: one minified entry per package, with shared chunks, exporting exactly the names
// dist/ imports. The launcher (bin/crashloop.js) runs dist/ only while dist/build-stamp.json is newer than
// every source file, and the bundles only with that dist/ and while every bundled package is the version
// installed; otherwise it runs the sources, which cannot be stale. See docs/development.md.
//
// Why bundles: client-node's entry (and its KubeConfig, which pulls in the whole generated client) is
// about 1,000 files, the others several hundred more; resolving, reading and keeping their sources is most
// of `crashloop diagnose`'s start-up and a good part of an idle bot's memory. Minified files of the same
// code load in a fraction of the time and memory (figures in docs/benchmarks.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const log = (message) => process.stderr.write(`build: ${message}\n`);

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  // `npm ci --omit=dev` runs `prepare` too, without the compiler: the sources still run as they are.
  log('typescript is not installed (production install?): skipping; crashloop runs from the sources.');
  process.exit(0);
}

// Recorded before tsc reads anything: a source saved during the build is newer, so dist/ counts as stale.
const startedAt = Date.now();
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) {
  log('tsc failed; dist/ is incomplete and will not be used.');
  process.exit(compiled.status ?? 1);
}

// The packages loaded at run time, bundled (see the header). Every value name dist/ imports from them is
// collected from the compiled code itself, so the bundles always export exactly what the code uses.
const VENDORED = ['@kubernetes/client-node', '@slack/bolt', '@slack/web-api', 'bullmq', 'ioredis', 'pino', 'prom-client', 'yaml', 'zod'];
// Native add-ons stay outside (msgpackr loads its optional extension by path); Node resolves them from node_modules.
const EXTERNAL = [/^msgpackr-extract/];
const vendorDir = new URL('../dist/vendor/', import.meta.url);
const entryDir = new URL('../dist/.vendor-entries/', import.meta.url);

/** Value names dist/ imports from each vendored package; throws on any import form the bundles cannot serve. */
function namesUsed() {
  const names = new Map(VENDORED.map((p) => [p, new Set()]));
  const files = readdirSync(new URL('../dist/', import.meta.url), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.js'));
  for (const entry of files) {
    const text = readFileSync(`${entry.parentPath}/${entry.name}`, 'utf8');
    for (const m of text.matchAll(/\b(?:import|export)\s*(\{[^}]*\}|\*(?:\s+as\s+\w+)?|\w+(?:\s*,\s*\{[^}]*\})?)\s*from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const pkg = m[2] ?? m[3];
      if (!names.has(pkg)) continue;
      if (m[3] !== undefined || !m[1].startsWith('{')) throw new Error(`${entry.name} imports ${pkg} as \`${m[0].slice(0, 60)}\`; only named imports can be bundled`);
      for (const part of m[1].slice(1, -1).split(',')) {
        const name = part.trim().split(/\s+as\s+/)[0];
        if (name) names.get(pkg).add(name);
      }
    }
  }
  return names;
}

/**
 * undici (a megabyte of code) is named by client-node's config.js for its fetch dispatchers. Our
 * Kubernetes reads and writes go through node:https (src/cluster/actions/kube-rest.ts), so for client-node
 * undici is loaded from node_modules on first use only: each name is a stand-in that builds, calls or
 * instanceof-checks the real one. (Bolt's Socket Mode client keeps the bundled undici: with the stand-in
 * its WebSocket connected but never answered.)
 */
const UNDICI_NAMES = ['Agent', 'ProxyAgent', 'WebSocket', 'ErrorEvent', 'MessageEvent', 'CloseEvent'];
const UNDICI_FUNCTIONS = ['fetch', 'buildConnector', 'ping'];
const LAZY_UNDICI = `import { createRequire } from 'node:module';
let real;
const load = () => (real ??= createRequire(import.meta.url)('undici'));
const lazyClass = (name) => {
  function Lazy(...args) { return new (load()[name])(...args); }
  Object.defineProperty(Lazy, Symbol.hasInstance, { value: (x) => x instanceof load()[name] });
  return Lazy;
};
${UNDICI_NAMES.map((n) => `export const ${n} = lazyClass('${n}');`).join('\n')}
${UNDICI_FUNCTIONS.map((n) => `export function ${n}(...args) { return load().${n}(...args); }`).join('\n')}
`;
const lazyUndici = {
  name: 'lazy-undici',
  // client-node only: Bolt's Socket Mode client needs the real module (checked by a Socket Mode run of the bundle).
  resolveId: (source, importer) => (source === 'undici' && importer?.includes('/@kubernetes/client-node/') ? '\0lazy-undici' : null),
  load: (id) => (id === '\0lazy-undici' ? LAZY_UNDICI : null),
};

const vendored = {};
try {
  const { build } = await import('rolldown');
  mkdirSync(entryDir, { recursive: true });
  const input = {};
  for (const [pkg, set] of namesUsed()) {
    if (set.size === 0) continue;
    const key = pkg.replace(/^@/, '').replace(/\//g, '-');
    const entry = new URL(`${key}.mjs`, entryDir);
    writeFileSync(entry, `export { ${[...set].sort().join(', ')} } from '${pkg}';\n`);
    input[key] = fileURLToPath(entry);
    vendored[pkg] = { file: `${key}.js`, version: JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')).version };
  }
  await build({
    input,
    cwd: root,
    platform: 'node',
    logLevel: 'silent',
    external: EXTERNAL,
    plugins: [lazyUndici],
    // client-node's modules only define classes and functions: declared free of side effects, the ~900
    // generated models and API groups its barrel files re-export drop out unless something uses them.
    treeshake: { moduleSideEffects: (id) => !id.includes('/@kubernetes/client-node/') },
    // One-byte source strings: V8 keeps every module's source in the heap, twice the size when it is not ASCII.
    output: {
      dir: fileURLToPath(vendorDir),
      format: 'esm',
      minify: true,
      charset: 'ascii',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunk-[hash].js',
    },
  });
  for (const v of Object.values(vendored)) if (!existsSync(new URL(v.file, vendorDir))) throw new Error(`${v.file} was not written`);
} catch (error) {
  // Without the bundles the launcher imports the packages as installed: slower, same behaviour.
  log(`could not bundle the dependencies (${error instanceof Error ? error.message : String(error)}); the installed packages are used.`);
  rmSync(vendorDir, { recursive: true, force: true });
  for (const key of Object.keys(vendored)) delete vendored[key];
} finally {
  rmSync(entryDir, { recursive: true, force: true });
}

/**
 * Node's `http`, `tls` and `crypto` have lazy getters (`http.WebSocket` loads Node's own undici,
 * `tls.rootCertificates` parses every root certificate, `crypto.webcrypto` sets up WebCrypto). An ESM
 * import of a built-in reads every export, getters included: `import { request } from 'node:http'` cost
 * 80-320 ms where `require('node:http')` cost 9-24 ms (load 15). These stand-ins re-export the plain
 * properties of the required module; the launcher sends the ESM imports of dist/ and dist/vendor to them.
 */
const SHIMMED_BUILTINS = ['http', 'tls', 'crypto'];
const builtins = {};
if (Object.keys(vendored).length > 0) {
  for (const name of SHIMMED_BUILTINS) {
    const mod = require(`node:${name}`);
    const plain = Object.entries(Object.getOwnPropertyDescriptors(mod)).filter(([key, d]) => !d.get && /^[A-Za-z_$][\w$]*$/.test(key) && key !== 'default').map(([key]) => key);
    const file = `builtin-${name}.js`;
    writeFileSync(
      new URL(file, vendorDir),
      `import { createRequire } from 'node:module';\nconst m = createRequire(import.meta.url)('node:${name}');\nexport default m;\nexport const { ${plain.join(', ')} } = m;\n`,
    );
    builtins[name] = file;
  }
}

writeFileSync(new URL('../dist/build-stamp.json', import.meta.url), `${JSON.stringify({ startedAt, vendored, builtins, node: process.version })}\n`);
const count = Object.keys(vendored).length;
log(`dist/ built${count > 0 ? `, ${count} packages bundled` : ''} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
