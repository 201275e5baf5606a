import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';

/** Does PostgreSQL answer? Throws when it does not. (Raw: there is no table to ask.) */
export async function pingDatabase(db: DbOrTx): Promise<void> {
  await db.execute(sql`select 1`);
}
