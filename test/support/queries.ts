import { eq } from 'drizzle-orm';
import { issueEvents, issues, outbox } from '../../src/db/schema.js';
import type { SandboxMessage } from '../../src/sandbox/slack-server.js';
import { AGENTS, FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import type { Harness } from './harness.js';

/** Rows as the database holds them: what the e2e tests assert besides Slack calls. */
export const allIssues = (h: Harness) => h.app.database.db.select().from(issues).orderBy(issues.id);
export const issueByKey = async (h: Harness, key: string) =>
  (await h.app.database.db.select().from(issues).where(eq(issues.key, key)))[0];
export const eventTypes = async (h: Harness, issueId: number) =>
  (await h.app.database.db.select().from(issueEvents).where(eq(issueEvents.issueId, issueId)).orderBy(issueEvents.id)).map((e) => e.type);
export const outboxRows = (h: Harness) => h.app.database.db.select().from(outbox).orderBy(outbox.id);

/**
 * Waits until the card of `key` is in `channel` and recorded on the issue: Slack
 * shows a card a moment before the app has stored its ts, and people react after that.
 */
export async function postedCard(h: Harness, channel: string, key: string) {
  const card = await h.slack.waitFor(`${key} card`, () => cardsIn(h, channel).find((m) => m.text.startsWith(`${key} `)));
  await h.slack.waitFor(`${key} card recorded`, async () => (await issueByKey(h, key))?.cardTs === card.ts);
  return card;
}

/** Top-level messages (cards and notices) in a channel. */
export const cardsIn = (h: Harness, channel: string) => h.slack.messagesIn(channel).filter((m) => !m.threadTs);

/** Clicks, then waits for the ephemeral answer to that click (not whatever else the user was shown meanwhile). */
export async function answerToClick(h: Harness, user: string, message: SandboxMessage, actionId: string): Promise<string> {
  const reply = await h.driver.click(user, message, actionId);
  return (await h.slack.waitFor(`answer for ${user}`, () => h.slack.answerTo(reply))).text;
}

const hasButton = (message: SandboxMessage, actionId: string) => JSON.stringify(message.blocks ?? []).includes(`"action_id":"${actionId}"`);

/** Clicks `actionId` once the message shows it: a card updates a moment after the change that updates it. */
export async function clickWhenShown(h: Harness, user: string, message: SandboxMessage, actionId: string) {
  await h.slack.waitFor(`${actionId} on ${message.ts}`, () => hasButton(message, actionId));
  return h.driver.click(user, message, actionId);
}

/** The issue key (ESC-n) in the agent's answer to a filing; throws, with the answer, when it holds none. */
export function keyOf(reply: { body: unknown }): string {
  const key = /ESC-\d+/.exec((reply.body as { text?: string }).text ?? '')?.[0];
  if (!key) throw new Error(`not filed: ${JSON.stringify(reply.body)}`);
  return key;
}

/**
 * Files an issue with the quick form and waits for its card: the key comes from
 * the agent's answer, so the test does not depend on how many issues others filed.
 */
export async function fileQuick(h: Harness, text: string, channel: string, agent: string = AGENTS.phone) {
  const reply = await h.driver.slash(agent, FRONTLINE_CHANNEL, text);
  const key = keyOf(reply);
  return { key, card: await postedCard(h, channel, key), reply };
}

/**
 * Waiting on the customer from the card: the button opens a form asking what to
 * ask the customer, and submitting it pauses the issue. Returns the submission.
 */
export async function askCustomer(h: Harness, user: string, card: SandboxMessage, question = 'Which order number is it?') {
  const earlier = new Set(h.slack.views.keys());
  await clickWhenShown(h, user, card, 'issue_wait');
  const view = await h.slack.waitFor(`${user}'s question form`, () => {
    const open = h.slack.openViewOf(user);
    return open && !earlier.has(open.id) && open;
  });
  return h.driver.submit(user, { reason: question }, { view });
}
