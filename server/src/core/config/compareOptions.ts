import { innerBlocks, statementExpressions, subExprs, type Expr, type Keyword, type Stmt } from '../python/syntax';
import type { Resolver } from '../python/resolve';
import { evalLiteral } from '../python/literals';
import type { SchemaChange } from '../diff/diffSchemas';
import type { IndexDef } from '../schema/schema';
import { loweredToNote } from '../findings';
import { alembicComparingChecksByDefault, alembicWithoutCheckComparison, alembicWithoutTypeComparison, sqlalchemyWithoutExpressionIndexes } from './packageRequirements';

/**
 * What the environment's autogenerate compares beyond tables, columns, nullability, indexes and constraints, as
 * env.py asks `context.configure(...)`: server defaults only with `compare_server_default=` set (Alembic's default is
 * off), types unless `compare_type=False` (on by default since Alembic 1.12). `undefined`: env.py does not say in a
 * way we can read (it calls no `configure(...)`, or passes options built elsewhere, then `spread`), so nothing is
 * assumed, but a server default's difference is only a note where options are spread (Alembic's default is off). And how
 * it writes revisions: `render_as_batch=` (per-table changes in batch blocks). Named CHECK constraints only where
 * `autogenerate_plugins=` names the `checkconstraint_byname` plugin (opt-in since Alembic 1.19.2; 1.19.0 and 1.19.1
 * had it on by default, and Alembic before 1.19 compares none).
 */
export interface CompareOptions {
  serverDefault?: boolean;
  type?: boolean;
  /** `type` is Alembic's default (env.py does not set compare_type), which depends on the Alembic version. */
  typeByDefault?: true;
  /** The project's requirement of an Alembic before 1.12 (`alembic==1.8.1`), whose default leaves types alone. */
  typeOffBy?: string;
  /** The comparison functions env.py passes as these options (by name): they decide column by column, at run time. */
  functions?: { serverDefault?: string; type?: string };
  renderAsBatch?: boolean;
  /**
   * `'default'`: env.py writes no `autogenerate_plugins`, and Alembic's default plugins decide, which depends on its
   * version: they compare named CHECK constraints in 1.19.0 and 1.19.1 alone (off here unless a requirement says so).
   */
  checkConstraints?: boolean | 'default';
  /** The project's requirement of an Alembic before 1.19 (`alembic==1.18.5`), which compares no CHECK constraint. */
  checksOffBy?: string;
  /**
   * The project's requirement of a SQLAlchemy before 2.0 (`sqlalchemy<2`) on PostgreSQL or SQLite (or a database not
   * known), whose inspector skips indexes on expressions: Alembic sees none in the database, and leaves the model's out.
   */
  expressionIndexesOffBy?: string;
  /** `version_table="..."`: the table Alembic keeps the revision in, in place of alembic_version. */
  versionTable?: string;
  /** env.py spreads options from something it does not spell out (`**self.context_kwargs`): those may set any. */
  spread?: true;
}

/** The plugin names that turn on the comparison of named CHECK constraints (Alembic 1.19.2 on, and 1.19.0's own name). */
const CHECK_PLUGINS = new Set(['alembic.ext.checkconstraint_byname', 'alembic.ext.*', 'alembic.autogenerate.checkconstraint_byname']);

/** The options that are on or off. */
type CompareFlag = Exclude<keyof CompareOptions, 'functions' | 'versionTable' | 'typeByDefault' | 'typeOffBy' | 'checksOffBy' | 'expressionIndexesOffBy' | 'spread'>;

/** The keyword that sets each option. */
const KEYWORDS = new Map<string, CompareFlag>([
  ['compare_server_default', 'serverDefault'],
  ['compare_type', 'type'],
  ['render_as_batch', 'renderAsBatch'],
  ['autogenerate_plugins', 'checkConstraints'],
]);

/** An `autogenerate_plugins` list that names the CHECK constraint plugin (and does not exclude it with `~`). */
const namesCheckPlugin = (v: unknown): boolean =>
  Array.isArray(v) && v.some((p) => typeof p === 'string' && CHECK_PLUGINS.has(p)) && !v.some((p) => typeof p === 'string' && p.startsWith('~') && CHECK_PLUGINS.has(p.slice(1)));

