import { keywordArg, returnedValue, type Expr, type Stmt } from '../python/syntax';
import { exprText, type Value } from '../python/resolve';
import { evalDict, evalLiteral, evalString, evalStringList, percentFormat, schemaOfTableArgs } from '../python/literals';
import { tableKey, type ServerDefault, type SourceRef, type SqlType } from '../schema/schema';
import { evalServerDefault, evalType, type EvalContext } from '../schema/types';
import { calleeName, evalColumnCall, evalConstraintCall, indexElementSql, isFinalName, isOpF, MAPPED_NOT_IN_TABLE, readIndexOptions, type ColumnSpec, type ConstraintSpec } from '../schema/columns';
import { readSqlOps } from './sql';
import type { ReflectedKey } from './databaseTests';
import { closestSpelling } from '../spelling';

type Call = Extract<Expr, { k: 'call' }>;

/** A table as an op names it; `name` is undefined when it could not be evaluated. */
export interface TableRef {
  name?: string;
  schema?: string;
  /**
   * How SQL spelled the name, where PostgreSQL folds it to lower case and another database keeps it (`PoolGroup`):
   * the table of that name when there is none of the folded one.
   */
  spelled?: string;
}

/** A column an op creates (an `sa.Column(...)` or a column of a SQL CREATE TABLE / ADD COLUMN). */
export interface ColumnItem {
  spec: ColumnSpec;
  origin: SourceRef;
}

/** A constraint or index inside `op.create_table(...)`. */
export interface ConstraintItem {
  spec: ConstraintSpec;
  origin: SourceRef;
}

export type IndexSpec = Extract<ConstraintSpec, { kind: 'index' }>;

/** What `alter_column` changes; a field is present only when the op sets it (`serverDefault: null` drops it). */
export interface ColumnChanges {
  type?: SqlType;
  /** `type_=` an expression that cannot be evaluated (a type read from the live database): its text. */
  typeUnread?: string;
  nullable?: boolean;
  serverDefault?: ServerDefault | null;
  newName?: string;
  /**
   * Read where the dialect is not known: what MySQL, which restates the whole column (MODIFY / CHANGE), also sets
   * that the op leaves out: `existing_type`, and `existing_nullable`, else NULL.
   */
  onMysql?: { type?: SqlType; nullable?: boolean };
  /** The types the arms of an undecided dialect test each give the column (see alternativeArms), `type` the first. */
  typeAlternatives?: SqlType[];
}

interface OpBase {
  origin: SourceRef;
  /** How the op was written: an `op.` call, a `batch_op.` call, DDL inside `op.execute(...)`, or code run by `exec()`. */
  via: 'op' | 'batch_op' | 'execute' | 'exec' | 'call';
  /** For DDL run through another callee than `op.execute` (`batch_op.execute`, `conn.execute`): that callee, for messages. */
  caller?: string;
  /** What could not be evaluated statically, each as "the table name `expr`". */
  unresolved: string[];
  /** What the op leaves unknown, said whole where the list of `unresolved` would not say it (the note's message). */
  unknown?: string;
  /** Run under a condition of the SQL itself (an `IF` of a DO block): taken as run, and a failure is not reported. */
  conditional?: true;
}

/** One schema-changing migration operation, with every argument evaluated as far as static analysis allows. */
export type MigrationOp = OpBase &
  (
    /** `fromModel`: `Model.__table__.create(bind)`, whose columns are the model's when the revision runs (partial). */
    /** `mysqlOptions`: given MySQL's own options (`mysql_engine="InnoDB"`): the project runs on MySQL, at least at times. */
    | { kind: 'create_table'; table: TableRef; columns: ColumnItem[]; constraints: ConstraintItem[]; ifNotExists: boolean; partial: boolean; fromModel?: true; mysqlOptions?: true }
    /** `cascade`: PostgreSQL's `DROP TABLE ... CASCADE`, which drops the foreign keys of other tables that refer to it. */
    | { kind: 'drop_table'; table: TableRef; ifExists: boolean; cascade?: true }
    | { kind: 'rename_table'; table: TableRef; newName?: string }
    /**
     * `namedEnumTypes`: written for PostgreSQL (or a dialect not known: 'if postgresql'), where an enum type the column
     * names by a name the database already has is that type, with its values: add_column and alter_column make no type.
     */
    | { kind: 'add_column'; table: TableRef; column?: ColumnItem; ifNotExists: boolean; namedEnumTypes?: true | 'if postgresql' }
    | { kind: 'drop_column'; table: TableRef; column?: string; ifExists: boolean }
    /** `misspelt`: keywords alter_column does not take, written for one that changes the column (`type=`), which change nothing. */
    | { kind: 'alter_column'; table: TableRef; column?: string; changes: ColumnChanges; namedEnumTypes?: true | 'if postgresql'; misspelt?: Array<{ written: string; meant: string }> }
    | { kind: 'create_index'; table: TableRef; index?: IndexSpec; ifNotExists: boolean }
    /** `table` is absent when the op does not say (the index is looked up by name, in `schema`). */
    | { kind: 'drop_index'; table?: TableRef; schema?: string; name?: string; ifExists: boolean }
    /** `reflected`: a foreign key made again from one the revision read from the database, with what it sets anew. */
    | { kind: 'create_unique_constraint' | 'create_foreign_key' | 'create_check_constraint' | 'create_primary_key'; table: TableRef; constraint?: ConstraintSpec; reflected?: KeyRemade }
    /**
     * `final`: the name is written `op.f(...)`, which a naming convention leaves as it is. `primaryKey`: the table's
     * primary key whatever its name (MySQL's `DROP PRIMARY KEY`). `reflected`: the foreign keys the revision read from
     * the database, by the name the database gave.
     */
    | { kind: 'drop_constraint'; table: TableRef; name?: string; type?: string; ifExists: boolean; final?: true; primaryKey?: true; cascade?: true; reflected?: ReflectedKey }
    /**
     * `ALTER INDEX a RENAME TO b` (no table: looked up by name in `schema`, as an index or the constraint it backs), or
     * `ALTER TABLE t RENAME CONSTRAINT a TO b`.
     */
    | { kind: 'rename_index'; table?: TableRef; schema?: string; name: string; newName: string }
    /**
     * New values of a named enum type: the whole list (`sync_enum_values`), or values added (`ALTER TYPE ... ADD
     * VALUE`); or its new name (`ALTER TYPE ... RENAME TO`).
     */
    | { kind: 'alter_enum'; enumName?: string; values?: string[]; addValues?: string[]; renameValue?: [from: string, to: string]; newName?: string }
    /** PostgreSQL's `DROP TYPE name CASCADE`: the columns typed with that enum type go with it (a drop without CASCADE changes no table). */
    | { kind: 'drop_enum'; enumName: string; cascade?: true }
    /**
     * DDL that was recognised but not understood; the table (if known) can no longer be trusted. `indexesOnly`: only
     * index names are uncertain; `constraintsOnly`: only the table's keys and constraints (`ALTER TABLE t DROP PRIMARY
     * KEY, ADD PRIMARY KEY (id)`); `noteOnly`: SQL that could not be read but touches no table (it is only reported);
     * `fromFile`: SQL read from a file when the revision runs (ichnaea's base schema), which may make any table.
     */
    /**
     * `columnOps`: SQL built at run time on a table it does not name, read as these column ops of an unknown table
     * (`ALTER TABLE {t} ADD COLUMN x uuid`): only those columns change.
     */
    | { kind: 'opaque'; table?: TableRef; indexesOnly?: boolean; constraintsOnly?: boolean; plainIndexesKept?: boolean; noteOnly?: boolean; method?: string; fromFile?: true; columnOps?: MigrationOp[] }
    /**
     * SQLite's `PRAGMA legacy_alter_table = ON` (or OFF): while on, renaming a table leaves the foreign keys of other
     * tables naming the old name (securedrop renames a table to rebuild it, and the references come back to it).
     */
    | { kind: 'legacy_alter_table'; on: boolean }
    /**
     * PostgreSQL's `CREATE [MATERIALIZED] VIEW` and `DROP [MATERIALIZED] VIEW`: no table, but a name that index ops may
     * use (a materialized view's unique index, for `REFRESH ... CONCURRENTLY`), which autogenerate does not compare.
     */
    | { kind: 'create_view' | 'drop_view'; table: TableRef }
  );

