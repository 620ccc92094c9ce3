import { idlLabelToId } from '@dfinity/candid';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idlHash, isPlainIdent, labelId, numericLabel, quoteText } from './labels.js';

describe('labels', () => {
  it('hashes exactly like @dfinity/candid, without TextEncoder', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(labelId(s)).toBe(idlLabelToId(s));
      }),
    );
    expect(idlHash('')).toBe(0);
    expect(labelId('_123_')).toBe(123);
  });

  it('reads numeric keys only when they fit in 32 bits', () => {
    expect(numericLabel('_0_')).toBe(0);
    expect(numericLabel('_0x1f_')).toBe(31);
    expect(numericLabel('_4294967295_')).toBe(4294967295);
    expect(numericLabel('_4294967296_')).toBeUndefined();
    expect(numericLabel('_12')).toBeUndefined();
  });

  it('leaves identifiers bare and quotes the rest', () => {
    expect(isPlainIdent('owner_2')).toBe(true);
    expect(isPlainIdent('record')).toBe(false);
    expect(isPlainIdent('nat8')).toBe(false);
    expect(isPlainIdent('2fa')).toBe(false);
    expect(quoteText('a"b\\c\n\u0001é')).toBe('"a\\"b\\\\c\\n\\u{1}é"');
  });
});
