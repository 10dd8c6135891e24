/**
 * A small, plain (JSON-serialisable) Python syntax tree: what the analysis needs of a module, extracted from a
 * tree-sitter tree so that the tree itself can be deleted at once. Positions are 0-based, columns in UTF-16 units.
 */

/** [startLine, startCharacter, endLine, endCharacter], 0-based, UTF-16 columns (LSP positions). */
export type Span = [number, number, number, number];

export type Expr =
  | { k: 'name'; id: string; s: Span }
  | { k: 'attr'; obj: Expr; name: string; s: Span }
  /** `written`: the source of a call read from other syntax (an f-string's `{x!r}` is `repr(x)`). */
  | { k: 'call'; fn: Expr; args: Expr[]; kw: Keyword[]; s: Span; written?: string }
  | { k: 'str'; v: string; s: Span }
  | { k: 'fstr'; parts: Array<string | Expr>; s: Span }
  | { k: 'num'; v: number; s: Span }
  | { k: 'const'; v: boolean | null; s: Span }
  | { k: 'tuple' | 'list' | 'set'; items: Expr[]; s: Span }
  | { k: 'dict'; entries: Array<[Expr | null, Expr]>; s: Span }
  | { k: 'subscript'; obj: Expr; index: Expr[]; s: Span }
  | { k: 'binop'; op: string; left: Expr; right: Expr; s: Span }
  | { k: 'starred'; value: Expr; s: Span }
  /** A list comprehension or generator expression with one `for` clause: `[elt for target in iter if cond]`. */
  | { k: 'comp'; elt: Expr; target: Expr; iter: Expr; conds: Expr[]; s: Span }
  /** A comparison, chained ones whole: `a < b <= c` has ops `['<', '<=']` and comparators `[b, c]`. */
  | { k: 'compare'; left: Expr; ops: CompareOp[]; comparators: Expr[]; s: Span }
  /** `a and b and c` as one node with every operand (`a and (b or c)` nests the `or`). */
  | { k: 'boolop'; op: 'and' | 'or'; values: Expr[]; s: Span }
  | { k: 'not'; value: Expr; s: Span }
  /** `body if test else orelse`. */
  | { k: 'ifexp'; test: Expr; body: Expr; orelse: Expr; s: Span }
  /** `lambda m: ...` with plain parameters; `text` is its source, as an `other` node would keep it. */
  | { k: 'lambda'; params: string[]; body: Expr; text: string; s: Span }
  | { k: 'other'; text: string; s: Span };

/** The operators of a comparison (`<>` is read as `!=`). */
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not';

/** A keyword argument; `name` is null for `**kwargs`. */
export interface Keyword { name: string | null; value: Expr }

export type Stmt =
  | { k: 'assign'; targets: Expr[]; ann?: Expr; value?: Expr; s: Span }
  | { k: 'expr'; value: Expr; s: Span }
  | { k: 'class'; name: string; bases: Expr[]; kw: Keyword[]; decorators: Expr[]; body: Stmt[]; s: Span; nameSpan: Span }
  /** `returns`: a method's return annotation (`-> Mapped[int]`), read where its body is read (not for plain methods). */
  | { k: 'def'; name: string; params: Param[]; decorators: Expr[]; body: Stmt[]; returns?: Expr; s: Span; nameSpan: Span }
  /** `ternary`: read from `x = a if c else b` in a function, whose value is unknown when `c` cannot be decided. */
  | { k: 'if'; test: Expr; body: Stmt[]; orelse: Stmt[]; s: Span; ternary?: true }
  | { k: 'with'; items: Array<{ ctx: Expr; as?: string }>; body: Stmt[]; s: Span }
  | { k: 'for'; target: Expr; iter: Expr; body: Stmt[]; s: Span }
  | { k: 'while'; test: Expr; body: Stmt[]; s: Span }
  /**
   * `handlers` holds the except, else and finally blocks in order (the first `excepts` of them are the except blocks);
   * `final` is the finally block again.
   */
  | { k: 'try'; body: Stmt[]; handlers: Stmt[][]; final?: Stmt[]; excepts?: number; s: Span }
  | { k: 'import'; module: string; asname?: string; s: Span }
  | { k: 'from'; module: string; level: number; names: Array<{ name: string; asname?: string }>; s: Span }
  | { k: 'return'; value?: Expr; s: Span }
  | { k: 'continue'; s: Span }
  /** A `raise` (what it raises is not read). */
  | { k: 'raise'; s: Span }
  | { k: 'break'; s: Span };

