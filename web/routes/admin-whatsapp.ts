import type { FastifyPluginAsync } from 'fastify';
import QRCode from 'qrcode';
import { requireRole, requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';

const STATUSES = ['open', 'connecting', 'closed', 'logged_out', 'not_running'] as const;
const isStatus = (s: string): s is (typeof STATUSES)[number] => (STATUSES as readonly string[]).includes(s);

/** What this page reads of the WhatsApp channel (its pairing store in bot/channels/whatsapp). */
export interface WhatsAppPairingView {
  read(): Promise<{ status: string; qr: string | null }>;
}

/**
 * Pairing the municipality's WhatsApp number, for admins only: the QR the
 * worker's socket produced, rendered here with the qrcode package. The page
 * refreshes itself while pairing, because a QR code lives about a minute.
 */
export const adminWhatsAppRoutes: FastifyPluginAsync<{ pairing: WhatsAppPairingView | null }> = async (app, deps) => {
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', requireRole('admin'));

  app.get('/admin/whatsapp', async (req, reply) => {
    const state = deps.pairing ? await deps.pairing.read() : null;
    const qrSvg = state?.qr ? await QRCode.toString(state.qr, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) : null;
    reply.header('cache-control', 'no-store');
    if (qrSvg) reply.header('refresh', '15');
    return reply.view('staff/admin-whatsapp.eta', {
      staff: req.staff,
      csrf: reply.csrfToken(),
      configured: deps.pairing !== null,
      statusText: state ? (isStatus(state.status) ? uiOf(req).t(`whatsapp.status.${state.status}`) : state.status) : null,
      qrSvg,
    });
  });
};
