import { diffSchemas, type SchemaChange } from '../diff/diffSchemas';
import { checkMentions, sameList, tableKey, type ColumnDef, type ForeignKeyDef, type IndexDef, type TableDef, type UniqueDef } from '../schema/schema';
import { enumValuesDiffer, typesDiffer } from '../schema/types';
import type { Op, Step, TableRef } from './ops';
import { postgresConstraintName } from '../schema/databaseNames';
import { cutIdentifier } from '../schema/identifiers';

/** What the planner needs besides the changes. */
export interface PlanOptions {
  dialect?: string;
}

type Change<K extends SchemaChange['kind']> = Extract<SchemaChange, { kind: K }>;

const refOf = (t: TableDef): TableRef => ({ name: t.name, schema: t.schema });
const keyOf = (t: TableRef): string => tableKey(t.name, t.schema);
const byName = (a: { name?: string }, b: { name?: string }): number => ((a.name ?? '\uffff') < (b.name ?? '\uffff') ? -1 : (a.name ?? '\uffff') > (b.name ?? '\uffff') ? 1 : 0);
const involves = (columns: string[], names: Set<string>): boolean => columns.some((c) => names.has(c));
const onDialect = (idx: IndexDef, dialect?: string): boolean => !idx.dialects || (dialect !== undefined && idx.dialects.includes(dialect));

/**
 * Orders the ops that turn the migrations' schema into the models': renamed tables, new tables (referenced ones
 * first), then the changes of each existing table (columns added, renamed and altered; indexes, unique constraints
 * and foreign keys dropped then added; columns dropped), then dropped tables (referencing ones first).
 */
export function planSteps(changes: SchemaChange[], options: PlanOptions = {}): Step[] {
  const adds = changes.filter((c): c is Change<'add-table'> => c.kind === 'add-table');
  const drops = changes.filter((c): c is Change<'drop-table'> => c.kind === 'drop-table');
  const renames = adds.filter((a) => a.renamedFrom && drops.some((d) => d.migration === a.renamedFrom && d.renamedTo === a.model));
  const renamed = new Set<TableDef>(renames.map((r) => r.renamedFrom!));
  const steps: Step[] = [];

  for (const r of renames) steps.push(...renameTableSteps({ model: r.model, old: r.renamedFrom! }, options));
  steps.push(...createTableSteps(adds.filter((a) => !renames.includes(a)).map((a) => a.model), options));
  steps.push(...orderGroups(tableGroups(withoutRenamedReferences(changes, renames), options)));
  steps.push(...dropTableSteps(drops.filter((d) => !renamed.has(d.migration)).map((d) => d.migration)));
  return steps;
}

/**
 * Drops the foreign-key changes that only say a referenced table was renamed: renaming a table moves the foreign
 * keys that point at it (PostgreSQL, MySQL and SQLite all do), so a key to "clients" becomes a key to "customers".
 */
function withoutRenamedReferences(changes: SchemaChange[], renames: Change<'add-table'>[]): SchemaChange[] {
  const newName = new Map(renames.map((r) => [tableKey(r.renamedFrom!.name, r.renamedFrom!.schema), r.model.name]));
  const moved = (old: ForeignKeyDef, now: ForeignKeyDef): boolean =>
    newName.get(tableKey(old.refTable, old.refSchema)) === now.refTable && sameList(old.columns, now.columns) && sameList(old.refColumns, now.refColumns);
  const cancelled = new Set<SchemaChange>();
  for (const drop of changes) {
    if (drop.kind !== 'drop-foreign-key') continue;
    const add = changes.find((c) => c.kind === 'add-foreign-key' && !cancelled.has(c) && c.model.name === drop.migration.name && moved(drop.foreignKey, c.foreignKey));
    if (add) cancelled.add(drop).add(add);
  }
  return changes.filter((c) => !cancelled.has(c));
}

