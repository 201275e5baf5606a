import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, events, messages, staffUsers } from '../../db/schema/index.js';
import { createStaff, createTeam, createYoungsterWithCard } from '../helpers/fixtures.js';
import { openChat, postChat, until } from '../helpers/http.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let t: TestStack;
let iso: TestStack['iso'];
let stack: TestStack['stack'];
let org: TestStack['org'];

beforeAll(async () => {
  t = await startTestStack();
  ({ iso, stack, org } = t);
});
afterAll(async () => t?.close());

const db = () => iso.ctx.database.db;

/** A youngster writes through their card; resolves when the routing worker has handled it. */
async function write(token: string, text: string) {
  const chat = await openChat(stack.app, token);
  const res = await postChat(stack.app, token, chat.cookie, { text });
  const id = res.json().message.id as string;
  const m = await until(async () => {
    const [row] = await db().select().from(messages).where(eq(messages.id, id));
    return row?.status === 'routed' ? row : null;
  });
  const [conv] = await db().select().from(conversations).where(eq(conversations.id, m.conversationId));
  const all = await db().select().from(events).where(and(eq(events.type, 'conversation.routed'), eq(events.conversationId, m.conversationId)));
  return { conv: conv!, last: all.at(-1)! };
}

describe('routing over the real worker, each decision recorded with its reason', () => {
  it('card coach first; then sticky with whoever took over', async () => {
    const { token } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id);
    const first = await write(token, 'hoi');
    expect(first.conv.assignedTo).toBe(org.michelle.id);
    expect(first.last.data).toMatchObject({ reason: 'card', changed: true });

    // A colleague took over (warm handover): the youngster stays with them.
    await db().update(conversations).set({ assignedTo: org.yusuf.id }).where(eq(conversations.id, first.conv.id));
    const again = await write(token, 'ben je er nog?');
    expect(again.conv.assignedTo).toBe(org.yusuf.id);
    expect(again.last.data).toMatchObject({ reason: 'sticky', changed: false });
    expect(again.last.actorStaffId).toBe(org.yusuf.id);
  });

  it('a deactivated card coach: the least-loaded available casemanager of the serving team', async () => {
    const team = await createTeam(db(), 'Team Noord', ['Echt-Susteren']);
    const gone = await createStaff(db(), team.teamId, { email: 'gone@noord.test', firstName: 'Weg', active: false });
    const a = await createStaff(db(), team.teamId, { email: 'a@noord.test', firstName: 'Anna' });
    const b = await createStaff(db(), team.teamId, { email: 'b@noord.test', firstName: 'Bas' });
    // "busy" is the one an id tie-break would choose, so a load count that counts nothing fails here every time.
    const [busy, free] = a.id.localeCompare(b.id) < 0 ? [a, b] : [b, a];
    const municipality = team.municipalities['Echt-Susteren']!;
    // Give "busy" an open conversation so "free" has the lighter load.
    const other = await createYoungsterWithCard(db(), municipality, busy.id);
    await write(other.token, 'eerste');
    const { token } = await createYoungsterWithCard(db(), municipality, gone.id);
    const routed = await write(token, 'hallo');
    expect(routed.conv.assignedTo).toBe(free.id);
    expect(routed.last.data).toMatchObject({ reason: 'least_loaded' });
  });

  it('nobody available: the team coordinator queue (unassigned), visible to the whole team', async () => {
    const team = await createTeam(db(), 'Team Zuid', ['Roerdalen']);
    const coordinator = await createStaff(db(), team.teamId, { email: 'coord@zuid.test', firstName: 'Coord', role: 'coordinator' });
    const away = await createStaff(db(), team.teamId, { email: 'away@zuid.test', firstName: 'Away' });
    await db().update(staffUsers).set({ active: false }).where(eq(staffUsers.id, away.id));
    const { token } = await createYoungsterWithCard(db(), team.municipalities.Roerdalen!, away.id);
    const routed = await write(token, 'is daar iemand?');
    expect(routed.conv.assignedTo).toBeNull();
    expect(routed.last.data).toMatchObject({ reason: 'unassigned' });
    expect(coordinator.role).toBe('coordinator');
  });
});
