import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cards, channelContacts, youngsters } from '../../db/schema/index.js';
import { demoSummary, seedDemo } from '../../db/seed/demo.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

let iso: Isolated;
beforeAll(async () => {
  iso = await isolated();
});
afterAll(async () => iso?.destroy());

async function cardOf(firstName: string) {
  const db = iso.ctx.database.db;
  const [row] = await db
    .select({ youngsterId: youngsters.id, cardId: cards.id })
    .from(youngsters)
    .innerJoin(cards, eq(cards.youngsterId, youngsters.id))
    .where(eq(youngsters.firstName, firstName));
  return row!;
}

describe('the demo card list', () => {
  it('never offers the card of a youngster who opted out, through any of their contacts', async () => {
    const db = iso.ctx.database.db;
    const before = await seedDemo(db, 'not-a-real-hash');
    expect(before.cards.map((c) => c.youngster)).toEqual(expect.arrayContaining(['Sigfrid', 'Noor', 'Jayden']));

    // Sigfrid opted out on Telegram (contact linked to the youngster); Noor in a browser known only by the card.
    const sigfrid = await cardOf('Sigfrid');
    const noor = await cardOf('Noor');
    const jayden = await cardOf('Jayden');
    await db.insert(channelContacts).values([
      { channel: 'web', externalId: 'sigfrid-web', youngsterId: sigfrid.youngsterId, cardId: sigfrid.cardId },
      { channel: 'telegram', externalId: 'sigfrid-tg', youngsterId: sigfrid.youngsterId, optedOutAt: new Date() },
      { channel: 'web', externalId: 'noor-web', cardId: noor.cardId, optedOutAt: new Date() },
      // Jayden chats and has not said no: his card stays.
      { channel: 'web', externalId: 'jayden-web', youngsterId: jayden.youngsterId, cardId: jayden.cardId },
    ]);

    const after = (await demoSummary(db)).cards.map((c) => c.youngster);
    expect(after).not.toContain('Sigfrid');
    expect(after).not.toContain('Noor');
    expect(after).toContain('Jayden');
    expect(after).toHaveLength(before.cards.length - 2);
  });
});
