#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step to forget.
import { register } from 'tsx/esm/api';

register();
// `frontline check | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../src/cli.ts');
const code = await main(process.argv.slice(2));
// A failed command exits now, even if a half-started Slack client still holds a timer.
if (code > 0) process.exit(code);
