import type { ColumnDef, IdentitySpec, Scalar, ServerDefault, SqlType } from '../schema/schema';
import { parsePyString, pyRepr, pyStr } from './python';

/** What rendering collects besides the text: the imports the revision needs and notes for a human. */
export interface RenderContext {
  imports: Set<string>;
  /** `# TODO` lines to put before the op being rendered. */
  notes: string[];
  dialect?: string;
  /** What is being written, for the notes (`"users.email"`). */
  where?: string;
}

/** A constructor parameter: its name and, when omitting it is safe, the default SQLAlchemy leaves out of `repr()`. */
type Param = readonly [name: string, defaultValue?: Scalar];

const STRING: Param[] = [['length'], ['collation']];
const NONE: Param[] = [];
const TZ: Param[] = [['timezone', false]];
const FLOAT: Param[] = [['precision'], ['asdecimal', false], ['decimal_return_scale']];
const NUMERIC: Param[] = [['precision'], ['scale'], ['decimal_return_scale'], ['asdecimal', true]];
const BINARY: Param[] = [['length']];
const BOOLEAN: Param[] = [['create_constraint', false], ['name']];
const UUID: Param[] = [['as_uuid'], ['native_uuid', true]];
const ARRAY_REST: Param[] = [['as_tuple', false], ['dimensions'], ['zero_indexes', false]];

/** SQLAlchemy's generic types (rendered `sa.X(...)`), with their parameters in constructor order. */
const CORE_TYPES: Record<string, Param[]> = {
  String: STRING, VARCHAR: STRING, Unicode: STRING, NVARCHAR: STRING, CHAR: STRING, NCHAR: STRING,
  Text: STRING, TEXT: STRING, UnicodeText: STRING, CLOB: STRING,
  Integer: NONE, INTEGER: NONE, INT: NONE, BigInteger: NONE, BIGINT: NONE, SmallInteger: NONE, SMALLINT: NONE,
  Date: NONE, DATE: NONE, DateTime: TZ, DATETIME: TZ, TIMESTAMP: TZ, Time: TZ, TIME: TZ,
  Interval: [['native', true], ['second_precision'], ['day_precision']],
  Boolean: BOOLEAN, BOOLEAN: BOOLEAN,
  Float: FLOAT, FLOAT: FLOAT, Double: FLOAT, DOUBLE: FLOAT, DOUBLE_PRECISION: FLOAT, REAL: FLOAT,
  Numeric: NUMERIC, NUMERIC: NUMERIC, DECIMAL: NUMERIC,
  JSON: [['none_as_null', false]],
  LargeBinary: BINARY, BLOB: BINARY, BINARY: BINARY, VARBINARY: BINARY, PickleType: NONE,
  Uuid: UUID, UUID: UUID,
};

/** Dialect types whose parameters we know; other dialect types render their arguments by name. */
const DIALECT_TYPES: Record<string, Param[]> = {
  'postgresql.UUID': [['as_uuid']],
  'postgresql.TIMESTAMP': [['timezone', false], ['precision']],
  'postgresql.TIME': [['timezone', false], ['precision']],
  'postgresql.INTERVAL': [['precision'], ['fields']],
  'postgresql.BIT': [['length'], ['varying', false]],
  'postgresql.BYTEA': [['length']],
  'postgresql.DOUBLE_PRECISION': FLOAT,
  'mysql.TINYINT': [['display_width'], ['unsigned', false], ['zerofill', false]],
  'mysql.INTEGER': [['display_width'], ['unsigned', false], ['zerofill', false]],
  'mysql.BIGINT': [['display_width'], ['unsigned', false], ['zerofill', false]],
  'mysql.VARCHAR': STRING,
  'mysql.LONGTEXT': STRING,
  'mysql.MEDIUMTEXT': STRING,
};

/** PostgreSQL JSON types always carry their text type in `repr()`, as Alembic writes them. */
const PG_TEXT_TYPED: Record<string, string> = { 'postgresql.JSONB': 'astext_type', 'postgresql.JSON': 'astext_type', 'postgresql.HSTORE': 'text_type' };

/** The Python modules a rendered type may need, by the root of its canonical name. */
const MODULES: Record<string, { prefix: string; import: string }> = {
  postgresql: { prefix: 'postgresql.', import: 'from sqlalchemy.dialects import postgresql' },
  mysql: { prefix: 'mysql.', import: 'from sqlalchemy.dialects import mysql' },
  sqlite: { prefix: 'sqlite.', import: 'from sqlalchemy.dialects import sqlite' },
  mssql: { prefix: 'mssql.', import: 'from sqlalchemy.dialects import mssql' },
  oracle: { prefix: 'oracle.', import: 'from sqlalchemy.dialects import oracle' },
  sautils: { prefix: 'sqlalchemy_utils.', import: 'import sqlalchemy_utils' },
};

