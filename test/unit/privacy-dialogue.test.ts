import { describe, expect, it } from 'vitest';
import { dialogueContext } from '../helpers/dialogue-context.js';
import { CHOICE, decide } from '../../bot/dialogue/dialogue.js';
import { matchKeyword } from '../../bot/dialogue/keywords.js';
import type { DialogueContext, HeldData } from '../../bot/dialogue/types.js';

const held = (over: Partial<HeldData> = {}): HeldData => ({ listData: true, messages: true, notes: true, contactAttempts: false, consents: [], ...over });
const ctx = (over: Partial<DialogueContext> = {}): DialogueContext => dialogueContext({ officeNoticeDue: true, absenceNoticeDue: true, ...over });
const text = (t: string) => ({ type: 'text' as const, text: t });
const choice = (c: string) => ({ type: 'choice' as const, choice: c });
const all = (o: ReturnType<typeof decide>) => o.replies.map((r) => r.text).join('\n');

const PARTNER = { id: '6f1c1f5e-3c2b-4c54-9a43-8a7f4b1f0a01', kind: 'partner' as const, partnerName: 'ROC Midden', category: 'what' as const };
const COOP = { id: '6f1c1f5e-3c2b-4c54-9a43-8a7f4b1f0a02', kind: 'cooperation' as const, partnerName: null, category: null };

describe('"wat weten jullie van mij?"', () => {
  it('is recognised in Dutch and English, also with a question mark and capitals', () => {
    for (const q of ['Wat weten jullie van mij?', 'wat weten jullie over mij', 'What do you know about me?', 'privacy']) {
      expect(matchKeyword(q), q).toBe('privacy');
    }
    expect(matchKeyword('wat weten jullie van mij en mijn broer')).toBeNull();
  });

  it('names the categories held, never a value, and how to get a full copy', () => {
    const out = decide(ctx({ held: held({ consents: [PARTNER] }) }), text('wat weten jullie van mij?'));
    const said = all(out);
    expect(said).toContain('je naam, adres en geboortedatum');
    expect(said).toContain('aantekeningen van je jongerencoach');
    expect(said).toContain('met ROC Midden delen wat we bespreken');
    expect(said).not.toContain('Sigfrid');
    expect(said).not.toContain('wanneer we je probeerden');
    expect(said).toContain('binnen een maand');
    expect(out.forward).toBeNull();
    expect(out.state).toBe('privacy');
    expect(out.replies.at(-1)!.menu!.map((m) => m.id)).toEqual([CHOICE.consentWithdraw, CHOICE.optout, CHOICE.back]);
  });

  it('leaves out what is not held (no list data for someone without a card) and offers no withdrawal without a consent', () => {
    const out = decide(ctx({ held: held({ listData: false, notes: false }) }), text('what do you know about me'));
    expect(all(out)).not.toContain('adres');
    expect(out.replies.at(-1)!.menu!.map((m) => m.id)).toEqual([CHOICE.optout, CHOICE.back]);
  });

  it('withdraws one consent of theirs by button or by number, tells the coach in words, and ignores a foreign id', () => {
    const c = ctx({ state: 'consent_withdraw', held: held({ consents: [COOP, PARTNER] }) });
    const byButton = decide(c, choice(`${CHOICE.withdrawPrefix}${PARTNER.id}`));
    expect(byButton.withdrawConsentId).toBe(PARTNER.id);
    expect(byButton.forward?.text).toContain('ROC Midden');
    const byNumber = decide(c, text('1'));
    expect(byNumber.withdrawConsentId).toBe(COOP.id);
    const foreign = decide(c, choice(`${CHOICE.withdrawPrefix}00000000-0000-4000-8000-000000000000`));
    expect(foreign.withdrawConsentId).toBeNull();
    expect(foreign.state).toBe('consent_withdraw');
  });

  it('the privacy menu\'s stop option is the usual opt-out question', () => {
    const out = decide(ctx({ state: 'privacy', held: held() }), text('1'));
    expect(out.state).toBe('optout_confirm');
  });
});

describe('a messenger account that opted out before writes again', () => {
  const returning = ctx({ state: 'restart_offered', linked: false, municipalityName: null, coachFirstName: null, municipalities: [{ id: 'm1', name: 'Roermond' }] });

  it('is asked whether to start again, and nothing reaches anyone', () => {
    const out = decide(returning, text('hallo, ik heb een vraag'));
    expect(all(out)).toContain('Wil je opnieuw beginnen?');
    expect(out.forward).toBeNull();
    expect(out.optOut).toBe(false);
    expect(out.state).toBe('restart_offered');
  });

  it('"yes" starts fresh (asks the municipality) and lifts the suppression of this account', () => {
    for (const answer of [choice(CHOICE.restartYes), text('ja'), text('1')]) {
      const out = decide(returning, answer);
      expect(out.restart).toBe(true);
      expect(out.state).toBe('ask_municipality');
      expect(out.optOut).toBe(false);
    }
  });

  it('"no" (or stop) stops this contact too, with one calm line', () => {
    for (const answer of [choice(CHOICE.restartNo), text('nee'), text('stop')]) {
      const out = decide(returning, answer);
      expect(out.optOut).toBe(true);
      expect(out.restart).toBe(false);
      expect(out.replies).toHaveLength(1);
      expect(all(out)).toContain('We laten je met rust');
    }
  });

  it('still points to 113 when someone in crisis writes', () => {
    expect(all(decide(returning, text('ik wil dood')))).toContain('113');
  });
});
