/**
 * A test clock that only moves forward, like real time. Going back would leave
 * queued work "not yet due" and stall a channel's ordered outbox lane.
 *
 * Tests that share one app (one harness) must not depend on each other's
 * times: use `advance` for "later", and give a test that needs a particular
 * weekday or hour its own harness.
 */
export function testClock(start: string) {
  let current = new Date(start);
  return {
    now: () => current,
    set(iso: string) {
      const next = new Date(iso);
      if (next < current) throw new Error(`test clock cannot go back from ${current.toISOString()} to ${iso}`);
      current = next;
    },
    /** Moves the clock forward by `ms` and returns the new time. */
    advance(ms: number): Date {
      current = new Date(current.getTime() + ms);
      return current;
    },
  };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
