import { innerBlocks, methodKind, type Expr, type Stmt } from '../python/syntax';
import { canonicalName, type ClassStmt, type Resolver } from '../python/resolve';
import { evalLiteral, formatText, itemOrSlice } from '../python/literals';

type DefStmt = Extract<Stmt, { k: 'def' }>;

/**
 * Flask-SQLAlchemy's automatic table name: an underscore before every capital that follows a lower-case letter or
 * digit, and before every capital (not the first letter) followed by a lower-case letter; lower-cased, leading
 * underscores dropped (UserProfile -> user_profile, HTTPRequest -> http_request, OAuth2Token -> o_auth2_token).
 */
export function flaskTableName(className: string): string {
  // Flask-SQLAlchemy's own camel_to_snake_case, one pass: `Item_Type` is "item__type", underscores are kept.
  return className.replace(/((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))/g, '_$1').toLowerCase().replace(/^_+/, '');
}

const MAX_DEPTH = 8;

/** What a `__tablename__` function can ask of the class it names. */
export interface NamedClass {
  name: string;
  /** Whether a mapped class it inherits from has a table (SQLAlchemy's `has_inherited_table(cls)`). */
  hasInheritedTable: boolean;
  /** The class itself, whose attributes and class methods (or its bases') the function may read; none in tests. */
  ref?: { file: string; cls: ClassStmt };
  /** Whether the class has a public attribute of a name (its own or a base's), undefined when a base is not read. */
  hasAttribute?: (name: string) => boolean | undefined;
}

/**
 * Evaluates a `declared_attr` `__tablename__(cls)` for a class: `cls.__name__`, `.lower()`, string arithmetic,
 * f-strings, `re.sub(...)`, calls to the project's own helper functions, the class's own attributes and class or
 * static methods (`cls._prefix(cls.__base_name__)`), and `if` on `has_inherited_table(cls)`.
 * Null when it returns None (the class has no table of its own), undefined when it needs more.
 */
export function computedTableName(resolver: Resolver, file: string, fn: DefStmt, cls: NamedClass): string | null | undefined {
  const clsParam = fn.params[0]?.name ?? 'cls';
  return new NameEvaluator(resolver, cls).run(file, fn, new Map([[clsParam, { cls: cls.name }]]), 0);
}

/** Where a class stands as a base's `__init_subclass__` runs for it. */
export interface SubclassHookStart {
  /** The class's `__tablename__` before the hook: its own, the one it inherits, or undefined for none. */
  name: string | undefined;
  /** Whether the class's own body sets it (`"__tablename__" in cls.__dict__`). */
  own: boolean;
  /**
   * Whether SQLAlchemy maps the class inside `super().__init_subclass__()` (a `DeclarativeBase` subclass), so that a
   * name the hook sets after that call comes too late; a metaclass (`declarative_base()`) maps it after the hook.
   */
  mapsAtSuper: boolean;
}

/**
 * The `__tablename__` a base's `__init_subclass__(cls)` leaves on a class it runs for (Python runs it as each subclass
 * is made, before SQLAlchemy maps it): `cls.__tablename__ = ...` with what `computedTableName` reads, `cls.__tablename__`
 * itself, and tests of whether the class has one (`"__tablename__" not in cls.__dict__`, `hasattr`, `getattr` with a
 * default). The name as it was when the hook sets none; undefined when it cannot be evaluated.
 */
export function tableNameAfterSubclassHook(resolver: Resolver, file: string, fn: DefStmt, cls: NamedClass, start: SubclassHookStart): { name: string | undefined } | undefined {
  const hook = { ...start };
  const clsParam = fn.params[0]?.name ?? 'cls';
  const ran = new NameEvaluator(resolver, cls, hook).hookBody(file, fn.body, new Map([[clsParam, { cls: cls.name }]]));
  return ran ? { name: hook.name } : undefined;
}

/** The public attributes SQLAlchemy's declarative bases and Flask-SQLAlchemy's Model give every class. */
const BASE_ATTRIBUTES = new Set(['metadata', 'registry', 'query', 'query_class']);

/** A value the evaluator knows: text, a list of texts, a truth value, None, the class named, or a function. */
type Val = string | string[] | boolean | null | { cls: string } | { fn: { file: string; def: DefStmt } } | { match: string[] } | undefined;

/** A block that ends without `return`. */
const FELL_THROUGH = Symbol('fell through');

