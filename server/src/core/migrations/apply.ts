import { idList, makeFinding, type Finding, type FindingCode } from '../findings';
import type { ConstraintSpec } from '../schema/columns';
import { columnIndexName, conventionName, conventionTemplate, type NamingConvention, type NamingKind } from '../models/naming';
import { checkMentions, DEFAULT_POSTGRES_SCHEMA, indexUsesColumn, newTable, sameList, setPrimaryKey, tableKey, type ColumnAttribute, type ColumnDef, type ForeignKeyDef, type HistoryEntry, type IndexDef, type Schema, type SourceRef, type SqlType, type TableDef, type UniqueDef } from '../schema/schema';
import { sameIdentifier } from '../schema/identifiers';
import { postgresConstraintName, type ConstraintLabel } from '../schema/databaseNames';
import { databaseEnumName, enumValuesDiffer, spatialIndexName, typesDiffer } from '../schema/types';
import type { OpStep } from './interpret';
import { decideTest, keyPicked, type ConstraintType, type DatabaseTest, type Existence, type ReflectedKey, type RunsWhen } from './databaseTests';
import { changesTableExistence, CONSTRAINT_OP_KINDS, ownTableKeys, type ColumnChanges, type ColumnItem, type KeyRemade, type MigrationOp, type OpKind, type TableRef } from './ops';
import { sameItems } from '../memo';

/** The kind of the uncertain op SQL a revision reads from a file leaves: it may have made tables (see `diffSchemas`). */
export const SQL_FILE = 'sql_file';

/**
 * An op whose table could not be evaluated: whatever is known of it, so that the diff can avoid warnings it may
 * explain. `kind` is the Alembic op ("add_column", "create_table"...), "*" for SQL that could not be read, or
 * `SQL_FILE` for SQL a revision reads from a file (which may have made tables; only the diff's notes say so).
 */
export interface UncertainOp {
  kind: OpKind | '*' | typeof SQL_FILE;
  revision: string;
  origin: SourceRef;
  /** The table, when the op names it but could not be applied to it (a rename to an unknown name). */
  table?: string;
  schema?: string;
  column?: string;
  /** The index or constraint name, or the new name of a column or table. */
  name?: string;
  /**
   * An `alter_column` whose table or column could not be read, but all else could: the attributes it sets, the only
   * ones it may have changed (MySQL's restatement of the column as the op describes it aside).
   */
  attributes?: ColumnAttribute[];
  /** A `create_index` whose columns could be read (neutron's `['project_id']` on a table read at run time): them. */
  columns?: string[];
}

/** The schema the migrations leave at head, what went wrong on the way, and the ops that could not be placed. */
export interface ReplayResult {
  schema: Schema;
  findings: Finding[];
  uncertainOps: UncertainOp[];
  /** The tables assumed to exist before the first revision, each with the op that first used it (in replay order). */
  baseline: Array<{ table: string; step: OpStep }>;
  /** The tables dropped or renamed away and not made again, by key: how they went ("was dropped in revision x"). */
  gone: Pick<ReadonlyMap<string, string>, 'get'>;
  /** The database the history runs on: the dialect when known, else what its ops show (`databaseHint`). */
  database: string | undefined;
}

/**
 * The one note that says which tables the history uses without creating them, at the first op that used one; `madeBy`
 * names, for some of them, the other environment whose migrations create them.
 */
export function baselineFinding(tables: string[], origin: Pick<SourceRef, 'file' | 'span'>, madeBy: ReadonlyMap<string, string> = new Map()): Finding {
  const list = tables.map((t) => `"${t}"`).join(', ');
  const elsewhere = tables.filter((t) => madeBy.has(t)).map((t) => `"${t}" is created by the migrations of ${madeBy.get(t)}`);
  const others = tables.length - elsewhere.length;
  const made = elsewhere.length === 0 ? ', e.g. made by metadata.create_all() and alembic stamp' : `: ${elsewhere.join(', ')}${others === 0 ? '' : `; the ${others === 1 ? 'other may be' : 'others may be'} made by metadata.create_all() and alembic stamp`}`;
  return makeFinding('assumed-baseline', {
    message: `The migrations alter ${tables.length === 1 ? 'a table' : `${tables.length} tables`} that no revision creates (${list}); assuming ${tables.length === 1 ? 'it exists' : 'they exist'} before the first revision${made}.`,
    file: origin.file,
    span: origin.span,
  });
}

/**
 * A history's findings, with its note on the tables it assumes naming those another environment's migrations create
 * (ckan's plugins alter tables its core migrations make), where it would guess at create_all().
 */
export function withBaselineMakers(own: { envName: string; replay: ReplayResult }, all: ReadonlyArray<{ envName: string; replay: ReplayResult }>): Finding[] {
  const { findings, baseline } = own.replay;
  if (baseline.length === 0 || all.length < 2) return findings;
  const madeBy = new Map<string, string>();
  for (const { table } of baseline) {
    // The note names a table as the schema keys it (`schema.name`).
    const maker = all.find((other) => other !== own && other.replay.schema.has(table) && !other.replay.baseline.some((b) => b.table === table));
    if (maker) madeBy.set(table, maker.envName);
  }
  if (madeBy.size === 0) return findings;
  return findings.map((f) => (f.code === 'assumed-baseline' ? baselineFinding(baseline.map((b) => b.table), f, madeBy) : f));
}

/**
 * What other environments' histories do later to the tables this one creates: a history that assumes a table this
 * one makes runs on its database after it (agenta's tracing chain, continued by another on the same database; ckan's
 * plugins on its core tables), so the columns it adds or changes there and the indexes it makes are what the database
 * ends with. As uncertain ops of those tables, they keep this history's comparison from reporting them missing or
 * different.
 */
export function laterChangesByOthers(own: ReplayResult, all: ReadonlyArray<ReplayResult>): UncertainOp[] {
  const out: UncertainOp[] = [];
  for (const other of all) {
    if (other === own) continue;
    for (const { table: key } of other.baseline) {
      const continued = other.schema.get(key);
      if (!continued || !own.schema.has(key) || own.baseline.some((b) => b.table === key)) continue;
      let ops = laterChangesOf.get(continued);
      if (!ops) laterChangesOf.set(continued, (ops = tableChanges(continued)));
      out.push(...ops);
    }
  }
  return out;
}

/** The uncertain ops a later history's version of a table stands for, made once per version (the diff's memo compares them by identity). */
const laterChangesOf = new WeakMap<TableDef, UncertainOp[]>();

function tableChanges(table: TableDef): UncertainOp[] {
  const at = { table: table.name, schema: table.schema };
  const out: UncertainOp[] = [];
  for (const column of table.columns.values()) {
    const first = { revision: column.history?.[0]?.revision ?? '', origin: column.origin, ...at, column: column.name };
    out.push({ kind: 'add_column', ...first }, { kind: 'alter_column', ...first });
  }
  for (const index of table.indexes) if (index.name !== undefined) out.push({ kind: 'create_index', revision: '', origin: index.origin, ...at, name: index.name });
  return out;
}

/** How a history's ops are applied: see `applyRevisionOps`. */
export interface ApplyOptions {
  /** The naming convention of env.py's target_metadata, which Alembic's ops name what they make by. */
  convention?: NamingConvention;
  /** What `buildsFromEmpty` says of the whole history, when these revisions hold only some of its ops. */
  fromEmpty?: boolean;
  /** What `databaseHint` says of the whole history, likewise. */
  hint?: DatabaseHint;
  /** The database the history runs on, when it is known. */
  dialect?: string;
}

/** Applies the ops of each revision, in order, to one schema (mutated in place: linear in the number of ops). */
export function applyRevisionOps(revisions: Array<{ revision: string; steps: OpStep[] }>, options: ApplyOptions = {}): ReplayResult {
  const replay = new SchemaReplay(revisions, options.convention ?? {}, options.fromEmpty ?? buildsFromEmpty(revisions), 'hint' in options ? options.hint : databaseHint(revisions), options.dialect);
  for (const { revision, steps } of revisions) for (const step of steps) replay.apply(revision, step);
  return replay.finish();
}

/**
 * Whether no op uses a table before a revision makes it: the history builds its schema from an empty database, and
 * makes no use of create_all(). Ops in undecided dialect branches do not count, nor does cleanup a test on the
 * database guards (`if "migrate_version" in tables: op.drop_table("migrate_version")`, for databases of another
 * time); a guarded change to such a table (`add_column`) is written for databases create_all() made.
 */
export function buildsFromEmpty(revisions: Array<{ steps: OpStep[] }>): boolean {
  const made = new Set<string>();
  for (const { steps } of revisions) {
    const { uses, makes } = tableUse(steps);
    for (const key of uses) if (!made.has(key)) return false;
    for (const key of makes) made.add(key);
  }
  return true;
}

/**
 * The database a history read for a dialect not known shows it runs on: `mysql` where it gives MySQL's own options
 * (`mysql_engine="InnoDB"`: it runs on MySQL at least at times, so what an op does only there is said); else
 * `postgresql` where its columns have PostgreSQL's own types outside a branch on a dialect not decided
 * (`postgresql.JSONB`: MySQL could not make them).
 */
export function databaseHint(revisions: Array<{ steps: OpStep[] }>): DatabaseHint {
  let postgres = false;
  for (const { steps } of revisions) {
    let hint = hintOfSteps.get(steps);
    if (hint === undefined) hintOfSteps.set(steps, (hint = stepsHint(steps) ?? 'none'));
    if (hint === 'mysql') return 'mysql';
    if (hint === 'postgresql') postgres = true;
  }
  return postgres ? 'postgresql' : undefined;
}

/** What one revision's ops show (see `databaseHint`), remembered per list of ops: a keystroke reads one revision anew. */
const hintOfSteps = new WeakMap<OpStep[], DatabaseHint | 'none'>();

function stepsHint(steps: OpStep[]): DatabaseHint {
  let postgres = false;
  const isPostgres = (t: SqlType | undefined): boolean => !!t && t.name.startsWith('postgresql.');
  for (const { op, uncertain } of steps) {
    if (op.kind === 'create_table' && op.mysqlOptions) return 'mysql';
    // A PostgreSQL type in a branch on a dialect not decided shows the history also runs there, not only there.
    if (uncertain) continue;
    if (op.kind === 'create_table') postgres ||= op.columns.some((c) => isPostgres(c.spec.type));
    else if (op.kind === 'add_column') postgres ||= isPostgres(op.column?.spec.type);
    else if (op.kind === 'alter_column') postgres ||= isPostgres(op.changes.type);
  }
  return postgres ? 'postgresql' : undefined;
}

/** What `databaseHint` tells. */
export type DatabaseHint = 'mysql' | 'postgresql' | undefined;

/** The database a history runs on: its dialect when known, else what its ops show (`databaseHint`). */
export function historyDatabase(dialect: string | undefined, hint: DatabaseHint): string | undefined {
  return dialect ?? hint;
}

/** Whether two versions of a revision's ops use and make the same tables, in the same order: `buildsFromEmpty` answers alike. */
export function sameTableUse(a: OpStep[], b: OpStep[]): boolean {
  const x = tableUse(a);
  const y = tableUse(b);
  return sameItems(x.uses, y.uses) && sameItems(x.makes, y.makes);
}

/** Per revision's ops (kept while its file is unchanged): the tables they use before making them, and those they make. */
const tableUses = new WeakMap<OpStep[], { uses: string[]; makes: string[] }>();

function tableUse(steps: OpStep[]): { uses: string[]; makes: string[] } {
  let use = tableUses.get(steps);
  if (use) return use;
  const made = new Set<string>();
  const uses: string[] = [];
  for (const step of steps) {
    const { op } = step;
    const used = op.kind !== 'create_table' && 'table' in op && op.table ? refKey(op.table) : undefined;
    const cleanup = step.when !== undefined && CLEANUP_KINDS.has(op.kind);
    if (used !== undefined && !made.has(used) && !cleanup && !step.uncertain) uses.push(used);
    const key = madeKey(op);
    if (key !== undefined) made.add(key);
  }
  use = { uses, makes: [...made] };
  tableUses.set(steps, use);
  return use;
}

/** Ops that only remove what they name: guarded, they clean up what a database may hold. */
const CLEANUP_KINDS = new Set<string>(['drop_table', 'drop_index', 'drop_constraint']);

const IDENTIFIER = /^\w+$/;

/** The endings PostgreSQL gives the names of the indexes and constraints it names (`app_pkey`, `app_name_key`). */
const POSTGRES_INDEX_NAME = /_(?:pkey|key|idx|fkey|excl)$/;

/** A schema as PostgreSQL's search path reads it: `public` is the schema of a name written without one. */
function inDefault(schema: string | undefined): string | undefined {
  return schema === DEFAULT_POSTGRES_SCHEMA ? undefined : schema;
}

/**
 * Whether an index or constraint is called `name`: by its own name, or, unnamed, by the one PostgreSQL gave it (or
 * MySQL, to a foreign key).
 */
function bearsName(x: { name?: string; databaseName?: string; mysqlName?: string }, name: string): boolean {
  return sameIdentifier(x.name, name) || (x.name === undefined && (x.databaseName === name || x.mysqlName === name));
}

/** InnoDB's name for a new unnamed foreign key of the table: `<table>_ibfk_<n>`, one past the highest n it holds. */
function mysqlForeignKeyName(table: TableDef): string {
  const prefix = `${table.name}_ibfk_`;
  let highest = 0;
  for (const fk of table.foreignKeys) {
    const held = fk.name ?? fk.mysqlName;
    const n = held?.startsWith(prefix) ? Number(held.slice(prefix.length)) : NaN;
    if (Number.isInteger(n) && n > highest) highest = n;
  }
  return `${prefix}${highest + 1}`;
}

/** The columns of the primary key or unique constraint of this name, which foreign keys of other tables may refer to. */
function keyColumns(table: TableDef, name: string): string[] | undefined {
  const unique = table.uniques.find((u) => bearsName(u, name));
  if (unique) return unique.columns;
  return (table.primaryKeyName ?? table.primaryKeyDatabaseName) === name ? [...table.primaryKey] : undefined;
}

/** What of a table bears a name: an index or a constraint, 'primary' for its primary key, undefined for nothing. */
function namedPart(table: TableDef, name: string): { name?: string; databaseName?: string } | 'primary' | undefined {
  const held: Array<{ name?: string; databaseName?: string }> = [...table.indexes, ...table.uniques, ...table.foreignKeys, ...table.checks];
  const named = held.find((x) => bearsName(x, name));
  if (named) return named;
  return table.primaryKeyName === name || (table.primaryKeyName === undefined && table.primaryKeyDatabaseName === name) ? 'primary' : undefined;
}

const ONLY_SOME_DATABASES = 'runs only under a condition that could not be decided (a test on the database or its dialect; when the dialect is unknown, set sqlalchemy.url in alembic.ini, or dialect under [tool.alembic-drift])';
/** The same, where the condition tests what the database holds (or, the dialect known, tests it in a form not read). */
const ONLY_SOME_STATES = 'runs only under a condition that could not be decided (a test on what the database holds)';

/** The attributes an alter_column sets, as a note names them. */
const ATTRIBUTE_NAMES: Record<ColumnAttribute, string> = { type: 'type', nullable: 'nullability', serverDefault: 'server default' };

