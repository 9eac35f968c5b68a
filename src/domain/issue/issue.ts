import type { IssueSnapshot } from '../routing/route-issue.js';

/**
 * An escalated customer issue, as one value whose shape follows its status.
 * Each status carries exactly the fields it has: only a waiting issue has a
 * pause, only a resolved one has a resolution, and an unclaimed one has no
 * claimer. Code that reads `issue.pause` must first know the issue is waiting,
 * so a half-changed issue (claimer gone, pause left behind) cannot be written.
 */

export type IssueStatus = 'unclaimed' | 'claimed' | 'waiting' | 'resolved';

/** The acknowledgement target: it runs while nobody has claimed the issue. */
export interface AckClock {
  /** Filing, an unclaim or a reroute: when the team was last asked to pick the issue up. */
  startedAt: Date;
  dueAt: Date;
  /** Reminders sent and escalation tiers notified for this target. */
  nudgesSent: number;
  tier: number;
}

/** The resolution target: it runs while the issue is claimed, and stands still while it waits on the customer. */
export interface ResolveClock {
  /** Filing, or the latest reopen: time to resolve is measured from here. */
  startedAt: Date;
  /** Moved by exactly the paused time when a pause ends. */
  dueAt: Date;
  /** The target in open time, as it was set; pauses move the due date, not this. */
  targetMs: number;
  /** Open time spent waiting on the customer since `startedAt`, which time to resolve leaves out. */
  pausedOpenMs: number;
  nudgesSent: number;
  tier: number;
}

export interface Claim {
  by: string;
  at: Date;
}

/** Waiting on the customer: since when, and how much open time the resolution target had left then. */
export interface Pause {
  since: Date;
  remainingMs: number;
}

export interface Resolution {
  by: string;
  at: Date;
  /** What the agent tells the customer. */
  note: string;
}

export interface PostedCard {
  ts: string;
  url: string | null;
}

interface IssueBase {
  id: number;
  /** ESC-12 */
  key: string;
  category: string;
  /** The level in force (the route may override what the agent chose: see `snapshot.chosenLevel`). */
  level: string;
  origin: string;
  summary: string;
  details: string | null;
  customerRef: string | null;
  agentId: string;
  /** Where the agent typed /escalate, and the response_url Slack gave us there (valid 30 minutes). */
  agentChannel: string | null;
  responseUrl: string | null;
  team: string;
  channel: string;
  /** The card in the team channel, once Slack has accepted it. */
  card: PostedCard | null;
  /** The last permanent Slack error met while posting in the team channel, shown to the agent. */
  postError: string | null;
  /** What the issue was filed with: targets, calendar, owners and chain. Editing routing.yml never changes it. */
  snapshot: IssueSnapshot;
  filedAt: Date;
  ack: AckClock;
  resolve: ResolveClock;
  /** Wall-clock time spent waiting on the customer, over the issue's whole life. */
  pausedMs: number;
  /** The first reply in the card's thread by an owner who did not claim. */
  firstResponseAt: Date | null;
  reopenCount: number;
  rerouteCount: number;
  /** Bumped whenever the issue's timers are replanned: a timer from an older plan does nothing. */
  clockFence: number;
  /**
   * A report of a swarm (many agents escalating one problem): the parent issue it
   * was linked to. A report has no card, clocks or timers of its own; it follows
   * its parent's status, and its agent hears what the parent's agent hears.
   */
  parentId: number | null;
  /** On a parent: the reports linked to it now. */
  reportCount: number;
  /** On a parent: when its reports crossed the team's outage threshold. */
  outageAt: Date | null;
}

export type UnclaimedIssue = IssueBase & { status: 'unclaimed'; claim?: never; pause?: never; resolution?: never };
export type ClaimedIssue = IssueBase & { status: 'claimed'; claim: Claim; pause?: never; resolution?: never };
export type WaitingIssue = IssueBase & { status: 'waiting'; claim: Claim; pause: Pause; resolution?: never };
/** A resolved issue keeps its claim: a reopen hands it back to the same expert. */
export type ResolvedIssue = IssueBase & { status: 'resolved'; claim: Claim; resolution: Resolution; pause?: never };

export type Issue = UnclaimedIssue | ClaimedIssue | WaitingIssue | ResolvedIssue;

/** The fields every status shares, for building the next state from the current one. */
export function common(issue: Issue): IssueBase {
  const { status: _status, claim: _claim, pause: _pause, resolution: _resolution, ...base } = issue;
  return base;
}

export const isOpen = (issue: Issue) => issue.status !== 'resolved';

export const isReport = (issue: Issue) => issue.parentId !== null;
