import { Parser, Language, Node as SyntaxNode } from 'web-tree-sitter';
import { dottedName, type CompareOp, type Expr, type Keyword, type ModuleSyntax, type Param, type Span, type Stmt } from './syntax';

/** The wasm binaries the parser needs; the caller reads them (the engine never touches the disk). */
export interface ParserWasm {
  runtime: Uint8Array;
  python: Uint8Array;
}

/** A Python parser that turns source text into plain `ModuleSyntax`, deleting each tree-sitter tree it makes. */
export interface PythonParser {
  parseModule(text: string): ModuleSyntax;
}

let languagePromise: Promise<Language> | undefined;

/** Loads tree-sitter and the Python grammar once per process, from the given wasm bytes. */
export async function createPythonParser(wasm: ParserWasm): Promise<PythonParser> {
  languagePromise ??= Parser.init({ wasmBinary: wasm.runtime } as object).then(() => Language.load(wasm.python));
  const language = await languagePromise;
  const parser = new Parser();
  parser.setLanguage(language);
  return {
    parseModule(text: string): ModuleSyntax {
      const tree = parser.parse(text);
      if (!tree) return { body: [], errors: [[0, 0, 0, 0]], ignores: {} };
      try {
        const converter = new Converter();
        const body = converter.block(tree.rootNode);
        return { body, errors: tree.rootNode.hasError ? readErrors(tree.rootNode) : [], ignores: text.includes('alembic-drift') ? readIgnores(tree.rootNode) : {} };
      } finally {
        tree.delete();
      }
    },
  };
}

const MAX_ERRORS = 20;
const MAX_DEPTH = 200;
const COMPARE_OPS = new Set<string>(['==', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'is', 'is not']);
const IGNORE_MARKER = /alembic-drift:\s*ignore(?:\[([^\]]*)\])?/;

/** Where the parser had to recover: ERROR and MISSING nodes, found by descending only into damaged subtrees. */
function readErrors(root: SyntaxNode): Span[] {
  const out: Span[] = [];
  const visit = (n: SyntaxNode): void => {
    if (out.length >= MAX_ERRORS) return;
    if (n.type === 'ERROR' || n.isMissing) {
      out.push(span(n));
      return;
    }
    for (const c of n.children) if (c && (c.hasError || c.isMissing)) visit(c);
  };
  visit(root);
  return out;
}

/** The `# alembic-drift: ignore[...]` comments anywhere in a file (also inside calls spread over several lines). */
function readIgnores(root: SyntaxNode): Record<number, string[]> {
  const out: Record<number, string[]> = {};
  for (const c of root.descendantsOfType('comment')) {
    const m = c ? IGNORE_MARKER.exec(c.text) : null;
    if (c && m) out[c.startPosition.row] = m[1] ? m[1].split(',').map((x) => x.trim()).filter(Boolean) : [];
  }
  return out;
}

function span(n: SyntaxNode): Span {
  const a = n.startPosition;
  const b = n.endPosition;
  return [a.row, a.column, b.row, b.column];
}

/** Walks a tree-sitter tree once and keeps only what the analysis reads. */
class Converter {
  private depth = 0;
  /** How many class bodies enclose the statement being converted (0 inside a function). */
  private classDepth = 0;

  block(node: SyntaxNode): Stmt[] {
    const out: Stmt[] = [];
    for (const child of node.namedChildren) {
      if (!child) continue;
      this.statement(child, out);
    }
    return out;
  }

