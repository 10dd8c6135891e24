import { innerBlocks, type CompareOp, type Expr, type Stmt } from '../python/syntax';
import type { DefStmt, Locals, Resolver } from '../python/resolve';
import { configureKeywords } from './compareOptions';
import { assignedLocals, boundValue, evalLiteral, evalStringList, isTruthy, type Literal } from '../python/literals';
import type { SchemaChange } from '../diff/diffSchemas';
import { loweredToNote } from '../findings';

/** Kinds of schema object Alembic passes to `include_object` / `include_name` as `type_`. */
export type ObjectType = 'table' | 'column' | 'index' | 'unique_constraint' | 'foreign_key_constraint' | 'check_constraint';

/**
 * Where an object of a change is: only in the models (autogenerate would add it: `reflected` is False and
 * `compare_to` is None), only in the database (it would drop it: `reflected` is True), or on both sides (it would
 * alter it: the model's object with `reflected` False and `compare_to` set).
 */
export type Side = 'models' | 'migrations' | 'both';

/** A test on the object's name: in a list, or starting / ending with one of some strings; `negated` for `not in`. */
export interface NameTest {
  test: 'in' | 'prefix' | 'suffix';
  values: string[];
  negated: boolean;
}

/**
 * What of an object a key test reads: its table's name, its own name, the names of its columns, a table's schema
 * (`object.schema`), or the schema of the table of a column, index or constraint (`object.table.schema`).
 */
export type KeyPart = 'table' | 'name' | 'columns' | 'schema' | 'tableSchema';

/**
 * A test on the object's table and columns, one part or a tuple of them, against literal values: keystone's
 * `(object.table.name, columns) not in BORKED_FK_CONSTRAINTS` with `columns = [c.name for c in object.columns]`.
 */
export interface KeyTest {
  parts: KeyPart[];
  /** `(a, b) in ...`: the parts as a tuple; else the one part alone. */
  tuple: boolean;
  values: Literal[];
  negated: boolean;
}

/**
 * A test on the model object's `info` dict, as the Alembic documentation shows it: `object.info.get("skip_autogenerate",
 * False)` holds when the value (or, missing, the fallback) is truthy; an object found in the database has an empty one.
 */
export interface InfoTest {
  key: string;
  fallback: Literal;
  negated: boolean;
}

/**
 * One exclusion the project's env.py makes: objects of some types (or any), on some sides (or any), whose name passes
 * every test. Read from `if <condition>: return False` and `return <condition>` anywhere in the hook's branches.
 */
export interface ExcludeRule {
  types?: string[];
  sides?: Side[];
  names: NameTest[];
  /** Tests on the object's table and columns, every one of which must pass too. */
  keys?: KeyTest[];
  /** Tests on the object's `info`, every one of which must pass too. */
  infos?: InfoTest[];
  /**
   * The condition was read only in part (`name == "quantity" and isinstance(compare_to.type, sa.Integer)`): it may
   * leave these objects out, which lowers their findings to notes instead of leaving them out.
   */
  uncertain?: true;
  /** Made by env.py's include_name hook (none: include_object). */
  hook?: 'include_name';
}

/** The hook's parameter names; `parentNames` is include_name's dict of the names above the object. */
type Params = { object: string; name: string; type: string; reflected: string; compareTo: string; parentNames: string };

const ALL_TYPES = ['schema', 'table', 'column', 'index', 'unique_constraint', 'foreign_key_constraint', 'check_constraint'];
const ALL_SIDES: Side[] = ['models', 'migrations', 'both'];

/** A condition the reader understands, or `unknown` (a call, an attribute of the object, a setting read at run time). */
type Atom =
  | { k: 'type'; values: string[]; negated: boolean }
  | { k: 'side'; sides: Side[] }
  | { k: 'name'; test: NameTest }
  | { k: 'key'; test: KeyTest }
  | { k: 'info'; test: InfoTest }
  /** `name in target_metadata.tables`: the models have a table of that name (tables only: other types are unknown). */
  | { k: 'modelTable'; negated: boolean }
  | { k: 'unknown' };