export type OpKind = MigrationOp['kind'];

/** The ops that change only a table's constraints: none of them makes or drops a plain (non-unique) index. */
export const CONSTRAINT_OP_KINDS: ReadonlySet<string> = new Set(['create_unique_constraint', 'create_foreign_key', 'create_check_constraint', 'create_primary_key', 'drop_constraint']);

/** The keys of the tables an op works on by name: its own, and the new name of a table it renames. */
export function ownTableKeys(op: MigrationOp): string[] {
  const ref = 'table' in op ? op.table : undefined;
  if (ref?.name === undefined) return [];
  const own = tableKey(ref.name, ref.schema);
  return op.kind === 'rename_table' && op.newName !== undefined ? [own, tableKey(op.newName, ref.schema)] : [own];
}

/** Whether an op may make a table exist or stop existing (SQL that could not be read among them). */
export function changesTableExistence(op: MigrationOp): boolean {
  return op.kind === 'create_table' || op.kind === 'drop_table' || op.kind === 'rename_table' || (op.kind === 'opaque' && !op.indexesOnly && !op.constraintsOnly && !op.columnOps);
}

/** An expression together with the context it must be evaluated in. */
export interface Located {
  e: Expr;
  ctx: EvalContext;
}

/** Where an op call is evaluated: the file, its local bindings, and how to follow variables and helper results. */
export interface OpScope extends EvalContext {
  /** The project's database dialect, when known: the SQL grammar tried first for `op.execute` text. */
  dialect?: string;
  /** The expressions `e` stands for (a variable's value, a helper's return value, a list's items), or undefined when unknown. */
  expand(e: Expr): Located[] | undefined;
  /** The temporary tables SQL of the revision made so far (`CREATE TEMPORARY TABLE t AS SELECT ...`): not schema. */
  temporaryTables?: Set<string>;
  /** The field of a foreign key the revision read from the database that `e` is, if it is one. */
  reflectedKey?(e: Expr | undefined): ReflectedField | undefined;
}

/**
 * A foreign key made again from one read from the database (`op.create_foreign_key(fk["name"], table, "users",
 * ["user_id"], ["id"], ondelete="CASCADE")`): what it sets (null: no action given), the rest as the key read had it.
 */
export interface KeyRemade {
  key: ReflectedKey;
  set: { refTable?: string; refSchema?: string; columns?: string[]; refColumns?: string[]; ondelete?: string | null; onupdate?: string | null };
}

/** A field of a foreign key read from the database (`fk["name"]`, `fk["options"].get("ondelete")`), by its Inspector key. */
export interface ReflectedField {
  key: ReflectedKey;
  field: string;
}

/** The table a `batch_op` works on (`with op.batch_alter_table(...) as batch_op:`). */
export interface BatchTarget {
  table: TableRef;
  unresolved: string[];
  /**
   * The ops that rebuild the table from a `copy_from=` Table object (`recreate="always"`) before the block's ops: a drop and a create of a Core table the revision writes out; else one op that says the table is
   * made anew from a definition not read, so it is not compared.
   */
  rebuild?: MigrationOp[];
}

/** The positional parameters of each Alembic op, as `op.<method>` takes them. */
const PARAMS: Record<string, string[]> = {
  create_table: ['table_name'],
  drop_table: ['table_name'],
  rename_table: ['old_table_name', 'new_table_name'],
  add_column: ['table_name', 'column'],
  drop_column: ['table_name', 'column_name'],
  alter_column: ['table_name', 'column_name'],
  create_index: ['index_name', 'table_name', 'columns'],
  drop_index: ['index_name', 'table_name'],
  create_unique_constraint: ['constraint_name', 'table_name', 'columns'],
  create_foreign_key: ['constraint_name', 'source_table', 'referent_table', 'local_cols', 'remote_cols'],
  create_check_constraint: ['constraint_name', 'table_name', 'condition'],
  create_primary_key: ['constraint_name', 'table_name', 'columns'],
  drop_constraint: ['constraint_name', 'table_name', 'type_'],
  execute: ['sqltext'],
  // The alembic-autogenerate-enums extension: `op.sync_enum_values(schema, enum_name, old_values, new_values)`.
  sync_enum_values: ['enum_schema', 'enum_name', 'old_values', 'new_values'],
};

/** GeoAlchemy2's Alembic ops (`geoalchemy2.alembic_helpers`), each the plain op it extends, with the same parameters. */
const GEOSPATIAL_OPS: Record<string, string> = {
  add_geospatial_column: 'add_column',
  drop_geospatial_column: 'drop_column',
  create_geospatial_index: 'create_index',
  drop_geospatial_index: 'drop_index',
  create_geospatial_table: 'create_table',
  drop_geospatial_table: 'drop_table',
};

/**
 * `op` methods that change no table this check compares: Alembic's own helpers, comments, exclusion constraints, and
 * alembic_utils' views and functions.
 */
const OPS_OF_NO_TABLE = new Set(['get_bind', 'get_context', 'bulk_insert', 'inline_literal', 'f', 'invoke', 'run_async', 'implementation_for', 'register_operation', 'batch_alter_table', 'create_table_comment', 'drop_table_comment', 'create_exclude_constraint', 'create_entity', 'replace_entity', 'drop_entity']);

/** alembic_postgresql_enum's `op.sync_enum_values(enum_schema, enum_name, new_values, affected_columns, ...)`. */
const POSTGRESQL_ENUM_SYNC = ['enum_schema', 'enum_name', 'new_values', 'affected_columns', 'enum_values_to_rename'];

/**
 * Whether a `sync_enum_values` call is alembic_postgresql_enum's: its keywords, or a fourth argument that lists the
 * columns (`TableReference(...)` or `(table, column)` pairs) where the other extension's lists values.
 */
function isPostgresqlEnumSync(call: Call): boolean {
  if (call.kw.some((k) => k.name === 'affected_columns' || k.name === 'enum_values_to_rename')) return true;
  const fourth = call.args[3];
  return (fourth?.k === 'list' || fourth?.k === 'tuple') && fourth.items.some((i) => i.k !== 'str');
}

/** The parameters that name the table, which `batch_op` methods do not take. */
const TABLE_PARAMS = new Set(['table_name', 'source_table']);

/** A placeholder for the parts of a SQL string that cannot be evaluated. */
const UNKNOWN_SQL_PART = 'alembic_drift_unknown';

/** Whether `op.<method>` is one of Alembic's own ops (or an extension's this check knows). */
export function isKnownOp(method: string): boolean {
  const known = GEOSPATIAL_OPS[method] ?? method;
  return PARAMS[known] !== undefined || OPS_OF_NO_TABLE.has(known) || known === 'sync_enum_values';
}

/**
 * The `sa.Table(name, metadata, *items)` call an expression of the revision holds: written in a variable, or returned
 * by a function of the same file that the expression calls. Undefined for anything else.
 */
function coreTableOf(scope: OpScope, e: Expr): Call | undefined {
  const held = revisionCall(scope, e);
  if (!held) return undefined;
  if (scope.resolver.externalName(scope.file, held.fn, scope.locals) === 'sa.Table') return held;
  const fn = scope.resolver.resolve(scope.file, held.fn, scope.locals);
  const returned = fn.t === 'def' && fn.file === scope.file ? returnedValue(fn.def) : undefined;
  return returned?.k === 'call' && scope.resolver.externalName(scope.file, returned.fn) === 'sa.Table' ? returned : undefined;
}

/**
 * A Core index the revision builds on a Core table of its own (glance's `Index("created_at_image_idx",
 * images.c.created_at).create(migrate_engine)`, `images` a `Table("images", meta, autoload=True)`): what
 * op.create_index (or op.drop_index) of the same name, table, columns and `unique=` makes. Undefined for another call,
 * or where a column is not such a table's `.c.<name>`.
 */
