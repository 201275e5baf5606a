import argon2 from 'argon2';
import { describe, expect, it } from 'vitest';
import { ARGON2_OPTIONS, argon2Hasher, DUMMY_HASH } from '../../web/domain/password-hasher.js';

describe('password hasher', () => {
  it('keeps the dummy hash on the parameters real hashes get, so checking it costs the same', async () => {
    const real = await argon2Hasher.hash('een wachtwoord');
    expect(argon2.needsRehash(real, ARGON2_OPTIONS)).toBe(false);
    expect(argon2.needsRehash(DUMMY_HASH, ARGON2_OPTIONS)).toBe(false);
    const params = (h: string) => h.split('$').slice(1, 4).join('$');
    expect(params(DUMMY_HASH)).toBe(params(real));
  });

  it('answers false, never throws, for a wrong password or an unreadable hash', async () => {
    expect(await argon2Hasher.verify(DUMMY_HASH, 'wat dan ook')).toBe(false);
    expect(await argon2Hasher.verify('not-a-hash', 'x')).toBe(false);
  });
});
