import type { SourceRef } from '../schema/schema';
import type { MigrationOp, TableRef } from './ops';
import { opaqueSql, scanSql, sqlOpBase } from './sqlShared';
import { installedSqlParsers, type SqlParsers } from './sqlParsers';
import { readPostgresOps } from './sqlPostgres';
import { readMysqlOps } from './sqlMysql';

/**
 * Reads the DDL in a SQL string (as given to `op.execute`) into migration ops, with a real SQL parser: PostgreSQL's
 * own grammar (libpg-query) and node-sql-parser's MySQL and SQLite grammars, the project's dialect first. CREATE
 * TABLE, ALTER TABLE ADD/DROP/RENAME/ALTER COLUMN, ADD/DROP CONSTRAINT, RENAME TO, CREATE [UNIQUE] INDEX, DROP
 * TABLE/INDEX and ALTER TYPE ... ADD VALUE become ops. Data changes, functions, triggers, types, extensions, grants
 * and comments give nothing; table DDL that is parsed but not understood gives an `opaque` op so the table is no
 * longer trusted. A statement that no grammar parses is never guessed at: it gives an `opaque` op that reports it,
 * scoped to the table its leading keywords name (or to nothing, when they name no table or index). SQL without the
 * words CREATE, ALTER, DROP or RENAME (data changes) is not parsed at all: no statement of it can give an op.
 * NOTE: a referenced column that the SQL leaves out (`REFERENCES users`) is written as "users." (an empty column):
 * the referenced table's primary key.
 */
export function readSqlOps(sql: string, origin: SourceRef, options: { dialect?: string; parsers?: SqlParsers; temporary?: Set<string> } = {}): MigrationOp[] {
  const parsers = options.parsers ?? installedSqlParsers();
  const prepared = replaceBindParameters(sql);
  const pragma = LEGACY_ALTER_TABLE.exec(prepared);
  if (pragma) return [{ ...sqlOpBase(origin), kind: 'legacy_alter_table', on: /^(on|1|true|yes)$/i.test(pragma[1]) }];
  if (!SCHEMA_CHANGE_WORD.test(prepared)) return [];
  // PostgreSQL's grammar reads MySQL's `ADD INDEX ix (a, b)` as a column named "index" (nylas): MySQL's goes first.
  const grammars = grammarOrder(options.dialect ?? (MYSQL_ADD_INDEX.test(prepared) ? 'mysql' : undefined));
  // Other databases than PostgreSQL keep the case of an unquoted table name (MySQL), or match it in any case (SQLite).
  const keepCase = options.dialect !== 'postgresql';
  // The temporary tables made before (by earlier SQL of the same revision, `options.temporary`) and by this SQL.
  const temporary = options.temporary ?? new Set<string>();
  const whole = parsers && readWith(parsers, grammars, prepared, origin, keepCase, temporary);
  if (whole) return whole;
  const out: MigrationOp[] = [];
  for (const statement of splitStatements(prepared)) {
    out.push(...((parsers && readWith(parsers, grammars, statement, origin, keepCase, temporary)) ?? unreadable(statement, origin)));
  }
  return out;
}

/**
 * A word that every statement giving ops starts with, and that every statement an unreadable one is scoped to a table
 * or to indexes by: SQL without any of them can at most be reported as unread, and is not read.
 */
const SCHEMA_CHANGE_WORD = /\b(?:create|alter|drop|rename)\b/i;