  private statement(n: SyntaxNode, out: Stmt[]): void {
    switch (n.type) {
      case 'comment':
        return;
      case 'ERROR':
        // Keep what can still be read inside a damaged region.
        for (const child of n.namedChildren) if (child) this.statement(child, out);
        return;
      case 'expression_statement': {
        for (const child of n.namedChildren) {
          if (!child) continue;
          const type = child.type;
          if (type === 'assignment') out.push(this.assignment(child));
          else if (type === 'augmented_assignment') continue;
          else out.push({ k: 'expr', value: this.expr(child), s: span(child) });
        }
        return;
      }
      case 'decorated_definition': {
        const decorators = n.namedChildren.filter((c) => c?.type === 'decorator').map((d) => this.expr(d!.namedChildren[0]!));
        const def = n.childForFieldName('definition');
        if (def) this.definition(def, decorators, out, n);
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
        const clause = n.namedChildren.find((c) => c?.type === 'with_clause');
        for (const item of clause?.namedChildren ?? []) {
          const value = item?.childForFieldName('value');
          if (!value) continue;
          if (value.type === 'as_pattern') {
            const target = value.childForFieldName('alias');
            items.push({ ctx: this.expr(value.namedChildren[0]!), as: target?.text });
          } else items.push({ ctx: this.expr(value) });
        }
        out.push({ k: 'with', items, body: this.body(n), s: span(n) });
        return;
      }
      case 'for_statement': {
        const left = n.childForFieldName('left');
        const right = n.childForFieldName('right');
        if (left && right) out.push({ k: 'for', target: this.expr(left), iter: this.expr(right), body: this.body(n), s: span(n) });
        return;
      }
      case 'try_statement': {
        const handlers: Stmt[][] = [];
        for (const c of n.namedChildren) {
          if (c && (c.type === 'except_clause' || c.type === 'else_clause' || c.type === 'finally_clause' || c.type === 'except_group_clause')) {
            const blk = c.namedChildren.find((x) => x?.type === 'block');
            if (blk) handlers.push(this.block(blk));
          }
        }
        out.push({ k: 'try', body: this.body(n), handlers, s: span(n) });
        return;
      }
      case 'import_statement':
        for (const name of n.childrenForFieldName('name')) {
          if (!name) continue;
          if (name.type === 'aliased_import') out.push({ k: 'import', module: name.childForFieldName('name')!.text, asname: name.childForFieldName('alias')?.text, s: span(n) });
          else out.push({ k: 'import', module: name.text, s: span(n) });
        }
        return;
      case 'import_from_statement': {
        const mod = n.childForFieldName('module_name');
        let level = 0;
        let module = '';
        if (mod?.type === 'relative_import') {
          for (const c of mod.namedChildren) {
            if (c?.type === 'import_prefix') level = c.text.length;
            else if (c) module = c.text;
          }
        } else if (mod) module = mod.text;
        const names: Array<{ name: string; asname?: string }> = [];
        for (const name of n.childrenForFieldName('name')) {
          if (!name) continue;
          if (name.type === 'aliased_import') names.push({ name: name.childForFieldName('name')!.text, asname: name.childForFieldName('alias')?.text });
          else names.push({ name: name.text });
        }
        if (n.namedChildren.some((c) => c?.type === 'wildcard_import')) names.push({ name: '*' });
        out.push({ k: 'from', module, level, names, s: span(n) });
        return;
      }
      case 'return_statement': {
        const v = n.namedChildren[0];
        out.push({ k: 'return', value: v ? this.expr(v) : undefined, s: span(n) });
        return;
      }
      default:
    }
  }

  private body(n: SyntaxNode): Stmt[] {
    const b = n.childForFieldName('body');
    return b ? this.block(b) : [];
  }

  private ifStatement(n: SyntaxNode): Stmt {
    const test = n.childForFieldName('condition');
    const body = this.block(n.childForFieldName('consequence') ?? n);
    const alternatives = n.childrenForFieldName('alternative').filter((a): a is SyntaxNode => !!a);
    const orelse = this.alternatives(alternatives);
    return { k: 'if', test: test ? this.expr(test) : this.other(n), body, orelse, s: span(n) };
  }

  private alternatives(alts: SyntaxNode[]): Stmt[] {
    if (alts.length === 0) return [];
    const [first, ...rest] = alts;
    if (first.type === 'else_clause') return this.body(first);
    const test = first.childForFieldName('condition');
    const body = this.block(first.childForFieldName('consequence') ?? first);
    return [{ k: 'if', test: test ? this.expr(test) : this.other(first), body, orelse: this.alternatives(rest), s: span(first) }];
  }

