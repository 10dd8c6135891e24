import { formatText } from '../python/literals';
import { parsePyString, pyRepr, pyStr, pyTuple } from './python';

/**
 * The Python expressions of a `script.py.mako`, read and evaluated without running anything: names, literals,
 * attributes, calls of the builtins and methods templates use (`repr`, `str.join`, `context.get`, `re.split`...),
 * `+ - * %`, comparisons, `and`/`or`/`not`, `a if c else b`, tuples, lists and generator expressions.
 */

/** A template that uses more of Mako or Python than alembic-drift can render without running it. */
export class TemplateError extends Error {}

/** A Python list (a JavaScript array is a tuple, as `repr` writes it). */
export class PyList {
  constructor(readonly items: TemplateValue[]) {}
}

/** An object of the template's namespace: its `str()`, attributes and, when callable, what a call returns. */
export class PyObject {
  constructor(
    readonly typeName: string,
    readonly attrs: Record<string, TemplateValue> = {},
    readonly call?: (args: TemplateValue[], kw: Record<string, TemplateValue>) => TemplateValue,
    readonly str?: string,
  ) {}
}

/** Mako's UNDEFINED: a name nobody passed. False in a test; an error when written or used. */
export class Undefined {
  constructor(readonly name: string) {}
}

/** A value computed by code alembic-drift does not run (an import of flask, say): an error wherever it is used. */
export class Unknown {
  constructor(readonly reason: string) {}
}

export type TemplateValue = null | boolean | number | string | TemplateValue[] | PyList | PyObject | Undefined | Unknown;

/** Names a template sees: its variables, then Python's builtins. */
export type Scope = ReadonlyMap<string, TemplateValue>;

type Node =
  | { k: 'lit'; v: TemplateValue }
  | { k: 'name'; id: string }
  | { k: 'attr'; obj: Node; name: string }
  | { k: 'call'; fn: Node; args: Node[]; kw: Array<[string, Node]> }
  | { k: 'index'; obj: Node; index: Node }
  | { k: 'not' | 'neg'; v: Node }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'bool'; op: 'and' | 'or'; l: Node; r: Node }
  | { k: 'cmp'; l: Node; ops: string[]; rs: Node[] }
  | { k: 'if'; body: Node; test: Node; orelse: Node }
  | { k: 'tuple' | 'list'; items: Node[] }
  | { k: 'gen'; elt: Node; targets: string[]; iter: Node; conds: Node[]; list: boolean };

type Token = { t: 'name' | 'op' | 'str' | 'num'; v: string };