type Cond = { k: 'and' | 'or'; xs: Cond[] } | { k: 'not'; x: Cond } | { k: 'atom'; atom: Atom } | { k: 'const'; v: boolean };

/** A condition in disjunctive normal form: any of the conjunctions (an empty list is false, `[[]]` true). */
type Dnf = Atom[][];

const MAX_CONJUNCTIONS = 256;
const UNKNOWN: Cond = { k: 'atom', atom: { k: 'unknown' } };

/**
 * Reads the exclusions an env.py's `include_object` / `include_name` hook makes, the ignore lists projects write for
 * Alembic today: `if type_ == "table" and name in ("a", "b"): return False`, `return name not in IGNORED` (a module
 * constant), `name.startswith("tmp_")`, `name.endswith(("_old", "_bak"))`, conditions joined with `and` / `or` /
 * `not`, and nested branches: `if type_ == "index": if reflected: ... else: ...` (an `else` of a test on `reflected`
 * or `compare_to` is the other side). A condition it cannot read (a call, an attribute of the object, a setting
 * read at run time) excludes nothing, and nothing below it.
 */
export function readIncludeObjectRules({ resolver, file, configOption }: { resolver: Resolver; file: string; configOption?: ConfigOption }): ExcludeRule[] {
  const out: ExcludeRule[] = [];
  const read = (hook: string, def: DefStmt, defFile: string): void => {
    const at = (i: number, fallback: string): string => def.params[i]?.name ?? fallback;
    const params = hook === 'include_object'
      ? { object: at(0, 'object'), name: at(1, 'name'), type: at(2, 'type_'), reflected: at(3, 'reflected'), compareTo: at(4, 'compare_to'), parentNames: '' }
      : { object: '', name: at(0, 'name'), type: at(1, 'type_'), reflected: '', compareTo: '', parentNames: at(2, 'parent_names') };
    // Constants the hook binds itself (keystone's `REMOVED_TABLES = ('token',)` inside include_name).
    const locals = assignedLocals(def.body, defFile);
    const reader = new HookReader(resolver, defFile, params, locals, columnAliases(def.body, params.object), configOption);
    reader.block(def.body, [[]]);
    out.push(...(hook === 'include_name' ? reader.rules.map((r): ExcludeRule => ({ ...r, hook })) : reader.rules));
  };
  const body = resolver.moduleBody(file);
  const done = new Set<DefStmt>();
  // A hook defined but given to no configure() call is not used (one with `**options` may pass it; so may env.py's
  // configure() where none is read).
  const keywords = configureKeywords(body);
  const passed = (hook: string): boolean => keywords.length === 0 || keywords.some((k) => k.name === null || k.name === hook);
  for (const s of body) {
    if (s.k !== 'def' || (s.name !== 'include_object' && s.name !== 'include_name') || !passed(s.name)) continue;
    done.add(s);
    read(s.name, s, file);
  }
  // A hook configure() is given under another name, or imported from another module (fides' database.include_object),
  // or that a factory returns (acoustid's `include_object=include_object(name)`, one hook per database).
  for (const k of keywords) {
    if (k.name !== 'include_object' && k.name !== 'include_name') continue;
    const v = k.value.k === 'call' ? hookMadeBy(resolver, file, k.value) : resolver.resolve(file, k.value);
    if (v?.t !== 'def' || done.has(v.def)) continue;
    done.add(v.def);
    read(k.name, v.def, v.file);
  }
  return out;
}

/**
 * The function a factory of hooks returns: `def include_object(db_name): def inner(obj, ...): ...; return inner`,
 * read with what the factory was given unknown.
 */
function hookMadeBy(resolver: Resolver, file: string, call: Extract<Expr, { k: 'call' }>): { t: 'def'; def: DefStmt; file: string } | undefined {
  const factory = resolver.resolve(file, call.fn);
  if (factory.t !== 'def') return undefined;
  const returned = factory.def.body.find((s): s is Extract<Stmt, { k: 'return' }> => s.k === 'return');
  const name = returned?.value?.k === 'name' ? returned.value.id : undefined;
  const inner = factory.def.body.find((s): s is DefStmt => s.k === 'def' && s.name === name);
  return inner && { t: 'def', def: inner, file: factory.file };
}

