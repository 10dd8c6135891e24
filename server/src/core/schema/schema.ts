import type { Span } from '../python/syntax';
import type { Literal } from '../python/literals';
import type { ColumnSource } from './columns';

/** A place in a project file (relative POSIX path, LSP range). */
export interface SourceRef {
  file: string;
  span: Span;
}

/** A table the models describe under a name that cannot be evaluated statically: any table no model names may be it. */
export interface UnnamedTable {
  /** "model Employee", "a Table(...)". */
  what: string;
  origin: SourceRef;
  /** The table's name, for a model class the project builds at run time (`type(...)`): its columns are not read. */
  name?: string;
  /** With `name`: why its columns are not read ("a model class made at run time whose columns are not read"). */
  why?: string;
}

/** A literal argument of a type (length, precision, timezone...). */
export type Scalar = string | number | boolean | null;

/** A column type, normalised enough to compare the way Alembic compares types. */
export interface SqlType {
  /** Canonical constructor name: "String", "postgresql.JSONB", "Enum". */
  name: string;
  /** Comparison family ("VARCHAR", "NUMERIC"...); undefined for types we cannot judge (never reported). */
  family?: string;
  /** Named arguments given explicitly (positional ones mapped to their parameter names). */
  args: Record<string, Scalar>;
  enumValues?: string[];
  enumName?: string;
  /** The element type of an ARRAY. */
  item?: SqlType;
  /** `with_variant(other, "dialect", ...)`: the type used on those dialects instead. */
  variants?: Record<string, SqlType>;
  /** A project's own type class (a TypeDecorator or a subclass) that this type stands for, by class name. */
  userType?: string;
  /**
   * That class makes CHECK constraints of its own when a column of it joins a table, which no declaration shows (an
   * event listener on the class: indico's PyIntEnum).
   */
  addsChecks?: true;
  /** A library's type class that this type stands for (fastapi-users' GUID): its module and name, as Alembic writes it. */
  library?: { module: string; name: string };
  /** As written in the source, for messages. */
  text: string;
}

/** A server-side default as written, plus a normalised key for comparison (undefined when it cannot be judged). */
export interface ServerDefault {
  text: string;
  key?: string;
  /** The string a Python expression that is no literal evaluates to (a module constant), as SQLAlchemy takes it. */
  value?: string;
  /** The text is SQL (a DEFAULT of DDL the migrations run), not a Python expression of a model or an op. */
  sql?: true;
  /** `FetchedValue()`: the database fills the column by means the model does not say (a trigger, a sequence); no key. */
  fetched?: true;
}

/** An attribute of a column that an op sets and the comparison compares. */
export type ColumnAttribute = 'type' | 'nullable' | 'serverDefault';

/** One column of a table. */
export interface ColumnDef {
  name: string;
  /** Model side: its `info={...}`, which env.py's include_object may read (`object.info.get("skip_autogenerate")`). */
  info?: Record<string, Literal>;
  type?: SqlType;
  nullable: boolean;
  /** Model side: `nullable=True` written on it, which a primary key constraint keeps, as SQLAlchemy does. */
  declaredNullable?: true;
  primaryKey: boolean;
  serverDefault?: ServerDefault;
  origin: SourceRef;
  /** Migration side: the revisions that created or changed the column, oldest first. */
  history?: HistoryEntry[];
  /** Model side: the ForeignKey target when the column's type must come from the referenced column. */
  typeFromForeignKey?: boolean;
  /** Model side: the column has a Python-side `default=`. */
  pythonDefault?: boolean;
  /** Model side: a `Sequence(...)` gives its values. */
  sequence?: boolean;
  /**
   * Model side: a SQLModel field whose default is None on a type that does not admit None (`x: str = None`), which
   * SQLModel makes nullable on pydantic 1 and NOT NULL on pydantic 2; `nullable` is pydantic 2's.
   */
  noneDefault?: true;
  /** `Identity(...)` among its arguments: its keyword arguments, or `source` when one cannot be evaluated. */
  identity?: IdentitySpec;
  /** Model side: where its declaration is written in place, for edits that make the model match the migrations. */
  declaration?: ColumnSource;
  /**
   * Migration side: attributes no op established, because the column belongs to a table the history does not fully
   * know (a baseline table) and was only altered, or an op that may not run set them; their values are placeholders,
   * not to be compared.
   */
  unknown?: ColumnAttribute[];
  /**
   * Migration side, of a table the migrations never made: added by an op under a test on the database or in a `try:`
   * (an add_column that runs only where the column is missing), so it may have been there before them.
   */
  mayPredate?: true;
  /** With the type unknown: the types it may have, one per arm of an undecided dialect test that made it. */
  typeAlternatives?: SqlType[];
  /**
   * Migration side, the dialect unknown: an enum column whose values are those of the existing type of its name, as on
   * PostgreSQL, where other databases give it these, the ones its last op wrote.
   */
  valuesElsewhere?: string[];
}

