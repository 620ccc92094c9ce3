/**
 * Tokenizer for `.did` text. Comments and whitespace are dropped here so the parser only sees
 * identifiers, numbers, text literals and punctuation, each tagged with its line and column.
 */
import { Scanner } from './scanner.js';
import { didParseError, type SourcePosition } from './candid-error.js';

export type TokenKind = 'id' | 'nat' | 'text' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier or punctuation as written, decimal digits for numbers, decoded text for literals. */
  readonly value: string;
  readonly pos: SourcePosition;
}

const PUNCT = new Set(['{', '}', '(', ')', ';', ':', ',', '=']);
const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Splits `.did` source into tokens, ending with one `eof` token. */
export function tokenize(src: string): Token[] {
  return new Lexer(src).run();
}

class Lexer extends Scanner {
  private readonly tokens: Token[] = [];

  constructor(src: string) {
    super(src, didParseError);
  }

  run(): Token[] {
    for (;;) {
      this.skipTrivia();
      const pos = this.pos();
      const c = this.src[this.i];
      if (c === undefined) break;
      if (/[A-Za-z_]/.test(c)) this.push('id', this.take(/[A-Za-z0-9_]/), pos);
      else if (/[0-9]/.test(c)) this.push('nat', this.number(pos), pos);
      else if (c === '"') this.push('text', this.text(pos), pos);
      else if (c === '-' && this.src[this.i + 1] === '>') {
        this.i += 2;
        this.push('punct', '->', pos);
      } else if (PUNCT.has(c)) {
        this.i++;
        this.push('punct', c, pos);
      } else throw didParseError(`unexpected character ${JSON.stringify(c)}`, pos);
    }
    this.push('eof', '', this.pos());
    return this.tokens;
  }

  private push(kind: TokenKind, value: string, pos: SourcePosition): void {
    this.tokens.push({ kind, value, pos });
  }

  /** Decimal or `0x` hex, with `_` separators allowed; returned as decimal digits. */
  private number(pos: SourcePosition): string {
    const hex = this.src.startsWith('0x', this.i);
    if (hex) this.i += 2;
    const digits = this.take(hex ? /[0-9a-fA-F_]/ : /[0-9_]/).replaceAll('_', '');
    if (digits === '' || /[A-Za-z_]/.test(this.src[this.i] ?? ''))
      throw didParseError('malformed number', pos);
    return BigInt(hex ? `0x${digits}` : digits).toString();
  }

  private text(pos: SourcePosition): string {
    this.i++; // opening quote
    let out = '';
    let bytes: number[] = []; // run of \HH escapes, decoded together as UTF-8
    const flushBytes = (): void => {
      if (bytes.length === 0) return;
      try {
        out += new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
      } catch {
        throw didParseError('text literal escapes are not valid UTF-8', pos);
      }
      bytes = [];
    };
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined || c === '\n') throw didParseError('unterminated text literal', pos);
      if (c === '"') break;
      if (c !== '\\') {
        flushBytes();
        out += c;
        this.i++;
        continue;
      }
      const escPos = this.pos();
      const e = this.src[this.i + 1] ?? '';
      const pair = this.src.slice(this.i + 1, this.i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(pair)) {
        bytes.push(parseInt(pair, 16));
        this.i += 3;
        continue;
      }
      flushBytes();
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        this.i += 2;
      } else if (e === 'u') out += this.unicodeEscape(escPos);
      else throw didParseError(`unknown escape \\${e}`, escPos);
    }
    flushBytes();
    this.i++; // closing quote
    return out;
  }

  private unicodeEscape(pos: SourcePosition): string {
    const m = /^\\u\{([0-9a-fA-F_]{1,8})\}/.exec(this.src.slice(this.i, this.i + 14));
    const code = m?.[1] === undefined ? NaN : parseInt(m[1].replaceAll('_', ''), 16);
    if (!m || !(code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff))
      throw didParseError('bad \\u{…} escape', pos);
    this.i += m[0].length;
    return String.fromCodePoint(code);
  }
}
