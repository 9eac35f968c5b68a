import { openTimeBetween } from '../../domain/calendar.js';
import { UNREACHABLE_WORDS } from '../../domain/people.js';
import { formatMs } from '../../domain/durations.js';
import { escapeMrkdwn, mentionChannel, mentionUser, safeText, slackDate } from '../../domain/mrkdwn.js';
import type { Issue } from '../../domain/issue/issue.js';
import type { FailedMessage, ThreadNote } from '../../domain/outbox-message.js';
import { actionButtons } from './issue-card.js';
import { button, cardLink, context, plain, quote, section, type Blocks } from './kit.js';

/** The resolution DM's "The customer was happy" button. */
export const HAPPY_ACTION = 'issue_happy';
import { outageNote, reportNote, reportUnlinkedNote } from './swarm-messages.js';

/** What the escalating agent, the team thread and cc channels are told. */

export interface Message {
  text: string;
  blocks?: Blocks;
}

const deadlines = (issue: Issue) =>
  `Acknowledge by ${slackDate(issue.ack.dueAt)} · resolve by ${slackDate(issue.resolve.dueAt)}`;


/** The instant answer to the agent: the issue is stored, the card is on its way. */
export function filedInterim(issue: Issue): Message {
  return { text: `:inbox_tray: *${issue.key}* is filed and is being posted in ${mentionChannel(issue.channel)}.` };
}

export function agentFiled(issue: Issue): Message {
  const text = `:white_check_mark: *${issue.key}* is posted in ${mentionChannel(issue.channel)}: ${cardLink(issue)}`;
  return {
    text,
    blocks: [
      section(`${text}\n>${safeText(issue.summary, 300)}`),
      context(deadlines(issue), "You'll get a DM here when it is resolved, with what to tell the customer."),
    ],
  };
}

/** Why Slack refused the card, in words an agent can act on. */
function explainSlackError(error: string, channel: string): string {
  switch (error) {
    case 'not_in_channel':
      return `Frontline is not a member of ${mentionChannel(channel)}. Ask someone there to \`/invite @Frontline\`.`;
    case 'channel_not_found':
      return `the channel ${channel} does not exist, or is private and Frontline was never invited. Ask your Frontline admin to check routing.yml.`;
    case 'is_archived':
      return `${mentionChannel(channel)} is archived. Ask your Frontline admin to route this team to a live channel.`;
    default:
      return `Slack answered \`${error}\`. Your Frontline admin can see the details in the logs.`;
  }
}

export function agentPostFailed(issue: Issue, error: string): Message {
  const text =
    `:warning: *${issue.key}* is saved, but could not be posted for the team: ${explainSlackError(error, issue.channel)} ` +
    'Nothing is lost: it is on record, and you will be told when it is resolved.';
  return { text, blocks: [section(text), context(`>${safeText(issue.summary, 300)}`)] };
}

/** To the agent or the team's first tier: the team channel refuses Frontline, so someone must fix it. */
export function channelProblem(issue: Issue, error: string, channel: string): Message {
  const text =
    `:warning: Frontline cannot post about *${issue.key}* in ${mentionChannel(channel)}: ${explainSlackError(error, channel)} ` +
    `The issue is on record (${safeText(issue.summary, 200)}); \`/escalate show ${issue.key}\` shows where it stands.`;
  return { text };
}

/** The loop closes: what to tell the customer, and a way back if it did not work (for 7 days). */
export function agentResolved(issue: Issue, by: string, note: string): Message {
  const text = `:white_check_mark: *${issue.key}* is resolved by ${mentionUser(by)}. Tell the customer:\n${quote(safeText(note, 2500))}`;
  return {
    text,
    blocks: [
      section(text),
      context(`Your escalation: ${safeText(issue.summary, 300)}`, cardLink(issue, 'the card') || escapeMrkdwn(issue.key)),
      {
        type: 'actions', block_id: `reopen_${issue.id}`, elements: [
          { ...actionButtons(issue, ['reopen'])[0]!, text: plain('Customer still has the problem'), style: 'danger' },
          button('The customer was happy', HAPPY_ACTION, String(issue.id)),
        ],
      },
      context('If the customer comes back within 7 days, reopen it here; it goes back to the same expert. If they were happy, say so: the expert hears it.'),
    ],
  };
}

/** To an expert: a customer's thanks, from a praise escalation or a happy customer after their resolution. */
export function praiseNotice(issue: Issue, by: string, via: 'escalation' | 'happy_customer'): Message {
  const text = via === 'happy_customer'
    ? `:tada: The customer of *${issue.key}* was happy with your resolution, says ${mentionUser(by)}.`
    : `:tada: A customer praised you, passed on by ${mentionUser(by)}:\n${quote(safeText(issue.summary, 300))}`;
  return { text, blocks: [section(text), context(`${escapeMrkdwn(issue.snapshot.category.label)} · ${cardLink(issue, 'the card') || escapeMrkdwn(issue.key)}`)] };
}

