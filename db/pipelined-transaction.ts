import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { PgDialect } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import { preparing, type Database, type Executor, type Tx } from './client.js';

/**
 * A transaction whose BEGIN travels with its first statements and whose COMMIT
 * with its last, for the inbound hot path (bot/dialogue/service.ts, every
 * message a youngster sends). A socket write costs more CPU on these machines
 * than most of our statements (bench/RESULTS.md), and `db.transaction` spends
 * one round trip on BEGIN and one on COMMIT. Here they share writes with the
 * statements around them: lock-and-read plus BEGIN in one, the turn's writes
 * plus COMMIT in another.
 *
 * `execute` hands a statement to the connection at once, in call order -
 * statements started before an `await` go out together (postgres.js collects
 * what is handed to it in one tick into one write). `tx` is a drizzle handle on
 * the same connection for the rare paths (a new contact, a scanned card, an
 * opt-out), awaited step by step like any transaction. `commit` hands COMMIT
 * over after whatever was run before it; if one of those failed, PostgreSQL
 * ends the transaction with ROLLBACK instead and the failed statement's own
 * promise carries the error. Without a commit the transaction is rolled back.
 */
export interface PipelinedTx extends Executor {
  execute(statement: SQL): Promise<postgres.Row[]>;
  readonly tx: Tx;
  commit(): Promise<void>;
}

const dialect = new PgDialect();

export async function pipelinedTransaction<T>(database: Database, fn: (t: PipelinedTx) => Promise<T>): Promise<T> {
  const conn = await database.sql.reserve();
  const send = (text: string, params: unknown[] = []) =>
    // execute(): handed to the connection now (a postgres.js query otherwise waits until awaited).
    conn.unsafe(text, params as postgres.ParameterOrJSON<never>[], params.length ? { prepare: true } : {}).execute();
  let committed: Promise<unknown> | null = null;
  let drizzleTx: Tx | null = null;
  const begun = send('begin');
  begun.catch(() => {});
  const t: PipelinedTx = {
    execute(statement: SQL) {
      const q = dialect.sqlToQuery(statement);
      return send(q.sql, q.params) as unknown as Promise<postgres.Row[]>;
    },
    get tx() {
      // Built once per transaction that needs it; drizzle's builders on this same connection.
      // A reserved connection lacks the pool's `options`, which drizzle reads (and has set already on the pool's).
      drizzleTx ??= drizzle(preparing(Object.assign(conn, { options: database.sql.options }))) as unknown as Tx;
      return drizzleTx;
    },
    commit() {
      committed ??= send('commit');
      return committed.then(() => undefined);
    },
  };
  try {
    // BEGIN was handed over first; fn's first statements follow it in the same write.
    const [, result] = await Promise.all([begun, fn(t)]);
    await t.commit();
    return result;
  } catch (err) {
    await send('rollback').catch(() => {});
    throw err;
  } finally {
    conn.release();
  }
}
