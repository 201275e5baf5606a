import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cards, channelContacts, conversations, events, messages, youngsters } from '../../db/schema/index.js';
import { buildWebApp } from '../../bin/services.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { openChat, postChat } from '../helpers/http.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
beforeAll(async () => {
  iso = await isolated();
});
afterAll(async () => iso?.destroy());

describe('the data model keeps erasure one small, complete operation', () => {
  it('deleting a youngster removes every personal row and leaves anonymous events that hold no text', async () => {
    const db = iso.ctx.database.db;
    const app = await buildWebApp(iso.ctx);
    const org = await twoTeams(db);
    const { token, youngster } = await createYoungsterWithCard(db, org.oost.municipalities.Roermond!, org.michelle.id, {
      firstName: 'Uniekenaam',
    });
    await app.inject({ method: 'GET', url: `/k/${token}` });
    const chat = await openChat(app, token);
    await postChat(app, token, chat.cookie, { text: 'geheim-bericht-123' });
    await app.close();

    await db.delete(youngsters).where(eq(youngsters.id, youngster.id));

    expect(await db.select().from(cards).where(eq(cards.youngsterId, youngster.id))).toHaveLength(0);
    expect(await db.select().from(channelContacts).where(eq(channelContacts.youngsterId, youngster.id))).toHaveLength(0);
    expect(await db.select().from(conversations).where(eq(conversations.youngsterId, youngster.id))).toHaveLength(0);
    expect(await db.select().from(messages).where(eq(messages.body, 'geheim-bericht-123'))).toHaveLength(0);

    const left = await db.select().from(events).where(eq(events.subject, youngster.monitoringKey));
    expect(left.map((e) => e.type).sort()).toEqual(['card.scanned', 'contact.linked', 'message.received']);
    // Nothing in the whole event table reveals the person or their words.
    const dump = JSON.stringify(await db.execute(sql`select * from events`));
    expect(dump).not.toContain('geheim-bericht-123');
    expect(dump).not.toContain('Uniekenaam');
    expect(dump).not.toContain(token);
  });
});