/** A DM to each person in an escalation tier: what slipped, and where to look. */
export function tierNotice(issue: Issue, target: 'ack' | 'resolve', tier: number, late: boolean): Message {
  const what = target === 'ack' ? 'was not acknowledged in time' : 'was not resolved in time';
  const when = late ? ' (while Frontline was down)' : '';
  const text = `:rotating_light: *${issue.key}* ${what}${when}. You are tier ${tier} of the ${escapeMrkdwn(issue.team)} team's escalation chain.`;
  return {
    text,
    blocks: [
      section(`${text}\n>${safeText(issue.summary, 300)}`),
      context(`${escapeMrkdwn(issue.snapshot.category.label)} · ${escapeMrkdwn(issue.snapshot.level.label)} · ${issue.claim ? `claimed by ${mentionUser(issue.claim.by)}` : 'unclaimed'}`, cardLink(issue, 'Open the card') || issue.key),
    ],
  };
}

/** The expert needs the customer's answer: the agent is asked, and told how to pass it on. */
export function agentWaiting(issue: Issue, by: string, question: string | null): Message {
  const asked = question ? `\n${quote(safeText(question, 2000))}` : '';
  const text = `:speech_balloon: ${mentionUser(by)} needs the customer's answer on *${issue.key}* (${safeText(issue.summary, 200)}).${asked}`;
  return {
    text,
    blocks: [
      section(text),
      context(`Reply in ${cardLink(issue, 'the card\'s thread') || 'the card\'s thread'}, or answer here with \`${issue.key}\` in your message. The resolution clock is paused until then.`),
      { type: 'actions', block_id: `resume_${issue.id}`, elements: [{ ...actionButtons(issue, ['resume'])[0]!, text: plain('Customer answered: resume') }] },
    ],
  };
}

export function agentRerouted(issue: Issue, by: string, reason: string): Message {
  return {
    text: `:twisted_rightwards_arrows: *${issue.key}* was moved to ${mentionChannel(issue.channel)} by ${mentionUser(by)}: ${safeText(reason, 1000)}. ${cardLink(issue, 'See the new card')}`,
  };
}

/** A line in the card's thread for each step, so the thread is the issue's story. */
export function threadNote(issue: Issue, payload: ThreadNote, now: Date): Message {
  switch (payload.note) {
    case 'nudge': {
      const due = issue[payload.target].dueAt;
      const left = formatMs(Math.max(0, openTimeBetween(issue.snapshot.calendar, now, due))) || 'no time';
      return payload.target === 'ack'
        ? { text: `:alarm_clock: ${issue.key} is still unclaimed: ${left} left to acknowledge (by ${slackDate(due)}). ${issue.snapshot.team.owners.map(mentionUser).join(' ')}` }
        : { text: `:alarm_clock: ${issue.claim ? mentionUser(issue.claim.by) : ''} ${left} left to resolve ${issue.key} (by ${slackDate(due)}).` };
    }
    case 'escalated': {
      const what = payload.target === 'ack' ? 'acknowledgement' : 'resolution';
      const due = issue[payload.target].dueAt;
      const lead = payload.late ? `While Frontline was down, ${issue.key} missed its ${what} target` : `${issue.key} missed its ${what} target`;
      const passed = payload.skipped.length ? ` Passed over: ${payload.skipped.map((s) => `${mentionUser(s.user)} (${UNREACHABLE_WORDS[s.why]})`).join(', ')}.` : '';
      const anyway = payload.nobodyReachable ? ' Nobody in the chain is in working hours or free of do-not-disturb, so they are told anyway.' : '';
      return { text: `:rotating_light: ${lead} (${slackDate(due)}). Escalated to tier ${payload.tier}: ${payload.notify.map(mentionUser).join(' ')}.${passed}${anyway}` };
    }
    case 'unclaimed':
      return { text: `:leftwards_arrow_with_hook: ${mentionUser(payload.by)} handed ${issue.key} back to the queue. Acknowledge by ${slackDate(issue.ack.dueAt)}.` };
    case 'paused':
      return { text: `:double_vertical_bar: Waiting on the customer: ${mentionUser(issue.agentId)} has been asked for their answer. The resolution clock is paused.` };
    case 'resumed': {
      const answer = payload.answer ? `\n${quote(safeText(payload.answer, 2500))}` : '';
      const who = payload.via.startsWith('agent') ? `${mentionUser(payload.by)} passed on the customer's answer` : `${mentionUser(payload.by)} resumed it`;
      return { text: `:arrow_forward: ${who}. ${issue.claim ? mentionUser(issue.claim.by) : ''} resolve by ${slackDate(issue.resolve.dueAt)}.${answer}` };
    }
    case 'report':
      return reportNote(payload);
    case 'report_unlinked':
      return reportUnlinkedNote(payload);
    case 'outage':
      return outageNote(issue, payload);
    case 'reopened':
      return { text: `:repeat: Reopened by ${mentionUser(payload.by)}: the customer still has the problem. ${issue.claim ? `Back to ${mentionUser(issue.claim.by)}; r` : 'R'}esolve by ${slackDate(issue.resolve.dueAt)}.\n${quote(safeText(payload.reason, 2500))}` };
  }
}

