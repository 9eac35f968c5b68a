#!/usr/bin/env node
/**
 * Runs every test of the suite on its own (`vitest run <file> -t <its full name>`),
 * two at a time, and lists those that fail alone: a test that passes only after
 * the ones before it has a hidden dependency. Slow (a few seconds per test), so it
 * is not part of `npm test`; run it after reorganising tests:
 *
 *   node test/tools/run-each-test-alone.mjs [path filter]
 *
 * Exits non-zero when any test fails alone.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const filter = process.argv[2] ?? '';
const vitest = ['node_modules/vitest/vitest.mjs'];

const { stdout } = await run(process.execPath, [...vitest, 'list', '--json'], { maxBuffer: 64 * 1024 * 1024 });
const tests = JSON.parse(stdout).filter((t) => t.file.includes(filter));
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const failures = [];
let done = 0;
async function runAlone({ name, file }) {
  // Vitest matches -t against the test's describe names and its own, joined by spaces.
  const pattern = `^${escape(name.split(' > ').join(' '))}$`;
  try {
    const result = await run(process.execPath, [...vitest, 'run', file, '-t', pattern], { maxBuffer: 64 * 1024 * 1024 });
    if (!/Tests\s+.*1 passed/.test(result.stdout.replace(/\x1b\[[0-9;]*m/g, ''))) failures.push({ name, file, why: 'did not run exactly one test' });
  } catch (error) {
    // Vitest writes a failure's reason to stderr and its summary to stdout: read both.
    const output = `${error.stdout ?? ''}\n${error.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '');
    failures.push({ name, file, why: output.split('\n').filter((l) => /Error|expected/.test(l)).slice(0, 2).join(' | ') });
  }
  done++;
  process.stdout.write(`\r${done}/${tests.length} run alone, ${failures.length} failed`);
}

const queue = [...tests];
await Promise.all([0, 1].map(async () => {
  for (let test = queue.shift(); test; test = queue.shift()) await runAlone(test);
}));
process.stdout.write('\n');
for (const f of failures) console.log(`FAILS ALONE: ${f.file.replace(process.cwd() + '/', '')} > ${f.name}\n    ${f.why}`);
process.exit(failures.length ? 1 : 0);
