// Round-7 families (issue 9, class 6), one pattern per entry with named fields so a diff shows what each matches:
// an app's own low-disk refusal, DNS failures in the words of minimal images' tools, wait loops on a wrongly named
// object, and configuration loaders rejecting unknown fields (whose field names look like hosts).
import type { LogPattern } from './types.ts';
import { anyOf } from './any-of.ts';

export const FAMILY_PATTERNS: LogPattern[] = [
  {
    id: 'low-disk-refusal',
    cause: 'disk-full',
    // The app checks free space itself and refuses to start (no ENOSPC): Elasticsearch's flood stage, MinIO, Kafka,
    // Jenkins, RabbitMQ, etcd's quota, "not enough free disk space", MongoDB's journal check ("Insufficient free space for
    // journal files", "Please make at least 3379MB available").
    re: anyOf([
      /(?:not enough|insufficient|too little|low) (?:free )?(?:disk|storage)(?: space)?\b/,
      /(?:not enough|insufficient|too little) free space\b/,
      /[Pp]lease make at least \d+ ?[KMGT]i?B available\b/,
      /disk space (?:is )?(?:too low|below|insufficient|low|exhausted)/,
      /free (?:disk )?space[^\n]{0,60}(?:below|less than|under|lower than|threshold|minimum|required)/,
      /flood[- ]stage (?:disk )?watermark/,
      /disk usage[^\n]{0,40}(?:exceeds?|above|over)[^\n]{0,30}(?:watermark|threshold|limit)/,
      /disk free limit/,
      /mvcc: database space exceeded/,
      /etcdserver: mvcc: database space exceeded/,
      /minimum free (?:disk )?space/,
      /disk (?:is )?(?:almost |nearly )?full\b/,
    ], 'i'),
    weight: 3.8,
    title: 'The app refuses to run on a nearly full disk',
  },
  {
    id: 'busybox-dns',
    cause: 'dns-failure',
    // busybox/alpine tools: `nslookup: can't resolve 'db'`, `wget: bad address 'api:8080'`, `ping: bad address`,
    // bind's `** server can't find db: NXDOMAIN`, iputils' `ping: unknown host db`, dig's `couldn't get address for`,
    // GNU wget's `unable to resolve host address`; getent's silence aside.
    re: anyOf([
      /nslookup: can't resolve '?([^'\s:]+)/,
      /(?:^|\b(?:wget|ping|nc|telnet|ftpget|ntpd|curl)[:\s]+)bad address '([^':]+)/,
      /\*\* server can't find ([^\s:]+): (?:NXDOMAIN|SERVFAIL)/,
      /\bcan't resolve (?:host )?'([^'\s:]+)'/,
      /\bping: unknown host ([\w.-]+)/,
      /\bdig: couldn't get address for '([^'\s]+)'/,
      /\bunable to resolve host address '([^'\s]+)'/,
    ]),
    weight: 4,
    title: 'Cannot resolve the hostname $1',
  },
  {
    id: 'wait-loop',
    cause: 'dependency-unreachable',
    // An init container's wait loop (`until nslookup db; do echo waiting for db; sleep 2; done`) on a name that never
    // comes: the object it waits for does not exist under that name, or is not ready.
    re: /^(?:[\w-]+: )?[Ww]aiting for (?:the )?(?:service |svc |database |db |host |endpoint |dependency )?([\w.-]*[\w])(?: to (?:be (?:ready|up|available)|start|come up|resolve))?\s*(?:\.{3}|…)?$/,
    weight: 2.5,
    title: 'It waits for $1, which never becomes available (check that the name of the Service or object it waits for is right)',
    fixAdvice: 'The init container waits for an object that never appears under that name: compare the name in its command (kubectl get pod -o yaml, initContainers[].command) with the real Service/Deployment name and namespace (kubectl get svc -A | grep <name>); fix the name or create the object.',
  },
  {
    id: 'config-unknown-field',
    cause: 'config-invalid',
    // A strict config loader rejecting a key: Go's json/yaml decoders, JSON Schema, Viper/koanf, Pydantic, Jackson and
    // Dropwizard ("Unrecognized field at: docker.cache", whose "Did you mean?" list can name host).
    re: anyOf([
      /\bunknown field "?([\w.\-/]+)"?/,
      /json: unknown field "([^"]+)"/,
      /additional propert(?:y|ies) (?:'([^']+)' )?(?:is |are )?not allowed/,
      /field ([\w.-]+) not found in type [\w.*]+/,
      /unrecognized (?:configuration )?(?:key|field|property|option)s?:? "?([\w.-]+)"?/,
      /[Ee]xtra (?:inputs|fields) (?:are )?not permitted/,
      /has invalid keys?: ([\w.,\s-]+)/,
      /[Uu]nrecognized (?:field|property|key|option)(?: at)?:? "?([\w.-]+)"?/,
      /ConfigurationParsingException/,
    ]),
    weight: 4.2,
    subject: 1,
    title: 'The configuration has a field the loader does not accept: $1',
  },
  {
    id: 'listen-address-invalid',
    cause: 'config-invalid',
    // The app cannot parse its own listen address: Go's net package says "lookup tcp/<port>: unknown port" when the
    // port is not a number (a template rendering 9121 as %!d(float64=9121)), "missing port in address", "too many
    // colons". A parse error about its own address, not a DNS failure (the line's role blocks DNS).
    re: anyOf([
      /\blisten (?:tcp|udp)[46]?: (?:lookup (?:tcp|udp)[46]?\/([^\s:]*): unknown port|address ([^\s]*): (?:missing port in address|too many colons in address|invalid port))/,
      /\b(?:invalid|unknown) port[^\n]{0,20}\b(?:in|for) (?:listen|bind)(?:ing)? address/,
    ]),
    weight: 4.3,
    subject: 1,
    title: 'It cannot parse the address it should listen on (port "$1")',
  },
  {
    id: 'file-bracket-missing',
    cause: 'config-file-missing',
    // "ERROR: File [/tmp/keystoreSecrets/*/*] does not exist" (OpenSearch/Elasticsearch keystore tools, Tomcat):
    // a bracketed path, which the plain path signature does not read (a glob that matched nothing stays literal).
    re: /\b[Ff]ile \[([^\]\n]+)\] (?:does not exist|doesn't exist|not found|is missing)/,
    weight: 3.7,
    subject: 1,
    title: 'The file $1 does not exist',
  },
  {
    id: 'kube-object-not-found',
    cause: 'config-ref-missing',
    // kubectl (or a client) inside the pod asks the API for an object that does not exist: an init container's
    // `kubectl wait job/<name>` after the Job's TTL deleted it, a script reading a Secret under a wrong name.
    re: /Error from server \(NotFound\): ([\w.-]+) \\?"([^"\\]+)\\?" not found/,
    weight: 4,
    subject: 2,
    title: 'It needs the Kubernetes object $1 "$2", which does not exist',
    fixAdvice: 'The pod asks the API server for an object that does not exist under that name (kubectl get/wait in an init container or script): create it, fix the name or namespace in the command, or stop waiting for it (a Job with ttlSecondsAfterFinished is deleted after it finishes, so a wait on it fails on every later restart).',
  },
  {
    id: 'jvm-unresolved-address',
    cause: 'dns-failure',
    // java.nio reports a host it could not resolve as UnresolvedAddressException, with no host name (ZooKeeper and
    // Kafka clients, often on Alpine/musl images whose resolver fails on search domains).
    re: /\bjava\.nio\.channels\.UnresolvedAddressException\b|^UnresolvedAddressException\b/,
    weight: 3.6,
    title: 'An address the JVM connects to cannot be resolved (UnresolvedAddressException)',
  },
  {
    id: 'amqp-access-refused',
    cause: 'auth-failure',
    // RabbitMQ refusing the login: "(403) ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN".
    re: /\bACCESS_REFUSED - Login was refused\b/,
    weight: 4,
    title: 'The message broker refuses the login (ACCESS_REFUSED)',
  },
  {
    id: 'env-var-set-hint',
    cause: 'missing-env-var',
    // An SDK naming the variable it wants: "Missing credentials. Please pass an `apiKey`, …, or set the
    // `OPENAI_API_KEY` or `OPENAI_ADMIN_KEY` environment variable." (the sentence often wraps onto this line).
    re: /\bor set (?:the )?[`'"]?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)[`'"]?(?: (?:or|and) [`'"]?[A-Z][A-Z0-9_]*[`'"]?)? env(?:ironment)? var(?:iable)?/,
    weight: 3.7,
    subject: 1,
    title: 'A required environment variable is not set (or empty): $1',
  },
];

