// The `crashloop --help` text. Keep it in step with docs/cli.md.
export const HELP = `crashloop: diagnose Kubernetes pods stuck in CrashLoopBackOff

Usage:
  crashloop diagnose <pod|workload|ns/pod> [-n NS] [--context CTX] [--output text|json]
  crashloop diagnose --snapshot FILE [--output text|json]     (FILE "-" reads stdin)
  crashloop rules test <pack> <snapshot.json…> [--output text|json]   try rule packs offline
  crashloop rules check <pack>                                 validate rule packs
  crashloop snapshot <pod|workload|ns/pod> [-n NS] [--context CTX] > snapshot.json
  crashloop serve [...]                                        run the Slack bot
  crashloop feedback export [--out DIR] [--since WHEN]         diagnoses marked wrong in Slack, as fixtures
  crashloop help | --help | --version
  crashloop help config                                        every environment variable of serve

Targets:
  api-7d9f8c-x2lqp       a pod (all namespaces are searched when -n is not given)
  prod/api-7d9f8c-x2lqp  a pod in a namespace
  api, deploy/api        a Deployment, StatefulSet or DaemonSet: its crash-looping pod
  api-7d                 a name prefix: the crashing pod among the matches

Options:
  -n, --namespace NS     namespace of the target
      --context CTX      kube context (default: the current one; KUBECONFIG is honoured)
      --kubeconfig FILE  kubeconfig file (default: KUBECONFIG, then ~/.kube/config)
  -o, --output FORMAT    text (default) or json: the report as JSON
  -f, --snapshot FILE    diagnose a saved snapshot instead of a live pod
      --rules PATH       operator rule packs (a *.yaml file or a directory of them) to add to the
                         built-in library; default CRASHLOOP_RULES_DIR (docs/rule-packs.md)
      --timeout SECONDS  deadline for cluster reads (default 30)
      --no-color         plain text even on a terminal (NO_COLOR is honoured too)
      --debug            print stack traces on errors
  -h, --help             this help
  -V, --version          print the version

\`crashloop snapshot\` prints the captured snapshot with secrets redacted: attach it to bug
reports, or keep it as a test fixture.

Exit codes:
  0  diagnosed (whether or not a cause was found)
  1  internal error (a bug: rerun with --debug and report it)
  2  usage error
  3  target not found, or ambiguous (the error lists the candidates)
  4  cluster unreachable, timed out, credentials rejected or access forbidden
  5  invalid snapshot file
  6  feedback export: Redis unreachable, timed out or credentials rejected
  7  feedback export: the fixture files could not be written
  8  invalid rule pack (--rules, CRASHLOOP_RULES_DIR, crashloop rules): every problem is listed
  9  crashloop rules test: the pack is valid, but some snapshot matched none of its rules
`;

export const FEEDBACK_HELP = `Usage: crashloop feedback export [--out DIR] [--since WHEN]

Writes every diagnosis marked wrong with the report's "Wrong diagnosis?" button as a corpus fixture:
DIR/<cause>/feedback-<id>.json, the redacted snapshot plus \`expected\` { cause, container,
source: "feedback:<id>", note }. Files already there with the same content are left alone.

  --out DIR, -o DIR  where to write (default ./feedback-fixtures); test/fixtures/corpus adds them
                     to the corpus directly
  --since WHEN       only items marked since a date (2026-01-31, 2026-01-31T12:00:00Z) or for a
                     duration back from now (30m, 12h, 7d, 2w)

Redis comes from the bot's variables: REDIS_URL (or REDIS_SENTINELS / REDIS_CLUSTER_NODES),
REDIS_USERNAME, REDIS_PASSWORD, REDIS_TLS, CRASHLOOP_REDIS_PREFIX. See docs/feedback.md.

Exit codes: 0 written (or nothing to write), 2 usage, 6 Redis unreachable or credentials
rejected, 7 files could not be written.
`;

export const SERVE_HELP = `Usage: crashloop serve [--role all|web|worker] [--cluster NAME]

Runs the Slack bot: POST /slack/events (or Socket Mode with SLACK_APP_TOKEN), POST /alertmanager,
GET /healthz and GET /readyz on PORT, and the diagnosis workers.

  --role all      everything in one process (default)
  --role web      Slack and HTTP only; jobs go to each cluster's queue
  --role worker   diagnose jobs of one cluster (--cluster, else CLUSTER_NAME or the kube context)
  --cluster NAME  the worker's cluster

Configuration comes from the environment: \`crashloop help config\` lists every variable
(docs/configuration.md); docs/install.md shows how to set it up.
`;
