import { pyRepr, type PyValue } from './python';

/** A template that uses more of Mako than revision templates do (control lines, Python blocks, unknown names). */
export class TemplateError extends Error {}

/** The values a template may refer to. */
export type TemplateVariables = Record<string, PyValue>;

/**
 * Renders the small part of Mako that Alembic's `script.py.mako` files use, without running anything:
 * `${name}`, `${repr(name)}`, `${a if cond else "text"}`, filters `| comma,n` (`n`, `trim`, `str` too),
 * `<%text>` and `<%doc>` blocks, `##` comment lines and backslash line continuations. Anything else is a TemplateError.
 */
export function renderMako(template: string, vars: TemplateVariables): string {
  let out = '';
  let i = 0;
  const text = template.replace(/\r\n/g, '\n');
  let lineStart = true;
  while (i < text.length) {
    if (lineStart) {
      const line = text.slice(i, text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i) + 1);
      if (/^[ \t]*##/.test(line)) {
        i += line.length;
        continue;
      }
      if (/^[ \t]*%(?!%)/.test(line)) throw new TemplateError(`control line "${line.trim()}" is not supported`);
      if (/^[ \t]*%%/.test(line)) {
        const at = line.indexOf('%%');
        out += line.slice(0, at);
        i += at + 1;
      }
    }
    lineStart = false;
    if (text.startsWith('<%text>', i)) {
      const end = text.indexOf('</%text>', i);
      if (end < 0) throw new TemplateError('<%text> without </%text>');
      out += text.slice(i + '<%text>'.length, end);
      i = end + '</%text>'.length;
      continue;
    }
    if (text.startsWith('<%doc>', i)) {
      const end = text.indexOf('</%doc>', i);
      if (end < 0) throw new TemplateError('<%doc> without </%doc>');
      i = end + '</%doc>'.length;
      continue;
    }
    if (text.startsWith('<%', i) || text.startsWith('</%', i)) {
      throw new TemplateError(`"${text.slice(i, i + 20).split('\n')[0]}" (a Mako tag or Python block) is not supported`);
    }
    if (text.startsWith('${', i)) {
      const end = expressionEnd(text, i + 2);
      out += evaluate(text.slice(i + 2, end), vars);
      i = end + 1;
      continue;
    }
    if (text.startsWith('\\\n', i)) {
      i += 2;
      continue;
    }
    const ch = text[i];
    out += ch;
    i++;
    if (ch === '\n') lineStart = true;
  }
  return out;
}

/** The index of the `}` that closes an expression, skipping quoted strings. */
function expressionEnd(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '}') return i;
  }
  throw new TemplateError('"${" without a closing "}"');
}

type Token = { t: 'name'; v: string } | { t: 'str'; v: string } | { t: 'punct'; v: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:([A-Za-z_]\w*)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([()|,]))/y;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < expr.length && (m = re.exec(expr))) {
    if (m[1] !== undefined) tokens.push({ t: 'name', v: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) tokens.push({ t: 'str', v: (m[2] ?? m[3]).replace(/\\(.)/g, (_x, c: string) => ({ n: '\n', t: '\t' })[c] ?? c) });
    else tokens.push({ t: 'punct', v: m[4] });
    at = re.lastIndex;
  }
  if (expr.slice(at).trim()) throw new TemplateError(`"\${${expr}}" is not an expression alembic-drift can render`);
  return tokens;
}

/** Python's truth value of a template value. */
function truthy(v: PyValue): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  return !(Array.isArray(v) && v.length === 0);
}

/** Python's `str()` of a value, which Mako's `${}` writes. */
function pyString(v: PyValue): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

const FILTERS: Record<string, (s: string, v: PyValue) => string> = {
  n: (s) => s,
  str: (s) => s,
  trim: (s) => s.trim(),
  // Alembic's `comma` filter: None -> "", a tuple -> its items joined by ", ".
  comma: (_s, v) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.map(pyString).join(', ') : pyString(v)),
};

function evaluate(expr: string, vars: TemplateVariables): string {
  const tokens = tokenize(expr);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (): never => {
    throw new TemplateError(`"\${${expr}}" is not an expression alembic-drift can render`);
  };
  const expect = (v: string): void => {
    const tok = tokens[pos++];
    if (!tok || tok.t === 'str' || tok.v !== v) fail();
  };
  const primary = (): PyValue => {
    const tok = tokens[pos++];
    if (!tok) return fail();
    if (tok.t === 'str') return tok.v;
    if (tok.t !== 'name') return fail();
    if ((tok.v === 'repr' || tok.v === 'str') && peek()?.v === '(') {
      pos++;
      const inner = ternary();
      expect(')');
      return tok.v === 'repr' ? pyRepr(inner) : pyString(inner);
    }
    if (tok.v === 'None') return null;
    if (tok.v === 'True' || tok.v === 'False') return tok.v === 'True';
    if (!(tok.v in vars)) throw new TemplateError(`the template uses "${tok.v}", which Alembic's revision command does not pass`);
    return vars[tok.v];
  };
  const ternary = (): PyValue => {
    const value = primary();
    if (peek()?.t !== 'name' || peek()?.v !== 'if') return value;
    pos++;
    const cond = primary();
    expect('else');
    const other = primary();
    return truthy(cond) ? value : other;
  };
  const value = ternary();
  let text = pyString(value);
  if (peek()?.v === '|') {
    pos++;
    for (;;) {
      const tok = tokens[pos++];
      const filter = tok?.t === 'name' ? FILTERS[tok.v] : undefined;
      if (!filter) throw new TemplateError(`the filter "${tok?.v ?? ''}" in "\${${expr}}" is not supported`);
      text = filter(text, value);
      if (peek()?.v !== ',') break;
      pos++;
    }
  }
  if (pos < tokens.length) fail();
  return text;
}
