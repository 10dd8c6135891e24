/**
 * What both arms of an undecided test on the dialect do to a table: dify writes each `create_table` and
 * `add_column` twice, PostgreSQL's types in one arm and portable ones in the other. Exactly one arm runs, so what
 * both do surely happens; only what the two give a column differently (its type, nullability or server default) is
 * unknown.
 */
import type { ColumnAttribute, SqlType } from '../schema/schema';
import type { ColumnSpec } from '../schema/columns';
import type { OpStep } from './interpret';
import { ownTableKeys, type ColumnItem, type MigrationOp } from './ops';

type CreateTable = Extract<MigrationOp, { kind: 'create_table' }>;
type AddColumn = Extract<MigrationOp, { kind: 'add_column' }>;
type AlterColumn = Extract<MigrationOp, { kind: 'alter_column' }>;

/**
 * In `steps`, where the arm `[start, split)` and the arm `[split, end)` do the same ops to a table, op for op (the
 * same kind on the same names, columns that differ at most in type, nullability and server default), and each of
 * those runs whenever its arm does (`inArm`: under no test of its own inside the arm), keeps the first arm's ops,
 * with what the arms give differently marked undecided, and removes the second arm's; returns the steps kept so.
 * Tables only one arm changes, or the two change otherwise, are left alone.
 */
export function mergeAlternativeArms(steps: OpStep[], start: number, split: number, inArm: (step: OpStep, index: number) => boolean): Set<OpStep> {
  const kept = new Set<OpStep>();
  if (split <= start || split >= steps.length) return kept;
  const first = opsByTable(steps, start, split, inArm);
  const second = opsByTable(steps, split, steps.length, inArm);
  const removed: number[] = [];
  /** Merges the ops `mine` with `theirs`, op for op, when they are alike; whether they were. */
  const mergeAll = (mine: number[], theirs: number[]): boolean => {
    if (mine.length === 0 || mine.length !== theirs.length) return false;
    const merged = mine.map((i, n) => mergeOps(steps[i].op, steps[theirs[n]].op));
    if (merged.some((op) => op === undefined)) return false;
    for (const [n, i] of mine.entries()) {
      // Guarded (in a `try:`, after a test on the database) when either arm's op is.
      steps[i] = { ...steps[i], op: merged[n]!, guarded: steps[i].guarded || steps[theirs[n]].guarded };
      kept.add(steps[i]);
    }
    removed.push(...theirs);
    return true;
  };
  const columnOps = (list: number[]): number[] => list.filter((i) => COLUMN_OPS.has(steps[i].op.kind));
  for (const [key, mine] of first) {
    const theirs = second.get(key);
    if (!mine || !theirs) continue;
    // Else the columns alike (dify adds a column in both, and a GIN index on it in PostgreSQL's alone): the rest,
    // which one arm does, stays undecided.
    if (!mergeAll(mine, theirs)) mergeAll(columnOps(mine), columnOps(theirs));
  }
  for (const j of removed.sort((a, b) => b - a)) steps.splice(j, 1);
  return kept;
}

/** The ops that make or change a table's columns. */
const COLUMN_OPS = new Set<MigrationOp['kind']>(['create_table', 'add_column', 'alter_column', 'drop_column']);

/**
 * The indexes of the steps in `[from, to)` by the one table each changes; undefined for a table an op of unknown or
 * several tables may change, or one that runs only under a test of its own inside the arm.
 */
function opsByTable(steps: OpStep[], from: number, to: number, inArm: (step: OpStep, index: number) => boolean): Map<string, number[] | undefined> {
  const out = new Map<string, number[] | undefined>();
  const unknown: string[] = [];
  for (let i = from; i < to; i++) {
    const { op } = steps[i];
    const keys = ownTableKeys(op);
    // An index dropped by its name alone (mealie's `DROP INDEX IF EXISTS ix_...`) changes no column of any table: it
    // stays where it is, undecided, and the tables' other ops may still be alike.
    if (keys.length === 0 && op.kind === 'drop_index' && op.unresolved.length === 0) continue;
    if (keys.length !== 1 || op.unresolved.length > 0 || op.kind === 'opaque' || !inArm(steps[i], i)) {
      for (const key of keys) unknown.push(key);
      if (keys.length === 0) return new Map();
      continue;
    }
    const list = out.get(keys[0]);
    if (list) list.push(i);
    else out.set(keys[0], [i]);
  }
  for (const key of unknown) out.set(key, undefined);
  return out;
}

