import type { SwarmSummary } from '../../db/swarm-store.js';
import { humanSpan } from '../../domain/durations.js';
import type { Issue } from '../../domain/issue/issue.js';
import { escapeMrkdwn, mentionChannel, mentionUser, safeText } from '../../domain/mrkdwn.js';
import type { Message } from './agent-messages.js';
import type { View } from '@slack/types';
import { button, cardLink, context, header, plain, section, type Blocks } from './kit.js';

/** The agent's button under "linked to ESC-12": this is a different problem after all. */
export const UNDO_LINK_ACTION = 'issue_undo_link';
/** The card's button for experts: this issue is the same problem as another open one. */
export const LINK_ACTION = 'issue_link';
export const LINK_MODAL = 'link_modal';
export const PARENT_BLOCK = 'parent';

/** Offered on open cards of teams that detect swarms, while the issue has no reports of its own. */
export const offersLink = (issue: Issue) => !!issue.snapshot.team.swarms && issue.status !== 'resolved' && issue.parentId === null && issue.reportCount === 0;

/** "Same as…": pick the open issue this one repeats; it becomes a report of that issue's swarm. */
export function linkModal(issue: Issue, candidates: Issue[]): View {
  return {
    type: 'modal',
    callback_id: LINK_MODAL,
    title: plain(`Link ${issue.key}`, 24),
    submit: plain('Link', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify({ issueId: issue.id }),
    blocks: [
      context(`*${escapeMrkdwn(issue.key)}*: ${safeText(issue.summary, 300)}`),
      {
        type: 'input',
        block_id: PARENT_BLOCK,
        label: plain('Same problem as'),
        element: {
          type: 'static_select',
          action_id: 'value',
          placeholder: plain('Choose an open issue'),
          options: candidates.slice(0, 100).map((c) => ({ text: plain(`${c.key} · ${c.summary}`), value: c.key })),
        },
      },
      context(`${escapeMrkdwn(issue.key)} becomes a report of it: no card of its own, and its agent hears the one resolution.`),
    ],
  };
}

/** The card's link, or the key while there is no card. */
const cardOrKey = (issue: Issue, label: string) => cardLink(issue, label) || escapeMrkdwn(issue.key);

/** "14 customers · 9 agents · via twitter 6, phone 5, email 3" */
export function swarmLine(summary: SwarmSummary): string {
  const origins = summary.origins.map((o) => `${escapeMrkdwn(o.origin)} ${o.count}`).join(', ');
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  return `${plural(summary.customers, 'customer')} · ${plural(summary.agents, 'agent')} · via ${origins}`;
}

/** What the parent's card adds: who is affected, and the outage flag once raised. */
export function swarmBlocks(issue: Issue, summary: SwarmSummary): Blocks {
  const blocks: Blocks = [context(`:busts_in_silhouette: *Swarm*: ${swarmLine(summary)}. Resolving this issue resolves every report and tells every agent.`)];
  if (issue.outageAt) blocks.unshift(section(`:rotating_light: *Probable outage*: raised to ${escapeMrkdwn(issue.snapshot.level.label)}.`));
  return blocks;
}

/** The instant answer to an agent whose quick form joined a swarm. */
export function linkedInterim(report: Issue, parent: Issue): Message {
  return { text: `:link: *${report.key}* is filed as another report of *${parent.key}* (${safeText(parent.summary, 200)}).` };
}

/** The agent's confirmation: which issue their customer joined, and an undo if it is not the same problem. */
export function agentLinked(report: Issue, parent: Issue, summary: SwarmSummary, by: string | null): Message {
  const how = by ? `${mentionUser(by)} linked *${report.key}* to` : `*${report.key}* looks like the same problem as`;
  const text = `:link: ${how} *${parent.key}*: ${safeText(parent.summary, 300)}`;
  return {
    text,
    blocks: [
      section(`${text}\n${cardOrKey(parent, 'View the card')} · ${swarmLine(summary)}`),
      context('You need do nothing more: you will get a DM when it is resolved, with what to tell your customer.'),
      { type: 'actions', block_id: `undo_link_${report.id}`, elements: [button('Different problem: file it on its own', UNDO_LINK_ACTION, String(report.id))] },
    ],
  };
}

/** The card of an issue that became a report by hand: it points to the parent. */
export function linkedCard(report: Issue, parent: Issue | undefined): { text: string; blocks: Blocks } {
  const parentKey = parent?.key ?? `ESC-${report.parentId}`;
  const text = `${report.key} is a report of ${parentKey}`;
  return {
    text,
    blocks: [
      header(`${report.key} · ${report.snapshot.category.label}`),
      section(`~${safeText(report.summary, 2900)}~`),
      context(`:link: Now a report of ${parent ? cardOrKey(parent, parentKey) : parentKey}: work on it there.`),
    ],
  };
}

/** In the parent's thread: a report arrived. */
export function reportNote(note: { report: string; agent: string; origin: string; summary: string; customers?: number }): Message {
  const count = note.customers ? ` (${note.customers} reports now)` : '';
  return { text: `:heavy_plus_sign: ${escapeMrkdwn(note.report)} from ${mentionUser(note.agent)} via ${escapeMrkdwn(note.origin)}: ${safeText(note.summary, 300)}${count}` };
}

export function reportUnlinkedNote(note: { report: string; by: string | null }): Message {
  return { text: `:heavy_minus_sign: ${escapeMrkdwn(note.report)} is no longer a report of this issue${note.by ? ` (${mentionUser(note.by)})` : ''}.` };
}

export function outageNote(issue: Issue, note: { reports: number; withinMs: number; notify: string[] }): Message {
  const tier = note.notify.length ? ` First tier: ${note.notify.map(mentionUser).join(' ')}` : '';
  return { text: `:rotating_light: *Probable outage*: ${note.reports} reports within ${humanSpan(note.withinMs)}. ${issue.key} is raised to ${escapeMrkdwn(issue.snapshot.level.label)}.${tier}` };
}

/** To the first tier, and the outage channel: many customers report one problem right now. */
export function outageNotice(issue: Issue, summary: SwarmSummary): Message {
  const text = `:rotating_light: *Probable outage* in ${escapeMrkdwn(issue.team)}: *${issue.key}* ${safeText(issue.summary, 300)}`;
  return {
    text,
    blocks: [
      section(text),
      context(swarmLine(summary), `${cardOrKey(issue, 'Open the card')} in ${mentionChannel(issue.channel)}`, issue.claim ? `claimed by ${mentionUser(issue.claim.by)}` : 'unclaimed'),
    ],
  };
}
