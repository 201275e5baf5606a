import { describe, expect, it } from 'vitest';
import { extractCardToken } from '../../bot/channels/whatsapp/card-token.js';
import { newCardToken } from '../../core/tokens.js';

describe('extractCardToken', () => {
  it('finds a real token in the prefilled sentence, edited or not', () => {
    for (let i = 0; i < 200; i++) {
      const token = newCardToken();
      expect(extractCardToken(`Hoi! Mijn kaartcode is ${token}`)).toBe(token);
      expect(extractCardToken(`Mijn kaartcode is ${token}. Ik heb een vraag over werk`)).toBe(token);
      expect(extractCardToken(`hoi\nhttps://lijntje.nl/k/${token}?utm=x`)).toBe(token);
      expect(extractCardToken(`code:${token}!`)).toBe(token);
    }
  });

  it('accepts tokens up to 64 characters, not longer', () => {
    const long = 'aB3' + 'x'.repeat(61);
    expect(long).toHaveLength(64);
    expect(extractCardToken(`kaartcode ${long}`)).toBe(long);
    expect(extractCardToken(`kaartcode ${long}x`)).toBeNull();
    expect(extractCardToken('kaartcode aB3defghijklmnopqrstu')).toBeNull(); // 21 chars
  });

  it('ignores ordinary Dutch text and long ordinary words', () => {
    for (const text of [
      'Hoi, ik wil graag praten over werk en school',
      '1',
      'Ik zoek een arbeidsongeschiktheidsverzekering',
      'Arbeidsongeschiktheidsverzekering is duur',
      'ARBEIDSONGESCHIKTHEIDSVERZEKERING',
      'Ik was bij het Jongeren-Informatie-Punt-Amsterdam',
      'kindercarnavalsoptochtvoorbereidingswerkzaamheden',
      'Mijn kaartcode is kwijt, sorry',
      'bel me op 0612345678',
      '',
    ]) {
      expect(extractCardToken(text)).toBeNull();
    }
  });
});
