import argon2 from 'argon2';

/** Hashing and checking staff passwords; injectable so tests can see that every sign-in path does the same work. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False (never a throw) for a wrong password or an unreadable hash. */
  verify(hash: string, password: string): Promise<boolean>;
}

/** Spelled out (these are argon2's defaults) so DUMMY_HASH below provably costs what a real hash costs. */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 65_536, timeCost: 3, parallelism: 4 } as const;

/**
 * Checked against when there is no account to check against (unknown,
 * deactivated, invitation not yet accepted), so those answers take as long as
 * a wrong password. A hash of random bytes nobody kept; the result is thrown
 * away anyway. Same parameters as ARGON2_OPTIONS (a unit test holds them together).
 */
export const DUMMY_HASH = '$argon2id$v=19$m=65536,p=4,t=3$UibmjGoeZMOwaSOny1XivA$nqel1t/4vn8nu1Wvektz1/c+tW05aiuKfbSW2EEyyWM';

export const argon2Hasher: PasswordHasher = {
  hash: (password) => argon2.hash(password, ARGON2_OPTIONS),
  verify: (hash, password) => argon2.verify(hash, password).catch(() => false),
};