function coreIndexOps(scope: OpScope, e: Expr, call: Call, create: boolean): MigrationOp[] | undefined {
  const index = revisionCall(scope, e);
  if (!index || scope.resolver.externalName(scope.file, index.fn, scope.locals) !== 'sa.Index') return undefined;
  const [name, ...columns] = index.args;
  const tables = columns.map((c) => (c.k === 'attr' && c.obj.k === 'attr' && (c.obj.name === 'c' || c.obj.name === 'columns') ? coreTableOf(scope, c.obj.obj) : undefined));
  const table = tables[0]?.args[0];
  if (!name || !table || tables.some((t) => t !== tables[0])) return undefined;
  const names: Expr[] = columns.map((c) => ({ k: 'str', v: (c as Extract<Expr, { k: 'attr' }>).name, s: c.s }));
  const schema = keywordArg(tables[0]!, 'schema');
  // `checkfirst=True`: made only where missing, dropped only where present.
  const checkfirst = keywordArg(call, 'checkfirst');
  const existing = checkfirst ? [{ name: create ? 'if_not_exists' : 'if_exists', value: checkfirst }] : [];
  const kw = [...index.kw.filter((k) => k.name === 'unique'), ...(schema ? [{ name: 'schema', value: schema }] : []), ...existing];
  return create
    ? readOpCall({ scope, call: { ...index, args: [name, table, { k: 'list', items: names, s: call.s }], kw, s: call.s }, method: 'create_index' })
    : readOpCall({ scope, call: { ...index, args: [name], kw: [{ name: 'table_name', value: table }, ...kw.filter((k) => k.name !== 'unique')], s: call.s }, method: 'drop_index' });
}

/** The call an expression is, or that a name of the revision holds (`images = Table(...)`); undefined otherwise. */
function revisionCall(scope: OpScope, e: Expr): Call | undefined {
  const held = e.k === 'call' ? { t: 'expr' as const, file: scope.file, e } : scope.resolver.resolve(scope.file, e, scope.locals);
  return held.t === 'expr' && held.file === scope.file && held.e.k === 'call' ? held.e : undefined;
}

/** The keywords by which `alter_column` changes a column; without any of them it changes nothing. */
const COLUMN_CHANGE_KEYWORDS = ['type_', 'nullable', 'server_default', 'new_column_name', 'name', 'comment', 'autoincrement'];

/**
 * The keywords `alter_column` reads besides its positional ones (`batch_op`'s also insert_before and insert_after);
 * Alembic hands any other to the dialect, which ignores it.
 */
const ALTER_COLUMN_KEYWORDS = ['nullable', 'comment', 'server_default', 'new_column_name', 'type_', 'existing_type', 'existing_server_default', 'existing_nullable', 'existing_comment', 'schema', 'autoincrement', 'existing_autoincrement', 'name', 'insert_before', 'insert_after'];

/** The keyword that changes a column which an unknown alter_column keyword was perhaps meant to be (`type` for `type_`). */
function meantChangeKeyword(written: string): string | undefined {
  if (DIALECT_OPTION.test(written)) return undefined;
  const meant = written === 'type' ? 'type_' : closestSpelling(written, ALTER_COLUMN_KEYWORDS);
  return meant !== undefined && COLUMN_CHANGE_KEYWORDS.includes(meant) ? meant : undefined;
}

/** A keyword argument that only a dialect reads (`mysql_engine`, `postgresql_using`). */
const DIALECT_OPTION = /^(?:mysql|mariadb|postgresql|sqlite|mssql|oracle)_/;
/** One of MySQL's own options. */
const MYSQL_OPTION = /^(?:mysql|mariadb)_/;

/** Expressions whose value does not depend on the module they are written in. */
const LITERAL_KINDS = new Set<string>(['str', 'num', 'const']);

/**
 * Reads one `op.<method>(...)` or `batch_op.<method>(...)` call into migration ops (several for SQL with many
 * statements, none for ops that do not change the schema), keeping what cannot be evaluated in `unresolved`.
 */
