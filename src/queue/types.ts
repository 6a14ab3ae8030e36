// The diagnosis job contract shared by the web role (slash commands, Alertmanager) and the workers.
// Owned by the Slack/queue code; changes must stay backward compatible (jobs survive deploys in Redis).

/** Where a report is posted. */
export interface ReplyTarget {
  channel: string;
  /** Post into this thread instead of opening a new parent message. */
  threadTs?: string;
  /** For slash commands: the user to tell about errors ephemerally. */
  userId?: string;
  /** For slash commands: Slack's response_url, valid 30 min, for ephemeral follow-ups. */
  responseUrl?: string;
  /** The Slack team the request came from; buttons made for it are bound to it. */
  teamId?: string;
}

/** An incident is (cluster, namespace, workload); alerts and reports about it share one thread. */
export interface IncidentKey {
  cluster: string;
  namespace: string;
  /** "Deployment/payments-api", or "Pod/<name>" when the pod has no controller. */
  workload: string;
}

export interface DiagnosisJobData {
  /** Schema version of this payload. */
  v: 1;
  /** Which cluster's worker must run it; the queue name is derived from it. */
  cluster: string;
  /** What to diagnose, as typed or derived from alert labels ("ns/pod", "deploy/x", "pod -n ns" resolved to text + namespace). */
  target: {
    text: string;
    namespace?: string;
    /** Alert jobs: the pod's workload ("deploy/x", "sts/x", "ds/x"), diagnosed when the pod is gone (replaced by its controller). */
    fallback?: string;
  };
  origin: 'slash-command' | 'alertmanager' | 'button';
  reply: ReplyTarget;
  /** Present for alert-driven jobs; slash commands may fill it after resolution. */
  incident?: IncidentKey;
  /** Who asked (Slack user id) or which alert (fingerprint). */
  requestedBy?: string;
  /** ISO time the request arrived. */
  requestedAt: string;
  /** 'list': `/crashloop` alone, answer with the crashing pods; default 'diagnose'. */
  mode?: 'diagnose' | 'list';
  /**
   * Legacy: jobs once carried the namespaces they might touch. Ignored: the worker takes them from its
   * own config and the policy (src/queue/job-schema.ts drops it).
   */
  allowedNamespaces?: string[];
}

/** Redis key of an incident, shared by the incident store and the poster. */
export function incidentId(key: IncidentKey): string {
  return `${key.cluster}/${key.namespace}/${key.workload}`;
}

/** Queue name for a cluster's diagnosis jobs. BullMQ queue names may not contain ':'. */
export function diagnosisQueueName(cluster: string): string {
  return `crashloop-diagnose-${cluster.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}
