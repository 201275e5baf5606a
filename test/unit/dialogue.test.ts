import { describe, expect, it } from 'vitest';
import { CHOICE, decide } from '../../bot/dialogue/dialogue.js';
import type { DialogueContext } from '../../bot/dialogue/types.js';
import { mentionsCrisis } from '../../bot/dialogue/crisis.js';
import { matchKeyword } from '../../bot/dialogue/keywords.js';
import { dialogueContext } from '../helpers/dialogue-context.js';

// The shared starting point, as a new contact with municipalities to pick from and the notices still due.
const base = dialogueContext({
  state: 'new',
  municipalities: [
    { id: 'm-maasgouw', name: 'Maasgouw' },
    { id: 'm-roermond', name: 'Roermond' },
    { id: 'm-weert', name: 'Weert' },
  ],
  officeNoticeDue: true,
  absenceNoticeDue: true,
});
const ctx = (over: Partial<DialogueContext> = {}): DialogueContext => ({ ...base, ...over });
const text = (t: string) => ({ type: 'text' as const, text: t });
const allText = (o: ReturnType<typeof decide>) => o.replies.map((r) => r.text).join('\n');

describe('first contact through a card', () => {
  it("greets in the coach's name, says it is voluntary, links the privacy page, then shows the menu", () => {
    const o = decide(ctx(), { type: 'start', token: 'x' });
    expect(o.replies[0]!.text).toContain('Hoi Sigfrid! Je praat met de chat van Michelle, jongerencoach van gemeente Roermond.');
    expect(o.replies[0]!.text).toContain('vrijblijvend');
    expect(o.replies[0]!.text).toContain('https://lijntje.test/privacy');
    // How to stop is said, not only that it is possible.
    expect(o.replies[0]!.text).toContain('Je kunt altijd stoppen: typ dan stop.');
    expect(o.replies[1]!.menu!.map((m) => m.label)).toEqual(['Chat met Michelle', 'Afspraak maken', 'Nee bedankt, geen contact']);
    expect(o.state).toBe('menu');
    expect(o.forward).toBeNull();
  });

  it('speaks English when the contact chose English', () => {
    const o = decide(ctx({ language: 'en' }), { type: 'start', token: 'x' });
    expect(o.replies[0]!.text).toContain('Hi Sigfrid! This is the chat of Michelle, youth coach at the municipality of Roermond.');
    expect(o.replies[0]!.text).toContain('just type stop');
    // The privacy page in English, as a full URL that messengers turn into a link.
    expect(o.replies[0]!.text).toContain('https://lijntje.test/privacy?lang=en');
    expect(o.replies[1]!.menu!.map((m) => m.label)).toEqual(['Chat with Michelle', 'Make an appointment', 'No thanks, no contact']);
  });

  it('uses the team wording when the card has no coach, and a municipal sign-off override', () => {
    const o = decide(ctx({ coachFirstName: null, overrides: { 'bot.signoff': 'Groet, Doorstroompunt Oost' } }), { type: 'start', token: 'x' });
    expect(o.replies[0]!.text).toContain('jongerencoaches van gemeente Roermond');
    expect(o.replies[0]!.text).toContain('Groet, Doorstroompunt Oost');
    expect(o.replies[1]!.menu![0]!.label).toBe('Chat met een jongerencoach');
  });

  it('shows only the menu again on a second scan', () => {
    const o = decide(ctx({ state: 'chatting' }), { type: 'start', token: 'x' });
    expect(o.replies).toHaveLength(1);
    expect(o.replies[0]!.text).toBe('Hoi weer! Wat wil je?');
  });
});