/** One op for two the arms write alike, or undefined when they do different things. */
function mergeOps(a: MigrationOp, b: MigrationOp): MigrationOp | undefined {
  if (a.kind === 'create_table' && b.kind === 'create_table') return mergeCreates(a, b);
  if (a.kind === 'add_column' && b.kind === 'add_column') return mergeAddColumns(a, b);
  if (a.kind === 'alter_column' && b.kind === 'alter_column') return mergeAlters(a, b);
  return armShape(a) === armShape(b) ? a : undefined;
}

/**
 * The shape of an op for comparing two arms' ops, where it was written and whether through `op` or a batch left out:
 * a batch makes the same change (ihatemoney's `if sqlite: with op.batch_alter_table(...)` and `else: op.add_column(...)`).
 * So is how an index is built (dify's `postgresql_concurrently=True` in the PostgreSQL arm): the index is the same.
 */
function armShape(o: MigrationOp): string {
  const options = o.kind === 'create_index' ? o.index?.options?.filter((x) => !x.key.endsWith('_concurrently')) : undefined;
  const built = o.kind === 'create_index' && o.index ? { index: { ...o.index, options: options?.length ? options : undefined } } : {};
  return shape({ ...o, ...built, origin: undefined, caller: undefined, via: o.via === 'batch_op' ? 'op' : o.via });
}

/** One create_table for two that make the same columns and constraints. */
function mergeCreates(a: CreateTable, b: CreateTable): CreateTable | undefined {
  if (a.partial || b.partial || a.columns.length !== b.columns.length || a.constraints.length !== b.constraints.length) return undefined;
  if (a.constraints.some((c, i) => shape(c.spec) !== shape(b.constraints[i].spec))) return undefined;
  const columns: ColumnItem[] = [];
  for (const [i, x] of a.columns.entries()) {
    const spec = mergeColumns(x.spec, b.columns[i].spec);
    if (!spec) return undefined;
    columns.push(spec === x.spec ? x : { ...x, spec });
  }
  return withIfNotExistsOfBoth({ ...a, columns }, b);
}

/**
 * The merged op, made `IF NOT EXISTS` where either arm's is (dstack adds a column plainly on SQLite and with
 * `if_not_exists=True` elsewhere): either way the table or column is there after it.
 */
function withIfNotExistsOfBoth<T extends CreateTable | AddColumn>(merged: T, other: T): T {
  return other.ifNotExists && !merged.ifNotExists ? { ...merged, ifNotExists: other.ifNotExists } : merged;
}

/** One add_column for two that add the same column to the same table. */
function mergeAddColumns(a: AddColumn, b: AddColumn): AddColumn | undefined {
  if (!a.column || !b.column || armShape({ ...a, column: undefined, ifNotExists: false }) !== armShape({ ...b, column: undefined, ifNotExists: false })) return undefined;
  const spec = mergeColumns(a.column.spec, b.column.spec);
  if (!spec) return undefined;
  const merged = spec === a.column.spec ? a : { ...a, column: { ...a.column, spec } };
  return withIfNotExistsOfBoth(withEnumTypesOfBoth(merged, b), b);
}

/**
 * The merged op, read for the databases of both arms: an enum type named for PostgreSQL where one arm was read for it
 * alone (`namedEnumTypes: true`) and the other for another or any database is so only if the database is PostgreSQL.
 */
function withEnumTypesOfBoth<T extends AddColumn | AlterColumn>(merged: T, other: T): T {
  if (merged.namedEnumTypes === other.namedEnumTypes) return merged;
  return { ...merged, namedEnumTypes: 'if postgresql' };
}

/**
 * One alter_column for two that change a column alike, whether through `op`, a batch or SQL (mealie's `if
 * is_postgres(): op.alter_column(...) else: batch_op.alter_column(...)`; `op.execute("ALTER TABLE ... TYPE
 * VARCHAR(255)")` in PostgreSQL's arm). What MySQL would also restate is that of the arm read for a database that may
 * be MySQL (an arm read for PostgreSQL has none).
 */
