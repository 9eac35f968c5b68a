import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns/format';
import type { ComposedDigest } from '../../app/compose-digest.js';
import { isEmpty } from '../../app/compose-digest.js';
import { couldBeSelfServed, trend, unfairOrigins } from '../../domain/digest-flags.js';
import { humanSpan } from '../../domain/durations.js';
import { escapeMrkdwn, mentionUser, mrkdwnToText, safeText, slackDate } from '../../domain/mrkdwn.js';
import type { IssueLine, Measure, PraiseFigures } from '../../db/digest-queries.js';
import type { Speed } from '../../app/compose-digest.js';
import { context, header, section, type Blocks } from './kit.js';

/** A digest as titled sections of mrkdwn lines: rendered as Block Kit for Slack and as text for the CLI. */
export interface DigestSection {
  title: string;
  lines: string[];
}

const span = (ms: number | null) => (ms === null ? '—' : humanSpan(ms));
const pct = (part: number, whole: number) => (whole ? `${Math.round((100 * part) / whole)}%` : '—');
const link = (l: IssueLine) => (l.cardUrl ? `<${l.cardUrl}|${l.key}>` : l.key);
const more = (shown: number, total: number) => (total > shown ? [`…and ${total - shown} more`] : []);

function speedLine(s: Speed): string {
  const part = (verb: string, m: Measure) => `${verb} ${span(m.median)} (p90 ${span(m.p90)}, ${m.count})`;
  return `*${escapeMrkdwn(s.key)}*: ${part('acknowledge', s.acks)} · ${part('resolve', s.resolves)}`;
}

/** "phone: acknowledge 10 min (2) · resolve 1 h (2)": medians, and how many each is the median of. */
const fairLine = (label: string, s: Speed) =>
  `${label}: acknowledge ${span(s.acks.median)} (${s.acks.count}) · resolve ${span(s.resolves.median)} (${s.resolves.count})`;

const quoteInline = (text: string) => `“${safeText(text.replace(/\s+/g, ' '), 120)}”`;

const lateShare = (m: Measure) => `${m.late} of ${m.count} (${pct(m.late, m.count)})`;

/** Praise has its own lines: never a problem, a missed target or an escalation in the volume. */
function praiseLines(p: PraiseFigures): string[] {
  const { total, lines } = p.escalations;
  return [
    ...(p.experts.length ? [`:tada: Praised: ${p.experts.map((e) => `${mentionUser(e.user)} (${e.count})`).join(', ')}${p.happyCustomers ? ` · ${p.happyCustomers} happy customer${p.happyCustomers === 1 ? '' : 's'} after a resolution` : ''}`] : []),
    ...(total ? [`:tada: Praise passed on: ${total} (not counted as escalations above)`] : []),
    ...lines.map((l) => `${link(l)} ${safeText(l.summary, 120)}`),
    ...more(lines.length, total),
  ];
}

