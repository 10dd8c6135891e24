import type { SchemaChange } from '../diff/diffSchemas';
import type { ForeignKeyDef, IndexDef } from '../schema/schema';
import { invertSteps, type Op, type Step, type TableRef } from './ops';
import { planSteps } from './planOps';
import { pyList, pyRepr, pyStr } from './python';
import { renderColumn, renderServerDefault, renderType, type RenderContext } from './renderType';
import { postgresConstraintName } from '../schema/databaseNames';

/** The op text for some changes: upgrade and downgrade lines (relative to the function body) and the imports. */
export interface ChangeOps {
  upgrade: string[];
  downgrade: string[];
  imports: string[];
}

/** How to write the ops. */
export interface RenderOpsInput {
  changes: SchemaChange[];
  /** Per-table changes inside `with op.batch_alter_table(...) as batch_op:` blocks (SQLite, `render_as_batch`). */
  batch: boolean;
  /** The target database, for SQL that differs by dialect (`func.now()` is `CURRENT_TIMESTAMP` on SQLite). */
  dialect?: string;
}

/**
 * The Alembic ops that turn the migrations' schema into the models' for the given changes, written as autogenerate
 * writes them, in an order that respects dependencies, with the downgrade undoing them in reverse.
 */
export function renderChangeOps({ changes, batch, dialect }: RenderOpsInput): ChangeOps {
  const steps = planSteps(changes, { dialect });
  const imports = new Set<string>();
  const upgrade = renderSteps(steps, { batch, imports, dialect });
  const downgrade = renderSteps(invertSteps(steps), { batch, imports, dialect });
  return { upgrade, downgrade, imports: [...imports].sort() };
}

interface StepOptions {
  batch: boolean;
  imports: Set<string>;
  dialect?: string;
}

const CONTINUATION = ' '.repeat(11);

/** Lines for a list of steps; a table's ops go in a batch block in batch mode, followed by a blank line as Alembic writes it. */
function renderSteps(steps: Step[], options: StepOptions): string[] {
  const lines: string[] = [];
  for (const step of steps) {
    if (step.kind === 'op') {
      lines.push(...renderOp(step.op, { ...options, inBatch: false }));
      continue;
    }
    const inBatch = options.batch && step.ops.some((op) => op.kind !== 'comment');
    if (!inBatch) {
      for (const op of step.ops) lines.push(...renderOp(op, { ...options, inBatch: false }));
      continue;
    }
    lines.push(`with op.batch_alter_table(${pyStr(step.table.name)}, schema=${pyRepr(step.table.schema ?? null)}) as batch_op:`);
    for (const op of step.ops) {
      for (const line of renderOp(op, { ...options, inBatch: true })) lines.push(line.startsWith(CONTINUATION) ? line : `    ${line}`);
    }
    lines.push('');
  }
  return lines;
}

interface OpOptions extends StepOptions {
  inBatch: boolean;
}

/** How the op being written is written: where its notes go, and whether it is inside a batch block. */
interface Writer {
  ctx: RenderContext;
  /** `op.` or `batch_op.` */
  prefix: string;
  inBatch: boolean;
}

/** The lines of one op: its explanations and TODO notes as comments, then the statement(s). */
function renderOp(op: Op, options: OpOptions): string[] {
  const w: Writer = { ctx: { imports: options.imports, notes: [], dialect: options.dialect }, prefix: options.inBatch ? 'batch_op.' : 'op.', inBatch: options.inBatch };
  const statements = renderStatements(op, w);
  const comments = [...(op.why ?? []), ...w.ctx.notes].map((c) => `# ${c}`);
  return [...comments, ...statements.flatMap((s) => s.split('\n'))];
}

/** `op.f('name')` (or `batch_op.f`) for a name a naming convention made, the quoted name otherwise, None without one. */
function nameArg(named: { name?: string; conventional?: boolean }, prefix: string): string {
  if (named.name === undefined) return 'None';
  return named.conventional ? `${prefix}f(${pyStr(named.name)})` : pyStr(named.name);
}

/** The `, schema='x'` tail of an op on a table outside the default schema. */
function schemaArg(table: TableRef): string {
  return table.schema ? `, schema=${pyStr(table.schema)}` : '';
}

/** The table argument of an op (`'users', `), which batch ops do not take. */
function tableArg(table: TableRef, w: Writer): string {
  return w.inBatch ? '' : `${pyStr(table.name)}, `;
}

/** The schema tail of an op, which batch ops do not take either. */
function schemaTail(table: TableRef, w: Writer): string {
  return w.inBatch ? '' : schemaArg(table);
}

/** `drop_constraint(name, 'table', type_=...)`, without the table in batch mode. */
function dropConstraint(name: string, { table, type }: { table: TableRef; type: string }, w: Writer): string {
  return w.inBatch ? `${w.prefix}drop_constraint(${name}, type_=${pyStr(type)})` : `${w.prefix}drop_constraint(${name}, ${pyStr(table.name)}${schemaArg(table)}, type_=${pyStr(type)})`;
}

