import type { Expr } from '../python/syntax';
import { callsIn, keywordArg } from '../python/syntax';
import { canonicalName, type Resolver } from '../python/resolve';
import { evalLiteral, evalString, soleReturn } from '../python/literals';
import type { ClassGraph, DeclarativeRoot } from './classes';

/** A MetaData's `naming_convention` templates by kind (ix, uq, fk, pk, ck), plus its default `schema`. */
export interface NamingConvention {
  ix?: string;
  uq?: string;
  fk?: string;
  pk?: string;
  ck?: string;
  __schema?: string;
  /** Tokens of the project's own, by name: functions of the constraint that the templates use (indico's `column_names`). */
  tokens?: Record<string, ConventionToken>;
}

/**
 * What a token function of a naming convention gives, where it is of a form read here: the constraint's column names
 * joined by a separator (`"_".join(c.name for c in constraint.columns)`), or one text for a unique index and another
 * for the rest (`"uq_" if constraint.unique else ""`).
 */
export type ConventionToken = { kind: 'columns'; separator: string } | { kind: 'ifUnique'; unique: string; other: string };

const DEFAULT_INDEX = 'ix_%(column_0_label)s';

/**
 * The `registry(...)` call a base's `registry` attribute holds: written there, or a module's (advanced-alchemy's
 * `registry = orm_registry`).
 */
export function registryCall(resolver: Resolver, file: string, value: Expr): { file: string; e: Extract<Expr, { k: 'call' }> } | undefined {
  if (value.k === 'call') return { file, e: value };
  const v = value.k === 'name' || value.k === 'attr' ? resolver.resolve(file, value) : undefined;
  return v?.t === 'expr' && v.e.k === 'call' ? { file: v.file, e: v.e } : undefined;
}

/** The `MetaData(...)` call behind a declarative root, if it can be found. */
function metadataCall(resolver: Resolver, root: DeclarativeRoot): { file: string; call: Extract<Expr, { k: 'call' }> } | undefined {
  const fromExpr = (file: string, e: Expr | undefined): { file: string; call: Extract<Expr, { k: 'call' }> } | undefined => {
    if (!e) return undefined;
    if (e.k === 'call') {
      const fn = resolver.resolve(file, e.fn);
      if (fn.t === 'ext' && canonicalName(fn.q) === 'sa.MetaData') return { file, call: e };
      return undefined;
    }
    // `mapper_registry.metadata` where `mapper_registry = registry(metadata=...)` (backend.ai).
    if (e.k === 'attr' && e.name === 'metadata') {
      const owner = resolver.resolve(file, e.obj);
      if (owner.t === 'expr' && owner.e.k === 'call') return fromExpr(owner.file, keywordArg(owner.e, 'metadata'));
    }
    const v = resolver.resolve(file, e);
    return v.t === 'expr' ? fromExpr(v.file, v.e) : undefined;
  };
  if (root.call) {
    const e = root.call.e;
    const fn = resolver.resolve(root.call.file, e.fn);
    if (fn.t === 'ext' && canonicalName(fn.q) === 'sa.MetaData') return { file: root.call.file, call: e };
    const found = fromExpr(root.call.file, keywordArg(e, 'metadata'));
    if (found) return found;
    // `reg.generate_base()` (or `@reg.mapped`) where `reg = registry(metadata=...)`: the registry's MetaData.
    const registry = e.fn.k === 'attr' ? resolver.resolve(root.call.file, e.fn.obj) : undefined;
    if (registry?.t === 'expr' && registry.e.k === 'call') {
      const own = fromExpr(registry.file, keywordArg(registry.e, 'metadata'));
      if (own) return own;
    }
  }
  if (root.cls) {
    for (const s of root.cls.cls.body) {
      if (s.k === 'assign' && s.value && s.targets.some((t) => t.k === 'name' && t.id === 'metadata')) return fromExpr(root.cls.file, s.value);
      // `registry = registry(metadata=MetaData(naming_convention=...))` in a DeclarativeBase subclass (prefect).
      const registry = s.k === 'assign' && s.value && s.targets.some((t) => t.k === 'name' && t.id === 'registry') ? registryCall(resolver, root.cls.file, s.value) : undefined;
      if (registry) {
        const own = fromExpr(registry.file, keywordArg(registry.e, 'metadata'));
        if (own) return own;
      }
    }
  }
  return undefined;
}