function renderArgs(args: Record<string, Scalar>, params: readonly Param[]): string[] {
  const out: string[] = [];
  const known = new Set(params.map(([name]) => name));
  for (const [name, dflt] of params) {
    const v = args[name];
    if (v === undefined || (params.length > 0 && v === dflt && dflt !== undefined)) continue;
    out.push(`${name}=${pyRepr(v)}`);
  }
  for (const name of Object.keys(args).sort()) {
    if (!known.has(name) && args[name] !== undefined) out.push(`${name}=${pyRepr(args[name])}`);
  }
  return out;
}

/** The literal arguments of a type as `name=value`, known parameters first in constructor order, defaults left out. */
export function typeArguments(t: SqlType): string[] {
  return renderArgs(t.args, (t.name.includes('.') ? DIALECT_TYPES[t.name] : CORE_TYPES[t.name]) ?? []);
}

/** `sa.Enum('a', 'b', name='x')`, or the dialect's ENUM with its import. */
function renderEnum(t: SqlType, ctx: RenderContext): string {
  const where = ctx.where ?? 'a column';
  const module = MODULES[t.name.split('.')[0]];
  if (module) ctx.imports.add(module.import);
  const prefix = module && t.name.includes('.') ? module.prefix : 'sa.';
  if (!t.enumValues) {
    ctx.notes.push(`TODO: the values of the enum ${t.text} of ${where} could not be read statically; list them here.`);
    return `${prefix}Enum(${t.enumName ? `name=${pyStr(t.enumName)}` : ''})`;
  }
  const args = t.enumValues.map(pyStr);
  if (t.enumName) args.push(`name=${pyStr(t.enumName)}`);
  if (t.args.native_enum === false) args.push('native_enum=False');
  if (typeof t.args.length === 'number') args.push(`length=${t.args.length}`);
  return `${prefix}Enum(${args.join(', ')})`;
}

/**
 * A column type as Alembic's autogenerate writes it (`sa.String(length=255)`, `sa.Numeric(precision=10, scale=2)`,
 * `postgresql.JSONB(astext_type=sa.Text())` plus its import). A type it cannot write faithfully (a project's own
 * type, an unreadable one) is written as the model spells it, or as `sa.types.NullType()` (`sa.NullType` does not
 * exist), with a TODO note.
 */
