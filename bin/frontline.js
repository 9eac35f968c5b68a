#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (`npm run build`) when it is at least as
// new as every source file: no loader thread and no transpiling, so the bot
// starts faster and uses about 90 MB less memory. Otherwise (a fresh clone, or a
// source edited since the last build) it runs the TypeScript sources through tsx,
// so a stale build never runs in place of the code beside it.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const compiled = new URL('dist/cli.js', root);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsCurrent() {
  if (!existsSync(compiled)) return false;
  const sources = new URL('src/', root);
  // A production image ships dist/ without src/.
  return !existsSync(sources) || statSync(compiled).mtimeMs >= newestSource(sources);
}

// `frontline check | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
let cli;
if (buildIsCurrent()) {
  cli = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(new URL('src/cli.ts', root).href);
}
const code = await cli.main(process.argv.slice(2));
// A failed command exits now, even if a half-started Slack client still holds a timer.
if (code > 0) process.exit(code);
