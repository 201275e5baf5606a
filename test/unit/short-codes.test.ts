import { describe, expect, it } from 'vitest';
import { formatShortCode, newShortCode, parseShortCode, SHORT_CODE_ALPHABET } from '../../core/short-codes.js';

describe('short codes', () => {
  it('are 8 characters of an alphabet without look-alikes, printed as 4-4 (at most 10 characters)', () => {
    for (const lookAlike of ['0', 'O', '1', 'I', 'L', 'U']) expect(SHORT_CODE_ALPHABET).not.toContain(lookAlike);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = newShortCode();
      expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{8}$/);
      expect(formatShortCode(code).length).toBeLessThanOrEqual(10);
      seen.add(code);
    }
    expect(seen.size).toBe(2000);
  });

  it('are read back however they are typed, and refuse what cannot be one', () => {
    expect(parseShortCode('7k3m-9qxd')).toBe('7K3M9QXD');
    expect(parseShortCode(' 7K3M 9QXD ')).toBe('7K3M9QXD');
    expect(parseShortCode('7K3M9QXD')).toBe('7K3M9QXD');
    expect(parseShortCode('7K3M-9QX')).toBeNull();
    expect(parseShortCode('7K3M-9QX0')).toBeNull(); // 0 is not in the alphabet
    expect(parseShortCode('hoi ik wil werk')).toBeNull();
    expect(parseShortCode('x'.repeat(100))).toBeNull();
  });
});
