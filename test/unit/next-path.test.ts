import { describe, expect, it } from 'vitest';
import { destination, safeNext } from '../../web/domain/next-path.js';

const BASE = 'https://lijntje.example.nl';

describe('safeNext', () => {
  it('keeps same-origin paths with query and fragment', () => {
    expect(safeNext('/inbox', BASE)).toBe('/inbox');
    expect(safeNext('/inbox?view=team&q=ab#x', BASE)).toBe('/inbox?view=team&q=ab#x');
    expect(safeNext('/a/./b/../c', BASE)).toBe('/a/c');
    expect(safeNext('/%2F/evil.example', BASE)).toBe('/%2F/evil.example'); // a path of ours, not a host
  });

  it('refuses what a browser would read as another origin', () => {
    for (const next of ['/%09/evil.example'.replace('%09', '\t'), '/\n/evil', '//evil', '/\\evil', '\\/evil', 'https://evil', 'http:evil', 'javascript:alert(1)', 'data:,x', '', 'inbox']) {
      expect(safeNext(next, BASE), JSON.stringify(next)).toBeNull();
    }
  });

  it('refuses controls, spaces and non-ASCII, and anything that is not a short string', () => {
    for (const next of ['/a\rb', '/a\u0000', '/a b', '/ä', '/\u202e', `/${'a'.repeat(2048)}`, 42, null, ['/inbox']]) {
      expect(safeNext(next, BASE), JSON.stringify(next)).toBeNull();
    }
  });

  it('only keeps the origin of PUBLIC_URL, not its path', () => {
    expect(safeNext('/inbox', 'http://localhost:3000')).toBe('/inbox');
    expect(safeNext('/inbox', 'https://gemeente.example/lijntje')).toBe('/inbox');
  });
});

describe('destination', () => {
  it('sends roles without an inbox to their own start page', () => {
    expect(destination('admin', '/inbox?view=team', BASE)).toBe('/admin/accounts');
    expect(destination('privacy_officer', '/%69nbox/c/1', BASE)).toBe('/audit');
    expect(destination('admin', '/inboxes', BASE)).toBe('/inboxes');
    expect(destination('coordinator', '/inbox?view=team', BASE)).toBe('/inbox?view=team');
    expect(destination('casemanager', '//evil', BASE)).toBe('/inbox');
  });
});
