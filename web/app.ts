import { fastifySSE } from '@fastify/sse';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Env } from '../core/env.js';
import type { LiveBus } from '../core/live-bus.js';
import type { Logger } from '../core/logger.js';
import type { Queues } from '../core/queues.js';
import type { Database } from '../db/client.js';
import { telegramWebhookRoutes, webchatRoutes } from '../bot/http-routes.js';
import { authPlugin } from './plugins/auth.js';
import { auditPlugin } from './plugins/audit.js';
import { liveStreamsPlugin } from './plugins/live-streams.js';
import { registerErrorHandler } from './plugins/error-handler.js';
import { proxyWarningPlugin } from './plugins/proxy-warning.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { securityPlugin } from './plugins/security.js';
import { viewsPlugin } from './plugins/views.js';
import { accountRoutes } from './routes/account.js';
import { adminAccountsRoutes } from './routes/admin-accounts.js';
import { adminHandoverRoutes } from './routes/admin-handover.js';
import { adminTeamRoutes } from './routes/admin-team.js';
import { auditRoutes } from './routes/audit.js';
import { breachRoutes } from './routes/breaches.js';
import { inviteRoutes } from './routes/invite.js';
import { totpRoutes } from './routes/totp.js';
import { adminQueuesRoutes } from './routes/admin-queues.js';
import { adminWhatsAppRoutes } from './routes/admin-whatsapp.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { conversationActionRoutes } from './routes/conversation-actions.js';
import { inboxRoutes } from './routes/inbox.js';
import { metricsRoutes } from './routes/metrics.js';
import { youngsterRoutes } from './routes/youngster.js';
import { consentRoutes } from './routes/consents.js';
import { optOutRoutes } from './routes/opt-out.js';
import { adminPartnersRoutes } from './routes/admin-partners.js';
import { adminVisitTypesRoutes } from './routes/admin-visit-types.js';
import { availabilityRoutes } from './routes/availability.js';
import { adminCardRoutes } from './routes/admin-cards.js';
import { adminExitRoutes } from './routes/admin-exit.js';
import { adminRetentionRoutes } from './routes/admin-retention.js';
import { privacyRoutes } from './routes/privacy.js';
import { calendarRoutes } from './routes/calendar.js';
import { reportRoutes } from './routes/reports.js';
import { calendarFeedRoutes } from './routes/calendar-feed.js';
import { cardRoutes } from './routes/cards.js';
import { listRoutes } from './routes/lists.js';
import type { HttpChannels, WebServices } from './services.js';

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
  interface FastifyContextConfig {
    /** Marks a route that needs no staff login (youngster pages, login, health). Everything else must. */
    public?: boolean;
    /** Marks a route that shows, exports or changes personal data: each use leaves an audit_log entry (plugins/audit.ts). */
    audit?: AuditSpec;
  }
}

/**
 * What an audited route records: its action (e.g. 'conversation.view') and which path
 * parameter names the object (its kind in object_type). Never content.
 */
export interface AuditSpec {
  action: string;
  /** The kind of object `req.params.id` is ('conversation', 'youngster', 'import', ...); none for a list or a sign-in. */
  object?: string;
}
export interface RouteEntry {
  method: string;
  url: string;
  public: boolean;
  audit: AuditSpec | null;
}

export interface AppDeps {
  env: Pick<Env, 'appEnv' | 'secretKey' | 'secureCookies' | 'trustProxy' | 'publicUrl' | 'telegram' | 'whatsapp' | 'metricsToken' | 'queuePrefix' | 'rateLimits'> & Partial<Pick<Env, 'requireAdminTotp'>>;
  database: Database;
  redis: Redis;
  queues: Queues;
  liveBus: LiveBus;
  logger: Logger;
  /** Built by bin/services.ts (buildWebApp), like everything the app is given. */
  services: WebServices;
  channels: HttpChannels;
}