  private definition(n: SyntaxNode, decorators: Expr[], out: Stmt[], outer: SyntaxNode): void {
    const nameNode = n.childForFieldName('name');
    if (!nameNode) return;
    if (n.type === 'class_definition') {
      const bases: Expr[] = [];
      const kw: Keyword[] = [];
      const sup = n.childForFieldName('superclasses');
      if (sup) this.argumentList(sup, bases, kw);
      this.classDepth++;
      try {
        out.push({ k: 'class', name: nameNode.text, bases, kw, decorators, body: this.body(n), s: span(outer), nameSpan: span(nameNode) });
      } finally {
        this.classDepth--;
      }
    } else if (n.type === 'function_definition') {
      const name = nameNode.text;
      const outerDepth = this.classDepth;
      // A method's body says nothing about the schema unless it is a declared_attr (or a dunder such as
      // __tablename__): skipping the others keeps big model files cheap.
      // A revision's downgrade() is never replayed either.
      const needed = outerDepth === 0 ? !(name === 'downgrade' && this.moduleLevel(n)) : name.startsWith('__') || decorators.some((d) => /declared_attr|directive|cascading/.test(dottedName(d.k === 'call' ? d.fn : d) ?? ''));
      this.classDepth = 0;
      try {
        let body: Stmt[] = [];
        if (needed) body = this.body(n);
        out.push({ k: 'def', name, params: this.params(n.childForFieldName('parameters')), decorators, body, s: span(outer), nameSpan: span(nameNode) });
      } finally {
        this.classDepth = outerDepth;
      }
    }
  }

  /** Whether a definition sits at the top of the module (directly, or under a decorator). */
  private moduleLevel(n: SyntaxNode): boolean {
    const parent = n.parent?.type === 'decorated_definition' ? n.parent.parent : n.parent;
    return parent?.type === 'module';
  }

