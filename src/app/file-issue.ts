import { randomInt } from 'node:crypto';
import type { Tx } from '../db/client.js';
import { findIssue, insertIssue, lockIssue } from '../db/issue-store.js';
import { issueForRequest, linkRequest, rememberRequest, requestSeen } from '../db/request-store.js';
import { findSwarmMatch, takeSwarmTurn } from '../db/swarm-store.js';
import { filed, newIssue, type Filing } from '../domain/issue/filing.js';
import type { Issue, UnclaimedIssue } from '../domain/issue/issue.js';
import { linksAtOnce } from '../domain/issue/swarm.js';
import type { Change } from '../domain/issue/change.js';
import { isPraise, mentionedUsers, praiseOf } from '../domain/issue/praise.js';
import { lastResolverFor } from '../db/praise-store.js';
import { praiseCategories, type SwarmRules } from '../domain/routing/matrix.js';
import { routeWithReasons, type RoutedIssue } from '../domain/routing/route-issue.js';
import { storeChange, afterCommit, type Stored } from './act-on-issue.js';
import type { AppContext } from './context.js';
import { transact } from './request-deadline.js';
import { storeLink } from './swarms.js';

/**
 * What to do when the escalation resembles an open one of its team (a swarm):
 * - `quick`: link it when the match is strong (the quick form, with an undo);
 * - `ask`: file nothing yet and return the match, so the form can ask the agent;
 * - `{ parentId }`: the agent said "same problem" in the form;
 * - `separate`: the agent said "different problem".
 */
export type SwarmChoice = 'quick' | 'ask' | 'separate' | { parentId: number };

export interface FileIssueInput extends Omit<Filing, 'details' | 'customerRef' | 'agentChannel' | 'responseUrl'> {
  details?: string;
  customerRef?: string;
  agentChannel?: string;
  responseUrl?: string;
  /** True when the agent was already shown "filed": their confirmation replaces it. */
  interim?: boolean;
  /** Identifies the Slack request (trigger_id, view id): a retry files nothing new. */
  requestKey: string;
  swarm?: SwarmChoice;
  /** A praise escalation: the experts the customer thanked, as the form named them. */
  praised?: string[];
  /**
   * Files nothing (the start-up warm-up): the filing runs to its last statement
   * under a negative id, so no ESC number is used up, and always rolls back with
   * `Rehearsed`. It never joins a swarm: that would lock a real issue and take the
   * team's swarm turn, which live filings on every instance wait for.
   */
  rehearsal?: boolean;
}

/** The end of every rehearsal (see `FileIssueInput.rehearsal`): its transaction rolled back. */
export class Rehearsed extends Error {
  constructor(readonly result: FileIssueResult) {
    super('a rehearsed filing, rolled back');
  }
}

/** Filed (or found filed by this request before); `linkedTo` when it became a report of a swarm. */
export interface Filed {
  issue: Issue;
  duplicate: boolean;
  linkedTo?: Issue;
  match?: never;
}

/** Nothing filed: the agent should say whether this is the same problem as `match.parent`. */
export interface AskAgent {
  match: { parent: Issue; score: number };
  issue?: never;
  duplicate?: never;
}

export type FileIssueResult = Filed | AskAgent;

/**
 * Stores and routes a new issue, and queues its card for the team channel. The
 * card is posted after commit by the outbox, so a Slack failure never loses the
 * issue. When the team detects swarms, a new escalation like an open one may
 * become a report of it instead: no card of its own, a note in the parent's thread.
 */
