// One fix per cause: the concrete change, the kubectl commands that confirm it, and a snippet.
import type { CauseId, Fix } from './types.ts';
import type { Context, ContainerCtx } from './context.ts';
import { command, debugCopy, describePod, logsPrevious, names, podEvents, showSpec, SLEEP_OVERRIDE, workloadRef } from './fix-commands.ts';
import { isHostname, kubeName, shellCommand } from './shell.ts';

export interface FixDetail {
  /** What the finding is about: module, file, variable, host, volume … */
  subject?: string;
  /** A more precise first move than the cause's generic one (e.g. disable service links), from the signature. */
  advice?: string;
}

function q(s: string | undefined, fallback: string): string {
  return s && s.trim() !== '' ? s.trim() : fallback;
}

export function suggestLimit(limit: string | undefined): string | undefined {
  if (!limit) return undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T|k)?$/.exec(limit.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  if (unit === '') return `${Math.ceil((n * 1.5) / 1048576)}Mi`;
  const doubled = n * 1.5;
  if ((unit === 'Mi' || unit === 'M') && doubled >= 1024) return `${Math.ceil((doubled / 1024) * 10) / 10}Gi`;
  return `${Math.ceil(doubled * 10) / 10}${unit}`;
}

function oomFix(ctx: Context, c: ContainerCtx): Fix {
  const suggested = suggestLimit(c.memoryLimit);
  return {
    kind: 'raise-memory-limit', currentLimit: c.memoryLimit, suggestedLimit: suggested,
    summary: `Raise the memory limit of ${c.name}${c.memoryLimit ? ` from ${c.memoryLimit}` : ''}${suggested ? ` to about ${suggested}` : ''}, or reduce the app's memory use (heap size, caches, concurrency).`,
    steps: [
      'Compare actual usage with the limit (kubectl top pod, or the metrics history).',
      'Raise requests and limits together; for the JVM or Node.js keep the heap below the limit (-XX:MaxRAMPercentage=75, --max-old-space-size).',
      'If usage grows without bound, look for a leak before raising again.',
    ],
    commands: [
      command('Current memory use', ['kubectl', 'top', 'pod', names(ctx).pod, '-n', names(ctx).ns, '--containers']),
      logsPrevious(ctx, c),
      describePod(ctx),
      command('Raise the limit', ['kubectl', 'set', 'resources', workloadRef(ctx), '-c', names(ctx, c).container, '-n', names(ctx).ns, `--limits=memory=${suggested ?? '<new-limit>'}`]),
    ],
    snippet: `resources:\n  requests:\n    memory: ${suggested ?? '512Mi'}\n  limits:\n    memory: ${suggested ?? '512Mi'}`,
  };
}


/** pod-0.headless-svc.namespace.svc[.cluster.local]: a StatefulSet pod's own DNS record. */
const STATEFUL_POD_DNS = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?-\d+\.[a-z0-9]([a-z0-9-]*[a-z0-9])?\.[a-z0-9]([a-z0-9-]*[a-z0-9])?\.svc(?:\.cluster\.local)?\.?$/;

/** svc.namespace.svc[.cluster.local]: a Service name already qualified with its namespace. */
const SERVICE_DNS = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?)\.([a-z0-9]([a-z0-9-]*[a-z0-9])?)\.svc(?:\.cluster\.local)?\.?$/;

/** The host a DNS check should resolve: the failing name when it is a hostname, else a placeholder. */
function lookupHost(subject: string | undefined): string {
  const host = subject?.trim().replace(/:\d{1,5}$/, '');
  return isHostname(host) ? host : '<host>';
}

/** host:port for openssl s_client: the subject when it is one, else placeholders. */
function tlsTarget(subject: string | undefined): string {
  const m = subject === undefined ? null : /^(.{1,253}?)(?::(\d{1,5}))?$/.exec(subject.trim());
  const host = m?.[1];
  return isHostname(host) ? `${host}:${m?.[2] ?? '443'}` : '<host>:<port>';
}