describe('menu', () => {
  it('1 / chat: acknowledges and forwards the choice to the inbox', () => {
    for (const event of [text('1'), { type: 'choice' as const, choice: CHOICE.chat }]) {
      const o = decide(ctx({ state: 'menu' }), event);
      expect(o.state).toBe('chatting');
      expect(o.forward).toEqual({ text: 'Chat met Michelle', kind: 'choice' });
      expect(allText(o)).toContain('Michelle leest het');
    }
  });

  it('2 / visit: records the request and says the coach will follow up', () => {
    const o = decide(ctx({ state: 'menu' }), text('2.'));
    expect(o.events).toEqual(['visit.requested']);
    expect(o.forward).toEqual({ text: 'Afspraak maken', kind: 'choice' });
    expect(allText(o)).toContain('Michelle neemt contact met je op');
  });

  it('3 / optout: asks once to confirm; yes stops everything, no goes back', () => {
    const ask = decide(ctx({ state: 'menu' }), text('3'));
    expect(ask.state).toBe('optout_confirm');
    expect(ask.events).toEqual(['optout.requested']);
    expect(ask.replies[0]!.menu!.map((m) => m.id)).toEqual([CHOICE.optoutYes, CHOICE.optoutNo]);

    for (const yes of [text('ja'), text('Ja!'), text('1'), { type: 'choice' as const, choice: CHOICE.optoutYes }]) {
      const done = decide(ctx({ state: 'optout_confirm' }), yes);
      expect(done.optOut).toBe(true);
      expect(done.state).toBe('opted_out');
      expect(done.events).toEqual(['optout.confirmed']);
      expect(done.forward).toBeNull();
    }
    for (const no of [text('nee'), text('2'), { type: 'choice' as const, choice: CHOICE.optoutNo }]) {
      const back = decide(ctx({ state: 'optout_confirm' }), no);
      expect(back.optOut).toBe(false);
      expect(back.state).toBe('menu');
      expect(back.replies[0]!.menu).toHaveLength(3);
    }
  });

  it('free text while deciding on opt-out goes to the coach and does not opt out', () => {
    const o = decide(ctx({ state: 'optout_confirm' }), text('wacht even, wat gebeurt er met mijn uitkering?'));
    expect(o.optOut).toBe(false);
    expect(o.forward?.text).toContain('uitkering');
  });

  it('numbers are just text while chatting (an answer "3" to a coach is not an opt-out)', () => {
    const o = decide(ctx({ state: 'chatting' }), text('3'));
    expect(o.forward).toEqual({ text: '3', kind: 'text' });
    expect(o.state).toBe('chatting');
    expect(o.replies).toHaveLength(0);
  });
});

describe('free text', () => {
  it('always goes to the coach; only the first gets an acknowledgement', () => {
    const first = decide(ctx({ state: 'menu' }), text('hoi, ik zoek werk'));
    expect(first.forward).toEqual({ text: 'hoi, ik zoek werk', kind: 'text' });
    expect(first.replies).toHaveLength(1);
    const later = decide(ctx({ state: 'chatting' }), text('en een opleiding'));
    expect(later.forward?.text).toBe('en een opleiding');
    expect(later.replies).toHaveLength(0);
  });

  it('outside office hours says when the coach will answer, once', () => {
    const closed = ctx({ state: 'chatting', officeOpen: false, nextOpening: { weekday: '1', time: '09:00', daysAhead: 3 } });
    const o = decide(closed, text('ben je er?'));
    expect(allText(o)).toContain('Je schrijft buiten kantoortijd. Michelle leest je bericht maandag vanaf 09:00.');
    expect(o.officeNoticeSent).toBe(true);
    expect(decide({ ...closed, officeNoticeDue: false }, text('hallo?')).replies).toHaveLength(0);
    const tomorrow = decide(ctx({ state: 'chatting', officeOpen: false, nextOpening: { weekday: '2', time: '09:00', daysAhead: 1 }, language: 'en' }), text('hi'));
    expect(allText(tomorrow)).toContain('Michelle will read your message tomorrow from 09:00');
  });
});

