import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { afterEach } from 'vitest';

const running = new Set<ChildProcess>();

/** Spawns a process that `killProcessesAfterEach` ends after its test, passed or failed. */
export function spawnForTest(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

/** Call once in a test file: after each test, every process it started and left running is killed. */
export function killProcessesAfterEach(): void {
  afterEach(async () => {
    const left = [...running];
    await Promise.all(left.map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    })));
  });
}
