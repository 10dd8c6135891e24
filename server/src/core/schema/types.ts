import type { Expr, Stmt } from '../python/syntax';
import { callsIn, keywordArg, returnedValue } from '../python/syntax';
import { canonicalName, exprText, type Locals, type Resolver, type ClassStmt } from '../python/resolve';
import { dictValueAt, enumMemberAssignments, evalLiteral, helperArguments, isEnumClass, spreadArguments } from '../python/literals';
import type { Scalar, ServerDefault, SqlType, TypeCheck } from './schema';
import { libraryModuleName } from '../models/libraryModels';

interface TypeSpec {
  family: string;
  /** Positional parameter names, in order. */
  params: string[];
}

const spec = (family: string, params: string[] = []): TypeSpec => ({ family, params });
const STRING = spec('VARCHAR', ['length', 'collation']);
const TEXT = spec('TEXT', ['length', 'collation']);
const DATETIME = spec('DATETIME', ['timezone']);
const FLOAT = spec('FLOAT', ['precision', 'asdecimal']);
const NUMERIC = spec('NUMERIC', ['precision', 'scale']);
const BINARY = spec('BINARY', ['length']);

/** SQLAlchemy's types (by canonical name) and the family Alembic's comparison puts them in. */
const KNOWN_TYPES: Record<string, TypeSpec> = {
  String: STRING, VARCHAR: STRING, Unicode: STRING, NVARCHAR: STRING, AutoString: STRING,
  CHAR: spec('CHAR', ['length', 'collation']), NCHAR: spec('CHAR', ['length', 'collation']),
  Text: TEXT, TEXT: TEXT, UnicodeText: TEXT, CLOB: TEXT,
  Integer: spec('INTEGER'), INTEGER: spec('INTEGER'), INT: spec('INTEGER'),
  BigInteger: spec('BIGINT'), BIGINT: spec('BIGINT'),
  SmallInteger: spec('SMALLINT'), SMALLINT: spec('SMALLINT'),
  Boolean: spec('BOOLEAN', ['create_constraint', 'name']), BOOLEAN: spec('BOOLEAN', ['create_constraint', 'name']),
  DateTime: DATETIME, DATETIME: DATETIME, TIMESTAMP: spec('DATETIME', ['timezone', 'precision']),
  Date: spec('DATE'), DATE: spec('DATE'),
  Time: spec('TIME', ['timezone']), TIME: spec('TIME', ['timezone', 'precision']),
  Interval: spec('INTERVAL'), INTERVAL: spec('INTERVAL', ['fields', 'precision']),
  Float: FLOAT, FLOAT: FLOAT, Double: FLOAT, DOUBLE: FLOAT, DOUBLE_PRECISION: FLOAT,
  REAL: spec('REAL', ['precision', 'asdecimal']),
  Numeric: NUMERIC, NUMERIC: NUMERIC, DECIMAL: NUMERIC,
  JSON: spec('JSON', ['none_as_null']), JSONB: spec('JSONB', ['none_as_null', 'astext_type']),
  Uuid: spec('UUID', ['as_uuid']), UUID: spec('UUID', ['as_uuid']),
  LargeBinary: BINARY, BLOB: BINARY, BINARY: BINARY, VARBINARY: BINARY, BYTEA: BINARY, PickleType: BINARY,
  Enum: spec('ENUM'), ENUM: spec('ENUM'),
  ARRAY: spec('ARRAY', ['item_type', 'as_tuple', 'dimensions']),
  INET: spec('INET'), CIDR: spec('CIDR'), MACADDR: spec('MACADDR'), TSVECTOR: spec('TSVECTOR'), HSTORE: spec('HSTORE'),
  MONEY: spec('MONEY'), BIT: spec('BIT', ['length', 'varying']), CITEXT: spec('CITEXT'),
  TINYINT: spec('TINYINT', ['display_width']), MEDIUMINT: spec('MEDIUMINT'), LONGTEXT: spec('LONGTEXT'),
  MEDIUMTEXT: spec('MEDIUMTEXT'), TINYTEXT: spec('TINYTEXT'), LONGBLOB: spec('LONGBLOB'), MEDIUMBLOB: spec('MEDIUMBLOB'),
  YEAR: spec('YEAR'), SET: spec('SET'),
};

/** The same, as a Map: looked up for every type expression read (faster than `in` on an object, and no prototype keys). */
const KNOWN = new Map(Object.entries(KNOWN_TYPES));

/**
 * How a sqlalchemy_utils type is stored: the SQLAlchemy type, its length, and the parameter that sets the length, with
 * its place among the positional arguments (`PhoneNumberType(region, max_length)`).
 */
interface SautilsStorage {
  as: string;
  length?: number;
  lengthParam?: string;
  position?: number;
}

/** sqlalchemy_utils types stored as one SQLAlchemy type on every database (their `impl`), as Alembic compares them. */
const SAUTILS_STORED = new Map<string, SautilsStorage>([
  ['ScalarListType', { as: 'UnicodeText' }],
  ['URLType', { as: 'UnicodeText' }],
  ['EmailType', { as: 'Unicode', length: 255, lengthParam: 'length', position: 0 }],
  ['ColorType', { as: 'Unicode', length: 20, lengthParam: 'max_length', position: 0 }],
  ['IPAddressType', { as: 'Unicode', length: 50, lengthParam: 'max_length', position: 0 }],
  ['PhoneNumberType', { as: 'Unicode', length: 20, lengthParam: 'max_length', position: 1 }],
  ['CountryType', { as: 'String', length: 2 }],
  ['CurrencyType', { as: 'String', length: 3 }],
  ['LocaleType', { as: 'Unicode', length: 10 }],
  ['TimezoneType', { as: 'Unicode', length: 50 }],
]);

