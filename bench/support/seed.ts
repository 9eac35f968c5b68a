import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import type { IssueSnapshot } from '../../src/domain/routing/route-issue.js';

/**
 * Open issues and their pending reminders, generated in SQL: `count` unclaimed
 * issues of one team, each with a nudge and a tier due far in the future (2030),
 * so that they weigh on every query of the timers and issues tables without
 * ever falling due during a benchmark.
 */
export async function seedOpenIssues(db: Db, count: number, snapshot: IssueSnapshot, channel: string): Promise<void> {
  await db.execute(sql.raw(`
    insert into issues (category, level, origin, team, channel, summary, agent_id, status, snapshot, filed_at, ack_started_at,
      ack_due_at, resolve_started_at, resolve_due_at, resolve_target_ms, clock_fence, updated_at)
    select '${snapshot.category.key}', '${snapshot.level.key}', 'phone', '${snapshot.team.key}', '${channel}', 'Seeded issue ' || i, 'U0SEED',
      'unclaimed', '${JSON.stringify(snapshot).replace(/'/g, "''")}'::jsonb, now(), now(),
      timestamptz '2030-01-01' + i * interval '1 second', now(), timestamptz '2030-02-01', 86400000, 1, now()
    from generate_series(1, ${count}) as i`));
  await db.execute(sql.raw(`
    insert into timers (issue_id, kind, target, step, due_at, fence)
    select id, k.kind, 'ack', 0, ack_due_at - (case when k.kind = 'nudge' then interval '1 hour' else interval '0' end), 1
    from issues, (values ('nudge'), ('tier')) as k(kind) where summary like 'Seeded issue %'`));
  await db.execute(sql.raw('vacuum analyze'));
}
