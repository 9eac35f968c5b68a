import { addOpenTime, openTimeBetween, type Calendar } from './calendar.js';
import { named, type Matrix } from './routing/matrix.js';
import { isGroupId } from './slack-ids.js';

/**
 * Whether the people an escalation would reach can be reached now: within
 * their working hours (from the matrix), and not in Slack's do-not-disturb.
 * Pure: the caller looks time zones, group members and do-not-disturb up in Slack.
 */

export type Unreachable = 'outside_hours' | 'dnd';

export const UNREACHABLE_WORDS: Record<Unreachable, string> = {
  outside_hours: 'outside working hours',
  dnd: 'do not disturb',
};

/** What the timer needs to know about people when a tier fires or a nudge is due. */
export interface Reach {
  /** Members of the user groups named in tiers. */
  members: Record<string, string[]>;
  /** People who cannot be reached now, and why; everyone else can. */
  unreachable: Record<string, Unreachable>;
  /** When each person outside their hours opens next (nudges wait for it). */
  opensAt: Record<string, Date>;
}

export const EVERYONE_REACHABLE: Reach = { members: {}, unreachable: {}, opensAt: {} };

/**
 * A person's working hours: their own in `people:`, else their team's `hours`.
 * A calendar without its own time zone runs in the person's Slack time zone.
 */
export function workingHours(matrix: Matrix, user: string, teamKey: string, slackZone: string | undefined): Calendar | undefined {
  const name = named(matrix.people, user)?.hours ?? named(matrix.teams, teamKey)?.hours;
  const calendar = name ? named(matrix.calendars, name) : undefined;
  if (!calendar || calendar.always) return undefined;
  return !calendar.ownTimezone && slackZone ? { ...calendar, timezone: slackZone } : calendar;
}

const MINUTE = 60_000;

/** Open now: the calendar has open time in the minute from `at`. */
export const isOpenAt = (calendar: Calendar, at: Date) => openTimeBetween(calendar, at, new Date(at.getTime() + MINUTE)) > 0;

/** The next moment the calendar opens after `at` (to the minute). */
export const nextOpening = (calendar: Calendar, at: Date) => new Date(addOpenTime(calendar, at, { days: 0, ms: MINUTE }).getTime() - MINUTE);

/**
 * The people behind a tier's notify list: user ids as they are, user groups as
 * their members. A group whose members are unknown (Slack did not say) stays a
 * group: it is mentioned in the thread rather than dropped.
 */
export const expand = (notify: string[], reach: Reach): string[] =>
  [...new Set(notify.flatMap((id) => (isGroupId(id) && reach.members[id]?.length ? reach.members[id]! : [id])))];
