import { sql } from 'drizzle-orm';
import type { Tx } from './client.js';

let counter = 0;

/**
 * Runs `fn` in a SAVEPOINT of the caller's transaction: if it throws, only its
 * statements are undone and the transaction goes on (a refused booking must not
 * abort the youngster's whole turn). Plain SQL rather than drizzle's nested
 * `transaction()`: the inbound path's transaction (db/pipelined-transaction.ts)
 * is a drizzle handle on a reserved connection, whose nested transaction would
 * try to BEGIN again.
 */
export async function withSavepoint<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  const name = sql.raw(`lj_sp_${(counter = (counter + 1) % 1_000_000)}`);
  await tx.execute(sql`savepoint ${name}`);
  try {
    const result = await fn();
    await tx.execute(sql`release savepoint ${name}`);
    return result;
  } catch (err) {
    await tx.execute(sql`rollback to savepoint ${name}`);
    throw err;
  }
}
