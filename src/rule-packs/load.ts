// Reads operator rule packs (docs/rule-packs.md) from a YAML file or a directory of them (CRASHLOOP_RULES_DIR,
// `--rules`), validates each with zod and compiles its regexes for linear-time matching. Every problem is reported at
// once as "file:line: path: what is wrong", never as a stack trace. The engine receives the result as data.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { PackRule, RulePack } from '../../diagnostics/packs.ts';
import { packSchema, ruleSchema, type RuleFile } from './schema.ts';
import { compileLinear, LINEAR_FLAG } from './linear-regex.ts';

export const MAX_PACK_FILES = 50;
export const MAX_PACK_BYTES = 256 * 1024;

export class RulePackError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Rule packs are invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RulePackError';
    this.problems = problems;
  }
}

type Path = (string | number)[];

function pathText(path: Path): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s === '' ? k : `${s}.${k}`), '') || '(top)';
}

/** The line of the YAML node at `path`, or of its nearest ancestor present in the file. */
function lineOf(doc: Document, counter: LineCounter, path: Path): number {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range) && typeof node.range[0] === 'number') {
      // A key's problem is best shown on the key's own line: for a map or list value, that is where it starts.
      return counter.linePos(node.range[0]).line;
    }
  }
  return 1;
}

function where(file: string, line: number, path: Path): string {
  return `${file}:${line}: ${pathText(path)}`;
}

function compileRule(r: RuleFile, at: (path: Path) => string, i: number, problems: string[]): PackRule | undefined {
  let regex: RegExp | undefined;
  if (r.match.regex !== undefined) {
    const c = compileLinear(r.match.regex);
    if (!c.ok) {
      problems.push(`${at(['rules', i, 'match', 'regex'])}: the regex ${c.problem}.`);
      return undefined;
    }
    regex = c.re;
  }
  if (r.match.ignoreCase === true && r.match.substring === undefined) {
    problems.push(`${at(['rules', i, 'match', 'ignoreCase'])}: ignoreCase applies to match.substring only; in a regex write both cases, e.g. [Ee]rror.`);
    return undefined;
  }
  const titleGroups = [...r.title.matchAll(/\$(\d)/g)].map((m) => Number(m[1]));
  const groupCount = regex ? (new RegExp(`${regex.source}|`, LINEAR_FLAG).exec('')?.length ?? 1) - 1 : 0;
  const missing = titleGroups.find((g) => g < 1 || g > groupCount);
  if (missing !== undefined) {
    problems.push(`${at(['rules', i, 'title'])}: the title uses $${missing}, but the regex has ${groupCount === 0 ? 'no groups' : `only ${groupCount} group${groupCount === 1 ? '' : 's'}`}.`);
    return undefined;
  }
  return {
    id: r.id,
    cause: r.cause,
    title: r.title,
    match: { ...(r.match.substring === undefined ? {} : { substring: r.match.substring }), ...(r.match.ignoreCase === undefined ? {} : { ignoreCase: r.match.ignoreCase }), ...(regex ? { regex } : {}) },
    ...(r.fix === undefined ? {} : { fix: r.fix }),
    ...(r.commands === undefined ? {} : { commands: r.commands }),
    ...(r.containers === undefined ? {} : { containers: r.containers }),
    ...(r.images === undefined ? {} : { images: r.images }),
  };
}

/** Parses and validates one pack's text. Problems go to `problems`; the pack is returned only when it has none. */
export function parseRulePack(text: string, file: string, problems: string[]): RulePack | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors.slice(0, 5)) {
      const line = e.linePos?.[0]?.line ?? counter.linePos(e.pos[0]).line;
      problems.push(`${file}:${line}: not valid YAML (${e.message.split('\n')[0] ?? 'parse error'}).`);
    }
    return undefined;
  }
  if (!isMap(doc.contents)) {
    problems.push(`${file}:1: a rule pack is a mapping with name: and rules: (see docs/rule-packs.md).`);
    return undefined;
  }
  // Aliases are expanded once, bounded: a "billion laughs" document is a problem, not an exhausted process.
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    problems.push(`${file}:1: the YAML cannot be expanded (${e instanceof Error ? e.message : String(e)}); write the rules out without aliases.`);
    return undefined;
  }
  const at = (path: Path): string => where(file, lineOf(doc, counter, path), path);
  const before = problems.length;
  const report = (issues: z.core.$ZodIssue[], prefix: Path): void => {
    for (const issue of issues.slice(0, 20)) {
      const path = [...prefix, ...issue.path.filter((k): k is string | number => typeof k !== 'symbol')];
      const unknown = issue.code === 'unrecognized_keys' ? issue.keys : [];
      if (unknown.length > 0) {
        for (const k of unknown) problems.push(`${at([...path, k])}: unknown key (a typo? see docs/rule-packs.md for the keys a ${path.length === 0 ? 'pack' : 'rule'} takes).`);
      } else {
        problems.push(`${at(path)}: ${issue.message}.`.replace(/\.\.$/, '.'));
      }
    }
  };
  const parsed = packSchema.safeParse(data);
  if (!parsed.success) report(parsed.error.issues, []);
  const rawRules: unknown = isSeq(doc.get('rules', true)) && data !== null && typeof data === 'object' && 'rules' in data ? data.rules : [];
  const seen = new Map<string, number>();
  const rules: PackRule[] = [];
  (Array.isArray(rawRules) ? rawRules : []).slice(0, 200).forEach((raw, i) => {
    const r = ruleSchema.safeParse(raw);
    if (!r.success) {
      report(r.error.issues, ['rules', i]);
      return;
    }
    const dup = seen.get(r.data.id);
    if (dup !== undefined) problems.push(`${at(['rules', i, 'id'])}: the id "${r.data.id}" is used twice in this pack (also rules[${dup}]).`);
    seen.set(r.data.id, i);
    const rule = compileRule(r.data, at, i, problems);
    if (rule) rules.push(rule);
  });
  if (!parsed.success || problems.length > before) return undefined;
  return { name: parsed.data.name, source: file, rules };
}

