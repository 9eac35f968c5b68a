import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * `column = 'value'`, with the value written into the statement rather than
 * sent as a parameter. Statements are prepared (client.ts), and Postgres may
 * plan a prepared statement once for any values (a generic plan, from the sixth
 * run on, if it looks no dearer). Such a plan cannot use a partial index whose
 * predicate names a status (`outbox_lane_pending_idx`, `issues_open_team_idx`...),
 * so on a table that was small when it was planned it scans the whole table.
 * The values are the schema's own statuses, never user input.
 */
export function statusIs<C extends AnyColumn>(column: C, value: C['_']['data'] & string): SQL {
  return sql`${column} = ${sql.raw(quoted(value))}`;
}

/** `column <> 'value'`, written into the statement for the same reason as statusIs. */
export function statusIsNot<C extends AnyColumn>(column: C, value: C['_']['data'] & string): SQL {
  return sql`${column} <> ${sql.raw(quoted(value))}`;
}

function quoted(value: string): string {
  if (!/^[a-z_]+$/.test(value)) throw new Error(`not a status: ${JSON.stringify(value)}`);
  return `'${value}'`;
}
