import postgres from 'postgres';

/**
 * Whether a PostgreSQL server accepts a connection at `url` and answers a
 * query - before any database of ours is chosen (bin/local decides between a
 * running server and an embedded one with it). Never throws.
 */
export async function serverAnswers(url: string, connectTimeoutS = 2): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: connectTimeoutS, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}