/** A renamed table: `rename_table`, then whatever else differs between the model and the table under its new name. */
function renameTableSteps({ model, old }: { model: TableDef; old: TableDef }, options: PlanOptions): Step[] {
  const moved: TableDef = { ...old, name: model.name, schema: model.schema };
  const why = [`alembic-drift: the migrations' table "${old.name}" has the same columns as the model's "${model.name}": renamed rather than dropped and created, which would lose its rows.`];
  const steps: Step[] = [{ kind: 'op', op: { kind: 'rename_table', table: refOf(old), newName: model.name, why } }];
  const inner = diffSchemas({ models: [model], migrations: new Map([[tableKey(moved.name, moved.schema), moved]]), heads: [], dialect: options.dialect });
  const groups = tableGroups(inner, options);
  const group = groups.get(keyOf(model)) ?? { table: refOf(model), ops: [] };
  group.ops.push(...renamedUniqueOps({ model, moved, columnMap: new Map() }));
  steps.push(...groupSteps(group.table, sortTableOps(group.ops)));
  return steps;
}

/**
 * The steps of one table's ops. Column renames get a batch block of their own: inside one block Alembic keeps
 * knowing a renamed column by its old name, so an index on its new name made there would not be found.
 */
function groupSteps(table: TableRef, ops: Op[]): Step[] {
  const renames = ops.filter((op) => op.kind === 'rename_column');
  const rest = ops.filter((op) => op.kind !== 'rename_column');
  return [renames, rest].filter((list) => list.length > 0).map((list) => ({ kind: 'table', table, ops: list }));
}

/**
 * Named unique constraints that a rename carried over under their old names (`uq_clients_email` on what is now
 * `customers`): dropped and made again under the model's names. (The comparison pairs indexes by name itself.)
 */
function renamedUniqueOps({ model, moved, columnMap }: { model: TableDef; moved: TableDef; columnMap: Map<string, string> }): Op[] {
  const ops: Op[] = [];
  const table = refOf(model);
  const mapped = (cols: string[]): string[] => cols.map((c) => columnMap.get(c) ?? c);
  const touched = (cols: string[]): boolean => columnMap.size === 0 || cols.some((c) => columnMap.has(c));
  for (const old of moved.uniques) {
    if (!touched(old.columns)) continue;
    const now = model.uniques.find((u) => sameList(u.columns, mapped(old.columns)));
    if (now && now.name && old.name && now.name !== old.name) ops.push({ kind: 'drop_unique', table, unique: { ...old, columns: mapped(old.columns) } }, { kind: 'add_unique', table, unique: now });
  }
  return ops;
}

/** New tables in foreign-key order; each followed by its indexes. Foreign keys of a cycle are added afterwards. */
function createTableSteps(tables: TableDef[], options: PlanOptions): Step[] {
  const steps: Step[] = [];
  const later: Step[] = [];
  const order = dependencyOrder(tables, (t) => t.foreignKeys.map((fk) => tableKey(fk.refTable, fk.refSchema ?? t.schema)));
  const created = new Set<string>();
  const pending = new Set(tables.map((t) => keyOf(t)));
  for (const t of order) {
    created.add(keyOf(t));
    const deferred = t.foreignKeys.filter((fk) => {
      const target = tableKey(fk.refTable, fk.refSchema ?? t.schema);
      return pending.has(target) && !created.has(target);
    });
    steps.push({ kind: 'op', op: { kind: 'create_table', table: t, laterForeignKeys: deferred.length ? deferred : undefined } });
    const indexes = t.indexes.filter((i) => onDialect(i, options.dialect)).sort(byName);
    if (indexes.length > 0) steps.push({ kind: 'table', table: refOf(t), ops: indexes.map((index) => ({ kind: 'create_index', table: refOf(t), index })) });
    if (deferred.length > 0) later.push({ kind: 'table', table: refOf(t), ops: deferred.map((fk) => namedForeignKeyOp(refOf(t), fk)) });
  }
  return [...steps, ...later];
}

/** Dropped tables, the ones that reference others first; each after its indexes (so the downgrade makes them again). */
function dropTableSteps(tables: TableDef[]): Step[] {
  const order = dependencyOrder(tables, (t) => t.foreignKeys.map((fk) => tableKey(fk.refTable, fk.refSchema ?? t.schema))).reverse();
  const steps: Step[] = [];
  for (const t of order) {
    const indexes = [...t.indexes].sort(byName);
    if (indexes.length > 0) steps.push({ kind: 'table', table: refOf(t), ops: indexes.map((index) => ({ kind: 'drop_index', table: refOf(t), index })) });
    steps.push({ kind: 'op', op: { kind: 'drop_table', table: t } });
  }
  return steps;
}

