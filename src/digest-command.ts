import { parseArgs } from 'node:util';
import { WebClient } from '@slack/web-api';
import { composeDigest } from './app/compose-digest.js';
import type { AppContext } from './app/context.js';
import { UsageError } from './cli-errors.js';
import { loadDotEnv, readConfig } from './config.js';
import { dateOption, withDatabase } from './command-kit.js';
import { lastSlots } from './domain/digest-schedule.js';
import { didYouMean } from './domain/routing/did-you-mean.js';
import { createLogger } from './logger.js';
import { readRoutingFile } from './routing-file.js';
import { digestMessage, digestText } from './slack/blocks/digest.js';
import { webClientOptions } from './slack/slack-app.js';
import { isChannelId } from './domain/slack-ids.js';
import { ownerDirectory } from './app/owner-directory.js';

/**
 * `frontline digest <name> [--now] [--from D --to D] [--send]`: prints a digest
 * as text, or sends it to its recipients. Without --from/--to it covers the time
 * since the digest's latest scheduled slot. On PGlite, stop the bot first: the
 * embedded database serves one process at a time.
 */
export async function digestCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { now: { type: 'boolean' }, send: { type: 'boolean' }, from: { type: 'string' }, to: { type: 'string' }, file: { type: 'string' } },
  });
  loadDotEnv();
  const config = readConfig(process.env);
  const matrix = readRoutingFile(values.file ?? config.routingFile);
  const names = matrix.digests.map((d) => d.name);
  const name = positionals[0];
  if (!name) throw new UsageError(`name a digest: ${names.join(', ') || 'routing.yml has no digests'}`);
  const digest = matrix.digests.find((d) => d.name === name);
  if (!digest) throw new UsageError(`unknown digest "${name}"${didYouMean(name, names)}; known: ${names.join(', ')}`);
  if (values.from === undefined ? values.to !== undefined : values.to === undefined) throw new UsageError('give both --from and --to, or neither');

  const now = new Date();
  const to = values.to ? dateOption('to', values.to) : now;
  const from = values.from ? dateOption('from', values.from) : lastSlots(digest.schedule, digest.timezone, now).latest ?? new Date(now.getTime() - 7 * 86_400_000);
  if (from >= to) throw new UsageError('--from must be before --to');

  const log = createLogger('error', process.stderr as never);
  await withDatabase(config, async (database) => {
    const ctx: AppContext = {
      db: database.db, matrix, now: () => now, log, kickOutbox: () => {},
      owners: ownerDirectory(async () => [], log), channelMembers: async () => [],
    };
    const composed = await composeDigest(ctx, digest, { from, to });
    if (!values.send) {
      process.stdout.write(`${digestText(composed, false)}\n`);
      return;
    }
    // Sending needs only the bot token; the signing secret is for receiving requests.
    if (!config.slack.botToken) throw new UsageError('SLACK_BOT_TOKEN is not set: --send posts the digest through Slack with the bot token.');
    const client = new WebClient(config.slack.botToken, webClientOptions(config.slack.apiUrl, log, config.slack.timeoutMs));
    const channel = isChannelId(digest.to) ? digest.to : (await client.conversations.open({ users: digest.to })).channel!.id!;
    await client.chat.postMessage({ channel, ...digestMessage(composed, false) });
    process.stdout.write(`Sent digest ${digest.name} to ${digest.to}.\n`);
  });
}