/** What an `alter_column` on a table that could not be read leaves uncompared, as its note ends with it. */
function alteredUnknown(op: Extract<MigrationOp, { kind: 'alter_column' }>): string {
  // A rename to a known name: the columns it may explain are spared as such, by name.
  if (op.changes.newName !== undefined) return '';
  const where = op.column === undefined ? 'every column of every table' : `column "${op.column}" of every table`;
  if (!op.unresolved.every(namesOnly)) return `; ${where} is compared only for being there`;
  const names = attributesSet(op.changes).map((a) => ATTRIBUTE_NAMES[a]);
  if (names.length === 0) return '';
  return `; the ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`} of ${where} ${names.length === 1 ? 'is' : 'are'} not compared`;
}

/** Removes in place the items of a list, from `from` on, that `matches` picks. */
function removeWhere<T>(list: T[], matches: (item: T) => boolean, from = 0): void {
  for (let i = list.length - 1; i >= from; i--) if (matches(list[i])) list.splice(i, 1);
}

/** Whether an op is a `drop_index` whose only unknown is the index's name. */
function dropsUnknownIndex(op: MigrationOp): op is Extract<MigrationOp, { kind: 'drop_index' }> {
  return op.kind === 'drop_index' && op.name === undefined && op.unresolved.length === 1 && op.unresolved[0].startsWith('the index name');
}

/** Whether what an op could not evaluate is only the name of its table or column. */
const namesOnly = (unresolved: string): boolean => unresolved.startsWith('the table name') || unresolved.startsWith('the column name');
/** Whether what an op left unresolved is its constraint's name alone. */
const constraintNameOnly = (unresolved: string): boolean => unresolved.startsWith('the constraint name');

/** The attributes of a column an alter_column sets. */
function attributesSet(changes: Extract<MigrationOp, { kind: 'alter_column' }>['changes']): ColumnAttribute[] {
  return (['type', 'nullable', 'serverDefault'] as const).filter((k) => changes[k] !== undefined);
}

/**
 * What an `alter_column` that may not run would change of a column as it is: an attribute it sets to the value the
 * column has already (MySQL's restatement of a nullable column as NULL) leaves nothing in doubt.
 */
function attributesChanged(column: ColumnDef, changes: Extract<MigrationOp, { kind: 'alter_column' }>['changes']): ColumnAttribute[] {
  return attributesSet(changes).filter((a) => {
    if (column.unknown?.includes(a)) return true;
    if (a === 'nullable') return changes.nullable !== column.nullable;
    if (a === 'type') return !column.type || typesDiffer(changes.type!, column.type, {});
    return (changes.serverDefault?.key ?? changes.serverDefault?.text) !== (column.serverDefault?.key ?? column.serverDefault?.text);
  });
}

/** Adds attributes to those of a column that are not known (and compared), each once. */
function markUnknown(column: ColumnDef, attributes: ColumnAttribute[]): void {
  if (attributes.length === 0) return;
  column.unknown = [...new Set([...(column.unknown ?? []), ...attributes])];
}

/** Whether an op changes only a table's indexes or constraints (its primary key among them), not its columns. */
function touchesOnlyIndexesOrConstraints(op: MigrationOp): boolean {
  switch (op.kind) {
    case 'create_index':
    case 'drop_index':
    case 'create_unique_constraint':
    case 'create_foreign_key':
    case 'create_check_constraint':
    case 'create_primary_key':
    case 'drop_constraint':
      return true;
    case 'opaque':
      return !!op.constraintsOnly;
    default:
      return false;
  }
}

class SchemaReplay {
  private readonly schema: Schema = new Map();
  private readonly findings: Finding[] = [];
  private readonly uncertainOps: UncertainOp[] = [];
  private readonly reported = new Set<string>();
  /** Tables that no longer exist, and why ("was dropped in revision x"). */
  private readonly gone = new Map<string, string>();
  /** The names of the tables an op surely dropped (some may have been made again since). */
  private readonly droppedNames = new Set<string>();
  /** The notes that an op that may not run leaves something of a table uncompared (see `reportUndecided`). */
  private readonly undecidedNotes = new Set<Finding>();
  /** The notes on what ops that may not run made (see `onlyItMadeInDoubt`), with what each names. */
  private readonly doubtNotes = new Map<Finding, { table: TableDef; at: string; prefix: string; made: Array<string | ForeignKeyDef> }>();
  /** The foreign key the op being applied makes is one an op that may not run makes (see `onlyItMadeInDoubt`). */
  private keyInDoubt = false;
  /**
   * Named foreign keys ops that may not run dropped from a table whose constraints were trusted until then, one after
   * another in one arm, with the first one's note: creates of the very same keys next undo them (`made` counts those).
   */
  private keysDroppedInDoubt: { table: TableDef; keys: ForeignKeyDef[]; made: Set<ForeignKeyDef>; note: Finding | undefined; historyAt: number; branch: object | undefined; revision: string; plainIndexesKnown: boolean } | undefined;
  /** The note `touch` gave the op being applied, on a table whose constraints were trusted until it, with what it knew then. */
  private constraintsNote: { note: Finding | undefined; plainIndexesKnown: boolean } | undefined;
  /** Of those, the notes on an enum type's values, with the type's name (moot once no column has the type). */
  private readonly undecidedEnumNotes = new Map<Finding, string>();
  /** Every table some revision creates (or renames to), with the first such revision. */
  private readonly created = new Map<string, string>();
  private readonly baseline: Array<{ table: string; step: OpStep }> = [];
  /** `table:name` of indexes and constraints that went away with a dropped column. */
  private readonly droppedWithColumn = new Set<string>();
  /**
   * `table:name` of foreign keys dropped: MySQL keeps the index it made for one, named as the key, and a revision
   * autogenerated against it drops that index next (mlrun).
   */
  private readonly foreignKeyIndexesLeft = new Set<string>();
  /** The foreign keys of a table each read of them by a revision gave (`keysRead`), and those of them dropped since. */
  private readonly reflectedReads = new Map<string, { keys: ForeignKeyDef[]; dropped?: Set<ForeignKeyDef> }>();
  /** Enum types (lower-cased names) whose values a run-time `ALTER TYPE ... ADD VALUE` left unknown. */
  private readonly enumsOfUnknownValues = new Set<string>();
  /**
   * PostgreSQL's named enum types an alter_column moved a column off, by name: the database keeps each until DROP TYPE,
   * and a later alter_column to a type of that name takes its values (neutron-vpnaas' round trip through `vpn_pfs`).
   */
  private readonly typesLeft = new Map<string, SqlType>();
  private revision = '';
  private step!: OpStep;
  /** The current op may not run (an undecided dialect branch, or a test on the database that cannot be decided). */
  private uncertain = false;
  /** A failure of the current op is not reported (a `try:` body, a branch on what the database or a setting holds). */
  private guarded = false;
  /**
   * The current op makes or drops only what an undecided test under it asks of, so the end is the same whichever way
   * the test goes: it is applied as certain, and a failure (its index already there, or already gone) not reported.
   */
  private idempotent = false;
  /**
   * Tables a rename that may not run moved in this revision, with what was known of them before: a table renamed back
   * home by the revision (SQLite's rename round trip, under a test on the dialect) is as it was, whichever way it went.
   */
  private readonly roundTrips = new Map<TableDef, RoundTrip>();
  /** Foreign keys an uncertain rename of the table they name rewrote, with the name they had first; checked when the revision ends. */
  private readonly renamedReferences = new Map<ForeignKeyDef, { table: TableDef; was: string; wasKey: string; message: string; op: MigrationOp }>();
  /** The current op runs under a test on what the database holds that the replay cannot decide. */
  private stateUnknown = false;
  /** What each test on the database found, decided when the first op under it was reached. */
  private readonly decided = new Map<DatabaseTest, boolean | undefined>();
  /** The tables an op that may not have run (or may have failed) touched: what a test finds in them is not known. */
  private readonly contentInDoubt = new Set<string>();
  /**
   * The tables a drop of one of their columns that may not have run touched, and `table\0column` for the column: what a
   * test finds of their indexes and constraints, and of that column, is not known.
   */
  private readonly constraintsInDoubt = new Set<string>();
  /** The same, for ops that create, drop or rename a table: whether it exists is not known. */
  private readonly existenceInDoubt = new Set<string>();
  /** SQLite's `PRAGMA legacy_alter_table` is on: a rename leaves other tables' foreign keys naming the old name. */
  private legacyAlterTable = false;

  /**
   * Tables some revision drops or renames away before any creates them: they existed before the first revision (a
   * SQLite rebuild `CREATE TABLE t_new`, `DROP TABLE t`, `ALTER TABLE t_new RENAME TO t` re-creates a table that
   * `create_all()` made), so an op on them before that is on the baseline, not on a table that does not exist yet.
   */
  private readonly existedBefore = new Set<string>();
  /**
   * Tables an op that surely runs (under no test and in no `try:`) alters before any revision makes them: the history
   * assumes them made before its first revision, so a test on whether one exists finds it, until it is dropped.
   */
  private readonly usedBeforeMade = new Set<string>();
  /** The keys of the views made so far, and not dropped (in PostgreSQL's default schema, by their bare name). */
  private readonly views = new Set<string>();

  constructor(
    revisions: Array<{ revision: string; steps: OpStep[] }>,
    /** The naming convention of env.py's target_metadata, which Alembic's ops (not SQL) name what they make by. */
    private readonly convention: NamingConvention,
    /**
     * The whole history (not only these revisions' ops, a group of its tables) builds the schema from empty
     * (`buildsFromEmpty`): a table no revision has made yet does not exist, where in a history that alters tables it
     * never creates, create_all() may have made it.
     */
    private readonly fromEmpty: boolean,
    /** The database the history shows it runs on while the dialect is not known (`databaseHint`). */
    private readonly hint: DatabaseHint,
    /** The database it runs on, when the dialect is known. */
    private readonly dialect: string | undefined,
  ) {
    for (const { revision, steps } of revisions) {
      for (const step of steps) {
        const { op } = step;
        const removed = op.kind === 'drop_table' || op.kind === 'rename_table' ? refKey(op.table) : undefined;
        if (removed !== undefined && !this.created.has(removed)) this.existedBefore.add(removed);
        const used = surelyRuns(step) ? tableItNeeds(op) : undefined;
        if (used !== undefined && !this.created.has(used)) this.usedBeforeMade.add(used);
        const key = madeKey(op);
        if (key !== undefined && !this.created.has(key)) this.created.set(key, revision);
      }
    }
  }

  finish(): ReplayResult {
    this.settleRenamedReferences();
    for (const key of this.existenceInDoubt) {
      const table = this.schema.get(key);
      if (table) table.existenceUncertain = true;
    }
    if (this.baseline.length > 0) this.findings.push(baselineFinding(this.baseline.map((b) => b.table), this.baseline[0].step.op.origin));
    // The notes on what is in doubt name what still is at head, on a table still there (not one made anew).
    const atHead = new Set(this.schema.values());
    for (const [note, { table, prefix, made }] of this.doubtNotes) {
      const still = (m: string | ForeignKeyDef): boolean => (typeof m === 'string' ? !!table.indexesInDoubt?.includes(m) : !!m.inDoubt && table.foreignKeys.includes(m));
      const left = atHead.has(table) ? made.filter(still) : [];
      if (left.length > 0) {
        note.message = `${prefix}; ${madeNotCompared(left, table)}.`;
        continue;
      }
      this.undecidedNotes.delete(note);
      removeWhere(this.findings, (f) => f === note);
    }
    return { schema: this.schema, findings: this.findings.filter((f) => !this.mootAtHead(f)), uncertainOps: this.uncertainOps, baseline: this.baseline, gone: this.gone, database: this.database() };
  }

  /**
   * Whether a finding is a note that an op that may not run leaves something of a table uncompared, where a later
   * revision surely dropped that table (mealie drops users_to_favorites' indexes under a dialect test, then the table),
   * not renamed it: nothing of it is compared at head anyway.
   */
  private mootAtHead(f: Finding): boolean {
    const name = f.table;
    if (!this.undecidedNotes.has(f)) return false;
    const enumName = this.undecidedEnumNotes.get(f);
    // dstack syncs an enum type's values on PostgreSQL only, and later makes the column a VARCHAR and drops the type.
    if (enumName !== undefined && ![...this.schema.values()].some((t) => [...t.columns.values()].some((c) => c.type?.family === 'ENUM' && c.type.enumName?.toLowerCase() === enumName))) return true;
    return name !== undefined && this.droppedNames.has(name) && ![...this.schema.values()].some((t) => t.name === name);
  }

  apply(revision: string, step: OpStep): void {
    if (revision !== this.revision) {
      // A trip a revision did not end where it began is not one.
      this.roundTrips.clear();
      this.settleRenamedReferences();
    }
    this.revision = revision;
    this.step = step;
    this.keyInDoubt = false;
    this.uncertain = step.uncertain;
    this.guarded = step.guarded;
    this.idempotent = false;
    this.stateUnknown = false;
    this.constraintsNote = undefined;
    if (step.when) {
      const runs = this.runs(step.when);
      // Not run on a database upgraded from empty, as the replay is.
      if (runs === false) return;
      this.stateUnknown = runs === undefined;
      if (runs === undefined) {
        for (const w of step.when) {
          // `if X is missing: create X` leaves X there whichever way the test goes (copr's indexes).
          if (this.decided.get(w.test) === undefined && makesWhatItTests(step.op, w) && !this.dropsUnnamed(step.op)) {
            this.idempotent = true;
            continue;
          }
          if (w.undecided === 'uncertain') this.uncertain = true;
          else this.guarded = true;
        }
      }
    }
    const { op } = step;
    // A view (augur's materialized views, each with a unique index): a name that is no table, which nothing compares.
    if (this.onView(op)) return;
    // A create IF NOT EXISTS (create_all's checkfirst) of a table that surely exists does nothing, whether it runs or
    // not (pgadmin's `if version < 2: create_all(bind, tables=[Server.__table__])`): nothing of the table is in doubt.
    if ((this.uncertain || this.guarded) && op.kind === 'create_table' && op.ifNotExists && this.surelyExists(op.table)) return;
    if (this.uncertain || this.guarded) {
      this.startRoundTrip(op);
      const keys = ownTableKeys(op);
      // A drop of a known column that may not have run (open-webui's `try:` around it) leaves in doubt that column and
      // the indexes and constraints it may take along; not the table's other columns.
      const oneColumn = op.kind === 'drop_column' && op.unresolved.length === 0 ? op.column : undefined;
      for (const key of keys) {
        if (oneColumn === undefined) this.contentInDoubt.add(key);
        else this.constraintsInDoubt.add(key).add(`${key}\0${oneColumn}`);
      }
      if (changesTableExistence(op)) for (const key of keys) this.existenceInDoubt.add(key);
    } else if (op.unresolved.length > 0 && changesTableExistence(op)) {
      // `DROP TABLE {schema}.t` built at run time may have dropped t, or renamed it away.
      for (const key of ownTableKeys(op)) this.existenceInDoubt.add(key);
    }
    if (op.unresolved.length > 0) this.report('unresolved', `${label(op)}: ${op.unknown ?? `could not evaluate ${op.unresolved.join(', ')} statically`}${this.untrusted(op)}.`);
    switch (op.kind) {
      case 'create_table':
        return this.createTable(op);
      case 'drop_table':
        return this.dropTable(op);
      case 'rename_table':
        return this.renameTable(op);
      case 'add_column':
        return this.addColumn(op);
      case 'drop_column':
        return this.dropColumn(op);
      case 'alter_column':
        return this.alterColumn(op);
      case 'create_index': {
        const table = this.existing(op.table, op);
        if (!table || !op.index) return;
        const { name } = op.index;
        if (name !== undefined) this.settleIndex(table, name);
        // One a drop by a name read at run time may have dropped (aiida drops every index the inspector lists): made
        // again, as the revision expects.
        const unseen = (o: UncertainOp): boolean => o.kind === 'drop_index' && o.table === table.name && o.name === name;
        if (name !== undefined && this.uncertainOps.some(unseen)) {
          table.indexes = table.indexes.filter((i) => i.name !== name);
          // Made again surely, it is no longer in doubt: a later create of the name fails, as it would.
          if (!this.quiet()) removeWhere(this.uncertainOps, unseen);
        }
        if (name !== undefined && table.indexes.some((i) => i.name === name)) {
          if (!op.ifNotExists && !this.tolerates(table)) this.invalid(`${label(op)}: index "${name}" already exists on table "${qualified(table)}".`, table);
          return;
        }
        this.checkColumns(table, op.index.columns);
        this.addConstraint(table, op.index, op.origin);
        return;
      }
      case 'drop_index':
        return this.dropIndex(op);
      case 'create_unique_constraint':
      case 'create_foreign_key':
      case 'create_check_constraint':
      case 'create_primary_key': {
        const table = this.existing(op.table, op);
        if (table && op.kind === 'create_foreign_key' && op.reflected) return this.remakeReflectedKeys(table, op.reflected, op.origin);
        if (!table || !op.constraint) return;
        // A key of known columns made surely is known again.
        if (op.kind === 'create_primary_key' && !this.uncertain && !this.guarded) delete table.primaryKeyUnread;
        if ((op.constraint.kind === 'unique' || op.constraint.kind === 'primary') && op.constraint.usingIndex !== undefined) return this.constraintFromIndex(table, op.constraint, op.constraint.usingIndex, op);
        const { name } = op.constraint;
        const same = name !== undefined && op.constraint.kind !== 'primary' ? [...table.uniques, ...table.foreignKeys, ...table.checks].find((c) => c.name === name) : undefined;
        if (same && (op.via === 'batch_op' || ('useAlter' in same && same.useAlter) || ('maybeDropped' in same && same.maybeDropped) || ('inDoubt' in same && same.inDoubt && !this.keyInDoubt && !this.guarded))) {
          // Batch mode keeps one constraint of a name, the last made; a use_alter key of create_table is made now; a
          // key a drop this check could not name may have dropped is made again (invenio-accounts).
          table.uniques = table.uniques.filter((c) => c !== same);
          table.foreignKeys = table.foreignKeys.filter((c) => c !== same);
          table.checks = table.checks.filter((c) => c !== same);
        } else if (same) {
          // The same name twice: the database refuses the second; both arms of an undecided `if` make it once.
          if (!this.tolerates(table)) this.invalid(`${label(op)}: constraint "${name}" already exists on table "${qualified(table)}".`, table);
          return;
        }
        if (op.constraint.kind !== 'check') this.checkColumns(table, op.constraint.columns);
        this.addConstraint(table, op.constraint, op.origin);
        if (this.keyInDoubt && op.constraint.kind === 'foreign') {
          const made = table.foreignKeys.at(-1)!;
          made.inDoubt = true;
          this.noteDoubt(table, op, made);
        }
        if (op.constraint.kind === 'foreign') this.keyMadeAgain(table);
        return;
      }
      case 'drop_constraint':
        return this.dropConstraint(op);
      case 'drop_enum':
        return this.dropEnum(op);
      case 'alter_enum':
        return this.alterEnum(op);
      case 'rename_index':
        return this.renameIndex(op);
      case 'legacy_alter_table':
        // A setting of the connection: it holds for the rest of the upgrade, as all revisions run on one connection.
        this.legacyAlterTable = op.on;
        return;
      case 'opaque':
        // SQL a revision reads from a file (ichnaea's base.sql) may make tables: a model table no revision makes is
        // said to be missing as a note that names it, not as one made outside the migrations.
        if (op.fromFile) this.uncertainOps.push({ kind: SQL_FILE, revision: this.revision, origin: op.origin });
        if (op.noteOnly) return;
        if (!op.table) {
          this.remember(op);
          // An index op on an index it cannot name (`DROP INDEX {name}`) may drop any index that exists now, and none
          // made later.
          if (op.indexesOnly) for (const table of this.schema.values()) for (const idx of table.indexes) if (idx.name !== undefined) this.uncertainOps.push({ kind: 'drop_index', revision: this.revision, origin: op.origin, table: table.name, name: idx.name });
        } else this.existing(op.table, op, { quiet: true });
        return;
    }
  }

  private createTable(op: Extract<MigrationOp, { kind: 'create_table' }>): void {
    const key = refKey(op.table);
    if (key === undefined) return this.remember(op);
    const existing = this.schema.get(key) ?? this.inDefaultSchema(op.table);
    // After an op that may have dropped it (mistral's `if "t" in inspector.get_table_names(): op.drop_table("t")`, the
    // table perhaps made by create_all), a create that surely runs succeeds only on a database without the table: the
    // table is the one it makes.
    if (existing && this.existenceInDoubt.has(key) && !this.quiet()) this.schema.delete(tableKey(existing.name, existing.schema));
    else if (existing) {
      if (!op.ifNotExists && !this.quiet()) this.invalid(`${label(op)}: table "${qualified(existing)}" already exists.`, existing);
      this.touch(existing, op);
      return;
    }
    const table = newTable(op.table.name!, op.origin, op.table.schema);
    table.history = [];
    // Ops placed on no table that ran before: none changed this table, which a create that surely runs (not in a
    // `try:`, nor IF NOT EXISTS, which finds a table such an op made) makes whole.
    const before = this.uncertain || this.guarded || op.ifNotExists ? [] : this.uncertainOps.filter((o) => o.table === undefined);
    if (before.length > 0) table.madeAfter = before.map((o) => o.origin);
    if (op.partial) table.partial = true;
    if (op.fromModel) table.fromModel = true;
    this.touch(table, op);
    const pk = op.constraints.find((c) => c.spec.kind === 'primary')?.spec;
    const pkColumns = pk?.kind === 'primary' ? pk.columns : op.columns.filter((c) => c.spec.primaryKey && c.spec.name !== undefined).map((c) => c.spec.name!);
    for (const item of op.columns) {
      const name = item.spec.name;
      if (name === undefined) continue;
      if (table.columns.has(name)) {
        this.invalid(`${label(op)}: column "${name}" is given twice.`, table, name);
        continue;
      }
      table.columns.set(name, this.newColumn(item, pkColumns.includes(name), op));
    }
    // The columns' own keys and checks once all columns are there, in order (PostgreSQL names a check by the columns it
    // names, later ones too).
    for (const item of op.columns) if (item.spec.name !== undefined && table.columns.get(item.spec.name)?.origin === item.origin) this.addColumnConstraints(table, item);
    table.primaryKey = pkColumns;
    const pkName = pkColumns.length > 0 ? this.named('pk', table, pkColumns, pk?.name).name : undefined;
    if (pkName !== undefined) table.primaryKeyName = pkName;
    else if (pkColumns.length > 0) table.primaryKeyDatabaseName = this.databaseName(table, [], 'pkey');
    for (const c of op.constraints) if (c.spec.kind !== 'primary') this.addConstraint(table, c.spec, c.origin);
    if (this.onPostgres()) this.dropUniqueOfPrimaryKey(table);
    // SQLAlchemy's CREATE TABLE leaves out a use_alter foreign key where the database can ALTER a table (all but
    // SQLite), for metadata.create_all() to add later; op.create_table never adds it.
    const leftOut = this.altersTables() ? table.foreignKeys.filter((fk) => fk.useAlter) : [];
    if (leftOut.length > 0) {
      table.foreignKeys = table.foreignKeys.filter((fk) => !leftOut.includes(fk));
      table.leftOutAlterKeys = leftOut;
    }
    this.schema.set(key, table);
    this.gone.delete(key);
  }

  /** The database the history runs on: its dialect, else what its ops show (`databaseHint`), else undefined. */
  private database(): string | undefined {
    return historyDatabase(this.dialect, this.hint);
  }

  /** Whether the history runs on a database that can ALTER a table's constraints (not SQLite). */
  private altersTables(): boolean {
    const database = this.database();
    return database !== undefined && database !== 'sqlite';
  }

  /** Whether the history runs on PostgreSQL. */
  private onPostgres(): boolean {
    return this.database() === 'postgresql';
  }

  /**
   * PostgreSQL's CREATE TABLE makes no unique constraint on the primary key's columns (`PrimaryKeyConstraint("key"),
   * UniqueConstraint("key")`, or `unique=True` on the key): it keeps the primary key alone, named by the unique
   * constraint when it has no name of its own. Alembic then adds the unique constraint a model declares there.
   */
  private dropUniqueOfPrimaryKey(table: TableDef): void {
    const key = table.primaryKey;
    const same = table.uniques.filter((u) => sameList(u.columns, key));
    if (same.length === 0) return;
    table.uniques = table.uniques.filter((u) => !same.includes(u));
    const named = same.find((u) => u.name !== undefined);
    if (table.primaryKeyName === undefined && named) table.primaryKeyDatabaseName = named.name;
  }

  /**
   * A named enum type as the database has it where a column already uses a type of that name (synapse spells
   * `sa.Enum(..., name="location")` again in a later revision, with a value fewer): the type with that column's
   * values. Any other type as it is.
   */
  private existingEnumType(type: SqlType | undefined): SqlType | undefined {
    const name = databaseEnumName(type);
    if (!type || name === undefined) return type;
    for (const table of this.schema.values()) {
      for (const column of table.columns.values()) {
        if (column.type?.enumValues && databaseEnumName(column.type) === name) return { ...type, enumValues: column.type.enumValues };
      }
    }
    const left = this.typesLeft.get(name);
    return left?.enumValues ? { ...type, enumValues: left.enumValues } : type;
  }

  /**
   * Where the dialect is not known and an op's enum type took the values of the existing type of its name (as on
   * PostgreSQL), the values the op itself writes, which other databases give the column (`ColumnDef.valuesElsewhere`);
   * none where the history's own types show it runs on PostgreSQL.
   */
  private noteValuesElsewhere(column: ColumnDef, op: { namedEnumTypes?: true | 'if postgresql' }, written: SqlType | undefined, taken: SqlType | undefined): void {
    delete column.valuesElsewhere;
    if (op.namedEnumTypes === 'if postgresql' && !this.onPostgres() && written?.enumValues && taken !== written && JSON.stringify(taken?.enumValues) !== JSON.stringify(written.enumValues)) column.valuesElsewhere = written.enumValues;
  }

  /** An enum type whose values a run-time `ADD VALUE` left unknown, without them: a column made with it later too. */
  private withKnownValues(type: SqlType | undefined): SqlType | undefined {
    const name = type?.family === 'ENUM' ? type.enumName?.toLowerCase() : undefined;
    return name !== undefined && this.enumsOfUnknownValues.has(name) ? { ...type!, enumValues: undefined } : type;
  }

  /** Gives every column typed with the named enum its new values. */
  private alterEnum(op: Extract<MigrationOp, { kind: 'alter_enum' }>): void {
    const name = op.enumName?.toLowerCase();
    if (!name) return;
    // A type no column uses is not followed through ALTER TYPE: its values are no longer taken from here.
    this.typesLeft.delete(name);
    if (op.newName !== undefined) this.typesLeft.delete(op.newName.toLowerCase());
    // Values written at run time (`ADD VALUE '{value}'`), or added only on some databases (conda-store adds one on
    // PostgreSQL and rebuilds the column elsewhere), leave the type's values unknown, and nothing else.
    const valuesOnly = op.newName === undefined && (op.unresolved.length > 0 || this.uncertain);
    if (valuesOnly) this.enumsOfUnknownValues.add(name);
    else if (op.values) this.enumsOfUnknownValues.delete(name);
    let said = op.unresolved.length > 0;
    for (const table of this.schema.values()) {
      for (const column of table.columns.values()) {
        const type = column.type;
        if (type?.family !== 'ENUM' || type.enumName?.toLowerCase() !== name) continue;
        const renamed = op.renameValue && type.enumValues?.map((v) => (v === op.renameValue![0] ? op.renameValue![1] : v));
        const values = valuesOnly ? undefined : op.values ?? renamed ?? (type.enumValues && op.addValues ? [...type.enumValues, ...op.addValues.filter((v) => !type.enumValues!.includes(v))] : undefined);
        column.type = op.newName !== undefined ? { ...type, enumName: op.newName } : { ...type, enumValues: values };
        column.history?.push(this.entry(op, op.origin, ['type']));
        if (!valuesOnly && this.uncertain && op.newName !== undefined && op.unresolved.length === 0 && !table.uncertain) {
          // A type renamed on some databases only (tracim's PostgreSQL arm renames authtype to rebuild it): the type of
          // its columns is in doubt, and nothing else of their tables.
          markUnknown(column, ['type']);
          this.reportUndecided(`${label(op)}: ${this.onlySome()}; the type of column "${qualified(table)}.${column.name}" is not compared.`, table.name, column.name);
          continue;
        }
        if (!valuesOnly) {
          this.touch(table, op);
          continue;
        }
        table.history?.push(this.entry(op, op.origin));
        const note = !said && !table.uncertain ? this.reportUndecided(`${label(op)}: ${this.onlySome()}; the values of enum type "${op.enumName}" are not compared.`, table.name) : undefined;
        if (note) this.undecidedEnumNotes.set(note, name);
        said = true;
      }
    }
  }

  private dropTable(op: Extract<MigrationOp, { kind: 'drop_table' }>): void {
    const table = this.existing(op.table, op, { ifExists: op.ifExists });
    if (!table) return;
    // NOTE: a drop that may not run (an undecided dialect branch) keeps the table, so later ops are not misjudged.
    if (this.uncertain) return;
    const key = tableKey(table.name, table.schema);
    this.schema.delete(key);
    this.gone.set(key, `was dropped in revision ${this.revision}`);
    this.droppedNames.add(table.name);
    // CASCADE: the foreign keys of other tables that refer to it go with it.
    if (op.cascade) this.dropForeignKeysTo(table, op);
  }

  /**
   * Drops the foreign keys of every table that refer to `table` (`public.t` is the `t` of no schema), or only to these
   * of its columns, as a CASCADE drops them.
   */
  private dropForeignKeysTo(table: TableDef, op: MigrationOp, columns?: string[]): void {
    for (const other of this.schema.values()) {
      const kept = other.foreignKeys.filter((fk) => fk.refTable !== table.name || inDefault(fk.refSchema) !== inDefault(table.schema) || (columns !== undefined && !sameItems(fk.refColumns, columns)));
      if (kept.length === other.foreignKeys.length) continue;
      this.touch(other, op);
      other.foreignKeys = kept;
    }
  }

  private renameTable(op: Extract<MigrationOp, { kind: 'rename_table' }>): void {
    // PostgreSQL's ALTER TABLE renames an index too (pybossa's `ALTER TABLE app_pkey RENAME TO project_pkey`): one a
    // table holds, or, on a table whose indexes are not known, one named as PostgreSQL names them that no revision makes.
    const { name, schema } = op.table;
    const key = refKey(op.table);
    if (op.via === 'execute' && name !== undefined && key !== undefined && op.newName !== undefined && !this.schema.has(key) && !this.inDefaultSchema(op.table)) {
      const named = [...this.schema.values()].some((t) => t.schema === schema && namedPart(t, name));
      const ending = POSTGRES_INDEX_NAME.exec(name)?.[0];
      if (named || (ending !== undefined && op.newName.endsWith(ending) && !this.created.has(key))) return this.renameIndex({ ...op, kind: 'rename_index', table: undefined, schema, name, newName: op.newName });
    }
    const table = this.existing(op.table, op);
    if (!table) return;
    const newName = op.newName;
    if (newName === undefined) {
      this.uncertainOps.push({ kind: 'rename_table', revision: this.revision, origin: op.origin, table: table.name, schema: table.schema });
      return;
    }
    const oldKey = tableKey(table.name, table.schema);
    const newKey = tableKey(newName, table.schema);
    if (this.schema.has(newKey)) {
      if (!this.quiet()) this.invalid(`${label(op)}: table "${qualified({ name: newName, schema: table.schema })}" already exists.`, table);
      return;
    }
    if (!this.legacyAlterTable) {
      for (const other of this.schema.values()) {
        const referring = other.foreignKeys.filter((fk) => fk.refTable === table.name && fk.refSchema === table.schema);
        // A rename that may not run leaves what the keys that name the table point to unknown, unless the revision
        // renames it back (SQLite's rename round trip that rewrites the references of other tables).
        if (referring.length > 0 && this.uncertain && other !== table) {
          const message = `${label(op)}: ${this.onlySome()}; the foreign keys of table "${qualified(other)}" name the table it renames, so its indexes and constraints are not compared.`;
          for (const fk of referring) if (!this.renamedReferences.has(fk)) this.renamedReferences.set(fk, { table: other, was: table.name, wasKey: oldKey, message, op });
        }
        for (const fk of referring) fk.refTable = newName;
      }
    }
    this.schema.delete(oldKey);
    this.gone.set(oldKey, `was renamed to "${newName}" in revision ${this.revision}`);
    // InnoDB renames the foreign keys it named `<table>_ibfk_<n>` with the table.
    for (const fk of table.foreignKeys) if (fk.mysqlName?.startsWith(`${table.name}_ibfk_`)) fk.mysqlName = `${newName}${fk.mysqlName.slice(table.name.length)}`;
    table.name = newName;
    this.schema.set(newKey, table);
    this.gone.delete(newKey);
    const trip = this.roundTrips.get(table);
    if (trip?.home === newKey) this.endRoundTrip(table, trip);
  }

  private addColumn(op: Extract<MigrationOp, { kind: 'add_column' }>): void {
    const table = this.existing(op.table, op);
    if (!table || !op.column) return;
    const name = op.column.spec.name!;
    if (table.columns.has(name)) {
      // A column an undecided drop_column kept (it may be gone): this op makes it as it says.
      if (this.mayBeDropped(table, name)) this.removeColumn(table, name);
      else {
        if (!op.ifNotExists && !this.quiet()) this.invalid(`${label(op)}: column "${qualified(table)}.${name}" already exists.`, table, name);
        return;
      }
    }
    // The column (and what its flags make) comes from the add_column call itself.
    const type = op.namedEnumTypes ? this.existingEnumType(op.column.spec.type) : op.column.spec.type;
    const item = { spec: type === op.column.spec.type ? op.column.spec : { ...op.column.spec, type }, origin: op.origin };
    // Alembic's add_column emits the column's constraints but never a primary key; DDL in SQL does.
    const primaryKey = op.via === 'execute' && item.spec.primaryKey;
    const column = this.newColumn(item, primaryKey, op);
    if (table.partial && (this.guarded || this.uncertain)) column.mayPredate = true;
    table.columns.set(name, column);
    this.noteValuesElsewhere(column, op, op.column.spec.type, type);
    if (primaryKey) {
      table.primaryKey = [name];
      table.primaryKeyDatabaseName = this.databaseName(table, [], 'pkey');
    }
    this.addColumnConstraints(table, item);
  }

  private dropColumn(op: Extract<MigrationOp, { kind: 'drop_column' }>): void {
    const table = this.existing(op.table, op);
    if (!table || op.column === undefined) return;
    const name = op.column;
    if (!table.columns.has(name)) {
      if (!op.ifExists && !this.tolerates(table, name)) this.invalid(`${label(op)}: column "${qualified(table)}.${name}" does not exist at this point.`, table, name);
      // A table made from a model or assumed (pgadmin's `create_all(bind, tables=[Server.__table__])`): a drop that
      // surely ran succeeded only on a column it had, which is gone now.
      else if (table.partial && !table.uncertain && !op.ifExists && !this.uncertain && !this.quiet() && op.unresolved.length === 0) (table.droppedColumns ??= new Map()).set(name, op.origin);
      return;
    }
    // A drop that may not run keeps the column (touch() put only it in doubt), so that later ops are not misjudged.
    if (this.uncertain && op.unresolved.length === 0 && !table.uncertain) return;
    this.removeColumn(table, name);
  }

  /**
   * Whether a drop_column under a test the replay could not decide names the column (it was kept, in doubt), or an op
   * on a table that could not be named ran before (it may have dropped it: such an op explains a later failure on any
   * table, as for a column found missing).
   */
  private mayBeDropped(table: TableDef, column: string): boolean {
    return this.uncertainOps.some((o) => (o.kind === 'drop_column' && o.table === table.name && o.schema === table.schema && o.column === column) || (o.kind === '*' && o.table === undefined));
  }

  /** Takes a column out of a table, with the indexes and constraints on it, as the database does. */
  private removeColumn(table: TableDef, name: string): void {
    table.columns.delete(name);
    // Their names are remembered, since a later explicit drop of them is harmless (batch mode applies all its ops to
    // one copy of the table).
    const key = tableKey(table.name, table.schema);
    const without = <T extends { name?: string; databaseName?: string }>(list: T[], uses: (x: T) => boolean): T[] =>
      list.filter((x) => {
        if (!uses(x)) return true;
        for (const n of [x.name, x.databaseName]) if (n !== undefined) this.droppedWithColumn.add(`${key}:${n}`);
        return false;
      });
    const onColumn = (x: { columns: string[] }): boolean => x.columns.includes(name);
    if (this.database() === 'mysql') {
      // MySQL takes the column out of each index, unique or primary key of other columns too, and keeps the rest of
      // it ("the columns are also removed from any index of which they are a part"; optuna's trial_values).
      const narrowed = <T extends { columns: string[]; expressions?: boolean }>(x: T): T => (onColumn(x) && x.columns.length > 1 && !x.expressions ? { ...x, columns: x.columns.filter((c) => c !== name) } : x);
      table.indexes = table.indexes.map(narrowed);
      table.uniques = table.uniques.map(narrowed);
      if (table.primaryKey.length > 1) table.primaryKey = table.primaryKey.filter((c) => c !== name);
    }
    // An index whose expression or WHERE clause uses the column goes too (`normalize(name)`: PostgreSQL drops it).
    table.indexes = without(table.indexes, (i) => indexUsesColumn(i, name, this.database()));
    table.uniques = without(table.uniques, onColumn);
    table.foreignKeys = without(table.foreignKeys, onColumn);
    // A CHECK constraint whose condition names the column goes too (PostgreSQL drops it; SQLite refuses the drop).
    table.checks = without(table.checks, (c) => checkMentions(c, name));
    if (table.primaryKey.includes(name)) {
      table.primaryKey = [];
      delete table.primaryKeyName;
      delete table.primaryKeyDatabaseName;
    }
  }

  /** `DROP TYPE`: the type is gone; with CASCADE, the columns typed with it go too (without, a column typed with it stops the drop). */
  private dropEnum(op: Extract<MigrationOp, { kind: 'drop_enum' }>): void {
    if (this.uncertain) return;
    const name = op.enumName.toLowerCase();
    this.typesLeft.delete(name);
    if (!op.cascade) return;
    for (const table of this.schema.values()) {
      for (const column of [...table.columns.values()]) {
        if (databaseEnumName(column.type) !== name) continue;
        this.touch(table, op);
        this.removeColumn(table, column.name);
      }
    }
  }

  private alterColumn(op: Extract<MigrationOp, { kind: 'alter_column' }>): void {
    for (const { written, meant } of op.misspelt ?? []) {
      // Mailu's `type=` for `type_=`: no error, and the column keeps its type.
      this.invalid(`${label(op)}: "${written}=" is not an argument of alter_column ("${meant}=" is); Alembic passes it on to the database dialect, which ignores it, so it changes nothing.`, undefined, op.column, op.table.name);
    }
    // Only a misspelt keyword: Alembic emits no statement.
    if (op.misspelt && Object.keys(op.changes).length === 0) return;
    const table = this.existing(op.table, op);
    if (!table || op.column === undefined) return;
    let column = table.columns.get(op.column);
    if (!column) {
      if (!this.tolerates(table, op.column)) {
        this.invalid(`${label(op)}: column "${qualified(table)}.${op.column}" does not exist at this point.`, table, op.column);
        return;
      }
      // An op that may not run (a guard, a `try:`) on a column a fully known table lacks fails where it runs: it
      // changes nothing (backend.ai renames `amount` under a guard in two branches; the second finds it gone).
      if (!table.partial && !table.uncertain && !this.explains(['add_column', 'alter_column'], op.column)) return;
      // A column of a table the history does not fully know: only what this op sets is known.
      column = { name: op.column, nullable: true, primaryKey: false, origin: op.origin, history: [], unknown: ['nullable', 'serverDefault'] };
      table.columns.set(op.column, column);
    }
    const { changes } = op;
    const inDoubt = this.uncertain ? attributesChanged(column, changes) : [];
    if (changes.type) {
      const before = databaseEnumName(column.type);
      if (before !== undefined && !this.uncertain) this.typesLeft.set(before, column.type!);
      const type = op.namedEnumTypes ? this.existingEnumType(changes.type) : changes.type;
      column.type = this.withKnownValues(type);
      this.settle(column, 'type');
      this.noteValuesElsewhere(column, op, changes.type, type);
      if (changes.typeAlternatives) {
        // One of several types, by database: the diff compares each with the model's.
        markUnknown(column, ['type']);
        column.typeAlternatives = changes.typeAlternatives;
      }
    }
    if (changes.typeUnread !== undefined) {
      // ironic-inspector's `type_=name_type`, read from the database: the column's type is not known from here on.
      markUnknown(column, ['type']);
      if (!this.uncertain) this.report('unresolved', `${label(op)}: could not evaluate the type \`${changes.typeUnread}\` statically; the type of column "${qualified(table)}.${column.name}" is not compared.`, table.name, column.name);
    }
    if (changes.nullable !== undefined) {
      column.nullable = changes.nullable;
      this.settle(column, 'nullable');
    }
    if (changes.serverDefault !== undefined) {
      if (changes.serverDefault) column.serverDefault = changes.serverDefault;
      else delete column.serverDefault;
      this.settle(column, 'serverDefault');
    }
    if (changes.onMysql && !this.uncertain) this.restatedOnMysql(table, column, op, changes.onMysql);
    const set = attributesSet(changes);
    const sets: NonNullable<HistoryEntry['sets']> = [...set];
    if (changes.newName !== undefined && changes.newName !== column.name) sets.push('name');
    column.history?.push(this.entry(op, op.origin, sets));
    // Set by an op that may not run: neither value is known (see touch).
    if (this.uncertain) {
      markUnknown(column, inDoubt);
      if (inDoubt.includes('type')) delete column.typeAlternatives;
    }
    const newName = changes.newName;
    if (newName === undefined || newName === column.name) return;
    if (table.columns.has(newName)) {
      if (!this.tolerates(table, newName)) this.invalid(`${label(op)}: column "${qualified(table)}.${newName}" already exists.`, table, newName);
      return;
    }
    this.renameColumn(table, column, newName);
  }

  /**
   * An `alter_column` that MySQL, restating the whole column, makes do more than other databases, the dialect not
   * known: an `existing_type=` that is not the column's type (watcher's `String(36)` on an Integer column; not where
   * the history has PostgreSQL's own types), or, where
   * the history shows MySQL in use, an `existing_nullable=` that is not its nullability or none at all (designate's
   * renames, which make NOT NULL columns nullable there). What differs is not compared, as a note says. A missing
   * `existing_nullable=` is too common in projects that never run on MySQL to be said for all of them. An enum's
   * `existing_type=` of other values gives the column those values on MySQL (`ColumnDef.valuesElsewhere`).
   */
  private restatedOnMysql(table: TableDef, column: ColumnDef, op: MigrationOp, onMysql: NonNullable<ColumnChanges['onMysql']>): void {
    const what: string[] = [];
    const unknown: ColumnAttribute[] = [];
    // A key's column is NOT NULL whatever the statement says (and its nullability is not compared).
    if (this.hint === 'mysql' && onMysql.nullable !== undefined && onMysql.nullable !== column.nullable && !table.primaryKey.includes(column.name)) {
      what.push(`${onMysql.nullable ? 'nullable' : 'NOT NULL'} (${onMysql.nullable ? 'no existing_nullable=' : 'its existing_nullable='})`);
      unknown.push('nullable');
    }
    if (this.hint !== 'postgresql' && onMysql.type && column.type && typesDiffer(onMysql.type, column.type, { dialect: 'mysql' })) {
      what.push(`of type ${onMysql.type.text} (its existing_type=)`);
      unknown.push('type');
      column.typeAlternatives = [column.type, onMysql.type];
    }
    // An enum restated with its existing_type='s values has them on MySQL; PostgreSQL's type keeps its own (cyborg).
    if (this.hint !== 'postgresql' && onMysql.type?.enumValues && column.type?.family === 'ENUM' && onMysql.type.family === 'ENUM') {
      if (enumValuesDiffer(onMysql.type, column.type)) column.valuesElsewhere = onMysql.type.enumValues;
      else delete column.valuesElsewhere;
    }
    if (unknown.length === 0) return;
    markUnknown(column, unknown);
    const attributes = unknown.map((a) => ATTRIBUTE_NAMES[a]).join(' and ');
    const name = op.kind === 'alter_column' ? op.changes.newName ?? column.name : column.name;
    // A table a later revision surely drops has nothing left to compare: the note is dropped at the end.
    this.reportUndecided(`${label(op)}: on MySQL, which restates the whole column, it also makes "${qualified(table)}.${name}" ${what.join(' and ')}, where other databases keep it as it was; the dialect is not known (set sqlalchemy.url in alembic.ini, or dialect under [tool.alembic-drift]), so its ${attributes} ${unknown.length > 1 ? 'are' : 'is'} not compared.`, table.name, name);
  }

  /** Renames a column in place, keeping its position, and follows it in indexes, constraints and referencing keys. */
  private renameColumn(table: TableDef, column: ColumnDef, newName: string): void {
    const old = column.name;
    column.name = newName;
    table.columns = new Map([...table.columns].map(([k, c]) => (k === old ? [newName, c] : [k, c])));
    const swap = (cols: string[]): string[] => cols.map((c) => (c === old ? newName : c));
    table.primaryKey = swap(table.primaryKey);
    for (const x of [...table.indexes, ...table.uniques, ...table.foreignKeys]) x.columns = swap(x.columns);
    for (const other of this.schema.values()) {
      for (const fk of other.foreignKeys) if (fk.refTable === table.name && fk.refSchema === table.schema) fk.refColumns = swap(fk.refColumns);
    }
  }

  /** An index a sure op makes or drops is no longer in doubt, whatever an op that may not run did to it before. */
  private settleIndex(table: TableDef, name: string): void {
    if (this.uncertain || this.guarded || !table.indexesInDoubt?.includes(name)) return;
    table.indexesInDoubt = table.indexesInDoubt.filter((n) => n !== name);
  }

  private dropIndex(op: Extract<MigrationOp, { kind: 'drop_index' }>): void {
    const name = op.name;
    if (!op.table) {
      if (name === undefined) return this.remember(op);
      // No table given: the index is looked up by name among the tables of its schema.
      const candidates = [...this.schema.values()].filter((t) => t.schema === op.schema);
      for (const t of candidates) this.settleIndex(t, name);
      if (this.dropIndexOfSome(candidates, name, op)) return;
      if (!op.ifExists && !this.quiet() && !candidates.some((t) => this.tolerates(t)) && !this.explains(['create_index'], name)) {
        this.invalid(`${label(op)}: index "${name}" does not exist at this point.`);
      }
      return;
    }
    const table = this.existing(op.table, op, { ifExists: op.ifExists });
    if (!table) return;
    if (name !== undefined) this.settleIndex(table, name);
    if (name === undefined) {
      // A name read at run time (mlflow's, from the inspector): any index the table has now may be the one dropped,
      // none made later.
      if (!this.uncertain && dropsUnknownIndex(op)) for (const idx of [...table.indexes, ...table.uniques]) this.uncertainOps.push({ kind: 'drop_index', revision: this.revision, origin: op.origin, table: table.name, name: idx.name });
      return;
    }
    const before = table.indexes.length;
    table.indexes = table.indexes.filter((i) => !sameIdentifier(i.name, name));
    if (table.indexes.length < before) return;
    // MySQL drops a unique constraint as an index.
    const uniques = table.uniques.length;
    table.uniques = table.uniques.filter((u) => !sameIdentifier(u.name, name));
    if (table.uniques.length < uniques) return;
    // An unnamed one by the name MySQL gives it, its first column's (superset's `drop_index(op.f("name"))` of
    // `Column("name", unique=True)`); PostgreSQL and SQLite would refuse the drop, so only MySQL is written so.
    const unnamed = table.uniques.find((u) => u.name === undefined && u.columns[0] === name);
    if (unnamed) {
      table.uniques = table.uniques.filter((u) => u !== unnamed);
      return;
    }
    if (this.droppedWithColumn.has(`${tableKey(table.name, table.schema)}:${name}`) || this.foreignKeyIndexesLeft.has(`${refKey(op.table)}:${name}`)) return;
    // PostgreSQL and SQLite name indexes per schema and drop one by its name alone: the table renamed away still holds
    // it (Hyperion renames core_association_membership and drops its index under the new table's name).
    if (this.dropIndexOfSome([...this.schema.values()].filter((t) => t !== table && t.schema === table.schema), name, op)) return;
    if (!op.ifExists && !this.tolerates(table) && !this.explains(['create_index'], name)) {
      this.invalid(`${label(op)}: index "${name}" does not exist on table "${qualified(table)}" at this point.`, table);
    }
  }

  /** Drops the index of that name from the first of these tables that has one; false when none has. */
  private dropIndexOfSome(tables: TableDef[], name: string, op: MigrationOp): boolean {
    const owner = tables.find((t) => t.indexes.some((i) => sameIdentifier(i.name, name)));
    if (!owner) return false;
    owner.indexes = owner.indexes.filter((i) => !sameIdentifier(i.name, name));
    this.touch(owner, op);
    return true;
  }

  /**
   * Renames an index, or the constraint an index backs (PostgreSQL's `ALTER INDEX users_pkey RENAME TO ...` renames
   * the primary key), or a table's constraint. One not found (a name the database gave, which the migrations never
   * wrote) is remembered: only a missing index of the new name may be explained by it.
   */
  private renameIndex(op: Extract<MigrationOp, { kind: 'rename_index' }>): void {
    const { name, newName } = op;
    const own = op.table && this.existing(op.table, op, { quiet: true });
    const candidates = op.table ? (own ? [own] : []) : [...this.schema.values()].filter((t) => t.schema === op.schema);
    for (const table of candidates) {
      const named = namedPart(table, name);
      if (named === 'primary') {
        table.primaryKeyName = newName;
        delete table.primaryKeyDatabaseName;
      } else if (named) {
        named.name = newName;
        delete named.databaseName;
      } else continue;
      if (!op.table) this.touch(table, op);
      return;
    }
    this.uncertainOps.push({ kind: 'create_index', revision: this.revision, origin: op.origin, name: newName, ...(op.table?.name !== undefined ? { table: op.table.name } : {}) });
  }

  /**
   * PostgreSQL's `ADD CONSTRAINT c UNIQUE USING INDEX i` (or `PRIMARY KEY USING INDEX i`): the unique index becomes the
   * constraint, on its columns, and takes the constraint's name.
   */
  private constraintFromIndex(table: TableDef, spec: { kind: 'unique' | 'primary'; name?: string }, indexName: string, op: MigrationOp): void {
    const index = table.indexes.find((i) => sameIdentifier(i.name, indexName));
    if (!index) {
      if (!this.tolerates(table) && !this.explains(['create_index'], indexName)) this.invalid(`${label(op)}: index "${indexName}" does not exist on table "${qualified(table)}" at this point.`, table);
      this.untrustConstraints(table, op);
      return;
    }
    const name = spec.name ?? indexName;
    const problem = !index.unique
      ? `index "${indexName}" is not a unique index`
      : spec.kind === 'primary' && table.primaryKey.length > 0
        ? `table "${qualified(table)}" already has a primary key`
        : [...namesHeld(table, index)].some((n) => sameIdentifier(n, name))
          ? `table "${qualified(table)}" already has an index or constraint named "${name}"`
          : undefined;
    if (problem) {
      if (!this.tolerates(table)) this.invalid(`${label(op)}: ${problem}.`, table);
      return;
    }
    table.indexes = table.indexes.filter((i) => i !== index);
    this.addConstraint(table, { kind: spec.kind, name, columns: index.columns }, op.origin);
  }

  private dropConstraint(op: Extract<MigrationOp, { kind: 'drop_constraint' }>): void {
    const table = this.existing(op.table, op, { ifExists: op.ifExists });
    if (table && op.reflected) return this.dropReflectedKeys(table, op.reflected, op);
    // A table has one primary key: `type_="primary"` drops it whatever the name (ironic-inspector reads it from the
    // Inspector's `get_pk_constraint()`).
    const anyPrimaryKey = op.name === undefined && op.type === 'primary';
    if (!table) return;
    if (this.dropsUnreadPrimaryKey(table, op)) {
      // The key made of columns that could not be read, whatever its name (PostgreSQL drops a constraint by its name
      // alone): dropped, it is known again (none).
      setPrimaryKey(table, []);
      delete table.primaryKeyUnread;
      return;
    }
    // A name read at run time (endurain's loop over the Inspector's unique constraints) may be any constraint's.
    if (op.name === undefined && !anyPrimaryKey) return this.untrustConstraints(table, op);
    const name = op.primaryKey || anyPrimaryKey ? (table.primaryKeyName ?? op.name ?? table.primaryKeyDatabaseName ?? '') : this.droppedName(op, table);
    const foreignKeys = table.foreignKeys.length;
    const key = op.cascade ? keyColumns(table, name) : undefined;
    const dropped = table.foreignKeys.find((fk) => fk.name !== undefined && sameIdentifier(fk.name, name));
    this.noteKeyDroppedInDoubt(table, dropped);
    if (this.removeConstraint(table, name, op.type)) {
      if (table.foreignKeys.length < foreignKeys) this.foreignKeyIndexesLeft.add(`${refKey(op.table)}:${name}`);
      // PostgreSQL's DROP CONSTRAINT ... CASCADE: the foreign keys that refer to the key go with it (invenio's pk_accounts_role).
      if (key) this.dropForeignKeysTo(table, op, key);
      return;
    }
    if (hasUnnamedConstraint(table, op.type)) {
      // The database named an unnamed constraint; which one is dropped cannot be told.
      if (!table.uncertainConstraints && !table.uncertain && !this.quiet()) this.report('unresolved', `${label(op)}: "${name}" is no name the migrations gave, and table "${qualified(table)}" has constraints the database named: which one it drops cannot be told; ${notCompared(table, op)}.`, table.name);
      this.untrustConstraints(table, op);
      return;
    }
    if (this.droppedWithColumn.has(`${tableKey(table.name, table.schema)}:${name}`)) return;
    // A column of a project type that makes CHECK constraints as it joins a table (indico's PyIntEnum) made checks the
    // revisions do not show: a check dropped there may be one of them.
    const runTimeCheck = (op.type === undefined || op.type === 'check') && [...table.columns.values()].some((c) => c.type?.addsChecks);
    if (!op.ifExists && !runTimeCheck && !this.tolerates(table) && !this.explains(['create_unique_constraint', 'create_foreign_key', 'create_check_constraint', 'create_primary_key', 'create_index'], name)) {
      this.invalid(`${label(op)}: constraint "${name}" does not exist on table "${qualified(table)}" at this point.`, table);
    }
  }

  /**
   * Whether a drop takes the primary key made of columns that could not be read: by its type, or by a name (PostgreSQL
   * drops a constraint by its name alone) that no other constraint of the table has or may have.
   */
  private dropsUnreadPrimaryKey(table: TableDef, op: Extract<MigrationOp, { kind: 'drop_constraint' }>): boolean {
    if (!table.primaryKeyUnread) return false;
    if (op.type === 'primary') return true;
    const name = op.name;
    if (op.type !== undefined || name === undefined || hasUnnamedConstraint(table, undefined)) return false;
    return ![...table.uniques, ...table.foreignKeys, ...table.checks].some((c) => c.name !== undefined && sameIdentifier(c.name, name));
  }

  /** Whether a table has a foreign key (or unique constraint) a test on keys read from the database picks; undefined when that cannot be told. */
  private anyKeyPicked(table: TableDef, key: ReflectedKey): boolean | undefined {
    if (table.uncertainConstraints || this.explains(['create_foreign_key', 'create_unique_constraint', 'drop_constraint'])) return undefined;
    const database = this.database();
    if (key.kind !== 'unique') return table.foreignKeys.some((fk) => keyPicked(key.test, fk, database));
    const { uniques, indexes } = pickedUniques(table, key, database);
    if (uniques.length > 0) return true;
    // MySQL lists unique indexes among the unique constraints; other databases do not.
    if (indexes.length === 0) return false;
    return database === undefined ? undefined : database === 'mysql';
  }

  /**
   * Drops the foreign keys (or unique constraints) a revision read from the database and picked (by the name the
   * database gave each), and keeps the keys for a create in the same pass that makes them again. Where none is picked,
   * `next(..., "name")` drops its default by that name.
   */
  private dropReflectedKeys(table: TableDef, key: ReflectedKey, op: MigrationOp): void {
    if (typeof key.fallback === 'string' && op.kind === 'drop_constraint' && this.anyKeyPicked(table, key) === false) return this.dropConstraint({ ...op, reflected: undefined, name: key.fallback });
    if (key.kind === 'unique') return this.dropReflectedUniques(table, key, op);
    const read = this.keysRead(table, key);
    const database = this.database();
    const picked = read.keys.filter((fk) => keyPicked(key.test, fk, database));
    table.foreignKeys = table.foreignKeys.filter((fk) => !picked.includes(fk));
    read.dropped ??= new Set();
    for (const fk of picked) {
      read.dropped.add(fk);
      if (fk.name !== undefined) this.foreignKeyIndexesLeft.add(`${tableKey(table.name, table.schema)}:${fk.name}`);
    }
  }

  /**
   * Drops the unique constraints a revision read from the database and picked (no op makes one again from a read: the
   * table's own are those read), and on MySQL the unique indexes picked, which it lists as unique constraints too.
   */
  private dropReflectedUniques(table: TableDef, key: ReflectedKey, op: MigrationOp): void {
    const database = this.database();
    const { uniques, indexes } = pickedUniques(table, key, database);
    table.uniques = table.uniques.filter((u) => !uniques.includes(u));
    if (indexes.length === 0) return;
    if (database === 'mysql') table.indexes = table.indexes.filter((i) => !indexes.includes(i));
    else if (database === undefined) {
      if (!table.uncertainConstraints && !this.quiet()) this.report('unresolved', `${label(op)}: MySQL lists unique index "${indexes[0].name}" among the unique constraints the revision reads, other databases do not: whether it is dropped cannot be told where the database is not known; ${notCompared(table, op)}.`, table.name);
      this.untrustConstraints(table, op);
    }
  }

  /**
   * Makes again the foreign keys a revision read from the database and picks, by the name the database gave each, with
   * what the create sets anew: of those read, the ones dropped since when the revision dropped any of them.
   */
  private remakeReflectedKeys(table: TableDef, { key, set }: KeyRemade, origin: SourceRef): void {
    const { keys, dropped } = this.keysRead(table, key);
    const database = this.database();
    for (const fk of keys.filter((k) => keyPicked(key.test, k, database) && (!dropped || dropped.has(k)))) {
      const made: ForeignKeyDef = { ...fk, origin };
      delete made.maybeDropped;
      if (set.refTable !== undefined) made.refTable = set.refTable;
      if (set.refSchema !== undefined) made.refSchema = set.refSchema;
      if (set.columns !== undefined) made.columns = set.columns;
      if (set.refColumns !== undefined) made.refColumns = set.refColumns;
      for (const action of ['ondelete', 'onupdate'] as const) {
        const given = action in set ? set[action] : key.changed?.[action];
        if (given === null) delete made[action];
        else if (given !== undefined) made[action] = given;
      }
      this.checkColumns(table, made.columns);
      table.foreignKeys = [...table.foreignKeys.filter((other) => other !== fk), made];
    }
  }

  /**
   * A table's foreign keys as one read of them by the revision being replayed gave them, and those of them dropped
   * since (none: no drop used the read): as they are when an op first uses the read (no op of the revision changes them between the read and that
   * op, as it reads them to change them).
   */
  private keysRead(table: TableDef, key: ReflectedKey): { keys: ForeignKeyDef[]; dropped?: Set<ForeignKeyDef> } {
    const id = `${this.revision}\0${key.pass}\0${tableKey(table.name, table.schema)}`;
    let read = this.reflectedReads.get(id);
    if (!read) this.reflectedReads.set(id, (read = { keys: [...table.foreignKeys] }));
    return read;
  }

  /**
   * The name `drop_constraint` drops: Alembic attaches the constraint it drops to a table of env.py's naming
   * convention, so a template that takes the constraint's name (`ck_%(table_name)s_%(constraint_name)s`) makes the
   * dropped name of it, as it made the created one (not of `op.f(...)`, nor in SQL).
   */
  private droppedName(op: Extract<MigrationOp, { kind: 'drop_constraint' }>, table: TableDef): string {
    const kind = op.type === undefined ? undefined : ({ check: 'ck', unique: 'uq', foreignkey: 'fk', primary: 'pk' } as const)[op.type as 'check'];
    return (kind !== undefined && !op.final && this.named(kind, table, [], op.name).name) || op.name!;
  }

  /**
   * Removes the constraint (or, failing that, the index) called `name`: by its own name, or, unnamed, by the name
   * PostgreSQL gave it when it was made.
   */
  private removeConstraint(table: TableDef, name: string, type: string | undefined): boolean {
    const uniques = table.uniques.filter((u) => !bearsName(u, name));
    if (uniques.length < table.uniques.length) {
      table.uniques = uniques;
      return true;
    }
    const foreignKeys = table.foreignKeys.filter((f) => !bearsName(f, name));
    if (foreignKeys.length < table.foreignKeys.length) {
      table.foreignKeys = foreignKeys;
      return true;
    }
    const checks = table.checks.filter((c) => !bearsName(c, name));
    if (checks.length < table.checks.length) {
      table.checks = checks;
      return true;
    }
    // Of `type_="primary"`, the name is the key's in any case: Oracle folds unquoted names to capitals, and MySQL's
    // DROP PRIMARY KEY takes none (rucio drops "CONFIGS_HISTORY_PK", made as configs_history_pk).
    const isPrimaryKey = table.primaryKeyName !== undefined ? table.primaryKeyName === name || (type === 'primary' && table.primaryKeyName.toLowerCase() === name.toLowerCase()) : name === table.primaryKeyDatabaseName || type === 'primary';
    if (table.primaryKey.length > 0 && isPrimaryKey) {
      for (const c of table.primaryKey) {
        const column = table.columns.get(c);
        if (column) column.primaryKey = false;
      }
      table.primaryKey = [];
      delete table.primaryKeyName;
      delete table.primaryKeyDatabaseName;
      return true;
    }
    const indexes = table.indexes.filter((i) => !sameIdentifier(i.name, name));
    if (indexes.length < table.indexes.length) {
      table.indexes = indexes;
      return true;
    }
    return false;
  }

  /** The table an op works on: existing, or assumed (baseline); undefined, after saying why if needed, when there is none. */
  private existing(ref: TableRef, op: MigrationOp, options: { ifExists?: boolean; quiet?: boolean } = {}): TableDef | undefined {
    const key = refKey(ref);
    if (key === undefined) {
      this.remember(op);
      return undefined;
    }
    let table = this.schema.get(key) ?? this.inDefaultSchema(ref) ?? (ref.spelled !== undefined ? this.schema.get(tableKey(ref.spelled, ref.schema)) : undefined);
    if (!table && !this.created.has(key) && !this.gone.has(key)) table = this.onSearchPath(ref);
    if (!table) {
      if (options.ifExists) return undefined;
      if ((!this.created.has(key) || this.existedBefore.has(key)) && !this.gone.has(key)) {
        table = this.assume(ref, op.origin);
        // Not said where SQL read from a file may have made it: no sign of tables made outside the migrations.
        if (!this.uncertainOps.some((o) => o.kind === SQL_FILE)) this.baseline.push({ table: qualified(table), step: this.step });
      } else if (this.explains(['create_table', 'rename_table'])) {
        table = this.assume(ref, op.origin);
        table.uncertain = true;
      } else {
        const why = this.gone.get(key) ?? `is not created until revision ${this.created.get(key)}`;
        if (!options.quiet && !this.quiet()) this.invalid(`${label(op)}: table "${qualified(ref)}" does not exist at this point (it ${why}).`, undefined, undefined, ref.name);
        return undefined;
      }
    }
    this.touch(table, op);
    return table;
  }

  /** Keeps the views made and dropped; whether the op makes or drops one, or works on one. */
  private onView(op: MigrationOp): boolean {
    const isViewOp = op.kind === 'create_view' || op.kind === 'drop_view';
    // Most histories make no view: no key is built for each of their ops.
    if (!isViewOp && this.views.size === 0) return false;
    const ref = 'table' in op ? op.table : undefined;
    const key = ref?.name === undefined ? undefined : tableKey(ref.name, ref.schema === DEFAULT_POSTGRES_SCHEMA ? undefined : ref.schema);
    if (!isViewOp) return key !== undefined && this.views.has(key);
    if (key !== undefined && op.kind === 'create_view') this.views.add(key);
    else if (key !== undefined) this.views.delete(key);
    return true;
  }

  /**
   * The table a reference to PostgreSQL's default schema names under its other spelling: `public.user` is the `user`
   * a revision made without a schema (mergin's SQL), and `user` the `public.user` one made with it, as Alembic's
   * comparison takes the default schema's name for none. (A MySQL database called public is not thought of.)
   */
  private inDefaultSchema(ref: TableRef): TableDef | undefined {
    if (ref.name === undefined) return undefined;
    if (ref.schema === DEFAULT_POSTGRES_SCHEMA) return this.schema.get(tableKey(ref.name));
    return ref.schema === undefined ? this.schema.get(tableKey(ref.name, DEFAULT_POSTGRES_SCHEMA)) : undefined;
  }

  /**
   * The one table of that name in another schema, for a name without a schema that no table of the default schema has
   * (augur makes its tables in `augur_data` and later alters some by their bare names): PostgreSQL finds a table by
   * the schemas of its search_path, which the project sets. Not on a database known to be another.
   */
  private onSearchPath(ref: TableRef): TableDef | undefined {
    const database = this.database();
    if (ref.name === undefined || ref.schema !== undefined || (database !== undefined && database !== 'postgresql')) return undefined;
    const found = [...this.schema.values()].filter((t) => t.schema !== undefined && t.schema !== DEFAULT_POSTGRES_SCHEMA && t.name === ref.name);
    return found.length === 1 ? found[0] : undefined;
  }

  /** A table the history uses without creating: its columns are known only from what ops add or alter. */
  private assume(ref: TableRef, origin: SourceRef): TableDef {
    const table = newTable(ref.name!, origin, ref.schema);
    table.partial = true;
    table.history = [];
    this.schema.set(refKey(ref)!, table);
    return table;
  }

  /**
   * Its indexes and constraints are no longer known; its plain indexes still are while only ops on constraints (which
   * cannot make or drop a plain index) put it in doubt.
   */
  private untrustConstraints(table: TableDef, op: MigrationOp): void {
    if (plainIndexesStayKnown(table, op)) table.plainIndexesKnown = true;
    else delete table.plainIndexesKnown;
    table.uncertainConstraints = true;
  }

  /** Before an op that may not run renames a table: what is known of the table, the first time in the revision. */
  private startRoundTrip(op: MigrationOp): void {
    if (op.kind !== 'rename_table' || op.newName === undefined) return;
    const home = refKey(op.table);
    const table = home === undefined ? undefined : this.schema.get(home);
    if (!table || home === undefined) return;
    const trip = this.roundTrips.get(table);
    if (trip) {
      trip.keys.add(tableKey(op.newName, table.schema));
      return;
    }
    const keys = new Set([home, tableKey(op.newName, table.schema)]);
    const doubted = (set: Set<string>): Set<string> => new Set([...set].filter((k) => keys.has(k)));
    this.roundTrips.set(table, { home, keys, uncertain: !!table.uncertain, existence: doubted(this.existenceInDoubt), content: doubted(this.contentInDoubt), notesFrom: this.findings.length, branch: this.step.branch });
  }

  /**
   * A table that renames which may not run brought back home, touched by nothing else on the way, is as it was
   * before them (pgadmin renames "user" to "user_old" and back on SQLite), and the notes that left it out go.
   */
  private endRoundTrip(table: TableDef, trip: RoundTrip): void {
    this.roundTrips.delete(table);
    if (!trip.uncertain) delete table.uncertain;
    for (const key of trip.keys) {
      if (!trip.existence.has(key)) this.existenceInDoubt.delete(key);
      if (!trip.content.has(key)) this.contentInDoubt.delete(key);
    }
    removeWhere(this.findings, (f) => this.undecidedNotes.has(f) && f.table === table.name, trip.notesFrom);
  }

  /**
   * Once a revision has run: a table whose foreign keys an uncertain rename left naming another table than before,
   * while a table of the old name exists again (cuckoo's rebuild: renamed away, made anew), is not compared on its
   * keys. One whose keys the revision renamed back is, and so is one whose old table is gone whichever branch ran.
   */
  private settleRenamedReferences(): void {
    for (const [fk, { table, was, wasKey, message, op }] of this.renamedReferences) {
      if (fk.refTable === was || !this.schema.has(wasKey) || !this.schema.has(tableKey(table.name, table.schema))) continue;
      if (!table.uncertainConstraints && !table.uncertain) this.reportUndecided(message, table.name, undefined, op.origin);
      this.untrustConstraints(table, op);
    }
    this.renamedReferences.clear();
  }

  /**
   * Whether no index or unique constraint of that name is on any table of the schema `table` is in, as far as the
   * replay surely knows: the table's indexes are not in doubt, no table there is assumed (of unknown content), and no
   * op in doubt may have made it.
   */
  private surelyNoIndex(table: TableDef, name: string): boolean {
    if (table.uncertain || table.uncertainConstraints || this.explains(['create_index', 'create_unique_constraint', 'rename_index'], name)) return false;
    // An unnamed unique constraint has the name its database gives it: MySQL its first column's, PostgreSQL `..._key`.
    const unnamedMayBe = (u: UniqueDef): boolean => sameIdentifier(u.columns[0] ?? '', name) || name.toLowerCase().endsWith('_key');
    for (const t of this.schema.values()) {
      if (t.schema !== table.schema) continue;
      if (t.partial) return false;
      if (t.indexes.some((i) => i.name !== undefined && sameIdentifier(i.name, name)) || t.uniques.some((u) => (u.name === undefined ? unnamedMayBe(u) : sameIdentifier(u.name, name)))) return false;
    }
    return true;
  }

  /**
   * An index of a known name, or a foreign key of known columns and table, made by an op that may not run (gns3-server's
   * partial unique index on PostgreSQL alone, storyboard's keys where the dialect supports ALTER): only it is in doubt,
   * not the table's other indexes and constraints. One note names what one op makes of a table (ironic's loop over its
   * index names), said again at the end with what is still in doubt; once where both arms make it (dify's index,
   * CONCURRENTLY on PostgreSQL alone). False for any other op.
   */
  private onlyItMadeInDoubt(table: TableDef, op: MigrationOp): boolean {
    if (op.unresolved.length > 0 || table.uncertain || table.uncertainConstraints) return false;
    if (op.kind === 'create_index' && op.index?.name !== undefined) {
      const name = op.index.name;
      if (table.indexesInDoubt?.includes(name)) return true;
      table.indexesInDoubt = [...(table.indexesInDoubt ?? []), name];
      this.noteDoubt(table, op, name);
      return true;
    }
    if (op.kind !== 'create_foreign_key' || op.constraint?.kind !== 'foreign' || op.reflected) return false;
    // The key itself is marked once made (`keyInDoubt`): it goes with renames and drops as any key does.
    this.keyInDoubt = true;
    return true;
  }

  /** Names `made` (an index's name, or a key) in the note of the op that made it in doubt, one per op and table. */
  private noteDoubt(table: TableDef, op: MigrationOp, made: string | ForeignKeyDef): void {
    const at = `${op.origin.file}\0${op.origin.span.join(',')}`;
    const earlier = [...this.doubtNotes.values()].find((n) => n.table === table && n.at === at && typeof n.made[0] === typeof made);
    if (earlier) {
      earlier.made.push(made);
      return;
    }
    const prefix = `${label(op)}: ${this.onlySome()}`;
    const note = this.reportUndecided(`${prefix}; ${madeNotCompared([made], table)}.`, table.name);
    if (note) this.doubtNotes.set(note, { table, at, prefix, made: [made] });
  }

  /** Records an op in the table's history; a table touched by something unresolved or conditional is no longer trusted. */
  private touch(table: TableDef, op: MigrationOp): void {
    table.history?.push(this.entry(op, op.origin));
    // Anything but a rename in doubt of the same block (the same arm, the same `try:`) that happens to a table away
    // from home on a round trip spoils the trip: renames under two tests may run one without the other.
    const trip = this.roundTrips.get(table);
    if (trip && (op.kind !== 'rename_table' || !(this.uncertain || this.guarded) || this.step.branch !== trip.branch)) this.roundTrips.delete(table);
    if (op.unresolved.length > 0 && !this.uncertain && op.kind === 'create_primary_key' && op.table?.name !== undefined) {
      // A primary key of columns that cannot be read (cloudkitty's, through a helper's `*args`): it alone is in doubt.
      // Of columns that can, only its name is not known: the key is.
      if (!op.constraint) table.primaryKeyUnread = true;
      return;
    }
    if (op.unresolved.length > 0 && !this.uncertain && touchesOnlyIndexesOrConstraints(op)) {
      // An index whose columns cannot be read (the op is reported as unresolved): the table's columns are still known.
      // A drop of an index whose name is not known puts only the indexes there now in doubt (dropIndex says which).
      if (!dropsUnknownIndex(op)) this.untrustConstraints(table, op);
      return;
    }
    if (this.uncertain && op.kind === 'drop_index' && op.ifExists && op.unresolved.length === 0 && op.name !== undefined && this.surelyNoIndex(table, op.name)) {
      // An index dropped IF EXISTS that no table has here: run or not, the op does nothing (dstack's retry-safe drops).
      return;
    }
    if (this.uncertain && this.onlyItMadeInDoubt(table, op)) return;
    // The primary key dropped by a name read at run time (neutron's `inspector.get_pk_constraint(t)["name"]`): a table
    // has one, so only its keys are in doubt, as for a name that is known.
    const primaryKeyByAnyName = op.kind === 'drop_constraint' && op.type === 'primary' && op.unresolved.every(constraintNameOnly);
    if (this.uncertain && (op.unresolved.length === 0 || primaryKeyByAnyName) && touchesOnlyIndexesOrConstraints(op)) {
      // Said once per table: otherwise its indexes and constraints would drop out of the comparison without a word.
      if (!table.uncertainConstraints && !table.uncertain) {
        const note = this.reportUndecided(`${label(op)}: ${this.onlySome()}; ${notCompared(table, op)}.`, table.name);
        this.constraintsNote = { note, plainIndexesKnown: !!table.plainIndexesKnown };
      }
      this.untrustConstraints(table, op);
      return;
    }
    if (this.uncertain && op.kind === 'drop_column' && op.unresolved.length === 0 && op.column !== undefined && !table.uncertain) {
      // Only the dropped column is in doubt (hotosm drops one when a data copy counted every row); dropColumn keeps it.
      if (!this.mayBeDropped(table, op.column)) this.reportUndecided(`${label(op)}: ${this.onlySome()}; column "${qualified(table)}.${op.column}" is not compared.`, table.name, op.column);
      this.uncertainOps.push({ kind: 'drop_column', revision: this.revision, origin: op.origin, table: table.name, ...(table.schema !== undefined ? { schema: table.schema } : {}), column: op.column });
      return;
    }
    if (this.uncertain && op.kind === 'alter_column' && op.unresolved.length === 0 && op.changes.newName === undefined && op.column !== undefined && table.columns.has(op.column) && !table.uncertain) {
      // Only what it sets is in doubt (manila changes the type of created_at on MySQL alone); alterColumn marks it.
      const what = attributesChanged(table.columns.get(op.column)!, op.changes);
      if (what.length > 0) this.reportUndecided(`${label(op)}: ${this.onlySome()}; the ${what.map((a) => ATTRIBUTE_NAMES[a]).join(' and ')} of column "${qualified(table)}.${op.column}" ${what.length > 1 ? 'are' : 'is'} not compared.`, table.name, op.column);
      return;
    }
    if (this.uncertain && !table.uncertain) this.reportUndecided(`${label(op)}: ${this.onlySome()}; table "${qualified(table)}" is not compared.`, table.name);
    if (op.unresolved.length > 0 || this.uncertain) table.uncertain = true;
  }

  private newColumn(item: ColumnItem, primaryKey: boolean, op: MigrationOp): ColumnDef {
    const { spec, origin } = item;
    const column: ColumnDef = { name: spec.name!, type: this.withKnownValues(spec.type), nullable: spec.nullable ?? !(primaryKey || spec.primaryKey), primaryKey, origin, history: [this.entry(op, origin)] };
    if (spec.serverDefault) column.serverDefault = spec.serverDefault;
    if (spec.identity) column.identity = spec.identity;
    if (spec.undecided) column.unknown = [...spec.undecided];
    if (spec.typeAlternatives) column.typeAlternatives = spec.typeAlternatives;
    return column;
  }

  /** The index, unique constraint and foreign keys that a column's `index=True`, `unique=True` and `ForeignKey(...)` make. */
  private addColumnConstraints(table: TableDef, item: ColumnItem): void {
    const { spec, origin } = item;
    const name = spec.name!;
    if (spec.unreadForeignKey) {
      if (!table.unreadForeignKeys) this.report('unresolved', `${label(this.step.op)}: the target of a ForeignKey of "${qualified(table)}.${name}" could not be evaluated statically; the foreign keys of table "${qualified(table)}" are not compared.`, table.name, name);
      table.unreadForeignKeys = true;
    }
    if (spec.index) {
      // SQLAlchemy names it by the convention, `ix_%(column_0_label)s` by default (the label carries the schema).
      const index = columnIndexName(this.step.op.via === 'execute' ? {} : this.convention, { table: table.name, schema: table.schema, column: name, unique: !!spec.unique });
      if (spec.indexUndecided) this.indexOnSomeDatabases(table, name, index);
      else table.indexes.push({ name: index, columns: [name], unique: !!spec.unique, origin, conventional: true });
    } else if (spec.unique) this.addConstraint(table, { kind: 'unique', columns: [name] }, origin);
    const spatial = spatialIndexName(spec.type, table.name, name);
    if (spatial) table.indexes.push({ name: spatial, columns: [name], unique: false, origin });
    for (const fk of spec.foreignKeys) {
      if (fk.target.kind !== 'text') continue;
      this.addConstraint(table, { kind: 'foreign', name: fk.name, columns: [name], refs: [fk.target.text], ondelete: fk.ondelete, onupdate: fk.onupdate, ...(fk.useAlter ? { useAlter: true as const } : {}) }, origin);
    }
    for (const check of spec.checks ?? []) this.addConstraint(table, check, origin);
  }

  private addConstraint(table: TableDef, spec: ConstraintSpec, origin: SourceRef): void {
    switch (spec.kind) {
      case 'unique': {
        const named = this.named('uq', table, spec.columns, spec.name);
        table.uniques.push({ ...named, ...this.unnamed(named, table, spec.columns, 'key'), columns: spec.columns, origin });
        return;
      }
      case 'index': {
        const named = spec.conventional ? { name: spec.name, conventional: true } : this.named('ix', table, spec.columns, spec.name, undefined, spec.unique);
        table.indexes.push({ ...named, columns: spec.columns, unique: spec.unique, origin, ...(spec.options ? { options: spec.options } : {}), ...(spec.expressions ? { expressions: true } : {}) });
        return;
      }
      case 'check': {
        const named = spec.final ? { name: spec.name, conventional: true } : this.named('ck', table, [], spec.name);
        // PostgreSQL names a check on one column `<table>_<column>_check`, any other `<table>_check`.
        const mentioned = [...table.columns.keys()].filter((c) => checkMentions(spec, c));
        table.checks.push({ ...named, ...this.unnamed(named, table, mentioned.length === 1 ? mentioned : [], 'check'), sql: spec.sql, origin });
        return;
      }
      case 'primary': {
        const { name } = this.named('pk', table, spec.columns, spec.name);
        // SQLite (a batch's copy of the table) lets a key column hold NULL unless it says NOT NULL; others make it NOT NULL.
        setPrimaryKey(table, spec.columns, name, this.dialect === 'sqlite');
        if (name === undefined) table.primaryKeyDatabaseName = this.databaseName(table, [], 'pkey');
        return;
      }
      case 'foreign': {
        // "schema.table.column", "table.column", or "table." for the referenced table's primary key.
        const parts = (spec.refs[0] ?? '').split('.');
        parts.pop();
        const refTable = parts.pop() ?? '';
        const refSchema = parts.length > 0 ? parts.join('.') : undefined;
        let refColumns = spec.refs.map((r) => r.slice(r.lastIndexOf('.') + 1));
        if (refColumns.every((c) => c === '')) refColumns = [...(this.schema.get(tableKey(refTable, refSchema))?.primaryKey ?? [])];
        const { name } = this.named('fk', table, spec.columns, spec.name, refTable);
        table.foreignKeys.push({ name, ...this.unnamed({ name }, table, spec.columns, 'fkey'), ...(name === undefined ? { mysqlName: mysqlForeignKeyName(table) } : {}), columns: spec.columns, refTable, refSchema, refColumns, ondelete: spec.ondelete, onupdate: spec.onupdate, origin, ...(spec.useAlter ? { useAlter: true as const } : {}) });
        return;
      }
    }
  }

  /**
   * The name of what an op makes, as Alembic gives it: SQLAlchemy names it by env.py's naming convention when it has
   * no name, or when the convention's template takes its name (`ck_%(table_name)s_%(constraint_name)s`); SQL in
   * `op.execute(...)` is named as written (or by the database).
   */
  private named(kind: NamingKind, table: TableDef, columns: string[], name: string | undefined, referredTable?: string, unique?: boolean): { name?: string; conventional?: true } {
    const template = this.step.op.via === 'execute' ? undefined : conventionTemplate(this.convention, kind);
    if (!template || (name !== undefined && !template.includes('%(constraint_name)s'))) return name === undefined ? {} : { name };
    const made = conventionName(this.convention, kind, { table: table.name, schema: table.schema, columns, referredTable, constraintName: name, unique });
    return made !== undefined ? { name: made, conventional: true } : name === undefined ? {} : { name };
  }

  /** For a constraint left unnamed, the name the database gives it as it is made (PostgreSQL's, the usual dialect). */
  private unnamed(named: { name?: string }, table: TableDef, columns: string[], label: ConstraintLabel): { databaseName?: string } {
    return named.name === undefined ? { databaseName: this.databaseName(table, columns, label) } : {};
  }

  /** PostgreSQL's name for a new unnamed constraint of the table, numbered past the names its constraints and indexes hold. */
  private databaseName(table: TableDef, columns: string[], label: ConstraintLabel): string {
    const names = namesHeld(table);
    return postgresConstraintName(table.name, columns, label, (n) => names.has(n));
  }

  /** invalid-operation for index or constraint columns that a fully known table lacks. */
  private checkColumns(table: TableDef, columns: string[]): void {
    for (const c of columns) {
      if (IDENTIFIER.test(c) && !table.columns.has(c) && !this.tolerates(table, c)) {
        this.invalid(`${label(this.step.op)}: column "${qualified(table)}.${c}" does not exist at this point.`, table, c);
      }
    }
  }

  /** Whether a missing column (or index/constraint) on this table may be explained rather than be a mistake. */
  private tolerates(table: TableDef, column?: string): boolean {
    return !!table.partial || !!table.uncertain || (column === undefined && !!table.uncertainConstraints) || this.quiet() || (column !== undefined && this.explains(['add_column', 'alter_column'], column));
  }

  /**
   * Whether an op drops by name what the replay knows only by the name PostgreSQL would have given it: elsewhere the
   * database named it otherwise, and the drop does not reach it.
   */
  private dropsUnnamed(op: MigrationOp): boolean {
    if ((op.kind !== 'drop_index' && op.kind !== 'drop_constraint') || op.name === undefined || !op.table) return false;
    const key = refKey(op.table);
    const table = key === undefined ? undefined : this.schema.get(key);
    const part = table && namedPart(table, op.name);
    return part === 'primary' ? table!.primaryKeyName === undefined : part !== undefined && part.name === undefined;
  }

  /** Inside an undecided dialect branch or a `try:` body, or for an op that ends the same either way, a failing op is not reported. */
  private quiet(): boolean {
    return this.uncertain || this.guarded || this.idempotent;
  }

  /** Whether an earlier op on an unknown table, of one of these kinds (or unreadable SQL), may have done it. */
  private explains(kinds: OpKind[], name?: string): boolean {
    return this.uncertainOps.some((o) => (o.kind === '*' || (kinds as string[]).includes(o.kind)) && (name === undefined || (o.column ?? o.name) === undefined || o.column === name || o.name === name));
  }

  private settle(column: ColumnDef, attribute: ColumnAttribute): void {
    if (attribute === 'type') delete column.typeAlternatives;
    if (!column.unknown) return;
    column.unknown = column.unknown.filter((a) => a !== attribute);
    if (column.unknown.length === 0) delete column.unknown;
  }

  /**
   * Whether an op under these conditions runs: false when a test finds what does not run it, undefined when one
   * cannot be decided and none rules it out. Each test is decided once, when the first op under it is reached.
   */
  private runs(when: RunsWhen[]): boolean | undefined {
    let runs: boolean | undefined = true;
    for (const { test, holds } of when) {
      if (!this.decided.has(test)) this.decided.set(test, decideTest(test, (what) => this.exists(what)));
      const found = this.decided.get(test);
      if (found === undefined) runs = runs === false ? false : undefined;
      else if (found !== holds) runs = false;
    }
    return runs;
  }

  /** Whether a table, column or index exists at this point of the replay; undefined when the replay cannot tell. */
  private exists(what: Existence): boolean | undefined {
    if (what.enumType !== undefined) return this.enumTypeExists(what.enumType);
    if (what.table === undefined) return this.indexInSchema(what.index!, what.anySchema ? null : what.schema);
    const key = tableKey(what.table, what.schema);
    const asksTable = what.column === undefined && what.index === undefined && what.constraint === undefined && what.uniqueOn === undefined && what.primaryKey === undefined;
    // Alembic's own table exists while any revision runs, with a primary key (`version_table_pk`, true by default).
    if ((asksTable || what.primaryKey) && key === tableKey('alembic_version')) return true;
    if (this.existenceInDoubt.has(key) || (!asksTable && this.contentInDoubt.has(key))) return undefined;
    if (!asksTable && this.constraintsInDoubt.has(what.column === undefined ? key : `${key}\0${what.column}`)) return undefined;
    const table = this.schema.get(key);
    if (!table) {
      // A table no revision creates (or one dropped before it is created) may be made by create_all() before them,
      // unless the history makes every table it surely uses.
      if ((!this.created.has(key) || this.existedBefore.has(key)) && !this.fromEmpty) return asksTable && this.usedBeforeMade.has(key) && !this.gone.has(key) && !this.explains(['drop_table', 'rename_table']) ? true : undefined;
      return this.explains(['create_table', 'rename_table']) ? undefined : false;
    }
    // A table the history only assumes is as sure to exist as the ops that surely use it make it.
    // One a revision made from a model (`create_all(bind, tables=[...])`, `X.__table__.create(bind)`) exists after it.
    if (asksTable) return (table.partial && !table.fromModel && !this.usedBeforeMade.has(key)) || this.explains(['drop_table', 'rename_table']) ? undefined : true;
    if (table.partial || table.uncertain) return undefined;
    if (what.column !== undefined) return this.explains(['add_column', 'alter_column', 'drop_column'], what.column) ? undefined : table.columns.has(what.column);
    if (what.constraint) return this.constraintExists(table, what.constraint);
    if (what.uniqueOn) return this.uniqueOnExists(table, what.uniqueOn);
    if (what.primaryKey) return table.uncertainConstraints || this.explains(['create_primary_key', 'drop_constraint']) ? undefined : table.primaryKey.length > 0;
    if (what.picked) return this.anyKeyPicked(table, what.picked);
    if (table.uncertainConstraints || this.explains(['create_index', 'drop_index'], what.index)) return undefined;
    if (table.indexes.some((i) => i.name === what.index)) return true;
    // PostgreSQL and MySQL also list the index of a unique constraint: named as the constraint, or, unnamed, as the
    // database names it (PostgreSQL `<table>_<columns>_key`, cut and numbered, and kept through renames; MySQL its first
    // column).
    const index = what.index!;
    const unique = table.uniques.some((u) => (u.name !== undefined ? u.name === index : /_key\d*$/.test(index) || u.columns.includes(index)));
    return unique ? undefined : false;
  }

  /**
   * Whether PostgreSQL has an enum type of this name: true while a column is typed with it; undefined otherwise, as a
   * type may be made on its own (`CREATE TYPE`, `.create(bind)`) or left behind by a dropped table.
   */
  private enumTypeExists(name: string): boolean | undefined {
    if (this.explains(['alter_enum', 'drop_enum'])) return undefined;
    for (const table of this.schema.values()) {
      // SQLAlchemy quotes a name that is not all lower case: pg_type holds it as written ("JobState").
      for (const column of table.columns.values()) if (databaseEnumName(column.type) !== undefined && column.type!.enumName === name) return true;
    }
    for (const left of this.typesLeft.values()) if (left.enumName === name) return true;
    return undefined;
  }

  /**
   * Whether some table of a schema (of any, for `null`) has an index of this name, as `pg_indexes` lists them (with
   * the indexes of unique constraints and primary keys); undefined while a table of it is not fully known, or the
   * history may not make every table of the database.
   */
  private indexInSchema(name: string, schema: string | undefined | null): boolean | undefined {
    if (this.explains(['create_index', 'drop_index', 'rename_index', 'create_table', 'drop_table', 'create_unique_constraint', 'create_primary_key', 'drop_constraint'], name)) return undefined;
    const named = (x: { name?: string; databaseName?: string }): boolean => (x.name ?? x.databaseName) === name;
    let known = this.fromEmpty;
    for (const [key, table] of this.schema) {
      if (schema !== null && table.schema !== schema) continue;
      if (table.indexes.some(named) || table.uniques.some(named) || (table.primaryKeyName ?? table.primaryKeyDatabaseName) === name) return true;
      if (table.partial || table.uncertain || table.uncertainConstraints || this.existenceInDoubt.has(key) || this.contentInDoubt.has(key) || this.constraintsInDoubt.has(key)) known = false;
    }
    return known ? false : undefined;
  }

  /**
   * Whether a table has a constraint of this name, as the Inspector lists it; undefined while one of that kind is
   * unnamed, since each database names those its own way (SQLite not at all).
   */
  private constraintExists(table: TableDef, { type, name }: { type: ConstraintType; name: string }): boolean | undefined {
    if (table.uncertainConstraints || this.explains(['create_foreign_key', 'create_unique_constraint', 'create_check_constraint', 'drop_constraint'], name)) return undefined;
    const listed: Array<{ name?: string }> = type === 'foreignkey' ? table.foreignKeys : type === 'unique' ? table.uniques : table.checks;
    if (listed.some((c) => c.name === name)) return true;
    // MySQL lists a unique index as a unique constraint too.
    if (type === 'unique' && table.indexes.some((i) => i.unique && i.name === name)) return undefined;
    return listed.some((c) => c.name === undefined) ? undefined : false;
  }

  /**
   * Whether a table has a unique constraint of exactly these columns, as `get_unique_constraints` lists them: a unique
   * index is listed too on MySQL alone (undefined where the database is not known).
   */
  private uniqueOnExists(table: TableDef, columns: string[]): boolean | undefined {
    if (table.uncertainConstraints || this.explains(['create_unique_constraint', 'drop_constraint', 'create_index', 'drop_index'])) return undefined;
    if (table.uniques.some((u) => sameList(u.columns, columns))) return true;
    if (!table.indexes.some((i) => i.unique && sameList(i.columns, columns))) return false;
    const database = this.database();
    return database === undefined ? undefined : database === 'mysql';
  }

  /** What an unreadable SQL statement on a known table leaves uncompared, as a note ends with it. */
  private untrusted(op: MigrationOp): string {
    if (op.kind === 'alter_enum' && op.enumName !== undefined) return `; the values of enum type "${op.enumName}" are not compared`;
    if (op.kind === 'alter_column' && op.table?.name === undefined && !this.uncertain) return alteredUnknown(op);
    if (dropsUnknownIndex(op) && op.table?.name !== undefined && !this.uncertain) return `; the indexes of table "${qualified(op.table)}" made before it are not reported as extra`;
    if (op.kind === 'create_primary_key' && !op.constraint && op.table?.name !== undefined && !this.uncertain) return `; the primary key of table "${qualified(op.table)}" is not compared`;
    if (op.kind === 'drop_constraint' && op.name === undefined && op.type !== 'primary' && !op.reflected && !this.uncertain) {
      const table = this.schema.get(refKey(op.table) ?? '');
      return table && !table.uncertain && !table.uncertainConstraints ? `; ${notCompared(table, op)}` : '';
    }
    if ((op.kind === 'add_column' || op.kind === 'drop_column' || op.kind === 'alter_column') && op.table.name !== undefined && !this.uncertain) {
      // A column op on a known table with something else unknown (pgadmin's `add_column(col)` over a filtered list):
      // touch() leaves the whole table out, which the note says.
      const table = this.schema.get(refKey(op.table) ?? '');
      return table && !table.uncertain && !table.partial ? `; table "${qualified(table)}" is not compared` : '';
    }
    // Code it cannot read at all (mindsdb's `exec(code)`) may change any table there is: the diff lists them as not compared.
    if (op.kind === 'opaque' && !op.noteOnly && !op.indexesOnly && !op.constraintsOnly && !op.columnOps && op.table?.name === undefined && !this.uncertain && this.schema.size > 0) return '; the tables that exist when it runs are not compared';
    if (op.kind !== 'opaque' || op.noteOnly || op.table?.name === undefined || this.uncertain) return '';
    const name = qualified(op.table);
    if (op.constraintsOnly) return `; the constraints and unique indexes of table "${name}" are not compared`;
    return op.indexesOnly ? `; the indexes and constraints of table "${name}" are not compared` : `; table "${name}" is not compared`;
  }

  /** Why the current op may not run, as a note says it. */
  private onlySome(): string {
    return this.step.notOnDialect || this.stateUnknown ? ONLY_SOME_STATES : ONLY_SOME_DATABASES;
  }

  /**
   * The keys dropped in doubt, when the op being applied to `table` comes right after those drops and the creates
   * of them so far, in the same arm (its own history entry is there already).
   */
  private keysDroppedJustBefore(table: TableDef): NonNullable<SchemaReplay['keysDroppedInDoubt']> | undefined {
    const pending = this.keysDroppedInDoubt;
    const inArm = pending && pending.table === table && pending.revision === this.revision && pending.branch === this.step.branch;
    return inArm && (table.history?.length ?? 0) - 1 === pending.historyAt + pending.keys.length + pending.made.size ? pending : undefined;
  }

  /** After an op that may not run drops `key` (when it names one) from a table whose constraints were trusted until then: remembered. */
  private noteKeyDroppedInDoubt(table: TableDef, key: ForeignKeyDef | undefined): void {
    const pending = this.keysDroppedJustBefore(table);
    if (this.uncertain && key && pending && pending.made.size === 0) {
      pending.keys.push({ ...key });
      return;
    }
    this.keysDroppedInDoubt = undefined;
    const touched = this.constraintsNote;
    if (!this.uncertain || !key || !touched) return;
    this.keysDroppedInDoubt = { table, keys: [{ ...key }], made: new Set(), ...touched, historyAt: (table.history?.length ?? 1) - 1, branch: this.step.branch, revision: this.revision };
  }

  /** A key in doubt made anew as `by` (read from the database and made again): `by` is in doubt, and its note names it. */
  private keyTakesOver(key: ForeignKeyDef, by: ForeignKeyDef): void {
    by.inDoubt = true;
    for (const { made } of this.doubtNotes.values()) {
      const at = made.indexOf(key);
      if (at >= 0) made[at] = by;
    }
  }

  /**
   * After an op that may not run makes the table's newest foreign key: when it is one of the keys the ops before it, in
   * the same arm, dropped (fides drops keys and makes them again around a data fix, under a test on the data), and the
   * last of them, the drops and creates change nothing either way, and the table's constraints are trusted again.
   */
  private keyMadeAgain(table: TableDef): void {
    const pending = this.keysDroppedJustBefore(table);
    const made = table.foreignKeys.at(-1);
    const again = made && pending?.keys.find((k) => !pending.made.has(k) && sameForeignKey(k, made));
    if (!this.uncertain || !pending || !made || !again) {
      this.keysDroppedInDoubt = undefined;
      return;
    }
    pending.made.add(again);
    made.origin = again.origin;
    // A key in doubt made again is still in doubt (its note names it).
    if (again.inDoubt) this.keyTakesOver(again, made);
    if (pending.made.size < pending.keys.length) return;
    this.keysDroppedInDoubt = undefined;
    delete table.uncertainConstraints;
    if (pending.plainIndexesKnown) table.plainIndexesKnown = true;
    else delete table.plainIndexesKnown;
    if (pending.note) {
      removeWhere(this.findings, (f) => f === pending.note);
      this.undecidedNotes.delete(pending.note);
    }
  }

  /** Keeps an op whose table is unknown, with what is known of it. */
  private remember(op: MigrationOp): void {
    // Column ops on a table built at run time: those columns of some table, nothing else.
    if (op.kind === 'opaque' && op.columnOps) {
      for (const columnOp of op.columnOps) this.remember(columnOp);
      return;
    }
    const u: UncertainOp = { kind: op.kind === 'opaque' ? (op.indexesOnly ? 'create_index' : '*') : op.kind, revision: this.revision, origin: op.origin };
    const schema = 'table' in op ? op.table?.schema : undefined;
    if (schema !== undefined) u.schema = schema;
    const column = op.kind === 'add_column' ? op.column?.spec.name : op.kind === 'drop_column' || op.kind === 'alter_column' ? op.column : undefined;
    if (column !== undefined) u.column = column;
    const name =
      op.kind === 'alter_column' ? op.changes.newName
      : op.kind === 'rename_table' ? op.newName
      : op.kind === 'create_index' ? op.index?.name
      : op.kind === 'drop_index' || op.kind === 'drop_constraint' ? op.name
      : 'constraint' in op ? op.constraint?.name
      : undefined;
    if (name !== undefined) u.name = name;
    if (op.kind === 'alter_column' && op.unresolved.every(namesOnly)) u.attributes = attributesSet(op.changes);
    if (op.kind === 'create_index' && op.index && op.index.columns.length > 0 && !op.index.expressions) u.columns = op.index.columns;
    this.uncertainOps.push(u);
    // The foreign keys it may have dropped are those that exist now, of its name when that is known.
    if (op.kind === 'drop_constraint' && (op.type === undefined || op.type === 'foreignkey')) {
      for (const table of this.schema.values()) {
        if (schema !== undefined && !sameIdentifier(table.schema, schema)) continue;
        for (const fk of table.foreignKeys) if (op.name === undefined || bearsName(fk, op.name)) fk.maybeDropped = true;
      }
    }
  }

  private entry(op: MigrationOp, origin: SourceRef, sets?: HistoryEntry['sets']): HistoryEntry {
    const entry: HistoryEntry = { revision: this.revision, op: op.via === 'execute' ? 'execute' : op.kind, origin };
    if (sets) entry.sets = sets;
    return entry;
  }

  private invalid(message: string, table?: TableDef, column?: string, tableName?: string): void {
    this.report('invalid-operation', message, table?.name ?? tableName, column);
  }

  /** Reports a finding once; returns it, or undefined when it was reported already. */
  private report(code: FindingCode, message: string, table?: string, column?: string, origin: SourceRef = this.step.op.origin): Finding | undefined {
    const { file, span } = origin;
    const key = `${code}\n${file}\n${span.join(',')}\n${message}`;
    if (this.reported.has(key)) return undefined;
    this.reported.add(key);
    const finding = makeFinding(code, { message, file, span, ...(table !== undefined ? { table } : {}), ...(column !== undefined ? { column } : {}) });
    this.findings.push(finding);
    return finding;
  }

  /** Whether a table is there at this point whatever ran before: known, and no op that may not have run made or dropped it. */
  private surelyExists(ref: TableRef): boolean {
    const key = refKey(ref);
    return key !== undefined && this.schema.has(key) && !this.existenceInDoubt.has(key) && !this.schema.get(key)!.uncertain;
  }

  /** A column's index that one arm of an undecided dialect test makes and the other does not: that index is not compared. */
  private indexOnSomeDatabases(table: TableDef, column: string, index: string): void {
    this.uncertainOps.push({ kind: 'create_index', revision: this.revision, origin: this.step.op.origin, table: table.name, name: index });
    if (!this.quiet()) this.reportUndecided(`${label(this.step.op)}: one arm of a test on the dialect that could not be decided makes index "${index}" on "${qualified(table)}.${column}", the other does not; it is not compared.`, table.name, column);
  }

  /**
   * Reports that an op that may not run leaves something of `table` uncompared (a note `finish` drops if the table is
   * surely dropped later); the note, unless it was said already.
   */
  private reportUndecided(message: string, table: string, column?: string, origin?: SourceRef): Finding | undefined {
    const finding = this.report('unresolved', message, table, column, origin);
    if (finding) this.undecidedNotes.add(finding);
    return finding;
  }
}

