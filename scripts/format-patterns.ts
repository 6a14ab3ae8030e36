// Rewrites log-pattern tables (diagnostics/patterns/*.ts) one field per line, the reviewable form of docs/rule-packs.md:
// each `LogPattern[]` entry becomes `{` + one `key: value,` per line + `}`, and a regex literal whose line would pass
// 100 characters becomes `anyOf([...], flags)` (one top-level alternative per line) or `seq([prefix, group([...]),
// suffix], flags)` (diagnostics/patterns/any-of.ts). Comments are kept. Then it imports the table before and after
// and compares every entry field by field (expressions by source and flags, functions by text): a file whose
// patterns would change is put back as it was and the script exits 1.
//   node scripts/format-patterns.ts diagnostics/patterns/families.ts [more files…]
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const MAX = 100;

/** Top-level alternatives of a regex body, or undefined when it has none (or one could not stand alone). */
function splitTop(body: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\') { i++; continue; }
    if (inClass) { if (ch === ']') inClass = false; continue; }
    if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) { parts.push(body.slice(start, i)); start = i + 1; }
  }
  parts.push(body.slice(start));
  if (parts.length < 2 || parts.some((p) => p === '' || p.startsWith('*'))) return undefined;
  return parts;
}

/** The widest top-level `(?:…)` group of a regex body. */
function widestGroup(body: string): { start: number; end: number } | undefined {
  let depth = 0;
  let inClass = false;
  let open = -1;
  let best: { start: number; end: number } | undefined;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\') { i++; continue; }
    if (inClass) { if (ch === ']') inClass = false; continue; }
    if (ch === '[') inClass = true;
    else if (ch === '(') { if (depth === 0) open = i; depth++; }
    else if (ch === ')') {
      depth--;
      if (depth === 0 && body.startsWith('(?:', open) && (!best || i - open > best.end - best.start)) best = { start: open, end: i };
    }
  }
  return best;
}

function reText(lit: string, indent: string): { text: string; uses: string[] } {
  const last = lit.lastIndexOf('/');
  const body = lit.slice(1, last);
  const flags = lit.slice(last + 1);
  if (`${indent}re: ${lit},`.length <= MAX) return { text: lit, uses: [] };
  const f = flags ? `, '${flags}'` : '';
  const parts = splitTop(body);
  if (parts) return { text: `anyOf([\n${parts.map((p) => `${indent}  /${p}/,`).join('\n')}\n${indent}]${f})`, uses: ['anyOf'] };
  const g = widestGroup(body);
  const inner = g ? splitTop(body.slice(g.start + 3, g.end)) : undefined;
  if (!g || !inner) return { text: lit, uses: [] };
  const prefix = body.slice(0, g.start);
  const suffix = body.slice(g.end + 1);
  if (prefix.startsWith('*') || /^[?*+{]/.test(suffix)) return { text: lit, uses: [] };
  const lines = [
    ...(prefix === '' ? [] : [`${indent}  /${prefix}/,`]),
    `${indent}  group([`, ...inner.map((p) => `${indent}    /${p}/,`), `${indent}  ]),`,
    ...(suffix === '' ? [] : [`${indent}  /${suffix}/,`]),
  ];
  return { text: `seq([\n${lines.join('\n')}\n${indent}]${f})`, uses: ['group', 'seq'] };
}

function comments(trivia: string, indent: string): string[] {
  return trivia.split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => `${indent}${l}`);
}

function format(text: string, file: string): string {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edits: { start: number; end: number; text: string }[] = [];
  const uses = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.type?.getText() === 'LogPattern[]' && node.initializer && ts.isArrayLiteralExpression(node.initializer)) {
      const arr = node.initializer;
      const out: string[] = ['['];
      for (const el of arr.elements) {
        out.push(...comments(text.slice(el.pos, el.getStart()), '  '));
        if (!ts.isObjectLiteralExpression(el)) { out.push(`  ${el.getText()},`); continue; }
        out.push('  {');
        for (const p of el.properties) {
          out.push(...comments(text.slice(p.pos, p.getStart()), '    '));
          if (ts.isPropertyAssignment(p) && p.name.getText() === 're' && ts.isRegularExpressionLiteral(p.initializer)) {
            const r = reText(p.initializer.getText(), '    ');
            for (const u of r.uses) uses.add(u);
            out.push(`    re: ${r.text},`);
          } else {
            out.push(`    ${p.getText()},`);
          }
        }
        out.push(...comments(text.slice(el.properties.end, el.getEnd() - 1), '    '), '  },');
      }
      out.push(...comments(text.slice(arr.elements.end, arr.getEnd() - 1), '  '), ']');
      edits.push({ start: arr.getStart(), end: arr.getEnd(), text: out.join('\n') });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  let result = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) result = result.slice(0, e.start) + e.text + result.slice(e.end);
  const present = /import \{([^}]*)\} from '\.\/any-of\.ts';\n/.exec(result);
  const names = new Set([...uses, ...(present?.[1]?.split(',').map((n) => n.trim()).filter((n) => n !== '') ?? [])]);
  if (names.size > 0) {
    const line = `import { ${[...names].sort().join(', ')} } from './any-of.ts';\n`;
    result = present ? result.replace(present[0], line) : result.replace(/(import type \{ LogPattern \} from '\.\/types\.ts';\n)/, `$1${line}`);
  }
  return result;
}

function describe(v: unknown): string {
  if (v instanceof RegExp) return `RE /${v.source}/${v.flags}`;
  if (typeof v === 'function') return `FN ${v.toString().replace(/\s+/g, ' ')}`;
  return JSON.stringify(v) ?? 'undefined';
}

/** Differences between the LogPattern tables two module namespaces export. */
function differences(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [name, table] of Object.entries(before)) {
    if (!Array.isArray(table)) continue;
    const other = after[name];
    if (!Array.isArray(other) || other.length !== table.length) { out.push(`${name}: entry count changed`); continue; }
    table.forEach((p: Record<string, unknown>, i) => {
      const q = other[i] as Record<string, unknown>;
      for (const key of new Set([...Object.keys(p), ...Object.keys(q)])) {
        if (describe(p[key]) !== describe(q[key])) out.push(`${name}[${i}] (${String(p.id)}).${key} changed`);
      }
    });
  }
  return out;
}

let failed = false;
for (const arg of process.argv.slice(2)) {
  const file = resolve(arg);
  const original = readFileSync(file, 'utf8');
  const formatted = format(original, file);
  if (formatted === original) { process.stdout.write(`${arg}: already one field per line\n`); continue; }
  const url = pathToFileURL(file).href;
  const before = (await import(`${url}?before`)) as Record<string, unknown>;
  writeFileSync(file, formatted);
  let diff: string[];
  try {
    diff = differences(before, (await import(`${url}?after`)) as Record<string, unknown>);
  } catch (e) {
    diff = [`the rewritten file does not load: ${e instanceof Error ? e.message : String(e)}`];
  }
  if (diff.length > 0) {
    writeFileSync(file, original);
    failed = true;
    process.stderr.write(`${arg}: not rewritten, the patterns would change:\n${diff.map((d) => `  ${d}`).join('\n')}\n`);
  } else {
    process.stdout.write(`${arg}: rewritten one field per line; every pattern compares identical\n`);
  }
}
process.exit(failed ? 1 : 0);
