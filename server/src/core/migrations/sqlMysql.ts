import type { ServerDefault, SourceRef } from '../schema/schema';
import { serverDefaultKey } from '../schema/types';
import type { ColumnSpec, ConstraintSpec } from '../schema/columns';
import type { ColumnItem, ConstraintItem, MigrationOp, TableRef } from './ops';
import type { SqlParsers } from './sqlParsers';
import { constraintOp, opaqueSql, sqlOpBase, sqlType } from './sqlShared';

/** The table options of a MySQL ALTER TABLE, as node-sql-parser names them. */
const MYSQL_TABLE_OPTIONS = /^(engine|auto_increment|(default )?(charset|character set|collate)|row_format|comment|key_block_size|stats_\w+|pack_keys|checksum|delay_key_write|convert to|algorithm|lock)$/;

/** A node of node-sql-parser's AST. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = Record<string, any>;

/** Reads SQL with node-sql-parser's MySQL or SQLite grammar into ops; throws when the grammar does not parse it. */
export function readMysqlOps(parsers: SqlParsers, grammar: 'mysql' | 'sqlite', sql: string, origin: SourceRef, temporary = new Set<string>()): MigrationOp[] {
  const ast = grammar === 'mysql' ? parsers.mysql(sql) : parsers.sqlite(sql);
  const statements = (Array.isArray(ast) ? ast : [ast]) as Node[];
  return statements.flatMap((s) => (s ? new MysqlStatementReader(parsers, origin, sql, statements.length, temporary).read(s) : []));
}

const FK_ACTIONS: Record<string, string> = { cascade: 'CASCADE', restrict: 'RESTRICT', 'set null': 'SET NULL', 'set default': 'SET DEFAULT', 'no action': 'NO ACTION' };

function tableRef(t: Node | undefined): TableRef | undefined {
  if (!t?.table) return undefined;
  return { name: String(t.table), schema: t.db ?? t.schema ?? undefined };
}

function columnName(c: Node | string | undefined): string | undefined {
  if (typeof c === 'string') return c;
  const col = c?.column;
  if (typeof col === 'string') return col;
  // node-sql-parser wraps some names: { expr: { type: 'default', value: 'name' } }.
  return col?.expr?.value ?? undefined;
}

class MysqlStatementReader {
  constructor(
    private readonly parsers: SqlParsers,
    private readonly origin: SourceRef,
    private readonly sql: string,
    private readonly count: number,
    /** The temporary tables made before this statement (by this SQL or earlier SQL of the revision): not schema. */
    private readonly temporary: Set<string>,
  ) {}

  /** The statement's text for messages: the whole SQL when it holds one statement, else what the AST renders. */
  private opaque(table: TableRef | undefined, scope?: 'constraints'): MigrationOp {
    return opaqueSql(this.count === 1 ? this.sql : `ALTER TABLE ${table?.name ?? ''} ...`, this.origin, table, scope);
  }

  private expr(e: Node): string {
    try {
      return this.parsers.mysqlExpr(e);
    } catch {
      return '';
    }
  }

  read(s: Node): MigrationOp[] {
    if (s.type === 'create' && s.keyword === 'table') return this.createTable(s);
    if (s.type === 'create' && s.keyword === 'index') return this.createIndex(s);
    if (s.type === 'alter') return this.alterTable(s);
    if (s.type === 'rename') {
      return (s.table ?? []).flatMap((pair: Node[]) => {
        const from = tableRef(pair[0]);
        const to = tableRef(pair[1]);
        return from && to ? [{ ...sqlOpBase(this.origin), kind: 'rename_table' as const, table: from, newName: to.name }] : [];
      });
    }
    if (s.type === 'drop' && s.keyword === 'table') {
      const ifExists = /exists/i.test(String(s.prefix ?? ''));
      // A temporary table dropped is gone: a table of that name made later is schema again.
      const tables = ((s.name ?? []) as Node[]).map(tableRef).filter((t): t is TableRef => !!t && !(t.schema === undefined && this.temporary.delete(t.name!)));
      return tables.map((table) => ({ ...sqlOpBase(this.origin), kind: 'drop_table' as const, table, ifExists }));
    }
    if (s.type === 'drop' && s.keyword === 'index') {
      const name = columnName(s.name);
      return [{ ...sqlOpBase(this.origin), kind: 'drop_index', table: tableRef(s.table), name, ifExists: /exists/i.test(String(s.prefix ?? '')) }];
    }
    // Data changes, views, triggers, settings: nothing tracked.
    return [];
  }