class HookReader {
  readonly rules: ExcludeRule[] = [];

  constructor(
    private readonly resolver: Resolver,
    private readonly file: string,
    private readonly params: Params,
    private readonly locals: Locals,
    /** Names the hook binds to its object's column names (`columns = [c.name for c in object.columns]`). */
    private readonly columnNames: Set<string>,
    private readonly configOption: ConfigOption | undefined,
  ) {}

  /** Reads statements reached when `path` holds; a `return` ends the block (what follows is not reached). */
  block(body: Stmt[], path: Dnf): void {
    for (const s of body) {
      if (s.k === 'if') {
        const test = this.expr(s.test);
        const yes = dnf(test, false);
        const no = dnf(test, true);
        this.block(s.body, and(path, yes));
        // After a body that always excludes, the else branch adds the same exclusions with or without `not test`.
        if (s.orelse.length > 0) this.block(s.orelse, alwaysReturnsFalse(s.body) ? path : and(path, no));
        // What follows is reached only where a branch that may include (return True) was not taken.
        const inBody = mayInclude(s.body);
        const inElse = mayInclude(s.orelse);
        if (inBody && inElse) return;
        if (inBody) path = and(path, no);
        else if (inElse) path = and(path, yes);
      } else if (s.k === 'return') {
        // `return <condition>` includes when the condition holds: it excludes when it does not (a bare `return`
        // returns None, which excludes).
        const value = s.value ? this.expr(s.value) : { k: 'const' as const, v: false };
        this.emit(and(path, dnf(value, true)));
        return;
      } else if ((s.k === 'for' || s.k === 'while' || s.k === 'with' || s.k === 'try') && mayInclude([s])) {
        return;
      }
    }
  }

  private emit(conditions: Dnf): void {
    for (const conj of conditions) {
      const rule = toRule(conj);
      if (rule) this.rules.push(rule);
    }
  }

  private expr(e: Expr): Cond {
    switch (e.k) {
      case 'const':
        return typeof e.v === 'boolean' ? { k: 'const', v: e.v } : { k: 'const', v: false };
      case 'boolop':
        return { k: e.op, xs: e.values.map((v) => this.expr(v)) };
      case 'not':
        return { k: 'not', x: this.expr(e.value) };
      case 'name':
        // `if reflected:`
        return e.id === this.params.reflected && !!this.params.reflected ? side(['migrations']) : UNKNOWN;
      case 'compare':
        return e.ops.length === 1 ? this.compare(e.left, e.ops[0], e.comparators[0]) : UNKNOWN;
      case 'call':
        return this.call(e);
      default:
        return UNKNOWN;
    }
  }

