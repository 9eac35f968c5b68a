import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { AppContext } from './app/context.js';
import { fileIssue, Rehearsed } from './app/file-issue.js';
import { parseEscalate } from './domain/quick-form.js';
import { issueCard } from './slack/blocks/issue-card.js';
import { filedInterim } from './slack/blocks/agent-messages.js';
import { signatureHeaders } from './slack/request-signature.js';
import { SLACK_EVENTS_PATH } from './slack/slack-app.js';
import { TIMED_OUT, within } from './time-limit.js';

/** However slow the database, start-up waits no longer than this for its warm-up. */
const WARM_UP_LIMIT_MS = 5_000;
/** Who the warm-up's requests and rehearsals come from: no one Slack knows. */
const AGENT = 'UWARMUP';
const CHANNEL = 'CWARMUP';

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
 * connections. No row is kept, nothing is posted, and no ESC number is used up.
 * Best effort: a failed rehearsal ends the warm-up early, and start-up goes on.
 */
export async function warmUp(ctx: AppContext, options: WarmUpOptions): Promise<void> {
  if (options.rounds <= 0) return;
  const started = Date.now();
  let next = 0;
  let done = 0;
  let over = false; // past the time limit, the rounds under way finish and no more start
  let http = options.http;
  const lane = async () => {
    for (let round = next++; round < options.rounds && !over; round = next++) {
      if (http) await askForHelp(http).catch((error: unknown) => {
        // Only Bolt's part goes cold: the rehearsals, the larger part, go on.
        ctx.log.warn({ err: error }, 'the warm-up could not ask the app for help over HTTP; it rehearses filings only');
        http = undefined;
      });
      await rehearseFiling(ctx, round);
      done++;
    }
  };
  const rounds = Promise.all(Array.from({ length: Math.min(options.connections, options.rounds) }, lane));
  rounds.catch(() => undefined); // one failing past the time limit has no one left to tell
  try {
    const finished = (await within(rounds, WARM_UP_LIMIT_MS)) !== TIMED_OUT;
    const figures = { rounds: done, of: options.rounds, ms: Date.now() - started };
    if (finished) ctx.log.info(figures, 'warmed up');
    else ctx.log.warn(figures, 'the warm-up ran out of time; the first requests may be slower');
  } catch (error) {
    ctx.log.warn({ err: error, rounds: done }, 'the warm-up failed; the first requests may be slower');
  } finally {
    over = true;
  }
}

/**
 * Where the app answers Slack's requests, as this process can reach them: the
 * loopback address when it listens on every interface. A HOST given by name is
 * not asked (the name might resolve elsewhere), and the warm-up goes without it.
 */
export function selfAddress(host: string | undefined, port: number): string | undefined {
  if (host && !isIP(host)) return undefined;
  const address = !host || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${isIP(address) === 6 ? `[${address}]` : address}:${port}${SLACK_EVENTS_PATH}`;
}

/** `/escalate help`, signed as Slack signs it: answered from the matrix, with no Slack call and no write. */
async function askForHelp({ url, signingSecret }: NonNullable<WarmUpOptions['http']>): Promise<void> {
  const body = new URLSearchParams({
    command: '/escalate', text: 'help', user_id: AGENT, channel_id: CHANNEL, trigger_id: `warm-up.${randomUUID()}`,
  }).toString();
  const answer = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signatureHeaders(signingSecret, body) },
    signal: AbortSignal.timeout(WARM_UP_LIMIT_MS),
  });
  await answer.arrayBuffer();
  if (!answer.ok) throw new Error(`the app answered its own /escalate help with HTTP ${answer.status}`);
}

/** A quick form for each category, level and origin in turn, filed and rolled back; then its card and answer, rendered. */
async function rehearseFiling(ctx: AppContext, round: number): Promise<void> {
  const draft = rehearsalDraft(ctx.matrix, round);
  try {
    await fileIssue(ctx, { ...draft, agentId: AGENT, agentChannel: CHANNEL, interim: true, requestKey: `warm-up:${randomUUID()}`, rehearsal: true });
  } catch (error) {
    if (!(error instanceof Rehearsed)) throw error;
    if (!error.result.issue) return;
    issueCard(error.result.issue, ctx.now());
    filedInterim(error.result.issue);
    return;
  }
  throw new Error('a rehearsed filing ended without rolling back');
}

/** The round's quick form, parsed as an agent's would be; a matrix whose category reads as a command (`help`) gets it as is. */
function rehearsalDraft(matrix: AppContext['matrix'], round: number) {
  const problems = Object.values(matrix.categories).filter((c) => !c.praise);
  const categories = (problems.length ? problems : Object.values(matrix.categories)).map((c) => c.key);
  const levels = Object.keys(matrix.levels);
  const category = categories[round % categories.length]!;
  const level = levels[Math.floor(round / categories.length) % levels.length]!;
  const origin = matrix.origins[round % matrix.origins.length]!;
  const summary = 'Frontline warming up: nothing is filed';
  const parsed = parseEscalate(`${category} ${level} via:${origin} ${summary}`, matrix);
  return parsed.kind === 'file' ? parsed.draft : { category, level, origin, summary };
}