/** A revision's op that touched a table or column. */
export interface HistoryEntry {
  revision: string;
  op: string;
  origin: SourceRef;
  /** What a change to an existing column set (absent for the op that created it), to tell which revision set what. */
  sets?: Array<'type' | 'nullable' | 'serverDefault' | 'name'>;
}

export interface IndexDef {
  name?: string;
  columns: string[];
  unique: boolean;
  origin: SourceRef;
  /** The name came from a naming convention (rendered with `op.f(...)`). */
  conventional?: boolean;
  /** Model side: the index exists only on these dialects (`.ddl_if(dialect=...)`). */
  dialects?: string[];
  /** Dialect options (`postgresql_where=`, `postgresql_using=`...), written into revisions as given. */
  options?: IndexOption[];
  /** Some of `columns` are SQL expressions (`lower(email)`), all of them read. */
  expressions?: boolean;
  /**
   * Model side: made by a project helper only under a condition that cannot be decided (it returns None otherwise):
   * the migrations need not make it, and one they make is this one.
   */
  conditional?: boolean;
}

/** A dialect option of an index, by its keyword (`postgresql_using`). */
export interface IndexOption {
  key: string;
  /** A literal, a dict of literals (`postgresql_ops`), SQL text (`text("...")`), or the source of anything else. */
  value: { literal: Literal } | { dict: Array<[string, Literal]> } | { sql: string } | { source: string };
}

export interface UniqueDef {
  name?: string;
  columns: string[];
  origin: SourceRef;
  /** The name came from a naming convention (rendered with `op.f(...)`). */
  conventional?: boolean;
  /** Migration side, unnamed: the name PostgreSQL gave it when it was made, kept through renames (`users_email_key`). */
  databaseName?: string;
}

export interface ForeignKeyDef {
  name?: string;
  columns: string[];
  refTable: string;
  refSchema?: string;
  refColumns: string[];
  ondelete?: string;
  onupdate?: string;
  origin: SourceRef;
  /** Migration side, unnamed: the name PostgreSQL gave it when it was made, kept through renames (`orders_user_id_fkey`). */
  databaseName?: string;
  /** Migration side, unnamed: the name MySQL's InnoDB gave it (`orders_ibfk_1`), renamed with its table as InnoDB does. */
  mysqlName?: string;
  /** Migration side: `use_alter=True` in create_table, which databases with ALTER leave to a later create_foreign_key. */
  useAlter?: true;
  /**
   * Migration side: a `drop_constraint` whose table (or name) could not be read ran while this key existed, and may
   * have dropped it (designate's keys dropped by reflection); a key made after it is known to be there.
   */
  maybeDropped?: true;
  /** Made by an op that may not run (storyboard's, where the dialect supports ALTER): not compared. */
  inDoubt?: true;
}

