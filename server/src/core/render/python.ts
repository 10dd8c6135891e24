import type { Scalar } from '../schema/schema';

/** A Python value as `repr()` writes it: strings, numbers, booleans, None, and tuples of them. */
export type PyValue = Scalar | undefined | PyValue[];

/** The Python `repr()` of a string: single quotes unless the text holds one and no double quote, as CPython does. */
export function pyStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** The Python `repr()` of a value; an array is a tuple (`('a',)`, `('a', 'b')`). */
export function pyRepr(v: PyValue): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return pyStr(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  return pyTuple(v.map(pyRepr));
}

/** A tuple as Python writes it, from the reprs of its items (`('a',)`, `('a', 'b')`). */
export function pyTuple(items: string[]): string {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** The Python `repr()` of a list of strings (`['a', 'b']`). */
export function pyList(items: string[]): string {
  return `[${items.map(pyStr).join(', ')}]`;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '\n': '', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/**
 * The value of a Python string literal as written in source (`'x'`, `"x"`, `r'x'`, triple quotes, and adjacent
 * literals concatenated), or undefined when the text is anything else.
 */
export function parsePyString(text: string): string | undefined {
  let rest = text.trim();
  let out = '';
  let any = false;
  while (rest) {
    const m = /^([rRuU]?)('''|"""|'|")/.exec(rest);
    if (!m) return undefined;
    const raw = m[1].toLowerCase() === 'r';
    const quote = m[2];
    let i = m[0].length;
    let value = '';
    for (;;) {
      if (i >= rest.length) return undefined;
      if (rest.startsWith(quote, i)) break;
      const ch = rest[i];
      if (ch === '\n' && quote.length === 1) return undefined;
      if (ch === '\\' && i + 1 < rest.length) {
        const next = rest[i + 1];
        if (raw) value += ch + next;
        else if (next in ESCAPES) value += ESCAPES[next];
        else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(rest.slice(i + 2, i + 4))) {
          value += String.fromCharCode(parseInt(rest.slice(i + 2, i + 4), 16));
          i += 2;
        } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(rest.slice(i + 2, i + 6))) {
          value += String.fromCharCode(parseInt(rest.slice(i + 2, i + 6), 16));
          i += 4;
        } else value += ch + next;
        i += 2;
        continue;
      }
      value += ch;
      i++;
    }
    out += value;
    any = true;
    rest = rest.slice(i + quote.length).trim();
  }
  return any ? out : undefined;
}