/**
 * An `autogenerate_plugins` list that keeps Alembic's default (`alembic.autogenerate.*`) and does not exclude the CHECK
 * constraint plugin by its 1.19 name: it picks the plugin as the default does, by version (on in 1.19.0 and 1.19.1).
 */
const keepsDefaultPlugins = (v: unknown): boolean =>
  Array.isArray(v) && v.includes('alembic.autogenerate.*') && !v.includes('~alembic.autogenerate.checkconstraint_byname');

/** A column of an index sorted (`id DESC`, `"name" ASC NULLS LAST`): SQLAlchemy 1.x reflects it as the column. */
const SORTED_COLUMN = /^\s*(?:"[^"]+"|[\w$]+)(?:\s+(?:asc|desc))?(?:\s+nulls\s+(?:first|last))?\s*$/i;

/**
 * Whether an index of this side is on an expression that Alembic under SQLAlchemy 1.x passes over: in the database,
 * one of its columns is no column, sorted or not (the inspector reads `id DESC` as the column); in the model, any
 * `text(...)` among its columns (Alembic skips such a "functional index").
 */
const onExpressions = (index: IndexDef, side: 'add-index' | 'drop-index'): boolean => !!index.expressions && (side === 'add-index' || index.columns.some((c) => !SORTED_COLUMN.test(c)));

/** A value Python reads as true (undefined: a value that could not be evaluated, so not known to be true). */
const truthy = (v: unknown): boolean => v !== undefined && v !== false && v !== null && v !== 0 && v !== '';

/** How deep a value is followed through the names it is bound to (a name bound to itself ends there). */
const MAX_DEPTH = 20;

type Call = Extract<Expr, { k: 'call' }>;
type DefStmt = Extract<Stmt, { k: 'def' }>;

/**
 * What a name a function binds may hold: an expression assigned to it; the function itself for its `**` parameter
 * (the keywords its callers pass); `'outer'` for the value it has outside the function (a dict of the module that the
 * function adds keys to); or `'unknown'` (another parameter, a loop variable, `with ... as`, an import).
 */
type Bound = Expr | DefStmt | 'outer' | 'unknown';

/**
 * The names the functions around a statement bind, each with every value it is given there; a name not in it is
 * the module's. `d["k"] = v` and `d.update(k=v)` count as more values of `d` (dicts, whose keys add up).
 */
type Scope = ReadonlyMap<string, readonly Bound[]>;

/** No function around: every name is the module's. */
const MODULE_SCOPE: Scope = new Map();

/**
 * Reads what env.py asks autogenerate to compare from its syntax (env.py is never run): the `compare_server_default`
 * and `compare_type` keywords of every `configure(...)` call, through constants, local variables, dicts spread with
 * `**` and a helper's `**kw` passed by its callers; where env.py spreads Flask-Migrate's `configure_args`, those of the
 * project's `Migrate(...)` and its `init_app(...)` in `migrateFiles`, the files whose text calls `Migrate(`
 * (Flask-Migrate sets `compare_type=True` itself).
 */
export function readCompareOptions({ resolver, file, migrateFiles }: { resolver: Resolver; file: string; migrateFiles?: () => Iterable<string> }): CompareOptions {
  const env = new OptionsReader(resolver);
  let configured = false;
  forEachCall(resolver.moduleBody(file), MODULE_SCOPE, (call, scope) => {
    if (calleeName(call) !== 'configure') return;
    configured = true;
    env.keywords(file, call.kw, scope, 0);
  });
  if (!configured) {
    // A framework may call Alembic's configure() for env.py (`Alembic(context).run_migrations()` in a module it
    // imports): its options are those.
    for (const imported of importedFiles(resolver, file)) {
      forEachCall(resolver.moduleBody(imported), MODULE_SCOPE, (call, scope) => {
        if (calleeName(call) !== 'configure' || !call.kw.some((k) => k.name !== null && CONFIGURE_KEYWORDS.has(k.name))) return;
        configured = true;
        env.keywords(imported, call.kw, scope, 0);
      });
    }
  }
  if (!configured) return {};
  if (!env.flaskMigrate) return withFunctions(settle(env.found, env.unknown), env.functions);
  const migrate = new OptionsReader(resolver);
  for (const f of migrateFiles?.() ?? []) {
    forEachCall(resolver.moduleBody(f), MODULE_SCOPE, (call, scope) => {
      if (isMigrateCall(resolver, f, call, scope)) migrate.keywords(f, call.kw, scope, 0);
    });
  }
  const found = {
    serverDefault: env.found.serverDefault ?? migrate.found.serverDefault,
    type: env.found.type ?? migrate.found.type,
    renderAsBatch: env.found.renderAsBatch ?? migrate.found.renderAsBatch,
    checkConstraints: env.found.checkConstraints ?? migrate.found.checkConstraints,
    versionTable: env.found.versionTable,
  };
  return withFunctions(settle(found, env.unknown || migrate.unknown), { ...migrate.functions, ...env.functions });
}

