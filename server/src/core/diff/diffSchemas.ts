import { idList, loweredToNote, makeFinding, type Finding, type FindingCode } from '../findings';
import type { CheckDef, ColumnAttribute, ColumnDef, ForeignKeyDef, SqlType, IndexDef, Schema, ServerDefault, SourceRef, TableDef, UniqueDef, UnnamedTable } from '../schema/schema';
import { checkMentions, sameList, sameSet, tableKey } from '../schema/schema';
import { sameDatabaseName } from '../schema/identifiers';
import { comparedOnEveryDialect, databaseEnumName, differentEnumTypes, pickedTypesText, sautilsStorageText, enumsAreVarchar, enumValuesDiffer, serverDefaultKey, storedEnumLengths, typeMakesCheck, typesDiffer } from '../schema/types';
import { parsePyString, pyStr } from '../render/python';
import { sameItems } from '../memo';
import { isLibraryFile } from '../models/libraryModels';
import { SQL_FILE } from '../migrations/apply';

/** An op the replay could not evaluate fully: whatever is known of it, so the diff avoids warnings it may explain. */
export interface UncertainOp {
  kind: string;
  table?: string;
  column?: string;
  /** The index or constraint name, when known. */
  name?: string;
  /** An `alter_column` on a column that could not be read: the attributes it may have changed (all, if not given). */
  attributes?: ColumnAttribute[];
  /** A `create_index` whose columns could be read: them (an index on other columns is not one it made). */
  columns?: string[];
  /** The revision and the op, for messages. */
  revision?: string;
  origin?: SourceRef;
}

/** What to compare: the models' tables against the migrations' schema at head. */
export interface DiffInput {
  models: TableDef[];
  migrations: Schema;
  heads: string[];
  /** The database compared on: the dialect, else the one the history shows it runs on (`ReplayResult.database`). */
  dialect?: string;
  uncertainOps?: UncertainOp[];
  /** Model tables whose names could not be evaluated: a table no model names may be one of them. */
  unnamedModels?: UnnamedTable[];
  /** Where the changes of each pair of tables are remembered between diffs (see `TablePairMemo`). */
  memo?: TablePairMemo;
  /** The table Alembic keeps the revision in, when env.py names one (`version_table=`): Alembic's, not compared. */
  versionTable?: string;
  /** The tables the migrations dropped or renamed away and did not make again, by key: how they went. */
  gone?: Pick<ReadonlyMap<string, string>, 'get'>;
  /** The requirement that pins pydantic 1, where SQLModel makes a field whose default is None nullable (`noneDefault`). */
  pydanticOne?: string;
  /**
   * Filled with the model tables the diff could not compare: their table at head is uncertain, or none matches and an
   * op whose table could not be read may have made it (the notes say which), or a library owns it.
   */
  uncompared?: TableDef[];
}

/**
 * The changes found between a model table and its migration table, kept while both are the very same objects (the
 * engine reuses the tables of files that did not change) and the diff's other inputs are equal.
 */
export type TablePairMemo = WeakMap<TableDef, { mig: TableDef; context: string; uncertain: UncertainOp[]; changes: SchemaChange[] }>;

/** What differs, as the revision writer and the report need it: the model-side and migration-side objects. */
export type ChangeSubject =
  | { kind: 'add-table'; model: TableDef; renamedFrom?: TableDef }
  /**
   * `tentative`, and why: a table the history only assumes (`assumed`), that a model made at run time or of unknown
   * table name may describe, or that an op renaming or dropping a table it cannot name may have taken away: never
   * dropped.
   */
  | { kind: 'drop-table'; migration: TableDef; renamedTo?: TableDef; tentative?: 'assumed' | 'run-time model' | 'unnamed model' | 'moved away' }
  | { kind: 'add-column'; model: TableDef; column: ColumnDef }
  | { kind: 'drop-column'; migration: TableDef; column: ColumnDef }
  /**
   * `backfill`: a server default the migrations give where the model has only a Python-side default (the usual way
   * to fill existing rows): Alembic reports it only where env.py turns compare_server_default on.
   */
  | { kind: 'alter-column'; model: TableDef; column: ColumnDef; existing: ColumnDef; what: 'type' | 'nullable' | 'server-default' | 'enum'; backfill?: boolean }
  | { kind: 'primary-key'; model: TableDef; migration: TableDef }
  | { kind: 'add-index'; model: TableDef; index: IndexDef }
  | { kind: 'drop-index'; migration: TableDef; index: IndexDef }
  | { kind: 'add-unique'; model: TableDef; unique: UniqueDef }
  | { kind: 'drop-unique'; migration: TableDef; unique: UniqueDef }
  | { kind: 'add-foreign-key'; model: TableDef; foreignKey: ForeignKeyDef }
  | { kind: 'drop-foreign-key'; migration: TableDef; foreignKey: ForeignKeyDef }
  | { kind: 'add-check'; model: TableDef; check: CheckDef }
  | { kind: 'drop-check'; migration: TableDef; check: CheckDef };

/** One difference between the models and the migrations, with the finding it is reported as. */
export type SchemaChange = ChangeSubject & { finding: Finding };

/** Alembic's own bookkeeping table, which its comparison leaves out on both sides (a model of it too, Hyperion's). */
const IGNORED_MIGRATION_TABLES = new Set(['alembic_version']);

/**
 * Compares the tables the models describe with the tables the migrations leave at head, as Alembic's autogenerate
 * compares them, and returns the changes, each with its finding on the model side (missing-*, *-mismatch) or the
 * migration side (extra-*).
 */
