// The one builder of copy-paste shell commands. Every suggested command (fix commands, debug exec,
// rollback hints) is an argv run through shellCommand(): each argument is POSIX-quoted when it is not
// plainly safe, so text from a log line, an annotation or a name can never become shell syntax.
// Arguments that fill a Kubernetes name slot go through kubeName() first: a value that is not a valid
// name is replaced by a placeholder rather than pasted (it would be wrong even if quoted). Pure.

/** Characters that never need quoting in POSIX sh (no globbing, expansion, word splitting or operators). */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** DNS-1123 subdomain: what Kubernetes accepts for most object names (pods, namespaces, ConfigMaps…). */
const KUBE_NAME = /^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?$/;

/** DNS-1123 label: container names, Service names, port names. */
const KUBE_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

/** A hostname (RFC 1123, any case, optional trailing dot) or an IPv4 address. */
const HOSTNAME = /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[-A-Za-z0-9_]{0,62})(?:\.[A-Za-z0-9_](?:[-A-Za-z0-9_]{0,62}))*\.?$/;

/** An argument: plain text, or a number (revisions, ports). */
export type ShellArg = string | number;

/** Quotes one argument for POSIX sh: bare when safe, otherwise in single quotes ('\'' for a quote). */
export function shellQuote(arg: ShellArg): string {
  const s = String(arg);
  if (SAFE_WORD.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command line from an argv: the only way the bot writes a shell command. */
export function shellCommand(argv: readonly ShellArg[]): string {
  return argv.map(shellQuote).join(' ');
}

/** True for a valid Kubernetes object name (DNS-1123 subdomain, ≤ 253 characters). */
export function isKubeName(value: string | undefined): value is string {
  return value !== undefined && value.length <= 253 && KUBE_NAME.test(value);
}

/** True for a valid DNS-1123 label (container and Service names, ≤ 63 characters). */
export function isKubeLabel(value: string | undefined): value is string {
  return value !== undefined && KUBE_LABEL.test(value);
}

/** True for a hostname or IPv4 address, the only thing a "resolve this host" command should get. */
export function isHostname(value: string | undefined): value is string {
  return value !== undefined && HOSTNAME.test(value);
}

/** `value` when it is a valid Kubernetes name, else the placeholder (e.g. "<pod>") the reader fills in. */
export function kubeName(value: string | undefined, placeholder: string): string {
  return isKubeName(value) ? value : placeholder;
}

/** "deployment/api" when kind and name are valid, else the placeholder. */
export function kubeRef(ref: string | undefined, placeholder: string): string {
  if (ref === undefined) return placeholder;
  const slash = ref.indexOf('/');
  if (slash <= 0) return placeholder;
  const kind = ref.slice(0, slash);
  const name = ref.slice(slash + 1);
  return /^[a-z][a-z0-9.]{0,62}$/.test(kind) && isKubeName(name) ? ref : placeholder;
}