/** Tables ordered so that each comes after the tables it depends on (by name where free); a cycle is cut by name. */
function dependencyOrder(tables: TableDef[], dependsOn: (t: TableDef) => string[]): TableDef[] {
  const remaining = [...tables].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
  const keys = new Set(remaining.map(keyOf));
  const done = new Set<string>();
  const out: TableDef[] = [];
  while (remaining.length > 0) {
    const ready = remaining.findIndex((t) => dependsOn(t).every((k) => k === keyOf(t) || !keys.has(k) || done.has(k)));
    const [next] = remaining.splice(ready >= 0 ? ready : 0, 1);
    done.add(keyOf(next));
    out.push(next);
  }
  return out;
}

interface TableGroup {
  table: TableRef;
  ops: Op[];
}

/** The per-table ops of the changes to existing tables, by table key. */
function tableGroups(changes: SchemaChange[], options: PlanOptions): Map<string, TableGroup> {
  const byTable = new Map<string, { table: TableDef; migration?: TableDef; changes: SchemaChange[] }>();
  for (const c of changes) {
    if (c.kind === 'add-table' || c.kind === 'drop-table') continue;
    const table = 'model' in c ? c.model : c.migration;
    const entry = byTable.get(keyOf(table)) ?? { table, changes: [] };
    if ('migration' in c) entry.migration = c.migration;
    entry.changes.push(c);
    byTable.set(keyOf(table), entry);
  }
  const groups = new Map<string, TableGroup>();
  for (const [key, entry] of byTable) groups.set(key, { table: refOf(entry.table), ops: tableOps(entry.changes, options) });
  return groups;
}

/** The ops of one existing table, from its changes. */
function tableOps(changes: SchemaChange[], options: PlanOptions): Op[] {
  const ops: Op[] = [];
  const first = changes[0];
  const table = refOf('model' in first ? first.model : first.migration);
  const added = changes.filter((c): c is Change<'add-column'> => c.kind === 'add-column');
  const dropped = changes.filter((c): c is Change<'drop-column'> => c.kind === 'drop-column');
  const renames = pairRenamedColumns(added, dropped);
  const renamedAdds = new Set(renames.map((r) => r.add));
  const renamedDrops = new Set(renames.map((r) => r.drop));
  const model = changes.map((c) => ('model' in c ? c.model : undefined)).find((t) => t !== undefined);
  const migration = changes.map((c) => ('migration' in c ? c.migration : undefined)).find((t) => t !== undefined);

  for (const a of added) if (!renamedAdds.has(a)) ops.push({ kind: 'add_column', table, column: a.column });
  for (const r of renames) {
    const why = [`alembic-drift: "${r.drop.column.name}" is gone from the model and "${r.add.column.name}" is new with the same definition: renamed rather than dropped and added, which would lose its data.`];
    ops.push({ kind: 'rename_column', table, from: r.drop.column, to: r.add.column, why });
  }
  ops.push(...alterOps(table, changes));
  for (const c of changes) {
    if (c.kind === 'primary-key') {
      // PostgreSQL's own name for a key made without one; elsewhere one in the usual convention.
      const name = c.model.primaryKeyName ?? (options.dialect === 'postgresql' ? postgresConstraintName(table.name, [], 'pkey', () => false) : `pk_${table.name}`);
      // An unnamed key has the name PostgreSQL gave it when the migrations made it (kept through a table rename).
      const from = c.migration.primaryKeyName ?? (options.dialect === 'postgresql' ? c.migration.primaryKeyDatabaseName : undefined);
      ops.push({ kind: 'primary_key', table, from: { name: from, columns: c.migration.primaryKey }, to: { name, columns: c.model.primaryKey, chosenName: !c.model.primaryKeyName } });
    }
    if (c.kind === 'add-index') ops.push({ kind: 'create_index', table, index: c.index });
    if (c.kind === 'drop-index') ops.push({ kind: 'drop_index', table, index: c.index });
    if (c.kind === 'add-unique') ops.push(namedUniqueOp(table, c.unique));
    if (c.kind === 'drop-unique') ops.push(droppedUniqueOp(table, c.unique, options.dialect));
    if (c.kind === 'add-foreign-key') ops.push(namedForeignKeyOp(table, c.foreignKey));
    if (c.kind === 'drop-foreign-key') ops.push(droppedForeignKeyOp(table, c.foreignKey, options.dialect));
    if (c.kind === 'add-check') ops.push({ kind: 'add_check', table, check: c.check });
    if (c.kind === 'drop-check') ops.push({ kind: 'drop_check', table, check: c.check });
  }
  // What comes and goes with the columns: the diff reports the column, the revision needs its indexes and constraints.
  const newColumns = new Set(added.filter((a) => !renamedAdds.has(a)).map((a) => a.column.name));
  if (model && newColumns.size > 0) {
    for (const index of model.indexes) if (onDialect(index, options.dialect) && involves(index.columns, newColumns)) ops.push({ kind: 'create_index', table, index });
    for (const unique of model.uniques) if (involves(unique.columns, newColumns)) ops.push(namedUniqueOp(table, unique));
    for (const fk of model.foreignKeys) if (involves(fk.columns, newColumns)) ops.push(namedForeignKeyOp(table, fk));
    for (const check of model.checks) if (check.name !== undefined && [...newColumns].some((c) => checkMentions(check, c))) ops.push({ kind: 'add_check', table, check });
  }
  const goneColumns = new Set(dropped.filter((d) => !renamedDrops.has(d)).map((d) => d.column.name));
  if (migration && goneColumns.size > 0) {
    for (const index of migration.indexes) if (involves(index.columns, goneColumns)) ops.push({ kind: 'drop_index', table, index });
    for (const unique of migration.uniques) if (involves(unique.columns, goneColumns)) ops.push(droppedUniqueOp(table, unique, options.dialect));
    for (const fk of migration.foreignKeys) if (involves(fk.columns, goneColumns)) ops.push(droppedForeignKeyOp(table, fk, options.dialect));
    for (const check of migration.checks) if (check.name !== undefined && [...goneColumns].some((c) => checkMentions(check, c))) ops.push({ kind: 'drop_check', table, check });
  }
  if (model && migration && renames.length > 0) ops.push(...renamedColumnOps({ model, migration, columnMap: new Map(renames.map((r) => [r.drop.column.name, r.add.column.name])) }, options));
  for (const d of dropped) if (!renamedDrops.has(d)) ops.push({ kind: 'drop_column', table, column: d.column });
  return sortTableOps(ops);
}

