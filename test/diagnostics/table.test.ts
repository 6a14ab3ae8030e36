// Table tests: whole findings (cause, container, title, evidence, fix kind) for representative fixtures.
// Expected values were reviewed by hand against the fixture: they quote the exact status fields,
// events and log lines, with the real names.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../diagnostics/index.ts';
import { buildSnapshot } from '../fixtures/diagnostics/build.ts';
import { CASES } from '../fixtures/diagnostics/cases.ts';

const TABLE = [
  {
    "name": "oom-java-limit",
    "expected": {
      "cause": "oom-killed",
      "container": "api",
      "containerType": "main",
      "title": "Container \"api\" was OOMKilled: it exceeded its memory limit (limit 512Mi)",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[api].state.waiting",
          "text": "reason: CrashLoopBackOff, message: back-off 5m0s restarting failed container=api pod=api-7d9f8b6c5d-x2k4q_default(5f1c7e2a-4b1d-4c8e-9a55-2f0d6c1b9e7a)"
        },
        {
          "kind": "status",
          "source": "status.containerStatuses[api].lastState.terminated",
          "text": "exitCode: 137, reason: OOMKilled, startedAt: 2026-11-21T11:57:45Z, finishedAt: 2026-11-21T11:59:20Z"
        },
        {
          "kind": "spec",
          "source": "spec.containers[api].resources.limits.memory",
          "text": "512Mi"
        }
      ],
      "fixKind": "raise-memory-limit"
    }
  },
  {
    "name": "liveness-kill-conn-refused-logs",
    "expected": {
      "cause": "liveness-probe-failed",
      "container": "web",
      "containerType": "main",
      "title": "The kubelet kills \"web\" because its liveness probe fails: Get \"http://10.244.2.17:8080/healthz\": dial tcp 10.244.2.17:8080: connect: connection refused",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[web].state.waiting",
          "text": "reason: CrashLoopBackOff, message: back-off 5m0s restarting failed container=web pod=web-7d9f8b6c5d-x2k4q_default(5f1c7e2a-4b1d-4c8e-9a55-2f0d6c1b9e7a)"
        },
        {
          "kind": "status",
          "source": "status.containerStatuses[web].lastState.terminated",
          "text": "exitCode: 137, reason: Error, startedAt: 2026-11-21T11:58:49Z, finishedAt: 2026-11-21T11:59:20Z"
        },
        {
          "kind": "event",
          "source": "event Unhealthy ×18",
          "text": "Liveness probe failed: Get \"http://10.244.2.17:8080/healthz\": dial tcp 10.244.2.17:8080: connect: connection refused"
        },
        {
          "kind": "event",
          "source": "event Killing ×6",
          "text": "Container web failed liveness probe, will be restarted"
        },
        {
          "kind": "spec",
          "source": "spec.containers[web].livenessProbe",
          "text": "httpGet /healthz port 8080, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3"
        }
      ],
      "fixKind": "tune-probe"
    }
  },
  {
    "name": "secret-key-missing",
    "expected": {
      "cause": "config-ref-missing",
      "container": "billing",
      "containerType": "main",
      "title": "Secret \"billing-db\" has no key \"DB_PASSWORD\" in namespace payments, so \"billing\" cannot be created",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[billing].state.waiting",
          "text": "reason: CreateContainerConfigError, message: couldn't find key DB_PASSWORD in Secret payments/billing-db"
        },
        {
          "kind": "event",
          "source": "event Failed ×7",
          "text": "Error: couldn't find key DB_PASSWORD in Secret payments/billing-db"
        }
      ],
      "fixKind": "create-reference"
    }
  },
  {
    "name": "image-tag-not-found",
    "expected": {
      "cause": "image-pull-failure",
      "container": "api",
      "containerType": "main",
      "title": "Image \"ghcr.io/acme/api:v2.0.O\" of \"api\" cannot be pulled: the image or tag does not exist",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[api].state.waiting",
          "text": "reason: ImagePullBackOff, message: Back-off pulling image \"ghcr.io/acme/api:v2.0.O\""
        },
        {
          "kind": "event",
          "source": "event Failed ×4",
          "text": "Failed to pull image \"ghcr.io/acme/api:v2.0.O\": rpc error: code = NotFound desc = failed to pull and unpack image \"ghcr.io/acme/api:v2.0.O\": failed to resolve reference \"ghcr.io/acme/api:v2.0.O\": ghcr.io/acme/api:v2.0.O: not found"
        }
      ],
      "fixKind": "fix-image"
    }
  },
  {
    "name": "start-error-executable-not-found",
    "expected": {
      "cause": "command-not-found",
      "container": "migrate",
      "containerType": "main",
      "title": "\"migrate\" cannot start: \"migrate.sh\" does not exist in the image",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[migrate].state.waiting",
          "text": "reason: CrashLoopBackOff, message: back-off 5m0s restarting failed container=migrate pod=migrate-7d9f8b6c5d-x2k4q_default(5f1c7e2a-4b1d-4c8e-9a55-2f0d6c1b9e7a)"
        },
        {
          "kind": "status",
          "source": "status.containerStatuses[migrate].lastState.terminated",
          "text": "exitCode: 128, reason: StartError, startedAt: 2026-11-21T11:59:18Z, finishedAt: 2026-11-21T11:59:20Z, message: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"migrate.sh\": executable file not found in $PATH: unknown"
        }
      ],
      "fixKind": "fix-command"
    }
  },
  {
    "name": "python-keyerror-env",
    "expected": {
      "cause": "missing-env-var",
      "container": "api",
      "containerType": "main",
      "title": "\"api\": the environment variable DATABASE_URL is not set (KeyError: 'DATABASE_URL')",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[api].state.waiting",
          "text": "reason: CrashLoopBackOff, message: back-off 5m0s restarting failed container=api pod=api-7d9f8b6c5d-x2k4q_default(5f1c7e2a-4b1d-4c8e-9a55-2f0d6c1b9e7a)"
        },
        {
          "kind": "status",
          "source": "status.containerStatuses[api].lastState.terminated",
          "text": "exitCode: 1, reason: Error, startedAt: 2026-11-21T11:59:18Z, finishedAt: 2026-11-21T11:59:20Z"
        },
        {
          "kind": "log",
          "source": "logs/api previous line 8",
          "text": "KeyError: 'DATABASE_URL'"
        }
      ],
      "fixKind": "fix-environment"
    }
  },
  {
    "name": "python-keyerror-dict",
    "expected": {
      "cause": "app-error",
      "container": "api",
      "containerType": "main",
      "title": "\"api\": KeyError: 'resize'",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[api].state.waiting",
          "text": "reason: CrashLoopBackOff, message: back-off 5m0s restarting failed container=api pod=api-7d9f8b6c5d-x2k4q_default(5f1c7e2a-4b1d-4c8e-9a55-2f0d6c1b9e7a)"
        },
        {
          "kind": "status",
          "source": "status.containerStatuses[api].lastState.terminated",
          "text": "exitCode: 1, reason: Error, startedAt: 2026-11-21T11:59:18Z, finishedAt: 2026-11-21T11:59:20Z"
        },
        {
          "kind": "log",
          "source": "logs/api previous line 6",
          "text": "KeyError: 'resize'"
        }
      ],
      "fixKind": "fix-code"
    }
  },
  {
    "name": "coredns-loop",
    "expected": {
      "cause": "dns-failure",
      "container": "coredns",
      "containerType": "main",
      "title": "\"coredns\": CoreDNS detected a forwarding loop: the node resolv.conf points back at CoreDNS: [FATAL] plugin/loop: Loop (127.0.0.1:49443 -> :53) detected for zone \".\", see https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO 4547991504243258...",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[coredns].state.waiting",
          "text": "reason: CrashLoopBackOff, message: back-off 5m0s restarting failed container=coredns pod=coredns-7d9f8b6c5d-x2k4q_kube-system(5f1c7e2a-4b1d-4c8e-9a55-2f0d6c1b9e7a)"
        },
        {
          "kind": "status",
          "source": "status.containerStatuses[coredns].lastState.terminated",
          "text": "exitCode: 1, reason: Error, startedAt: 2026-11-21T11:59:18Z, finishedAt: 2026-11-21T11:59:20Z"
        },
        {
          "kind": "log",
          "source": "logs/coredns previous line 5",
          "text": "[FATAL] plugin/loop: Loop (127.0.0.1:49443 -> :53) detected for zone \".\", see https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO 4547991504243258144.3688648895315093531.\""
        }
      ],
      "fixKind": "fix-dependency"
    }
  },
  {
    "name": "exited-zero-batch",
    "expected": {
      "cause": "exited-zero",
      "container": "report",
      "containerType": "main",
      "title": "\"report\" exits successfully (exit 0, Completed) but restartPolicy Always restarts it forever",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[report].state.waiting",
          "text": "reason: CrashLoopBackOff, message: back-off 5m0s restarting failed container=report pod=report-7d9f8b6c5d-x2k4q_default(5f1c7e2a-4b1d-4c8e-9a55-2f0d6c1b9e7a)"
        },
        {
          "kind": "status",
          "source": "status.containerStatuses[report].lastState.terminated",
          "text": "exitCode: 0, reason: Completed, startedAt: 2026-11-21T11:59:17Z, finishedAt: 2026-11-21T11:59:20Z"
        },
        {
          "kind": "spec",
          "source": "spec.restartPolicy",
          "text": "Always"
        }
      ],
      "fixKind": "fix-restart-policy"
    }
  },
  {
    "name": "failed-mount-nfs",
    "expected": {
      "cause": "volume-mount-failure",
      "container": "app",
      "containerType": "main",
      "title": "Volume \"shared\" of pod app-7d9f8b6c5d-x2k4q cannot be attached or mounted: the NFS server cannot be reached from the node",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[app].state.waiting",
          "text": "reason: ContainerCreating"
        },
        {
          "kind": "event",
          "source": "event FailedMount ×9",
          "text": "MountVolume.SetUp failed for volume \"shared\" : mount failed: exit status 32\nMounting command: mount\nMounting arguments: -t nfs 10.0.0.20:/exports/shared /var/lib/kubelet/pods/5f1c/volumes/kubernetes.io~nfs/shared\nOutput: mount.nfs: Connection timed out"
        },
        {
          "kind": "event",
          "source": "event FailedMount ×4",
          "text": "Unable to attach or mount volumes: unmounted volumes=[shared], unattached volumes=[shared kube-api-access-7x2d]: timed out waiting for the condition"
        }
      ],
      "fixKind": "fix-volume"
    }
  },
  {
    "name": "unknown-no-logs-exit-1",
    "expected": {
      "cause": "unknown",
      "container": "svc",
      "containerType": "main",
      "title": "No evidence explains why \"svc\" crashes (exit 1, Error); it wrote no logs",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[svc].state.waiting",
          "text": "reason: CrashLoopBackOff, message: back-off 5m0s restarting failed container=svc pod=svc-7d9f8b6c5d-x2k4q_default(5f1c7e2a-4b1d-4c8e-9a55-2f0d6c1b9e7a)"
        },
        {
          "kind": "status",
          "source": "status.containerStatuses[svc].lastState.terminated",
          "text": "exitCode: 1, reason: Error, startedAt: 2026-11-21T11:59:18Z, finishedAt: 2026-11-21T11:59:20Z"
        }
      ],
      "fixKind": "debug"
    }
  },
  {
    "name": "init-container-crash",
    "expected": {
      "cause": "dependency-unreachable",
      "container": "wait-for-db",
      "containerType": "init",
      "title": "\"wait-for-db\": A network dependency is unreachable: nc: db (10.96.7.1:5432): Connection refused",
      "evidence": [
        {
          "kind": "status",
          "source": "status.initContainerStatuses[wait-for-db].state.waiting",
          "text": "reason: CrashLoopBackOff, message: back-off 5m0s restarting failed container=wait-for-db pod=app-7d9f8b6c5d-x2k4q_default(5f1c7e2a-4b1d-4c8e-9a55-2f0d6c1b9e7a)"
        },
        {
          "kind": "status",
          "source": "status.initContainerStatuses[wait-for-db].lastState.terminated",
          "text": "exitCode: 1, reason: Error, startedAt: 2026-11-21T11:59:18Z, finishedAt: 2026-11-21T11:59:20Z"
        },
        {
          "kind": "log",
          "source": "logs/wait-for-db previous line 1",
          "text": "nc: db (10.96.7.1:5432): Connection refused"
        }
      ],
      "fixKind": "fix-dependency"
    }
  },
  {
    "name": "postgres-wrong-owner",
    "expected": {
      "cause": "permission-denied",
      "container": "postgres",
      "containerType": "main",
      "title": "\"postgres\": PostgreSQL refuses the data directory /var/lib/postgresql/data: wrong ownership or permissions",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[postgres].state.waiting",
          "text": "reason: CrashLoopBackOff, message: back-off 5m0s restarting failed container=postgres pod=postgres-7d9f8b6c5d-x2k4q_default(5f1c7e2a-4b1d-4c8e-9a55-2f0d6c1b9e7a)"
        },
        {
          "kind": "status",
          "source": "status.containerStatuses[postgres].lastState.terminated",
          "text": "exitCode: 1, reason: Error, startedAt: 2026-11-21T11:59:18Z, finishedAt: 2026-11-21T11:59:20Z"
        },
        {
          "kind": "log",
          "source": "logs/postgres previous line 1",
          "text": "2026-11-21 11:59:58.120 UTC [1] FATAL:  data directory \"/var/lib/postgresql/data\" has wrong ownership"
        }
      ],
      "fixKind": "fix-permissions"
    }
  },
  {
    "name": "exec-format-standard-init",
    "expected": {
      "cause": "exec-format-error",
      "container": "web",
      "containerType": "main",
      "title": "\"web\": The binary was built for another CPU architecture (exec format error): standard_init_linux.go:228: exec user process caused: exec format error",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[web].state.waiting",
          "text": "reason: CrashLoopBackOff, message: back-off 5m0s restarting failed container=web pod=web-7d9f8b6c5d-x2k4q_default(5f1c7e2a-4b1d-4c8e-9a55-2f0d6c1b9e7a)"
        },
        {
          "kind": "status",
          "source": "status.containerStatuses[web].lastState.terminated",
          "text": "exitCode: 1, reason: Error, startedAt: 2026-11-21T11:59:18Z, finishedAt: 2026-11-21T11:59:20Z"
        },
        {
          "kind": "log",
          "source": "logs/web previous line 1",
          "text": "standard_init_linux.go:228: exec user process caused: exec format error"
        }
      ],
      "fixKind": "fix-image"
    }
  },
  {
    "name": "metrics-server-ip-sans",
    "expected": {
      "cause": "tls-error",
      "container": "metrics-server",
      "containerType": "main",
      "title": "\"metrics-server\": metrics-server cannot verify the kubelet certificate of 10.0.1.12 (no IP SANs): use --kubelet-insecure-tls or serve kubelet certs",
      "evidence": [
        {
          "kind": "status",
          "source": "status.containerStatuses[metrics-server].state.waiting",
          "text": "reason: CrashLoopBackOff, message: back-off 5m0s restarting failed container=metrics-server pod=metrics-server-7d9f8b6c5d-x2k4q_kube-system(5f1c7e2a-4b1d-4c8e-9a55-2f0d6c1b9e7a)"
        },
        {
          "kind": "status",
          "source": "status.containerStatuses[metrics-server].lastState.terminated",
          "text": "exitCode: 1, reason: Error, startedAt: 2026-11-21T11:59:18Z, finishedAt: 2026-11-21T11:59:20Z"
        },
        {
          "kind": "log",
          "source": "logs/metrics-server previous line 1",
          "text": "E1121 11:59:58.225614       1 scraper.go:140] \"Failed to scrape node\" err=\"Get \\\"https://10.0.1.12:10250/metrics/resource\\\": x509: cannot validate certificate for 10.0.1.12 because it doesn't contain any IP SANs\" node=\"worker-2\""
        }
      ],
      "fixKind": "fix-config"
    }
  }
] as const;

describe('primary finding, whole', () => {
  for (const row of TABLE) {
    it(row.name, () => {
      const c = CASES.find((x) => x.name === row.name);
      expect(c).toBeDefined();
      if (!c) return;
      const f = diagnose(buildSnapshot(c)).findings[0];
      expect(f && { cause: f.cause, container: f.container, containerType: f.containerType, title: f.title, evidence: f.evidence, fixKind: f.fix.kind }).toEqual(row.expected);
    });
  }
});
