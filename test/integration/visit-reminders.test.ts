import type { Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminderJobId, type ReminderJob } from '../../core/queues.js';
import type { Slot } from '../../core/slots.js';
import { bookVisit, cancelVisit, moveVisit } from '../../db/queries/visits.js';
import { channelContacts, conversations, messages } from '../../db/schema/index.js';
import { createReminderProcessor, createReminderSweep } from '../../worker/reminder-processor.js';
import { createYoungsterWithCard, twoTeams } from '../helpers/fixtures.js';
import { isolated, type Isolated } from '../helpers/isolated.js';

/**
 * A visit's reminders without waiting a day: the processor and the sweep called
 * directly, with the moments they act on given. Sent once, only for a visit
 * still booked at the start it was made for, and re-created when Redis lost them.
 */
let iso: Isolated;
let org: Awaited<ReturnType<typeof twoTeams>>;
const db = () => iso.ctx.database.db;
beforeAll(async () => {
  iso = await isolated();
  org = await twoTeams(db());
});
afterAll(async () => iso?.destroy());

const START = new Date('2030-03-05T13:00:00Z'); // a Tuesday, 14:00 in Amsterdam
let booked = 0;
const slotAt = (start: Date): Slot => ({ startsAt: start, endsAt: new Date(start.getTime() + 45 * 60_000), staffIds: [org.michelle.id] });

/** A card holder who wrote once (so a reminder has somewhere to go), with a booked office visit. */
async function bookedYoungster(name: string) {
  const { youngster } = await createYoungsterWithCard(db(), org.oost.municipalities.Roermond!, org.michelle.id, { firstName: name });
  const [contact] = await db().insert(channelContacts).values({ channel: 'web', externalId: `dev-${name}`, youngsterId: youngster.id, municipalityId: org.oost.municipalities.Roermond! }).returning();
  const [conv] = await db().insert(conversations).values({ municipalityId: org.oost.municipalities.Roermond!, youngsterId: youngster.id }).returning();
  await db().insert(messages).values({ conversationId: conv!.id, contactId: contact!.id, channel: 'web', direction: 'in', body: 'hoi', status: 'routed' });
  // One visit a week apart per youngster (a move adds a day): Michelle is never booked twice at once.
  const start = new Date(START.getTime() + ++booked * 7 * 24 * 3600_000);
  const { visitId } = await db().transaction((tx) =>
    bookVisit(tx, { youngsterId: youngster.id, municipalityId: org.oost.municipalities.Roermond!, type: 'office', slot: slotAt(start), place: null, bookedVia: 'chat', createdBy: null, now: new Date('2030-01-01T00:00:00Z') }),
  );
  return { youngster, contactId: contact!.id, conversationId: conv!.id, visitId, start };
}

const run = (data: ReminderJob, id = `remind-${data.visitId}-${data.kind}`) =>
  createReminderProcessor({ database: iso.ctx.database, queues: iso.ctx.queues, logger: iso.ctx.logger })({ id, data } as Job<ReminderJob>);
const reminders = async (conversationId: string) => (await db().select().from(messages).where(eq(messages.conversationId, conversationId))).filter((m) => m.kind === 'bot');

describe('visit reminders', () => {
  it('are scheduled 24 h and 2 h before, in plain words, and a second run of the same job writes nothing', async () => {
    const v = await bookedYoungster('Herinner');
    const n = await iso.ctx.queues.scheduleReminders({ id: v.visitId, startsAt: v.start }, new Date(v.start.getTime() - 3 * 24 * 3600_000));
    expect(n).toBe(2);
    const day = await iso.ctx.queues.reminders.getJob(reminderJobId(v.visitId, '24h', v.start));
    expect(day!.opts.delay).toBe(2 * 24 * 3600_000);
    const job = { visitId: v.visitId, kind: '24h' as const, startsAt: v.start.toISOString() };
    expect(await run(job)).toEqual({ sent: true });
    expect(await run(job)).toEqual({ sent: false });
    const sent = await reminders(v.conversationId);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatch(/^Even een herinnering: morgen hebben we een afspraak, [a-z]+dag \d+ [a-z]+, \d\d:\d\d \(op kantoor\)/);
    expect(sent[0]!.status).toBe('queued');
  });

  it('do nothing for a moved or cancelled visit, or for a youngster who opted out', async () => {
    const moved = await bookedYoungster('Verzet');
    const later = new Date(moved.start.getTime() + 24 * 3600_000);
    await db().transaction((tx) => moveVisit(tx, moved.visitId, slotAt(later)));
    expect(await run({ visitId: moved.visitId, kind: '2h', startsAt: moved.start.toISOString() })).toEqual({ sent: false });
    expect(await run({ visitId: moved.visitId, kind: '2h', startsAt: later.toISOString() })).toEqual({ sent: true });

    const cancelled = await bookedYoungster('Afgezegd');
    await db().transaction((tx) => cancelVisit(tx, cancelled.visitId, null));
    expect(await run({ visitId: cancelled.visitId, kind: '2h', startsAt: cancelled.start.toISOString() })).toEqual({ sent: false });

    const stopped = await bookedYoungster('Gestopt');
    await db().update(channelContacts).set({ optedOutAt: new Date() }).where(eq(channelContacts.id, stopped.contactId));
    expect(await run({ visitId: stopped.visitId, kind: '2h', startsAt: stopped.start.toISOString() })).toEqual({ sent: false });
    expect(await reminders(stopped.conversationId)).toHaveLength(0);
  });

  it('are re-created by the sweep when Redis lost them, once', async () => {
    const v = await bookedYoungster('Verloren');
    const now = new Date(v.start.getTime() - 3 * 24 * 3600_000);
    await iso.ctx.queues.reminders.obliterate({ force: true });
    const sweep = createReminderSweep({ database: iso.ctx.database, queues: iso.ctx.queues, logger: iso.ctx.logger, now: () => now });
    expect(await sweep()).toBeGreaterThanOrEqual(2);
    for (const kind of ['24h', '2h'] as const) expect(await (await iso.ctx.queues.reminders.getJob(reminderJobId(v.visitId, kind, v.start)))?.getState()).toBe('delayed');
    const count = await iso.ctx.queues.reminders.getJobCountByTypes('delayed');
    await sweep();
    expect(await iso.ctx.queues.reminders.getJobCountByTypes('delayed')).toBe(count);
  });
});