  /** One comparison: on the type, on `reflected` / `compare_to`, or on the name. */
  private compare(left: Expr, op: CompareOp, right: Expr): Cond {
    const { type, reflected, compareTo } = this.params;
    const isParam = (x: Expr, param: string): boolean => !!param && x.k === 'name' && x.id === param;
    if (op === '==' || op === '!=') {
      // `type_ == "table"` or `"table" == type_`.
      const [subject, value] = right.k === 'str' ? [left, right.v] : left.k === 'str' ? [right, left.v] : [undefined, undefined];
      if (subject && value !== undefined && isParam(subject, type)) return atom({ k: 'type', values: [value], negated: op === '!=' });
      if (subject && value !== undefined && this.isName(subject)) return atom({ k: 'name', test: { test: 'in', values: [value], negated: op === '!=' } });
      const part = subject && value !== undefined ? this.keyPart(subject) : undefined;
      if (part) return atom({ k: 'key', test: { parts: [part], tuple: false, values: [value!], negated: op === '!=' } });
    }
    if ((op === 'in' || op === 'not in') && this.isName(left) && right.k === 'attr' && right.name === 'tables') {
      // `name not in target_metadata.tables`: a table only the database has.
      return atom({ k: 'modelTable', negated: op === 'not in' });
    }
    const parts = op === 'in' || op === 'not in' ? this.keyParts(left) : undefined;
    if (parts) {
      const values = right.k === 'list' || right.k === 'tuple' || right.k === 'set' || right.k === 'name' || right.k === 'attr' ? evalLiteral(this.resolver, this.file, right, this.locals) : undefined;
      return Array.isArray(values) && values.length > 0 ? atom({ k: 'key', test: { parts, tuple: left.k === 'tuple', values, negated: op === 'not in' } }) : UNKNOWN;
    }
    if (op === 'in' || op === 'not in') {
      const values = isParam(left, type) || this.isName(left) ? this.list(right) : undefined;
      if (!values) return UNKNOWN;
      const negated = op === 'not in';
      return isParam(left, type) ? atom({ k: 'type', values, negated }) : atom({ k: 'name', test: { test: 'in', values, negated } });
    }
    if (reflected && isParam(left, reflected) && (op === 'is' || op === '==') && right.k === 'const' && right.v !== null) {
      // `reflected is True` (found in the database) / `reflected == False` (in the models).
      return side(right.v ? ['migrations'] : ['models', 'both']);
    }
    if (reflected && isParam(left, compareTo) && (op === 'is' || op === 'is not') && right.k === 'const' && right.v === null) {
      // `compare_to is None`: on one side only; `is not None`: on both.
      return side(op === 'is' ? ['models', 'migrations'] : ['both']);
    }
    return UNKNOWN;
  }

  /** `name.startswith("x")` / `name.endswith(("a", "b"))`, or `object.info.get("key", fallback)`. */
  private call(e: Extract<Expr, { k: 'call' }>): Cond {
    const fn = e.fn;
    if (fn.k === 'attr' && fn.name === 'get' && this.isInfo(fn.obj) && e.kw.length === 0 && (e.args.length === 1 || e.args.length === 2)) {
      const key = evalLiteral(this.resolver, this.file, e.args[0], this.locals);
      const fallback = e.args[1] ? evalLiteral(this.resolver, this.file, e.args[1], this.locals) : null;
      return typeof key === 'string' && fallback !== undefined ? atom({ k: 'info', test: { key, fallback, negated: false } }) : UNKNOWN;
    }
    if (fn.k !== 'attr' || !this.isName(fn.obj) || e.args.length !== 1 || e.kw.length > 0) return UNKNOWN;
    const test = fn.name === 'startswith' ? 'prefix' : fn.name === 'endswith' ? 'suffix' : undefined;
    const values = test ? this.list(e.args[0]) : undefined;
    return test && values ? atom({ k: 'name', test: { test, values, negated: false } }) : UNKNOWN;
  }

  /**
   * The parts a key test reads: `object.table.name`, the column names (a comprehension over `object.columns` or a name
   * bound to one), or a tuple of those with the name; undefined for the name alone (a name test) or anything else.
   */
  private keyParts(e: Expr): KeyPart[] | undefined {
    if (e.k !== 'tuple') {
      const part = this.keyPart(e);
      return part ? [part] : undefined;
    }
    const parts = e.items.map((x) => (this.isName(x) ? 'name' : this.keyPart(x)));
    return parts.length > 0 && parts.every((p) => p !== undefined) ? (parts as KeyPart[]) : undefined;
  }

