#!/usr/bin/env node
// `npm run build` (and `prepare`, so `npm ci` builds): compiles the sources to dist/ with tsc and bundles
// @kubernetes/client-node into dist/vendor/client-node.js. The launcher (bin/crashloop.js) runs dist/
// only while dist/build-stamp.json is newer than every source file, and the bundle only while it matches
// the installed client-node; otherwise it runs the sources, which cannot be stale. See docs/development.md.
//
// Why a bundle: client-node's entry (and its KubeConfig, which pulls in the whole generated client) is
// about 1,000 files; resolving and reading them is most of `crashloop diagnose`'s start-up. One minified
// file of the same code loads in a fraction of the time and memory (figures in docs/benchmarks.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const vendorDir = new URL('../dist/vendor/', import.meta.url);
mkdirSync(vendorDir, { recursive: true });
const clientNodeVersion = JSON.parse(readFileSync(require.resolve('@kubernetes/client-node/package.json'), 'utf8')).version;
let bundled = false;
try {
  const { build } = await import('rolldown');
  await build({
    input: fileURLToPath(new URL('../src/cluster/client-node.ts', import.meta.url)),
    platform: 'node',
    logLevel: 'silent',
    output: { file: fileURLToPath(new URL('client-node.js', vendorDir)), format: 'esm', minify: true },
  });
  bundled = existsSync(new URL('client-node.js', vendorDir));
} catch (error) {
  // Without the bundle the launcher imports the package as installed: slower, same behaviour.
  log(`could not bundle @kubernetes/client-node (${error instanceof Error ? error.message : String(error)}); the installed package is used.`);
}

writeFileSync(new URL('../dist/build-stamp.json', import.meta.url), `${JSON.stringify({ startedAt, clientNode: bundled ? clientNodeVersion : null })}\n`);
log(`dist/ built${bundled ? `, client-node ${clientNodeVersion} bundled` : ''} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
