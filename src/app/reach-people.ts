import type { Issue } from '../domain/issue/issue.js';
import type { Matrix } from '../domain/routing/matrix.js';
import { EVERYONE_REACHABLE, isOpenAt, nextOpening, workingHours, type Reach } from '../domain/people.js';
import { isGroupId } from '../domain/slack-ids.js';
import { TIMED_OUT, within } from '../time-limit.js';
import type { AppContext } from './context.js';

/** Timers wait for member lists no longer than this. */
const GROUP_LOOKUP_MS = 2_000;

/** The due timers of one issue, as claimed: enough to know whether people must be looked up. */
export interface DueKinds {
  kind: string;
  target: string;
}

/** Only a due tier, or a nudge to a claimer when the matrix gives anyone working hours, depends on who can be reached. */
export function needsPeople(matrix: Matrix, due: DueKinds[]): boolean {
  const hoursGiven = Object.keys(matrix.people).length > 0 || Object.values(matrix.teams).some((t) => t.hours);
  return due.some((t) => t.kind === 'tier' || (hoursGiven && t.kind === 'nudge' && t.target === 'resolve'));
}

/**
 * Who among the people a firing may reach can be reached now, looked up before
 * the issue's transaction (Slack calls never run inside one): for a due tier,
 * everyone in the rest of the chain, user groups expanded; for a resolution
 * nudge, the claimer's working hours.
 */
export async function reachFor(ctx: AppContext, issue: Issue, due: DueKinds[], now: Date): Promise<Reach> {
  const tierDue = due.find((t) => t.kind === 'tier');
  const claimer = due.some((t) => t.kind === 'nudge' && t.target === 'resolve') ? issue.claim?.by : undefined;
  if (!tierDue && !claimer) return EVERYONE_REACHABLE;
  const reach: Reach = { members: {}, unreachable: {}, opensAt: {} };
  const people = new Set<string>(claimer ? [claimer] : []);
  if (tierDue) {
    const target = tierDue.target as 'ack' | 'resolve';
    const notify = [...new Set(issue.snapshot.team.escalation[target].slice(issue[target].tier).flatMap((t) => t.notify))];
    notify.filter((id) => !isGroupId(id)).forEach((id) => people.add(id));
    // Groups at once, each within the look-up limit: a slow Slack leaves a group unexpanded (mentioned as a group), never the timers waiting.
    await Promise.all(notify.filter(isGroupId).map(async (group) => {
      const members = await within(ctx.owners.usersOf([group], now), GROUP_LOOKUP_MS);
      if (members === TIMED_OUT) return;
      reach.members[group] = members;
      members.forEach((m) => people.add(m));
    }));
  }
  await Promise.all([...people].map(async (user) => {
    const hours = await hoursOf(ctx, issue, user, now);
    if (hours && !isOpenAt(hours, now)) {
      reach.unreachable[user] = 'outside_hours';
      reach.opensAt[user] = nextOpening(hours, now);
    } else if (user !== claimer && ctx.people && (await ctx.people.inDoNotDisturb(user, now))) {
      reach.unreachable[user] = 'dnd';
    }
  }));
  return reach;
}

/** A person's working hours; their Slack time zone is asked for only when the calendar has none of its own. */
async function hoursOf(ctx: AppContext, issue: Issue, user: string, now: Date) {
  const hours = workingHours(ctx.matrix, user, issue.team, undefined);
  if (!hours || hours.ownTimezone || !ctx.people) return hours;
  return workingHours(ctx.matrix, user, issue.team, await ctx.people.timezoneOf(user, now));
}