const TOKEN = /\s*(?:([rRuUfFbB]{1,2})(?=['"])|([A-Za-z_]\w*)|(\d+(?:\.\d+)?)|('''|"""|'|")|(\*\*|\/\/|==|!=|<=|>=|[-+*/%()[\]{},.:<>=|]))/y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  for (;;) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(source);
    if (!m) break;
    at = TOKEN.lastIndex;
    if (m[1] !== undefined) {
      // A string's prefix: r'...' is raw; f-strings and bytes are not read.
      if (!/^[rRuU]$/.test(m[1])) throw new TemplateError(`"${m[1]}"-prefixed strings are not something alembic-drift can evaluate`);
      const [value, end] = readString(source, at - m[1].length);
      tokens.push({ t: 'str', v: value });
      at = end;
    } else if (m[2] !== undefined) tokens.push({ t: 'name', v: m[2] });
    else if (m[3] !== undefined) tokens.push({ t: 'num', v: m[3] });
    else if (m[4] !== undefined) {
      const [value, end] = readString(source, at - m[4].length);
      tokens.push({ t: 'str', v: value });
      at = end;
    } else tokens.push({ t: 'op', v: m[5] });
  }
  if (source.slice(at).trim()) throw new TemplateError(`"${source.slice(at).trim().slice(0, 20)}" is not something alembic-drift can evaluate`);
  return tokens;
}

/** A string literal starting at `from` (its prefix or opening quote): its value, as Python reads it, and the offset after it. */
function readString(source: string, from: number): [string, number] {
  const quote = /^[rRuU]?('''|"""|'|")/.exec(source.slice(from))!;
  for (let i = from + quote[0].length; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source.startsWith(quote[1], i)) {
      const end = i + quote[1].length;
      const value = parsePyString(source.slice(from, end));
      if (value === undefined) throw new TemplateError(`the string ${source.slice(from, end)} is not something alembic-drift can read`);
      return [value, end];
    }
  }
  throw new TemplateError('a string that never ends');
}

/** Limits that keep a hostile template from exhausting the stack or the memory (templates are user input). */
const MAX_EXPRESSION_LENGTH = 2_000;
const MAX_NESTING = 100;
/** The longest string `*` may make. */
const MAX_TEMPLATE_TEXT = 1_000_000;

const COMPARE = new Set(['==', '!=', '<', '>', '<=', '>=', 'in', 'is']);

/** Parses one Python expression into a tree to evaluate. */
export function parseExpression(source: string): Node {
  if (source.length > MAX_EXPRESSION_LENGTH) throw new TemplateError(`an expression of ${source.length} characters is more than alembic-drift reads in a template`);
  const tokens = tokenize(source);
  let pos = 0;
  let depth = 0;
  const peek = (v?: string, at = pos): boolean => tokens[at] !== undefined && (v === undefined || ((tokens[at].t === 'op' || tokens[at].t === 'name') && tokens[at].v === v));
  const fail = (): never => {
    throw new TemplateError(`"${source.trim()}" is not an expression alembic-drift can evaluate`);
  };
  const expect = (v: string): void => {
    if (!peek(v)) fail();
    pos++;
  };
  const atom = (): Node => {
    const tok = tokens[pos++];
    if (!tok) return fail();
    if (tok.t === 'str') {
      let v = tok.v;
      while (tokens[pos]?.t === 'str') v += tokens[pos++].v;
      return { k: 'lit', v };
    }
    if (tok.t === 'num') return { k: 'lit', v: Number(tok.v) };
    if (tok.t === 'name') {
      if (tok.v === 'None') return { k: 'lit', v: null };
      if (tok.v === 'True' || tok.v === 'False') return { k: 'lit', v: tok.v === 'True' };
      if (KEYWORDS.has(tok.v)) return fail();
      return { k: 'name', id: tok.v };
    }
    if (tok.v === '(' || tok.v === '[') {
      if (depth >= MAX_NESTING) throw new TemplateError(`"${source.trim().slice(0, 40)}..." nests brackets deeper than alembic-drift reads`);
      depth++;
      try {
        return bracketed(tok.v);
      } finally {
        depth--;
      }
    }
    return fail();
  };
  const bracketed = (open: string): Node => {
    const close = open === '(' ? ')' : ']';
    const list = open === '[';
    if (peek(close)) {
      pos++;
      return { k: list ? 'list' : 'tuple', items: [] };
    }
    const first = ternary();
    if (peek('for')) {
      const gen = generator(first, list);
      expect(close);
      return gen;
    }
    const items = [first];
    let tuple = list;
    while (peek(',')) {
      pos++;
      tuple = true;
      if (peek(close)) break;
      items.push(ternary());
    }
    expect(close);
    return tuple ? { k: list ? 'list' : 'tuple', items } : first;
  };
  const generator = (elt: Node, list: boolean): Node => {
    expect('for');
    const targets: string[] = [];
    for (;;) {
      const tok = tokens[pos++];
      if (tok?.t !== 'name') fail();
      targets.push(tok.v);
      if (!peek(',')) break;
      pos++;
    }
    expect('in');
    const iter = orTest();
    const conds: Node[] = [];
    while (peek('if')) {
      pos++;
      conds.push(orTest());
    }
    return { k: 'gen', elt, targets, iter, conds, list };
  };
  const postfix = (): Node => {
    let node = atom();
    for (;;) {
      if (peek('.')) {
        pos++;
        const tok = tokens[pos++];
        if (tok?.t !== 'name') fail();
        node = { k: 'attr', obj: node, name: tok.v };
      } else if (peek('(')) {
        pos++;
        const args: Node[] = [];
        const kw: Array<[string, Node]> = [];
        while (!peek(')')) {
          if (tokens[pos]?.t === 'name' && peek('=', pos + 1)) {
            const name = tokens[pos].v;
            pos += 2;
            kw.push([name, ternary()]);
          } else {
            const arg = ternary();
            args.push(peek('for') ? generator(arg, false) : arg);
          }
          if (!peek(',')) break;
          pos++;
        }
        expect(')');
        node = { k: 'call', fn: node, args, kw };
      } else if (peek('[')) {
        pos++;
        const index = ternary();
        expect(']');
        node = { k: 'index', obj: node, index };
      } else return node;
    }
  };
  const factor = (): Node => {
    if (peek('-')) {
      pos++;
      return { k: 'neg', v: factor() };
    }
    if (peek('+')) pos++;
    return postfix();
  };
  const binary = (ops: string[], next: () => Node) => (): Node => {
    let node = next();
    while (tokens[pos]?.t === 'op' && ops.includes(tokens[pos].v)) {
      const op = tokens[pos++].v;
      node = { k: 'bin', op, l: node, r: next() };
    }
    return node;
  };
  const term = binary(['*', '/', '//', '%'], factor);
  const arith = binary(['+', '-'], term);
  const comparison = (): Node => {
    const l = arith();
    const ops: string[] = [];
    const rs: Node[] = [];
    for (;;) {
      const tok = tokens[pos];
      if (tok && COMPARE.has(tok.v) && tok.t !== 'str') {
        pos++;
        if (tok.v === 'is' && peek('not')) {
          pos++;
          ops.push('is not');
        } else ops.push(tok.v);
      } else if (peek('not') && peek('in', pos + 1)) {
        pos += 2;
        ops.push('not in');
      } else break;
      rs.push(arith());
    }
    return ops.length ? { k: 'cmp', l, ops, rs } : l;
  };
  const notTest = (): Node => {
    if (peek('not')) {
      pos++;
      return { k: 'not', v: notTest() };
    }
    return comparison();
  };
  const boolOp = (op: 'and' | 'or', next: () => Node) => (): Node => {
    let node = next();
    while (peek(op)) {
      pos++;
      node = { k: 'bool', op, l: node, r: next() };
    }
    return node;
  };
  const orTest = boolOp('or', boolOp('and', notTest));
  const ternary = (): Node => {
    const body = orTest();
    if (!peek('if')) return body;
    pos++;
    const test = orTest();
    expect('else');
    return { k: 'if', body, test, orelse: ternary() };
  };
  const node = ternary();
  if (pos < tokens.length) fail();
  return node;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'for', 'lambda', 'import', 'from', 'def', 'class', 'return']);

