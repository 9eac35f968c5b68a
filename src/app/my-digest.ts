import { lastSlots } from '../domain/digest-schedule.js';
import type { Refusal } from '../domain/issue/rules.js';
import { escapeMrkdwn } from '../domain/mrkdwn.js';
import type { Digest } from '../domain/routing/matrix.js';
import { composeDigest, type ComposedDigest } from './compose-digest.js';
import type { AppContext } from './context.js';
import { isChannelId } from '../domain/slack-ids.js';

/**
 * `/escalate digest [name]`: a manager's digest so far, from its latest slot
 * until now, for the teams it covers. Only the people it is addressed to (a
 * user, or the members of its channel) may see it.
 */
export async function myDigest(ctx: AppContext, userId: string, name?: string): Promise<Refusal | { ok: true; digest: ComposedDigest }> {
  const mine: Digest[] = [];
  for (const d of ctx.matrix.digests) {
    if (d.to === userId || (isChannelId(d.to) && (await ctx.channelMembers(d.to)).includes(userId))) mine.push(d);
  }
  const chosen = name ? mine.find((d) => d.name === name) : mine[0];
  if (!chosen) {
    const names = mine.map((d) => `\`${d.name}\``).join(', ');
    const why = name ? `No digest named "${escapeMrkdwn(name)}" is addressed to you.` : 'No digest is addressed to you.';
    return { ok: false, code: 'not_permitted', message: names ? `${why} Yours: ${names}.` : `${why} Digests are set up in routing.yml under \`digests:\`.` };
  }
  const now = ctx.now();
  const from = lastSlots(chosen.schedule, chosen.timezone, now).latest ?? new Date(now.getTime() - 7 * 24 * 60 * 60 * 1000);
  // Periods end before `to`; "so far" includes what happened this very moment.
  return { ok: true, digest: await composeDigest(ctx, chosen, { from, to: new Date(now.getTime() + 1) }) };
}
