import type { FastifyPluginAsync } from 'fastify';
import QRCode from 'qrcode';
import type { PairingStore } from '../../bot/channels/whatsapp/pairing-store.js';
import { requireStaff } from '../plugins/auth.js';

const STATUS_TEXT: Record<string, string> = {
  open: 'Verbonden: WhatsApp-berichten komen binnen en gaan uit.',
  connecting: 'Bezig met verbinden…',
  closed: 'Niet verbonden. De worker probeert het opnieuw.',
  logged_out: 'Uitgelogd op de telefoon. Koppel opnieuw met de QR-code hieronder.',
  not_running: 'De WhatsApp-verbinding draait niet (geen worker, of een andere instantie heeft het account).',
};

/**
 * Pairing the municipality's WhatsApp number, for admins only: the QR the
 * worker's socket produced, rendered here with the qrcode package. The page
 * refreshes itself while pairing, because a QR code lives about a minute.
 */
export const adminWhatsAppRoutes: FastifyPluginAsync<{ pairing: PairingStore | null }> = async (app, deps) => {
  app.addHook('onRequest', requireStaff);
  app.addHook('onRequest', async (req, reply) => {
    if (req.staff?.role !== 'admin') return reply.code(403).send({ error: 'forbidden', message: 'Alleen voor beheerders.' });
  });

  app.get('/admin/whatsapp', async (req, reply) => {
    const state = deps.pairing ? await deps.pairing.read() : null;
    const qrSvg = state?.qr ? await QRCode.toString(state.qr, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) : null;
    reply.header('cache-control', 'no-store');
    if (qrSvg) reply.header('refresh', '15');
    return reply.view('staff/admin-whatsapp.eta', {
      staff: req.staff,
      csrf: reply.generateCsrf(),
      configured: deps.pairing !== null,
      statusText: state ? (STATUS_TEXT[state.status] ?? state.status) : null,
      qrSvg,
    });
  });
};
