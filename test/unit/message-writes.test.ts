import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * One owner per table on a message's path: every INSERT and UPDATE of the
 * messages table is in db/queries/messages.ts, and every INSERT of an event
 * row in db/queries/events.ts. Read from the source, so a shortcut anywhere
 * else fails here. Tests may arrange rows as they like and are not read.
 * TEST_SOURCE_ROOT points the scan at another checkout (to see it fail there).
 */
const ROOT = process.env.TEST_SOURCE_ROOT ?? fileURLToPath(new URL('../..', import.meta.url));
const FOLDERS = ['bin', 'bot', 'core', 'db', 'web', 'worker', 'bench', 'templates'];

/** Fixtures that write invented rows in bulk, not a message's life. */
const FIXTURES: Record<string, string> = {
  'db/seed/search-corpus.ts': '100k invented messages for the search benchmark and its plan test, in one statement per batch',
  'bench/outbound.ts': 'the outbound scenario writes its outbox rows directly, as a burst of replies would leave them',
  'db/seed/monitoring-history.ts': "invented anonymous history for the monitoring bench and the demo's report, set-based (generate_series)",
};

const RULES = [
  {
    table: 'messages',
    owner: 'db/queries/messages.ts',
    // Raw SQL (also with the table as ${messages}) and the query builder, over line breaks.
    pattern: /\b(?:update|insert\s+into)\s+(?:messages|\$\{\s*messages\s*\})(?![\w$])|\.(?:update|insert)\(\s*messages\s*\)/gi,
  },
  {
    table: 'events',
    owner: 'db/queries/events.ts',
    pattern: /\binsert\s+into\s+(?:events|\$\{\s*events\s*\})(?![\w$])|\.insert\(\s*events\s*\)/gi,
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'migrations' ? [] : sourceFiles(path);
    return /\.(ts|js|eta)$/.test(e.name) ? [path] : [];
  });
}

describe('who writes a message and its events', () => {
  const files = FOLDERS.flatMap((f) => sourceFiles(join(ROOT, f))).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

  it.each(RULES)('only $owner writes $table', ({ owner, pattern }) => {
    const writers = files
      .filter((f) => f.path !== owner && !(f.path in FIXTURES))
      .flatMap((f) => [...f.text.matchAll(pattern)].map((m) => `${f.path}: ${m[0].replace(/\s+/g, ' ')}`));
    expect(writers).toEqual([]);
    expect(files.map((f) => f.path)).toContain(owner);
  });

  it('each fixture named as an exception still needs to be one', () => {
    for (const path of Object.keys(FIXTURES)) {
      const text = files.find((f) => f.path === path)?.text ?? '';
      expect(RULES.some((r) => [...text.matchAll(r.pattern)].length > 0), path).toBe(true);
    }
  });
});
