import { addOpenTime, openTimeBetween, type Calendar } from './calendar.js';
import type { Level, Matrix } from './routing/matrix.js';
import { routeOnly } from './routing/route-issue.js';

/**
 * Replaying history against a changed routing matrix: every issue filed in a
 * period, routed again from its original facts, and judged against the new
 * targets on the new calendars, given when it was actually claimed and
 * resolved, with its time waiting on the customer left out. Pure: the caller
 * loads the history and passes `now` (issues still open are judged as of then).
 */

/** What an issue was and what happened to it, as the replay needs it. */
export interface HistoricIssue {
  key: string;
  summary: string;
  details: string | null;
  category: string;
  /** The level the agent chose (the route may have overridden it). */
  chosenLevel: string;
  origin: string;
  filedAt: Date;
  /** Where it was routed at filing, and the level and calendar its targets ran on. */
  team: string;
  level: Level;
  calendar: Calendar;
  /** The first acknowledgement and the first resolution, if any. */
  claimedAt: Date | null;
  resolvedAt: Date | null;
  /** Waiting on the customer; `to` is null while still waiting. */
  pauses: Array<{ from: Date; to: Date | null }>;
}

export interface Verdict {
  ackMissed: boolean;
  resolveMissed: boolean;
}

export interface ReplayedIssue {
  issue: HistoricIssue;
  team: string;
  level: string;
  before: Verdict;
  after: Verdict;
  /** Routed by the catch-all (the last route, with no `when`). */
  catchAll: boolean;
}

export interface TeamLevelFigures {
  team: string;
  level: string;
  issuesBefore: number;
  issuesAfter: number;
  ackMissedBefore: number;
  ackMissedAfter: number;
  resolveMissedBefore: number;
  resolveMissedAfter: number;
}

export interface Replay {
  issues: number;
  moved: Array<{ from: string; to: string; count: number; examples: Array<{ key: string; summary: string }> }>;
  load: Array<{ team: string; before: number; after: number }>;
  missed: TeamLevelFigures[];
  totals: { ackMissedBefore: number; ackMissedAfter: number; resolveMissedBefore: number; resolveMissedAfter: number };
  catchAll: { count: number; examples: Array<{ key: string; summary: string }> };
}

const EXAMPLES = 3;

/**
 * Was each target missed, on this level and calendar? The acknowledgement by
 * when it was first claimed (or by now, while unclaimed); the resolution by the
 * open time it took (or has taken so far), waiting on the customer left out.
 */
export function judge(issue: HistoricIssue, level: Level, calendar: Calendar, now: Date): Verdict {
  const ackDue = addOpenTime(calendar, issue.filedAt, level.ack);
  const ackMissed = (issue.claimedAt ?? now) > ackDue;
  const end = issue.resolvedAt ?? now;
  const targetMs = openTimeBetween(calendar, issue.filedAt, addOpenTime(calendar, issue.filedAt, level.resolve));
  const pausedMs = issue.pauses.reduce((sum, p) => sum + openTimeBetween(calendar, p.from, p.to ?? end), 0);
  const usedMs = openTimeBetween(calendar, issue.filedAt, end) - pausedMs;
  return { ackMissed, resolveMissed: usedMs > targetMs };
}

/** One issue through the new matrix. */
export function replayIssue(matrix: Matrix, issue: HistoricIssue, now: Date): ReplayedIssue {
  const facts = { category: issue.category, level: issue.chosenLevel, origin: issue.origin, summary: issue.summary, details: issue.details };
  const snapshot = routeOnly(matrix, facts);
  const route = matrix.routes[snapshot.routeIndex];
  return {
    issue,
    team: snapshot.team.key,
    level: snapshot.level.key,
    before: judge(issue, issue.level, issue.calendar, now),
    after: judge(issue, snapshot.level, snapshot.calendar, now),
    catchAll: !route?.when,
  };
}