export function readOpCall({ scope, call, method: written, batch }: { scope: OpScope; call: Call; method: string; batch?: BatchTarget }): MigrationOp[] {
  const method = GEOSPATIAL_OPS[written] ?? written;
  const all = method === 'sync_enum_values' && isPostgresqlEnumSync(call) ? POSTGRESQL_ENUM_SYNC : PARAMS[method];
  if (!all) {
    // An op of an extension this check does not know (registered with Operations.register_operation): said, not guessed.
    if (OPS_OF_NO_TABLE.has(method) || method.startsWith('_')) return [];
    return [{ kind: 'opaque', origin: { file: scope.file, span: call.s }, via: batch ? 'batch_op' : 'op', method, unresolved: ['what this op, which Alembic Drift does not know, changes'], noteOnly: true }];
  }
  const params = batch ? all.filter((p) => !TABLE_PARAMS.has(p)) : all;
  const args = new Map<string, Expr>();
  call.args.forEach((a, i) => {
    if (i < params.length && a.k !== 'starred') args.set(params[i], a);
  });
  const origin: SourceRef = { file: scope.file, span: call.s };
  const unresolved: string[] = batch ? [...batch.unresolved] : [];
  let mysqlSeen = false;
  for (const k of call.kw) {
    if (k.name) {
      args.set(k.name, k.value);
      continue;
    }
    // `**kw`: the keywords of a dict it names (a module's COLLATION_ARGS, a helper's **kwargs); else said unknown.
    // A dialect's own options (`mysql_engine`) change nothing compared; a value written in another module is read
    // only when it is a literal, as the op's arguments are read in the revision's scope.
    const held = scope.resolver.resolve(scope.file, k.value, scope.locals);
    const sameFile = held.t === 'expr' && held.file === scope.file;
    const named = held.t === 'expr' && held.e.k === 'dict' ? held.e.entries.map(([key, value]) => ({ name: key?.k === 'str' ? key.v : undefined, value })) : undefined;
    const kept = named?.filter(({ name }) => name === undefined || !DIALECT_OPTION.test(name));
    if (named?.some(({ name }) => name !== undefined && MYSQL_OPTION.test(name))) mysqlSeen = true;
    if (!kept || !kept.every(({ name, value }) => name !== undefined && (sameFile || LITERAL_KINDS.has(value.k)))) unresolved.push(`the keyword arguments \`**${exprText(k.value)}\``);
    else for (const { name, value } of kept) args.set(name!, value);
  }

  // NOTE: the ops below spell these three out rather than spread an object: a spread is slow before the code is hot.
  const via = batch ? ('batch_op' as const) : ('op' as const);
  const note = (what: string, e: Expr | undefined): void => {
    unresolved.push(e ? `${what} \`${exprText(e)}\`` : what);
  };
  /** A required string argument. */
  const str = (param: string, what: string): string | undefined => {
    const e = args.get(param);
    const v = e ? evalName(scope, e) : undefined;
    if (v === undefined) note(what, e);
    return v;
  };
  /** An optional string argument (absent, None or empty gives undefined). */
  const optional = (param: string, what: string): string | undefined => {
    const e = args.get(param);
    const v = e && optionalName(scope, e);
    if (e && v === null) note(what, e);
    return v ?? undefined;
  };
  const flag = (param: string): boolean => {
    const e = args.get(param);
    return !!e && evalLiteral(scope.resolver, scope.file, e, scope.locals) === true;
  };
  const strings = (param: string, what: string): string[] | undefined => {
    const e = args.get(param);
    const v = evalStringList(scope.resolver, scope.file, e, scope.locals);
    if (v === undefined) note(what, e);
    return v;
  };
  const table = (param = 'table_name', schemaParam = 'schema'): TableRef =>
    batch ? batch.table : { name: str(param, 'the table name'), schema: optional(schemaParam, 'the schema') };

  switch (method) {
    case 'create_table': {
      const mysqlOptions = mysqlSeen || [...args.keys()].some((name) => MYSQL_OPTION.test(name)) ? { mysqlOptions: true as const } : {};
      // `op.create_table(*args)`, the name and items in a list or a helper's `*args`: each read where it is written.
      const spread = !batch && call.args[0]?.k === 'starred' ? scope.expand(call.args[0]) : undefined;
      const name = spread?.[0] && evalString(spread[0].ctx.resolver, spread[0].ctx.file, spread[0].e, spread[0].ctx.locals);
      if (spread && name !== undefined) {
        const ref = { name, schema: optional('schema', 'the schema') };
        const { columns, constraints } = readTableItems(scope, call.args.slice(1), note, spread.slice(1));
        return [{ origin, via, unresolved, kind: 'create_table', table: ref, columns, constraints, ifNotExists: flag('if_not_exists'), partial: false, ...mysqlOptions }];
      }
      const ref = table();
      const items = call.args[0] === args.get('table_name') ? call.args.slice(1) : call.args;
      const { columns, constraints } = readTableItems(scope, items, note);
      return [{ origin, via, unresolved, kind: 'create_table', table: ref, columns, constraints, ifNotExists: flag('if_not_exists'), partial: false, ...mysqlOptions }];
    }
    case 'drop_table':
      return [{ origin, via, unresolved, kind: 'drop_table', table: table(), ifExists: flag('if_exists') }];
    case 'rename_table':
      return [{ origin, via, unresolved, kind: 'rename_table', table: table('old_table_name'), newName: str('new_table_name', 'the new table name') }];
    case 'add_column': {
      const ref = table();
      const column = readColumnArg(scope, args.get('column'), note);
      return [{ origin, via, unresolved, kind: 'add_column', table: ref, column, ifNotExists: flag('if_not_exists'), ...namedEnumTypes(scope) }];
    }
    case 'drop_column':
      return [{ origin, via, unresolved, kind: 'drop_column', table: table(), column: str('column_name', 'the column name'), ifExists: flag('if_exists') }];
    case 'alter_column': {
      // With nothing to change (faf's `alter_column("builds", sa.Column(...))`), Alembic emits no statement at all.
      const starred = call.args.some((a) => a.k === 'starred') || call.kw.some((k) => !k.name);
      // Mailu's `alter_column("token", "ip", type=sa.String(255))`: no error, and no change.
      const misspelt = call.kw.flatMap((k) => {
        const meant = k.name && !ALTER_COLUMN_KEYWORDS.includes(k.name) && !all.includes(k.name) ? meantChangeKeyword(k.name) : undefined;
        return meant && !args.has(meant) ? [{ written: k.name!, meant }] : [];
      });
      if (!starred && !COLUMN_CHANGE_KEYWORDS.some((k) => args.has(k)) && misspelt.length === 0) return [];
      const ref = table();
      const column = str('column_name', 'the column name');
      return [{ origin, via, unresolved, kind: 'alter_column', table: ref, column, changes: readColumnChanges(scope, args, note), ...namedEnumTypes(scope), ...(misspelt.length > 0 ? { misspelt } : {}) }];
    }
    case 'create_index': {
      const ref = table();
      const nameExpr = args.get('index_name');
      const name = optional('index_name', 'the index name');
      // Names, or expressions written out: `[text("lower(cn)")]`, `["user_id", sa.column("updated_at").desc()]`.
      const elements = args.get('columns');
      let expressions = false;
      const written = elements?.k === 'list' || elements?.k === 'tuple' ? elements.items.map((item) => {
        const named = evalString(scope.resolver, scope.file, item, scope.locals);
        const sql = item.k === 'call' ? indexElementSql(scope, item) : undefined;
        // `sa.literal_column("lower(email)")`, `sa.text(...)`: an expression, as the model's Index(...) has it.
        if (sql !== undefined) expressions = true;
        return named ?? sql;
      }) : undefined;
      const columns = written?.every((c): c is string => c !== undefined) ? written : strings('columns', 'the columns');
      expressions &&= columns === written;
      const conventional = isOpF(scope, nameExpr);
      const index: IndexSpec | undefined = columns ? { kind: 'index', name, columns, unique: flag('unique'), conventional, options: readIndexOptions(scope, call), ...(expressions ? { expressions } : {}) } : undefined;
      return [{ origin, via, unresolved, kind: 'create_index', table: ref, index, ifNotExists: flag('if_not_exists') }];
    }
    case 'drop_index': {
      const name = str('index_name', 'the index name');
      const tableName = args.get('table_name');
      const ref = batch || (tableName && !(tableName.k === 'const' && tableName.v === null)) ? table() : undefined;
      return [{ origin, via, unresolved, kind: 'drop_index', table: ref, schema: ref ? undefined : optional('schema', 'the schema'), name, ifExists: flag('if_exists') }];
    }
    case 'create_unique_constraint':
    case 'create_primary_key': {
      const ref = table();
      const name = optional('constraint_name', 'the constraint name');
      const columns = strings('columns', 'the columns');
      const constraint: ConstraintSpec | undefined = columns ? { kind: method === 'create_primary_key' ? 'primary' : 'unique', name, columns } : undefined;
      return [{ origin, via, unresolved, kind: method, table: ref, constraint }];
    }
    case 'create_foreign_key': {
      const ref = table('source_table', 'source_schema');
      const noted = unresolved.length;
      const remade = readKeyRemade(scope, args, str, optional, strings);
      if (remade) return [{ origin, via, unresolved, kind: 'create_foreign_key', table: ref, reflected: remade }];
      // Read again below as any other, and said there.
      unresolved.length = noted;
      const name = optional('constraint_name', 'the constraint name');
      const referent = str('referent_table', 'the referenced table');
      const referentSchema = optional('referent_schema', 'the referenced schema');
      const local = strings('local_cols', 'the local columns');
      const remote = strings('remote_cols', 'the referenced columns');
      const constraint: ConstraintSpec | undefined =
        referent !== undefined && local && remote
          ? {
              kind: 'foreign',
              name,
              columns: local,
              refs: remote.map((c) => [referentSchema, referent, c].filter((p) => p !== undefined).join('.')),
              ondelete: optional('ondelete', 'ondelete='),
              onupdate: optional('onupdate', 'onupdate='),
            }
          : undefined;
      return [{ origin, via, unresolved, kind: 'create_foreign_key', table: ref, constraint }];
    }
    case 'create_check_constraint': {
      const ref = table();
      const name = optional('constraint_name', 'the constraint name');
      const condition = args.get('condition');
      const sql = condition ? evalString(scope.resolver, scope.file, condition, scope.locals) ?? exprText(condition) : '';
      const final = isFinalName(scope, args.get('constraint_name'));
      return [{ origin, via, unresolved, kind: 'create_check_constraint', table: ref, constraint: { kind: 'check', name, sql, ...(final ? { final } : {}) } }];
    }
    case 'drop_constraint': {
      const type = optional('type_', 'type_=');
      const reflected = scope.reflectedKey?.(args.get('constraint_name'));
      if (reflected?.field === 'name' && type === (reflected.key.kind ?? 'foreignkey')) return [{ origin, via, unresolved, kind: 'drop_constraint', table: table(), type, ifExists: flag('if_exists'), reflected: reflected.key }];
      const name = str('constraint_name', 'the constraint name');
      const final = isFinalName(scope, args.get('constraint_name'));
      return [{ origin, via, unresolved, kind: 'drop_constraint', table: table(), name, type, ifExists: flag('if_exists'), ...(final ? { final } : {}) }];
    }
    case 'execute': {
      const ops = readExecute(scope, args.get('sqltext'), origin);
      const caller = exprText(call.fn);
      return caller === 'op.execute' || caller.length > 40 ? ops : ops.map((o) => ({ ...o, caller }));
    }
    case 'sync_enum_values':
      return [{ origin, via, unresolved, kind: 'alter_enum', enumName: str('enum_name', 'the enum name'), values: strings('new_values', 'the new values') }];
    default:
      return [];
  }
}

/** A name argument: a literal or constant, or the string a project helper returns (`table_name("x")`). */
function evalName(scope: OpScope, e: Expr): string | undefined {
  const v = evalString(scope.resolver, scope.file, e, scope.locals);
  if (v !== undefined || e.k !== 'call') return v;
  const leaves = scope.expand(e);
  const leaf = leaves?.length === 1 && leaves[0].e !== e ? leaves[0] : undefined;
  return leaf ? evalString(leaf.ctx.resolver, leaf.ctx.file, leaf.e, leaf.ctx.locals) : undefined;
}

/**
 * An optional name argument (a schema): the name, undefined when it is None or empty (no schema, as SQLAlchemy reads
 * an empty one: rucio's `schema=schema[:-1]`), null when it cannot be evaluated.
 */
function optionalName(scope: OpScope, e: Expr): string | undefined | null {
  const v = evalLiteral(scope.resolver, scope.file, e, scope.locals);
  if (v === null || v === '') return undefined;
  return typeof v === 'string' ? v : (evalName(scope, e) ?? null);
}

/**
 * A table made or dropped straight from a model class (`RunEvent.__table__.create(op.get_bind(), checkfirst=True)`, or
 * `.drop(...)`): the table the model describes when the revision runs, so its columns are not known here and it is
 * made as a partial table. `Base.metadata.create_all(bind)` (or `drop_all`) may make or drop any table: said.
 * Undefined for any other call.
 */