class NameEvaluator {
  constructor(
    private readonly resolver: Resolver,
    private readonly named: NamedClass,
    /** Set while an `__init_subclass__` runs: the class's name as the hook changes it. */
    private readonly hook?: SubclassHookStart,
  ) {}

  /**
   * Runs an `__init_subclass__` body for its effect on `cls.__tablename__`: 'ended' at a `return` or at the call that
   * maps the class, 'fell' at the end of the block, undefined when a statement that may set the name or end the hook
   * cannot be followed. Statements that do neither are passed over, whatever they do.
   */
  hookBody(file: string, body: Stmt[], env: Map<string, Val>): 'ended' | 'fell' | undefined {
    const hook = this.hook!;
    for (const s of body) {
      if (isSuperHookCall(s)) {
        if (hook.mapsAtSuper) return 'ended';
        continue;
      }
      if (s.k === 'return') return 'ended';
      const target = s.k === 'assign' && s.targets.length === 1 ? s.targets[0] : undefined;
      if (s.k === 'assign' && s.value && target?.k === 'attr' && target.name === '__tablename__' && isClass(this.value(file, target.obj, env, 0))) {
        const v = this.value(file, s.value, env, 0);
        if (typeof v !== 'string') return undefined;
        hook.name = v;
        hook.own = true;
      } else if (s.k === 'assign' && s.value && target?.k === 'name') {
        env.set(target.id, this.value(file, s.value, env, 0));
      } else if (s.k === 'if' && mayEndOrName(s, hook.mapsAtSuper)) {
        const test = this.value(file, s.test, env, 0);
        if (typeof test !== 'boolean') return undefined;
        const arm = this.hookBody(file, test ? s.body : s.orelse, env);
        if (arm !== 'fell') return arm;
      } else if (mayEndOrName(s, hook.mapsAtSuper)) return undefined;
    }
    return 'fell';
  }