export function diffSchemas(input: DiffInput): SchemaChange[] {
  const out: SchemaChange[] = [];
  const headText = input.heads.length === 0 ? 'no revisions' : input.heads.length === 1 ? `head ${input.heads[0]}` : `heads ${idList(input.heads)}`;
  const matched = new Set<TableDef>();
  const { findTable, baseline } = schemaLookup(input.migrations);
  const unmatchedModels: TableDef[] = [];
  const uncertainByTable = new Map<string, UncertainOp[]>();
  const anyTable: UncertainOp[] = [];
  for (const o of input.uncertainOps ?? []) {
    if (!o.table) anyTable.push(o);
    else {
      const list = uncertainByTable.get(o.table);
      if (list) list.push(o);
      else uncertainByTable.set(o.table, [o]);
    }
  }
  const context = `${headText}\0${input.dialect ?? ''}\0${input.pydanticOne ?? ''}`;
  const alembics = (name: string): boolean => IGNORED_MIGRATION_TABLES.has(name) || name === input.versionTable;
  for (const model of input.models) {
    if (alembics(model.name) && model.schema === undefined) continue;
    const mig = findTable(model);
    if (!mig) {
      unmatchedModels.push(model);
      continue;
    }
    matched.add(mig);
    if (mig.uncertain) {
      input.uncompared?.push(model);
      continue;
    }
    const forTable = uncertainByTable.get(mig.name);
    // The replay of each group of tables places such ops anew: the same op is the same place in a revision.
    const onAny = mig.madeAfter ? anyTable.filter((o) => !(o.origin && mig.madeAfter!.includes(o.origin))) : anyTable;
    const uncertain = forTable ? [...onAny, ...forTable] : onAny;
    // An op that could not be read at all, run while the table existed, may have changed anything of it.
    if (onAny.some((o) => o.kind === '*')) input.uncompared?.push(model);
    const known = input.memo?.get(model);
    if (known && known.mig === mig && known.context === context && sameItems(known.uncertain, uncertain)) {
      out.push(...known.changes);
      continue;
    }
    const changes: SchemaChange[] = [];
    diffTable({ model, mig, out: changes, headText, dialect: input.dialect, uncertain, pydanticOne: input.pydanticOne !== undefined });
    input.memo?.set(model, { mig, context, uncertain, changes });
    out.push(...changes);
  }
  const unmatchedMigrations = [...input.migrations.values()].filter((t) => !matched.has(t) && !alembics(t.name));
  // An op that could have created a table under a name we cannot read (DDL we could not parse, a rename to an unknown name).
  const tableUncertain = (name: string): boolean => (input.uncertainOps ?? []).some((o) => (o.kind === 'create_table' || o.kind === 'rename_table' || o.kind === '*') && (!o.table || o.table === name));
  for (const model of unmatchedModels) {
    // A library's own model (neutron-lib's standardattributes, used by a neutron plugin) is made by the migrations of
    // the project that owns it, not by these: no table of this project's, and so none left uncompared.
    if (isLibraryFile(model.origin.file)) continue;
    if (tableUncertain(model.name)) {
      input.uncompared?.push(model);
      continue;
    }
    const twin = unmatchedMigrations.find((t) => sameColumns(t, model));
    const what = model.modelName && model.modelName !== model.name ? `Table "${qualified(model)}" (model ${model.modelName})` : `Table "${qualified(model)}"`;
    // jupyterhub's api_tokens: made once, dropped by a later revision, and not made again.
    const gone = input.gone?.get(tableKey(model.name, model.schema));
    const made = gone ? `${gone} and no later revision makes it again` : 'is not created by any migration';
    const message = twin
      ? `${what} ${made} (${headText}); the migrations create "${qualified(twin)}" with the same columns: renamed?`
      : `${what} ${made} (${headText}).`;
    const finding = makeFinding('missing-table', { message, file: model.origin.file, span: model.origin.span, table: model.name, related: twin ? [related(twin.origin, `"${qualified(twin)}" is created here`)] : undefined });
    const sqlFile = !twin && !gone ? (input.uncertainOps ?? []).find((o) => o.kind === SQL_FILE) : undefined;
    if (sqlFile) {
      // ichnaea's base.sql, read when its revision runs: it may make this table, or not (a note where the history
      // alters tables it never makes, which that SQL may well make; a warning otherwise, as SQL files of triggers,
      // functions and seed data make no table).
      if (baseline) finding.severity = 'information';
      finding.message = `${what} is not created by any migration this check can read (${headText}); revision ${sqlFile.revision} runs SQL it reads from a file, which may create it.`;
      if (sqlFile.origin) finding.related = [related(sqlFile.origin, 'SQL read from a file')];
    } else if (baseline && !twin && !gone) {
      // The history assumes a schema made outside it (create_all + stamp), which may well hold this table.
      finding.severity = 'information';
      finding.message = `${what} is not created by any migration (${headText}); the migrations assume tables made outside them (create_all + stamp), which may include it.`;
    }
    out.push({ kind: 'add-table', model, renamedFrom: twin, finding });
  }
  // Models whose table name could not be evaluated (not those built at run time, whose names are known).
  const unnamed = (input.unnamedModels ?? []).filter((u) => u.name === undefined);
  for (const mig of unmatchedMigrations) {
    if (notComparedAtHead(mig)) continue;
    const twin = unmatchedModels.find((m) => sameColumns(mig, m));
    const message = twin
      ? `Table "${qualified(mig)}" exists at ${headText} but no model describes it; model ${twin.modelName ?? twin.name} has the same columns as "${qualified(twin)}": renamed?`
      : `Table "${qualified(mig)}" exists at ${headText} but no model describes it.`;
    const finding = makeFinding('extra-table', { message, file: mig.origin.file, span: mig.origin.span, table: mig.name, related: twin ? [related(twin.origin, `model ${twin.modelName ?? twin.name}`)] : undefined });
    const runtimeModel = twin ? undefined : input.unnamedModels?.find((u) => u.name === mig.name);
    const unnamedModel = twin || runtimeModel ? undefined : unnamed[0];
    const movedAway = (input.uncertainOps ?? []).find((o) => (o.kind === 'rename_table' || o.kind === 'drop_table' || o.kind === '*') && (!o.table || o.table === mig.name));
    if (runtimeModel) {
      // Made at run time (timesketch's access-control tables, whose models a mixin builds with type(...)), whether the
      // migrations create the table or only alter it.
      finding.severity = 'information';
      finding.message = `Table "${qualified(mig)}" ${mig.partial ? 'is altered by the migrations but never created' : `exists at ${headText}`}; ${runtimeModel.what} describes it, ${runtimeModel.why ?? 'a model class made at run time whose columns are not read'}, so the table is not compared${mig.partial ? ` (${headText})` : ''}.`;
      finding.related = [related(runtimeModel.origin, `${runtimeModel.what}`)];
    } else if (mig.partial) {
      // We only assumed this table exists (the history alters it without creating it); say so, quietly.
      finding.severity = 'information';
      finding.message = `Table "${qualified(mig)}" is altered by the migrations but never created, and no model describes it (${headText}).`;
    } else if (unnamedModel) {
      const more = unnamed.length - 1;
      finding.severity = 'information';
      finding.message = `Table "${qualified(mig)}" exists at ${headText} and no model names it, but the table name of ${unnamedModel.what}${more > 0 ? ` (and of ${more} more)` : ''} cannot be evaluated statically: it may be this one.`;
      finding.related = [related(unnamedModel.origin, `${unnamedModel.what}: table name not evaluated`)];
    } else if (movedAway) {
      // A rename or drop the migrations make of a table they do not name may have taken this one away.
      const op = `an op${movedAway.revision ? ` of revision ${movedAway.revision}` : ''} renames or drops a table whose name could not be evaluated`;
      finding.severity = 'information';
      finding.message = twin
        ? `Table "${qualified(mig)}" exists at ${headText} but no model describes it; model ${twin.modelName ?? twin.name} has the same columns as "${qualified(twin)}", and ${op}: renamed there?`
        : `Table "${qualified(mig)}" exists at ${headText} and no model describes it, but ${op}: it may be this one.`;
      if (movedAway.origin) finding.related = [...(finding.related ?? []), related(movedAway.origin, 'the op whose table could not be evaluated')];
    }
    // Neither `revision` nor a quick fix drops such a table, whatever severity the settings give the finding.
    const tentative = runtimeModel ? 'run-time model' : mig.partial ? 'assumed' : unnamedModel ? 'unnamed model' : movedAway ? 'moved away' : undefined;
    out.push({ kind: 'drop-table', migration: mig, renamedTo: twin, finding, ...(tentative ? { tentative } : {}) });
  }
  return out;
}

/**
 * Whether a migration table is left out of the comparison as a whole: uncertain, and not surely there at head (an op
 * that may not have run made, dropped or renamed it, or it was only assumed). An uncertain table that nothing of the
 * kind touched still exists (keylime's evidence_items, altered on MySQL alone), and is reported when no model
 * describes it.
 */