export function readModelTableCall(scope: OpScope, call: Call): MigrationOp[] | undefined {
  if (call.fn.k !== 'attr') return undefined;
  const method = call.fn.name;
  const target = call.fn.obj;
  const origin = { file: scope.file, span: call.s };
  const checkfirst = (fallback: boolean): boolean => {
    const given = keywordArg(call, 'checkfirst');
    return given ? evalLiteral(scope.resolver, scope.file, given, scope.locals) === true : fallback;
  };
  /** The op on the table of model class `model` (`X.__table__`), or on some table when `e` names no model class. */
  const tableOp = (e: Expr | undefined, model: Value | undefined, create: boolean, ifExisting: boolean): MigrationOp => {
    const owner = model?.t === 'class' ? { file: model.file, cls: model.cls } : undefined;
    // A class the revision itself writes is frozen there: its columns are read as op.create_table would read them.
    const frozen = create && owner?.file === scope.file ? frozenModelTable(scope, owner.cls, call.s) : undefined;
    if (frozen && 'fn' in frozen) return readOpCall({ scope, call: { ...frozen, kw: [...frozen.kw, { name: 'if_not_exists', value: { k: 'const', v: ifExisting, s: call.s } }] }, method: 'create_table' })[0];
    const written = owner && scope.resolver.classAttribute(owner, '__tablename__');
    const name = written ? evalString(scope.resolver, written.file, written.found) : undefined;
    const unresolved = name !== undefined ? [] : owner ? [`the table name of model ${owner.cls.name}`] : [`the table \`${e ? exprText(e) : exprText(call)}\` makes or drops`];
    // A class frozen in the revision is not the model of today: what it makes is not known where it cannot be read.
    if (frozen && owner) unresolved.push(`the columns of class ${owner.cls.name}, which this revision writes (${frozen.unread})`);
    const args = owner && scope.resolver.classAttribute(owner, '__table_args__');
    const schema = args && schemaOfTableArgs(scope.resolver, args.file, args.found, undefined);
    const table = schema !== undefined ? { name, schema } : { name };
    return create
      ? { origin, via: 'call', unresolved, kind: 'create_table', table, columns: [], constraints: [], ifNotExists: ifExisting, partial: true, fromModel: true }
      : { origin, via: 'call', unresolved, kind: 'drop_table', table, ifExists: ifExisting };
  };
  /** The class `X.__table__` belongs to, as the resolver reads `X` where it is written. */
  const modelOf = (e: Expr | undefined, at: EvalContext = scope): Value | undefined => (e?.k === 'attr' && e.name === '__table__' ? at.resolver.resolve(at.file, e.obj, at.locals) : undefined);
  /**
   * A Core table the revision builds (onyx's `_sso_provider_table(metadata).create(op.get_bind())`): what
   * op.create_table (or op.drop_table) would make of the same name, columns and keywords.
   */
  const coreTableOps = (e: Expr, at: OpScope, create: boolean, ifExisting: boolean): MigrationOp[] | undefined => {
    const table = coreTableOf(at, e);
    if (!table) return undefined;
    const [name, , ...items] = table.args;
    const existing = { name: create ? 'if_not_exists' : 'if_exists', value: { k: 'const' as const, v: ifExisting, s: call.s } };
    const kw = create ? [...table.kw, existing] : [...table.kw.filter((k) => k.name === 'schema'), existing];
    return readOpCall({ scope: at, call: { ...table, args: name ? (create ? [name, ...items] : [name]) : [], kw, s: call.s }, method: create ? 'create_table' : 'drop_table' });
  };
  if (method === 'create' || method === 'drop') {
    const model = modelOf(target);
    if (model?.t === 'class') return [tableOp(target, model, method === 'create', checkfirst(false))];
    return coreTableOps(target, scope, method === 'create', checkfirst(false)) ?? coreIndexOps(scope, target, call, method === 'create');
  }
  // `metadata.create_all(bind, tables=[Server.__table__])`: those tables, or any of the metadata's (created only where
  // missing, dropped only where present: checkfirst is on by default).
  if ((method === 'create_all' || method === 'drop_all') && target.k === 'attr' && target.name === 'metadata') {
    const tables = keywordArg(call, 'tables');
    // Written there, or a list the revision names (superset's `tables=new_tables`).
    const written = tables?.k === 'list' || tables?.k === 'tuple';
    const listed = written ? tables.items.map((e): Located => ({ e, ctx: scope })) : tables ? scope.expand(tables) : undefined;
    if (listed) {
      const create = method === 'create_all';
      // Each a model's table or a Core table. An item written in the call that is neither is said as a table that
      // cannot be read, the others still read; a named list with such an item is taken as unknown, as a whole.
      const read = listed.map((item): MigrationOp[] | undefined => {
        const model = modelOf(item.e, item.ctx);
        return model?.t === 'class' ? [tableOp(item.e, model, create, checkfirst(true))] : coreTableOps(item.e, { ...scope, ...item.ctx }, create, checkfirst(true));
      });
      if (written || read.every((ops) => ops !== undefined)) return listed.flatMap((item, i) => read[i] ?? [tableOp(item.e, undefined, create, checkfirst(true))]);
    }
    const unknown = method === 'create_all'
      ? `\`${exprText(call)}\` makes every table of the models as they are when the revision runs, not as they were when it was written: a table no revision creates is taken as made here, and its drift cannot be seen (a database upgraded before a model changed lacks the change)`
      : `\`${exprText(call)}\` drops every table of the models as they are when the revision runs: which ones cannot be read statically`;
    return [{ ...tableOp(undefined, undefined, method === 'create_all', checkfirst(true)), unknown }];
  }
  return undefined;
}

/**
 * The `op.create_table(name, *columns, *table_args)` call a model class written in a revision amounts to, when its one
 * base is a declarative base (`Base = declarative_base()`: no mixin adds columns) and its body holds only
 * `__tablename__`, a tuple `__table_args__`, `x = sa.Column(...)` (named by the attribute where the call names no
 * column), and what adds nothing to the table (docstrings, methods, `relationship(...)`, literals); for any other
 * class, the statement it cannot read (`unread`), or undefined where its base is not read either.
 */
function frozenModelTable(scope: OpScope, cls: Extract<Stmt, { k: 'class' }>, span: SourceRef['span']): Call | { unread: string } | undefined {
  if (cls.bases.length !== 1 || cls.kw.length > 0) return undefined;
  const base = scope.resolver.resolve(scope.file, cls.bases[0], scope.locals);
  // `declarative_base()`, or a registry's `generate_base()` (backend.ai).
  const root = base.t === 'expr' && base.e.k === 'call' ? { file: base.file, call: base.e } : undefined;
  if (!root || (scope.resolver.externalName(root.file, root.call.fn) !== 'sa.declarative_base' && !(root.call.fn.k === 'attr' && root.call.fn.name === 'generate_base'))) return undefined;
  const unread = (s: Stmt): { unread: string } => ({ unread: s.k === 'assign' && s.targets[0]?.k === 'name' ? `its attribute ${s.targets[0].id}` : s.k === 'def' ? `its method ${s.name}` : `a ${s.k} statement of its body` });
  let name: Expr | undefined;
  const items: Expr[] = [];
  const tableArgs: Expr[] = [];
  for (const s of cls.body) {
    // A docstring, a method, and what adds nothing to the table (privacyidea's `relationship(...)`s, `__mapper_args__`);
    // not a `@declared_attr` (a column, or `__table_args__`) nor another dunder method.
    if (s.k === 'expr' && s.value.k === 'str') continue;
    if (s.k === 'def') {
      const declared = s.decorators.some((d) => (d.k === 'name' ? d.id : d.k === 'attr' ? d.name : '').includes('declared_attr'));
      if (declared || s.name.startsWith('__')) return unread(s);
      continue;
    }
    if (s.k !== 'assign' || s.targets.length !== 1 || s.targets[0].k !== 'name' || !s.value) return unread(s);
    const attr = s.targets[0].id;
    if (s.value.k === 'call' && MAPPED_NOT_IN_TABLE.has(calleeName(scope, s.value) ?? '')) continue;
    if (attr === '__mapper_args__' || (!attr.startsWith('__') && LITERAL_KINDS.has(s.value.k))) continue;
    if (attr === '__tablename__') name = s.value;
    else if (attr === '__table_args__' && s.value.k === 'tuple') tableArgs.push(...s.value.items.filter((i) => i.k !== 'dict'));
    else if (s.value.k === 'call' && scope.resolver.externalName(scope.file, s.value.fn, scope.locals) === 'sa.Column') {
      const named = s.value.args[0]?.k === 'str' || keywordArg(s.value, 'name') !== undefined;
      items.push(named ? s.value : { ...s.value, args: [{ k: 'str', v: attr, s: s.targets[0].s }, ...s.value.args] });
    } else return unread(s);
  }
  return name ? { k: 'call', fn: { k: 'name', id: 'create_table', s: span }, args: [name, ...items, ...tableArgs], kw: [], s: span } : undefined;
}