/**
 * Reads the naming convention (and default schema) of the MetaData a declarative root uses; with `assigning`, as the
 * last of its assignments that sets it after it was made (`Base.metadata.naming_convention = {...}`), if one does.
 */
export function readNamingConvention(resolver: Resolver, root: DeclarativeRoot, assigning?: { graph: ClassGraph; assignments: ConventionAssignment[] }): NamingConvention {
  const md = metadataCall(resolver, root);
  const out: NamingConvention = {};
  const schema = md && evalString(resolver, md.file, keywordArg(md.call, 'schema'));
  if (schema) out.__schema = schema;
  const assigned = assigning && assignedConvention(assigning.graph, root, withRootModule(resolver, root, assigning.assignments));
  if (assigned) return { ...conventionDict(resolver, assigned.file, assigned.e), ...out };
  return md ? { ...conventionDict(resolver, md.file, keywordArg(md.call, 'naming_convention')), ...out } : out;
}

/** The templates of a `naming_convention` dict, written out or held by a name. */
function conventionDict(resolver: Resolver, file: string, conv: Expr | undefined): NamingConvention {
  if (conv && conv.k !== 'dict') {
    const v = resolver.resolve(file, conv);
    if (v.t === 'expr') {
      conv = v.e;
      file = v.file;
    }
  }
  const out: NamingConvention = {};
  if (conv?.k !== 'dict') return out;
  for (const [k, v] of conv.entries) {
    if (!k) continue;
    const key = evalString(resolver, file, k) ?? (k.k === 'name' || k.k === 'attr' ? resolver.externalName(file, k) : undefined);
    const value = evalLiteral(resolver, file, v);
    const token = typeof value !== 'string' && key ? conventionToken(resolver, file, v) : undefined;
    if (token) (out.tokens ??= {})[key!] = token;
    if (typeof value !== 'string' || !key) continue;
    const kind = { ix: 'ix', uq: 'uq', fk: 'fk', pk: 'pk', ck: 'ck', 'sa.Index': 'ix', 'sa.UniqueConstraint': 'uq', 'sa.ForeignKeyConstraint': 'fk', 'sa.PrimaryKeyConstraint': 'pk', 'sa.CheckConstraint': 'ck' }[key];
    if (kind) out[kind as 'ix'] = value;
  }
  return out;
}

/** The token a function of a naming convention makes, where its one `return` is of a form `ConventionToken` names. */
function conventionToken(resolver: Resolver, file: string, e: Expr): ConventionToken | undefined {
  const fn = e.k === 'name' || e.k === 'attr' ? resolver.resolve(file, e) : undefined;
  const returned = fn?.t === 'def' ? soleReturn(fn.def) : undefined;
  const constraint = fn?.t === 'def' ? fn.def.params[0]?.name : undefined;
  if (!returned || !constraint) return undefined;
  const isAttr = (x: Expr, name: string): boolean => x.k === 'attr' && x.name === name && x.obj.k === 'name' && x.obj.id === constraint;
  if (returned.k === 'call' && returned.fn.k === 'attr' && returned.fn.name === 'join' && returned.fn.obj.k === 'str' && returned.args.length === 1) {
    const items = returned.args[0];
    if (items.k === 'comp' && items.conds.length === 0 && isAttr(items.iter, 'columns') && isColumnName(items.elt, items.target)) return { kind: 'columns', separator: returned.fn.obj.v };
  }
  if (returned.k === 'ifexp' && isAttr(returned.test, 'unique') && returned.body.k === 'str' && returned.orelse.k === 'str') return { kind: 'ifUnique', unique: returned.body.v, other: returned.orelse.v };
  return undefined;
}

