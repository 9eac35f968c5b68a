/**
 * What kind of thing a Slack id names, by its first letter: users (U, or W on
 * Enterprise Grid), user groups (S), channels (C, or G for older private ones).
 */
export const isUserId = (id: string) => /^[UW]/.test(id);
export const isGroupId = (id: string) => id.startsWith('S');
export const isChannelId = (id: string) => /^[CG]/.test(id);