  private params(n: SyntaxNode | null): Param[] {
    const out: Param[] = [];
    for (const p of n?.namedChildren ?? []) {
      if (!p) continue;
      switch (p.type) {
        case 'identifier':
          out.push({ name: p.text });
          break;
        case 'typed_parameter': {
          const id = p.namedChildren.find((c) => c?.type === 'identifier');
          const splat = p.namedChildren.find((c) => c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern');
          if (id) out.push({ name: id.text });
          else if (splat) out.push({ name: splat.namedChildren[0]?.text ?? '', star: splat.type === 'list_splat_pattern' ? '*' : '**' });
          break;
        }
        case 'default_parameter':
        case 'typed_default_parameter': {
          const name = p.childForFieldName('name');
          const value = p.childForFieldName('value');
          if (name) out.push({ name: name.text, default: value ? this.expr(value) : undefined });
          break;
        }
        case 'list_splat_pattern':
          out.push({ name: p.namedChildren[0]?.text ?? '', star: '*' });
          break;
        case 'dictionary_splat_pattern':
          out.push({ name: p.namedChildren[0]?.text ?? '', star: '**' });
          break;
      }
    }
    return out;
  }

  private assignment(n: SyntaxNode): Stmt {
    const targets: Expr[] = [];
    let cur: SyntaxNode | null = n;
    let ann: Expr | undefined;
    let value: Expr | undefined;
    // `a = b = value` nests assignments on the right.
    while (cur && cur.type === 'assignment') {
      const left = cur.childForFieldName('left');
      if (left) targets.push(this.expr(left));
      const type = cur.childForFieldName('type');
      if (type && !ann) ann = this.expr(type);
      const right: SyntaxNode | null = cur.childForFieldName('right');
      if (right?.type === 'assignment') cur = right;
      else {
        value = right ? this.expr(right) : undefined;
        cur = null;
      }
    }
    return { k: 'assign', targets, ann, value, s: span(n) };
  }

  private argumentList(n: SyntaxNode, args: Expr[], kw: Keyword[]): void {
    for (const a of n.namedChildren) {
      // Each read of `type` is a call into wasm: read once.
      const type = a?.type;
      if (!a || type === 'comment') continue;
      if (type === 'keyword_argument') {
        const name = a.childForFieldName('name');
        const value = a.childForFieldName('value');
        if (name && value) kw.push({ name: name.text, value: this.expr(value) });
      } else if (type === 'dictionary_splat') {
        kw.push({ name: null, value: this.expr(a.namedChildren[0] ?? a) });
      } else args.push(this.expr(a));
    }
  }

  private other(n: SyntaxNode): Expr {
    const text = n.text;
    return { k: 'other', text: text.length > 200 ? text.slice(0, 200) : text, s: span(n) };
  }

  expr(n: SyntaxNode): Expr {
    if (this.depth > MAX_DEPTH) return this.other(n);
    this.depth++;
    try {
      return this.exprInner(n);
    } finally {
      this.depth--;
    }
  }

  private exprInner(n: SyntaxNode): Expr {
    switch (n.type) {
      case 'identifier': {
        // An identifier is on one line: its end is its start plus its length (one call into wasm fewer).
        const id = n.text;
        const at = n.startPosition;
        return { k: 'name', id, s: [at.row, at.column, at.row, at.column + id.length] };
      }
      case 'attribute': {
        const obj = n.childForFieldName('object');
        const attr = n.childForFieldName('attribute');
        if (!obj || !attr) return this.other(n);
        return { k: 'attr', obj: this.expr(obj), name: attr.text, s: span(n) };
      }
      case 'call': {
        const fn = n.childForFieldName('function');
        const argsNode = n.childForFieldName('arguments');
        if (!fn) return this.other(n);
        const args: Expr[] = [];
        const kw: Keyword[] = [];
        if (argsNode?.type === 'argument_list') this.argumentList(argsNode, args, kw);
        else if (argsNode) args.push(this.expr(argsNode));
        return { k: 'call', fn: this.expr(fn), args, kw, s: span(n) };
      }
      case 'string':
        return this.string(n);
      case 'concatenated_string': {
        const parts: Array<string | Expr> = [];
        for (const c of n.namedChildren) {
          if (!c || c.type !== 'string') continue;
          const s = this.string(c);
          if (s.k === 'str') parts.push(s.v);
          else if (s.k === 'fstr') parts.push(...s.parts);
        }
        return parts.every((p) => typeof p === 'string') ? { k: 'str', v: parts.join(''), s: span(n) } : { k: 'fstr', parts, s: span(n) };
      }
      case 'integer': {
        const v = Number(n.text.replace(/_/g, '').replace(/[lLjJ]$/, ''));
        return Number.isFinite(v) ? { k: 'num', v, s: span(n) } : this.other(n);
      }
      case 'float': {
        const v = Number(n.text.replace(/_/g, ''));
        return Number.isFinite(v) ? { k: 'num', v, s: span(n) } : this.other(n);
      }
      case 'true':
        return { k: 'const', v: true, s: span(n) };
      case 'false':
        return { k: 'const', v: false, s: span(n) };
      case 'none':
        return { k: 'const', v: null, s: span(n) };
      case 'tuple':
      case 'expression_list':
      case 'pattern_list':
      case 'tuple_pattern':
        return { k: 'tuple', items: this.items(n), s: span(n) };
      case 'list':
      case 'list_pattern':
        return { k: 'list', items: this.items(n), s: span(n) };
      case 'set':
        return { k: 'set', items: this.items(n), s: span(n) };
      case 'parenthesized_expression': {
        const inner = n.namedChildren.find((c) => c && c.type !== 'comment');
        return inner ? this.expr(inner) : this.other(n);
      }
      case 'type': {
        const inner = n.namedChildren[0];
        return inner ? this.expr(inner) : this.other(n);
      }
      case 'generic_type': {
        // `Mapped[int]` in an annotation.
        const base = n.namedChildren[0];
        const params = n.namedChildren.find((c) => c?.type === 'type_parameter');
        if (!base) return this.other(n);
        return { k: 'subscript', obj: this.expr(base), index: (params?.namedChildren ?? []).filter((c): c is SyntaxNode => !!c).map((c) => this.expr(c)), s: span(n) };
      }
      case 'union_type': {
        const [l, r] = n.namedChildren;
        if (!l || !r) return this.other(n);
        return { k: 'binop', op: '|', left: this.expr(l), right: this.expr(r), s: span(n) };
      }
      case 'dictionary': {
        const entries: Array<[Expr | null, Expr]> = [];
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (c.type === 'pair') {
            const key = c.childForFieldName('key');
            const value = c.childForFieldName('value');
            if (key && value) entries.push([this.expr(key), this.expr(value)]);
          } else if (c.type === 'dictionary_splat') entries.push([null, this.expr(c.namedChildren[0] ?? c)]);
        }
        return { k: 'dict', entries, s: span(n) };
      }
      case 'subscript': {
        const value = n.childForFieldName('value');
        if (!value) return this.other(n);
        const index = n.childrenForFieldName('subscript').filter((c): c is SyntaxNode => !!c).map((c) => this.expr(c));
        return { k: 'subscript', obj: this.expr(value), index, s: span(n) };
      }
      case 'binary_operator': {
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        const op = n.childForFieldName('operator');
        if (!l || !r || !op) return this.other(n);
        return { k: 'binop', op: op.text, left: this.expr(l), right: this.expr(r), s: span(n) };
      }
      case 'unary_operator': {
        const arg = n.childForFieldName('argument');
        const op = n.childForFieldName('operator');
        if (arg?.type === 'integer' || arg?.type === 'float') {
          const v = Number(n.text.replace(/_/g, ''));
          if (Number.isFinite(v)) return { k: 'num', v, s: span(n) };
        }
        if (arg && op?.text === '-') return { k: 'binop', op: '-', left: { k: 'num', v: 0, s: span(n) }, right: this.expr(arg), s: span(n) };
        return this.other(n);
      }
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension': {
        const body = n.childForFieldName('body');
        const clauses = n.namedChildren.filter((c): c is SyntaxNode => c?.type === 'for_in_clause');
        const left = clauses[0]?.childForFieldName('left');
        const right = clauses[0]?.childForFieldName('right');
        if (!body || clauses.length !== 1 || !left || !right) return this.other(n);
        const conds = n.namedChildren.filter((c): c is SyntaxNode => c?.type === 'if_clause').map((c) => this.expr(c.namedChildren[0] ?? c));
        return { k: 'comp', elt: this.expr(body), target: this.expr(left), iter: this.expr(right), conds, s: span(n) };
      }
      case 'comparison_operator':
        return this.comparison(n);
      case 'boolean_operator': {
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        const op = n.childForFieldName('operator')?.type;
        if (!l || !r || (op !== 'and' && op !== 'or')) return this.other(n);
        // `a and b and c` nests on the left: flattened into one node, as Python's own syntax tree has it.
        const values = [l, r].flatMap((c) => {
          const e = this.expr(c);
          return e.k === 'boolop' && e.op === op && c.type === 'boolean_operator' ? e.values : [e];
        });
        return { k: 'boolop', op, values, s: span(n) };
      }
      case 'not_operator': {
        const arg = n.childForFieldName('argument');
        return arg ? { k: 'not', value: this.expr(arg), s: span(n) } : this.other(n);
      }
      case 'list_splat':
        return { k: 'starred', value: this.expr(n.namedChildren[0] ?? n), s: span(n) };
      case 'keyword_argument':
        return this.other(n);
      default:
        return this.other(n);
    }
  }

  /** `a == b`, `x not in (...)`, `a < b < c`: operands are the named children, operators the tokens between them. */
  private comparison(n: SyntaxNode): Expr {
    const operands: Expr[] = [];
    const ops: CompareOp[] = [];
    for (const c of n.children) {
      if (!c) continue;
      const type = c.type;
      if (type === 'comment') continue;
      if (c.isNamed) {
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
    return { k: 'compare', left: operands[0], ops, comparators: operands.slice(1), s: span(n) };
  }

  private items(n: SyntaxNode): Expr[] {
    const out: Expr[] = [];
    for (const c of n.namedChildren) if (c && c.type !== 'comment') out.push(this.expr(c));
    return out;
  }

  private string(n: SyntaxNode): Expr {
    // The children and their types read once: each read is a call into wasm.
    const children = n.namedChildren.filter((c): c is SyntaxNode => !!c);
    const types = children.map((c) => c.type);
    const startAt = types.indexOf('string_start');
    const start = startAt >= 0 ? children[startAt].text : '"';
    const prefix = start.replace(/['"]/g, '').toLowerCase();
    const raw = prefix.includes('r');
    const parts: Array<string | Expr> = [];
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      if (types[i] === 'string_content') parts.push(raw ? c.text : decodeEscapes(c.text));
      else if (types[i] === 'interpolation') {
        const e = c.childForFieldName('expression');
        parts.push(e ? this.expr(e) : this.other(c));
      }
    }
    const merged: Array<string | Expr> = [];
    for (const p of parts) {
      if (typeof p === 'string' && typeof merged[merged.length - 1] === 'string') merged[merged.length - 1] += p;
      else merged.push(p);
    }
    if (merged.every((p) => typeof p === 'string')) return { k: 'str', v: merged.join(''), s: span(n) };
    return { k: 'fstr', parts: merged, s: span(n) };
  }
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