/** After column renames: the indexes, unique constraints and foreign keys on those columns that still differ. */
function renamedColumnOps({ model, migration, columnMap }: { model: TableDef; migration: TableDef; columnMap: Map<string, string> }, options: PlanOptions): Op[] {
  const map = (cols: string[]): string[] => cols.map((c) => columnMap.get(c) ?? c);
  const columns = new Map([...migration.columns].map(([name, c]) => [columnMap.get(name) ?? name, { ...c, name: columnMap.get(name) ?? name }]));
  const moved: TableDef = {
    ...migration,
    columns,
    primaryKey: map(migration.primaryKey),
    indexes: migration.indexes.map((i) => ({ ...i, columns: map(i.columns) })),
    uniques: migration.uniques.map((u) => ({ ...u, columns: map(u.columns) })),
    foreignKeys: migration.foreignKeys.map((f) => ({ ...f, columns: map(f.columns) })),
  };
  const newNames = new Set(columnMap.values());
  const inner = diffSchemas({ models: [model], migrations: new Map([[tableKey(moved.name, moved.schema), moved]]), heads: [], dialect: options.dialect });
  const relevant = inner.filter((c) => {
    if (c.kind === 'add-index' || c.kind === 'drop-index') return involves(c.index.columns, newNames);
    if (c.kind === 'add-unique' || c.kind === 'drop-unique') return involves(c.unique.columns, newNames);
    if (c.kind === 'add-foreign-key' || c.kind === 'drop-foreign-key') return involves(c.foreignKey.columns, newNames);
    return false;
  });
  const ops = relevant.length > 0 ? tableOps(relevant, options) : [];
  const original = { ...moved, indexes: migration.indexes, uniques: migration.uniques };
  return [...ops, ...renamedUniqueOps({ model, moved: original, columnMap })];
}

