import type { FastifyInstance } from 'fastify';
import { buildApp } from '../web/app.js';
import { createAbsence } from '../web/domain/absence.js';
import { createAccounts } from '../web/domain/accounts.js';
import { createBreaches } from '../web/domain/breaches.js';
import { createCalendarFeed } from '../web/domain/calendar-feed.js';
import { createVisitsStaff } from '../web/domain/visits-staff.js';
import { createMonitoringReport } from '../web/domain/monitoring-report.js';
import { createCardBatches } from '../web/domain/card-batches.js';
import { createCardBranding } from '../web/domain/card-branding.js';
import { createAccessExport } from '../web/domain/access-export.js';
import { createMunicipalityExit } from '../web/domain/municipality-exit.js';
import { createRetentionSettings } from '../web/domain/retention-settings.js';
import { createListImport } from '../web/domain/list-import.js';
import { createListUploads } from '../web/domain/list-uploads.js';
import { createConversationActions } from '../web/domain/conversation-actions.js';
import { createLogin } from '../web/domain/login.js';
import { createMunicipalityHandover } from '../web/domain/municipality-handover.js';
import type { PasswordHasher } from '../web/domain/password-hasher.js';
import { createReplies } from '../web/domain/replies.js';
import { createRetry } from '../web/domain/retry.js';
import { createTeamSettings } from '../web/domain/team-settings.js';
import { createTotp } from '../web/domain/totp.js';
import { createYoungsterRecords } from '../web/domain/youngster-records.js';
import { createStaffOptOut } from '../web/domain/staff-opt-out.js';
import { createConsents } from '../web/domain/consents.js';
import { createPartnerAdmin } from '../web/domain/partners.js';
import { createAvailability } from '../web/domain/availability.js';
import { createVisitTypeAdmin } from '../web/domain/visit-types.js';
import type { WebServices } from '../web/services.js';
import { buildChannels, type ChannelOptions } from './channels.js';
import type { Context } from './context.js';

export interface ServiceOptions extends ChannelOptions {
  /** Defaults to argon2id; tests count its calls. */
  passwordHasher?: PasswordHasher;
}

/**
 * Every service of a process, built once from its context: the youngster
 * channels (dialogue, senders, Telegram, WhatsApp) and the staff app's domain
 * services. The entry points, the tests and the benchmark all build them
 * here; nothing below bin/ constructs a service of another part.
 */
export function buildServices(ctx: Context, opts: ServiceOptions = {}) {
  const channels = buildChannels(ctx, opts);
  const { database, liveBus, queues, logger, env } = ctx;
  const totp = createTotp({ database, secretKey: env.secretKey });
  const web: WebServices = {
    login: createLogin({ database, totp, hasher: opts.passwordHasher }),
    totp,
    replies: createReplies({ database, queues, logger }),
    retry: createRetry({ database, queues, logger }),
    conversationActions: createConversationActions({ database, liveBus }),
    accounts: createAccounts({ database }),
    absence: createAbsence({ database }),
    teamSettings: createTeamSettings({ database }),
    municipalityHandover: createMunicipalityHandover({ database, liveBus }),
    youngsterRecords: createYoungsterRecords({ database, liveBus }),
    staffOptOut: createStaffOptOut({ database, queues, liveBus, logger, erasure: ctx.erasure }),
    consents: createConsents({ database, liveBus }),
    partnerAdmin: createPartnerAdmin({ database }),
    availability: createAvailability({ database }),
    visitTypeAdmin: createVisitTypeAdmin({ database }),
    listImport: createListImport({ database, suppressionKeys: env.suppressionKeys }),
    listUploads: createListUploads({ redis: ctx.redis, prefix: env.queuePrefix, secretKey: env.secretKey }),
    cardBranding: createCardBranding({ database }),
    retentionSettings: createRetentionSettings({ database }),
    municipalityExit: createMunicipalityExit({ database, queues, logger }),
    accessExport: createAccessExport({ database }),
    breaches: createBreaches({ database }),
    visitsStaff: createVisitsStaff({ database, liveBus, queues, logger }),
    calendarFeed: createCalendarFeed({ database }),
    monitoringReport: createMonitoringReport({ database }),
    cardBatches: createCardBatches({ database, queues, logger, pdfDir: env.cards.pdfDir, keepDays: env.cards.keepDays }),
  };
  return { channels, web };
}
export type Services = ReturnType<typeof buildServices>;

/**
 * The HTTP app on the process's services, not listening yet. Tests that only
 * need the HTTP side leave `services` out: they are built here the same way.
 */
export function buildWebApp(ctx: Context, services: Services = buildServices(ctx)): Promise<FastifyInstance> {
  return buildApp({ ...ctx, services: services.web, channels: services.channels });
}