/**
 * A line's role, decided before which noun in it matters: a parse/validation error names fields that can look like
 * hosts ("db.host") or files, so network and file signatures must not claim it.
 */
const PARSE_ROLE = /\bunknown field\b|additional propert(?:y|ies)[^\n]*not allowed|field [\w.-]+ not found in type|cannot unmarshal|unmarshal errors|error (?:parsing|decoding|unmarshal+ing|validating)|failed to (?:parse|decode|unmarshal|validate)|validation (?:failed|error)|invalid (?:config(?:uration)?|yaml|json|toml|syntax)|mapping values are not allowed|did not find expected|unrecognized (?:configuration )?(?:key|field|property|option)|[Ee]xtra (?:inputs|fields) (?:are )?not permitted|ConfigurationParsingException|\b(?:unknown|invalid) port\b|missing port in address|too many colons in address/i;
// A stack frame quotes code locations and identifiers, not a failure of its own.
const FRAME_ROLE = /^\s+at [\w$.<>]+[\s(]|^\s+File "[^"]+", line \d+|^\s+from [^\s:]+:\d+:in|^\s*[\w./-]+\.(?:go|rs|c|cc|cpp):\d+(?: \+0x[0-9a-f]+)?\s*$/;

export type LineRole = 'parse' | 'frame' | 'other';