export function notComparedAtHead(table: TableDef): boolean {
  return !!table.uncertain && (!!table.existenceUncertain || !!table.partial);
}

const lookups = new WeakMap<Schema, { findTable: (model: TableDef) => TableDef | undefined; baseline: boolean }>();

/** What the diff derives from the migrations' schema alone, once per schema (a model edit diffs against the same one). */
function schemaLookup(migrations: Schema): { findTable: (model: TableDef) => TableDef | undefined; baseline: boolean } {
  let lookup = lookups.get(migrations);
  if (!lookup) {
    lookup = { findTable: matchMigrationTables(migrations), baseline: [...migrations.values()].some((t) => t.partial && !t.fromModel) };
    lookups.set(migrations, lookup);
  }
  return lookup;
}

/**
 * The lookup the diff pairs each model table with its migration table by: the same schema and name, else the only
 * table of that name where one of the two names no schema; shared so that the report pairs them exactly as the diff
 * did.
 */
export function matchMigrationTables(migrations: Schema): (model: TableDef) => TableDef | undefined {
  const byName = new Map<string, TableDef[]>();
  for (const t of migrations.values()) {
    const same = byName.get(t.name);
    if (same) same.push(t);
    else byName.set(t.name, [t]);
  }
  return (m) => {
    const exact = migrations.get(m.schema ? `${m.schema}.${m.name}` : m.name);
    if (exact) return exact;
    // Where one side names no schema (the default one, or one set at run time); two schemas that differ are two tables.
    const same = (byName.get(m.name) ?? []).filter((t) => t.schema === undefined || m.schema === undefined);
    return same.length === 1 ? same[0] : undefined;
  };
}

function qualified(t: TableDef): string {
  return t.schema ? `${t.schema}.${t.name}` : t.name;
}

function related(origin: SourceRef, message: string): { file: string; span: SourceRef['span']; message: string } {
  return { file: origin.file, span: origin.span, message };
}

/** Two tables with the same column names (at least two): the mark of a rename. */
function sameColumns(a: TableDef, b: TableDef): boolean {
  if (a.columns.size < 2 || a.columns.size !== b.columns.size) return false;
  for (const name of a.columns.keys()) if (!b.columns.has(name)) return false;
  return true;
}

interface TableDiff {
  model: TableDef;
  mig: TableDef;
  out: SchemaChange[];
  headText: string;
  dialect?: string;
  uncertain: UncertainOp[];
  /** The project runs pydantic 1 (see `DiffInput.pydanticOne`). */
  pydanticOne: boolean;
}

const INTEGER_FAMILIES = new Set(['INTEGER', 'BIGINT', 'SMALLINT']);

/**
 * Why a model's plain string differs from the migrations' SQL it spells (letta's `server_default="now()"` against
 * `sa.text("now()")`): SQLAlchemy quotes a string, so the model's DEFAULT is that text, not the SQL; empty otherwise.
 */
function quotedSql(model: ServerDefault | undefined, migrations: ServerDefault | undefined): string {
  const literal = model && (parsePyString(model.text) ?? model.value);
  if (literal === undefined || migrations?.key === undefined || serverDefaultKey(literal) !== migrations.key) return '';
  return ` (SQLAlchemy quotes a plain string: the model's DEFAULT is the text '${literal}', not SQL; \`sa.text(${pyStr(literal)})\` is the SQL)`;
}

/** A server default as a message shows it: as written, with the string a name stands for (`prefix_default ('ss:mem:')`). */
function shownDefault(d: ServerDefault | undefined): string {
  if (!d) return 'none';
  return d.value !== undefined ? `${d.text} ('${d.value}')` : d.text;
}

/**
 * Whether a model column is its table's autoincrement column, as SQLAlchemy picks it: the one primary key column, of
 * an integer type, with no default of its own and no foreign key (`autoincrement=True` is not read).
 */
function isAutoincrementColumn(model: TableDef, col: ColumnDef): boolean {
  return model.primaryKey.length === 1 && model.primaryKey[0] === col.name && INTEGER_FAMILIES.has(col.type?.family ?? '') && !col.serverDefault && !col.pythonDefault && !model.foreignKeys.some((fk) => fk.columns.includes(col.name));
}

/** What a message that depends on the database adds where it is not known. */
const DIALECT_UNKNOWN = '(the dialect is unknown: set sqlalchemy.url in alembic.ini, or dialect under [tool.alembic-drift])';

/** The databases the dialect may be, by name, for what a type difference depends on. */
const DATABASES: Array<[dialect: string, name: string]> = [['postgresql', 'PostgreSQL'], ['mysql', 'MySQL'], ['sqlite', 'SQLite']];

/**
 * Where the dialect is not known and two types differ on some databases only (an Enum against the VARCHAR SQLite makes
 * of it): which, as a message ends with it; empty when they differ on all.
 */
function onSomeDatabases(model: SqlType, migrations: SqlType): string {
  const differ = DATABASES.filter(([dialect]) => typesDiffer(model, migrations, { dialect }));
  if (differ.length === DATABASES.length || differ.length === 0) return '';
  const same = DATABASES.filter((db) => !differ.includes(db));
  const names = (dbs: typeof DATABASES): string => dbs.map(([, name]) => name).join(' and ');
  return `; they differ on ${names(differ)}, not on ${names(same)} ${DIALECT_UNKNOWN}`;
}

