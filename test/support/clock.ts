/**
 * A test clock that only moves forward, like real time. Going back would leave
 * queued work "not yet due" and stall a channel's ordered outbox lane.
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
  };
}