/** The options, with the comparison functions that decide those that are on. */
function withFunctions(options: CompareOptions, functions: CompareOptions['functions']): CompareOptions {
  const on = Object.entries(functions ?? {}).filter(([option]) => options[option as 'serverDefault' | 'type'] === true);
  return on.length > 0 ? { ...options, functions: Object.fromEntries(on) } : options;
}

/** The options as found, with the defaults where none is written, unless options were spread from elsewhere. */
function settle(found: CompareOptions, unknown: boolean): CompareOptions {
  // Options spread from something env.py does not spell out may set either.
  const versionTable = found.versionTable !== undefined ? { versionTable: found.versionTable } : {};
  if (unknown) {
    const onlyIfTrue = (v: unknown): true | undefined => (v === true ? true : undefined);
    // Written beside the spread, a keyword is final: the spread cannot give it again (Python refuses a repeated keyword).
    return { serverDefault: found.serverDefault === false ? false : onlyIfTrue(found.serverDefault), type: found.type === false ? false : undefined, renderAsBatch: onlyIfTrue(found.renderAsBatch), checkConstraints: onlyIfTrue(found.checkConstraints), ...versionTable, spread: true };
  }
  const typeByDefault = found.type === undefined ? { typeByDefault: true as const } : {};
  return { serverDefault: found.serverDefault ?? false, type: found.type ?? true, ...typeByDefault, renderAsBatch: found.renderAsBatch ?? false, checkConstraints: found.checkConstraints ?? 'default', ...versionTable };
}

/**
 * Collects the options written as keywords: an option is false when every occurrence's value is `False`, true when
 * some occurrence's is anything else (Alembic tests `is False`: `None`, `0` and a comparison function all compare),
 * undefined when none is written.
 */
class OptionsReader {
  readonly found: CompareOptions = {};
  /** The comparison functions passed as options, by name. */
  readonly functions: NonNullable<CompareOptions['functions']> = {};
  /** Keywords were spread from something not read (a parameter, a call, a setting): any option may be set there. */
  unknown = false;
  /** Flask-Migrate's `configure_args` are spread: the options are those of the project's `Migrate(...)`. */
  flaskMigrate = false;
  /** The version table names written, and whether one could not be read. */
  private readonly versionTables = new Set<string>();
  private versionTableUnread = false;
  /** The calls of each file read, found when a `**` parameter is followed to its callers. */
  private readonly calls = new Map<string, Array<{ call: Call; scope: Scope }>>();
  /** The functions whose callers are being read (a function that passes its keywords to itself ends there). */
  private readonly following = new Set<DefStmt>();

  constructor(private readonly resolver: Resolver) {}

  /** Reads the keywords of a call (or of a `dict(...)`), spreads included. */
  keywords(file: string, kw: Keyword[], scope: Scope, depth: number): void {
    for (const k of kw) {
      if (k.name === null) this.spread(file, k.value, scope, depth + 1);
      else this.option(file, k.name, k.value, scope);
    }
  }