function foreignKeyOptions(fk: ForeignKeyDef): string[] {
  const out: string[] = [];
  if (fk.onupdate) out.push(`onupdate=${pyStr(fk.onupdate)}`);
  if (fk.ondelete) out.push(`ondelete=${pyStr(fk.ondelete)}`);
  return out;
}

/**
 * The `, postgresql_where=sa.text('...')` tail of an index's dialect options, as autogenerate writes them; an option
 * whose value is not a literal or SQL text is left out with a TODO.
 */
function indexOptionsTail(index: IndexDef, w: Writer): string {
  let out = '';
  for (const { key, value } of index.options ?? []) {
    if ('source' in value) {
      w.ctx.notes.push(`TODO: ${key}=${value.source} of the index ${index.name ?? `on (${index.columns.join(', ')})`} could not be written here; add it by hand.`);
      continue;
    }
    const text = 'sql' in value ? `sa.text(${pyStr(value.sql)})` : 'dict' in value ? `{${value.dict.map(([k, v]) => `${pyStr(k)}: ${pyRepr(v)}`).join(', ')}}` : pyRepr(value.literal);
    out += `, ${key}=${text}`;
  }
  return out;
}

function indexColumns(columns: string[]): string {
  return `[${columns.map((c) => (/^\w+$/.test(c) ? pyStr(c) : `sa.text(${pyStr(c)})`)).join(', ')}]`;
}

/** `op.create_table(...)` with its columns, then its constraints sorted by their text, as autogenerate orders them. */
function renderCreateTable(op: Extract<Op, { kind: 'create_table' }>, ctx: RenderContext): string {
  const table = op.table;
  const columns = [...table.columns.values()].map((column) => renderColumn({ column, table: table.name }, ctx));
  const constraints: string[] = [];
  for (const ck of table.checks) constraints.push(`sa.CheckConstraint(${pyStr(ck.sql)}${ck.name ? `, name=${nameArg(ck, 'op.')}` : ''})`);
  for (const fk of table.foreignKeys) {
    if (op.laterForeignKeys?.includes(fk)) continue;
    const refs = fk.refColumns.map((c) => `${fk.refSchema ? `${fk.refSchema}.` : ''}${fk.refTable}.${c}`);
    const opts = [...(fk.name ? [`name=${pyStr(fk.name)}`] : []), ...foreignKeyOptions(fk)];
    constraints.push(`sa.ForeignKeyConstraint(${pyList(fk.columns)}, ${pyList(refs)}, ${opts.join(', ')})`);
  }
  if (table.primaryKey.length > 0) {
    constraints.push(`sa.PrimaryKeyConstraint(${[...table.primaryKey.map(pyStr), ...(table.primaryKeyName ? [`name=${pyStr(table.primaryKeyName)}`] : [])].join(', ')})`);
  }
  for (const uq of table.uniques) {
    constraints.push(`sa.UniqueConstraint(${[...uq.columns.map(pyStr), ...(uq.name ? [`name=${nameArg(uq, 'op.')}`] : [])].join(', ')})`);
  }
  const args = [...columns, ...constraints.sort()];
  // NOTE: Python accepts at most 255 arguments in a call written out; autogenerate then passes a list.
  const body = args.length > 255 ? `*[${args.join(',\n')}]` : args.join(',\n');
  return `op.create_table(${pyStr(table.name)},\n${body}${table.schema ? `,\nschema=${pyStr(table.schema)}` : ''}\n)`;
}

/** An `alter_column` as autogenerate lays it out: one keyword a line, `existing_*` for what stays. */
function renderAlterColumn(op: Extract<Op, { kind: 'alter_column' | 'rename_column' }>, w: Writer): string {
  const at = { ...w.ctx, where: `"${op.table.name}.${op.to.name}"` };
  const head = `${w.prefix}alter_column(${tableArg(op.table, w)}${pyStr(op.from.name)}`;
  const args: string[] = [];
  const changes = op.kind === 'alter_column' ? op : { type: false, nullable: false, serverDefault: false };
  // What does not change is given as the database has it, in both directions.
  const database = op.kind === 'alter_column' ? op.database : op.from;
  if (op.kind === 'rename_column') args.push(`new_column_name=${pyStr(op.to.name)}`);
  const existingType = changes.type ? op.from.type : database.type;
  if (existingType) args.push(`existing_type=${renderType(existingType, at)}`);
  if (changes.serverDefault) args.push(`server_default=${renderServerDefault(op.to.serverDefault, at)}`);
  if (changes.type) args.push(`type_=${renderType(op.to.type, at)}`);
  if (changes.nullable) args.push(`nullable=${op.to.nullable ? 'True' : 'False'}`);
  else args.push(`existing_nullable=${database.nullable ? 'True' : 'False'}`);
  if (!changes.serverDefault && database.serverDefault) args.push(`existing_server_default=${renderServerDefault(database.serverDefault, at)}`);
  if (op.table.schema && !w.inBatch) args.push(`schema=${pyStr(op.table.schema)}`);
  return [head, ...args].join(`,\n${CONTINUATION}`) + ')';
}

/**
 * A primary key change: drop the old constraint (by name) and create the new one. The migrations' key may have no
 * name: PostgreSQL's default is assumed (with a TODO), and in batch mode the table is made again anyway.
 */
