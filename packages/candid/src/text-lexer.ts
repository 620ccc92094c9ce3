/**
 * Tokenizer for Candid textual values, e.g. `(record { a = 5 : nat8; b = blob "\00" })`.
 * Comments and whitespace are dropped; numbers keep their lexeme (sign, `_`, `0x`, `.`, exponent)
 * so the type-directed checker can decide later whether it is a valid nat, int or float.
 */
import { Scanner } from './scanner.js';
import { CandidError, type SourcePosition } from './candid-error.js';

/** One token of textual-value source. */
export type ValueToken =
  | {
      readonly kind: 'id' | 'number' | 'punct' | 'eof';
      readonly text: string;
      readonly pos: SourcePosition;
    }
  | {
      readonly kind: 'text';
      /** The decoded string, or undefined when the bytes are not valid UTF-8 (fine for a blob). */
      readonly text: string | undefined;
      /** The literal's bytes: UTF-8 of its characters plus raw `\HH` escapes. */
      readonly bytes: Uint8Array;
      readonly pos: SourcePosition;
    };

/** Shorthand for the value error at `position`. */
export function valueError(message: string, position?: SourcePosition): CandidError {
  return new CandidError(
    'ERR_CANDID_VALUE',
    message,
    position === undefined ? undefined : { position },
  );
}

const PUNCT = new Set(['(', ')', '{', '}', ';', ',', '=', ':', '.']);
const SIMPLE_ESCAPES: Record<string, number> = {
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  '\\': 0x5c,
  '"': 0x22,
  "'": 0x27,
};
const ID_START = /[A-Za-z_]/;
const ID_CHAR = /[A-Za-z0-9_]/;

/** Splits textual-value source into tokens, ending with one `eof` token. */
export function tokenizeValues(src: string): ValueToken[] {
  return new ValueLexer(src).run();
}

class ValueLexer extends Scanner {
  private readonly tokens: ValueToken[] = [];

  constructor(src: string) {
    super(src, valueError);
  }

  run(): ValueToken[] {
    for (;;) {
      this.skipTrivia();
      const pos = this.pos();
      const c = this.src[this.i];
      if (c === undefined) break;
      const next = this.src[this.i + 1] ?? '';
      if (ID_START.test(c)) this.push('id', this.take(ID_CHAR), pos);
      else if (/[0-9]/.test(c) || ((c === '-' || c === '+') && /[0-9]/.test(next)))
        this.push('number', this.number(pos), pos);
      else if (
        (c === '-' || c === '+') &&
        /^(inf|nan)(?![A-Za-z0-9_])/.test(this.src.slice(this.i + 1, this.i + 5))
      ) {
        this.i += 4;
        this.push('number', this.src.slice(this.i - 4, this.i), pos);
      } else if (c === '"') this.tokens.push({ kind: 'text', ...this.textLiteral(pos), pos });
      else if (c === '-' && next === '>') {
        this.i += 2;
        this.push('punct', '->', pos);
      } else if (PUNCT.has(c)) {
        this.i++;
        this.push('punct', c, pos);
      } else throw valueError(`unexpected character ${JSON.stringify(c)}`, pos);
    }
    this.push('eof', '', this.pos());
    return this.tokens;
  }

  private push(kind: 'id' | 'number' | 'punct' | 'eof', text: string, pos: SourcePosition): void {
    this.tokens.push({ kind, text, pos });
  }

  /**
   * `[sign] digits [. digits] [e [sign] digits]` or the hex form `[sign] 0x hex [. hex] [p [sign] digits]`,
   * `_` allowed between digits. Returns the lexeme unchanged.
   */
  private number(pos: SourcePosition): string {
    const start = this.i;
    if (this.src[this.i] === '-' || this.src[this.i] === '+') this.i++;
    const hex = /^0[xX]/.test(this.src.slice(this.i, this.i + 2));
    if (hex) this.i += 2;
    const digit = hex ? /[0-9a-fA-F_]/ : /[0-9_]/;
    const bad = (): CandidError => {
      let end = this.i;
      while (end < this.src.length && /[A-Za-z0-9_.]/.test(this.src[end] as string)) end++;
      return valueError(`malformed number ${JSON.stringify(this.src.slice(start, end))}`, pos);
    };
    if (!/[0-9a-fA-F]/.test(this.take(digit))) throw bad();
    if (this.src[this.i] === '.') {
      this.i++;
      this.take(digit);
    }
    const exp = hex ? /[pP]/ : /[eE]/;
    if (exp.test(this.src[this.i] ?? '')) {
      this.i++;
      if (this.src[this.i] === '-' || this.src[this.i] === '+') this.i++;
      if (!/[0-9]/.test(this.take(/[0-9_]/))) throw bad();
    }
    if (ID_CHAR.test(this.src[this.i] ?? '')) throw bad();
    return this.src.slice(start, this.i);
  }

  /** A `"…"` literal: UTF-8 characters, `\n \r \t \\ \" \'`, `\HH` raw bytes and `\u{X…}`. */
  private textLiteral(pos: SourcePosition): { text: string | undefined; bytes: Uint8Array } {
    this.i++; // opening quote
    const bytes: number[] = [];
    const encoder = new TextEncoder();
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined) throw valueError('unterminated text literal', pos);
      if (c === '"') break;
      if (c !== '\\') {
        const code = this.src.codePointAt(this.i) ?? 0;
        const ch = String.fromCodePoint(code);
        if (code >= 0xd800 && code <= 0xdfff)
          throw valueError('text literal holds a lone surrogate', this.pos());
        bytes.push(...encoder.encode(ch));
        if (c === '\n') this.advance();
        else this.i += ch.length;
        continue;
      }
      const escPos = this.pos();
      const pair = this.src.slice(this.i + 1, this.i + 3);
      const simple = SIMPLE_ESCAPES[this.src[this.i + 1] ?? ''];
      if (/^[0-9a-fA-F]{2}$/.test(pair)) {
        bytes.push(parseInt(pair, 16));
        this.i += 3;
      } else if (simple !== undefined) {
        bytes.push(simple);
        this.i += 2;
      } else if (this.src[this.i + 1] === 'u') {
        bytes.push(...encoder.encode(this.unicodeEscape(escPos)));
      } else throw valueError(`unknown escape \\${this.src[this.i + 1] ?? ''}`, escPos);
    }
    this.i++; // closing quote
    const array = new Uint8Array(bytes);
    let text: string | undefined;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(array);
    } catch {
      text = undefined;
    }
    return { text, bytes: array };
  }

  private unicodeEscape(pos: SourcePosition): string {
    const m = /^\\u\{([0-9a-fA-F][0-9a-fA-F_]{0,9})\}/.exec(this.src.slice(this.i, this.i + 14));
    const code = m?.[1] === undefined ? NaN : parseInt(m[1].replaceAll('_', ''), 16);
    if (!m || !(code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff))
      throw valueError('bad \\u{…} escape', pos);
    this.i += m[0].length;
    return String.fromCodePoint(code);
  }
}
