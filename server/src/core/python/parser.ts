import { Parser, Language, Node as SyntaxNode, type Tree } from 'web-tree-sitter';
import { detachFlatTree, EMPTY_FLAT_TREE, FlatTree, FlatTreeWalker, NO_NODE, type FlatTreeData } from './flatTree';
import { layoutErrors } from './layoutErrors';
import { neededTextEnd } from './unreadTail';
import { dottedName, lastDefinition, type CompareOp, type Expr, type Keyword, type ModuleSyntax, type Param, type Span, type Stmt } from './syntax';

/** The wasm binaries the parser needs; the caller reads them (the engine never touches the disk). */
export interface ParserWasm {
  runtime: Uint8Array;
  python: Uint8Array;
}

/**
 * How much of a text to parse: by default all but a revision's module-level `downgrade()`, which nothing replays;
 * `whole` keeps it (another revision may call it: `import_module(...).downgrade()`).
 */
export interface ParseOptions {
  whole?: boolean;
}

/**
 * The module-level `downgrade()` a text defines last (as Python binds it), read from the whole text, which the usual
 * parse leaves it out of; undefined when there is none or the text does not parse (Python would not import it).
 */
export function moduleDowngrade(parser: PythonParser, text: string): Extract<Stmt, { k: 'def' }> | undefined {
  const whole = parser.parseModule(text, { whole: true });
  return whole.errors.length === 0 ? lastDefinition(whole.body, 'downgrade') : undefined;
}

/** A Python parser that turns source text into plain `ModuleSyntax`, deleting each tree-sitter tree it makes. */
export interface PythonParser {
  parseModule(text: string, options?: ParseOptions): ModuleSyntax;
}

/** A text parsed into a flat tree, with where tree-sitter had to recover (read while the tree still exists). */
export interface ParsedText {
  tree: FlatTreeData;
  errors: Span[];
}

/** The part of parsing that needs tree-sitter: text in, flat tree out, on whichever thread loaded it. */
export interface TextReader {
  /** Parses a text; with `detach`, into arrays of its own (to transfer), else into arrays reused by the next read. */
  read(text: string, options?: ParseOptions & { detach?: boolean }): ParsedText;
}

/** A parser whose two halves can be used apart: reading texts into flat trees, and finishing them into syntax. */
export interface SplitPythonParser extends PythonParser, TextReader {
  convert(text: string, parsed: ParsedText, options?: ParseOptions): ModuleSyntax;
}

let loaded: Promise<TreeSitter> | undefined;

/** The tree-sitter runtime's module object (Emscripten fills it with the binding's exports) and the Python grammar. */
export interface TreeSitter {
  module: object;
  language: Language;
}

/** Loads tree-sitter and the Python grammar once per thread, from the given wasm bytes. */
export function loadTreeSitter(wasm: ParserWasm): Promise<TreeSitter> {
  loaded ??= (async () => {
    const module = { wasmBinary: wasm.runtime };
    await Parser.init(module as object);
    return { module, language: await Language.load(wasm.python) };
  })();
  return loaded;
}

/** A reader of Python texts into flat trees, on the tree-sitter loaded once per thread. */
export async function createTextReader(wasm: ParserWasm): Promise<TextReader> {
  const { module, language } = await loadTreeSitter(wasm);
  const parser = new Parser();
  parser.setLanguage(language);
  const walker = FlatTreeWalker.forModule(module);
  const view = new FlatTree(language);
  /** Where CPython would stop though tree-sitter read the text without recovering (see `layoutErrors`). */
  const strictErrors = (flat: FlatTreeData, text: string): Span[] => {
    view.show(flat, text);
    try {
      return layoutErrors(view, text, MAX_ERRORS);
    } finally {
      view.show(EMPTY_FLAT_TREE, '');
    }
  };
  return {
    read(text, options) {
      const tree = options?.whole ? parser.parse(text) : parseNeededText(parser, text);
      if (!tree) return { tree: EMPTY_FLAT_TREE, errors: [[0, 0, 0, 0]] };
      try {
        const flat = walker.walk(tree);
        const errors = tree.rootNode.hasError ? readErrors(tree.rootNode) : strictErrors(flat, text);
        return { tree: options?.detach ? detachFlatTree(flat) : flat, errors };
      } finally {
        tree.delete();
      }
    },
  };
}

/**
 * Parses the part of a text the analysis reads (all but a trailing `downgrade()`); the whole text when that part does
 * not parse cleanly on its own, so that where the parser had to recover is always where the whole text needs it.
 */
function parseNeededText(parser: Parser, text: string): Tree | null {
  const end = neededTextEnd(text);
  if (end === text.length) return parser.parse(text);
  let rows = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) rows++;
  const part = parser.parse(text, null, { includedRanges: [{ startIndex: 0, endIndex: end, startPosition: { row: 0, column: 0 }, endPosition: { row: rows, column: 0 } }] });
  if (!part?.rootNode.hasError) return part;
  part.delete();
  return parser.parse(text);
}

