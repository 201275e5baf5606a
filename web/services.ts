import type { InboundHandler } from '../core/channel.js';
import type { TelegramWebhook } from '../bot/http-routes.js';
import type { AbsenceService } from './domain/absence.js';
import type { Breaches } from './domain/breaches.js';
import type { CalendarFeed } from './domain/calendar-feed.js';
import type { VisitsStaff } from './domain/visits-staff.js';
import type { MonitoringReports } from './domain/monitoring-report.js';
import type { CardBatches } from './domain/card-batches.js';
import type { CardBranding } from './domain/card-branding.js';
import type { AccessExport } from './domain/access-export.js';
import type { MunicipalityExit } from './domain/municipality-exit.js';
import type { RetentionSettingsService } from './domain/retention-settings.js';
import type { ListImport } from './domain/list-import.js';
import type { ListUploads } from './domain/list-uploads.js';
import type { Accounts } from './domain/accounts.js';
import type { ConversationActions } from './domain/conversation-actions.js';
import type { Login } from './domain/login.js';
import type { MunicipalityHandover } from './domain/municipality-handover.js';
import type { Replies } from './domain/replies.js';
import type { Retry } from './domain/retry.js';
import type { TeamSettingsService } from './domain/team-settings.js';
import type { Totp } from './domain/totp.js';
import type { YoungsterRecords } from './domain/youngster-records.js';
import type { Consents } from './domain/consents.js';
import type { StaffOptOut } from './domain/staff-opt-out.js';
import type { PartnerAdmin } from './domain/partners.js';
import type { AvailabilityService } from './domain/availability.js';
import type { VisitTypeAdmin } from './domain/visit-types.js';
import type { WhatsAppPairingView } from './routes/admin-whatsapp.js';

/**
 * What the HTTP app is given to work with: the staff app's domain services and
 * the parts of the youngster channels it mounts. Built by bin/services.ts - only
 * bin/ builds services; buildApp and its route plugins receive them.
 */
export interface WebServices {
  login: Login;
  totp: Totp;
  replies: Replies;
  retry: Retry;
  conversationActions: ConversationActions;
  accounts: Accounts;
  absence: AbsenceService;
  teamSettings: TeamSettingsService;
  municipalityHandover: MunicipalityHandover;
  youngsterRecords: YoungsterRecords;
  consents: Consents;
  staffOptOut: StaffOptOut;
  partnerAdmin: PartnerAdmin;
  availability: AvailabilityService;
  visitTypeAdmin: VisitTypeAdmin;
  listImport: ListImport;
  listUploads: ListUploads;
  cardBatches: CardBatches;
  cardBranding: CardBranding;
  retentionSettings: RetentionSettingsService;
  municipalityExit: MunicipalityExit;
  accessExport: AccessExport;
  breaches: Breaches;
  visitsStaff: VisitsStaff;
  calendarFeed: CalendarFeed;
  monitoringReport: MonitoringReports;
}

export interface HttpChannels {
  /** Where everything a youngster sends enters (the dialogue service). */
  dialogue: InboundHandler;
  /** Webhook mode with a secret: the Telegram route's bot. */
  telegramWebhook: TelegramWebhook | null;
  /** WhatsApp configured: the pairing state the admin page shows. */
  pairing: WhatsAppPairingView | null;
}