export interface PackFs {
  readdir(path: string): string[];
  /** What the path is, following symbolic links (a mounted ConfigMap's files are links). */
  kind(path: string): 'file' | 'directory' | 'other';
  size(path: string): number;
  readFile(path: string): string;
}

const NODE_FS: PackFs = {
  readdir: (p) => readdirSync(p),
  kind: (p) => {
    const st = statSync(p);
    return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
  },
  size: (p) => statSync(p).size,
  readFile: (p) => readFileSync(p, 'utf8'),
};

function describeError(e: unknown): string {
  const code = e instanceof Error && 'code' in e ? String(e.code) : '';
  if (code === 'ENOENT') return 'it does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

/** The pack files of a path: the file itself, or the *.yaml / *.yml files of a directory (a mounted ConfigMap's `..data` links skipped), sorted. */
function packFiles(path: string, fs: PackFs, problems: string[]): string[] {
  let kind: ReturnType<PackFs['kind']>;
  try {
    kind = fs.kind(path);
  } catch (e) {
    problems.push(`${path}: cannot read the rule packs: ${describeError(e)}. Check CRASHLOOP_RULES_DIR / --rules.`);
    return [];
  }
  if (kind === 'other') {
    problems.push(`${path}: is neither a pack file nor a directory of them. Check CRASHLOOP_RULES_DIR / --rules.`);
    return [];
  }
  if (kind === 'file') return [path];
  const names = fs.readdir(path).filter((n) => !n.startsWith('.') && /\.ya?ml$/.test(n)).sort();
  if (names.length > MAX_PACK_FILES) {
    problems.push(`${path}: holds ${names.length} pack files; at most ${MAX_PACK_FILES} are read. Merge some packs.`);
    return [];
  }
  // Regular files only (links followed): never a FIFO or a device that would block or never end.
  return names.map((n) => join(path, n)).filter((f) => {
    try {
      return fs.kind(f) === 'file';
    } catch {
      return false;
    }
  });
}

/** Loads every pack under `path` (a file or a directory). Throws RulePackError listing every problem. */
export function loadRulePacks(path: string, fs: PackFs = NODE_FS): RulePack[] {
  const problems: string[] = [];
  const packs: RulePack[] = [];
  const names = new Map<string, string>();
  for (const file of packFiles(path, fs, problems)) {
    let text: string;
    try {
      const size = fs.size(file);
      if (size > MAX_PACK_BYTES) {
        problems.push(`${file}: is ${size} bytes; a pack may hold at most ${MAX_PACK_BYTES} bytes.`);
        continue;
      }
      text = fs.readFile(file);
    } catch (e) {
      problems.push(`${file}: cannot be read: ${describeError(e)}.`);
      continue;
    }
    const pack = parseRulePack(text, file, problems);
    if (!pack) continue;
    const other = names.get(pack.name);
    if (other !== undefined) {
      problems.push(`${file}:1: name: the pack name "${pack.name}" is also used by ${basename(other)}; evidence names the pack, so names must differ.`);
      continue;
    }
    names.set(pack.name, file);
    packs.push(pack);
  }
  if (problems.length > 0) throw new RulePackError(problems);
  return packs;
}

/** "payments (3 rules), platform (12 rules)": for start-up logs. */
export function packSummary(packs: readonly RulePack[]): string {
  return packs.map((p) => `${p.name} (${p.rules.length} rule${p.rules.length === 1 ? '' : 's'})`).join(', ') || 'none';
}
