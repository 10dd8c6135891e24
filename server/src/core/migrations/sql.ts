import type { Scalar, ServerDefault, SourceRef, SqlType } from '../schema/schema';
import { makeType, serverDefaultKey } from '../schema/types';
import type { ColumnSpec, ConstraintSpec } from '../schema/columns';
import type { ColumnChanges, ColumnItem, ConstraintItem, MigrationOp, TableRef } from './ops';

/**
 * Reads the DDL in a SQL string (as given to `op.execute`) into migration ops: CREATE TABLE, ALTER TABLE
 * ADD/DROP/RENAME/ALTER COLUMN, ADD/DROP CONSTRAINT, RENAME TO, CREATE [UNIQUE] INDEX, DROP TABLE/INDEX,
 * ALTER TYPE ... ADD VALUE.
 * Data changes, functions, triggers, types, extensions, grants and comments give nothing; table DDL that is not
 * understood gives an `opaque` op so the table is no longer trusted.
 * NOTE: a referenced column that the SQL leaves out (`REFERENCES users`) is written as "users." (an empty column):
 * the referenced table's primary key.
 */
export function readSqlOps(sql: string, origin: SourceRef): MigrationOp[] {
  const out: MigrationOp[] = [];
  for (const tokens of tokenize(sql)) {
    const reader = new StatementReader(new Cursor(tokens, sql), origin, tokens);
    out.push(...reader.read());
  }
  return out;
}

interface Token {
  t: 'word' | 'ident' | 'str' | 'num' | 'punct';
  /** The text: unquoted for identifiers and strings. */
  v: string;
  start: number;
  end: number;
}

