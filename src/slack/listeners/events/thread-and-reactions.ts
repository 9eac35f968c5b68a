import { answerByDm } from '../../../app/answer-by-dm.js';
import { answerInThread, reactOnCard } from '../../../app/answer-in-thread.js';
import type { IssueOutcome } from '../../../app/act-on-issue.js';
import { beforeDeadline, isLate, type Late } from '../../../app/request-deadline.js';
import { messageEvent, reactionEvent } from '../../payloads.js';
import { lateAnswer, type ListenerDeps } from '../listener-kit.js';

/**
 * Experts work from the channel: replies in a card's thread and :eyes: reactions
 * act on the issue; the agent's answers (in the thread or by DM) resume it.
 */
export function registerThreadAndReactions({ app, ctx }: ListenerDeps): void {
  const explain = async (channel: string, user: string, outcome: IssueOutcome | Late | undefined, threadTs?: string) => {
    const text = !outcome ? undefined : isLate(outcome) ? lateAnswer(outcome) : !outcome.ok ? `:no_entry: ${outcome.message}` : outcome.notice;
    if (!text) return;
    await app.client.chat
      .postEphemeral({ channel, user, text, ...(threadTs ? { thread_ts: threadTs } : {}) })
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'could not explain a refusal'));
  };

  app.event('message', async ({ event }) => {
    const parsed = messageEvent.safeParse(event);
    // Edits, joins, files and bots (ourselves included) never act on issues.
    if (!parsed.success) return;
    const message = parsed.data;
    if ((message.subtype && message.subtype !== 'thread_broadcast') || message.bot_id || !message.text) return;
    if (message.channel_type === 'im') {
      const replies = await beforeDeadline(ctx, (c) => answerByDm(c, message.user, message.text));
      for (const text of isLate(replies) ? [lateAnswer(replies)] : replies) {
        await app.client.chat.postMessage({ channel: message.channel, text });
      }
      return;
    }
    if (!message.thread_ts || message.thread_ts === message.ts) return;
    const reply = { channel: message.channel, threadTs: message.thread_ts, userId: message.user, text: message.text };
    await explain(message.channel, message.user, await beforeDeadline(ctx, (c) => answerInThread(c, reply)), message.thread_ts);
  });

  app.event('reaction_added', async ({ event }) => {
    const parsed = reactionEvent.safeParse(event);
    if (!parsed.success) return;
    const { user, reaction, item } = parsed.data;
    if (item.type !== 'message' || !item.channel || !item.ts) return;
    const reacted = { channel: item.channel, ts: item.ts, userId: user, name: reaction };
    await explain(item.channel, user, await beforeDeadline(ctx, (c) => reactOnCard(c, reacted)));
  });
}
