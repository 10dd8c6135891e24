import type { Expr, Span } from '../python/syntax';
import { keywordArg, returnedValue } from '../python/syntax';
import { canonicalName, exprText, type ClassStmt } from '../python/resolve';
import { evalDict, evalLiteral, evalString, evalStringList, helperArguments, methodArguments, spreadArguments, type Literal } from '../python/literals';
import type { ColumnAttribute, IdentitySpec, IndexOption, ServerDefault, SqlType } from './schema';
import { evalServerDefault, evalType, type EvalContext } from './types';

/** Where a ForeignKey points: a "table.column" string, or a model class attribute (`User.id`). */
export type ForeignKeyTarget =
  | { kind: 'text'; text: string }
  | { kind: 'member'; file: string; cls: ClassStmt; attr: string };

export interface ForeignKeySpec {
  target: ForeignKeyTarget;
  name?: string;
  ondelete?: string;
  onupdate?: string;
  /** `use_alter=True`: left out of CREATE TABLE on databases that have ALTER. */
  useAlter?: true;
}

/** What a mapped class may declare besides its columns that adds nothing to its table (`relationship(...)`). */
export const MAPPED_NOT_IN_TABLE: ReadonlySet<string> = new Set(['sa.relationship', 'sa.relation', 'sa.backref', 'sa.synonym', 'sa.association_proxy', 'sa.hybrid_property', 'sqlmodel.Relationship', 'sa.query_expression', 'sa.dynamic_loader']);

/** What a `Column(...)`, `mapped_column(...)` or SQLModel `Field(...)` call says, before table-level rules apply. */
export interface ColumnSpec {
  name?: string;
  type?: SqlType;
  /** Explicit `nullable=`, if given. */
  nullable?: boolean;
  primaryKey: boolean;
  serverDefault?: ServerDefault;
  index?: boolean;
  unique?: boolean;
  foreignKeys: ForeignKeySpec[];
  /** Computed / Identity columns and the like. */
  generated?: boolean;
  /**
   * A Python-side `default=`, `insert_default=` or `default_factory=` (not schema; but a migration's server default
   * often mirrors it for existing rows).
   */
  pythonDefault?: boolean;
  /** A `Sequence(...)` gives its values (on PostgreSQL, a `nextval(...)` server default). */
  sequence?: boolean;
  /** A `ForeignKey(...)` whose target cannot be evaluated (`ForeignKey(column.replace("_", "."))`). */
  unreadForeignKey?: boolean;
  /** Where the argument that gave the type stands (a positional type, `type_=`, SQLModel's `sa_type=`). */
  typeSpan?: Span;
  /**
   * A positional argument stands where the type goes but could not be read as one (fief's `UrlString(Text)`, a
   * project function that makes a TypeDecorator class): the type is unknown, and an annotation does not stand in.
   */
  typeUnread?: true;
  /** `CheckConstraint(...)` given in the column's arguments: a CHECK constraint of its table. */
  checks?: CheckSpec[];
  /** `Identity(...)` given in the column's arguments. */
  identity?: IdentitySpec;
  /** `info={...}`, for env.py's include_object. */
  info?: Record<string, Literal>;
  /** Migration side: what the arms of an undecided dialect test give differently (see `mergeAlternativeArms`). */
  undecided?: ColumnAttribute[];
  /** Migration side, with the type undecided: the type each arm gives. */
  typeAlternatives?: SqlType[];
  /** Migration side: `index=True` in one arm of an undecided dialect test and not the other (Kotti leaves it out on MySQL). */
  indexUndecided?: true;
}

/**
 * Where a model column written in place (not through a helper, a partial, a mixin or an `Annotated` alias) stands in
 * its file, and which of its attributes an edit of that text can change: what "Update the model to match the
 * migrations" needs. `other` means the attribute comes from somewhere an edit here cannot safely change.
 */