  private keyPart(e: Expr): Exclude<KeyPart, 'name'> | undefined {
    // include_name's `parent_names["table_name"]` (nova's `(parent_names["table_name"], name) not in REMOVED_COLUMNS`).
    const parents = this.params.parentNames;
    const key = e.k === 'subscript' && e.index.length === 1 ? e.index[0] : e.k === 'call' && e.fn.k === 'attr' && e.fn.name === 'get' && e.args.length === 1 ? e.args[0] : undefined;
    const holder = e.k === 'subscript' ? e.obj : e.k === 'call' && e.fn.k === 'attr' ? e.fn.obj : undefined;
    if (parents && key?.k === 'str' && key.v === 'table_name' && holder?.k === 'name' && holder.id === parents) return 'table';
    const object = this.params.object;
    if (!object) return undefined;
    const isObject = (x: Expr): boolean => x.k === 'name' && x.id === object;
    const isObjectTable = (x: Expr): boolean => x.k === 'attr' && x.name === 'table' && isObject(x.obj);
    if (e.k === 'attr' && e.name === 'name' && isObjectTable(e.obj)) return 'table';
    // acoustid's `obj.schema == "musicbrainz"` of a table, `obj.table.schema` of a column.
    if (e.k === 'attr' && e.name === 'schema') return isObject(e.obj) ? 'schema' : isObjectTable(e.obj) ? 'tableSchema' : undefined;
    if ((e.k === 'name' && this.columnNames.has(e.id)) || isColumnNames(e, object)) return 'columns';
    return undefined;
  }

  /** `object.info`, the hook's object's info dict. */
  private isInfo(e: Expr): boolean {
    return !!this.params.object && e.k === 'attr' && e.name === 'info' && e.obj.k === 'name' && e.obj.id === this.params.object;
  }

  private isName(e: Expr): boolean {
    return (e.k === 'name' && e.id === this.params.name) || (e.k === 'attr' && e.name === 'name' && e.obj.k === 'name' && e.obj.id === this.params.object && !!this.params.object);
  }

  /**
   * The strings a condition tests against: a string, a literal list, tuple or set of strings (not an empty one), or
   * a module constant holding them.
   */
  private list(e: Expr): string[] | undefined {
    if ((e.k === 'list' || e.k === 'tuple' || e.k === 'set') && e.items.length === 0) return undefined;
    return evalStringList(this.resolver, this.file, e, this.locals) ?? (this.configOption && configList(this.resolver, this.file, e, this.locals, this.configOption));
  }
}

/**
 * A value of the environment's config file: `(section, key)`, the section undefined for the environment's own
 * (`get_main_option`); undefined when the file or the key is not there.
 */
export type ConfigOption = (section: string | undefined, key: string) => string | undefined;

/**
 * A list env.py splits out of its config file, as Alembic's cookbook excludes tables: `exclude_tables =
 * config.get_section('alembic:exclude').get('tables', '').split(',')` (also `get_section_option`, `get_main_option`,
 * `[key]`), `config` being `context.config`. Split as Python splits.
 */
function configList(resolver: Resolver, file: string, e: Expr, locals: Locals, option: ConfigOption): string[] | undefined {
  const bound = (e.k === 'name' ? boundValue(resolver, file, e, locals) : undefined) ?? { e, file };
  const split = bound.e;
  if (split.k !== 'call' || split.fn.k !== 'attr' || split.fn.name !== 'split' || split.args.length > 1 || split.kw.length > 0) return undefined;
  const sep = split.args.length === 1 ? (split.args[0].k === 'str' ? split.args[0].v : undefined) : null;
  const text = configString(resolver, bound.file, split.fn.obj, option);
  if (text === undefined || sep === undefined || sep === '') return undefined;
  return sep === null ? text.split(/\s+/).filter(Boolean) : text.split(sep);
}

