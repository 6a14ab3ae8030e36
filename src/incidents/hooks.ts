// The diagnosis worker's incident hooks (DiagnosisDeps.incidentThread / onReportPosted), backed by the
// incident store: alert-driven reports (and slash commands about the same workload) land in the
// incident's thread, which is opened here if the webhook could not open it.
import type { Report } from '../../diagnostics/types.ts';
import type { IncidentKey } from '../queue/types.ts';
import { parentFiringText } from './messages.ts';
import type { IncidentNotifier } from './notifier.ts';
import type { IncidentStore } from './store.ts';
import { ensureParent } from './thread.ts';

export interface IncidentHooks {
  incidentThread(incident: IncidentKey): Promise<{ channel: string; ts: string } | undefined>;
  onReportPosted(incident: IncidentKey, posted: unknown, report: Report): Promise<void>;
}

export function incidentHooks(store: IncidentStore, notifier: IncidentNotifier, options: { waitMs?: number } = {}): IncidentHooks {
  return {
    async incidentThread(key) {
      const incident = await store.get(key);
      if (incident === undefined) return undefined;
      if (incident.parentTs !== undefined) return { channel: incident.channel, ts: incident.parentTs };
      const text = parentFiringText(key, incident.alertnames[0] ?? 'Alert', incident.containers[0]);
      const result = await ensureParent(store, notifier, key, { channel: incident.channel, text }, { waitMs: options.waitMs ?? 5_000 });
      return result.kind === 'pending' ? undefined : { channel: incident.channel, ts: result.ts };
    },
    async onReportPosted(key, _posted, report) {
      const cause = report.findings[0]?.cause;
      if (cause !== undefined) await store.noteCause(key, cause);
    },
  };
}
