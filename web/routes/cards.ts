import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../db/client.js';
import { casemanagerCards } from '../../db/queries/cards.js';
import type { CardBatches } from '../domain/card-batches.js';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { postedJson, staffOf, uuidParam } from './route-helpers.js';

const backBody = { type: 'object', properties: { _csrf: { type: 'string' }, back: { type: 'string', maxLength: 200 } }, additionalProperties: false } as const;

/** Where to go after a card action: back to the page it came from, only ever a path of ours. */
function backTo(back: string | undefined): string {
  return back && /^\/(lists|inbox|cards)(\/[A-Za-z0-9/_-]*)?(#[a-z-]+)?$/.test(back) ? back : '/cards';
}

/**
 * One card's actions, for the team that serves its municipality: delivered
 * (the casemanager put it in the letterbox), made again (a misprint, same
 * keys), revoked (lost: the old link stops, a new card is made).
 */
export const cardRoutes: FastifyPluginAsync<{ database: Database; cardBatches: CardBatches }> = async (app, deps) => {
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('casemanager', 'coordinator', 'admin'));
  const opts = { preHandler: app.csrfProtection, bodyLimit: 4096, schema: { params: uuidParam, body: backBody } };
  const audited = (action: string) => ({ ...opts, config: { audit: { action, object: 'card' } } });

  // "My cards": where to go with which card (step 2: the letterbox), and one click when it is in.
  app.get('/cards', { config: { audit: { action: 'cards.mine' } } }, async (req, reply) => {
    const staff = staffOf(req);
    const mine = await casemanagerCards(deps.database.db, staff.teamId, staff.id);
    reply.header('cache-control', 'no-store');
    return reply.view('staff/my-cards.eta', { staff, csrf: reply.csrfToken(), cards: mine });
  });

  app.post<{ Params: { id: string }; Body: { back?: string } }>('/cards/:id/delivered', audited('card.delivered'), async (req, reply) => {
    const changed = await deps.cardBatches.markDelivered(staffOf(req), [req.params.id]);
    if (postedJson(req)) return reply.send({ delivered: changed });
    return reply.redirect(backTo(req.body?.back), 303);
  });

  app.post<{ Params: { id: string }; Body: { back?: string } }>('/cards/:id/regenerate', audited('card.regenerate'), async (req, reply) => {
    const batch = await deps.cardBatches.regenerate(staffOf(req), req.params.id);
    if (postedJson(req)) return reply.send({ batchId: batch.id });
    return reply.redirect(backTo(req.body?.back), 303);
  });

  app.post<{ Params: { id: string }; Body: { back?: string } }>('/cards/:id/revoke', audited('card.revoke'), async (req, reply) => {
    const made = await deps.cardBatches.revoke(staffOf(req), req.params.id);
    if (postedJson(req)) return reply.send(made);
    return reply.redirect(backTo(req.body?.back), 303);
  });
};
