import type { IndexOption, ServerDefault, SourceRef } from '../schema/schema';
import { serverDefaultKey } from '../schema/types';
import { POSTGRES_NAME_BYTES } from '../schema/identifiers';
import type { ColumnSpec, ConstraintSpec } from '../schema/columns';
import type { ColumnChanges, ColumnItem, ConstraintItem, MigrationOp, TableRef } from './ops';
import type { PgNode, PgToken, SqlParsers } from './sqlParsers';
import { codeOfSql, constraintOp, opaqueSql, sqlOpBase, sqlType } from './sqlShared';

/**
 * Reads SQL with PostgreSQL's own grammar into ops; throws when it is not valid PostgreSQL. With `keepCase` (the
 * database may not be PostgreSQL), a table named by an unquoted name in mixed case keeps that spelling beside the one
 * PostgreSQL folds it to (`TableRef.spelled`).
 */
export function readPostgresOps(parsers: SqlParsers, sql: string, origin: SourceRef, keepCase = false, temporary = new Set<string>()): MigrationOp[] {
  const tree = parsers.postgres(sql);
  // Data changes, functions, grants and the like give no op: their text is not scanned for names and spans.
  if (!tree.stmts.some(({ stmt }) => PgStatementReader.reads(stmt))) return [];
  const tokens = parsers.postgresTokens(sql);
  const source = new PgSource(sql, tokens);
  restoreLongNames(tree, tokens);
  // Temporary tables (`CREATE TEMPORARY TABLE merge_map AS ...`, then indexed and dropped), of this SQL or of earlier
  // SQL of the revision: not schema.
  const ops = tree.stmts.flatMap(({ stmt, stmt_location = 0, stmt_len = 0 }) => {
    const text = source.text(stmt_location, stmt_len ? stmt_location + stmt_len : undefined);
    return new PgStatementReader(source, origin, text, temporary, parsers).read(stmt);
  });
  if (keepCase) keepSpelling(ops, tokens);
  return ops;
}

/** Gives each table an op names by an unquoted mixed-case name (`drop table PoolGroup`) that spelling too. */
function keepSpelling(ops: MigrationOp[], tokens: PgToken[]): void {
  const written = new Map<string, string>();
  for (const tok of tokens) {
    if (tok.tokenName === 'IDENT' && !tok.text.startsWith('"') && tok.text !== tok.text.toLowerCase()) written.set(tok.text.toLowerCase(), tok.text);
  }
  if (written.size === 0) return;
  for (const op of ops) {
    const table = 'table' in op ? op.table : undefined;
    const spelled = table?.name !== undefined ? written.get(table.name) : undefined;
    if (spelled !== undefined) (op as { table: TableRef }).table = { ...table, spelled };
  }
}

/** ALTER TABLE subcommands that change nothing the analysis tracks (owner, storage, triggers, row security, ...). */
const UNTRACKED_ALTER = new Set([
  'AT_ChangeOwner', 'AT_EnableRowSecurity', 'AT_DisableRowSecurity', 'AT_ForceRowSecurity', 'AT_NoForceRowSecurity',
  'AT_SetStatistics', 'AT_SetOptions', 'AT_ResetOptions', 'AT_SetStorage', 'AT_SetCompression', 'AT_ValidateConstraint',
  'AT_SetRelOptions', 'AT_ResetRelOptions', 'AT_ReplaceRelOptions', 'AT_ClusterOn', 'AT_DropCluster', 'AT_SetLogged',
  'AT_SetUnLogged', 'AT_SetAccessMethod', 'AT_SetTableSpace', 'AT_ReplicaIdentity', 'AT_EnableTrig', 'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig', 'AT_DisableTrig', 'AT_EnableTrigAll', 'AT_DisableTrigAll', 'AT_EnableTrigUser', 'AT_DisableTrigUser',
  'AT_EnableRule', 'AT_EnableAlwaysRule', 'AT_EnableReplicaRule', 'AT_DisableRule', 'AT_AddInherit', 'AT_DropInherit',
  'AT_AddOf', 'AT_DropOf', 'AT_AttachPartition', 'AT_DetachPartition', 'AT_DetachPartitionFinalize', 'AT_AlterConstraint',
  'AT_AddIdentity', 'AT_SetIdentity', 'AT_DropIdentity', 'AT_DropExpression', 'AT_SetExpression', 'AT_GenericOptions',
  'AT_AlterColumnGenericOptions', 'AT_DropOids',
]);

