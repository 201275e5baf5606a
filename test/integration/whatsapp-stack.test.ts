import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelContacts, conversations, messages } from '../../db/schema/index.js';
import { fakeWhatsApp } from '../helpers/fake-whatsapp.js';
import { createStaff, createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { login, staffPost, until } from '../helpers/http.js';
import { isolated, runningStack, type Isolated } from '../helpers/isolated.js';

const wa = fakeWhatsApp();
let iso: Isolated;
let stack: Awaited<ReturnType<typeof runningStack>>;
let org: Awaited<ReturnType<typeof twoTeams>>;

beforeAll(async () => {
  iso = await isolated({ WHATSAPP_NUMBER: '31612345678' });
  org = await twoTeams(iso.ctx.database.db);
  await createStaff(iso.ctx.database.db, org.oost.teamId, { email: 'admin@oost.test', firstName: 'Admin', role: 'admin' });
  stack = await runningStack(iso, { makeWhatsAppSocket: wa.makeSocket });
  await until(async () => wa.latest());
});
afterAll(async () => {
  await stack?.close();
  await iso?.destroy();
});
const db = () => iso.ctx.database.db;

describe('WhatsApp through the whole stack (fake Baileys socket)', () => {
  it('shows the pairing QR to admins only, as an SVG, until the phone is linked', async () => {
    wa.latest()!.emit('connection.update', { qr: '2@pairing-code-from-baileys,abc,def' });
    const admin = await login(stack.app, 'admin@oost.test');
    const page = await until(async () => {
      const res = await stack.app.inject({ method: 'GET', url: '/admin/whatsapp', headers: { cookie: admin.cookie, accept: 'text/html' } });
      return res.body.includes('<svg') ? res : null;
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Gekoppelde apparaten');
    for (const email of ['michelle@oost.test', 'karin@oost.test']) {
      const s = await login(stack.app, email);
      const res = await stack.app.inject({ method: 'GET', url: '/admin/whatsapp', headers: { cookie: s.cookie, accept: 'application/json' } });
      expect(res.statusCode).toBe(403);
    }
    wa.latest()!.open();
    const linked = await until(async () => {
      const res = await stack.app.inject({ method: 'GET', url: '/admin/whatsapp', headers: { cookie: admin.cookie, accept: 'text/html' } });
      return res.body.includes('Verbonden') ? res : null;
    });
    expect(linked.body).not.toContain('<svg');
  });

  it('card code in the first message -> greeting and numbered menu to the JID that wrote; "1", free text and a reply', async () => {
    const sock = wa.latest()!;
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);
    const lid = '99887766@lid';
    sock.receive({ jid: lid, alt: '31611111111@s.whatsapp.net', id: 'WA-1', text: `Hoi! Mijn kaartcode is ${token}` });

    await until(async () => sock.sent.filter((s) => s.jid === lid).length >= 2);
    const [greeting, menu] = sock.sent.filter((s) => s.jid === lid);
    expect(greeting!.text).toContain('Hoi Sigfrid! Je praat met de chat van Michelle');
    // WhatsApp links a full URL by itself.
    expect(greeting!.text).toContain('Zo gaan we om met je gegevens: http://lijntje.test/privacy');
    expect(greeting!.text).toContain('Je kunt altijd stoppen: typ dan stop.');
    expect(menu!.text).toContain('1. Chat met Michelle\n2. Afspraak maken\n3. Nee bedankt, geen contact');
    expect(menu!.text).toContain('Stuur het nummer van je keuze.');
    // Paced well under one message a second.
    expect(menu!.at - greeting!.at).toBeGreaterThanOrEqual(1000);

    sock.receive({ jid: lid, id: 'WA-2', text: '1' });
    await until(async () => sock.sent.filter((s) => s.jid === lid).length >= 3);
    expect(sock.sent.filter((s) => s.jid === lid)[2]!.text).toContain('Michelle leest het');

    // The same person writing from their phone-number JID is the same contact.
    sock.receive({ jid: '31611111111@s.whatsapp.net', alt: lid, id: 'WA-3', text: 'Ik wil graag werk zoeken' });
    sock.receive({ jid: '31611111111@s.whatsapp.net', alt: lid, id: 'WA-3', text: 'Ik wil graag werk zoeken' });
    const stored = await until(async () => {
      const rows = await db().select().from(messages).where(eq(messages.body, 'Ik wil graag werk zoeken'));
      return rows[0]?.status === 'routed' ? rows : null;
    });
    expect(stored).toHaveLength(1);
    const contacts = await db().select().from(channelContacts).where(eq(channelContacts.channel, 'whatsapp'));
    expect(contacts).toHaveLength(1);
    const [conv] = await db().select().from(conversations).where(eq(conversations.id, stored[0]!.conversationId));
    expect(conv!.assignedTo).toBe(org.michelle.id);

    const michelle = await login(stack.app, 'michelle@oost.test');
    const reply = await staffPost(stack.app, michelle, `/inbox/c/${conv!.id}/replies`, { text: 'Top! Wat voor werk lijkt je leuk?' });
    expect(reply.statusCode).toBe(201);
    await until(async () => sock.sent.some((s) => s.text === 'Top! Wat voor werk lijkt je leuk?'), 10_000);
    // Replies go to the contact's JID (the one that first wrote), never a guessed phone number.
    expect(sock.sent.find((s) => s.text === 'Top! Wat voor werk lijkt je leuk?')!.jid).toBe(lid);
    const row = await until(async () => {
      const [m] = await db().select().from(messages).where(eq(messages.id, reply.json().message.id));
      return m?.status === 'sent' ? m : null;
    });
    expect(row.externalId).toMatch(/^OUT\d+$/);
    // Baileys can ask for a sent message again (retry receipts): it gets exactly what was sent.
    const again = await sock.opts.getMessage({ id: row.externalId!, remoteJid: lid, fromMe: true });
    expect(again).toEqual({ conversation: 'Top! Wat voor werk lijkt je leuk?' });
  });

  it('ignores our own messages and group chats', async () => {
    const sock = wa.latest()!;
    const before = (await db().select().from(messages)).length;
    sock.emit('messages.upsert', {
      type: 'notify',
      messages: [
        { key: { remoteJid: '111@lid', id: 'OWN-1', fromMe: true }, message: { conversation: 'van onszelf' } },
        { key: { remoteJid: '12345-678@g.us', id: 'GRP-1', fromMe: false, participant: '222@lid' }, message: { conversation: 'groep' } },
      ],
    } as never);
    await new Promise((r) => setTimeout(r, 300));
    expect((await db().select().from(messages)).length).toBe(before);
  });
});