/** A CHECK constraint: compared by name alone, as Alembic (1.19 and later) compares them. */
export interface CheckDef {
  /** Its name in the database, after the naming convention (model side) or as the migration wrote it. */
  name?: string;
  /** Model side: the name as written before a naming convention made `name` of it (the name a migration may pass). */
  writtenName?: string;
  /** `name` is final (a naming convention made it, or `op.f(...)` marks it): a revision writes it as `op.f(...)`. */
  conventional?: boolean;
  sql: string;
  origin: SourceRef;
  /** Migration side, unnamed: the name PostgreSQL gave it when it was made, kept through renames (`users_status_check`). */
  databaseName?: string;
}

/** A CHECK constraint an Enum or Boolean column's type makes, by its name (and the name as written). */
export interface TypeCheck {
  name?: string;
  writtenName?: string;
  /** The column's type: an Enum (`native`: it may be the database's own enum type) or a Boolean. */
  type: { family: 'ENUM'; native: boolean } | { family: 'BOOLEAN' };
}

/** Whether two column lists are the same, in the same order. */
export function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether two column lists hold the same columns, in any order. */
export function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Whether a CHECK constraint's condition names a column (as a whole word, quoted or not). */
export function checkMentions(check: Pick<CheckDef, 'sql'>, column: string): boolean {
  return sqlMentions(check.sql, column);
}

/** Whether SQL text names a column (as a word outside string literals). */
function sqlMentions(sql: string, column: string): boolean {
  // Words inside a string literal (`status IN ('active', 'banned')`) name no column.
  return sql.replace(/'(?:[^']|'')*'/g, ' ').split(/\W+/).includes(column);
}

/**
 * Whether an index uses a column: as one of its columns, inside one of its expressions (`lower(email)`), or in the
 * WHERE clause it has on the database (`postgresql_where=` on PostgreSQL; none when the dialect is unknown).
 * PostgreSQL drops such an index with the column.
 */
export function indexUsesColumn(index: Pick<IndexDef, 'columns' | 'expressions' | 'options'>, column: string, dialect?: string): boolean {
  if (index.columns.includes(column)) return true;
  if (index.expressions && index.columns.some((c) => sqlMentions(c, column))) return true;
  return index.options?.some((o) => o.key === `${dialect}_where` && 'sql' in o.value && sqlMentions(o.value.sql, column)) ?? false;
}

/** An `Identity(...)` column (GENERATED ... AS IDENTITY): its literal keyword arguments, else its text as written. */
export type IdentitySpec = { options: Array<[string, Literal]> } | { source: string };

