/** What `within` gives back when the work did not finish in time. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * The work's result, or TIMED_OUT once `ms` have passed, whichever comes first.
 * The work itself goes on; callers decide what a late result may still do (see
 * app/request-deadline.ts, which rolls late database work back).
 */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
