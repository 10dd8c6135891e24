import type { Span } from './syntax';
import type { FlatTree } from './flatTree';

/**
 * The statements tree-sitter's Python grammar accepts where CPython stops with a SyntaxError, because the grammar
 * skips a line break wherever no statement may end (`name =`, `op.`, `x:` then a newline join the next line) and
 * does not hold dedents to an outer level:
 * - a simple statement that runs onto the next line outside brackets, a triple-quoted string or a backslash;
 * - a statement that starts a line at another column than the statements before it in its block (at the module's top
 *   level, any column but 0): CPython's IndentationError.
 * Each is given as the span of the line where it goes wrong. `limit` bounds how many are looked for.
 */
export function layoutErrors(tree: FlatTree, text: string, limit: number): Span[] {
  const out: Span[] = [];
  if (tree.size === 0) return out;
  const visitBlock = (block: number, column: number | undefined, depth: number): void => {
    // CPython refuses more than 100 nested blocks; deeper ones (a forged text) are not followed, so the stack holds.
    if (depth > MAX_DEPTH) return;
    let expected = column;
    for (const n of tree.children(block)) {
      if (out.length >= limit) return;
      const type = tree.type(n);
      if (type === 'comment' || !tree.isNamed(n)) continue;
      const start = tree.start(n);
      const col = lineColumn(text, start);
      if (col >= 0) {
        expected ??= col;
        if (col !== expected) {
          out.push(lineSpan(text, start - col));
          continue;
        }
      }
      if (SIMPLE_STATEMENTS.has(type)) {
        const broken = joinedLine(text, start, tree.end(n));
        if (broken !== undefined) out.push(lineSpan(text, broken));
      } else {
        for (const c of tree.children(n)) visitNested(c, depth + 1);
      }
    }
  };
  /** The blocks of a compound statement (its body, `else`, `except`... clauses), each with its own indentation. */
  const visitNested = (n: number, depth: number): void => {
    const type = tree.type(n);
    if (type === 'block') visitBlock(n, undefined, depth);
    else if (depth <= MAX_DEPTH && (CLAUSES.has(type) || type === 'decorated_definition' || type.endsWith('_definition'))) for (const c of tree.children(n)) visitNested(c, depth + 1);
  };
  visitBlock(0, 0, 0);
  return out;
}

const MAX_DEPTH = 200;

/** The statements that end at the end of their logical line (compound statements hold blocks instead). */
const SIMPLE_STATEMENTS = new Set([
  'expression_statement', 'return_statement', 'delete_statement', 'raise_statement', 'pass_statement', 'break_statement',
  'continue_statement', 'import_statement', 'import_from_statement', 'future_import_statement', 'assert_statement',
  'global_statement', 'nonlocal_statement', 'exec_statement', 'print_statement', 'type_alias_statement',
]);

/** The parts of compound statements that hold a block. */
const CLAUSES = new Set(['else_clause', 'elif_clause', 'except_clause', 'except_group_clause', 'finally_clause', 'case_clause', 'block']);

/** The column of `offset` when only spaces, tabs and form feeds stand before it on its line, else -1. */
function lineColumn(text: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return offset - i - 1;
    if (c !== 32 && c !== 9 && c !== 12) return -1;
  }
  return offset;
}

/** The span of the whole line that starts at `lineStart`. */
function lineSpan(text: string, lineStart: number): Span {
  let row = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < lineStart; i = text.indexOf('\n', i + 1)) row++;
  let end = text.indexOf('\n', lineStart);
  if (end < 0) end = text.length;
  if (end > lineStart && text.charCodeAt(end - 1) === 13) end--;
  return [row, 0, row, end - lineStart];
}

/**
 * Where a statement's text (from `start` to `end`) breaks a line outside brackets, a triple-quoted string and a
 * backslash, as CPython's tokenizer reads it: the start of the line that is left unfinished.
 */
function joinedLine(text: string, start: number, end: number): number | undefined {
  let depth = 0;
  let lineStart = start - Math.max(0, lineColumn(text, start));
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 35 /* # */) {
      while (i + 1 < end && text.charCodeAt(i + 1) !== 10 && text.charCodeAt(i + 1) !== 13) i++;
    } else if (c === 92 /* \ */) {
      // A backslash before the line break joins the lines.
      if (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10) i++;
      i++;
      lineStart = i + 1;
    } else if (c === 34 || c === 39 /* " ' */) {
      const triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
      for (i += triple ? 3 : 1; i < end; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) {
          i++;
          if (text.charCodeAt(i) === 10) lineStart = i + 1;
          continue;
        }
        if (d === 10) {
          if (!triple) {
            i--; // an unterminated string: its line break is read as any other
            break;
          }
          lineStart = i + 1;
        }
        if (d === c && (!triple || (text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c))) {
          if (triple) i += 2;
          break;
        }
      }
    } else if (c === 40 || c === 91 || c === 123 /* ( [ { */) depth++;
    else if (c === 41 || c === 93 || c === 125 /* ) ] } */) depth = Math.max(0, depth - 1);
    else if (c === 10 || c === 13) {
      if (depth === 0) return lineStart;
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      lineStart = i + 1;
    }
  }
  return undefined;
}
