// What a rollback would change, for the confirm dialog: per container, the image, command, args, the
// names of env variables (values may be secrets, so never shown) and resources.
import { redactArgv, redactText } from '../../../diagnostics/redact.ts';
import { arrayAt, isObject, objectAt, type Json, type JsonObject } from '../json.ts';

export interface TemplateFieldChange {
  container: string;
  field: 'image' | 'command' | 'args' | 'env' | 'resources' | 'container';
  before: string;
  after: string;
}

function containersOf(template: JsonObject): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const key of ['initContainers', 'containers']) {
    for (const c of arrayAt(template, 'spec', key)) {
      if (isObject(c) && typeof c.name === 'string') out.set(c.name, c);
    }
  }
  return out;
}

function show(value: Json | undefined): string {
  if (value === undefined || value === null) return '(none)';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' ');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A field as the confirm dialog and the rollback post show it: redacted (args carry passwords). */
function shown(value: Json | undefined): string {
  if (Array.isArray(value) && value.length > 0) return redactArgv(value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))).join(' ');
  return redactText(show(value));
}

function envNames(container: JsonObject): string {
  const names: string[] = [];
  for (const e of arrayAt(container, 'env')) if (isObject(e) && typeof e.name === 'string') names.push(e.name);
  for (const e of arrayAt(container, 'envFrom')) {
    if (!isObject(e)) continue;
    const ref = objectAt(e, 'configMapRef') ?? objectAt(e, 'secretRef');
    if (ref !== undefined) names.push(`envFrom:${String(ref.name)}`);
  }
  return names.length === 0 ? '(none)' : names.join(', ');
}

function resources(container: JsonObject): string {
  const r = objectAt(container, 'resources');
  const parts: string[] = [];
  for (const kind of ['requests', 'limits']) {
    const m = objectAt(r, kind);
    if (m === undefined) continue;
    const entries = Object.entries(m).map(([k, v]) => `${k}=${show(v)}`);
    if (entries.length > 0) parts.push(`${kind} ${entries.join(',')}`);
  }
  return parts.length === 0 ? '(none)' : parts.join('; ');
}

/** Changes going from `current` to `target`. */
export function diffTemplates(current: JsonObject, target: JsonObject): TemplateFieldChange[] {
  const before = containersOf(current);
  const after = containersOf(target);
  const changes: TemplateFieldChange[] = [];
  for (const [name, a] of after) {
    const b = before.get(name);
    if (b === undefined) {
      changes.push({ container: name, field: 'container', before: '(absent)', after: `added (${shown(a.image)})` });
      continue;
    }
    const pairs: [TemplateFieldChange['field'], Json | undefined, Json | undefined][] = [
      ['image', b.image, a.image],
      ['command', b.command, a.command],
      ['args', b.args, a.args],
    ];
    for (const [field, x, y] of pairs) {
      if (show(x) === show(y)) continue;
      const before = shown(x);
      const after = shown(y);
      // Only a masked part differs: say so rather than show two identical lines.
      changes.push({ container: name, field, before, after: before === after ? `${after} (a masked value differs)` : after });
    }
    const named: [TemplateFieldChange['field'], string, string][] = [
      ['env', envNames(b), envNames(a)],
      ['resources', redactText(resources(b)), redactText(resources(a))],
    ];
    for (const [field, x, y] of named) if (x !== y) changes.push({ container: name, field, before: x, after: y });
  }
  for (const name of before.keys()) {
    if (!after.has(name)) changes.push({ container: name, field: 'container', before: 'present', after: 'removed' });
  }
  return changes;
}

/** Plain-text lines for a Slack dialog or message. */
export function formatDiff(changes: TemplateFieldChange[]): string {
  if (changes.length === 0) return 'No change to image, command, args, env names or resources (other template fields differ).';
  return changes.map((c) => `• ${c.container} ${c.field}: ${c.before} → ${c.after}`).join('\n');
}
