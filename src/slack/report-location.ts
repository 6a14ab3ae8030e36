// Where a requested report will appear: in the requester's channel, or, when the workload already has an
// open incident, in that incident's message (the worker edits the incident's parent instead of posting a
// new report). The web role answers this before acknowledging `/crashloop`, from the incident store and
// the name the user typed, so the ack can point at the incident (with a permalink) instead of promising
// "this channel". A guess from the name: the worker, which knows the pod's owner, decides.
import type { IncidentKey } from '../queue/types.ts';
import type { Incident } from '../incidents/store.ts';
import type { AckContext, IncidentLocation } from './render/messages.ts';
import { withTimeout } from '../queue/with-timeout.ts';
import type { Presence } from '../queue/worker-presence.ts';

/** The incident workloads a typed name may belong to: the workload itself, or the owner its pod name implies. */
export function candidateWorkloads(name: string): string[] {
  const out = [`Deployment/${name}`, `StatefulSet/${name}`, `DaemonSet/${name}`];
  const deployment = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(name);
  if (deployment?.[1] !== undefined) out.push(`Deployment/${deployment[1]}`);
  const statefulSet = /^(.+)-\d+$/.exec(name);
  if (statefulSet?.[1] !== undefined) out.push(`StatefulSet/${statefulSet[1]}`);
  const daemonSet = /^(.+)-[a-z0-9]{5}$/.exec(name);
  if (daemonSet?.[1] !== undefined) out.push(`DaemonSet/${daemonSet[1]}`);
  out.push(`Pod/${name}`);
  return [...new Set(out)];
}

export interface LocateDeps {
  incidents: { get(key: IncidentKey): Promise<Incident | undefined> };
  /** The ts of an incident's parent message, as the outbox recorded it once posted. */
  parentTs?: (key: IncidentKey) => Promise<string | undefined>;
  /** chat.getPermalink; undefined when Slack does not answer. */
  permalink?: (channel: string, ts: string) => Promise<string | undefined>;
}

/** The open incident a report about `namespace/name` in `cluster` would update, if any. */
export async function locateReport(deps: LocateDeps, cluster: string, namespace: string, name: string): Promise<IncidentLocation | undefined> {
  const found = await Promise.all(candidateWorkloads(name).map((workload) => deps.incidents.get({ cluster, namespace, workload })));
  const open = found.find((i): i is Incident => i !== undefined && i.status === 'firing');
  if (open === undefined) return undefined;
  const location: IncidentLocation = { workload: open.key.workload, namespace, channel: open.channel };
  const ts = (await deps.parentTs?.(open.key).catch(() => undefined)) ?? open.parentTs;
  if (ts !== undefined && deps.permalink !== undefined) {
    const link = await deps.permalink(open.channel, ts).catch(() => undefined);
    if (link !== undefined) location.permalink = link;
  }
  return location;
}

/** What the slash command and the Diagnose button may ask before their ack. */
export interface AckLookups {
  presence?: (cluster: string) => Promise<Presence>;
  locate?: (cluster: string, namespace: string, name: string) => Promise<IncidentLocation | undefined>;
  log?: (message: string, error?: unknown) => void;
}

/** What the ack adds to "queued": asked while the job is queued, each bounded so the ack stays in Slack's 3 s. */
export async function ackContext(deps: AckLookups, cluster: string, target: { namespace?: string | undefined; name?: string | undefined }): Promise<AckContext> {
  const { namespace, name } = target;
  const [presence, incident] = await Promise.all([
    deps.presence === undefined ? undefined : withTimeout(deps.presence(cluster), 800, 'the worker presence').catch(() => undefined),
    deps.locate === undefined || namespace === undefined || name === undefined
      ? undefined
      : withTimeout(deps.locate(cluster, namespace, name), 800, 'the incident lookup').catch((error: unknown) => void deps.log?.('could not look for an open incident of the target', error)),
  ]);
  return { ...(presence === undefined ? {} : { presence }), ...(incident === undefined ? {} : { incident }) };
}

