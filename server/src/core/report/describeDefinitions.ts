import type { CheckDef, ColumnDef, ForeignKeyDef, IndexDef, SourceRef, SqlType, TableDef, UniqueDef } from '../schema/schema';

/** A table's name with its schema, as messages write it. */
export function qualifiedName(t: { name: string; schema?: string }): string {
  return t.schema ? `${t.schema}.${t.name}` : t.name;
}

/** The text of a type as written, on one line. */
export function describeType(type: SqlType | undefined): string {
  return type ? oneLine(type.text) : 'type not known';
}

/**
 * A column as a model or a migration writes it, on one line: the type, then the foreign key, key, nullability, unique,
 * index and server default given on the column itself (`String(50), nullable=False, index=True`).
 */
export function describeColumn(table: TableDef, column: ColumnDef): string {
  const parts = [describeType(column.type)];
  const here = (o: SourceRef): boolean => sameRef(o, column.origin);
  for (const fk of table.foreignKeys) {
    if (fk.columns.length !== 1 || fk.columns[0] !== column.name || !here(fk.origin)) continue;
    const actions = [fk.ondelete ? `, ondelete="${fk.ondelete}"` : '', fk.onupdate ? `, onupdate="${fk.onupdate}"` : ''].join('');
    parts.push(`ForeignKey("${foreignKeyTarget(fk)}"${actions})`);
  }
  if (column.primaryKey) parts.push('primary_key=True');
  else if (!column.nullable) parts.push('nullable=False');
  const index = table.indexes.find((i) => i.columns.length === 1 && i.columns[0] === column.name && here(i.origin));
  if (index?.unique || table.uniques.some((u) => u.columns.length === 1 && u.columns[0] === column.name && here(u.origin))) parts.push('unique=True');
  if (index) parts.push('index=True');
  if (column.serverDefault) parts.push(`server_default=${oneLine(column.serverDefault.text)}`);
  return parts.join(', ');
}

/** A column's nullability as both sides write it. */
export function describeNullable(column: ColumnDef): string {
  return `nullable=${column.nullable ? 'True' : 'False'}`;
}

/** A column's server default as written (undefined when it has none). */
export function describeServerDefault(column: ColumnDef): string | undefined {
  return column.serverDefault ? `server_default=${oneLine(column.serverDefault.text)}` : undefined;
}

/** An index: `index=True` when the column itself says so, else its name and columns. */
export function describeIndex(table: TableDef, index: IndexDef): string {
  const column = index.columns.length === 1 ? table.columns.get(index.columns[0]) : undefined;
  if (column && sameRef(index.origin, column.origin)) return index.unique ? 'unique=True, index=True' : 'index=True';
  return `${index.unique ? 'unique index' : 'index'}${index.name ? ` ${index.name}` : ''} (${index.columns.join(', ')})`;
}

/** A unique constraint: `unique=True` when the column itself says so, else its name and columns. */
export function describeUnique(table: TableDef, unique: UniqueDef): string {
  const column = unique.columns.length === 1 ? table.columns.get(unique.columns[0]) : undefined;
  if (column && sameRef(unique.origin, column.origin)) return 'unique=True';
  return `unique constraint${unique.name ? ` ${unique.name}` : ''} (${unique.columns.join(', ')})`;
}

/** A CHECK constraint as an audit writes it: `check constraint ck_price (price > 0)`. */
export function describeCheck(check: CheckDef): string {
  return `check constraint ${check.name ?? ''} (${check.sql})`;
}

/** A foreign key as an audit writes it: `FK to users.id`, with its columns when there are several. */
export function describeForeignKey(fk: ForeignKeyDef): string {
  const target = fk.columns.length === 1 ? `FK to ${foreignKeyTarget(fk)}` : `FK (${fk.columns.join(', ')}) to ${fk.refSchema ? `${fk.refSchema}.` : ''}${fk.refTable} (${fk.refColumns.join(', ')})`;
  const actions = [fk.ondelete ? `ondelete=${fk.ondelete}` : '', fk.onupdate ? `onupdate=${fk.onupdate}` : ''].filter(Boolean);
  return [target, ...actions].join(', ');
}

/** A primary key's columns. */
export function describePrimaryKey(table: TableDef): string {
  return `primary key (${table.primaryKey.join(', ')})`;
}

/** The values of an enum type that the other type lacks, quoted. */
export function enumValuesOnlyIn(type: SqlType | undefined, other: SqlType | undefined): string[] {
  const theirs = new Set(other?.enumValues ?? []);
  return (type?.enumValues ?? []).filter((v) => !theirs.has(v)).map((v) => `'${v}'`);
}

function foreignKeyTarget(fk: ForeignKeyDef): string {
  return `${fk.refSchema ? `${fk.refSchema}.` : ''}${fk.refTable}.${fk.refColumns.join(', ')}`;
}

function sameRef(a: SourceRef, b: SourceRef): boolean {
  return a.file === b.file && a.span.every((x, i) => x === b.span[i]);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
