#!/usr/bin/env node
// Restores lock-file entries for optional per-platform packages that `npm install` drops when the
// registry it talks to lacks them (a partial mirror does): without them `npm ci` refuses the lock file
// ("Missing: @msgpackr-extract/msgpackr-extract-darwin-arm64@ from lock file"). npm never downloads an
// entry whose os/cpu do not match the machine, so the entries only need name, version, os and cpu.
// Run after `npm install <pkg>`: node scripts/complete-lock.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const platforms = { 'darwin-arm64': ['darwin', 'arm64'], 'darwin-x64': ['darwin', 'x64'], 'linux-arm': ['linux', 'arm'], 'linux-arm64': ['linux', 'arm64'], 'linux-x64': ['linux', 'x64'], 'win32-x64': ['win32', 'x64'] };

let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  const optional = entry.optionalDependencies ?? {};
  for (const [name, version] of Object.entries(optional)) {
    const suffix = Object.keys(platforms).find((p) => name.endsWith(`-${p}`));
    if (!suffix) continue;
    const base = key === '' ? '' : `${key}/`;
    const nested = `${base}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (lock.packages[nested] || lock.packages[hoisted]) continue;
    const [os, cpu] = platforms[suffix];
    lock.packages[hoisted] = { version, cpu: [cpu], optional: true, os: [os] };
    added++;
  }
}
const sorted = {};
for (const k of Object.keys(lock.packages).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0))) sorted[k] = lock.packages[k];
lock.packages = sorted;
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: added ${added} platform entr${added === 1 ? 'y' : 'ies'}`);