  run(file: string, fn: DefStmt, env: Map<string, Val>, depth: number): string | null | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const result = this.block(file, fn.body, env, depth);
    return result === FELL_THROUGH ? undefined : result;
  }

  private block(file: string, body: Stmt[], env: Map<string, Val>, depth: number): string | null | undefined | typeof FELL_THROUGH {
    for (const s of body) {
      if (s.k === 'assign' && s.value && s.targets.length === 1 && s.targets[0].k === 'name') {
        env.set(s.targets[0].id, this.value(file, s.value, env, depth));
      } else if (s.k === 'return') {
        const v = s.value ? this.value(file, s.value, env, depth) : null;
        return typeof v === 'string' || v === null ? v : undefined;
      } else if (s.k === 'if') {
        const test = this.value(file, s.test, env, depth);
        if (typeof test !== 'boolean') return undefined;
        const result = this.block(file, test ? s.body : s.orelse, env, depth);
        if (result !== FELL_THROUGH) return result;
      } else if (s.k === 'from') {
        // `from kotti.util import camel_case_to_name` inside the function.
        for (const n of s.names) {
          const v = this.resolver.imported(file, s, n.name);
          env.set(n.asname ?? n.name, v.t === 'def' ? { fn: { file: v.file, def: v.def } } : v.t === 'expr' ? this.value(v.file, v.e, new Map(), depth + 1) : undefined);
        }
      } else if (s.k !== 'expr' && s.k !== 'import') return undefined;
    }
    return FELL_THROUGH;
  }

  private str(file: string, e: Expr, env: Map<string, Val>, depth: number): string | undefined {
    const v = this.value(file, e, env, depth);
    return typeof v === 'string' ? v : undefined;
  }

  private value(file: string, e: Expr, env: Map<string, Val>, depth: number): Val {
    switch (e.k) {
      case 'name':
        if (env.has(e.id)) return env.get(e.id);
        return asString(evalLiteral(this.resolver, file, e));
      case 'attr': {
        const obj = this.value(file, e.obj, env, depth);
        if (isClass(obj) && e.name === '__tablename__' && this.hook) return this.hook.name;
        if (isClass(obj)) return e.name === '__name__' ? obj.cls : this.classAttribute(e.name, depth);
        return asString(evalLiteral(this.resolver, file, e));
      }
      case 'str':
        return e.v;
      case 'const':
        return e.v;
      case 'not': {
        const v = this.value(file, e.value, env, depth);
        return typeof v === 'boolean' ? !v : undefined;
      }
      case 'fstr': {
        let out = '';
        for (const p of e.parts) {
          const v = typeof p === 'string' ? p : this.str(file, p, env, depth);
          if (v === undefined) return undefined;
          out += v;
        }
        return out;
      }
      case 'binop': {
        if (e.op !== '+') return undefined;
        const l = this.str(file, e.left, env, depth);
        const r = this.str(file, e.right, env, depth);
        return l !== undefined && r !== undefined ? l + r : undefined;
      }
      case 'call':
        return this.call(file, e, env, depth);
      case 'subscript': {
        // `re.sub(...)[1:]`: an item or a slice of a text.
        const v = e.index.length === 1 ? this.value(file, e.obj, env, depth) : undefined;
        const item = typeof v === 'string' ? itemOrSlice(v, e.index[0]) : undefined;
        return typeof item === 'string' ? item : undefined;
      }
      case 'compare':
        return this.hasTableNameTest(file, e, env, depth);
      case 'boolop': {
        // Python's `and` / `or` give one of their operands (`getattr(cls, "__tablename__", None) or cls.__name__`).
        let last: Val;
        for (const operand of e.values) {
          last = this.value(file, operand, env, depth);
          if (last === undefined || truthy(last) !== (e.op === 'and')) return last;
        }
        return last;
      }
      case 'comp': {
        // `[x.lower() for x in parts if x]`
        const items = this.value(file, e.iter, env, depth);
        if (!Array.isArray(items) || e.target.k !== 'name') return undefined;
        const out: string[] = [];
        for (const item of items) {
          const inner = new Map(env).set(e.target.id, item);
          if (!e.conds.every((c) => truthy(this.value(file, c, inner, depth)))) continue;
          const v = this.str(file, e.elt, inner, depth);
          if (v === undefined) return undefined;
          out.push(v);
        }
        return out;
      }
      default:
        return undefined;
    }
  }

  /** `"__tablename__" in cls.__dict__` (or `vars(cls)`) in an `__init_subclass__`: whether the class's own body sets it. */
  private hasTableNameTest(file: string, e: Extract<Expr, { k: 'compare' }>, env: Map<string, Val>, depth: number): Val {
    if (!this.hook || e.ops.length !== 1 || (e.ops[0] !== 'in' && e.ops[0] !== 'not in')) return undefined;
    const right = e.comparators[0];
    const namespace = right.k === 'attr' && right.name === '__dict__' ? right.obj : right.k === 'call' && right.fn.k === 'name' && right.fn.id === 'vars' && right.args.length === 1 ? right.args[0] : undefined;
    if (!namespace || this.value(file, e.left, env, depth) !== '__tablename__' || !isClass(this.value(file, namespace, env, depth))) return undefined;
    return this.hook.own === (e.ops[0] === 'in');
  }

  /** The pattern of a `re.compile("...")` value an expression names. */
  private compiledPattern(file: string, e: Expr): string | undefined {
    const v = this.resolver.resolve(file, e);
    if (v.t !== 'expr' || v.e.k !== 'call' || !v.e.args[0]) return undefined;
    const fn = this.resolver.resolve(v.file, v.e.fn);
    if (fn.t !== 'ext' || fn.q !== 're.compile') return undefined;
    return asString(evalLiteral(this.resolver, v.file, v.e.args[0]));
  }

  /** `cls.__flavor__`: a plain attribute the class or a base binds, read where it is written. */
  private classAttribute(name: string, depth: number): Val {
    const bound = this.named.ref && this.resolver.classAttribute(this.named.ref, name);
    if (!bound) return undefined;
    const v = this.value(bound.file, bound.found, new Map(), depth + 1);
    return typeof v === 'string' || v === null ? v : undefined;
  }

  /** `cls._prefix(name)`: a class method gets the class as its first argument, a static method only the arguments. */
  private classMethodCall(file: string, e: Extract<Expr, { k: 'call' }>, name: string, env: Map<string, Val>, depth: number): Val {
    const method = this.named.ref && this.resolver.methodOf(this.named.ref, name);
    const kind = method && methodKind(method.def);
    if (!method || (kind !== 'classmethod' && kind !== 'staticmethod')) return undefined;
    const inner = this.bind(file, e, method, kind === 'classmethod' ? { cls: this.named.name } : undefined, env, depth);
    return inner && this.run(method.file, method.def, inner, depth + 1);
  }

  /**
   * A function's parameters bound to a call's positional and keyword arguments, else to their defaults (read where the
   * function is); `first` goes before the arguments (a class method's class). Undefined for `*`/`**` in the call.
   */
  private bind(file: string, e: Extract<Expr, { k: 'call' }>, fn: { file: string; def: DefStmt }, first: Val, env: Map<string, Val>, depth: number): Map<string, Val> | undefined {
    if (e.args.some((a) => a.k === 'starred') || e.kw.some((k) => k.name === null)) return undefined;
    const positional = [...(first !== undefined ? [first] : []), ...e.args.map((a) => this.value(file, a, env, depth))];
    const inner = new Map<string, Val>();
    fn.def.params.forEach((p, i) => {
      const kw = e.kw.find((k) => k.name === p.name);
      const v = i < positional.length ? positional[i] : kw ? this.value(file, kw.value, env, depth) : p.default ? this.value(fn.file, p.default, new Map(), depth + 1) : undefined;
      inner.set(p.name, v);
    });
    return inner;
  }

  private call(file: string, e: Extract<Expr, { k: 'call' }>, env: Map<string, Val>, depth: number): Val {
    const receiver = e.fn.k === 'attr' ? this.value(file, e.fn.obj, env, depth) : undefined;
    if (e.fn.k === 'attr' && e.fn.name === 'group' && typeof receiver === 'object' && receiver !== null && 'match' in receiver) {
      // A match's `group()` / `group(n)`, in a `re.sub` replacement function.
      const at = e.args.length === 0 ? 0 : evalLiteral(this.resolver, file, e.args[0]);
      return typeof at === 'number' ? receiver.match[at] : undefined;
    }
    if (e.fn.k === 'attr' && isClass(receiver)) {
      const result = this.classMethodCall(file, e, e.fn.name, env, depth);
      if (result !== undefined) return result;
    }
    if (e.fn.k === 'attr' && e.args.length === 0) {
      const obj = receiver;
      if (typeof obj !== 'string') return undefined;
      if (e.fn.name === 'lower') return obj.toLowerCase();
      if (e.fn.name === 'upper') return obj.toUpperCase();
      if (e.fn.name === 'strip') return obj.trim();
      return undefined;
    }
    if (e.fn.k === 'attr' && e.fn.name === 'format' && typeof receiver === 'string') {
      const args = e.args.map((a) => this.str(file, a, env, depth));
      const named = new Map(e.kw.map((k) => [k.name ?? '', this.str(file, k.value, env, depth)]));
      return formatText(receiver, args, named);
    }
    if (e.fn.k === 'attr' && e.fn.name === 'join' && e.args.length === 1) {
      const items = this.value(file, e.args[0], env, depth);
      return typeof receiver === 'string' && Array.isArray(items) ? items.join(receiver) : undefined;
    }
    if (this.hook && e.fn.k === 'name' && (e.fn.id === 'hasattr' || e.fn.id === 'getattr') && e.args.length >= 2 && isClass(this.value(file, e.args[0], env, depth)) && this.value(file, e.args[1], env, depth) === '__tablename__') {
      // `hasattr(cls, "__tablename__")`, `getattr(cls, "__tablename__", None)` in an `__init_subclass__`.
      if (e.fn.id === 'hasattr') return this.hook.name !== undefined;
      return this.hook.name ?? (e.args.length === 3 ? this.value(file, e.args[2], env, depth) : undefined);
    }
    if (this.hook && e.fn.k === 'name' && e.fn.id === 'hasattr' && e.args.length === 2 && isClass(this.value(file, e.args[0], env, depth))) {
      // bitcart's `if hasattr(cls, "TABLE_PREFIX"):`, an attribute the project's classes set or not; not one of the
      // names SQLAlchemy's bases give every class.
      const name = this.value(file, e.args[1], env, depth);
      return typeof name === 'string' && !name.startsWith('_') && !BASE_ATTRIBUTES.has(name) ? this.named.hasAttribute?.(name) : undefined;
    }
    const target = this.resolver.resolve(file, e.fn);
    if (target.t === 'ext' && canonicalName(target.q) === 'sa.has_inherited_table' && e.args.length === 1) {
      const arg = this.value(file, e.args[0], env, depth);
      return isClass(arg) && arg.cls === this.named.name ? this.named.hasInheritedTable : undefined;
    }
    if (target.t === 'ext' && target.q === 're.split' && e.args.length >= 2) {
      const pattern = this.str(file, e.args[0], env, depth);
      const subject = this.str(file, e.args[1], env, depth);
      if (pattern === undefined || subject === undefined) return undefined;
      try {
        return subject.split(new RegExp(pythonPattern(pattern)));
      } catch {
        return undefined;
      }
    }
    // `re.sub(p, repl, s)`, or `PATTERN.sub(repl, s)` on a module constant `PATTERN = re.compile(p)`.
    const compiled = e.fn.k === 'attr' && e.fn.name === 'sub' ? this.compiledPattern(file, e.fn.obj) : undefined;
    if ((target.t === 'ext' && target.q === 're.sub' && e.args.length >= 3) || (compiled !== undefined && e.args.length >= 2)) {
      const args = compiled !== undefined ? [undefined, ...e.args] : e.args;
      const pattern = compiled ?? this.str(file, args[0]!, env, depth);
      const replExpr = args[1]!;
      const subject = this.str(file, args[2]!, env, depth);
      if (pattern === undefined || subject === undefined) return undefined;
      try {
        const regex = new RegExp(pythonPattern(pattern), 'g');
        // `lambda m: "_" + m.group(0).lower()`: the function called with each match.
        if (replExpr.k === 'lambda' && replExpr.params.length === 1) {
          let failed = false;
          const out = subject.replace(regex, (...found: unknown[]) => {
            const groups = found.slice(0, found.findIndex((x) => typeof x === 'number')).map((g) => (typeof g === 'string' ? g : ''));
            const v = this.value(file, replExpr.body, new Map([...env, [replExpr.params[0], { match: groups }]]), depth + 1);
            if (typeof v !== 'string') failed = true;
            return typeof v === 'string' ? v : '';
          });
          return failed ? undefined : out;
        }
        const repl = this.str(file, replExpr, env, depth);
        if (repl === undefined) return undefined;
        return subject.replace(regex, repl.replace(/\\(\d)/g, '$$$1').replace(/\\g<(\d+)>/g, '$$$1'));
      } catch {
        return undefined;
      }
    }
    const local = e.fn.k === 'name' ? env.get(e.fn.id) : undefined;
    const fn = local && typeof local === 'object' && 'fn' in local ? local.fn : target.t === 'def' ? { file: target.file, def: target.def } : undefined;
    const inner = fn && this.bind(file, e, fn, undefined, env, depth);
    if (fn && inner) {
      const result = this.run(fn.file, fn.def, inner, depth + 1);
      if (result !== undefined) return result;
    }
    // A helper whose name says what it does (`camel_to_snake(cls.__name__)`), from a library or too clever to follow.
    const calleeName = e.fn.k === 'name' ? e.fn.id : e.fn.k === 'attr' ? e.fn.name : '';
    if (/snake|underscore|decamel|camel_?to|to_?table/i.test(calleeName) && e.args.length >= 1) {
      const arg = this.str(file, e.args[0], env, depth);
      if (arg !== undefined) return snakeCase(arg);
    }
    return undefined;
  }
}

