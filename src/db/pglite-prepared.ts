import { messages as backendMessages, protocol, parse, type PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';

/**
 * PGlite with prepared statements, for drizzle.
 *
 * PGlite's own `query` parses and plans every statement again, and crosses into
 * its WebAssembly six times to run it (parse, describe, bind, describe, execute,
 * sync). That was about 0.4 ms of the bot's one thread per statement, some twenty
 * statements per escalation. postgres.js prepares each statement once per
 * connection; this does the same for PGlite's one connection. A statement's
 * first run prepares it under a name and learns its parameter types; every later
 * run binds, executes and syncs in one crossing: about 0.15 ms (measured on
 * PGlite 0.5 with a seven-column insert: 0.44 ms of CPU before, 0.16 after).
 *
 * It keeps PGlite's rules: a query outside a transaction waits for any
 * transaction to end, statements run one at a time, and the data directory is
 * synced after each one outside a transaction. Parameters are serialised by the
 * types Postgres reports, and rows parsed, exactly as PGlite's `query` does.
 */
export interface PreparedClient {
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(text: string, options?: QueryOptions): Promise<Results[]>;
  transaction<T>(run: (tx: Transaction) => Promise<T>): Promise<T>;
}

/**
 * Statements kept prepared at once. Frontline's own are a few dozen, but lists of
 * ids give each length its own text; the least recently used one beyond this is
 * closed, so neither side's memory grows without bound.
 */
export const PREPARED_STATEMENTS_KEPT = 100;

interface Statement {
  name: string;
  paramTypes: number[];
}

/** Unique in the process, so that two clients over one PGlite never name two statements alike. */
let named = 0;

export function withPreparedStatements(pg: PGlite, kept = PREPARED_STATEMENTS_KEPT): PreparedClient {
  const statements = new Map<string, Statement>();
  /** Closes of evicted statements, sent ahead of the next statement in the same crossing. */
  let toClose: Uint8Array[] = [];

  /** Sends the messages, built beforehand, after the closes waiting; closes that may not have gone are kept. */
  async function send(messages: Uint8Array[]) {
    const closes = toClose;
    toClose = [];
    try {
      return await pg.execProtocolStream(concat([...closes, ...messages]), { syncToFs: false });
    } catch (error) {
      // A database error came after the closes, which never fail; anything else may have stopped before them.
      if (!(error instanceof backendMessages.DatabaseError)) toClose.push(...closes);
      throw error;
    }
  }

  async function prepare(text: string): Promise<Statement> {
    const name = `frontline_${++named}`;
    const described = await send([protocol.serialize.parse({ name, text }), protocol.serialize.describe({ type: 'S', name }),
      protocol.serialize.sync()]);
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(described) };
    statements.set(text, statement);
    if (statements.size > kept) forget(statements.keys().next().value!);
    return statement;
  }

  function forget(text: string): void {
    const statement = statements.get(text);
    if (!statement) return;
    statements.delete(text);
    toClose.push(protocol.serialize.close({ type: 'S', name: statement.name }));
  }

  /** The statement for this text, most recently used last (a Map keeps insertion order). */
  async function statementFor(text: string): Promise<Statement> {
    const known = statements.get(text);
    if (!known) return prepare(text);
    statements.delete(text);
    statements.set(text, known);
    return known;
  }

  /**
   * Runs one statement; the caller holds PGlite's query lock. A statement whose
   * prepared form no longer fits the schema is prepared again: at once outside a
   * transaction (nothing ran), at the next use inside one (the transaction failed).
   */
  async function run<T>(text: string, params: unknown[], options: QueryOptions | undefined, outsideTransaction: boolean): Promise<Results<T>> {
    try {
      const statement = await statementFor(text);
      const values = params.map((value, i) => serialise(pg, value, statement.paramTypes[i]!, options));
      const messages = await send([protocol.serialize.bind({ statement: statement.name, values }),
        protocol.serialize.describe({ type: 'P' }), protocol.serialize.execute({}), protocol.serialize.sync()]);
      return parse.parseResults(messages, parsersFor(pg, options), { rowMode: options?.rowMode })[0] as Results<T>;
    } catch (error) {
      if (isStale(error)) {
        forget(text);
        if (outsideTransaction) return run(text, params, options, false);
      }
      // As PGlite's own query does: the error says which statement failed, with what.
      if (error instanceof Error) Object.assign(error, { query: text, params, queryOptions: options });
      throw error;
    }
  }

  return {
    async query<T>(text: string, params: unknown[] = [], options?: QueryOptions) {
      await pg._checkReady();
      return pg._runExclusiveTransaction(async () => {
        const result = await pg._runExclusiveQuery(() => run<T>(text, params, options, true));
        await pg.syncToFs();
        return result;
      });
    },
    exec: (text, options) => pg.exec(text, options),
    transaction: (body) => pg.transaction((tx) => body({
      ...tx,
      get closed() { return tx.closed; },
      query: async <T>(text: string, params: unknown[] = [], options?: QueryOptions) => {
        if (tx.closed) throw new Error('Transaction is closed');
        return pg._runExclusiveQuery(() => run<T>(text, params, options, false));
      },
    })),
  };
}

/**
 * Postgres's refusals of a prepared statement that no longer fits: its result
 * columns changed under it, or it is gone. postgres.js prepares again on the same two.
 */
function isStale(error: unknown): boolean {
  const { code, routine } = error as { code?: string; routine?: string };
  return (code === '0A000' && routine === 'RevalidateCachedQuery') || (code === '26000' && routine === 'FetchPreparedStatement');
}

/**
 * PGlite's parsers with the query's own in front. PGlite merges the two by
 * copying its table of some 300 types for every query that brings parsers, and
 * drizzle brings them to every query: 0.13 ms each, measured. Chaining the query's
 * few in front of the table gives the same lookups for a few microseconds.
 */
function parsersFor(pg: PGlite, options?: QueryOptions): PGlite['parsers'] {
  return options?.parsers ? Object.assign(Object.create(pg.parsers) as PGlite['parsers'], options.parsers) : pg.parsers;
}

function serialise(pg: PGlite, value: unknown, type: number, options?: QueryOptions): string | null {
  if (value === null || value === undefined) return null;
  const serializer = options?.serializers?.[type] ?? pg.serializers[type];
  const text = serializer ? serializer(value) : String(value);
  // Checked before any message is built: PGlite's protocol writer is shared, and a half-built bind spoils the next.
  if (typeof text !== 'string') throw new TypeError(`a parameter of type ${type} could not be sent: ${String(value).slice(0, 40)}`);
  return text;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const whole = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return whole;
}
