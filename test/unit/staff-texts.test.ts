import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../db/schema/events.js';
import { panelLabelsEn } from '../../templates/labels/en.js';
import { panelLabelsNl } from '../../templates/labels/nl.js';
import { EVENT_LABELS, isRefusalCode, REFUSALS, refusalText, st, STAFF_CATALOGUES, staffTexts } from '../../templates/staff/index.js';

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
  });
});

describe('refusals', () => {
  it('has every refusal in both languages with the same placeholders', () => {
    expect(Object.keys(REFUSALS.en).sort()).toEqual(Object.keys(REFUSALS.nl).sort());
    for (const code of Object.keys(REFUSALS.nl) as (keyof typeof REFUSALS.nl)[]) {
      expect(REFUSALS.en[code].trim(), code).not.toBe('');
      expect(placeholders(REFUSALS.en[code]), code).toEqual(placeholders(REFUSALS.nl[code]));
    }
  });

  it('says why in the reader\'s language, with the field, weekday and numbers filled in', () => {
    expect(refusalText('nl', 'note_too_long', { field: 'handover_note', max: 1000 })).toBe('De overdrachtsnotitie is te lang: hoogstens 1000 tekens.');
    expect(refusalText('en', 'date_future', { field: 'attempt' })).toBe('The date for the contact attempt is in the future. Choose today or a day before.');
    expect(staffTexts('en').refusal('opted_out')).toBe('This youngster no longer wants contact.');
    // A code without a text (a library's own) gets the general text for its kind.
    expect(refusalText('nl', 'FST_ERR_SOMETHING', {}, 'too_large')).toBe(REFUSALS.nl.too_large);
  });

  it('has a text for every code the web app and the youngster channels refuse with', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const files = ['web', 'bot', 'core'].flatMap((dir) =>
      readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(root, dir, f)),
    );
    const codes = new Set<string>();
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      // new InputError('message', 'code' ...) / new ConflictError('message', 'code' ...)
      for (const m of source.matchAll(/new (?:InputError|ConflictError)\(\s*(?:'[^']*'|`[^`]*`|"[^"]*"|[\w.?\[\]]+)\s*,\s*'([a-z_]+)'/g)) codes.add(m[1]!);
    }
    expect(codes.size).toBeGreaterThan(20);
    // Read by the web chat's script and the Telegram webhook's caller, never by staff.
    const youngsterOnly = new Set(['bad_content_type', 'bad_update']);
    expect([...codes].filter((c) => !youngsterOnly.has(c) && !isRefusalCode(c))).toEqual([]);
  });
});