/** What was known of a table before renames that may not run moved it (see `SchemaReplay.roundTrips`). */
interface RoundTrip {
  /** Its key before them, and every key they gave it. */
  home: string;
  keys: Set<string>;
  uncertain: boolean;
  /** Which of those keys were in doubt already. */
  existence: Set<string>;
  content: Set<string>;
  /** Where the findings stood: the notes after it are the renames'. */
  notesFrom: number;
  /** The block the first rename ran in: the one that brings it back must run in the same. */
  branch: object | undefined;
}

/**
 * Whether an op under a test leaves what the test asks of the same whichever way it goes: it makes the index or
 * constraint it runs only without (`if not index_exists("ix"): op.create_index("ix", ...)`, also a unique constraint
 * of the columns tested), or drops the one it runs only with.
 */
function makesWhatItTests(op: MigrationOp, { test, holds }: RunsWhen): boolean {
  let asked = test;
  let present = holds;
  while (asked.k === 'not') {
    asked = asked.test;
    present = !present;
  }
  if (asked.k !== 'exists') return false;
  const { what } = asked;
  if (what.uniqueOn && !present && what.table !== undefined && ownTableKeys(op).includes(tableKey(what.table, what.schema))) {
    // `if not any(c["column_names"] == ["a"] for c in ...): op.create_unique_constraint("uq", "t", ["a"])`
    const columns = op.kind === 'create_unique_constraint' && op.constraint?.kind === 'unique' ? op.constraint.columns : undefined;
    return columns !== undefined && sameList(columns, what.uniqueOn);
  }
  const name = what.index ?? what.constraint?.name;
  if (name === undefined || (what.table !== undefined && !ownTableKeys(op).includes(tableKey(what.table, what.schema)))) return false;
  if (present) return (op.kind === 'drop_index' || op.kind === 'drop_constraint') && op.name === name;
  const made = op.kind === 'create_index' ? op.index?.name : op.kind === 'create_unique_constraint' || op.kind === 'create_foreign_key' || op.kind === 'create_check_constraint' ? op.constraint?.name : undefined;
  return made === name;
}

