import type { Expr, Span, Stmt } from '../python/syntax';
import { callsIn, isNone, keywordArg, returnedValue, substituteNames } from '../python/syntax';
import { exprText, type ClassStmt, type Locals, type Resolver, type Value } from '../python/resolve';
import { assignedLocals, bindLiteral, boundValue, evalDict, evalLiteral, evalString, evalStringList, helperArguments, isTruthy, literalExpr, schemaOfTableArgs, tableArgsEntry, type Literal } from '../python/literals';
import { makeFinding, type Finding } from '../findings';
import { newTable, setPrimaryKey, tableKey, type CheckDef, type ColumnDef, type SourceRef, type SqlType, type TableDef, type TypeCheck, type UnnamedTable } from '../schema/schema';
import { evalType, spatialIndexName, type EvalContext } from '../schema/types';
import { attributeTuple, calleeName, columnDeclaration, MAPPED_NOT_IN_TABLE, evalColumnCall, evalConstraintCall, sqlModelFieldType, type CheckSpec, type ColumnSource, type ColumnSpec, type ForeignKeySpec } from '../schema/columns';
import { columnSourceOf } from './columnSource';
import { ClassGraph, type ClassRef, type DeclarativeRoot } from './classes';
import { readAnnotation, unwrapMapped, annotationKey, type AnnotationInfo, type TypeMapEntry, isClassVar } from './annotations';
import { computedTableName, flaskTableName, tableNameAfterSubclassHook } from './tableNames';
import { isLibraryFile } from './libraryModels';
import { mapperMixinOf, readHistoryRecipe, type HistoryRecipe } from './historyRecipe';
import { columnIndexName, conventionAssignments, conventionName, metadataKey, metadataKeyOf, namingConventionOf, readNamingConvention, registryCall, type ConventionAssignment, type NamingConvention } from './naming';

/** The schema the models describe, with the findings met while reading them. */
export interface ModelSchema {
  tables: TableDef[];
  findings: Finding[];
  /** The tables whose names could not be evaluated (each also has an `unresolved` finding). */
  unnamed: UnnamedTable[];
}

interface TablePlan {
  table: TableDef;
  root: DeclarativeRoot;
  convention: NamingConvention;
}

/** A class's `__table_args__`: the expression, where it is read, and what the branches of an undecided test return. */
interface TableArgs {
  expr: Expr;
  file: string;
  locals?: Locals;
  alternatives?: Expr[];
}

/** A column declared in a class body, before it is placed in a table. */
interface DeclaredColumn {
  attr: string;
  spec: ColumnSpec;
  origin: SourceRef;
  /** Nullability when `nullable=` is not given. */
  defaultNullable: boolean;
  /** A SQLModel field whose default is None on a type that does not admit None: nullable on pydantic 1 (see ColumnDef). */
  noneDefault?: true;
  /** Where it is written, when it is written in place in the table's own class (for edits of the model). */
  source?: ColumnSource;
}

const NOT_COLUMNS = new Set([...MAPPED_NOT_IN_TABLE, 'sa.column_property', 'sa.composite']);

/**
 * Reads every SQLAlchemy model of the given files (declarative classes, 2.0 `Mapped`, Flask-SQLAlchemy, SQLModel,
 * Core `Table(...)`) into the tables they describe, following mixins, abstract bases and inheritance.
 */
export function extractModels({ resolver, files }: { resolver: Resolver; files: string[] }): ModelSchema {
  return new ModelReader(resolver).read(files);
}

class ModelReader {
  private readonly graph: ClassGraph;
  private readonly plans = new Map<object, TablePlan | null>();
  private readonly tables = new Map<string, TableDef>();
  /** The classes that made each table (their contributors), asked only when a second class takes its name. */
  private readonly madeBy = new WeakMap<TableDef, ClassRef[]>();
  private readonly findings: Finding[] = [];
  private readonly unnamed: UnnamedTable[] = [];
  private readonly classTables = new Map<object, TableDef>();
  /** Each mapped class's `__table_args__` (see `tableArgsExpr`). */
  private readonly tableArgsOf = new Map<ClassStmt, TableArgs | undefined>();
  private readonly pending: Array<{ table: TableDef; col: ColumnDef; spec: ColumnSpec }> = [];
  private readonly attributeColumns = new Map<TableDef, Map<string, string>>();
  /** How many calls of each factory function (`def make_label(table)`) were read as a model. */
  private readonly factoryCalls = new Map<object, number>();

  /** The assignments that may set the naming convention of each model file's MetaData (`conventionAssignments`). */
  private readonly conventionAssignments = new Map<string, ConventionAssignment[]>();

  constructor(private readonly resolver: Resolver) {
    this.graph = new ClassGraph(resolver);
  }

  read(files: string[]): ModelSchema {
    const factories: Array<{ file: string; def: Extract<Stmt, { k: 'def' }> }> = [];
    for (const file of files) {
      for (const stmt of topLevel(this.resolver.moduleBody(file))) {
        if (stmt.k === 'class') {
          const ref = { file, cls: stmt };
          if (!this.planFor(ref)) {
            this.noteExternalModel(ref);
            this.classHeldTables(ref);
          }
          for (const s of stmt.body) if (s.k === 'assign' && s.value?.k === 'call') this.factoryInstance(file, s.value, classBodyNames(ref, s.value));
          for (const s of stmt.body) if (s.k === 'def') this.noteTypeBuiltModels(file, s);
        } else if (stmt.k === 'def') {
          factories.push({ file, def: stmt });
          this.noteTypeBuiltModels(file, stmt);
        }
        else if (stmt.k === 'assign' && stmt.value?.k === 'call') {
          this.coreTable(file, stmt.value, stmt.targets[0]);
          this.factoryInstance(file, stmt.value, undefined);
        } else if (stmt.k === 'expr' && stmt.value.k === 'call') this.coreTable(file, stmt.value, undefined);
        else if (stmt.k === 'for') this.loopTables(file, stmt);
      }
    }
    // Every call of a factory in the files read (in functions, loops and comprehensions too) must have been read.
    const written = this.factoryCalls.size > 0 ? callCounts(files.flatMap((f) => callsIn(this.resolver.moduleBody(f)))) : new Map<string, number>();
    for (const { file, def } of factories) {
      const read = this.factoryCalls.get(def) ?? 0;
      if (read === 0 || (written.get(def.name) ?? 0) > read) this.noteFactoryModels(file, def, read > 0);
    }
    for (const file of files) for (const stmt of topLevel(this.resolver.moduleBody(file))) this.assignedColumn(file, stmt);
    // Module-level `Index("ix", table.c.a, Model.b)`, `UniqueConstraint(Model.a)` and `ForeignKeyConstraint([Model.a],
    // [...])` calls attach to the table of their columns, once all are known (a constraint given column names, not
    // columns, attaches to nothing).
    for (const file of files) {
      for (const stmt of topLevel(this.resolver.moduleBody(file))) {
        const call = stmt.k === 'expr' ? stmt.value : stmt.k === 'assign' ? stmt.value : undefined;
        const callee = call?.k === 'call' ? calleeName(this.ctx(file), call) : undefined;
        if (call?.k === 'call' && (callee === 'sa.Index' || callee === 'sa.UniqueConstraint')) this.moduleConstraint(file, call, callee === 'sa.Index' ? call.args[1] : call.args[0]);
        // `ForeignKeyConstraint([Build.project_uuid, ...], [Environment.project_uuid, ...])` joins the table of its columns.
        const columns = call?.k === 'call' && callee === 'sa.ForeignKeyConstraint' ? call.args[0] : undefined;
        if (call?.k === 'call' && (columns?.k === 'list' || columns?.k === 'tuple')) this.moduleConstraint(file, call, columns.items[0]);
      }
    }
    this.resolvePending();
    for (const table of this.tables.values()) placeLibraryOrigins(table);
    this.noteVersionTables(files);
    this.applyHistoryRecipe(files);
    return { tables: [...this.tables.values()], findings: this.findings, unnamed: this.unnamed };
  }

  /**
   * The tables SQLAlchemy-Continuum makes at run time for the models marked `__versioned__` (ihatemoney's bills): a
   * `<table>_version` for each, and for the association tables of their files, and its `transaction` table. Their
   * columns are not read; they are named, so that the migrations' tables of those names are not reported as having
   * no model.
   */
  private noteVersionTables(files: string[]): void {
    const versioned: Array<{ ref: ClassRef; table: TableDef }> = [];
    const versionedFiles = new Set<string>();
    for (const file of files) {
      for (const stmt of topLevel(this.resolver.moduleBody(file))) {
        const table = stmt.k === 'class' ? this.classTables.get(stmt) : undefined;
        if (stmt.k !== 'class' || !table) continue;
        const ref = { file, cls: stmt };
        if (![ref, ...this.graph.ancestors(ref)].some((c) => this.graph.ownAttribute(c, '__versioned__') !== undefined)) continue;
        versioned.push({ ref, table });
        versionedFiles.add(file);
      }
    }
    if (versioned.length === 0) return;
    for (const { ref, table } of versioned) this.noteRunTimeTable(`${table.name}_version`, `the version table SQLAlchemy-Continuum makes for model ${ref.cls.name}`, { file: ref.file, span: ref.cls.nameSpan });
    for (const table of this.tables.values()) {
      if (table.modelKind === 'table' && versionedFiles.has(table.origin.file)) this.noteRunTimeTable(`${table.name}_version`, `the version table SQLAlchemy-Continuum makes for association table ${table.name}`, table.origin);
    }
    this.noteRunTimeTable('transaction', "SQLAlchemy-Continuum's transaction table", { file: versioned[0].ref.file, span: versioned[0].ref.cls.nameSpan });
  }

  /**
   * SQLAlchemy's versioned_history example, as the project copies it (`readHistoryRecipe`): the `version` column it
   * appends to each model's table, placed on the model's class, and the `<table>_history` table it makes, named so
   * that the migrations' table of that name is not reported as having no model (its columns are not read).
   */
  private applyHistoryRecipe(files: string[]): void {
    // The recipe's functions are read once per mixin, not once per model.
    const recipes = new Map<object, HistoryRecipe>();
    for (const file of files) {
      for (const stmt of topLevel(this.resolver.moduleBody(file))) {
        const table = stmt.k === 'class' ? this.classTables.get(stmt) : undefined;
        if (stmt.k !== 'class' || !table || table.origin.span !== stmt.nameSpan) continue;
        const mixin = mapperMixinOf(this.graph, { file, cls: stmt });
        if (!mixin) continue;
        let recipe = recipes.get(mixin.cls);
        if (!recipe) recipes.set(mixin.cls, (recipe = readHistoryRecipe(this.resolver, mixin)));
        const plan: TablePlan = { table, root: { kind: 'declarative' }, convention: {} };
        for (const { ctx, call } of recipe.addedColumns) {
          const spec = evalColumnCall(ctx, call, 'sa.Column');
          if (spec.name && !table.columns.has(spec.name)) this.addColumn(plan, { attr: spec.name, spec, origin: table.origin, defaultNullable: !spec.primaryKey }, false);
        }
        const history = recipe.historyTable?.(table.name);
        if (history) this.noteRunTimeTable(history, `the history table SQLAlchemy's versioned_history recipe makes for model ${stmt.name}`, table.origin);
      }
    }
  }

  /**
   * Names a table made at run time, once: the migrations' table of that name is not reported as having no model, and
   * its columns are not read.
   */
  private noteRunTimeTable(name: string, what: string, origin: SourceRef): void {
    if (!this.unnamed.some((u) => u.name === name)) this.unnamed.push({ what, why: 'made at run time, whose columns are not read', origin, name });
  }