describe('while the coach is away', () => {
  // Away until Saturday 28 November 00:00 (Amsterdam): the last day away is Friday.
  const until = new Date('2026-11-27T23:00:00Z');
  const away = (over: Partial<DialogueContext> = {}) =>
    ctx({ state: 'chatting', coachAbsence: { until, delegateFirstName: 'Yusuf' }, ...over });

  it('tells the youngster who helps in the meantime, once, and forwards the message as usual', () => {
    const o = decide(away(), text('ben je er?'));
    expect(o.forward).toEqual({ text: 'ben je er?', kind: 'text' });
    expect(allText(o)).toBe('Michelle is er tot en met vrijdag 27 november niet. Yusuf helpt je in de tussentijd.');
    expect(o.absenceNoticeSent).toBe(true);
    const again = decide(away({ absenceNoticeDue: false }), text('hallo?'));
    expect(again.replies).toHaveLength(0);
    expect(again.absenceNoticeSent).toBe(false);
  });

  it('says "a colleague" without a delegate, and speaks English to an English contact', () => {
    const none = decide(away({ coachAbsence: { until, delegateFirstName: null } }), text('hoi'));
    expect(allText(none)).toBe('Michelle is er tot en met vrijdag 27 november niet. Een collega helpt je in de tussentijd.');
    const en = decide(away({ language: 'en' }), text('hi'));
    expect(allText(en)).toBe('Michelle is away up to and including Friday 27 November. Yusuf will help you in the meantime.');
  });

  it('names the last day away on the Amsterdam calendar when the absence ends during a day', () => {
    const midday = decide(away({ coachAbsence: { until: new Date('2026-11-27T12:00:00Z'), delegateFirstName: 'Yusuf' } }), text('hoi'));
    expect(allText(midday)).toContain('tot en met vrijdag 27 november');
  });

  it('does not promise the absent coach reads it, and names the delegate outside office hours', () => {
    const o = decide(
      away({ state: 'menu', officeOpen: false, nextOpening: { weekday: '1', time: '09:00', daysAhead: 3 } }),
      text('ik zoek werk'),
    );
    expect(o.replies.map((r) => r.text)).toEqual([
      'Dank je voor je bericht! Een jongerencoach leest het en antwoordt zo snel als het kan.',
      'Michelle is er tot en met vrijdag 27 november niet. Yusuf helpt je in de tussentijd.',
      'Je schrijft buiten kantoortijd. Yusuf leest je bericht maandag vanaf 09:00.',
    ]);
    expect(o.officeNoticeSent).toBe(true);
    expect(o.absenceNoticeSent).toBe(true);
  });

  it('also after the menu choices, but not for crisis messages or when nobody is named', () => {
    const chat = decide(away({ state: 'menu' }), { type: 'choice', choice: CHOICE.chat });
    expect(allText(chat)).toContain('Yusuf helpt je in de tussentijd');
    expect(allText(chat)).toContain('Een jongerencoach leest het');
    const crisis = decide(away(), text('ik wil dood'));
    expect(allText(crisis)).not.toContain('tussentijd');
    expect(decide(away({ coachFirstName: null }), text('hoi')).replies).toHaveLength(0);
    expect(decide(ctx({ state: 'chatting' }), text('hoi')).absenceNoticeSent).toBe(false);
  });
});

describe('keywords at any moment', () => {
  it.each(['stop', 'STOP', 'Stóp!', '/stop', 'afmelden', 'Geen contact', 'uitschrijven', 'unsubscribe', 'no thanks'])(
    '"%s" asks to confirm the opt-out',
    (kw) => {
      const o = decide(ctx({ state: 'chatting' }), text(kw));
      expect(o.state).toBe('optout_confirm');
      expect(o.forward).toBeNull();
    },
  );

  it.each(['menu', 'Help', 'hulp', 'MENU.'])('"%s" shows the menu', (kw) => {
    const o = decide(ctx({ state: 'chatting' }), text(kw));
    expect(o.state).toBe('menu');
    expect(o.replies[0]!.menu).toHaveLength(3);
  });

  it('switches language both ways', () => {
    const en = decide(ctx({ state: 'chatting' }), text('English'));
    expect(en.language).toBe('en');
    expect(en.replies[0]!.text).toContain('in English');
    expect(en.replies[0]!.menu![0]!.label).toBe('Chat with Michelle');
    const nl = decide(ctx({ state: 'chatting', language: 'en' }), text('nederlands'));
    expect(nl.language).toBe('nl');
    expect(nl.replies[0]!.text).toContain('Nederlands');
  });

  it('does not treat a sentence that merely contains a keyword as a command', () => {
    expect(matchKeyword('stop met dat gezeur van mijn moeder')).toBeNull();
    const o = decide(ctx({ state: 'chatting' }), text('ik wil stoppen met blowen'));
    expect(o.state).toBe('chatting');
    expect(o.forward?.text).toBe('ik wil stoppen met blowen');
  });

  it('stays silent for someone who opted out', () => {
    for (const e of [text('hoi'), text('menu'), { type: 'start' as const, token: 'x' }]) {
      const o = decide(ctx({ state: 'opted_out' }), e);
      expect(o.replies).toHaveLength(0);
      expect(o.forward).toBeNull();
    }
  });

  it('promises nothing on a new contact of someone who opted out elsewhere: one calm line, no menu, nothing forwarded', () => {
    const events = [
      { type: 'start' as const, token: 'x' },
      text('hallo'),
      text('1'),
      text('menu'),
      { type: 'choice' as const, choice: CHOICE.chat },
    ];
    for (const state of ['new', 'menu', 'chatting'] as const) {
      for (const e of events) {
        const o = decide(ctx({ state, personOptedOut: true }), e);
        expect(o.replies).toHaveLength(1);
        expect(o.replies[0]!.menu).toBeNull();
        expect(o.replies[0]!.text).toBe(
          'Je hebt eerder laten weten dat je geen contact wilt. Daarom sturen we je hier geen berichten meer. Bedenk je je? Dan kun je altijd bij je gemeente terecht.',
        );
        expect(allText(o)).not.toContain('Michelle');
        expect(o.forward).toBeNull();
        expect(o.urgent).toBe(false);
        // This contact is stopped too: the line is its goodbye, and it hears nothing after.
        expect(o.optOut).toBe(true);
        expect(o.state).toBe('opted_out');
        expect(o.events).toEqual([]);
      }
    }
    const en = decide(ctx({ language: 'en', personOptedOut: true }), text('hello'));
    expect(en.replies[0]!.text).toContain("you don't want contact");
  });

  it('still points someone who opted out elsewhere to 113/112 in one message, without promising a coach', () => {
    const o = decide(ctx({ state: 'new', personOptedOut: true }), text('ik wil dood'));
    expect(o.replies).toHaveLength(1);
    expect(o.replies[0]!.text).toContain('0800-0113');
    expect(o.replies[0]!.text).toContain('geen contact wilt');
    expect(o.replies[0]!.text).not.toContain('bovenaan bij de jongerencoaches');
    expect(o.forward).toBeNull();
    expect(o.urgent).toBe(false);
  });
});