/** The text of `config.get_section(S).get(K, D)`, `config.get_section(S)[K]`, `config.get_section_option(S, K, D)` or `config.get_main_option(K, D)`. */
function configString(resolver: Resolver, file: string, e: Expr, option: ConfigOption): string | undefined {
  const str = (x: Expr | undefined): string | undefined => (x?.k === 'str' ? x.v : undefined);
  const isConfig = (x: Expr): boolean => {
    const v = resolver.resolve(file, x);
    return v.t === 'ext' && v.q === 'alembic.context.config';
  };
  const section = (x: Expr): string | undefined => (x.k === 'call' && x.fn.k === 'attr' && x.fn.name === 'get_section' && isConfig(x.fn.obj) ? str(x.args[0]) : undefined);
  if (e.k === 'subscript' && e.index.length === 1) {
    const s = section(e.obj);
    const key = str(e.index[0]);
    return s !== undefined && key !== undefined ? option(s, key) : undefined;
  }
  if (e.k !== 'call' || e.fn.k !== 'attr' || e.kw.length > 0) return undefined;
  const [a, b, c] = e.args;
  const fallback = (x: Expr | undefined, value: string | undefined): string | undefined => value ?? (x ? str(x) : undefined);
  if (e.fn.name === 'get') {
    const s = section(e.fn.obj);
    const key = str(a);
    return s !== undefined && key !== undefined ? fallback(b, option(s, key)) : undefined;
  }
  if (!isConfig(e.fn.obj)) return undefined;
  if (e.fn.name === 'get_section_option' && str(a) !== undefined && str(b) !== undefined) return fallback(c, option(str(a), str(b)!));
  if (e.fn.name === 'get_main_option' && str(a) !== undefined) return fallback(b, option(undefined, str(a)!));
  return undefined;
}

/** `[c.name for c in object.columns]`. */
function isColumnNames(e: Expr, object: string): boolean {
  return e.k === 'comp' && e.conds.length === 0 && e.target.k === 'name' && e.elt.k === 'attr' && e.elt.name === 'name' && e.elt.obj.k === 'name' && e.elt.obj.id === e.target.id && e.iter.k === 'attr' && e.iter.name === 'columns' && e.iter.obj.k === 'name' && e.iter.obj.id === object;
}

/** The names a hook binds, anywhere in its body, to its object's column names. */
function columnAliases(body: Stmt[], object: string): Set<string> {
  const out = new Set<string>();
  const walk = (stmts: Stmt[]): void => {
    for (const s of stmts) {
      if (s.k === 'assign' && s.value && s.targets.length === 1 && s.targets[0].k === 'name' && object && isColumnNames(s.value, object)) out.add(s.targets[0].id);
      innerBlocks(s).forEach(walk);
    }
  };
  walk(body);
  return out;
}

function atom(a: Atom): Cond {
  return { k: 'atom', atom: a };
}

function side(sides: Side[]): Cond {
  return atom({ k: 'side', sides });
}

/** Whether a return in these statements (or nested ones) may return something other than False or None. */
function mayInclude(body: Stmt[]): boolean {
  return body.some((s) => (s.k === 'return' ? !!s.value && !(s.value.k === 'const' && s.value.v !== true) : innerBlocks(s).some(mayInclude)));
}

/** Whether a block's first statement that can leave it is `return False` (nothing before it returns). */
function alwaysReturnsFalse(body: Stmt[]): boolean {
  for (const s of body) {
    if (s.k === 'return') return !s.value || (s.value.k === 'const' && s.value.v !== true);
    if (s.k === 'if' || s.k === 'for' || s.k === 'while' || s.k === 'with' || s.k === 'try') return false;
  }
  return false;
}

/** The condition (or its negation) in disjunctive normal form; too many conjunctions become unknown. */
function dnf(c: Cond, negated: boolean): Dnf {
  let out: Dnf;
  switch (c.k) {
    case 'const':
      return c.v !== negated ? [[]] : [];
    case 'not':
      return dnf(c.x, !negated);
    case 'atom':
      return [[negated ? negate(c.atom) : c.atom]];
    case 'and':
    case 'or':
      // De Morgan: a negated `and` is an `or` of the negated parts.
      out = (c.k === 'and') !== negated ? c.xs.reduce<Dnf>((acc, x) => and(acc, dnf(x, negated)), [[]]) : c.xs.flatMap((x) => dnf(x, negated));
      return out.length > MAX_CONJUNCTIONS ? [[{ k: 'unknown' }]] : out;
  }
}

function and(a: Dnf, b: Dnf): Dnf {
  const out: Dnf = [];
  for (const x of a) for (const y of b) out.push([...x, ...y]);
  return out.length > MAX_CONJUNCTIONS ? [[{ k: 'unknown' }]] : out;
}