/**
 * Whether a statement, or one inside it, sets an attribute `__tablename__` or returns (or calls
 * `super().__init_subclass__`, where that maps the class).
 */
function mayEndOrName(s: Stmt, mapsAtSuper: boolean): boolean {
  if (s.k === 'return' || (mapsAtSuper && isSuperHookCall(s))) return true;
  if (s.k === 'assign' && s.targets.some((t) => t.k === 'attr' && t.name === '__tablename__')) return true;
  return innerBlocks(s).some((block) => block.some((inner) => mayEndOrName(inner, mapsAtSuper)));
}

/** `super().__init_subclass__(...)` as a statement. */
function isSuperHookCall(s: Stmt): boolean {
  if (s.k !== 'expr' || s.value.k !== 'call' || s.value.fn.k !== 'attr' || s.value.fn.name !== '__init_subclass__') return false;
  const owner = s.value.fn.obj;
  return owner.k === 'call' && owner.fn.k === 'name' && owner.fn.id === 'super';
}

function isClass(v: Val): v is { cls: string } {
  return typeof v === 'object' && v !== null && 'cls' in v;
}

/** A Python regular expression as JavaScript reads it: `\A` and `\Z` anchors, `(?P<name>...)` and `(?P=name)` groups. */
function pythonPattern(pattern: string): string {
  return pattern.replace(/\\A/g, '^').replace(/\\Z/g, '$').replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
}

function truthy(v: Val): boolean {
  return Array.isArray(v) ? v.length > 0 : !!v;
}

function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** CamelCase -> camel_case, keeping acronyms together. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}
