import { parseArgs } from 'node:util';
import { UsageError } from '../cli-errors.js';
import { DEFAULT_HOST, DEFAULT_PORT, startPlayground } from './start-playground.js';

/** Slack credentials in the environment that the playground refuses to run beside. */
const SLACK_SECRETS = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'];

/**
 * The playground is a development tool: it only ever talks to its own sandbox.
 * A real token in the environment means someone may believe it acts in their
 * workspace, so it refuses to start rather than ignore it silently.
 */
export function realSlackProblem(env: NodeJS.ProcessEnv): string | undefined {
  const set = SLACK_SECRETS.filter((name) => env[name]);
  const api = env.SLACK_API_URL;
  if (set.length) return `the playground never uses a real Slack token, but ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set: unset ${set.length === 1 ? 'it' : 'them'} (the playground runs its own sandbox Slack)`;
  if (api && !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(api)) return `the playground only talks to its own sandbox, but SLACK_API_URL points at ${api}: unset it`;
  return undefined;
}

/** `frontline playground [--port N] [--host H]`: serves the playground until Ctrl-C. */
export async function playgroundCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' } } });
  const problem = realSlackProblem(env);
  if (problem) throw new UsageError(problem);
  const port = values.port === undefined ? Number(env.PLAYGROUND_PORT ?? DEFAULT_PORT) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port "${values.port ?? env.PLAYGROUND_PORT}" is not a port: give a number from 0 to 65535 (0 picks a free one)`);
  const host = values.host ?? env.PLAYGROUND_HOST ?? DEFAULT_HOST;
  let playground;
  try {
    playground = await startPlayground({ port, host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is in use: pass --port with another (or 0 for any free port)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot listen on --host ${host}: not an address of this machine`);
    throw error;
  }
  process.stdout.write(`Frontline playground: ${playground.url}\n`
    + 'The real app on an in-memory database, against a sandbox Slack; nothing leaves this machine. Ctrl-C stops it.\n');
  if (host !== DEFAULT_HOST && host !== 'localhost') process.stdout.write(`Listening on ${host}: anyone who can reach it can use the playground.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await playground.stop();
}