/** A parser of Python into `ModuleSyntax`, on the tree-sitter loaded once per thread. */
export async function createPythonParser(wasm: ParserWasm): Promise<SplitPythonParser> {
  const reader = await createTextReader(wasm);
  const { language } = await loadTreeSitter(wasm);
  const flat = new FlatTree(language);
  const converter = new Converter(flat);
  const convert = (text: string, parsed: ParsedText, options?: ParseOptions): ModuleSyntax => {
    flat.show(parsed.tree, text);
    try {
      const body = parsed.tree.size > 0 ? converter.module(options?.whole === true) : [];
      return { body, errors: parsed.errors, ignores: parsed.tree.size > 0 && text.includes('alembic-drift') ? readIgnores(flat) : {} };
    } finally {
      // The view lets go of the text and the tree it showed.
      flat.show(EMPTY_FLAT_TREE, '');
    }
  };
  return {
    parseModule: (text, options) => convert(text, reader.read(text, options), options),
    read: (text, options) => reader.read(text, options),
    convert,
  };
}

/**
 * `make(base)`, or where the base is starred, the star around it: in a list or set, tree-sitter reads `[*d.keys()]` as
 * the call of an attribute of `*d`, where Python stars the call.
 */
function starOutside(base: Expr, make: (base: Expr) => Expr): Expr {
  if (base.k !== 'starred') return make(base);
  const made = make(base.value);
  return { k: 'starred', value: made, s: made.s };
}

const MAX_ERRORS = 20;
/**
 * What makes a plain method's body worth reading: a call of Alembic's configure(), a column made there, an op of a
 * helper object a migration uses (`self.op.drop_index(...)`), or a model class built with `type(...)` (a
 * `"__tablename__"` key).
 */