/**
 * Builds the HTTP app - the staff web app and the youngster-facing HTTP
 * channels - without listening, so tests can `inject()` or listen on port 0.
 * Order: infrastructure plugins, then routes (on the services they are given).
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: deps.env.trustProxy,
    bodyLimit: 256 * 1024,
    // Mistyped or mangled card links must reach the friendly "link does not work" page, not a bare 414.
    routerOptions: { maxParamLength: 512 },
    ajv: { customOptions: { allErrors: false, coerceTypes: false } },
  });

  // Every registered route, for the access-control test that walks them all.
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routeTable.push({ method, url: route.url, public: route.config?.public === true, audit: route.config?.audit ?? null });
    }
  });

  // Infrastructure
  await app.register(proxyWarningPlugin, { trustProxy: deps.env.trustProxy });
  await app.register(securityPlugin, { secretKey: deps.env.secretKey, secureCookies: deps.env.secureCookies });
  await app.register(rateLimitPlugin, { redis: deps.redis, prefix: deps.env.queuePrefix, limits: deps.env.rateLimits });
  await app.register(viewsPlugin, { cache: deps.env.appEnv === 'production' });
  await app.register(fastifySSE, { heartbeatInterval: 25_000 });
  await app.register(liveStreamsPlugin);
  const requireAdminTotp = deps.env.requireAdminTotp ?? false;
  await app.register(authPlugin, { database: deps.database, requireAdminTotp });
  // After auth (it needs req.staff): one audit_log entry per use of a route with config.audit.
  await app.register(auditPlugin, { database: deps.database });
  registerErrorHandler(app);

  // Routes
  const { services, channels } = deps;
  await app.register(healthRoutes, { database: deps.database, redis: deps.redis });
  await app.register(webchatRoutes, {
    database: deps.database,
    dialogue: channels.dialogue,
    liveBus: deps.liveBus,
    secureCookies: deps.env.secureCookies,
    publicUrl: deps.env.publicUrl,
    links: {
      telegramUsername: deps.env.telegram?.username ?? null,
      whatsappNumber: deps.env.whatsapp?.number ?? null,
    },
  });
  if (channels.telegramWebhook) await app.register(telegramWebhookRoutes, channels.telegramWebhook);
  await app.register(authRoutes, { login: services.login, secureCookies: deps.env.secureCookies, publicUrl: deps.env.publicUrl });
  await app.register(adminWhatsAppRoutes, { pairing: channels.pairing });
  await app.register(adminQueuesRoutes, { queues: deps.queues });
  await app.register(metricsRoutes, {
    database: deps.database,
    queues: deps.queues,
    token: deps.env.metricsToken,
    production: deps.env.appEnv === 'production',
  });
  await app.register(accountRoutes, { database: deps.database, absence: services.absence });
  await app.register(adminAccountsRoutes, { database: deps.database, publicUrl: deps.env.publicUrl, accounts: services.accounts });
  await app.register(adminTeamRoutes, { settings: services.teamSettings });
  await app.register(adminHandoverRoutes, { handover: services.municipalityHandover });
  await app.register(inviteRoutes, { database: deps.database, login: services.login, requireAdminTotp });
  await app.register(totpRoutes, { database: deps.database, totp: services.totp, requireAdminTotp });
  await app.register(auditRoutes, { database: deps.database });
  await app.register(breachRoutes, { database: deps.database, breaches: services.breaches });
  await app.register(inboxRoutes, { database: deps.database, replies: services.replies, retry: services.retry, liveBus: deps.liveBus });
  await app.register(youngsterRoutes, { database: deps.database, records: services.youngsterRecords });
  await app.register(consentRoutes, { database: deps.database, consents: services.consents });
  await app.register(optOutRoutes, { optOut: services.staffOptOut });
  await app.register(adminPartnersRoutes, { partners: services.partnerAdmin });
  await app.register(adminVisitTypesRoutes, { visitTypes: services.visitTypeAdmin });
  await app.register(availabilityRoutes, { database: deps.database, availability: services.availability });
  await app.register(conversationActionRoutes, { database: deps.database, actions: services.conversationActions });
  await app.register(listRoutes, { database: deps.database, listImport: services.listImport, uploads: services.listUploads, cardBatches: services.cardBatches });
  await app.register(cardRoutes, { database: deps.database, cardBatches: services.cardBatches });
  await app.register(adminCardRoutes, { branding: services.cardBranding });
  await app.register(adminRetentionRoutes, { retention: services.retentionSettings });
  await app.register(adminExitRoutes, { exit: services.municipalityExit });
  await app.register(privacyRoutes, { accessExport: services.accessExport });
  await app.register(calendarRoutes, { visits: services.visitsStaff });
  await app.register(calendarFeedRoutes, { feed: services.calendarFeed, publicUrl: deps.env.publicUrl });
  await app.register(reportRoutes, { reports: services.monitoringReport });

  return app;
}
