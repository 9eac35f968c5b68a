import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { TIMED_OUT, within } from '../time-limit.js';

/** What Slack says about a person that decides whether an escalation reaches them now. */
export interface PeoplePresence {
  /** The person's time zone (IANA), from their Slack profile; undefined when Slack did not say. */
  timezoneOf(user: string, now: Date): Promise<string | undefined>;
  /** Whether the person has do-not-disturb on (scheduled or snoozed) at `now`. */
  inDoNotDisturb(user: string, now: Date): Promise<boolean>;
}

/** A time zone rarely changes; do-not-disturb does, but a minute late is fine for an escalation. */
const ZONE_TTL_MS = 6 * 60 * 60_000;
const DND_TTL_MS = 60_000;
/** Timers wait for these look-ups, so one slow answer must not hold them up: past this, the person counts as reachable. */
const LOOKUP_MS = 2_000;

/**
 * One cached look-up per key: concurrent callers share a call, answers live for
 * `ttlMs`, and a failed or slow call gives `fallback` (cached briefly, so a Slack
 * outage costs one slow call a minute rather than one per timer).
 */
function cached<T>(lookup: (key: string) => Promise<T>, fallback: T, ttlMs: number, log: Logger, what: string) {
  const cache = new Map<string, { expires: number; value: Promise<T> }>();
  return (key: string, now: Date): Promise<T> => {
    const hit = cache.get(key);
    if (hit && hit.expires > now.getTime()) return hit.value;
    const value = within(lookup(key), LOOKUP_MS).then(
      (answer) => {
        if (answer !== TIMED_OUT) return answer;
        log.warn({ user: key, lookup: what }, 'Slack did not answer in time; counting the person as reachable');
        cache.set(key, { expires: now.getTime() + DND_TTL_MS, value: Promise.resolve(fallback) });
        return fallback;
      },
      (error: unknown) => {
        log.warn({ err: error, user: key, lookup: what }, 'Slack look-up failed; counting the person as reachable');
        cache.set(key, { expires: now.getTime() + DND_TTL_MS, value: Promise.resolve(fallback) });
        return fallback;
      },
    );
    cache.set(key, { expires: now.getTime() + ttlMs, value });
    return value;
  };
}

/** Time zones from users.info and do-not-disturb from dnd.info (scopes users:read, dnd:read). */
export function slackPresence(client: WebClient, log: Logger): PeoplePresence {
  const zones = cached(async (user) => (await client.users.info({ user })).user?.tz ?? undefined, undefined, ZONE_TTL_MS, log, 'users.info');
  const dnd = cached(async (user) => (await client.dnd.info({ user })) as DndInfo, {} as DndInfo, DND_TTL_MS, log, 'dnd.info');
  return {
    timezoneOf: (user, now) => zones(user, now),
    inDoNotDisturb: async (user, now) => inDnd(await dnd(user, now), now),
  };
}

interface DndInfo {
  dnd_enabled?: boolean;
  next_dnd_start_ts?: number;
  next_dnd_end_ts?: number;
  snooze_enabled?: boolean;
  snooze_endtime?: number;
}

/** Snoozed until later, or inside the scheduled do-not-disturb window. */
function inDnd(info: DndInfo, now: Date): boolean {
  const t = now.getTime() / 1000;
  if (info.snooze_enabled && (info.snooze_endtime ?? 0) > t) return true;
  return !!info.dnd_enabled && info.next_dnd_start_ts !== undefined && info.next_dnd_end_ts !== undefined
    && info.next_dnd_start_ts <= t && t < info.next_dnd_end_ts;
}