/** The flag of an op written for a dialect whose enum types are named objects of the database (PostgreSQL's). */
function namedEnumTypes(scope: OpScope): { namedEnumTypes?: true | 'if postgresql' } {
  return scope.dialect === 'postgresql' ? { namedEnumTypes: true } : scope.dialect === undefined ? { namedEnumTypes: 'if postgresql' } : {};
}

/** The table of `op.batch_alter_table(table_name, schema=...)`, with what could not be evaluated. */
export function readBatchTarget(scope: OpScope, call: Call): BatchTarget {
  const unresolved: string[] = [];
  const nameExpr = call.args[0] ?? keywordArg(call, 'table_name');
  const name = nameExpr ? evalName(scope, nameExpr) : undefined;
  if (name === undefined) unresolved.push(nameExpr ? `the table name \`${exprText(nameExpr)}\`` : 'the table name');
  const schemaExpr = keywordArg(call, 'schema');
  const schema = schemaExpr && optionalName(scope, schemaExpr);
  if (schemaExpr && schema === null) unresolved.push(`the schema \`${exprText(schemaExpr)}\``);
  const table = { name, schema: schema ?? undefined };
  // cloudkitty's `batch_alter_table(name, copy_from=table, recreate="always")`: the table is made anew as `table` says.
  const copyFrom = keywordArg(call, 'copy_from');
  const recreateExpr = keywordArg(call, 'recreate');
  const recreate = recreateExpr ? evalLiteral(scope.resolver, scope.file, recreateExpr, scope.locals) : 'auto';
  // "auto" rebuilds on SQLite only when an op of the block needs it, which is not known here: read as in place.
  if (!copyFrom || recreate !== 'always') return { table, unresolved };
  const origin = { file: scope.file, span: call.s };
  // airflow's `old_dagcode_table = Table("dag_code", metadata, ...)`: what op.create_table would make of it. One
  // reflected from the database (`autoload_with=bind`) is the table as it is.
  const core = coreTableOf(scope, copyFrom);
  if (core && (keywordArg(core, 'autoload_with') || keywordArg(core, 'autoload'))) return { table, unresolved };
  if (core && name !== undefined) {
    const created = readOpCall({ scope, call: { ...core, args: [{ k: 'str', v: name, s: core.s }, ...core.args.slice(2)], s: call.s }, method: 'create_table' });
    return { table, unresolved, rebuild: [{ kind: 'drop_table', origin, via: 'op', unresolved: [], table, ifExists: false }, ...created] };
  }
  const what = `the Table object \`${exprText(copyFrom)}\` the batch rebuilds the table from (recreate="${String(recreate)}")`;
  return { table, unresolved, rebuild: [{ kind: 'opaque', origin, via: 'op', method: 'batch_alter_table', table, unresolved: [...unresolved, what] }] };
}

/** The columns and constraints given to `op.create_table` after its name (`expanded`: some already followed to where they are written). */
function readTableItems(scope: OpScope, items: Expr[], note: (what: string, e?: Expr) => void, expanded: Located[] = []): { columns: ColumnItem[]; constraints: ConstraintItem[] } {
  const columns: ColumnItem[] = [];
  const constraints: ConstraintItem[] = [];
  for (const leaves of [expanded, ...items.map((e) => scope.expand(e) ?? e)]) {
    if (!Array.isArray(leaves)) {
      note('the columns', leaves);
      continue;
    }
    for (const { e, ctx } of leaves) {
      const origin: SourceRef = { file: ctx.file, span: e.s };
      if (e.k !== 'call') {
        note('a column or constraint', e);
        continue;
      }
      if (calleeName(ctx, e) === 'sa.Column') {
        const spec = migrationColumn(ctx, e, note);
        if (spec.name === undefined) note('the name of a column', e);
        columns.push({ spec, origin });
        continue;
      }
      const spec = evalConstraintCall(ctx, e);
      if (spec) constraints.push({ spec, origin });
      else if (!isIgnoredTableItem(ctx, e)) note('a column or constraint', e);
    }
  }
  return { columns, constraints };
}

/**
 * An `sa.Column(...)` of a migration, with each `ForeignKey(Model.attr)` (a revision that imports the project's
 * models) written as the "table.column" it points at; one whose table cannot be read is noted, never dropped.
 */
function migrationColumn(ctx: EvalContext, call: Call, note: (what: string, e?: Expr) => void): ColumnSpec {
  const spec = evalColumnCall(ctx, call, 'sa.Column');
  if (spec.foreignKeys.every((fk) => fk.target.kind === 'text')) return spec;
  spec.foreignKeys = spec.foreignKeys.flatMap((fk) => {
    if (fk.target.kind === 'text') return [fk];
    const text = memberColumnText(ctx, fk.target.file, fk.target.cls, fk.target.attr);
    if (text === undefined) {
      note(`the table of ForeignKey(${fk.target.cls.name}.${fk.target.attr})`);
      return [];
    }
    return [{ ...fk, target: { kind: 'text', text } }];
  });
  return spec;
}

/** "table.column" for a model class attribute, from the class's own `__tablename__` and the attribute's column name. */
function memberColumnText(ctx: EvalContext, file: string, cls: Extract<Stmt, { k: 'class' }>, attr: string): string | undefined {
  let table: string | undefined;
  let column = attr;
  for (const st of cls.body) {
    if (st.k !== 'assign' || !st.value) continue;
    const target = st.targets[0];
    if (st.targets.length !== 1 || target.k !== 'name') continue;
    if (target.id === '__tablename__') table = evalString(ctx.resolver, file, st.value);
    else if (target.id === attr && st.value.k === 'call') {
      // `Column("request_id", ...)` / `mapped_column("request_id", ...)`: the first argument names the column.
      const named = st.value.args[0] ? evalString(ctx.resolver, file, st.value.args[0]) : undefined;
      if (named !== undefined) column = named;
    }
  }
  return table === undefined ? undefined : `${table}.${column}`;
}

/** Table arguments that do not describe columns or constraints the analysis tracks. */
function isIgnoredTableItem(ctx: EvalContext, call: Call): boolean {
  const callee = calleeName(ctx, call);
  // Alembic's create_table keeps only columns, constraints and indexes: a MetaData passed along (as with sa.Table) is
  // dropped, as is the None an op called there returns (the interpreter runs that op first).
  return callee === 'sa.Computed' || callee === 'sa.Identity' || callee === 'postgresql.ExcludeConstraint' || callee === 'sa.MetaData' || !!callee?.startsWith('alembic.op.');
}

/** The single `sa.Column(...)` that `add_column` receives, or undefined (noted) when it cannot be read. */
function readColumnArg(scope: OpScope, arg: Expr | undefined, note: (what: string, e?: Expr) => void): ColumnItem | undefined {
  const leaves = arg ? scope.expand(arg) : undefined;
  const leaf = leaves?.length === 1 ? leaves[0] : undefined;
  if (!leaf || leaf.e.k !== 'call' || calleeName(leaf.ctx, leaf.e) !== 'sa.Column') {
    note('the column', arg);
    return undefined;
  }
  const spec = migrationColumn(leaf.ctx, leaf.e, note);
  if (spec.name === undefined) {
    note('the column name', leaf.e);
    return undefined;
  }
  return { spec, origin: { file: leaf.ctx.file, span: leaf.e.s } };
}

