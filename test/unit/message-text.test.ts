import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { MAX_MESSAGE_CHARS, normaliseMessageText, stripBidiControls } from '../../core/message-text.js';

function code(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    return e instanceof InputError ? e.code : 'other';
  }
  return 'none';
}

describe('normaliseMessageText', () => {
  it('keeps ordinary text, emoji, accents and newlines', () => {
    expect(normaliseMessageText('  Hoi! 👋\r\nIk ben Çağlar.  ')).toBe('Hoi! 👋\nIk ben Çağlar.');
  });

  it('refuses empty and whitespace-only messages', () => {
    expect(code(() => normaliseMessageText(''))).toBe('message_empty');
    expect(code(() => normaliseMessageText(' \n\t '))).toBe('message_empty');
    expect(code(() => normaliseMessageText('\u0000\u0007'))).toBe('message_empty');
  });

  it('refuses messages over the limit with a 413-class error', () => {
    expect(normaliseMessageText('a'.repeat(MAX_MESSAGE_CHARS))).toHaveLength(MAX_MESSAGE_CHARS);
    expect(code(() => normaliseMessageText('a'.repeat(10 * 1024)))).toBe('message_too_long');
  });

  it('removes what PostgreSQL or a screen cannot take (NUL, control chars, lone surrogates)', () => {
    const out = normaliseMessageText('a\u0000b\u001bc\ud800d');
    expect(out).toBe('abc\ufffdd');
  });

  it('normalises to NFC so the same word is stored the same way', () => {
    expect(normaliseMessageText('Cafe\u0301')).toBe('Café');
  });

  it('keeps bidi controls as text (rendered inert), not stripped silently', () => {
    expect(normaliseMessageText('abc\u202Edef')).toBe('abc\u202Edef');
  });

  it('strips every bidi control for previews, and nothing else', () => {
    const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
    expect(stripBidiControls(`a${controls.join('')}b`)).toBe('ab');
    expect(stripBidiControls('مرحبا 👋 Çağlar\u200D\n')).toBe('مرحبا 👋 Çağlar\u200D\n');
  });

  it('refuses non-strings', () => {
    expect(code(() => normaliseMessageText(42))).toBe('message_not_text');
    expect(code(() => normaliseMessageText({ text: 'x' }))).toBe('message_not_text');
  });
});