  private option(file: string, name: string, value: Expr, scope: Scope): void {
    if (name === 'version_table') {
      // One name wherever configure() is called (online and offline alike), or none is known.
      const named = this.always(file, value, scope, 0, (v) => {
        if (typeof v === 'string') this.versionTables.add(v);
        return typeof v === 'string';
      });
      if (!named) this.versionTableUnread = true;
      this.found.versionTable = !this.versionTableUnread && this.versionTables.size === 1 ? [...this.versionTables][0] : undefined;
      return;
    }
    const option = KEYWORDS.get(name);
    if (!option) return;
    // Alembic tests the compare options with `is False` (None, 0 and a comparison function compare); render_as_batch
    // by Python truth, and only a value known to be true counts (batch blocks where autogenerate writes none are wrong).
    if (option === 'serverDefault' || option === 'type') {
      const fn = this.functionName(file, value, scope);
      if (fn) this.functions[option] = fn;
    }
    if (option === 'checkConstraints') {
      const state = this.always(file, value, scope, 0, namesCheckPlugin) ? true : this.always(file, value, scope, 0, keepsDefaultPlugins) ? 'default' : false;
      const before = this.found.checkConstraints;
      this.found.checkConstraints = before === true || state === true ? true : before === 'default' || state === 'default' ? 'default' : false;
      return;
    }
    const on = option === 'renderAsBatch' ? this.always(file, value, scope, 0, truthy) : !this.always(file, value, scope, 0, (v) => v === false);
    this.found[option] = this.found[option] === true || on;
  }

  /** The name of the function a value is (a `def` of env.py or of a module it imports, or a lambda), if it is one. */
  private functionName(file: string, value: Expr, scope: Scope): string | undefined {
    if (value.k === 'other' && value.text.startsWith('lambda')) return 'a lambda';
    if (value.k !== 'name' && value.k !== 'attr') return undefined;
    const local = value.k === 'name' ? scope.get(value.id) : undefined;
    if (local) return local.some((b) => b !== 'unknown' && b !== 'outer' && b.k === 'def') && value.k === 'name' ? value.id : undefined;
    return this.resolver.resolve(file, value).t === 'def' ? (value.k === 'name' ? value.id : value.name) : undefined;
  }

  /** Whether a value passes `test` however it is reached: written so, or through every binding of the names it uses. */
  private always(file: string, value: Expr, scope: Scope, depth: number, test: (v: unknown) => boolean): boolean {
    if (depth > MAX_DEPTH) return false;
    const local = value.k === 'name' ? scope.get(value.id) : undefined;
    if (local) return local.every((b) => b !== 'unknown' && (b === 'outer' ? this.always(file, value, MODULE_SCOPE, depth + 1, test) : b.k !== 'def' && this.always(file, b, scope, depth + 1, test)));
    return test(evalLiteral(this.resolver, file, value));
  }

  /** What `**value` passes: Flask-Migrate's `configure_args`, a dict whose keys are read, or something unknown. */
  private spread(file: string, value: Expr, scope: Scope, depth: number): void {
    if (depth > MAX_DEPTH) {
      this.unknown = true;
      return;
    }
    if (value.k === 'attr' && value.name === 'configure_args') {
      this.flaskMigrate = true;
      return;
    }
    if (value.k === 'dict') {
      for (const [key, v] of value.entries) {
        if (key === null) {
          this.spread(file, v, scope, depth + 1);
          continue;
        }
        const name = evalLiteral(this.resolver, file, key);
        if (typeof name === 'string') this.option(file, name, v, scope);
        else this.unknown = true;
      }
      return;
    }
    if (value.k === 'call' && value.fn.k === 'name' && value.fn.id === 'dict' && !scope.has('dict')) {
      for (const a of value.args) this.spread(file, a, scope, depth + 1);
      this.keywords(file, value.kw, scope, depth);
      return;
    }
    const local = value.k === 'name' ? scope.get(value.id) : undefined;
    if (local) {
      for (const b of local) {
        if (b === 'unknown') this.unknown = true;
        else if (b === 'outer') this.spread(file, value, MODULE_SCOPE, depth + 1);
        else if (b.k === 'def') this.callersKeywords(file, b, depth + 1);
        else this.spread(file, b, scope, depth + 1);
      }
      return;
    }
    if (value.k === 'name' || value.k === 'attr') {
      const bound = this.resolver.resolve(file, value);
      if (bound.t === 'expr') {
        this.spread(bound.file, bound.e, MODULE_SCOPE, depth + 1);
        return;
      }
    }
    this.unknown = true;
  }

