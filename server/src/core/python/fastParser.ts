import { dottedName, type Expr, type Keyword, type ModuleSyntax, type Param, type Span, type Stmt } from './syntax';

/*
 * A fast path beside tree-sitter: a small, strict Python parser written for the code that models and migrations are
 * made of, producing exactly the `ModuleSyntax` that the tree-sitter converter (parser.ts) produces for the same text.
 * It gives up (returns undefined) on anything it does not know for certain, and the caller then parses with
 * tree-sitter: syntax errors, tabs in indentation, line continuations, f-strings with fields, async, yield, match,
 * star targets, non-ASCII names... The spans follow tree-sitter's rules, including where a block ends when comments
 * follow it (see `dedent`). docs/design/speed.md says why it exists; test/unit/fastParser.test.ts holds it to tree-sitter.
 */

/** Thrown to give up; caught in parseModuleFast. */
const GIVE_UP = new Error('fast parser: not handled');
function giveUp(): never {
  throw GIVE_UP;
}

const enum K {
  Name = 1,
  Number,
  String,
  Op,
  Newline,
  Indent,
  Dedent,
  End,
}

// Operator codes: one-character operators use their character code; these are the longer ones.
const ARROW = 300;
const POW = 301;
const FLOORDIV = 302;
const LSHIFT = 303;
const RSHIFT = 304;
const LE = 305;
const GE = 306;
const EQEQ = 307;
const NE = 308;
const ELLIPSIS = 309;
const AUGASSIGN = 310;
const WALRUS = 311;

const ch = (s: string): number => s.charCodeAt(0);
const LPAR = ch('(');
const RPAR = ch(')');
const LSQB = ch('[');
const RSQB = ch(']');
const LBRACE = ch('{');
const RBRACE = ch('}');
const COMMA = ch(',');
const COLON = ch(':');
const DOT = ch('.');
const EQUAL = ch('=');
const STAR = ch('*');
const AT = ch('@');
const MINUS = ch('-');
const PLUS = ch('+');
const TILDE = ch('~');
const SEMI = ch(';');
const SLASH = ch('/');
const VBAR = ch('|');
const AMPER = ch('&');
const CIRCUMFLEX = ch('^');
const PERCENT = ch('%');
const LESS = ch('<');
const GREATER = ch('>');

// Keyword codes of Name tokens (0: a plain identifier).
const KEYWORDS = [
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield',
  // Soft keywords of the grammar: identifiers mostly, statements in some places.
  'print', 'exec', 'type', 'match',
] as const;
type Keyword_ = (typeof KEYWORDS)[number];
const KW = new Map<string, number>(KEYWORDS.map((k, i) => [k, i + 1]));
/** The keywords by their first character, to look a name up without slicing it out of the text. */
const KW_BY_FIRST: Array<Array<[string, number]>> = [];
for (const [k, code] of KW) (KW_BY_FIRST[k.charCodeAt(0)] ??= []).push([k, code]);

function keywordAt(src: string, start: number, end: number): number {
  const candidates = KW_BY_FIRST[src.charCodeAt(start)];
  if (!candidates || end - start > 8) return 0;
  for (const [k, code] of candidates) if (k.length === end - start && src.startsWith(k, start)) return code;
  return 0;
}
const kw = (k: Keyword_): number => KW.get(k)!;
const KW_FALSE = kw('False');
const KW_NONE = kw('None');
const KW_TRUE = kw('True');
const KW_AND = kw('and');
const KW_AS = kw('as');
const KW_ASSERT = kw('assert');
const KW_ASYNC = kw('async');
const KW_AWAIT = kw('await');
const KW_BREAK = kw('break');
const KW_CLASS = kw('class');
const KW_CONTINUE = kw('continue');
const KW_DEF = kw('def');
const KW_DEL = kw('del');
const KW_ELIF = kw('elif');
const KW_ELSE = kw('else');
const KW_EXCEPT = kw('except');
const KW_FINALLY = kw('finally');
const KW_FOR = kw('for');
const KW_FROM = kw('from');
const KW_GLOBAL = kw('global');
const KW_IF = kw('if');
const KW_IMPORT = kw('import');
const KW_IN = kw('in');
const KW_IS = kw('is');
const KW_LAMBDA = kw('lambda');
const KW_NONLOCAL = kw('nonlocal');
const KW_NOT = kw('not');
const KW_OR = kw('or');
const KW_PASS = kw('pass');
const KW_RAISE = kw('raise');
const KW_RETURN = kw('return');
const KW_TRY = kw('try');
const KW_WHILE = kw('while');
const KW_WITH = kw('with');
const KW_PRINT = kw('print');
const KW_EXEC = kw('exec');
const KW_TYPE = kw('type');
const KW_MATCH = kw('match');
/** Codes above this are soft keywords: identifiers wherever an identifier may stand. */
const LAST_RESERVED = kw('yield');

/** The precedence of each binary operator, as tree-sitter-python declares them (not quite Python's: `^` binds tighter than `&`). */
function binaryPrecedence(code: number): number {
  switch (code) {
    case VBAR:
      return 14;
    case AMPER:
      return 15;
    case CIRCUMFLEX:
      return 16;
    case LSHIFT:
    case RSHIFT:
      return 17;
    case PLUS:
    case MINUS:
      return 18;
    case STAR:
    case AT:
    case SLASH:
    case PERCENT:
    case FLOORDIV:
      return 19;
    case POW:
      return 21;
    default:
      return -1;
  }
}

const MAX_DEPTH = 100;
const NO_SPAN: Span = [0, 0, 0, 0];
const NO_EXPR: Expr = { k: 'other', text: '', s: NO_SPAN };
const STRING_RAW = 1;
const STRING_FORMAT = 2;
const STRING_TRIPLE = 4;
const NUMBER_FLOAT = 1;

/** Token arrays, reused from one parse to the next (parsing is synchronous and never re-entered). */
let cap = 0;
let kinds = new Uint8Array(0);
let codes = new Int32Array(0);
let starts = new Int32Array(0);
let ends = new Int32Array(0);
let rows = new Int32Array(0);
let endRows = new Int32Array(0);
/** 1 when a comment sits inside brackets just before this token. */
let commentBefore = new Uint8Array(0);

function ensureCapacity(n: number): void {
  if (n <= cap) return;
  const next = Math.max(n, cap * 2, 1024);
  const grow = <T extends Uint8Array | Int32Array>(a: T, make: (n: number) => T): T => {
    const b = make(next);
    b.set(a);
    return b;
  };
  kinds = grow(kinds, (n) => new Uint8Array(n));
  codes = grow(codes, (n) => new Int32Array(n));
  starts = grow(starts, (n) => new Int32Array(n));
  ends = grow(ends, (n) => new Int32Array(n));
  rows = grow(rows, (n) => new Int32Array(n));
  endRows = grow(endRows, (n) => new Int32Array(n));
  commentBefore = grow(commentBefore, (n) => new Uint8Array(n));
  cap = next;
}

const IGNORE_MARKER = /alembic-drift:\s*ignore(?:\[([^\]]*)\])?/;

