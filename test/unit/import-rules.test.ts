import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The import rules the folder READMEs state, checked on every `npm test`.
 * Imports are read with the TypeScript compiler (type-only imports count:
 * they couple folders just the same). The rule "no database queries outside
 * db/" has its own test.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

type Folder = 'core' | 'db' | 'templates' | 'bot' | 'worker' | 'web' | 'bin' | 'testing' | 'bench' | 'test' | '.ci';
const FOLDERS: Folder[] = ['core', 'db', 'templates', 'bot', 'worker', 'web', 'bin', 'testing', 'bench', 'test', '.ci'];

/** The only file of bot/ that web/ may import: the youngster-facing HTTP routes (web chat, Telegram webhook). */
const BOT_HTTP_ROUTES = 'bot/http-routes.ts';

/** Which folders of ours each folder may import (its own always). */
const MAY_IMPORT: Record<Folder, Folder[]> = {
  core: [],
  db: ['core'],
  templates: [],
  bot: ['core', 'db', 'templates'],
  // Channel senders reach the workers as core/channel.ts shapes, passed in by bin/.
  worker: ['core', 'db', 'templates'],
  web: ['core', 'db', 'templates', 'bot'],
  bin: ['core', 'db', 'templates', 'bot', 'worker', 'web'],
  // Shared fakes of outside services, for the tests and the benchmark alike.
  testing: [],
  // The benchmark drives the app as bin/ starts it; it never borrows test helpers.
  bench: ['core', 'db', 'templates', 'bot', 'worker', 'web', 'bin', 'testing'],
  test: ['core', 'db', 'templates', 'bot', 'worker', 'web', 'bin', 'testing', 'bench'],
  '.ci': ['bin'],
};

/** npm packages only one place may use: the adapters keep their platform library to themselves. */
const PACKAGE_HOMES: Record<string, string[]> = {
  grammy: ['bot/channels/telegram/'],
  '@whiskeysockets/baileys': ['bot/channels/whatsapp/'],
};
/** Harnesses may build platform objects (fake updates, a bot pointed at a fake API). */
const HARNESSES = ['test/', 'bench/', 'testing/'];

interface SourceFile {
  path: string; // relative to ROOT, with forward slashes
  folder: Folder;
  imports: { spec: string; target: string | null }[];
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (name === 'node_modules' || name === 'public') return [];
    return statSync(full).isDirectory() ? walk(full) : name.endsWith('.ts') ? [full] : [];
  });
}

function resolveRelative(from: string, spec: string): string {
  const target = relative(ROOT, resolve(ROOT, dirname(from), spec)).split('\\').join('/');
  return target.replace(/\.js$/, '.ts');
}

function readSources(): SourceFile[] {
  return FOLDERS.flatMap((folder) => {
    let files: string[];
    try {
      files = walk(join(ROOT, folder));
    } catch {
      return []; // a folder that does not exist (yet)
    }
    return files.map((full) => {
      const path = relative(ROOT, full).split('\\').join('/');
      const info = ts.preProcessFile(readFileSync(full, 'utf8'), true, true);
      const imports = info.importedFiles.map(({ fileName: spec }) => ({
        spec,
        target: spec.startsWith('.') ? resolveRelative(path, spec) : null,
      }));
      return { path, folder, imports };
    });
  });
}

const folderOf = (path: string): Folder | null => FOLDERS.find((f) => path.startsWith(`${f}/`)) ?? null;
const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

/** Strongly connected groups of files (Tarjan): every group of two or more is a cycle. */
function cycles(files: SourceFile[]): string[][] {
  const edges = new Map(files.map((f) => [f.path, f.imports.flatMap((i) => (i.target ? [i.target] : []))]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  function visit(v: string) {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  }
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import rules (folder READMEs)', () => {
  const files = readSources();

  it('reads the project', () => {
    // A broken walk would make every rule below pass vacuously.
    for (const folder of ['core', 'db', 'templates', 'bot', 'worker', 'web', 'bin'] as const) {
      expect(files.filter((f) => f.folder === folder).length, folder).toBeGreaterThan(2);
    }
    const app = files.find((f) => f.path === 'web/app.ts');
    expect(app?.imports.some((i) => i.target === 'core/env.ts')).toBe(true);
  });

  it('imports only downwards: each folder only the folders its README names', () => {
    const wrong: string[] = [];
    for (const f of files) {
      for (const i of f.imports) {
        if (!i.target) continue;
        const to = folderOf(i.target);
        if (!to || to === f.folder) continue;
        if (!MAY_IMPORT[f.folder].includes(to)) wrong.push(`${f.path} imports ${i.target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('web/ uses only bot/http-routes.ts of bot/ (never the web chat or a channel inside)', () => {
    const wrong = files
      .filter((f) => f.folder === 'web')
      .flatMap((f) => f.imports.filter((i) => i.target?.startsWith('bot/') && i.target !== BOT_HTTP_ROUTES).map((i) => `${f.path} imports ${i.target}`));
    expect(wrong).toEqual([]);
  });

  it('keeps grammY inside bot/channels/telegram and Baileys inside bot/channels/whatsapp', () => {
    const wrong: string[] = [];
    for (const f of files) {
      if (HARNESSES.some((h) => f.path.startsWith(h))) continue;
      for (const i of f.imports) {
        if (i.target) continue;
        const homes = PACKAGE_HOMES[packageOf(i.spec)];
        if (homes && !homes.some((h) => f.path.startsWith(h))) wrong.push(`${f.path} imports ${i.spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles(files)).toEqual([]);
  });

  it('finds what it looks for (a cycle and an upward import in made-up files)', () => {
    const made: SourceFile[] = [
      { path: 'bot/a.ts', folder: 'bot', imports: [{ spec: './b.js', target: 'bot/b.ts' }] },
      { path: 'bot/b.ts', folder: 'bot', imports: [{ spec: './a.js', target: 'bot/a.ts' }] },
      { path: 'core/c.ts', folder: 'core', imports: [] },
    ];
    expect(cycles(made)).toEqual([['bot/a.ts', 'bot/b.ts']]);
    expect(resolveRelative('web/plugins/x.ts', '../../bot/webchat/language.js')).toBe('bot/webchat/language.ts');
    expect(MAY_IMPORT.core.includes(folderOf('db/client.ts')!)).toBe(false);
  });
});