/** What a sqlalchemy_utils type is stored as, for messages (`sa.Unicode(255)`), where `SAUTILS_STORED` knows it. */
export function sautilsStorageText(type: SqlType): string | undefined {
  const stored = sautilsStored(type.name);
  if (!stored) return undefined;
  return typeof type.args.length === 'number' ? `sa.${stored.as}(${type.args.length})` : `sa.${stored.as}`;
}

/** How a sqlalchemy_utils type is stored, where that is the same on every database (`SAUTILS_STORED`). */
function sautilsStored(canonical: string): SautilsStorage | undefined {
  return canonical.startsWith('sautils.') ? SAUTILS_STORED.get(canonical.slice('sautils.'.length)) : undefined;
}

/** Python annotation types and the SQLAlchemy type a 2.0 `Mapped[...]` or SQLModel field gives them by default. */
export const PYTHON_TYPE_DEFAULTS: Record<string, string> = {
  'builtins.int': 'Integer', 'builtins.float': 'Float', 'builtins.bool': 'Boolean', 'builtins.str': 'String',
  'builtins.bytes': 'LargeBinary', 'decimal.Decimal': 'Numeric', 'datetime.date': 'Date', 'datetime.datetime': 'DateTime',
  'datetime.time': 'Time', 'datetime.timedelta': 'Interval', 'uuid.UUID': 'Uuid',
};

/** Builds a `SqlType` from a canonical SQLAlchemy name and literal arguments. */
export function makeType(canonical: string, args: Record<string, Scalar> = {}, text?: string): SqlType {
  const short = canonical.includes('.') ? canonical.slice(canonical.indexOf('.') + 1) : canonical;
  const stored = sautilsStored(canonical);
  const known = KNOWN.get(stored?.as ?? short);
  const name = canonical.startsWith('sa.') || canonical.startsWith('sqlmodel.') ? short : canonical;
  return { name, family: known?.family, args: stored?.length !== undefined ? { length: stored.length, ...args } : args, text: text ?? name };
}

/** Context for evaluating expressions in a file. */
export interface EvalContext {
  resolver: Resolver;
  file: string;
  locals?: Locals;
}

const MAX_DEPTH = 12;


/**
 * The SQL type an expression denotes (`sa.String(50)`, `String`, a `String50` constant, a project `TypeDecorator`,
 * `Enum(MyEnum)`, `ARRAY(Integer)`, `x.with_variant(...)`), or undefined when it is not a type at all.
 * A type we cannot judge comes back with no family.
 */
export function evalType(ctx: EvalContext, e: Expr, depth = 0): SqlType | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const { resolver, file, locals } = ctx;
  const text = exprText(e);
  if (e.k === 'call') {
    if (e.fn.k === 'attr' && e.fn.name === 'with_variant') return withVariant(ctx, e, depth);
    if (e.fn.k === 'attr' && (e.fn.name === 'evaluates_none' || e.fn.name === 'as_generic')) {
      return evalType(ctx, e.fn.obj, depth + 1);
    }
    const fn = resolver.resolve(file, e.fn, locals);
    if (fn.t === 'ext') {
      const canonical = canonicalName(fn.q);
      if (!isTypeName(canonical)) return undefined;
      return typeFromCall(ctx, canonical, e, text, depth);
    }
    if (fn.t === 'class') return typeFromProjectClass({ ...ctx, file: fn.file, locals: undefined }, fn.cls, text, depth, { ctx, e });
    if (fn.t === 'def') {
      // A project helper that returns a type: `def StringID(*, length=ID_LEN, **kw): return String(length=length, **kw)`.
      const returned = returnedValue(fn.def);
      const inner = returned && evalType({ resolver, file: fn.file, locals: helperArguments(ctx, fn.def, fn.file, e) }, returned, depth + 1);
      return inner && { ...inner, text };
    }
    return undefined;
  }
  if (e.k === 'name' || e.k === 'attr') {
    const v = resolver.resolve(file, e, locals);
    if (v.t === 'ext') {
      const canonical = canonicalName(v.q);
      // A local variable of a revision (`deleted_type = sa.SmallInteger`) says nothing of the type: named as the type.
      return isTypeName(canonical) ? makeType(canonical, {}, e.k === 'name' && locals?.has(e.id) ? canonical : text) : undefined;
    }
    if (v.t === 'expr') return evalType({ resolver, file: v.file }, v.e, depth + 1);
    if (v.t === 'class') return typeFromProjectClass({ resolver, file: v.file }, v.cls, text, depth);
  }
  // `item["type"]` of a dict written out (a loop over column specs): the type at that key.
  if (e.k === 'subscript' && e.index.length === 1) {
    const key = evalLiteral(resolver, file, e.index[0], locals);
    const value = typeof key === 'string' ? dictValueAt(resolver, file, e.obj, key, locals) : undefined;
    return value && evalType({ resolver, file: value.file, locals: value.locals }, value.e, depth + 1);
  }
  return undefined;
}