/** The codes of an `alembic-drift: ignore[...]` comment (empty: all codes), or undefined when it has no marker. */
export function ignoreCodes(comment: string): string[] | undefined {
  const m = IGNORE_MARKER.exec(comment);
  if (!m) return undefined;
  return m[1] ? m[1].split(',').map((x) => x.trim()).filter(Boolean) : [];
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** Decodes the common Python escape sequences of a non-raw string literal. */
export function decodeEscapes(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\s\S])/g, (m, e: string) => {
    if (e.length > 1 && /^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return SIMPLE_ESCAPES[e] ?? m;
  });
}

/** The value of an integer literal's text as the converter reads it (NaN when it cannot). */
export function integerValue(text: string): number {
  return Number(text.replace(/_/g, '').replace(/[lLjJ]$/, ''));
}

/** The value of a float literal's (or a signed number's) text as the converter reads it. */
export function floatValue(text: string): number {
  return Number(text.replace(/_/g, ''));
}

const DIGITS = '[0-9](?:_?[0-9])*';
const EXPONENT = `[eE][+-]?${DIGITS}`;
const NUMBER = new RegExp(
  `0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(${DIGITS}\\.(?:${DIGITS})?(?:${EXPONENT})?[jJ]?|\\.${DIGITS}(?:${EXPONENT})?[jJ]?|${DIGITS}${EXPONENT}[jJ]?)|${DIGITS}[jJ]?`,
  'y',
);
const STRING_PREFIXES = new Set(['r', 'u', 'b', 'f', 'br', 'rb', 'fr', 'rf']);

/**
 * Parses a module with the fast path, or returns undefined when the text holds anything it does not handle (then
 * tree-sitter must parse it). When it returns, the result is what the tree-sitter converter returns for `text`.
 */
export function parseModuleFast(text: string): ModuleSyntax | undefined {
  try {
    const parser = new FastParser(text);
    parser.tokenize();
    return parser.module();
  } catch (e) {
    if (e === GIVE_UP || e instanceof RangeError) return undefined;
    throw e;
  }
}

class FastParser {
  private n = 0;
  private i = 0;
  private readonly lineStarts: number[] = [0];
  private commentRows: number[] = [];
  private commentTexts: string[] = [];
  private depth = 0;
  private classDepth = 0;
  /** Inside a type annotation, where the grammar reads types, not expressions: only the common forms are taken. */
  private inAnnotation = 0;
  /** Inside a body the converter skips (a downgrade(), most methods): checked, but no spans or texts are made. */
  private discard = 0;

  constructor(private readonly src: string) {}

  // ---------------------------------------------------------------------------------------------------------------
  // Tokens

  private push(kind: K, code: number, start: number, end: number, row: number, endRow: number, comment: boolean): void {
    const t = this.n++;
    if (t >= cap) ensureCapacity(t + 1);
    kinds[t] = kind;
    codes[t] = code;
    starts[t] = start;
    ends[t] = end;
    rows[t] = row;
    endRows[t] = endRow;
    commentBefore[t] = comment ? 1 : 0;
  }