/** Whether `elt` is the name of the column `target` is: `c.name`, or `c if isinstance(c, str) else c.name` (indico's). */
function isColumnName(elt: Expr, target: Expr): boolean {
  if (target.k !== 'name') return false;
  const isTarget = (x: Expr): boolean => x.k === 'name' && x.id === target.id;
  const nameOf = (x: Expr): boolean => x.k === 'attr' && x.name === 'name' && isTarget(x.obj);
  if (nameOf(elt)) return true;
  const test = elt.k === 'ifexp' ? elt.test : undefined;
  const isString = test?.k === 'call' && test.fn.k === 'name' && test.fn.id === 'isinstance' && test.args.length === 2 && isTarget(test.args[0]) && test.args[1].k === 'name' && test.args[1].id === 'str';
  return elt.k === 'ifexp' && isString && isTarget(elt.body) && nameOf(elt.orelse);
}

/** A top-level `<metadata>.naming_convention = <value>` of a module: the MetaData expression and the value. */
export interface ConventionAssignment {
  file: string;
  metadata: Expr;
  value: Expr;
}

/**
 * The last assignment that sets the MetaData of `root` (fmn's `Base.metadata.naming_convention = naming_convention` on
 * sqlalchemy-helpers' base, `SQLModel.metadata.naming_convention = {...}`): what the tables of its models are named
 * by from then on.
 */
function assignedConvention(graph: ClassGraph, root: DeclarativeRoot, assignments: ConventionAssignment[]): { file: string; e: Expr } | undefined {
  if (assignments.length === 0) return undefined;
  const key = metadataKey(graph.resolver, root);
  const last = assignments.filter((a) => metadataKeyOf(graph, a.file, a.metadata) === key).at(-1);
  return last && { file: last.file, e: last.value };
}

/**
 * The assignments of a naming convention to a MetaData at the top level, in order, of a module and of the modules it
 * imports names from (fmn's models take `Base` from the module that sets it): those that may name its tables.
 */
export function conventionAssignments(resolver: Resolver, file: string): ConventionAssignment[] {
  const files = [file];
  for (const s of resolver.moduleBody(file)) {
    const imported = s.k === 'from' ? resolver.importedModule(file, s.level, s.module) : undefined;
    if (imported && !files.includes(imported)) files.push(imported);
  }
  return files.flatMap((f) => moduleAssignments(resolver, f));
}

/**
 * The one naming convention the project's modules set (`X.metadata.naming_convention = {...}` at the top level of a
 * module, or `MetaData(naming_convention=...)`, Flask-SQLAlchemy's `SQLAlchemy(metadata=MetaData(...))` among them),
 * when they set exactly one; undefined when none does, or several differ.
 */
export function projectConvention(resolver: Resolver, files: string[]): NamingConvention | undefined {
  const found = new Map<string, NamingConvention>();
  const add = (convention: NamingConvention): void => {
    found.set(JSON.stringify(convention), convention);
  };
  for (const file of files) {
    for (const a of moduleAssignments(resolver, file)) add(conventionDict(resolver, a.file, a.value));
    for (const call of callsIn(resolver.moduleBody(file))) {
      const given = keywordArg(call, 'naming_convention');
      if (given && resolver.externalName(file, call.fn) === 'sa.MetaData') add(conventionDict(resolver, file, given));
    }
  }
  return found.size === 1 ? [...found.values()][0] : undefined;
}

/** The top-level assignments of a naming convention of one module, in order. */
function moduleAssignments(resolver: Resolver, file: string): ConventionAssignment[] {
  const out: ConventionAssignment[] = [];
  for (const s of resolver.moduleBody(file)) {
    const target = s.k === 'assign' && s.targets.length === 1 ? s.targets[0] : undefined;
    if (s.k === 'assign' && s.value && target?.k === 'attr' && target.name === 'naming_convention') out.push({ file, metadata: target.obj, value: s.value });
  }
  return out;
}

/**
 * The assignments, after those of the module that makes the root (run when it is first imported): indico sets
 * `db.Model.metadata.naming_convention` where it makes `db`, which its models reach through two packages' re-exports.
 */
