import type { CheckDef, ColumnDef, ForeignKeyDef, IndexDef, TableDef, UniqueDef } from '../schema/schema';

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
  /**
   * `database`: the column as the migrations leave it, whose type, nullability and server default the `existing_*`
   * arguments give where they do not change, in the downgrade too (Alembic's reverse of an alter keeps them).
   */
  | { kind: 'alter_column'; table: TableRef; from: ColumnDef; to: ColumnDef; database: ColumnDef; type: boolean; nullable: boolean; serverDefault: boolean }
  | { kind: 'rename_column'; table: TableRef; from: ColumnDef; to: ColumnDef }
  | { kind: 'create_index'; table: TableRef; index: IndexDef }
  | { kind: 'drop_index'; table: TableRef; index: IndexDef }
  | { kind: 'add_unique'; table: TableRef; unique: UniqueDef }
  | { kind: 'drop_unique'; table: TableRef; unique: UniqueDef }
  | { kind: 'add_foreign_key'; table: TableRef; foreignKey: ForeignKeyDef }
  | { kind: 'drop_foreign_key'; table: TableRef; foreignKey: ForeignKeyDef }
  | { kind: 'add_check'; table: TableRef; check: CheckDef }
  | { kind: 'drop_check'; table: TableRef; check: CheckDef }
  | { kind: 'primary_key'; table: TableRef; from: PrimaryKeyRef; to: PrimaryKeyRef }
  | { kind: 'comment'; upgrade: string[]; downgrade: string[] };

/** An op plus the comment lines (without `# `) that explain it, written above it in both directions. */
export type Op = PlannedOp & { why?: string[] };

/** A step of the revision body: an op on its own, or the ops on one table (a batch block in batch mode). */
export type Step = { kind: 'op'; op: Op } | { kind: 'table'; table: TableRef; ops: Op[] };

/** Ops undone by their counterpart with the same fields (a column added is a column dropped...). */
const OPPOSITE = {
  create_table: 'drop_table', drop_table: 'create_table', add_column: 'drop_column', drop_column: 'add_column',
  create_index: 'drop_index', drop_index: 'create_index', add_unique: 'drop_unique', drop_unique: 'add_unique',
  add_foreign_key: 'drop_foreign_key', drop_foreign_key: 'add_foreign_key', add_check: 'drop_check', drop_check: 'add_check',
} as const;

/** The op that undoes an op. */
export function invertOp(op: Op): Op {
  switch (op.kind) {
    case 'rename_table':
      return { ...op, table: { name: op.newName, schema: op.table.schema }, newName: op.table.name };
    case 'alter_column':
    case 'rename_column':
    case 'primary_key':
      return { ...op, from: op.to, to: op.from } as Op;
    case 'comment':
      return { ...op, upgrade: op.downgrade, downgrade: op.upgrade };
    default:
      return { ...op, kind: OPPOSITE[op.kind] } as Op;
  }
}

/** The steps that undo a list of steps: each inverted, in reverse order. */
export function invertSteps(steps: Step[]): Step[] {
  return [...steps].reverse().map((s) => (s.kind === 'op' ? { kind: 'op', op: invertOp(s.op) } : { kind: 'table', table: s.table, ops: [...s.ops].reverse().map(invertOp) }));
}
