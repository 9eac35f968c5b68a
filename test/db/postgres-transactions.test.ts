import { createServer, connect, type Server } from 'node:net';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTo } from '../../src/db/client.js';
import { freshDatabase, SEVERAL_CONNECTIONS_URL } from '../support/database.js';

/**
 * postgres.js as patched for Frontline (patches/postgres+*.patch): a
 * transaction's first statements go out behind its BEGIN instead of a round
 * trip after it, and its connection stays its own until it ends.
 */

/** A TCP proxy to Postgres that counts round trips: each time the client writes after the server has answered. */
async function roundTripCounter(target: URL): Promise<{ url: string; count: () => number; reset: () => void; close: () => Promise<void> }> {
  let trips = 0;
  let answered = true;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    client.on('data', (data) => {
      if (answered) trips++;
      answered = false;
      upstream.write(data);
    });
    upstream.on('data', (data) => {
      answered = true;
      client.write(data);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: url.toString(), count: () => trips, reset: () => (trips = 0),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.runIf(SEVERAL_CONNECTIONS_URL)('transactions on Postgres', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    database = await freshDatabase(SEVERAL_CONNECTIONS_URL);
  });
  afterAll(async () => database?.drop());

  const client = (url: string, max = 1): postgres.Sql => connectTo(url, { max, onnotice: () => {} });

  it('send the first statement with BEGIN: one round trip for both, one for COMMIT', async () => {
    const proxy = await roundTripCounter(new URL(database.url!));
    const sql = client(proxy.url);
    try {
      await sql`create table if not exists pipelined (n int)`;
      proxy.reset();
      await sql.begin(async (tx) => {
        await tx`insert into pipelined values (1)`;
      });
      expect(proxy.count()).toBe(2);
      expect((await sql`select count(*)::int as n from pipelined`)[0]!.n).toBe(1);
    } finally {
      await sql.end();
      await proxy.close();
    }
  });

  it('keep their connection to themselves: a query from outside waits for the end and never sees what rolled back', async () => {
    const sql = client(database.url!);
    try {
      await sql`create table if not exists reserved (n int)`;
      let inserted!: () => void;
      const firstInsert = new Promise<void>((resolve) => (inserted = resolve));
      let carryOn!: () => void;
      const held = new Promise<void>((resolve) => (carryOn = resolve));
      const transaction = sql.begin(async (tx) => {
        await tx`insert into reserved values (1)`;
        inserted();
        await held;
        await tx`insert into reserved values (2)`;
        throw new Error('rolled back');
      }).catch((error: Error) => error.message);
      await firstInsert;
      // The pool's only connection is the transaction's: this waits for it, and must not run inside it.
      const outside = sql`select count(*)::int as n from reserved`;
      carryOn();
      expect(await transaction).toBe('rolled back');
      expect((await outside)[0]!.n).toBe(0);
    } finally {
      await sql.end();
    }
  });

  it('run every statement inside its own transaction when many wait for a few connections', async () => {
    const sql = client(database.url!, 3);
    try {
      await sql`create table if not exists crowded (tx bigint, n int)`;
      // New connections (opened for the first three) and queued BEGINs (the other 47) alike.
      await Promise.all(Array.from({ length: 50 }, (_, n) => sql.begin(async (tx) => {
        await tx`insert into crowded values (txid_current(), ${n})`;
        await tx`insert into crowded values (txid_current(), ${n})`;
      })));
      const rows = await sql<Array<{ n: number; txs: number; rows: number }>>`
        select n, count(distinct tx)::int as txs, count(*)::int as rows from crowded group by n order by n`;
      expect(rows).toHaveLength(50);
      expect(rows.every((r) => r.txs === 1 && r.rows === 2)).toBe(true);
      expect((await sql`select count(distinct tx)::int as n from crowded`)[0]!.n).toBe(50);
    } finally {
      await sql.end();
    }
  });
});
