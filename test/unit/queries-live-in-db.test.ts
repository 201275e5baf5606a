import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The rule of db/README.md: reads and writes of the database are functions in
 * db/queries/. Outside db/, no file imports drizzle-orm or the postgres driver
 * except `import type`, and none runs a statement itself (a query builder call
 * on a database or transaction, a raw `sql` template). Transactions may be
 * opened anywhere: they compose the query functions.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Runtime code; tests and the benchmark read the database to check and measure. */
const CHECKED = ['bin', 'bot', 'core', 'templates', 'web', 'worker'];


const DATABASE_MODULE = /^(drizzle-orm(\/.*)?|postgres)$/;
const QUERY_METHODS = new Set(['execute', 'select', 'selectDistinct', 'selectDistinctOn', 'insert', 'update', 'delete', 'query', 'unsafe', '$count', '$with']);
/** What a database handle is called in this code base (a pool, a transaction, the Database wrapper, postgres.js). */
const HANDLE_NAMES = new Set(['db', 'tx', 'trx', 'database', 'sql', 'pool']);

function lastName(node: ts.Expression): string | null {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isNonNullExpression(node) || ts.isParenthesizedExpression(node)) return lastName(node.expression);
  return null;
}

/** Every place in one file that breaks the rule, as "line: what". */
export function queryViolations(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) =>
    found.push(`${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${what}`);
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && DATABASE_MODULE.test(node.moduleSpecifier.text)) {
      if (!node.importClause?.isTypeOnly) at(node, `imports ${node.moduleSpecifier.text} (only \`import type\` outside db/)`);
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && DATABASE_MODULE.test(node.moduleSpecifier.text)) {
      if (!node.isTypeOnly) at(node, `re-exports ${node.moduleSpecifier.text}`);
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) {
        const arg = node.arguments[0];
        if (arg && ts.isStringLiteral(arg) && DATABASE_MODULE.test(arg.text)) at(node, `imports ${arg.text} dynamically`);
      }
      if (ts.isPropertyAccessExpression(callee) && QUERY_METHODS.has(callee.name.text)) {
        const receiver = lastName(callee.expression);
        if (receiver && HANDLE_NAMES.has(receiver)) at(node, `${receiver}.${callee.name.text}(...) runs a statement`);
      }
    }
    if (ts.isTaggedTemplateExpression(node) && lastName(node.tag) === 'sql') at(node, 'a raw sql`...` statement');
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .filter((f) => !f.includes('node_modules'));
}

describe('queries live in db/queries', () => {
  it('no runtime file outside db/ imports drizzle-orm or postgres values, or runs a statement', () => {
    const files = CHECKED.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(100);
    const violations = files
      .flatMap((f) => queryViolations(f, readFileSync(join(ROOT, f), 'utf8')).map((v) => `${f}:${v}`));
    expect(violations).toEqual([]);
  });

  describe('what counts as a query', () => {
    const check = (code: string) => queryViolations('x.ts', code);

    it('finds value imports of drizzle-orm and postgres, and leaves `import type` alone', () => {
      expect(check(`import { eq } from 'drizzle-orm';`)).toHaveLength(1);
      expect(check(`import { alias } from 'drizzle-orm/pg-core';`)).toHaveLength(1);
      expect(check(`import postgres from 'postgres';`)).toHaveLength(1);
      expect(check(`import { type SQL } from 'drizzle-orm';`)).toHaveLength(1);
      expect(check(`export { sql } from 'drizzle-orm';`)).toHaveLength(1);
      expect(check(`const m = await import('drizzle-orm');`)).toHaveLength(1);
      expect(check(`import type { SQL } from 'drizzle-orm';\nimport type postgres from 'postgres';`)).toEqual([]);
    });

    it('finds builder and raw statements on a database or transaction, also across lines', () => {
      expect(check(`await db.select().from(t);`)).toEqual(['1: db.select(...) runs a statement']);
      expect(check(`await tx\n  .update(conversations)\n  .set({ urgent: true });`)).toEqual(['1: tx.update(...) runs a statement']);
      expect(check(`await deps.database.db.insert(t).values(v);`)).toHaveLength(1);
      expect(check(`await tx.execute<{ id: string }>(q);`)).toHaveLength(1);
      expect(check(`await deps.database.sql\`select 1\`;`)).toEqual(['1: a raw sql`...` statement']);
      expect(check(`const rows = await sql<{ n: number }[]>\`select 1 as n\`;`)).toHaveLength(1);
      expect(check(`await db.delete(t).where(w);`)).toHaveLength(1);
    });

    it('leaves other things with the same method names alone', () => {
      expect(check(`createHash('sha256').update(value).digest('hex');`)).toEqual([]);
      expect(check(`pending.delete(settled); ids.delete(id); map.set(k, v);`)).toEqual([]);
      expect(check(`await db.transaction(async (tx) => { await setAbsence(tx, id, until, null); });`)).toEqual([]);
      expect(check(`// db.select() in a comment\nconst s = 'tx.update(x)';`)).toEqual([]);
    });
  });
});
