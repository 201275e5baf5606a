import { describe, expect, it } from 'vitest';
import { CARD_TOKEN_BYTES, isCardTokenShape, newCardToken } from '../../core/tokens.js';

describe('card tokens', () => {
  it('fit a Telegram start payload: at most 64 chars of A-Za-z0-9_-', () => {
    for (let i = 0; i < 1000; i++) {
      const t = newCardToken();
      expect(t).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(isCardTokenShape(t)).toBe(true);
    }
  });

  it('carry at least 96 random bits and do not repeat', () => {
    expect(CARD_TOKEN_BYTES * 8).toBeGreaterThanOrEqual(96);
    const seen = new Set(Array.from({ length: 20_000 }, newCardToken));
    expect(seen.size).toBe(20_000);
    // Every position varies: no fixed prefix that would shrink the search space.
    const tokens = [...seen];
    for (let pos = 0; pos < 21; pos++) expect(new Set(tokens.map((t) => t[pos])).size).toBeGreaterThan(32);
  });

  it('rejects shapes that cannot be a token before any database lookup', () => {
    for (const bad of ['', 'short', 'a'.repeat(65), 'abc def ghi jkl mno pqr', '../../../etc/passwd__', 'ÄÖÜäöüßÄÖÜäöüßÄÖÜäöüß1']) {
      expect(isCardTokenShape(bad)).toBe(false);
    }
  });
});