function isTypeName(canonical: string): boolean {
  const dot = canonical.indexOf('.');
  if (dot < 0) return false;
  const root = canonical.slice(0, dot);
  const short = canonical.slice(dot + 1);
  if (root === 'sa' || root === 'sqlmodel') return KNOWN.has(short);
  if (root === 'postgresql' || root === 'mysql' || root === 'sqlite' || root === 'mssql' || root === 'oracle') return /^[A-Z]/.test(short);
  if (root === 'sautils') return /Type$/.test(short) || /^[A-Z]/.test(short);
  // Not compared (no family), but read for the spatial index GeoAlchemy2 gives such a column.
  if (root === 'geoalchemy2') return SPATIAL_TYPE.test(canonical);
  return false;
}

function typeFromCall(ctx: EvalContext, canonical: string, written: Extract<Expr, { k: 'call' }>, text: string, depth: number): SqlType {
  const call = spreadArguments(written, ctx.locals);
  const t = makeType(canonical, {}, text);
  const short = canonical.slice(canonical.indexOf('.') + 1);
  if (t.family === 'ENUM') return enumType(ctx, t, call);
  const params = KNOWN.get(short)?.params ?? [];
  call.args.forEach((a, i) => {
    const p = params[i];
    if (!p) return;
    if (p === 'item_type') {
      t.item = evalType(ctx, a, depth + 1);
      return;
    }
    const v = evalLiteral(ctx.resolver, ctx.file, a, ctx.locals);
    if (v !== undefined && !Array.isArray(v)) t.args[p] = v;
  });
  for (const k of call.kw) {
    if (!k.name) continue;
    if (k.name === 'item_type') {
      t.item = evalType(ctx, k.value, depth + 1);
      continue;
    }
    const v = evalLiteral(ctx.resolver, ctx.file, k.value, ctx.locals);
    if (v !== undefined && !Array.isArray(v)) t.args[k.name] = v;
  }
  // `EmailType(320)`, `ColorType(max_length=30)`: the length of what sqlalchemy_utils stores.
  const stored = sautilsStored(canonical);
  if (stored?.lengthParam) {
    const given = keywordArg(call, stored.lengthParam) ?? (stored.position !== undefined ? call.args[stored.position] : undefined);
    const length = given ? evalLiteral(ctx.resolver, ctx.file, given, ctx.locals) : undefined;
    delete t.args[stored.lengthParam];
    if (typeof length === 'number') t.args.length = length;
  }
  // senlin's `Numeric('18,6')`: SQLAlchemy writes the text into NUMERIC(...) as it is, precision and scale.
  const both = t.family === 'NUMERIC' && typeof t.args.precision === 'string' ? /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(t.args.precision) : null;
  if (both) t.args = { ...t.args, precision: Number(both[1]), scale: Number(both[2]) };
  return t;
}

/** `Enum("a", "b", name="x")` or `Enum(PyEnumClass)`: its values and name. */
function enumType(ctx: EvalContext, t: SqlType, call: Extract<Expr, { k: 'call' }>): SqlType {
  const values: string[] = [];
  let known = true;
  const byValue = !!keywordArg(call, 'values_callable');
  for (const a of call.args) {
    const lit = evalLiteral(ctx.resolver, ctx.file, a, ctx.locals);
    if (typeof lit === 'string') {
      values.push(lit);
      continue;
    }
    if (Array.isArray(lit) && lit.every((x) => typeof x === 'string')) {
      values.push(...(lit as string[]));
      continue;
    }
    const v = ctx.resolver.resolve(ctx.file, a, ctx.locals);
    if (v.t === 'class') {
      const members = enumMembers(ctx.resolver, v.file, v.cls, byValue);
      if (members !== undefined) {
        if (members) values.push(...members);
        else known = false;
        t.enumName = v.cls.name.toLowerCase();
        continue;
      }
    }
    if (a.k === 'starred') {
      const inner = evalLiteral(ctx.resolver, ctx.file, a.value, ctx.locals);
      if (Array.isArray(inner) && inner.every((x) => typeof x === 'string')) {
        values.push(...(inner as string[]));
        continue;
      }
    }
    known = false;
  }
  const name = keywordArg(call, 'name');
  if (name) {
    const n = evalLiteral(ctx.resolver, ctx.file, name, ctx.locals);
    if (typeof n === 'string') t.enumName = n;
  }
  const native = keywordArg(call, 'native_enum');
  if (native && native.k === 'const' && native.v === false) t.args.native_enum = false;
  // A CHECK constraint of the enum's name, made where the database keeps the enum as a VARCHAR.
  const constraint = keywordArg(call, 'create_constraint');
  if (constraint && evalLiteral(ctx.resolver, ctx.file, constraint, ctx.locals) === true) t.args.create_constraint = true;
  // A non-native enum's VARCHAR length, when it is not the longest value's.
  const lengthArg = keywordArg(call, 'length');
  const length = lengthArg ? evalLiteral(ctx.resolver, ctx.file, lengthArg, ctx.locals) : undefined;
  if (typeof length === 'number') t.args.length = length;
  if (known && values.length > 0) t.enumValues = values;
  return t;
}