/** The table an op makes: the one `create_table` creates, or the new name of a renamed one. */
function madeKey(op: MigrationOp): string | undefined {
  if (op.kind === 'create_table') return refKey(op.table);
  return op.kind === 'rename_table' && op.newName !== undefined ? refKey({ name: op.newName, schema: op.table.schema }) : undefined;
}

/** Whether a step runs whatever the database holds: under no test, in no undecided branch and in no `try:` body. */
function surelyRuns(step: OpStep): boolean {
  return !step.uncertain && !step.guarded && step.when === undefined;
}

/** The table an op fails without (it alters, renames or drops it, or makes an index or constraint on it), if any. */
function tableItNeeds(op: MigrationOp): string | undefined {
  switch (op.kind) {
    case 'drop_table':
    case 'add_column':
    case 'drop_column':
    case 'create_index':
    case 'drop_constraint':
      return 'ifExists' in op && op.ifExists ? undefined : refKey(op.table);
    case 'rename_table':
    case 'alter_column':
    case 'create_foreign_key':
    case 'create_unique_constraint':
    case 'create_check_constraint':
    case 'create_primary_key':
      return refKey(op.table);
    default:
      return undefined;
  }
}

function refKey(ref: TableRef): string | undefined {
  return ref.name === undefined ? undefined : tableKey(ref.name, ref.schema);
}