  /**
   * A class with a `__tablename__` whose declarative base comes from outside the project (neutron's models derive
   * from neutron_lib's model_base.BASEV2): SQLAlchemy may well map it, but what its bases declare is not known, so
   * its table is named as described by a class whose columns are not read.
   */
  private noteExternalModel(ref: ClassRef): void {
    const tableName = this.graph.ownAttribute(ref, '__tablename__');
    const name = tableName && evalString(this.resolver, ref.file, tableName);
    if (!name || this.graph.rootOf(ref) || this.unnamed.some((u) => u.name === name)) return;
    const external = [ref, ...this.graph.ancestors(ref)].map((c) => this.graph.opaqueBase(c)).find((b) => b !== undefined);
    if (!external) return;
    this.unnamed.push({ what: `class ${ref.cls.name}`, why: `whose base ${exprText(external)} is not in the project (its columns are not known)`, origin: { file: ref.file, span: ref.cls.nameSpan }, name });
  }

  /**
   * The mapped class a factory function makes for one call (mlrun's `Label = make_label(__tablename__)` in a model's
   * body, where `def make_label(table): class Label(Base): __tablename__ = f"{table}_labels" ...; return Label`): the
   * class with its parameters replaced by the call's arguments, read as any model, when each argument is a literal.
   */
  private factoryInstance(file: string, call: Extract<Expr, { k: 'call' }>, locals: Locals | undefined): void {
    const fn = this.resolver.resolve(file, call.fn, locals);
    if (fn.t !== 'def' || call.args.some((a) => a.k === 'starred') || call.kw.some((k) => k.name === null)) return;
    const returned = returnedValue(fn.def);
    const at = returned?.k === 'name' ? fn.def.body.findIndex((s) => s.k === 'class' && s.name === returned.id) : -1;
    const cls = at >= 0 ? (fn.def.body[at] as ClassStmt) : undefined;
    if (!cls || !this.isMappedClass({ file: fn.file, cls })) return;
    // A parameter the function or the class binds anew (`table = table + "s"`) is not the argument: not read.
    const params = new Set(fn.def.params.map((p) => p.name));
    if ([...fn.def.body.slice(0, at), ...cls.body].some((s) => boundNames(s).some((n) => params.has(n)))) return;
    const values = new Map<string, Expr>();
    for (const [i, p] of fn.def.params.entries()) {
      const arg = p.star ? undefined : (call.args[i] ?? keywordArg(call, p.name));
      const v = arg ? evalLiteral(this.resolver, file, arg, locals) : p.default && !p.star ? evalLiteral(this.resolver, fn.file, p.default) : undefined;
      if (v === undefined) return;
      values.set(p.name, literalExpr(v, (arg ?? call).s));
    }
    const plan = this.planFor({ file: fn.file, cls: substituteNames(cls, values) });
    if (plan?.table.name) this.factoryCalls.set(fn.def, (this.factoryCalls.get(fn.def) ?? 0) + 1);
  }

  /**
   * Mapped classes a function makes each time it is called, for the calls whose arguments cannot be evaluated (or
   * when no call is found): what they map is not read, and said, so that the tables they may describe are not
   * reported as having no model.
   */
  private noteFactoryModels(file: string, def: Extract<Stmt, { k: 'def' }>, someRead: boolean): void {
    for (const s of def.body) {
      if (s.k !== 'class' || !this.isMappedClass({ file, cls: s })) continue;
      const what = someRead ? 'the table of a call whose arguments cannot be evaluated statically is not checked' : 'its table and columns cannot be read statically and are not checked';
      this.noteUnnamed(`model ${s.name}`, { file, span: s.nameSpan }, `Model ${s.name} is made by ${def.name}() each time it is called: ${what}.`);
    }
  }

  /**
   * Model classes a function builds with `type(name, (..., Model), {"__tablename__": tablename})` (gnocchi's one per
   * resource type, its table name a row of the database): a table no model names may be one of them, which is said.
   */
  private noteTypeBuiltModels(file: string, def: Extract<Stmt, { k: 'def' }>): void {
    // A mixin's declared_attr builds one per mapped class, named with `cls` bound (noteRuntimeModels).
    if (this.isDeclaredAttr(file, def)) return;
    for (const call of callsIn(def.body)) {
      if (call.fn.k !== 'name' || call.fn.id !== 'type' || call.args.length !== 3 || call.args[1].k !== 'tuple' || call.args[2].k !== 'dict') continue;
      const key = (name: string): Expr | undefined => (call.args[2] as Extract<Expr, { k: 'dict' }>).entries.find(([k]) => k?.k === 'str' && k.v === name)?.[1];
      const tableName = key('__tablename__');
      // With `__table__` (aiida's copies for SQLite) it maps a Table already made, not a table of its own.
      if (!tableName || key('__table__') || evalString(this.resolver, file, tableName) !== undefined) continue;
      if (!call.args[1].items.some((base) => this.graph.isMappingBase(file, base))) continue;
      const what = `the model class ${def.name}() builds with type(...)`;
      this.noteUnnamed(what, { file, span: call.s }, `A model class is built at run time with type(...) in ${def.name}(), its table name \`${exprText(tableName)}\` unknown here: a table no model names may be one it maps, and is not reported.`);
    }
  }

  private noteUnnamed(what: string, origin: SourceRef, message: string): void {
    this.unnamed.push({ what, origin });
    this.findings.push(makeFinding('unresolved', { message, file: origin.file, span: origin.span }));
  }

  private ctx(file: string): EvalContext {
    return { resolver: this.resolver, file };
  }

  /** Whether a class is mapped to a table of its own or through inheritance. */
  private isMappedClass(ref: ClassRef): boolean {
    const root = this.graph.rootOf(ref);
    if (!root || this.graph.isDeclarativeBaseClass(ref) || this.graph.isAbstract(ref)) return false;
    if (root.kind === 'sqlmodel') return this.graph.isSqlModelTable(ref);
    return true;
  }

  /** The table a mapped class writes its columns to (its own, or its parent's under single-table inheritance). */
  private planFor(ref: ClassRef): TablePlan | null {
    const cached = this.plans.get(ref.cls);
    if (cached !== undefined) return cached;
    this.plans.set(ref.cls, null);
    const plan = this.makePlan(ref);
    this.plans.set(ref.cls, plan);
    const unbound = plan ? this.contributors(ref).contributors.map((c) => this.unboundNameIn(c)).find((u) => u !== undefined) : undefined;
    if (plan && unbound) {
      // Python stops on the class with NameError: what it would declare is not known (half-typed imports do this).
      plan.table.open = true;
      this.findings.push(makeFinding('unresolved', { message: `Model ${ref.cls.name} uses "${unbound.name}", which ${unbound.file} neither imports nor defines; its columns are not checked.`, file: unbound.file, span: unbound.span }));
    }
    return plan;
  }

  /**
   * The first name a class body's assignments call through (`sa` of `sa.Column(...)`, `Mapped` of `x: Mapped[int]`)
   * that its file never binds, with where it is used.
   */
  private unboundNameIn(ref: ClassRef): { name: string; file: string; span: Span } | undefined {
    // Names the class body binds itself (`_id = Column(...)` used by a later attribute) are not the module's.
    const own = new Set<string>();
    for (const s of ref.cls.body) {
      if (s.k === 'def' || s.k === 'class') own.add(s.name);
      if (s.k !== 'assign') continue;
      for (const e of [s.value?.k === 'call' ? s.value.fn : undefined, s.ann]) {
        const root = rootName(e);
        if (root && !own.has(root.id) && this.resolver.isUnbound(ref.file, root.id)) return { name: root.id, file: ref.file, span: root.s };
      }
      for (const t of s.targets) if (t.k === 'name') own.add(t.id);
    }
    return undefined;
  }

  private makePlan(ref: ClassRef): TablePlan | null {
    if (!this.isMappedClass(ref)) return null;
    const root = this.graph.rootOf(ref)!;
    const convention = this.conventionOf(root, ref.file);
    const ctx = this.ctx(ref.file);
    // Mixins and abstract bases reachable without passing through a mapped parent contribute columns.
    const { contributors, mappedParent } = this.contributors(ref);
    const declared = this.visibleColumns(contributors, root, ref);
    const hasOwnPk = declared.some((d) => d.spec.primaryKey) || this.hasPrimaryKeyConstraint(contributors);

    const tableExpr = this.graph.ownAttribute(ref, '__table__');
    if (tableExpr?.k === 'call' && calleeName(ctx, tableExpr) === 'sa.Table') {
      const table = this.coreTable(ref.file, tableExpr, undefined, ref.cls.name);
      this.noteRuntimeModels(ref, contributors, table?.name);
      if (table) {
        table.origin = { file: ref.file, span: ref.cls.nameSpan };
        this.classTables.set(ref.cls, table);
        return { table, root, convention };
      }
      return null;
    }
    // Mapped to another object (a Table named elsewhere, which is read as such; storyboard's `__table__ =
    // _story_build_summary_query()`, a SELECT's alias): the class makes no table of its own, whatever its
    // `__tablename__` would say.
    if (tableExpr) return null;

    const ownName = this.graph.ownAttribute(ref, '__tablename__');
    const parentPlan = mappedParent ? this.planFor(mappedParent) : null;
    const explicitNone = ownName?.k === 'const' && ownName.v === null;
    let name: string | undefined;
    if (ownName && !explicitNone) {
      name = evalString(this.resolver, ref.file, ownName);
      if (name === undefined) {
        this.noteUnnamed(`model ${ref.cls.name}`, { file: ref.file, span: ref.cls.nameSpan }, `The table name of model ${ref.cls.name} cannot be evaluated statically; its columns are not checked.`);
        return null;
      }
    } else if (!explicitNone) {
      name = this.inheritedTableName(ref, contributors, root, hasOwnPk, parentPlan ? mappedParent : undefined);
    }
    if (!explicitNone) {
      const hooked = this.nameAfterSubclassHook(ref, { name: ownName ? name : parentPlan?.table.name, own: ownName !== undefined });
      if (hooked === null) return null;
      name = hooked ?? name;
    }
    this.noteRuntimeModels(ref, contributors, name);

    if (parentPlan && (!name || !hasOwnPk)) {
      // Single-table inheritance: the subclass's own columns go to the parent's table.
      this.classTables.set(ref.cls, parentPlan.table);
      for (const d of declared) this.addColumn(parentPlan, d, true);
      return parentPlan;
    }
    if (!name) return null;

    const schema = this.tableArgsSchema(contributors) ?? this.metadataSchema(root);
    const metadata = withBindKey(metadataKey(this.resolver, root), root.kind === 'flask' ? this.bindKey(contributors) : undefined);
    // A table of the same name in another MetaData (a legacy copy of the models, a second database) is another table.
    const plainKey = tableKey(name, schema);
    const other = this.tables.get(plainKey);
    const sameMetadataKey = other && other.metadata !== metadata ? `${plainKey}\0${metadata}` : plainKey;
    const first = this.tables.get(sameMetadataKey);
    // SQLAlchemy refuses a second table of one name in a MetaData unless told to extend the first: classes of two
    // files that do not say so never load in one process (Open-Assistant's two services, each its own migrations, both
    // on SQLModel.metadata), and are two tables, each compared where its own files are.
    const apart = first !== undefined && first.origin.file !== ref.file && !this.extendsExisting(contributors) && !this.extendsExisting(this.madeBy.get(first) ?? []);
    const key = apart ? `${sameMetadataKey}\0${ref.file}` : sameMetadataKey;
    const existing = this.tables.get(key);
    if (existing) {
      // Two classes on one table (e.g. `extend_existing`); merge their columns.
      const plan = { table: existing, root, convention };
      this.classTables.set(ref.cls, existing);
      for (const d of declared) this.addColumn(plan, d, true);
      return plan;
    }
    const table = newTable(name, { file: ref.file, span: ref.cls.nameSpan }, schema);
    this.madeBy.set(table, contributors);
    table.modelName = ref.cls.name;
    table.modelKind = 'class';
    table.metadata = metadata;
    const opaque = contributors.map((c) => this.graph.opaqueBase(c)).find((b) => b !== undefined);
    if (opaque) {
      table.open = true;
      table.openBase = exprText(opaque);
    }
    this.tables.set(key, table);
    this.classTables.set(ref.cls, table);
    const plan = { table, root, convention };
    for (const d of declared) this.addColumn(plan, d, false);
    this.applyTableArgs(plan, contributors);
    this.applyBodyConstraints(plan, ref);
    return plan;
  }

