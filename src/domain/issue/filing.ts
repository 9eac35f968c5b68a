import { openTimeBetween } from '../calendar.js';
import type { RouteCheck, RoutedIssue } from '../routing/route-issue.js';
import { changed, type Change } from './change.js';
import { event } from './events.js';
import type { UnclaimedIssue } from './issue.js';

/** What an agent files: the facts of the issue, and where to answer them. */
export interface Filing {
  category: string;
  /** The level the agent chose; the route may override it. */
  level: string;
  origin: string;
  summary: string;
  details: string | null;
  customerRef: string | null;
  agentId: string;
  agentChannel: string | null;
  responseUrl: string | null;
}

/** An issue before the database has numbered it. */
export type NewIssue = Omit<UnclaimedIssue, 'id' | 'key' | 'clockFence' | 'parentId' | 'reportCount' | 'outageAt'>;

/** A new issue as routed: unclaimed, both targets running from `now`. */
export function newIssue(filing: Filing, routed: RoutedIssue, now: Date): NewIssue {
  const { snapshot, ackDueAt, resolveDueAt } = routed;
  return {
    ...filing,
    status: 'unclaimed',
    level: snapshot.level.key,
    team: snapshot.team.key,
    channel: snapshot.team.channel,
    card: null,
    postError: null,
    snapshot,
    filedAt: now,
    ack: { startedAt: now, dueAt: ackDueAt, nudgesSent: 0, tier: 0 },
    resolve: {
      startedAt: now, dueAt: resolveDueAt, targetMs: openTimeBetween(snapshot.calendar, now, resolveDueAt), pausedOpenMs: 0, nudgesSent: 0, tier: 0,
    },
    pausedMs: 0,
    firstResponseAt: null,
    reopenCount: 0,
    rerouteCount: 0,
  };
}

/**
 * The filing's record and its card. `interim` is true when the agent was already
 * shown "filed": the confirmation then replaces that message.
 */
export function filed(issue: UnclaimedIssue, filing: Filing, route: RouteCheck, interim: boolean): Change {
  const { snapshot } = issue;
  return changed(issue, [
    event('filed', filing.agentId, { category: filing.category, level: filing.level, origin: filing.origin }),
    event('routed', null, {
      route: snapshot.routeIndex, team: snapshot.team.key, channel: snapshot.team.channel, level: snapshot.level.key, cc: snapshot.cc, reasons: route.reasons,
    }),
  ], [{ kind: 'post_card', issueId: issue.id, channel: issue.channel, interim }]);
}