function qualified(t: { name?: string; schema?: string }): string {
  return t.schema ? `${t.schema}.${t.name}` : t.name ?? '?';
}

/** How the op was written, for messages: "op.add_column", "batch_op.alter_column", "op.execute", "conn.execute". */
function label(op: MigrationOp): string {
  if (op.kind === 'opaque' && op.method) return `${op.via}.${op.method}`;
  return op.via === 'execute' ? (op.caller ?? 'op.execute') : op.via === 'exec' ? 'exec()' : op.via === 'call' ? 'helper call' : `${op.via}.${op.kind}`;
}

/** The names a table's indexes and constraints hold, given or the database's (but `except`'s). */
function namesHeld(table: TableDef, except?: object): Set<string> {
  const names = new Set<string>();
  const held: Array<{ name?: string; databaseName?: string }> = [...table.indexes, ...table.uniques, ...table.foreignKeys, ...table.checks];
  for (const x of held) for (const n of x === except ? [] : [x.name, x.databaseName]) if (n !== undefined) names.add(n);
  for (const n of [table.primaryKeyName, table.primaryKeyDatabaseName]) if (n !== undefined) names.add(n);
  return names;
}

/** Whether the table has a constraint without a name of the given type (any type when undefined). */
function hasUnnamedConstraint(table: TableDef, type: string | undefined): boolean {
  const unnamed = (list: Array<{ name?: string }>): boolean => list.some((x) => x.name === undefined);
  switch (type) {
    case 'unique':
      return unnamed(table.uniques);
    case 'foreignkey':
      return unnamed(table.foreignKeys);
    case 'check':
      return unnamed(table.checks);
    case 'primary':
      return false;
    default:
      return unnamed(table.uniques) || unnamed(table.foreignKeys) || unnamed(table.checks);
  }
}