export interface Param { name: string; default?: Expr; star?: '*' | '**' }

/** What one file says, as plain data: its statements and whether the parser had to recover from errors. */
export interface ModuleSyntax {
  body: Stmt[];
  /** Spans of syntax errors the parser recovered from (first few only). */
  errors: Span[];
  /** Comment lines that carry an `alembic-drift: ignore[...]` marker: line -> codes (empty = all). */
  ignores: Record<number, string[]>;
}

/** The dotted name of a `name` / `attr` chain (`sa.orm.Mapped` -> "sa.orm.Mapped"), or undefined for anything else. */
export function dottedName(e: Expr): string | undefined {
  if (e.k === 'name') return e.id;
  if (e.k === 'attr') {
    const base = dottedName(e.obj);
    return base === undefined ? undefined : `${base}.${e.name}`;
  }
  return undefined;
}

/** The function a body defines last under `name` (the one Python binds), if any. */
export function lastDefinition(body: Stmt[], name: string): Extract<Stmt, { k: 'def' }> | undefined {
  let found: Extract<Stmt, { k: 'def' }> | undefined;
  for (const s of body) if (s.k === 'def' && s.name === name) found = s;
  return found;
}

/** What a function's body returns at its first top-level `return` (a helper written as one expression), if anything. */
export function returnedValue(def: { body: Stmt[] }): Expr | undefined {
  const ret = def.body.find((s) => s.k === 'return');
  return ret?.k === 'return' ? ret.value : undefined;
}

/** Whether an expression is the literal None. */
export function isNone(e: Expr | undefined): boolean {
  return e?.k === 'const' && e.v === null;
}

/**
 * What a `@contextlib.contextmanager` function runs before its `yield` statement and after it, where that statement is
 * at the top level of its body or of a `try:` there (whose `finally:` block runs after it too; its `except` blocks do
 * not); undefined for any other function.
 */
export function contextManagerParts(def: { decorators: Expr[]; body: Stmt[] }): { before: Stmt[]; after: Stmt[] } | undefined {
  if (!def.decorators.some((d) => (d.k === 'name' && d.id === 'contextmanager') || (d.k === 'attr' && d.name === 'contextmanager'))) return undefined;
  const at = def.body.findIndex(isYield);
  if (at >= 0) return { before: def.body.slice(0, at), after: def.body.slice(at + 1) };
  for (const [i, x] of def.body.entries()) {
    const inTry = x.k === 'try' ? x.body.findIndex(isYield) : -1;
    if (x.k === 'try' && inTry >= 0) return { before: [...def.body.slice(0, i), ...x.body.slice(0, inTry)], after: [...x.body.slice(inTry + 1), ...(x.final ?? []), ...def.body.slice(i + 1)] };
  }
  return undefined;
}

/** A `yield` statement. */
function isYield(x: Stmt): boolean {
  return x.k === 'expr' && x.value.k === 'other' && /^yield\b/.test(x.value.text);
}

/**
 * Whether a `@contextlib.contextmanager` function's `yield` sits in a `try:` with a handler that does not raise again,
 * so that what the `with` block raises may be swallowed.
 */
export function contextManagerSwallows(def: { body: Stmt[] }): boolean {
  return def.body.some((x) => x.k === 'try' && x.body.some(isYield) && x.handlers.slice(0, x.excepts ?? x.handlers.length).some((h) => !h.some((s) => s.k === 'raise')));
}