/**
 * The member names (or values) of a Python `enum.Enum` subclass defined in the project; null when its values are
 * asked for and one cannot be known (`auto()`, a tuple a custom `__new__` unpacks), undefined for no enum.
 */
export function enumMembers(resolver: Resolver, file: string, cls: ClassStmt, byValue: boolean): string[] | null | undefined {
  if (!isEnumClass(resolver, { file, cls })) return undefined;
  const out: string[] = [];
  for (const { name, value } of enumMemberAssignments(cls)) {
    if (byValue) {
      const v = evalLiteral(resolver, file, value);
      if (v === undefined || v === null || Array.isArray(v)) return null;
      out.push(String(v));
    } else out.push(name);
  }
  return out;
}

/**
 * A project class used as a type: a `TypeDecorator` compares as its `impl`; a Python enum becomes an Enum. Called
 * (`call`), a decorator without an `__init__` of its own passes the arguments to its impl class, as TypeDecorator
 * does: `TZDateTime(timezone=True)` with `impl = DateTime` is a `DateTime(timezone=True)`.
 */
function typeFromProjectClass(ctx: EvalContext, cls: ClassStmt, text: string, depth: number, call?: { ctx: EvalContext; e: Extract<Expr, { k: 'call' }> }): SqlType | undefined {
  const members = enumMembers(ctx.resolver, ctx.file, cls, false);
  if (members) return { name: 'Enum', family: 'ENUM', args: {}, enumValues: members, enumName: cls.name.toLowerCase(), text };
  const libraryModule = libraryModuleName(ctx.file);
  const type = userTypeFromClass(ctx, cls, text, depth, call);
  if (type && addsChecksAtRunTime(ctx, cls)) type.addsChecks = true;
  return type && libraryModule !== undefined ? { ...type, library: { module: libraryModule, name: cls.name } } : type;
}

/** The events SQLAlchemy fires as a type's column joins a table, where a listener may add constraints to it. */
const ATTACH_EVENTS = new Set(['before_parent_attach', 'after_parent_attach']);

/**
 * Whether a project type class makes CHECK constraints when a column of it joins a table: its module listens to the
 * class's attach events (`@listens_for(PyIntEnum, "before_parent_attach")`, or `event.listen(...)`) and makes a
 * `CheckConstraint(...)` somewhere.
 */
function addsChecksAtRunTime(ctx: EvalContext, cls: ClassStmt): boolean {
  // Asked for every column of the type: its module is walked once per class (a new text is a new class object).
  let adds = addsChecksOf.get(cls);
  if (adds === undefined) addsChecksOf.set(cls, (adds = listensAndMakesChecks(callsIn(ctx.resolver.moduleBody(ctx.file)), cls.name)));
  return adds;
}

/** What `addsChecksAtRunTime` found of each class. */
const addsChecksOf = new WeakMap<ClassStmt, boolean>();

/** Whether a module's calls listen to a class's attach events and make a `CheckConstraint(...)`. */
function listensAndMakesChecks(calls: Array<Extract<Expr, { k: 'call' }>>, className: string): boolean {
  const tail = (e: Expr): string | undefined => (e.k === 'name' ? e.id : e.k === 'attr' ? e.name : undefined);
  const listens = calls.some((c) => {
    const fn = tail(c.fn);
    const [target, event] = c.args;
    return (fn === 'listens_for' || fn === 'listen') && target?.k === 'name' && target.id === className && event?.k === 'str' && ATTACH_EVENTS.has(event.v);
  });
  return listens && calls.some((c) => tail(c.fn) === 'CheckConstraint');
}

/** A TypeDecorator (or a subclass of a SQLAlchemy type) as the type it stores, on each dialect when it picks one. */
function userTypeFromClass(ctx: EvalContext, cls: ClassStmt, text: string, depth: number, call?: { ctx: EvalContext; e: Extract<Expr, { k: 'call' }> }): SqlType | undefined {
  const implExpr = [...cls.body].reverse().find((s) => s.k === 'assign' && s.value && s.targets.some((t) => t.k === 'name' && t.id === 'impl'));
  const implValue = implExpr?.k === 'assign' ? implExpr.value : undefined;
  // Called, a decorator without an `__init__` of its own gives the call's arguments to its impl class.
  const implClass = call && implValue && implValue.k !== 'call' && !ctx.resolver.methodOf({ file: ctx.file, cls }, '__init__') ? ctx.resolver.resolve(ctx.file, implValue) : undefined;
  const implCalled = call && implClass?.t === 'ext' && isTypeName(canonicalName(implClass.q)) ? typeFromCall(call.ctx, canonicalName(implClass.q), call.e, text, depth) : undefined;
  const impl = implCalled ?? (implValue ? evalType(ctx, implValue, depth + 1) : undefined);
  // A decorator that picks its implementation per dialect is judged, on a known dialect, by what it picks there.
  const perDialect = cls.body.find((s): s is Extract<Stmt, { k: 'def' }> => s.k === 'def' && s.name === 'load_dialect_impl');
  if (perDialect) return { name: cls.name, args: {}, text, variants: dialectImpls(ctx, perDialect, impl, depth) };
  if (impl) return { ...impl, text, userType: cls.name };
  // A subclass of a SQLAlchemy type (`class MyString(String)`) behaves as that type.
  for (const b of cls.bases) {
    const base = evalType(ctx, b, depth + 1);
    if (base && base.family) return { ...base, args: {}, text, userType: cls.name };
  }
  return { name: cls.name, args: {}, text };
}

