import { humanSpan } from '../../domain/durations.js';
import { escapeMrkdwn, mentionChannel, mentionUser, safeText, slackDate } from '../../domain/mrkdwn.js';
import { cardActions, type OfferedAction } from '../../domain/issue/allowed.js';
import type { Issue } from '../../domain/issue/issue.js';
import type { MovedFrom } from '../../domain/outbox-message.js';
import type { SwarmSummary } from '../../db/swarm-store.js';
import { button, context, fields, header, quote, section, type Blocks } from './kit.js';
import { LINK_ACTION, offersLink, swarmBlocks } from './swarm-messages.js';

export const ACTION = {
  claim: 'issue_claim',
  unclaim: 'issue_unclaim',
  resolve: 'issue_resolve',
  reroute: 'issue_reroute',
  wait: 'issue_wait',
  resume: 'issue_resume',
  reopen: 'issue_reopen',
} as const satisfies Record<OfferedAction, string>;

const LABEL: Record<OfferedAction, string> = {
  claim: 'Claim', unclaim: 'Unclaim', resolve: 'Resolve', reroute: 'Reroute', wait: 'Waiting on customer', resume: 'Resume', reopen: 'Reopen',
};

/** The buttons for `offered`, the next step first and highlighted. */
export const actionButtons = (issue: Issue, offered: OfferedAction[]) =>
  offered.map((action, i) => button(LABEL[action], ACTION[action], String(issue.id), i === 0 ? 'primary' : undefined));

function statusLine(issue: Issue): string {
  const since = (from: Date, to: Date) => humanSpan(to.getTime() - from.getTime());
  const reopened = issue.reopenCount ? ` · reopened ${issue.reopenCount === 1 ? 'once' : `${issue.reopenCount} times`}` : '';
  switch (issue.status) {
    case 'unclaimed':
      return ':hourglass_flowing_sand: *Unclaimed*: an owner of this team can claim it (button, a `claim` reply, or :eyes:).';
    case 'claimed':
      return `:raising_hand: *Claimed* by ${mentionUser(issue.claim.by)} after ${since(issue.ack.startedAt, issue.claim.at)}${reopened}`;
    case 'waiting':
      return `:double_vertical_bar: *Waiting on the customer* since ${slackDate(issue.pause.since)}: the resolution clock is paused. Claimed by ${mentionUser(issue.claim.by)}.`;
    case 'resolved':
      return `:white_check_mark: *Resolved* by ${mentionUser(issue.resolution.by)} after ${since(issue.filedAt, issue.resolution.at)}` +
        (issue.claim.by !== issue.resolution.by ? ` (claimed by ${mentionUser(issue.claim.by)})` : '');
  }
}

/** Which target slipped, and how far up the chain it has gone. */
function missedLine(issue: Issue): string | undefined {
  if (issue.status === 'unclaimed' && issue.ack.tier > 0) {
    return `:rotating_light: *Acknowledgement target missed*: escalated to tier ${issue.ack.tier} of ${issue.snapshot.team.escalation.ack.length}.`;
  }
  if ((issue.status === 'claimed' || issue.status === 'waiting') && issue.resolve.tier > 0) {
    return `:rotating_light: *Resolution target missed*: escalated to tier ${issue.resolve.tier} of ${issue.snapshot.team.escalation.resolve.length}.`;
  }
  return undefined;
}

/** The one-line text Slack shows in notifications and where blocks cannot render. */
function cardFallback(issue: Issue): string {
  return `${issue.key} [${issue.snapshot.category.label} · ${issue.snapshot.level.label}] ${safeText(issue.summary, 300)}`;
}

/** The issue's card in its team channel. Rebuilt from the stored issue every time it changes. */
export function issueCard(issue: Issue, now: Date, swarm?: SwarmSummary): { text: string; blocks: Blocks } {
  const { category, level, chosenLevel } = issue.snapshot;
  const raisedBy = issue.outageAt ? 'raised for a probable outage' : 'routed up';
  const levelText = chosenLevel !== level.key ? `${level.label}\n_(${raisedBy} from ${chosenLevel})_` : level.label;
  const blocks: Blocks = [
    header(`${issue.key} · ${category.label}`),
    section(`*${safeText(issue.summary, 2900)}*`),
    fields([
      `*Level*\n${escapeMrkdwn(levelText)}`,
      `*Origin*\n${escapeMrkdwn(issue.origin)}`,
      `*Escalated by*\n${mentionUser(issue.agentId)}`,
      ...(issue.customerRef ? [`*Customer*\n${safeText(issue.customerRef, 1900)}`] : []),
      `*Acknowledge by*\n${slackDate(issue.ack.dueAt)}`,
      `*Resolve by*\n${issue.status === 'waiting' ? '_paused_' : slackDate(issue.resolve.dueAt)}`,
    ]),
  ];
  if (issue.details) blocks.push(section(`*Details*\n${safeText(issue.details, 2900)}`));
  if (swarm && (issue.reportCount > 0 || issue.outageAt)) blocks.push(...swarmBlocks(issue, swarm));
  if (category.kb) blocks.push(context(`:books: <${category.kb}|Knowledge base: ${escapeMrkdwn(category.label)}>`));
  if (issue.rerouteCount) blocks.push(context(`:twisted_rightwards_arrows: Rerouted to this team. Resolution target counts from filing, ${slackDate(issue.filedAt)}.`));
  blocks.push(context(statusLine(issue)));
  const missed = missedLine(issue);
  if (missed) blocks.push(context(missed));
  if (issue.status === 'resolved') {
    blocks.push(section(`*Told the customer*\n${quote(safeText(issue.resolution.note, 2800))}`));
  }
  const buttons = [...actionButtons(issue, cardActions(issue, now)), ...(offersLink(issue) ? [button('Same as…', LINK_ACTION, String(issue.id))] : [])];
  if (buttons.length) blocks.push({ type: 'actions', block_id: `issue_${issue.id}`, elements: buttons });
  return { text: cardFallback(issue), blocks };
}

/** What the old card becomes once the issue is rerouted: a pointer to the new card. */
export function movedCard(issue: Issue, from: MovedFrom): { text: string; blocks: Blocks } {
  const link = issue.card?.url ? ` <${issue.card.url}|See the new card>.` : '';
  const text = `${issue.key} moved to ${mentionChannel(issue.channel)}`;
  return {
    text,
    blocks: [
      header(`${issue.key} · ${issue.snapshot.category.label}`),
      section(`~${safeText(issue.summary, 2900)}~`),
      context(`:twisted_rightwards_arrows: *Rerouted* to ${mentionChannel(issue.channel)} by ${mentionUser(from.by)}: ${safeText(from.reason, 1500)}.${link}`),
    ],
  };
}