export interface ColumnSource {
  /** The whole statement (`x: Mapped[int] = mapped_column()`), or the `Column(...)` of a Core table. */
  statement: Span;
  /** The declaring call; absent for a bare `x: Mapped[int]`. */
  call?: { kind: string; span: Span; args: Array<{ keyword?: string | null; value: Span }> };
  /** The Python type inside `Mapped[...]` (or of a SQLModel field), and in `Optional[T]` / `T | None` the T. */
  annotation?: { span: Span; optional: boolean; inner?: Span };
  /** A bare annotation (`x: Mapped[int]`): `= mapped_column(...)` may be appended to the statement. */
  assignable?: boolean;
  type: 'argument' | 'annotation' | 'other';
  /** With `type: 'argument'`: the argument that gives the type. */
  typeSpan?: Span;
  nullable: 'keyword' | 'annotation' | 'default' | 'other';
  serverDefault: 'keyword' | 'none' | 'other';
}

/** The canonical names of the calls that declare a column. */
export const COLUMN_CALLS = new Set(['sa.Column', 'sa.mapped_column', 'sqlmodel.Field']);

type Call = Extract<Expr, { k: 'call' }>;

/** A column declaration found through wrappers, with the context its arguments must be read in. */
export interface ColumnDeclaration {
  kind: string;
  call: Call;
  ctx: EvalContext;
  /** The call is written in place (not a partial's merged call, not a helper's body). */
  direct?: boolean;
}

/**
 * The column declaration an expression makes, seen through wrappers: `Column(...)`, `mapped_column(...)`, SQLModel
 * `Field(...)`, `deferred(Column(...))`, `column_property(Column(...), ...)`, calls of a project alias such as
 * `Column = functools.partial(db.Column, nullable=False)` (its arguments merged in), and project helpers that
 * `return Column(...)` (read with their parameters bound). Undefined for anything else.
 */
export function columnDeclaration(ctx: EvalContext, e: Expr | undefined, depth = 0): ColumnDeclaration | undefined {
  if (e?.k === 'attr' && depth <= 4) {
    // A mixin's column bound again in the mapped class (zou's `id = BaseMixin.id`): SQLAlchemy maps that column.
    const member = ctx.resolver.resolve(ctx.file, e, ctx.locals);
    if (member.t !== 'member') return undefined;
    const bound = ctx.resolver.classAttribute(member.owner, member.name);
    return bound && columnDeclaration({ resolver: ctx.resolver, file: bound.file }, bound.found, depth + 1);
  }
  // A helper's local (`col = Column(...); col.info = ...; return col`).
  const local = e?.k === 'name' && depth <= 4 ? ctx.locals?.get(e.id) : undefined;
  if (local?.t === 'expr') return columnDeclaration({ ...ctx, file: local.file }, local.e, depth + 1);
  if (e?.k !== 'call' || depth > 4) return undefined;
  // SQLAlchemy's recipe for a column several single-table subclasses share: `Base.__table__.c.get("x", Column(...))`.
  if (e.fn.k === 'attr' && e.fn.name === 'get' && e.args.length === 2 && e.fn.obj.k === 'attr' && e.fn.obj.name === 'c' && e.fn.obj.obj.k === 'attr' && e.fn.obj.obj.name === '__table__') {
    return columnDeclaration(ctx, e.args[1], depth + 1);
  }
  const callee = calleeName(ctx, e);
  if (callee && COLUMN_CALLS.has(callee)) return { kind: callee, call: e, ctx, direct: depth === 0 || !ctx.locals };
  if ((callee === 'sa.deferred' || callee === 'sa.column_property') && e.args[0]) return columnDeclaration(ctx, e.args[0], depth + 1);
  // `cast(dict[str, Any], Column(JSONB))` only tells the type checker what the column holds (fides).
  if (callee === 'typing.cast' && e.args.length === 2) return columnDeclaration(ctx, e.args[1], depth + 1);
  const target = ctx.resolver.resolve(ctx.file, e.fn, ctx.locals);
  if (target.t === 'expr' && target.e.k === 'call' && target.e.args[0]) {
    const partial = ctx.resolver.resolve(target.file, target.e.fn);
    if (partial.t === 'ext' && partial.q === 'functools.partial') {
      const inner = calleeName({ resolver: ctx.resolver, file: target.file }, { ...target.e, fn: target.e.args[0] });
      if (inner && COLUMN_CALLS.has(inner)) {
        const own = new Set(e.kw.map((k) => k.name));
        // NOTE: the merged call mixes expressions of two files; the partial's keywords are literals in practice.
        return { kind: inner, call: { ...e, fn: target.e.args[0], args: [...target.e.args.slice(1), ...e.args], kw: [...target.e.kw.filter((k) => !own.has(k.name)), ...e.kw] }, ctx };
      }
    }
  }
  if (target.t === 'def') {
    const returned = returnedValue(target.def);
    if (!returned) return undefined;
    return columnDeclaration({ resolver: ctx.resolver, file: target.file, locals: helperArguments(ctx, target.def, target.file, e) }, returned, depth + 1);
  }
  if (target.t === 'member') {
    // A class's helper method (`cls._user_column()` in a declared_attr): a classmethod's first parameter is the class.
    const method = ctx.resolver.methodOf(target.owner, target.name);
    const returned = method && returnedValue(method.def);
    if (!method || !returned) return undefined;
    return columnDeclaration({ resolver: ctx.resolver, file: method.file, locals: methodArguments(ctx, method, target.owner, e) }, returned, depth + 1);
  }
  return undefined;
}