  private createTable(s: Node): MigrationOp[] {
    const table = tableRef(s.table?.[0]);
    if (table && s.temporary && table.schema === undefined) this.temporary.add(table.name!);
    if (!table || s.temporary) return [];
    const op = { ...sqlOpBase(this.origin), kind: 'create_table' as const, table, columns: [] as ColumnItem[], constraints: [] as ConstraintItem[], ifNotExists: !!s.if_not_exists, partial: !!s.query_expr || !!s.like };
    for (const d of (s.create_definitions ?? []) as Node[]) {
      if (d.resource === 'column') {
        const column = this.columnDef(d);
        op.columns.push({ spec: column.spec, origin: this.origin });
        for (const spec of column.constraints) op.constraints.push({ spec, origin: this.origin });
      } else {
        const spec = this.tableConstraint(d);
        if (spec) op.constraints.push({ spec, origin: this.origin });
        else op.unresolved.push(`a table constraint of \`${table.name}\``);
      }
    }
    return [op];
  }

  private columnDef(d: Node): { spec: ColumnSpec; constraints: ConstraintSpec[] } {
    const name = columnName(d.column) ?? '';
    const def: Node = d.definition ?? {};
    const numbers = [def.length, def.scale].filter((n): n is number => typeof n === 'number');
    const strings = def.dataType === 'ENUM' ? (def.expr?.value ?? []).map((v: Node) => String(v.value)) : [];
    const suffix = Array.isArray(def.suffix) && def.suffix.length ? ` ${def.suffix.join(' ')}` : '';
    const args = def.dataType === 'ENUM' ? `(${strings.map((v: string) => `'${v}'`).join(', ')})` : numbers.length ? `(${numbers.join(', ')})` : '';
    const { type, serial } = sqlType({ words: String(def.dataType ?? '').split(/\s+/), numbers, strings, text: `${String(def.dataType ?? '').toLowerCase()}${args}${suffix.toLowerCase()}` });
    const spec: ColumnSpec = { name, type, primaryKey: !!d.primary_key, foreignKeys: [] };
    if (serial || d.auto_increment) spec.nullable = false;
    if (d.nullable?.type === 'not null') spec.nullable = false;
    else if (d.nullable?.type === 'null') spec.nullable = true;
    if (d.default_val) spec.serverDefault = this.defaultOf(d.default_val.value);
    const constraints: ConstraintSpec[] = [];
    if (d.unique) constraints.push({ kind: 'unique', name: undefined, columns: [name] });
    if (d.unique_or_primary === 'primary key') spec.primaryKey = true;
    if (d.check) constraints.push({ kind: 'check', name: d.check.constraint ?? undefined, sql: (d.check.definition ?? []).map((e: Node) => this.expr(e)).join(' ') });
    if (d.reference_definition) {
      const ref = this.references(d.reference_definition);
      spec.foreignKeys.push({ target: { kind: 'text', text: ref.targets[0] }, name: undefined, ondelete: ref.ondelete, onupdate: ref.onupdate });
    }
    return { spec, constraints };
  }

  private defaultOf(value: Node | undefined): ServerDefault | undefined {
    if (!value || value.type === 'null') return undefined;
    let text: string;
    if (value.type === 'single_quote_string' || value.type === 'string') text = `'${String(value.value).replace(/'/g, "''")}'`;
    else if (value.type === 'function' && !value.args) text = String(value.name?.name?.[0]?.value ?? this.expr(value));
    else text = this.expr(value);
    return { text, key: serverDefaultKey(text), sql: true };
  }

  private references(r: Node): { targets: string[]; ondelete?: string; onupdate?: string } {
    const table = tableRef(r.table?.[0]) ?? { name: '' };
    const prefix = [table.schema, table.name].filter((p) => p !== undefined).join('.');
    const columns = (r.definition ?? []).map(columnName).filter(Boolean) as string[];
    const out: { targets: string[]; ondelete?: string; onupdate?: string } = { targets: columns.length ? columns.map((c) => `${prefix}.${c}`) : [`${prefix}.`] };
    for (const action of (r.on_action ?? []) as Node[]) {
      const value = FK_ACTIONS[String(action.value?.value ?? '').toLowerCase()];
      if (action.type === 'on delete') out.ondelete = value;
      else if (action.type === 'on update') out.onupdate = value;
    }
    return out;
  }

  /** PRIMARY KEY, UNIQUE [KEY|INDEX], FOREIGN KEY, CHECK, KEY/INDEX; undefined when not understood. */
  private tableConstraint(d: Node): ConstraintSpec | undefined {
    const columns = ((d.definition ?? []) as Node[]).map((c) => columnName(c) ?? this.expr(c));
    const kind = String(d.constraint_type ?? '').toLowerCase();
    const indexName = typeof d.index === 'string' ? d.index : d.index?.name;
    const name: string | undefined = d.constraint ?? indexName ?? undefined;
    // `ADD FULLTEXT [INDEX|KEY] name (...)`, `ADD SPATIAL ...`: an index of those columns, INDEX or KEY written or not.
    if (d.resource === 'index') return { kind: 'index', name: indexName, columns, unique: false };
    if (kind === 'primary key') return { kind: 'primary', name, columns };
    if (kind.startsWith('unique')) return { kind: 'unique', name, columns };
    if (kind === 'foreign key') {
      const ref = this.references(d.reference_definition ?? {});
      return { kind: 'foreign', name, columns, refs: ref.targets, ondelete: ref.ondelete, onupdate: ref.onupdate };
    }
    if (kind === 'check') return { kind: 'check', name, sql: ((d.definition ?? []) as Node[]).map((e) => this.expr(e)).join(' ') };
    return undefined;
  }