function renderPrimaryKey(op: Extract<Op, { kind: 'primary_key' }>, w: Writer): string[] {
  const table = op.table;
  const out: string[] = [];
  // A table the migrations made without a key (knowledge-repo's assoc_post_author) has none to drop, and gets none back.
  if (op.from.columns.length > 0 && (op.from.name !== undefined || !w.inBatch)) {
    const guess = w.ctx.dialect === 'postgresql' ? postgresConstraintName(table.name, [], 'pkey', () => false) : undefined;
    if (op.from.name === undefined && guess === undefined) w.ctx.notes.push(`TODO: the primary key of "${table.name}" has no name in the migrations; write the name the database gave it.`);
    else if (op.from.name === undefined) w.ctx.notes.push(`TODO: "${guess}" is PostgreSQL's default name for the primary key of "${table.name}"; check it.`);
    out.push(dropConstraint(pyRepr(op.from.name ?? guess ?? null), { table, type: 'primary' }, w));
  }
  if (op.to.columns.length === 0) return out;
  // Batch mode needs a name for every constraint it makes; elsewhere the database names an unnamed key itself.
  const name = op.to.name ?? (w.inBatch ? `pk_${table.name}` : undefined);
  if (op.to.chosenName || op.to.name === undefined) w.ctx.notes.push(`alembic-drift: the primary key of "${table.name}" has no name in ${op.to.chosenName ? 'the model' : 'the migrations'}; it is made ${name ? `as "${name}"` : 'without one'} here.`);
  out.push(`${w.prefix}create_primary_key(${pyRepr(name ?? null)}, ${tableArg(table, w)}${pyList(op.to.columns)}${schemaTail(table, w)})`);
  return out;
}

function renderStatements(op: Op, w: Writer): string[] {
  const { prefix, ctx } = w;
  switch (op.kind) {
    case 'create_table':
      return [renderCreateTable(op, ctx)];
    case 'drop_table':
      return [`op.drop_table(${pyStr(op.table.name)}${schemaArg(op.table)})`];
    case 'rename_table':
      return [`op.rename_table(${pyStr(op.table.name)}, ${pyStr(op.newName)}${schemaArg(op.table)})`];
    case 'add_column':
      return [`${prefix}add_column(${tableArg(op.table, w)}${renderColumn({ column: op.column, table: op.table.name }, ctx)}${schemaTail(op.table, w)})`];
    case 'drop_column':
      return [`${prefix}drop_column(${tableArg(op.table, w)}${pyStr(op.column.name)}${schemaTail(op.table, w)})`];
    case 'alter_column':
    case 'rename_column':
      return [renderAlterColumn(op, w)];
    case 'create_index': {
      const i = op.index;
      if (!i.name) ctx.notes.push(`TODO: the index on (${i.columns.join(', ')}) of "${op.table.name}" has no name; give it one.`);
      return [`${prefix}create_index(${nameArg(i, prefix)}, ${tableArg(op.table, w)}${indexColumns(i.columns)}, unique=${i.unique ? 'True' : 'False'}${schemaTail(op.table, w)}${indexOptionsTail(i, w)})`];
    }
    case 'drop_index':
      return [w.inBatch ? `${prefix}drop_index(${nameArg(op.index, prefix)})` : `${prefix}drop_index(${nameArg(op.index, prefix)}, table_name=${pyStr(op.table.name)}${schemaArg(op.table)})`];
    case 'add_unique':
      return [`${prefix}create_unique_constraint(${nameArg(op.unique, prefix)}, ${tableArg(op.table, w)}${pyList(op.unique.columns)}${schemaTail(op.table, w)})`];
    case 'drop_unique':
      return [dropConstraint(nameArg(op.unique, prefix), { table: op.table, type: 'unique' }, w)];
    case 'add_foreign_key': {
      const fk = op.foreignKey;
      const args = [pyRepr(fk.name ?? null), ...(w.inBatch ? [] : [pyStr(op.table.name)]), pyStr(fk.refTable), pyList(fk.columns), pyList(fk.refColumns)];
      if (!w.inBatch && op.table.schema) args.push(`source_schema=${pyStr(op.table.schema)}`);
      if (fk.refSchema) args.push(`referent_schema=${pyStr(fk.refSchema)}`);
      args.push(...foreignKeyOptions(fk));
      return [`${prefix}create_foreign_key(${args.join(', ')})`];
    }
    case 'drop_foreign_key':
      return [dropConstraint(pyRepr(op.foreignKey.name ?? null), { table: op.table, type: 'foreignkey' }, w)];
    case 'add_check':
      return [`${prefix}create_check_constraint(${nameArg(op.check, prefix)}, ${tableArg(op.table, w)}${pyStr(op.check.sql)}${schemaTail(op.table, w)})`];
    case 'drop_check':
      return [dropConstraint(nameArg(op.check, prefix), { table: op.table, type: 'check' }, w)];
    case 'primary_key':
      return renderPrimaryKey(op, w);
    case 'comment':
      ctx.notes.push(...op.upgrade);
      return [];
  }
}
