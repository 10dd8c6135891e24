/** A parse tree node as libpg-query returns it (JSON of PostgreSQL's own nodes). */
export type PgNode = Record<string, any>;

/** A token of PostgreSQL's lexer: byte offsets into the UTF-8 text. */
export interface PgToken {
  start: number;
  end: number;
  text: string;
  tokenName: string;
}

/**
 * The SQL grammars the engine reads `op.execute(...)` text with. Each throws on a syntax error.
 * - `postgres`: PostgreSQL's own parser (libpg-query, compiled to wasm), with its lexer for source spans.
 * - `mysql`, `sqlite`: node-sql-parser's grammars (pure JS); an AST or a list of ASTs.
 */
export interface SqlParsers {
  postgres(sql: string): { stmts: { stmt: PgNode; stmt_location?: number; stmt_len?: number }[] };
  postgresTokens(sql: string): PgToken[];
  mysql(sql: string): unknown;
  sqlite(sql: string): unknown;
  /** Renders a node-sql-parser expression back to SQL (for defaults and CHECK text). */
  mysqlExpr(expr: unknown): string;
}

let installed: SqlParsers | undefined;

/**
 * Makes the SQL parsers available to the engine; the node adapter calls it once it has loaded them.
 * NOTE: a process-wide setting rather than a parameter: libpg-query's wasm can only be loaded asynchronously, the
 * engine is synchronous, and the parsers are pure functions of their input, so one loaded copy serves every project.
 */
export function installSqlParsers(parsers: SqlParsers): void {
  installed = parsers;
}

/** The installed SQL parsers, or undefined when none are (every SQL statement is then unreadable). */
export function installedSqlParsers(): SqlParsers | undefined {
  return installed;
}
