#!/usr/bin/env node
// Launcher for the `crashloop` command. In a checkout the TypeScript sources run directly through
// Node 24's type stripping (no build step, never stale); a package without sources runs dist/.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `crashloop needs Node.js 24 or newer (this is ${process.version}).\n` +
      'Run it through npm (`npx crashloop …`), which puts the pinned Node 24 from node_modules/.bin first on PATH.\n',
  );
  process.exit(2);
}
const { existsSync } = await import('node:fs');
const source = new URL('../src/cli/main.ts', import.meta.url);
const entry = existsSync(source) ? source : new URL('../dist/src/cli/main.js', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
