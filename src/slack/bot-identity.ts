import type { WebClient } from '@slack/web-api';
import { classifySlackError } from './slack-errors.js';

export interface BotIdentity {
  botId: string;
  botUserId: string;
}

/**
 * Asks Slack, once at start, whom the bot token belongs to. A wrong token or an
 * unreachable Slack stops start-up with one clear line, instead of surfacing
 * later as an unhandled rejection inside Bolt, which then needs no auth.test of its own.
 */
export async function botIdentity(client: WebClient, apiUrl: string | undefined): Promise<BotIdentity> {
  let who: Awaited<ReturnType<WebClient['auth']['test']>>;
  try {
    who = await client.auth.test();
  } catch (error) {
    const failure = classifySlackError(error);
    if (failure.kind === 'permanent') {
      throw new Error(`Slack refused SLACK_BOT_TOKEN (${failure.error}): check the token on the app's "OAuth & Permissions" page.`);
    }
    throw new Error(`could not reach Slack at ${apiUrl ?? 'https://slack.com/api/'} (${failure.error}): check the network, or SLACK_API_URL.`);
  }
  if (!who.bot_id || !who.user_id) {
    throw new Error('SLACK_BOT_TOKEN is not a bot token: use the "Bot User OAuth Token" (xoxb-…).');
  }
  return { botId: who.bot_id, botUserId: who.user_id };
}