/** How a method is bound when called on its class: `@classmethod`, `@staticmethod`, or neither (an instance method). */
export function methodKind(def: { decorators: Expr[] }): 'classmethod' | 'staticmethod' | 'instance' {
  for (const d of def.decorators) if (d.k === 'name' && (d.id === 'classmethod' || d.id === 'staticmethod')) return d.id;
  return 'instance';
}

/** The keyword argument `name` of a call, if present. */
export function keywordArg(call: { kw: Keyword[] }, name: string): Expr | undefined {
  for (const k of call.kw) if (k.name === name) return k.value;
  return undefined;
}

/**
 * The expressions directly inside an expression (call arguments and keyword values, items, operands), in source
 * order; a comprehension's target, which binds names rather than reads them, is not one.
 */
export function subExprs(e: Expr): Expr[] {
  switch (e.k) {
    case 'attr':
      return [e.obj];
    case 'call':
      return [e.fn, ...e.args, ...e.kw.map((k) => k.value)];
    case 'fstr':
      return e.parts.filter((p): p is Expr => typeof p !== 'string');
    case 'tuple':
    case 'list':
    case 'set':
      return e.items;
    case 'dict':
      return e.entries.flatMap(([k, v]) => (k ? [k, v] : [v]));
    case 'subscript':
      return [e.obj, ...e.index];
    case 'binop':
      return [e.left, e.right];
    case 'starred':
    case 'not':
      return [e.value];
    case 'ifexp':
      return [e.test, e.body, e.orelse];
    case 'comp':
      return [e.elt, e.iter, ...e.conds];
    case 'compare':
      return [e.left, ...e.comparators];
    case 'boolop':
      return e.values;
    case 'name':
    case 'str':
    case 'num':
    case 'const':
    case 'lambda':
    case 'other':
      return [];
  }
}

/** The expressions a statement holds outside its blocks of statements. */
export function statementExpressions(s: Stmt): Array<Expr | undefined> {
  switch (s.k) {
    case 'assign':
      return [...s.targets, s.ann, s.value];
    case 'expr':
    case 'return':
      return [s.value];
    case 'class':
      return [...s.decorators, ...s.bases, ...s.kw.map((k) => k.value)];
    case 'def':
      return [...s.decorators, ...s.params.map((p) => p.default)];
    case 'if':
      return [s.test];
    case 'with':
      return s.items.map((item) => item.ctx);
    case 'for':
      return [s.iter];
    case 'while':
      return [s.test];
    default:
      return [];
  }
}

/** The blocks of statements of a branch, a loop, a `with` or a `try` (a function's or a class's body is not one). */
export function innerBlocks(s: Stmt): Stmt[][] {
  switch (s.k) {
    case 'if':
      return [s.body, s.orelse];
    case 'with':
    case 'for':
    case 'while':
      return [s.body];
    case 'try':
      return [s.body, ...s.handlers];
    default:
      return [];
  }
}

/** Every call in a block, nested functions, classes and blocks included, in source order. */
export function callsIn(body: Stmt[]): Array<Extract<Expr, { k: 'call' }>> {
  const out: Array<Extract<Expr, { k: 'call' }>> = [];
  const visitExpr = (e: Expr | undefined): void => {
    if (!e) return;
    if (e.k === 'call') out.push(e);
    for (const inner of subExprs(e)) visitExpr(inner);
  };
  const visit = (stmts: Stmt[]): void => {
    for (const s of stmts) {
      statementExpressions(s).forEach(visitExpr);
      if (s.k === 'def' || s.k === 'class') visit(s.body);
      for (const block of innerBlocks(s)) visit(block);
    }
  };
  visit(body);
  return out;
}

/**
 * A copy of a statement with each read of the given names replaced by an expression (a function's parameters by the
 * values a call gives them; a key `cls.__name__` replaces that attribute of the name), except where a function or
 * comprehension inside binds the name again.
 */
