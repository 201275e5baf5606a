/**
 * Many calls, one run: `soon()` schedules `run` after `delayMs` unless a run
 * is already scheduled, so a burst of triggers (a busy inbox signals several
 * times a second) costs one run per window, and the run that follows the last
 * trigger always sees its effect. `stop()` cancels what is scheduled.
 */
export function coalesce(run: () => void, delayMs: number) {
  let timer: NodeJS.Timeout | null = null;
  return {
    soon() {
      timer ??= setTimeout(() => {
        timer = null;
        run();
      }, delayMs);
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