/** The unique constraints of a table a test on keys read from the database picks, and its unique indexes that MySQL lists among them. */
function pickedUniques(table: TableDef, key: ReflectedKey, database: string | undefined): { uniques: UniqueDef[]; indexes: IndexDef[] } {
  return { uniques: table.uniques.filter((u) => keyPicked(key.test, u, database)), indexes: table.indexes.filter((i) => i.unique && keyPicked(key.test, i, database)) };
}

/** Whether two foreign keys are the same key: name, columns, referenced table and columns, and actions. */
function sameForeignKey(a: ForeignKeyDef, b: ForeignKeyDef): boolean {
  return a.name === b.name && sameList(a.columns, b.columns) && a.refTable === b.refTable && a.refSchema === b.refSchema && sameList(a.refColumns, b.refColumns) && (a.ondelete ?? '').toUpperCase() === (b.ondelete ?? '').toUpperCase() && (a.onupdate ?? '').toUpperCase() === (b.onupdate ?? '').toUpperCase();
}

/** Whether a table's plain indexes are still known once `op` puts its constraints in doubt: it changes only constraints. */
function plainIndexesStayKnown(table: TableDef, op: MigrationOp): boolean {
  const onConstraints = CONSTRAINT_OP_KINDS.has(op.kind) || (op.kind === 'opaque' && !!op.plainIndexesKept);
  return onConstraints && (!table.uncertainConstraints || !!table.plainIndexesKnown);
}

/** What a note says is not compared of the indexes (by name) or foreign keys an op that may not run made. */
function madeNotCompared(made: ReadonlyArray<string | ForeignKeyDef>, table: TableDef): string {
  const index = typeof made[0] === 'string';
  const listed = idList(made.map((m) => (typeof m === 'string' ? `"${m}"` : `(${m.columns.join(', ')}) -> ${m.refSchema ? `${m.refSchema}.` : ''}${m.refTable}`)));
  const what = index ? (made.length === 1 ? 'index' : 'indexes') : made.length === 1 ? 'foreign key' : 'foreign keys';
  return `${what} ${listed} of table "${qualified(table)}" ${made.length === 1 ? 'is' : 'are'} not compared`;
}

/** What `op`, put in doubt, leaves out of the comparison of a table: its constraints, and its indexes unless the op changes only constraints. */
function notCompared(table: TableDef, op: MigrationOp): string {
  return plainIndexesStayKnown(table, op) ? `the constraints and unique indexes of table "${qualified(table)}" are not compared (its other indexes are)` : `the indexes and constraints of table "${qualified(table)}" are not compared`;
}
