import type { WebClient } from '@slack/web-api';
import { classifySlackError, platformError } from './slack-errors.js';

export interface BotIdentity {
  botId: string;
  botUserId: string;
  /** The workspace's address (https://acme.slack.com/): a message's permalink is built from it, without a call. */
  workspaceUrl: string | undefined;
}

/** The permalink Slack gives a top-level message, built locally: one call less per card. */
export const permalink = (workspaceUrl: string, channel: string, ts: string) =>
  `${workspaceUrl.replace(/\/?$/, '/')}archives/${channel}/p${ts.replace('.', '')}`;

/**
 * Asks Slack, once at start, whom the bot token belongs to. A refused token or an
 * unreachable Slack (including a wrong SLACK_API_URL answering 404) stops start-up
 * with one clear line. Bolt, given the ids, then needs no auth.test of its own, whose
 * failure it would leave as an unhandled rejection.
 */
export async function botIdentity(client: WebClient, apiUrl: string | undefined, timeoutMs: number): Promise<BotIdentity> {
  const who = await client.auth.test().catch((error: unknown) => {
    const refused = platformError(error);
    const problem = classifySlackError(error).error;
    throw new Error(refused
      ? `Slack refused SLACK_BOT_TOKEN (${refused}): check the token on the app's "OAuth & Permissions" page.`
      : problem === 'timeout'
        ? `Slack at ${apiUrl ?? 'https://slack.com/api/'} accepted the connection but did not answer within ${timeoutMs / 1000} s: check the network, or SLACK_API_URL.`
        : `could not reach Slack at ${apiUrl ?? 'https://slack.com/api/'} (${problem}): check the network, or SLACK_API_URL.`);
  });
  if (!who.bot_id || !who.user_id) {
    throw new Error('SLACK_BOT_TOKEN is not a bot token: use the "Bot User OAuth Token" (xoxb-…).');
  }
  return { botId: who.bot_id, botUserId: who.user_id, workspaceUrl: who.url };
}