  /**
   * The keywords a function's callers in its file pass to its `**` parameter (`def run(**kw): context.configure(**kw)`
   * called as `run(compare_type=False)`); unknown when nothing there calls it by name.
   */
  private callersKeywords(file: string, def: DefStmt, depth: number): void {
    const named = new Set(def.params.filter((p) => !p.star).map((p) => p.name));
    const callers = this.callsIn(file).filter(({ call }) => call.fn.k === 'name' && call.fn.id === def.name);
    if (callers.length === 0 || this.following.has(def)) {
      this.unknown = true;
      return;
    }
    this.following.add(def);
    for (const { call, scope } of callers) this.keywords(file, call.kw.filter((k) => k.name === null || !named.has(k.name)), scope, depth);
    this.following.delete(def);
  }

  private callsIn(file: string): Array<{ call: Call; scope: Scope }> {
    let calls = this.calls.get(file);
    if (!calls) {
      const found: Array<{ call: Call; scope: Scope }> = [];
      forEachCall(this.resolver.moduleBody(file), MODULE_SCOPE, (call, scope) => found.push({ call, scope }));
      this.calls.set(file, (calls = found));
    }
    return calls;
  }
}

/** Keywords only Alembic's `EnvironmentContext.configure` takes, which tell its calls from other `configure(...)`s. */
const CONFIGURE_KEYWORDS = new Set(['target_metadata', 'compare_type', 'compare_server_default', 'include_object', 'include_name', 'render_as_batch', 'version_table', 'process_revision_directives']);

/** The project files env.py's top-level imports name: the modules it imports, and those of the names it imports. */
function importedFiles(resolver: Resolver, file: string): string[] {
  const out = new Set<string>();
  for (const s of resolver.moduleBody(file)) {
    if (s.k === 'import') {
      const module = resolver.findModule(s.module, file);
      if (module) out.add(module);
    } else if (s.k === 'from') {
      for (const n of s.names) {
        const v = resolver.lookup(file, n.asname ?? n.name);
        if (v.t === 'module' || v.t === 'class' || v.t === 'def') out.add(v.file);
      }
    }
  }
  out.delete(file);
  return [...out];
}

/** The keyword arguments of every `configure(...)` call in the statements (nested in functions too). */
export function configureKeywords(body: Stmt[]): Keyword[] {
  const out: Keyword[] = [];
  forEachCall(body, MODULE_SCOPE, (call) => {
    if (calleeName(call) === 'configure') out.push(...call.kw);
  });
  return out;
}

/** The name a call calls: `configure` for `context.configure(...)` and for `configure(...)`. */
function calleeName(call: Call): string | undefined {
  return call.fn.k === 'name' ? call.fn.id : call.fn.k === 'attr' ? call.fn.name : undefined;
}

/** A `Migrate(...)` call, or an `init_app(...)` call on the object one made (`migrate.init_app(app, db, ...)`). */
function isMigrateCall(resolver: Resolver, file: string, call: Call, scope: Scope): boolean {
  const name = calleeName(call);
  if (name === 'Migrate') return true;
  if (name !== 'init_app' || call.fn.k !== 'attr') return false;
  const receiver = call.fn.obj;
  const isMigrate = (e: Expr): boolean => e.k === 'call' && calleeName(e) === 'Migrate';
  const ofModule = (): boolean => {
    if (isMigrate(receiver)) return true;
    const bound = receiver.k === 'name' || receiver.k === 'attr' ? resolver.resolve(file, receiver) : undefined;
    return bound?.t === 'expr' && isMigrate(bound.e);
  };
  const local = receiver.k === 'name' ? scope.get(receiver.id) : undefined;
  return local ? local.some((b) => (b === 'outer' ? ofModule() : b !== 'unknown' && b.k !== 'def' && isMigrate(b))) : ofModule();
}