export function lineRole(text: string): LineRole {
  if (FRAME_ROLE.test(text)) return 'frame';
  if (PARSE_ROLE.test(text)) return 'parse';
  return 'other';
}

/** Causes a line of that role cannot carry: a config loader's complaint is not a network or file failure. */
export const BLOCKED_BY_ROLE: Record<LineRole, ReadonlySet<string>> = {
  parse: new Set(['dns-failure', 'dependency-unreachable', 'config-file-missing', 'port-in-use', 'tls-error']),
  frame: new Set(['dns-failure', 'dependency-unreachable', 'config-file-missing', 'missing-env-var', 'auth-failure', 'permission-denied']),
  other: new Set(),
};

// Closing words of decisive messages. A log line cut mid-word (a copy limit, a terminal width, a truncated
// termination message) still carries its cause: "lookup db on 10.96.0.10:53: no such ho" is a DNS failure.
const CUT_PHRASES = [
  'no such host', 'connection refused', 'permission denied', 'no such file or directory', 'address already in use',
  'executable file not found in $PATH', 'Temporary failure in name resolution', 'Name or service not known',
  'No space left on device', 'certificate signed by unknown authority', 'password authentication failed',
  'exec format error', 'read-only file system', 'i/o timeout', 'cannot open shared object file', 'Cannot find module',
  'could not translate host name', 'Access denied for user', 'authentication failed', 'Connection refused',
  'operation not permitted', 'connection timed out', 'certificate has expired',
];
// Compared without case: a cut "Permission den" or "Read-only file sys" is the same phrase as the library's.
const CUT_LOWER = CUT_PHRASES.map((p) => p.toLowerCase());
const MIN_CUT = 4;

/** The line completed with the rest of the phrase it was cut in, or undefined when it does not end inside one. */
export function completeCut(text: string): string | undefined {
  if (!/[A-Za-z]$/.test(text)) return undefined;
  const lower = text.slice(-64).toLowerCase();
  for (const [i, phrase] of CUT_LOWER.entries()) {
    for (let k = phrase.length - 1; k >= Math.max(MIN_CUT, Math.ceil(phrase.length / 2)); k--) {
      const head = phrase.slice(0, k);
      if (!lower.endsWith(head)) continue;
      const before = text.charAt(text.length - k - 1);
      if (before === '' || /[\s:'"(=]/.test(before)) return text + (CUT_PHRASES[i] ?? phrase).slice(k);
    }
  }
  return undefined;
}
