import { proto, type SignalDataTypeMap } from '@whiskeysockets/baileys';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePostgresAuthState } from '../../bot/channels/whatsapp/auth-state.js';
import { waAuthCreds, waAuthKeys } from '../../db/schema/index.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
beforeAll(async () => {
  iso = await isolated();
});
afterAll(async () => iso?.destroy());

const db = () => iso.ctx.database.db;

async function keyRows(session: string, type?: string) {
  const where = type
    ? and(eq(waAuthKeys.session, session), eq(waAuthKeys.type, type))
    : eq(waAuthKeys.session, session);
  const [row] = await db().select({ n: count() }).from(waAuthKeys).where(where);
  return row?.n ?? 0;
}

const keyPair = (seed: number) => ({
  public: Buffer.alloc(32, seed),
  private: new Uint8Array(32).fill(seed + 1),
});

describe('usePostgresAuthState', () => {
  it('starts with fresh creds and reloads saved creds equal, Buffers intact', async () => {
    const first = await usePostgresAuthState(db(), 'creds-roundtrip');
    expect(first.state.creds.registered).toBe(false);

    first.state.creds.me = { id: '31600000000:3@s.whatsapp.net', lid: '123456789:3@lid', name: 'Lijntje' };
    first.state.creds.routingInfo = Buffer.from([1, 2, 3, 250]);
    first.state.creds.registered = true;
    await first.saveCreds();

    const again = await usePostgresAuthState(db(), 'creds-roundtrip');
    const c = again.state.creds;
    expect(c.me).toEqual(first.state.creds.me);
    expect(c.registered).toBe(true);
    expect(c.registrationId).toBe(first.state.creds.registrationId);
    expect(c.advSecretKey).toBe(first.state.creds.advSecretKey);
    expect(Buffer.isBuffer(c.routingInfo)).toBe(true);
    expect(c.routingInfo?.equals(Buffer.from([1, 2, 3, 250]))).toBe(true);
    expect(Buffer.isBuffer(c.noiseKey.private)).toBe(true);
    expect(Buffer.from(c.noiseKey.private).equals(Buffer.from(first.state.creds.noiseKey.private))).toBe(true);
    expect(Buffer.from(c.signedPreKey.signature).equals(Buffer.from(first.state.creds.signedPreKey.signature))).toBe(true);
    // The whole object survives, not only the fields checked above.
    expect(JSON.parse(JSON.stringify(c))).toEqual(JSON.parse(JSON.stringify(first.state.creds)));
  });

  it('saves the latest creds when saves overlap', async () => {
    const auth = await usePostgresAuthState(db(), 'creds-burst');
    const saves = [];
    for (let i = 1; i <= 20; i++) {
      auth.state.creds.nextPreKeyId = i;
      saves.push(auth.saveCreds());
    }
    await Promise.all(saves);
    const reloaded = await usePostgresAuthState(db(), 'creds-burst');
    expect(reloaded.state.creds.nextPreKeyId).toBe(20);
  });

  it('sets, gets and deletes keys (null deletes), in any number', async () => {
    const auth = await usePostgresAuthState(db(), 'keys');
    const { keys } = auth.state;
    const preKeys: Record<string, SignalDataTypeMap['pre-key']> = {};
    for (let i = 1; i <= 900; i++) preKeys[String(i)] = keyPair(i % 200);
    await keys.set({
      'pre-key': preKeys,
      session: { '31600000000.0': new Uint8Array([9, 8, 7]) },
      'lid-mapping': { '31600000000': '123456789' },
      'device-list': { '123456789': ['0', '3'] },
    });
    expect(await keyRows('keys', 'pre-key')).toBe(900);

    const got = await keys.get('pre-key', ['1', '2', '900', 'missing']);
    expect(Object.keys(got).sort()).toEqual(['1', '2', '900']);
    expect(Buffer.isBuffer(got['2']?.public)).toBe(true);
    expect(Buffer.from(got['2']!.private).equals(Buffer.from(keyPair(2).private))).toBe(true);
    const session = await keys.get('session', ['31600000000.0']);
    expect(Buffer.from(session['31600000000.0']!).equals(Buffer.from([9, 8, 7]))).toBe(true);
    expect(await keys.get('lid-mapping', ['31600000000'])).toEqual({ '31600000000': '123456789' });
    expect(await keys.get('device-list', ['123456789'])).toEqual({ '123456789': ['0', '3'] });

    // Overwrite one, delete two (null and undefined), in one call.
    await keys.set({ 'pre-key': { '1': keyPair(77), '2': null, '3': undefined as unknown as null } });
    const after = await keys.get('pre-key', ['1', '2', '3']);
    expect(Object.keys(after)).toEqual(['1']);
    expect(Buffer.from(after['1']!.public).equals(Buffer.alloc(32, 77))).toBe(true);
    expect(await keyRows('keys', 'pre-key')).toBe(898);

    // A new instance (a restarted process) reads what the first wrote.
    const reloaded = await usePostgresAuthState(db(), 'keys');
    expect(Object.keys(await reloaded.state.keys.get('pre-key', ['1', '900']))).toEqual(
      expect.arrayContaining(['1', '900']),
    );
  });

  it('revives app-state-sync-key as the protobuf object Baileys expects', async () => {
    const auth = await usePostgresAuthState(db(), 'app-state');
    const value = proto.Message.AppStateSyncKeyData.fromObject({
      keyData: Buffer.from('secret-key-data'),
      fingerprint: { rawId: 7, currentIndex: 2, deviceIndexes: [0, 3] },
      timestamp: 1_700_000_000,
    });
    await auth.state.keys.set({ 'app-state-sync-key': { AAAAAQ: value } });
    const got = await auth.state.keys.get('app-state-sync-key', ['AAAAAQ']);
    const key = got['AAAAAQ'];
    expect(key).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(key!.keyData!).toString()).toBe('secret-key-data');
    expect(key!.fingerprint?.deviceIndexes).toEqual([0, 3]);
  });

  it('clear() empties only its own session and starts fresh creds', async () => {
    const a = await usePostgresAuthState(db(), 'clear-a');
    const b = await usePostgresAuthState(db(), 'clear-b');
    for (const auth of [a, b]) {
      auth.state.creds.registered = true;
      await auth.saveCreds();
      await auth.state.keys.set({ 'pre-key': { '1': keyPair(1) }, session: { x: new Uint8Array([1]) } });
    }
    const oldNoise = Buffer.from(a.state.creds.noiseKey.public);

    await a.clear();

    expect(await keyRows('clear-a')).toBe(0);
    expect(await db().select().from(waAuthCreds).where(eq(waAuthCreds.session, 'clear-a'))).toHaveLength(0);
    expect(await keyRows('clear-b')).toBe(2);
    expect(await db().select().from(waAuthCreds).where(eq(waAuthCreds.session, 'clear-b'))).toHaveLength(1);
    expect(a.state.creds.registered).toBe(false);
    expect(Buffer.from(a.state.creds.noiseKey.public).equals(oldNoise)).toBe(false);
    expect(await a.state.keys.get('pre-key', ['1'])).toEqual({});
  });
});