  /**
   * A unique constraint or an index written on its own in the class body over the class's own columns
   * (`UniqueConstraint(provided_identity_id, data_use, name=...)`): SQLAlchemy attaches it to the table once those
   * columns are. One over column names (strings) is attached to nothing.
   */
  private applyBodyConstraints(plan: TablePlan, ref: ClassRef): void {
    const ctx = this.ctx(ref.file);
    for (const s of ref.cls.body) {
      if (s.k !== 'expr' || s.value.k !== 'call') continue;
      const callee = calleeName(ctx, s.value);
      if (callee !== 'sa.UniqueConstraint' && callee !== 'sa.Index') continue;
      const columns = callee === 'sa.Index' ? s.value.args.slice(1) : s.value.args;
      const locals = classBodyNames(ref, s.value);
      const isOwnColumn = (e: Expr): boolean => {
        const bound = e.k === 'name' ? locals.get(e.id) : undefined;
        return bound?.t === 'expr' && columnDeclaration(ctx, bound.e) !== undefined;
      };
      if (columns.length > 0 && columns.every(isOwnColumn)) this.applyConstraint(plan, { ...ctx, locals }, s.value, { file: ref.file, span: s.s });
    }
  }

  /**
   * The columns the class and the bases it inherits columns from declare, where a name the class (or a base before
   * it) binds hides a later base's column, as Python's attribute lookup and SQLAlchemy's declarative scan do: a model's
   * own `id` wins over its declarative base's, and `legacy = None` drops a mixin's column.
   */
  private visibleColumns(contributors: ClassRef[], root: DeclarativeRoot, ref: ClassRef): DeclaredColumn[] {
    const bound = new Set<string>();
    const out: DeclaredColumn[] = [];
    for (const c of contributors) {
      // A name declared twice in one class body is its last declaration, in the place of its first, as Python's class
      // namespace keeps it (paios redeclares `webauthn_user_id` without `unique=True`).
      const own = this.declaredColumns(c, root, c === ref, ref);
      const last = new Map(own.map((d) => [d.attr, d]));
      for (const d of own) {
        const kept = last.get(d.attr);
        if (kept && !bound.has(d.attr)) out.push(kept);
        last.delete(d.attr);
      }
      for (const s of classStatements(c.cls.body)) {
        if (s.k === 'def' || s.k === 'class') bound.add(s.name);
        else if (s.k === 'assign') for (const t of s.targets) if (t.k === 'name') bound.add(t.id);
      }
    }
    return out;
  }

  /**
   * `__tablename__` from a `declared_attr` on a mixin or base, or the automatic names of Flask-SQLAlchemy and SQLModel.
   * A `declared_attr` that a mapped parent's own mixins or base give runs again for the subclass too (Kotti's
   * `declarative_base(cls=Base)` names every class's table, so `Content(Node)` with its own key has `contents`).
   */
  private inheritedTableName(ref: ClassRef, contributors: ClassRef[], root: DeclarativeRoot, hasOwnPk: boolean, mappedParent: ClassRef | undefined): string | undefined {
    const hasMappedParent = mappedParent !== undefined;
    for (const { holder, inherited } of this.tableNameHolders(contributors, root, mappedParent)) {
      const fn = holder.cls.body.find((s): s is Extract<Stmt, { k: 'def' }> => s.k === 'def' && s.name === '__tablename__');
      if (fn) {
        if (hasMappedParent && !hasOwnPk) return undefined;
        const computed = computedTableName(this.resolver, holder.file, fn, { name: ref.cls.name, hasInheritedTable: hasMappedParent, ref });
        if (computed !== undefined) return computed ?? undefined;
        this.noteUnnamed(`model ${ref.cls.name}`, { file: ref.file, span: ref.cls.nameSpan }, `The computed __tablename__ of ${holder.cls.name} cannot be evaluated statically for model ${ref.cls.name}; its columns are not checked.`);
        return undefined;
      }
      // A name written plainly on a mapped parent (or its mixins) is that parent's table, not the subclass's.
      const plain = holder === ref || inherited ? undefined : this.graph.ownAttribute(holder, '__tablename__');
      if (plain && holder !== root.cls) return evalString(this.resolver, holder.file, plain);
    }
    if (root.kind === 'flask' && hasOwnPk) return flaskTableName(ref.cls.name);
    if (root.kind === 'sqlmodel') return ref.cls.name.toLowerCase();
    return undefined;
  }

  /**
   * The `__tablename__` a base's `__init_subclass__` sets on the class (fief prefixes every name so), undefined when it
   * sets none, null (with a note) when it cannot be evaluated.
   */
  private nameAfterSubclassHook(ref: ClassRef, before: { name: string | undefined; own: boolean }): string | undefined | null {
    const hook = this.graph.subclassHook(ref);
    if (!hook) return undefined;
    const start = { ...before, mapsAtSuper: this.graph.mapsInInitSubclass(hook.owner) };
    const classes = [ref, ...this.graph.ancestors(ref)];
    const root = this.graph.rootOf(ref);
    const hasAttribute = (name: string): boolean | undefined => {
      // In a class body with a value (an annotation alone binds nothing), or on the class after its statement
      // (`Model.TABLE_PREFIX = "app_"`).
      const inBody = (c: ClassRef): boolean => c.cls.body.some((s) => ((s.k === 'def' || s.k === 'class') && s.name === name) || (s.k === 'assign' && !!s.value && s.targets.some((t) => t.k === 'name' && t.id === name)));
      // Set after the class's statement, where it runs before this class is made (above it, or in another module).
      const setAfter = (c: ClassRef): boolean => this.resolver.moduleBody(c.file).some((s) => s.k === 'assign' && (c.file !== ref.file || s.s[0] < ref.cls.s[0]) && s.targets.some((t) => t.k === 'attr' && t.name === name && t.obj.k === 'name' && t.obj.id === c.cls.name));
      if (classes.some((c) => inBody(c) || setAfter(c))) return true;
      // A base not read, or a declarative base made with a class of the project's own (`declarative_base(cls=Mixin)`,
      // `SQLAlchemy(model_class=...)`), may give it.
      const rootGives = !root || root.call?.e.kw.some((k) => k.name === 'cls' || k.name === 'model_class') || (root.cls !== undefined && !classes.some((c) => c.cls === root.cls!.cls) && inBody(root.cls));
      return rootGives || classes.some((c) => this.graph.hasOpaqueBase(c)) ? undefined : false;
    };
    const after = tableNameAfterSubclassHook(this.resolver, hook.owner.file, hook.def, { name: ref.cls.name, hasInheritedTable: false, ref, hasAttribute }, start);
    if (after) return after.name !== before.name ? after.name : undefined;
    this.noteUnnamed(`model ${ref.cls.name}`, { file: ref.file, span: ref.cls.nameSpan }, `The __init_subclass__ of ${hook.owner.cls.name} sets the table name of model ${ref.cls.name} in a way that cannot be evaluated statically; its columns are not checked.`);
    return null;
  }

  /**
   * The classes a `__tablename__` may come from, in order: the class's own contributors and its declarative base, then
   * (`inherited`, walked only when those give none) those of each mapped parent up the chain.
   */
  private *tableNameHolders(contributors: ClassRef[], root: DeclarativeRoot, mappedParent: ClassRef | undefined): Generator<{ holder: ClassRef; inherited: boolean }> {
    const seen = new Set<object>();
    for (const holder of [...contributors, ...(root.cls ? [root.cls] : [])]) {
      seen.add(holder.cls);
      yield { holder, inherited: false };
    }
    for (let parent = mappedParent; parent && !seen.has(parent.cls); ) {
      const above = this.contributors(parent);
      for (const holder of above.contributors) {
        if (seen.has(holder.cls)) continue;
        seen.add(holder.cls);
        yield { holder, inherited: true };
      }
      parent = above.mappedParent;
    }
  }

  /** The class itself, then the non-mapped classes it inherits columns from, and its nearest mapped parent. */
  private contributors(ref: ClassRef): { contributors: ClassRef[]; mappedParent?: ClassRef } {
    const out: ClassRef[] = [ref];
    let mappedParent: ClassRef | undefined;
    const seen = new Set<object>([ref.cls]);
    const visit = (r: ClassRef): void => {
      for (const b of this.graph.bases(r)) {
        if (b.t !== 'class' || seen.has(b.ref.cls)) continue;
        seen.add(b.ref.cls);
        if (this.isMappedClass(b.ref)) {
          mappedParent ??= b.ref;
          continue;
        }
        out.push(b.ref);
        visit(b.ref);
      }
    };
    visit(ref);
    // `declarative_base(cls=IronicBase)`: the base's own class gives every mapped class its columns, as a mixin does.
    const root = mappedParent ? undefined : this.graph.rootOf(ref);
    const baseClass = root?.call ? keywordArg(root.call.e, 'cls') : undefined;
    const v = baseClass && root?.call ? this.resolver.resolve(root.call.file, baseClass) : undefined;
    if (v?.t === 'class' && !seen.has(v.cls)) {
      const base = { file: v.file, cls: v.cls };
      seen.add(base.cls);
      out.push(base);
      visit(base);
    }
    return { contributors: out, mappedParent };
  }

  private hasPrimaryKeyConstraint(contributors: ClassRef[]): boolean {
    const isPrimaryKey = (file: string) => (i: Expr) => i.k === 'call' && calleeName(this.ctx(file), i) === 'sa.PrimaryKeyConstraint';
    for (const c of contributors) {
      const args = this.graph.ownAttribute(c, '__table_args__');
      if (!args) continue;
      const items = args.k === 'tuple' || args.k === 'list' ? args.items : [];
      if (items.some(isPrimaryKey(c.file))) return true;
    }
    // A declared_attr's (its tuples joined, or written out).
    const made = this.tableArgsExpr(contributors);
    return made?.expr.k === 'tuple' && made.expr.items.some(isPrimaryKey(made.file));
  }

