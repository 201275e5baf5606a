/**
 * Plain names of the audit log's actions and object kinds (web/app.ts
 * `config.audit`, web/domain/login.ts), Dutch and English, for the /audit page
 * and its CSV. An action without a name here is shown as its code, so a route
 * someone marks today is never hidden - but give it a name.
 */
export type AuditLanguage = 'nl' | 'en';

const actionsNl = {
  'staff.sign_in': 'Ingelogd',
  'staff.sign_in_failed': 'Inloggen mislukt',
  'staff.sign_out': 'Uitgelogd',
  'inbox.search': 'Gezocht in de inbox',
  'conversation.view': 'Gesprek bekeken',
  'conversation.canned': 'Standaardantwoord ingevuld',
  'conversation.reply': 'Antwoord gestuurd',
  'message.retry': 'Bericht opnieuw verstuurd',
  'note.add': 'Interne notitie geschreven',
  'conversation.assign': 'Gesprek toegewezen of overgedragen',
  'conversation.status': 'Status van gesprek veranderd',
  'conversation.urgent': 'Urgent-markering veranderd',
  'attempt.record': 'Contactpoging vastgelegd',
  'profile.change': 'Gegevens van jongere veranderd',
  'list.upload': 'Maandlijst geüpload',
  'list.preview': 'Voorvertoning maandlijst bekeken',
  'list.import': 'Maandlijst bijgewerkt of geïmporteerd',
  'list.result': 'Resultaat van import bekeken',
  'list.rejected_download': 'Afgekeurde regels gedownload',
  'cards.generate': 'Kaarten laten maken',
  'cards.delivered': 'Kaarten van een lijst bezorgd',
  'cards.download': 'Kaarten (PDF) gedownload',
  'cards.mine': 'Eigen kaarten bekeken',
  'card.delivered': 'Kaart bezorgd',
  'card.regenerate': 'Kaart opnieuw gemaakt',
  'card.revoke': 'Kaart ingetrokken',
  'card_design.change': 'Kaartontwerp gemeente veranderd',
  'coach_card.change': 'Kaartgegevens coach veranderd',
  'staff.create': 'Account aangemaakt',
  'staff.deactivate': 'Account uitgezet',
  'staff.reactivate': 'Account weer aangezet',
  'staff.totp_reset': 'Tweede stap gereset',
  'staff.invite': 'Nieuwe uitnodiging gemaakt',
  'municipality.handover': 'Gemeente overgedragen',
  'audit.view': 'Controleoverzicht bekeken',
  'audit.export': 'Controleoverzicht gedownload (CSV)',
  'breach.view': 'Datalek bekeken',
  'breach.change': 'Datalek vastgelegd of bijgewerkt',
  'consent.record': 'Toestemming vastgelegd',
  'consent.withdraw': 'Toestemming ingetrokken',
  'partners.change': 'Partnerlijst van gemeente veranderd',
  'youngster.opt_out': 'Afmelding vastgelegd (aan de deur, telefoon, brief)',
  'youngster.erase': 'Gegevens van jongere gewist',
  'youngster.search': 'Jongere gezocht voor een inzageverzoek',
  'youngster.export': 'Inzage-export gemaakt (AVG art. 15)',
  'retention.change': 'Bewaartermijnen veranderd',
  'municipality.exit_export': 'Exit-export van gemeente gedownload',
  'municipality.exit_erase': 'Gegevens van gemeente gewist (exit)',
  'calendar.view': 'Agenda bekeken',
  'report.view': 'Monitoring bekeken',
  'report.download': 'Monitoringcijfers gedownload',
  'visit.book': 'Afspraak gemaakt voor een jongere',
  'visit.propose': 'Afspraak voorgesteld in de chat van een jongere',
  'visit.result': 'Uitkomst van afspraak vastgelegd',
  'calendar_feed.change': 'Eigen agenda-koppeling gemaakt of gestopt',
  'availability.change': 'Eigen beschikbaarheid voor afspraken veranderd',
  'visit_types.change': 'Soorten afspraken van gemeente veranderd',
} as const;
export type AuditAction = keyof typeof actionsNl;
export const AUDIT_ACTIONS = Object.keys(actionsNl) as AuditAction[];