/** Python's `str()` of a value, as Mako's `${}` writes it. */
export function pyText(v: TemplateValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Undefined) throw new TemplateError(`the template uses "${v.name}", which Alembic's revision command does not pass`);
  if (v instanceof Unknown) throw new TemplateError(v.reason);
  if (v instanceof PyObject && v.str !== undefined) return v.str;
  return pyReprOf(v);
}

/** Python's `repr()` of a value. */
export function pyReprOf(v: TemplateValue): string {
  if (v === null || typeof v !== 'object') return pyRepr(v);
  if (Array.isArray(v)) return pyTuple(v.map(pyReprOf));
  if (v instanceof PyList) return `[${v.items.map(pyReprOf).join(', ')}]`;
  if (v instanceof PyObject) return v.str !== undefined ? pyStr(v.str) : `<${v.typeName}>`;
  return pyText(v);
}

/** Python's truth value; an unknown value has none. */
export function pyTruthy(v: TemplateValue): boolean {
  if (v instanceof Unknown) throw new TemplateError(v.reason);
  if (v instanceof Undefined) return false;
  if (v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyList) return v.items.length > 0;
  return true;
}

/** The items a `for` goes through (a tuple, a list or a string's characters). */
export function pyItems(v: TemplateValue): TemplateValue[] {
  if (Array.isArray(v)) return v;
  if (v instanceof PyList) return v.items;
  if (typeof v === 'string') return [...v];
  if (v instanceof Unknown || v instanceof Undefined) pyText(v);
  throw new TemplateError(`${pyTypeName(v)} is not something alembic-drift can iterate over`);
}

/** Binds a `for` target (one name or several) to an item. */
export function bindTargets(targets: string[], item: TemplateValue, into: Map<string, TemplateValue>): void {
  if (targets.length === 1) {
    into.set(targets[0], item);
    return;
  }
  const parts = pyItems(item);
  if (parts.length !== targets.length) throw new TemplateError(`cannot unpack ${parts.length} values into ${targets.join(', ')}`);
  targets.forEach((t, i) => into.set(t, parts[i]));
}