  /** The columns a class body declares (Column, mapped_column, Mapped annotations, SQLModel fields, declared_attr). */
  private declaredColumns(ref: ClassRef, root: DeclarativeRoot, inPlace: boolean, target: ClassRef): DeclaredColumn[] {
    const ctx = this.ctx(ref.file);
    const out: DeclaredColumn[] = [];
    const typeMap = this.typeMapOf(root);
    const sqlmodel = root.kind === 'sqlmodel';
    const isMapped = (c: EvalContext, e: Expr): boolean => {
      const v = c.resolver.resolve(c.file, e);
      return v.t === 'class' && (this.graph.rootOf({ file: v.file, cls: v.cls }) !== undefined);
    };
    for (const s of classStatements(ref.cls.body)) {
      // A column declared in both branches of an `if` is edited by hand, not by a quick fix.
      const editable = inPlace && ref.cls.body.includes(s);
      if (s.k === 'def') {
        const col = this.declaredAttrColumn(ref, s, (ann) => readAnnotation(ctx, ann, typeMap, { isMappedClass: isMapped }), target) ?? aggregatedColumn(ctx, s);
        if (col) out.push(col);
        continue;
      }
      if (s.k !== 'assign' || s.targets.length !== 1 || s.targets[0].k !== 'name') continue;
      const attr = s.targets[0].id;
      if (attr.startsWith('__') || attr === 'metadata') continue;
      const origin: SourceRef = { file: ref.file, span: s.s };
      const declaration = columnDeclaration(ctx, s.value);
      // A base's own settings; a mapped class may still have a column of either name (backend.ai's images.registry).
      if ((attr === 'registry' || attr === 'type_annotation_map') && !declaration && !(s.ann && unwrapMapped(ctx, s.ann))) continue;
      const value = declaration?.call ?? s.value;
      const callee = declaration?.kind ?? (value?.k === 'call' ? calleeName(ctx, value) : undefined);
      if (callee === 'sa.composite' && value?.k === 'call') {
        out.push(...compositeColumns(ctx, value, origin));
        continue;
      }
      if (callee && NOT_COLUMNS.has(callee)) continue;
      const mapped = s.ann ? unwrapMapped(ctx, s.ann) : undefined;
      if (mapped?.relationshipOnly) continue;
      const annotationExpr = s.ann && (mapped?.inner || sqlmodel) ? (mapped?.inner ?? s.ann) : undefined;
      const annotation = annotationExpr ? readAnnotation(ctx, annotationExpr, typeMap, { sqlmodel, isMappedClass: isMapped }) : undefined;
      // Where the column is written, for edits of the model: only in the table's own class, never through a helper.
      const source = (spec: ColumnSpec, options: { call?: { kind: string; e: Extract<Expr, { k: 'call' }> }; fromAnnotation: boolean; assignable?: boolean }): ColumnSource | undefined =>
        editable && (!options.call || declaration?.direct) ? columnSourceOf({ ctx, statement: s.s, spec, annotation: annotationExpr && annotation && options.fromAnnotation ? { e: annotationExpr, info: annotation } : undefined, ...options }) : undefined;

      if (value?.k === 'call' && callee && declaration) {
        let spec = evalColumnCall(declaration.ctx, value, callee);
        if (callee === 'sqlmodel.Field') {
          const saColumn = keywordArg(value, 'sa_column');
          // In the file and scope the Field is written in: a helper's, with its arguments bound, when it returns it.
          if (saColumn?.k === 'call' && calleeName(declaration.ctx, saColumn) === 'sa.Column') {
            spec = evalColumnCall(declaration.ctx, saColumn, 'sa.Column');
            out.push({ attr, spec, origin, defaultNullable: !spec.primaryKey, source: source(spec, { call: { kind: 'sa.Column', e: saColumn }, fromAnnotation: false }) });
            continue;
          }
          if (annotation?.relationship) continue;
          if (!spec.type && annotation?.type) spec.type = sqlModelFieldType(ctx, value, annotation.type);
          const noneDefault = !annotation?.optional && isNone(keywordArg(value, 'default') ?? value.args[0]) ? { noneDefault: true as const } : {};
          out.push({ attr, spec, origin, defaultNullable: !spec.primaryKey && !!annotation?.optional, ...noneDefault, source: source(spec, { call: { kind: callee, e: value }, fromAnnotation: annotation !== undefined }) });
          continue;
        }
        const annotated = annotatedSpec(spec, callee, annotation);
        spec = annotated.spec;
        const fromAnnotation = annotated.defaultNullable !== undefined;
        out.push({ attr, spec, origin, defaultNullable: annotated.defaultNullable ?? !spec.primaryKey, source: source(spec, { call: { kind: callee, e: value }, fromAnnotation }) });
        continue;
      }
      // A library's call as a SQLModel field's default (pydantic's own `Field(...)`, `datetime.utcnow()`): SQLModel maps
      // the field by its annotation alone (zenml's `flavor: str = pydantic.Field(nullable=False)`). A project helper's
      // call is left out: it may return a Relationship (ubersystem's DefaultRelationship).
      const libraryCall = value?.k === 'call' && this.resolver.resolve(ref.file, value.fn).t === 'ext';
      if (value === undefined || (sqlmodel && (value.k !== 'call' || libraryCall))) {
        // A bare `x: Mapped[int]`, or a SQLModel field with a plain default (not a ClassVar, nor a private attribute).
        if (!annotation || annotation.relationship) continue;
        if (sqlmodel && (attr.startsWith('_') || isClassVar(ctx, annotationExpr))) continue;
        // A type it cannot read (a library's enum, `IPv4Address`) is still a column: SQLAlchemy and SQLModel map it, or
        // the class could not be made. Its type is left unknown, so it is not compared.
        let spec: ColumnSpec = annotation.carried ? { ...annotation.carried } : { primaryKey: false, foreignKeys: [] };
        if (!spec.type && spec.foreignKeys.length === 0) spec.type = annotation.type;
        spec = { ...spec, foreignKeys: [...spec.foreignKeys], typeSpan: undefined };
        const noneDefault = sqlmodel && !annotation.optional && isNone(value) ? { noneDefault: true as const } : {};
        // As a mapped_column's: the annotation's `Optional[...]` wins over an alias's `primary_key=True` (SQLModel keeps
        // its key fields NOT NULL).
        out.push({ attr, spec, origin, defaultNullable: sqlmodel && spec.primaryKey ? false : annotation.optional, ...noneDefault, source: source(spec, { fromAnnotation: true, assignable: value === undefined }) });
      }
    }
    return out;
  }

  /**
   * A `@declared_attr def x(cls): return Column(...)` on a mixin, for the mapped class `target`: `cls` is that class,
   * so `if not cls.allow_emails: return` and `nullable=not cls.file_required` read its attributes (or its bases'). A
   * `-> Mapped[T]` return annotation gives a `mapped_column` its nullability and type, as an annotation in the class
   * body would.
   */
  private declaredAttrColumn(ref: ClassRef, def: Extract<Stmt, { k: 'def' }>, readMapped: (inner: Expr) => AnnotationInfo, target: ClassRef): DeclaredColumn | undefined {
    if (def.name.startsWith('__')) return undefined;
    const locals = assignedLocals(def.body, ref.file, clsBound(def, target));
    const ctx: EvalContext = { ...this.ctx(ref.file), locals };
    if (!this.isDeclaredAttr(ref.file, def)) return undefined;
    const ret = returnFor(def.body, (test) => evalLiteral(this.resolver, ref.file, test, locals));
    const declaration = columnDeclaration(ctx, ret?.value);
    if (!declaration) return undefined;
    const mapped = def.returns ? unwrapMapped(ctx, def.returns) : undefined;
    const { spec, defaultNullable } = annotatedSpec(evalColumnCall(declaration.ctx, declaration.call, declaration.kind), declaration.kind, mapped?.inner ? readMapped(mapped.inner) : undefined);
    return { attr: def.name, spec, origin: { file: ref.file, span: def.nameSpan }, defaultNullable: defaultNullable ?? !spec.primaryKey };
  }

  /** Whether a method is a `@declared_attr` (or its `.cascading` / `.directive` forms). */
  private isDeclaredAttr(file: string, def: Extract<Stmt, { k: 'def' }>): boolean {
    return def.decorators.some((d) => {
      const name = this.resolver.externalName(file, d.k === 'call' ? d.fn : d) ?? '';
      return /declared_attr(\.(cascading|directive))?$/.test(name) || /^sa\.(cascading|directive)$/.test(name);
    });
  }

  /**
   * The tables of the model classes a mixin's declared_attr builds for each mapped class with `type(name, bases,
   * {"__tablename__": ...})` (warehouse's HasEvents: a `project_events` table for Project), named with `cls` bound:
   * read as models where their namespace can be (`typeBuiltClass`), else known to exist with their columns unread.
   * `cls.__tablename__` is the mapped class's table name, however it is given (timesketch's LabelMixin names
   * `f"{self.__tablename__:s}_label"`, the table a base's declared_attr names).
   */
  private noteRuntimeModels(ref: ClassRef, contributors: ClassRef[], tableName: string | undefined): void {
    for (const c of contributors) {
      for (const def of c.cls.body) {
        if (def.k !== 'def') continue;
        for (const s of def.body) {
          const call = s.k === 'assign' || s.k === 'expr' || s.k === 'return' ? s.value : undefined;
          if (call?.k !== 'call' || call.fn.k !== 'name' || call.fn.id !== 'type' || call.args.length !== 3) continue;
          const namespace = call.args[2];
          const built = namespace.k === 'dict' ? namespace.entries.find(([k]) => k?.k === 'str' && k.v === '__tablename__')?.[1] : undefined;
          if (!built || !this.isDeclaredAttr(c.file, def)) continue;
          const named = (v: string): Value => ({ t: 'expr', file: c.file, e: { k: 'str', v, s: built.s } });
          const known: Value = { t: 'object', attrs: new Map([['__name__', named(ref.cls.name)], ...(tableName ? [['__tablename__', named(tableName)] as const] : [])]) };
          // `cls` as the mapped class, then as an object that has its name and table name; with the body's names.
          const bound = [clsBound(def, ref), new Map([[def.params[0]?.name ?? 'cls', known]])].map((locals) => assignedLocals(def.body, c.file, locals));
          const evaluated = (e: Expr): string | undefined => bound.map((locals) => evalString(this.resolver, c.file, e, locals)).find((v) => v !== undefined);
          const name = evaluated(built);
          if (!name || this.unnamed.some((u) => u.name === name) || this.tables.has(tableKey(name, undefined))) continue;
          const builtName = evaluated(call.args[0]) ?? `${ref.cls.name}_${def.name}`;
          const cls = typeBuiltClass(def, call, { className: ref.cls.name, tableName, builtName });
          const writtenName = cls && this.graph.ownAttribute({ file: c.file, cls }, '__tablename__');
          // Read as a model when its table name comes out the same once written out.
          if (cls && writtenName && evalString(this.resolver, c.file, writtenName) === name && this.planFor({ file: c.file, cls })) continue;
          this.unnamed.push({ what: `the class that ${c.cls.name}.${def.name} builds with type(...) for ${ref.cls.name}`, origin: { file: c.file, span: call.s }, name });
        }
      }
    }
  }