export function resolutionInThread(issue: Issue, by: string, note: string): Message {
  return {
    text: `:white_check_mark: Resolved by ${mentionUser(by)}. ${mentionUser(issue.agentId)} is told to say:\n${quote(safeText(note, 2800))}`,
  };
}

export function ccNotice(issue: Issue): Message {
  const text =
    `:eyes: FYI: *${issue.key}* (${escapeMrkdwn(issue.snapshot.category.label)}, ${escapeMrkdwn(issue.level)}, via ${escapeMrkdwn(issue.origin)}) ` +
    `was escalated to ${mentionChannel(issue.channel)}: ${safeText(issue.summary, 300)} ${cardLink(issue)}`;
  return { text };
}

const FAILED_WHAT: Record<string, (key: string) => string> = {
  agent_resolved: (key) => `the resolution of *${key}*`,
  resolution_in_thread: (key) => `the resolution note of *${key}*`,
  agent_waiting: (key) => `the request for the customer's answer on *${key}*`,
  agent_filed: (key) => `the confirmation that *${key}* is posted`,
  agent_post_failed: (key) => `the news that *${key}* could not be posted`,
  agent_rerouted: (key) => `the news that *${key}* moved`,
  tier_dm: (key) => `the escalation about *${key}*`,
  cc_notice: (key) => `the FYI about *${key}*`,
  thread_note: (key) => `a note in the thread of *${key}*`,
  update_card: (key) => `an update of the card of *${key}*`,
  card_moved: (key) => `the pointer on the old card of *${key}*`,
  post_card: (key) => `the card of *${key}*`,
  agent_linked: (key) => `the news that *${key}* joined a swarm`,
  outage_dm: (key) => `the probable-outage alert about *${key}*`,
  praise_dm: (key) => `the praise passed on with *${key}*`,
  outage_notice: (key) => `the probable-outage notice about *${key}*`,
};

/** Why a message could not be delivered, in words a person can act on. */
function undeliveredReason(error: string): string {
  switch (error) {
    case 'cannot_dm_bot':
    case 'user_not_found':
    case 'user_disabled':
    case 'account_inactive':
      return 'Slack will not deliver DMs to that account';
    case 'is_archived':
      return 'the channel is archived';
    case 'not_in_channel':
      return 'Frontline is not a member of that channel';
    case 'channel_not_found':
      return 'the channel does not exist, or Frontline was never invited to it';
    case 'msg_too_long':
    case 'invalid_blocks':
    case 'unsendable_message':
      return `Slack refused the message itself (\`${error}\`), which is a Frontline bug to report`;
    default:
      return `Slack kept failing (\`${error}\`) for a day, or answered in a way Frontline did not expect`;
  }
}

const recipientMention = (id: string) => (/^[CG]/.test(id) ? mentionChannel(id) : mentionUser(id));

/**
 * A message Frontline gave up on, told to someone who can act: in the card's
 * thread (mentioning the claimer, or the owners) or by DM. When the failed message
 * carried something for a person (a resolution, a question), it is quoted, so the
 * reader can pass it on.
 */
export function undeliveredNotice(issue: Issue | undefined, failed: FailedMessage, inThread: boolean): Message {
  const what = failed.digest ? `the digest *${escapeMrkdwn(failed.digest)}*` : (FAILED_WHAT[failed.kind] ?? ((key: string) => `a message about *${key}*`))(issue?.key ?? 'an issue');
  const who = inThread && issue ? `${(issue.claim ? [issue.claim.by] : issue.snapshot.team.owners).map(mentionUser).join(' ')} ` : '';
  const passOn = failed.passOn ? `\nPlease pass this on yourself:\n${quote(safeText(failed.passOn, 2500))}` : '';
  const text = `:warning: ${who}Frontline could not deliver ${what} to ${recipientMention(failed.recipient)}: ${undeliveredReason(failed.error)}.${passOn}`;
  return { text };
}