function negate(a: Atom): Atom {
  switch (a.k) {
    case 'type':
      return { ...a, negated: !a.negated };
    case 'side':
      return { k: 'side', sides: ALL_SIDES.filter((s) => !a.sides.includes(s)) };
    case 'name':
      return { k: 'name', test: { ...a.test, negated: !a.test.negated } };
    case 'key':
      return { k: 'key', test: { ...a.test, negated: !a.test.negated } };
    case 'info':
      return { k: 'info', test: { ...a.test, negated: !a.test.negated } };
    case 'modelTable':
      return { k: 'modelTable', negated: !a.negated };
    case 'unknown':
      return a;
  }
}

/**
 * The rule a conjunction of conditions makes, unless it says nothing or is never true; one that holds something
 * unknown makes an uncertain rule when it still names the objects (a name test), else none.
 */
function toRule(conj: Atom[]): ExcludeRule | undefined {
  if (conj.length === 0) return undefined;
  const uncertain = conj.some((a) => a.k === 'unknown');
  if (uncertain && !conj.some((a) => (a.k === 'name' || a.k === 'key') && !a.test.negated)) return undefined;
  let types = ALL_TYPES;
  let sides = ALL_SIDES;
  const names: NameTest[] = [];
  const keys: KeyTest[] = [];
  const infos: InfoTest[] = [];
  for (const a of conj) {
    if (a.k === 'type') types = types.filter((t) => a.values.includes(t) !== a.negated);
    else if (a.k === 'side') sides = sides.filter((s) => a.sides.includes(s));
    else if (a.k === 'name') names.push(a.test);
    else if (a.k === 'key') keys.push(a.test);
    else if (a.k === 'info') infos.push(a.test);
  }
  for (const a of conj) {
    if (a.k !== 'modelTable') continue;
    // A table the models lack is one only the migrations have; one they have is on the models' side or on both.
    if (types.some((t) => t !== 'table')) return undefined;
    sides = sides.filter((s) => (s === 'migrations') === a.negated);
  }
  if (types.length === 0 || sides.length === 0) return undefined;
  return {
    ...(types.length < ALL_TYPES.length ? { types } : {}),
    ...(sides.length < ALL_SIDES.length ? { sides } : {}),
    names,
    ...(keys.length > 0 ? { keys } : {}),
    ...(infos.length > 0 ? { infos } : {}),
    ...(uncertain ? { uncertain: true as const } : {}),
  };
}

function passes(test: NameTest, name: string): boolean {
  const hit = test.test === 'in' ? test.values.includes(name) : test.test === 'prefix' ? test.values.some((v) => name.startsWith(v)) : test.values.some((v) => name.endsWith(v));
  return hit !== test.negated;
}

/** Whether an object's parts pass a key test; never when a part is not known (the rule is then not applied). */
function passesKey(test: KeyTest, object: ExcludedObject): boolean {
  const actual: Literal[] = [];
  for (const part of test.parts) {
    const v = part === 'table' ? object.table : part === 'name' ? object.name : part === 'columns' ? object.columns : part === 'schema' ? object.schema : object.tableSchema;
    if (v === undefined) return false;
    actual.push(v);
  }
  const key = JSON.stringify(test.tuple ? actual : actual[0]);
  return test.values.some((v) => JSON.stringify(v) === key) !== test.negated;
}

/** Whether an object's `info` passes a test: a missing key reads as the fallback. */
function passesInfo(test: InfoTest, object: ExcludedObject): boolean {
  const info = object.info ?? {};
  return isTruthy(Object.prototype.hasOwnProperty.call(info, test.key) ? info[test.key] : test.fallback) !== test.negated;
}

/**
 * An object as include_object sees it: its type, name, the name of its table, the names of its columns, and the
 * `info` of the model's object (none for one found only in the database).
 */
interface ExcludedObject {
  type: ObjectType;
  name: string | undefined;
  side?: 'migrations' | 'models';
  table?: string;
  columns?: string[];
  info?: Record<string, Literal>;
  /** A table's schema (null: the default one); only a table has one of its own. */
  schema?: string | null;
  /** The schema of the table of a column, index or constraint (null: the default one). */
  tableSchema?: string | null;
}