  private addColumn(plan: TablePlan, d: DeclaredColumn, fromSubclass: boolean): void {
    const table = plan.table;
    const name = d.spec.name ?? d.attr;
    if (table.columns.has(name) && fromSubclass) return;
    if (d.spec.unreadForeignKey) table.unreadForeignKeys = true;
    const col: ColumnDef = {
      name,
      type: d.spec.type,
      nullable: d.spec.nullable ?? d.defaultNullable,
      ...(d.spec.nullable === true ? { declaredNullable: true as const } : {}),
      primaryKey: d.spec.primaryKey,
      serverDefault: d.spec.serverDefault,
      origin: d.origin,
      pythonDefault: d.spec.pythonDefault || undefined,
      sequence: d.spec.sequence || undefined,
      ...(d.source ? { declaration: d.source } : {}),
      ...(d.spec.identity ? { identity: d.spec.identity } : {}),
      ...(d.spec.info ? { info: d.spec.info } : {}),
      ...(d.noneDefault && d.spec.nullable === undefined && !d.spec.primaryKey ? { noneDefault: true as const } : {}),
    };
    // Single-table inheritance: a subclass's column is as nullable as it says, as SQLAlchemy makes it (`a: Mapped[int]`
    // is NOT NULL in the shared table too).
    table.columns.set(name, col);
    const checking = col.type?.addsChecks ? (col.type.userType ?? col.type.name) : undefined;
    if (checking && !table.typesAddingChecks?.includes(checking)) (table.typesAddingChecks ??= []).push(checking);
    if (col.primaryKey && !table.primaryKey.includes(name)) table.primaryKey.push(name);
    if (d.spec.index) {
      const indexName = columnIndexName(plan.convention, { table: table.name, schema: table.schema, column: name, unique: !!d.spec.unique });
      table.indexes.push({ name: indexName, columns: [name], unique: !!d.spec.unique, origin: d.origin, conventional: true });
    } else if (d.spec.unique) {
      const uniqueName = conventionName(plan.convention, 'uq', { table: table.name, schema: table.schema, columns: [name] });
      table.uniques.push({ name: uniqueName, columns: [name], origin: d.origin, ...(uniqueName ? { conventional: true } : {}) });
    }
    const spatial = spatialIndexName(col.type, table.name, name);
    if (spatial) table.indexes.push({ name: spatial, columns: [name], unique: false, origin: d.origin });
    for (const check of d.spec.checks ?? []) table.checks.push(conventionalCheck(plan.convention, table.name, check, d.origin));
    const typeCheck = typeCheckOf(col.type);
    if (typeCheck) {
      const { name: checkName, writtenName } = conventionalCheck(plan.convention, table.name, { kind: 'check', name: typeCheck.name, sql: '' }, d.origin);
      (table.typeChecks ??= []).push({ name: checkName, ...(writtenName ? { writtenName } : {}), type: typeCheck.type });
    }
    if (d.attr !== name) {
      const attrs = this.attributeColumns.get(table) ?? new Map<string, string>();
      attrs.set(d.attr, name);
      this.attributeColumns.set(table, attrs);
    }
    if (d.spec.foreignKeys.length > 0 || !col.type) this.pending.push({ table, col, spec: d.spec });
  }

  /** Resolves ForeignKey targets (including `User.id` references) and FK-only column types once all tables are known. */
  private resolvePending(): void {
    for (const { table, col, spec } of this.pending) {
      for (const fk of spec.foreignKeys) {
        const target = this.foreignKeyTarget(fk);
        if (!target) continue;
        table.foreignKeys.push({ name: fk.name, columns: [col.name], refTable: target.table, refSchema: target.schema, refColumns: [target.column], ondelete: fk.ondelete, onupdate: fk.onupdate, origin: col.origin });
        if (!col.type) {
          const ref = this.tables.get(tableKey(target.table, target.schema)) ?? this.tables.get(target.table);
          const refCol = ref?.columns.get(target.column);
          if (refCol?.type) {
            col.type = refCol.type;
            col.typeFromForeignKey = true;
          }
        }
      }
    }
  }

  private foreignKeyTarget(fk: ForeignKeySpec): { table: string; schema?: string; column: string } | undefined {
    if (fk.target.kind === 'text') return splitForeignKey(fk.target.text);
    const ref = { file: fk.target.file, cls: fk.target.cls };
    // `ForeignKey(Client.id_field_path)`: a declared_attr of the class or its bases that gives the target as text (fides).
    const text = this.declaredAttrText(ref, fk.target.attr);
    if (text !== undefined) return splitForeignKey(text);
    const plan = this.planFor(ref);
    const table = this.classTables.get(fk.target.cls) ?? plan?.table;
    if (!table) return undefined;
    // The attribute may name a column whose SQL name differs (`id = Column("user_id", ...)`).
    return { table: table.name, schema: table.schema, column: this.attributeColumns.get(table)?.get(fk.target.attr) ?? fk.target.attr };
  }

  /** The text a `@declared_attr` method `name` of a mapped class (or of a class it derives from) returns for it; undefined otherwise. */
  private declaredAttrText(ref: ClassRef, name: string): string | undefined {
    for (const c of this.contributors(ref).contributors) {
      const def = c.cls.body.find((s): s is Extract<Stmt, { k: 'def' }> => s.k === 'def' && s.name === name);
      if (!def) continue;
      const returned = this.isDeclaredAttr(c.file, def) ? returnedValue(def) : undefined;
      if (!returned) return undefined;
      const locals = clsBound(def, ref);
      const clsName = def.params[0]?.name ?? 'cls';
      // `f"{cls.__tablename__}.id"`: the class's table name, however it is given.
      const text = (e: Expr): string | undefined => {
        if (e.k === 'attr' && e.name === '__tablename__' && e.obj.k === 'name' && e.obj.id === clsName) return this.planFor(ref)?.table.name;
        if (e.k === 'fstr') {
          const parts = e.parts.map((p) => (typeof p === 'string' ? p : text(p)));
          return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
        }
        if (e.k === 'binop' && e.op === '+') {
          const [l, r] = [text(e.left), text(e.right)];
          return l !== undefined && r !== undefined ? l + r : undefined;
        }
        return evalString(this.resolver, c.file, e, locals);
      };
      return text(returned);
    }
    return undefined;
  }

  /**
   * The `__table_args__` of a class or of the first base that has them. A declared_attr's returns are followed through
   * the `if`s a literal decides (letta's `if USE_POSTGRES: return (...)`); what the branches of a test that cannot be
   * decided return are the `alternatives`.
   */
  private tableArgsExpr(contributors: ClassRef[]): TableArgs | undefined {
    const mapped = contributors[0];
    if (!mapped) return undefined;
    // Asked for by several steps of one class's reading (its key, schema, constraints, `extend_existing`): read once.
    if (!this.tableArgsOf.has(mapped.cls)) this.tableArgsOf.set(mapped.cls, this.readTableArgs(contributors));
    return this.tableArgsOf.get(mapped.cls);
  }

  private readTableArgs(contributors: ClassRef[]): TableArgs | undefined {
    for (const c of contributors) {
      const args = this.graph.ownAttribute(c, '__table_args__');
      if (args) return { expr: args, file: c.file, locals: classBodyNames(c, args) };
      const fn = c.cls.body.find((s): s is Extract<Stmt, { k: 'def' }> => s.k === 'def' && s.name === '__table_args__');
      if (!fn) continue;
      // A declared_attr's `cls` is the mapped class (contributors[0]): `name=f"{cls.__tablename__}_valid_name"`.
      const locals = clsBound(fn, contributors[0]);
      const passed: Array<Extract<Stmt, { k: 'return' }>> = [];
      const returned = returnFor(fn.body, (test) => evalLiteral(this.resolver, c.file, test, locals), passed)?.value;
      if (!returned) continue;
      // Tuples joined with `+` are read as one, in every branch; one that cannot be read leaves what the class declares unread.
      const branches = [returned, ...passed.flatMap((r) => (r.value ? [r.value] : []))];
      const joins = branches.map((e) => (e.k === 'binop' ? this.joinedTuple(e, c.file, locals, contributors[0]) : { expr: e, locals }));
      if (joins.some((j) => j === undefined)) return { expr: returned, file: c.file, locals };
      const [main, ...others] = joins as Array<{ expr: Expr; locals: Locals }>;
      const joinedLocals = joins.every((j) => j!.locals === locals) ? locals : new Map(joins.flatMap((j) => [...j!.locals]));
      return { expr: main.expr, file: c.file, locals: joinedLocals, ...(others.length > 0 ? { alternatives: others.map((j) => j.expr) } : {}) };
    }
    return undefined;
  }

  /**
   * Tuples joined with `+` (rucio's declared_attr `return cls._table_args + (CheckConstraint(...), {...})`), each
   * written out or bound to a name or to an attribute of the mapped class, as one tuple, with the names the class body
   * gives its items; undefined unless every part is one of the same file.
   */
  private joinedTuple(e: Expr, file: string, locals: Locals, target: ClassRef): { expr: Expr; locals: Locals } | undefined {
    const items: Expr[] = [];
    const names = new Map(locals);
    const add = (x: Expr, depth: number): boolean => {
      if (depth > 8) return false;
      if (x.k === 'binop' && x.op === '+') return add(x.left, depth + 1) && add(x.right, depth + 1);
      if (x.k === 'tuple' || x.k === 'list') {
        items.push(...x.items);
        return true;
      }
      const bound = boundValue(this.resolver, file, x, locals);
      if (!bound || bound.file !== file) return false;
      // Items written in the mapped class's body may name what it binds before them (`Index("ix", name)`).
      if (target.file === file && target.cls.body.some((st) => st.k === 'assign' && st.value === bound.e)) {
        for (const [k, v] of classBodyNames(target, bound.e)) if (!names.has(k)) names.set(k, v);
      }
      return add(bound.e, depth + 1);
    };
    return add(e, 0) ? { expr: { k: 'tuple', items, s: e.s }, locals: names } : undefined;
  }

  /** Whether the class's `__table_args__` set `extend_existing` or `keep_existing` (to anything: its value is not read). */
  private extendsExisting(contributors: ClassRef[]): boolean {
    const args = this.tableArgsExpr(contributors);
    return !!args && ['extend_existing', 'keep_existing'].some((k) => tableArgsEntry(this.resolver, args.file, args.expr, args.locals, k) !== undefined);
  }

  private tableArgsSchema(contributors: ClassRef[]): string | undefined {
    const args = this.tableArgsExpr(contributors);
    if (!args) return undefined;
    // Made by a helper at run time (indico's `return auto_table_args(cls, schema="events")`): the schema it is given;
    // also where the helper's tuple ends the class's own (`return (check, *auto_table_args(cls, schema="events"))`).
    const last = args.expr.k === 'tuple' ? args.expr.items[args.expr.items.length - 1] : undefined;
    const made = last?.k === 'starred' && last.value.k === 'call' ? last.value : args.expr;
    if (made.k === 'call') {
      const schema = keywordArg(made, 'schema');
      if (schema) return evalString(this.resolver, args.file, schema, args.locals);
      // indico's `auto_table_args(cls)` merges the `__auto_table_args` of the class and its bases: the first that sets a schema.
      const fn = made.fn;
      const name = fn.k === 'name' ? fn.id : fn.k === 'attr' ? fn.name : undefined;
      if (name !== 'auto_table_args') return undefined;
      for (const c of contributors) {
        const own = this.graph.ownAttribute(c, '__auto_table_args');
        const def = own ? undefined : c.cls.body.find((st): st is Extract<Stmt, { k: 'def' }> => st.k === 'def' && st.name === '__auto_table_args');
        const value = own ?? (def && returnedValue(def));
        const schema = value && schemaOfTableArgs(this.resolver, c.file, value, def ? clsBound(def, contributors[0]) : classBodyNames(c, value));
        if (schema !== undefined) return schema;
      }
      return undefined;
    }
    return schemaOfTableArgs(this.resolver, args.file, args.expr, args.locals);
  }

