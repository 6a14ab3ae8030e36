// Operator rule packs (docs/rule-packs.md): log signatures a platform team adds as data. src/rule-packs/ reads and
// validates the YAML files and compiles each regex for V8's linear-time engine; the engine receives the parsed packs
// here and runs them after the built-in rules. Pure: no I/O.
//
// Precedence: a pack never silently overrides a definitive status-level finding (OOMKilled, an image that cannot be
// pulled, a missing ConfigMap/Secret, the runtime refusing to start the container, a failed mount, a probe kill the
// events show, an eviction): such a finding stays first and the pack's finding comes right after it, close enough to
// be listed among the report's alternatives. Everything else (inferences from an exit code alone, every finding drawn
// from log lines) ranks below the pack's finding, which is why the operator wrote it.
import type { CauseId, Evidence, Finding, FixCommand } from './types.ts';
import type { ContainerCtx, Context, LogLine } from './context.ts';
import { failing, makeFinding } from './finding.ts';
import { statusEvidence } from './evidence.ts';
import { fixFor } from './fixes.ts';
import { command, names, workloadRef } from './fix-commands.ts';

/** A kubectl command of a rule: an argv whose {pod}, {namespace}, {container} and {workload} are filled in. */
export interface PackCommand {
  description: string;
  argv: string[];
}

export interface PackRule {
  id: string;
  cause: CauseId;
  /** What a person reads first; $1..$9 are the regex's groups. */
  title: string;
  /** The fix's first move, in the operator's words. */
  fix?: string;
  commands?: PackCommand[];
  /** A line matches when it contains `substring` (if given) and matches `regex` (if given). */
  match: {
    substring?: string;
    /** Case-insensitive substring comparison (the regex stays case-sensitive). */
    ignoreCase?: boolean;
    /** Compiled with the `l` flag (V8's linear-time engine); a regex without it is refused, never run. */
    regex?: RegExp;
  };
  /** Container-name globs (`*` only); absent = every container. */
  containers?: string[];
  /** Image globs (`*` only), e.g. registry.example.com/payments/*; absent = every image. */
  images?: string[];
}

export interface RulePack {
  /** Shown in evidence: "rule pack payments, rule ledger-lock". */
  name: string;
  /** Where the pack came from (a file path), for messages. */
  source?: string;
  rules: PackRule[];
}

/** One line a pack rule matched. */
export interface PackHit {
  pack: RulePack;
  rule: PackRule;
  container: ContainerCtx;
  line: LogLine;
  /** Index of the line in container.logLines. */
  index: number;
  groups: (string | undefined)[];
}

/** Built-in findings that rest on log lines rather than on the container's status, events or spec. */
const LOG_RULES = new Set(['log-patterns', 'unknown']);
/** A status-level finding at least this sure stays ahead of any pack. */
export const DEFINITIVE = 0.85;
/** The confidence of a pack's finding when no definitive status-level finding stands before it. */
export const PACK_CONFIDENCE = 0.9;
const BELOW = 0.02;

/** `*` globs, anchored, without regexes: linear in the value for a bounded pattern. */
export function globMatch(pattern: string, value: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === value;
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (const mid of parts.slice(1, -1)) {
    if (mid === '') continue;
    const i = value.indexOf(mid, at);
    if (i < 0 || i + mid.length > end) return false;
    at = i + mid.length;
  }
  return true;
}

function applies(rule: PackRule, c: ContainerCtx): boolean {
  if (rule.containers && !rule.containers.some((g) => globMatch(g, c.name))) return false;
  if (rule.images && !rule.images.some((g) => globMatch(g, c.image ?? ''))) return false;
  return true;
}

/** Why a rule cannot run, or undefined: a regex not compiled for the linear-time engine is never executed. */
export function unusable(rule: PackRule): string | undefined {
  if (rule.match.regex && !rule.match.regex.flags.includes('l')) return 'its regex is not compiled for linear-time matching (load packs with src/rule-packs); the rule is skipped';
  if (!rule.match.regex && !rule.match.substring) return 'it has neither a substring nor a regex; the rule is skipped';
  return undefined;
}

function matchLine(rule: PackRule, needle: string | undefined, text: string): (string | undefined)[] | undefined {
  const { substring, ignoreCase, regex } = rule.match;
  if (substring !== undefined && !(ignoreCase ? text.toLowerCase().includes(needle ?? '') : text.includes(substring))) return undefined;
  if (!regex) return [];
  regex.lastIndex = 0;
  const m = regex.exec(text);
  return m ? m.slice(1) : undefined;
}