function pyTypeName(v: TemplateValue): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'a tuple';
  if (v instanceof PyList) return 'a list';
  if (v instanceof PyObject) return v.typeName;
  if (v instanceof Undefined) return `"${v.name}"`;
  if (v instanceof Unknown) return 'an unknown value';
  return typeof v === 'string' ? 'a string' : typeof v === 'number' ? 'a number' : 'a boolean';
}

function pyEqual(a: TemplateValue, b: TemplateValue): boolean {
  for (const v of [a, b]) if (v instanceof Unknown) throw new TemplateError(v.reason);
  if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
  if (a instanceof PyObject || b instanceof PyObject) return a === b;
  const sameItems = (xs: TemplateValue[], ys: TemplateValue[]): boolean => xs.length === ys.length && xs.every((x, i) => pyEqual(x, ys[i]));
  if (a instanceof PyList && b instanceof PyList) return sameItems(a.items, b.items);
  if (Array.isArray(a) && Array.isArray(b)) return sameItems(a, b);
  return a === b;
}

/**
 * Python's `%` formatting of a template: `%s`, `%r`, `%d`/`%i` (zero-padded widths such as `%02d` too) and `%%`, with
 * exactly as many values as fields; anything else is a TemplateError rather than a text Python would not write.
 */
function percentFormatted(format: string, values: TemplateValue[]): string {
  let next = 0;
  const text = format.replace(/%(\([^)]*\))?([-#0 +]*)(\d*)(\.\d+)?(.?)/g, (m, key: string | undefined, flags: string, width: string, precision: string | undefined, conversion: string) => {
    if (m === '%%') return '%';
    const numeric = conversion === 'd' || conversion === 'i';
    if (key || precision || !'srdi'.includes(conversion) || conversion === '' || !(flags === '' || (flags === '0' && numeric))) {
      throw new TemplateError(`the % format "${m}" is not something alembic-drift can evaluate`);
    }
    if (next >= values.length) throw new TemplateError(`"${format}" has more fields than values`);
    const v = values[next++];
    const size = Number(width || 0);
    if (!numeric) return (conversion === 's' ? pyText(v) : pyReprOf(v)).padStart(size);
    if (typeof v !== 'number' && typeof v !== 'boolean') throw new TemplateError(`%${conversion} needs a number, not ${pyTypeName(v)}`);
    const n = Math.trunc(Number(v));
    if (flags !== '0') return String(n).padStart(size);
    return n < 0 ? `-${String(-n).padStart(size - 1, '0')}` : String(n).padStart(size, '0');
  });
  if (next < values.length) throw new TemplateError(`"${format}" has fewer fields than values`);
  return text;
}

/** Evaluates an expression read by `parseExpression`; a name in no scope is Mako's UNDEFINED. */
export function evaluateExpression(node: Node, scope: Scope): TemplateValue {
  const ev = (n: Node, s: Scope = scope): TemplateValue => evaluateExpression(n, s);
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'name':
      return scope.has(node.id) ? scope.get(node.id)! : (BUILTINS.get(node.id) ?? new Undefined(node.id));
    case 'attr':
      return attribute(ev(node.obj), node.name);
    case 'call': {
      const args: TemplateValue[] = node.args.map((a) => ev(a));
      const kw: Record<string, TemplateValue> = {};
      for (const [name, value] of node.kw) kw[name] = ev(value);
      let fn: TemplateValue;
      if (node.fn.k === 'attr') {
        // The owner is evaluated once: a string's method, or an attribute of an object.
        const owner = ev(node.fn.obj);
        if (typeof owner === 'string') {
          const method = Object.hasOwn(STRING_METHODS, node.fn.name) ? STRING_METHODS[node.fn.name] : undefined;
          if (!method) throw new TemplateError(`str.${node.fn.name}() is not something alembic-drift can evaluate`);
          return method(owner, args);
        }
        fn = attribute(owner, node.fn.name);
      } else fn = ev(node.fn);
      if (fn instanceof PyObject && fn.call) return fn.call(args, kw);
      return notCallable(fn);
    }
    case 'index': {
      const obj = ev(node.obj);
      const index = ev(node.index);
      const items = pyItems(obj);
      if (typeof index !== 'number' || !Number.isInteger(index)) throw new TemplateError(`an index of ${pyTypeName(index)} is not something alembic-drift can evaluate`);
      const item = items[index < 0 ? items.length + index : index];
      if (item === undefined) throw new TemplateError('an index out of range');
      return item;
    }
    case 'not':
      return !pyTruthy(ev(node.v));
    case 'neg': {
      const v = ev(node.v);
      if (typeof v !== 'number') throw new TemplateError(`-${pyTypeName(v)} is not something alembic-drift can evaluate`);
      return -v;
    }
    case 'bin':
      return binary(node.op, ev(node.l), ev(node.r));
    case 'bool': {
      const l = ev(node.l);
      return pyTruthy(l) === (node.op === 'or') ? l : ev(node.r);
    }
    case 'cmp': {
      let l = ev(node.l);
      for (let i = 0; i < node.ops.length; i++) {
        const r = ev(node.rs[i]);
        if (!compare(node.ops[i], l, r)) return false;
        l = r;
      }
      return true;
    }
    case 'if':
      return pyTruthy(ev(node.test)) ? ev(node.body) : ev(node.orelse);
    case 'tuple':
      return node.items.map((i) => ev(i));
    case 'list':
      return new PyList(node.items.map((i) => ev(i)));
    case 'gen': {
      const out: TemplateValue[] = [];
      for (const item of pyItems(ev(node.iter))) {
        const inner = new Map(scope);
        bindTargets(node.targets, item, inner);
        if (node.conds.every((c) => pyTruthy(ev(c, inner)))) out.push(ev(node.elt, inner));
      }
      return new PyList(out);
    }
  }
}

