import { addOpenTime, openTimeBetween, type Calendar } from '../calendar.js';
import type { Duration } from '../durations.js';
import type { OutboxMessage } from '../outbox-message.js';
import type { Level, SwarmRules } from '../routing/matrix.js';
import { isUserId } from '../slack-ids.js';
import { changed, homeRefreshes, updateCard, type Change } from './change.js';
import { event, type IssueEvent, type LinkVia, type UnlinkVia } from './events.js';
import { common, type Issue, type UnclaimedIssue } from './issue.js';

/**
 * Swarms: many agents escalating one problem. The first escalation is the
 * parent; the others become its reports. A report keeps its own facts (its
 * customer, origin, agent and filing time) but has no card, clocks or timers of
 * its own: it follows its parent's status, and its agent hears what happens to
 * the parent (waiting, reroute, resolution) about their own escalation.
 */

/** How far apart an escalation's text and a candidate's may be, and where the match came from. */
export interface SwarmMatch {
  parent: Issue;
  /** pg_trgm similarity of the two texts, 0 to 1. */
  score: number;
}

/** Does a match this strong let the quick form link on its own, or the form offer it? */
export const linksAtOnce = (rules: SwarmRules, score: number) => score >= rules.link;

/** The report as it stands beside its parent: the parent's team, channel and status, its own facts and clocks. */
function following(report: Issue, parent: Issue): Issue {
  // A report with a card of its own (linked by hand) stays where its card is; the others go where the parent goes.
  const place = report.card ? {} : { team: parent.team, channel: parent.channel, snapshot: { ...report.snapshot, team: parent.snapshot.team } };
  const base = { ...common(report), ...place, parentId: parent.id, reportCount: 0 };
  switch (parent.status) {
    case 'unclaimed':
      return { ...base, status: 'unclaimed' };
    case 'claimed':
      return { ...base, status: 'claimed', claim: parent.claim };
    case 'waiting':
      return { ...base, status: 'waiting', claim: parent.claim, pause: parent.pause };
    case 'resolved':
      return { ...base, status: 'resolved', claim: parent.claim, resolution: parent.resolution };
  }
}

/**
 * The figures each customer counts for: a report is acknowledged and resolved
 * when its parent is, measured from its own filing against its own targets, so
 * that time to acknowledge per origin counts every customer once.
 */
function figuresOf(report: Issue, next: Issue, now: Date): IssueEvent[] {
  const { calendar } = report.snapshot;
  const events: IssueEvent[] = [];
  if (report.status === 'unclaimed' && next.status !== 'unclaimed' && next.claim) {
    events.push(event('claimed', next.claim.by, { via: 'swarm', ackMs: openTimeBetween(calendar, report.ack.startedAt, now), late: now > report.ack.dueAt }));
  }
  if (report.status !== 'resolved' && next.status === 'resolved') {
    const resolveMs = Math.max(0, openTimeBetween(calendar, report.resolve.startedAt, now) - report.resolve.pausedOpenMs);
    events.push(event('resolved', next.resolution.by, {
      note: next.resolution.note, resolveMs, late: now > report.resolve.dueAt, firstTime: report.reopenCount === 0 && report.rerouteCount === 0, report: true,
    }));
  }
  return events;
}

/**
 * An escalation becomes a report of `parent`: filed just now (`quick_form`,
 * `form`) or linked later by an expert (`hand`). Returns both sides' changes.
 */
export function linkReport(report: Issue, parent: Issue, now: Date, link: { via: LinkVia; by: string | null; score: number | null; interim: boolean }): { report: Change; parent: Change } {
  const next = following(report, parent);
  const reportChange = changed(next, [event('linked', link.by, { parent: parent.key, via: link.via, score: link.score }), ...figuresOf(report, next, now)], [
    { kind: 'agent_linked', issueId: report.id, agentId: report.agentId, interim: link.interim, parentId: parent.id, by: link.by },
    // A card it already had (linked by hand) now points to the parent.
    ...(report.card ? [updateCard(next)] : []),
    ...homeRefreshes(next),
  ]);
  const grown = { ...parent, reportCount: parent.reportCount + 1 };
  const parentChange = changed(grown, [event('report_linked', link.by, { report: report.key, via: link.via, origin: report.origin, agent: report.agentId })], [
    updateCard(grown),
    { kind: 'thread_note', issueId: parent.id, channel: parent.channel, note: { note: 'report', report: report.key, agent: report.agentId, origin: report.origin, summary: report.summary, customers: grown.reportCount + 1 } },
  ]);
  return { report: reportChange, parent: parentChange };
}

/**
 * A report leaves its swarm and stands alone again: its own card is posted, and
 * its own clocks run from where they were (the customer has waited since filing).
 */
export function unlinkReport(report: Issue, parent: Issue, via: UnlinkVia, by: string | null, now: Date): { report: Change; parent: Change } {
  const { calendar, level } = report.snapshot;
  // The team takes it on as its own from now: a fresh acknowledgement target, as after a reroute.
  const ack = { startedAt: now, dueAt: addOpenTime(calendar, now, level.ack), nudgesSent: 0, tier: 0 };
  const next: UnclaimedIssue = { ...common(report), status: 'unclaimed', parentId: null, ack };
  const reportChange = changed(next, [event('unlinked', by, { parent: parent.key, via })], [
    // A card it had before it was linked by hand comes back to life; otherwise it gets its first.
    next.card ? updateCard(next) : { kind: 'post_card', issueId: report.id, channel: next.channel, interim: false },
    ...homeRefreshes(next),
  ]);
  const shrunk = { ...parent, reportCount: Math.max(0, parent.reportCount - 1) };
  const parentChange = changed(shrunk, [event('report_unlinked', by, { report: report.key, via })], [
    updateCard(shrunk),
    { kind: 'thread_note', issueId: parent.id, channel: parent.channel, note: { note: 'report_unlinked', report: report.key, by } },
  ]);
  return { report: reportChange, parent: parentChange };
}

