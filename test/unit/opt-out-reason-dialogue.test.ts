import { describe, expect, it } from 'vitest';
import { dialogueContext } from '../helpers/dialogue-context.js';
import { CHOICE, decide } from '../../bot/dialogue/dialogue.js';
import { OPT_OUT_REASON_ORDER } from '../../bot/dialogue/choices.js';
import type { DialogueContext } from '../../bot/dialogue/types.js';
import { DECLINE_REASONS } from '../../db/schema/index.js';

const ctx = (over: Partial<DialogueContext> = {}): DialogueContext => dialogueContext(over);
const text = (t: string) => ({ type: 'text' as const, text: t });
const choice = (c: string) => ({ type: 'choice' as const, choice: c });

/** The goodbye a confirmed opt-out sends, as the contact's last menu. */
function goodbye(language: 'nl' | 'en' = 'nl') {
  const done = decide(ctx({ state: 'optout_confirm', language }), choice(CHOICE.optoutYes));
  expect(done.replies).toHaveLength(1);
  return done.replies[0]!;
}
/** Opted out, the goodbye being the last menu this contact got. */
const afterGoodbye = (over: Partial<DialogueContext> = {}) => ctx({ state: 'opted_out', lastMenu: goodbye().menu, ...over });

/** Nothing said, nothing forwarded, nothing changed. */
function silent(o: ReturnType<typeof decide>) {
  expect(o.replies).toEqual([]);
  expect(o.forward).toBeNull();
  expect(o.urgent).toBe(false);
  expect(o.optOut).toBe(false);
  expect(o.state).toBe('opted_out');
}

describe('the goodbye after an opt-out', () => {
  it('asks once, optionally, why - with a few reasons to tap, in one message that stays the opt-out ack', () => {
    const bye = goodbye();
    expect(bye.text).toContain('Oké, je hoort niets meer van ons');
    expect(bye.text.endsWith('Wil je nog zeggen waarom? Dat hoeft niet.')).toBe(true);
    expect(bye.menu).toEqual([
      { id: 'why:geen_behoefte', label: 'Ik red me wel' },
      { id: 'why:al_hulp', label: 'Ik krijg al hulp' },
      { id: 'why:geen_contact_instanties', label: 'Liever geen contact met de gemeente' },
      { id: 'why:geen_tijd', label: 'Nu even niet' },
      { id: 'why:wil_niet_zeggen', label: 'Zeg ik liever niet' },
    ]);
    const en = goodbye('en');
    expect(en.text).toContain("Would you like to say why? You don't have to.");
    expect(en.menu!.map((m) => m.label)).toEqual(["I'm fine on my own", 'I already get help', "I'd rather not be in touch with the municipality", 'Not right now', "I'd rather not say"]);
    // The reasons are categories of the panel's reasons for declining (monitoring counts them together).
    for (const r of OPT_OUT_REASON_ORDER) expect(DECLINE_REASONS).toContain(r);
  });
});

describe('opted out: a reason given under the goodbye', () => {
  it('a tapped reason is counted as an anonymous event with the reason - and answered with nothing', () => {
    for (const reason of OPT_OUT_REASON_ORDER) {
      const o = decide(afterGoodbye(), choice(`why:${reason}`));
      silent(o);
      expect(o.events).toEqual([{ type: 'optout.reason_given', data: { reason } }]);
    }
  });

  it('a number (WhatsApp) picks the reason in the goodbye\'s order', () => {
    const byNumber = ['1', '2', '3)', ' 4. ', '5'].map((n) => decide(afterGoodbye(), text(n)));
    for (const o of byNumber) silent(o);
    expect(byNumber.map((o) => o.events)).toEqual(OPT_OUT_REASON_ORDER.map((reason) => [{ type: 'optout.reason_given', data: { reason } }]));
  });

  it('stays silent, counting nothing, for anything else', () => {
    const others = [
      text('hoi'),
      text('Ik red me wel'),
      text('menu'),
      text('stop'),
      text('ik wil dood'),
      text('0'),
      text('6'),
      text('12'),
      choice('why:privacy'), // a reason for declining, but not one the goodbye offers
      choice('why:'),
      choice('why:onzin'),
      choice(CHOICE.chat),
      choice(CHOICE.optoutYes),
      { type: 'start' as const, token: 'x' },
    ];
    for (const e of others) {
      const o = decide(afterGoodbye(), e);
      silent(o);
      expect(o.events, JSON.stringify(e)).toEqual([]);
    }
  });

  it('counts only what the last message offered: not after a goodbye without the question', () => {
    // E.g. "nee, niet opnieuw beginnen" (restart declined) or the one calm line to another contact of the person.
    for (const lastMenu of [null, [{ id: CHOICE.restartYes, label: 'Ja' }, { id: CHOICE.restartNo, label: 'Nee' }]]) {
      for (const e of [text('1'), choice('why:al_hulp')]) {
        const o = decide(ctx({ state: 'opted_out', lastMenu }), e);
        silent(o);
        expect(o.events).toEqual([]);
      }
    }
  });
});
