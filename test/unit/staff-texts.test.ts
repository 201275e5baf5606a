import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../db/schema/events.js';
import { panelLabelsEn } from '../../templates/labels/en.js';
import { panelLabelsNl } from '../../templates/labels/nl.js';
import { EVENT_LABELS, st, STAFF_CATALOGUES, staffTexts } from '../../templates/staff/index.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('staff texts', () => {
  it('has every key in both languages, none empty, with the same placeholders', () => {
    const nl = STAFF_CATALOGUES.nl;
    const en = STAFF_CATALOGUES.en;
    expect(Object.keys(en).sort()).toEqual(Object.keys(nl).sort());
    for (const key of Object.keys(nl) as (keyof typeof nl)[]) {
      expect(nl[key].trim(), `nl ${key}`).not.toBe('');
      expect(en[key].trim(), `en ${key}`).not.toBe('');
      expect(placeholders(en[key]), key).toEqual(placeholders(nl[key]));
    }
  });

  it('has a plain label for every event type in both languages', () => {
    for (const lang of ['nl', 'en'] as const) {
      expect(Object.keys(EVENT_LABELS[lang]).sort()).toEqual([...EVENT_TYPES].sort());
      for (const type of EVENT_TYPES) expect(EVENT_LABELS[lang][type].trim(), `${lang} ${type}`).not.toBe('');
    }
  });

  it('has the panel labels in both languages', () => {
    const flat = (o: object): string[] => Object.values(o).flatMap((v) => (typeof v === 'string' ? [v] : flat(v as object)));
    expect(flat(panelLabelsEn).length).toBe(flat(panelLabelsNl).length);
    for (const v of flat(panelLabelsEn)) expect(v.trim()).not.toBe('');
  });

  it('fills placeholders and formats dates per language', () => {
    expect(st('nl', 'accounts.heading', { team: 'Team Oost' })).toBe('Accounts van Team Oost');
    expect(st('en', 'panel.years', { n: 19 })).toBe('19 years');
    const d = new Date('2026-11-23T17:05:00Z');
    expect(staffTexts('nl').when(d)).toBe('23-11-2026, 18:05');
    expect(staffTexts('en').when(d)).toBe('23/11/2026, 18:05');
    expect(staffTexts('en').event('conversation.routed')).toBe('Conversation given to a case manager');
    expect(staffTexts('en').message('Niet gevonden')).toBe('Not found');
  });
});