/**
 * After the parent changed: each report takes its status, and each report's
 * agent hears what the parent's agent heard, about their own escalation: the
 * question for their customer, where the issue went, and what to tell them.
 */
export function followParent(report: Issue, parentChange: Change, now: Date): Change {
  const next = withPausesAndReopens(following(report, parentChange.issue), report, parentChange, now);
  const messages: OutboxMessage[] = [];
  const about = { issueId: report.id, agentId: report.agentId };
  for (const e of parentChange.events) {
    if (e.type === 'paused') messages.push({ kind: 'agent_waiting', ...about, by: e.actor ?? next.claim?.by ?? '', question: e.details.question });
    if (e.type === 'rerouted') messages.push({ kind: 'agent_rerouted', ...about, by: e.actor ?? '', reason: e.details.reason });
    if (e.type === 'resolved') messages.push({ kind: 'agent_resolved', ...about, by: e.actor ?? '', note: e.details.note });
  }
  const statusMoved = next.status !== report.status || next.team !== report.team;
  return changed(next, figuresOf(report, next, now), [...messages, ...(statusMoved ? homeRefreshes(next) : [])]);
}

/**
 * The report's own clocks, kept as its parent's run: time waiting on the
 * customer is left out of its time to resolve, and a reopened parent starts
 * its reports' resolution clocks again (so a second resolution is not a first).
 */
function withPausesAndReopens(next: Issue, report: Issue, parentChange: Change, now: Date): Issue {
  let resolve = next.resolve;
  let { pausedMs, reopenCount } = next;
  if (report.status === 'waiting' && next.status !== 'waiting') {
    resolve = { ...resolve, pausedOpenMs: resolve.pausedOpenMs + openTimeBetween(report.snapshot.calendar, report.pause.since, now) };
    pausedMs += now.getTime() - report.pause.since.getTime();
  }
  if (parentChange.events.some((e) => e.type === 'reopened') && report.status === 'resolved') {
    const { calendar, level } = report.snapshot;
    const dueAt = addOpenTime(calendar, now, level.resolve);
    resolve = { startedAt: now, dueAt, targetMs: openTimeBetween(calendar, now, dueAt), pausedOpenMs: 0, nudgesSent: 0, tier: 0 };
    reopenCount += 1;
  }
  return { ...next, resolve, pausedMs, reopenCount } as Issue;
}

/** A level with the calendar its clocks run on. */
export interface UrgentLevel {
  level: Level;
  calendar: Calendar;
}

/** The level with the shortest acknowledgement target (then resolution target): the most urgent. */
export function mostUrgentLevel(levels: Level[]): Level | undefined {
  const wall = (d: Duration) => d.days * 86_400_000 + d.ms;
  return [...levels].sort((a, b) => wall(a.ack) - wall(b.ack) || wall(a.resolve) - wall(b.resolve))[0];
}

/**
 * The parent's reports (itself included) within the outage window have reached
 * the team's threshold: it is flagged once, raised to the most urgent level
 * (its targets recomputed from when its clocks started), the first tier of the
 * acknowledgement chain is told at once, and the outage channel gets a notice.
 */
export function flagOutage(parent: Issue, recentReports: number, urgent: UrgentLevel | undefined, now: Date): Change | undefined {
  const rules = parent.snapshot.team.swarms;
  if (!rules?.outage || parent.outageAt || parent.status === 'resolved' || recentReports < rules.outage.reports) return undefined;
  const { level, calendar } = urgent && urgent.level.key !== parent.level ? urgent : parent.snapshot;
  // Targets only come closer, and never closer than the urgent target counted from now: the team
  // learns of the outage now, and a target already past would fire every tier at once.
  const raise = (due: Date, startedAt: Date, target: Duration) =>
    minDate(due, maxDate(addOpenTime(calendar, startedAt, target), addOpenTime(calendar, now, target)));
  const raised = {
    ...parent,
    outageAt: now,
    level: level.key,
    snapshot: { ...parent.snapshot, level, calendar },
    ack: { ...parent.ack, dueAt: raise(parent.ack.dueAt, parent.ack.startedAt, level.ack) },
    resolve: { ...parent.resolve, dueAt: raise(parent.resolve.dueAt, parent.resolve.startedAt, level.resolve) },
  } as Issue;
  const firstTier = parent.snapshot.team.escalation.ack[0]?.notify.filter(isUserId) ?? [];
  return changed(raised, [event('outage', null, { reports: recentReports, withinMs: rules.outage.withinMs, fromLevel: parent.level, toLevel: level.key })], [
    updateCard(raised),
    { kind: 'thread_note', issueId: parent.id, channel: parent.channel, note: { note: 'outage', reports: recentReports, withinMs: rules.outage.withinMs, notify: parent.snapshot.team.escalation.ack[0]?.notify ?? [] } },
    ...firstTier.map((user): OutboxMessage => ({ kind: 'outage_dm', issueId: parent.id, user })),
    ...(rules.outageChannel ? [{ kind: 'outage_notice', issueId: parent.id, channel: rules.outageChannel } as const] : []),
  ]);
}

const minDate = (a: Date, b: Date) => (a < b ? a : b);
const maxDate = (a: Date, b: Date) => (a > b ? a : b);