  private createIndex(s: Node): MigrationOp[] {
    const table = tableRef(s.table);
    if (!table) return [];
    const name = typeof s.index === 'string' ? s.index : s.index?.name;
    const columns = ((s.index_columns ?? []) as Node[]).map((c) => (c.type === 'column_ref' ? columnName(c)! : this.expr({ ...c, order_by: null, collate: null })));
    return [{ ...sqlOpBase(this.origin), kind: 'create_index', table, index: { kind: 'index', name, columns, unique: String(s.index_type ?? '').toLowerCase() === 'unique' }, ifNotExists: !!s.if_not_exists }];
  }

  private alterTable(s: Node): MigrationOp[] {
    const table = tableRef(s.table?.[0]);
    if (!table || (table.schema === undefined && this.temporary.has(table.name!))) return [];
    return ((s.expr ?? []) as Node[]).flatMap((a) => this.alterAction(table, a));
  }

  private alterAction(table: TableRef, a: Node): MigrationOp[] {
    const base = sqlOpBase(this.origin);
    const action = String(a.action ?? '').toLowerCase();
    if (action === 'add' && a.resource === 'column') {
      const column = this.columnDef(a);
      return [{ ...base, kind: 'add_column', table, column: { spec: column.spec, origin: this.origin }, ifNotExists: false }, ...column.constraints.map((spec) => constraintOp(this.origin, table, spec))];
    }
    if (action === 'add' && (a.resource === 'constraint' || a.resource === 'index')) {
      const spec = this.tableConstraint(a.resource === 'index' ? a : a.create_definitions ?? {});
      return spec ? [constraintOp(this.origin, table, spec)] : [this.opaque(table)];
    }
    if (action === 'drop' && a.resource === 'column') return [{ ...base, kind: 'drop_column', table, column: columnName(a.column), ifExists: false }];
    if (action === 'drop' && a.resource === 'index') return [{ ...base, kind: 'drop_index', table, name: a.index, ifExists: false }];
    if (action === 'drop' && a.resource === 'key' && /foreign/i.test(String(a.keyword))) return [{ ...base, kind: 'drop_constraint', table, name: a.key, type: 'foreignkey', ifExists: false }];
    if (action === 'drop' && a.resource === 'key' && /primary/i.test(String(a.keyword))) return [{ ...base, kind: 'drop_constraint', table, name: 'PRIMARY', type: 'primary', primaryKey: true, ifExists: false }];
    if (action === 'drop' && a.resource === 'constraint' && a.constraint) return [{ ...base, kind: 'drop_constraint', table, name: a.constraint, ifExists: false }];
    if (action === 'rename' && a.resource === 'table') return [{ ...base, kind: 'rename_table', table, newName: typeof a.table === 'string' ? a.table : tableRef(a.table)?.name }];
    if (action === 'rename' && a.resource === 'column') return [{ ...base, kind: 'alter_column', table, column: columnName(a.old_column), changes: { newName: columnName(a.column) } }];
    if (action === 'modify' || action === 'change') {
      // MySQL's MODIFY / CHANGE restate the whole column: its type and nullability (and name, for CHANGE).
      const column = this.columnDef(a);
      const changes = { type: column.spec.type, nullable: column.spec.nullable ?? true, serverDefault: column.spec.serverDefault ?? null, ...(action === 'change' && columnName(a.old_column) !== column.spec.name ? { newName: column.spec.name } : {}) };
      return [{ ...base, kind: 'alter_column', table, column: action === 'change' ? columnName(a.old_column) : column.spec.name, changes }];
    }
    const resource = String(a.resource ?? '').toLowerCase();
    // Table options (ENGINE=, AUTO_INCREMENT=, DEFAULT CHARSET=, ...) change nothing the analysis tracks.
    if (!a.action && MYSQL_TABLE_OPTIONS.test(resource)) return [];
    // `DROP PRIMARY KEY`, a key or constraint not understood: the table's columns stay known.
    const keysOnly = resource === 'key' || resource === 'index' || resource === 'constraint' || /primary|key|index/.test(String(a.keyword ?? ''));
    return [this.opaque(table, keysOnly ? 'constraints' : undefined)];
  }
}