/** Calls `visit` on every call in the statements, nested ones included, with the scope of the functions around it. */
function forEachCall(body: Stmt[], scope: Scope, visit: (call: Call, scope: Scope) => void): void {
  const inExpr = (e: Expr | undefined): void => {
    if (!e) return;
    if (e.k === 'call') visit(e, scope);
    for (const c of subExprs(e)) inExpr(c);
  };
  for (const s of body) {
    statementExpressions(s).forEach(inExpr);
    if (s.k === 'def') forEachCall(s.body, functionScope(s, scope), visit);
    else if (s.k === 'class') forEachCall(s.body, scope, visit);
    else for (const block of innerBlocks(s)) forEachCall(block, scope, visit);
  }
}

/** The scope inside a function: the enclosing one, with the names the function binds in place of theirs. */
function functionScope(def: DefStmt, outer: Scope): Scope {
  const own = new Map<string, Bound[]>();
  /** Keys added to dicts: `d["k"] = v` and `d.update(k=v)`, as dicts of their own. */
  const added = new Map<string, Expr[]>();
  const push = <T>(map: Map<string, T[]>, name: string, value: T): void => {
    const list = map.get(name);
    if (list) list.push(value);
    else map.set(name, [value]);
  };
  const bind = (name: string, value: Bound): void => push(own, name, value);
  const add = (name: string, dict: Expr): void => push(added, name, dict);
  const unknown = (target: Expr): void => {
    if (target.k === 'name') bind(target.id, 'unknown');
    else if (target.k === 'tuple' || target.k === 'list') target.items.forEach(unknown);
    else if (target.k === 'starred') unknown(target.value);
  };
  for (const p of def.params) bind(p.name, p.star === '**' ? def : 'unknown');
  const collect = (body: Stmt[]): void => {
    for (const s of body) {
      if (s.k === 'assign' && s.value) {
        const value = s.value;
        for (const t of s.targets) {
          if (t.k === 'name') bind(t.id, value);
          else if (t.k === 'subscript' && t.obj.k === 'name' && t.index.length === 1) add(t.obj.id, { k: 'dict', entries: [[t.index[0], value]], s: t.s });
          else unknown(t);
        }
      } else if (s.k === 'expr') {
        const v = s.value;
        if (v.k === 'call' && v.fn.k === 'attr' && v.fn.name === 'update' && v.fn.obj.k === 'name') add(v.fn.obj.id, { k: 'call', fn: { k: 'name', id: 'dict', s: v.fn.s }, args: v.args, kw: v.kw, s: v.s });
      } else if (s.k === 'class' || s.k === 'def') {
        bind(s.name, 'unknown');
      } else if (s.k === 'import') {
        bind(s.asname ?? s.module.split('.')[0], 'unknown');
      } else if (s.k === 'from') {
        for (const n of s.names) bind(n.asname ?? n.name, 'unknown');
      } else if (s.k === 'with') {
        for (const item of s.items) if (item.as) bind(item.as, 'unknown');
      } else if (s.k === 'for') {
        unknown(s.target);
      }
      innerBlocks(s).forEach(collect);
    }
  };
  collect(def.body);
  // Keys added to a dict the function does not bind itself go to the enclosing function's, or the module's.
  added.forEach((dicts, name) => own.set(name, [...(own.get(name) ?? outer.get(name) ?? ['outer']), ...dicts]));
  return own.size === 0 ? outer : new Map([...outer, ...own]);
}

/**
 * The options as the Alembic and SQLAlchemy the project requires settle them (`requirements`: the files that say what
 * it requires): compare_type left to Alembic's default is off before 1.12; no CHECK constraint is compared before
 * 1.19, whatever env.py says, and named ones are on 1.19.0 and 1.19.1 unless env.py writes its own
 * `autogenerate_plugins`; indexes on expressions are compared on neither side before SQLAlchemy 2.0 on PostgreSQL,
 * whose inspector skips them there (Alembic warns that it skips the model's), nor where the database is not known
 * (most such indexes are PostgreSQL's; MySQL's inspector reads them otherwise; SQLite's never does, and whether
 * Alembic skips the model's there depends on its own version, which is not judged).
 */
