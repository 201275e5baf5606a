import { describe, expect, it } from 'vitest';
import { seal, sealKey, unseal } from '../../core/seal.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-chars';

describe('seal / unseal', () => {
  it('round-trips and never shows the plaintext', () => {
    const key = sealKey(SECRET, 'totp');
    const sealed = seal(key, 'JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(unseal(key, sealed)).toBe('JBSWY3DPEHPK3PXP');
    // A fresh IV every time.
    expect(seal(key, 'JBSWY3DPEHPK3PXP')).not.toBe(sealed);
  });

  it('throws on tampering with any part', () => {
    const key = sealKey(SECRET, 'totp');
    const sealed = seal(key, 'geheim');
    const parts = sealed.split('.');
    for (const i of [1, 2, 3]) {
      const p = [...parts];
      const buf = Buffer.from(p[i]!, 'base64url');
      buf[0] = buf[0]! ^ 1;
      p[i] = buf.toString('base64url');
      expect(() => unseal(key, p.join('.')), `part ${i}`).toThrow();
    }
    expect(() => unseal(key, 'garbage')).toThrow();
    expect(() => unseal(key, sealed.slice(0, -2))).toThrow();
  });

  it('throws with another key or another purpose', () => {
    const sealed = seal(sealKey(SECRET, 'totp'), 'geheim');
    expect(() => unseal(sealKey(`${SECRET}x`, 'totp'), sealed)).toThrow();
    expect(() => unseal(sealKey(SECRET, 'other'), sealed)).toThrow();
  });
});
