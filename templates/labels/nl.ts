/**
 * Staff-facing labels for the youngster panel's categories (Dutch). The keys are
 * the database enum values (db/schema/personal.ts); the domain layer checks at
 * compile time that every value has a label. The outflow labels are exactly the
 * uitstroomrichting categories of the regional monitoring (shared/domain.md).
 */
export const panelLabelsNl = {
  supportQuestion: {
    werk: 'Werk',
    opleiding: 'Opleiding',
    werk_en_opleiding: 'Werk en opleiding',
    zorgtraject: 'Zorgtraject',
    dagbesteding: 'Dagbesteding',
    anders: 'Anders',
  },
  supportQuestionUnknown: 'Nog niet bekend',
  outcome: {
    opleiding: 'Opleiding',
    werk: 'Werk',
    werken_en_opleiding: 'Werken en opleiding',
    dagbesteding: 'Dagbesteding',
    zorgtraject: 'Zorgtraject',
    eigen_onderneming: 'Eigen onderneming',
    vrijwilligerswerk: 'Vrijwilligerswerk',
    uitkering: 'Uitkering',
    verhuizing: 'Verhuizing',
    samenwonen: 'Samenwonen',
    afzien_van_deelname: 'Afzien van deelname JIB',
    geen_reactie: 'Geen reactie (op brief/kaart/huisbezoek)',
    geen_doelgroep_meer: 'Geen doelgroep meer JIB',
    anders: 'Anders',
  },
  outcomeNone: 'Nog geen uitstroom (actief)',
  declineReason: {
    geen_behoefte: 'Heeft geen hulp nodig',
    al_hulp: 'Krijgt al hulp ergens anders',
    geen_contact_instanties: 'Wil geen contact met gemeente of instanties',
    geen_tijd: 'Nu geen tijd of geen goed moment',
    privacy: 'Zorgen over privacy',
    anders: 'Andere reden',
    wil_niet_zeggen: 'Wil het niet zeggen',
  },
  declineReasonNone: 'Niet vastgelegd',
  /** Someone on the list as zzp (KvK): checked whether they really are self-employed. */
  selfEmployed: { unchecked: 'Niet nagekeken', yes: 'Ja', no: 'Nee' },
  processStep: {
    list: '1. Lijst filteren',
    contact: '2. Contact maken',
    intake: '3. Intake',
    trajectory: '4. Traject',
    follow_up: '5. Nazorg',
    monitoring: '6. Monitoring',
  },
  attemptKind: {
    card_delivered: 'Kaart bezorgd',
    letter_sent: 'Brief verstuurd',
    home_visit_not_home: 'Huisbezoek - niet thuis',
    home_visit_spoke: 'Huisbezoek - gesproken',
    phone: 'Telefoon',
    chat: 'Chat',
    office_visit: 'Gesprek op kantoor',
    walk: 'Wandeling',
    video_call: 'Videogesprek',
  },
  cardStatus: { active: 'Actief', revoked: 'Ingetrokken' },
  channel: { web: 'webchat', telegram: 'Telegram', whatsapp: 'WhatsApp' },
  event: {
    'card.scanned': 'Kaart gescand',
    'contact.linked': 'Gekoppeld via de kaart',
    'message.received': 'Eerste bericht',
  },
  yes: 'ja',
  no: 'nee',
  unknown: 'onbekend',
} as const;

export type PanelLabels = {
  [K in keyof typeof panelLabelsNl]: (typeof panelLabelsNl)[K] extends string
    ? string
    : { [L in keyof (typeof panelLabelsNl)[K]]: string };
};