function withRootModule(resolver: Resolver, root: DeclarativeRoot, assignments: ConventionAssignment[]): ConventionAssignment[] {
  const file = root.call?.file ?? root.cls?.file;
  if (file === undefined || assignments.some((a) => a.file === file)) return assignments;
  const own = moduleAssignments(resolver, file);
  return own.length > 0 ? [...own, ...assignments] : assignments;
}

/** The kinds of object a naming convention names: indexes, and unique, foreign key, primary key and check constraints. */
export type NamingKind = 'ix' | 'uq' | 'fk' | 'pk' | 'ck';

/** The template a convention names one kind by (indexes have SQLAlchemy's default), or undefined. */
export function conventionTemplate(conv: NamingConvention, kind: NamingKind): string | undefined {
  return conv[kind] ?? (kind === 'ix' ? DEFAULT_INDEX : undefined);
}

/**
 * The name SQLAlchemy gives the index a column's `index=True` makes: by the convention, or where that cannot be read
 * (a token this does not know), by SQLAlchemy's default, as both the models and the ops are read.
 */
export function columnIndexName(conv: NamingConvention, at: { table: string; schema?: string; column: string; unique: boolean }): string {
  const columns = [at.column];
  return conventionName(conv, 'ix', { table: at.table, schema: at.schema, columns, unique: at.unique }) ?? conventionName({}, 'ix', { table: at.table, schema: at.schema, columns })!;
}

/** The name a naming convention gives a constraint or index, or undefined when the convention has no template. */
export function conventionName(conv: NamingConvention, kind: NamingKind, at: { table: string; columns: string[]; referredTable?: string; constraintName?: string; schema?: string; unique?: boolean }): string | undefined {
  const template = conventionTemplate(conv, kind);
  if (!template) return undefined;
  // A column's label carries its table's schema (dots made underscores), as SQLAlchemy labels columns.
  const labelOf = (c: string): string => [at.schema?.replace(/\./g, '_'), at.table, c].filter((p) => p !== undefined).join('_');
  let unresolved = false;
  const out = template.replace(/%\((\w+)\)s/g, (_m, token: string) => {
    switch (token) {
      case 'table_name':
        return at.table;
      case 'column_0_name':
        return at.columns[0] ?? '';
      case 'column_0_label':
        return labelOf(at.columns[0] ?? '');
      case 'column_0_N_name':
        return at.columns.join('_');
      case 'column_0N_name':
        return at.columns.join('');
      case 'column_0_N_label':
        return at.columns.map(labelOf).join('_');
      case 'referred_table_name':
        return at.referredTable ?? '';
      case 'constraint_name':
        if (at.constraintName === undefined) unresolved = true;
        return at.constraintName ?? '';
      default: {
        const own = conv.tokens?.[token];
        if (own?.kind === 'columns') return at.columns.join(own.separator);
        if (own?.kind === 'ifUnique' && at.unique !== undefined) return at.unique ? own.unique : own.other;
        unresolved = true;
        return '';
      }
    }
  });
  return unresolved ? undefined : out;
}

/**
 * The identity (as `metadataKey` gives it) of a MetaData written as an expression: `Base.metadata`, `db.metadata`,
 * `db.Model.metadata`, or a `MetaData()` variable; a Core table's second argument, or env.py's `target_metadata`.
 */
export function metadataKeyOf(graph: ClassGraph, file: string, e: Expr | undefined): string | undefined {
  const root = metadataRootOf(graph, file, e);
  return root ? metadataKey(graph.resolver, root) : undefined;
}

/**
 * The naming convention of the MetaData an expression names (env.py's `target_metadata`, which Alembic's ops name
 * their constraints by), found as `metadataKeyOf` finds its identity; undefined when that MetaData is not known.
 */
export function namingConventionOf(graph: ClassGraph, file: string, e: Expr | undefined): NamingConvention | undefined {
  const root = metadataRootOf(graph, file, e);
  return root ? readNamingConvention(graph.resolver, root, { graph, assignments: conventionAssignments(graph.resolver, file) }) : undefined;
}

