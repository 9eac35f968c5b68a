import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { FRONTLINE_CHANNEL } from '../../src/sandbox/workspace.js';
import { startHarness, type Harness } from '../support/harness.js';
import { keyOf } from '../support/queries.js';

/**
 * The log's "probable outage" warning is said once the swarm's change is
 * committed: a filing that crossed the threshold and then rolled back flagged
 * nothing, and must not page anyone reading the logs. The `app` team of
 * routing.example.yml flags an outage at 5 reports (the parent counts) in 15 minutes.
 */
let h: Harness;
const lines: string[] = [];
const warnings = () => lines.filter((line) => line.includes('probable outage'));

beforeAll(async () => {
  h = await startHarness({ log: createLogger('info', { write: (line: string) => lines.push(line) }) });
  for (let i = 1; i <= 6; i++) h.slack.addUser(agent(i), `agent${i}`);
});
afterAll(async () => { await h?.stop(); });

const agent = (i: number) => `U0OW${String(i).padStart(2, '0')}`;

const escalate = (i: number, words: string) => h.driver.slash(agent(i), FRONTLINE_CHANNEL, `app medium via:phone ${words}`);
/** The agent's answer to a filing. */
const file = async (i: number, words: string) => ((await escalate(i, words)).body as { text?: string }).text ?? '';

async function outageAtOf(key: string): Promise<string | null> {
  const [row] = await rowsOf<{ outage_at: string | null }>(h.app.database.db, sql`select outage_at from issues where key = ${key}`);
  return row!.outage_at;
}

describe('the probable outage warning', () => {
  it('is not logged for a filing that crossed the threshold and then rolled back, and is logged once when one commits', async () => {
    const parentKey = keyOf(await escalate(1, 'App login fails with error 503'));
    for (const [i, words] of ['app login failing, error 503', 'Login to the app fails: error 503', 'app login fails error 503 today'].entries()) {
      expect(await file(i + 2, words)).toContain(`report of *${parentKey}*`);
    }
    // The fifth report's transaction fails at its commit, after the threshold was crossed inside it.
    await h.app.database.db.execute(sql.raw(`
      create function refuse_at_commit() returns trigger language plpgsql as $$
        begin if new.summary like '%refused at commit%' then raise exception 'refused at commit'; end if; return null; end $$`));
    await h.app.database.db.execute(sql.raw(`create constraint trigger refuse_at_commit after insert on issues
      deferrable initially deferred for each row execute function refuse_at_commit()`));
    expect(await file(5, 'app login fails with error 503 refused at commit')).not.toMatch(/ESC-\d+/);
    expect(await outageAtOf(parentKey)).toBeNull();
    expect(warnings()).toEqual([]);

    await h.app.database.db.execute(sql.raw('drop trigger refuse_at_commit on issues'));
    expect(await file(6, 'App login fails - error 503')).toContain(`report of *${parentKey}*`);
    expect(await outageAtOf(parentKey)).not.toBeNull();
    expect(warnings()).toHaveLength(1);
    expect(JSON.parse(warnings()[0]!)).toMatchObject({ level: 'warn', issue: parentKey, reports: 5 });
  });
});
