// `crashloop rules test <pack> <snapshot…>` and `crashloop rules check <pack>`: try operator rule packs offline
// (docs/rule-packs.md). Prints which rule matched which line of which snapshot, and what the diagnosis becomes.
import { contextOf } from '../../diagnostics/context.ts';
import { diagnose, packHits, redactText, type Report, type RulePack, type Snapshot } from '../../diagnostics/index.ts';
import { loadRulePacks, RulePackError } from '../rule-packs/load.ts';
import { CliError, EXIT } from './exit-codes.ts';

/** Loads packs for a CLI command: an invalid pack ends it with exit 8 and every problem listed. */
export function loadPacksForCli(path: string): RulePack[] {
  try {
    return loadRulePacks(path);
  } catch (e) {
    if (e instanceof RulePackError) throw new CliError(EXIT.BAD_RULES, e.message);
    throw e;
  }
}

/** Log text shown on a terminal: control characters (escape sequences) written visibly, never executed. */
function printable(text: string): string {
  let out = '';
  for (const ch of redactText(text)) {
    const code = ch.charCodeAt(0);
    out += (code < 0x20 && ch !== '\t') || (code >= 0x7f && code <= 0x9f) ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}

export interface RuleMatch {
  container: string;
  /** Whether the engine uses this container's logs (it is failing); the others are shown for completeness. */
  failing: boolean;
  source: string;
  line: number;
  pack: string;
  rule: string;
  cause: string;
  text: string;
}

export interface SnapshotResult {
  file: string;
  pod: string;
  matches: RuleMatch[];
  /** findings[0] of the diagnosis with the packs, and whether a pack made it. */
  diagnosis?: { cause: string; container: string; title: string; fromPack?: string };
}

export interface RulesTestResult {
  packs: { name: string; source?: string; rules: number }[];
  snapshots: SnapshotResult[];
  /** "pack/rule" of rules that matched no line of any snapshot. */
  unmatchedRules: string[];
}

const PACK_SOURCE = /\(rule pack ([\w-]+), rule ([\w-]+)\)$/;

function primaryOf(report: Report): SnapshotResult['diagnosis'] {
  const f = report.findings[0];
  if (!f) return undefined;
  const pack = f.evidence.map((e) => PACK_SOURCE.exec(e.source)).find((m) => m !== null);
  return { cause: f.cause, container: f.container, title: f.title, ...(pack ? { fromPack: `${pack[1]}/${pack[2]}` } : {}) };
}

export function testRules(packs: readonly RulePack[], snapshots: { file: string; snapshot: Snapshot }[]): RulesTestResult {
  const used = new Set<string>();
  const results = snapshots.map(({ file, snapshot }): SnapshotResult => {
    const ctx = contextOf(snapshot);
    const matches = packHits(ctx, packs, ctx.containers).map((h): RuleMatch => {
      used.add(`${h.pack.name}/${h.rule.id}`);
      return { container: h.container.name, failing: h.container.failing, source: h.line.source, line: h.line.line, pack: h.pack.name, rule: h.rule.id, cause: h.rule.cause, text: printable(h.line.text) };
    });
    const diagnosis = primaryOf(diagnose(snapshot, undefined, { packs }));
    return { file, pod: `${ctx.namespace}/${ctx.podName}`, matches, ...(diagnosis ? { diagnosis } : {}) };
  });
  const unmatchedRules = packs.flatMap((p) => p.rules.map((r) => `${p.name}/${r.id}`)).filter((k) => !used.has(k));
  return { packs: packs.map((p) => ({ name: p.name, ...(p.source === undefined ? {} : { source: p.source }), rules: p.rules.length })), snapshots: results, unmatchedRules };
}

/** 0 when every snapshot had a line some rule matched, else NO_MATCH. */
export function rulesTestExitCode(result: RulesTestResult): number {
  return result.snapshots.every((s) => s.matches.length > 0) ? EXIT.OK : EXIT.NO_MATCH;
}

export function renderRulesTest(result: RulesTestResult): string {
  const out: string[] = [`packs: ${result.packs.map((p) => `${p.name} (${p.rules} rule${p.rules === 1 ? '' : 's'}${p.source ? `, ${p.source}` : ''})`).join(', ')}`];
  for (const s of result.snapshots) {
    out.push('', `${s.file} (${s.pod})`);
    if (s.matches.length === 0) out.push('  no rule matched any line');
    for (const m of s.matches) {
      out.push(`  ${m.pack}/${m.rule} → ${m.cause}  container ${m.container}${m.failing ? '' : ' (not failing: the engine does not read it)'}, ${m.source} line ${m.line}`);
      out.push(`      ${m.text.length > 240 ? `${m.text.slice(0, 237)}...` : m.text}`);
    }
    const d = s.diagnosis;
    out.push(d ? `  diagnosis: ${d.cause} in ${d.container} (${d.fromPack ? `from the pack, ${d.fromPack}` : 'built-in library'}): ${printable(d.title)}` : '  diagnosis: no finding');
  }
  if (result.unmatchedRules.length > 0) out.push('', `rules that matched nothing: ${result.unmatchedRules.join(', ')}`);
  return `${out.join('\n')}\n`;
}
