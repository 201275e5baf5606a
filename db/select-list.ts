import { getTableColumns, sql, type SQL, type Table } from 'drizzle-orm';

/**
 * For hot-path statements written as raw SQL (drizzle's query builder costs
 * far more CPU per statement than the statement itself): the select list
 * `"col_name" as "colName", ...` of a table, built once, and a mapper that
 * turns timestamps into Dates - drizzle leaves them as strings in raw results -
 * so the rows have the same shape as the builder's `typeof table.$inferSelect`.
 * Only for tables without jsonb or bigint columns (not mapped here).
 */
export function selectList<T extends Table>(table: T, alias?: string): { columns: SQL; map: (row: Record<string, unknown>) => T['$inferSelect'] } {
  const prefix = alias ? `"${alias}".` : '';
  const entries = Object.entries(getTableColumns(table));
  const unsupported = entries.filter(([, c]) => c.columnType === 'PgJsonb' || c.columnType === 'PgBigInt53' || c.columnType === 'PgBigInt64');
  if (unsupported.length) throw new Error(`selectList: ${unsupported.map(([k]) => k).join(', ')} need mapping`);
  const dates = entries.filter(([, c]) => c.dataType === 'date').map(([key]) => key);
  return {
    columns: sql.raw(entries.map(([key, column]) => `${prefix}"${column.name}" as "${key}"`).join(', ')),
    map(row) {
      for (const key of dates) {
        const v = row[key];
        if (typeof v === 'string') row[key] = new Date(v);
      }
      return row as T['$inferSelect'];
    },
  };
}
