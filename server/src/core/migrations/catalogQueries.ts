import type { Existence } from './databaseTests';
import type { PgNode, SqlParsers } from './sqlParsers';
import { scanSql } from './sqlShared';

/**
 * Queries of the database's own catalog that a revision runs to test what exists (`SELECT 1 FROM
 * information_schema.columns WHERE table_name = 'steps' AND column_name = 'x'`), read as the existence test they make.
 */

/** What a catalog query asks, and what its answer looks like. */
export interface CatalogQuery {
  what: Existence;
  /**
   * `rows`: one row when the object exists, none when not (`SELECT 1`, `SELECT column_name`); `truth`: always one row
   * whose value is true or non-zero when it exists (`SELECT EXISTS (...)`, `SELECT count(*)`).
   */
  answer: 'rows' | 'truth';
}

/** The catalog views read, with the columns that name a table, a column, an index, a type and a schema in each. */
const CATALOGS: Record<string, { table?: string; column?: string; index?: string; type?: string; schema?: string }> = {
  'information_schema.tables': { table: 'table_name', schema: 'table_schema' },
  'information_schema.columns': { table: 'table_name', column: 'column_name', schema: 'table_schema' },
  'pg_catalog.pg_indexes': { table: 'tablename', index: 'indexname', schema: 'schemaname' },
  'pg_catalog.pg_type': { type: 'typname' },
};

/** Conditions that do not change what is asked: the catalog (the database in use), and that a table is a table. */
const IGNORED_CONDITIONS: Record<string, (value: string | undefined) => boolean> = {
  table_catalog: () => true,
  table_type: (value) => value === 'BASE TABLE',
  // pg_type's kind of type: an enum.
  typtype: (value) => value === 'e',
};

/** Functions that stand for the schema (or MySQL database) the connection uses: no schema of its own. */
const CURRENT_SCHEMA = new Set(['current_schema', 'database', 'schema']);

/**
 * The existence test a catalog query makes, with its bind parameters (`:table_name`, SQLAlchemy's `text()` form)
 * given; undefined for any other query, or one with a condition or parameter this cannot read.
 */
export function readCatalogQuery(parsers: SqlParsers, sql: string, params: ReadonlyMap<string, string>): CatalogQuery | undefined {
  const bound = bindParameters(sql, params);
  if (bound === undefined) return undefined;
  let stmts: PgNode[];
  try {
    stmts = parsers.postgres(bound).stmts.map((s) => s.stmt);
  } catch {
    return undefined;
  }
  const outer = stmts.length === 1 ? stmts[0].SelectStmt : undefined;
  const targets: PgNode[] = outer?.targetList ?? [];
  if (!outer || targets.length !== 1) return undefined;
  const value = targets[0].ResTarget?.val;
  // `SELECT EXISTS (SELECT 1 FROM ...)`: the query inside, answered with true or false.
  const sublink = value?.SubLink;
  if (sublink && !outer.fromClause && !outer.whereClause) {
    const inner = sublink.subLinkType === 'EXISTS_SUBLINK' ? sublink.subselect?.SelectStmt : undefined;
    const what = inner && existenceAsked(inner);
    return what && { what, answer: 'truth' };
  }
  const what = existenceAsked(outer);
  if (!what) return undefined;
  // A constant or a column gives a row per object found; count(...) one row, zero when none is; other functions
  // (max(...), string_agg(...)) a row whatever they find.
  if (value?.A_Const || value?.ColumnRef) return { what, answer: 'rows' };
  return value?.FuncCall && nameOf(value.FuncCall.funcname) === 'count' ? { what, answer: 'truth' } : undefined;
}