function diffTable(d: TableDiff): void {
  const { model, mig, out, headText } = d;
  const t = qualified(model);
  const push: Push = (subject, code, origin, message, column, rel, noteOnly) => {
    const finding = makeFinding(code, { message, file: origin.file, span: origin.span, table: model.name, column, related: rel ? [related(rel.origin, rel.message)] : undefined });
    out.push({ ...subject, finding: noteOnly ? loweredToNote(finding, noteOnly) : finding });
  };
  const mayExplain = (kind: string, column?: string): boolean => d.uncertain.some((o) => (o.kind === kind || o.kind === '*') && (!o.column || !column || o.column === column));

  const alters = d.uncertain.filter((o) => o.kind === 'alter_column');
  for (const col of model.columns.values()) {
    // A drop of it that may or may not have run (the replay kept it): the column is not compared, as its note says.
    if (d.uncertain.some((o) => o.kind === 'drop_column' && o.table !== undefined && o.column === col.name)) continue;
    const other = mig.columns.get(col.name);
    if (!other) {
      // Of a table the migrations do not fully know, only a column they surely dropped is known to be missing.
      const dropped = mig.partial ? mig.droppedColumns?.get(col.name) : undefined;
      // An op on a table that could not be read may have added it, or renamed a column to it (neutron's tenant_id).
      if ((mig.partial && !dropped) || mayExplain('add_column', col.name) || d.uncertain.some((o) => o.kind === 'alter_column' && o.name === col.name)) continue;
      // SQL a revision reads from a file while the table exists may add it, as it may make a table (see missing-table).
      const sqlFile = dropped ? undefined : d.uncertain.find((o) => o.kind === SQL_FILE);
      const [what, rel]: [string, { origin: SourceRef; message: string }] = dropped
        ? [`is dropped by the migrations and not added again (${headText})`, { origin: dropped, message: `column "${t}.${col.name}" is dropped here` }]
        : sqlFile?.origin
          ? [`is not in the migrations this check can read (${headText}); revision ${sqlFile.revision} runs SQL it reads from a file, which may add it`, { origin: sqlFile.origin, message: 'SQL read from a file' }]
          : [`is not in the migrations (${headText})`, { origin: mig.origin, message: `table "${t}" is created here` }];
      push({ kind: 'add-column', model, column: col }, 'missing-column', col.origin, `Column "${t}.${col.name}" ${what}.`, col.name, rel);
      continue;
    }
    const lastChange = (other.history ?? []).at(-1);
    const migRef = { origin: lastChange?.origin ?? other.origin, message: lastChange ? `set by revision ${lastChange.revision}` : 'created here' };
    // An alter_column on a table or column that could not be read: what it sets (all, when that is not known either).
    const altered = alters.filter((o) => !o.column || o.column === col.name);
    if (mayExplain('*', col.name) || altered.some((o) => !o.attributes)) continue;
    const unknown = new Set([...(other.unknown ?? []), ...altered.flatMap((o) => o.attributes!)]);
    if (col.type && other.type && !unknown.has('type')) {
      // A non-native enum (SQLite, Oracle, SQL Server, native_enum=False) is a VARCHAR: its values are not compared, only
      // the length they need (in typesDiffer), as Alembic compares the VARCHAR.
      const nativeEnum = !enumsAreVarchar(d.dialect) && col.type.args.native_enum !== false && other.type.args.native_enum !== false;
      // On PostgreSQL an enum of another name is another type, whatever its values: a type change, as Alembic sees it.
      const enumTypes = d.dialect === 'postgresql' && differentEnumTypes(col.type, other.type) ? [databaseEnumName(col.type), databaseEnumName(other.type)] : undefined;
      const values = (list: string[]): string => list.map((v) => `'${v}'`).join(', ');
      if (col.type.family === 'ENUM' && other.type.family === 'ENUM' && enumValuesDiffer(col.type, other.type) && nativeEnum && !enumTypes) {
        // neutron-vpnaas, the dialect unknown: only PostgreSQL keeps the values of the type of that name.
        const elsewhere = other.valuesElsewhere && !enumValuesDiffer(col.type, { ...other.type, enumValues: other.valuesElsewhere });
        const where = elsewhere ? ` on PostgreSQL, where the column takes the values the type of that name has; other databases give it the model's ${DIALECT_UNKNOWN}` : '';
        push({ kind: 'alter-column', model, column: col, existing: other, what: 'enum' }, 'enum-mismatch', col.origin, `Enum values of "${t}.${col.name}" differ: the model has ${values(col.type.enumValues!)}, the migrations have ${values(other.type.enumValues!)}${where} (${headText}).`, col.name, migRef);
      } else if (col.type.family === 'ENUM' && other.type.family === 'ENUM' && other.valuesElsewhere && nativeEnum && !enumTypes && enumValuesDiffer(col.type, { ...other.type, enumValues: other.valuesElsewhere })) {
        // ihatemoney narrows an enum with alter_column, the dialect unknown: PostgreSQL keeps the type of that name, as
        // the model has it; MySQL's ENUM column takes the values the op writes (or restates).
        push({ kind: 'alter-column', model, column: col, existing: other, what: 'enum' }, 'enum-mismatch', col.origin, `Enum values of "${t}.${col.name}" differ on MySQL: the model has ${values(col.type.enumValues!)}, the migrations give the column ${values(other.valuesElsewhere)} there; PostgreSQL keeps the values of the type of that name, the model's ${DIALECT_UNKNOWN} (${headText}).`, col.name, migRef);
      } else if (typesDiffer(col.type, other.type, { dialect: d.dialect }) || (d.dialect === undefined && comparedOnEveryDialect(col.type, other.type) === 'differs')) {
        // A decorator that picks its type per dialect (gns3-server's GUID) differs, the dialect unknown, where no pick is the migrations' type.
        const lengths = storedEnumLengths(col.type, other.type, d.dialect);
        // DateTime against DateTime(timezone=True): one type but on PostgreSQL.
        const zoneOnly = d.dialect === undefined && (col.type.family === 'DATETIME' || col.type.family === 'TIME') && !typesDiffer(col.type, other.type, { dialect: 'mysql' }) && !typesDiffer(col.type, other.type, { dialect: 'sqlite' });
        const stored = lengths ? `; stored as VARCHAR(${lengths[0]}) against VARCHAR(${lengths[1]})` : enumTypes ? `; PostgreSQL enum types "${enumTypes[0]}" and "${enumTypes[1]}"` : zoneOnly ? `; they differ in the time zone alone, which PostgreSQL keeps (so do SQL Server and Oracle) and MySQL and SQLite do not ${DIALECT_UNKNOWN}` : d.dialect === undefined ? onSomeDatabases(col.type, other.type) : '';
        // Alembic reads a type by the words of its SQL: an ARRAY of a type ("TEXT[]") is that type to it (ckan).
        const arrayOnly = arrayOfTheOther(col.type, other.type, d.dialect) ? 'Alembic does not see it: it reads a type by the words of its SQL, and an ARRAY of a type reads as that type (TEXT[] as TEXT).' : undefined;
        push({ kind: 'alter-column', model, column: col, existing: other, what: 'type' }, 'type-mismatch', col.origin, `Type of "${t}.${col.name}" differs: the model has ${typeText(col.type, d.dialect)}, the migrations have ${typeText(other.type, d.dialect)}${stored} (${headText}).`, col.name, migRef, arrayOnly);
      }
    } else if (col.type && unknown.has('type') && other.typeAlternatives?.every((alt) => typesDiffer(col.type!, alt, { dialect: d.dialect }))) {
      // Each arm of an undecided dialect test gives it another type, and none is the model's: it differs on every database.
      const types = other.typeAlternatives.map((alt) => typeText(alt, d.dialect));
      push({ kind: 'alter-column', model, column: col, existing: other, what: 'type' }, 'type-mismatch', col.origin, `Type of "${t}.${col.name}" differs: the model has ${typeText(col.type, d.dialect)}, the migrations have ${types.slice(0, -1).join(', ')} or ${types.at(-1)}, by database, none of them the model's (${headText}).`, col.name, migRef);
    }
    // SQLModel on pydantic 1 makes `x: str = None` nullable.
    const nullable = col.nullable || (d.pydanticOne && !!col.noneDefault);
    // A key column is NOT NULL in the database whatever its declaration says, but on SQLite; on an unknown dialect, one
    // declared nullable is not judged. A model's key column is nullable only where it says so (`nullable=True`).
    const forcedKey = other.primaryKey && d.dialect !== undefined && d.dialect !== 'sqlite' && other.nullable;
    const theirs = forcedKey ? false : other.nullable;
    const judged = !(other.primaryKey && d.dialect === undefined && other.nullable);
    if (!unknown.has('nullable') && judged && nullable !== theirs) {
      push({ kind: 'alter-column', model, column: col, existing: other, what: 'nullable' }, 'nullable-mismatch', col.origin, `Column "${t}.${col.name}" is ${nullable ? 'nullable' : 'NOT NULL'} in the model but ${theirs ? 'nullable' : 'NOT NULL'} in the migrations${forcedKey ? ' (a primary key column, which the database makes NOT NULL though it is declared nullable)' : ''} (${headText}).`, col.name, migRef);
    }
    const a = col.serverDefault;
    const b = other.serverDefault;
    const known = !unknown.has('serverDefault') && (a === undefined || a.key !== undefined) && (b === undefined || b.key !== undefined);
    // A model Sequence is what the database's `nextval(...)` default is (Alembic does not report it either).
    // (`seq.next_value()` is SQLAlchemy's way to write it.)
    const nextval = b !== undefined && /\bnextval\s*\(|\.next_value\s*\(\s*\)$/i.test(b.text);
    const sequenced = !a && nextval && col.sequence;
    // PostgreSQL's SERIAL: Alembic never compares the default of the table's autoincrement column.
    const serial = isAutoincrementColumn(model, col) && (d.dialect === 'postgresql' || (d.dialect === undefined && nextval));
    const backfill = !a && col.pythonDefault ? { backfill: true } : {};
    if (known && !sequenced && !serial && (a?.key ?? null) !== (b?.key ?? null)) {
      push({ kind: 'alter-column', model, column: col, existing: other, what: 'server-default', ...backfill }, 'default-mismatch', col.origin, `Server default of "${t}.${col.name}" differs: the model has ${shownDefault(a)}, the migrations have ${shownDefault(b)}${quotedSql(a, b)} (${headText}).`, col.name, migRef);
    }
    // One side has a default whose value is set at run time (keystone's config value with a literal fallback), the
    // other none: they may well differ, which is said, not judged.
    const unread = (a === undefined) !== (b === undefined) ? (a ?? b)! : undefined;
    if (!unknown.has('serverDefault') && unread && unread.key === undefined && !unread.fetched && !sequenced && !serial) {
      push({ kind: 'alter-column', model, column: col, existing: other, what: 'server-default', ...backfill }, 'default-mismatch', col.origin, `Server default of "${t}.${col.name}" may differ: the model has ${shownDefault(a)}, the migrations have ${shownDefault(b)} (${headText}).`, col.name, migRef, `\`${unread.text}\` could not be evaluated statically, so its value is not compared.`);
    }
  }
  const maybeInherited: ColumnDef[] = [];
  for (const col of mig.columns.values()) {
    if (model.columns.has(col.name) || (model.open && !model.openBase)) continue;
    // A drop or a rename of the column, on a table that could not be read, may have taken it away; so may an op that
    // could not be read at all (funnel's renames run by objects the replay cannot follow).
    if (d.uncertain.some((o) => o.kind === '*' || ((o.kind === 'drop_column' || (o.kind === 'alter_column' && o.name !== undefined)) && o.column === col.name))) continue;
    if (model.openBase) maybeInherited.push(col);
    else push({ kind: 'drop-column', migration: mig, column: col }, 'extra-column', col.origin, `Column "${t}.${col.name}" exists at ${headText} but the model ${model.modelName ?? t} does not declare it.`, col.name, { origin: model.origin, message: `model ${model.modelName ?? t}` });
  }
  // A base class from outside the project (authlib's OAuth2ClientMixin, in polar) may declare them: said once, not judged.
  if (maybeInherited.length > 0) {
    const [first] = maybeInherited;
    const names = maybeInherited.map((c) => `"${c.name}"`);
    const listed = idList(names, 3);
    const what = names.length === 1 ? `Column ${listed} of "${t}" exists` : `Columns ${listed} of "${t}" exist`;
    push({ kind: 'drop-column', migration: mig, column: first }, 'extra-column', first.origin, `${what} at ${headText} but the model ${model.modelName ?? t} does not declare ${names.length === 1 ? 'it' : 'them'}.`, names.length === 1 ? first.name : undefined, { origin: model.origin, message: `model ${model.modelName ?? t}` }, `Its base class ${model.openBase}, which is not read here, may declare ${names.length === 1 ? 'it' : 'them'}.`);
  }
  // An index or constraint op that may or may not have run, or that could not be read: which of them exist at head
  // (the primary key among them) is not known; the plain indexes are, when only constraints were in doubt.
  if (mig.uncertainConstraints) {
    const plain = (t: TableDef): TableDef => ({ ...t, indexes: t.indexes.filter((i) => !i.unique), uniques: [] });
    if (mig.plainIndexesKnown) diffIndexes({ ...d, model: plain(model), mig: plain(mig) }, push);
    return;
  }
  // A rename of a key column on a table that could not be read may make the two keys the same; so may an op that
  // could not be read at all, when a key column of the model is missing from the table (renamed to it unseen).
  const keyRenamed = d.uncertain.some((o) => (o.kind === 'alter_column' && o.name !== undefined && o.column !== undefined && mig.primaryKey.includes(o.column)) || (o.kind === '*' && model.primaryKey.some((c) => !mig.columns.has(c))));
  // knowledge-repo's assoc_post_author: a key the model declares and the migrations never make is a difference too.
  if (!mig.partial && !keyRenamed && !mig.primaryKeyUnread && model.primaryKey.length > 0 && !sameSet(model.primaryKey, mig.primaryKey)) {
    const theirs = mig.primaryKey.length > 0 ? `the migrations have (${mig.primaryKey.join(', ')})` : 'the migrations make none';
    push({ kind: 'primary-key', model, migration: mig }, 'primary-key-mismatch', model.origin, `Primary key of "${t}" differs: the model has (${model.primaryKey.join(', ')}), ${theirs} (${headText}); Alembic's autogenerate does not compare primary keys, so \`alembic check\` passes over it.`, undefined, { origin: mig.origin, message: 'created here' });
  }
  diffIndexes(d, push);
  diffForeignKeys(d, push);
  diffChecks(d, push);
}

/** Records a change and its finding; `noteOnly` makes the finding a note that ends with that sentence. */
type Push = (subject: ChangeSubject, code: FindingCode, origin: SourceRef, message: string, column?: string, rel?: { origin: SourceRef; message: string }, noteOnly?: string) => void;

/** Whether one of two types is an ARRAY of the other (`ARRAY(Text)` and `Text`). */
function arrayOfTheOther(a: SqlType, b: SqlType, dialect: string | undefined): boolean {
  const [array, plain] = a.family === 'ARRAY' ? [a, b] : [b, a];
  return array.family === 'ARRAY' && plain.family !== 'ARRAY' && array.item !== undefined && !typesDiffer(array.item, plain, { dialect });
}

/** A type as written, or its `with_variant` for the dialect compared on, which is what differs there. */
function typeText(type: SqlType, dialect: string | undefined): string {
  const variant = dialect !== undefined ? type.variants?.[dialect] : undefined;
  if (variant) return `${withValues(variant)} (its ${dialect} variant)`;
  const picked = dialect === undefined ? pickedTypesText(type) : undefined;
  if (picked) return `${type.text} (${picked})`;
  const stored = sautilsStorageText(type);
  return stored ? `${withValues(type)} (stored as ${stored})` : withValues(type);
}

/**
 * A type as written, and the values of its arguments where the text does not show them (buildbot's
 * `sa.String(model_config.hash_length)`, 40): two spellings of a type that differ in a value say which.
 */
function withValues(type: SqlType): string {
  const python = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
  const args = Object.entries(type.args).filter(([, v]) => v !== undefined && v !== null);
  if (args.length === 0 || args.every(([, v]) => type.text.includes(python(v)))) return type.text;
  const shown = args.map(([k, v]) => `${k}=${typeof v === 'string' ? `'${v}'` : python(v)}`).join(', ');
  return `${type.text}, i.e. ${type.name.split('.').at(-1)}(${shown})`;
}

/**
 * Whether a model index and a migration index are the same: on the same columns, in order, and both unique or not
 * (their names are `pairIndexes`' business). So two of one name that differ are a missing and an extra index, as
 * Alembic finds them; unless a column of either cannot be read, when the name alone is compared.
 */
function indexMatches(model: IndexDef, mig: IndexDef, tables: { model: TableDef; mig: TableDef }): boolean {
  if (sameList(model.columns, mig.columns) && model.unique === mig.unique) return true;
  const unread = model.columns.some((c) => !tables.model.columns.has(c)) || mig.columns.some((c) => !tables.mig.columns.has(c));
  return unread && model.name !== undefined && model.name === mig.name;
}

/**
 * Whether two indexes (or unique constraints) both have names, and different ones on the dialect: Alembic keys them by
 * name, so these are two.
 */
function namedApart(a: { name?: string }, b: { name?: string }, dialect: string | undefined): boolean {
  return a.name !== undefined && b.name !== undefined && !sameDatabaseName(a.name, b.name, dialect);
}

/**
 * Pairs each model index with at most one index of the migrations, as Alembic pairs them by name: those of one name
 * first, then those on the same columns that are not named apart (one side has no name). A second index on the same
 * columns (a GIN beside a btree) is left over; so is one renamed by hand, which Alembic drops and makes again.
 */
function pairIndexes(models: IndexDef[], migs: IndexDef[], tables: { model: TableDef; mig: TableDef; dialect?: string }): Set<IndexDef> {
  const paired = new Set<IndexDef>();
  const pair = (sameName: boolean): void => {
    for (const m of models) {
      if (paired.has(m)) continue;
      const hit = migs.find((x) => !paired.has(x) && (sameName ? m.name !== undefined && sameDatabaseName(x.name, m.name, tables.dialect) : !namedApart(m, x, tables.dialect)) && indexMatches(m, x, tables));
      if (hit) {
        paired.add(m);
        paired.add(hit);
      }
    }
  };
  pair(true);
  pair(false);
  // Model indexes of one name are one index to Alembic, which keys them by name (`index=True` beside an explicit
  // `Index` that the naming convention names alike).
  for (const m of models) if (m.name !== undefined && !paired.has(m) && models.some((o) => o !== m && o.name === m.name && paired.has(o))) paired.add(m);
  return paired;
}

function describeIndex(i: IndexDef | UniqueDef): string {
  return `${i.name ? `"${i.name}" ` : ''}on ${columnsText(i)}`;
}

/** The columns of an index or constraint as messages write them: `(a, b)`, or `no column` for an index on none. */
function columnsText(i: IndexDef | UniqueDef): string {
  return i.columns.length === 0 ? 'no column' : `(${i.columns.join(', ')})`;
}

/**
 * Whether an index or constraint of the model on these columns may have been on the table before the migrations: the
 * table is one they never made (a baseline), and none of the columns is one a revision added. A column a revision
 * added (anitya's `check_successful`) did not exist before, so nothing made before the migrations covers it.
 */
function unknownBefore(mig: TableDef, columns: string[]): boolean {
  return mig.partial === true && !columns.some((c) => addedByMigrations(mig.columns.get(c)));
}

/**
 * A column that an `add_column` of the migrations made, with nothing about it in doubt: not one an alter found, nor one
 * of a table made from a model class at run time (whose indexes are not all known), nor one added under a test or in a
 * `try:` (which may find it there already).
 */
function addedByMigrations(column: ColumnDef | undefined): boolean {
  return column?.history?.[0]?.op === 'add_column' && !column.mayPredate && !column.unknown?.length;
}

function diffIndexes(d: TableDiff, push: Push): void {
  const { model, mig, headText } = d;
  const t = qualified(model);
  const coveredByUnique = (cols: string[], uniques: UniqueDef[]): boolean => uniques.some((u) => sameSet(u.columns, cols));
  // A unique index the other side has an index of its own for (paired, or of its name) is not also that side's unique
  // constraint (privacyidea's `unique=True, index=True` column against a migration that made both).
  const coveredByUniqueIndex = (cols: string[], idx: IndexDef[], others: IndexDef[]): boolean =>
    idx.some((i) => i.unique && sameSet(i.columns, cols) && !paired.has(i) && !(i.name !== undefined && others.some((o) => sameDatabaseName(o.name, i.name!, d.dialect))));
  const singleColumn = (cols: string[]): string | undefined => (cols.length === 1 ? cols[0] : undefined);
  const onThisDialect = (idx: IndexDef): boolean => !idx.dialects || (d.dialect !== undefined && idx.dialects.includes(d.dialect));
  // MySQL makes an index for every foreign key, named after its column or its constraint: Alembic leaves such
  // non-unique indexes of the database out, and the model's of the same names with them.
  const implicit = new Set(d.dialect !== 'mysql' ? [] : mig.indexes.filter((i) => !i.unique && i.name !== undefined && (i.columns.includes(i.name) || mig.foreignKeys.some((fk) => fk.name === i.name && fk.columns.some((c) => i.columns.includes(c))))).map((i) => i.name!));
  const paired = pairIndexes(model.indexes.filter((m) => onThisDialect(m) || d.dialect === undefined), mig.indexes, d);
  // An index of the other side with the same name and columns that differs only in being unique: Alembic drops and
  // makes it again, and each message says how the other side has it.
  const otherUniqueness = (idx: IndexDef, others: IndexDef[]): IndexDef | undefined => (idx.name === undefined ? undefined : others.find((o) => sameDatabaseName(o.name, idx.name, d.dialect) && !paired.has(o) && sameList(o.columns, idx.columns) && o.unique !== idx.unique));
  // An index of the other side of the same name on other columns (mlflow's `Index("name")` on none): the same.
  const otherColumns = (idx: IndexDef, others: IndexDef[]): IndexDef | undefined => (idx.name === undefined ? undefined : others.find((o) => !paired.has(o) && !o.expressions && sameDatabaseName(o.name, idx.name, d.dialect) && !sameList(o.columns, idx.columns)));
  // An index of the other side on the same columns under another name: Alembic drops one and makes the other.
  const otherName = (idx: IndexDef, others: IndexDef[]): IndexDef | undefined => others.find((o) => !paired.has(o) && !o.expressions && sameList(o.columns, idx.columns) && o.unique === idx.unique && namedApart(o, idx, d.dialect));
  /** What of the other side an unpaired column index stands against: one renamed, or one of its name moved. */
  const counterpart = (idx: IndexDef, others: IndexDef[]): { renamed?: IndexDef; moved?: IndexDef } => {
    if (idx.expressions) return {};
    const renamed = otherName(idx, others);
    return renamed ? { renamed } : { moved: otherColumns(idx, others) };
  };
  const modelIndexes = model.indexes.filter(onThisDialect);
  // On PostgreSQL and SQLite a unique index and a unique constraint are two things to Alembic, which pairs each with
  // its own kind (on MySQL a unique constraint is a unique index; an unknown database may be MySQL).
  const kindsApart = d.dialect === 'postgresql' || d.dialect === 'sqlite';
  const otherKind = (cols: string[], uniques: UniqueDef[]): string => (kindsApart && coveredByUnique(cols, uniques) ? '; a unique constraint on these columns is no index to Alembic' : '');
  // An index an op that may not run made (gns3-server's partial index on PostgreSQL alone) is not compared.
  const inDoubt = (i: IndexDef): boolean => i.name !== undefined && !!mig.indexesInDoubt?.some((n) => sameDatabaseName(n, i.name!, d.dialect));
  for (const idx of modelIndexes) {
    if (paired.has(idx) || (idx.name !== undefined && implicit.has(idx.name))) continue;
    const twin = otherUniqueness(idx, mig.indexes);
    if (idx.unique && !twin && !kindsApart && coveredByUnique(idx.columns, mig.uniques)) continue;
    const mayHaveMade = (o: UncertainOp): boolean => o.kind === 'create_index' && (o.name === undefined || o.name === idx.name) && (o.columns === undefined || sameList(o.columns, idx.columns));
    if (idx.conditional || inDoubt(idx) || unknownBefore(mig, idx.columns) || d.uncertain.some((o) => o.kind === '*' || mayHaveMade(o))) continue;
    // A missing column is the finding; an expression index is matched by its name alone (its SQL is not compared).
    if (idx.expressions ? idx.name === undefined || mig.indexes.some((m) => sameDatabaseName(m.name, idx.name, d.dialect)) : idx.columns.some((c) => !mig.columns.has(c))) continue;
    const { renamed, moved } = twin ? {} : counterpart(idx, mig.indexes);
    const how = (twin ? `: their index of that name is ${twin.unique ? 'unique' : 'not unique'}` : renamed ? `: their index on these columns is named "${renamed.name}"` : moved ? `: their index of that name is on ${columnsText(moved)}` : '') + (idx.unique ? otherKind(idx.columns, mig.uniques) : '');
    push({ kind: 'add-index', model, index: idx }, 'missing-index', idx.origin, `${idx.unique ? 'Unique index' : 'Index'} ${describeIndex(idx)} of "${t}" is not in the migrations (${headText})${how}.`, idx.expressions ? undefined : singleColumn(idx.columns));
  }
  // Full-text search libraries (sqlalchemy-searchable) index their TSVECTOR columns themselves.
  const searchVector = (c: string): boolean => /tsvector/i.test(model.columns.get(c)?.type?.name ?? '');
  for (const idx of mig.indexes) {
    if (model.unreadConstraints || paired.has(idx) || (idx.name !== undefined && implicit.has(idx.name))) continue;
    // An index op the replay could not read (`DROP INDEX {name}` built at run time) may have dropped it; one that may
    // not run, made it.
    if (d.uncertain.some((o) => o.kind === 'drop_index' && sameDatabaseName(o.name, idx.name, d.dialect)) || inDoubt(idx)) continue;
    if (idx.columns.length > 0 && idx.columns.every(searchVector)) continue;
    const twin = otherUniqueness(idx, modelIndexes);
    if (idx.unique && !twin && !kindsApart && coveredByUnique(idx.columns, model.uniques)) continue;
    // As for the model's: an expression index by its name alone, else a column the model lacks is the finding.
    if (idx.expressions ? idx.name === undefined || model.indexes.some((m) => sameDatabaseName(m.name, idx.name, d.dialect)) : idx.columns.some((c) => !model.columns.has(c)) && idx.columns.length > 0) continue;
    const { renamed, moved } = twin ? {} : counterpart(idx, modelIndexes);
    const how = (twin ? `the model declares it ${twin.unique ? 'unique' : 'not unique'}` : renamed ? `the model names its index on these columns "${renamed.name}"` : moved ? `the model's index of that name is on ${columnsText(moved)}` : 'the model does not declare it') + (idx.unique ? otherKind(idx.columns, model.uniques) : '');
    push({ kind: 'drop-index', migration: mig, index: idx }, 'extra-index', idx.origin, `${idx.unique ? 'Unique index' : 'Index'} ${describeIndex(idx)} of "${t}" exists at ${headText} but ${how}.`, idx.expressions ? undefined : singleColumn(idx.columns));
  }
  // Alembic keys named unique constraints by name: one on the same columns under another name is dropped and made again.
  const renamedUnique = (uq: UniqueDef, others: UniqueDef[]): UniqueDef | undefined => others.find((o) => sameSet(o.columns, uq.columns) && namedApart(o, uq, d.dialect));
  const pairedUnique = (uq: UniqueDef, others: UniqueDef[]): boolean => others.some((o) => sameSet(o.columns, uq.columns) && !namedApart(o, uq, d.dialect));
  for (const uq of model.uniques) {
    if (pairedUnique(uq, mig.uniques) || (!kindsApart && coveredByUniqueIndex(uq.columns, mig.indexes, model.indexes))) continue;
    if (unknownBefore(mig, uq.columns) || d.uncertain.some((o) => o.kind === 'create_unique_constraint' || o.kind === '*')) continue;
    if (uq.columns.some((c) => !mig.columns.has(c))) continue;
    // One on the primary key's columns too (`primary_key=True, unique=True`): SQLAlchemy makes the constraint, and
    // Alembic adds it where the database lacks it.
    const renamed = renamedUnique(uq, mig.uniques);
    const leftOut = d.dialect === 'postgresql' ? ' (PostgreSQL leaves one written beside the primary key out of CREATE TABLE)' : '';
    const onKey = renamed ? `: their unique constraint on these columns is named "${renamed.name}"` : sameSet(uq.columns, model.primaryKey) ? `: the model makes one on the columns of its primary key too, and Alembic adds it${leftOut}` : '';
    push({ kind: 'add-unique', model, unique: uq }, 'missing-unique', uq.origin, `Unique constraint ${describeIndex(uq)} of "${t}" is not in the migrations (${headText})${onKey}.`, singleColumn(uq.columns));
  }
  for (const uq of mig.uniques) {
    if (model.unreadConstraints || pairedUnique(uq, model.uniques) || (!kindsApart && coveredByUniqueIndex(uq.columns, model.indexes, mig.indexes))) continue;
    // SQLite reflects a unique constraint made without a name with none, and Alembic never drops what it cannot name.
    if (d.dialect === 'sqlite' && uq.name === undefined) continue;
    if (uq.columns.some((c) => !model.columns.has(c))) continue;
    // A drop_index by a name read at run time may have dropped it (MySQL drops a unique constraint as an index).
    if (d.uncertain.some((o) => o.kind === 'drop_index' && o.name === uq.name) && d.dialect !== 'postgresql' && d.dialect !== 'sqlite') continue;
    const renamed = renamedUnique(uq, model.uniques);
    const how = renamed ? `the model names its unique constraint on these columns "${renamed.name}"` : 'the model does not declare it';
    push({ kind: 'drop-unique', migration: mig, unique: uq }, 'extra-unique', uq.origin, `Unique constraint ${describeIndex(uq)} of "${t}" exists at ${headText} but ${how}.`, singleColumn(uq.columns));
  }
}

/**
 * Two foreign keys that are the same: same columns, referenced table and columns, and the same ON DELETE and ON UPDATE
 * actions (NO ACTION being the default), as Alembic compares them where the database reports those actions. MySQL
 * reports no RESTRICT, its default, and Alembic takes a model's RESTRICT there for no action.
 */
function fkMatches(a: ForeignKeyDef, b: ForeignKeyDef, dialect: string | undefined): boolean {
  const action = (v: string | undefined): string | undefined => {
    const lower = v?.toLowerCase();
    return lower && lower !== 'no action' && !(lower === 'restrict' && dialect === 'mysql') ? lower : undefined;
  };
  return sameList(a.columns, b.columns) && a.refTable === b.refTable && sameList(a.refColumns, b.refColumns) && action(a.ondelete) === action(b.ondelete) && action(a.onupdate) === action(b.onupdate);
}

function describeFk(fk: ForeignKeyDef): string {
  const actions = `${fk.ondelete ? ` ON DELETE ${fk.ondelete.toUpperCase()}` : ''}${fk.onupdate ? ` ON UPDATE ${fk.onupdate.toUpperCase()}` : ''}`;
  return `(${fk.columns.join(', ')}) -> ${fk.refSchema ? `${fk.refSchema}.` : ''}${fk.refTable}(${fk.refColumns.join(', ')})${actions}`;
}

/** The other side's key on the same columns and target that differs only in its ON DELETE / ON UPDATE actions. */
function sameKeyOtherActions(fk: ForeignKeyDef, others: ForeignKeyDef[]): ForeignKeyDef | undefined {
  return others.find((o) => sameList(o.columns, fk.columns) && o.refTable === fk.refTable && sameList(o.refColumns, fk.refColumns));
}

/** What a key's actions are, for a message: "ON DELETE CASCADE", or "no ON DELETE / ON UPDATE action". */
function fkActions(fk: ForeignKeyDef): string {
  const actions = describeFk(fk).slice(describeFk({ ...fk, ondelete: undefined, onupdate: undefined }).length).trim();
  return actions || 'no ON DELETE / ON UPDATE action';
}

function diffForeignKeys(d: TableDiff, push: Push): void {
  const { model, mig, headText } = d;
  const t = qualified(model);
  // A key an op that may not run made (storyboard's, where the dialect supports ALTER) is not compared.
  const inDoubt = (fk: ForeignKeyDef): boolean => mig.foreignKeys.some((m) => m.inDoubt && sameSet(m.columns, fk.columns) && m.refTable === fk.refTable);
  for (const fk of model.foreignKeys) {
    if (mig.foreignKeys.some((m) => fkMatches(fk, m, d.dialect)) || inDoubt(fk)) continue;
    const other = sameKeyOtherActions(fk, mig.foreignKeys);
    // A table made outside the migrations may hold the key already; not where they made it with other actions (the
    // revision drops theirs, and must make the model's).
    if ((!other && unknownBefore(mig, fk.columns)) || mig.unreadForeignKeys || d.uncertain.some((o) => o.kind === 'create_foreign_key' || o.kind === '*')) continue;
    if (fk.columns.some((c) => !mig.columns.has(c))) continue;
    const leftOut = !other && mig.leftOutAlterKeys?.some((m) => fkMatches(fk, m, d.dialect));
    const differs = other ? ` (the migrations have this key with ${fkActions(other)})` : leftOut ? ' (their create_table writes it with use_alter=True, which CREATE TABLE leaves out where the database can ALTER a table: only metadata.create_all() adds it later)' : '';
    push({ kind: 'add-foreign-key', model, foreignKey: fk }, 'missing-foreign-key', fk.origin, `Foreign key ${describeFk(fk)} of "${t}" is not in the migrations${differs} (${headText}).`, fk.columns.length === 1 ? fk.columns[0] : undefined);
  }
  // A constraint op whose table could not be read may have dropped (and made again) any of the migrations' keys; a
  // drop only those that existed when it ran (the replay marks them).
  const redefined = d.uncertain.some((o) => o.kind === 'create_foreign_key' || o.kind === '*');
  for (const fk of mig.foreignKeys) {
    if (model.foreignKeys.some((m) => fkMatches(m, fk, d.dialect)) || model.unreadForeignKeys || model.unreadConstraints || redefined || fk.maybeDropped || fk.inDoubt) continue;
    if (fk.columns.some((c) => !model.columns.has(c))) continue;
    const other = sameKeyOtherActions(fk, model.foreignKeys);
    const declared = other ? `declares it with ${fkActions(other)}` : 'does not declare it';
    push({ kind: 'drop-foreign-key', migration: mig, foreignKey: fk }, 'extra-foreign-key', fk.origin, `Foreign key ${describeFk(fk)} of "${t}" exists at ${headText} but the model ${declared}.`, fk.columns.length === 1 ? fk.columns[0] : undefined);
  }
}

/**
 * Named CHECK constraints, by name alone, as Alembic 1.19 and later compare them (their SQL is not compared: the
 * database rewrites it). A migration may give the name as written in the model, which the same naming convention
 * then turns into the model's.
 */
function diffChecks(d: TableDiff, push: Push): void {
  const { model, mig, headText } = d;
  const t = qualified(model);
  const same = (m: Pick<CheckDef, 'name' | 'writtenName'>, x: CheckDef): boolean => x.name === m.name || (m.writtenName !== undefined && x.name === m.writtenName);
  const sql = (c: CheckDef): string => (c.sql.length > 60 ? `${c.sql.slice(0, 57)}...` : c.sql);
  for (const ck of model.checks) {
    if (ck.name === undefined || mig.checks.some((x) => same(ck, x))) continue;
    if (mig.partial || d.uncertain.some((o) => o.kind === 'create_check_constraint' || o.kind === '*')) continue;
    // On a column the migrations lack: the missing column is the finding, and its revision adds the check too.
    if ([...model.columns.keys()].some((c) => !mig.columns.has(c) && checkMentions(ck, c))) continue;
    push({ kind: 'add-check', model, check: ck }, 'missing-check', ck.origin, `CHECK constraint "${ck.name}" (${sql(ck)}) of "${t}" is not in the migrations (${headText}).`);
  }
  for (const ck of mig.checks) {
    if (ck.name === undefined || model.open || model.unreadConstraints || model.checks.some((m) => same(m, ck))) continue;
    // One a model's Enum or Boolean column makes where the database lacks such a type (rucio's `Enum(..., name=
    // "RULES_STATE_CHK", create_constraint=True)`).
    if (model.typeChecks?.some((m) => same(m, ck) && typeMakesCheck(m.type, d.dialect))) continue;
    if ([...mig.columns.keys()].some((c) => !model.columns.has(c) && checkMentions(ck, c))) continue;
    // A model type that makes CHECK constraints of its own as its column joins the table (indico's PyIntEnum) may make it.
    const made = model.typesAddingChecks ? `The model's ${model.typesAddingChecks.join(', ')} make${model.typesAddingChecks.length > 1 ? '' : 's'} CHECK constraints of ${model.typesAddingChecks.length > 1 ? 'their' : 'its'} own at run time (an event listener), which are not read: this may be one of them.` : undefined;
    push({ kind: 'drop-check', migration: mig, check: ck }, 'extra-check', ck.origin, `CHECK constraint "${ck.name}" (${sql(ck)}) of "${t}" exists at ${headText} but the model does not declare it.`, undefined, undefined, made);
  }
}
