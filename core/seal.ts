import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Sealing small secrets at rest (e.g. a staff member's TOTP secret) with
 * AES-256-GCM. The key is derived from the app secret (SECRET_KEY) with HKDF
 * and a purpose label, so one secret never serves two purposes. Callers pass
 * the app secret explicitly; this module reads no configuration.
 *
 * Format: `v1.<iv>.<tag>.<ciphertext>` (base64url parts). Any change to the
 * sealed text, the key or the purpose makes `unseal` throw.
 */
const IV_BYTES = 12;

export function sealKey(appSecret: string, purpose: string): Buffer {
  if (appSecret.length < 16) throw new Error('seal: app secret too short');
  return Buffer.from(hkdfSync('sha256', Buffer.from(appSecret, 'utf8'), Buffer.alloc(0), `lijntje:${purpose}`, 32));
}

export function seal(key: Buffer, plaintext: string): string {
  if (key.length !== 32) throw new Error('seal: key must be 32 bytes');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ['v1', iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join('.');
}

export function unseal(key: Buffer, sealed: string): string {
  if (key.length !== 32) throw new Error('seal: key must be 32 bytes');
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') throw new Error('seal: unknown format');
  const iv = Buffer.from(parts[1]!, 'base64url');
  const tag = Buffer.from(parts[2]!, 'base64url');
  const data = Buffer.from(parts[3]!, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== 16) throw new Error('seal: unknown format');
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
}
