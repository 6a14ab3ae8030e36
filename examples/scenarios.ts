// The README examples: the classic crash-loop scenarios, one snapshot each. `cause` and `container`
// are what `crashloop diagnose` must put first; test/examples.test.ts checks it.
import type { CaseSpec } from '../test/fixtures/corpus/spec.ts';

const at = '2025-03-04T09:30:00Z';
const synthetic = 'synthetic README example';

export const scenarios: CaseSpec[] = [
  {
    cause: 'oom-killed', file: 'oom-killed', source: synthetic, note: 'Java worker over its 256Mi limit.',
    container: 'worker', pod: 'report-worker-7b9c5d6f48-qx2lp', namespace: 'shop', capturedAt: at,
    containers: [{ name: 'worker', image: 'ghcr.io/example/report-worker:1.8.0', limits: { memory: '256Mi', cpu: '500m' }, requests: { memory: '256Mi', cpu: '250m' },
      last: { exitCode: 137, reason: 'OOMKilled', runSeconds: 48 }, restarts: 7 }],
    logs: { worker: '2025-03-04 09:27:01 INFO  Starting ReportWorker v1.8.0\n2025-03-04 09:27:03 INFO  Loading 412 pending reports into memory\n2025-03-04 09:27:40 INFO  Rendering batch 1/9\n' },
  },
  {
    cause: 'liveness-probe-failed', file: 'liveness-probe-too-early', source: synthetic, note: 'App needs ~45 s to start; liveness starts at 5 s and kills it.',
    container: 'api', pod: 'orders-api-5f6d8c7b9-h7vkt', namespace: 'shop', capturedAt: at,
    containers: [{ name: 'api', image: 'ghcr.io/example/orders-api:3.2.1', ports: [8080],
      liveness: { http: { path: '/healthz', port: 8080 }, initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3 },
      last: { exitCode: 143, reason: 'Error', runSeconds: 21 }, restarts: 6 }],
    stdEvents: true,
    events: [
      { reason: 'Unhealthy', message: 'Liveness probe failed: Get "http://10.244.1.23:8080/healthz": dial tcp 10.244.1.23:8080: connect: connection refused', container: 'api', count: 21, ago: 40, firstAgo: 3500 },
      { reason: 'Killing', message: 'Container api failed liveness probe, will be restarted', container: 'api', count: 7, ago: 40, firstAgo: 3490 },
    ],
    logs: { api: '09:26:10.114 INFO  orders-api 3.2.1 starting\n09:26:11.502 INFO  running 37 schema migrations\n09:26:29.870 INFO  warming product cache\n' },
  },
  {
    cause: 'config-ref-missing', file: 'missing-secret', source: synthetic, note: 'env var from a Secret that was never created.',
    container: 'web', pod: 'storefront-6c8d9b7f5-2mzqw', namespace: 'shop', capturedAt: at,
    containers: [{ name: 'web', image: 'ghcr.io/example/storefront:2.0.4', ports: [3000], env: [{ name: 'NODE_ENV', value: 'production' }, { name: 'STRIPE_API_KEY', secret: ['storefront-stripe', 'api-key'] }],
      waiting: { reason: 'CreateContainerConfigError', message: 'secret "storefront-stripe" not found' } }],
    events: [
      { reason: 'Scheduled', message: 'Successfully assigned shop/storefront-6c8d9b7f5-2mzqw to worker-1', from: 'default-scheduler', ago: 600 },
      { reason: 'Pulled', message: 'Container image "ghcr.io/example/storefront:2.0.4" already present on machine', container: 'web', count: 14, ago: 12, firstAgo: 598 },
      { reason: 'Failed', message: 'Error: secret "storefront-stripe" not found', container: 'web', count: 14, ago: 12, firstAgo: 598 },
    ],
  },
  {
    cause: 'missing-env-var', file: 'missing-env-var', source: synthetic, note: 'Python settings read DATABASE_URL, which the Deployment does not set.',
    container: 'app', pod: 'billing-58d7f6c9b4-p8rnx', namespace: 'shop', capturedAt: at,
    containers: [{ name: 'app', image: 'ghcr.io/example/billing:0.9.3', ports: [8000], env: [{ name: 'LOG_LEVEL', value: 'info' }], last: { exitCode: 1, reason: 'Error', runSeconds: 1 }, restarts: 5 }],
    logs: { app: [
      'Traceback (most recent call last):',
      '  File "/app/main.py", line 3, in <module>',
      '    from billing import settings',
      '  File "/app/billing/settings.py", line 12, in <module>',
      '    DATABASE_URL = os.environ["DATABASE_URL"]',
      '  File "/usr/local/lib/python3.12/os.py", line 714, in __getitem__',
      '    raise KeyError(key) from None',
      "KeyError: 'DATABASE_URL'",
      '',
    ].join('\n') },
  },
  {
    cause: 'command-not-found', file: 'bad-command', source: synthetic, note: 'command points at a script name that is not in the image (exit 127).',
    container: 'server', pod: 'search-5d9f8b6c7-w4kxs', namespace: 'shop', capturedAt: at,
    containers: [{ name: 'server', image: 'ghcr.io/example/search:1.4.0', command: ['/bin/sh', '-c', 'start-server --port 9200'], ports: [9200], last: { exitCode: 127, reason: 'Error', runSeconds: 0 }, restarts: 6 }],
    logs: { server: '/bin/sh: 1: start-server: not found\n' },
  },
  {
    cause: 'dependency-unreachable', file: 'database-connection-refused', source: synthetic, note: 'Node app cannot reach PostgreSQL; the database Service has no ready endpoints.',
    container: 'api', pod: 'inventory-api-7d4c9f8b6-kz5tq', namespace: 'shop', capturedAt: at,
    containers: [{ name: 'api', image: 'ghcr.io/example/inventory-api:5.1.0', ports: [8080], env: [{ name: 'PGHOST', value: 'postgres.shop.svc.cluster.local' }, { name: 'PGPORT', value: '5432' }], last: { exitCode: 1, reason: 'Error', runSeconds: 3 }, restarts: 8 }],
    logs: { api: [
      '{"level":"info","time":"2025-03-04T09:28:02.114Z","msg":"inventory-api 5.1.0 listening soon, connecting to database"}',
      'Error: connect ECONNREFUSED 10.96.142.17:5432',
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16) {',
      '  errno: -111,',
      "  code: 'ECONNREFUSED',",
      "  syscall: 'connect',",
      "  address: '10.96.142.17',",
      '  port: 5432',
      '}',
      '',
    ].join('\n') },
  },
  {
    cause: 'dns-failure', file: 'coredns-loop', source: synthetic, note: 'Node resolv.conf points at a local stub resolver; CoreDNS forwards to itself and its loop plugin exits.',
    container: 'coredns', pod: 'coredns-7db6d8ff4d-9xw2m', namespace: 'kube-system', capturedAt: at,
    containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1', args: ['-conf', '/etc/coredns/Corefile'], ports: [53, 53, 9153], limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' },
      liveness: { http: { path: '/health', port: 8080 }, initialDelaySeconds: 60, timeoutSeconds: 5, failureThreshold: 5 }, mounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
      last: { exitCode: 1, reason: 'Error', runSeconds: 6 }, restarts: 9 }],
    volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }], defaultMode: 420 } }],
    logs: { coredns: '.:53\n[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908\nCoreDNS-1.11.1\nlinux/amd64, go1.20.7, ae2bbc2\n[FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 4547991504243258144.3688648895315093531."\n' },
  },
  {
    cause: 'permission-denied', file: 'postgres-data-dir-ownership', source: synthetic, note: 'Volume owned by root; postgres refuses to start on a data directory it does not own.',
    container: 'postgres', pod: 'postgres-0', namespace: 'shop', capturedAt: at,
    containers: [{ name: 'postgres', image: 'postgres:16.2', ports: [5432], env: [{ name: 'POSTGRES_PASSWORD', secret: ['postgres', 'password'] }, { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' }],
      mounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }], last: { exitCode: 1, reason: 'Error', runSeconds: 0 }, restarts: 6 }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-postgres-0' } }],
    logs: { postgres: '2025-03-04 09:29:12.004 UTC [1] FATAL:  data directory "/var/lib/postgresql/data/pgdata" has wrong ownership\n2025-03-04 09:29:12.004 UTC [1] HINT:  The server must be started by the user that owns the data directory.\n' },
  },
  {
    cause: 'exited-zero', file: 'exit-zero-restart-always', source: synthetic, note: 'A one-shot migration script run as a Deployment: it succeeds, exits 0, and is restarted forever.',
    container: 'migrate', pod: 'db-migrate-6f7c8d9b5-l2xvn', namespace: 'shop', capturedAt: at,
    containers: [{ name: 'migrate', image: 'ghcr.io/example/db-migrate:2025.03.01', command: ['/app/migrate', 'up'], last: { exitCode: 0, reason: 'Completed', runSeconds: 4 }, restarts: 9 }],
    logs: { migrate: 'applying migrations from /app/migrations\nno change: schema is at version 42\n' },
  },
];
