/**
 * The analysis never reads a module-level `downgrade()` (nothing replays it), and Alembic writes it last in a
 * revision. When it is last, the parser can stop where it starts: a fifth of a big history's text is never parsed.
 */

/** A `def downgrade(` at the start of a line (lines end at "\n" only, as tree-sitter's do). */
const DOWNGRADE_DEF = /\n(?:async[ \t]+)?def[ \t]+downgrade[ \t]*\(/;
/** A line that may begin a new top-level statement: neither indented, blank nor a comment. */
const TOP_LEVEL_LINE = /(?:^|\n)[^ \t#\r\n]/;
/** A character that ends a line or resets its indentation for Python or tree-sitter, though not for the test above. */
const ODD_BREAK = /[\f\v\x85\u2028\u2029]|\r(?!\n)/;

/**
 * Where the text the analysis needs ends: the start of a module-level `def downgrade(` that nothing but indented,
 * blank or comment lines follow, else the text's length. Anything unusual (a decorator, a signature whose closing
 * bracket starts a line, a string that puts text at column 0, a form feed) keeps the whole text.
 */
export function neededTextEnd(text: string): number {
  const def = DOWNGRADE_DEF.exec(text);
  if (!def) return text.length;
  const start = def.index + 1;
  const tail = text.slice(start);
  const lineEnd = tail.indexOf('\n');
  if (ODD_BREAK.test(tail) || (lineEnd >= 0 && TOP_LEVEL_LINE.test(tail.slice(lineEnd + 1)))) return text.length;
  return start;
}