  private applyTableArgs(plan: TablePlan, contributors: ClassRef[]): void {
    let args = this.tableArgsExpr(contributors);
    if (!args) return;
    if (args.expr.k === 'name') {
      // `__table_args__ = COMMON_TABLE_ARGS`, a module constant.
      const v = this.resolver.resolve(args.file, args.expr, args.locals);
      if (v.t === 'expr') args = { expr: v.e, file: v.file };
    }
    if (args.expr.k !== 'tuple' && args.expr.k !== 'list' && args.expr.k !== 'dict') {
      // Computed at run time (`return auto_table_args(cls, schema="events")`): what it declares is not known.
      plan.table.unreadConstraints = true;
      return;
    }
    const items = args.expr.k === 'dict' ? [] : args.expr.items;
    // `{"info": {...}}`, alone or as the last item.
    const options = args.expr.k === 'dict' ? args.expr : items[items.length - 1];
    const infoEntry = options?.k === 'dict' ? options.entries.find(([k]) => k?.k === 'str' && k.v === 'info') : undefined;
    const info = infoEntry && evalDict(this.resolver, args.file, infoEntry[1], args.locals);
    if (info) plan.table.info = info;
    const ctx: EvalContext = { ...this.ctx(args.file), locals: args.locals };
    // Under a test that cannot be decided, what not every branch declares may or may not be there.
    const itemsOf = (e: Expr): Expr[] => (e.k === 'tuple' || e.k === 'list' ? e.items : []);
    const alternatives = (args.alternatives ?? []).map((alt) => new Set(itemsOf(alt).map(exprText)));
    const mainTexts = new Set(items.map(exprText));
    const otherwise = (args.alternatives ?? []).flatMap(itemsOf).filter((item) => !mainTexts.has(exprText(item)));
    for (const written of [...items, ...otherwise]) {
      // A constraint made once and named (`account_unique = UniqueConstraint(...)`, here or in another module).
      const bound = written.k === 'name' ? this.resolver.resolve(args.file, written, args.locals) : undefined;
      const item = bound?.t === 'expr' ? bound.e : written;
      if (item.k !== 'call') continue;
      const at: EvalContext = bound?.t === 'expr' ? this.ctx(bound.file) : ctx;
      const text = exprText(written);
      const undecided = !mainTexts.has(text) || alternatives.some((alt) => !alt.has(text));
      // `Index(...).ddl_if(dialect="postgresql")` exists only on that dialect.
      let call = item;
      let dialects: string[] | undefined;
      while (call.fn.k === 'attr' && call.fn.name === 'ddl_if' && call.fn.obj.k === 'call') {
        dialects = evalStringList(this.resolver, at.file, keywordArg(call, 'dialect'), at.locals);
        call = call.fn.obj;
      }
      const origin = { file: args.file, span: written.s };
      const helper = calleeName(at, call) === undefined ? this.resolver.resolve(at.file, call.fn, at.locals) : undefined;
      if (helper?.t !== 'def') {
        this.applyConstraint(plan, at, call, origin, dialects, undecided);
        continue;
      }
      // A project helper that returns the constraint (`def gin_index(name, column): return Index(...)`); one that
      // returns it only under a condition (None otherwise) gives an index the migrations may or may not make.
      const returns = returnedCalls(helper.def.body);
      const inner: EvalContext = { resolver: this.resolver, file: helper.file, locals: helperArguments(at, helper.def, helper.file, call) };
      for (const { call: made, conditional } of returns) this.applyConstraint(plan, inner, made, origin, dialects, undecided || conditional || returns.length > 1);
    }
  }

  private applyConstraint(plan: TablePlan, ctx: EvalContext, call: Extract<Expr, { k: 'call' }>, origin: SourceRef, dialects?: string[], conditional = false): void {
    const c = evalConstraintCall(ctx, call);
    const table = plan.table;
    if (!c && calleeName(ctx, call) === 'sa.ForeignKeyConstraint') table.unreadForeignKeys = true;
    if (!c || (conditional && c.kind !== 'index')) return;
    // A constraint names its columns by key (`table.c[key]`): an attribute's, or a Core column's `key=`.
    const keys = this.attributeColumns.get(table);
    if (keys && c.kind !== 'check') c.columns = c.columns.map((x) => keys.get(x) ?? x);
    switch (c.kind) {
      case 'unique': {
        const conventional = c.name === undefined ? conventionName(plan.convention, 'uq', { table: table.name, schema: table.schema, columns: c.columns }) : undefined;
        table.uniques.push({ name: c.name ?? conventional, columns: c.columns, origin, ...(conventional ? { conventional: true } : {}) });
        break;
      }
      case 'index':
        table.indexes.push({ name: c.name, columns: c.columns, unique: c.unique, origin, ...(dialects ? { dialects } : {}), ...(c.options ? { options: c.options } : {}), ...(c.expressions ? { expressions: true } : {}), ...(conditional ? { conditional } : {}) });
        break;
      case 'primary':
        setPrimaryKey(table, c.columns, c.name);
        break;
      case 'foreign': {
        const first = c.refs[0] ?? '';
        let refTable: string;
        let refSchema: string | undefined;
        let refColumns: string[];
        if (first.startsWith('@class:')) {
          const [cls, ...cols] = c.refs.map((r) => r.slice('@class:'.length));
          refTable = cls.split('.')[0];
          refColumns = [cls.split('.')[1], ...cols.map((x) => x.split('.')[1])];
          // The class itself, also one of another file (orchest's `[Pipeline.project_uuid, Pipeline.uuid]`), else by name.
          const byClass = c.refClass ? (this.classTables.get(c.refClass.cls) ?? this.planFor(c.refClass)?.table) : [...this.classTables.entries()].find(([k]) => (k as { name: string }).name === refTable)?.[1];
          if (byClass) {
            refTable = byClass.name;
            refSchema = byClass.schema;
            refColumns = refColumns.map((attr) => this.attributeColumns.get(byClass)?.get(attr) ?? attr);
          }
        } else {
          const targets = c.refs.map(splitForeignKey);
          refTable = targets[0]?.table ?? '';
          refSchema = targets[0]?.schema;
          refColumns = targets.map((t) => t?.column ?? '');
        }
        table.foreignKeys.push({ name: c.name, columns: c.columns, refTable, refSchema, refColumns, ondelete: c.ondelete, onupdate: c.onupdate, origin });
        break;
      }
      case 'check':
        table.checks.push(conventionalCheck(plan.convention, table.name, c, origin));
        break;
    }
  }

  /**
   * A column assigned to a mapped class after its body (mistral's `ActionExecution.task_execution_id = sa.Column(...)`,
   * neutron's `setattr(l3_models.Router, 'enable_snat', sa.Column(...))`): declarative's class sets it on the class's
   * table, as if the body had declared it.
   */
  private assignedColumn(file: string, stmt: Stmt): void {
    const assigned = assignedAttribute(this.ctx(file), stmt);
    if (!assigned || assigned.name.startsWith('__')) return;
    const declaration = columnDeclaration(this.ctx(file), assigned.value);
    if (!declaration) return;
    const owner = this.resolver.resolve(file, assigned.owner);
    const plan = owner.t === 'class' ? this.planFor({ file: owner.file, cls: owner.cls }) : null;
    if (!plan) return;
    const spec = evalColumnCall(declaration.ctx, declaration.call, declaration.kind);
    if (!plan.table.columns.has(spec.name ?? assigned.name)) this.addColumn(plan, { attr: assigned.name, spec, origin: { file, span: stmt.s }, defaultNullable: !spec.primaryKey }, false);
  }

  /**
   * Attaches a module-level `Index(name, table.c.x, Model.y, ...)` or `UniqueConstraint(Model.x, ...)` to the table of
   * its first column.
   */
  private moduleConstraint(file: string, call: Extract<Expr, { k: 'call' }>, written: Expr | undefined, locals?: Locals): void {
    // `*Model.columns_tuple` (koschei's `Index(name, *Dependency.nevra)`): the class that holds the tuple, when the
    // tuple names its columns.
    if (written?.k === 'starred' && !attributeTuple({ ...this.ctx(file), locals }, written.value)) return;
    const first = written?.k === 'starred' ? written.value : written;
    // The column, also inside an expression (`func.lower(Customer.email)`, `Customer.data["key"].astext`).
    let table: TableDef | undefined;
    for (const column of first ? columnsWithin(first) : []) if ((table = this.tableOfColumn(file, column, locals))) break;
    if (!table) return;
    this.applyConstraint({ table, root: { kind: 'declarative' }, convention: {} }, { ...this.ctx(file), locals }, call, { file, span: call.s });
  }

  /** The table of `table.c.x` / `table.columns.x` on a Core table, `Model.x` or `Model.__table__.c.x` on a model class. */
  private tableOfColumn(file: string, column: Extract<Expr, { k: 'attr' }>, locals: Locals | undefined): TableDef | undefined {
    const columns = column.obj.k === 'attr' && (column.obj.name === 'c' || column.obj.name === 'columns') ? column.obj.obj : column.obj;
    const owner = columns.k === 'attr' && columns.name === '__table__' ? columns.obj : columns;
    const v = this.resolver.resolve(file, owner, locals);
    if (v.t === 'class') return this.classTables.get(v.cls) ?? this.planFor({ file: v.file, cls: v.cls })?.table;
    if (v.t !== 'expr' || v.e.k !== 'call') return undefined;
    const name = v.e.args[0] ? evalString(this.resolver, v.file, v.e.args[0]) : undefined;
    return name === undefined ? undefined : this.tables.get(tableKey(name, evalString(this.resolver, v.file, keywordArg(v.e, 'schema'))));
  }

  /**
   * Core tables a class that maps nothing holds as attributes, with the MetaData it holds too (buildbot's `class Model:
   * metadata = sa.MetaData(); builds = sautils.Table("builds", metadata, ...)`), and the indexes and unique
   * constraints its body makes of them (`sa.Index("builders_projectid", builders.c.projectid)`), read with the class
   * body's names.
   */
  private classHeldTables(ref: ClassRef): void {
    for (const s of ref.cls.body) {
      const call = s.k === 'assign' || s.k === 'expr' ? s.value : undefined;
      if (call?.k !== 'call') continue;
      const locals = classBodyNames(ref, call);
      const callee = calleeName({ ...this.ctx(ref.file), locals }, call);
      if (callee === 'sa.Index' || callee === 'sa.UniqueConstraint') this.moduleConstraint(ref.file, call, callee === 'sa.Index' ? call.args[1] : call.args[0], locals);
      else if (s.k === 'assign' && s.targets.length === 1) this.coreTable(ref.file, call, s.targets[0], undefined, locals);
    }
  }

  /**
   * The Core tables a module-level loop over a literal sequence makes, one per item (jupyterhub's `for entity in
   * ("user", "group", "service"): table = Table(f"{entity}_role_map", Base.metadata, ...)`).
   */
  private loopTables(file: string, loop: Extract<Stmt, { k: 'for' }>): void {
    const items = evalLiteral(this.resolver, file, loop.iter);
    if (!Array.isArray(items)) return;
    for (const item of items) {
      const locals = new Map<string, Value>();
      if (!bindLiteral(loop.target, item, file, locals)) return;
      for (const s of loop.body) {
        const call = s.k === 'assign' || s.k === 'expr' ? s.value : undefined;
        if (call?.k === 'call') this.coreTable(file, call, s.k === 'assign' ? s.targets[0] : undefined, undefined, locals);
      }
    }
  }