/** What an `alter_column` call sets; `existing_*` arguments only describe the old state and are ignored. */
function readColumnChanges(scope: OpScope, args: Map<string, Expr>, note: (what: string, e?: Expr) => void): ColumnChanges {
  const changes: ColumnChanges = {};
  const given = args.get('type_');
  // `type_=None` (a helper's default) changes no type.
  const type = given?.k === 'const' && given.v === null ? undefined : given;
  const read = type && evalType(scope, type);
  if (type) changes.type = read ?? { name: exprText(type), args: {}, text: exprText(type) };
  // A type class this check does not know (`UrlType()`) keeps its name; a variable it cannot follow is said.
  if (type && !read && type.k !== 'call' && !['class', 'ext'].includes(scope.resolver.resolve(scope.file, type, scope.locals).t)) changes.typeUnread = exprText(type);
  const nullable = args.get('nullable');
  if (nullable && !(nullable.k === 'const' && nullable.v === null)) {
    const v = evalLiteral(scope.resolver, scope.file, nullable, scope.locals);
    if (typeof v === 'boolean') changes.nullable = v;
    else note('nullable=', nullable);
  }
  const serverDefault = args.get('server_default');
  if (serverDefault) {
    const dropped = serverDefault.k === 'const' && (serverDefault.v === null || serverDefault.v === false);
    changes.serverDefault = dropped ? null : evalServerDefault(scope, serverDefault) ?? null;
  }
  // `name=`: Alembic before 1.0 took it for new_column_name (fedocal's renames); later ones refuse the call.
  const newName = args.get('new_column_name') ?? args.get('name');
  if (newName) {
    const v = evalString(scope.resolver, scope.file, newName, scope.locals);
    if (v === undefined) note('the new column name', newName);
    else changes.newName = v;
  }
  // MySQL restates the whole column (MODIFY / CHANGE) when its type, nullability or name changes: what the op leaves
  // out becomes `existing_type`, and `existing_nullable`, else NULL, as Alembic writes the statement.
  const mysql = scope.dialect === 'mysql' || scope.dialect === 'mariadb';
  if ((mysql || scope.dialect === undefined) && (changes.type || changes.nullable !== undefined || changes.newName !== undefined)) {
    const restated: NonNullable<ColumnChanges['onMysql']> = {};
    const existingType = args.get('existing_type');
    if (!changes.type && existingType) restated.type = evalType(scope, existingType);
    if (changes.nullable === undefined) {
      const existingNullable = args.get('existing_nullable');
      const v = existingNullable ? evalLiteral(scope.resolver, scope.file, existingNullable, scope.locals) : true;
      if (typeof v === 'boolean') restated.nullable = v;
    }
    if (mysql) {
      if (restated.type) changes.type = restated.type;
      if (restated.nullable !== undefined) changes.nullable = restated.nullable;
    } else if (restated.type || restated.nullable !== undefined) {
      changes.onMysql = restated;
    }
  }
  return changes;
}

/**
 * `op.execute(sql)`: plain DDL in a string (or `sa.text(...)`) becomes ops; other SQL and SQLAlchemy statements are
 * data changes and give nothing. SQL that cannot be evaluated in full is read with placeholders: when that shows DDL,
 * one `opaque` op says so.
 */
function readExecute(scope: OpScope, arg: Expr | undefined, origin: SourceRef): MigrationOp[] {
  const leaves = arg ? scope.expand(arg) : undefined;
  const text = leaves?.length === 1 ? sqlText(leaves[0]) : undefined;
  if (!text) return [];
  const written = evalString(text.ctx.resolver, text.ctx.file, text.e, text.ctx.locals);
  const sql = written !== undefined && text.ddl ? ddlStatement(written, text.ddl) : { text: written, complete: true };
  if (sql.text !== undefined && sql.complete) return readSqlOps(sql.text, origin, { dialect: scope.dialect, temporary: scope.temporaryTables });
  const sketch = sql.text ?? sketchSql(text);
  // SQL read from a file when the revision runs (ichnaea's whole base schema, `fd.read()`): said, not guessed.
  if (sketch === undefined && readsFile(text)) return [{ kind: 'opaque', origin, via: 'execute', unresolved: [`the SQL text \`${exprText(text.e)}\`, read from a file when the revision runs`], unknown: `the SQL it runs is read from a file when the revision runs (\`${exprText(text.e)}\`), which is not read here: what it changes is not known`, noteOnly: true, fromFile: true }];
  if (sketch === undefined) return [];
  const ops = sketchOps(sketch, scope, origin);
  if (ops.length === 0) return [];
  const onSearchPath = indexOpsOnSearchPath(ops);
  if (onSearchPath) return onSearchPath;
  const unresolved = [`the SQL text \`${exprText(text.e)}\``];
  // `ALTER TYPE kind ADD VALUE '{value}'` built at run time changes the values of that enum type, and nothing else.
  if (ops.every((o) => o.kind === 'alter_enum' && o.enumName !== undefined && !o.enumName.includes(UNKNOWN_SQL_PART) && o.newName === undefined)) {
    return ops.map((o) => ({ kind: 'alter_enum', enumName: (o as { enumName: string }).enumName, origin, via: 'execute', unresolved }));
  }
  const first = ops[0];
  const named = 'table' in first && first.table?.name !== undefined && !first.table.name.includes(UNKNOWN_SQL_PART) ? first.table : undefined;
  // A schema built at run time (`f"ALTER TABLE {envname}.notification ..."`, data.all's schema named after its
  // environment and put on the search path) may be the default one: the table of that name is the one in doubt.
  const table = named?.schema?.includes(UNKNOWN_SQL_PART) ? { name: named.name } : named;
  // `DROP INDEX {name}` built at run time changes some index, and nothing else; `DROP FOREIGN KEY {name}` (keylime's)
  // some constraint, and nothing else.
  const indexesOnly = ops.every((o) => o.kind === 'create_index' || o.kind === 'drop_index' || o.kind === 'rename_index' || (o.kind === 'opaque' && o.indexesOnly));
  const constraintsOnly = !indexesOnly && table !== undefined && ops.every((o) => CONSTRAINT_OP_KINDS.has(o.kind) || (o.kind === 'opaque' && o.constraintsOnly));
  const columnOps = table === undefined ? onUnknownTable(ops) ?? onUnknownTable(withActionsKnown(sketch, scope, origin)) : undefined;
  return [{ kind: 'opaque', table, origin, via: 'execute', unresolved, ...(indexesOnly ? { indexesOnly: true } : constraintsOnly ? { constraintsOnly: true } : columnOps ? { columnOps } : {}) }];
}

/**
 * Index ops whose only part built at run time is the schema (onyx's `CREATE INDEX CONCURRENTLY "ix_name" ON
 * "{schema}".chat_message (...)` and `DROP INDEX CONCURRENTLY "{schema}"."ix_name"`, whatever the schema is: onyx's is
 * what `SELECT current_schema()` read): the same ops without it, on the tables and indexes the search path finds;
 * undefined for any other SQL.
 */
function indexOpsOnSearchPath(ops: MigrationOp[]): MigrationOp[] | undefined {
  if (!ops.every((o) => o.kind === 'create_index' || o.kind === 'drop_index')) return undefined;
  const plain = withoutUnknownParts(ops, (key) => key === 'schema');
  return JSON.stringify(plain).includes(UNKNOWN_SQL_PART) ? undefined : plain;
}

/** The ops (plain data) with each text built at run time that `leftOut` picks, by its key, left out. */
function withoutUnknownParts(ops: MigrationOp[], leftOut: (key: string) => boolean): MigrationOp[] {
  return JSON.parse(JSON.stringify(ops), (key: string, v: unknown) => (typeof v === 'string' && v.includes(UNKNOWN_SQL_PART) && leftOut(key) ? undefined : v)) as MigrationOp[];
}

/** The ops SQL on a table it does not name may be read as (each remembered as done to some table). */
const UNKNOWN_TABLE_OP_KINDS = new Set<OpKind>(['add_column', 'drop_column', 'alter_column', 'create_index', 'drop_index', 'create_foreign_key', 'create_unique_constraint', 'create_check_constraint', 'drop_constraint']);

/**
 * SQL built at run time on a table it does not name (tracecat's `ALTER TABLE {qualified_table} ADD COLUMN "x" UUID`
 * over tables it reads from the database), read as its ops on a table not known, what else is built at run time
 * (a column's or a constraint's name, a type, a default) left unknown: undefined unless each op adds, drops or alters
 * a column, an index or a constraint. A column renamed is one dropped and one added (tracecat renames columns of
 * tables it makes per workspace).
 */
