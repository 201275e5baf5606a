import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelinedTransaction } from '../../db/pipelined-transaction.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/**
 * The inbound path's transaction (db/pipelined-transaction.ts): BEGIN and
 * COMMIT share writes with the statements around them, so its all-or-nothing
 * promise is checked here on its own - a failed statement sent together with
 * COMMIT must leave nothing behind and surface its error.
 */
let iso: Isolated;
const database = () => iso.ctx.database;
const count = async () => Number((await database().db.execute<{ n: string }>(sql`select count(*)::text as n from pt_probe`))[0]!.n);

beforeAll(async () => {
  iso = await isolated();
  await database().db.execute(sql`create table pt_probe (v int primary key check (v > 0))`);
});
afterAll(async () => iso?.destroy());

describe('a pipelined transaction', () => {
  it('commits statements sent together with COMMIT, and drizzle steps on the same connection', async () => {
    const seen = await pipelinedTransaction(database(), async (t) => {
      const [first] = await t.execute(sql`insert into pt_probe values (${1}) returning v`);
      await t.tx.execute(sql`insert into pt_probe values (2)`);
      const writes = [t.execute(sql`insert into pt_probe values (${3})`), t.execute(sql`select count(*)::int as n from pt_probe`)];
      void t.commit();
      const [, counted] = await Promise.all(writes);
      const n = counted?.[0];
      return { first, n };
    });
    expect(seen).toEqual({ first: { v: 1 }, n: { n: 3 } });
    expect(await count()).toBe(3);
  });

  it('leaves nothing when a statement sent with COMMIT fails, and the caller gets its error', async () => {
    const before = await count();
    const attempt = pipelinedTransaction(database(), async (t) => {
      const writes = [t.execute(sql`insert into pt_probe values (${10})`), t.execute(sql`insert into pt_probe values (${-1})`)];
      void t.commit().catch(() => {});
      await Promise.all(writes);
    });
    await expect(attempt).rejects.toMatchObject({ code: '23514' });
    expect(await count()).toBe(before);
  });

  it('rolls back when the work throws before committing, and the connection is clean for the next one', async () => {
    const before = await count();
    await expect(
      pipelinedTransaction(database(), async (t) => {
        await t.execute(sql`insert into pt_probe values (${20})`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await count()).toBe(before);
    // Every connection of the pool is used again: none is left inside a transaction.
    await Promise.all(Array.from({ length: 30 }, (_, i) => pipelinedTransaction(database(), (t) => t.execute(sql`insert into pt_probe values (${100 + i})`))));
    expect(await count()).toBe(before + 30);
  });
});