/** The canonical callee name of a call expression, if it is something imported. */
export function calleeName(ctx: EvalContext, call: Extract<Expr, { k: 'call' }>): string | undefined {
  const v = ctx.resolver.resolve(ctx.file, call.fn, ctx.locals);
  return v.t === 'ext' ? canonicalName(v.q) : undefined;
}

function bool(ctx: EvalContext, e: Expr | undefined): boolean | undefined {
  if (!e) return undefined;
  const v = evalLiteral(ctx.resolver, ctx.file, e, ctx.locals);
  return typeof v === 'boolean' ? v : undefined;
}

/** The call a function's local names (`fk = ForeignKey(...)` before `return Column(Integer, fk)`), in its own file. */
function localCall(ctx: EvalContext, e: Expr): Extract<Expr, { k: 'call' }> | undefined {
  const bound = e.k === 'name' ? ctx.locals?.get(e.id) : undefined;
  return bound?.t === 'expr' && bound.file === ctx.file && bound.e.k === 'call' ? bound.e : undefined;
}

/**
 * `cluster.c.id` (or `.columns.id`) of a Core table `cluster = sa.Table("cluster", metadata, ...)` (senlin's, loaded
 * with autoload_with): "cluster.id", or "schema.cluster.id"; undefined for anything else.
 */
function coreColumnRef(ctx: EvalContext, e: Expr): string | undefined {
  if (e.k !== 'attr' || e.obj.k !== 'attr' || (e.obj.name !== 'c' && e.obj.name !== 'columns')) return undefined;
  const held = ctx.resolver.resolve(ctx.file, e.obj.obj, ctx.locals);
  if (held.t !== 'expr' || held.e.k !== 'call' || ctx.resolver.externalName(held.file, held.e.fn) !== 'sa.Table') return undefined;
  const table = evalString(ctx.resolver, held.file, held.e.args[0]);
  const schema = evalString(ctx.resolver, held.file, keywordArg(held.e, 'schema'));
  return table === undefined ? undefined : `${schema ? `${schema}.` : ''}${table}.${e.name}`;
}