export async function fileIssue(ctx: AppContext, input: FileIssueInput & { swarm: 'ask' | SwarmChoice }): Promise<FileIssueResult>;
export async function fileIssue(ctx: AppContext, input: FileIssueInput & { swarm?: Exclude<SwarmChoice, 'ask'> }): Promise<Filed>;
export async function fileIssue(ctx: AppContext, input: FileIssueInput): Promise<FileIssueResult> {
  const now = ctx.now();
  const filing: Filing = {
    category: input.category, level: input.level, origin: input.origin, summary: input.summary,
    details: input.details ?? null, customerRef: input.customerRef ?? null,
    agentId: input.agentId, agentChannel: input.agentChannel ?? null, responseUrl: input.responseUrl ?? null,
  };
  // Routing runs once per filing: its reasons go into the timeline, its result into the issue.
  const { routed, route } = routeWithReasons(ctx.matrix, filing, now);
  const stored: Stored[] = [];
  const fileWithin = async (tx: Tx): Promise<FileIssueResult> => {
    stored.length = 0;
    const filedBefore = async (): Promise<Filed> => ({ issue: (await issueForRequest(tx, input.requestKey))!, duplicate: true });
    // A form that may only ask (below) must first know whether it already filed: asking writes nothing to tell it.
    if (input.swarm === 'ask' && (await requestSeen(tx, input.requestKey))) return filedBefore();
    const rules = routed.snapshot.team.swarms;
    // Issues routed by the same text pattern are alike even across categories.
    const textRoute = route.route.when?.text ? route.route.index : null;
    const swarm = rules && input.swarm !== 'separate' && !input.rehearsal ? await swarmFor(tx, rules, routed, textRoute, filing, input.swarm ?? 'quick', now) : undefined;
    if (swarm?.ask) return { match: swarm.ask };
    if (!(await rememberRequest(tx, input.requestKey, now))) return filedBefore();
    const issue = (await insertIssue(tx, newIssue(filing, routed, now), now, input.rehearsal ? rehearsalId() : undefined)) as UnclaimedIssue;
    const storeFiled = async (): Promise<Filed> => {
      const filedChange = withPraise(filed(issue, filing, route, input.interim ?? false), isPraise(ctx.matrix, filing.category) ? await praisedBy(tx, filing, input.praised, praiseCategories(ctx.matrix)) : []);
      if (swarm?.parent) {
        const link = await storeLink(ctx, tx, issue, swarm.parent, now, {
          via: input.swarm === 'quick' || input.swarm === undefined ? 'quick_form' : 'form', by: null, score: swarm.score, interim: input.interim ?? false, before: filedChange,
        });
        stored.push(link.report, link.parent);
        return { issue: link.report.issue, duplicate: false, linkedTo: link.parent.issue };
      }
      stored.push(await storeChange(tx, filedChange, now, { replan: true, stored: 'inserted' }));
      return { issue: stored[0]!.issue, duplicate: false };
    };
    // The request's key names its issue in the same round trip as the issue's other writes (postgres.js pipelines them).
    const [, done] = await Promise.all([linkRequest(tx, input.requestKey, issue.id), storeFiled()]);
    return done;
  };
  const result = await transact(ctx, async (tx) => {
    const outcome = await fileWithin(tx);
    if (input.rehearsal) throw new Rehearsed(outcome);
    return outcome;
  });
  for (const s of stored) afterCommit(ctx, s);
  if (result.issue && !result.duplicate) {
    ctx.log.info({ issue: result.issue.key, team: result.issue.team, ...(result.linkedTo ? { reportOf: result.linkedTo.key } : {}) }, 'issue filed');
    ctx.kickOutbox();
  }
  return result;
}

/** Below every real id (which start at 1), and apart from another instance's rehearsal started at the same time. */
const rehearsalId = () => -randomInt(1, 2 ** 31 - 1);

/**
 * Whom a praise escalation thanks: the experts the form named, else those
 * mentioned in its text, else whoever last resolved an escalation for the customer.
 */
async function praisedBy(tx: Tx, filing: Filing, named: string[] | undefined, praise: string[]): Promise<string[]> {
  const experts = named?.length ? named : mentionedUsers(filing.summary, filing.details);
  if (experts.length || !filing.customerRef) return experts;
  const last = await lastResolverFor(tx, filing.customerRef, praise);
  return last ? [last] : [];
}

function withPraise(change: Change, experts: string[]): Change {
  if (experts.length === 0) return change;
  const praise = praiseOf(change.issue, change.issue.agentId, experts, 'escalation');
  return { ...change, events: [...change.events, ...praise.events], messages: [...change.messages, ...praise.messages] };
}

/**
 * Looks for the open issue this escalation repeats, under the team's swarm turn
 * (so that concurrent filings of one outage, on any instance, find each other).
 * Returns the parent to link to, or the match to ask about, or nothing.
 */
async function swarmFor(
  tx: Tx, rules: SwarmRules, routed: RoutedIssue, textRoute: number | null, filing: Filing, choice: Exclude<SwarmChoice, 'separate'>, now: Date,
): Promise<{ parent?: Issue; score: number | null; ask?: { parent: Issue; score: number } } | undefined> {
  const { team } = routed.snapshot;
  await takeSwarmTurn(tx, team.key);
  if (typeof choice === 'object') {
    // The swarm's parent, locked first (parents before reports, everywhere); read again under the lock.
    const chosen = await findIssue(tx, choice.parentId);
    const parent = chosen && (await lockIssue(tx, chosen.parentId ?? chosen.id));
    // Resolved, or moved to another team, while the agent read the form: this customer's problem gets its own card.
    return parent && joinable(parent, team.key) ? { parent, score: null } : undefined;
  }
  const matched = await findSwarmMatch(tx, {
    team: team.key, category: filing.category, textRoute, summary: filing.summary,
    since: new Date(now.getTime() - rules.windowMs), minScore: choice === 'ask' ? rules.suggest : rules.link,
  });
  if (!matched) return undefined;
  if (choice === 'ask') {
    const parent = await findIssue(tx, matched.parentId);
    return parent ? { ask: { parent, score: matched.score }, score: matched.score } : undefined;
  }
  if (!linksAtOnce(rules, matched.score)) return undefined;
  const parent = await lockIssue(tx, matched.parentId);
  return parent && joinable(parent, team.key) ? { parent, score: matched.score } : undefined;
}

/** An issue a new report may join: open, a parent (not itself a report), and in the team the report was routed to. */
const joinable = (parent: Issue, team: string) => parent.status !== 'resolved' && parent.parentId === null && parent.team === team;
