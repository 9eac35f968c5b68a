import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import type { IssueEvent } from '../domain/issue/events.js';
import type { Issue } from '../domain/issue/issue.js';
import type { Matrix } from '../domain/routing/matrix.js';
import type { OwnerDirectory } from './owner-directory.js';
import type { PeoplePresence } from '../slack/people-presence.js';
import type { RequestDeadline } from './request-deadline.js';

/** What use cases need from the world. Tests build it with a fixed clock. */
export interface AppContext {
  db: Db;
  matrix: Matrix;
  now: () => Date;
  owners: OwnerDirectory;
  /** Time zones and do-not-disturb from Slack (cached): whom an escalation can reach now. Absent, everyone can. */
  people?: PeoplePresence;
  /** Members of a channel (cached): who may see an issue's timeline. */
  channelMembers: (channel: string) => Promise<string[]>;
  log: Logger;
  /** Asks the outbox sender to run now rather than at the next sweep. */
  kickOutbox: () => void;
  /** Tells this instance's timer alarm that a reminder or escalation now falls due at `at`. */
  wakeTimersAt?: (at: Date) => void;
  /** Set for the work of one Slack request (see request-deadline.ts); unset for background work. */
  deadline?: RequestDeadline;
  /** Told of every event stored (metrics: times to acknowledge and resolve, missed targets). */
  observe?: (issue: Issue, events: IssueEvent[]) => void;
  /** Told when an agent closed the form after its help (metrics: deflections per category). */
  countDeflection?: (category: string) => void;
  /** Told when a background loop (sweeper, outbox, timer alarm) fails a round. */
  countError?: (loop: string) => void;
}