export function renderType(t: SqlType | undefined, ctx: RenderContext): string {
  const where = ctx.where ?? 'a column';
  if (!t) {
    ctx.notes.push(`TODO: the type of ${where} could not be read statically; replace sa.types.NullType() with it.`);
    return 'sa.types.NullType()';
  }
  if (t.library) {
    // As autogenerate writes a type of another module (`fastapi_users_db_sqlalchemy.generics.GUID()`), imported.
    ctx.imports.add(`import ${t.library.module}`);
    return `${t.library.module}.${t.library.name}(${renderArgs(t.args, []).join(', ')})`;
  }
  if (t.userType) ctx.notes.push(`TODO: ${where} has the type ${t.userType}, a type of the project's own; it is written here as the type it stores.`);
  const dot = t.name.indexOf('.');
  const root = dot < 0 ? '' : t.name.slice(0, dot);
  const short = dot < 0 ? t.name : t.name.slice(dot + 1);
  if (t.name === 'Enum' || t.name === 'ENUM' || t.name === 'postgresql.ENUM' || t.name === 'mysql.ENUM') return renderEnum(t, ctx);
  if (short === 'ARRAY' && (root === '' || root === 'postgresql')) {
    if (root) ctx.imports.add(MODULES[root].import);
    const item = t.item ? renderType(t.item, ctx) : undefined;
    if (!item) ctx.notes.push(`TODO: the item type of the ARRAY of ${where} could not be read statically.`);
    return `${root ? MODULES[root].prefix : 'sa.'}ARRAY(${[item ?? 'sa.types.NullType()', ...renderArgs(t.args, ARRAY_REST)].join(', ')})`;
  }
  if (root === '' && t.name === 'AutoString') {
    ctx.imports.add('import sqlmodel');
    return `sqlmodel.sql.sqltypes.AutoString(${renderArgs(t.args, STRING).join(', ')})`;
  }
  if (root === '' && CORE_TYPES[t.name]) {
    return `sa.${t.name}(${renderArgs(t.args, CORE_TYPES[t.name]).join(', ')})`;
  }
  const module = MODULES[root];
  if (module) {
    ctx.imports.add(module.import);
    const textArg = PG_TEXT_TYPED[t.name];
    const args = renderArgs(t.args, DIALECT_TYPES[t.name] ?? []).filter((a) => !textArg || !a.startsWith(`${textArg}=`));
    if (textArg) args.push(`${textArg}=sa.Text()`);
    return `${module.prefix}${short}(${args.join(', ')})`;
  }
  const spelled = t.text.replace(/\s+/g, ' ');
  ctx.notes.push(`TODO: ${where} has the type ${spelled}, which alembic-drift cannot write for Alembic; import it in this file or replace it.`);
  return /\(/.test(spelled) ? spelled : `${spelled}()`;
}

/** SQL functions that SQLAlchemy compiles without parentheses (ANSI niladic functions). */
const NILADIC = new Set(['current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp', 'current_user', 'session_user', 'user']);

/** The SQL a server-default expression of the models compiles to, the way Alembic puts it in `sa.text(...)`. */
function serverDefaultSql(text: string, dialect: string | undefined): string | undefined {
  const call = /^((?:[A-Za-z_]\w*\.)*)(\w+)\(\s*(.*?)\s*\)$/s.exec(text.trim());
  if (!call) return undefined;
  const [, qualifier, fn, inner] = call;
  if ((fn === 'text' || fn === 'literal_column') && inner) return parsePyString(inner);
  if (inner) return undefined;
  if (qualifier === 'func.' || qualifier.endsWith('.func.')) {
    const name = fn.toLowerCase();
    if (name === 'now') return dialect === 'sqlite' ? 'CURRENT_TIMESTAMP' : 'now()';
    return NILADIC.has(name) ? name.toUpperCase() : `${fn}()`;
  }
  if (fn === 'true' || fn === 'false') return dialect === 'sqlite' ? (fn === 'true' ? '1' : '0') : fn;
  return undefined;
}

/**
 * A server default as Alembic writes it: a plain string (also one a module constant holds) as a quoted string, SQL
 * (`text(...)`, `func.now()`, `sa.true()`) as `sa.text('...')`. Anything else is written as in the model, with a TODO
 * note.
 */
export function renderServerDefault(sd: ServerDefault | undefined, ctx: RenderContext): string {
  if (!sd) return 'None';
  if (sd.fetched) return 'sa.FetchedValue()';
  // A DEFAULT of DDL is SQL already, as Alembic writes a reflected one.
  if (sd.sql) return `sa.text(${pyStr(sd.text)})`;
  const literal = parsePyString(sd.text) ?? sd.value;
  if (literal !== undefined) return pyStr(literal.replace(/^'|'$/g, ''));
  const sql = serverDefaultSql(sd.text, ctx.dialect);
  if (sql !== undefined) return `sa.text(${pyStr(sql)})`;
  ctx.notes.push(`TODO: the server default of ${ctx.where ?? 'a column'} is written ${sd.text}, which alembic-drift cannot turn into SQL; check it.`);
  return sd.text;
}

/** A `sa.Column(...)` as autogenerate writes it: name, type, server default, nullability. */
export function renderColumn({ column, table }: { column: ColumnDef; table: string }, ctx: RenderContext): string {
  const at = { ...ctx, where: `"${table}.${column.name}"` };
  const opts: string[] = [];
  if (column.serverDefault) opts.push(`server_default=${renderServerDefault(column.serverDefault, at)}`);
  opts.push(`nullable=${column.nullable ? 'True' : 'False'}`);
  const identity = column.identity ? `${renderIdentity(column.identity, at)}, ` : '';
  return `sa.Column(${pyStr(column.name)}, ${renderType(column.type, at)}, ${identity}${opts.join(', ')})`;
}

/** `sa.Identity(always=True, start=1)`, as autogenerate writes it; a TODO when its arguments were not literals. */
function renderIdentity(identity: IdentitySpec, ctx: RenderContext & { where: string }): string {
  if ('options' in identity) return `sa.Identity(${identity.options.map(([k, v]) => `${k}=${pyRepr(v)}`).join(', ')})`;
  ctx.notes.push(`TODO: the Identity of ${ctx.where} is written as ${identity.source} in the model; check its arguments.`);
  return 'sa.Identity()';
}
