// The alert storm of issue 13, shared by test/alertmanager/storm-digest.test.ts and bench/storm.ts:
// N crash-looping Deployments (62 % dns-failure, 30 % oom-killed, the rest missing-dependency), ten
// alerts per workload (one per replica) sent as ten concurrent webhooks, and what a reader of the
// channel sees afterwards, counted from the local Slack Web API server's records.
import type { Snapshot } from '../../diagnostics/types.ts';
import type { WebhookAlert } from '../../src/alertmanager/schema.ts';
import { crashLoopAlert } from '../alertmanager/fixtures.ts';
import type { ChannelMessage, FakeSlack } from './fake-slack.ts';
import { crashingSnapshot } from './pods.ts';

export type StormCause = 'dns-failure' | 'oom-killed' | 'missing-dependency';

export interface StormWorkload {
  namespace: string;
  name: string;
  pod: string;
  container: string;
  /** The cause the bot should find; undefined: any diagnosed cause counts (e.g. a live cluster's pods). */
  cause?: StormCause;
}

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
/** A 5-character pod suffix in Kubernetes' alphabet, distinct per n. */
export function podSuffix(n: number): string {
  let out = '';
  for (let i = 0; i < 5; i += 1) {
    out += SAFE[n % SAFE.length];
    n = Math.floor(n / SAFE.length);
  }
  return out;
}

/** 62 % dns-failure, 30 % oom-killed, the rest missing-dependency (100 -> 62/30/8). */
export function stormWorkloads(count: number, namespaces = ['shop', 'payments']): StormWorkload[] {
  const dns = Math.round(count * 0.62);
  const oom = Math.round(count * 0.3);
  return Array.from({ length: count }, (_, i) => {
    const name = `svc-${String(i).padStart(3, '0')}`;
    return {
      namespace: namespaces[i % namespaces.length] ?? 'default',
      name,
      pod: `${name}-7d9f8b6c5-${podSuffix(i)}`,
      container: 'app',
      cause: i < dns ? 'dns-failure' : i < dns + oom ? 'oom-killed' : 'missing-dependency',
    };
  });
}

