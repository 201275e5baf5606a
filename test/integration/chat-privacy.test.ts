import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consents, conversationNotes, conversations, events, messages, partners } from '../../db/schema/index.js';
import { createYoungsterWithCard } from '../helpers/fixtures.js';
import { openChat, postChat, until } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

/**
 * "Wat weten jullie van mij?" in the chat, through the whole stack: the
 * categories held (from the database, never the values) and withdrawing a
 * consent, which the coach then reads in the thread.
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => t?.close());

async function shown(token: string, cookie: string) {
  const res = await t.stack.app.inject({ method: 'GET', url: `/k/${token}/messages`, headers: { cookie } });
  return (res.json() as { messages: { direction: string; body: string; menu: { id: string; label: string }[] | null }[] }).messages;
}

describe('the youngster asks what is held about them', () => {
  it('gets the categories that exist for them, no values, and can withdraw a consent that the coach then sees', async () => {
    const roermond = t.org.oost.municipalities.Roermond!;
    const { token, youngster } = await createYoungsterWithCard(t.db, roermond, t.org.michelle.id, { firstName: 'Vraagje', lastName: 'Privacyvan' });
    const [partner] = await t.db.insert(partners).values({ municipalityId: roermond, name: 'ROC Gilde' }).returning();
    const given = { youngsterId: youngster.id, givenAt: new Date('2026-11-20T10:00:00Z'), givenVia: 'in_person' as const, explanationVersion: '2026-12', recordedBy: t.org.michelle.id };
    await t.db.insert(consents).values([{ ...given, kind: 'cooperation' }, { ...given, kind: 'partner', partnerId: partner!.id, category: 'that' }]);
    const chat = await openChat(t.stack.app, token);
    await postChat(t.stack.app, token, chat.cookie, { text: 'hoi' });
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.youngsterId, youngster.id));
    await t.db.insert(conversationNotes).values({ conversationId: conv!.id, authorId: t.org.michelle.id, body: 'belt morgen terug' });

    await postChat(t.stack.app, token, chat.cookie, { text: 'Wat weten jullie van mij?' });
    const answer = await until(async () => (await shown(token, chat.cookie)).find((m) => m.body.startsWith('Dit bewaren we over jou')));
    expect(answer.body).toContain('je naam, adres en geboortedatum');
    expect(answer.body).toContain('aantekeningen van je jongerencoach');
    expect(answer.body).toContain('aan ROC Gilde laten weten dat je contact met ons hebt');
    expect(answer.body).not.toContain('wanneer we je probeerden te bereiken');
    expect(answer.body).not.toMatch(/Vraagje|Privacyvan|belt morgen/);
    expect(answer.menu!.map((m) => m.id)).toEqual(['consent_withdraw', 'optout', 'back']);

    await postChat(t.stack.app, token, chat.cookie, { choice: 'consent_withdraw' });
    const pick = await until(async () => (await shown(token, chat.cookie)).find((m) => m.body === 'Welke toestemming wil je intrekken?'));
    const partnerOption = pick.menu!.find((m) => m.label.includes('ROC Gilde'))!;
    await postChat(t.stack.app, token, chat.cookie, { choice: partnerOption.id });
    await until(async () => (await shown(token, chat.cookie)).some((m) => m.body.startsWith('Gedaan: je toestemming')));

    const rows = await t.db.select().from(consents).where(eq(consents.youngsterId, youngster.id));
    expect(rows.find((c) => c.kind === 'partner')).toMatchObject({ withdrawnVia: 'chat', withdrawnRecordedBy: null });
    expect(rows.find((c) => c.kind === 'partner')!.withdrawnAt).not.toBeNull();
    expect(rows.find((c) => c.kind === 'cooperation')!.withdrawnAt).toBeNull();
    const [event] = await t.db.select().from(events).where(and(eq(events.type, 'consent.withdrawn'), eq(events.subject, youngster.monitoringKey)));
    expect(event!.data).toEqual({ kind: 'partner', category: 'that', via: 'chat' });
    // The coach reads it in the thread, in words.
    const thread = await t.db.select().from(messages).where(eq(messages.conversationId, conv!.id));
    expect(thread.some((m) => m.direction === 'in' && m.body === 'aan ROC Gilde laten weten dat je contact met ons hebt')).toBe(true);
    expect(thread.some((m) => m.direction === 'out' && m.body.startsWith('Gedaan: je toestemming om aan ROC Gilde'))).toBe(true);
    // A consent id that is not theirs changes nothing.
    await postChat(t.stack.app, token, chat.cookie, { choice: 'cw:00000000-0000-4000-8000-000000000000' });
    const after = await t.db.select().from(consents).where(eq(consents.youngsterId, youngster.id));
    expect(after.filter((c) => c.withdrawnAt)).toHaveLength(1);
  });
});