  /** A Core `Table("name", metadata, Column(...), ...)` at module level (or `__table__ = Table(...)`), or a class's. */
  private coreTable(file: string, call: Extract<Expr, { k: 'call' }>, target: Expr | undefined, modelName?: string, locals?: Locals): TableDef | undefined {
    const ctx: EvalContext = { ...this.ctx(file), locals };
    if (forwardedCallee(ctx, call) !== 'sa.Table') return undefined;
    if (keywordArg(call, 'autoload_with') || keywordArg(call, 'autoload')) return undefined;
    const name = call.args[0] ? evalString(this.resolver, file, call.args[0], locals) : undefined;
    if (name === undefined) {
      this.noteUnnamed('a Table(...)', { file, span: call.s }, 'The name of this Table(...) cannot be evaluated statically; its columns are not checked.');
      return undefined;
    }
    const convention = this.metadataConvention(file, call.args[1]);
    // A Table without schema= is in its MetaData's default schema (`MetaData(schema="x")`).
    const schema = evalString(this.resolver, file, keywordArg(call, 'schema')) ?? convention.__schema;
    const key = tableKey(name, schema);
    if (this.tables.has(key)) return this.tables.get(key);
    const table = newTable(name, { file, span: target?.s ?? call.s }, schema);
    table.modelName = modelName ?? (target?.k === 'name' ? target.id : name);
    table.modelKind = modelName !== undefined ? 'class' : 'table';
    const info = evalDict(this.resolver, file, keywordArg(call, 'info'));
    if (info) table.info = info;
    const metadataArg = call.args[1]?.k === 'name' ? locals?.get(call.args[1].id) : undefined;
    table.metadata = this.flaskTableMetadata(file, call) ?? metadataKeyOf(this.graph, file, metadataArg?.t === 'expr' ? metadataArg.e : call.args[1]);
    this.tables.set(key, table);
    const plan: TablePlan = { table, root: { kind: 'declarative' }, convention };
    for (const a of call.args.slice(1)) {
      if (a.k !== 'call') continue;
      // A column, also one a project helper returns (osparc's `column_created_datetime(timezone=True)`).
      const declaration = columnDeclaration(ctx, a);
      if (declaration?.kind === 'sa.Column') {
        const spec = evalColumnCall(declaration.ctx, declaration.call, declaration.kind);
        if (!spec.name) continue;
        const source = declaration.direct ? columnSourceOf({ ctx, statement: a.s, spec, call: { kind: declaration.kind, e: a }, fromAnnotation: false }) : undefined;
        // `Column("owner_type", ..., key="_owner_type")`: the table's constraints name it by its key (`table.c[key]`).
        const columnKey = evalString(this.resolver, declaration.ctx.file, keywordArg(declaration.call, 'key'), declaration.ctx.locals);
        this.addColumn(plan, { attr: columnKey ?? spec.name, spec, origin: { file, span: a.s }, defaultNullable: !spec.primaryKey, source }, false);
      } else if (!declaration) this.applyConstraint(plan, ctx, a, { file, span: a.s });
    }
    return table;
  }

  /** Flask-SQLAlchemy's `__bind_key__` of a model: its tables go to that bind's MetaData, not the default one. */
  private bindKey(contributors: ClassRef[]): string | undefined {
    for (const c of contributors) {
      const v = this.graph.ownAttribute(c, '__bind_key__');
      if (v) return evalString(this.resolver, c.file, v) ?? undefined;
    }
    return undefined;
  }

  /**
   * The MetaData of Flask-SQLAlchemy's `db.Table("name", db.Column(...), ...)`, which takes none as an argument: the
   * default bind's, or that of its `bind_key=`. Undefined for any other `Table(...)`.
   */
  private flaskTableMetadata(file: string, call: Extract<Expr, { k: 'call' }>): string | undefined {
    if (call.fn.k !== 'attr') return undefined;
    const db = this.resolver.resolve(file, call.fn.obj);
    // `db = SQLAlchemy()`, or an instance of the project's own subclass of it (faraday's): the resolver reads its
    // `db.Table` as SQLAlchemy's.
    if (db.t !== 'expr' || db.e.k !== 'call' || this.resolver.externalName(file, call.fn) !== 'sa.Table') return undefined;
    return withBindKey(metadataKey(this.resolver, { kind: 'flask', call: { file: db.file, e: db.e } }), evalString(this.resolver, file, keywordArg(call, 'bind_key')));
  }

  /** The naming convention of a root's MetaData, as the model file `file` sees it (also as its modules set it). */
  private conventionOf(root: DeclarativeRoot, file: string): NamingConvention {
    let assignments = this.conventionAssignments.get(file);
    if (!assignments) this.conventionAssignments.set(file, (assignments = conventionAssignments(this.resolver, file)));
    return readNamingConvention(this.resolver, root, { graph: this.graph, assignments });
  }

  /**
   * The naming convention of a Core table's MetaData: a `MetaData(...)` variable, or `Base.metadata` of a declarative
   * base, a class (renku's `metadata = metadata_obj`) or one `declarative_base(metadata=...)` made (indico's).
   */
  private metadataConvention(file: string, metadataExpr: Expr | undefined): NamingConvention {
    return namingConventionOf(this.graph, file, metadataExpr) ?? {};
  }

  private metadataSchema(root: DeclarativeRoot): string | undefined {
    return readNamingConvention(this.resolver, root).__schema;
  }

  private typeMapOf(root: DeclarativeRoot): TypeMapEntry[] {
    const out: TypeMapEntry[] = [];
    const holder = root.cls;
    if (!holder) return out;
    const classes = [holder, ...this.graph.ancestors(holder)];
    for (const c of classes) {
      // `type_annotation_map = {...}`, or `registry = registry(type_annotation_map={...})`.
      const own = this.graph.ownAttribute(c, 'type_annotation_map');
      const registryValue = this.graph.ownAttribute(c, 'registry');
      const registry = own || !registryValue ? undefined : registryCall(this.resolver, c.file, registryValue);
      const map = own ?? (registry ? keywordArg(registry.e, 'type_annotation_map') : undefined);
      if (map?.k !== 'dict') continue;
      const ctx = this.ctx(registry?.file ?? c.file);
      for (const [k, v] of map.entries) {
        if (!k) continue;
        const key = annotationKey(ctx, k);
        const type = evalType(ctx, v);
        if (key && type) out.push({ key, type, ...(v.k === 'call' && keywordArg(v, 'values_callable') ? { enumByValue: true } : {}) });
      }
    }
    return out;
  }
}

/**
 * What a `Mapped[...]` annotation gives a declared column, as SQLAlchemy's declarative scan does: a `mapped_column`
 * takes the column an `Annotated` alias carries, its type when it has none, and its nullability when not given
 * (`defaultNullable`); a classic `Column` is used as it is, whatever the annotation says.
 */
function annotatedSpec(spec: ColumnSpec, kind: string, annotation: AnnotationInfo | undefined): { spec: ColumnSpec; defaultNullable?: boolean } {
  if (kind !== 'sa.mapped_column' || !annotation) return { spec };
  const merged = annotation.carried ? mergeSpecs(annotation.carried, spec) : spec;
  // As SQLAlchemy's declarative scan: a column with a foreign key and no type of its own takes the referenced
  // column's type, not the annotation's (`Mapped[int]` on a key to a BigInteger id is a BigInteger).
  if (!merged.type && !merged.typeUnread && annotation.type && merged.foreignKeys.length === 0) merged.type = annotation.type;
  // `Optional[...]` makes the column nullable even when it is in the primary key (SQLAlchemy's scan sets it after
  // Column() made a key column NOT NULL); a `PrimaryKeyConstraint` in `__table_args__` makes it NOT NULL again.
  return { spec: merged, defaultNullable: annotation.optional };
}

/** Explicit `mapped_column(...)` arguments win over those an `Annotated` alias carries. */
function mergeSpecs(carried: ColumnSpec, explicit: ColumnSpec): ColumnSpec {
  return {
    name: explicit.name ?? carried.name,
    type: explicit.typeUnread ? undefined : explicit.type ?? carried.type,
    typeSpan: explicit.typeSpan,
    ...(explicit.typeUnread ? { typeUnread: true as const } : {}),
    nullable: explicit.nullable ?? carried.nullable,
    primaryKey: explicit.primaryKey || carried.primaryKey,
    serverDefault: explicit.serverDefault ?? carried.serverDefault,
    index: explicit.index ?? carried.index,
    unique: explicit.unique ?? carried.unique,
    foreignKeys: [...carried.foreignKeys, ...explicit.foreignKeys],
  };
}

/** Splits "table.column" or "schema.table.column". */
export function splitForeignKey(text: string): { table: string; schema?: string; column: string } | undefined {
  const parts = text.split('.');
  if (parts.length < 2) return undefined;
  const column = parts[parts.length - 1];
  const table = parts[parts.length - 2];
  const schema = parts.length > 2 ? parts.slice(0, -2).join('.') : undefined;
  return { table, schema, column };
}

/**
 * A class body's statements, with, for an `if` whose branches both bind an attribute (`if settings.pg: embedding =
 * mapped_column(Vector(...))` / `else: embedding = Column(JSON)`), the `else` branch's binding of it: the attribute
 * exists whichever runs. What only one branch binds is left out, as the class may not have it.
 */
function classStatements(body: Stmt[]): Stmt[] {
  if (!body.some((s) => s.k === 'if')) return body;
  const out: Stmt[] = [];
  for (const s of body) {
    if (s.k !== 'if') {
      out.push(s);
      continue;
    }
    const inBody = new Set(classStatements(s.body).flatMap((t) => (t.k === 'assign' ? t.targets.flatMap((x) => (x.k === 'name' ? [x.id] : [])) : [])));
    for (const t of classStatements(s.orelse)) if (t.k === 'assign' && t.targets.length === 1 && t.targets[0].k === 'name' && inBody.has(t.targets[0].id)) out.push(t);
  }
  return out;
}

/** Top-level statements, including those under module-level `if`, `try` and `with` blocks. */
function* topLevel(body: Stmt[]): Generator<Stmt> {
  for (const s of body) {
    if (s.k === 'if') {
      yield* topLevel(s.body);
      yield* topLevel(s.orelse);
    } else if (s.k === 'try' || s.k === 'with') yield* topLevel(s.body);
    else yield s;
  }
}

/**
 * What a call calls, also through a project function that passes its arguments on (buildbot's `def Table(*args,
 * **kwargs): kwargs["mysql_character_set"] = "utf8"; return sa.Table(*args, **kwargs)`).
 */
function forwardedCallee(ctx: EvalContext, call: Extract<Expr, { k: 'call' }>): string | undefined {
  const direct = calleeName(ctx, call);
  if (direct !== undefined) return direct;
  const fn = ctx.resolver.resolve(ctx.file, call.fn, ctx.locals);
  const rest = fn.t === 'def' ? fn.def.params.find((p) => p.star === '*')?.name : undefined;
  const returned = fn.t === 'def' ? returnedValue(fn.def) : undefined;
  if (fn.t !== 'def' || !rest || returned?.k !== 'call' || !returned.args.some((a) => a.k === 'starred' && a.value.k === 'name' && a.value.id === rest)) return undefined;
  return calleeName({ resolver: ctx.resolver, file: fn.file }, returned);
}

/**
 * What a library's base class gives a model (fastapi-users' email column, advanced-alchemy's slug constraint) is the
 * model's: it is placed on the model's class, where its findings are shown.
 */
function placeLibraryOrigins(table: TableDef): void {
  const place = <T extends { origin: SourceRef }>(item: T): T => (isLibraryFile(item.origin.file) ? { ...item, origin: table.origin } : item);
  for (const [name, column] of table.columns) table.columns.set(name, place(column));
  table.indexes = table.indexes.map(place);
  table.uniques = table.uniques.map(place);
  table.foreignKeys = table.foreignKeys.map(place);
  table.checks = table.checks.map(place);
}

