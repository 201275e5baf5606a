import { describe, expect, it } from 'vitest';
import { dialogueContext } from '../helpers/dialogue-context.js';
import { bookingIntent, concernsBooking } from '../../bot/dialogue/booking-dialogue.js';
import { CHOICE, decide } from '../../bot/dialogue/dialogue.js';
import type { BookingFacts, DialogueContext } from '../../bot/dialogue/types.js';

const facts = (over: Partial<BookingFacts> = {}): BookingFacts => ({ types: ['home', 'office', 'phone'], upcoming: null, slots: null, result: null, ...over });
const ctx = (over: Partial<DialogueContext> = {}): DialogueContext => dialogueContext(over);
const choice = (c: string) => ({ type: 'choice' as const, choice: c });
const text = (t: string) => ({ type: 'text' as const, text: t });
// Tuesday 8 December 2026, 14:00 in Amsterdam (13:00 UTC).
const TUESDAY_14 = new Date('2026-12-08T13:00:00Z');
const WEDNESDAY_10 = new Date('2026-12-09T09:00:00Z');
const minute = (d: Date) => Math.round(d.getTime() / 60_000);

describe('booking a visit in the chat', () => {
  it('"Afspraak maken" asks how to meet, with the municipality\'s types', () => {
    const out = decide(ctx({ booking: facts() }), choice(CHOICE.visit));
    expect(out.replies[0]!.text).toBe('Leuk! Hoe wil je afspreken?');
    expect(out.replies[0]!.menu!.map((m) => m.id)).toEqual(['vt:home', 'vt:office', 'vt:phone', 'back']);
    expect(out.state).toBe('visit_type');
    expect(out.forward).toBeNull();
  });

  it('without booking (someone without a card) it stays a request the coach follows up', () => {
    const out = decide(ctx({ booking: null }), choice(CHOICE.visit));
    expect(out.events).toContain('visit.requested');
    expect(out.forward).not.toBeNull();
  });

  it('shows the free moments in plain words, with "een ander moment"', () => {
    const out = decide(ctx({ state: 'visit_type', booking: facts({ slots: { type: 'home', startsAt: [TUESDAY_14, WEDNESDAY_10] } }) }), choice('vt:home'));
    const menu = out.replies[0]!.menu!;
    expect(menu.map((m) => m.label)).toEqual(['Dinsdag 8 december, 14:00', 'Woensdag 9 december, 10:00', 'Een ander moment', 'Terug naar het menu']);
    expect(menu[0]!.id).toBe(`vs:home:${minute(TUESDAY_14)}`);
    expect(menu[2]!.id).toBe(`vm:home:${minute(WEDNESDAY_10)}`);
    expect(out.state).toBe('visit_slot');
  });

  it('a home visit confirms the address in neutral words and offers another place', () => {
    const out = decide(ctx({ state: 'visit_slot', booking: facts() }), choice(`vs:home:${minute(TUESDAY_14)}`));
    expect(out.replies[0]!.text).toBe('Dinsdag 8 december, 14:00, bij jou thuis: we komen naar het adres waar je kaart bezorgd is. Is dat goed?');
    expect(out.replies[0]!.menu!.map((m) => m.id)).toEqual([`vy:home:${minute(TUESDAY_14)}`, `vp:home:${minute(TUESDAY_14)}`, `vm:home:${minute(TUESDAY_14)}`]);
  });

  it('a number on WhatsApp picks from the last menu shown', () => {
    const lastMenu = [
      { id: `vs:office:${minute(TUESDAY_14)}`, label: 'Dinsdag' },
      { id: `vm:office:${minute(TUESDAY_14)}`, label: 'Een ander moment' },
    ];
    const c = ctx({ state: 'visit_slot', lastMenu, booking: facts() });
    expect(decide(c, text('1')).replies[0]!.text).toContain('op kantoor. Is dat goed?');
    expect(bookingIntent(c, text('2'), { upcoming: null })).toEqual({ kind: 'slots', type: 'office', after: TUESDAY_14 });
  });

  it('the service is asked to book on "ja", and to book elsewhere with the typed place', () => {
    expect(bookingIntent(ctx({ state: 'visit_confirm' }), choice(`vy:home:${minute(TUESDAY_14)}`), { upcoming: null })).toEqual({ kind: 'book', type: 'home', startsAt: TUESDAY_14, place: null });
    const placeCtx = ctx({ state: 'visit_place', lastMenu: [{ id: `vy:home:${minute(TUESDAY_14)}`, label: 'Toch thuis' }] });
    expect(concernsBooking(placeCtx, text('bij de bibliotheek'))).toBe(true);
    expect(bookingIntent(placeCtx, text('  bij de bibliotheek '), { upcoming: null })).toEqual({ kind: 'book', type: 'home', startsAt: TUESDAY_14, place: 'bij de bibliotheek' });
    // A forged moment id is no intent.
    expect(bookingIntent(ctx(), choice('vy:castle:123'), { upcoming: null })).toBeNull();
  });

  it('after booking: the confirmation, and the coach reads it in the thread', () => {
    const out = decide(ctx({ booking: facts({ result: { kind: 'booked', type: 'home', startsAt: TUESDAY_14, place: 'bibliotheek' } }) }), choice(`vy:home:${minute(TUESDAY_14)}`));
    expect(out.replies[0]!.text).toContain('de afspraak staat: dinsdag 8 december, 14:00 (bij jou thuis)');
    expect(out.forward!.text).toBe('Afspraak gemaakt in de chat: dinsdag 8 december, 14:00 (bij jou thuis) - bibliotheek');
    expect(out.state).toBe('menu');
  });

  it('"net weg": the slot was taken meanwhile, new options follow', () => {
    const out = decide(ctx({ booking: facts({ result: { kind: 'taken' }, slots: { type: 'home', startsAt: [WEDNESDAY_10] } }) }), choice(`vy:home:${minute(TUESDAY_14)}`));
    expect(out.replies[0]!.text).toBe('Dat moment is net weg. Kies een ander moment:');
    expect(out.replies[0]!.menu![0]!.id).toBe(`vs:home:${minute(WEDNESDAY_10)}`);
  });

  it('"afspraak verzetten" and "afspraak afzeggen" work at any moment; without a visit they say so', () => {
    const upcoming = { id: 'v1', type: 'home' as const, startsAt: TUESDAY_14 };
    expect(bookingIntent(ctx({ state: 'chatting' }), text('afspraak verzetten'), { upcoming })).toEqual({ kind: 'slots', type: 'home', after: null });
    const ask = decide(ctx({ state: 'chatting', booking: facts({ upcoming }) }), text('Afspraak afzeggen'));
    expect(ask.replies[0]!.text).toBe('Wil je de afspraak van dinsdag 8 december, 14:00 (bij jou thuis) afzeggen?');
    expect(bookingIntent(ctx(), choice(CHOICE.visitCancelYes), { upcoming })).toEqual({ kind: 'cancel' });
    expect(decide(ctx({ booking: facts() }), text('afspraak afzeggen')).replies[0]!.text).toContain('geen afspraak');
    const done = decide(ctx({ booking: facts({ result: { kind: 'cancelled' } }) }), choice(CHOICE.visitCancelYes));
    expect(done.forward!.text).toBe('Afspraak afgezegd in de chat');
  });

  it('no free moment: a person follows up, and monitoring counts the request', () => {
    const out = decide(ctx({ booking: facts({ slots: { type: 'walk', startsAt: [] } }) }), choice('vt:walk'));
    expect(out.events).toContain('visit.requested');
    expect(out.forward!.text).toContain('een wandeling');
  });
});