/** The words a DDL statement of a PL/pgSQL body starts with. */
const DDL_START = String.raw`\b(?:ALTER\s+TABLE|ALTER\s+INDEX|CREATE\s+(?:UNIQUE\s+)?INDEX|CREATE\s+(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE|DROP\s+TABLE|DROP\s+INDEX)\b`;
/** The DDL statements of a PL/pgSQL body: each from its first words to its semicolon. */
const PLPGSQL_DDL = new RegExp(`${DDL_START}[^;]*;`, 'gi');
/** Where DDL starts in a string a PL/pgSQL body runs with EXECUTE. */
const PLPGSQL_DDL_START = new RegExp(DDL_START, 'i');

/** The table a DDL text names, when it is written out (not a `%I` placeholder). */
function tableNamedIn(ddl: string): TableRef | undefined {
  const m = /\b(?:(?:ALTER|DROP|CREATE)\s+TABLE(?:\s+IF\s+(?:NOT\s+)?EXISTS)?(?:\s+ONLY)?|\bON(?:\s+ONLY)?)\s+("?[A-Za-z_][\w$]*"?(?:\."?[A-Za-z_][\w$]*"?)?)(?=[\s(;']|$)/i.exec(ddl);
  if (!m) return undefined;
  const parts = m[1].split('.').map((p) => p.replace(/"/g, ''));
  return parts.length === 2 ? { schema: parts[0], name: parts[1] } : { name: parts[0] };
}

/** What a DDL text may change of its table: only its indexes, only its constraints, or anything. */
function ddlScope(ddl: string): 'indexes' | 'constraints' | undefined {
  if (/\b(?:CREATE\s+(?:UNIQUE\s+)?INDEX|DROP\s+INDEX|ALTER\s+INDEX)\b/i.test(ddl)) return 'indexes';
  const clauses = [...ddl.matchAll(/\b(ADD|DROP|ALTER|RENAME)\s+(\w+)/gi)].filter(([, verb, what]) => !(verb.toUpperCase() === 'ALTER' && what.toUpperCase() === 'TABLE'));
  const onConstraint = ([, verb, what]: RegExpMatchArray): boolean => /^(?:CONSTRAINT|UNIQUE|PRIMARY|FOREIGN|CHECK)$/i.test(what) && /^(?:ADD|DROP)$/i.test(verb) && !(verb.toUpperCase() === 'DROP' && what.toUpperCase() !== 'CONSTRAINT');
  return clauses.length > 0 && clauses.every(onConstraint) ? 'constraints' : undefined;
}

/** PL/pgSQL control flow: what follows may run once, never, or many times. */
const PLPGSQL_FLOW = /\b(?:IF|CASE|LOOP|WHILE|FOR|FOREACH|EXCEPTION|RETURN)\b/i;

const FK_ACTIONS: Record<string, string | undefined> = { a: undefined, r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** The SQL text with its tokens, for the source spans the parse tree does not keep (types, defaults, CHECK bodies). */
class PgSource {
  private readonly tokens: PgToken[];
  /** Character index of each UTF-8 byte offset, when the text is not ASCII (the parser counts bytes). */
  private readonly chars?: Int32Array;

  constructor(
    readonly sql: string,
    tokens: PgToken[],
  ) {
    this.tokens = tokens.filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT');
    if (/[^\x00-\x7f]/.test(sql)) {
      const bytes = new TextEncoder().encode(sql).length;
      this.chars = new Int32Array(bytes + 1);
      let b = 0;
      for (let i = 0; i < sql.length; i++) {
        const code = sql.codePointAt(i)!;
        const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
        for (let k = 0; k < size; k++) this.chars[b + k] = i;
        b += size;
        if (code >= 0x10000) i++;
      }
      this.chars[bytes] = sql.length;
    }
  }

  /** The text between two byte offsets (to the end when `end` is undefined). */
  text(start: number, end?: number): string {
    const at = (b: number): number => (this.chars ? this.chars[Math.min(b, this.chars.length - 1)] : b);
    return this.sql.slice(at(start), end === undefined ? undefined : at(end));
  }

  /**
   * The text of the expression or type starting at byte `start`: up to a comma, semicolon or closing bracket outside
   * brackets, a stop word outside brackets, or byte `stopAt`.
   */
  span(start: number, { stopAt, stopWords }: { stopAt?: number; stopWords?: ReadonlySet<string> } = {}): string {
    let k = this.tokens.findIndex((t) => t.start >= start);
    if (k < 0) return '';
    let depth = 0;
    let end = start;
    for (; k < this.tokens.length; k++) {
      const tok = this.tokens[k];
      if (stopAt !== undefined && tok.start >= stopAt) break;
      if (depth === 0 && (tok.text === ',' || tok.text === ';' || tok.text === ')' || tok.text === ']')) break;
      if (depth === 0 && end > start && stopWords?.has(tok.text.toUpperCase())) break;
      if (tok.text === '(' || tok.text === '[') depth++;
      else if (tok.text === ')' || tok.text === ']') depth--;
      end = tok.end;
    }
    return this.text(start, end);
  }

  /** The text inside the first parenthesised group at or after byte `start` (a CHECK body). */
  group(start: number): string {
    const k = this.tokens.findIndex((t) => t.start >= start && t.text === '(');
    if (k < 0) return '';
    return this.span(this.tokens[k + 1]?.start ?? this.tokens[k].end);
  }
}

/**
 * Puts back the names PostgreSQL's parser cut to 63 bytes, as they are written: Alembic and the models spell the
 * whole name, and other databases (SQLite) keep it whole.
 */
function restoreLongNames(tree: unknown, tokens: PgToken[]): void {
  const whole = new Map<string, string>();
  for (const tok of tokens) {
    if (tok.tokenName !== 'IDENT') continue;
    const name = tok.text.startsWith('"') ? tok.text.slice(1, -1).replace(/""/g, '"') : tok.text.toLowerCase();
    const bytes = new TextEncoder().encode(name);
    if (bytes.length > POSTGRES_NAME_BYTES) whole.set(new TextDecoder().decode(bytes.subarray(0, POSTGRES_NAME_BYTES)).replace(/\uFFFD$/, ''), name);
  }
  if (whole.size === 0) return;
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n)) {
      if (typeof v === 'string' && whole.has(v)) (n as Record<string, unknown>)[k] = whole.get(v);
      else visit(v);
    }
  };
  visit(tree);
}

/** The smallest source location in a parse tree node (an expression's start: operators sit after their operands). */
function minLocation(node: unknown): number | undefined {
  let best: number | undefined;
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(visit);
    else if (n && typeof n === 'object') {
      for (const [k, v] of Object.entries(n)) {
        if (k === 'location' && typeof v === 'number' && v >= 0) best = best === undefined ? v : Math.min(best, v);
        else visit(v);
      }
    }
  };
  visit(node);
  return best;
}

/** The strings of a list of `String` nodes. */
function strings(list: PgNode[] | undefined): string[] {
  return (list ?? []).map((n) => n.String?.sval).filter((v): v is string => typeof v === 'string');
}

/** A name list (`schema.name`) as a table reference. */
function nameRef(list: PgNode[] | undefined): TableRef {
  const parts = strings(list);
  return { name: parts[parts.length - 1], schema: parts.length > 1 ? parts[parts.length - 2] : undefined };
}

function relationRef(rel: PgNode | undefined): TableRef | undefined {
  return rel?.relname === undefined ? undefined : { name: rel.relname, schema: rel.schemaname };
}

/** The integer of an `A_Const` (protobuf JSON leaves zero out). */
function intOf(n: PgNode): number | undefined {
  const c = n.A_Const;
  if (!c) return undefined;
  if (c.ival) return c.ival.ival ?? 0;
  return c.fval ? Number(c.fval.fval) : undefined;
}

/** Reads the statements of one parse tree. */
class PgStatementReader {
  constructor(
    private readonly src: PgSource,
    private readonly origin: SourceRef,
    private readonly statement: string,
    /** The temporary tables the SQL made before this statement. */
    private readonly temporary: Set<string>,
    /** For the statements inside a DO block. */
    private readonly parsers: SqlParsers,
  ) {}

  /** Whether a table is one this SQL made temporary (noted when it is made). */
  private isTemporary(table: TableRef, made?: PgNode): boolean {
    if (made?.relpersistence === 't') this.temporary.add(table.name!);
    return table.schema === undefined && this.temporary.has(table.name!);
  }

  private base(): { origin: SourceRef; via: 'execute'; unresolved: string[] } {
    return sqlOpBase(this.origin);
  }

  private opaque(table: TableRef | undefined, scope?: 'indexes'): MigrationOp {
    return opaqueSql(this.statement, this.origin, table, scope);
  }

  /**
   * What each statement that can change the schema becomes; every other statement (data changes, functions,
   * triggers, types, extensions, grants, comments, views, sequences, settings) gives no op.
   */
  private static readonly READERS = new Map<string, (r: PgStatementReader, node: PgNode) => MigrationOp[]>([
    ['CreateStmt', (r, node) => r.createTable(node)],
    ['CreateTableAsStmt', (r, node) => r.createTableAs(node)],
    ['ViewStmt', (r, node) => r.view('create_view', relationRef(node.view))],
    ['AlterTableStmt', (r, node) => (node.objtype === 'OBJECT_TABLE' ? r.alterTable(node) : [])],
    ['RenameStmt', (r, node) => r.rename(node)],
    ['AlterObjectSchemaStmt', (r, node) => (node.objectType === 'OBJECT_TABLE' ? [r.opaque(relationRef(node.relation))] : [])],
    ['IndexStmt', (r, node) => r.createIndex(node)],
    ['DropStmt', (r, node) => r.drop(node)],
    ['AlterEnumStmt', (r, node) => r.alterEnum(node)],
    ['DoStmt', (r, node) => r.doBlock(node)],
  ]);

  /** Whether a statement is of a kind that can give ops (`read` gives none for any other). */
  static reads(stmt: PgNode): boolean {
    return PgStatementReader.READERS.has(Object.keys(stmt)[0]);
  }

  /** The ops of one statement. */
  read(stmt: PgNode): MigrationOp[] {
    const [kind, node] = Object.entries(stmt)[0] ?? [];
    const reader = kind === undefined ? undefined : PgStatementReader.READERS.get(kind);
    return reader ? reader(this, node) : [];
  }

  /**
   * A `DO $$ ... $$` block: the DDL statements of its PL/pgSQL body, read as SQL. Under control flow (`IF`, loops,
   * an exception handler) they are taken as run, as a branch on what the database holds is, and one that fails here
   * is not reported; DDL run from a string with `EXECUTE` makes the table it names untrusted (only its indexes or
   * constraints, where that is all it changes), with a note.
   */
  private doBlock(node: PgNode): MigrationOp[] {
    const body = (node.args as PgNode[] | undefined)?.find((a) => a.DefElem?.defname === 'as')?.DefElem?.arg?.String?.sval;
    if (typeof body !== 'string' || (node.args as PgNode[]).some((a) => a.DefElem?.defname === 'language' && a.DefElem.arg?.String?.sval?.toLowerCase() !== 'plpgsql')) return [];
    // The body's code, with its strings and comments blanked out (DDL in a string runs only through EXECUTE, below).
    const { code, strings } = codeOfSql(body);
    const conditional = PLPGSQL_FLOW.test(code);
    const statements = [...code.matchAll(PLPGSQL_DDL)].map((m) => body.slice(m.index, m.index + m[0].length));
    const readAll = (): MigrationOp[] => {
      try {
        // Together, so that a temporary table one statement makes is known to the next.
        return readPostgresOps(this.parsers, statements.join('\n'), this.origin);
      } catch {
        return statements.flatMap((statement) => {
          try {
            return readPostgresOps(this.parsers, statement, this.origin);
          } catch {
            return [opaqueSql(statement, this.origin, tableNamedIn(statement), ddlScope(statement))];
          }
        });
      }
    };
    const ops = statements.length === 0 ? [] : readAll();
    // Under `IF` (mostly `IF NOT EXISTS ... THEN` guards that make it safe to run twice): taken as run, quietly.
    const out = conditional ? ops.map((op): MigrationOp => (op.kind === 'opaque' ? op : { ...op, conditional: true })) : ops;
    // DDL run through EXECUTE from a string built at run time may change the table it names, or any.
    if (/\bEXECUTE\b/i.test(code)) for (const text of strings) if (PLPGSQL_DDL_START.test(text)) out.push(opaqueSql(text, this.origin, tableNamedIn(text), ddlScope(text)));
    return out;
  }

  private createTableAs(node: PgNode): MigrationOp[] {
    const table = relationRef(node.into?.rel);
    if (node.objtype === 'OBJECT_MATVIEW') return this.view('create_view', table);
    if (node.objtype !== 'OBJECT_TABLE' || !table || this.isTemporary(table, node.into.rel)) return [];
    return [{ ...this.base(), kind: 'create_table', table, columns: [], constraints: [], ifNotExists: !!node.if_not_exists, partial: true }];
  }

  /** A view made or dropped: a name index ops may use that is no table. */
  private view(kind: 'create_view' | 'drop_view', view: TableRef | undefined): MigrationOp[] {
    return view ? [{ ...this.base(), kind, table: view }] : [];
  }

  /** PostgreSQL enums: `ALTER TYPE status ADD VALUE [IF NOT EXISTS] 'archived' [BEFORE|AFTER ...]`, `... RENAME VALUE 'a' TO 'b'`. */
  private alterEnum(node: PgNode): MigrationOp[] {
    if (node.newVal === undefined) return [];
    const enumName = nameRef(node.typeName).name;
    return [node.oldVal === undefined ? { ...this.base(), kind: 'alter_enum', enumName, addValues: [node.newVal] } : { ...this.base(), kind: 'alter_enum', enumName, renameValue: [node.oldVal, node.newVal] }];
  }

  private createTable(node: PgNode): MigrationOp[] {
    const table = relationRef(node.relation);
    if (!table || this.isTemporary(table, node.relation)) return [];
    const partial = !!(node.inhRelations?.length || node.partbound || node.ofTypename);
    const op = { ...this.base(), kind: 'create_table' as const, table, columns: [] as ColumnItem[], constraints: [] as ConstraintItem[], ifNotExists: !!node.if_not_exists, partial };
    const elements: PgNode[] = node.tableElts ?? [];
    elements.forEach((element, k) => {
      if (element.TableLikeClause) {
        op.partial = true;
      } else if (element.Constraint) {
        const spec = this.tableConstraint(element.Constraint);
        if (spec === 'untracked') return;
        if (spec) op.constraints.push({ spec, origin: this.origin });
        else op.unresolved.push(`the table constraint \`${this.src.span(element.Constraint.location)}\``);
      } else if (element.ColumnDef) {
        const column = this.columnDef(element.ColumnDef, minLocation(elements[k + 1]));
        op.columns.push({ spec: column.spec, origin: this.origin });
        for (const spec of column.constraints) op.constraints.push({ spec, origin: this.origin });
      }
    });
    return [op];
  }

  /** A column definition: name, type and column constraints; UNIQUE and CHECK come back as table constraints. */
  private columnDef(def: PgNode, nextLocation?: number): { spec: ColumnSpec; constraints: ConstraintSpec[] } {
    const constraints: PgNode[] = (def.constraints ?? []).map((c: PgNode) => c.Constraint).filter(Boolean);
    const stops = [...constraints.map((c) => c.location), def.collClause?.location, nextLocation].filter((l): l is number => typeof l === 'number' && l >= 0);
    const typeEnd = stops.length ? Math.min(...stops) : undefined;
    const read = def.typeName ? this.type(def.typeName, typeEnd) : undefined;
    const spec: ColumnSpec = { name: def.colname, type: read?.type, primaryKey: false, foreignKeys: [] };
    if (read?.serial) spec.nullable = false;
    const out: ConstraintSpec[] = [];
    constraints.forEach((c, k) => {
      switch (c.contype) {
        case 'CONSTR_NOTNULL':
          spec.nullable = false;
          break;
        case 'CONSTR_NULL':
          spec.nullable = true;
          break;
        case 'CONSTR_PRIMARY':
          spec.primaryKey = true;
          break;
        case 'CONSTR_IDENTITY':
          // An identity column is NOT NULL, as PostgreSQL makes it.
          spec.nullable = false;
          break;
        case 'CONSTR_UNIQUE':
          out.push({ kind: 'unique', name: c.conname, columns: [def.colname] });
          break;
        case 'CONSTR_DEFAULT':
          spec.serverDefault = this.defaultOf(c.raw_expr, constraints[k + 1]?.location ?? nextLocation);
          break;
        case 'CONSTR_FOREIGN': {
          const ref = this.references(c);
          spec.foreignKeys.push({ target: { kind: 'text', text: ref.targets[0] }, name: c.conname, ondelete: ref.ondelete, onupdate: ref.onupdate });
          break;
        }
        case 'CONSTR_CHECK':
          out.push({ kind: 'check', name: c.conname, sql: this.src.group(c.location) });
          break;
        default:
          // GENERATED ... AS (...) STORED, DEFERRABLE and the like: nothing tracked.
          break;
      }
    });
    return { spec, constraints: out };
  }

  /** The SQL type of a `TypeName` node, with its text up to byte `end`. */
  private type(typeName: PgNode, end?: number, stopWords?: ReadonlySet<string>) {
    const names = strings(typeName.names);
    const words = names.length > 1 && names[0] === 'pg_catalog' ? names.slice(1) : names.slice(-1);
    const numbers = (typeName.typmods ?? []).map(intOf).filter((n: number | undefined): n is number => n !== undefined);
    const text = this.src.span(typeName.location, { stopAt: end, stopWords });
    return sqlType({ words, numbers, array: !!typeName.arrayBounds?.length, text });
  }

  /** A DEFAULT expression as a server default (none for `DEFAULT NULL`). */
  private defaultOf(expr: PgNode | undefined, stopAt?: number): ServerDefault | undefined {
    if (!expr || expr.A_Const?.isnull) return undefined;
    const start = minLocation(expr);
    if (start === undefined) return undefined;
    const text = this.src.span(start, { stopAt: stopAt !== undefined && stopAt > start ? stopAt : undefined, stopWords: DEFAULT_STOPS });
    return { text, key: serverDefaultKey(text), sql: true };
  }

  private references(c: PgNode): { targets: string[]; ondelete?: string; onupdate?: string } {
    const table = relationRef(c.pktable)!;
    const prefix = [table.schema, table.name].filter((p) => p !== undefined).join('.');
    const columns = strings(c.pk_attrs);
    return {
      targets: columns.length ? columns.map((col) => `${prefix}.${col}`) : [`${prefix}.`],
      ondelete: FK_ACTIONS[c.fk_del_action],
      onupdate: FK_ACTIONS[c.fk_upd_action],
    };
  }

  /** A table constraint, 'untracked' for one the analysis does not track (EXCLUDE), undefined when not understood. */
  private tableConstraint(c: PgNode): ConstraintSpec | 'untracked' | undefined {
    const name: string | undefined = c.conname;
    switch (c.contype) {
      case 'CONSTR_PRIMARY':
        return { kind: 'primary', name, columns: strings(c.keys), ...(c.indexname ? { usingIndex: c.indexname } : {}) };
      case 'CONSTR_UNIQUE':
        return { kind: 'unique', name, columns: strings(c.keys), ...(c.indexname ? { usingIndex: c.indexname } : {}) };
      case 'CONSTR_FOREIGN': {
        const ref = this.references(c);
        return { kind: 'foreign', name, columns: strings(c.fk_attrs), refs: ref.targets, ondelete: ref.ondelete, onupdate: ref.onupdate };
      }
      case 'CONSTR_CHECK':
        return { kind: 'check', name, sql: this.src.group(c.location) };
      case 'CONSTR_EXCLUSION':
        return 'untracked';
      default:
        return undefined;
    }
  }

  private alterTable(node: PgNode): MigrationOp[] {
    const table = relationRef(node.relation);
    if (!table || this.isTemporary(table)) return [];
    return (node.cmds ?? []).flatMap((cmd: PgNode) => this.alterCommand(table, cmd.AlterTableCmd ?? {}));
  }

  private alterCommand(table: TableRef, cmd: PgNode): MigrationOp[] {
    const base = this.base();
    const alter = (changes: ColumnChanges): MigrationOp[] => [{ ...base, kind: 'alter_column', table, column: cmd.name, changes }];
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        const column = this.columnDef(cmd.def.ColumnDef);
        return [{ ...base, kind: 'add_column', table, column: { spec: column.spec, origin: this.origin }, ifNotExists: !!cmd.missing_ok }, ...column.constraints.map((spec) => constraintOp(this.origin, table, spec))];
      }
      case 'AT_DropColumn':
        return [{ ...base, kind: 'drop_column', table, column: cmd.name, ifExists: !!cmd.missing_ok }];
      case 'AT_AlterColumnType': {
        const def = cmd.def.ColumnDef;
        const stops = [minLocation(def.raw_default), def.collClause?.location].filter((l): l is number => l !== undefined);
        return alter({ type: this.type(def.typeName, stops.length ? Math.min(...stops) : undefined, TYPE_STOPS).type });
      }
      case 'AT_SetNotNull':
        return alter({ nullable: false });
      case 'AT_DropNotNull':
        return alter({ nullable: true });
      case 'AT_ColumnDefault':
        return alter({ serverDefault: this.defaultOf(cmd.def) ?? null });
      case 'AT_AddConstraint': {
        const spec = this.tableConstraint(cmd.def.Constraint);
        if (spec === 'untracked') return [];
        return spec ? [constraintOp(this.origin, table, spec)] : [this.opaque(table)];
      }
      case 'AT_DropConstraint':
        return [{ ...base, kind: 'drop_constraint', table, name: cmd.name, ifExists: !!cmd.missing_ok, ...(cmd.behavior === 'DROP_CASCADE' ? { cascade: true as const } : {}) }];
      default:
        return UNTRACKED_ALTER.has(cmd.subtype) ? [] : [this.opaque(table)];
    }
  }

  private rename(node: PgNode): MigrationOp[] {
    const table = relationRef(node.relation);
    switch (node.renameType) {
      case 'OBJECT_TABLE':
        return table ? [{ ...this.base(), kind: 'rename_table', table, newName: node.newname }] : [];
      case 'OBJECT_COLUMN':
        return table && node.relationType === 'OBJECT_TABLE' ? [{ ...this.base(), kind: 'alter_column', table, column: node.subname, changes: { newName: node.newname } }] : [];
      case 'OBJECT_TABCONSTRAINT':
        return table && node.subname ? [{ ...this.base(), kind: 'rename_index', table, name: node.subname, newName: node.newname }] : [];
      case 'OBJECT_INDEX':
        // The relation is the index itself, found by name when replayed.
        return table ? [{ ...this.base(), kind: 'rename_index', schema: table.schema, name: table.name!, newName: node.newname }] : [];
      case 'OBJECT_TYPE': {
        // `ALTER TYPE disable_reason RENAME TO disablereason`: the enum columns typed with it keep it under its new name.
        const type = nameRef(node.object?.List?.items);
        return type.name ? [{ ...this.base(), kind: 'alter_enum', enumName: type.name, newName: node.newname }] : [];
      }
      default:
        return [];
    }
  }

  private createIndex(node: PgNode): MigrationOp[] {
    const table = relationRef(node.relation);
    if (!table || this.isTemporary(table)) return [];
    const columns = (node.indexParams ?? []).map((p: PgNode) => {
      const elem = p.IndexElem ?? {};
      if (elem.name !== undefined) return elem.name as string;
      const start = minLocation(elem.expr);
      const text = start === undefined ? '' : this.src.span(start, { stopWords: INDEX_ELEMENT_STOPS });
      // `((true))` indexes a constant, not a column called true; `((name))` is the column.
      return elem.expr && !elem.expr.ColumnRef && /^\w+$/.test(text) ? `(${text})` : text;
    });
    const options = this.indexOptions(node, columns);
    return [{ ...this.base(), kind: 'create_index', table, index: { kind: 'index', name: node.idxname, columns, unique: !!node.unique, ...(options.length > 0 ? { options } : {}) }, ifNotExists: !!node.if_not_exists }];
  }

  /**
   * A CREATE INDEX's access method (other than btree), operator classes and WHERE, as the `postgresql_using`,
   * `postgresql_ops` and `postgresql_where` options `op.create_index` takes: what a revision needs to make it again.
   */
  private indexOptions(node: PgNode, columns: string[]): IndexOption[] {
    const options: IndexOption[] = [];
    const method = typeof node.accessMethod === 'string' ? node.accessMethod.toLowerCase() : undefined;
    if (method && method !== 'btree') options.push({ key: 'postgresql_using', value: { literal: method } });
    const ops: Array<[string, string]> = [];
    (node.indexParams ?? []).forEach((p: PgNode, i: number) => {
      const opclass = (p.IndexElem?.opclass ?? []).map((o: PgNode) => o.String?.sval).filter((x: unknown): x is string => typeof x === 'string');
      if (opclass.length > 0 && columns[i]) ops.push([columns[i], opclass.join('.')]);
    });
    if (ops.length > 0) options.push({ key: 'postgresql_ops', value: { dict: ops } });
    const where = node.whereClause ? minLocation(node.whereClause) : undefined;
    if (where !== undefined) options.push({ key: 'postgresql_where', value: { sql: this.src.span(where) } });
    return options;
  }

  private drop(node: PgNode): MigrationOp[] {
    const names = (node.objects ?? []).map((o: PgNode) => nameRef(o.List?.items));
    const ifExists = !!node.missing_ok;
    const cascade = node.behavior === 'DROP_CASCADE';
    if (node.removeType === 'OBJECT_TABLE') {
      // A temporary table dropped is gone: a table of that name made later is schema again.
      const real = names.filter((table: TableRef) => !this.isTemporary(table) || !this.temporary.delete(table.name!));
      return real.map((table: TableRef) => ({ ...this.base(), kind: 'drop_table' as const, table, ifExists, ...(cascade ? { cascade: true as const } : {}) }));
    }
    if (node.removeType === 'OBJECT_TYPE') {
      // `DROP TYPE a, b`: each a list of one TypeName's names.
      const types = (node.objects ?? []).map((o: PgNode) => nameRef(o.TypeName?.names));
      return types.filter((t: TableRef) => t.name !== undefined).map((t: TableRef) => ({ ...this.base(), kind: 'drop_enum' as const, enumName: t.name!, ...(cascade ? { cascade: true as const } : {}) }));
    }
    if (node.removeType === 'OBJECT_VIEW' || node.removeType === 'OBJECT_MATVIEW') return names.flatMap((view: TableRef) => this.view('drop_view', view));
    if (node.removeType === 'OBJECT_INDEX') return names.map((n: TableRef) => ({ ...this.base(), kind: 'drop_index' as const, table: undefined, schema: n.schema, name: n.name, ifExists }));
    return [];
  }
}

/** Words that end a DEFAULT expression (the column constraints that may follow it). */
const DEFAULT_STOPS = new Set(['CONSTRAINT', 'NOT', 'NULL', 'PRIMARY', 'UNIQUE', 'REFERENCES', 'CHECK', 'COLLATE', 'GENERATED']);
/** Words that end the type of `ALTER COLUMN ... TYPE`. */
const TYPE_STOPS = new Set(['USING', 'COLLATE']);
/** Words that end an expression in an index's column list. */
const INDEX_ELEMENT_STOPS = new Set(['ASC', 'DESC', 'NULLS', 'COLLATE']);