function mergeAlters(a: AlterColumn, b: AlterColumn): AlterColumn | undefined {
  const alike = (x: AlterColumn): string => shape({ ...x, via: undefined, caller: undefined, origin: undefined, changes: { ...x.changes, onMysql: undefined, type: undefined, typeAlternatives: undefined } });
  if (!ALTER_WAYS.has(a.via) || !ALTER_WAYS.has(b.via) || alike(a) !== alike(b)) return undefined;
  const [mine, theirs] = [a.changes.onMysql, b.changes.onMysql];
  if (mine && theirs && shape(mine, true) !== shape(theirs, true)) return undefined;
  // Both change the type, or neither; to two types, each arm's is one of the column's (`typeAlternatives`).
  const [x, y] = [a.changes.type, b.changes.type];
  if (!x !== !y) return undefined;
  const typeAlternatives = x && y && shape(x, true) !== shape(y, true) ? distinctTypes([...(a.changes.typeAlternatives ?? [x]), ...(b.changes.typeAlternatives ?? [y])]) : undefined;
  const merged = !typeAlternatives && (mine || !theirs) ? a : { ...a, changes: { ...a.changes, ...(theirs && !mine ? { onMysql: theirs } : {}), ...(typeAlternatives ? { typeAlternatives } : {}) } };
  return withEnumTypesOfBoth(merged, b);
}

/** The ways of writing an alter_column whose changes are all read (not code run by `exec()` or a helper call). */
const ALTER_WAYS = new Set<MigrationOp['via']>(['op', 'batch_op', 'execute']);

/** The first column with what it and the second give differently marked undecided, or undefined when they differ in more. */
function mergeColumns(x: ColumnSpec, y: ColumnSpec): ColumnSpec | undefined {
  const { type: tx, nullable: nx, serverDefault: dx, index: ix, indexUndecided: ux, ...restX } = x;
  const { type: ty, nullable: ny, serverDefault: dy, index: iy, indexUndecided: uy, ...restY } = y;
  if (shape(restX) !== shape(restY)) return undefined;
  // Indexed in one arm alone (Kotti's `index=True` but on MySQL): the column is alike, its index undecided. Not a
  // unique one: `unique=True` without the index makes a unique constraint instead, which the merge would lose.
  const indexUndecided = ux || uy || !!ix !== !!iy;
  if (indexUndecided && (x.unique || y.unique)) return undefined;
  const undecided: ColumnAttribute[] = [];
  const typeUndecided = shape(tx, true) !== shape(ty, true);
  if (typeUndecided) undecided.push('type');
  if ((nx ?? !x.primaryKey) !== (ny ?? !y.primaryKey)) undecided.push('nullable');
  if ((dx?.key ?? dx?.text) !== (dy?.key ?? dy?.text)) undecided.push('serverDefault');
  if (undecided.length === 0 && !indexUndecided) return x;
  const typeAlternatives = typeUndecided ? alternativesOf(x, y) : undefined;
  return { ...x, ...(undecided.length > 0 ? { undecided } : {}), ...(typeAlternatives ? { typeAlternatives } : {}), ...(indexUndecided ? { index: ix || iy, indexUndecided } : {}) };
}

/** Each type two arms give a column (an arm that already merged others gives each of theirs), or undefined when one gives none. */
function alternativesOf(x: ColumnSpec, y: ColumnSpec): SqlType[] | undefined {
  const of = (c: ColumnSpec): SqlType[] | undefined => c.typeAlternatives ?? (c.type ? [c.type] : undefined);
  const [a, b] = [of(x), of(y)];
  return a && b ? distinctTypes([...a, ...b]) : undefined;
}

/** The types, each once (as written or not). */
function distinctTypes(types: SqlType[]): SqlType[] {
  const seen = new Set<string>();
  return types.filter((t) => {
    const key = shape(t, true);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * What a spec or op says, without where it is written (and, for a type, without its text as written), nor the dialect
 * each arm was read for (`namedEnumTypes`: an arm of PostgreSQL alone reads its enum types as PostgreSQL's).
 */
function shape(value: unknown, withoutText = false): string {
  return JSON.stringify(value ?? null, (key, v) => (key === 'typeSpan' || key === 's' || key === 'span' || key === 'origin' || key === 'pythonDefault' || key === 'namedEnumTypes' || (withoutText && key === 'text') ? undefined : v));
}