/** Reads a `ForeignKey(...)` call. */
export function evalForeignKey(ctx: EvalContext, call: Extract<Expr, { k: 'call' }>): ForeignKeySpec | undefined {
  const first = call.args[0] ?? keywordArg(call, 'column');
  if (!first) return undefined;
  const fk: Omit<ForeignKeySpec, 'target'> = {
    name: evalString(ctx.resolver, ctx.file, keywordArg(call, 'name'), ctx.locals),
    ondelete: evalString(ctx.resolver, ctx.file, keywordArg(call, 'ondelete'), ctx.locals),
    onupdate: evalString(ctx.resolver, ctx.file, keywordArg(call, 'onupdate'), ctx.locals),
    ...(bool(ctx, keywordArg(call, 'use_alter')) ? { useAlter: true as const } : {}),
  };
  const text = evalString(ctx.resolver, ctx.file, first, ctx.locals) ?? coreColumnRef(ctx, first);
  if (text !== undefined) return { ...fk, target: { kind: 'text', text } };
  const v = ctx.resolver.resolve(ctx.file, first, ctx.locals);
  if (v.t === 'member') return { ...fk, target: { kind: 'member', file: v.owner.file, cls: v.owner.cls, attr: v.name } };
  return undefined;
}

/** Reads a column declaration call; `kind` tells which of the three forms it is. */
export function evalColumnCall(ctx: EvalContext, written: Extract<Expr, { k: 'call' }>, kind: string): ColumnSpec {
  const call = spreadArguments(written, ctx.locals);
  const spec: ColumnSpec = { primaryKey: false, foreignKeys: [] };
  if (kind === 'sqlmodel.Field') return evalSqlModelField(ctx, call, spec);
  for (const written of call.args) {
    if (written.k === 'str' || (spec.name === undefined && spec.type === undefined && written.k !== 'call' && typeof evalLiteral(ctx.resolver, ctx.file, written, ctx.locals) === 'string')) {
      if (spec.name === undefined) spec.name = evalString(ctx.resolver, ctx.file, written, ctx.locals);
      continue;
    }
    const a = localCall(ctx, written) ?? written;
    if (a.k === 'call') {
      const callee = calleeName(ctx, a);
      if (callee === 'sa.ForeignKey') {
        const fk = evalForeignKey(ctx, a);
        if (fk) spec.foreignKeys.push(fk);
        else spec.unreadForeignKey = true;
        continue;
      }
      if (callee === 'sa.Computed') {
        spec.generated = true;
        continue;
      }
      if (callee === 'sa.Identity') {
        spec.identity = readIdentity(ctx, a);
        continue;
      }
      if (callee === 'sa.DefaultClause') {
        // `Column(Type, DefaultClause(func.now()))` is a server default given positionally.
        if (a.args[0]) spec.serverDefault = evalServerDefault(ctx, a.args[0]);
        continue;
      }
      if (callee === 'sa.CheckConstraint') {
        const check = evalConstraintCall(ctx, a);
        if (check?.kind === 'check') (spec.checks ??= []).push(check);
        continue;
      }
      if (callee === 'sa.Sequence') {
        spec.sequence = true;
        continue;
      }
      if (callee === 'sa.FetchedValue') continue;
    }
    if (!spec.type) {
      spec.type = evalType(ctx, written);
      if (spec.type) {
        spec.typeSpan = written.s;
        delete spec.typeUnread;
      } else if (written.k === 'call') {
        // A call where the type goes (`UrlString(Text)`); a name it cannot read may be the column's name from a
        // setting, and a type may still follow it.
        spec.typeUnread = true;
      }
    }
  }
  const typeKw = keywordArg(call, 'type_');
  if (typeKw) {
    spec.type = evalType(ctx, typeKw);
    spec.typeSpan = typeKw.s;
    if (spec.type) delete spec.typeUnread;
  }
  const nameKw = keywordArg(call, 'name');
  if (nameKw) spec.name = evalString(ctx.resolver, ctx.file, nameKw, ctx.locals) ?? spec.name;
  spec.primaryKey = bool(ctx, keywordArg(call, 'primary_key')) ?? false;
  spec.nullable = bool(ctx, keywordArg(call, 'nullable'));
  spec.index = bool(ctx, keywordArg(call, 'index'));
  spec.unique = bool(ctx, keywordArg(call, 'unique'));
  const sd = keywordArg(call, 'server_default');
  if (sd) spec.serverDefault = evalServerDefault(ctx, sd);
  // `mapped_column(insert_default=...)` and a dataclass mapping's `default_factory=` are Python-side defaults too.
  spec.pythonDefault = ['default', 'insert_default', 'default_factory'].some((name) => {
    const given = keywordArg(call, name);
    return !!given && !(given.k === 'const' && given.v === null);
  });
  const info = evalDict(ctx.resolver, ctx.file, keywordArg(call, 'info'), ctx.locals);
  if (info) spec.info = info;
  return spec;
}

