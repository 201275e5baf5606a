import { createHmac } from 'node:crypto';
import type { ChannelName } from './channel.js';
import { ConfigError } from './errors.js';
import { normaliseName } from './list-file/index.js';

/**
 * "Never approach again" without remembering who: an opted-out person leaves
 * keyed hashes (HMAC-SHA256) of what a later list or message would show of
 * them, never the values. The key is SUPPRESSION_KEY, not SECRET_KEY: rotating
 * the session secret must not void every opt-out. It is versioned - "2:new,1:old"
 * - so a new key writes new entries while entries of the old one stay checkable.
 */
export interface SuppressionKey {
  version: number;
  key: string;
}
export interface SuppressionKeys {
  /** Writes new entries: the highest version. */
  current: SuppressionKey;
  /** Checked, newest first. */
  all: SuppressionKey[];
}

/** "2:secret-two,1:secret-one", or one plain secret (version 1). Each secret at least 32 characters. */
export function parseSuppressionKeys(value: string): SuppressionKeys {
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  const keys = parts.map((p, i): SuppressionKey => {
    const m = /^(\d{1,6}):(.+)$/s.exec(p);
    const key = m ? m[2]! : p;
    if (!m && parts.length > 1) throw new ConfigError(`SUPPRESSION_KEY part ${i + 1} needs a version: "<n>:<secret>"`);
    if (key.length < 32) throw new ConfigError('SUPPRESSION_KEY secrets must be at least 32 characters');
    return { version: m ? Number(m[1]) : 1, key };
  });
  if (!keys.length) throw new ConfigError('SUPPRESSION_KEY is empty');
  if (new Set(keys.map((k) => k.version)).size !== keys.length) throw new ConfigError('SUPPRESSION_KEY has a version twice');
  const all = [...keys].sort((a, b) => b.version - a.version);
  return { current: all[0]!, all };
}

export type SuppressionKindName = 'person' | 'name_birth' | 'channel';
export interface SuppressionHash {
  kind: SuppressionKindName;
  keyVersion: number;
  hash: string;
}

/** The person as a list shows them: the list import's match key (name, birth date, postcode). */
export interface ListedPerson {
  firstName: string;
  namePrefix: string | null;
  lastName: string;
  birthDate: string;
  postcode: string | null;
}

const part = (s: string | null) => normaliseName(s ?? '').replaceAll('|', '/');
const postcodeOf = (s: string | null) => (s ?? '').replace(/\s+/g, '').toUpperCase();

/** What is hashed, per kind. The kind is in the hashed text too, so equal values of two kinds never collide. */
export const suppressionValue = {
  person: (p: ListedPerson) => `person|${part(p.firstName)}|${part(p.namePrefix)}|${part(p.lastName)}|${p.birthDate}|${postcodeOf(p.postcode)}`,
  nameBirth: (p: Omit<ListedPerson, 'postcode'>) => `name_birth|${part(p.firstName)}|${part(p.namePrefix)}|${part(p.lastName)}|${p.birthDate}`,
  channel: (channel: ChannelName, externalId: string) => `channel|${channel}|${externalId}`,
};

function hmac(key: SuppressionKey, value: string): string {
  return createHmac('sha256', key.key).update(value, 'utf8').digest('base64url');
}

/** The entry to store, with the current key. */
export function hashForStore(keys: SuppressionKeys, kind: SuppressionKindName, value: string): SuppressionHash {
  return { kind, keyVersion: keys.current.version, hash: hmac(keys.current, value) };
}

/** Every hash an entry for this value may have been stored under (one per key version). */
export function hashesToCheck(keys: SuppressionKeys, kind: SuppressionKindName, value: string): SuppressionHash[] {
  return keys.all.map((k) => ({ kind, keyVersion: k.version, hash: hmac(k, value) }));
}

/** All store hashes a person leaves: person (when a postcode is known), name + birth date, each messenger identity. */
export function entriesFor(
  keys: SuppressionKeys,
  who: { person: ListedPerson | null; identities: { channel: ChannelName; externalId: string }[] },
): SuppressionHash[] {
  const out: SuppressionHash[] = [];
  if (who.person) {
    if (who.person.postcode) out.push(hashForStore(keys, 'person', suppressionValue.person(who.person)));
    out.push(hashForStore(keys, 'name_birth', suppressionValue.nameBirth(who.person)));
  }
  for (const id of who.identities) out.push(hashForStore(keys, 'channel', suppressionValue.channel(id.channel, id.externalId)));
  return out;
}