/** SQLite's `PRAGMA legacy_alter_table = ON`, alone in the text. */
const LEGACY_ALTER_TABLE = /^\s*PRAGMA\s+legacy_alter_table\s*=\s*['"]?(on|off|1|0|true|false|yes|no)['"]?\s*;?\s*$/i;

/**
 * MySQL's own way to add an index in ALTER TABLE, which no other grammar has; FULLTEXT, which MySQL reserves, without
 * INDEX or KEY too where columns follow (storyboard's `ADD FULLTEXT projects_fti (name, description)`, which PostgreSQL
 * would read as a column "fulltext" of a type with modifiers). Not SPATIAL without INDEX: PostGIS's `ADD spatial
 * geography(POINT)` is a column.
 */
const MYSQL_ADD_INDEX = /\bADD\s+(?:(?:(?:UNIQUE|FULLTEXT|SPATIAL)\s+)?(?:INDEX|KEY)\b|FULLTEXT\s+(?:[A-Za-z_`]\w*`?\s*)?\(\s*[A-Za-z_`])/i;

type Grammar = 'postgres' | 'mysql' | 'sqlite';

/** The grammars to try, the dialect's own first; the others read what a dialect's grammar does not (a fallback). */
function grammarOrder(dialect: string | undefined): Grammar[] {
  if (dialect === 'mysql' || dialect === 'mariadb') return ['mysql', 'postgres', 'sqlite'];
  if (dialect === 'sqlite') return ['postgres', 'sqlite', 'mysql'];
  return ['postgres', 'mysql', 'sqlite'];
}

/** The ops of the SQL by the first grammar that parses it all, or undefined when none does. */
function readWith(parsers: SqlParsers, grammars: Grammar[], sql: string, origin: SourceRef, keepCase: boolean, temporary: Set<string>): MigrationOp[] | undefined {
  for (const grammar of grammars) {
    try {
      return grammar === 'postgres' ? readPostgresOps(parsers, sql, origin, keepCase, temporary) : readMysqlOps(parsers, grammar, sql, origin, temporary);
    } catch {
      // A syntax error in this grammar: try the next.
    }
  }
  return undefined;
}

const ROUTINE_WORDS = new Set(['PROCEDURE', 'FUNCTION', 'TRIGGER', 'VIEW', 'EVENT']);

/** Leading words of statements that never change tables, columns or indexes and that no grammar here reads. */
const UNREAD_SETTINGS = new Set(['PRAGMA']);

/**
 * A statement that no grammar parses: reported, never guessed. Its leading keywords say what it may touch: a named
 * table (`ALTER TABLE x ...`), indexes, or nothing tracked (DML, functions, settings).
 */
function unreadable(statement: string, origin: SourceRef): MigrationOp[] {
  const words = leadingWords(statement);
  if (words.length === 0 || UNREAD_SETTINGS.has(words[0].toUpperCase())) return [];
  const upper = words.map((w) => w.toUpperCase());
  if (!['CREATE', 'ALTER', 'DROP', 'RENAME'].includes(upper[0])) return [opaqueSql(statement, origin, undefined, 'none')];
  // A MySQL or SQL Server routine, trigger or view that no grammar here reads changes no table: as those it reads.
  const routineAt = upper.findIndex((w) => ROUTINE_WORDS.has(w));
  if (routineAt >= 0 && routineAt <= 4 && !upper.slice(0, routineAt).some((w) => w === 'TABLE' || w === 'INDEX')) return [];
  const tableAt = upper.indexOf('TABLE');
  if (tableAt >= 0 && tableAt <= 4) {
    let k = tableAt + 1;
    while (['IF', 'NOT', 'EXISTS', 'ONLY'].includes(upper[k])) k++;
    const name = words[k];
    const named = name !== undefined && /^["`\w\u0080-\uffff]/.test(name) && !['AS', 'LIKE'].includes(name.toUpperCase());
    const clauses = upper[0] === 'ALTER' && named ? alterClauses(statement, name) : undefined;
    // MySQL table options (`ENGINE=InnoDB`, `CONVERT TO CHARACTER SET ...`) change nothing the analysis tracks; keys
    // and constraints alone (`DROP PRIMARY KEY, ADD PRIMARY KEY (id)`) leave the table's columns known.
    if (clauses?.every((c) => TABLE_OPTION.test(c))) return [];
    const scope = clauses?.every((c) => TABLE_OPTION.test(c) || KEY_CLAUSE.test(c)) ? 'constraints' : undefined;
    return [opaqueSql(statement, origin, named ? splitQualified(name) : undefined, scope)];
  }
  if (upper.slice(0, 4).includes('INDEX')) return [opaqueSql(statement, origin, undefined, 'indexes')];
  return [opaqueSql(statement, origin, undefined, 'none')];
}

/** MySQL table options of an ALTER TABLE, which change no column, key or constraint. */
const TABLE_OPTION = /^(ENGINE|(DEFAULT\s+)?(CHARACTER\s+SET|CHARSET|COLLATE)|CONVERT\s+TO|ROW_FORMAT|AUTO_INCREMENT|COMMENT|KEY_BLOCK_SIZE|STATS_\w+|PACK_KEYS|CHECKSUM|DELAY_KEY_WRITE|FORCE|ALGORITHM|LOCK)\b/i;

/** ALTER TABLE clauses that change only keys, indexes and constraints. */
const KEY_CLAUSE = /^((ADD|DROP)\s+(PRIMARY\s+KEY|INDEX|KEY|UNIQUE|FOREIGN\s+KEY|CONSTRAINT|CHECK|FULLTEXT|SPATIAL)|RENAME\s+(INDEX|KEY)|ALTER\s+(INDEX|CHECK|CONSTRAINT))\b/i;

/** The comma-separated clauses of an `ALTER TABLE name ...` after its name (commas inside parentheses or quotes kept). */
function alterClauses(statement: string, name: string): string[] | undefined {
  const at = statement.indexOf(name);
  if (at < 0) return undefined;
  const rest = statement.slice(at + name.length);
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(rest.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(rest.slice(start).trim());
  return out.every((c) => c !== '') ? out : undefined;
}

/** `schema.table` (each part possibly quoted) as a table reference. */
function splitQualified(name: string): TableRef {
  const parts = name.split('.').map((p) => p.replace(/^["`[](.*)["`\]]$/, '$1'));
  return { name: parts[parts.length - 1], schema: parts.length > 1 ? parts[parts.length - 2] : undefined };
}

/** The first words of a statement (identifiers with their dots and quotes), past comments; up to eight. */
function leadingWords(statement: string): string[] {
  const text = statement.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
  return [...text.matchAll(/(?:"[^"]*"|`[^`]*`|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)(?:\.(?:"[^"]*"|`[^`]*`|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*))*|\S/g)]
    .slice(0, 8)
    .map((m) => m[0]);
}

/**
 * Bind parameters (`:name`, `%(name)s`, `%s`) become `$1`, which the grammars read as a value: they stand for data,
 * never for a table or column. A colon escaped for `text()` (`'{}'\:\:jsonb`) is the colon SQLAlchemy sends, in quotes
 * too. Quoted text, `::` casts and comments are otherwise left as they are.
 */
function replaceBindParameters(sql: string): string {
  if (!/[:%]/.test(sql)) return sql;
  let out = '';
  scanSql(sql, (kind, start, end) => {
    const piece = sql.slice(start, end);
    out += kind === 'code' ? piece.replace(/%\([A-Za-z_]\w*\)s|%s/g, '$$1').replace(/\\:|(^|[^:\w]):[A-Za-z_]\w*/g, (_m, before: string | undefined) => (before === undefined ? ':' : `${before}$1`)) : piece.replaceAll('\\:', ':');
  });
  return out;
}

/**
 * Splits SQL into statements at the semicolons outside quotes, `$$` bodies, comments and `BEGIN ... END` blocks (the
 * body of a MySQL or SQL Server procedure, function or trigger, where `IF ... END IF;` and `CASE ... END` nest).
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  const blocks: string[] = [];
  scanSql(sql, (kind, from, to) => {
    if (kind === 'code') {
      for (const m of sql.slice(from, to).matchAll(BLOCK_WORDS)) {
        const [, begin, transaction, end, endOf, caseWord] = m;
        if (caseWord) blocks.push('CASE');
        // `BEGIN;`, `BEGIN TRANSACTION`: a transaction, not a block.
        else if (begin && !transaction && !/^\s*(;|$)/.test(sql.slice(from + m.index! + m[0].length, to + 1))) blocks.push('BEGIN');
        // `END IF`, `END LOOP`, ... close what no block here counts.
        else if (end && (!endOf || endOf.toUpperCase() === 'CASE')) blocks.pop();
      }
    } else if (kind === 'semicolon' && blocks.length === 0) {
      if (sql.slice(start, from).trim()) out.push(sql.slice(start, from));
      start = from + 1;
    }
  });
  if (sql.slice(start).trim()) out.push(sql.slice(start));
  return out;
}

/** The words that open and close blocks of procedural SQL, with the word after them that changes their meaning. */
const BLOCK_WORDS = /\b(BEGIN)\b(?:\s+(TRANSACTION|TRAN|WORK)\b)?|\b(END)\b(?:\s+(IF|CASE|LOOP|WHILE|REPEAT)\b)?|\b(CASE)\b/gi;