function evalSqlModelField(ctx: EvalContext, call: Extract<Expr, { k: 'call' }>, spec: ColumnSpec): ColumnSpec {
  spec.primaryKey = bool(ctx, keywordArg(call, 'primary_key')) ?? false;
  spec.nullable = bool(ctx, keywordArg(call, 'nullable'));
  spec.index = bool(ctx, keywordArg(call, 'index'));
  spec.unique = bool(ctx, keywordArg(call, 'unique'));
  const fk = evalString(ctx.resolver, ctx.file, keywordArg(call, 'foreign_key'), ctx.locals);
  if (fk) spec.foreignKeys.push({ target: { kind: 'text', text: fk }, ondelete: evalString(ctx.resolver, ctx.file, keywordArg(call, 'ondelete'), ctx.locals) });
  const saType = keywordArg(call, 'sa_type');
  if (saType) {
    spec.type = evalType(ctx, saType);
    spec.typeSpan = saType.s;
  }
  // SQLModel passes sa_column_kwargs to Column(...) last: they win over the Field's own.
  const kwargs = keywordArg(call, 'sa_column_kwargs');
  const entries: Array<[string | undefined, Expr]> =
    kwargs?.k === 'dict' ? kwargs.entries.map(([k, v]) => [k ? evalString(ctx.resolver, ctx.file, k, ctx.locals) : undefined, v])
    : kwargs?.k === 'call' && kwargs.fn.k === 'name' && kwargs.fn.id === 'dict' ? kwargs.kw.map((k) => [k.name ?? undefined, k.value])
    : [];
  for (const [key, v] of entries) {
    if (key === 'server_default') spec.serverDefault = evalServerDefault(ctx, v);
    if (key === 'nullable') spec.nullable = bool(ctx, v);
    if (key === 'name') spec.name = evalString(ctx.resolver, ctx.file, v, ctx.locals);
    if (key === 'unique') spec.unique = bool(ctx, v);
    if (key === 'index') spec.index = bool(ctx, v);
    if (key === 'primary_key') spec.primaryKey = bool(ctx, v) ?? spec.primaryKey;
  }
  return spec;
}

/**
 * The type SQLModel gives a Field from its annotation's type: an AutoString sized by `max_length=`, a Numeric by
 * `max_digits=` and `decimal_places=`.
 */
export function sqlModelFieldType(ctx: EvalContext, call: Extract<Expr, { k: 'call' }>, type: SqlType): SqlType {
  const number = (name: string): number | undefined => {
    const e = keywordArg(call, name);
    const v = e ? evalLiteral(ctx.resolver, ctx.file, e, ctx.locals) : undefined;
    return typeof v === 'number' ? v : undefined;
  };
  if (type.family === 'VARCHAR') {
    const length = number('max_length');
    return length === undefined ? type : { ...type, args: { length } };
  }
  if (type.family === 'NUMERIC') {
    const precision = number('max_digits');
    const scale = number('decimal_places');
    if (precision === undefined && scale === undefined) return type;
    const args = { ...type.args, ...(precision !== undefined ? { precision } : {}), ...(scale !== undefined ? { scale } : {}) };
    return { ...type, args, text: `${type.text}(${Object.entries(args).map(([k, v]) => `${k}=${v}`).join(', ')})` };
  }
  return type;
}

