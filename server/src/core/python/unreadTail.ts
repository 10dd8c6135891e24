/**
 * The analysis never reads a module-level `downgrade()` (nothing replays it), and Alembic writes it last in a
 * revision. When it is last, the parser can stop where it starts: a fifth of a big history's text is never parsed.
 */

const DOWNGRADE_DEF = /^(?:async[ \t]+)?def[ \t]+downgrade[ \t]*\(/m;
/** A line that begins a new top-level statement: neither indented, blank nor a comment. */
const TOP_LEVEL_LINE = /^[^\s#]/m;

/**
 * Where the text the analysis needs ends: the start of a module-level `def downgrade(` that nothing but indented,
 * blank or comment lines follow, else the text's length. Anything unusual (a decorator, a signature whose closing
 * bracket starts a line, a string that puts text at column 0) makes it find a top-level line and keep the whole text.
 */
export function neededTextEnd(text: string): number {
  const def = DOWNGRADE_DEF.exec(text);
  if (!def || def.index === 0) return text.length;
  const lineEnd = text.indexOf('\n', def.index);
  if (lineEnd >= 0 && TOP_LEVEL_LINE.test(text.slice(lineEnd + 1))) return text.length;
  return def.index;
}