export function substituteNames<S extends Stmt>(s: S, values: ReadonlyMap<string, Expr>): S {
  const expr = (e: Expr): Expr => substituteInExpr(e, values);
  const block = (body: Stmt[]): Stmt[] => body.map((x) => substituteNames(x, values));
  const out: Stmt = (() => {
    switch (s.k) {
      case 'assign':
        return { ...s, value: s.value && expr(s.value), ann: s.ann && expr(s.ann) };
      case 'expr':
        return { ...s, value: expr(s.value) };
      case 'class':
        return { ...s, bases: s.bases.map(expr), kw: s.kw.map((k) => ({ ...k, value: expr(k.value) })), decorators: s.decorators.map(expr), body: block(s.body) };
      case 'def': {
        const inner = new Map([...values].filter(([k]) => !s.params.some((p) => k === p.name || k.startsWith(`${p.name}.`))));
        return { ...s, decorators: s.decorators.map(expr), params: s.params.map((p) => ({ ...p, default: p.default && expr(p.default) })), body: s.body.map((x) => substituteNames(x, inner)) };
      }
      case 'if':
        return { ...s, test: expr(s.test), body: block(s.body), orelse: block(s.orelse) };
      case 'with':
        return { ...s, items: s.items.map((i) => ({ ...i, ctx: expr(i.ctx) })), body: block(s.body) };
      case 'for':
        return { ...s, iter: expr(s.iter), body: block(s.body) };
      case 'while':
        return { ...s, test: expr(s.test), body: block(s.body) };
      case 'try':
        return { ...s, body: block(s.body), handlers: s.handlers.map(block) };
      case 'return':
        return { ...s, value: s.value && expr(s.value) };
      default:
        return s;
    }
  })();
  return out as S;
}

function substituteInExpr(e: Expr, values: ReadonlyMap<string, Expr>): Expr {
  const x = (inner: Expr): Expr => substituteInExpr(inner, values);
  switch (e.k) {
    case 'name':
      return values.get(e.id) ?? e;
    case 'attr':
      return (e.obj.k === 'name' ? values.get(`${e.obj.id}.${e.name}`) : undefined) ?? { ...e, obj: x(e.obj) };
    case 'call':
      return { ...e, fn: x(e.fn), args: e.args.map(x), kw: e.kw.map((k) => ({ ...k, value: x(k.value) })) };
    case 'fstr':
      return { ...e, parts: e.parts.map((p) => (typeof p === 'string' ? p : x(p))) };
    case 'tuple':
    case 'list':
    case 'set':
      return { ...e, items: e.items.map(x) };
    case 'dict':
      return { ...e, entries: e.entries.map(([k, v]): [Expr | null, Expr] => [k && x(k), x(v)]) };
    case 'subscript':
      return { ...e, obj: x(e.obj), index: e.index.map(x) };
    case 'binop':
      return { ...e, left: x(e.left), right: x(e.right) };
    case 'starred':
    case 'not':
      return { ...e, value: x(e.value) };
    case 'ifexp':
      return { ...e, test: x(e.test), body: x(e.body), orelse: x(e.orelse) };
    case 'comp': {
      // The comprehension's own variables hide names of the same spelling.
      const binds = (t: Expr): boolean => (t.k === 'name' ? [...values.keys()].some((k) => k === t.id || k.startsWith(`${t.id}.`)) : (t.k === 'tuple' || t.k === 'list') && t.items.some(binds));
      return binds(e.target) ? e : { ...e, iter: x(e.iter), elt: x(e.elt), conds: e.conds.map(x) };
    }
    case 'compare':
      return { ...e, left: x(e.left), comparators: e.comparators.map(x) };
    case 'boolop':
      return { ...e, values: e.values.map(x) };
    default:
      return e;
  }
}

/** Every name an expression reads. */
export function namesUsedIn(e: Expr): string[] {
  return e.k === 'name' ? [e.id] : subExprs(e).flatMap(namesUsedIn);
}
