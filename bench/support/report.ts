import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The value below which `p` of the sorted samples fall (nearest rank). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : '—');

/** Prints rows as an aligned table. */
export function printTable(title: string, rows: Array<Record<string, string | number>>): void {
  const headers = Object.keys(rows[0] ?? {});
  const cells = [headers, ...rows.map((r) => headers.map((h) => String(r[h])))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`\n${title}\n${line(headers)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${cells.slice(1).map(line).join('\n')}\n`);
}

/** The machine a figure was measured on, and how busy it was. */
export function machine() {
  return { cores: cpus().length, node: process.version, loadAverage: loadavg().map((l) => Number(l.toFixed(2))), at: new Date().toISOString() };
}

/** Writes a benchmark's figures as JSON under bench/results/, and says where. */
export function writeResults(name: string, figures: unknown): void {
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const path = `${dir}${name}.json`;
  writeFileSync(path, `${JSON.stringify({ machine: machine(), figures }, null, 2)}\n`);
  process.stdout.write(`\nfigures written to bench/results/${name}.json (load average ${machine().loadAverage.join(', ')})\n`);
}

/** The peak resident memory of a process (Linux VmHWM), in MB. */
export function peakMemoryMb(pid: number): number {
  return Math.round(statusKb(pid, 'VmHWM') / 1024);
}

/**
 * The highest resident memory while work runs, sampled every 100 ms: the peak
 * under load, apart from start-up (a new PGlite DATA_DIR is initialised in a
 * worker thread whose memory goes when it ends, but VmHWM keeps it).
 */
export function sampleMemory(pid: number): { stop(): number } {
  let peak = 0;
  const sample = () => {
    try {
      peak = Math.max(peak, statusKb(pid, 'VmRSS'));
    } catch {
      // the process has ended
    }
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return Math.round(peak / 1024);
    },
  };
}

function statusKb(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
}

/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every architecture Node supports. */
const CLOCK_TICKS_PER_S = 100;

/**
 * The CPU time a process has used so far (user and system, all its threads), in
 * ms, from /proc/<pid>/stat. Steadier than latencies on a shared machine: a run
 * that waits for a busy neighbour waits longer, but does not work more.
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after its closing parenthesis; utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Math.round((ticks * 1000) / CLOCK_TICKS_PER_S);
}