/** What holds the MetaData an expression names: a declarative root, or the `MetaData(...)` call itself. */
function metadataRootOf(graph: ClassGraph, file: string, e: Expr | undefined, depth = 0): DeclarativeRoot | undefined {
  if (!e || depth > 4) return undefined;
  const resolver = graph.resolver;
  const holder = e.k === 'attr' && e.name === 'metadata' ? e.obj : undefined;
  // `Model.__table__.metadata`: the MetaData of a model's table is its base's (datacube's `MetadataObj`).
  const owner = holder?.k === 'attr' && holder.name === '__table__' ? holder.obj : holder;
  if (owner) {
    const whole = resolver.resolve(file, owner);
    const v = whole.t === 'class' ? whole : resolver.resolve(file, owner.k === 'attr' && owner.name === 'Model' ? owner.obj : owner);
    if (v.t === 'class') {
      const ref = { file: v.file, cls: v.cls };
      if (graph.isDeclarativeBaseClass(ref)) return { kind: 'declarative', cls: ref };
      const root = graph.rootOf(ref);
      // A plain class that holds a MetaData, and Core tables in it (buildbot's `class Model: metadata = sa.MetaData()`).
      const own = root ? undefined : graph.ownAttribute(ref, 'metadata');
      return root ?? (own?.k === 'call' ? { kind: 'declarative', call: { file: v.file, e: own } } : undefined);
    }
    if (v.t === 'expr' && v.e.k === 'call') {
      // `BASE = get_base()`: the MetaData of the base the function returns.
      const returned = graph.returnedBase(v.file, v.e);
      if (returned?.e.k === 'call') return { kind: 'declarative', call: { file: returned.file, e: returned.e } };
      if (returned) return metadataRootOf(graph, returned.file, { k: 'attr', obj: returned.e, name: 'metadata', s: returned.e.s }, depth + 1);
      return { kind: 'declarative', call: { file: v.file, e: v.e } };
    }
    if (v.t === 'ext' && canonicalName(v.q) === 'sqlmodel.SQLModel') return { kind: 'sqlmodel' };
    return undefined;
  }
  const v = resolver.resolve(file, e);
  // A name given such a MetaData (`MetadataObj = Dataset.__table__.metadata`, imported into env.py).
  if (v.t === 'expr' && v.e.k === 'attr' && v.e.name === 'metadata') return metadataRootOf(graph, v.file, v.e, depth + 1);
  return v.t === 'expr' && v.e.k === 'call' ? { kind: 'declarative', call: { file: v.file, e: v.e } } : undefined;
}

/**
 * An identity for the MetaData a declarative root puts its tables in: its `MetaData(...)` call when one can be
 * found, else the root itself. Tables with different keys belong to different MetaData objects.
 */
export function metadataKey(resolver: Resolver, root: DeclarativeRoot): string {
  if (root.sharedMetadata !== undefined) return root.sharedMetadata;
  const md = metadataCall(resolver, root);
  if (md) return `${md.file}:${md.call.s[0]}:${md.call.s[1]}`;
  if (root.cls) {
    // `metadata = mapper_registry.metadata` where `mapper_registry = registry()`: that registry's MetaData, which a Core
    // `Table(..., mapper_registry.metadata)` names too (galaxy's tool shed).
    const own = root.cls.cls.body.find((s) => s.k === 'assign' && s.targets.some((t) => t.k === 'name' && t.id === 'metadata'));
    const value = own?.k === 'assign' ? own.value : undefined;
    const registry = value?.k === 'attr' && value.name === 'metadata' ? resolver.resolve(root.cls.file, value.obj) : undefined;
    if (registry?.t === 'expr' && registry.e.k === 'call') return `${registry.file}:${registry.e.s[0]}:${registry.e.s[1]}`;
    return `${root.cls.file}:${root.cls.cls.name}`;
  }
  if (root.call) return `${root.call.file}:${root.call.e.s[0]}:${root.call.e.s[1]}`;
  return root.kind;
}
