/**
 * What the `.did` lexer and the textual-value lexer share: a cursor over source text that
 * tracks line and column, and skips whitespace, line comments and (nesting) block comments.
 */
import type { SourcePosition } from './candid-error.js';

/** A cursor over Candid source; subclasses read tokens. */
export abstract class Scanner {
  protected i = 0;
  protected line = 1;
  protected lineStart = 0;

  constructor(
    protected readonly src: string,
    /** Builds the error a lexer throws, at a position. */
    protected readonly fail: (message: string, pos: SourcePosition) => Error,
  ) {}

  protected pos(): SourcePosition {
    return { line: this.line, column: this.i - this.lineStart + 1 };
  }

  /** Consumes characters while they match `re`; returns them. */
  protected take(re: RegExp): string {
    const start = this.i;
    while (this.i < this.src.length && re.test(this.src[this.i] as string)) this.i++;
    return this.src.slice(start, this.i);
  }

  /** Advances one character, keeping the line count right. */
  protected advance(): void {
    if (this.src[this.i] === '\n') {
      this.line++;
      this.lineStart = this.i + 1;
    }
    this.i++;
  }

  /** Skips whitespace and comments. */
  protected skipTrivia(): void {
    for (;;) {
      const c = this.src[this.i];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.advance();
      else if (c === '/' && this.src[this.i + 1] === '/') {
        while (this.i < this.src.length && this.src[this.i] !== '\n') this.i++;
      } else if (c === '/' && this.src[this.i + 1] === '*') this.blockComment();
      else return;
    }
  }

  /** Block comments nest, so commenting out a region that holds a comment still works. */
  private blockComment(): void {
    const start = this.pos();
    let depth = 0;
    do {
      if (this.i >= this.src.length) throw this.fail('unterminated block comment', start);
      if (this.src.startsWith('/*', this.i)) {
        depth++;
        this.i += 2;
      } else if (this.src.startsWith('*/', this.i)) {
        depth--;
        this.i += 2;
      } else this.advance();
    } while (depth > 0);
  }
}