describe('crisis', () => {
  it.each([
    'ik denk aan zelfmoord',
    'Ik wil dood',
    'soms wil ik er een eind aan maken',
    'soms doe ik mezelf pijn',
    'I want to kill myself',
    'thinking about SUICIDE',
    'ik ben in gevaar, hij slaat me',
  ])('"%s" gets 113/112 at once and flags the conversation urgent', (msg) => {
    expect(mentionsCrisis(msg)).toBe(true);
    const o = decide(ctx({ state: 'chatting', officeOpen: false }), text(msg));
    expect(o.urgent).toBe(true);
    expect(o.events).toContain('crisis.flagged');
    expect(allText(o)).toMatch(/0800-0113/);
    expect(allText(o)).toMatch(/112/);
    expect(o.forward?.text).toBe(msg);
  });

  it('answers in English for an English contact', () => {
    const o = decide(ctx({ language: 'en', state: 'chatting' }), text('i want to die'));
    expect(allText(o)).toContain('113 Suicide Prevention');
  });

  it('does not fire on ordinary words', () => {
    for (const msg of ['ik ga dood van de hitte haha', 'mijn opa is dood', 'de doodlopende straat', 'geen zin in school']) {
      expect(mentionsCrisis(msg), msg).toBe(false);
    }
  });

  it('also helps someone without a card, then asks where they live', () => {
    const o = decide(ctx({ linked: false, state: 'new' }), text('ik wil niet meer leven'));
    expect(o.urgent).toBe(true);
    expect(allText(o)).toMatch(/0800-0113/);
    expect(o.forward).toBeNull(); // stored, but nobody can see it until the municipality is known
    expect(o.state).toBe('ask_municipality');
  });
});

describe('someone who lost their card', () => {
  const lost = ctx({ linked: false, state: 'new', coachFirstName: null, youngsterFirstName: null, municipalityName: null });

  it('asks which municipality (their message waits, unrouted, until then)', () => {
    const o = decide(lost, text('hoi ik heb een kaartje gehad maar kwijt'));
    expect(o.state).toBe('ask_municipality');
    expect(o.forward).toBeNull();
    expect(o.replies[0]!.menu!.map((m) => m.label)).toEqual(['Maasgouw', 'Roermond', 'Weert']);
  });

  it('also for a start with an unknown card code', () => {
    expect(decide(lost, { type: 'start', token: null }).state).toBe('ask_municipality');
  });

  it.each([
    ['a number', text('3'), 'm-weert'],
    ['the name', text('weert'), 'm-weert'],
    ['a sentence with the name', text('ik woon in Roermond'), 'm-roermond'],
    ['a button', { type: 'choice' as const, choice: 'm:m-maasgouw' }, 'm-maasgouw'],
  ])('links them by %s and releases the held message', (_l, event, id) => {
    const o = decide({ ...lost, state: 'ask_municipality' }, event);
    expect(o.municipalityId).toBe(id);
    expect(o.releaseHeldText).toBe(true);
    expect(o.state).toBe('menu');
    expect(o.replies[0]!.text).toContain('jongerencoaches van gemeente');
    expect(o.replies[1]!.menu).toHaveLength(3);
  });

  it('asks again for a name it does not know', () => {
    const o = decide({ ...lost, state: 'ask_municipality' }, text('Amsterdam'));
    expect(o.municipalityId).toBeNull();
    expect(allText(o)).toContain('Die gemeente vind ik niet');
  });
});