const METHOD_BODY_NEEDED = /\.configure\(|\b(mapped_column|Column)\(|\b_?op\.\w+\(|["']__tablename__["']/;
const MAX_DEPTH = 200;
const IMPORTS_ALEMBIC = /^[ \t]*(?:from[ \t]+alembic\b|import[ \t]+alembic\b)/m;
const COMPARE_OPS = new Set<string>(['==', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'is', 'is not']);
const IGNORE_MARKER = /alembic-drift:\s*ignore(?:\[([^\]]*)\])?/;

/** Where the parser had to recover: ERROR and MISSING nodes, found by descending only into damaged subtrees. */
function readErrors(root: SyntaxNode): Span[] {
  const out: Span[] = [];
  const visit = (n: SyntaxNode): void => {
    if (out.length >= MAX_ERRORS) return;
    if (n.type === 'ERROR' || n.isMissing) {
      // tree-sitter may wrap whole statements before an error in an outer ERROR that starts at the top of the file
      // (git conflict markers inside a function do): the ERROR or MISSING nested in it is where the error is. An
      // ERROR that starts with a broken statement itself is the place (an unclosed call: its nested ERROR is later).
      const first = n.type === 'ERROR' ? n.firstChild : null;
      const wraps = first !== null && !first.hasError && /(_statement|_definition)$/.test(first.type);
      const inner = wraps ? n.children.find((c) => c && (c.hasError || c.isMissing)) : undefined;
      if (inner) {
        visit(inner);
        return;
      }
      const a = n.startPosition;
      const b = n.endPosition;
      out.push([a.row, a.column, b.row, b.column]);
      return;
    }
    for (const c of n.children) if (c && (c.hasError || c.isMissing)) visit(c);
  };
  visit(root);
  return out;
}

/** The `# alembic-drift: ignore[...]` comments anywhere in a file (also inside calls spread over several lines). */
function readIgnores(t: FlatTree): Record<number, string[]> {
  const out: Record<number, string[]> = {};
  for (let n = 0; n < t.size; n++) {
    if (t.type(n) !== 'comment') continue;
    const m = IGNORE_MARKER.exec(t.textOf(n));
    if (m) out[t.span(n)[0]] = m[1] ? m[1].split(',').map((x) => x.trim()).filter(Boolean) : [];
  }
  return out;
}

const FIELDS = ['alias', 'alternative', 'argument', 'arguments', 'attribute', 'body', 'condition', 'consequence', 'definition', 'expression', 'function', 'key', 'left', 'module_name', 'name', 'object', 'operator', 'parameters', 'return_type', 'right', 'subscript', 'superclasses', 'type', 'value'] as const;

/** Turns the flat copy of a tree-sitter tree into `ModuleSyntax`, keeping only what the analysis reads. */
class Converter {
  private depth = 0;
  /** How many statements enclose the one being converted (CPython refuses more than 100 levels of indentation). */
  private statementDepth = 0;
  /** How many class bodies enclose the statement being converted (0 inside a function). */
  private classDepth = 0;
  /** Whether every method's body is read: in a module that imports Alembic (a revision's helper classes). */
  private everyMethod = false;
  /** Whether a module-level `downgrade()` is read (else left out: nothing replays it). */
  private withDowngrade = false;
  /** How many function bodies enclose the statement being converted. */
  private functionDepth = 0;
  /** The id of each field the converter reads. */
  private readonly f: Record<(typeof FIELDS)[number], number>;
  /**
   * Where the statements, expressions and keywords of the lists being converted gather, each list then copied out at
   * its length: an array grown by push from empty keeps room for 17 items, and the syntax of model files is kept.
   */
  private readonly stmts: Stmt[] = [];
  private readonly exprs: Expr[] = [];
  private readonly kws: Keyword[] = [];

  constructor(private readonly t: FlatTree) {
    this.f = Object.fromEntries(FIELDS.map((n) => [n, t.fieldId(n)])) as Converter['f'];
  }

  /** The statements of the loaded tree's module, its `downgrade()` too when `withDowngrade`. */
  module(withDowngrade: boolean): Stmt[] {
    this.withDowngrade = withDowngrade;
    this.depth = 0;
    this.statementDepth = 0;
    this.classDepth = 0;
    this.everyMethod = IMPORTS_ALEMBIC.test(this.t.textOf(0));
    this.functionDepth = 0;
    this.stmts.length = 0;
    this.exprs.length = 0;
    this.kws.length = 0;
    return this.block(0);
  }

  private block(node: number): Stmt[] {
    const t = this.t;
    const base = this.stmts.length;
    for (let child = t.firstNamedChild(node); child !== NO_NODE; child = t.nextNamedSibling(child)) this.statement(child, this.stmts);
    return takeFrom(this.stmts, base);
  }

  private text(n: number): string {
    return this.t.textOf(n);
  }

  private span(n: number): Span {
    return this.t.span(n);
  }

  /** The text of the child in a field, or undefined. */
  private fieldText(n: number, field: number): string | undefined {
    const c = this.t.child(n, field);
    return c === NO_NODE ? undefined : this.t.textOf(c);
  }

  /** Converts a statement into `out`; past MAX_DEPTH enclosing statements (a damaged tree), leaves it out. */
  private statement(n: number, out: Stmt[]): void {
    if (this.statementDepth > MAX_DEPTH) return;
    this.statementDepth++;
    try {
      this.statementInner(n, out);
    } finally {
      this.statementDepth--;
    }
  }

  private statementInner(n: number, out: Stmt[]): void {
    const t = this.t;
    const f = this.f;
    switch (t.type(n)) {
      case 'comment':
        return;
      case 'ERROR':
        // Keep what can still be read inside a damaged region.
        for (const child of t.namedChildren(n)) this.statement(child, out);
        return;
      case 'expression_statement': {
        for (let child = t.firstNamedChild(n); child !== NO_NODE; child = t.nextNamedSibling(child)) {
          const type = t.type(child);
          if (type === 'assignment') out.push(this.assignment(child));
          else if (type === 'augmented_assignment') {
            const augmented = this.augmentedAssignment(child);
            if (augmented) out.push(augmented);
          }
          else out.push(this.expressionStatement(child));
        }
        return;
      }
      case 'decorated_definition': {
        const decorators = t
          .namedChildren(n)
          .filter((c) => t.type(c) === 'decorator')
          .map((d) => this.expr(this.firstNamedOrSelf(d)));
        const def = t.child(n, f.definition);
        if (def !== NO_NODE) this.definition(def, decorators, out, n);
        return;
      }
      case 'class_definition':
      case 'function_definition':
        this.definition(n, [], out, n);
        return;
      case 'if_statement':
        out.push(this.ifStatement(n));
        return;
      case 'with_statement': {
        const items: Array<{ ctx: Expr; as?: string }> = [];
        const clause = t.namedChildren(n).find((c) => t.type(c) === 'with_clause');
        for (const item of clause === undefined ? [] : t.namedChildren(clause)) {
          let value = t.child(item, f.value);
          if (value === NO_NODE) continue;
          // `with (op.batch_alter_table("t") as b):` puts one item's `as` in parentheses.
          if (t.type(value) === 'parenthesized_expression' && t.type(this.firstNamedOrSelf(value)) === 'as_pattern') value = this.firstNamedOrSelf(value);
          if (t.type(value) === 'as_pattern') {
            items.push({ ctx: this.expr(this.firstNamedOrSelf(value)), as: this.fieldText(value, f.alias) });
          } else items.push({ ctx: this.expr(value) });
        }
        out.push({ k: 'with', items, body: this.body(n), s: this.span(n) });
        return;
      }
      case 'for_statement': {
        const left = t.child(n, f.left);
        const right = t.child(n, f.right);
        if (left !== NO_NODE && right !== NO_NODE) out.push({ k: 'for', target: this.expr(left), iter: this.expr(right), body: this.body(n), s: this.span(n) });
        return;
      }
      case 'while_statement': {
        const test = t.child(n, f.condition);
        if (test !== NO_NODE) out.push({ k: 'while', test: this.expr(test), body: this.body(n), s: this.span(n) });
        return;
      }
      case 'try_statement': {
        const handlers: Stmt[][] = [];
        let final: Stmt[] | undefined;
        let excepts = 0;
        for (const c of t.namedChildren(n)) {
          const type = t.type(c);
          if (type === 'except_clause' || type === 'else_clause' || type === 'finally_clause' || type === 'except_group_clause') {
            const blk = t.namedChildren(c).find((x) => t.type(x) === 'block');
            if (blk !== undefined) handlers.push(this.block(blk));
            if (blk !== undefined && type === 'finally_clause') final = handlers[handlers.length - 1];
            if (blk !== undefined && (type === 'except_clause' || type === 'except_group_clause')) excepts++;
          }
        }
        out.push({ k: 'try', body: this.body(n), handlers, ...(final ? { final } : {}), excepts, s: this.span(n) });
        return;
      }
      case 'import_statement':
        for (const name of t.childrenInField(n, f.name)) {
          if (t.type(name) === 'aliased_import') out.push({ k: 'import', module: this.fieldText(name, f.name)!, asname: this.fieldText(name, f.alias), s: this.span(n) });
          else out.push({ k: 'import', module: this.text(name), s: this.span(n) });
        }
        return;
      case 'import_from_statement': {
        const mod = t.child(n, f.module_name);
        let level = 0;
        let module = '';
        if (mod !== NO_NODE && t.type(mod) === 'relative_import') {
          for (const c of t.namedChildren(mod)) {
            if (t.type(c) === 'import_prefix') level = t.end(c) - t.start(c);
            else module = this.text(c);
          }
        } else if (mod !== NO_NODE) module = this.text(mod);
        const names: Array<{ name: string; asname?: string }> = [];
        for (const name of t.childrenInField(n, f.name)) {
          if (t.type(name) === 'aliased_import') names.push({ name: this.fieldText(name, f.name)!, asname: this.fieldText(name, f.alias) });
          else names.push({ name: this.text(name) });
        }
        if (t.namedChildren(n).some((c) => t.type(c) === 'wildcard_import')) names.push({ name: '*' });
        out.push({ k: 'from', module, level, names, s: this.span(n) });
        return;
      }
      case 'continue_statement':
        out.push({ k: 'continue', s: this.span(n) });
        return;
      case 'break_statement':
        out.push({ k: 'break', s: this.span(n) });
        return;
      case 'raise_statement':
        out.push({ k: 'raise', s: this.span(n) });
        return;
      case 'return_statement': {
        const v = t.firstNamedChild(n);
        out.push({ k: 'return', value: v === NO_NODE ? undefined : this.expr(v), s: this.span(n) });
        return;
      }
      default:
    }
  }

  /**
   * An expression in statement position. Its value is dropped, so `a if c else b` is the statement `if c: a` / `else:
   * b`, and `c and a` is `if c: a` (`c or a`: `if not c: a`), as data.all writes `op.alter_column(...) if not
   * column_exists(...) else None`.
   */
  private expressionStatement(n: number): Stmt {
    const t = this.t;
    const s = this.span(n);
    const parts = t.type(n) === 'conditional_expression' ? t.namedChildren(n).filter((c) => t.type(c) !== 'comment') : [];
    if (parts.length === 3) {
      const [body, test, orelse] = parts;
      return { k: 'if', test: this.expr(test), body: [this.expressionStatement(body)], orelse: [this.expressionStatement(orelse)], s };
    }
    const e = this.expr(n);
    if (e.k !== 'boolop') return { k: 'expr', value: e, s };
    let stmt: Stmt = { k: 'expr', value: e.values[e.values.length - 1], s: e.values[e.values.length - 1].s };
    for (let i = e.values.length - 2; i >= 0; i--) {
      const test = e.op === 'and' ? e.values[i] : { k: 'not' as const, value: e.values[i], s: e.values[i].s };
      stmt = { k: 'if', test, body: [stmt], orelse: [], s };
    }
    return stmt;
  }

  /** `x += y` as the assignment `x = x + y` (a list grown in place reads the same for the analysis). */
  private augmentedAssignment(n: number): Stmt | undefined {
    const t = this.t;
    const left = t.child(n, this.f.left);
    const right = t.child(n, this.f.right);
    const operator = t.child(n, this.f.operator);
    if (left === NO_NODE || right === NO_NODE || operator === NO_NODE) return undefined;
    const target = this.expr(left);
    const s = this.span(n);
    return { k: 'assign', targets: [target], value: { k: 'binop', op: this.text(operator).slice(0, -1), left: target, right: this.expr(right), s }, s };
  }

  private body(n: number): Stmt[] {
    const b = this.t.child(n, this.f.body);
    return b === NO_NODE ? [] : this.block(b);
  }

  private ifStatement(n: number): Stmt {
    const t = this.t;
    const test = t.child(n, this.f.condition);
    const consequence = t.child(n, this.f.consequence);
    const body = this.block(consequence === NO_NODE ? n : consequence);
    const orelse = this.alternatives(t.childrenInField(n, this.f.alternative));
    return { k: 'if', test: test !== NO_NODE ? this.expr(test) : this.other(n), body, orelse, s: this.span(n) };
  }

  private alternatives(alts: number[]): Stmt[] {
    if (alts.length === 0) return [];
    const t = this.t;
    const [first, ...rest] = alts;
    if (t.type(first) === 'else_clause') return this.body(first);
    const test = t.child(first, this.f.condition);
    const consequence = t.child(first, this.f.consequence);
    const body = this.block(consequence === NO_NODE ? first : consequence);
    return [{ k: 'if', test: test !== NO_NODE ? this.expr(test) : this.other(first), body, orelse: this.alternatives(rest), s: this.span(first) }];
  }

  private definition(n: number, decorators: Expr[], out: Stmt[], outer: number): void {
    const t = this.t;
    const nameNode = t.child(n, this.f.name);
    if (nameNode === NO_NODE) return;
    const type = t.type(n);
    if (type === 'class_definition') {
      const base = this.exprs.length;
      const kwBase = this.kws.length;
      const sup = t.child(n, this.f.superclasses);
      if (sup !== NO_NODE) this.argumentList(sup);
      const bases = takeFrom(this.exprs, base);
      const kw = takeFrom(this.kws, kwBase);
      this.classDepth++;
      // A class body is no function body, though a function holds it (a factory's model, a class in upgrade()).
      const outerFunctions = this.functionDepth;
      this.functionDepth = 0;
      try {
        out.push({ k: 'class', name: this.text(nameNode), bases, kw, decorators, body: this.body(n), s: this.span(outer), nameSpan: this.span(nameNode) });
      } finally {
        this.classDepth--;
        this.functionDepth = outerFunctions;
      }
    } else if (type === 'function_definition') {
      const name = this.text(nameNode);
      // A revision's downgrade() is never replayed: left out whole, as the reader leaves out its text when it is last.
      if (name === 'downgrade' && !this.withDowngrade && t.type(t.parent(outer)) === 'module') return;
      const outerDepth = this.classDepth;
      // A method's body says nothing about the schema unless it is a declared_attr (or a dunder such as
      // __tablename__), a TypeDecorator's load_dialect_impl, a framework's call of Alembic's configure() for env.py,
      // a helper that makes a column (`def _user_column(cls): return mapped_column(...)`), or a class or static
      // method a computed __tablename__ may call (`cls._prefixed(name)`), or any method of a module that imports
      // Alembic (a revision's helper class): skipping the others keeps big model files cheap.
      const needed = outerDepth === 0 || this.everyMethod || name.startsWith('__') || name === 'load_dialect_impl' || decorators.some((d) => /declared_attr|directive|cascading|staticmethod|classmethod/.test(dottedName(d.k === 'call' ? d.fn : d) ?? '')) || METHOD_BODY_NEEDED.test(t.textOf(n));
      this.classDepth = 0;
      try {
        this.functionDepth++;
        let body: Stmt[];
        try {
          body = needed ? this.body(n) : [];
        } finally {
          this.functionDepth--;
        }
        const def: Stmt = { k: 'def', name, params: this.params(t.child(n, this.f.parameters)), decorators, body, s: this.span(outer), nameSpan: this.span(nameNode) };
        // Only a method's return annotation says something (`-> Mapped[int]` on a declared_attr); not upgrade()'s.
        const returns = needed && outerDepth > 0 ? t.child(n, this.f.return_type) : NO_NODE;
        if (returns !== NO_NODE) def.returns = this.expr(returns);
        out.push(def);
      } finally {
        this.classDepth = outerDepth;
      }
    }
  }

  private params(n: number): Param[] {
    const out: Param[] = [];
    if (n === NO_NODE) return out;
    const t = this.t;
    const splatName = (p: number): string => {
      const inner = t.firstNamedChild(p);
      return inner === NO_NODE ? '' : this.text(inner);
    };
    for (const p of t.namedChildren(n)) {
      switch (t.type(p)) {
        case 'identifier':
          out.push({ name: this.text(p) });
          break;
        case 'typed_parameter': {
          const children = t.namedChildren(p);
          const id = children.find((c) => t.type(c) === 'identifier');
          const splat = children.find((c) => t.type(c) === 'list_splat_pattern' || t.type(c) === 'dictionary_splat_pattern');
          if (id !== undefined) out.push({ name: this.text(id) });
          else if (splat !== undefined) out.push({ name: splatName(splat), star: t.type(splat) === 'list_splat_pattern' ? '*' : '**' });
          break;
        }
        case 'default_parameter':
        case 'typed_default_parameter': {
          const name = t.child(p, this.f.name);
          const value = t.child(p, this.f.value);
          if (name !== NO_NODE) out.push({ name: this.text(name), default: value !== NO_NODE ? this.expr(value) : undefined });
          break;
        }
        case 'list_splat_pattern':
          out.push({ name: splatName(p), star: '*' });
          break;
        case 'dictionary_splat_pattern':
          out.push({ name: splatName(p), star: '**' });
          break;
      }
    }
    return out;
  }

  private assignment(n: number): Stmt {
    const t = this.t;
    const base = this.exprs.length;
    let cur = n;
    let ann: Expr | undefined;
    let value: Expr | undefined;
    // `a = b = value` nests assignments on the right.
    while (cur !== NO_NODE && t.type(cur) === 'assignment') {
      const left = t.child(cur, this.f.left);
      if (left !== NO_NODE) this.exprs.push(this.expr(left));
      const type = t.child(cur, this.f.type);
      if (type !== NO_NODE && !ann) ann = this.expr(type);
      const right = t.child(cur, this.f.right);
      if (right !== NO_NODE && t.type(right) === 'assignment') cur = right;
      else {
        // In a function, `schema = a if c else b` is the statement `if c: schema = a` / `else: schema = b` (rucio).
        if (right !== NO_NODE && this.functionDepth > 0 && !ann) return this.conditionalAssignment(takeFrom(this.exprs, base), right, this.span(n));
        value = right !== NO_NODE ? this.expr(right) : undefined;
        cur = NO_NODE;
      }
    }
    return { k: 'assign', targets: takeFrom(this.exprs, base), ann, value, s: this.span(n) };
  }

  /** An assignment of `value`, as an `if` statement when the value is a conditional expression (each branch in turn). */
  private conditionalAssignment(targets: Expr[], value: number, s: Span): Stmt {
    const t = this.t;
    const parts = t.type(value) === 'conditional_expression' ? t.namedChildren(value).filter((c) => t.type(c) !== 'comment') : [];
    if (parts.length !== 3) return { k: 'assign', targets, value: this.expr(value), s };
    const [body, test, orelse] = parts;
    return { k: 'if', test: this.expr(test), body: [this.conditionalAssignment(targets, body, s)], orelse: [this.conditionalAssignment(targets, orelse, s)], s, ternary: true };
  }

  /** The arguments of a call or class statement, onto `exprs` (positional) and `kws` (keywords and `**` splats). */
  private argumentList(n: number): void {
    const t = this.t;
    for (let a = t.firstNamedChild(n); a !== NO_NODE; a = t.nextNamedSibling(a)) {
      const type = t.type(a);
      if (type === 'comment') continue;
      if (type === 'keyword_argument') {
        const name = t.child(a, this.f.name);
        const value = t.child(a, this.f.value);
        if (name !== NO_NODE && value !== NO_NODE) this.kws.push({ name: this.text(name), value: this.expr(value) });
      } else if (type === 'dictionary_splat') {
        this.kws.push({ name: null, value: this.expr(this.firstNamedOrSelf(a)) });
      } else this.exprs.push(this.expr(a));
    }
  }

  private firstNamedOrSelf(n: number): number {
    const c = this.t.firstNamedChild(n);
    return c === NO_NODE ? n : c;
  }

  private other(n: number): Expr {
    const t = this.t;
    const text = t.end(n) - t.start(n) > 200 ? t.textOf(n).slice(0, 200) : t.textOf(n);
    return { k: 'other', text, s: this.span(n) };
  }

  private expr(n: number): Expr {
    if (this.depth > MAX_DEPTH) return this.other(n);
    this.depth++;
    try {
      return this.exprInner(n);
    } finally {
      this.depth--;
    }
  }

  private exprInner(n: number): Expr {
    const t = this.t;
    const f = this.f;
    switch (t.type(n)) {
      case 'identifier':
        return { k: 'name', id: this.text(n), s: this.span(n) };
      case 'attribute': {
        const obj = t.child(n, f.object);
        const attr = t.child(n, f.attribute);
        if (obj === NO_NODE || attr === NO_NODE) return this.other(n);
        const name = this.text(attr);
        return starOutside(this.expr(obj), (o) => ({ k: 'attr', obj: o, name, s: this.span(n) }));
      }
      case 'call': {
        const fn = t.child(n, f.function);
        const argsNode = t.child(n, f.arguments);
        if (fn === NO_NODE) return this.other(n);
        const base = this.exprs.length;
        const kwBase = this.kws.length;
        if (argsNode !== NO_NODE && t.type(argsNode) === 'argument_list') this.argumentList(argsNode);
        else if (argsNode !== NO_NODE) this.exprs.push(this.expr(argsNode));
        const args = takeFrom(this.exprs, base);
        const kw = takeFrom(this.kws, kwBase);
        return starOutside(this.expr(fn), (callee) => ({ k: 'call', fn: callee, args, kw, s: this.span(n) }));
      }
      case 'string':
        return this.string(n);
      case 'concatenated_string': {
        const parts: Array<string | Expr> = [];
        for (const c of t.namedChildren(n)) {
          if (t.type(c) !== 'string') continue;
          const s = this.string(c);
          if (s.k === 'str') parts.push(s.v);
          else if (s.k === 'fstr') parts.push(...s.parts);
        }
        return parts.every((p) => typeof p === 'string') ? { k: 'str', v: parts.join(''), s: this.span(n) } : { k: 'fstr', parts, s: this.span(n) };
      }
      case 'integer': {
        const v = Number(this.text(n).replace(/_/g, '').replace(/[lLjJ]$/, ''));
        return Number.isFinite(v) ? { k: 'num', v, s: this.span(n) } : this.other(n);
      }
      case 'float': {
        const v = Number(this.text(n).replace(/_/g, ''));
        return Number.isFinite(v) ? { k: 'num', v, s: this.span(n) } : this.other(n);
      }
      case 'true':
        return { k: 'const', v: true, s: this.span(n) };
      case 'false':
        return { k: 'const', v: false, s: this.span(n) };
      case 'none':
        return { k: 'const', v: null, s: this.span(n) };
      case 'tuple':
      case 'expression_list':
      case 'pattern_list':
      case 'tuple_pattern':
        return { k: 'tuple', items: this.items(n), s: this.span(n) };
      case 'list':
      case 'list_pattern':
        return { k: 'list', items: this.items(n), s: this.span(n) };
      case 'set':
        return { k: 'set', items: this.items(n), s: this.span(n) };
      case 'parenthesized_expression': {
        const inner = t.namedChildren(n).find((c) => t.type(c) !== 'comment');
        return inner !== undefined ? this.expr(inner) : this.other(n);
      }
      case 'type': {
        const inner = t.firstNamedChild(n);
        return inner !== NO_NODE ? this.expr(inner) : this.other(n);
      }
      case 'generic_type': {
        // `Mapped[int]` in an annotation.
        const base = t.firstNamedChild(n);
        const params = t.namedChildren(n).find((c) => t.type(c) === 'type_parameter');
        if (base === NO_NODE) return this.other(n);
        return { k: 'subscript', obj: this.expr(base), index: params === undefined ? [] : t.namedChildren(params).map((c) => this.expr(c)), s: this.span(n) };
      }
      case 'union_type': {
        const [l, r] = t.namedChildren(n);
        if (l === undefined || r === undefined) return this.other(n);
        return { k: 'binop', op: '|', left: this.expr(l), right: this.expr(r), s: this.span(n) };
      }
      case 'dictionary': {
        const entries: Array<[Expr | null, Expr]> = [];
        for (const c of t.namedChildren(n)) {
          const type = t.type(c);
          if (type === 'pair') {
            const key = t.child(c, f.key);
            const value = t.child(c, f.value);
            if (key !== NO_NODE && value !== NO_NODE) entries.push([this.expr(key), this.expr(value)]);
          } else if (type === 'dictionary_splat') entries.push([null, this.expr(this.firstNamedOrSelf(c))]);
        }
        return { k: 'dict', entries, s: this.span(n) };
      }
      case 'subscript': {
        const value = t.child(n, f.value);
        if (value === NO_NODE) return this.other(n);
        const index = t.childrenInField(n, f.subscript).map((c) => this.expr(c));
        return starOutside(this.expr(value), (o) => ({ k: 'subscript', obj: o, index, s: this.span(n) }));
      }
      case 'binary_operator': {
        const l = t.child(n, f.left);
        const r = t.child(n, f.right);
        const op = t.child(n, f.operator);
        if (l === NO_NODE || r === NO_NODE || op === NO_NODE) return this.other(n);
        return { k: 'binop', op: this.text(op), left: this.expr(l), right: this.expr(r), s: this.span(n) };
      }
      case 'unary_operator': {
        const arg = t.child(n, f.argument);
        const op = t.child(n, f.operator);
        const argType = arg === NO_NODE ? undefined : t.type(arg);
        if (argType === 'integer' || argType === 'float') {
          const v = Number(this.text(n).replace(/_/g, ''));
          if (Number.isFinite(v)) return { k: 'num', v, s: this.span(n) };
        }
        if (arg !== NO_NODE && op !== NO_NODE && this.text(op) === '-') return { k: 'binop', op: '-', left: { k: 'num', v: 0, s: this.span(n) }, right: this.expr(arg), s: this.span(n) };
        return this.other(n);
      }
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension': {
        const body = t.child(n, f.body);
        const children = t.namedChildren(n);
        const clauses = children.filter((c) => t.type(c) === 'for_in_clause');
        const left = clauses.length ? t.child(clauses[0], f.left) : NO_NODE;
        const right = clauses.length ? t.child(clauses[0], f.right) : NO_NODE;
        if (body === NO_NODE || clauses.length !== 1 || left === NO_NODE || right === NO_NODE) return this.other(n);
        const conds = children.filter((c) => t.type(c) === 'if_clause').map((c) => this.expr(this.firstNamedOrSelf(c)));
        return { k: 'comp', elt: this.expr(body), target: this.expr(left), iter: this.expr(right), conds, s: this.span(n) };
      }
      case 'comparison_operator':
        return this.comparison(n);
      case 'boolean_operator': {
        const l = t.child(n, f.left);
        const r = t.child(n, f.right);
        const opNode = t.child(n, f.operator);
        const op = opNode === NO_NODE ? undefined : t.type(opNode);
        if (l === NO_NODE || r === NO_NODE || (op !== 'and' && op !== 'or')) return this.other(n);
        // `a and b and c` nests on the left: flattened into one node, as Python's own syntax tree has it.
        const values = [l, r].flatMap((c) => {
          const e = this.expr(c);
          return e.k === 'boolop' && e.op === op && t.type(c) === 'boolean_operator' ? e.values : [e];
        });
        return { k: 'boolop', op, values, s: this.span(n) };
      }
      case 'not_operator': {
        const arg = t.child(n, f.argument);
        return arg !== NO_NODE ? { k: 'not', value: this.expr(arg), s: this.span(n) } : this.other(n);
      }
      case 'conditional_expression': {
        // `body if test else orelse`: tree-sitter gives the three in the order they are written.
        const parts = t.namedChildren(n).filter((c) => t.type(c) !== 'comment');
        if (parts.length !== 3) return this.other(n);
        const [body, test, orelse] = parts;
        return { k: 'ifexp', test: this.expr(test), body: this.expr(body), orelse: this.expr(orelse), s: this.span(n) };
      }
      case 'list_splat':
        return { k: 'starred', value: this.expr(this.firstNamedOrSelf(n)), s: this.span(n) };
      case 'keyword_argument':
        return this.other(n);
      case 'lambda': {
        const params = t.child(n, f.parameters);
        const body = t.child(n, f.body);
        const names: string[] = [];
        for (const c of params === NO_NODE ? [] : t.namedChildren(params)) {
          // Only plain parameters (`lambda m: ...`); defaults and `*args` are read as any other expression.
          if (t.type(c) !== 'identifier') return this.other(n);
          names.push(this.text(c));
        }
        const { text } = this.other(n) as { text: string };
        return body === NO_NODE ? this.other(n) : { k: 'lambda', params: names, body: this.expr(body), text, s: this.span(n) };
      }
      default:
        return this.other(n);
    }
  }

  /** `a == b`, `x not in (...)`, `a < b < c`: operands are the named children, operators the tokens between them. */
  private comparison(n: number): Expr {
    const t = this.t;
    const operands: Expr[] = [];
    const ops: CompareOp[] = [];
    for (const c of t.children(n)) {
      const type = t.type(c);
      if (type === 'comment') continue;
      if (t.isNamed(c)) {
        operands.push(this.expr(c));
        continue;
      }
      // `not in` and `is not` are one token whatever the spacing (its type is the normalised operator); a grammar
      // that makes them two tokens is joined here.
      const op = type === '<>' ? '!=' : ops.length === operands.length ? `${ops.pop()} ${type}` : type;
      if (!COMPARE_OPS.has(op)) return this.other(n);
      ops.push(op as CompareOp);
    }
    if (operands.length < 2 || ops.length !== operands.length - 1) return this.other(n);
    return { k: 'compare', left: operands[0], ops, comparators: operands.slice(1), s: this.span(n) };
  }

  private items(n: number): Expr[] {
    const t = this.t;
    const base = this.exprs.length;
    for (let c = t.firstNamedChild(n); c !== NO_NODE; c = t.nextNamedSibling(c)) if (t.type(c) !== 'comment') this.exprs.push(this.expr(c));
    return takeFrom(this.exprs, base);
  }

  private string(n: number): Expr {
    const t = this.t;
    // Most literals are a plain quote, at most one run of text and the closing quote: read without the general case's lists.
    const start = n + 1;
    if (start < t.size && t.parent(start) === n && t.type(start) === 'string_start' && PLAIN_QUOTES.has(t.textOf(start))) {
      const content = t.nextNamedSibling(start);
      const end = content !== NO_NODE && t.type(content) === 'string_content' ? t.nextNamedSibling(content) : content;
      if (end !== NO_NODE && t.type(end) === 'string_end' && t.nextNamedSibling(end) === NO_NODE) {
        return { k: 'str', v: end === content ? '' : decodeEscapes(this.text(content)), s: this.span(n) };
      }
    }
    return this.anyString(n);
  }

  /** A string literal of any form: prefixes (raw, f-strings with their interpolations), several runs of text. */
  private anyString(n: number): Expr {
    const t = this.t;
    const children = t.namedChildren(n);
    const startAt = children.find((c) => t.type(c) === 'string_start');
    const start = startAt !== undefined ? this.text(startAt) : '"';
    const prefix = start.replace(/['"]/g, '').toLowerCase();
    const raw = prefix.includes('r');
    // In an f-string, `{{` and `}}` are the braces themselves.
    const braces = prefix.includes('f') ? (text: string): string => text.replace(/\{\{/g, '{').replace(/\}\}/g, '}') : (text: string): string => text;
    const parts: Array<string | Expr> = [];
    for (const c of children) {
      const type = t.type(c);
      if (type === 'string_content') parts.push(braces(raw ? this.text(c) : decodeEscapes(this.text(c))));
      else if (type === 'interpolation') parts.push(this.interpolation(c));
    }
    const merged: Array<string | Expr> = [];
    for (const p of parts) {
      if (typeof p === 'string' && typeof merged[merged.length - 1] === 'string') merged[merged.length - 1] += p;
      else merged.push(p);
    }
    if (merged.every((p) => typeof p === 'string')) return { k: 'str', v: merged.join(''), s: this.span(n) };
    return { k: 'fstr', parts: merged, s: this.span(n) };
  }

  /**
   * An f-string's `{x}` as the value Python formats: `{x!r}` is `repr(x)`, `{x!s}` is `str(x)` and `{x:spec}` is
   * `format(x, "spec")`; one with `!a`, `=` or an expression inside its spec is not read.
   */
  private interpolation(n: number): Expr {
    const t = this.t;
    const written = t.textOf(n).slice(1, -1);
    // What is not read keeps its text between the braces (an f-string is shown with its parts between braces).
    const unread = (): Expr => ({ k: 'other', text: written.slice(0, 200), s: this.span(n) });
    const e = t.child(n, this.f.expression);
    if (e === NO_NODE) return unread();
    let conversion = '';
    let spec: string | undefined;
    for (const c of t.children(n)) {
      const type = t.type(c);
      if (type === '=' || (type === 'format_specifier' && t.firstNamedChild(c) !== NO_NODE)) return unread();
      if (type === 'type_conversion') conversion = t.textOf(c);
      if (type === 'format_specifier') spec = t.textOf(c).slice(1);
    }
    if (conversion !== '' && conversion !== '!r' && conversion !== '!s') return unread();
    const s = this.span(n);
    const call = (id: string, args: Expr[]): Expr => ({ k: 'call', fn: { k: 'name', id, s }, args, kw: [], s, written });
    let value = this.expr(e);
    if (conversion !== '') value = call(conversion === '!r' ? 'repr' : 'str', [value]);
    return spec === undefined ? value : call('format', [value, { k: 'str', v: spec, s }]);
  }
}

/** The opening quotes of a literal without a prefix. */
const PLAIN_QUOTES = new Set(["'", '"', "'''", '"""']);

/** The items a list gathered on `stack` from `base` on, as an array of their own; the stack shrinks back to `base`. */
function takeFrom<T>(stack: T[], base: number): T[] {
  if (stack.length === base) return [];
  const out = stack.slice(base);
  stack.length = base;
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/** Decodes the common Python escape sequences of a non-raw string literal. */
function decodeEscapes(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\s\S])/g, (m, e: string) => {
    if (e.length > 1 && /^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return SIMPLE_ESCAPES[e] ?? m;
  });
}
