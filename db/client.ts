import type { SQL } from 'drizzle-orm';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the pool or an open transaction: query helpers accept both. */
export type DbOrTx = Db | Tx;
/**
 * What a raw statement needs: the pool, a transaction, or a pipelined
 * transaction (pipelined-transaction.ts, the inbound hot path). The statement
 * is handed to the connection when `execute` is called or, for drizzle's
 * handles, when its result is first awaited.
 */
export interface Executor {
  execute(statement: SQL): PromiseLike<readonly postgres.Row[]>;
}

/**
 * A raw statement's rows on any Executor, typed by the caller - the row type
 * is checked against real rows by test/integration/row-types.test.ts, like
 * drizzle's `execute<Row>`. (drizzle's own generic `execute` cannot be
 * described by an interface a pipelined transaction also fits.)
 */
export async function rawRows<Row>(tx: Executor, statement: SQL): Promise<Row[]> {
  return (await tx.execute(statement)) as Row[];
}

export interface Database {
  db: Db;
  sql: postgres.Sql;
  close(): Promise<void>;
}

export function createDatabase(url: string, opts: { max?: number } = {}): Database {
  const sql = postgres(url, {
    // Web requests and the worker job slots share this pool; DATABASE_POOL_SIZE sets it per process.
    max: opts.max ?? 20,
    onnotice: () => {},
    // Keep the connection's time zone fixed: office hours are computed in Europe/Amsterdam explicitly.
    connection: { TimeZone: 'UTC', application_name: 'lijntje' },
  });
  const db = drizzle(preparing(sql), { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

/**
 * drizzle runs every query through postgres.js's `unsafe(query, params)`, which
 * does not prepare: PostgreSQL then parses and plans each statement anew. Our
 * statements are a fixed set of shapes with parameters, so they are prepared
 * (postgres.js caches them per connection by their text) - in transactions too,
 * whose client `begin` hands out. Statements without parameters (migrations,
 * multi-statement text) keep the simple protocol, which cannot prepare.
 * One consequence for raw `sql` templates: drizzle turns off postgres.js's
 * date handling, so pass timestamps as `${d.toISOString()}::timestamptz` and
 * expect them back as strings (see db/select-list.ts) - a Date parameter fails.
 */
export function preparing(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (query: string, args: postgres.ParameterOrJSON<never>[] = [], opts: postgres.UnsafeQueryOptions = {}) =>
          target.unsafe(query, args, args.length ? { ...opts, prepare: true } : opts);
      }
      if (prop === 'begin') {
        return (...params: unknown[]) => {
          const fn = params.pop() as (tx: postgres.TransactionSql) => unknown;
          return (target.begin as (...a: unknown[]) => unknown)(...params, (tx: postgres.TransactionSql) =>
            fn(preparing(tx as unknown as postgres.Sql) as unknown as postgres.TransactionSql),
          );
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}
