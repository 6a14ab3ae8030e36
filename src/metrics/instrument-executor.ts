// Counts every report button action by action id and outcome, around whichever executor the bot runs.
import type { ActionExecutor } from '../actions/types.ts';
import type { Metrics } from './metrics.ts';

export function instrumentExecutor<E extends ActionExecutor & { close?(): Promise<void> }>(executor: E, metrics: Metrics): ActionExecutor & { close?(): Promise<void> } {
  const counted: ActionExecutor & { close?(): Promise<void> } = {
    async execute(request, signal) {
      try {
        const outcome = await executor.execute(request, signal);
        metrics.action(request.actionId, outcome.status);
        return outcome;
      } catch (error) {
        metrics.action(request.actionId, 'error');
        throw error;
      }
    },
  };
  if (executor.close !== undefined) counted.close = () => executor.close?.() ?? Promise.resolve();
  return counted;
}