function dnsSummary(subject: string | undefined, ns: string): string {
  const svc = subject ? SERVICE_DNS.exec(subject) : null;
  if (svc) return `Fix name resolution of ${subject}: check that Service ${svc[1]} exists in namespace ${svc[3]} (${shellCommand(['kubectl', 'get', 'svc', svc[1] ?? '<svc>', '-n', svc[3] ?? '<namespace>'])}) and that CoreDNS answers.`;
  return `Fix name resolution of ${q(subject, 'the hostname')}: use the right Service name (<svc>.${ns}.svc.cluster.local for this namespace) and check CoreDNS.`;
}

/** Who else can hold the port depends on the pod's network: the node's (hostNetwork), a sibling's, or the container's own. */
function portSummary(ctx: Context, c: ContainerCtx, subject: string | undefined): string {
  const port = subject ? /:(\d{2,5})\]?$/.exec(subject)?.[1] ?? (/^\d{2,5}$/.test(subject) ? subject : undefined) : undefined;
  const which = port ? `port ${port}` : q(subject, 'its port');
  if (ctx.hostNetwork) {
    return `${c.name} runs with hostNetwork, so ${which} is a port of node ${ctx.nodeName ?? '<node>'}: another process there (a host service, a static pod or an old copy of this component) already listens on it. Find it on the node with \`ss -ltnp${port ? ` | grep :${port}` : ''}\`, stop it, or move this component to a free port.`;
  }
  const siblings = ctx.containers.filter((o) => o.name !== c.name && o.type !== 'init').map((o) => o.name);
  if (siblings.length > 0) return `Give ${c.name} a free port: containers of a pod share one network namespace, and ${siblings.join(', ')} may already listen on ${which}; change one of the ports.`;
  return `Give ${c.name} a free port: nothing else runs in the pod, so ${which} is taken inside the container itself (two listeners configured on the same port, e.g. the app and its metrics or admin server, or the entrypoint starting the server twice).`;
}

export function fixFor(cause: CauseId, ctx: Context, c: ContainerCtx, d: FixDetail = {}): Fix {
  const fix = fixForCause(cause, ctx, c, d);
  return d.advice ? { ...fix, summary: d.advice, steps: [fix.summary, ...fix.steps] } : fix;
}

