import { humanSpan } from '../../domain/durations.js';
import { escapeMrkdwn, mentionChannel, mentionUser, safeText, slackDate } from '../../domain/mrkdwn.js';
import type { IssueRow } from '../../db/schema.js';
import { button, context, fields, header, quote, section, type Blocks } from './kit.js';

export const ACTION = {
  claim: 'issue_claim',
  unclaim: 'issue_unclaim',
  resolve: 'issue_resolve',
  reroute: 'issue_reroute',
  wait: 'issue_wait',
  resume: 'issue_resume',
  reopen: 'issue_reopen',
} as const;

function statusLine(issue: IssueRow): string {
  const since = (from: Date, to: Date) => humanSpan(to.getTime() - from.getTime());
  const reopened = issue.reopenCount ? ` · reopened ${issue.reopenCount === 1 ? 'once' : `${issue.reopenCount} times`}` : '';
  switch (issue.status) {
    case 'open':
      return ':hourglass_flowing_sand: *Unclaimed*: an owner of this team can claim it (button, a `claim` reply, or :eyes:).';
    case 'claimed':
      return `:raising_hand: *Claimed* by ${mentionUser(issue.claimerId!)} after ${since(issue.ackStartedAt, issue.claimedAt!)}${reopened}`;
    case 'waiting':
      return `:double_vertical_bar: *Waiting on the customer* since ${slackDate(issue.pausedAt!)}: the resolution clock is paused. Claimed by ${mentionUser(issue.claimerId!)}.`;
    case 'resolved':
      return `:white_check_mark: *Resolved* by ${mentionUser(issue.resolvedBy!)} after ${since(issue.filedAt, issue.resolvedAt!)}` +
        (issue.claimerId && issue.claimerId !== issue.resolvedBy ? ` (claimed by ${mentionUser(issue.claimerId)})` : '');
  }
}

/** Which target slipped, and how far up the chain it has gone. */
function missedLine(issue: IssueRow): string | undefined {
  if (issue.status === 'open' && issue.ackTier > 0) {
    return `:rotating_light: *Acknowledgement target missed*: escalated to tier ${issue.ackTier} of ${issue.snapshot.team.escalation.ack.length}.`;
  }
  if ((issue.status === 'claimed' || issue.status === 'waiting') && issue.resolveTier > 0) {
    return `:rotating_light: *Resolution target missed*: escalated to tier ${issue.resolveTier} of ${issue.snapshot.team.escalation.resolve.length}.`;
  }
  return undefined;
}

function actions(issue: IssueRow) {
  const id = String(issue.id);
  switch (issue.status) {
    case 'open':
      return [button('Claim', ACTION.claim, id, 'primary'), button('Resolve', ACTION.resolve, id), button('Reroute', ACTION.reroute, id)];
    case 'claimed':
      return [
        button('Resolve', ACTION.resolve, id, 'primary'), button('Waiting on customer', ACTION.wait, id),
        button('Unclaim', ACTION.unclaim, id), button('Reroute', ACTION.reroute, id),
      ];
    case 'waiting':
      return [button('Resume', ACTION.resume, id, 'primary'), button('Resolve', ACTION.resolve, id)];
    case 'resolved':
      return [];
  }
}

/** The one-line text Slack shows in notifications and where blocks cannot render. */
function cardFallback(issue: IssueRow): string {
  return `${issue.key} [${issue.snapshot.category.label} · ${issue.snapshot.level.label}] ${safeText(issue.summary, 300)}`;
}

/** The issue's card in its team channel. Rebuilt from the stored issue every time it changes. */
export function issueCard(issue: IssueRow): { text: string; blocks: Blocks } {
  const { category, level, chosenLevel } = issue.snapshot;
  const levelText = chosenLevel !== level.key ? `${level.label}\n_(routed up from ${chosenLevel})_` : level.label;
  const blocks: Blocks = [
    header(`${issue.key} · ${category.label}`),
    section(`*${safeText(issue.summary, 2900)}*`),
    fields([
      `*Level*\n${escapeMrkdwn(levelText)}`,
      `*Origin*\n${escapeMrkdwn(issue.origin)}`,
      `*Escalated by*\n${mentionUser(issue.agentId)}`,
      ...(issue.customerRef ? [`*Customer*\n${safeText(issue.customerRef, 1900)}`] : []),
      `*Acknowledge by*\n${slackDate(issue.ackDueAt)}`,
      `*Resolve by*\n${issue.status === 'waiting' ? '_paused_' : slackDate(issue.resolveDueAt)}`,
    ]),
  ];
  if (issue.details) blocks.push(section(`*Details*\n${safeText(issue.details, 2900)}`));
  if (category.kb) blocks.push(context(`:books: <${category.kb}|Knowledge base: ${escapeMrkdwn(category.label)}>`));
  if (issue.rerouteCount) blocks.push(context(`:twisted_rightwards_arrows: Rerouted to this team. Resolution target counts from filing, ${slackDate(issue.filedAt)}.`));
  blocks.push(context(statusLine(issue)));
  const missed = missedLine(issue);
  if (missed) blocks.push(context(missed));
  if (issue.status === 'resolved' && issue.resolution) {
    blocks.push(section(`*Told the customer*\n${quote(safeText(issue.resolution, 2800))}`));
  }
  const buttons = actions(issue);
  if (buttons.length) blocks.push({ type: 'actions', block_id: `issue_${issue.id}`, elements: buttons });
  return { text: cardFallback(issue), blocks };
}

export interface MovedFrom {
  team: string;
  channel: string;
  ts: string | null;
  by: string;
  reason: string;
}

/** What the old card becomes once the issue is rerouted: a pointer to the new card. */
export function movedCard(issue: IssueRow, from: MovedFrom): { text: string; blocks: Blocks } {
  const link = issue.cardUrl ? ` <${issue.cardUrl}|See the new card>.` : '';
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