/** Reads `UniqueConstraint`, `Index`, `PrimaryKeyConstraint`, `ForeignKeyConstraint` and `CheckConstraint` calls. */
export type ConstraintSpec =
  /** `usingIndex`: PostgreSQL's `ADD CONSTRAINT c UNIQUE USING INDEX i` makes the unique index i the constraint, on its columns. */
  | { kind: 'unique'; name?: string; columns: string[]; usingIndex?: string }
  | { kind: 'index'; name?: string; columns: string[]; unique: boolean; conventional?: boolean; options?: IndexOption[]; expressions?: boolean }
  | { kind: 'primary'; name?: string; columns: string[]; usingIndex?: string }
  /** `refClass`: the model class `[User.id]` names, when the referred columns are given as its attributes. */
  /** `useAlter`: `use_alter=True`, which leaves the key out of CREATE TABLE on databases that have ALTER. */
  | { kind: 'foreign'; name?: string; columns: string[]; refs: string[]; refClass?: { file: string; cls: ClassStmt }; ondelete?: string; onupdate?: string; useAlter?: true }
  | CheckSpec;

/**
 * A `CheckConstraint(...)`: its name as written, and whether that name is final (`op.f(...)`, `conv(...)`), which a
 * naming convention leaves as it is.
 */
export interface CheckSpec {
  kind: 'check';
  name?: string;
  final?: boolean;
  sql: string;
}

const DIALECT_OPTION = /^(postgresql|sqlite|mysql|mariadb|mssql|oracle)_\w/;

/** The dialect options of an `Index(...)` or `op.create_index(...)` call (`postgresql_where=text("...")`), if any. */
export function readIndexOptions(ctx: EvalContext, call: Extract<Expr, { k: 'call' }>): IndexOption[] | undefined {
  const out: IndexOption[] = [];
  for (const k of call.kw) if (k.name && DIALECT_OPTION.test(k.name)) out.push({ key: k.name, value: indexOptionValue(ctx, k.value) });
  return out.length > 0 ? out : undefined;
}

function indexOptionValue(ctx: EvalContext, e: Expr): IndexOption['value'] {
  const literal = (x: Expr): Literal | undefined => evalLiteral(ctx.resolver, ctx.file, x, ctx.locals);
  if (e.k === 'call' && e.args.length === 1 && calleeName(ctx, e) === 'sa.text') {
    const sql = literal(e.args[0]);
    if (typeof sql === 'string') return { sql };
  }
  if (e.k === 'dict') {
    const entries: Array<[string, Literal]> = [];
    for (const [k, v] of e.entries) {
      const key = k ? literal(k) : undefined;
      const value = literal(v);
      if (typeof key !== 'string' || value === undefined) return { source: exprText(e) };
      entries.push([key, value]);
    }
    return { dict: entries };
  }
  const value = literal(e);
  return value !== undefined ? { literal: value } : { source: exprText(e) };
}

/**
 * Whether a name is written `op.f("...")` (or `batch_op.f`, or `f("...")` after `from alembic.op import f`): final,
 * left as it is by a naming convention.
 */
export function isOpF(ctx: EvalContext, e: Expr | undefined): boolean {
  if (e?.k !== 'call') return false;
  if (e.fn.k === 'attr') return e.fn.name === 'f';
  return e.fn.k === 'name' && e.fn.id === 'f' && calleeName(ctx, e) === 'alembic.op.f';
}

/** Whether a name is final, left as it is by a naming convention: `op.f("...")` or SQLAlchemy's `conv("...")`. */
export function isFinalName(ctx: EvalContext, e: Expr | undefined): boolean {
  return isOpF(ctx, e) || (e?.k === 'call' && calleeName(ctx, e) === 'sa.conv');
}

/**
 * The columns a class's tuple or list of its own column attributes names (koschei's `nevra = (name, version, arch)`
 * in the class body, unpacked as `*Dependency.nevra`): each attribute's column (its own name, or the one its
 * `Column("...")` gives), or a string written there; undefined for anything else.
 */
