import { createHmac, randomInt, randomUUID } from 'node:crypto';
import type { AppContext } from './app/context.js';
import { fileIssue, Rehearsed } from './app/file-issue.js';
import { parseEscalate } from './domain/quick-form.js';
import { issueCard } from './slack/blocks/issue-card.js';
import { filedInterim } from './slack/blocks/agent-messages.js';
import { TIMED_OUT, within } from './time-limit.js';

/** However slow the database, start-up waits no longer than this for its warm-up. */
const WARM_UP_LIMIT_MS = 5_000;

export interface WarmUpOptions {
  rounds: number;
  /** Rounds run side by side, so that each of the pool's connections is opened and prepares the filing's statements. */
  connections: number;
  /** HTTP mode: where the app answers Slack, and the secret its requests are signed with. */
  http?: { url: string; signingSecret: string };
}

/**
 * A process just started is slow in its first second: its database connections
 * are not open, each prepares every statement on its first use, and V8 has
 * compiled none of the code. A burst that meets it (a deploy in the middle of an
 * outage) waits for all of that. Before the app says it is ready, each round
 * sends it a signed `/escalate help` (Bolt, signatures, the command listener)
 * and rehearses a quick-form filing (parsing, routing, the filing's transaction,
 * its card), which rolls back; as many rounds run at once as the pool has
 * connections. Nothing is stored or posted, and no ESC number is used up. Best
 * effort: a failure ends the warm-up early, and start-up goes on.
 */
export async function warmUp(ctx: AppContext, options: WarmUpOptions): Promise<void> {
  if (options.rounds <= 0) return;
  const started = Date.now();
  let next = 0;
  let over = false; // past the time limit, the rounds under way finish and no more start
  const rounds = Promise.all(Array.from({ length: Math.min(options.connections, options.rounds) }, async () => {
    for (let round = next++; round < options.rounds && !over; round = next++) {
      if (options.http) await askForHelp(options.http);
      await rehearseFiling(ctx, round);
    }
  }));
  rounds.catch(() => undefined); // one failing past the time limit has no one left to tell
  try {
    const done = await within(rounds, WARM_UP_LIMIT_MS);
    ctx.log.debug({ rounds: Math.min(next, options.rounds), ms: Date.now() - started, finished: done !== TIMED_OUT }, 'warmed up');
  } catch (error) {
    ctx.log.warn({ err: error }, 'the start-up warm-up failed; the first requests may be slower');
  } finally {
    over = true;
  }
}

/** `/escalate help`, signed as Slack signs it: answered from the matrix, with no Slack call and no write. */
async function askForHelp({ url, signingSecret }: NonNullable<WarmUpOptions['http']>): Promise<void> {
  const body = new URLSearchParams({
    command: '/escalate', text: 'help', user_id: 'UWARMUP', channel_id: 'CWARMUP', trigger_id: `warm-up.${randomUUID()}`,
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  const answer = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${signature}` },
    signal: AbortSignal.timeout(WARM_UP_LIMIT_MS),
  });
  await answer.arrayBuffer();
  if (!answer.ok) throw new Error(`the app answered its own /escalate help with HTTP ${answer.status}`);
}

/** A quick form for each category and level in turn, filed and rolled back; then its card and answer, rendered. */
async function rehearseFiling(ctx: AppContext, round: number): Promise<void> {
  const { matrix } = ctx;
  const pick = <T>(list: T[]) => list[round % list.length]!;
  const problems = Object.values(matrix.categories).filter((c) => !c.praise);
  const category = pick(problems.length ? problems : Object.values(matrix.categories)).key;
  const text = `${category} ${pick(Object.keys(matrix.levels))} via:${pick(matrix.origins)} Frontline warming up: nothing is filed`;
  const parsed = parseEscalate(text, matrix);
  if (parsed.kind !== 'file') throw new Error(`the rehearsal's quick form did not parse as a filing: ${text}`);
  try {
    await fileIssue(ctx, {
      ...parsed.draft, agentId: 'UWARMUP', agentChannel: 'CWARMUP', interim: true,
      requestKey: `warm-up:${randomUUID()}`,
      // Below every real id (which start at 1), and apart from another instance's rehearsal started at the same time.
      rehearsal: { id: -randomInt(1, 2 ** 31 - 1) },
    });
  } catch (error) {
    if (!(error instanceof Rehearsed)) throw error;
    const { issue } = error.result;
    if (!issue) return;
    issueCard(issue, ctx.now());
    filedInterim(issue);
    return;
  }
  throw new Error('a rehearsed filing ended without rolling back');
}
