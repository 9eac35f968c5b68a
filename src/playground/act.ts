import type { AppReply } from '../sandbox/driver.js';
import type { SandboxMessage } from '../sandbox/slack-server.js';
import type { PlaygroundParts } from './playground.js';

/**
 * What a person does on the page, done as Slack would do it: through the
 * sandbox driver's signed requests to the app, and the sandbox's own record of
 * messages typed by people. Nothing here reaches into the app.
 */

/** After a request: let the outbox send what it queued, so that the page shows the result. */
async function settle(pg: PlaygroundParts): Promise<void> {
  await pg.app.flush();
  pg.changes++;
}

/** A problem with what was done, in one line, for the person who did it. */
function tell(pg: PlaygroundParts, user: string, problem: string): void {
  pg.notices.set(user, problem);
}

function answered(pg: PlaygroundParts, user: string, reply: AppReply): void {
  if (reply.status !== 200) tell(pg, user, `Frontline answered ${reply.status}${typeof reply.body === 'string' && reply.body ? `: ${reply.body}` : ''}`);
}

/** Runs `what`, turning a sandbox refusal (not a member, no such button) into a notice instead of an error page. */
async function attempt(pg: PlaygroundParts, user: string, what: () => Promise<AppReply | void>): Promise<void> {
  pg.notices.delete(user);
  try {
    const reply = await what();
    if (reply) answered(pg, user, reply);
  } catch (error) {
    tell(pg, user, String((error as Error).message).replace(/^sandbox: /, ''));
  }
  await settle(pg);
}

/** The composer: `/escalate …` is the slash command; anything else is a message in the channel, DM or thread. */
export function compose(pg: PlaygroundParts, user: string, channel: string, text: string, threadTs?: string): Promise<void> {
  const typed = text.trim();
  return attempt(pg, user, async () => {
    if (!typed) return;
    const command = /^\/escalate(?:\s+([\s\S]*))?$/.exec(typed);
    if (command) {
      if (threadTs) throw new Error('slash commands cannot be used in a thread; type /escalate in the channel');
      return pg.driver.slash(user, channel, command[1] ?? '');
    }
    if (typed.startsWith('/')) throw new Error(`${typed.split(/\s/)[0]} is not a command here: Frontline's command is /escalate`);
    if (!threadTs) return pg.driver.say(user, channel, typed);
    return pg.driver.reply(user, messageAt(pg, channel, threadTs), typed);
  });
}

export function messageAt(pg: PlaygroundParts, channel: string, ts: string): SandboxMessage {
  const message = pg.slack.messages.find((m) => m.channel === channel && m.ts === ts);
  if (!message) throw new Error(`there is no message ${ts} in this channel`);
  return message;
}

/** A button on a message, or on a message only this person sees (an ephemeral, by its index). */
export function click(pg: PlaygroundParts, user: string, where: { channel: string; ts?: string; ephemeral?: number }, actionId: string): Promise<void> {
  return attempt(pg, user, () => {
    if (where.ephemeral !== undefined) {
      const ephemeral = pg.slack.ephemerals[where.ephemeral];
      if (!ephemeral || ephemeral.user !== user) throw new Error('that message is no longer there');
      const asMessage: SandboxMessage = { channel: ephemeral.channel, ts: pg.slack.nextTs(), user: pg.slack.botUserId, text: ephemeral.text, blocks: ephemeral.blocks, history: [] };
      return pg.driver.click(user, asMessage, actionId);
    }
    return pg.driver.click(user, messageAt(pg, where.channel, where.ts ?? ''), actionId);
  });
}

/** Submits the person's open form; errors the app answers with stay on the form, at their fields. */
export function submit(pg: PlaygroundParts, user: string, values: Record<string, string | undefined>): Promise<void> {
  return attempt(pg, user, async () => {
    pg.modalErrors.delete(user);
    const reply = await pg.driver.submit(user, values);
    const ack = typeof reply.body === 'object' ? reply.body : {};
    if (ack.response_action === 'errors') pg.modalErrors.set(user, ack.errors ?? {});
    return reply;
  });
}

/** A choice in the open form that the app asked to hear about at once (the category): the app rebuilds the form. */
export function choose(pg: PlaygroundParts, user: string, blockId: string, value: string, typed: Record<string, string | undefined>): Promise<void> {
  return attempt(pg, user, async () => pg.driver.choose(user, blockId, value, typed));
}

/** Closes the form without submitting, as the modal's Cancel does; Slack tells the app when the form asked to be told. */
export function closeModal(pg: PlaygroundParts, user: string): Promise<void> {
  pg.modalErrors.delete(user);
  return attempt(pg, user, async () => (pg.slack.openViewOf(user) ? pg.driver.close(user) : undefined));
}

/** An :eyes: reaction on a message. */
export function react(pg: PlaygroundParts, user: string, channel: string, ts: string, reaction = 'eyes'): Promise<void> {
  return attempt(pg, user, async () => {
    const reply = await pg.driver.react(user, messageAt(pg, channel, ts), reaction);
    const key = `${channel}:${ts}`;
    pg.reactions.set(key, new Set([...(pg.reactions.get(key) ?? []), user]));
    return reply;
  });
}

/** Opening the app's Home tab: Slack tells the app, which publishes the tab. */
export function openHome(pg: PlaygroundParts, user: string): Promise<void> {
  return attempt(pg, user, () => pg.driver.event({ type: 'app_home_opened', user, channel: pg.slack.dmChannelOf(user), tab: 'home', event_ts: String(Date.now() / 1000) }));
}