function notCallable(v: TemplateValue): never {
  if (v instanceof Undefined || v instanceof Unknown) pyText(v);
  throw new TemplateError(`${pyTypeName(v)} is not something alembic-drift can call`);
}

function attribute(obj: TemplateValue, name: string): TemplateValue {
  if (obj instanceof PyObject && Object.hasOwn(obj.attrs, name)) return obj.attrs[name];
  if (obj instanceof Unknown || obj instanceof Undefined) pyText(obj);
  throw new TemplateError(`${pyTypeName(obj)} has no attribute "${name}" alembic-drift knows`);
}

function compare(op: string, l: TemplateValue, r: TemplateValue): boolean {
  switch (op) {
    case '==':
      return pyEqual(l, r);
    case '!=':
      return !pyEqual(l, r);
    case 'is':
    case 'is not': {
      for (const v of [l, r]) if (v instanceof Unknown) throw new TemplateError(v.reason);
      const same = l === r || (l instanceof Undefined && r instanceof Undefined);
      return op === 'is' ? same : !same;
    }
    case 'in':
    case 'not in': {
      const inside = typeof r === 'string' && typeof l === 'string' ? r.includes(l) : pyItems(r).some((x) => pyEqual(x, l));
      return op === 'in' ? inside : !inside;
    }
  }
  if ((typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string')) {
    return op === '<' ? l < r : op === '>' ? l > r : op === '<=' ? l <= r : l >= r;
  }
  throw new TemplateError(`${pyTypeName(l)} ${op} ${pyTypeName(r)} is not something alembic-drift can evaluate`);
}

function binary(op: string, l: TemplateValue, r: TemplateValue): TemplateValue {
  if (op === '+') {
    if (typeof l === 'string' && typeof r === 'string') return l + r;
    if (typeof l === 'number' && typeof r === 'number') return l + r;
    if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
    if (l instanceof PyList && r instanceof PyList) return new PyList([...l.items, ...r.items]);
  }
  if (op === '%' && typeof l === 'string') return percentFormatted(l, Array.isArray(r) ? r : [r]);
  if (typeof l === 'number' && typeof r === 'number') {
    if (op === '-') return l - r;
    if (op === '*') return l * r;
    if (op === '//' && r !== 0) return Math.floor(l / r);
    if (op === '%' && r !== 0) return ((l % r) + r) % r;
  }
  if (op === '*' && typeof l === 'string' && typeof r === 'number') {
    if (l.length * r > MAX_TEMPLATE_TEXT) throw new TemplateError(`a string of ${l.length * r} characters is more than alembic-drift writes`);
    return l.repeat(Math.max(0, Math.floor(r)));
  }
  for (const v of [l, r]) if (v instanceof Unknown || v instanceof Undefined) pyText(v);
  throw new TemplateError(`${pyTypeName(l)} ${op} ${pyTypeName(r)} is not something alembic-drift can evaluate`);
}

function needString(v: TemplateValue, what: string): string {
  if (typeof v !== 'string') throw new TemplateError(`${what} needs a string, not ${pyTypeName(v)}`);
  return v;
}

function stripChars(s: string, chars: TemplateValue, start: boolean, end: boolean): string {
  const set = chars === undefined || chars === null ? ' \t\n\r\f\v' : needString(chars, 'strip()');
  let a = 0;
  let b = s.length;
  while (start && a < b && set.includes(s[a])) a++;
  while (end && b > a && set.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

/** `str`'s methods templates use, each with the string it is called on. */
const STRING_METHODS: Record<string, (s: string, args: TemplateValue[]) => TemplateValue> = {
  join: (s, [items]) => pyItems(items).map((x) => needString(x, 'str.join()')).join(s),
  strip: (s, [chars]) => stripChars(s, chars, true, true),
  lstrip: (s, [chars]) => stripChars(s, chars, true, false),
  rstrip: (s, [chars]) => stripChars(s, chars, false, true),
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  title: (s) => s.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase()),
  replace: (s, [a, b]) => {
    const from = needString(a, 'str.replace()');
    const to = needString(b, 'str.replace()');
    return from === '' ? to + [...s].join(to) + (s ? to : '') : s.split(from).join(to);
  },
  startswith: (s, [p]) => (Array.isArray(p) ? p : [p]).some((x) => s.startsWith(needString(x, 'str.startswith()'))),
  endswith: (s, [p]) => (Array.isArray(p) ? p : [p]).some((x) => s.endsWith(needString(x, 'str.endswith()'))),
  splitlines: (s) => new PyList(s.split(/\r\n|\r|\n/).slice(0, s.endsWith('\n') ? -1 : undefined)),
  split: (s, [sep, max]) => {
    if (max !== undefined && max !== -1) throw new TemplateError('str.split() with a maximum is not something alembic-drift can evaluate');
    return new PyList(sep === undefined || sep === null ? s.split(/\s+/).filter(Boolean) : s.split(needString(sep, 'str.split()')));
  },
  format: (s, args) => {
    const text = formatText(s, args.map(pyText), new Map());
    if (text === undefined) throw new TemplateError(`"${s}".format() names a field alembic-drift cannot fill`);
    return text;
  },
};

function fn(name: string, call: (args: TemplateValue[], kw: Record<string, TemplateValue>) => TemplateValue): PyObject {
  return new PyObject(`${name}()`, {}, call);
}

/** A Python regular expression JavaScript reads the same way, or a TemplateError. */
function regex(pattern: TemplateValue, flags = ''): RegExp {
  const source = needString(pattern, 're');
  if (/\(\?P|\(\?[aiLmsux]|\\[AZ]/.test(source)) throw new TemplateError(`the regular expression ${pyStr(source)} is not something alembic-drift can evaluate`);
  try {
    return new RegExp(source, flags);
  } catch {
    throw new TemplateError(`the regular expression ${pyStr(source)} is not something alembic-drift can evaluate`);
  }
}

/** The `re` module, for templates that import it (Alembic's multidb template splits its database names). */
export const RE_MODULE = new PyObject('module re', {
  split: fn('re.split', ([pattern, text]) => new PyList(needString(text, 're.split()').split(regex(pattern)).map((x) => x ?? null))),
  sub: fn('re.sub', ([pattern, repl, text]) => needString(text, 're.sub()').replace(regex(pattern, 'g'), needString(repl, 're.sub()').replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1'))),
});

const BUILTINS: ReadonlyMap<string, TemplateValue> = new Map<string, TemplateValue>([
  ['repr', fn('repr', ([v]) => pyReprOf(v))],
  ['str', fn('str', ([v]) => (v === undefined ? '' : pyText(v)))],
  ['len', fn('len', ([v]) => (typeof v === 'string' ? v.length : pyItems(v).length))],
  ['bool', fn('bool', ([v]) => v !== undefined && pyTruthy(v))],
  ['list', fn('list', ([v]) => new PyList(v === undefined ? [] : pyItems(v)))],
  ['tuple', fn('tuple', ([v]) => (v === undefined ? [] : [...pyItems(v)]))],
  ['sorted', fn('sorted', ([v]) => new PyList([...pyItems(v)].sort((a, b) => (compare('<', a, b) ? -1 : compare('<', b, a) ? 1 : 0))))],
  ['UNDEFINED', new Undefined('UNDEFINED')],
]);
