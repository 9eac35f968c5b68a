import type { WebClient } from '@slack/web-api';
import type { OutboxRow } from '../db/schema.js';
import type { Message } from './blocks/agent-messages.js';

/** The metadata event type that marks a message as sent for one outbox row. */
export const OUTBOX_EVENT = 'frontline_outbox';

/**
 * An earlier attempt may have posted after a crash mid-send, a lost response, a
 * 5xx, or our own failure to record the result. Rate-limited attempts are not
 * counted (retryLater takes them back): Slack certainly did not post those.
 */
const mayHavePosted = (row: OutboxRow) => row.attempts > 1;

/**
 * Posts a message for an outbox row at most once. Each message carries its row
 * id in Slack message metadata; a retry whose first attempt may have succeeded
 * looks for that id in the channel (or thread) before posting again.
 */
export function postOnce(client: WebClient) {
  async function alreadyPosted(channel: string, threadTs: string | undefined, rowId: number) {
    const page = threadTs
      ? await client.conversations.replies({ channel, ts: threadTs, limit: 200, include_all_metadata: true })
      : await client.conversations.history({ channel, limit: 100, include_all_metadata: true });
    return page.messages?.find((m) => {
      const metadata = m.metadata as { event_type?: string; event_payload?: { outbox_id?: number } } | undefined;
      return metadata?.event_type === OUTBOX_EVENT && metadata.event_payload?.outbox_id === rowId;
    });
  }

  return async function post(row: OutboxRow, channel: string, message: Message, threadTs?: string): Promise<{ ts: string; channel: string }> {
    if (mayHavePosted(row)) {
      const found = await alreadyPosted(channel, threadTs, row.id);
      if (found?.ts) return { ts: found.ts, channel };
    }
    const posted = await client.chat.postMessage({
      channel,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...message,
      metadata: { event_type: OUTBOX_EVENT, event_payload: { outbox_id: row.id } },
    });
    return { ts: posted.ts!, channel: posted.channel ?? channel };
  };
}