  /** Splits the text into tokens with Python's INDENT/DEDENT/NEWLINE, placed where tree-sitter-python places them. */
  tokenize(): void {
    const src = this.src;
    const len = src.length;
    ensureCapacity((len >> 2) + 64);
    const lineStarts = this.lineStarts;
    const indents = [0];
    const brackets: number[] = [];
    // Own-line comments since the last line of code: their indentation, end and row (they decide where blocks end).
    const pendingIndent: number[] = [];
    const pendingEnd: number[] = [];
    const pendingRow: number[] = [];
    let pos = 0;
    let row = 0;
    let lineHasTokens = false;
    // Where the current logical line's NEWLINE goes: after its last token, or after a comment that ends it.
    let newlinePos = 0;
    let newlineRow = 0;
    let comment = false;
    // Inside brackets: a line starts, whose first token must not sit left of the enclosing block.
    let bracketLine = false;
    const addComment = (start: number, end: number, r: number): void => {
      this.commentRows.push(r);
      this.commentTexts.push(src.slice(start, end));
    };
    const lineEnd = (from: number): number => {
      const e = src.indexOf('\n', from);
      return e < 0 ? len : e;
    };
    /** Emits the DEDENTs down to `col`; trailing comments indented at least as deep as a block stay inside it. */
    const dedent = (col: number): void => {
      let at = newlinePos;
      let atRow = newlineRow;
      let c = 0;
      while (indents[indents.length - 1] > col) {
        const top = indents[indents.length - 1];
        if (c < pendingIndent.length && pendingIndent[c] >= top) {
          at = pendingEnd[c];
          atRow = pendingRow[c];
          c++;
          continue;
        }
        this.push(K.Dedent, 0, at, at, atRow, atRow, false);
        indents.pop();
      }
      if (indents[indents.length - 1] !== col) giveUp();
    };

    for (;;) {
      if (!lineHasTokens && brackets.length === 0) {
        // The start of a logical line: its indentation, or a blank or comment line.
        let col = 0;
        let c = src.charCodeAt(pos);
        while (c === 32) {
          col++;
          c = src.charCodeAt(++pos);
        }
        if (pos >= len) break;
        if (c === 10) {
          pos++;
          row++;
          lineStarts.push(pos);
          continue;
        }
        if (c === 13) {
          if (src.charCodeAt(pos + 1) !== 10) giveUp();
          pos += 2;
          row++;
          lineStarts.push(pos);
          continue;
        }
        if (c === 35) {
          const end = lineEnd(pos);
          addComment(pos, end, row);
          pendingIndent.push(col);
          pendingEnd.push(end);
          pendingRow.push(row);
          pos = end;
          continue;
        }
        if (c === 9 || c === 12 || c === 11) giveUp();
        const top = indents[indents.length - 1];
        if (col > top) {
          if (this.n === 0) giveUp();
          this.push(K.Indent, 0, pos, pos, row, row, false);
          indents.push(col);
        } else if (col < top) dedent(col);
        pendingIndent.length = 0;
        pendingEnd.length = 0;
        pendingRow.length = 0;
        lineHasTokens = true;
      }
      let c = src.charCodeAt(pos);
      while (c === 32 || c === 9) c = src.charCodeAt(++pos);
      if (pos >= len) break;
      if (c === 13) {
        if (src.charCodeAt(pos + 1) !== 10) giveUp();
        pos++;
        continue;
      }
      if (c === 10) {
        pos++;
        row++;
        lineStarts.push(pos);
        if (brackets.length === 0) {
          this.push(K.Newline, 0, newlinePos, newlinePos, newlineRow, newlineRow, false);
          lineHasTokens = false;
        } else bracketLine = true;
        continue;
      }
      if (bracketLine) {
        // NOTE: tree-sitter-python's scanner may end the block there, inside the brackets (an error, where Python
        // sees none): leave such lines to it.
        bracketLine = false;
        const lineStart = lineStarts[lineStarts.length - 1];
        if (pos - lineStart < indents[indents.length - 1] || src.slice(lineStart, pos).includes('\t')) giveUp();
      }
      if (c === 35) {
        const end = lineEnd(pos);
        addComment(pos, end, row);
        if (brackets.length > 0) comment = true;
        else {
          newlinePos = end;
          newlineRow = row;
        }
        pos = end;
        continue;
      }
      const start = pos;
      const startRow = row;
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) {
        // A name, a keyword, or a string prefix.
        let p = pos + 1;
        let d = src.charCodeAt(p);
        while ((d >= 97 && d <= 122) || (d >= 65 && d <= 90) || d === 95 || (d >= 48 && d <= 57)) d = src.charCodeAt(++p);
        if (d === 34 || d === 39) {
          const prefix = src.slice(pos, p).toLowerCase();
          if (!STRING_PREFIXES.has(prefix)) giveUp();
          pos = p;
          const flags = (prefix.includes('r') ? STRING_RAW : 0) | (prefix.includes('f') ? STRING_FORMAT : 0);
          row = this.string(pos, flags, row);
          pos = this.stringEnd;
          this.push(K.String, this.stringFlags, start, pos, startRow, row, comment);
        } else {
          if (d > 127) giveUp();
          this.push(K.Name, keywordAt(src, pos, p), start, p, row, row, comment);
          pos = p;
        }
      } else if (c === 34 || c === 39) {
        row = this.string(pos, 0, row);
        pos = this.stringEnd;
        this.push(K.String, this.stringFlags, start, pos, startRow, row, comment);
      } else if ((c >= 48 && c <= 57) || (c === 46 && isDigit(src.charCodeAt(pos + 1)))) {
        NUMBER.lastIndex = pos;
        const m = NUMBER.exec(src);
        if (!m) giveUp();
        const end = pos + m[0].length;
        const next = src.charCodeAt(end);
        if ((next >= 97 && next <= 122) || (next >= 65 && next <= 90) || next === 95 || (next >= 48 && next <= 57) || next === 46 || next > 127) giveUp();
        this.push(K.Number, m[1] !== undefined ? NUMBER_FLOAT : 0, start, end, row, row, comment);
        pos = end;
      } else {
        let code = c;
        let size = 1;
        const c2 = src.charCodeAt(pos + 1);
        switch (c) {
          case LPAR:
          case LSQB:
          case LBRACE:
            brackets.push(c === LPAR ? RPAR : c === LSQB ? RSQB : RBRACE);
            break;
          case RPAR:
          case RSQB:
          case RBRACE:
            if (brackets.pop() !== c) giveUp();
            break;
          case COMMA:
          case TILDE:
          case SEMI:
            break;
          case COLON:
            if (c2 === EQUAL) {
              code = WALRUS;
              size = 2;
            }
            break;
          case DOT:
            if (c2 === DOT && src.charCodeAt(pos + 2) === DOT) {
              code = ELLIPSIS;
              size = 3;
            }
            break;
          case EQUAL:
            if (c2 === EQUAL) {
              code = EQEQ;
              size = 2;
            }
            break;
          case ch('!'):
            if (c2 !== EQUAL) giveUp();
            code = NE;
            size = 2;
            break;
          case MINUS:
            if (c2 === GREATER) {
              code = ARROW;
              size = 2;
            } else if (c2 === EQUAL) {
              code = AUGASSIGN;
              size = 2;
            }
            break;
          case STAR:
          case SLASH:
          case LESS:
          case GREATER:
            if (c2 === c) {
              code = c === STAR ? POW : c === SLASH ? FLOORDIV : c === LESS ? LSHIFT : RSHIFT;
              size = 2;
              if (src.charCodeAt(pos + 2) === EQUAL) {
                code = AUGASSIGN;
                size = 3;
              }
            } else if (c2 === EQUAL) {
              code = c === LESS ? LE : c === GREATER ? GE : AUGASSIGN;
              size = 2;
            } else if (c === LESS && c2 === GREATER) giveUp();
            break;
          case PLUS:
          case PERCENT:
          case AMPER:
          case VBAR:
          case CIRCUMFLEX:
          case AT:
            if (c2 === EQUAL) {
              code = AUGASSIGN;
              size = 2;
            }
            break;
          default:
            // `;`, `\` line continuations, `$`, `?`, backticks, non-ASCII names and spaces.
            giveUp();
        }
        this.push(K.Op, code, start, pos + size, row, row, comment);
        pos += size;
      }
      comment = false;
      newlinePos = pos;
      newlineRow = row;
    }
    if (brackets.length > 0) giveUp();
    if (lineHasTokens) this.push(K.Newline, 0, newlinePos, newlinePos, newlineRow, newlineRow, false);
    dedent(0);
    this.push(K.End, 0, len, len, row, row, false);
  }

  private stringEnd = 0;
  private stringFlags = 0;

  /** Scans a string literal whose quote is at `quote`; sets stringEnd and stringFlags, returns the row it ends on. */
  private string(quote: number, flags: number, row: number): number {
    const src = this.src;
    const q = src.charCodeAt(quote);
    let p = quote + 1;
    if (src.charCodeAt(p) === q && src.charCodeAt(p + 1) === q) {
      flags |= STRING_TRIPLE;
      p += 2;
    }
    const triple = (flags & STRING_TRIPLE) !== 0;
    const raw = (flags & STRING_RAW) !== 0;
    const contentStart = p;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c !== c) giveUp(); // NaN: the end of the text
      if (c === 92) {
        const next = src.charCodeAt(p + 1);
        if (raw) {
          p++;
          if (next === q || next === 92) p++;
          continue;
        }
        if (next === 10) {
          row++;
          this.lineStarts.push(p + 2);
        } else if (next === 13) giveUp();
        p += 2;
        continue;
      }
      if (c === q) {
        if (!triple) {
          p++;
          break;
        }
        if (src.charCodeAt(p + 1) === q && src.charCodeAt(p + 2) === q) {
          p += 3;
          break;
        }
      } else if (c === 10) {
        if (!triple) giveUp();
        row++;
        this.lineStarts.push(p + 1);
      } else if (c === 13 && !triple) giveUp();
      p++;
    }
    if (flags & (STRING_FORMAT | STRING_RAW)) {
      const content = src.slice(contentStart, p - (triple ? 3 : 1));
      if (flags & STRING_FORMAT && (content.includes('{') || content.includes('}'))) giveUp();
      // NOTE: tree-sitter reads a raw string made only of backslash escapes as having no content at all.
      if (flags & STRING_RAW && content.length > 0 && /^[\\'"\r\n]*$/.test(content)) giveUp();
    }
    this.stringEnd = p;
    this.stringFlags = flags;
    return row;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers over tokens

  private span(first: number, last: number): Span {
    if (this.discard > 0) return NO_SPAN;
    const ls = this.lineStarts;
    const r = rows[first];
    const er = endRows[last];
    return [r, starts[first] - ls[r], er, ends[last] - ls[er]];
  }

  private text(first: number, last: number): string {
    if (this.discard > 0) return '';
    return this.src.slice(starts[first], ends[last]);
  }

  private other(first: number, last: number): Expr {
    if (this.discard > 0) return NO_EXPR;
    const text = this.text(first, last);
    return { k: 'other', text: text.length > 200 ? text.slice(0, 200) : text, s: this.span(first, last) };
  }

  private isOp(code: number): boolean {
    return kinds[this.i] === K.Op && codes[this.i] === code;
  }

  private isKw(code: number): boolean {
    return kinds[this.i] === K.Name && codes[this.i] === code;
  }

  private expectOp(code: number): void {
    if (kinds[this.i] !== K.Op || codes[this.i] !== code) giveUp();
    this.i++;
  }

  private expectKw(code: number): void {
    if (kinds[this.i] !== K.Name || codes[this.i] !== code) giveUp();
    this.i++;
  }

  /** An identifier token (a soft keyword counts), or give up. */
  private name(): string {
    const t = this.i;
    if (kinds[t] !== K.Name || (codes[t] !== 0 && codes[t] <= LAST_RESERVED)) giveUp();
    this.i++;
    return this.discard > 0 ? '' : this.src.slice(starts[t], ends[t]);
  }

  private isName(): boolean {
    const t = this.i;
    return kinds[t] === K.Name && (codes[t] === 0 || codes[t] > LAST_RESERVED);
  }

  /** Gives up when a comment sits inside brackets anywhere in tokens (first, last]. */
  private noComments(first: number, last: number): void {
    for (let t = first + 1; t <= last; t++) if (commentBefore[t]) giveUp();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Statements

  module(): ModuleSyntax {
    const body: Stmt[] = [];
    while (kinds[this.i] !== K.End) this.statement(body, true);
    const ignores: Record<number, string[]> = {};
    if (this.src.includes('alembic-drift')) {
      for (let c = 0; c < this.commentTexts.length; c++) {
        const codes = ignoreCodes(this.commentTexts[c]);
        if (codes) ignores[this.commentRows[c]] = codes;
      }
    }
    return { body, errors: [], ignores };
  }

  /** A block after `:`; returns the index of the token that ends it (its NEWLINE or DEDENT). */
  private suite(out: Stmt[]): number {
    if (kinds[this.i] === K.Newline) {
      this.i++;
      if (kinds[this.i] !== K.Indent) giveUp();
      this.i++;
      while (kinds[this.i] !== K.Dedent) {
        if (kinds[this.i] === K.End) giveUp();
        this.statement(out, false);
      }
      return this.i++;
    }
    return this.simpleStatements(out);
  }

  private statement(out: Stmt[], moduleLevel: boolean): void {
    const t = this.i;
    const kind = kinds[t];
    if (kind === K.Name) {
      switch (codes[t]) {
        case KW_DEF:
        case KW_CLASS:
          this.definition(out, [], t, moduleLevel);
          return;
        case KW_ASYNC:
          // `async def`, `async with`, `async for`: the same nodes, starting at `async`.
          if (kinds[t + 1] !== K.Name) giveUp();
          if (codes[t + 1] === KW_DEF) {
            this.i++;
            this.definition(out, [], t, moduleLevel);
          } else if (codes[t + 1] === KW_WITH) {
            this.i++;
            this.withStatement(out, t);
          } else if (codes[t + 1] === KW_FOR) {
            this.i++;
            this.forStatement(out, t);
          } else giveUp();
          return;
        case KW_IF:
          out.push(this.ifStatement());
          return;
        case KW_FOR:
          this.forStatement(out);
          return;
        case KW_WHILE:
          this.whileStatement();
          return;
        case KW_TRY:
          this.tryStatement(out);
          return;
        case KW_WITH:
          this.withStatement(out);
          return;
        default:
      }
    } else if (kind === K.Op && codes[t] === AT) {
      this.decorated(out, moduleLevel);
      return;
    } else if (kind !== K.Number && kind !== K.String && kind !== K.Op) giveUp();
    this.simpleStatements(out);
  }

  /** Simple statements up to the end of the line (`;` between them); returns the index of the NEWLINE token. */
  private simpleStatements(out: Stmt[]): number {
    for (;;) {
      this.simpleStatement(out);
      if (this.isOp(SEMI)) {
        this.i++;
        if (kinds[this.i] === K.Newline) break;
        continue;
      }
      break;
    }
    if (kinds[this.i] !== K.Newline) giveUp();
    return this.i++;
  }

  private simpleStatement(out: Stmt[]): void {
    const t = this.i;
    if (kinds[t] === K.Name) {
      switch (codes[t]) {
        case KW_IMPORT:
          this.importStatement(out);
          return;
        case KW_FROM:
          this.fromStatement(out);
          return;
        case KW_RETURN: {
          this.i++;
          const value = this.atLineEnd() ? undefined : this.expressionList();
          out.push({ k: 'return', value, s: this.span(t, this.i - 1) });
          return;
        }
        case KW_PASS:
        case KW_BREAK:
        case KW_CONTINUE:
          this.i++;
          return;
        case KW_RAISE:
          this.i++;
          if (!this.atLineEnd()) {
            this.expressionList();
            if (this.isKw(KW_FROM)) {
              this.i++;
              this.expression();
            }
          }
          return;
        case KW_DEL:
          this.i++;
          this.expressionList();
          return;
        case KW_ASSERT:
          this.i++;
          this.expression();
          if (this.isOp(COMMA)) {
            this.i++;
            this.expression();
          }
          return;
        case KW_GLOBAL:
        case KW_NONLOCAL:
          this.i++;
          this.name();
          while (this.isOp(COMMA)) {
            this.i++;
            this.name();
          }
          return;
        case KW_PRINT:
        case KW_EXEC:
        case KW_TYPE:
        case KW_MATCH:
          // Statements of their own in the grammar unless used as a plain name.
          if (kinds[t + 1] !== K.Op || !(codes[t + 1] === EQUAL || codes[t + 1] === DOT || codes[t + 1] === LPAR)) giveUp();
          break;
        default:
          if (codes[t] !== 0 && codes[t] !== KW_NOT && codes[t] !== KW_AWAIT && codes[t] !== KW_LAMBDA && codes[t] !== KW_TRUE && codes[t] !== KW_FALSE && codes[t] !== KW_NONE) giveUp();
      }
    }
    this.expressionStatement(out);
  }

  private atLineEnd(): boolean {
    return kinds[this.i] === K.Newline || this.isOp(SEMI);
  }

  /** The first `=`, `:` or augmented assignment outside brackets before the end of the statement, if any. */
  private statementOperator(): number {
    let depth = 0;
    for (let t = this.i; ; t++) {
      const kind = kinds[t];
      if (kind === K.Newline || kind === K.End) return 0;
      if (kind !== K.Op) {
        if (kind === K.Name && codes[t] === KW_LAMBDA && depth === 0) return 0;
        continue;
      }
      const code = codes[t];
      if (code === LPAR || code === LSQB || code === LBRACE) depth++;
      else if (code === RPAR || code === RSQB || code === RBRACE) depth--;
      else if (depth === 0 && (code === EQUAL || code === COLON || code === AUGASSIGN || code === SEMI)) return code === SEMI ? 0 : code;
    }
  }

  private expressionStatement(out: Stmt[]): void {
    const t = this.i;
    const op = this.statementOperator();
    if (op === EQUAL) {
      const targets: Expr[] = [this.targetList()];
      let value: Expr | undefined;
      for (;;) {
        this.expectOp(EQUAL);
        if (this.statementOperator() === EQUAL) {
          targets.push(this.targetList());
          continue;
        }
        value = this.expressionList();
        break;
      }
      out.push({ k: 'assign', targets, ann: undefined, value, s: this.span(t, this.i - 1) });
      return;
    }
    if (op === COLON) {
      const target = this.target();
      if (target.k !== 'name' && target.k !== 'attr' && target.k !== 'subscript') giveUp();
      this.expectOp(COLON);
      const ann = this.annotation();
      let value: Expr | undefined;
      if (this.isOp(EQUAL)) {
        this.i++;
        value = this.expressionList();
      }
      out.push({ k: 'assign', targets: [target], ann, value, s: this.span(t, this.i - 1) });
      return;
    }
    if (op === AUGASSIGN) {
      const target = this.target();
      if (target.k !== 'name' && target.k !== 'attr' && target.k !== 'subscript') giveUp();
      this.expectOp(AUGASSIGN);
      this.expressionList();
      return;
    }
    // Expressions; `a, b` is one statement with two expressions in the grammar.
    for (;;) {
      const first = this.i;
      const value = this.expression();
      out.push({ k: 'expr', value, s: this.span(first, this.i - 1) });
      if (!this.isOp(COMMA)) return;
      this.i++;
      if (this.atLineEnd()) return;
    }
  }

  /**
   * A type annotation. The grammar reads it as a type, which differs from an expression in corners (`Optional[A] if
   * x else B`, `A[int].b`, slices, comments in brackets): only names, attributes, calls, subscripts, literals,
   * lists, tuples and `|` are taken here.
   */
  private annotation(): Expr {
    const first = this.i;
    this.inAnnotation++;
    const e = this.expression();
    this.inAnnotation--;
    this.noComments(first, this.i - 1);
    return e;
  }

  private importStatement(out: Stmt[]): void {
    const t = this.i++;
    const names: Array<{ module: string; asname?: string }> = [];
    for (;;) {
      const module = this.dotted();
      if (this.isKw(KW_AS)) {
        this.i++;
        names.push({ module, asname: this.name() });
      } else names.push({ module });
      if (!this.isOp(COMMA)) break;
      this.i++;
    }
    const s = this.span(t, this.i - 1);
    for (const n of names) out.push(n.asname !== undefined ? { k: 'import', module: n.module, asname: n.asname, s } : { k: 'import', module: n.module, s });
  }

  private dotted(): string {
    const first = this.i;
    this.name();
    while (this.isOp(DOT)) {
      this.i++;
      this.name();
    }
    return this.text(first, this.i - 1);
  }

  private fromStatement(out: Stmt[]): void {
    const t = this.i++;
    let level = 0;
    let module = '';
    if (this.isOp(DOT)) {
      const first = this.i;
      while (this.isOp(DOT)) this.i++;
      level = this.i - first;
      if (ends[this.i - 1] - starts[first] !== level) giveUp();
      if (!this.isKw(KW_IMPORT)) module = this.dotted();
    } else module = this.dotted();
    this.expectKw(KW_IMPORT);
    const names: Array<{ name: string; asname?: string }> = [];
    if (this.isOp(STAR)) {
      this.i++;
      names.push({ name: '*' });
    } else {
      const paren = this.isOp(LPAR);
      if (paren) this.i++;
      for (;;) {
        const name = this.dotted();
        if (this.isKw(KW_AS)) {
          this.i++;
          names.push({ name, asname: this.name() });
        } else names.push({ name });
        if (!this.isOp(COMMA)) break;
        this.i++;
        if (paren && this.isOp(RPAR)) break;
        if (!paren && this.atLineEnd()) giveUp();
      }
      if (paren) this.expectOp(RPAR);
    }
    if (module === '__future__' && level === 0) return;
    out.push({ k: 'from', module, level, names, s: this.span(t, this.i - 1) });
  }

  private decorated(out: Stmt[], moduleLevel: boolean): void {
    const first = this.i;
    const decorators: Expr[] = [];
    while (this.isOp(AT)) {
      this.i++;
      decorators.push(this.expression());
      if (kinds[this.i] !== K.Newline) giveUp();
      this.i++;
    }
    if (this.isKw(KW_ASYNC) && kinds[this.i + 1] === K.Name && codes[this.i + 1] === KW_DEF) this.i++;
    if (!this.isKw(KW_DEF) && !this.isKw(KW_CLASS)) giveUp();
    this.definition(out, decorators, first, moduleLevel);
  }

  private definition(out: Stmt[], decorators: Expr[], first: number, moduleLevel: boolean): void {
    if (this.isKw(KW_CLASS)) {
      this.i++;
      const nameToken = this.i;
      const name = this.name();
      const bases: Expr[] = [];
      const kw: Keyword[] = [];
      if (this.isOp(LSQB)) giveUp();
      if (this.isOp(LPAR)) this.argumentList(bases, kw, false);
      this.expectOp(COLON);
      this.classDepth++;
      const body: Stmt[] = [];
      const end = this.suite(body);
      this.classDepth--;
      out.push({ k: 'class', name, bases, kw, decorators, body, s: this.span(first, end), nameSpan: this.span(nameToken, nameToken) });
      return;
    }
    this.expectKw(KW_DEF);
    const nameToken = this.i;
    const name = this.name();
    if (this.isOp(LSQB)) giveUp();
    const params = this.parameters();
    if (this.isOp(ARROW)) {
      this.i++;
      this.annotation();
    }
    this.expectOp(COLON);
    const outerDepth = this.classDepth;
    // As the converter: a method's body is read only for declared_attr-like decorators and dunders, and a
    // revision's downgrade() never.
    const needed =
      outerDepth === 0 ? !(name === 'downgrade' && moduleLevel) : name.startsWith('__') || decorators.some((d) => /declared_attr|directive|cascading/.test(dottedName(d.k === 'call' ? d.fn : d) ?? ''));
    this.classDepth = 0;
    const body: Stmt[] = [];
    if (!needed) this.discard++;
    const end = this.suite(needed ? body : []);
    if (!needed) this.discard--;
    this.classDepth = outerDepth;
    out.push({ k: 'def', name, params, decorators, body, s: this.span(first, end), nameSpan: this.span(nameToken, nameToken) });
  }

  private parameters(): Param[] {
    this.expectOp(LPAR);
    const out: Param[] = [];
    while (!this.isOp(RPAR)) {
      if (this.isOp(STAR) || this.isOp(POW)) {
        const star = this.isOp(STAR) ? '*' : '**';
        this.i++;
        if (star === '*' && (this.isOp(COMMA) || this.isOp(RPAR))) {
          // A bare `*`: keyword-only parameters follow.
        } else {
          if (commentBefore[this.i]) giveUp();
          const name = this.name();
          if (this.isOp(COLON)) {
            this.i++;
            this.annotation();
          }
          out.push({ name, star });
        }
      } else if (this.isOp(SLASH)) {
        this.i++;
      } else {
        const name = this.name();
        if (this.isOp(COLON)) {
          this.i++;
          this.annotation();
        }
        if (this.isOp(EQUAL)) {
          this.i++;
          out.push({ name, default: this.expression() });
        } else out.push({ name });
      }
      if (!this.isOp(COMMA)) break;
      this.i++;
    }
    this.expectOp(RPAR);
    return out;
  }

  private ifStatement(): Stmt {
    const t = this.i++;
    const test = this.expression();
    this.expectOp(COLON);
    const body: Stmt[] = [];
    let end = this.suite(body);
    const clauses: Array<{ first: number; test?: Expr; body: Stmt[]; end: number }> = [];
    while (this.isKw(KW_ELIF)) {
      const first = this.i++;
      const elifTest = this.expression();
      this.expectOp(COLON);
      const elifBody: Stmt[] = [];
      end = this.suite(elifBody);
      clauses.push({ first, test: elifTest, body: elifBody, end });
    }
    if (this.isKw(KW_ELSE)) {
      const first = this.i++;
      this.expectOp(COLON);
      const elseBody: Stmt[] = [];
      end = this.suite(elseBody);
      clauses.push({ first, body: elseBody, end });
    }
    const alternatives = (from: number): Stmt[] => {
      const c = clauses[from];
      if (!c) return [];
      if (!c.test) return c.body;
      return [{ k: 'if', test: c.test, body: c.body, orelse: alternatives(from + 1), s: this.span(c.first, c.end) }];
    };
    return { k: 'if', test, body, orelse: alternatives(0), s: this.span(t, end) };
  }

  private forStatement(out: Stmt[], first?: number): void {
    const t = first ?? this.i;
    this.i++;
    const target = this.targetList();
    this.expectKw(KW_IN);
    const iter = this.expressionList();
    this.expectOp(COLON);
    const body: Stmt[] = [];
    let end = this.suite(body);
    if (this.isKw(KW_ELSE)) {
      this.i++;
      this.expectOp(COLON);
      end = this.suite([]);
    }
    out.push({ k: 'for', target, iter, body, s: this.span(t, end) });
  }

  private whileStatement(): void {
    this.i++;
    this.expression();
    this.expectOp(COLON);
    this.suite([]);
    if (this.isKw(KW_ELSE)) {
      this.i++;
      this.expectOp(COLON);
      this.suite([]);
    }
  }

  private tryStatement(out: Stmt[]): void {
    const t = this.i++;
    this.expectOp(COLON);
    const body: Stmt[] = [];
    let end = this.suite(body);
    const handlers: Stmt[][] = [];
    let closing = false;
    while (this.isKw(KW_EXCEPT)) {
      this.i++;
      if (this.isOp(STAR)) giveUp();
      if (!this.isOp(COLON)) {
        this.expression();
        if (this.isKw(KW_AS)) {
          this.i++;
          this.name();
        }
      }
      this.expectOp(COLON);
      const handler: Stmt[] = [];
      end = this.suite(handler);
      handlers.push(handler);
      closing = true;
    }
    if (closing && this.isKw(KW_ELSE)) {
      this.i++;
      this.expectOp(COLON);
      const handler: Stmt[] = [];
      end = this.suite(handler);
      handlers.push(handler);
    }
    if (this.isKw(KW_FINALLY)) {
      this.i++;
      this.expectOp(COLON);
      const handler: Stmt[] = [];
      end = this.suite(handler);
      handlers.push(handler);
      closing = true;
    }
    if (!closing) giveUp();
    out.push({ k: 'try', body, handlers, s: this.span(t, end) });
  }

  private withStatement(out: Stmt[], first?: number): void {
    const t = first ?? this.i;
    this.i++;
    if (this.isOp(LPAR)) giveUp();
    const items: Array<{ ctx: Expr; as?: string }> = [];
    for (;;) {
      const ctx = this.expression();
      if (this.isKw(KW_AS)) {
        // NOTE: a lambda, conditional or boolean operator can take the `as` into its last operand in the grammar.
        if (ctx.k === 'other') giveUp();
        this.i++;
        const first = this.i;
        this.target();
        items.push({ ctx, as: this.text(first, this.i - 1) });
      } else items.push({ ctx });
      if (!this.isOp(COMMA)) break;
      this.i++;
    }
    this.expectOp(COLON);
    const body: Stmt[] = [];
    const end = this.suite(body);
    out.push({ k: 'with', items, body, s: this.span(t, end) });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Targets (the left of `=`, `for` and `as`): names, attributes, subscripts, and tuples and lists of them

  private targetList(): Expr {
    const first = this.i;
    const e = this.target();
    if (!this.isOp(COMMA)) return e;
    const items = [e];
    while (this.isOp(COMMA)) {
      this.i++;
      if (this.isOp(EQUAL) || this.isKw(KW_IN) || kinds[this.i] === K.Newline) break;
      items.push(this.target());
    }
    return { k: 'tuple', items, s: this.span(first, this.i - 1) };
  }

  private target(): Expr {
    const first = this.i;
    if (this.isOp(LPAR) || this.isOp(LSQB)) {
      const close = this.isOp(LPAR) ? RPAR : RSQB;
      this.i++;
      const items: Expr[] = [];
      let commas = 0;
      while (!this.isOp(close)) {
        items.push(this.target());
        if (!this.isOp(COMMA)) break;
        this.i++;
        commas++;
      }
      this.expectOp(close);
      // `(a) = x` reads as a one-item tuple pattern in the grammar; `()` and `[]` as targets are rare: leave them.
      if (items.length === 0 || (close === RPAR && commas === 0)) giveUp();
      return { k: close === RPAR ? 'tuple' : 'list', items, s: this.span(first, this.i - 1) };
    }
    if (!this.isName()) giveUp();
    const e = this.primary();
    if (e.k !== 'name' && e.k !== 'attr' && e.k !== 'subscript') giveUp();
    if (e.k !== 'name' && kinds[first] === K.Op) giveUp();
    return e;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Expressions

  /** An expression, or several separated by commas (a tuple without brackets). */
  private expressionList(): Expr {
    const first = this.i;
    const e = this.expression();
    if (!this.isOp(COMMA)) return e;
    const items = [e];
    while (this.isOp(COMMA)) {
      this.i++;
      if (this.atLineEnd() || this.isOp(EQUAL) || this.isOp(COLON) || this.isOp(RPAR)) break;
      items.push(this.expression());
    }
    return { k: 'tuple', items, s: this.span(first, this.i - 1) };
  }

  private expression(): Expr {
    if (++this.depth > MAX_DEPTH) giveUp();
    const first = this.i;
    let e: Expr;
    if (this.inAnnotation > 0 && (this.isKw(KW_LAMBDA) || this.isKw(KW_NOT))) giveUp();
    if (this.isKw(KW_LAMBDA)) {
      this.lambda();
      e = this.other(first, this.i - 1);
    } else {
      e = this.orTest();
      if (this.isKw(KW_IF)) {
        if (this.inAnnotation > 0) giveUp();
        this.i++;
        this.orTest();
        this.expectKw(KW_ELSE);
        this.expression();
        e = this.other(first, this.i - 1);
      }
    }
    this.depth--;
    return e;
  }

  private lambda(): void {
    this.i++;
    while (!this.isOp(COLON)) {
      if (this.isOp(STAR) || this.isOp(POW)) {
        this.i++;
        if (this.isName()) this.i++;
      } else if (this.isOp(SLASH)) this.i++;
      else {
        this.name();
        if (this.isOp(EQUAL)) {
          this.i++;
          this.expression();
        }
      }
      if (!this.isOp(COMMA)) break;
      this.i++;
    }
    this.expectOp(COLON);
    this.expression();
  }

  /**
   * A disjunction: an operand, or operands joined by comparisons, `and`, `or`, with `not` before them. Anything but
   * a lone operand is kept as text, so one flat loop reads it (fewer calls per expression than a function a level).
   */
  private orTest(): Expr {
    const first = this.i;
    let negated = false;
    while (this.isKw(KW_NOT)) {
      this.i++;
      negated = true;
    }
    const e = this.binary(14);
    let joined = false;
    for (;;) {
      if (this.comparisonOperator()) {
        // No `not` after a comparison operator.
        this.binary(14);
      } else if (this.isKw(KW_AND) || this.isKw(KW_OR)) {
        this.i++;
        while (this.isKw(KW_NOT)) this.i++;
        this.binary(14);
      } else break;
      joined = true;
    }
    if (!negated && !joined) return e;
    if (this.inAnnotation > 0) giveUp();
    return this.other(first, this.i - 1);
  }

  private comparisonOperator(): boolean {
    const t = this.i;
    if (kinds[t] === K.Op) {
      const c = codes[t];
      if (c === LESS || c === GREATER || c === EQEQ || c === LE || c === GE || c === NE) {
        this.i++;
        return true;
      }
      return false;
    }
    if (kinds[t] !== K.Name) return false;
    const c = codes[t];
    if (c === KW_IN) {
      this.i++;
      return true;
    }
    if (c === KW_NOT && kinds[t + 1] === K.Name && codes[t + 1] === KW_IN) {
      this.i += 2;
      return true;
    }
    if (c === KW_IS) {
      this.i++;
      if (this.isKw(KW_NOT)) this.i++;
      return true;
    }
    return false;
  }

  /** Binary operators by precedence climbing, with tree-sitter's precedences (`**` to the right). */
  private binary(min: number): Expr {
    const first = this.i;
    let left = this.unary();
    for (;;) {
      if (kinds[this.i] !== K.Op) return left;
      const code = codes[this.i];
      const prec = binaryPrecedence(code);
      if (prec < min) return left;
      if (this.inAnnotation > 0 && code !== VBAR) giveUp();
      const opToken = this.i++;
      const right = this.binary(code === POW ? prec : prec + 1);
      left = { k: 'binop', op: this.text(opToken, opToken), left, right, s: this.span(first, this.i - 1) };
    }
  }

  private unary(): Expr {
    const t = this.i;
    if (kinds[t] === K.Name && codes[t] === KW_AWAIT) {
      // `await x` is kept as text; its operand binds as a unary operator's does in the grammar.
      if (this.inAnnotation > 0) giveUp();
      this.i++;
      if (commentBefore[this.i]) giveUp();
      this.binary(21);
      return this.other(t, this.i - 1);
    }
    if (kinds[t] !== K.Op || (codes[t] !== MINUS && codes[t] !== PLUS && codes[t] !== TILDE)) return this.primary();
    if (this.inAnnotation > 0 && (codes[t] !== MINUS || kinds[t + 1] !== K.Number)) giveUp();
    this.i++;
    if (commentBefore[this.i]) giveUp();
    const argFirst = this.i;
    const arg = this.binary(21);
    const s = this.span(t, this.i - 1);
    if (argFirst === this.i - 1 && kinds[argFirst] === K.Number) {
      const v = floatValue(this.text(t, this.i - 1));
      if (Number.isFinite(v)) return { k: 'num', v, s };
    }
    if (codes[t] === MINUS) return { k: 'binop', op: '-', left: { k: 'num', v: 0, s }, right: arg, s: this.span(t, this.i - 1) };
    return this.other(t, this.i - 1);
  }

  private primary(): Expr {
    const first = this.i;
    let e = this.atom();
    for (;;) {
      if (kinds[this.i] !== K.Op) return e;
      const code = codes[this.i];
      // `A[int]` is a generic type in an annotation: nothing may follow it but a separator, `|` or the end.
      if (this.inAnnotation > 0 && e.k === 'subscript' && e.obj.k === 'name' && (code === DOT || code === LPAR || code === LSQB)) giveUp();
      if (code === DOT) {
        this.i++;
        const name = this.name();
        e = { k: 'attr', obj: e, name, s: this.span(first, this.i - 1) };
      } else if (code === LPAR) {
        const args: Expr[] = [];
        const kw: Keyword[] = [];
        this.argumentList(args, kw, true);
        e = { k: 'call', fn: e, args, kw, s: this.span(first, this.i - 1) };
      } else if (code === LSQB) {
        this.i++;
        const index: Expr[] = [];
        for (;;) {
          index.push(this.subscriptItem());
          if (!this.isOp(COMMA)) break;
          this.i++;
          if (this.isOp(RSQB)) break;
        }
        this.expectOp(RSQB);
        e = { k: 'subscript', obj: e, index, s: this.span(first, this.i - 1) };
      } else return e;
    }
  }

  private subscriptItem(): Expr {
    const first = this.i;
    if (!this.isOp(COLON)) {
      const e = this.expression();
      if (!this.isOp(COLON)) return e;
    }
    // A slice: [lower] : [upper] [: [step]]
    if (this.inAnnotation > 0) giveUp();
    this.i++;
    if (!this.isOp(COLON) && !this.isOp(COMMA) && !this.isOp(RSQB)) this.expression();
    if (this.isOp(COLON)) {
      this.i++;
      if (!this.isOp(COMMA) && !this.isOp(RSQB)) this.expression();
    }
    return this.other(first, this.i - 1);
  }

  /** `( ... )` of a call or a class: positional, `*`, `**` and keyword arguments, or one generator expression. */
  private argumentList(args: Expr[], kw: Keyword[], call: boolean): void {
    const open = this.i++;
    while (!this.isOp(RPAR)) {
      const t = this.i;
      if (this.isOp(STAR)) {
        this.i++;
        if (commentBefore[this.i]) giveUp();
        const value = this.expression();
        args.push({ k: 'starred', value, s: this.span(t, this.i - 1) });
      } else if (this.isOp(POW)) {
        this.i++;
        if (commentBefore[this.i]) giveUp();
        kw.push({ name: null, value: this.expression() });
      } else if (kinds[t] === K.Name && kinds[t + 1] === K.Op && codes[t + 1] === EQUAL) {
        const name = this.name();
        this.i++;
        kw.push({ name, value: this.expression() });
      } else {
        const value = this.expression();
        if (this.isKw(KW_FOR)) {
          // `f(x for x in y)`: the parentheses belong to the generator expression.
          if (!call || args.length > 0 || kw.length > 0) giveUp();
          const comp = this.comprehension(value, open, RPAR);
          args.push(comp);
          return;
        }
        args.push(value);
      }
      if (!this.isOp(COMMA)) break;
      this.i++;
    }
    this.expectOp(RPAR);
  }

  private atom(): Expr {
    const t = this.i;
    switch (kinds[t]) {
      case K.Name: {
        const code = codes[t];
        if (code === 0 || code > LAST_RESERVED) {
          this.i++;
          return { k: 'name', id: this.discard > 0 ? '' : this.src.slice(starts[t], ends[t]), s: this.span(t, t) };
        }
        if (code === KW_TRUE || code === KW_FALSE || code === KW_NONE) {
          this.i++;
          return { k: 'const', v: code === KW_NONE ? null : code === KW_TRUE, s: this.span(t, t) };
        }
        return giveUp();
      }
      case K.Number: {
        this.i++;
        if (this.discard > 0) return NO_EXPR;
        const text = this.src.slice(starts[t], ends[t]);
        const v = codes[t] === NUMBER_FLOAT ? floatValue(text) : integerValue(text);
        return Number.isFinite(v) ? { k: 'num', v, s: this.span(t, t) } : this.other(t, t);
      }
      case K.String:
        return this.strings();
      case K.Op:
        switch (codes[t]) {
          case LPAR:
            return this.parenthesized();
          case LSQB:
            return this.list();
          case LBRACE:
            return this.braces();
          case ELLIPSIS:
            this.i++;
            return this.other(t, t);
          default:
            return giveUp();
        }
      default:
        return giveUp();
    }
  }

  private stringValue(t: number): string {
    const flags = codes[t];
    const quote = flags & STRING_TRIPLE ? 3 : 1;
    const src = this.src;
    let p = starts[t];
    let c = src.charCodeAt(p);
    while (c !== 34 && c !== 39) c = src.charCodeAt(++p);
    const content = src.slice(p + quote, ends[t] - quote);
    return flags & STRING_RAW ? content : decodeEscapes(content);
  }

  private strings(): Expr {
    const first = this.i;
    if (this.discard > 0) {
      while (kinds[this.i] === K.String) this.i++;
      return NO_EXPR;
    }
    let v = this.stringValue(this.i++);
    while (kinds[this.i] === K.String) v += this.stringValue(this.i++);
    return { k: 'str', v, s: this.span(first, this.i - 1) };
  }

  /** An item of a tuple, list or set display: an expression or `*expr`. */
  private item(): Expr {
    if (!this.isOp(STAR)) return this.expression();
    if (this.inAnnotation > 0) giveUp();
    const t = this.i++;
    if (commentBefore[this.i]) giveUp();
    const value = this.binary(14);
    return { k: 'starred', value, s: this.span(t, this.i - 1) };
  }

  private parenthesized(): Expr {
    const open = this.i++;
    if (this.isOp(RPAR)) {
      this.i++;
      return { k: 'tuple', items: [], s: this.span(open, this.i - 1) };
    }
    const first = this.item();
    if (this.isKw(KW_FOR)) {
      if (first.k === 'starred') giveUp();
      return this.comprehension(first, open, RPAR);
    }
    if (this.isOp(RPAR)) {
      if (first.k === 'starred') giveUp();
      this.i++;
      return first;
    }
    return { k: 'tuple', items: this.items(first, RPAR), s: this.span(open, this.i - 1) };
  }

  /** The rest of a display after its first item, up to and including the closing bracket. */
  private items(first: Expr, close: number): Expr[] {
    const items = [first];
    while (this.isOp(COMMA)) {
      this.i++;
      if (this.isOp(close)) break;
      items.push(this.item());
    }
    this.expectOp(close);
    return items;
  }

  private list(): Expr {
    const open = this.i++;
    if (this.isOp(RSQB)) {
      this.i++;
      return { k: 'list', items: [], s: this.span(open, this.i - 1) };
    }
    const first = this.item();
    if (this.isKw(KW_FOR)) {
      if (first.k === 'starred') giveUp();
      return this.comprehension(first, open, RSQB);
    }
    return { k: 'list', items: this.items(first, RSQB), s: this.span(open, this.i - 1) };
  }

  private braces(): Expr {
    if (this.inAnnotation > 0) giveUp();
    const open = this.i++;
    if (this.isOp(RBRACE)) {
      this.i++;
      return { k: 'dict', entries: [], s: this.span(open, this.i - 1) };
    }
    if (this.isOp(POW) || this.entryFollows()) {
      const entries: Array<[Expr | null, Expr]> = [];
      for (;;) {
        if (this.isOp(POW)) {
          this.i++;
          if (commentBefore[this.i]) giveUp();
          entries.push([null, this.binary(14)]);
        } else {
          const key = this.expression();
          this.expectOp(COLON);
          const value = this.expression();
          if (this.isKw(KW_FOR)) {
            // A dict comprehension: read, but kept as text, as the converter does.
            if (entries.length > 0) giveUp();
            this.clauses();
            this.expectOp(RBRACE);
            return this.other(open, this.i - 1);
          }
          entries.push([key, value]);
        }
        if (!this.isOp(COMMA)) break;
        this.i++;
        if (this.isOp(RBRACE)) break;
      }
      this.expectOp(RBRACE);
      return { k: 'dict', entries, s: this.span(open, this.i - 1) };
    }
    const first = this.item();
    if (this.isKw(KW_FOR)) {
      if (first.k === 'starred') giveUp();
      return this.comprehension(first, open, RBRACE);
    }
    return { k: 'set', items: this.items(first, RBRACE), s: this.span(open, this.i - 1) };
  }

  /** Whether the braces just opened hold a dict: a `:` comes at their depth before a `,` or the closing brace. */
  private entryFollows(): boolean {
    let depth = 0;
    for (let t = this.i; ; t++) {
      const kind = kinds[t];
      if (kind === K.End) return false;
      if (kind === K.Name && codes[t] === KW_LAMBDA && depth === 0) return false;
      if (kind !== K.Op) continue;
      const code = codes[t];
      if (code === LPAR || code === LSQB || code === LBRACE) depth++;
      else if (code === RPAR || code === RSQB || code === RBRACE) {
        if (depth === 0) return false;
        depth--;
      } else if (depth === 0 && code === COLON) return true;
      else if (depth === 0 && code === COMMA) return false;
    }
  }

  /** `for ... in ... [if ...]` clauses after a comprehension's element; returns the first clause's parts. */
  private clauses(): { count: number; target: Expr; iter: Expr; conds: Expr[] } {
    let count = 0;
    let target: Expr | undefined;
    let iter: Expr | undefined;
    const conds: Expr[] = [];
    while (this.isKw(KW_FOR)) {
      this.i++;
      const tgt = this.targetList();
      this.expectKw(KW_IN);
      const it = this.orTest();
      if (count === 0) {
        target = tgt;
        iter = it;
      }
      count++;
      while (this.isKw(KW_IF)) {
        this.i++;
        if (commentBefore[this.i]) giveUp();
        const cond = this.orTest();
        if (this.isKw(KW_ELSE)) giveUp();
        conds.push(cond);
      }
    }
    return { count, target: target!, iter: iter!, conds };
  }

  private comprehension(elt: Expr, open: number, close: number): Expr {
    if (this.inAnnotation > 0) giveUp();
    const c = this.clauses();
    this.expectOp(close);
    if (c.count !== 1) return this.other(open, this.i - 1);
    return { k: 'comp', elt, target: c.target, iter: c.iter, conds: c.conds, s: this.span(open, this.i - 1) };
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
