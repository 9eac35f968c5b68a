import { planTimers } from '../domain/escalation-plan.js';
import type { Tx } from '../db/client.js';
import type { IssueRow } from '../db/schema.js';
import { replaceTimers } from '../db/timer-store.js';

/** Plans the issue's reminders and escalations from its current state and snapshot. Called after every change. */
export function replanClock(tx: Tx, issue: IssueRow, now: Date): Promise<IssueRow> {
  const { calendar, nudges, team } = issue.snapshot;
  const plan = planTimers({ ...issue, calendar, nudges, chain: team.escalation }, now);
  return replaceTimers(tx, issue, plan);
}