/** The whole period: moves between teams, load per team, missed targets per team and level, the catch-all. */
export function summarise(replayed: ReplayedIssue[]): Replay {
  const moved = new Map<string, Replay['moved'][number]>();
  const load = new Map<string, { team: string; before: number; after: number }>();
  const missed = new Map<string, TeamLevelFigures>();
  const figures = (team: string, level: string) => {
    const key = `${team}\u0000${level}`;
    let row = missed.get(key);
    if (!row) missed.set(key, (row = { team, level, issuesBefore: 0, issuesAfter: 0, ackMissedBefore: 0, ackMissedAfter: 0, resolveMissedBefore: 0, resolveMissedAfter: 0 }));
    return row;
  };
  const teamLoad = (team: string) => {
    let row = load.get(team);
    if (!row) load.set(team, (row = { team, before: 0, after: 0 }));
    return row;
  };
  const catchAll: Replay['catchAll'] = { count: 0, examples: [] };
  for (const r of replayed) {
    const { issue } = r;
    teamLoad(issue.team).before += 1;
    teamLoad(r.team).after += 1;
    const before = figures(issue.team, issue.level.key);
    const after = figures(r.team, r.level);
    before.issuesBefore += 1;
    after.issuesAfter += 1;
    if (r.before.ackMissed) before.ackMissedBefore += 1;
    if (r.before.resolveMissed) before.resolveMissedBefore += 1;
    if (r.after.ackMissed) after.ackMissedAfter += 1;
    if (r.after.resolveMissed) after.resolveMissedAfter += 1;
    if (issue.team !== r.team) {
      const key = `${issue.team} -> ${r.team}`;
      let move = moved.get(key);
      if (!move) moved.set(key, (move = { from: issue.team, to: r.team, count: 0, examples: [] }));
      move.count += 1;
      if (move.examples.length < EXAMPLES) move.examples.push({ key: issue.key, summary: issue.summary });
    }
    if (r.catchAll) {
      catchAll.count += 1;
      if (catchAll.examples.length < EXAMPLES) catchAll.examples.push({ key: issue.key, summary: issue.summary });
    }
  }
  const rows = [...missed.values()].sort((a, b) => a.team.localeCompare(b.team) || a.level.localeCompare(b.level));
  const sum = (pick: (r: TeamLevelFigures) => number) => rows.reduce((total, r) => total + pick(r), 0);
  return {
    issues: replayed.length,
    moved: [...moved.values()].sort((a, b) => b.count - a.count || a.from.localeCompare(b.from)),
    load: [...load.values()].sort((a, b) => a.team.localeCompare(b.team)),
    missed: rows,
    totals: {
      ackMissedBefore: sum((r) => r.ackMissedBefore), ackMissedAfter: sum((r) => r.ackMissedAfter),
      resolveMissedBefore: sum((r) => r.resolveMissedBefore), resolveMissedAfter: sum((r) => r.resolveMissedAfter),
    },
    catchAll,
  };
}

/** `--fail-if moved>10`, `missed-increase>5%`, `catch-all>0`: conditions that make the replay exit non-zero. */
export interface FailCondition {
  metric: 'moved' | 'missed-increase' | 'catch-all' | 'missed';
  op: '>' | '>=';
  value: number;
  percent: boolean;
  text: string;
}

const CONDITION = /^(moved|missed-increase|catch-all|missed)\s*(>=|>)\s*(\d+(?:\.\d+)?)(%?)$/;

export function parseFailIf(text: string): FailCondition | undefined {
  const m = CONDITION.exec(text.trim());
  if (!m) return undefined;
  return { metric: m[1] as FailCondition['metric'], op: m[2] as FailCondition['op'], value: Number(m[3]), percent: m[4] === '%', text: text.trim() };
}

/** The figure a condition compares: a count, or a share of the issues (moved, catch-all) or of the missed targets before (missed-increase). */
export function measureOf(replay: Replay, condition: FailCondition): number {
  const { totals } = replay;
  const missedBefore = totals.ackMissedBefore + totals.resolveMissedBefore;
  const missedAfter = totals.ackMissedAfter + totals.resolveMissedAfter;
  const count = {
    moved: replay.moved.reduce((n, m) => n + m.count, 0),
    'catch-all': replay.catchAll.count,
    missed: missedAfter,
    'missed-increase': missedAfter - missedBefore,
  }[condition.metric];
  if (!condition.percent) return count;
  const base = condition.metric === 'missed-increase' ? missedBefore : replay.issues;
  return base === 0 ? (count > 0 ? Infinity : 0) : (100 * count) / base;
}

export const holds = (replay: Replay, c: FailCondition) => (c.op === '>' ? measureOf(replay, c) > c.value : measureOf(replay, c) >= c.value);
