import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection
 * kept, before it collects again. V8's own factor is up to 4 (300%): under a
 * burst, a bot whose live data is about 30 MB let the heap fill with 80 MB of
 * promoted garbage (escalations in flight for a few hundred ms outlive two young
 * collections), and its resident memory reached 225 MB. At 30% the same burst
 * peaks near 150 MB, for more frequent full collections of a small heap (about
 * one a second under load, within the measurement's noise in CPU per request).
 */
export const HEAP_GROWING_PERCENT = 30;

/**
 * Sets the growing factor for this process, unless node was started with its
 * own. V8 reads it at every collection, so setting it after start-up takes effect.
 */
export function keepHeapNearLiveSize(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((arg) => arg.startsWith('--heap-growing-percent') || arg.startsWith('--heap_growing_percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
