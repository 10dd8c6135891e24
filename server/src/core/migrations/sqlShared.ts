import type { Scalar, SourceRef, SqlType } from '../schema/schema';
import { makeType } from '../schema/types';
import type { ConstraintSpec } from '../schema/columns';
import type { MigrationOp, TableRef } from './ops';

/** The base of every op read from SQL. */
export function sqlOpBase(origin: SourceRef): { origin: SourceRef; via: 'execute'; unresolved: string[] } {
  return { origin, via: 'execute', unresolved: [] };
}

/** An op saying that DDL on `table` was parsed (or not) but not understood: the table is no longer trusted. */
export function opaqueSql(statement: string, origin: SourceRef, table: TableRef | undefined, scope?: 'indexes' | 'constraints' | 'none'): MigrationOp {
  const text = statement.trim().replace(/\s+/g, ' ');
  return {
    ...sqlOpBase(origin),
    kind: 'opaque',
    table,
    ...(scope === 'indexes' ? { indexesOnly: true } : scope === 'constraints' ? { constraintsOnly: true, ...(touchesNoIndex(statement) ? { plainIndexesKept: true } : {}) } : scope === 'none' ? { noteOnly: true } : {}),
    unresolved: [`the SQL \`${text.length > 80 ? `${text.slice(0, 77)}...` : text}\``],
  };
}

/** Whether key DDL names no index (MySQL's `ADD INDEX`, `KEY`, `FULLTEXT`, `SPATIAL`): only constraints, whose own indexes are unique. */
function touchesNoIndex(statement: string): boolean {
  return !/\b(?:INDEX|KEY|FULLTEXT|SPATIAL)\b/i.test(statement.replace(/\b(?:PRIMARY|FOREIGN)\s+KEY\b/gi, ''));
}

/** A SQL type as the grammars describe it: its name's words, numeric and string arguments, and `[]`. */
export interface SqlTypeWords {
  words: string[];
  numbers: number[];
  strings?: string[];
  array?: boolean;
  /** The type as written, kept for messages. */
  text: string;
}

interface SqlTypeSpec {
  canonical: string;
  /** Names for the numeric arguments, in order. */
  params?: string[];
  args?: Record<string, Scalar>;
  serial?: boolean;
}

const t = (canonical: string, params?: string[], args?: Record<string, Scalar>, serial?: boolean): SqlTypeSpec => ({ canonical, params, args, serial });
const LENGTH = ['length'];
const PRECISION_SCALE = ['precision', 'scale'];

/** SQL type names (lower case, words joined by one space) and the SQLAlchemy type they reflect as. */
const SQL_TYPES: Record<string, SqlTypeSpec> = {
  integer: t('sa.Integer'), int: t('sa.Integer'), int4: t('sa.Integer'),
  serial: t('sa.Integer', undefined, undefined, true), serial4: t('sa.Integer', undefined, undefined, true),
  bigint: t('sa.BigInteger'), int8: t('sa.BigInteger'),
  bigserial: t('sa.BigInteger', undefined, undefined, true), serial8: t('sa.BigInteger', undefined, undefined, true),
  smallint: t('sa.SmallInteger'), int2: t('sa.SmallInteger'),
  smallserial: t('sa.SmallInteger', undefined, undefined, true), serial2: t('sa.SmallInteger', undefined, undefined, true),
  tinyint: t('mysql.TINYINT'), mediumint: t('mysql.MEDIUMINT'),
  varchar: t('sa.String', LENGTH), 'character varying': t('sa.String', LENGTH), nvarchar: t('sa.String', LENGTH),
  varchar2: t('sa.String', LENGTH), nvarchar2: t('sa.String', LENGTH), 'national character varying': t('sa.String', LENGTH),
  char: t('sa.CHAR', LENGTH), character: t('sa.CHAR', LENGTH), nchar: t('sa.CHAR', LENGTH), bpchar: t('sa.CHAR', LENGTH),
  text: t('sa.Text'), tinytext: t('mysql.TINYTEXT'), mediumtext: t('mysql.MEDIUMTEXT'), longtext: t('mysql.LONGTEXT'), clob: t('sa.CLOB'),
  boolean: t('sa.Boolean'), bool: t('sa.Boolean'),
  timestamp: t('sa.DateTime'), 'timestamp without time zone': t('sa.DateTime'), datetime: t('sa.DateTime'),
  timestamptz: t('sa.DateTime', undefined, { timezone: true }), 'timestamp with time zone': t('sa.DateTime', undefined, { timezone: true }),
  date: t('sa.Date'),
  time: t('sa.Time'), 'time without time zone': t('sa.Time'),
  timetz: t('sa.Time', undefined, { timezone: true }), 'time with time zone': t('sa.Time', undefined, { timezone: true }),
  interval: t('sa.Interval'),
  numeric: t('sa.Numeric', PRECISION_SCALE), decimal: t('sa.Numeric', PRECISION_SCALE), dec: t('sa.Numeric', PRECISION_SCALE),
  real: t('sa.REAL'), float4: t('sa.REAL'), float: t('sa.Float', ['precision']),
  'double precision': t('sa.DOUBLE_PRECISION'), float8: t('sa.DOUBLE_PRECISION'), double: t('sa.DOUBLE'),
  json: t('sa.JSON'), jsonb: t('postgresql.JSONB'),
  uuid: t('sa.Uuid'),
  bytea: t('postgresql.BYTEA'), blob: t('sa.BLOB'), longblob: t('mysql.LONGBLOB'), mediumblob: t('mysql.MEDIUMBLOB'),
  binary: t('sa.BINARY', LENGTH), varbinary: t('sa.VARBINARY', LENGTH),
  inet: t('postgresql.INET'), cidr: t('postgresql.CIDR'), macaddr: t('postgresql.MACADDR'), tsvector: t('postgresql.TSVECTOR'),
  hstore: t('postgresql.HSTORE'), citext: t('postgresql.CITEXT'), money: t('postgresql.MONEY'), bit: t('postgresql.BIT', LENGTH),
  varbit: t('postgresql.BIT', LENGTH, { varying: true }),
  year: t('mysql.YEAR'), enum: t('sa.Enum'),
};