/** Added and dropped columns of one table that are one column renamed: one candidate each way, same definition. */
function pairRenamedColumns(added: Change<'add-column'>[], dropped: Change<'drop-column'>[]): Array<{ add: Change<'add-column'>; drop: Change<'drop-column'> }> {
  const out: Array<{ add: Change<'add-column'>; drop: Change<'drop-column'> }> = [];
  for (const add of added) {
    const candidates = dropped.filter((d) => sameDefinition(add.column, d.column));
    if (candidates.length !== 1) continue;
    const drop = candidates[0];
    if (added.filter((a) => sameDefinition(a.column, drop.column)).length !== 1) continue;
    out.push({ add, drop });
  }
  return out;
}

/** Two columns that differ by name only: same known type and arguments, nullability, server default and key role. */
function sameDefinition(a: ColumnDef, b: ColumnDef): boolean {
  if (!a.type || !b.type || !a.type.family || a.type.family !== b.type.family) return false;
  if (typesDiffer(a.type, b.type) || enumValuesDiffer(a.type, b.type)) return false;
  for (const arg of ['length', 'precision', 'scale', 'timezone']) if ((a.type.args[arg] ?? null) !== (b.type.args[arg] ?? null)) return false;
  if (a.nullable !== b.nullable || a.primaryKey !== b.primaryKey) return false;
  return (a.serverDefault?.key ?? null) === (b.serverDefault?.key ?? null) && (a.serverDefault === undefined) === (b.serverDefault === undefined);
}

/** One `alter_column` per column, whatever of its type, nullability and server default changed. */
function alterOps(table: TableRef, changes: SchemaChange[]): Op[] {
  const byColumn = new Map<string, Change<'alter-column'>[]>();
  for (const c of changes) if (c.kind === 'alter-column') byColumn.set(c.column.name, [...(byColumn.get(c.column.name) ?? []), c]);
  const ops: Op[] = [];
  for (const list of byColumn.values()) {
    const whats = new Set(list.map((c) => c.what));
    const { column, existing } = list[0];
    const why = whats.has('enum') ? [enumChangeTodo(`${table.name}.${column.name}`, existing.type?.enumValues ?? [], column.type?.enumValues ?? [])] : undefined;
    ops.push({ kind: 'alter_column', table, from: existing, to: column, database: existing, type: whats.has('type') || whats.has('enum'), nullable: whats.has('nullable'), serverDefault: whats.has('server-default'), why });
  }
  return ops;
}

/** What to do by hand where an enum's values change: PostgreSQL's enum type keeps its values through ALTER COLUMN. */
function enumChangeTodo(column: string, before: string[], after: string[]): string {
  const removed = before.filter((v) => !after.includes(v));
  const what = `the values of the enum of "${column}" change`;
  if (removed.length === 0) return `TODO: ${what}; on PostgreSQL an existing enum type keeps its values through ALTER COLUMN: add ALTER TYPE ... ADD VALUE there.`;
  return `TODO: ${what} (${removed.map((v) => `'${v}'`).join(', ')} removed); on PostgreSQL an enum type cannot lose a value: make a new type with the model's values, ALTER COLUMN ... TYPE it USING the column cast through text, then drop the old type.`;
}

/**
 * A name for a constraint the model leaves unnamed, so that batch mode and the downgrade can find it again; cut to
 * PostgreSQL's 63 characters as SQLAlchemy cuts a long generated name.
 */
function givenName(prefix: string, parts: string[]): string {
  return cutIdentifier([prefix, ...parts].join('_'));
}

function namedUniqueOp(table: TableRef, unique: UniqueDef): Op {
  if (unique.name) return { kind: 'add_unique', table, unique };
  const name = givenName('uq', [table.name, ...unique.columns]);
  return { kind: 'add_unique', table, unique: { ...unique, name }, why: [`alembic-drift: the model leaves this unique constraint unnamed; it is named "${name}" so that it can be dropped again.`] };
}

function namedForeignKeyOp(table: TableRef, fk: ForeignKeyDef): Op {
  if (fk.name) return { kind: 'add_foreign_key', table, foreignKey: fk };
  const name = givenName('fk', [table.name, ...fk.columns, fk.refTable]);
  return { kind: 'add_foreign_key', table, foreignKey: { ...fk, name }, why: [`alembic-drift: the model leaves this foreign key unnamed; it is named "${name}" so that it can be dropped again.`] };
}

