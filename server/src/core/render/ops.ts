import type { ColumnDef, ForeignKeyDef, IndexDef, TableDef, UniqueDef } from '../schema/schema';

/** The table an op works on. */
export interface TableRef {
  name: string;
  schema?: string;
}

/** A primary key: its columns and, when known, its constraint name. */
export interface PrimaryKeyRef {
  name?: string;
  columns: string[];
  /** The model leaves the key unnamed and the revision gives it this name. */
  chosenName?: boolean;
}

/** One Alembic operation the revision writes, with enough of the schema to write its inverse too. */
export type PlannedOp =
  | { kind: 'create_table'; table: TableDef; laterForeignKeys?: ForeignKeyDef[] }
  | { kind: 'drop_table'; table: TableDef; laterForeignKeys?: ForeignKeyDef[] }
  | { kind: 'rename_table'; table: TableRef; newName: string }
  | { kind: 'add_column'; table: TableRef; column: ColumnDef }
  | { kind: 'drop_column'; table: TableRef; column: ColumnDef }
  | { kind: 'alter_column'; table: TableRef; from: ColumnDef; to: ColumnDef; type: boolean; nullable: boolean; serverDefault: boolean }
  | { kind: 'rename_column'; table: TableRef; from: ColumnDef; to: ColumnDef }
  | { kind: 'create_index'; table: TableRef; index: IndexDef }
  | { kind: 'drop_index'; table: TableRef; index: IndexDef }
  | { kind: 'add_unique'; table: TableRef; unique: UniqueDef }
  | { kind: 'drop_unique'; table: TableRef; unique: UniqueDef }
  | { kind: 'add_foreign_key'; table: TableRef; foreignKey: ForeignKeyDef }
  | { kind: 'drop_foreign_key'; table: TableRef; foreignKey: ForeignKeyDef }
  | { kind: 'primary_key'; table: TableRef; from: PrimaryKeyRef; to: PrimaryKeyRef }
  | { kind: 'comment'; upgrade: string[]; downgrade: string[] };

/** An op plus the comment lines (without `# `) that explain it, written above it in both directions. */
export type Op = PlannedOp & { why?: string[] };

/** A step of the revision body: an op on its own, or the ops on one table (a batch block in batch mode). */
export type Step = { kind: 'op'; op: Op } | { kind: 'table'; table: TableRef; ops: Op[] };

/** The op that undoes an op. */
export function invertOp(op: Op): Op {
  const why = op.why;
  switch (op.kind) {
    case 'create_table':
      return { kind: 'drop_table', table: op.table, laterForeignKeys: op.laterForeignKeys, why };
    case 'drop_table':
      return { kind: 'create_table', table: op.table, laterForeignKeys: op.laterForeignKeys, why };
    case 'rename_table':
      return { kind: 'rename_table', table: { name: op.newName, schema: op.table.schema }, newName: op.table.name, why };
    case 'add_column':
      return { kind: 'drop_column', table: op.table, column: op.column, why };
    case 'drop_column':
      return { kind: 'add_column', table: op.table, column: op.column, why };
    case 'alter_column':
      return { ...op, from: op.to, to: op.from };
    case 'rename_column':
      return { ...op, from: op.to, to: op.from };
    case 'create_index':
      return { kind: 'drop_index', table: op.table, index: op.index, why };
    case 'drop_index':
      return { kind: 'create_index', table: op.table, index: op.index, why };
    case 'add_unique':
      return { kind: 'drop_unique', table: op.table, unique: op.unique, why };
    case 'drop_unique':
      return { kind: 'add_unique', table: op.table, unique: op.unique, why };
    case 'add_foreign_key':
      return { kind: 'drop_foreign_key', table: op.table, foreignKey: op.foreignKey, why };
    case 'drop_foreign_key':
      return { kind: 'add_foreign_key', table: op.table, foreignKey: op.foreignKey, why };
    case 'primary_key':
      return { ...op, from: op.to, to: op.from };
    case 'comment':
      return { kind: 'comment', upgrade: op.downgrade, downgrade: op.upgrade, why };
  }
}

/** The steps that undo a list of steps: each inverted, in reverse order. */
export function invertSteps(steps: Step[]): Step[] {
  return [...steps].reverse().map((s) => (s.kind === 'op' ? { kind: 'op', op: invertOp(s.op) } : { kind: 'table', table: s.table, ops: [...s.ops].reverse().map(invertOp) }));
}