/**
 * A model's CHECK constraint under the name SQLAlchemy gives it: a final name (`conv(...)`, `op.f(...)`) as it is,
 * else the naming convention's `ck` template when the constraint is unnamed or the template uses its name
 * (`ck_%(table_name)s_%(constraint_name)s`), else the name as written.
 */
function conventionalCheck(convention: NamingConvention, table: string, check: CheckSpec, origin: SourceRef): CheckDef {
  const template = convention.ck;
  const byConvention = !check.final && template !== undefined && (check.name === undefined || template.includes('%(constraint_name)s'));
  const name = byConvention ? conventionName(convention, 'ck', { table, columns: [], constraintName: check.name }) : check.name;
  const written = name !== check.name && check.name !== undefined ? { writtenName: check.name } : {};
  return { name, sql: check.sql, origin, ...written, ...((byConvention && name !== undefined) || check.final ? { conventional: true } : {}) };
}

/**
 * The CHECK constraint an Enum or Boolean type asks SQLAlchemy for (`create_constraint=True`), named by the type's
 * `name=` (an Enum of a Python class without one is named after the class); undefined for any other type.
 */
function typeCheckOf(type: SqlType | undefined): { name: string; type: TypeCheck['type'] } | undefined {
  if (type?.args.create_constraint !== true) return undefined;
  if (type.family === 'ENUM' && type.enumName !== undefined) return { name: type.enumName, type: { family: 'ENUM', native: type.args.native_enum !== false } };
  if (type.family === 'BOOLEAN' && typeof type.args.name === 'string') return { name: type.args.name, type: { family: 'BOOLEAN' } };
  return undefined;
}

/**
 * The attributes an index element may name its column by, outermost first: itself, what a call is given or called
 * on (`func.lower(Customer.email)`, `Customer.name.desc()`), what is subscripted (`Customer.data["key"].astext`).
 */
function columnsWithin(e: Expr, depth = 0): Array<Extract<Expr, { k: 'attr' }>> {
  if (depth > 8) return [];
  if (e.k === 'attr') return [e, ...columnsWithin(e.obj, depth + 1)];
  if (e.k === 'subscript') return columnsWithin(e.obj, depth + 1);
  if (e.k === 'call') return [...e.args.flatMap((a) => columnsWithin(a, depth + 1)), ...(e.fn.k === 'attr' ? columnsWithin(e.fn.obj, depth + 1) : [])];
  return [];
}

/** A MetaData identity for one of Flask-SQLAlchemy's binds (the default bind keeps the plain identity). */
function withBindKey(metadata: string, bindKey: string | undefined): string {
  return bindKey === undefined ? metadata : `${metadata}#bind:${bindKey}`;
}

/** The name an attribute chain, a call or a subscript starts from (`sa` of `sa.orm.Mapped[int]`), if any. */
function rootName(e: Expr | undefined): Extract<Expr, { k: 'name' }> | undefined {
  let cur = e;
  for (let depth = 0; cur && depth < 50; depth++) {
    if (cur.k === 'name') return cur;
    cur = cur.k === 'attr' ? cur.obj : cur.k === 'subscript' ? cur.obj : cur.k === 'call' ? cur.fn : undefined;
  }
  return undefined;
}

/**
 * The names a class body binds before `value` (its `__table_args__`), as Python's class scope shows them there:
 * `Index(f"ix_{__tablename__}_status", "status")` reads the class's own `__tablename__`.
 */
function classBodyNames(ref: ClassRef, value: Expr): Locals {
  const names = new Map<string, Value>();
  for (const s of ref.cls.body) {
    if (s.s[0] > value.s[0]) break;
    if (s.k === 'def') names.set(s.name, { t: 'def', file: ref.file, def: s });
    if (s.k !== 'assign' || !s.value || s.value === value) continue;
    for (const t of s.targets) if (t.k === 'name') names.set(t.id, { t: 'expr', file: ref.file, e: s.value });
  }
  return names;
}

/** The calls a helper's body returns, each with whether a branch it is in may not be taken (an `if`, a `try`). */
function returnedCalls(body: Stmt[], conditional = false): Array<{ call: Extract<Expr, { k: 'call' }>; conditional: boolean }> {
  const out: Array<{ call: Extract<Expr, { k: 'call' }>; conditional: boolean }> = [];
  for (const s of body) {
    if (s.k === 'return' && s.value?.k === 'call') out.push({ call: s.value, conditional });
    else if (s.k === 'if') out.push(...returnedCalls(s.body, true), ...returnedCalls(s.orelse, true));
    else if (s.k === 'try') out.push(...returnedCalls(s.body, true));
  }
  return out;
}

/**
 * The `return` a body reaches, following each `if` whose test `decide` can evaluate (one it cannot is passed over,
 * and the return after it taken); undefined when none is reached.
 */
function returnFor(body: Stmt[], decide: (test: Expr) => Literal | undefined, passed?: Array<Extract<Stmt, { k: 'return' }>>): Extract<Stmt, { k: 'return' }> | undefined {
  for (const s of body) {
    if (s.k === 'return') return s;
    if (s.k !== 'if') continue;
    const test = decide(s.test);
    if (test === undefined) {
      // The returns of a branch that may be taken, for a caller that wants them.
      if (passed) for (const block of [s.body, s.orelse]) passed.push(...returnsIn(block));
      continue;
    }
    const inner = returnFor(isTruthy(test) ? s.body : s.orelse, decide, passed);
    if (inner) return inner;
  }
  return undefined;
}

/** The `return` statements of a block and of the branches of its `if`s. */
function returnsIn(body: Stmt[]): Array<Extract<Stmt, { k: 'return' }>> {
  return body.flatMap((s) => (s.k === 'return' ? [s] : s.k === 'if' ? [...returnsIn(s.body), ...returnsIn(s.orelse)] : []));
}

/**
 * The model class a mixin's declared_attr builds with `type(name, bases, namespace)` for one mapped class, as a class
 * statement (warehouse's `ProjectEvent`): the bases, and each string key of the namespace as an assignment, with
 * `cls.__name__` and `cls.__tablename__` (cls being the declared_attr's first parameter) written as that class's name
 * and table name; `builtName` is the name the class is given. Undefined for a namespace given `**` entries, whose
 * keys are not known.
 */
function typeBuiltClass(def: Extract<Stmt, { k: 'def' }>, call: Extract<Expr, { k: 'call' }>, names: { className: string; tableName?: string; builtName: string }): ClassStmt | undefined {
  const { className, tableName, builtName } = names;
  const [nameArg, bases, namespace] = call.args;
  if (bases.k !== 'tuple' || namespace.k !== 'dict' || namespace.entries.some(([k]) => k === null)) return undefined;
  const cls = def.params[0]?.name ?? 'cls';
  const known = new Map<string, Expr>([[`${cls}.__name__`, { k: 'str', v: className, s: call.s }], ...(tableName ? [[`${cls}.__tablename__`, { k: 'str', v: tableName, s: call.s }] as [string, Expr]] : [])]);
  const body: Stmt[] = [];
  for (const [key, value] of namespace.entries) {
    if (key?.k !== 'str') continue;
    body.push({ k: 'assign', targets: [{ k: 'name', id: key.v, s: key.s }], value, s: [key.s[0], key.s[1], value.s[2], value.s[3]] });
  }
  return substituteNames<ClassStmt>({ k: 'class', name: builtName, bases: bases.items, kw: [], decorators: [], body, s: call.s, nameSpan: nameArg.s }, known);
}

/** The object, attribute name and value of a module statement that sets an attribute: `X.name = v` or `setattr(X, "name", v)`. */
function assignedAttribute(ctx: EvalContext, stmt: Stmt): { owner: Expr; name: string; value: Expr } | undefined {
  if (stmt.k === 'assign') {
    const target = stmt.targets.length === 1 ? stmt.targets[0] : undefined;
    return target?.k === 'attr' && stmt.value ? { owner: target.obj, name: target.name, value: stmt.value } : undefined;
  }
  const call = stmt.k === 'expr' && stmt.value.k === 'call' ? stmt.value : undefined;
  if (call?.fn.k !== 'name' || call.fn.id !== 'setattr' || call.args.length !== 3 || call.kw.length > 0) return undefined;
  const name = evalString(ctx.resolver, ctx.file, call.args[1]);
  return name === undefined ? undefined : { owner: call.args[0], name, value: call.args[2] };
}

/** The locals of a `declared_attr` (or any classmethod-like function) called for `target`: its first parameter, `cls`. */
function clsBound(def: Extract<Stmt, { k: 'def' }>, target: ClassRef): Locals {
  return new Map<string, Value>([[def.params[0]?.name ?? 'cls', { t: 'class', file: target.file, cls: target.cls }]]);
}

/**
 * The columns a `composite(...)` declares itself by name (`composite(mapped_column("lat"), mapped_column("lng"))`);
 * the others are the class's own columns, or take names from the composite class that are not read.
 */
function compositeColumns(ctx: EvalContext, call: Extract<Expr, { k: 'call' }>, origin: SourceRef): DeclaredColumn[] {
  const out: DeclaredColumn[] = [];
  for (const arg of call.args) {
    const declaration = columnDeclaration(ctx, arg);
    if (!declaration) continue;
    const spec = evalColumnCall(declaration.ctx, declaration.call, declaration.kind);
    if (spec.name !== undefined) out.push({ attr: spec.name, spec, origin, defaultNullable: !spec.primaryKey });
  }
  return out;
}

/**
 * SQLAlchemy-Utils' `@aggregated("relationship", Column(...))` on a method: a column of the method's name, which the
 * library keeps up to date from the relationship.
 */
function aggregatedColumn(ctx: EvalContext, def: Extract<Stmt, { k: 'def' }>): DeclaredColumn | undefined {
  for (const d of def.decorators) {
    if (d.k !== 'call' || calleeName(ctx, d) !== 'sautils.aggregated') continue;
    const declaration = columnDeclaration(ctx, d.args[1] ?? keywordArg(d, 'column'));
    if (!declaration) return undefined;
    const spec = evalColumnCall(declaration.ctx, declaration.call, declaration.kind);
    return { attr: def.name, spec, origin: { file: ctx.file, span: def.nameSpan }, defaultNullable: !spec.primaryKey };
  }
  return undefined;
}

/** How many calls call each name (`make_label` of `make_label(x)` and of `models.make_label(x)`). */
function callCounts(calls: Array<Extract<Expr, { k: 'call' }>>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of calls) {
    const name = c.fn.k === 'name' ? c.fn.id : c.fn.k === 'attr' ? c.fn.name : undefined;
    if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** The names a statement binds at its own level: assignment and loop targets, imports, defs and classes. */
function boundNames(s: Stmt): string[] {
  const names = (e: Expr): string[] => (e.k === 'name' ? [e.id] : e.k === 'tuple' || e.k === 'list' ? e.items.flatMap(names) : e.k === 'starred' ? names(e.value) : []);
  switch (s.k) {
    case 'assign':
      return s.targets.flatMap(names);
    case 'for':
      return names(s.target);
    case 'def':
    case 'class':
      return [s.name];
    case 'import':
      return [s.asname ?? s.module.split('.')[0]];
    case 'from':
      return s.names.map((n) => n.asname ?? n.name);
    case 'with':
      return s.items.flatMap((i) => (i.as ? [i.as] : []));
    default:
      return [];
  }
}