/**
 * Whether a rule excludes an object of this type and name, found only in the models, only in the migrations, or on
 * both sides (`side` undefined: a mismatch).
 */
export function isExcluded(rules: ExcludeRule[], object: ExcludedObject): boolean {
  const name = object.name;
  const side: Side = object.side ?? 'both';
  // An object without a name (an unnamed foreign key) passes only a rule that tests no name: `type_ == "foreign_key_constraint"`.
  return rules.some((r) => !r.uncertain && (!r.types || r.types.includes(object.type)) && (!r.sides || r.sides.includes(side)) && (name === undefined ? r.names.length === 0 : r.names.every((t) => passes(t, name))) && (r.keys ?? []).every((t) => passesKey(t, object)) && (r.infos ?? []).every((t) => passesInfo(t, object)));
}

/**
 * The changes env.py's include_object leaves in: those it surely leaves out are gone, and the warnings of those a
 * condition read only in part may leave out are lowered to notes that say so.
 */
export function applyIncludeObjectRules(changes: SchemaChange[], rules: ExcludeRule[]): SchemaChange[] {
  if (rules.length === 0) return changes;
  const certain = rules.filter((r) => !r.uncertain);
  const uncertain = rules.filter((r) => r.uncertain).map(({ uncertain: _, ...rule }): ExcludeRule => rule);
  return changes
    .filter((c) => !changeExcluded(certain, c))
    .map((c) => {
      const f = c.finding;
      if (f.severity !== 'warning' && f.severity !== 'error') return c;
      // The hook that may leave it out, as env.py names it.
      const hooks = new Set(uncertain.filter((r) => changeExcluded([r], c)).map((r) => r.hook ?? 'include_object'));
      if (hooks.size === 0) return c;
      return { ...c, finding: loweredToNote(f, `env.py's ${[...hooks].sort().join(' or ')} may leave it out (a condition that could be read only in part).`) };
    });
}

/**
 * Whether the env.py's include_object hook leaves a change out, as it would leave it out of autogenerate. The
 * table is tested as Alembic tests it: on one side for a table added or dropped, on both sides for a change inside a
 * table both have (a rule for tables only in the database leaves their columns and indexes alone).
 */
function changeExcluded(rules: ExcludeRule[], c: SchemaChange): boolean {
  const table = 'model' in c ? c.model : c.migration;
  const side = c.kind.startsWith('add-') ? 'models' : c.kind.startsWith('drop-') ? 'migrations' : undefined;
  const wholeTable = c.kind === 'add-table' || c.kind === 'drop-table';
  // Alembic passes the model's object where there is one; one only in the database has an empty info.
  const schema = table.schema ?? null;
  if (isExcluded(rules, { type: 'table', name: table.name, side: wholeTable ? side : undefined, info: 'model' in c ? c.model.info : undefined, schema })) return true;
  const of: Pick<ExcludedObject, 'side' | 'table' | 'tableSchema'> = { side, table: table.name, tableSchema: schema };
  switch (c.kind) {
    case 'add-column':
    case 'drop-column':
    case 'alter-column':
      return isExcluded(rules, { type: 'column', name: c.column.name, ...of, info: c.kind === 'drop-column' ? undefined : c.column.info });
    case 'add-index':
    case 'drop-index':
      return isExcluded(rules, { type: 'index', name: c.index.name, ...of, columns: c.index.columns });
    case 'add-unique':
    case 'drop-unique':
      return isExcluded(rules, { type: 'unique_constraint', name: c.unique.name, ...of, columns: c.unique.columns });
    case 'add-foreign-key':
    case 'drop-foreign-key':
      return isExcluded(rules, { type: 'foreign_key_constraint', name: c.foreignKey.name, ...of, columns: c.foreignKey.columns });
    case 'add-check':
    case 'drop-check':
      return isExcluded(rules, { type: 'check_constraint', name: c.check.name, ...of });
    default:
      return false;
  }
}