export function attributeTuple(ctx: EvalContext, e: Expr): string[] | undefined {
  if (e.k !== 'attr') return undefined;
  const owner = ctx.resolver.resolve(ctx.file, e.obj, ctx.locals);
  const held = owner.t === 'class' ? ctx.resolver.classAttribute({ file: owner.file, cls: owner.cls }, e.name) : undefined;
  if (!held || (held.found.k !== 'tuple' && held.found.k !== 'list')) return undefined;
  const out: string[] = [];
  for (const item of held.found.items) {
    if (item.k === 'str') {
      out.push(item.v);
      continue;
    }
    const column = item.k === 'name' && owner.t === 'class' ? ctx.resolver.classAttribute({ file: owner.file, cls: owner.cls }, item.id) : undefined;
    if (column?.found.k !== 'call' || item.k !== 'name') return undefined;
    const written = column.found.args[0]?.k === 'str' ? column.found.args[0].v : undefined;
    out.push(written ?? item.id);
  }
  return out;
}

/** Reads a table-level constraint or index call, or undefined when the call is not one (or cannot be read). */
export function evalConstraintCall(ctx: EvalContext, written: Extract<Expr, { k: 'call' }>): ConstraintSpec | undefined {
  const call = spreadArguments(written, ctx.locals);
  const callee = calleeName(ctx, call);
  const str = (e: Expr | undefined): string | undefined => evalString(ctx.resolver, ctx.file, e, ctx.locals);
  const colNames = (args: Expr[]): string[] | undefined => {
    const out: string[] = [];
    for (const a of args) {
      const s = str(a);
      if (s !== undefined) {
        out.push(s);
        continue;
      }
      // A column object (`User.email`, `Column(...)` attribute) in a model's __table_args__.
      if (a.k === 'attr') {
        out.push(a.name);
        continue;
      }
      if (a.k === 'name') {
        out.push(a.id);
        continue;
      }
      if (a.k === 'starred') {
        const inner = evalStringList(ctx.resolver, ctx.file, a.value, ctx.locals) ?? attributeTuple(ctx, a.value);
        if (inner) {
          out.push(...inner);
          continue;
        }
      }
      return undefined;
    }
    return out;
  };
  const name = str(keywordArg(call, 'name'));
  switch (callee) {
    case 'sa.UniqueConstraint': {
      const cols = colNames(call.args);
      return cols ? { kind: 'unique', name, columns: cols } : undefined;
    }
    case 'sa.PrimaryKeyConstraint': {
      const cols = colNames(call.args);
      return cols ? { kind: 'primary', name, columns: cols } : undefined;
    }
    case 'sa.Index': {
      const [first, ...rest] = call.args;
      const idxName = first ? str(first) : undefined;
      // Expression indexes (`text("lower(name)")`, `func.lower(...)`, `desc("b")`) keep the expression's SQL as their
      // "column" (its source text when it cannot be read as SQL).
      const plain = colNames(rest);
      // Beside expressions, a string is a column's name (a string inside a function is a value).
      const sql = plain ? undefined : rest.map((a) => (a.k === 'str' ? a.v : indexElementSql(ctx, a)));
      const cols = plain ?? sql!.map((s, i) => s ?? exprText(rest[i]));
      const expressions = !plain && sql!.every((s) => s !== undefined);
      const conventional = isOpF(ctx, first);
      return { kind: 'index', name: idxName, columns: cols, unique: bool(ctx, keywordArg(call, 'unique')) ?? false, conventional, options: readIndexOptions(ctx, call), ...(expressions ? { expressions } : {}) };
    }
    case 'sa.ForeignKeyConstraint': {
      const colsExpr = call.args[0] ?? keywordArg(call, 'columns');
      // `["dag_id"]`, or `[dag_id, run_id]`: the class body's own columns in a model's __table_args__.
      const cols = evalStringList(ctx.resolver, ctx.file, colsExpr, ctx.locals) ?? (colsExpr && (colsExpr.k === 'list' || colsExpr.k === 'tuple') ? colNames(colsExpr.items) : undefined);
      const refsExpr = call.args[1] ?? keywordArg(call, 'refcolumns');
      let refs = evalStringList(ctx.resolver, ctx.file, refsExpr, ctx.locals);
      let refClass: { file: string; cls: ClassStmt } | undefined;
      if (!refs && refsExpr && (refsExpr.k === 'list' || refsExpr.k === 'tuple')) {
        // `[User.id]` in a model.
        const resolved: string[] = [];
        for (const item of refsExpr.items) {
          const v = ctx.resolver.resolve(ctx.file, item, ctx.locals);
          if (v.t !== 'member') return undefined;
          resolved.push(`${v.owner.cls.name}.${v.name}`);
          refClass ??= v.owner;
        }
        refs = resolved.map((r) => `@class:${r}`);
      }
      if (!cols || !refs) return undefined;
      return { kind: 'foreign', name, columns: cols, refs, ...(refClass ? { refClass } : {}), ondelete: str(keywordArg(call, 'ondelete')), onupdate: str(keywordArg(call, 'onupdate')), ...(bool(ctx, keywordArg(call, 'use_alter')) ? { useAlter: true as const } : {}) };
    }
    case 'sa.CheckConstraint': {
      const sql = str(call.args[0] ?? keywordArg(call, 'sqltext'));
      // `CheckConstraint(sqltext, name=None, ...)`: the name may be given second, positionally.
      const nameExpr = keywordArg(call, 'name') ?? call.args[1];
      const final = isFinalName(ctx, nameExpr);
      return { kind: 'check', name: name ?? str(call.args[1]), sql: sql ?? '', ...(final ? { final } : {}) };
    }
    default:
      return undefined;
  }
}