export function settleByRequirements({ options, requirements, dialect }: { options: CompareOptions; requirements: Array<{ path: string; text: string }>; dialect?: string }): CompareOptions {
  const typeOffBy = options.typeByDefault ? alembicWithoutTypeComparison(requirements) : undefined;
  const checksOffBy = alembicWithoutCheckComparison(requirements);
  const checksOn = !checksOffBy && options.checkConstraints === 'default' && alembicComparingChecksByDefault(requirements) !== undefined;
  const expressionIndexesOffBy = dialect === undefined || dialect === 'postgresql' ? sqlalchemyWithoutExpressionIndexes(requirements) : undefined;
  if (!typeOffBy && !checksOffBy && !checksOn && !expressionIndexesOffBy) return options;
  return { ...options, ...(typeOffBy && { type: false, typeOffBy }), ...(checksOffBy ? { checkConstraints: false, checksOffBy } : checksOn ? { checkConstraints: true } : {}), ...(expressionIndexesOffBy && { expressionIndexesOffBy }) };
}

/**
 * Lowers to information the findings of what this environment's autogenerate does not compare: a server default
 * unless env.py turns `compare_server_default` on, a type when it sets `compare_type=False` (or the Alembic required
 * leaves it off), a CHECK constraint where its plugin is off, an index on expressions where the SQLAlchemy required
 * does not reflect one (see `settleByRequirements`). They are still real differences, but `alembic check` and
 * `revision --autogenerate` are silent on them, so they are notes (and a written revision leaves them out, as
 * autogenerate does). The changes are copies: the diff's own are remembered.
 */
export function applyCompareOptions(all: SchemaChange[], options: CompareOptions): SchemaChange[] {
  // A server default that only backs a Python-side default: reported where compare_server_default is on, as Alembic.
  const changes = options.serverDefault === true ? all : all.filter((c) => !(c.kind === 'alter-column' && c.backfill));
  // Alembic's default plugins leave CHECK constraints out, but for versions a requirement picks out (see settleByRequirements).
  const checksOff = options.checkConstraints === false || options.checkConstraints === 'default';
  if (options.serverDefault !== false && !options.spread && options.type !== false && !checksOff && !options.functions && !options.expressionIndexesOffBy) return changes;
  return changes.map((c): SchemaChange => {
    const f = c.finding;
    if (f.severity !== 'warning' && f.severity !== 'error') return c;
    // A comparison function may say either way for each column, and only when it runs.
    const decider = f.code === 'default-mismatch' ? ['compare_server_default', options.functions?.serverDefault] : f.code === 'type-mismatch' ? ['compare_type', options.functions?.type] : [];
    // Options spread from elsewhere (`**self.context_kwargs`) may turn it on; Alembic's default is off.
    if (f.code === 'default-mismatch' && options.serverDefault === undefined && options.spread) return { ...c, finding: loweredToNote(f, "Alembic compares it only if options env.py spreads from elsewhere turn compare_server_default on (its default is off).") };
    if (decider[1]) return { ...c, finding: loweredToNote(f, `Alembic compares it only if env.py's ${decider[0]}=${decider[1] === 'a lambda' ? 'lambda' : decider[1]} says so: a function that decides column by column when it runs.`) };
    const why =
      f.code === 'default-mismatch' && options.serverDefault === false ? 'env.py leaves compare_server_default off'
      : f.code === 'type-mismatch' && options.type === false ? (options.typeOffBy ? `the project requires ${options.typeOffBy}, whose autogenerate compares types only where env.py sets compare_type (the default since Alembic 1.12)` : 'env.py sets compare_type=False')
      : (f.code === 'missing-check' || f.code === 'extra-check') && checksOff ? (options.checksOffBy ? `the project requires ${options.checksOffBy}, whose autogenerate does not compare CHECK constraints (named ones are compared from Alembic 1.19 on)` : "env.py's autogenerate_plugins do not name alembic.ext.checkconstraint_byname")
      : (c.kind === 'add-index' || c.kind === 'drop-index') && options.expressionIndexesOffBy && onExpressions(c.index, c.kind) ? `the project requires ${options.expressionIndexesOffBy}, whose inspector does not reflect indexes on expressions${c.kind === 'add-index' ? ', so Alembic leaves the model\'s out too' : ''}`
      : undefined;
    return why ? { ...c, finding: loweredToNote(f, `Alembic does not compare it here: ${why}.`) } : c;
  });
}

