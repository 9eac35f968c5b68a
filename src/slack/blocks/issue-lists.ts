import type { View } from '@slack/types';
import { mentionChannel, mentionUser, safeText, slackDate } from '../../domain/mrkdwn.js';
import type { Issue, IssueStatus } from '../../domain/issue/issue.js';
import { context, divider, header, section, type Blocks } from './kit.js';

/** The three lists a person sees on the Home tab and from `/escalate mine`. */
export interface MyIssues {
  claimed: Issue[];
  queue: Issue[];
  escalated: Issue[];
  /** Totals, which may exceed what was loaded. */
  counts: { claimed: number; queue: number; escalated: number };
}

const STATUS: Record<IssueStatus, string> = { unclaimed: 'unclaimed', claimed: 'claimed', waiting: 'waiting on the customer', resolved: 'resolved' };

const keyLink = (issue: Issue) => (issue.card?.url ? `<${issue.card.url}|${issue.key}>` : issue.key);

function line(issue: Issue, list: keyof MyIssues['counts']): string {
  const summary = `*${keyLink(issue)}* · ${safeText(issue.summary, 200)}`;
  switch (list) {
    case 'claimed':
      return `${summary}\n${issue.status === 'waiting' ? 'Waiting on the customer' : `Resolve by ${slackDate(issue.resolve.dueAt)}`} · ${mentionChannel(issue.channel)}`;
    case 'queue':
      return `${summary}\nAcknowledge by ${slackDate(issue.ack.dueAt)} · ${mentionChannel(issue.channel)}`;
    case 'escalated': {
      const who = issue.claim ? ` by ${mentionUser(issue.claim.by)}` : '';
      return `${summary}\n${STATUS[issue.status]}${who} · ${mentionChannel(issue.channel)}`;
    }
  }
}

const TITLES = { claimed: 'Claimed by you', queue: 'Unclaimed in your teams', escalated: 'Escalated by you' } as const;
const EMPTY = { claimed: 'Nothing claimed.', queue: 'The queue is empty.', escalated: 'You have not escalated anything yet.' } as const;

const LISTS = ['claimed', 'queue', 'escalated'] as const;
export const HOME_BLOCKS = 100;
export const MESSAGE_BLOCKS = 50;

/** How many issues each list can show within `maxBlocks` (each list also has a header, a divider and "and N more"). */
export const perList = (maxBlocks: number) => Math.floor((maxBlocks - LISTS.length * 3) / LISTS.length);

/**
 * The lists within `maxBlocks`: each list shows its most urgent issues first and
 * ends with "and N more" when it had to stop.
 */
function myIssuesBlocks(mine: MyIssues, maxBlocks: number): Blocks {
  const limit = perList(maxBlocks);
  const blocks: Blocks = [];
  for (const list of LISTS) {
    const items = mine[list].slice(0, limit);
    blocks.push(header(`${TITLES[list]} (${mine.counts[list]})`));
    if (items.length === 0) blocks.push(context(EMPTY[list]));
    for (const issue of items) blocks.push(section(line(issue, list)));
    const more = mine.counts[list] - items.length;
    if (more > 0) blocks.push(context(`…and ${more} more`));
    blocks.push(divider());
  }
  return blocks.slice(0, maxBlocks);
}

export function homeView(mine: MyIssues): View {
  return { type: 'home', blocks: myIssuesBlocks(mine, HOME_BLOCKS) };
}

export function mineMessage(mine: MyIssues): { text: string; blocks: Blocks } {
  const text = `Claimed by you: ${mine.counts.claimed} · unclaimed in your teams: ${mine.counts.queue} · escalated by you: ${mine.counts.escalated}`;
  return { text, blocks: myIssuesBlocks(mine, MESSAGE_BLOCKS) };
}