/** An `Identity(start=1, always=True, ...)` call's keyword arguments as literals, or its text when one is not literal. */
function readIdentity(ctx: EvalContext, call: Extract<Expr, { k: 'call' }>): IdentitySpec {
  const options: Array<[string, Literal]> = [];
  for (const k of call.kw) {
    const value = k.name ? evalLiteral(ctx.resolver, ctx.file, k.value, ctx.locals) : undefined;
    if (!k.name || value === undefined) return { source: exprText(call) };
    options.push([k.name, value]);
  }
  return call.args.length > 0 ? { source: exprText(call) } : { options };
}

/**
 * An element of an expression index as SQL: a column, `text("...")`, `column("x")`, `func.lower(col)` (any SQL
 * function, nested), `desc(col)` / `col.desc()` and `asc`; undefined for anything else.
 */
export function indexElementSql(ctx: EvalContext, e: Expr, depth = 0): string | undefined {
  if (depth > 10) return undefined;
  if (e.k === 'name') return e.id;
  if (e.k === 'str') return `'${e.v.replace(/'/g, "''")}'`;
  if (e.k === 'num') return String(e.v);
  if (e.k === 'attr') return e.name;
  if (e.k !== 'call') return undefined;
  const callee = calleeName(ctx, e);
  // `func.lower(Column("email"))`: a Column with no table is the indexed table's column of that name.
  if (callee === 'sa.text' || callee === 'sa.literal_column' || callee === 'sa.column' || callee === 'sa.Column') return evalString(ctx.resolver, ctx.file, e.args[0], ctx.locals);
  if (e.fn.k === 'attr' && (e.fn.name === 'desc' || e.fn.name === 'asc') && e.args.length === 0) {
    const inner = indexElementSql(ctx, e.fn.obj, depth + 1);
    return inner === undefined ? undefined : `${inner} ${e.fn.name.toUpperCase()}`;
  }
  if ((callee === 'sa.desc' || callee === 'sa.asc') && e.args.length === 1) {
    const inner = evalString(ctx.resolver, ctx.file, e.args[0], ctx.locals) ?? indexElementSql(ctx, e.args[0], depth + 1);
    return inner === undefined ? undefined : `${inner} ${callee.slice(3).toUpperCase()}`;
  }
  if (callee?.startsWith('sa.func.') && e.kw.length === 0) {
    const args = e.args.map((a) => indexElementSql(ctx, a, depth + 1));
    return args.every((a) => a !== undefined) ? `${callee.slice('sa.func.'.length)}(${args.join(', ')})` : undefined;
  }
  return undefined;
}