/** The table, column or index a `SELECT ... FROM <catalog> WHERE a = 'x' AND b = 'y'` looks for. */
function existenceAsked(select: PgNode): Existence | undefined {
  const from: PgNode[] = select.fromClause ?? [];
  const range = from.length === 1 ? from[0].RangeVar : undefined;
  if (!range || select.groupClause || select.havingClause) return undefined;
  const catalog = CATALOGS[`${range.schemaname ?? 'pg_catalog'}.${range.relname}`];
  if (!catalog) return undefined;
  const found: Record<string, string> = {};
  let schemaGiven = false;
  for (const condition of conjuncts(select.whereClause)) {
    const expr = condition.A_Expr;
    if (!expr || expr.kind !== 'AEXPR_OP' || nameOf(expr.name) !== '=') return undefined;
    const column = columnOf(expr.lexpr) ?? columnOf(expr.rexpr);
    const other = columnOf(expr.lexpr) !== undefined ? expr.rexpr : expr.lexpr;
    if (column === undefined) return undefined;
    if (IGNORED_CONDITIONS[column]?.(textOf(other))) continue;
    if (catalog.schema !== undefined && column === catalog.schema) {
      schemaGiven = true;
      // The schema in use (`current_schema()`) or the default one is no schema of its own.
      const fn = other?.FuncCall ? nameOf(other.FuncCall.funcname) : undefined;
      const text = textOf(other);
      if (fn !== undefined && CURRENT_SCHEMA.has(fn)) continue;
      if (text === undefined) return undefined;
      if (text !== 'public') found.schema = text;
      continue;
    }
    const text = textOf(other);
    if (text === undefined || ![catalog.table, catalog.column, catalog.index, catalog.type].includes(column)) return undefined;
    found[column] = text;
  }
  // `SELECT 1 FROM pg_type WHERE typname = 'sessionresults'`: PostgreSQL's enum type of that name.
  if (catalog.type) return found[catalog.type] !== undefined ? { enumType: found[catalog.type] } : undefined;
  const table = catalog.table !== undefined ? found[catalog.table] : undefined;
  // An index asked for by its name alone: PostgreSQL's index names are unique in a schema.
  if ((table === undefined && !catalog.index) || (catalog.column && found[catalog.column] === undefined) || (catalog.index && found[catalog.index] === undefined)) return undefined;
  return {
    ...(table !== undefined ? { table } : schemaGiven ? {} : { anySchema: true as const }),
    ...(found.schema !== undefined ? { schema: found.schema } : {}),
    ...(catalog.column ? { column: found[catalog.column] } : {}),
    ...(catalog.index ? { index: found[catalog.index] } : {}),
  };
}

/** The conditions of a WHERE clause joined by AND (none when there is no clause). */
function conjuncts(where: PgNode | undefined): PgNode[] {
  if (!where) return [];
  const bool = where.BoolExpr;
  if (bool?.boolop === 'AND_EXPR') return (bool.args as PgNode[]).flatMap(conjuncts);
  return [where];
}

/** The column a `ColumnRef` names, without its table alias (`c.table_name`: table_name). */
function columnOf(n: PgNode | undefined): string | undefined {
  const fields: PgNode[] | undefined = n?.ColumnRef?.fields;
  const last = fields?.[fields.length - 1]?.String?.sval;
  return typeof last === 'string' ? last.toLowerCase() : undefined;
}

/** A string constant, also cast (`'steps'::name`). */
function textOf(n: PgNode | undefined): string | undefined {
  const inner = n?.TypeCast ? n.TypeCast.arg : n;
  const v = inner?.A_Const?.sval?.sval;
  return typeof v === 'string' ? v : undefined;
}

/** The last part of a qualified name list (`pg_catalog.count`: count), lower case. */
function nameOf(list: PgNode[] | undefined): string | undefined {
  const v = list?.[list.length - 1]?.String?.sval;
  return typeof v === 'string' ? v.toLowerCase() : undefined;
}

/** The SQL with each `:name` outside quotes replaced by its value as a quoted literal; undefined when one is not given. */
function bindParameters(sql: string, params: ReadonlyMap<string, string>): string | undefined {
  let out = '';
  let missing = false;
  scanSql(sql, (kind, start, end) => {
    const piece = sql.slice(start, end);
    if (kind !== 'code') {
      out += piece;
      return;
    }
    out += piece.replace(/(?<![:\w]):([A-Za-z_]\w*)/g, (_, name: string) => {
      const v = params.get(name);
      if (v === undefined) missing = true;
      return `'${(v ?? '').replace(/'/g, "''")}'`;
    });
  });
  return missing ? undefined : out;
}
