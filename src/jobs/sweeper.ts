import type { Logger } from 'pino';

/**
 * Runs `tasks` every `intervalMs`. A round never overlaps the previous one, and
 * an error in one task is logged without stopping the others or the loop.
 */
export function startSweeper(intervalMs: number, log: Logger, tasks: Array<() => void | Promise<void>>, onError: () => void = () => {}) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // Every round, on the interval or asked for, runs after the one before: a round asked for while another is under
  // way then sees everything that one did (a timer it claimed is fired and its message queued).
  let current: Promise<void> = Promise.resolve();
  const serialised = () => (current = current.then(round));
  const round = async () => {
    for (const task of tasks) {
      try {
        await task();
      } catch (error) {
        log.error({ err: error }, 'sweep task failed');
        onError();
      }
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void serialised().finally(schedule), intervalMs);
    timer.unref();
  };
  schedule();
  return {
    /** One round now, after any round under way. */
    runNow: (): Promise<void> => serialised(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
