// Which code the launcher runs: the compiled dist/ when it is fresh, else the TypeScript sources.
// dist/ is fresh when scripts/build.mjs started after the last change to any source file, tsconfig,
// package.json or package-lock.json (dist/build-stamp.json records the start). A checkout whose dist/
// is missing or older than its sources runs the sources through Node's type stripping instead: slower
// to start, but it can never run code older than what is on disk. A package without sources runs dist/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';

const SOURCE_DIRS = ['src', 'diagnostics', 'handlers'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

function mtime(url) {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return 0;
  }
}

/** The newest modification time of the files dist/ is built from (about 200 stats, ~2 ms). */
export function newestSourceChange(root) {
  let newest = 0;
  for (const name of SOURCE_FILES) newest = Math.max(newest, mtime(new URL(name, root)));
  for (const dir of SOURCE_DIRS) {
    let entries = [];
    try {
      entries = readdirSync(new URL(`${dir}/`, root), { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      // Directories count too: deleting or renaming a file changes its directory's time.
      newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
    }
  }
  return newest;
}

function readStamp(root) {
  try {
    const stamp = JSON.parse(readFileSync(new URL('dist/build-stamp.json', root), 'utf8'));
    return typeof stamp.startedAt === 'number' ? stamp : undefined;
  } catch {
    return undefined;
  }
}

function installedClientNodeVersion(root) {
  try {
    return JSON.parse(readFileSync(new URL('node_modules/@kubernetes/client-node/package.json', root), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/**
 * @param {URL} root the checkout or package directory (ends with '/')
 * @returns {{ entry: URL, mode: 'dist' | 'source', clientNodeBundle: URL | undefined }}
 */
export function selectEntry(root) {
  const source = new URL('src/cli/main.ts', root);
  const compiled = new URL('dist/src/cli/main.js', root);
  const stamp = readStamp(root);
  const hasSources = existsSync(source);
  const distFresh = stamp !== undefined && existsSync(compiled) && (!hasSources || stamp.startedAt >= newestSourceChange(root));
  // The bundle is client-node as installed when it was built: used only while that version is installed
  // and the lock file has not changed since (a dependency update makes it stale until the next build).
  const bundle = new URL('dist/vendor/client-node.js', root);
  const bundleFresh =
    stamp !== undefined &&
    typeof stamp.clientNode === 'string' &&
    stamp.clientNode === installedClientNodeVersion(root) &&
    stamp.startedAt >= mtime(new URL('package-lock.json', root)) &&
    existsSync(bundle);
  return { entry: distFresh || !hasSources ? compiled : source, mode: distFresh || !hasSources ? 'dist' : 'source', clientNodeBundle: bundleFresh ? bundle : undefined };
}
