import { describe, expect, it } from 'vitest';
import { entriesFor, hashesToCheck, hashForStore, parseSuppressionKeys, suppressionValue } from '../../core/suppression.js';

const OLD = parseSuppressionKeys(`1:${'o'.repeat(40)}`);
const ROTATED = parseSuppressionKeys(`2:${'n'.repeat(40)},1:${'o'.repeat(40)}`);
const person = { firstName: 'Sanne', namePrefix: 'van der', lastName: 'Berg', birthDate: '2004-03-02', postcode: '6041 AB' };

describe('suppression hashes', () => {
  it('hold no value in clear, and differ per kind and per key', () => {
    const h = hashForStore(OLD, 'person', suppressionValue.person(person));
    expect(h.hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(h.hash).not.toContain('Sanne');
    expect(hashForStore(OLD, 'name_birth', suppressionValue.nameBirth(person)).hash).not.toBe(h.hash);
    expect(hashForStore(parseSuppressionKeys(`1:${'x'.repeat(40)}`), 'person', suppressionValue.person(person)).hash).not.toBe(h.hash);
  });

  it('find the same person however the list writes them (case, accents, spaces in the postcode)', () => {
    const stored = hashForStore(OLD, 'person', suppressionValue.person(person));
    const again = { firstName: 'SANNE', namePrefix: 'Van der', lastName: 'Berg ', birthDate: '2004-03-02', postcode: '6041ab' };
    expect(hashesToCheck(OLD, 'person', suppressionValue.person(again)).map((x) => x.hash)).toContain(stored.hash);
    const moved = { ...again, postcode: '6099 ZZ' };
    expect(hashesToCheck(OLD, 'person', suppressionValue.person(moved)).map((x) => x.hash)).not.toContain(stored.hash);
    expect(hashesToCheck(OLD, 'name_birth', suppressionValue.nameBirth(moved)).map((x) => x.hash)).toContain(hashForStore(OLD, 'name_birth', suppressionValue.nameBirth(person)).hash);
  });

  it('after a key rotation, entries of the old key stay checkable and new ones use the new key', () => {
    const before = hashForStore(OLD, 'channel', suppressionValue.channel('telegram', '12345'));
    const checks = hashesToCheck(ROTATED, 'channel', suppressionValue.channel('telegram', '12345'));
    expect(checks).toContainEqual(before);
    expect(hashForStore(ROTATED, 'channel', suppressionValue.channel('telegram', '12345')).keyVersion).toBe(2);
  });

  it("an erased person leaves person, name + birth date and every messenger identity (no person entry without a postcode)", () => {
    const all = entriesFor(OLD, { person, identities: [{ channel: 'whatsapp', externalId: '1@lid' }, { channel: 'whatsapp', externalId: '316@s.whatsapp.net' }] });
    expect(all.map((e) => e.kind)).toEqual(['person', 'name_birth', 'channel', 'channel']);
    expect(entriesFor(OLD, { person: { ...person, postcode: null }, identities: [] }).map((e) => e.kind)).toEqual(['name_birth']);
  });
});
