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

function installedVersion(root, pkg) {
  try {
    return JSON.parse(readFileSync(new URL(`node_modules/${pkg}/package.json`, root), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/**
 * The bundles of dist/vendor (scripts/build.mjs) by package name, or an empty map. They serve exactly the
 * names the dist/ they were built with imports, so they are used with that dist/ only; and only while
 * every bundled package is the version installed and package-lock.json has not changed since (a dependency
 * update makes them stale until the next build). All or none: a mix would load two copies of a package.
 * @returns {Map<string, URL>}
 */
function vendorBundles(root, stamp) {
  const none = new Map();
  if (stamp === undefined || typeof stamp.vendored !== 'object' || stamp.vendored === null) return none;
  if (stamp.startedAt < mtime(new URL('package-lock.json', root))) return none;
  const bundles = new Map();
  for (const [pkg, { file, version }] of Object.entries(stamp.vendored)) {
    const url = new URL(`dist/vendor/${file}`, root);
    if (typeof version !== 'string' || version !== installedVersion(root, pkg) || !existsSync(url)) return none;
    bundles.set(pkg, url);
  }
  // Built-ins re-exported by plain properties (scripts/build.mjs): only for the Node that wrote them.
  if (stamp.node === process.version && typeof stamp.builtins === 'object' && stamp.builtins !== null) {
    for (const [name, file] of Object.entries(stamp.builtins)) {
      const url = new URL(`dist/vendor/${file}`, root);
      if (!existsSync(url)) return none;
      bundles.set(`node:${name}`, url);
      bundles.set(name, url);
    }
  }
  return bundles;
}

/**
 * @param {URL} root the checkout or package directory (ends with '/')
 * @returns {{ entry: URL, mode: 'dist' | 'source', bundles: Map<string, URL> }}
 */
export function selectEntry(root) {
  const source = new URL('src/cli/main.ts', root);
  const compiled = new URL('dist/src/cli/main.js', root);
  const stamp = readStamp(root);
  const hasSources = existsSync(source);
  const distFresh = stamp !== undefined && existsSync(compiled) && (!hasSources || stamp.startedAt >= newestSourceChange(root));
  const useDist = distFresh || !hasSources;
  return { entry: useDist ? compiled : source, mode: useDist ? 'dist' : 'source', bundles: useDist ? vendorBundles(root, stamp) : new Map() };
}