const actionsEn: Record<AuditAction, string> = {
  'staff.sign_in': 'Signed in',
  'staff.sign_in_failed': 'Sign-in failed',
  'staff.sign_out': 'Signed out',
  'inbox.search': 'Searched the inbox',
  'conversation.view': 'Viewed a conversation',
  'conversation.canned': 'Filled in a canned reply',
  'conversation.reply': 'Sent a reply',
  'message.retry': 'Sent a message again',
  'note.add': 'Wrote an internal note',
  'conversation.assign': 'Assigned or transferred a conversation',
  'conversation.status': 'Changed a conversation status',
  'conversation.urgent': 'Changed the urgent flag',
  'attempt.record': 'Recorded a contact attempt',
  'profile.change': "Changed a youngster's details",
  'list.upload': 'Uploaded a monthly list',
  'list.preview': 'Viewed a list preview',
  'list.import': 'Updated or imported a monthly list',
  'list.result': 'Viewed an import result',
  'list.rejected_download': 'Downloaded rejected rows',
  'cards.generate': 'Had cards made',
  'cards.delivered': "Marked a list's cards delivered",
  'cards.download': 'Downloaded cards (PDF)',
  'cards.mine': 'Viewed own cards',
  'card.delivered': 'Card delivered',
  'card.regenerate': 'Card made again',
  'card.revoke': 'Card revoked',
  'card_design.change': "Changed a municipality's card design",
  'coach_card.change': "Changed a coach's card details",
  'staff.create': 'Created an account',
  'staff.deactivate': 'Deactivated an account',
  'staff.reactivate': 'Reactivated an account',
  'staff.totp_reset': 'Reset a second factor',
  'staff.invite': 'Made a new invitation',
  'municipality.handover': 'Handed over a municipality',
  'audit.view': 'Viewed the audit overview',
  'audit.export': 'Downloaded the audit overview (CSV)',
  'breach.view': 'Viewed a data breach',
  'breach.change': 'Recorded or updated a data breach',
  'consent.record': 'Recorded a consent',
  'consent.withdraw': 'Withdrew a consent',
  'partners.change': "Changed a municipality's partner list",
  'youngster.opt_out': 'Recorded an opt-out (door, phone, letter)',
  'youngster.erase': "Erased a youngster's data",
  'youngster.search': 'Searched a youngster for an access request',
  'youngster.export': 'Made an access export (GDPR art. 15)',
  'retention.change': 'Changed retention periods',
  'municipality.exit_export': "Downloaded a municipality's exit export",
  'municipality.exit_erase': "Erased a municipality's data (exit)",
  'calendar.view': 'Viewed the calendar',
  'report.view': 'Viewed the monitoring report',
  'report.download': 'Downloaded the monitoring figures',
  'visit.book': 'Booked a visit for a youngster',
  'visit.propose': 'Proposed a visit in a youngster\'s chat',
  'visit.result': 'Recorded the result of a visit',
  'calendar_feed.change': 'Made or stopped own calendar link',
  'availability.change': 'Changed own availability for visits',
  'visit_types.change': "Changed a municipality's visit types",
};

const objectsNl: Record<string, string> = {
  conversation: 'gesprek',
  upload: 'upload',
  import: 'import',
  batch: 'kaarten-PDF',
  card: 'kaart',
  municipality: 'gemeente',
  staff: 'medewerker',
  breach: 'datalek',
  youngster: 'jongere',
  contact: 'chatcontact',
};
const objectsEn: Record<string, string> = {
  conversation: 'conversation',
  upload: 'upload',
  import: 'import',
  batch: 'card PDF',
  card: 'card',
  municipality: 'municipality',
  staff: 'staff member',
  breach: 'data breach',
  youngster: 'youngster',
  contact: 'chat contact',
};

const csvHeadersNl = ['tijd', 'medewerker', 'medewerker_id', 'handeling', 'handeling_code', 'object', 'object_id', 'gemeente_id'];
const csvHeadersEn = ['time', 'staff_member', 'staff_id', 'action', 'action_code', 'object', 'object_id', 'municipality_id'];

export function auditActionLabel(lang: AuditLanguage, action: string): string {
  const labels: Record<string, string> = lang === 'en' ? actionsEn : actionsNl;
  return labels[action] ?? action;
}

export function auditObjectLabel(lang: AuditLanguage, objectType: string | null): string {
  if (!objectType) return '';
  return (lang === 'en' ? objectsEn : objectsNl)[objectType] ?? objectType;
}

export function auditCsvHeaders(lang: AuditLanguage): string[] {
  return lang === 'en' ? csvHeadersEn : csvHeadersNl;
}
