import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { Database } from '../../db/client.js';
import { cleanCode, type Totp } from '../domain/totp.js';
import { homeOf } from '../domain/login.js';
import { requireStaff } from '../plugins/auth.js';
import { uiOf } from '../plugins/views.js';
import { staffOf } from './route-helpers.js';

export interface TotpDeps {
  database: Database;
  totp: Totp;
  requireAdminTotp: boolean;
}

function fieldsOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/**
 * Setting up the TOTP second factor (any role, own account): the page shows a
 * new secret as QR code and text; it is stored (sealed) only once a first code
 * from the app is right. Turning it off needs a current code too.
 */
export const totpRoutes: FastifyPluginAsync<TotpDeps> = async (app, deps) => {
  app.addHook('onRequest', requireStaff);

  async function render(
    req: FastifyRequest,
    reply: FastifyReply,
    error: string | null,
    setup?: { secret: string; sealedSetup: string; uri: string },
  ) {
    const staff = staffOf(req);
    reply.header('cache-control', 'no-store');
    const required = deps.requireAdminTotp && staff.role === 'admin';
    if (staff.totpEnabled) {
      return reply.view('staff/totp-setup.eta', { staff, csrf: reply.csrfToken(), enabled: true, required, error, setup: null, qrSvg: null });
    }
    const s = setup ?? deps.totp.newSetup(staff.id, staff.email);
    const qrSvg = await QRCode.toString(s.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
    return reply.view('staff/totp-setup.eta', {
      staff,
      csrf: reply.csrfToken(),
      enabled: false,
      required,
      error,
      setup: { secret: s.secret.replace(/(.{4})/g, '$1 ').trim(), sealedSetup: s.sealedSetup },
      qrSvg,
    });
  }

  app.get('/account/totp', async (req, reply) => render(req, reply, null));

  app.post('/account/totp', { preHandler: app.csrfProtection }, async (req, reply) => {
    const staff = staffOf(req);
    if (staff.totpEnabled) return reply.redirect('/account/totp', 303);
    const fields = fieldsOf(req.body);
    const opened = deps.totp.openSetup(staff.id, fields.setup);
    if (!opened) return render(req, reply.code(400), uiOf(req).t('totp.expired'));
    const sealedSetup = fields.setup as string;
    const keep = { secret: opened.secret, sealedSetup, uri: opened.uri(staff.email) };
    const code = cleanCode(fields.code);
    if (!code) return render(req, reply.code(400), uiOf(req).t('totp.codeMissing'), keep);
    if (!(await deps.totp.enable(staff.id, opened.secret, code))) {
      return render(req, reply.code(400), uiOf(req).t('totp.codeWrong'), keep);
    }
    return reply.redirect(`${homeOf(staff.role)}`, 303);
  });

  app.post('/account/totp/disable', { preHandler: app.csrfProtection }, async (req, reply) => {
    const staff = staffOf(req);
    if (!staff.totpEnabled) return reply.redirect('/account/totp', 303);
    if (deps.requireAdminTotp && staff.role === 'admin') {
      return render(req, reply.code(400), uiOf(req).t('totp.cannotDisable'));
    }
    const code = cleanCode(fieldsOf(req.body).code);
    if (!code || !(await deps.totp.disable(staff.id, code))) {
      return render(req, reply.code(400), uiOf(req).t('totp.disableWrong'));
    }
    return reply.redirect('/account/totp', 303);
  });
};