/** On PostgreSQL, a constraint the migrations made without a name has the one PostgreSQL gave it then. */
function databaseNamed<T extends { name?: string; databaseName?: string }>(x: T, dialect: string | undefined): T {
  return x.name === undefined && x.databaseName !== undefined && dialect === 'postgresql' ? { ...x, name: x.databaseName } : x;
}

function droppedUniqueOp(table: TableRef, written: UniqueDef, dialect: string | undefined): Op {
  const unique = databaseNamed(written, dialect);
  if (unique.name) return { kind: 'drop_unique', table, unique };
  const what = `the unnamed unique constraint on (${unique.columns.join(', ')})`;
  return { kind: 'comment', upgrade: [`TODO: drop ${what} of "${table.name}"; it has no name Alembic could use.`], downgrade: [`TODO: make ${what} of "${table.name}" again.`] };
}

function droppedForeignKeyOp(table: TableRef, written: ForeignKeyDef, dialect: string | undefined): Op {
  // On MySQL, InnoDB's `<table>_ibfk_<n>`.
  const mysql = (dialect === 'mysql' || dialect === 'mariadb') && written.name === undefined && written.mysqlName !== undefined;
  const fk = mysql ? { ...written, name: written.mysqlName } : databaseNamed(written, dialect);
  if (fk.name) return { kind: 'drop_foreign_key', table, foreignKey: fk };
  const what = `the unnamed foreign key (${fk.columns.join(', ')}) -> ${fk.refTable}(${fk.refColumns.join(', ')})`;
  return { kind: 'comment', upgrade: [`TODO: drop ${what} of "${table.name}"; it has no name Alembic could use.`], downgrade: [`TODO: make ${what} of "${table.name}" again.`] };
}

const PHASE: Record<Op['kind'], number> = {
  add_column: 0, rename_column: 1, alter_column: 2, primary_key: 3, comment: 4, drop_index: 5, drop_unique: 5, drop_check: 5, create_index: 6, add_unique: 6, add_check: 6,
  drop_foreign_key: 7, add_foreign_key: 8, drop_column: 9, create_table: 10, drop_table: 10, rename_table: 10,
};

function opName(op: Op): string {
  switch (op.kind) {
    case 'create_index':
    case 'drop_index':
      return op.index.name ?? '\uffff';
    case 'add_unique':
    case 'drop_unique':
      return op.unique.name ?? '\uffff';
    case 'add_check':
    case 'drop_check':
      return op.check.name ?? '\uffff';
    default:
      return '';
  }
}

/** Autogenerate's order within a table: add, alter, indexes and uniques (drops first, by name), foreign keys, drop. */
function sortTableOps(ops: Op[]): Op[] {
  return ops
    .map((op, i) => ({ op, i }))
    .sort((a, b) => PHASE[a.op.kind] - PHASE[b.op.kind] || (PHASE[a.op.kind] === 5 || PHASE[a.op.kind] === 6 ? (opName(a.op) < opName(b.op) ? -1 : opName(a.op) > opName(b.op) ? 1 : 0) : 0) || a.i - b.i)
    .map((x) => x.op);
}

/**
 * Per-table groups in an order that respects foreign keys between them: a table whose new foreign key points at
 * another changed table comes after it; one that drops a foreign key into another comes before it. Else by name.
 */
function orderGroups(groups: Map<string, TableGroup>): Step[] {
  const keys = [...groups.keys()].sort();
  const after = new Map<string, Set<string>>(keys.map((k) => [k, new Set<string>()]));
  for (const k of keys) {
    const g = groups.get(k)!;
    for (const op of g.ops) {
      if (op.kind !== 'add_foreign_key' && op.kind !== 'drop_foreign_key') continue;
      const target = tableKey(op.foreignKey.refTable, op.foreignKey.refSchema ?? g.table.schema);
      if (target === k || !groups.has(target)) continue;
      if (op.kind === 'add_foreign_key') after.get(k)!.add(target);
      else after.get(target)!.add(k);
    }
  }
  const out: Step[] = [];
  const done = new Set<string>();
  const remaining = [...keys];
  while (remaining.length > 0) {
    const ready = remaining.findIndex((k) => [...after.get(k)!].every((d) => done.has(d)));
    const [k] = remaining.splice(ready >= 0 ? ready : 0, 1);
    done.add(k);
    const g = groups.get(k)!;
    out.push(...groupSteps(g.table, g.ops));
  }
  return out;
}