function onUnknownTable(ops: MigrationOp[]): MigrationOp[] | undefined {
  if (ops.length === 0 || !ops.every((o) => UNKNOWN_TABLE_OP_KINDS.has(o.kind))) return undefined;
  const out: MigrationOp[] = [];
  for (const o of ops) {
    if (o.kind !== 'alter_column' || o.changes.newName === undefined) {
      out.push({ ...o, table: {} } as MigrationOp);
      continue;
    }
    if (Object.keys(o.changes).length > 1) return undefined;
    const { origin, via } = o;
    out.push({ kind: 'drop_column', table: {}, column: o.column, ifExists: false, origin, via, unresolved: [] });
    out.push({ kind: 'add_column', table: {}, column: { spec: { name: o.changes.newName, primaryKey: false, foreignKeys: [] }, origin }, ifNotExists: false, origin, via, unresolved: [] });
  }
  return withoutUnknownParts(out, () => true);
}

/**
 * The ops of SQL whose `ON DELETE {action}` is built at run time, read with an action in its place (tracecat remakes
 * keys with the actions it read from the database), for SQL on a table not known, where only what kind of thing it
 * changes matters; none where it has no such action.
 */
function withActionsKnown(sketch: string, scope: OpScope, origin: SourceRef): MigrationOp[] {
  const known = sketch.replace(new RegExp(`\\bON\\s+(DELETE|UPDATE)\\s+${UNKNOWN_SQL_PART}`, 'gi'), 'ON $1 NO ACTION');
  return known === sketch ? [] : sketchOps(known, scope, origin);
}

/** The ops SQL read with placeholders for what is built at run time gives, less the notes on what it does not read. */
function sketchOps(sketch: string, scope: OpScope, origin: SourceRef): MigrationOp[] {
  return readSqlOps(sketch, origin, { dialect: scope.dialect, temporary: scope.temporaryTables }).filter((o) => !(o.kind === 'opaque' && o.noteOnly));
}

/** Whether SQL text is read from a file, where it is written or in the variable that holds it. */
function readsFile({ e, ctx }: Located): boolean {
  if (isFileText(e)) return true;
  const held = e.k === 'name' ? ctx.resolver.resolve(ctx.file, e, ctx.locals) : undefined;
  return held?.t === 'expr' && isFileText(held.e);
}

/** A `sa.DDL(...)` statement's text, and the `context=` its `%(name)s` are filled from. */
interface SqlText extends Located {
  ddl?: { context: Expr | undefined; ctx: EvalContext };
}

/**
 * The expression holding the SQL text: unwraps `sa.text(...)`, `sa.DDL(...)`, `.bindparams(...)`,
 * `.execution_options(...)`.
 */
function sqlText({ e, ctx }: Located): SqlText | undefined {
  if (e.k !== 'call') return { e, ctx };
  if (e.fn.k === 'attr' && (e.fn.name === 'bindparams' || e.fn.name === 'execution_options')) return sqlText({ e: e.fn.obj, ctx });
  const callee = calleeName(ctx, e);
  // `DDL(statement, context=None)` since SQLAlchemy 1.4; `DDL(statement, on, context)` before.
  const positional = e.args[1]?.k === 'dict' ? e.args[1] : e.args[2];
  if (callee === 'sa.DDL') return e.args[0] ? { e: e.args[0], ctx, ddl: { context: keywordArg(e, 'context') ?? positional, ctx } } : undefined;
  if (callee === 'sa.text' || (e.fn.k === 'attr' && e.fn.name === 'text')) return e.args[0] ? { e: e.args[0], ctx } : undefined;
  if (e.fn.k === 'attr' && e.fn.name === 'format' && e.fn.obj.k === 'str') return { e, ctx };
  // `" ".join([...])` of strings.
  if (e.fn.k === 'attr' && e.fn.name === 'join' && e.fn.obj.k === 'str') return { e, ctx };
  // A string read from a file and given as it is (`op.execute(fd.read())`, augur's legacy .sql files).
  if (isFileText(e)) return { e, ctx };
  return undefined;
}

/** The string methods whose result is still the file's SQL, read or tidied: `fd.read().strip()`. */
const TEXT_TIDYING = new Set(['strip', 'rstrip', 'lstrip', 'replace', 'decode']);

/** Whether a call is a file's text read whole (`fd.read()`, `path.read_text()`), perhaps tidied by string methods. */
function isFileText(e: Expr): boolean {
  if (e.k !== 'call' || e.fn.k !== 'attr') return false;
  if (e.fn.name === 'read' || e.fn.name === 'read_text') return e.args.length === 0 && e.kw.length === 0;
  return TEXT_TIDYING.has(e.fn.name) && isFileText(e.fn.obj);
}

/**
 * The statement SQLAlchemy runs for a `DDL(text, context=...)`: the text %-formatted with the context (`%(table)s`,
 * `%%` for a percent sign), with a placeholder for each name that cannot be evaluated, and whether there was none.
 */
function ddlStatement(text: string, ddl: NonNullable<SqlText['ddl']>): { text: string; complete: boolean } {
  const context = ddl.context ? evalDict(ddl.ctx.resolver, ddl.ctx.file, ddl.context, ddl.ctx.locals) : {};
  return percentFormat(text, [], context, UNKNOWN_SQL_PART);
}

/** The SQL text with a placeholder for each part that cannot be evaluated, or undefined when its shape is unknown. */
function sketchSql({ e, ctx }: Located): string | undefined {
  const part = (x: Expr): string => {
    const v = evalLiteral(ctx.resolver, ctx.file, x, ctx.locals);
    return typeof v === 'string' || typeof v === 'number' ? String(v) : UNKNOWN_SQL_PART;
  };
  switch (e.k) {
    case 'str':
      return e.v;
    case 'fstr':
      return e.parts.map((p) => (typeof p === 'string' ? p : part(p))).join('');
    case 'binop':
      if (e.op === '+') return `${sketchSql({ e: e.left, ctx }) ?? part(e.left)}${sketchSql({ e: e.right, ctx }) ?? part(e.right)}`;
      if (e.op === '%' && e.left.k === 'str') return percentFormat(e.left.v, [], undefined, UNKNOWN_SQL_PART).text;
      return undefined;
    case 'call':
      return e.fn.k === 'attr' && e.fn.name === 'format' && e.fn.obj.k === 'str' ? e.fn.obj.v.replace(/\{[^}]*\}/g, UNKNOWN_SQL_PART) : undefined;
    default:
      return undefined;
  }
}

/**
 * `op.create_foreign_key(fk["name"], ...)` of a foreign key read from the database: what it sets anew (each argument
 * that is not the same field of the same key), or undefined when its name is not such a field, or an argument it sets
 * cannot be read (it is then read as any other, and said unresolved).
 */
function readKeyRemade(
  scope: OpScope,
  args: Map<string, Expr>,
  str: (param: string, what: string) => string | undefined,
  optional: (param: string, what: string) => string | undefined,
  strings: (param: string, what: string) => string[] | undefined,
): KeyRemade | undefined {
  const named = scope.reflectedKey?.(args.get('constraint_name'));
  if (named?.field !== 'name' || named.key.kind !== undefined) return undefined;
  const same = (param: string, field: string): boolean => {
    const read = scope.reflectedKey!(args.get(param));
    return read?.field === field && read.key.pass === named.key.pass;
  };
  const set: KeyRemade['set'] = {};
  if (!same('referent_table', 'referred_table')) set.refTable = str('referent_table', 'the referenced table');
  if (args.has('referent_schema') && !same('referent_schema', 'referred_schema')) set.refSchema = optional('referent_schema', 'the referenced schema');
  if (!same('local_cols', 'constrained_columns')) set.columns = strings('local_cols', 'the local columns');
  if (!same('remote_cols', 'referred_columns')) set.refColumns = strings('remote_cols', 'the referenced columns');
  for (const action of ['ondelete', 'onupdate'] as const) if (!same(action, action)) set[action] = optional(action, `${action}=`) ?? null;
  const unread = (['refTable', 'columns', 'refColumns'] as const).some((k) => k in set && set[k] === undefined);
  return unread ? undefined : { key: named.key, set };
}