function digestSections(d: ComposedDigest, late: boolean): DigestSection[] {
  const when = (date: Date) => format(new TZDate(date, d.timezone), 'EEE d MMM HH:mm');
  const heading = `${when(d.period.from)} – ${when(d.period.to)} (${d.timezone}) · teams: ${d.teams.join(', ')}${late ? ' · sent late: Frontline was down at the scheduled time' : ''}`;
  if (isEmpty(d)) return [{ title: `Digest ${d.name}`, lines: [heading, 'No escalations in this period, and nothing open.'] }];
  const { current, previous, open } = d.volume;
  const sections: DigestSection[] = [
    { title: `Digest ${d.name}`, lines: [heading] },
    {
      title: 'Volume',
      lines: [`Filed *${current.filed}* (${trend(current.filed, previous.filed)}) · claimed *${current.claimed}* (${trend(current.claimed, previous.claimed)}) · resolved *${current.resolved}* (${trend(current.resolved, previous.resolved)}) · reopened *${current.reopened}* (${trend(current.reopened, previous.reopened)}) · open now *${open}*`],
    },
    {
      title: 'Speed (business time, median and p90)',
      lines: [...d.speeds.byTeam.map(speedLine), ...d.speeds.byLevel.map((s) => `level ${speedLine(s)}`)],
    },
    {
      title: 'Missed targets',
      lines: [
        ...d.missed.map((m) => `*${escapeMrkdwn(m.team)}*: acknowledged late ${lateShare(m.acks)} · resolved late ${lateShare(m.resolves)} · past target now ${m.overdueNow}`),
        ...d.tiers.lines.map((l) => `:rotating_light: ${link(l)} reached tier ${l.tier}: ${safeText(l.summary, 120)}`),
        ...more(d.tiers.lines.length, d.tiers.total),
      ],
    },
    {
      title: 'Open now',
      lines: d.urgent.total === 0 ? ['Nothing unclaimed or overdue.'] : [
        ...d.urgent.lines.map((l) => `${link(l)} · ${l.status === 'unclaimed' ? 'unclaimed, acknowledge by' : 'overdue since'} ${slackDate(l.dueAt)} · ${safeText(l.summary, 120)}`),
        ...more(d.urgent.lines.length, d.urgent.total),
      ],
    },
    {
      title: 'Swarms (many agents, one problem)',
      lines: d.swarms.swarms === 0 ? [] : [
        `*${d.swarms.swarms}* swarm${d.swarms.swarms === 1 ? '' : 's'} gathered *${d.swarms.reports}* more report${d.swarms.reports === 1 ? '' : 's'} (at most ${d.swarms.largest} to one issue)`
          + ` · resolved ${d.swarms.resolved}${d.swarms.medianResolveMs === null ? '' : `, median ${humanSpan(d.swarms.medianResolveMs)}`}. Each customer counts once in the figures below.`,
      ],
    },
    {
      title: 'What keeps coming back',
      lines: d.categories.map((c) => `*${escapeMrkdwn(c.category)}*: ${c.count} (${trend(c.count, c.previous)})${couldBeSelfServed(c) ? ' · :bulb: mostly easy and solved first time: could the front line handle these with a guide?' : ''}`),
    },
    {
      title: 'Deflection (what the front line could answer itself)',
      lines: [
        ...(d.intake.deflected.length
          ? [`Forms closed after the article or past answers: ${d.intake.deflected.map((c) => `*${escapeMrkdwn(c.category)}* ${c.count}`).join(', ')}`] : []),
        ...d.intake.noArticle.map((c) => `:memo: *${escapeMrkdwn(c.category)}*: ${c.count} escalations and no knowledge-base article: write one?`),
        ...d.intake.sameAnswer.map((c) => `:repeat: *${escapeMrkdwn(c.category)}*: ${c.alike} resolutions gave the same answer, such as ${quoteInline(c.example)}: worth an article?`),
      ],
    },
    {
      title: 'Fair treatment across channels of origin (median)',
      lines: [
        fairLine('Overall', d.overall),
        ...d.origins.map((o) => fairLine(`*${escapeMrkdwn(o.key)}*`, o)),
        ...unfairOrigins(d.origins, d.overall).map((f) => `:warning: *${escapeMrkdwn(f.origin)}* gets ${f.ratio < 1 ? 'faster' : 'slower'} treatment: median time to ${f.measure} is ${f.ratio.toFixed(1)}× the overall.`),
      ],
    },
    {
      title: 'Recognition',
      lines: [
        d.people.claimers.length ? `Most claimed: ${d.people.claimers.map((c) => `${mentionUser(c.user)} (${c.count})`).join(', ')}` : 'Nobody claimed anything.',
        d.people.resolvers.length ? `Most resolved: ${d.people.resolvers.map((c) => `${mentionUser(c.user)} (${c.count})`).join(', ')}` : 'Nothing was resolved.',
        ...praiseLines(d.people.praise),
      ],
    },
  ];
  return sections.filter((s) => s.lines.length > 0);
}

export function digestMessage(d: ComposedDigest, late: boolean): { text: string; blocks: Blocks } {
  const sections = digestSections(d, late);
  const blocks: Blocks = [];
  for (const [i, s] of sections.entries()) {
    if (i === 0) blocks.push(header(s.title), context(...s.lines));
    else blocks.push(section(`*${s.title}*\n${s.lines.join('\n')}`));
  }
  return { text: `${sections[0]!.title}: ${sections[0]!.lines[0]}`, blocks: blocks.slice(0, 50) };
}

/** Warnings keep a mark in a terminal; decoration goes. */
const TEXT_EMOJI = { rotating_light: '!', warning: '!', bulb: '', tada: '', memo: '', repeat: '' };

/** The digest as text for a terminal: no Slack markup. */
export function digestText(d: ComposedDigest, late: boolean): string {
  const plain = (line: string) => mrkdwnToText(line, { timezone: d.timezone, emoji: TEXT_EMOJI });
  return digestSections(d, late).map((s) => `${s.title}\n${s.lines.map((l) => `  ${plain(l)}`).join('\n')}`).join('\n\n');
}
