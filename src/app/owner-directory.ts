import type { Logger } from 'pino';
import { isGroupId } from '../domain/slack-ids.js';

/** Members of a Slack user group or channel, as Slack lists them. */
export type ListMembers = (id: string) => Promise<string[]>;

/**
 * Caches member lists for `ttlMs`, so a busy channel never hits Slack's rate
 * limits (usergroups.users.list is Tier 2, about 20 calls a minute); concurrent
 * look-ups of one id share a single call. A failed look-up is not cached.
 */
export function cachedMembers(list: ListMembers, log: Logger, ttlMs = 60_000) {
  const cache = new Map<string, { expires: number; users: Promise<string[]> }>();
  return (id: string, now: Date): Promise<string[]> => {
    const hit = cache.get(id);
    if (hit && hit.expires > now.getTime()) return hit.users;
    const users = list(id).catch((error: unknown) => {
      cache.delete(id);
      log.warn({ err: error, id }, 'could not list members');
      return [] as string[];
    });
    cache.set(id, { expires: now.getTime() + ttlMs, users });
    return users;
  };
}

export interface OwnerDirectory {
  isOwner(userId: string, owners: string[], now: Date): Promise<boolean>;
  /** The users behind owners given as user ids or user groups. */
  usersOf(owners: string[], now: Date): Promise<string[]>;
}

/** Answers "may this user claim?" for owners given as user ids or a user group. */
export function ownerDirectory(groupMembers: ListMembers, log: Logger, ttlMs = 60_000): OwnerDirectory {
  const members = cachedMembers(groupMembers, log, ttlMs);
  return {
    async isOwner(userId, owners, now) {
      if (owners.includes(userId)) return true;
      for (const group of owners.filter(isGroupId)) {
        if ((await members(group, now)).includes(userId)) return true;
      }
      return false;
    },
    async usersOf(owners, now) {
      const expanded = await Promise.all(owners.map((o) => (isGroupId(o) ? members(o, now) : [o])));
      return [...new Set(expanded.flat())];
    },
  };
}