/** A table as the models describe it, or as the migrations leave it at head. */
export interface TableDef {
  name: string;
  schema?: string;
  /** Model side: its `info={...}` (in `__table_args__` or a `Table(...)`), which env.py's include_object may read. */
  info?: Record<string, Literal>;
  columns: Map<string, ColumnDef>;
  primaryKey: string[];
  /** Name of the primary key constraint, when given. */
  primaryKeyName?: string;
  /** Migration side, an unnamed primary key: the name PostgreSQL gave it when it was made (`users_pkey`), kept through renames. */
  primaryKeyDatabaseName?: string;
  indexes: IndexDef[];
  uniques: UniqueDef[];
  foreignKeys: ForeignKeyDef[];
  checks: CheckDef[];
  /**
   * Model side: the CHECK constraints its Enum and Boolean columns ask for (`create_constraint=True, name=...`), named
   * as the table's own are; SQLAlchemy makes them only where the database has no such type (`typeMakesCheck`).
   */
  typeChecks?: TypeCheck[];
  origin: SourceRef;
  /** Model side: the class (or Table variable) that defines it. */
  modelName?: string;
  /** Model side: whether `modelName` is a mapped class or a Core `Table(...)` variable. */
  modelKind?: 'class' | 'table';
  /** Model side: which MetaData the table belongs to (projects may have several declarative bases). */
  metadata?: string;
  /** Model side: a base class we cannot read (a library mixin) may add columns, so the migrations' extras are not judged. */
  open?: boolean;
  /** Model side: the base class, as written, that makes it `open` (`OAuth2ClientMixin`), where one does. */
  openBase?: string;
  /**
   * Model side: its `__table_args__` are computed by code the checker does not run: indexes and constraints the
   * migrations have and the model seems to lack are not reported.
   */
  unreadConstraints?: boolean;
  /** A foreign key of it could not be read (its target, or a ForeignKeyConstraint): its foreign keys are not compared. */
  unreadForeignKeys?: boolean;
  /** Model side: the project types of its columns that make CHECK constraints of their own (`SqlType.addsChecks`). */
  typesAddingChecks?: string[];
  /** Migration side: the use_alter foreign keys its create_table wrote and the database did not get (`SchemaReplay`). */
  leftOutAlterKeys?: ForeignKeyDef[];
  /** Migration side: created outside the migrations, so its column list is not known in full. */
  partial?: boolean;
  /**
   * Migration side: made by a revision from a model class (`Model.__table__.create(bind)`), so partial, but made by
   * the migrations: no sign that other tables were made outside them.
   */
  fromModel?: boolean;
  /**
   * Migration side, on a `partial` table: the columns a drop_column that surely ran took out (a column of it the
   * replay never saw, so not in `columns`), each with that op; gone unless added again.
   */
  droppedColumns?: Map<string, SourceRef>;
  /**
   * Migration side: where the ops placed on no table (an `exec()` or SQL not read) that ran before a revision surely
   * made it are written; they cannot have changed it.
   */
  madeAfter?: readonly SourceRef[];
  /** Migration side: something unresolved may have changed it; no warning-level findings for what it may cover. */
  uncertain?: boolean;
  /**
   * Migration side: an op that may not have run made, dropped or renamed it: whether it exists at head is not known.
   * An uncertain table whose existence is not in doubt still exists (and is reported when no model describes it).
   */
  existenceUncertain?: true;
  /**
   * Migration side: an index or constraint op that runs only on some databases, or that could not be read, changed it:
   * its indexes and constraints (the primary key among them) are not compared, its columns are.
   */
  uncertainConstraints?: boolean;
  /**
   * With `uncertainConstraints`: only its constraints are in doubt (a `DROP CONSTRAINT` built at run time), and its
   * plain indexes, which no constraint op can make or drop, are still compared.
   */
  plainIndexesKnown?: boolean;
  /** Indexes (by name) an op that may not run made: those alone of its indexes are not compared. */
  indexesInDoubt?: string[];
  /** A primary key was made of columns that could not be read (cloudkitty's through a helper's `*args`): not compared. */
  primaryKeyUnread?: boolean;
  history?: HistoryEntry[];
}

/** A set of tables keyed by `schema.name` (or `name`). */
export type Schema = Map<string, TableDef>;

/** PostgreSQL's default schema, where tables made without a schema are. */
export const DEFAULT_POSTGRES_SCHEMA = 'public';

/** The key a table is stored under in a `Schema`. */
export function tableKey(name: string, schema?: string): string {
  return schema ? `${schema}.${name}` : name;
}

/** A new, empty table. */
export function newTable(name: string, origin: SourceRef, schema?: string): TableDef {
  return { name, schema, columns: new Map(), primaryKey: [], indexes: [], uniques: [], foreignKeys: [], checks: [], origin };
}

/**
 * Makes `columns` the table's primary key: they become NOT NULL, as a primary key's columns are, unless a model column
 * says `nullable=True` (SQLAlchemy keeps it), or `keepNullability` (SQLite's key columns stay as they were declared).
 */
export function setPrimaryKey(table: TableDef, columns: string[], name?: string, keepNullability = false): void {
  table.primaryKey = columns;
  if (name !== undefined) table.primaryKeyName = name;
  for (const c of columns) {
    const column = table.columns.get(c);
    if (column) {
      column.primaryKey = true;
      if (!keepNullability) column.nullable = column.declaredNullable === true;
    }
  }
}