/** Every line of the given containers' logs that a usable pack rule matches, in log order, rules in pack order. */
export function packHits(ctx: Context, packs: readonly RulePack[], containers: readonly ContainerCtx[] = failing(ctx)): PackHit[] {
  const out: PackHit[] = [];
  for (const c of containers) {
    const rules = packs.flatMap((pack) => pack.rules.filter((rule) => unusable(rule) === undefined && applies(rule, c)).map((rule) => ({ pack, rule, needle: rule.match.ignoreCase ? rule.match.substring?.toLowerCase() : undefined })));
    if (rules.length === 0) continue;
    c.logLines.forEach((line, index) => {
      for (const { pack, rule, needle } of rules) {
        const groups = matchLine(rule, needle, line.text);
        if (groups) out.push({ pack, rule, container: c, line, index, groups });
      }
    });
  }
  return out;
}

function fill(title: string, groups: (string | undefined)[]): string {
  return title.replace(/\$(\d)/g, (_s, d: string) => groups[Number(d) - 1] ?? '').replace(/\s{2,}/g, ' ').trim();
}

/** Where a pack finding's evidence says it came from. */
export function packLabel(hit: Pick<PackHit, 'pack' | 'rule'>): string {
  return `rule pack ${hit.pack.name}, rule ${hit.rule.id}`;
}

function renderCommand(ctx: Context, c: ContainerCtx, cmd: PackCommand): FixCommand {
  const n = names(ctx, c);
  const slots: Record<string, string> = { '{pod}': n.pod, '{namespace}': n.ns, '{container}': n.container, '{workload}': workloadRef(ctx) };
  return command(cmd.description, cmd.argv.map((a) => a.replace(/\{(?:pod|namespace|container|workload)\}/g, (s) => slots[s] ?? s)));
}

function packFinding(ctx: Context, hit: PackHit, confidence: number): Finding {
  const { rule, container: c, line } = hit;
  const evidence: Evidence[] = [...statusEvidence(c), { kind: 'log', source: `${line.source} line ${line.line} (${packLabel(hit)})`, text: line.text }];
  const base = fixFor(rule.cause, ctx, c, rule.fix ? { advice: rule.fix } : {});
  const commands = [...(rule.commands ?? []).map((cmd) => renderCommand(ctx, c, cmd)), ...base.commands];
  return makeFinding(ctx, c, rule.cause, confidence, `"${c.name}": ${fill(rule.title, hit.groups)}`, evidence, { ...base, commands });
}

/** A built-in finding with the id of the rule that made it. */
export interface RuledFinding {
  rule: string;
  finding: Finding;
}

/** Is this built-in finding a definitive status-level one, which no pack overrides? */
export function isDefinitive(f: RuledFinding): boolean {
  return !LOG_RULES.has(f.rule) && f.finding.cause !== 'unknown' && f.finding.confidence >= DEFINITIVE;
}

/**
 * The packs' findings for the failing containers, one per container (its latest matched line; on one line, the first
 * rule in pack order), with confidences set by the precedence above. Built-in log findings on a container a pack
 * explains are moved just below the pack's finding (they stay in the report).
 */
export function applyPacks(ctx: Context, builtIn: RuledFinding[], packs: readonly RulePack[]): Finding[] {
  const hits = packHits(ctx, packs);
  const chosen = new Map<string, PackHit>();
  for (const h of hits) {
    const prev = chosen.get(h.container.name);
    if (!prev || h.index > prev.index) chosen.set(h.container.name, h);
  }
  const out: Finding[] = [];
  for (const [name, hit] of chosen) {
    const mine = builtIn.filter((f) => f.finding.container === name);
    const definitive = mine.filter(isDefinitive).map((f) => f.finding.confidence);
    const confidence = definitive.length > 0 ? Math.max(...definitive) - BELOW : PACK_CONFIDENCE;
    for (const f of mine) {
      if (LOG_RULES.has(f.rule) && f.finding.confidence >= confidence) f.finding.confidence = Math.round((confidence - 0.01) * 100) / 100;
    }
    out.push(packFinding(ctx, hit, confidence));
  }
  return out;
}
