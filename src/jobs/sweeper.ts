import type { Logger } from 'pino';

/**
 * Runs `tasks` every `intervalMs`. A round never overlaps the previous one, and
 * an error in one task is logged without stopping the others or the loop.
 */
export function startSweeper(intervalMs: number, log: Logger, tasks: Array<() => void | Promise<void>>, onError: () => void = () => {}) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
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
    timer = setTimeout(() => {
      current = round().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