/** Splits SQL into statements of tokens, skipping comments; strings (also `$$`-quoted) never split. */
function tokenize(sql: string): Token[][] {
  const statements: Token[][] = [];
  let current: Token[] = [];
  let i = 0;
  const n = sql.length;
  const quoted = (q: string, t: Token['t']): void => {
    const start = i;
    let v = '';
    i++;
    while (i < n) {
      if (sql[i] === q) {
        if (sql[i + 1] === q) {
          v += q;
          i += 2;
          continue;
        }
        i++;
        break;
      }
      v += sql[i++];
    }
    current.push({ t, v, start, end: i });
  };
  while (i < n) {
    const ch = sql[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
    } else if (ch === ';') {
      if (current.length) statements.push(current);
      current = [];
      i++;
    } else if (ch === "'") {
      quoted("'", 'str');
    } else if (ch === '"' || ch === '`') {
      quoted(ch, 'ident');
    } else if (ch === '$' && /^\$(?:[A-Za-z_]\w*)?\$/.test(sql.slice(i, i + 64))) {
      const tag = /^\$(?:[A-Za-z_]\w*)?\$/.exec(sql.slice(i, i + 64))![0];
      const close = sql.indexOf(tag, i + tag.length);
      const end = close < 0 ? n : close + tag.length;
      current.push({ t: 'str', v: sql.slice(i + tag.length, close < 0 ? n : close), start: i, end });
      i = end;
    } else if (/[0-9]/.test(ch)) {
      const m = /^[0-9]+(?:\.[0-9]+)?/.exec(sql.slice(i))!;
      current.push({ t: 'num', v: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(ch)) {
      const m = /^[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*/.exec(sql.slice(i))!;
      current.push({ t: 'word', v: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (ch === ':' && sql[i + 1] === ':') {
      current.push({ t: 'punct', v: '::', start: i, end: i + 2 });
      i += 2;
    } else {
      current.push({ t: 'punct', v: ch, start: i, end: i + 1 });
      i++;
    }
  }
  if (current.length) statements.push(current);
  return statements;
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']' };

/** A position in a list of tokens, with the small reading steps the statement grammar needs. */
class Cursor {
  i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly sql: string,
  ) {}

  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  /** The upper-cased keyword `offset` tokens ahead, if that token is a bare word. */
  kw(offset = 0): string | undefined {
    const t = this.tokens[this.i + offset];
    return t?.t === 'word' ? t.v.toUpperCase() : undefined;
  }

  isPunct(v: string): boolean {
    const t = this.tokens[this.i];
    return t?.t === 'punct' && t.v === v;
  }

  /** Whether the next tokens are these keywords. */
  is(...words: string[]): boolean {
    return words.every((w, k) => this.kw(k) === w);
  }

  /** Consumes the keywords when they come next. */
  eat(...words: string[]): boolean {
    if (!this.is(...words)) return false;
    this.i += words.length;
    return true;
  }

  /** One identifier (bare or quoted). */
  name(): string | undefined {
    const t = this.tokens[this.i];
    if (!t || (t.t !== 'word' && t.t !== 'ident')) return undefined;
    this.i++;
    return t.v;
  }

  /** A possibly schema-qualified name. */
  qualifiedName(): TableRef | undefined {
    const parts: string[] = [];
    const first = this.name();
    if (first === undefined) return undefined;
    parts.push(first);
    while (this.isPunct('.')) {
      this.i++;
      const next = this.name();
      if (next === undefined) break;
      parts.push(next);
    }
    return { name: parts[parts.length - 1], schema: parts.length > 1 ? parts[parts.length - 2] : undefined };
  }

  /** One token, or a whole bracketed group with its brackets. */
  item(): Token[] {
    const start = this.i;
    const open = this.tokens[this.i];
    this.i++;
    if (open?.t === 'punct' && OPENERS[open.v]) {
      let depth = 1;
      while (!this.done && depth > 0) {
        const t = this.tokens[this.i++];
        if (t.t !== 'punct') continue;
        if (OPENERS[t.v]) depth++;
        else if (t.v === ')' || t.v === ']') depth--;
      }
    }
    return this.tokens.slice(start, this.i);
  }

  /** The tokens inside the parenthesised group that comes next, or undefined when none does. */
  group(): Token[] | undefined {
    if (!this.isPunct('(')) return undefined;
    const all = this.item();
    return all.slice(1, all[all.length - 1]?.v === ')' ? -1 : undefined);
  }

  /** All remaining tokens. */
  rest(): Token[] {
    const out = this.tokens.slice(this.i);
    this.i = this.tokens.length;
    return out;
  }

  /** The source text a list of tokens spans. */
  text(tokens: Token[]): string {
    return tokens.length ? this.sql.slice(tokens[0].start, tokens[tokens.length - 1].end) : '';
  }

  /** A cursor over some tokens of the same SQL. */
  sub(tokens: Token[]): Cursor {
    return new Cursor(tokens, this.sql);
  }
}

/** Splits tokens at the commas outside brackets. */
function splitTopLevel(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.t === 'punct') {
      if (OPENERS[t.v]) depth++;
      else if (t.v === ')' || t.v === ']') depth--;
      else if (t.v === ',' && depth === 0) {
        parts.push([]);
        continue;
      }
    }
    parts[parts.length - 1].push(t);
  }
  return parts.filter((p) => p.length > 0);
}

/** Keywords that end a column's type and start its constraints. */
const COLUMN_STOPS = new Set([
  'CONSTRAINT', 'NOT', 'NULL', 'PRIMARY', 'UNIQUE', 'DEFAULT', 'REFERENCES', 'CHECK', 'COLLATE', 'GENERATED',
  'AUTO_INCREMENT', 'AUTOINCREMENT', 'COMMENT', 'ON', 'IDENTITY', 'USING', 'FIRST', 'AFTER', 'CHARSET',
]);
/** Keywords that end a DEFAULT expression. */
const DEFAULT_STOPS = new Set(['CONSTRAINT', 'NOT', 'NULL', 'PRIMARY', 'UNIQUE', 'REFERENCES', 'CHECK', 'COLLATE', 'GENERATED', 'COMMENT', 'ON', 'AUTO_INCREMENT']);
/** ALTER TABLE actions that do not change what the analysis tracks. */
const UNTRACKED_ALTER_ACTIONS = new Set(['OWNER', 'ENABLE', 'DISABLE', 'FORCE', 'NO', 'REPLICA', 'CLUSTER', 'VALIDATE', 'INHERIT', 'RESET', 'ATTACH', 'DETACH', 'OF', 'NOT']);

const FK_ACTIONS = [['CASCADE'], ['RESTRICT'], ['NO', 'ACTION'], ['SET', 'NULL'], ['SET', 'DEFAULT']];

/** Reads one statement. */
class StatementReader {
  constructor(
    private readonly c: Cursor,
    private readonly origin: SourceRef,
    private readonly statement: Token[],
  ) {}

  private base(): { origin: SourceRef; via: 'execute'; unresolved: string[] } {
    return { origin: this.origin, via: 'execute', unresolved: [] };
  }

  /** The statement was recognised as DDL on `table` but not understood. */
  private opaque(table: TableRef | undefined, indexesOnly = false): MigrationOp {
    const text = this.c.text(this.statement).replace(/\s+/g, ' ');
    return { ...this.base(), kind: 'opaque', table, ...(indexesOnly ? { indexesOnly } : {}), unresolved: [`the SQL \`${text.length > 80 ? `${text.slice(0, 77)}...` : text}\``] };
  }

  read(): MigrationOp[] {
    const c = this.c;
    if (c.eat('CREATE')) {
      c.eat('OR', 'REPLACE');
      const unique = c.eat('UNIQUE');
      if (c.eat('INDEX')) return this.createIndex(unique);
      if (unique) return [];
      if (c.eat('GLOBAL') || c.eat('LOCAL') || c.is('TEMP') || c.is('TEMPORARY')) return [];
      c.eat('UNLOGGED');
      return c.eat('TABLE') ? this.createTable() : [];
    }
    if (c.eat('ALTER', 'TABLE')) return this.alterTable();
    if (c.eat('ALTER', 'TYPE')) {
      // PostgreSQL enums: `ALTER TYPE status ADD VALUE [IF NOT EXISTS] 'archived' [BEFORE|AFTER ...]`.
      const type = c.qualifiedName();
      if (!type || !c.eat('ADD', 'VALUE')) return [];
      c.eat('IF', 'NOT', 'EXISTS');
      const value = c.item()[0];
      return value?.t === 'str' ? [{ ...this.base(), kind: 'alter_enum', enumName: type.name, addValues: [value.v] }] : [];
    }
    if (c.eat('ALTER', 'INDEX')) {
      // Renaming an index somewhere: only index names become uncertain, not tables or columns.
      return c.rest().some((t) => t.t === 'word' && t.v.toUpperCase() === 'RENAME') ? [this.opaque(undefined, true)] : [];
    }
    if (c.eat('DROP', 'TABLE')) {
      const ifExists = c.eat('IF', 'EXISTS');
      return this.names().map((table) => ({ ...this.base(), kind: 'drop_table', table, ifExists }));
    }
    if (c.eat('DROP', 'INDEX')) return this.dropIndex();
    if (c.eat('RENAME', 'TABLE')) return this.renameTables();
    return [];
  }

  /** A comma-separated list of qualified names. */
  private names(): TableRef[] {
    const out: TableRef[] = [];
    for (;;) {
      const ref = this.c.qualifiedName();
      if (!ref) break;
      out.push(ref);
      if (!this.c.isPunct(',')) break;
      this.c.i++;
    }
    return out;
  }

  private createTable(): MigrationOp[] {
    const c = this.c;
    const ifNotExists = c.eat('IF', 'NOT', 'EXISTS');
    const table = c.qualifiedName();
    if (!table) return [];
    const body = c.group();
    const op = { ...this.base(), kind: 'create_table' as const, table, columns: [] as ColumnItem[], constraints: [] as ConstraintItem[], ifNotExists, partial: !body };
    if (!body) return [op];
    for (const element of splitTopLevel(body)) {
      const e = c.sub(element);
      if (e.is('LIKE')) {
        op.partial = true;
        continue;
      }
      if (startsTableConstraint(e)) {
        const spec = readTableConstraint(e);
        if (spec) op.constraints.push({ spec, origin: this.origin });
        else op.unresolved.push(`the table constraint \`${c.text(element)}\``);
        continue;
      }
      const column = readColumnDef(e);
      if (!column) {
        op.unresolved.push(`the column \`${c.text(element)}\``);
        continue;
      }
      op.columns.push({ spec: column.spec, origin: this.origin });
      for (const spec of column.constraints) op.constraints.push({ spec, origin: this.origin });
    }
    if (c.rest().some((t) => t.t === 'word' && t.v.toUpperCase() === 'INHERITS')) op.partial = true;
    return [op];
  }

  private createIndex(unique: boolean): MigrationOp[] {
    const c = this.c;
    c.eat('CONCURRENTLY');
    const ifNotExists = c.eat('IF', 'NOT', 'EXISTS');
    const name = c.is('ON') ? undefined : c.qualifiedName()?.name;
    if (!c.eat('ON')) return [];
    c.eat('ONLY');
    const table = c.qualifiedName();
    if (!table) return [];
    if (c.eat('USING')) c.name();
    const columns = c.group();
    if (!columns) return [];
    return [{ ...this.base(), kind: 'create_index', table, index: { kind: 'index', name, columns: readColumnList(c, columns), unique }, ifNotExists }];
  }

  private dropIndex(): MigrationOp[] {
    const c = this.c;
    c.eat('CONCURRENTLY');
    const ifExists = c.eat('IF', 'EXISTS');
    const names = this.names();
    if (!c.eat('CASCADE')) c.eat('RESTRICT');
    const table = c.eat('ON') ? c.qualifiedName() : undefined;
    return names.map((n) => ({ ...this.base(), kind: 'drop_index', table, schema: table ? undefined : n.schema, name: n.name, ifExists }));
  }

  private renameTables(): MigrationOp[] {
    const out: MigrationOp[] = [];
    for (const part of splitTopLevel(this.c.rest())) {
      const p = this.c.sub(part);
      const table = p.qualifiedName();
      const to = p.eat('TO') ? p.qualifiedName() : undefined;
      if (table && to) out.push({ ...this.base(), kind: 'rename_table', table, newName: to.name });
    }
    return out;
  }

  private alterTable(): MigrationOp[] {
    const c = this.c;
    c.eat('IF', 'EXISTS');
    c.eat('ONLY');
    const table = c.qualifiedName();
    if (!table) return [];
    if (c.isPunct('*')) c.i++;
    return splitTopLevel(c.rest()).flatMap((action) => this.alterAction(table, action));
  }

  private alterAction(table: TableRef, tokens: Token[]): MigrationOp[] {
    const a = this.c.sub(tokens);
    const base = this.base();
    if (a.eat('ADD')) {
      if (startsTableConstraint(a)) {
        const spec = readTableConstraint(a);
        return spec ? [constraintOp(base, table, spec)] : [this.opaque(table)];
      }
      a.eat('COLUMN');
      const ifNotExists = a.eat('IF', 'NOT', 'EXISTS');
      const column = readColumnDef(a);
      if (!column) return [this.opaque(table)];
      return [{ ...base, kind: 'add_column', table, column: { spec: column.spec, origin: this.origin }, ifNotExists }, ...column.constraints.map((spec) => constraintOp(this.base(), table, spec))];
    }
    if (a.eat('DROP')) {
      if (a.eat('CONSTRAINT') || a.eat('FOREIGN', 'KEY')) {
        const ifExists = a.eat('IF', 'EXISTS');
        return [{ ...base, kind: 'drop_constraint', table, name: a.name(), ifExists }];
      }
      if (a.eat('INDEX') || a.eat('KEY')) return [{ ...base, kind: 'drop_index', table, name: a.name(), ifExists: false }];
      if (a.is('PRIMARY') || a.is('CHECK')) return [this.opaque(table)];
      a.eat('COLUMN');
      const ifExists = a.eat('IF', 'EXISTS');
      const column = a.name();
      return column === undefined ? [this.opaque(table)] : [{ ...base, kind: 'drop_column', table, column, ifExists }];
    }
    if (a.eat('RENAME')) {
      if (a.eat('TO') || a.eat('AS')) {
        const to = a.qualifiedName();
        return to ? [{ ...base, kind: 'rename_table', table, newName: to.name }] : [this.opaque(table)];
      }
      if (a.is('CONSTRAINT') || a.is('INDEX') || a.is('KEY')) return [this.opaque(table)];
      a.eat('COLUMN');
      const column = a.name();
      const newName = a.eat('TO') ? a.name() : undefined;
      return column !== undefined && newName !== undefined ? [{ ...base, kind: 'alter_column', table, column, changes: { newName } }] : [this.opaque(table)];
    }
    if (a.eat('ALTER')) {
      a.eat('COLUMN');
      const column = a.name();
      const changes = column === undefined ? undefined : readColumnAlteration(a);
      if (changes === 'untracked') return [];
      return changes ? [{ ...base, kind: 'alter_column', table, column, changes }] : [this.opaque(table)];
    }
    const first = a.kw();
    if (first && UNTRACKED_ALTER_ACTIONS.has(first)) return [];
    if (first === 'SET' && a.kw(1) !== 'SCHEMA') return [];
    return [this.opaque(table)];
  }
}

function constraintOp(base: { origin: SourceRef; via: 'execute'; unresolved: string[] }, table: TableRef, spec: ConstraintSpec): MigrationOp {
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

/** `ALTER COLUMN x ...`: the change, 'untracked' for changes the analysis does not track, undefined when not understood. */
function readColumnAlteration(a: Cursor): ColumnChanges | 'untracked' | undefined {
  if (a.eat('TYPE') || a.eat('SET', 'DATA', 'TYPE')) {
    const tokens: Token[] = [];
    while (!a.done && !a.is('USING') && !a.is('COLLATE')) tokens.push(...a.item());
    const { type } = readType(a, tokens);
    return type ? { type } : undefined;
  }
  if (a.eat('SET', 'NOT', 'NULL')) return { nullable: false };
  if (a.eat('DROP', 'NOT', 'NULL')) return { nullable: true };
  if (a.eat('SET', 'DEFAULT')) return { serverDefault: readDefault(a) ?? null };
  if (a.eat('DROP', 'DEFAULT')) return { serverDefault: null };
  return 'untracked';
}

function startsTableConstraint(c: Cursor): boolean {
  const k = c.kw();
  if (k === 'CONSTRAINT' || k === 'PRIMARY' || k === 'UNIQUE' || k === 'FOREIGN' || k === 'CHECK' || k === 'EXCLUDE' || k === 'FULLTEXT' || k === 'SPATIAL') return true;
  return (k === 'INDEX' || k === 'KEY') && isIndexElement(c);
}

/** Whether an element starting with INDEX/KEY is a MySQL index (`KEY ix (a)`) rather than a column named "key" (whose type arguments are numbers). */
function isIndexElement(c: Cursor): boolean {
  const start = c.i;
  c.i++;
  if (!c.isPunct('(')) c.name();
  const group = c.group();
  c.i = start;
  return !!group && group.length > 0 && group[0].t !== 'num';
}

/** A table constraint (PRIMARY KEY, UNIQUE, FOREIGN KEY, CHECK, MySQL KEY/INDEX), or undefined when not understood. */
function readTableConstraint(c: Cursor): ConstraintSpec | undefined {
  let name: string | undefined;
  if (c.eat('CONSTRAINT')) name = c.name();
  if (c.eat('PRIMARY', 'KEY')) {
    const cols = c.group();
    return cols ? { kind: 'primary', name, columns: readColumnList(c, cols) } : undefined;
  }
  if (c.eat('UNIQUE')) {
    if (!c.eat('KEY')) c.eat('INDEX');
    c.eat('NULLS', 'NOT', 'DISTINCT');
    if (!c.isPunct('(')) name ??= c.name();
    const cols = c.group();
    return cols ? { kind: 'unique', name, columns: readColumnList(c, cols) } : undefined;
  }
  if (c.eat('FOREIGN', 'KEY')) {
    if (!c.isPunct('(')) name ??= c.name();
    const cols = c.group();
    if (!cols || !c.eat('REFERENCES')) return undefined;
    const ref = readReferences(c);
    if (!ref) return undefined;
    return { kind: 'foreign', name, columns: readColumnList(c, cols), refs: ref.targets, ondelete: ref.ondelete, onupdate: ref.onupdate };
  }
  if (c.eat('CHECK')) {
    const expr = c.group();
    return expr ? { kind: 'check', name, sql: c.text(expr) } : undefined;
  }
  if (c.eat('INDEX') || c.eat('KEY')) {
    if (!c.isPunct('(')) name = c.name();
    const cols = c.group();
    return cols ? { kind: 'index', name, columns: readColumnList(c, cols), unique: false } : undefined;
  }
  return undefined;
}

/** The column names of an index or constraint; an expression element is kept as its text. */
function readColumnList(c: Cursor, tokens: Token[]): string[] {
  return splitTopLevel(tokens).map((element) => {
    const first = element[0];
    const plain = (first.t === 'word' || first.t === 'ident') && element.slice(1).every((t) => t.t === 'word' || (t.t === 'punct' && (t.v === '(' || t.v === ')')) || t.t === 'num');
    const call = element[1]?.t === 'punct' && element[1].v === '(' && element.slice(2).some((t) => t.t !== 'num' && !(t.t === 'punct' && t.v === ')'));
    return plain && !call ? first.v : c.text(element);
  });
}

/** `REFERENCES t [(cols)] [ON DELETE x] [ON UPDATE y] ...` after the REFERENCES keyword. */
function readReferences(c: Cursor): { targets: string[]; ondelete?: string; onupdate?: string } | undefined {
  const table = c.qualifiedName();
  if (!table) return undefined;
  const cols = c.group();
  const prefix = [table.schema, table.name].filter((p) => p !== undefined).join('.');
  const targets = cols ? readColumnList(c, cols).map((col) => `${prefix}.${col}`) : [`${prefix}.`];
  const out: { targets: string[]; ondelete?: string; onupdate?: string } = { targets };
  while (c.eat('ON')) {
    const which = c.eat('DELETE') ? 'ondelete' : c.eat('UPDATE') ? 'onupdate' : undefined;
    const action = FK_ACTIONS.find((words) => c.eat(...words));
    if (!which || !action) break;
    out[which] = action.join(' ');
  }
  return out;
}

/** A column definition: name, type and column constraints; UNIQUE and CHECK come back as table constraints. */
function readColumnDef(c: Cursor): { spec: ColumnSpec; constraints: ConstraintSpec[] } | undefined {
  const name = c.name();
  if (name === undefined) return undefined;
  const typeTokens: Token[] = [];
  while (!c.done && !atColumnConstraint(c)) typeTokens.push(...c.item());
  const { type, serial } = readType(c, typeTokens);
  const spec: ColumnSpec = { name, type, primaryKey: false, foreignKeys: [] };
  if (serial) spec.nullable = false;
  const constraints: ConstraintSpec[] = [];
  let constraintName: string | undefined;
  while (!c.done) {
    if (c.eat('CONSTRAINT')) {
      constraintName = c.name();
      continue;
    }
    if (c.eat('NOT', 'NULL')) spec.nullable = false;
    else if (c.eat('NULL')) spec.nullable = true;
    else if (c.eat('PRIMARY', 'KEY')) spec.primaryKey = true;
    else if (c.eat('UNIQUE')) {
      c.eat('KEY');
      constraints.push({ kind: 'unique', name: constraintName, columns: [name] });
    } else if (c.eat('DEFAULT')) spec.serverDefault = readDefault(c);
    else if (c.eat('REFERENCES')) {
      const ref = readReferences(c);
      if (ref) spec.foreignKeys.push({ target: { kind: 'text', text: ref.targets[0] }, name: constraintName, ondelete: ref.ondelete, onupdate: ref.onupdate });
    } else if (c.eat('CHECK')) {
      const expr = c.group();
      if (expr) constraints.push({ kind: 'check', name: constraintName, sql: c.text(expr) });
    } else {
      // COLLATE x, GENERATED ... AS (...), AUTO_INCREMENT, COMMENT '...', ON UPDATE ...: nothing tracked.
      c.item();
      continue;
    }
    constraintName = undefined;
  }
  return { spec, constraints };
}

function atColumnConstraint(c: Cursor): boolean {
  const k = c.kw();
  return !!k && (COLUMN_STOPS.has(k) || (k === 'CHARACTER' && c.kw(1) === 'SET'));
}

/** The expression after DEFAULT, as a server default (none for `DEFAULT NULL`). */
function readDefault(c: Cursor): ServerDefault | undefined {
  const tokens: Token[] = [...c.item()];
  while (!c.done && !(c.kw() && DEFAULT_STOPS.has(c.kw()!))) tokens.push(...c.item());
  const text = c.text(tokens);
  return text.toUpperCase() === 'NULL' ? undefined : { text, key: serverDefaultKey(text) };
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
  year: t('mysql.YEAR'), enum: t('sa.Enum'),
};

/** Words after a type name that do not change how Alembic compares it. */
const TYPE_MODIFIERS = new Set(['unsigned', 'signed', 'zerofill']);

/** The SQLAlchemy type a SQL type reflects as; unknown names keep their text and are never compared. */
function readType(c: Cursor, tokens: Token[]): { type?: SqlType; serial: boolean } {
  if (tokens.length === 0) return { serial: false };
  const text = c.text(tokens);
  const words: string[] = [];
  const numbers: number[] = [];
  const strings: string[] = [];
  let array = false;
  for (const tok of tokens) {
    if (tok.t === 'word' && !TYPE_MODIFIERS.has(tok.v.toLowerCase())) words.push(tok.v.toLowerCase());
    else if (tok.t === 'num') numbers.push(Number(tok.v));
    else if (tok.t === 'str') strings.push(tok.v);
    else if (tok.t === 'punct' && tok.v === '[') array = true;
  }
  const key = words.join(' ');
  const known = SQL_TYPES[key];
  let type: SqlType;
  if (known) {
    const args: Record<string, Scalar> = { ...known.args };
    (known.params ?? []).forEach((p, k) => {
      if (numbers[k] !== undefined) args[p] = numbers[k];
    });
    type = makeType(known.canonical, args, text);
    if (key === 'enum' && strings.length) type.enumValues = strings;
  } else type = makeType(key.toUpperCase().replace(/ /g, '_'), {}, text);
  if (array) return { type: { ...makeType('sa.ARRAY', {}, text), item: type }, serial: false };
  return { type, serial: !!known?.serial };
}
