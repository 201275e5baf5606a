import type { Logger } from '../core/logger.js';

export type MaintenanceTasks = Record<string, () => Promise<unknown>>;

/**
 * Housekeeping on plain timers in every worker process - not on BullMQ's job
 * schedulers: the outbox sweep exists for the day Redis loses its data, and a
 * schedule kept in Redis would be lost with it. Every task is idempotent
 * (conditional updates, deterministic job ids), so several processes running
 * the same pass is harmless. Runs of one task never overlap.
 */
export function startMaintenance(deps: { logger: Logger; tasks: MaintenanceTasks; everyMs: Record<string, number> }) {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  for (const [name, task] of Object.entries(deps.tasks)) {
    let busy = false;
    const tick = () => {
      if (busy || stopped) return;
      busy = true;
      const run = task()
        .catch((err: unknown) => deps.logger.error({ task: name, err }, 'maintenance task failed'))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    };
    const t = setInterval(tick, deps.everyMs[name] ?? 60_000);
    t.unref();
    timers.push(t);
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.all(running);
    },
  };
}