function fixForCause(cause: CauseId, ctx: Context, c: ContainerCtx, d: FixDetail): Fix {
  const logs = logsPrevious(ctx, c);
  const ns = names(ctx).ns;
  const w = workloadRef(ctx);
  switch (cause) {
    case 'oom-killed':
      return oomFix(ctx, c);
    case 'missing-env-var': {
      const v = d.subject && /^[A-Za-z_][A-Za-z0-9_]*$/.test(d.subject) ? d.subject : undefined;
      const name = v ?? 'VAR_NAME';
      return {
        kind: 'fix-environment', variable: v,
        summary: `Set the environment variable ${name} on container ${c.name} (from a Secret or ConfigMap if it is sensitive).`,
        steps: ['Check which variables the container has.', `Add ${name} to the container env (or envFrom) and roll out.`],
        commands: [showSpec(ctx, c, 'env'), logs, command(`Set ${name} from a Secret`, ['kubectl', 'set', 'env', w, '-c', names(ctx, c).container, '-n', ns, '--from=secret/<secret-name>', `--keys=${name}`])],
        snippet: `env:\n  - name: ${name}\n    valueFrom:\n      secretKeyRef:\n        name: <secret-name>\n        key: ${name}`,
      };
    }
    case 'config-ref-missing':
      return {
        kind: 'create-reference', refKind: /secret/i.test(d.subject ?? '') ? 'Secret' : 'ConfigMap', refName: q(d.subject, '<name>'),
        summary: `Create ${q(d.subject, 'the referenced ConfigMap or Secret')} in namespace ${ns}, or fix the name the pod refers to.`,
        steps: ['Check the exact name and namespace of the reference.', 'Create it, or mark the reference optional.'],
        commands: [command('List ConfigMaps and Secrets', ['kubectl', 'get', 'configmap,secret', '-n', ns]), describePod(ctx)],
      };
    case 'config-file-missing':
      return {
        kind: 'fix-config',
        summary: `Provide ${q(d.subject, 'the missing file')} to container ${c.name}: mount the ConfigMap/Secret/volume at that path or fix the path the app reads.`,
        steps: ['Compare the path in the error with the container volumeMounts.', 'Check that the ConfigMap key exists and that a subPath/mountPath matches the file name.'],
        commands: [logs, showSpec(ctx, c, 'volumeMounts'), { description: 'Inspect the image filesystem', command: debugCopy(ctx, c).command }],
        snippet: `volumeMounts:\n  - name: config\n    mountPath: /etc/app   # directory the app reads\nvolumes:\n  - name: config\n    configMap:\n      name: <configmap-name>`,
      };
    case 'config-invalid':
      return {
        kind: 'fix-config',
        summary: `Fix the invalid configuration of container ${c.name}${d.subject ? ` (${d.subject})` : ''}: the file, flag or setting quoted in the evidence is rejected at start-up.`,
        steps: ['Read the exact parse/validation error and the line it points at.', 'Validate the file locally (yamllint, promtool check config, amtool check-config, nginx -t) before rolling out.'],
        commands: [logs, showSpec(ctx, c, 'args'), describePod(ctx)],
      };
    case 'dependency-unreachable':
      return {
        kind: 'fix-dependency', target: d.subject,
        summary: `Make ${q(d.subject, 'the dependency')} reachable from ${c.name}: check that its Service has endpoints, the port is right and no NetworkPolicy blocks it; or let the app retry instead of exiting.`,
        steps: ['Check the target Service and its endpoints.', 'Test the connection from a debug pod in the same namespace.', 'Add retries with backoff (or an init container that waits) if the dependency starts later.'],
        commands: [logs, command('Check Services and endpoints', ['kubectl', 'get', 'svc,endpoints', '-n', ns]), command('Test from inside the namespace', ['kubectl', 'run', '-it', '--rm', 'nettest', '--image=busybox:1.36', '-n', ns, '--restart=Never', '--', 'sh'])],
      };
    case 'dns-failure':
      return {
        kind: 'fix-dependency', target: d.subject,
        summary: d.subject && STATEFUL_POD_DNS.test(d.subject)
          ? `${d.subject} is the per-pod DNS name of a StatefulSet pod behind a headless Service: it resolves only while that pod exists and is Ready (unless the Service sets publishNotReadyAddresses: true). Check that the pod is up, that the Service name matches the StatefulSet's spec.serviceName, and let ${c.name} wait or retry instead of exiting.`
          : dnsSummary(d.subject, ns),
        steps: ['Check that the Service exists in the expected namespace.', 'Check CoreDNS pods and their logs; for a CoreDNS loop, point the node resolv.conf (kubelet --resolv-conf) at a real upstream instead of 127.0.0.x.'],
        commands: [logs, command('Resolve from inside the cluster', ['kubectl', 'run', '-it', '--rm', 'dnstest', '--image=busybox:1.36', '-n', ns, '--restart=Never', '--', 'nslookup', lookupHost(d.subject)]), { description: 'Check CoreDNS', command: 'kubectl logs -n kube-system -l k8s-app=kube-dns --tail=50' }],
      };
    case 'missing-dependency':
      return {
        kind: 'fix-image', image: c.image,
        summary: `Rebuild the image of ${c.name} with ${q(d.subject, 'the missing module or library')} installed (check the Dockerfile install step, multi-stage COPY and the working directory).`,
        steps: ['Reproduce locally: docker run the same image tag.', 'Install the dependency in the Dockerfile (npm ci / pip install -r / apt-get install) and rebuild.'],
        commands: [logs, showSpec(ctx, c, 'image')],
      };
    case 'permission-denied':
      return {
        kind: 'fix-permissions',
        summary: `Give container ${c.name} access to ${q(d.subject, 'the path it writes')}: set securityContext.fsGroup/runAsUser to the owner the image expects, or chown it in the image.`,
        steps: ['Find the user the process runs as and the owner of the path.', 'Set fsGroup so mounted volumes are group-writable; for databases use a subdirectory of the volume (e.g. PGDATA=/var/lib/postgresql/data/pgdata).'],
        commands: [logs, showSpec(ctx, c, 'securityContext')],
        snippet: `securityContext:        # pod level\n  runAsUser: 1000\n  runAsGroup: 1000\n  fsGroup: 1000\n  fsGroupChangePolicy: OnRootMismatch`,
      };
    case 'port-in-use':
      return {
        kind: 'fix-config',
        summary: portSummary(ctx, c, d.subject),
        steps: ['List the ports of every container in the pod (containers share one network namespace).', 'Change the app port or remove the duplicate process.'],
        commands: [logs, command('List container ports', ['kubectl', 'get', 'pod', names(ctx).pod, '-n', ns, '-o', 'jsonpath={range .spec.containers[*]}{.name}{"\\t"}{.ports}{"\\n"}{end}'])],
      };
    case 'command-not-found':
      return {
        kind: 'fix-command', command: c.command.length > 0 ? [...c.command, ...c.args] : undefined,
        summary: `Fix the command of ${c.name}: ${d.subject ? `${d.subject} does not exist in the image` : 'the entrypoint or the interpreter it needs is missing from the image'} (check the path, the image tag and the shell/interpreter it needs).`,
        steps: ['Compare command/args with the files in the image.', 'Start a debug copy with a sleep command and look for the binary.'],
        commands: [showSpec(ctx, c, 'command'), debugCopy(ctx, c), describePod(ctx)],
        snippet: SLEEP_OVERRIDE,
      };
    case 'not-executable':
      return {
        kind: 'fix-command', command: c.command.length > 0 ? [...c.command, ...c.args] : undefined,
        summary: `Make ${q(d.subject, 'the entrypoint')} executable: chmod +x it in the Dockerfile and convert CRLF line endings (dos2unix), or run it through its interpreter.`,
        steps: ['RUN chmod +x on the script in the Dockerfile (or COPY --chmod=755).', 'Convert Windows line endings with dos2unix.', 'Or call it as ["sh", "/path/script.sh"].'],
        commands: [showSpec(ctx, c, 'command'), debugCopy(ctx, c)],
      };
    case 'exec-format-error':
      return {
        kind: 'fix-image', image: c.image,
        summary: `Build ${q(c.image, 'the image')} for the node architecture (e.g. docker buildx build --platform linux/amd64,linux/arm64).`,
        steps: ['Compare the node architecture with the image platform.', 'Publish a multi-arch image or pin the pod to matching nodes with nodeSelector kubernetes.io/arch.'],
        commands: [{ description: 'Node architectures', command: 'kubectl get nodes -L kubernetes.io/arch' }, command('Image platforms', ['docker', 'manifest', 'inspect', q(c.image, '<image>')])],
        snippet: 'nodeSelector:\n  kubernetes.io/arch: amd64',
      };
    case 'segfault':
      return {
        kind: 'fix-code',
        summary: `Container ${c.name} crashes with SIGSEGV: check native libraries against the base image (musl vs glibc), the image architecture and recent version bumps; get a core dump.`,
        steps: ['Roll back to the last image that worked.', 'Run the same image locally with the same arguments to reproduce.'],
        commands: [logs, showSpec(ctx, c, 'image')],
      };
    case 'image-pull-failure':
      return {
        kind: 'fix-image', image: c.image,
        summary: `Fix the image reference ${c.image ? `${c.image} ` : ''}of ${c.name}: check the name and tag exist, and add imagePullSecrets for a private registry.`,
        steps: ['Pull the exact reference by hand.', 'For a private registry create a docker-registry Secret and reference it in imagePullSecrets.'],
        commands: [describePod(ctx), command('Create a pull secret', ['kubectl', 'create', 'secret', 'docker-registry', 'regcred', '-n', ns, '--docker-server=<registry>', '--docker-username=<user>', '--docker-password=<password>'])],
        snippet: 'imagePullSecrets:\n  - name: regcred',
      };
    case 'exited-zero':
      return {
        kind: 'fix-restart-policy',
        summary: `Container ${c.name} finishes successfully and restartPolicy Always restarts it forever: run one-off work as a Job (restartPolicy OnFailure) or keep the main process in the foreground.`,
        steps: ['If it is a task, move it to a Job or CronJob.', 'If it is a server, make sure the entrypoint does not background the process (no "&", nginx "daemon off;").'],
        commands: [showSpec(ctx, c, 'command'), logs],
        snippet: 'apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      restartPolicy: OnFailure',
      };
    case 'volume-mount-failure':
      return {
        kind: 'fix-volume', volume: d.subject,
        summary: `Fix ${d.subject ? `volume ${d.subject}` : 'the volume'} of pod ${ctx.podName}: check the PVC is Bound, the storage driver/NFS server is reachable and the volume is not attached to another node.`,
        steps: ['Check the PVC and PV status.', 'Check the CSI driver pods and the VolumeAttachment objects.'],
        commands: [describePod(ctx), command('PVC status', ['kubectl', 'get', 'pvc', '-n', ns]), { description: 'Attachments', command: 'kubectl get volumeattachments' }],
      };
    case 'auth-failure':
      return {
        kind: 'fix-config',
        summary: `Give ${c.name} valid credentials for ${q(d.subject, 'the dependency')}: check the Secret it reads and that the user/password/token match the server.`,
        steps: ['Check the Secret keys the container uses.', 'Rotate or correct the credential and restart the pod.'],
        commands: [logs, showSpec(ctx, c, 'env'), command('List Secrets', ['kubectl', 'get', 'secret', '-n', ns])],
      };
    case 'tls-error':
      return {
        kind: 'fix-config',
        summary: `Fix TLS between ${c.name} and ${q(d.subject, 'its peer')}: mount the CA bundle that signed the server certificate, renew an expired certificate, or use a certificate whose SANs match the address.`,
        steps: ['Read the certificate chain the server presents (openssl s_client).', 'Mount the CA into the container trust store or set the client CA file.'],
        commands: [logs, command('Inspect the server certificate chain (Ctrl-C once it is printed)', ['openssl', 's_client', '-connect', tlsTarget(d.subject), '-showcerts'])],
      };
    case 'disk-full':
      return {
        kind: 'free-disk',
        summary: `Free space for ${c.name}: grow the volume or emptyDir sizeLimit, clean old data/logs, or raise ephemeral-storage limits.`,
        steps: ['Find which filesystem is full (df -h in a debug copy).', 'Expand the PVC or clean up; set ephemeral-storage requests/limits.'],
        commands: [logs, command('Node disk pressure', ['kubectl', 'describe', 'node', kubeName(ctx.nodeName, '<node>')])],
        snippet: 'resources:\n  requests:\n    ephemeral-storage: 1Gi\n  limits:\n    ephemeral-storage: 2Gi',
      };
    case 'app-error':
      return {
        kind: 'fix-code',
        summary: `Fix the crash in ${c.name}: the quoted exception/panic is raised by the application itself.`,
        steps: ['Read the full stack trace of the previous instance.', 'Roll back to the last working image if the crash started with a release.'],
        commands: [logs, describePod(ctx)],
      };
    default:
      return {
        kind: 'debug',
        summary: `No evidence explains why ${c.name} exits: start a copy with a sleep command (or kubectl debug) and run the entrypoint by hand.`,
        steps: ['Read the previous logs and events.', 'Override the command with sleep to keep the container up, exec into it and run the original command.', 'Set terminationMessagePolicy: FallbackToLogsOnError to keep the last log lines in the status.'],
        commands: [logs, describePod(ctx), podEvents(ctx), debugCopy(ctx, c)],
        snippet: SLEEP_OVERRIDE,
      };
  }
}
