import { sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Db } from '../../db/client.js';

/**
 * Where a person's data could still be: every row of every table (generic -
 * information_schema, each row cast to text, so a table added later is scanned
 * too), and every Redis key and value under a prefix. Returns "table: needle"
 * or "redis key: needle" for each hit; an erased person leaves none.
 */
export async function findInDatabase(db: Db, needles: readonly string[]): Promise<string[]> {
  const tables = await db.execute<{ table_name: string }>(sql`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`);
  if (tables.length < 10) throw new Error(`only ${tables.length} tables found: the scan would prove nothing`);
  const hits: string[] = [];
  for (const { table_name } of tables) {
    const rows = await db.execute<{ row: string }>(sql`select t::text as row from ${sql.identifier(table_name)} t`);
    const text = rows.map((r) => r.row.toLowerCase()).join('\n');
    for (const n of needles) if (text.includes(n.toLowerCase())) hits.push(`${table_name}: ${n}`);
  }
  return hits;
}

/** Every key under `prefix` with its value, whatever the type (strings, hashes, lists, sets, sorted sets, streams). */
export async function dumpRedis(redis: Redis, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      const value =
        type === 'string'
          ? await redis.get(key)
          : type === 'hash'
            ? JSON.stringify(await redis.hgetall(key))
            : type === 'list'
              ? JSON.stringify(await redis.lrange(key, 0, -1))
              : type === 'set'
                ? JSON.stringify(await redis.smembers(key))
                : type === 'zset'
                  ? JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'))
                  : type === 'stream'
                    ? JSON.stringify(await redis.xrange(key, '-', '+'))
                    : '';
      out.set(key, value ?? '');
    }
  } while (cursor !== '0');
  return out;
}

export async function findInRedis(redis: Redis, prefix: string, needles: readonly string[]): Promise<{ keys: number; hits: string[] }> {
  const dump = await dumpRedis(redis, prefix);
  const hits: string[] = [];
  for (const [key, value] of dump) {
    const text = `${key}\n${value}`.toLowerCase();
    for (const n of needles) if (text.includes(n.toLowerCase())) hits.push(`${key}: ${n}`);
  }
  return { keys: dump.size, hits };
}