/** The SQLAlchemy type a SQL type reflects as; unknown names keep their text and are never compared. */
export function sqlType(spec: SqlTypeWords): { type: SqlType; serial: boolean } {
  const key = spec.words.map((w) => w.toLowerCase()).join(' ');
  const known = SQL_TYPES[key];
  let type: SqlType;
  if (known) {
    const args: Record<string, Scalar> = { ...known.args };
    (known.params ?? []).forEach((p, k) => {
      if (spec.numbers[k] !== undefined) args[p] = spec.numbers[k];
    });
    type = makeType(known.canonical, args, spec.text);
    if (key === 'enum' && spec.strings?.length) type.enumValues = spec.strings;
  } else type = makeType(key.toUpperCase().replace(/ /g, '_'), {}, spec.text);
  if (spec.array) return { type: { ...makeType('sa.ARRAY', {}, spec.text), item: type }, serial: false };
  return { type, serial: !!known?.serial };
}

/** The op that adds a table constraint or index read from SQL. */
export function constraintOp(origin: SourceRef, table: TableRef, spec: ConstraintSpec): MigrationOp {
  const base = sqlOpBase(origin);
  switch (spec.kind) {
    case 'index':
      return { ...base, kind: 'create_index', table, index: spec, ifNotExists: false };
    case 'unique':
      return { ...base, kind: 'create_unique_constraint', table, constraint: spec };
    case 'primary':
      return { ...base, kind: 'create_primary_key', table, constraint: spec };
    case 'foreign':
      return { ...base, kind: 'create_foreign_key', table, constraint: spec };
    case 'check':
      return { ...base, kind: 'create_check_constraint', table, constraint: spec };
  }
}

/**
 * SQL text with each quoted or commented piece (`'...'`, `"..."`, `$tag$...$tag$`, line and block comments) blanked out to
 * spaces, so that offsets stay those of the text; and the quoted strings themselves (without their quotes).
 */
export function codeOfSql(sql: string): { code: string; strings: string[] } {
  const parts: string[] = [];
  const strings: string[] = [];
  scanSql(sql, (kind, start, end) => {
    const piece = sql.slice(start, end);
    if (kind !== 'quoted') {
      parts.push(piece);
      return;
    }
    parts.push(piece.replace(/[^\n]/g, ' '));
    const tag = piece[0] === '$' ? /^\$\w*\$/.exec(piece)![0] : piece[0] === "'" ? "'" : undefined;
    if (tag) strings.push(piece.slice(tag.length, piece.endsWith(tag) && piece.length >= 2 * tag.length ? piece.length - tag.length : piece.length));
  });
  return { code: parts.join(''), strings };
}

/** Walks SQL text as code, quoted or commented pieces, and statement-ending semicolons. */
export function scanSql(sql: string, visit: (kind: 'code' | 'quoted' | 'semicolon', start: number, end: number) => void): void {
  const n = sql.length;
  let i = 0;
  let code = 0;
  const flush = (to: number): void => {
    if (to > code) visit('code', code, to);
  };
  while (i < n) {
    const ch = sql[i];
    let end = -1;
    if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      end = nl < 0 ? n : nl;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      end = close < 0 ? n : close + 2;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      end = i + 1;
      while (end < n && !(sql[end] === ch && sql[end + 1] !== ch)) end += sql[end] === ch ? 2 : 1;
      end = Math.min(n, end + 1);
    } else if (ch === '$') {
      const tag = /^\$(?:[A-Za-z_]\w*)?\$/.exec(sql.slice(i, i + 64))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        end = close < 0 ? n : close + tag.length;
      }
    } else if (ch === ';') {
      flush(i);
      visit('semicolon', i, i + 1);
      code = i + 1;
      i++;
      continue;
    }
    if (end < 0) {
      i++;
      continue;
    }
    flush(i);
    visit('quoted', i, end);
    code = i = end;
  }
  flush(n);
}