const DIALECTS = ['postgresql', 'mysql', 'mariadb', 'sqlite', 'mssql', 'oracle'];

/**
 * What a TypeDecorator's `load_dialect_impl(self, dialect)` returns on each dialect where that can be read: branches
 * on `dialect.name` (`==`, `!=`, `in`, `not in`), returning `dialect.type_descriptor(T)`, `T`, or the decorator's own
 * `impl` (`super().load_dialect_impl(dialect)`, `self.impl`).
 */
function dialectImpls(ctx: EvalContext, method: Extract<Stmt, { k: 'def' }>, impl: SqlType | undefined, depth: number): Record<string, SqlType> | undefined {
  const param = method.params[1]?.name;
  if (!param) return undefined;
  const isDialectName = (e: Expr): boolean => e.k === 'attr' && e.name === 'name' && e.obj.k === 'name' && e.obj.id === param;
  const decide = (test: Expr, dialect: string): boolean | undefined => {
    if (test.k === 'not') {
      const inner = decide(test.value, dialect);
      return inner === undefined ? undefined : !inner;
    }
    if (test.k === 'boolop') {
      const values = test.values.map((v) => decide(v, dialect));
      if (values.some((v) => v === undefined)) return undefined;
      return test.op === 'and' ? values.every(Boolean) : values.some(Boolean);
    }
    if (test.k !== 'compare' || test.ops.length !== 1) return undefined;
    const [left, right, op] = [test.left, test.comparators[0], test.ops[0]];
    const subject = isDialectName(left) ? right : isDialectName(right) ? left : undefined;
    const names = subject && evalLiteral(ctx.resolver, ctx.file, subject);
    const list = typeof names === 'string' ? [names] : Array.isArray(names) && names.every((n) => typeof n === 'string') ? (names as string[]) : undefined;
    if (!list) return undefined;
    if (op === '==' || op === 'in') return list.includes(dialect);
    if (op === '!=' || op === 'not in') return !list.includes(dialect);
    return undefined;
  };
  const returned = (e: Expr): SqlType | undefined => {
    if (e.k === 'call' && e.fn.k === 'attr' && e.fn.name === 'type_descriptor' && e.args[0]) return returned(e.args[0]);
    if (e.k === 'call' && e.fn.k === 'attr' && e.fn.name === 'load_dialect_impl' && e.fn.obj.k === 'call' && e.fn.obj.fn.k === 'name' && e.fn.obj.fn.id === 'super') return impl;
    if (e.k === 'attr' && e.obj.k === 'name' && e.obj.id === 'self' && (e.name === 'impl' || e.name === 'impl_instance')) return impl;
    return evalType(ctx, e, depth + 1);
  };
  const walk = (body: Stmt[], dialect: string): SqlType | undefined | null => {
    for (const st of body) {
      if (st.k === 'return') return st.value ? (returned(st.value) ?? null) : null;
      if (st.k === 'if') {
        const taken = decide(st.test, dialect);
        if (taken === undefined) return null;
        const inner = walk(taken ? st.body : st.orelse, dialect);
        if (inner !== undefined) return inner;
      }
    }
    return undefined;
  };
  const out: Record<string, SqlType> = {};
  for (const dialect of DIALECTS) {
    // null: what it returns there cannot be read; undefined: it returns nothing (None).
    const type = walk(method.body, dialect);
    if (type) out[dialect] = type;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * How a type a TypeDecorator picks per dialect (`load_dialect_impl`) compares with another where the dialect is not
 * known: 'differs' when it differs on every dialect, 'same' when on none, undefined when on some, or when what it picks
 * on a dialect cannot be read.
 */
export function comparedOnEveryDialect(picked: SqlType, other: SqlType): 'differs' | 'same' | undefined {
  const variants = picked.variants;
  if (picked.family || !variants || DIALECTS.some((d) => !variants[d])) return undefined;
  const differing = DIALECTS.filter((d) => typesDiffer(variants[d], other, { dialect: d })).length;
  return differing === DIALECTS.length ? 'differs' : differing === 0 ? 'same' : undefined;
}

/** The types a TypeDecorator picks per dialect, as a message says them: "UUID() on postgresql, CHAR(32) elsewhere". */
export function pickedTypesText(picked: SqlType): string | undefined {
  const variants = picked.variants;
  if (picked.family || !variants) return undefined;
  const byText = new Map<string, string[]>();
  for (const d of DIALECTS) if (variants[d]) byText.set(variants[d].text, [...(byText.get(variants[d].text) ?? []), d]);
  if (byText.size === 1) return [...byText.keys()][0];
  const [common] = [...byText].sort((a, b) => b[1].length - a[1].length)[0];
  const others = [...byText].filter(([text]) => text !== common).map(([text, dialects]) => `${text} on ${dialects.join(', ')}`);
  return [...others, `${common} elsewhere`].join(', ');
}

/** The arguments that Alembic compares when both sides give them. */
const COMPARED_ARGS = ['length', 'precision', 'scale'];

/**
 * Whether two types differ the way Alembic's type comparison sees it: different families, or arguments that both
 * sides give and that differ. Unknown types never differ. Enum values are compared separately (`enumValuesDiffer`).
 */
export function typesDiffer(a: SqlType, b: SqlType, options: { dialect?: string } = {}): boolean {
  // NOTE: on a known dialect, a `with_variant` type is the variant for that dialect, as the database sees it.
  const variantA = options.dialect !== undefined ? a.variants?.[options.dialect] : undefined;
  const variantB = options.dialect !== undefined ? b.variants?.[options.dialect] : undefined;
  if (variantA || variantB) return typesDiffer(variantA ?? a, variantB ?? b, options);
  if (!a.family || !b.family) return false;
  // Where the database may have enums, a non-native enum (a VARCHAR) is not the enum type a native one is.
  if (a.family === 'ENUM' && b.family === 'ENUM' && !enumsAreVarchar(options.dialect) && isNativeEnum(a) !== isNativeEnum(b)) return true;
  // PostgreSQL's enum is a type of its own, which a column's type compiles to by name: two names are two types.
  if (options.dialect === 'postgresql' && differentEnumTypes(a, b)) return true;
  const stored = storedEnumLengths(a, b, options.dialect);
  if (stored) return stored[0] !== stored[1];
  // A non-native enum is a VARCHAR: against one of no length, Alembic finds no difference (fides' Enum(..., native_enum=False) and String()).
  const varchar = (t: SqlType): boolean => t.family === 'VARCHAR' || (t.family === 'ENUM' && (enumsAreVarchar(options.dialect) || t.args.native_enum === false));
  if ((a.family === 'ENUM' || b.family === 'ENUM') && varchar(a) && varchar(b)) return false;
  if (a.family !== b.family) return !familiesAlike(a.family, b.family, options.dialect ?? impliedDialect(a, b));
  for (const arg of COMPARED_ARGS) {
    const x = a.args[arg];
    const y = b.args[arg];
    if (x !== undefined && y !== undefined && x !== null && y !== null && x !== y) return true;
  }
  if (a.family === 'DATETIME' || a.family === 'TIME') {
    if (options.dialect !== 'sqlite' && options.dialect !== 'mysql' && Boolean(a.args.timezone) !== Boolean(b.args.timezone)) return true;
  }
  if (a.family === 'ARRAY' && a.item && b.item) return typesDiffer(a.item, b.item, options);
  return false;
}

/** Databases with an INTERVAL type SQLAlchemy's Interval uses (PostgreSQL, Oracle). */
const NATIVE_INTERVAL = new Set(['postgresql', 'oracle']);
/** Databases without an enum type of their own: SQLAlchemy makes an Enum a VARCHAR there (`supports_native_enum`). */
const NO_NATIVE_ENUM = new Set(['sqlite', 'oracle', 'mssql']);
/** Databases with one (PostgreSQL's CREATE TYPE, MySQL's ENUM). */
const NATIVE_ENUM = new Set(['postgresql', 'mysql', 'mariadb']);

/** Whether every Enum is a VARCHAR on this dialect (SQLite, Oracle, SQL Server); false when the dialect is unknown. */
export function enumsAreVarchar(dialect: string | undefined): boolean {
  return dialect !== undefined && NO_NATIVE_ENUM.has(dialect);
}

/**
 * Whether SQLAlchemy makes the CHECK constraint an Enum or Boolean type asks for on this dialect: where the database
 * has no type of its own for it (PostgreSQL and MySQL have enums, PostgreSQL booleans); when the dialect is unknown,
 * it may.
 */
export function typeMakesCheck(type: TypeCheck['type'], dialect: string | undefined): boolean {
  if (type.family === 'BOOLEAN') return dialect !== 'postgresql';
  return !type.native || dialect === undefined || !NATIVE_ENUM.has(dialect);
}

/** Whether two native enums are types of different names (`planenum` and `planenum2`); not when a name is unknown. */
export function differentEnumTypes(a: SqlType, b: SqlType): boolean {
  const x = databaseEnumName(a);
  const y = databaseEnumName(b);
  return x !== undefined && y !== undefined && x !== y;
}

/** Whether a type is an enum the database keeps as a type of its own (where it has enums). */
function isNativeEnum(t: SqlType): boolean {
  return t.family === 'ENUM' && t.args.native_enum !== false;
}

/**
 * The VARCHAR lengths a non-native enum and what it is compared with are stored in (SQLite, or `native_enum=False`
 * on every enum side), when both are known: an Enum's `length=`, else its longest value, as SQLAlchemy sizes it.
 */
export function storedEnumLengths(a: SqlType, b: SqlType, dialect: string | undefined): [number, number] | undefined {
  if (a.family !== 'ENUM' && b.family !== 'ENUM') return undefined;
  // Where the database has enums, a native enum is a type of its own (PostgreSQL's CREATE TYPE, MySQL's ENUM), not a VARCHAR.
  if (!enumsAreVarchar(dialect) && (isNativeEnum(a) || isNativeEnum(b))) return undefined;
  const length = (t: SqlType): number | undefined => {
    const given = t.args.length;
    if (typeof given === 'number') return given;
    if (t.family === 'ENUM' && t.enumValues && t.enumValues.length > 0) return Math.max(...t.enumValues.map((v) => v.length));
    return undefined;
  };
  const [x, y] = [length(a), length(b)];
  const comparable = (t: SqlType): boolean => t.family === 'ENUM' || t.family === 'VARCHAR';
  return x !== undefined && y !== undefined && comparable(a) && comparable(b) ? [x, y] : undefined;
}

/**
 * The dialect a type written for one database only shows, when the project's is unknown: a `mysql.` type (MySQL's
 * boolean `TINYINT(1)`, as ichnaea's raw SQL adds it) exists on MySQL alone.
 */
function impliedDialect(a: SqlType, b: SqlType): string | undefined {
  return a.name.startsWith('mysql.') || b.name.startsWith('mysql.') ? 'mysql' : undefined;
}

function familiesAlike(a: string, b: string, dialect?: string): boolean {
  const pair = [a, b].sort().join('/');
  // Non-native enums are stored as VARCHAR; on a database without enums every Enum column is a VARCHAR.
  if (enumsAreVarchar(dialect) && pair === 'ENUM/VARCHAR') return true;
  if (dialect === 'mysql' && (pair === 'BOOLEAN/TINYINT' || pair === 'JSON/LONGTEXT')) return true;
  if (dialect === 'sqlite' && (pair === 'BIGINT/INTEGER' || pair === 'INTEGER/SMALLINT')) return false;
  // SQLAlchemy's Uuid is a CHAR(32) where the database has no UUID type (Alembic compares the types compiled for
  // the dialect); on an unknown dialect the two may or may not differ, and nothing is guessed.
  if (pair === 'CHAR/UUID') return dialect !== 'postgresql' && dialect !== 'mssql';
  // SQLAlchemy's Interval is a DATETIME (from the epoch) where the database has no INTERVAL type of its own; on an
  // unknown dialect, as for Uuid, nothing is guessed.
  if (pair === 'DATETIME/INTERVAL') return dialect === undefined || !NATIVE_INTERVAL.has(dialect);
  return false;
}

/** Whether two Enum types list different values (both must be known). */
export function enumValuesDiffer(a: SqlType, b: SqlType): boolean {
  if (!a.enumValues || !b.enumValues) return false;
  if (a.enumValues.length !== b.enumValues.length) return true;
  const set = new Set(a.enumValues);
  return b.enumValues.some((v) => !set.has(v));
}

const NOW_SPELLINGS = new Set(['now()', 'current_timestamp', 'current_timestamp()', 'localtimestamp', 'localtimestamp()', 'getdate()', 'getutcdate()', 'sysdate', "timezone('utc', now())", "(now() at time zone 'utc')", "now() at time zone 'utc'", "timezone('utc'::text, now())", 'statement_timestamp()', 'transaction_timestamp()', 'clock_timestamp()', 'utc_timestamp()', "datetime('now')", 'curdate()']);
const TRUE_SPELLINGS = new Set(['true', '1', 't', "'1'", "'t'", "'true'", 'yes']);
const FALSE_SPELLINGS = new Set(['false', '0', 'f', "'0'", "'f'", "'false'", 'no']);

/** A comparison key for a server default SQL text: `now()` = `CURRENT_TIMESTAMP`, `'0'` = `false`, quotes and casts dropped. */
export function serverDefaultKey(sql: string): string {
  let s = sql.trim().toLowerCase();
  while (s.startsWith('(') && s.endsWith(')') && balanced(s.slice(1, -1))) s = s.slice(1, -1).trim();
  s = s.replace(/::[a-z_ ]+(\([0-9, ]*\))?(\[\])?$/g, '').trim();
  if (NOW_SPELLINGS.has(s) || NOW_SPELLINGS.has(s.replace(/\s+/g, ' '))) return 'now';
  // SQLite spells the current time with strftime/datetime over 'now' (LOCALTIMESTAMP: over CURRENT_TIMESTAMP).
  if (/^(strftime|datetime|julianday)\(.*('now'|current_timestamp).*\)$/.test(s)) return 'now';
  const niladic = /^([a-z_]+)\(\)$/.exec(s);
  if (niladic && ANSI_NILADIC.has(niladic[1])) return niladic[1];
  if (TRUE_SPELLINGS.has(s)) return 'true';
  if (FALSE_SPELLINGS.has(s)) return 'false';
  if (s.length >= 2 && s.startsWith("'") && s.endsWith("'")) s = s.slice(1, -1).replace(/''/g, "'");
  if (TRUE_SPELLINGS.has(s)) return 'true';
  if (FALSE_SPELLINGS.has(s)) return 'false';
  return s;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** SQL's functions written without parentheses (`CURRENT_DATE`), as SQLAlchemy renders `func.current_date()`. */
const ANSI_NILADIC = new Set(['current_date', 'current_time', 'current_user', 'session_user', 'user', 'localtime']);

const SQL_FUNCTIONS_AS_NOW = new Set(['now', 'current_timestamp', 'localtimestamp', 'sysdate', 'utc_timestamp', 'statement_timestamp', 'transaction_timestamp', 'clock_timestamp']);

/** A `server_default=` value as schema (`"x"`, `sa.text("now()")`, `func.now()`, `sa.false()`), with its comparison key. */
export function evalServerDefault(ctx: EvalContext, e: Expr, depth = 0): ServerDefault | undefined {
  let text = exprText(e);
  if ((e.k === 'name' || e.k === 'attr') && depth < MAX_DEPTH) {
    // A name for a call of SQLAlchemy's (letta's `server_default=timestamp_default`, a `sa.text(...)` bound before):
    // that call; a name for anything else is read as the value it holds, below.
    const v = ctx.resolver.resolve(ctx.file, e, ctx.locals);
    const callee = v.t === 'expr' && v.e.k === 'call' ? ctx.resolver.resolve(v.file, v.e.fn) : undefined;
    if (v.t === 'expr' && callee?.t === 'ext' && canonicalName(callee.q).startsWith('sa.')) return evalServerDefault({ resolver: ctx.resolver, file: v.file }, v.e, depth + 1);
  }
  if (e.k === 'call') {
    const fn = ctx.resolver.resolve(ctx.file, e.fn, ctx.locals);
    const canonical = fn.t === 'ext' ? canonicalName(fn.q) : undefined;
    if (canonical?.startsWith('sa.func.')) {
      // Spelled as SQLAlchemy's `func.` whatever name the module gives it (`func as sql_func`), as a revision writes it.
      const written = exprText(e.fn);
      if (text.startsWith(written) && !/(^|\.)func\.\w+$/.test(written)) text = `func.${canonical.slice('sa.func.'.length)}${text.slice(written.length)}`;
      const f = canonical.slice('sa.func.'.length).toLowerCase();
      if (SQL_FUNCTIONS_AS_NOW.has(f)) return { text, key: 'now' };
      if (ANSI_NILADIC.has(f) && e.args.length === 0) return { text, key: f };
      const args = e.args.map((a) => evalLiteral(ctx.resolver, ctx.file, a, ctx.locals));
      return { text, key: args.every((a) => a !== undefined) ? `${f}(${args.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(', ')})` : undefined };
    }
    if (canonical === 'sa.true') return { text, key: 'true' };
    if (canonical === 'sa.false') return { text, key: 'false' };
    if (canonical === 'sa.null') return undefined;
    if (canonical === 'sa.text' || canonical === 'sa.literal_column' || canonical === 'sa.DefaultClause') {
      const v = e.args[0] ? evalLiteral(ctx.resolver, ctx.file, e.args[0], ctx.locals) : undefined;
      return { text, key: typeof v === 'string' ? serverDefaultKey(v) : undefined };
    }
    // Filled by the database in a way the model does not say: nothing to compare, as Alembic compares nothing.
    if (canonical === 'sa.FetchedValue') return { text, fetched: true };
    if (canonical === 'sa.Computed' || canonical === 'sa.Identity') return undefined;
    return { text };
  }
  const v = evalLiteral(ctx.resolver, ctx.file, e, ctx.locals);
  // None, written or named (a helper's `server_default=None` parameter, `NO_DEFAULT = None`): no default.
  if (v === null) return undefined;
  if (typeof v === 'string') {
    const key = serverDefaultKey(`'${v.replace(/'/g, "''")}'`);
    return e.k === 'str' ? { text, key } : { text, key, value: v };
  }
  if (typeof v === 'number' || typeof v === 'boolean') return { text, key: serverDefaultKey(String(v)) };
  return { text };
}

/**
 * The name (lower-cased) of the database type a native enum is, as PostgreSQL makes it; undefined for any other type,
 * a non-native enum (`native_enum=False`, a VARCHAR of the column's own) too.
 */
export function databaseEnumName(t: SqlType | undefined): string | undefined {
  return t?.family === 'ENUM' && t.args.native_enum !== false ? t.enumName?.toLowerCase() : undefined;
}

/** `base.with_variant(other, "dialect", ...)` (also a list of dialect names): the base type, with the variants kept. */
function withVariant(ctx: EvalContext, e: Extract<Expr, { k: 'call' }>, depth: number): SqlType | undefined {
  if (e.fn.k !== 'attr') return undefined;
  const base = evalType(ctx, e.fn.obj, depth + 1);
  const variant = e.args[0] ? evalType(ctx, e.args[0], depth + 1) : undefined;
  if (!base || !variant) return base;
  const names = e.args.slice(1).flatMap((a) => (a.k === 'str' ? [a.v] : a.k === 'list' || a.k === 'tuple' ? a.items.flatMap((i) => (i.k === 'str' ? [i.v] : [])) : []));
  const dialect = e.kw.find((k) => k.name === 'dialect_name')?.value;
  if (dialect?.k === 'str') names.push(dialect.v);
  if (names.length === 0) return base;
  return { ...base, variants: { ...base.variants, ...Object.fromEntries(names.map((n) => [n, variant])) } };
}

/** GeoAlchemy2's spatial column types. */
const SPATIAL_TYPE = /^geoalchemy2\.(?:types\.)?(?:Geometry|Geography|Raster)$/;

/**
 * The index GeoAlchemy2 gives a column of a spatial type (`idx_<table>_<column>`, on unless `spatial_index=False`),
 * which it adds to the table with the column, so that `create_all()`, `op.create_table` and `op.add_column` make it.
 */
export function spatialIndexName(type: SqlType | undefined, table: string, column: string): string | undefined {
  const spatial = !!type && SPATIAL_TYPE.test(type.name) && type.args.spatial_index !== false;
  return spatial ? `idx_${table}_${column}` : undefined;
}