export function stormSnapshot(w: StormWorkload): Snapshot {
  const base = { namespace: w.namespace, name: w.pod, container: w.container, deployment: w.name };
  switch (w.cause ?? 'missing-dependency') {
    case 'dns-failure':
      return crashingSnapshot({ ...base, previousLog: 'Error: getaddrinfo ENOTFOUND postgres.db.svc.cluster.local' });
    case 'oom-killed':
      return crashingSnapshot({ ...base, reason: 'OOMKilled', exitCode: 137, memoryLimit: '256Mi', previousLog: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' });
    case 'missing-dependency':
      return crashingSnapshot({ ...base, previousLog: "Error: Cannot find module 'express'" });
  }
}

/** `perWorkload` alerts per workload (the first for its real pod, the others for replicas), as `batches` webhooks. */
export function stormBatches(workloads: StormWorkload[], perWorkload = 10, batches = 10): WebhookAlert[][] {
  const alerts = workloads.flatMap((w, i) =>
    Array.from({ length: perWorkload }, (_, r) => crashLoopAlert({ namespace: w.namespace, pod: r === 0 ? w.pod : `${w.pod.replace(/-[^-]+$/, '')}-${podSuffix(100_000 + i * perWorkload + r)}`, container: w.container })),
  );
  return Array.from({ length: batches }, (_, b) => alerts.filter((_, j) => j % batches === b));
}

/** What the channel shows, counted the way issue 13 judges it. */
export interface StormView {
  digests: ChannelMessage[];
  /** Top-level messages per workload (its incident parent: exactly one expected). */
  parentsOf: Map<string, ChannelMessage[]>;
  /** Workloads whose parent exists and shows the diagnosed cause in its text and its blocks. */
  parentsWithCause: number;
  /** Workloads whose cause a reader can see in the channel: in the latest digest or in their parent. */
  causesVisible: number;
  /** The digest's listing: workload (`ns/name`) -> the cause it is listed under. */
  digestListing: Map<string, string>;
  /** chat.postMessage calls repeating an earlier one exactly (channel, thread, text, blocks). */
  identicalReposts: number;
  /** Most thread replies under one incident parent. */
  maxReplies: number;
  /** Longest `text` of any post or edit. */
  longestText: number;
  /** Posts without unfurl_links: false and unfurl_media: false. */
  unfurling: number;
  /** "Slack is rate-limiting us" notices in the channel. */
  rateLimitNotices: number;
}

const NOT_A_CAUSE = new Set(['diagnosing', 'could not be diagnosed', 'resolved']);
const workloadLabel = (w: StormWorkload): string => `${w.namespace}/${w.name}`;

/** The digest's cause sections: "<emoji> *cause* · N\n`ns/a`, `ns/b`, …". */
export function digestListing(digest: ChannelMessage | undefined): Map<string, string> {
  const listing = new Map<string, string>();
  const blocks = Array.isArray(digest?.blocks) ? (digest.blocks as { type?: string; text?: { text?: string } }[]) : [];
  for (const block of blocks) {
    const text = block.type === 'section' ? (block.text?.text ?? '') : '';
    const head = /^:[a-z_]+: \*([^*]+)\* · \d+\n/.exec(text);
    if (head?.[1] === undefined) continue;
    for (const m of text.slice(head[0].length).matchAll(/`([^`]+)`/g)) if (m[1] !== undefined) listing.set(m[1], head[1]);
  }
  return listing;
}

export function stormView(slack: FakeSlack, channel: string, workloads: StormWorkload[]): StormView {
  const view = slack.channelView(channel);
  const digests = view.filter((m) => m.metadata?.event_type === 'crashloop_storm');
  const listing = digestListing(digests[digests.length - 1]);
  const parentsOf = new Map<string, ChannelMessage[]>();
  let parentsWithCause = 0;
  let causesVisible = 0;
  let maxReplies = 0;
  for (const w of workloads) {
    const needle = `${w.namespace}/Deployment/${w.name} (`;
    const mine = view.filter((m) => m.metadata?.event_type !== 'crashloop_storm' && m.text.includes(needle));
    parentsOf.set(workloadLabel(w), mine);
    const parent = mine[0];
    const blocks = parent === undefined ? '' : JSON.stringify(parent.blocks);
    const shows = parent !== undefined && (w.cause === undefined ? blocks.includes('*Cause:* `') : parent.text.includes(w.cause) && blocks.includes(`\`${w.cause}\``));
    if (shows) parentsWithCause += 1;
    const listed = listing.get(workloadLabel(w));
    if (shows || (w.cause === undefined ? listed !== undefined && !NOT_A_CAUSE.has(listed) : listed === w.cause)) causesVisible += 1;
    for (const p of mine) maxReplies = Math.max(maxReplies, slack.threadOf(channel, p.ts).length);
  }
  const seen = new Set<string>();
  let identicalReposts = 0;
  let longestText = 0;
  let unfurling = 0;
  for (const c of slack.calls) {
    if (c.method !== 'chat.postMessage' && c.method !== 'chat.update') continue;
    longestText = Math.max(longestText, String(c.args.text ?? '').length);
    if (c.method !== 'chat.postMessage' || c.status !== 200) continue;
    if (c.args.unfurl_links !== false || c.args.unfurl_media !== false) unfurling += 1;
    const key = JSON.stringify([c.args.channel, c.args.thread_ts, c.args.text, c.args.blocks]);
    if (seen.has(key)) identicalReposts += 1;
    seen.add(key);
  }
  const rateLimitNotices = view.filter((m) => m.text.includes('Slack is rate-limiting us')).length;
  return { digests, parentsOf, parentsWithCause, causesVisible, digestListing: listing, identicalReposts, maxReplies, longestText, unfurling, rateLimitNotices };
}
