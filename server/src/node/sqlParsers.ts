import { loadModule, parseSync, scanSync } from 'libpg-query';
import { Parser as MysqlParser } from 'node-sql-parser/build/mysql';
import { Parser as SqliteParser } from 'node-sql-parser/build/sqlite';
import { installSqlParsers, type SqlParsers } from '../core/migrations/sqlParsers';

let loading: Promise<SqlParsers> | undefined;

/**
 * Loads the SQL grammars the engine reads `op.execute(...)` text with, and installs them for the engine: PostgreSQL's
 * own parser (libpg-query; its wasm, `libpg-query.wasm`, beside the bundle or in node_modules, loads asynchronously)
 * and node-sql-parser's MySQL and SQLite grammars. Loaded once per process.
 */
export function loadSqlParsers(): Promise<SqlParsers> {
  loading ??= loadModule().then(() => {
    const mysql = new MysqlParser();
    const sqlite = new SqliteParser();
    const parsers: SqlParsers = {
      postgres: (sql) => parseSync(sql) as ReturnType<SqlParsers['postgres']>,
      postgresTokens: (sql) => scanSync(sql).tokens,
      mysql: (sql) => mysql.astify(sql, { database: 'MySQL' }),
      sqlite: (sql) => sqlite.astify(sql, { database: 'SQLite' }),
      mysqlExpr: (expr) => mysql.exprToSQL(expr as Parameters<MysqlParser['exprToSQL']>[0], { database: 'MySQL' }),
    };
    installSqlParsers(parsers);
    return parsers;
  });
  return loading;
}
