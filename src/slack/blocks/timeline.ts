import { formatMs } from '../../domain/durations.js';
import { escapeMrkdwn, mentionChannel, mentionUser, safeText, slackDate } from '../../domain/mrkdwn.js';
import type { Issue } from '../../domain/issue/issue.js';
import { UNREACHABLE_WORDS, type Unreachable } from '../../domain/people.js';
import { context, fields, header, section, type Blocks } from './kit.js';

export interface TimelineEvent {
  type: string;
  actor: string | null;
  at: Date;
  details: Record<string, unknown>;
}

const who = (actor: string | null) => (actor ? mentionUser(actor) : 'Frontline');
const str = (v: unknown) => safeText(String(v ?? ''), 500);

const LINKED_VIA: Record<string, string> = { quick_form: 'matched at filing', form: 'the agent said it is the same problem', hand: 'linked by hand' };

/** The people a tier passed over, and why. */
function passedOver(skipped: unknown): string {
  const list = Array.isArray(skipped) ? (skipped as Array<{ user: string; why: Unreachable }>) : [];
  return list.length ? `; passed over ${list.map((s) => `${mentionUser(s.user)} (${UNREACHABLE_WORDS[s.why] ?? str(s.why)})`).join(', ')}` : '';
}

function describe(e: TimelineEvent): string {
  const d = e.details;
  switch (e.type) {
    case 'filed': return `filed by ${who(e.actor)} (${str(d.category)}, ${str(d.level)}, via ${str(d.origin)})`;
    case 'routed': return `routed to ${str(d.team)} (${mentionChannel(String(d.channel))})`;
    case 'posted': return `card posted in ${mentionChannel(String(d.channel))}`;
    case 'post_failed': return `card could not be posted in ${mentionChannel(String(d.channel))}: \`${str(d.error)}\``;
    case 'claimed': return d.via === 'resolve' ? `acknowledged by ${who(e.actor)}, who resolved it` : `claimed by ${who(e.actor)} (${str(d.via)})`;
    case 'unclaimed': return `handed back to the queue by ${who(e.actor)}`;
    case 'first_response': return `first response from ${who(e.actor)} in the thread`;
    case 'rerouted': return `rerouted from ${str(d.from)} to ${str(d.to)} by ${who(e.actor)}: ${str(d.reason)}`;
    case 'paused': return `waiting on the customer (${who(e.actor)})`;
    case 'resumed': return d.via === 'unclaim'
      ? `stopped waiting on the customer after ${formatMs(Number(d.pausedMs)) || 'a moment'}: handed back`
      : `resumed by ${who(e.actor)} after ${formatMs(Number(d.pausedMs)) || 'a moment'}`;
    case 'nudged': return `reminder sent (${str(d.target)})`;
    case 'escalated': return `escalated to tier ${str(d.tier)} (${str(d.target)} target missed)${passedOver(d.skipped)}`;
    case 'praised': return `praise for ${mentionUser(String(d.expert))}, passed on by ${who(e.actor)}${d.via === 'happy_customer' ? ': the customer was happy' : ''}`;
    case 'resolved': return `resolved by ${who(e.actor)}`;
    case 'reopened': return `reopened by ${who(e.actor)}: ${str(d.reason)}`;
    case 'delivery_failed': return `a Slack message could not be delivered: \`${str(d.error)}\``;
    case 'linked': return `became a report of ${str(d.parent)} (${LINKED_VIA[String(d.via)] ?? str(d.via)}${e.actor ? `, ${who(e.actor)}` : ''})`;
    case 'report_linked': return `${str(d.report)} joined as a report, from ${mentionUser(String(d.agent))} via ${str(d.origin)}`;
    case 'unlinked': return `left ${str(d.parent)}'s swarm (${str(d.via)}${e.actor ? `, ${who(e.actor)}` : ''})`;
    case 'erased': return 'the customer\'s text was erased (frontline forget); the figures are kept';
    case 'report_unlinked': return `${str(d.report)} is no longer a report of this issue (${str(d.via)})`;
    case 'outage': return `flagged as a probable outage: ${str(d.reports)} reports within ${formatMs(Number(d.withinMs))}; level ${str(d.fromLevel)} → ${str(d.toLevel)}`;
    default: return escapeMrkdwn(e.type);
  }
}

/** Where a report's work happens, or how big a parent's swarm is. */
function swarmLine(issue: Issue, parent: Issue | undefined): string | undefined {
  if (parent) {
    const link = parent.card?.url ? `<${parent.card.url}|${parent.key}>` : parent.key;
    return `:link: A report of ${link} (${parent.status}): ${safeText(parent.summary, 300)}. It follows ${parent.key}: claims, pauses and the resolution.`;
  }
  if (issue.reportCount > 0) return `:busts_in_silhouette: ${issue.reportCount} more report${issue.reportCount === 1 ? '' : 's'} of this problem follow this issue.`;
  return undefined;
}

/** `/escalate show ESC-12`: the issue at a glance, then everything that happened to it. */
export function timelineMessage(issue: Issue, events: TimelineEvent[], parent?: Issue): { text: string; blocks: Blocks } {
  const lines = events.map((e) => `${slackDate(e.at, '{date_short} {time}')}  ${describe(e)}`);
  const chunks: string[] = [];
  for (const l of lines) {
    if (chunks.length && chunks.at(-1)!.length + l.length < 2900) chunks[chunks.length - 1] += `\n${l}`;
    else chunks.push(l);
  }
  const blocks: Blocks = [
    header(`${issue.key} · ${issue.snapshot.category.label}`),
    section(`*${safeText(issue.summary, 2900)}*${issue.card?.url ? `\n<${issue.card.url}|Open the card>` : ''}`),
    fields([
      `*Status*\n${issue.status}`,
      `*Team*\n${escapeMrkdwn(issue.team)} (${mentionChannel(issue.channel)})`,
      `*Claimed by*\n${issue.claim ? mentionUser(issue.claim.by) : '—'}`,
      `*Escalated by*\n${mentionUser(issue.agentId)}`,
    ]),
  ];
  const swarm = swarmLine(issue, parent);
  if (swarm) blocks.push(context(swarm));
  blocks.push(...chunks.slice(0, 40).map((c) => section(c)));
  if (chunks.length > 40) blocks.push(context('Older events are not shown.'));
  return { text: `${issue.key}: ${safeText(issue.summary, 300)}`, blocks };
}
