import { callsIn, contextManagerParts, contextManagerSwallows, innerBlocks, namesUsedIn, returnedValue, subExprs, type Expr, type Span, type Stmt } from '../python/syntax';
import { canonicalName, exprText, type ClassStmt, type DefStmt, type Resolver, type Value } from '../python/resolve';
import { evalDict, evalLiteral, evalString, evalStringList, isTruthy, literalExpr, type Literal } from '../python/literals';
import { changesTableExistence, CONSTRAINT_OP_KINDS, isKnownOp, ownTableKeys, readBatchTarget, readModelTableCall, readOpCall, type BatchTarget, type Located, type MigrationOp, type OpScope, type ReflectedField } from './ops';
import { existencesOf, type ConstraintType, type DatabaseTest, type Existence, type KeyTest, type ReflectedKey, type RunsWhen } from './databaseTests';
import { tableKey, type SourceRef } from '../schema/schema';
import { calleeName } from '../schema/columns';
import { tablesOf } from './replayGroups';
import { readCatalogQuery, type CatalogQuery } from './catalogQueries';
import { installedSqlParsers } from './sqlParsers';
import { implementationOf, readOpPlugins, type OpPlugins } from './opPlugins';
import { mergeAlternativeArms } from './alternativeArms';

/** An op as the upgrade runs it, with how sure the analysis is that it runs. */
export interface OpStep {
  op: MigrationOp;
  /** Inside (or after a `return` inside) a branch on the database dialect that could not be decided. */
  uncertain: boolean;
  /** Inside a `try:` body: the author expects that it may fail. */
  guarded: boolean;
  /** The undecided branch tests something other than the dialect (what the database holds): the dialect was known, or the test reads what a query returned. */
  notOnDialect?: true;
  /** Inside branches on what the database holds, which the replay decides: the op runs only if each test finds `holds`. */
  when?: RunsWhen[];
  /** The block it runs in, the same object for the ops of one arm or `try:` body (as the walk's flags are). */
  branch?: object;
  /**
   * In an arm of an undecided test on the dialect that each dialect decides: the dialects it runs on (of
   * DIALECT_UNIVERSE), so that arms of two revisions that together run once on every dialect can be told
   * (mergeArmsAcrossRevisions).
   */
  runsOn?: readonly string[];
}

/** The dialects an undecided test on the dialect is asked about, to tell which one an arm runs on. */
const KNOWN_DIALECTS = ['postgresql', 'mysql', 'sqlite', 'mssql', 'oracle'];
/** A dialect none of the known ones is, named as no test names one (with a leading space): each test reads it as a dialect it does not name. */
const ANY_OTHER_DIALECT = ' any other dialect';
/** The dialects an op may run on, as arms tell them: the known ones, and any other (a dialect named otherwise). */
export const DIALECT_UNIVERSE: readonly string[] = [...KNOWN_DIALECTS, ANY_OTHER_DIALECT];

/**
 * Runs the `upgrade()` function of a revision file in the mind: its statements in order, module-level helpers inlined
 * with their arguments bound, loops over literal lists unrolled, batch contexts followed, dialect branches decided
 * when the dialect is known, for one database of a multidb config when `engine` names it. Returns the schema ops it
 * performs.
 */
export function interpretUpgrade({ resolver, file, dialect, engine }: { resolver: Resolver; file: string; dialect?: string; engine?: string }): OpStep[] {
  let upgrade: DefStmt | undefined;
  for (const s of resolver.moduleBody(file)) if (s.k === 'def' && s.name === 'upgrade') upgrade = s;
  if (!upgrade) return [];
  const interpreter = new Interpreter(resolver, dialect, file);
  const wrapped = decoratorWrapper(resolver, file, upgrade);
  if (wrapped) {
    // `@skip_if_sqlite` (ihatemoney): what runs is the function the decorator returns, which calls upgrade() or not.
    const frame = new Frame(wrapped.file, 0, new Set([wrapped.wrapper]));
    frame.set(wrapped.param, { kind: 'value', value: { t: 'def', file, def: upgrade } });
    for (const p of wrapped.wrapper.params) frame.set(p.name, { ...UNKNOWN });
    interpreter.walk(wrapped.wrapper.body, frame, { uncertain: false, guarded: false });
    return interpreter.steps;
  }
  const frame = new Frame(file, 0, new Set([upgrade]));
  for (const [i, p] of upgrade.params.entries()) {
    // Alembic's multidb template runs `upgrade(engine_name)` once per database, with that database's name.
    if (i === 0 && engine !== undefined && p.name !== 'op') {
      frame.set(p.name, { kind: 'value', value: { t: 'expr', file, e: literalExpr(engine, upgrade.s) } });
      continue;
    }
    // NOTE: `def upgrade(op=None)` is how some projects run revisions with their own Operations object. Another
    // parameter may be what env.py passes `run_migrations()`, so it stays unknown, unless its default is a string: the
    // name of the database a multidb env.py's plain `run_migrations()` runs (funnel's `engine_name: str = ''`).
    const v: Var = p.name === 'op' ? { kind: 'value', value: { t: 'ext', q: 'alembic.op' } } : p.default?.k === 'str' ? { kind: 'value', value: { t: 'expr', file, e: p.default } } : { ...UNKNOWN };
    frame.set(p.name, v);
    // Alembic passes upgrade() no `op` (only what env.py gives run_migrations()), so a test of whether one was passed
    // (mindsdb's checkpoint revision starts `if op is None: return`) is decided: it was not.
    if (p.name === 'op' && p.default?.k === 'const' && p.default.v === null) interpreter.unpassedOp = v;
  }
  interpreter.walk(upgrade.body, frame, { uncertain: false, guarded: false });
  return interpreter.steps;
}

/**
 * The function a decorator of the project's own returns in place of `upgrade()`: `def skip_if_sqlite(func):` that
 * defines `def wrapper(*args, **kwargs):` and ends `return wrapper`, with the name the wrapper calls upgrade() by;
 * undefined for an upgrade() with no decorator, several, or one of another form (a library's, a decorator factory).
 */
function decoratorWrapper(resolver: Resolver, file: string, upgrade: DefStmt): { file: string; wrapper: DefStmt; param: string } | undefined {
  if (upgrade.decorators.length !== 1) return undefined;
  const decorator = resolver.resolve(file, upgrade.decorators[0]);
  if (decorator.t !== 'def' || decorator.def.params.length === 0) return undefined;
  const body = decorator.def.body;
  const last = body.at(-1);
  const returned = last?.k === 'return' && last.value?.k === 'name' ? last.value.id : undefined;
  const wrapper = body.find((s): s is DefStmt => s.k === 'def' && s.name === returned);
  const param = decorator.def.params[0].name;
  // Only a wrapper that calls upgrade() itself (not one that hands it to code not read here) says when it runs.
  const callsUpgrade = wrapper !== undefined && callsIn(wrapper.body).some((c) => c.fn.k === 'name' && c.fn.id === param);
  return callsUpgrade ? { file: decorator.file, wrapper, param } : undefined;
}

/** Whether two bindings of a name hold the same thing: values of the same text in the same file. */
function sameBinding(x: Var | undefined, y: Var | undefined): boolean {
  if (x?.kind !== 'value' || y?.kind !== 'value' || !x.source || !y.source) return false;
  return x.source.frame.file === y.source.frame.file && exprText(x.source.e) === exprText(y.source.e);
}

/** The names a statement (one that is not a plain assignment) binds or changes in place: in its blocks, or by a method call (`rows.append(x)`). */
function namesChangedBy(s: Stmt): string[] {
  const out: string[] = [];
  const visit = (st: Stmt): void => {
    if (st.k === 'assign') for (const t of st.targets) out.push(...namesIn(t));
    if (st.k === 'for') out.push(...namesIn(st.target));
    if (st.k === 'with') for (const item of st.items) if (item.as) out.push(item.as);
    if (st.k === 'expr' && st.value.k === 'call' && st.value.fn.k === 'attr' && st.value.fn.obj.k === 'name' && IN_PLACE_CHANGES.has(st.value.fn.name)) out.push(st.value.fn.obj.id);
    for (const block of innerBlocks(st)) for (const inner of block) visit(inner);
  };
  visit(s);
  return out;
}

/** Methods that change a list, set or dict in place. */
const IN_PLACE_CHANGES = new Set(['append', 'extend', 'insert', 'add', 'update', 'remove', 'discard', 'pop', 'clear', 'setdefault']);

/** An expression with the frame it is evaluated in. */
interface InFrame {
  e: Expr;
  frame: Frame;
}

/**
 * What a local name holds: a value (with the expression and frame it came from), a `batch_op`, or a sequence whose
 * items were written in several places (a helper's `*columns`, a list grown with `append`).
 */
type Var =
  | { kind: 'value'; value: Value; source?: InFrame; at?: number }
  | { kind: 'batch'; target: BatchTarget }
  | { kind: 'items'; items: InFrame[] }
  /** An instance of a project class the migration builds (aiida's `ReflectMigrations(op)`), with the attributes it sets. */
  | { kind: 'instance'; cls: { file: string; cls: ClassStmt }; attrs: Map<string, Value> }
  /**
   * A foreign key or unique constraint read from the database, in one pass of a loop over a table's keys (`for fk in
   * inspector.get_foreign_keys(t)`), or picked from them.
   */
  | { kind: 'reflectedKey'; key: ReflectedKey };

const UNKNOWN: Var = { kind: 'value', value: { t: 'unknown' } };

/** The local bindings of one function activation. */
class Frame {
  readonly vars = new Map<string, Var>();
  /** The same bindings as the resolver reads them. */
  readonly locals = new Map<string, Value>();

  constructor(
    readonly file: string,
    readonly depth: number,
    /** The functions being inlined, so recursion stops. */
    readonly active: ReadonlySet<DefStmt>,
  ) {}

  set(name: string, v: Var): void {
    this.vars.set(name, v);
    this.locals.set(name, v.kind === 'value' ? v.value : v.kind === 'instance' ? { t: 'object', attrs: v.attrs } : { t: 'unknown' });
  }

  /** A frame with the bindings of this one as they are now, which later bindings here do not change. */
  copy(): Frame {
    const frame = new Frame(this.file, this.depth, this.active);
    frame.restore(this.vars);
    return frame;
  }

  /** The bindings as they are now, to go back to. */
  snapshot(): Map<string, Var> {
    return new Map(this.vars);
  }

  /** Goes back to bindings taken with `snapshot()`. */
  restore(bindings: Map<string, Var>): void {
    this.vars.clear();
    this.locals.clear();
    for (const [name, v] of bindings) this.set(name, v);
  }
}

interface Flags {
  uncertain: boolean;
  guarded: boolean;
  /** A context manager of the project's around the block may swallow what it raises (a `try:` is `guarded`). */
  catches?: boolean;
  when?: RunsWhen[];
  /** The dialects the block runs on, where only arms that each dialect decides restrict them; all when undefined and not uncertain, unknown when undefined and uncertain. */
  dialects?: readonly string[];
}

/**
 * How a block ended: by a `return`, maybe by one (in an undecided dialect branch: `maybe`; in a branch on what the
 * database or a setting holds: `guarded`; in a branch on what the database holds that the replay decides: what follows
 * runs only under `when`), or by running to its end.
 */
type Flow = 'return' | 'maybe' | 'guarded' | { when: RunsWhen[] } | undefined;

const MAX_INLINE_DEPTH = 8;
/** How many undecided dialect tests deep a conditional assignment still splits the rest of its block in two. */
const MAX_SPLIT_DEPTH = 2;
/** The functions every revision defines, which another revision may call (`module.upgrade()`). */
const REVISION_FUNCTIONS = new Set(['upgrade', 'downgrade']);
/** How many helper calls one revision may inline (each helper may call more helpers, several times). */
const MAX_INLINED = 2000;
const MAX_EXPAND_DEPTH = 20;
/** Names whose presence in an `if` test makes it a test on the database dialect. */
const DIALECT_WORDS = new Set(['dialect', 'get_bind', 'get_context', 'engine']);
/** The calls that make SQL of a string. */
const SQL_TEXT_CALLS = new Set(['sa.text', 'sa.literal_column']);
/** The list methods that grow a list in place. */
const LIST_GROWTH = new Set(['append', 'extend', 'insert']);
/** Names that show a value is what a query returned (`conn.execute(sa.text("SELECT COUNT(*) ...")).scalar()`). */
const QUERY_WORDS = new Set(['execute', 'exec_driver_sql']);
/** Names that show an object is a database connection (`op.get_bind().execute(...)`). */
const CONNECTION_WORDS = new Set(['get_bind', 'connection']);
/** Words that tell an engine or a connection, whose `has_table("t")` asks the database (SQLAlchemy 1.3's Engine had one). */
const ENGINE_WORDS = new Set([...CONNECTION_WORDS, 'engine']);

class Interpreter {
  readonly steps: OpStep[] = [];
  /** Inside arms of an undecided test on the dialect: how deep, and the flags each step there was recorded under. */
  private armDepth = 0;
  private readonly flagsOf = new WeakMap<OpStep, Flags>();
  /** The temporary tables the revision's SQL made so far, which later SQL of it may alter or drop. */
  private readonly temporaryTables = new Set<string>();
  /** What each Inspector (by the expression that made it) has read, and when (again after each `clear_cache()`). */
  private readonly inspectorReads = new WeakMap<Expr, Map<string, number[]>>();
  private readonly moduleFrames = new Map<string, Frame>();
  /** Where each `batch_alter_table` block being walked began, as a number of steps. */
  private readonly batchStarts: number[] = [];
  /** The op plugins of the revision's environment, read when an op or `invoke` first needs them. */
  private plugins?: OpPlugins;
  /** How many plugin implementations have been run (a plugin op that reaches none is said, not skipped). */
  private implementationsRun = 0;
  /** Helpers inlined so far (run, or read for what they return): helpers that call helpers grow exponentially, so they are bounded. */
  private inlined = 0;
  /**
   * What picks the foreign key each loop being walked goes through (`if column in fk["constrained_columns"]:`), by the
   * read it goes through; innermost last.
   */
  private readonly keyTests: Array<{ pass: string; test: KeyTest | undefined }> = [];
  /**
   * What the revision set on the keys of one read (`fk["options"]["ondelete"] = "CASCADE"`), by the read's pass, with
   * the key tests it was set under: a later loop over the same list (a helper given it) sees the keys so changed.
   */
  private readonly keyChanges = new Map<string, Array<{ tests: Array<KeyTest | undefined>; changed: NonNullable<ReflectedKey['changed']> }>>();
  /** What upgrade()'s `op` parameter, which defaults to None and which Alembic does not pass, is bound to. */
  unpassedOp: Var | undefined;

  /** The dialect ops are read for: the project's, or inside an arm of an undecided test only one database takes, that one. */
  private dialect: string | undefined;

  constructor(
    private readonly resolver: Resolver,
    /** The project's dialect as configured (not an arm's). */
    private readonly configuredDialect: string | undefined,
    /** The revision file whose upgrade() is run: its environment's env.py registers the op plugins. */
    private readonly revisionFile: string,
  ) {
    this.dialect = configuredDialect;
  }

  /** The revision's own call whose function is running, if one is (see `walkCalled`). */
  private calledFrom: SourceRef | undefined;

  /**
   * Walks the body of a function a call runs; while it runs, the innermost call the revision's own code made is where
   * the ops of other modules are placed (superset's `create_index(...)` of migrations/shared/utils.py).
   */
  private walkCalled(call: Expr, caller: Frame, body: Stmt[], inner: Frame, flags: Flags): Flow {
    const outer = this.calledFrom;
    if (caller.file === this.revisionFile) this.calledFrom = { file: caller.file, span: call.s };
    try {
      return this.walk(body, inner, flags);
    } finally {
      this.calledFrom = outer;
    }
  }

  walk(body: Stmt[], frame: Frame, flags: Flags): Flow {
    let current = flags;
    for (let i = 0; i < body.length; i++) {
      const s = body[i];
      let flow: Flow;
      const split = s.k === 'if' ? this.splitAtAssignment(s, body.slice(i + 1), frame) : undefined;
      if (split) {
        const [start, bound] = [this.steps.length, frame.snapshot()];
        flow = this.ifStatement(split, frame, current);
        // Taken only when the arms then do the same to every table they touch, or differ only in what they give a
        // column: otherwise read as before, the variable unknown, and what follows run once.
        if (this.steps.slice(start).every((step) => !step.uncertain)) return flow === 'return' ? 'return' : flowOf(flagsAfter(current, flow), flags);
        this.steps.length = start;
        frame.restore(bound);
      }
      switch (s.k) {
        case 'expr':
          this.evaluate(s.value, frame, current, true);
          break;
        case 'assign': {
          if (!s.value) break;
          const instance = s.value.k === 'call' ? this.construct(s.value, frame, current) : undefined;
          if (instance) {
            for (const target of s.targets) if (target.k === 'name') frame.set(target.id, instance);
            break;
          }
          this.evaluate(s.value, frame, current);
          // `names = inspector.get_table_names()` reads now, whenever a test reads `names`: the Inspector keeps it.
          if (s.value.k === 'call' && s.value.fn.k === 'attr' && INSPECTOR_READS.has(s.value.fn.name)) this.inspected(s.value, frame, { at: this.steps.length }, 0);
          for (const target of s.targets) this.bind(target, s.value, frame, frame);
          break;
        }
        case 'if':
          flow = this.ifStatement(s, frame, current);
          break;
        case 'for':
          flow = this.forStatement(s, frame, current);
          break;
        case 'while':
          flow = this.whileStatement(s, frame, current);
          break;
        case 'with': {
          let batches = 0;
          let inner = current;
          const exits: Array<{ call: Expr; after: Stmt[]; inner: Frame }> = [];
          for (const item of s.items) {
            // `contextlib.suppress(...)` swallows what the block raises, as a `try:` does.
            if (item.ctx.k === 'call' && this.resolver.externalName(frame.file, item.ctx.fn, frame.locals) === 'contextlib.suppress') inner = { ...inner, guarded: true };
            const batch = item.ctx.k === 'call' ? this.batchOf(item.ctx, frame) : undefined;
            if (batch) batches++;
            if (batch?.rebuild) this.record(batch.rebuild, current);
            // A context manager of the project's: what it runs before its yield runs now, the rest after the block.
            const manager = !batch && item.ctx.k === 'call' ? this.contextManager(item.ctx, frame) : undefined;
            if (manager) {
              // Its ops are placed at the `with` of the revision's that calls it, as a helper's are.
              this.walkCalled(item.ctx, frame, manager.before, manager.inner, current);
              exits.push({ ...manager, call: item.ctx });
              if (manager.swallows) inner = { ...inner, catches: true };
            }
            if (item.as) frame.set(item.as, batch ? { kind: 'batch', target: batch } : this.varFor(item.ctx, frame));
          }
          // A batch's ops run when the block ends: a test inside it reads the database as it was before them.
          for (let i = 0; i < batches; i++) this.batchStarts.push(this.steps.length);
          flow = this.walk(s.body, frame, inner);
          this.batchStarts.length -= batches;
          for (const { call, after, inner } of exits.reverse()) this.walkCalled(call, frame, after, inner, current);
          break;
        }
        case 'try':
          flow = this.walk(s.body, frame, { ...current, guarded: true });
          break;
        case 'def':
          frame.set(s.name, { kind: 'value', value: { t: 'def', file: frame.file, def: s } });
          break;
        case 'import': {
          // An import inside the function (`from sqlalchemy.dialects import postgresql` in upgrade()) binds here.
          const { name, value } = this.resolver.importedBy(frame.file, s);
          frame.set(name, { kind: 'value', value });
          break;
        }
        case 'from':
          for (const n of s.names) frame.set(n.asname ?? n.name, { kind: 'value', value: this.resolver.imported(frame.file, s, n.name) });
          break;
        case 'class':
          // backend.ai's `class SessionRow(Base): ...` in upgrade(), then `SessionRow.__table__.create(connection)`.
          frame.set(s.name, { kind: 'value', value: { t: 'class', file: frame.file, cls: s } });
          break;
        case 'return':
          // `return operations.invoke(op)`: the call runs before the function returns.
          if (s.value) this.evaluate(s.value, frame, current);
          return 'return';
        default:
          break;
      }
      if (flow === 'return') return 'return';
      current = flagsAfter(current, flow);
    }
    return flowOf(current, flags);
  }

  /**
   * A call in statement position (`alone`: its value unused) or assigned: an op, a connection's `execute`, a list
   * growing, or a helper to inline.
   */
  private evaluate(e: Expr, frame: Frame, flags: Flags, alone = false): void {
    // `(op.add_column(...),)`, a stray comma after a call (mlrun): Python still makes the call.
    if (e.k === 'tuple' || e.k === 'list') for (const item of e.items) this.evaluate(item, frame, flags, alone);
    if (e.k !== 'call') return;
    if (e.fn.k === 'attr' && e.fn.obj.k === 'name' && LIST_GROWTH.has(e.fn.name) && frame.vars.has(e.fn.obj.id)) {
      this.grow(e.fn.obj, e.fn.name, e.args, frame);
      return;
    }
    if (e.fn.k === 'attr' && e.fn.name === 'clear_cache' && e.fn.obj.k === 'name') {
      // `inspector.clear_cache()`: what the inspector reads from then on is read anew.
      const own = frame.vars.get(e.fn.obj.id);
      if (own?.kind === 'value') frame.set(e.fn.obj.id, { ...own, at: this.steps.length });
      return;
    }
    const target = this.opMethod(e.fn, frame);
    if (target) {
      // An op called among another's arguments runs first, as Python evaluates them (endurain pastes an alter_column
      // into a create_table's columns); its value, None, is nothing the other op reads.
      for (const arg of [...e.args, ...e.kw.map((k) => k.value)]) if (arg.k === 'call' && this.opMethod(arg.fn, frame)) this.evaluate(arg, frame, flags);
      const plugin = target.batch ? undefined : this.pluginCall(target.method, e, frame, flags);
      if (plugin) {
        // A plugin op is followed into its implementation; one whose implementation cannot be reached is said, as
        // an op this check does not know.
        const reached = this.implementationsRun;
        const steps = this.steps.length;
        this.walkCalled(e, frame, plugin.def.body, plugin.inner, flags);
        if (plugin.implementation) this.implementationsRun++;
        if (this.implementationsRun > reached || this.steps.length > steps) return;
      }
      this.record(readOpCall({ scope: this.scope(frame), call: e, method: target.method, batch: target.batch }), flags);
      return;
    }
    // A connection's `execute(...)`, or `exec_driver_sql(...)` (CREATE INDEX CONCURRENTLY through an autocommit one).
    if (this.isConnectionExecute(e, frame)) {
      this.record(readOpCall({ scope: this.scope(frame), call: e, method: 'execute' }), flags);
      return;
    }
    // `exec(code)`: code made at run time (mindsdb runs what autogenerate renders), which may change any table.
    if (this.builtinCalled(e.fn, frame) === 'exec') {
      const code = e.args[0] ? `the code \`${exprText(e.args[0])}\`` : 'its code';
      this.record([{ kind: 'opaque', origin: { file: this.scope(frame).file, span: e.s }, via: 'exec', unresolved: [code] }], flags);
      return;
    }
    const modelTable = readModelTableCall(this.scope(frame), e);
    if (modelTable) {
      this.record(modelTable, flags);
      return;
    }
    const method = this.methodCall(e, frame, flags);
    if (method) {
      this.walkCalled(e, frame, method.def.body, method.inner, flags);
      return;
    }
    const helper = this.inlinable(e, frame, false);
    if (helper) this.walkCalled(e, frame, helper.def.body, helper.inner, flags);
    else if (alone) {
      // A helper of the project's own package that the folder checked does not hold (dagster's revisions, checked
      // from their alembic folder, call `create_0_10_0_run_tables()` from dagster._core.storage.migration.utils).
      const callee = this.resolver.resolve(frame.file, e.fn, frame.locals);
      if (callee.t === 'ext' && this.resolver.isOwnCodeOutside(callee.q)) {
        this.record([{ kind: 'opaque', origin: { file: this.scope(frame).file, span: e.s }, via: 'call', unresolved: [`\`${callee.q}\`, a helper outside the checked folder,`] }], flags);
      } else if (callee.t === 'unknown' && e.fn.k === 'attr' && this.mayRunOps(e.fn.name, frame.file)) {
        // funnel's `for rn in renames: rn.upgrade()` over dataclass instances whose methods call op.alter_column.
        this.record([{ kind: 'opaque', origin: { file: this.scope(frame).file, span: e.s }, via: 'call', unresolved: [`\`${exprText(e)}\`, a method that runs Alembic ops on an object that could not be followed,`] }], flags);
      } else if (callee.t === 'unknown' && e.fn.k === 'attr' && REVISION_FUNCTIONS.has(e.fn.name) && e.args.length === 0 && this.resolver.resolve(frame.file, e.fn.obj, frame.locals).t === 'module') {
        // `module.downgrade()` of a module of the project that defines none, or does not parse (superset undoes a
        // revision by running its downgrade()). Not any object's `upgrade()` (a data migration's `plan.upgrade()` on rows).
        this.record([{ kind: 'opaque', origin: { file: this.scope(frame).file, span: e.s }, via: 'call', unresolved: [`\`${exprText(e)}\`, of a module whose ${e.fn.name}() is missing or does not parse,`] }], flags);
      }
    }
  }

  /**
   * Whether `obj.<name>(...)` may run Alembic ops: a class of the module has a method of that name whose body, or a
   * method it calls on itself, calls `op.`.
   */
  private mayRunOps(name: string, file: string): boolean {
    return this.resolver.moduleBody(file).some((s) => {
      if (s.k !== 'class') return false;
      const owner = { file, cls: s };
      const method = this.resolver.methodOf(owner, name);
      return !!method && this.reachesOp(owner, method, new Set());
    });
  }

  /** Whether a method calls `op.`, itself or through the methods it calls on `self` (a few levels deep). */
  private reachesOp(owner: { file: string; cls: ClassStmt }, method: { file: string; def: DefStmt }, seen: Set<DefStmt>): boolean {
    if (seen.has(method.def) || seen.size >= MAX_INLINE_DEPTH) return false;
    seen.add(method.def);
    const frame = this.moduleFrame(method.file);
    const self = method.def.params[0]?.name;
    return callsIn(method.def.body).some((c) => {
      if (this.opMethod(c.fn, frame)) return true;
      const onSelf = c.fn.k === 'attr' && c.fn.obj.k === 'name' && c.fn.obj.id === self ? this.resolver.methodOf(owner, c.fn.name) : undefined;
      return !!onSelf && this.reachesOp(owner, onSelf, seen);
    });
  }

  /**
   * `cols.append(col)`, `cols.extend(more)`, `cols.insert(0, col)` on a local list: the list holds the item from then
   * on (read where it was written); a list that cannot be followed becomes unknown.
   */
  private grow(list: Extract<Expr, { k: 'name' }>, method: string, args: Expr[], frame: Frame): void {
    const items = this.sequence(list, frame);
    const added = method === 'extend' && args[0] ? this.sequence(args[0], frame) : method === 'append' && args[0] ? [this.itemOf(args[0], frame)] : method === 'insert' && args[1] ? [this.itemOf(args[1], frame)] : undefined;
    const at = method === 'insert' ? evalLiteral(this.resolver, frame.file, args[0], frame.locals) : items?.length;
    frame.set(list.id, items && added && typeof at === 'number' ? { kind: 'items', items: [...items.slice(0, at), ...added, ...items.slice(at)] } : UNKNOWN);
  }

  /**
   * An expression as a sequence item: a local name stands for what it was bound to, where that was written; read
   * with the bindings of that moment (`for b in names: cols.append(sa.Column(b))` appends one column per name).
   */
  private itemOf(e: Expr, frame: Frame): InFrame {
    const own = e.k === 'name' ? frame.vars.get(e.id) : undefined;
    const item = own?.kind === 'value' && own.source ? own.source : { e, frame };
    return { e: item.e, frame: item.frame.copy() };
  }

  private record(made: MigrationOp[], flags: Flags): void {
    // An op a helper of another module makes is placed at the revision's call of it, where its effect is written.
    const from = this.calledFrom;
    const ops = from ? made.map((op) => (op.origin.file === from.file ? op : { ...op, origin: from })) : made;
    for (const op of ops) {
      const step: OpStep = { op, uncertain: flags.uncertain, guarded: flags.guarded || !!op.conditional, branch: flags };
      if (flags.dialects && !flags.when) step.runsOn = flags.dialects;
      if (this.armDepth > 0) this.flagsOf.set(step, flags);
      if (flags.when) {
        // An op that names no table is replayed beside every group of tables: it cannot see the tables tested.
        if (tablesOf(op)?.length === 0) {
          for (const w of flags.when) {
            if (w.undecided === 'uncertain') step.uncertain = true;
            else step.guarded = true;
          }
        }
        else step.when = flags.when;
      }
      if ((step.uncertain || step.when?.some((w) => w.undecided === 'uncertain')) && this.configuredDialect !== undefined) step.notOnDialect = true;
      this.steps.push(step);
    }
  }

  /** `op.<method>` (also through an alias or a parameter), or `batch_op.<method>`. */
  private opMethod(fn: Expr, frame: Frame): { method: string; batch?: BatchTarget } | undefined {
    if (fn.k === 'attr') {
      const owner = fn.obj.k === 'name' ? frame.vars.get(fn.obj.id) : undefined;
      if (owner?.kind === 'batch') return { method: fn.name, batch: owner.target };
      const v = this.resolver.resolve(frame.file, fn.obj, frame.locals);
      return v.t === 'ext' && v.q === 'alembic.op' ? { method: fn.name } : undefined;
    }
    const v = this.resolver.resolve(frame.file, fn, frame.locals);
    return v.t === 'ext' && v.q.startsWith('alembic.op.') ? { method: v.q.slice('alembic.op.'.length) } : undefined;
  }

  /**
   * The project function a call calls, if any; also one named at run time from the module's globals, as Alembic's
   * multidb template dispatches (`globals()["upgrade_%s" % engine_name]()`, or funnel's
   * `globals().get(f"upgrade_{engine_name}", lambda: None)()`).
   */
  private callee(fn: Expr, frame: Frame): { def: DefStmt; file: string } | undefined {
    const isGlobals = (e: Expr): boolean => e.k === 'call' && e.args.length === 0 && this.builtinCalled(e.fn, frame) === 'globals';
    const key = fn.k === 'subscript' && isGlobals(fn.obj) && fn.index.length === 1 ? fn.index[0] : fn.k === 'call' && fn.fn.k === 'attr' && fn.fn.name === 'get' && isGlobals(fn.fn.obj) && fn.args.length >= 1 ? fn.args[0] : undefined;
    if (key) {
      const name = this.literal(key, frame);
      const v = typeof name === 'string' ? this.resolver.lookup(frame.file, name) : undefined;
      return v?.t === 'def' ? { def: v.def, file: v.file } : undefined;
    }
    const v = this.resolver.resolve(frame.file, fn, frame.locals);
    return v.t === 'def' ? { def: v.def, file: v.file } : undefined;
  }

  /**
   * A frame for a call of `fn`, with its parameters bound to the call's arguments (or their defaults); `leading`
   * binds the first parameters to values given before the call's own (a class method's `cls` and `operations`).
   */
  private bindCall(fn: { def: DefStmt; file: string }, call: Extract<Expr, { k: 'call' }>, caller: Frame, leading: Var[] = []): Frame {
    const frame = new Frame(fn.file, caller.depth + 1, new Set([...caller.active, fn.def]));
    const starred = call.args.findIndex((a) => a.k === 'starred');
    const positional = starred < 0 ? call.args : call.args.slice(0, starred);
    let next = 0;
    fn.def.params.slice(0, leading.length).forEach((p, i) => frame.set(p.name, leading[i]));
    for (const p of fn.def.params.slice(leading.length)) {
      if (p.star === '*') {
        // `*columns`: the positional arguments left, each read where the call is (a starred one spelled out).
        const rest = call.args.slice(next).map((a) => (a.k === 'starred' ? this.sequence(a.value, caller) : [this.itemOf(a, caller)]));
        frame.set(p.name, rest.every((items): items is InFrame[] => items !== undefined) ? { kind: 'items', items: rest.flat() } : UNKNOWN);
        next = Infinity;
        continue;
      }
      if (p.star) {
        // `**kwargs`: the keywords no parameter takes, as a dict read where the call is (unknown past a `**` of its own).
        const named = new Set(fn.def.params.filter((q) => !q.star).map((q) => q.name));
        const rest = call.kw.filter((k) => k.name === null || !named.has(k.name));
        const dict: Expr = { k: 'dict', entries: rest.map((k) => [k.name === null ? null : { k: 'str', v: k.name, s: k.value.s }, k.value]), s: call.s };
        frame.set(p.name, rest.some((k) => k.name === null) ? UNKNOWN : this.varFor(dict, caller));
        continue;
      }
      const kw = call.kw.find((k) => k.name === p.name);
      const arg = kw?.value ?? (next < positional.length ? positional[next++] : undefined);
      if (arg) frame.set(p.name, this.varFor(arg, caller));
      else if (p.default && !(starred >= 0 && next >= positional.length)) frame.set(p.name, this.varFor(p.default, this.moduleFrame(fn.file)));
      else frame.set(p.name, UNKNOWN);
    }
    return frame;
  }

  /** What a name bound to `e` (in `frame`) holds. */
  private varFor(e: Expr, frame: Frame): Var {
    if (e.k === 'name') {
      const own = frame.vars.get(e.id);
      if (own) return own;
    }
    const source = { e, frame };
    const at = this.steps.length;
    // `sa.text("now()")` stays the call it is (letta's `timestamp_default`): as a server default it is SQL, where the
    // string it holds would be a quoted literal.
    if (this.isSqlText(e, frame)) return { kind: 'value', value: { t: 'expr', file: frame.file, e }, source, at };
    const literal = this.literal(e, frame);
    if (literal !== undefined) return { kind: 'value', value: { t: 'expr', file: frame.file, e: literalExpr(literal, e.s) }, source, at };
    const v = this.resolver.resolve(frame.file, e, frame.locals);
    return { kind: 'value', value: v, source, at };
  }

  /** Whether an expression is `sa.text(...)` or `sa.literal_column(...)` of a string written out. */
  private isSqlText(e: Expr, frame: Frame): boolean {
    if (e.k !== 'call' || e.args.length !== 1 || e.args[0].k !== 'str' || e.kw.length > 0) return false;
    const fn = this.resolver.resolve(frame.file, e.fn, frame.locals);
    return fn.t === 'ext' && SQL_TEXT_CALLS.has(canonicalName(fn.q));
  }

  /**
   * The literal value of an expression, also when it is what a project helper returns (`flag_name("x")`) or an item of
   * a helper's `*args` (`args[0]`).
   */
  private literal(e: Expr, frame: Frame): Literal | undefined {
    const items = e.k === 'subscript' && e.obj.k === 'name' && e.index.length === 1 ? frame.vars.get(e.obj.id) : undefined;
    if (items?.kind === 'items' && e.k === 'subscript') {
      const at = evalLiteral(this.resolver, frame.file, e.index[0], frame.locals);
      const item = typeof at === 'number' && Number.isInteger(at) ? items.items.at(at) : undefined;
      return item && this.literal(item.e, item.frame);
    }
    const v = evalLiteral(this.resolver, frame.file, e, frame.locals);
    if (v !== undefined || e.k !== 'call' || !this.callee(e.fn, frame)) return v;
    const target = this.deref(e, frame, 0);
    return target ? evalLiteral(this.resolver, target.frame.file, target.e, target.frame.locals) : undefined;
  }

  /** Binds an assignment target in `into` (a name, or names unpacked from a tuple or a literal list) to `value`, read in `from`. */
  private bind(target: Expr, value: Expr, from: Frame, into: Frame): void {
    if (target.k === 'subscript') {
      this.changeReflectedKey(target, value, from, into);
      return;
    }
    if (target.k === 'attr' && target.obj.k === 'name') {
      // `self.op = op` in a method of an instance being built or used.
      const owner = into.vars.get(target.obj.id);
      if (owner?.kind === 'instance') {
        const v = this.varFor(value, from);
        owner.attrs.set(target.name, v.kind === 'value' ? v.value : { t: 'unknown' });
      }
      return;
    }
    if (target.k === 'name') {
      // `cols = cols + [...]` (and `cols += [...]`): the items as they are now, not a list that names itself.
      const joined = value.k === 'binop' && value.op === '+' ? this.sequence(value, from) : undefined;
      let now: Frame | undefined;
      const held = joined?.map((item) => (item.frame === from ? { e: item.e, frame: (now ??= from.copy()) } : item));
      into.set(target.id, held ? { kind: 'items', items: held } : this.varFor(value, from));
      return;
    }
    if (target.k !== 'tuple' && target.k !== 'list') return;
    if ((value.k === 'tuple' || value.k === 'list') && value.items.length === target.items.length) {
      target.items.forEach((t, i) => this.bind(t, value.items[i], from, into));
      return;
    }
    const literal = evalLiteral(this.resolver, from.file, value, from.locals);
    if (Array.isArray(literal) && literal.length === target.items.length) {
      target.items.forEach((t, i) => this.bind(t, literalExpr(literal[i], value.s), from, into));
      return;
    }
    // `bind, schema = _release_migration_snapshot()` (onyx): the items of the tuple a helper of the project returns.
    const returned = value.k === 'call' ? this.inlineReturn(value, from) : undefined;
    if (returned && (returned.e.k === 'tuple' || returned.e.k === 'list') && returned.e.items.length === target.items.length) {
      const items = returned.e.items;
      target.items.forEach((t, i) => this.bind(t, items[i], returned.frame, into));
      return;
    }
    for (const name of namesIn(target)) into.set(name, UNKNOWN);
  }

  private ifStatement(s: Extract<Stmt, { k: 'if' }>, frame: Frame, flags: Flags): Flow {
    if (s.ternary) return this.conditionalAssignment(s, frame, flags);
    // `if cols_to_add:` of a filtered comprehension (pgadmin) that no literal decides: whether any item passes its tests.
    const filtered = s.test.k === 'name' ? this.comprehensionOf(s.test, frame) : undefined;
    if (filtered && filtered.conds.length > 0 && evalLiteral(this.resolver, frame.file, s.test, frame.locals) === undefined) return this.ifStatement({ ...s, test: anyPasses(filtered) }, frame, flags);
    const onKey = this.branchOnKey(s, frame, flags);
    if (onKey !== 'not a key test') return onKey;
    // An arm that raises stops the upgrade there (endurain's `else: raise Exception(f"Unsupported database dialect")`):
    // where the test is not decided, the migration runs to its end only through the other arm, which is taken alone.
    // Not where a `try:`, `contextlib.suppress` or a context manager of the project's may catch what it raises (nor under
    // a test on the database, whose arms are read as guarded).
    const raising = flags.guarded || flags.catches ? undefined : raisingArm(s);
    /** The arm that does not raise, walked alone, on the one database it runs on where `arms` says which. */
    const notRaising = (arms?: [string | undefined, string | undefined]): Flow => this.underDialect(arms?.[raising === 'body' ? 1 : 0], () => this.walk(raising === 'body' ? s.orelse : s.body, frame, flags));
    const onDatabase = this.testOnDatabase(s.test, frame);
    if (onDatabase && raising) return notRaising();
    if (onDatabase) return this.branchOnDatabase(s, onDatabase, frame, flags);
    if (this.mentions(s.test, frame, DIALECT_WORDS, 0)) {
      const decided = this.decideDialect(s.test, frame, 0);
      if (decided !== undefined) return this.walk(decided ? s.body : s.orelse, frame, flags);
      const outcomes = DIALECT_UNIVERSE.map((d) => this.decideDialect(s.test, frame, 0, d));
      // What a query returned, which no dialect decides (fides' `if count < 1000000:` of a `SELECT COUNT(*)`): a test on
      // what the database holds, which no setting of the dialect would decide.
      const onQuery = outcomes.every((o) => o === undefined) && this.mentions(s.test, frame, QUERY_WORDS, 0);
      const holds = (d: string): boolean | undefined => outcomes[DIALECT_UNIVERSE.indexOf(d)];
      const arms = this.armDialects(holds);
      if (raising) return notRaising(arms);
      return this.undecidedDialectArms(s, frame, flags, arms, onQuery, armsRunOn(flags, holds));
    }
    const passed = this.testOfParameter(s.test, frame);
    if (passed !== undefined) return this.walk(passed ? s.body : s.orelse, frame, flags);
    const literal = evalLiteral(this.resolver, frame.file, s.test, frame.locals);
    if (literal !== undefined) return this.walk(isTruthy(literal) ? s.body : s.orelse, frame, flags);
    // A setting named for one database (letta's `if not settings.pg_uri: return`, "skip this migration on SQLite"):
    // a test on the dialect, which only the configured dialect decides.
    const named = databaseNamedBy(s.test);
    if (named) {
      if (this.dialect !== undefined) return this.walk((this.dialect === named.dialect) !== named.negated ? s.body : s.orelse, frame, flags);
      const holds = (d: string): boolean => (d === named.dialect) !== named.negated;
      const arms = this.armDialects(holds);
      if (raising) return notRaising(arms);
      return this.undecidedDialectArms(s, frame, flags, arms, false, armsRunOn(flags, holds));
    }
    if (raising) return notRaising();
    // A test on what the database holds (`if has_column:`): both branches are taken, and an op in them that fails
    // here is not reported, as the author expects it may not run.
    const guarded = { ...flags, guarded: true };
    const [a, b] = this.bothBranches(s, frame, guarded, guarded, false, this.equalityNarrowing(s.test, frame));
    if (a === 'maybe' || b === 'maybe') return 'maybe';
    if (a === 'return' && b === 'return') return 'return';
    return a || b ? 'guarded' : undefined;
  }

  /**
   * Both arms of a test on the dialect that cannot be decided, each walked under flags of its own, so that an op run
   * under exactly those is known to run whenever its arm does: what both arms do alike then runs
   * (mergeAlternativeArms), and the rest is uncertain.
   */
  private undecidedDialectArms(s: Extract<Stmt, { k: 'if' }>, frame: Frame, flags: Flags, dialects: [string | undefined, string | undefined] = [undefined, undefined], onQuery = false, runsOn: [readonly string[], readonly string[]] | undefined = undefined): Flow {
    const arms: [Flags, Flags] = [{ ...flags, dialects: runsOn?.[0] }, { ...flags, dialects: runsOn?.[1] }];
    const start = this.steps.length;
    this.armDepth++;
    const [a, b, split] = this.bothBranches(s, frame, arms[0], arms[1], true, undefined, dialects);
    this.armDepth--;
    // An op in a `try:` of the arm (mindsdb wraps each arm's drop in `try: ... except Exception: pass`) is one of the
    // arm's too: it runs whenever the arm does, guarded as the merge keeps it.
    const armOf = (step: OpStep, index: number): boolean => {
      const [flags, arm] = [this.flagsOf.get(step), arms[index < split ? 0 : 1]];
      return flags === arm || (flags !== undefined && flags.uncertain === arm.uncertain && flags.when === arm.when);
    };
    const merged = mergeAlternativeArms(this.steps, start, split, armOf);
    for (let i = start; i < this.steps.length; i++) {
      // Also what an inner test's arms both do: it runs only where this arm does.
      const step = this.steps[i];
      if (merged.has(step)) {
        // Run whenever either arm does: on the dialects the test's block runs on.
        if (step.runsOn) this.steps[i] = withRunsOn(step, flags.dialects);
        continue;
      }
      this.steps[i] = { ...step, uncertain: true, ...(this.configuredDialect !== undefined || onQuery ? { notOnDialect: true as const } : {}) };
    }
    if (a === 'return' && b === 'return') return 'return';
    return a || b ? 'maybe' : undefined;
  }

  /**
   * The one database each arm of an undecided test on the dialect runs on, where only one takes it (`if
   * bind.engine.name == "mysql":` runs on MySQL alone: its ops are read as MySQL runs them, Marzban's alter_column
   * restating the column's `existing_type`); undefined for an arm several take.
   */
  private armDialects(holds: (dialect: string) => boolean | undefined): [string | undefined, string | undefined] {
    const outcomes = KNOWN_DIALECTS.map((d) => [d, holds(d)] as const);
    const only = (want: boolean): string | undefined => {
      const taking = outcomes.filter(([, v]) => v === want);
      return taking.length === 1 && outcomes.every(([, v]) => v !== undefined) ? taking[0][0] : undefined;
    };
    return [only(true), only(false)];
  }

  /**
   * Runs `walk` for the foreign keys `key.test` picks (or, `negated`, those it does not), when a key test is given;
   * with no test, for keys a test that could not be read picks.
   */
  private underKeyTest<T>(key: { pass: string; test?: KeyTest } | undefined, negated: boolean, walk: () => T): T {
    if (!key) return walk();
    this.keyTests.push({ pass: key.pass, test: negated && key.test ? { k: 'not', test: key.test } : key.test });
    try {
      return walk();
    } finally {
      this.keyTests.pop();
    }
  }

  /** Runs `walk` with the dialect set to `dialect`, when one is given. */
  private underDialect<T>(dialect: string | undefined, walk: () => T): T {
    if (dialect === undefined) return walk();
    const was = this.dialect;
    this.dialect = dialect;
    try {
      return walk();
    } finally {
      this.dialect = was;
    }
  }

  /**
   * `if <dialect>: x = a else: x = b` (or `x = a if <dialect> else b`) the dialect cannot decide, its arms only
   * assigning, with statements after it: an `if` whose arms each run the rest with their own `x`, so that what the
   * arms then do alike is known and what they do differently is known to differ (tacker's `deleted_type`,
   * SmallInteger on PostgreSQL and Boolean elsewhere); undefined otherwise, and past two such splits (each doubles
   * the rest).
   */
  private splitAtAssignment(s: Extract<Stmt, { k: 'if' }>, rest: Stmt[], frame: Frame): Extract<Stmt, { k: 'if' }> | undefined {
    const assignsOnly = (b: Stmt[]): boolean => b.every((x) => x.k === 'assign');
    if (rest.length === 0 || this.armDepth >= MAX_SPLIT_DEPTH || !assignsOnly(s.body) || !assignsOnly(s.orelse)) return undefined;
    // Only a test that names the dialect, which a known dialect would decide (not rucio's `version_table_schema`, nor
    // airflow's `if null_rows:` on a connection's result).
    if (this.configuredDialect !== undefined || this.decideDialect(s.test, frame, 0, 'postgresql') === undefined) return undefined;
    const { ternary: _, ...plain } = s;
    return { ...plain, body: [...s.body, ...rest], orelse: [...s.orelse, ...rest] };
  }

  /**
   * `x = a if c else b`: the branch a test it can decide takes (the dialect when known, the `op` parameter, a
   * literal); otherwise `x` is unknown, as it would be read as one expression.
   */
  private conditionalAssignment(s: Extract<Stmt, { k: 'if' }>, frame: Frame, flags: Flags): Flow {
    const dialect = this.mentions(s.test, frame, DIALECT_WORDS, 0) ? this.decideDialect(s.test, frame, 0) : undefined;
    const literal = dialect ?? this.testOfParameter(s.test, frame) ?? evalLiteral(this.resolver, frame.file, s.test, frame.locals);
    if (literal !== undefined) return this.walk(isTruthy(literal) ? s.body : s.orelse, frame, flags);
    for (const name of namesChangedBy(s)) frame.set(name, UNKNOWN);
    return undefined;
  }

  /**
   * The outcome of a test of whether upgrade() was given the `op` Alembic does not pass (`op is None`, `op is not
   * None`, `not op`, `op`), while the name is still bound to that parameter; undefined for any other test.
   */
  private testOfParameter(test: Expr, frame: Frame): boolean | undefined {
    const unpassed = (e: Expr): boolean => this.unpassedOp !== undefined && e.k === 'name' && e.id === 'op' && frame.vars.get('op') === this.unpassedOp;
    if (unpassed(test)) return false;
    if (test.k === 'not' && unpassed(test.value)) return true;
    if (test.k === 'compare' && test.ops.length === 1 && unpassed(test.left) && test.comparators[0].k === 'const' && test.comparators[0].v === null) {
      const op = test.ops[0];
      if (op === 'is' || op === '==') return true;
      if (op === 'is not' || op === '!=') return false;
    }
    return undefined;
  }

  /**
   * Walks both branches of an `if`, the `else` one with the bindings as they were before the `if` (only one runs).
   * Afterwards a name either branch bound holds what the branch that bound it left (the `else` branch's when both
   * did), read no later than the other: a read one branch made anew, or an Inspector it cleared, does not make the
   * other branch's or the earlier one fresh. Returns both flows and where the `else` branch's steps start.
   */
  private bothBranches(s: Extract<Stmt, { k: 'if' }>, frame: Frame, body: Flags, orelse: Flags, undecided = false, narrowed?: { name: string; value: Var }, dialects: [string | undefined, string | undefined] = [undefined, undefined], key?: { pass: string; test?: KeyTest }): [Flow, Flow, number] {
    const before = frame.snapshot();
    // Where the test is `name == "literal"`, the body sees the name bound to the literal; after the `if`, it is as before.
    if (narrowed) frame.set(narrowed.name, narrowed.value);
    const a = this.underKeyTest(key, false, () => this.underDialect(dialects[0], () => this.walk(s.body, frame, body)));
    const was = narrowed && before.get(narrowed.name);
    if (narrowed && was && frame.vars.get(narrowed.name) === narrowed.value) frame.set(narrowed.name, was);
    const split = this.steps.length;
    const afterBody = frame.snapshot();
    frame.restore(before);
    const b = this.underKeyTest(key, true, () => this.underDialect(dialects[1], () => this.walk(s.orelse, frame, orelse)));
    for (const [name, v] of afterBody) {
      const kept = frame.vars.get(name);
      if (kept === v) continue;
      // Which branch ran is not known (the dialect's): a value the two leave different is unknown after them (tacker's
      // `deleted_type = sa.SmallInteger` on PostgreSQL, `Boolean` elsewhere), as is a list both change; a list only
      // one of them grows keeps its items (quetz appends a foreign key but on PostgreSQL).
      const list = v.kind === 'items' || kept?.kind === 'items';
      if (undecided && !sameBinding(v, kept) && (!list || (v !== before.get(name) && kept !== before.get(name)))) {
        frame.set(name, UNKNOWN);
        continue;
      }
      // What the branch that bound it (the `else` one when both did) left, read no later than the other.
      const [bound, other] = !kept || kept === before.get(name) ? [v, kept] : [kept, v];
      const at = other?.kind === 'value' && other.at !== undefined && bound.kind === 'value' && (bound.at === undefined || other.at < bound.at) ? other.at : undefined;
      if (bound !== kept || at !== undefined) frame.set(name, at !== undefined && bound.kind === 'value' ? { ...bound, at } : bound);
    }
    return [a, b, split];
  }

  /**
   * `if name == "cloudkitty_storage_states":` on a variable whose value is not known here (cloudkitty loops over
   * another revision's `Base.metadata.tables.items()`): inside the body, the variable holds that literal.
   */
  private equalityNarrowing(test: Expr, frame: Frame): { name: string; value: Var } | undefined {
    if (test.k !== 'compare' || test.ops.length !== 1 || test.ops[0] !== '==') return undefined;
    const [left, right] = [test.left, test.comparators[0]];
    for (const [variable, other] of [[left, right], [right, left]]) {
      if (variable.k !== 'name' || !frame.vars.has(variable.id)) continue;
      const literal = evalLiteral(this.resolver, frame.file, other, frame.locals);
      if (typeof literal === 'string' || typeof literal === 'number') return { name: variable.id, value: this.varFor(other, frame) };
    }
    return undefined;
  }

  /**
   * Both branches of a test on what the database holds, each op under the outcome that runs it (decided by the
   * replay); after a branch that returns, what follows runs under the other outcome.
   */
  private branchOnDatabase(s: Extract<Stmt, { k: 'if' }>, test: DatabaseTest, frame: Frame, flags: Flags): Flow {
    const undecided = this.mentions(s.test, frame, DIALECT_WORDS, 0) ? 'uncertain' : 'guarded';
    const under = (holds: boolean): RunsWhen => ({ test, holds, undecided });
    const [a, b] = this.bothBranches(s, frame, { ...flags, when: [...(flags.when ?? []), under(true)] }, { ...flags, when: [...(flags.when ?? []), under(false)] });
    if (a === 'return' && b === 'return') return 'return';
    if (a === 'maybe' || b === 'maybe') return 'maybe';
    const other = a === 'return' ? b : b === 'return' ? a : 'both';
    if (other === undefined || typeof other === 'object') return { when: [under(b === 'return'), ...(other?.when ?? [])] };
    if (a === undefined && b === undefined) return undefined;
    // A branch that may return under a further test: what follows runs under a condition not written down here.
    return undecided === 'uncertain' ? 'maybe' : 'guarded';
  }

  /**
   * A test on what the database holds that the replay can decide (table, column and index names read through an
   * inspector), or undefined; also undefined when an op since the names were read may have changed what they hold.
   */
  private testOnDatabase(e: Expr, frame: Frame): DatabaseTest | undefined {
    const read = { at: this.batchStarts.length > 0 ? this.batchStarts[0] : this.steps.length };
    const test = this.databaseTest(e, frame, read, 0);
    if (!test) return undefined;
    const asked = existencesOf(test);
    for (let i = read.at; i < this.steps.length; i++) if (asked.some((what) => mayChange(this.steps[i].op, what))) return undefined;
    return test;
  }

  /**
   * `"t" in inspector.get_table_names()`, `"c" not in {c["name"] for c in inspector.get_columns("t")}`,
   * `inspector.has_table("t")`, `any(i["name"] == "ix" for i in inspector.get_indexes("t"))`, under `not`, `and` and
   * `or`, through variables and helpers; `read.at` becomes the first step a variable followed was bound at.
   */
  private databaseTest(e: Expr, frame: Frame, read: { at: number }, depth: number): DatabaseTest | undefined {
    if (depth > MAX_EXPAND_DEPTH) return undefined;
    switch (e.k) {
      case 'not': {
        const test = this.databaseTest(e.value, frame, read, depth + 1);
        return test && { k: 'not', test };
      }
      case 'boolop': {
        const tests: DatabaseTest[] = [];
        for (const v of e.values) {
          const test = this.databaseTest(v, frame, read, depth + 1) ?? this.dialectPart(v, frame);
          if (!test) return undefined;
          tests.push(test);
        }
        // Only a test that asks the database something (a test on the dialect alone is the dialect's to decide).
        return existencesOf({ k: e.op, tests }).length > 0 ? { k: e.op, tests } : undefined;
      }
      case 'name': {
        const source = this.followName(e, frame, read);
        return source && this.databaseTest(source.e, source.frame, read, depth + 1);
      }
      case 'compare': {
        const op = e.ops[0];
        if (e.ops.length === 1 && (op === 'is' || op === 'is not' || op === '==' || op === '!=') && e.comparators[0].k === 'const' && e.comparators[0].v === null) {
          // `result.fetchone() is not None` on a catalog query that gives a row only when the object exists.
          const query = this.fetchedFromCatalog(e.left, frame, read, depth + 1);
          if (query?.answer !== 'rows') return undefined;
          const test: DatabaseTest = { k: 'exists', what: query.what };
          return op === 'is not' || op === '!=' ? test : { k: 'not', test };
        }
        if (e.ops.length === 1 && (op === '==' || op === '!=') && isEmptySequence(e.comparators[0])) {
          // `result.fetchall() == []`: no row, of a catalog query that gives a row only when the object exists.
          const query = this.fetchedFromCatalog(e.left, frame, read, depth + 1, true);
          if (query?.answer !== 'rows') return undefined;
          const test: DatabaseTest = { k: 'exists', what: query.what };
          return op === '!=' ? test : { k: 'not', test };
        }
        if (e.ops.length !== 1 || (op !== 'in' && op !== 'not in')) return undefined;
        const name = evalLiteral(this.resolver, frame.file, e.left, frame.locals);
        const names = isPlainName(name) ? this.databaseNames(e.comparators[0], frame, read, depth + 1) : undefined;
        if (!names) return undefined;
        const test: DatabaseTest = { k: 'exists', what: named(names, name as string) };
        return op === 'in' ? test : { k: 'not', test };
      }
      case 'call': {
        const primaryKey = this.primaryKeyTest(e, frame, read, depth + 1);
        if (primaryKey) return primaryKey;
        // `next((fk["name"] for fk in ... if ...), None)` is true when it picks a key the database lists with a name.
        const next = this.nextField(e, frame, read.at, depth + 1);
        if (next?.field === 'name' && next.key.fallback === null) {
          const { table, schema, test } = next.key;
          const named: KeyTest = test ? { k: 'and', tests: [test, { k: 'named' }] } : { k: 'named' };
          return { k: 'exists', what: { table, ...(schema !== undefined ? { schema } : {}), picked: { ...next.key, test: named } } };
        }
        if (e.fn.k === 'attr' && e.fn.name === 'has_table') {
          // `inspector.has_table("t", schema=None)`, a dialect's `has_table(connection, "t", schema=None)`, or an engine's
          // (SQLAlchemy 1.3, sync-engine's `main_engine(...).has_table("t")`).
          const onDatabase = this.isInspector(e.fn.obj, frame, read, depth + 1) || this.mentions(e.fn.obj, frame, ENGINE_WORDS, 0);
          const args = isDialectObject(e.fn.obj) ? e.args.slice(1) : onDatabase ? e.args : undefined;
          const table = args?.[0] ? this.literal(args[0], frame) : undefined;
          const schema = this.schemaArgument(e, args?.[1], frame);
          return isPlainName(table) && schema !== null ? { k: 'exists', what: { table, ...(schema !== undefined ? { schema } : {}) } } : undefined;
        }
        const each = this.testForEach(e, frame, read, depth + 1);
        if (each) return each;
        if (this.builtinCalled(e.fn, frame) === 'any' && e.args.length === 1 && e.kw.length === 0 && e.args[0].k === 'comp') {
          // `any(i["name"] == "ix" for i in inspector.get_indexes("t"))`
          const comp = e.args[0];
          if (comp.elt.k !== 'compare' || comp.elt.ops.length !== 1 || comp.elt.ops[0] !== '==' || comp.conds.length > 0) return undefined;
          const [left, right] = [comp.elt.left, comp.elt.comparators[0]];
          const columns = isKeyOf(left, comp.target, 'column_names') ? right : isKeyOf(right, comp.target, 'column_names') ? left : undefined;
          if (columns) return this.uniqueOnTest(columns, comp.iter, frame, read, depth + 1);
          const literal = isKeyOf(left, comp.target, 'name') ? right : isKeyOf(right, comp.target, 'name') ? left : undefined;
          const name = literal && evalLiteral(this.resolver, frame.file, literal, frame.locals);
          const names = isPlainName(name) ? this.inspected(comp.iter, frame, read, depth + 1) : undefined;
          if (names && names.k !== 'tables') return { k: 'exists', what: named(names, name as string) };
          // `any(t == "users" for t in inspector.get_table_names())` is `"users" in inspector.get_table_names()`.
          const isTarget = (x: Expr): boolean => comp.target.k === 'name' && x.k === 'name' && x.id === comp.target.id;
          const item = isTarget(left) ? right : isTarget(right) ? left : undefined;
          return item && this.databaseTest({ k: 'compare', left: item, ops: ['in'], comparators: [comp.iter], s: e.s }, frame, read, depth + 1);
        }
        const query = this.fetchedFromCatalog(e, frame, read, depth + 1, true);
        if (query) return { k: 'exists', what: query.what };
        return this.helperTest(e, frame, read, depth + 1);
      }
      case 'subscript': {
        const primaryKey = this.primaryKeyTest(e, frame, read, depth + 1);
        if (primaryKey) return primaryKey;
        // `conn.execute(...).first()[0]` of a count or EXISTS query.
        const query = this.fetchedFromCatalog(e, frame, read, depth + 1);
        return query && { k: 'exists', what: query.what };
      }
      default:
        return undefined;
    }
  }

  /**
   * `pk["constrained_columns"]` (or `pk.get("constrained_columns")`) of `pk = inspector.get_pk_constraint("t")`: true
   * when the table has a primary key (neutron-fwaas makes one only where an earlier revision did not).
   */
  private primaryKeyTest(e: Expr, frame: Frame, read: { at: number }, depth: number): DatabaseTest | undefined {
    const field = keyFieldOf(e);
    if (field?.field !== 'constrained_columns') return undefined;
    let source: InFrame | undefined = { e: field.base, frame };
    for (let d = depth; source?.e.k === 'name'; d++) source = d < MAX_EXPAND_DEPTH ? this.followName(source.e, source.frame, read) : undefined;
    const call = source?.e;
    if (!source || call?.k !== 'call' || call.fn.k !== 'attr' || call.fn.name !== 'get_pk_constraint' || !this.isInspector(call.fn.obj, source.frame, { at: read.at }, depth + 1)) return undefined;
    const table = call.args[0] ? evalLiteral(this.resolver, source.frame.file, call.args[0], source.frame.locals) : undefined;
    const schema = this.schemaArgument(call, call.args[1], source.frame);
    if (!isPlainName(table) || schema === null) return undefined;
    this.dateInspectorRead(call, source.frame, `get_pk_constraint\0${table}\0${schema ?? ''}`, read);
    return { k: 'exists', what: { table, primaryKey: true, ...(schema !== undefined ? { schema } : {}) } };
  }

  /**
   * A test on the dialect beside a test on the database (cinder's `is_mysql and utils.index_exists(...)`): true or false
   * where the dialect decides it, else a part the replay cannot decide (`False and <it>` is still False).
   */
  private dialectPart(e: Expr, frame: Frame): DatabaseTest | undefined {
    if (!this.mentions(e, frame, DIALECT_WORDS, 0)) return undefined;
    const decided = this.decideDialect(e, frame, 0);
    return decided === undefined ? { k: 'dialect' } : { k: 'const', v: decided };
  }

  /**
   * `any(c["column_names"] == ["a", "b"] for c in inspector.get_unique_constraints("t"))`: whether the table has a unique
   * constraint of exactly those columns.
   */
  private uniqueOnTest(columns: Expr, listed: Expr, frame: Frame, read: { at: number }, depth: number): DatabaseTest | undefined {
    const names = evalLiteral(this.resolver, frame.file, columns, frame.locals);
    if (!Array.isArray(names) || names.length === 0 || !names.every(isPlainName)) return undefined;
    const constraints = this.inspected(listed, frame, read, depth);
    if (constraints?.k !== 'unique') return undefined;
    return { k: 'exists', what: { table: constraints.table, uniqueOn: names as string[], ...(constraints.schema !== undefined ? { schema: constraints.schema } : {}) } };
  }

  /**
   * `all(t in existing for t in ["a", "b"])` (or `any`) over a literal list, or over items written out (pgadmin's
   * `name not in existing_cols` for each `(name, Column(...))` pair): the test for each item, joined with `and` (`or`).
   */
  private testForEach(call: Extract<Expr, { k: 'call' }>, frame: Frame, read: { at: number }, depth: number): DatabaseTest | undefined {
    const builtin = this.builtinCalled(call.fn, frame);
    const comp = call.args.length === 1 && call.kw.length === 0 && call.args[0].k === 'comp' ? call.args[0] : undefined;
    if ((builtin !== 'all' && builtin !== 'any') || !comp || comp.conds.length > 0) return undefined;
    const items = this.fewItems(comp.iter, frame);
    if (!items) return undefined;
    const tests: DatabaseTest[] = [];
    for (const item of items) {
      const inner = frame.copy();
      this.bind(comp.target, item.e, item.frame, inner);
      const test = this.databaseTest(comp.elt, inner, read, depth + 1);
      if (!test) return undefined;
      tests.push(test);
    }
    return { k: builtin === 'all' ? 'and' : 'or', tests };
  }

  /**
   * The catalog query whose answer a fetch reads (`result.fetchone()`, `conn.execute(...).scalar()`), when the value
   * fetched is true exactly when the object exists: a row for a query that gives rows, the value for one that gives
   * true or a count; with `all`, also the list of rows `fetchall()` gives (true when it holds any, never None).
   */
  private fetchedFromCatalog(e: Expr, frame: Frame, read: { at: number }, depth: number, all = false): CatalogQuery | undefined {
    // `result.first()[0]`: the first row's value, of a query that always gives a row (copr's `SELECT count(*)`).
    const firstValue = e.k === 'subscript' && e.index.length === 1 && e.index[0].k === 'num' && e.index[0].v === 0;
    const fetch = firstValue ? e.obj : e;
    if (fetch.k !== 'call' || fetch.fn.k !== 'attr' || fetch.args.length > 0 || fetch.kw.length > 0) return undefined;
    if (all && !firstValue && fetch.fn.name === 'fetchall') {
      const query = this.catalogQuery(fetch.fn.obj, frame, read, depth + 1);
      return query?.answer === 'rows' ? query : undefined;
    }
    if (!ROW_FETCHES.has(fetch.fn.name)) return undefined;
    const query = this.catalogQuery(fetch.fn.obj, frame, read, depth + 1);
    if (firstValue) return query?.answer === 'truth' ? query : undefined;
    return query && (query.answer === 'rows' || VALUE_FETCHES.has(fetch.fn.name)) ? query : undefined;
  }

  /** The catalog query a connection's `execute(sa.text(sql), {params})` runs (also through a variable holding its result). */
  private catalogQuery(e: Expr, frame: Frame, read: { at: number }, depth: number): CatalogQuery | undefined {
    if (depth > MAX_EXPAND_DEPTH) return undefined;
    if (e.k === 'name') {
      const source = this.followName(e, frame, read);
      return source && this.catalogQuery(source.e, source.frame, read, depth + 1);
    }
    const parsers = installedSqlParsers();
    if (!parsers || e.k !== 'call' || !this.isConnectionExecute(e, frame)) return undefined;
    const sql = evalString(this.resolver, frame.file, e.args[0], frame.locals);
    const given = e.args[1] ? evalDict(this.resolver, frame.file, e.args[1], frame.locals) : {};
    if (sql === undefined || !given) return undefined;
    const params = new Map(Object.entries(given).flatMap(([k, v]): Array<[string, string]> => (typeof v === 'string' ? [[k, v]] : [])));
    return readCatalogQuery(parsers, sql, params);
  }

  /**
   * Whether a call runs SQL on a connection: `execute(...)` or `exec_driver_sql(...)` of `op.get_bind()` and the like,
   * or an `execute...` method of anything given SQLAlchemy's `text(...)` (augur's own session: `execute_sql(sa.text(...))`).
   */
  private isConnectionExecute(call: Extract<Expr, { k: 'call' }>, frame: Frame): boolean {
    if (call.fn.k !== 'attr') return false;
    if ((call.fn.name === 'execute' || call.fn.name === 'exec_driver_sql') && this.mentions(call.fn.obj, frame, CONNECTION_WORDS, 0)) return true;
    const sql = call.args[0];
    return call.fn.name.startsWith('execute') && sql?.k === 'call' && calleeName({ resolver: this.resolver, file: frame.file, locals: frame.locals }, sql) === 'sa.text';
  }

  /**
   * The test a project helper returns: `return <test>` after assignments, and before it `if <test>: return <test>`
   * guards (`if not table_exists(t): return False`, also in a loop over what the database lists: `for ix in
   * inspector.get_indexes(t): if ix["name"] == name: return True`), read as the `or` of each way out; undefined for
   * anything else in its body, or a decorator (a cache would return an earlier call's answer).
   */
  private helperTest(call: Extract<Expr, { k: 'call' }>, frame: Frame, read: { at: number }, depth: number): DatabaseTest | undefined {
    const helper = this.inlinable(call, frame, true);
    if (!helper) return undefined;
    const { def, inner } = helper;
    const answer = (e: Expr): DatabaseTest | undefined => {
      const v = evalLiteral(this.resolver, inner.file, e, inner.locals);
      return typeof v === 'boolean' ? { k: 'const', v } : this.databaseTest(e, inner, read, depth + 1);
    };
    const guards: Array<[DatabaseTest, DatabaseTest]> = [];
    for (const s of def.body) {
      const guard = s.k === 'assign' ? undefined : returnGuard(s);
      if (s.k === 'assign' && s.value) for (const target of s.targets) this.bind(target, s.value, inner, inner);
      else if (guard) {
        const when = this.databaseTest(guard.test, inner, read, depth + 1);
        const then = answer(guard.value);
        if (!when || !then) return undefined;
        guards.push([when, then]);
      } else if (s.k === 'return') {
        let test = s.value && answer(s.value);
        for (const [when, then] of guards.reverse()) test = test && { k: 'or', tests: [{ k: 'and', tests: [when, then] }, { k: 'and', tests: [{ k: 'not', test: when }, test] }] };
        return test;
      } else if (!(s.k === 'expr' && s.value.k === 'str')) return undefined;
    }
    return undefined;
  }

  /**
   * What a set of names read from the database holds: `inspector.get_table_names()`, the names of
   * `inspector.get_columns("t")` or `get_indexes("t")` in a comprehension, under `set()`, `list()` or `sorted()`.
   */
  private databaseNames(e: Expr, frame: Frame, read: { at: number }, depth: number): DatabaseNames | undefined {
    if (depth > MAX_EXPAND_DEPTH) return undefined;
    if (e.k === 'name') {
      const source = this.followName(e, frame, read);
      return source && this.databaseNames(source.e, source.frame, read, depth + 1);
    }
    if (e.k === 'comp') {
      if (e.conds.length > 0 || !isKeyOf(e.elt, e.target, 'name')) return undefined;
      const names = this.inspected(e.iter, frame, read, depth + 1);
      return names?.k === 'tables' ? undefined : names;
    }
    if (e.k !== 'call') return undefined;
    const builtin = this.builtinCalled(e.fn, frame);
    if (builtin && SEQUENCE_BUILTINS.has(builtin)) return e.args.length === 1 && e.kw.length === 0 ? this.databaseNames(e.args[0], frame, read, depth + 1) : undefined;
    const names = this.inspected(e, frame, read, depth + 1);
    if (names) return names.k === 'tables' ? names : undefined;
    const inner = this.inlineReturn(e, frame, true);
    return inner && this.databaseNames(inner.e, inner.frame, read, depth + 1);
  }

  /** `inspector.get_table_names(schema=...)`, `inspector.get_columns("t")` or `inspector.get_indexes("t")` (also through a variable). */
  private inspected(e: Expr, frame: Frame, read: { at: number }, depth: number): DatabaseNames | undefined {
    if (e.k === 'name') {
      const source = this.followName(e, frame, read);
      return source && depth < MAX_EXPAND_DEPTH ? this.inspected(source.e, source.frame, read, depth + 1) : undefined;
    }
    // When an Inspector was made does not date what it reads: each read is made when it is first asked for, and then
    // kept (quay asks for a table's indexes after creating it with the same Inspector).
    if (e.k !== 'call' || e.fn.k !== 'attr' || !INSPECTOR_READS.has(e.fn.name) || !this.isInspector(e.fn.obj, frame, { at: read.at }, depth + 1)) return undefined;
    const k = INSPECTOR_READS.get(e.fn.name)!;
    const schema = this.schemaArgument(e, k === 'tables' ? e.args[0] : e.args[1], frame);
    if (schema === null) return undefined;
    const withSchema = schema !== undefined ? { schema } : {};
    const table = k === 'tables' ? undefined : e.args[0] ? evalLiteral(this.resolver, frame.file, e.args[0], frame.locals) : undefined;
    if (k !== 'tables' && !isPlainName(table)) return undefined;
    this.dateInspectorRead(e, frame, `${e.fn.name}\0${table ?? ''}\0${schema ?? ''}`, read);
    return k === 'tables' ? { k, ...withSchema } : { k, table: table as string, ...withSchema };
  }

  /** Dates a read an Inspector held in a variable makes (`inspector.get_indexes("t")`), by what it reads. */
  private dateInspectorRead(call: Extract<Expr, { k: 'call' }>, frame: Frame, key: string, read: { at: number }): void {
    const inspector = call.fn.k === 'attr' && call.fn.obj.k === 'name' ? frame.vars.get(call.fn.obj.id) : undefined;
    if (inspector?.kind === 'value' && inspector.source) this.datedRead(inspector.source.e, inspector.at ?? 0, key, read);
  }

  /**
   * Dates a read of an Inspector (by the expression that made it) to the first time it asked for the same thing since
   * its cache may hold reads (`since`: when it was made or last cleared, or the earlier of two branches'), which it
   * then kept; a read it has not made since then is made now.
   */
  private datedRead(inspector: Expr, since: number, key: string, read: { at: number }): void {
    let reads = this.inspectorReads.get(inspector);
    if (!reads) this.inspectorReads.set(inspector, (reads = new Map()));
    const times = reads.get(key) ?? [];
    const kept = times.find((t) => t >= since);
    if (kept === undefined) reads.set(key, [...times, read.at]);
    else if (kept < read.at) read.at = kept;
  }

  /** Whether an expression is an Inspector: `sa.inspect(bind)`, `Inspector.from_engine(bind)`, a variable or helper holding one. */
  private isInspector(e: Expr, frame: Frame, read: { at: number }, depth: number): boolean {
    if (depth > MAX_EXPAND_DEPTH) return false;
    if (e.k === 'name') {
      const source = this.followName(e, frame, read);
      return !!source && this.isInspector(source.e, source.frame, read, depth + 1);
    }
    if (e.k !== 'call') return false;
    if (this.resolver.externalName(frame.file, e.fn, frame.locals) === 'sa.inspect') return true;
    if (e.fn.k === 'attr' && e.fn.name === 'from_engine' && this.resolver.externalName(frame.file, e.fn.obj, frame.locals)?.endsWith('Inspector')) return true;
    const inner = this.inlineReturn(e, frame, true);
    return !!inner && this.isInspector(inner.e, inner.frame, read, depth + 1);
  }

  /** The schema a call reads (`schema=` or the positional argument given): undefined for none, null when it cannot be read. */
  private schemaArgument(call: Extract<Expr, { k: 'call' }>, positional: Expr | undefined, frame: Frame): string | undefined | null {
    const e = call.kw.find((k) => k.name === 'schema')?.value ?? positional;
    if (!e) return undefined;
    const v = evalLiteral(this.resolver, frame.file, e, frame.locals);
    return typeof v === 'string' ? v : v === null ? undefined : null;
  }

  /** Where a local name's value was written, noting in `read` when it was bound. */
  private followName(e: Extract<Expr, { k: 'name' }>, frame: Frame, read: { at: number }): InFrame | undefined {
    const v = frame.vars.get(e.id);
    if (v?.kind !== 'value' || !v.source) return undefined;
    if (v.at !== undefined && v.at < read.at) read.at = v.at;
    return v.source;
  }

  private forStatement(s: Extract<Stmt, { k: 'for' }>, frame: Frame, flags: Flags): Flow {
    const items = this.itemsOf(s.iter, frame);
    if (!items && s.target.k === 'name') {
      const read = { at: this.steps.length };
      const listed = this.inspected(s.iter, frame, read, 0);
      if (listed?.k === 'foreignkey' || listed?.k === 'unique') {
        // The foreign keys (or unique constraints) of a table as the database had them when the Inspector read them:
        // the body runs once, for the keys its tests pick.
        frame.set(s.target.id, { kind: 'reflectedKey', key: this.withKeyChanges(keyRead(listed, read.at)) });
        return this.walk(continuesAsBranches(s.body), frame, flags);
      }
    }
    // A comprehension written here (neutron's `for table, model in [(t, sa.Table(...)) for t in TABLES]`, pgadmin's
    // `cols_to_add = [col for name, col in new_columns if name not in existing_cols]`): the loop over its iterable,
    // the body run for each item its tests keep, with the loop's names bound to its element.
    const comp = items ? undefined : this.comprehensionOf(s.iter, frame);
    const passed = comp && this.fewItems(comp.iter, frame);
    if (comp && passed) {
      const { target, pass } = comprehensionPass(comp, s);
      return this.passes(passed, target, pass, frame, flags);
    }
    if (!items) {
      // An iterable that cannot be known: the body runs once with the loop variables unknown.
      for (const name of namesIn(s.target)) frame.set(name, UNKNOWN);
      return this.walk(continuesAsBranches(s.body), frame, flags);
    }
    return this.passes(items, s.target, continuesAsBranches(s.body), frame, flags);
  }

  /** A loop's passes, one per item, each with `target` bound to it in `frame`. */
  private passes(items: InFrame[], target: Expr, body: Stmt[], frame: Frame, flags: Flags): Flow {
    let current = flags;
    for (const item of items) {
      this.bind(target, item.e, item.frame, frame);
      const flow = this.walk(body, frame, current);
      if (flow === 'return') return 'return';
      current = flagsAfter(current, flow);
    }
    return flowOf(current, flags);
  }

  /** The items of an iterable: the values of a literal, else those `sequence` finds written out; undefined when unknown. */
  private itemsOf(e: Expr, frame: Frame): InFrame[] | undefined {
    const literal = evalLiteral(this.resolver, frame.file, e, frame.locals);
    return Array.isArray(literal) ? literal.map((v): InFrame => ({ e: literalExpr(v, e.s), frame })) : this.sequence(e, frame);
  }

  /** The items of an iterable, few enough to be tested or read pass by pass one by one; undefined otherwise. */
  private fewItems(e: Expr, frame: Frame): InFrame[] | undefined {
    const items = this.itemsOf(e, frame);
    return items && items.length <= MAX_TESTED_ITEMS ? items : undefined;
  }

  /**
   * The list comprehension an iterable is: written here, or held by a name this frame bound to one, or by a constant of
   * its module (whose names read the same from here); undefined otherwise.
   */
  private comprehensionOf(e: Expr, frame: Frame): Extract<Expr, { k: 'comp' }> | undefined {
    if (e.k === 'comp') return e;
    if (e.k !== 'name') return undefined;
    const held = frame.vars.get(e.id);
    if (held) return held.kind === 'value' && held.source?.frame === frame && held.source.e.k === 'comp' ? held.source.e : undefined;
    const constant = this.resolver.lookup(frame.file, e.id);
    return constant.t === 'expr' && constant.file === frame.file && constant.e.k === 'comp' ? constant.e : undefined;
  }

  /**
   * A `while` loop, unless its test is false: how often it runs cannot be told, so what its body changes is unknown
   * in it and after it, and its ops may or may not run. A `while True:` retry loop whose body returns once through
   * and never breaks out runs through once.
   */
  private whileStatement(s: Extract<Stmt, { k: 'while' }>, frame: Frame, flags: Flags): Flow {
    const literal = evalLiteral(this.resolver, frame.file, s.test, frame.locals);
    if (literal !== undefined && !isTruthy(literal)) return undefined;
    // `while True:` around a body that returns once it gets through (a retry loop): it runs through once.
    if (literal !== undefined && returnsAtEnd(s.body) && !breaksOut(s.body)) return this.walk(continuesAsBranches(s.body), frame, flags);
    const changed = namesChangedBy(s);
    for (const name of changed) frame.set(name, UNKNOWN);
    const flow = this.walk(continuesAsBranches(s.body), frame, { ...flags, uncertain: true, dialects: undefined });
    for (const name of changed) frame.set(name, UNKNOWN);
    return flow === 'return' ? 'maybe' : flow;
  }

  /**
   * The expressions `e` stands for, each with the frame to evaluate it in: a variable's value, a module constant,
   * a helper's return value, the items of a list or of `*args` (flattened). Undefined when unknown.
   */
  private expand(e: Expr, frame: Frame, depth: number): InFrame[] | undefined {
    if (e.k === 'starred') return this.expand(e.value, frame, depth + 1);
    const own = e.k === 'name' ? frame.vars.get(e.id) : undefined;
    if (own?.kind === 'items') return own.items;
    const target = this.deref(e, frame, depth);
    if (!target) return undefined;
    if (target.e.k !== 'list' && target.e.k !== 'tuple') return [target];
    const out: InFrame[] = [];
    for (const item of target.e.items) {
      const inner = this.expand(item, target.frame, depth + 1);
      if (!inner) return undefined;
      out.push(...inner);
    }
    return out;
  }

  /**
   * The items a `for` loop goes through, when the iterable is written out somewhere: a list, tuple or set, a dict (its
   * keys) and its `.keys()`, `.values()` and `.items()`, `list(...)`, `tuple(...)`, `reversed(...)`, `sorted(...)` of
   * strings, and `zip(...)` of such sequences.
   */
  private sequence(e: Expr, frame: Frame, depth = 0): InFrame[] | undefined {
    if (depth > MAX_EXPAND_DEPTH) return undefined;
    const own = e.k === 'name' ? frame.vars.get(e.id) : undefined;
    if (own?.kind === 'items') return own.items;
    if (e.k === 'binop' && e.op === '+') {
      const left = this.sequence(e.left, frame, depth + 1);
      const right = left && this.sequence(e.right, frame, depth + 1);
      return left && right ? [...left, ...right] : undefined;
    }
    if (e.k === 'call' && e.kw.length === 0) {
      const view = e.fn.k === 'attr' && e.args.length === 0 ? e.fn.name : undefined;
      if (view === 'keys' || view === 'values' || view === 'items') {
        const dict = e.fn.k === 'attr' ? this.deref(e.fn.obj, frame, 0) : undefined;
        if (dict?.e.k !== 'dict' || dict.e.entries.some(([key]) => key === null)) return undefined;
        return dict.e.entries.map(([key, value]) => ({ e: view === 'keys' ? key! : view === 'values' ? value : { k: 'tuple', items: [key!, value], s: value.s }, frame: dict.frame }));
      }
      const builtin = this.builtinCalled(e.fn, frame);
      if ((builtin === 'list' || builtin === 'tuple') && e.args.length === 1) return this.sequence(e.args[0], frame, depth + 1);
      if (builtin === 'reversed' && e.args.length === 1) return this.sequence(e.args[0], frame, depth + 1)?.slice().reverse();
      if (builtin === 'sorted' && e.args.length === 1) {
        const items = this.sequence(e.args[0], frame, depth + 1);
        const keys = items?.map((i) => (i.e.k === 'str' ? i.e.v : undefined));
        if (!items || !keys || keys.some((k) => k === undefined)) return undefined;
        return items.map((item, i) => ({ item, key: keys[i]! })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((x) => x.item);
      }
      if (builtin === 'zip' && e.args.length > 0) {
        const columns = e.args.map((a) => this.sequence(a, frame, depth + 1));
        if (columns.some((c) => c === undefined)) return undefined;
        const rows = Math.min(...columns.map((c) => c!.length));
        const out: InFrame[] = [];
        for (let i = 0; i < rows; i++) {
          const row = columns.map((c) => c![i]);
          // A row is read in one frame: the sequences zipped are written in one place (module constants, one function).
          if (row.some((item) => item.frame !== row[0].frame)) return undefined;
          out.push({ e: { k: 'tuple', items: row.map((item) => item.e), s: e.s }, frame: row[0].frame });
        }
        return out;
      }
    }
    const target = this.deref(e, frame, 0);
    if (target?.e.k === 'dict') return target.e.entries.every(([key]) => key !== null) ? target.e.entries.map(([key]) => ({ e: key!, frame: target.frame })) : undefined;
    if (!target || (target.e.k !== 'list' && target.e.k !== 'tuple' && target.e.k !== 'set')) return undefined;
    // `("user_id", *_BACKFILLED)`: what a starred item unpacks is spliced in (a dict's keys, a sequence's items).
    const out: InFrame[] = [];
    for (const item of target.e.items) {
      const unpacked = item.k === 'starred' ? this.sequence(item.value, target.frame, depth + 1) : [{ e: item, frame: target.frame }];
      if (!unpacked) return undefined;
      out.push(...unpacked);
    }
    return out;
  }

  /** The Python builtin a call's callee names (`list`, `sorted`, `zip`...) when nothing in the project rebinds it. */
  private builtinCalled(fn: Expr, frame: Frame): string | undefined {
    if (fn.k !== 'name' || frame.vars.has(fn.id)) return undefined;
    const v = this.resolver.lookup(frame.file, fn.id);
    return (v.t === 'ext' && v.q === `builtins.${fn.id}`) || v.t === 'unknown' ? fn.id : undefined;
  }

  /** The expression a name, constant or helper call stands for (anything else stands for itself), or undefined when unknown. */
  private deref(e: Expr, frame: Frame, depth: number): InFrame | undefined {
    if (depth > MAX_EXPAND_DEPTH) return undefined;
    switch (e.k) {
      case 'name': {
        const own = frame.vars.get(e.id);
        if (own) return own.kind === 'value' && own.source ? this.deref(own.source.e, own.source.frame, depth + 1) : undefined;
        const v = this.resolver.lookup(frame.file, e.id);
        return v.t === 'expr' ? this.deref(v.e, this.moduleFrame(v.file), depth + 1) : undefined;
      }
      case 'attr': {
        const v = this.resolver.resolve(frame.file, e, frame.locals);
        return v.t === 'expr' ? this.deref(v.e, this.moduleFrame(v.file), depth + 1) : { e, frame };
      }
      case 'subscript': {
        // `CONSTRAINT_MAP[table]`: the value at a key known here of a dict written out, or an item of a list or tuple.
        const held = e.index.length === 1 ? this.deref(e.obj, frame, depth + 1) : undefined;
        const key = held && this.literal(e.index[0], frame);
        if (held?.e.k === 'dict' && typeof key === 'string') {
          const entry = held.e.entries.find(([k]) => k !== null && evalLiteral(this.resolver, held.frame.file, k, held.frame.locals) === key);
          return entry && this.deref(entry[1], held.frame, depth + 1);
        }
        const items = (held?.e.k === 'list' || held?.e.k === 'tuple') && !held.e.items.some((i) => i.k === 'starred') ? held.e.items : undefined;
        const item = items && typeof key === 'number' && Number.isInteger(key) ? items.at(key) : undefined;
        return item ? this.deref(item, held!.frame, depth + 1) : { e, frame };
      }
      case 'call': {
        const lambda = this.lambdaCall(e, frame, depth);
        if (lambda) return this.deref(lambda.e, lambda.frame, depth + 1);
        if (!this.callee(e.fn, frame)) return { e, frame };
        const returned = this.inlineReturn(e, frame);
        return returned && this.deref(returned.e, returned.frame, depth + 1);
      }
      default:
        return { e, frame };
    }
  }

  /**
   * The body of a lambda a call invokes (`temp_col = lambda: sa.Column(...)`, then `temp_col()`), in the frame the
   * lambda was made in with its parameters bound to the call's positional arguments.
   */
  private lambdaCall(call: Extract<Expr, { k: 'call' }>, frame: Frame, depth: number): InFrame | undefined {
    if (call.fn.k !== 'name' || call.kw.length > 0 || call.args.some((a) => a.k === 'starred')) return undefined;
    const fn = this.deref(call.fn, frame, depth + 1);
    if (fn?.e.k !== 'lambda' || fn.e.params.length !== call.args.length) return undefined;
    if (fn.e.params.length === 0) return { e: fn.e.body, frame: fn.frame };
    const inner = fn.frame.copy();
    fn.e.params.forEach((p, i) => inner.set(p, this.varFor(call.args[i], frame)));
    return { e: fn.e.body, frame: inner };
  }

  /**
   * What a call of a project helper returns (at its first top-level `return`, the assignments before it bound), with
   * the helper's frame. `exact`: only when nothing else comes before that return (no branch that may return first)
   * and no decorator wraps the helper (a cache would return an earlier call's value).
   */
  private inlineReturn(call: Extract<Expr, { k: 'call' }>, frame: Frame, exact = false): InFrame | undefined {
    const helper = this.inlinable(call, frame, exact);
    if (!helper) return undefined;
    const { def, inner } = helper;
    const changed = new Set<string>();
    for (const s of def.body) {
      if (s.k === 'assign' && s.value) for (const target of s.targets) this.bind(target, s.value, inner, inner);
      else if (s.k === 'return') {
        // A name a loop, a branch or a method call changed holds what cannot be told here (neutron's `output.append(...)`
        // in a loop over the inspector's columns): not the value it was first given.
        if (!s.value || namesUsedIn(s.value).some((n) => changed.has(n))) return undefined;
        return { e: s.value, frame: inner };
      } else if (exact && !(s.k === 'expr' && s.value.k === 'str')) return undefined;
      else for (const n of namesChangedBy(s)) changed.add(n);
    }
    return undefined;
  }

  /**
   * An instance of a project class a call builds, its `__init__` run (the ops in it recorded, `self.x = ...` kept):
   * its methods are then followed where they are called (aiida's `reflect = ReflectMigrations(op)`).
   */
  private construct(call: Extract<Expr, { k: 'call' }>, frame: Frame, flags: Flags): Var | undefined {
    const cls = this.resolver.resolve(frame.file, call.fn, frame.locals);
    if (cls.t !== 'class' || frame.depth >= MAX_INLINE_DEPTH) return undefined;
    const instance: Var = { kind: 'instance', cls: { file: cls.file, cls: cls.cls }, attrs: new Map() };
    const init = this.boundMethod(instance, '__init__', call, frame);
    if (init) this.walkCalled(call, frame, init.def.body, init.inner, flags);
    return instance;
  }

  /**
   * An op the project adds to Alembic's (the "operation plugins" of Alembic's cookbook): `op.replace_enum(...)` runs
   * the class method of the class registered under that name, with the class and `op` bound first, and
   * `operations.invoke(obj)` runs the function registered as the implementation for `obj`'s class, given `op` and
   * `obj`. Undefined for any other op.
   */
  private pluginCall(method: string, call: Extract<Expr, { k: 'call' }>, frame: Frame, flags: Flags): { def: DefStmt; inner: Frame; implementation?: true } | undefined {
    if (call.fn.k !== 'attr' || (method !== 'invoke' && isKnownOp(method))) return undefined;
    const operations = this.varFor(call.fn.obj, frame);
    if (method === 'invoke') {
      const arg = call.args.length === 1 ? call.args[0] : undefined;
      // The op object, named or made in place (`operations.invoke(cls(target))`).
      const made = arg?.k === 'name' ? frame.vars.get(arg.id) : arg?.k === 'call' ? this.construct(arg, frame, flags) : undefined;
      const implementation = made?.kind === 'instance' ? implementationOf(this.opPlugins(), this.resolver, made.cls) : undefined;
      if (made?.kind !== 'instance' || !implementation || !this.mayInline(implementation.def, frame)) return undefined;
      return { def: implementation.def, inner: this.bindCall(implementation, { ...call, args: [], kw: [] }, frame, [operations, made]), implementation: true };
    }
    const registered = this.opPlugins().ops.get(method);
    const maker = registered && this.resolver.methodOf(registered, registered.classMethod);
    if (!registered || !maker || !this.mayInline(maker.def, frame)) return undefined;
    return { def: maker.def, inner: this.bindCall(maker, call, frame, [{ kind: 'value', value: { t: 'class', file: registered.file, cls: registered.cls } }, operations]) };
  }

  /** The op plugins of the revision's environment, read when first needed. */
  private opPlugins(): OpPlugins {
    return (this.plugins ??= readOpPlugins(this.resolver, this.revisionFile));
  }

  /**
   * `obj.method(...)` on an instance the migration built, or builds in place (aiida's
   * `ReflectMigrations(op).drop_indexes(...)`): the method, with `self` bound to it.
   */
  private methodCall(call: Extract<Expr, { k: 'call' }>, frame: Frame, flags: Flags): { def: DefStmt; inner: Frame } | undefined {
    if (call.fn.k !== 'attr') return undefined;
    const obj = call.fn.obj;
    // `super().run()` in a method of an instance being followed: the method of the bases of the class that defines
    // the method running now (galaxy's DDL operations, whose subclasses' run() return super().run()).
    if (obj.k === 'call' && obj.fn.k === 'name' && obj.fn.id === 'super' && obj.args.length === 0) {
      const self = frame.vars.get('self');
      return self?.kind === 'instance' ? this.boundMethod(self, call.fn.name, call, frame, this.aboveRunningMethod(self, frame)) : undefined;
    }
    const owner = obj.k === 'name' ? frame.vars.get(obj.id) : obj.k === 'call' ? this.construct(obj, frame, flags) : undefined;
    return owner?.kind === 'instance' ? this.boundMethod(owner, call.fn.name, call, frame) : undefined;
  }

  /** The project bases of the class of an instance's MRO that defines the method running in `frame`. */
  private aboveRunningMethod(instance: Extract<Var, { kind: 'instance' }>, frame: Frame): Array<{ file: string; cls: ClassStmt }> {
    const running = [...frame.active].at(-1);
    const owner = running && this.resolver.inClassOrBases(instance.cls, (cls) => (cls.body.includes(running) ? cls : undefined));
    if (!owner) return [];
    return owner.found.bases.flatMap((b) => {
      const v = this.resolver.resolve(owner.file, b);
      return v.t === 'class' ? [{ file: v.file, cls: v.cls }] : [];
    });
  }

  /**
   * A method of an instance, with a frame of `self` and the call's arguments, when it may be inlined (`mayInline`);
   * looked up from `from` (the bases above a `super()`), else from the instance's class.
   */
  private boundMethod(instance: Extract<Var, { kind: 'instance' }>, name: string, call: Extract<Expr, { k: 'call' }>, frame: Frame, from?: Array<{ file: string; cls: ClassStmt }>): { def: DefStmt; inner: Frame } | undefined {
    const method = from ? from.map((c) => this.resolver.methodOf(c, name)).find((m) => m !== undefined) : this.resolver.methodOf(instance.cls, name);
    if (!method || !this.mayInline(method.def, frame)) return undefined;
    const self = method.def.params[0]?.name;
    if (!self) return undefined;
    // `self` first, then the call's own arguments.
    const inner = this.bindCall(method, { ...call, args: [{ k: 'const', v: null, s: call.s }, ...call.args] }, frame);
    inner.set(self, instance);
    return { def: method.def, inner };
  }

  /**
   * The project helper a call calls, with a frame of its arguments, when it may be inlined (`mayInline`) and
   * (`exact`) is not wrapped by a decorator, whose cache may answer instead.
   */
  private inlinable(call: Extract<Expr, { k: 'call' }>, frame: Frame, exact: boolean): { def: DefStmt; inner: Frame } | undefined {
    const fn = this.callee(call.fn, frame);
    if (!fn || (exact && fn.def.decorators.length > 0) || !this.mayInline(fn.def, frame)) return undefined;
    return { def: fn.def, inner: this.bindCall(fn, call, frame) };
  }

  /** Whether a function may be inlined here: not too deep, not recursive, within the revision's budget (which it spends). */
  private mayInline(def: DefStmt, frame: Frame): boolean {
    return frame.depth < MAX_INLINE_DEPTH && !frame.active.has(def) && ++this.inlined <= MAX_INLINED;
  }

  private moduleFrame(file: string): Frame {
    let frame = this.moduleFrames.get(file);
    if (!frame) {
      frame = new Frame(file, 0, new Set());
      this.moduleFrames.set(file, frame);
    }
    return frame;
  }

  /** The evaluation context of a frame, with `expand` for op arguments that are variables or helper results. */
  private scope(frame: Frame): OpScope {
    return {
      resolver: this.resolver,
      file: frame.file,
      locals: frame.locals,
      dialect: this.dialect,
      temporaryTables: this.temporaryTables,
      expand: (e: Expr) => this.expand(e, frame, 0)?.map((x): Located => ({ e: x.e, ctx: { resolver: this.resolver, file: x.frame.file, locals: x.frame.locals } })),
      reflectedKey: (e: Expr | undefined) => (e ? this.reflectedField(e, frame) : undefined),
    };
  }

  /**
   * `fk["name"]`, `fk.get("referred_table")`, `fk["options"].get("ondelete")` of a foreign key read from the database,
   * with the tests that pick it: the loop pass's `if`s, or the conditions of `next(fk for fk in ... if ...)`.
   */
  private reflectedField(e: Expr, frame: Frame, depth = 0): ReflectedField | undefined {
    if (e.k === 'name' && depth < MAX_EXPAND_DEPTH) {
      // `name = fk["name"]`, then `op.drop_constraint(name, ...)`.
      const held = this.deref(e, frame, 0);
      return held && held.e !== e ? this.reflectedField(held.e, held.frame, depth + 1) : undefined;
    }
    const next = this.nextField(e, frame, this.steps.length, depth);
    if (next) return next;
    const field = keyFieldOf(e);
    const key = field && this.reflectedKeyOf(field.base, frame, 0);
    return key && { key, field: field.field };
  }

  /**
   * The field of the key `next((fk["name"] for fk in inspector.get_foreign_keys("t") if ...), default)` picks, with
   * the default as the key's `fallback` (privacyidea; the default None when there is none to evaluate).
   */
  private nextField(e: Expr, frame: Frame, at: number, depth: number): ReflectedField | undefined {
    const next = this.nextOf(e, frame);
    if (!next) return undefined;
    const { comp } = next;
    const field = keyFieldOf(comp.elt);
    if (!field || field.base.k !== 'name' || comp.target.k !== 'name' || field.base.id !== comp.target.id) return undefined;
    const key = this.pickedKey({ ...comp, elt: comp.target }, frame, depth + 1, at);
    if (!key) return undefined;
    if (!next.fallback) return { key, field: field.field };
    const fallback = evalLiteral(this.resolver, frame.file, next.fallback, frame.locals);
    return typeof fallback === 'string' || fallback === null ? { key: { ...key, fallback }, field: field.field } : undefined;
  }

  /**
   * An item of a foreign key read from the database set: `fk["options"]["ondelete"] = "CASCADE"` (neutron) changes
   * what a create that makes it again from its fields gives; any other change makes the key unknown from then on
   * (tacker's `fk["constrained_columns"][i] = new_local_col`; a drop by its name before it dropped the key read).
   */
  private changeReflectedKey(target: Extract<Expr, { k: 'subscript' }>, value: Expr, from: Frame, frame: Frame): void {
    let root: Expr = target;
    while (root.k === 'subscript' || root.k === 'attr') root = root.obj;
    const held = root.k === 'name' ? this.keyVariable(root, frame, 0) : undefined;
    if (!held) return;
    const field = keyFieldOf(target);
    const given = field && KEY_OPTIONS.has(field.field) ? evalLiteral(this.resolver, from.file, value, from.locals) : undefined;
    if (field && (typeof given === 'string' || given === null)) {
      const key = { ...held.v.key, changed: { ...held.v.key.changed, [field.field]: given } };
      held.frame.set(held.name, { kind: 'reflectedKey', key });
      const changes = this.keyChanges.get(key.pass) ?? [];
      changes.push({ tests: this.activeKeyTests(key.pass), changed: { [field.field]: given } });
      this.keyChanges.set(key.pass, changes);
      return;
    }
    held.frame.set(held.name, UNKNOWN);
  }

  /** The tests on keys of one read that the statement being walked runs under. */
  private activeKeyTests(pass: string): Array<KeyTest | undefined> {
    return this.keyTests.filter((t) => t.pass === pass).map((t) => t.test);
  }

  /**
   * A key of a read as a new loop over the read's list sees it: with what the revision set on the keys of that read
   * under tests the loop runs under too (a change made under other tests, to other keys, is not seen).
   */
  private withKeyChanges(key: ReflectedKey): ReflectedKey {
    const changes = this.keyChanges.get(key.pass);
    if (!changes) return key;
    const active = this.activeKeyTests(key.pass);
    let changed = key.changed;
    for (const c of changes) if (c.tests.every((t) => active.includes(t))) changed = { ...changed, ...c.changed };
    return changed === key.changed ? key : { ...key, changed };
  }

  /** The loop variable (and its frame) holding a foreign key read from the database that a name stands for. */
  private keyVariable(e: Extract<Expr, { k: 'name' }>, frame: Frame, depth: number): { name: string; frame: Frame; v: Extract<Var, { kind: 'reflectedKey' }> } | undefined {
    const v = frame.vars.get(e.id);
    if (v?.kind === 'reflectedKey') return { name: e.id, frame, v };
    return v?.kind === 'value' && v.source?.e.k === 'name' && depth < MAX_EXPAND_DEPTH ? this.keyVariable(v.source.e, v.source.frame, depth + 1) : undefined;
  }

  /**
   * The foreign key read from the database an expression stands for: a loop's variable, or a `next(...)` that picks one
   * (read at step `at`, or when the variable that holds it was bound).
   */
  private reflectedKeyOf(e: Expr, frame: Frame, depth: number, at = this.steps.length): ReflectedKey | undefined {
    if (depth > MAX_EXPAND_DEPTH) return undefined;
    if (e.k === 'name') {
      const v = frame.vars.get(e.id);
      if (v?.kind === 'reflectedKey') {
        const tests = this.keyTests.filter((t) => t.pass === v.key.pass).map((t) => t.test);
        // Under a test on the key that could not be read, which keys an op takes is not known.
        return tests.some((t) => t === undefined) ? undefined : keyPickedBy(v.key, tests as KeyTest[]);
      }
      return v?.kind === 'value' && v.source ? this.reflectedKeyOf(v.source.e, v.source.frame, depth + 1, Math.min(at, v.at ?? at)) : undefined;
    }
    // `matched = [fk for fk in fks if ...]`, then `matched[0]`: the first key the comprehension picks, as `next(...)`.
    if (e.k === 'subscript' && e.index.length === 1 && e.index[0].k === 'num' && e.index[0].v === 0) {
      const held = e.obj.k === 'name' ? frame.vars.get(e.obj.id) : undefined;
      const list = this.deref(e.obj, frame, depth + 1);
      const when = held?.kind === 'value' && held.at !== undefined ? Math.min(at, held.at) : at;
      return list?.e.k === 'comp' ? this.pickedKey(list.e, list.frame, depth + 1, when) : undefined;
    }
    // `next(fk for fk in inspector.get_foreign_keys("t") if fk["constrained_columns"] == ["user_id"])`
    const next = this.nextOf(e, frame);
    return next && this.pickedKey(next.comp, frame, depth, at);
  }

  /** The comprehension `next(<comprehension>)` or `next(<comprehension>, default)` takes its first item from, with the default. */
  private nextOf(e: Expr, frame: Frame): { comp: Extract<Expr, { k: 'comp' }>; fallback?: Expr } | undefined {
    if (e.k !== 'call' || e.kw.length > 0 || e.args.length < 1 || e.args.length > 2 || e.args[0].k !== 'comp' || this.builtinCalled(e.fn, frame) !== 'next') return undefined;
    return { comp: e.args[0], fallback: e.args[1] };
  }

  /**
   * The key a comprehension over a table's foreign keys picks by its conditions (`fk for fk in ... if <key test>`),
   * evaluated at step `at`.
   */
  private pickedKey(comp: Extract<Expr, { k: 'comp' }>, frame: Frame, depth: number, at: number): ReflectedKey | undefined {
    if (comp.target.k !== 'name' || comp.elt.k !== 'name' || comp.elt.id !== comp.target.id) return undefined;
    const read = { at };
    const listed = this.inspected(comp.iter, frame, read, depth + 1);
    if (listed?.k !== 'foreignkey' && listed?.k !== 'unique') return undefined;
    const target = comp.target.id;
    const tests: KeyTest[] = [];
    for (const cond of comp.conds) {
      const test = this.keyTest(cond, frame, (x) => x.k === 'name' && x.id === target);
      if (!test) return undefined;
      tests.push(test);
    }
    return keyPickedBy(keyRead(listed, read.at), tests);
  }

  /**
   * A test on the fields of one key read from the database (`isKey` tells the key's expression):
   * `fk["constrained_columns"] == ["user_id"]`, `"user_id" in fk["constrained_columns"]`, `fk["referred_table"] ==
   * "users"`, a unique constraint's `uc["column_names"] == ["name"]`, whether it has a name (`fk.get("name")`), under
   * `not`, `and` and `or`; undefined for anything else.
   */
  private keyTest(e: Expr, frame: Frame, isKey: (x: Expr) => boolean): KeyTest | undefined {
    if (e.k === 'not') {
      const test = this.keyTest(e.value, frame, isKey);
      return test && { k: 'not', test };
    }
    if (e.k === 'boolop') {
      const tests = e.values.map((v) => this.keyTest(v, frame, isKey));
      return tests.every((t): t is KeyTest => !!t) ? { k: e.op, tests } : undefined;
    }
    const fieldOf = (x: Expr): string | undefined => {
      const f = keyFieldOf(x);
      return f && isKey(f.base) ? f.field : undefined;
    };
    // `fk.get("name")` as a test: whether the database lists the key with a name.
    if (fieldOf(e) === 'name') return { k: 'named' };
    if (e.k !== 'compare' || e.ops.length !== 1) return undefined;
    const [op, left, right] = [e.ops[0], e.left, e.comparators[0]];
    const negated = (test: KeyTest, not: boolean): KeyTest => (not ? { k: 'not', test } : test);
    if (op === 'in' || op === 'not in') {
      if (!COLUMNS_FIELDS.has(fieldOf(right) ?? '')) return undefined;
      const column = evalLiteral(this.resolver, frame.file, left, frame.locals);
      return typeof column === 'string' ? negated({ k: 'hasColumn', column }, op === 'not in') : undefined;
    }
    if (op !== '==' && op !== '!=') return undefined;
    // `set(uq["column_names"]) == {"a", "b"}`: the same columns in any order (privacyidea).
    const asSet = (x: Expr): Expr | undefined => (x.k === 'call' && x.args.length === 1 && x.kw.length === 0 && ['set', 'frozenset'].includes(this.builtinCalled(x.fn, frame) ?? '') ? x.args[0] : undefined);
    const [leftSet, rightSet] = [asSet(left), asSet(right)];
    const unordered = (leftSet && COLUMNS_FIELDS.has(fieldOf(leftSet) ?? '')) || (rightSet && COLUMNS_FIELDS.has(fieldOf(rightSet) ?? ''));
    const [l, r] = unordered ? [leftSet ?? left, rightSet ?? right] : [left, right];
    const [field, other] = fieldOf(l) ? [fieldOf(l), r] : [fieldOf(r), l];
    const value = field ? evalLiteral(this.resolver, frame.file, other, frame.locals) : undefined;
    if (field === 'referred_table' && typeof value === 'string') return negated({ k: 'refTable', table: value }, op === '!=');
    if (COLUMNS_FIELDS.has(field ?? '') && Array.isArray(value) && value.every((c) => typeof c === 'string')) return negated({ k: unordered ? 'columnSet' : 'columns', columns: value as string[] }, op === '!=');
    return undefined;
  }

  /**
   * `if <test on a loop's foreign key>:` (`if fk["constrained_columns"] == ["network_id"]:`): each arm runs for the
   * keys it picks, which the replay knows; undefined for a test on anything else.
   */
  private branchOnKey(s: Extract<Stmt, { k: 'if' }>, frame: Frame, flags: Flags): Flow | 'not a key test' {
    let pass: string | undefined;
    const test = this.keyTest(s.test, frame, (x) => {
      const v = x.k === 'name' ? frame.vars.get(x.id) : undefined;
      if (v?.kind !== 'reflectedKey' || (pass !== undefined && pass !== v.key.pass)) return false;
      pass = v.key.pass;
      return true;
    });
    if (test && pass !== undefined) {
      const [a, b] = this.bothBranches(s, frame, flags, flags, false, undefined, undefined, { pass, test });
      if (a === 'return' && b === 'return') return 'return';
      // What follows runs for the keys an arm that returned does not pick: not known here.
      return a === undefined && b === undefined ? undefined : 'maybe';
    }
    // A test on a key that cannot be read (`if fk.get("options", {}).get("ondelete") == "CASCADE":`): a test on what the
    // database holds, under which ops on the key are not known to take any one key.
    const mentioned = this.keyMentioned(s.test, frame, 0);
    if (mentioned === undefined) return 'not a key test';
    const guarded = { ...flags, guarded: true };
    const [a, b] = this.bothBranches(s, frame, guarded, guarded, false, undefined, undefined, { pass: mentioned });
    if (a === 'maybe' || b === 'maybe') return 'maybe';
    if (a === 'return' && b === 'return') return 'return';
    return a || b ? 'guarded' : undefined;
  }

  /** The pass of a loop over foreign keys read from the database whose key an expression uses, if it uses one. */
  private keyMentioned(e: Expr, frame: Frame, depth: number): string | undefined {
    if (e.k === 'name') {
      const v = frame.vars.get(e.id);
      return v?.kind === 'reflectedKey' ? v.key.pass : undefined;
    }
    if (depth > MAX_EXPAND_DEPTH || e.k === 'comp') return undefined;
    for (const x of subExprs(e)) {
      const pass = this.keyMentioned(x, frame, depth + 1);
      if (pass !== undefined) return pass;
    }
    return undefined;
  }

  /**
   * Whether an expression (or a variable it uses, followed to its value, or a project helper it calls, followed to
   * what the helper returns: `if is_postgres():`) mentions one of `words`.
   */
  private mentions(e: Expr, frame: Frame, words: ReadonlySet<string>, depth: number): boolean {
    for (const word of expressionWords(e)) {
      if (words.has(word)) return true;
      const v = frame.vars.get(word);
      if (v?.kind === 'value' && v.source && depth < 5 && this.mentions(v.source.e, v.source.frame, words, depth + 1)) return true;
    }
    return depth < 5 && this.helperCalls(e, frame).some(({ returned, frame: inner }) => this.mentions(returned, inner, words, depth + 1));
  }

  /** The project helpers an expression calls that return one expression, each with the frame of that call. */
  private helperCalls(e: Expr, frame: Frame): Array<{ returned: Expr; frame: Frame }> {
    const out: Array<{ returned: Expr; frame: Frame }> = [];
    const visit = (x: Expr): void => {
      const helper = x.k === 'call' ? this.helperReturn(x, frame) : undefined;
      if (helper) out.push(helper);
      if (x.k !== 'comp') for (const c of subExprs(x)) visit(c);
    };
    visit(e);
    return out;
  }

  /** The table of `op.batch_alter_table(...)`, also returned by a helper of the project (mlflow's `_with_batch(t)`). */
  private batchOf(call: Extract<Expr, { k: 'call' }>, frame: Frame): BatchTarget | undefined {
    if (this.opMethod(call.fn, frame)?.method === 'batch_alter_table') return readBatchTarget(this.scope(frame), call);
    const helper = this.helperReturn(call, frame);
    const returned = helper?.returned;
    return returned?.k === 'call' && this.opMethod(returned.fn, helper!.frame)?.method === 'batch_alter_table' ? readBatchTarget(this.scope(helper!.frame), returned) : undefined;
  }

  /** A call of a `@contextmanager` function of the project (neutron's `remove_fks_from_table`): its two parts, bound. */
  private contextManager(call: Extract<Expr, { k: 'call' }>, frame: Frame): { before: Stmt[]; after: Stmt[]; inner: Frame; swallows: boolean } | undefined {
    const fn = this.callee(call.fn, frame);
    const parts = fn ? contextManagerParts(fn.def) : undefined;
    return parts && this.mayInline(fn!.def, frame) ? { ...parts, inner: this.bindCall(fn!, call, frame), swallows: contextManagerSwallows(fn!.def) } : undefined;
  }

  /**
   * What a helper a test calls returns: where its body is assignments and a return, with those bound (endurain's
   * `connection = op.get_bind(); dialect = connection.dialect.name; return dialect`), else its first return.
   */
  private testHelperReturn(call: Extract<Expr, { k: 'call' }>, frame: Frame): { returned: Expr; frame: Frame } | undefined {
    const inlined = this.inlineReturn(call, frame, true);
    return inlined ? { returned: inlined.e, frame: inlined.frame } : this.helperReturn(call, frame);
  }

  /** What a call of a project helper returns (its one returned expression), with the frame of that call. */
  private helperReturn(call: Extract<Expr, { k: 'call' }>, frame: Frame): { returned: Expr; frame: Frame } | undefined {
    const fn = this.callee(call.fn, frame);
    const returned = fn && !frame.active.has(fn.def) ? returnedValue(fn.def) : undefined;
    return fn && returned ? { returned, frame: this.bindCall(fn, call, frame) } : undefined;
  }

  /**
   * Decides a test on the dialect name for the known dialect: `X.dialect.name == "postgresql"`, `!=`, `in (...)`,
   * `not in`, `not`, `and`, `or`, a variable holding such a test, or a helper that returns one; and, whatever the
   * dialect, a test of the connection itself (`if not bind: return`, `op.get_bind()` being never None). Undefined when
   * the test has another shape, or needs the dialect and it is not known.
   */
  private decideDialect(e: Expr, frame: Frame, depth: number, dialect = this.dialect): boolean | undefined {
    if (depth > 5) return undefined;
    switch (e.k) {
      case 'not': {
        const inner = this.decideDialect(e.value, frame, depth + 1, dialect);
        return inner === undefined ? undefined : !inner;
      }
      case 'name': {
        const v = frame.vars.get(e.id);
        return v?.kind === 'value' && v.source ? this.decideDialect(v.source.e, v.source.frame, depth + 1, dialect) : undefined;
      }
      case 'boolop': {
        const values = e.values.map((v) => this.decideDialect(v, frame, depth + 1, dialect));
        if (values.some((v) => v === undefined)) return undefined;
        return e.op === 'and' ? values.every(Boolean) : values.some(Boolean);
      }
      case 'attr': {
        // `dialect.supports_alter` (storyboard, around its foreign keys): false on SQLite alone.
        const owner = e.obj.k === 'name' ? frame.vars.get(e.obj.id) : undefined;
        const ofDialect = isDialectObject(e.obj) || (e.obj.k === 'name' && e.obj.id === 'dialect') || (owner?.kind === 'value' && !!owner.source && isDialectObject(owner.source.e));
        return e.name === 'supports_alter' && ofDialect && dialect !== undefined ? dialect !== 'sqlite' : undefined;
      }
      case 'call': {
        // `bind and bind.engine.name == "postgresql"`, `bind` being `op.get_bind()`: a connection, always true.
        if (e.fn.k === 'attr' && e.fn.name === 'get_bind' && e.args.length === 0 && e.kw.length === 0) return true;
        // `isinstance(bind.dialect, MySQLDialect)` (or a tuple of dialect classes).
        if (dialect !== undefined && this.builtinCalled(e.fn, frame) === 'isinstance' && e.args.length === 2 && isDialectObject(e.args[0])) {
          const classes = e.args[1].k === 'tuple' ? e.args[1].items : [e.args[1]];
          const names = classes.map((c) => dialectOfClass(this.resolver.externalName(frame.file, c, frame.locals)));
          return names.some((n) => n === undefined) ? undefined : names.includes(dialect);
        }
        // `bind.engine.url.drivername.startswith("postgresql")`: the URL's name of the dialect, then its driver's.
        // So is the URL as text (CTFd's `url = str(bind.engine.url)`, then `url.startswith("mysql")`).
        if (e.fn.k === 'attr' && e.fn.name === 'startswith' && e.args.length === 1 && e.kw.length === 0 && (isDriverName(e.fn.obj) || this.isUrlText(e.fn.obj, frame))) {
          const prefix = evalString(this.resolver, frame.file, e.args[0], frame.locals);
          return dialect === undefined || prefix === undefined || prefix.includes('+') ? undefined : dialect.startsWith(prefix);
        }
        // A helper that returns a test: `def _is_pg(conn): return conn.dialect.name == "postgresql"`.
        const helper = this.testHelperReturn(e, frame);
        return helper && this.decideDialect(helper.returned, helper.frame, depth + 1, dialect);
      }
      case 'compare': {
        if (dialect === undefined || e.ops.length !== 1) return undefined;
        const [op, right, left] = [e.ops[0], e.comparators[0], e.left];
        // `url.startswith("sqlite") is False`: a decided test compared with a boolean.
        if ((op === 'is' || op === 'is not' || op === '==' || op === '!=') && right.k === 'const' && typeof right.v === 'boolean') {
          const inner = this.decideDialect(left, frame, depth + 1, dialect);
          return inner === undefined ? undefined : (inner === right.v) === (op === 'is' || op === '==');
        }
        if (op === '==' || op === '!=') {
          // The name written out, or a constant (neutron's `engine.name == MYSQL_ENGINE`).
          const text = (x: Expr): string | undefined => (x.k === 'str' ? x.v : x.k === 'name' || x.k === 'attr' ? evalString(this.resolver, frame.file, x, frame.locals) : undefined);
          const name = this.isDialectName(left, frame) ? text(right) : this.isDialectName(right, frame) ? text(left) : undefined;
          return name === undefined ? undefined : (name === dialect) === (op === '==');
        }
        if ((op === 'in' || op === 'not in') && (right.k === 'tuple' || right.k === 'list' || right.k === 'set') && this.isDialectName(left, frame)) {
          const names = evalStringList(this.resolver, frame.file, right, frame.locals);
          return names === undefined ? undefined : names.includes(dialect) === (op === 'in');
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** Whether an expression is an engine URL as text: `str(bind.engine.url)`, or a variable holding it. */
  private isUrlText(e: Expr, frame: Frame, depth = 0): boolean {
    if (e.k === 'name') {
      const v = frame.vars.get(e.id);
      return depth < 5 && v?.kind === 'value' && !!v.source && this.isUrlText(v.source.e, v.source.frame, depth + 1);
    }
    return e.k === 'call' && e.args.length === 1 && e.kw.length === 0 && e.args[0].k === 'attr' && e.args[0].name === 'url' && this.builtinCalled(e.fn, frame) === 'str';
  }

  /**
   * Whether an expression is the dialect's name (`bind.dialect.name`, `conn.engine.name`, a variable holding it, or a
   * helper returning it: `get_db_type() == "postgresql"`).
   */
  private isDialectName(e: Expr, frame: Frame, depth = 0): boolean {
    if (depth > 5) return false;
    if (e.k === 'name') {
      // A variable given the name, or a helper's answer (`dialect = get_db_dialect()`).
      const v = frame.vars.get(e.id);
      return v?.kind === 'value' && !!v.source && this.isDialectName(v.source.e, v.source.frame, depth + 1);
    }
    if (e.k === 'call' && !isDialectAttr(e)) {
      const helper = this.testHelperReturn(e, frame);
      return helper !== undefined && this.isDialectName(helper.returned, helper.frame, depth + 1);
    }
    return isDialectAttr(e);
  }
}

/** The words of setting names that name a database, and the dialect each names. */
const DATABASE_WORDS: ReadonlyMap<string, string> = new Map([
  ['pg', 'postgresql'],
  ['postgres', 'postgresql'],
  ['postgresql', 'postgresql'],
  ['sqlite', 'sqlite'],
  ['mysql', 'mysql'],
  ['mariadb', 'mysql'],
  ['mssql', 'mssql'],
  ['oracle', 'oracle'],
]);

/**
 * The database a test's truth stands for when the test is a setting named for one database (`settings.pg_uri`,
 * `not USE_SQLITE`, `config.is_postgres()`): a name or attribute, or a call of one without arguments, whose last name
 * holds exactly one database's word; `negated` under an odd number of `not`s.
 */
export function databaseNamedBy(test: Expr): { dialect: string; negated: boolean } | undefined {
  let e = test;
  let negated = false;
  for (; e.k === 'not'; e = e.value) negated = !negated;
  if (e.k === 'call' && e.args.length === 0 && e.kw.length === 0) e = e.fn;
  const last = e.k === 'name' ? e.id : e.k === 'attr' ? e.name : undefined;
  if (last === undefined) return undefined;
  const words = last.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/_+/);
  const dialects = new Set(words.flatMap((w) => DATABASE_WORDS.get(w) ?? []));
  return dialects.size === 1 ? { dialect: [...dialects][0], negated } : undefined;
}

const wordsOfExpression = new WeakMap<Expr, string[]>();

/** `wordsOf` an expression, remembered: a loop unrolled over thousands of items asks again for each (lms' back-fill). */
function expressionWords(e: Expr): string[] {
  let words = wordsOfExpression.get(e);
  if (!words) wordsOfExpression.set(e, (words = wordsOf(e, false)));
  return words;
}

/**
 * The words an expression is written with: names, attribute and keyword names, the words of strings and of text the
 * syntax keeps unconverted. Comprehensions, dicts, sets, f-strings and `*x` count only inside a comparison, `and`,
 * `or` or `not` (`inside`): the words seen are those the dialect test saw when comparisons were kept as text, so that
 * `if any(fk["name"] == n for fk in inspector.get_foreign_keys("t")):` is not taken for a test on the dialect.
 */
function wordsOf(e: Expr, inside: boolean): string[] {
  const own: string[] = [];
  switch (e.k) {
    case 'name':
      own.push(e.id);
      break;
    case 'attr':
      own.push(e.name);
      break;
    case 'call':
      for (const k of e.kw) if (k.name !== null) own.push(k.name);
      break;
    case 'str':
      return wordsIn(e.v);
    case 'other':
      return wordsIn(e.text);
    case 'fstr':
      if (inside) for (const p of e.parts) if (typeof p === 'string') own.push(...wordsIn(p));
      break;
    case 'comp':
      if (inside) own.push(...wordsOf(e.target, true));
      break;
    default:
  }
  if (!inside && (e.k === 'fstr' || e.k === 'set' || e.k === 'dict' || e.k === 'starred' || e.k === 'comp')) return [];
  const into = inside || e.k === 'compare' || e.k === 'boolop' || e.k === 'not';
  return [...own, ...subExprs(e).flatMap((x) => wordsOf(x, into))];
}

function wordsIn(text: string): string[] {
  return text.match(/[A-Za-z_]\w*/g) ?? [];
}

/**
 * The flags for what follows a statement that ended with `flow`: after a branch that may have returned, what follows
 * may not run either (uncertain after an undecided dialect branch; guarded after a branch on what the database or a
 * setting holds, as `if settings.pg: return` at the top of a revision: its ops are kept, and one that fails here is
 * not reported).
 */
function flagsAfter(flags: Flags, flow: Flow): Flags {
  if (flow === 'maybe') return flags.uncertain && !flags.dialects ? flags : { ...flags, uncertain: true, dialects: undefined };
  if (flow === 'guarded' && !flags.guarded) return { ...flags, guarded: true };
  if (typeof flow === 'object') return { ...flags, when: [...(flags.when ?? []), ...flow.when] };
  return flags;
}

/**
 * The dialects each arm of an undecided test on the dialect runs on, within those the block around it runs on;
 * undefined where some dialect does not decide the test, or the block runs under a doubt of another kind.
 */
function armsRunOn(flags: Flags, holds: (dialect: string) => boolean | undefined): [readonly string[], readonly string[]] | undefined {
  const around = flags.dialects ?? (flags.uncertain ? undefined : DIALECT_UNIVERSE);
  if (!around || DIALECT_UNIVERSE.some((d) => holds(d) === undefined)) return undefined;
  return [around.filter((d) => holds(d) === true), around.filter((d) => holds(d) === false)];
}

/** A step with the dialects it runs on set to `dialects` (none recorded when undefined). */
function withRunsOn(step: OpStep, dialects: readonly string[] | undefined): OpStep {
  const { runsOn: _, ...rest } = step;
  return dialects ? { ...rest, runsOn: dialects } : rest;
}

/** How a block that ran to its end with flags `current`, entered with `entered`, ended for the block around it. */
function flowOf(current: Flags, entered: Flags): Flow {
  if (current.uncertain && !entered.uncertain) return 'maybe';
  if (current.guarded && !entered.guarded) return 'guarded';
  const added = (current.when?.length ?? 0) - (entered.when?.length ?? 0);
  return added > 0 ? { when: current.when!.slice(-added) } : undefined;
}

/** The op kinds that change only a table's indexes or constraints. */
const INDEX_OR_CONSTRAINT_OPS = new Set([...CONSTRAINT_OP_KINDS, 'create_index', 'drop_index', 'rename_index']);

/** Whether an op may change what an existence test finds (an op that names no table may change anything). */
function mayChange(op: MigrationOp, what: Existence): boolean {
  if (op.kind === 'legacy_alter_table') return false;
  if (!tablesOf(op)?.length) return true;
  if (what.table !== undefined && !ownTableKeys(op).includes(tableKey(what.table, what.schema))) return false;
  if (what.column !== undefined) return !INDEX_OR_CONSTRAINT_OPS.has(op.kind) && mayChangeColumn(op, what.column);
  if (what.enumType !== undefined) return !INDEX_OR_CONSTRAINT_OPS.has(op.kind);
  if (what.index !== undefined) {
    const other = op.kind === 'create_index' ? op.index?.name : op.kind === 'drop_index' ? op.name : undefined;
    return other === undefined || other === what.index;
  }
  if (what.constraint) {
    const other = op.kind === 'drop_constraint' ? op.name : 'constraint' in op ? op.constraint?.name : undefined;
    return other === undefined || other === what.constraint.name;
  }
  // Any op on the table may make or drop a unique constraint of those columns (a dropped column takes it along), its
  // primary key, or a key a test picks.
  if (what.uniqueOn || what.primaryKey || what.picked) return true;
  return changesTableExistence(op);
}

/** Whether an op on a column's table may make, drop or rename that column (one on another column does not). */
function mayChangeColumn(op: MigrationOp, column: string): boolean {
  switch (op.kind) {
    case 'add_column':
      return op.column?.spec.name === undefined || op.column.spec.name === column;
    case 'drop_column':
      return op.column === undefined || op.column === column;
    case 'alter_column':
      return op.column === undefined || op.column === column || op.changes.newName === column;
    default:
      return true;
  }
}

/**
 * A foreign key of a table's keys as an Inspector read them, the read dated by the step it was made at (an Inspector
 * keeps what it read: tacker's helper drops every key it read, and makes each again from the same read after).
 */
function keyRead(listed: { k: DatabaseNames['k']; table: string; schema?: string }, at: number): ReflectedKey {
  return { ...(listed.k === 'unique' ? { kind: 'unique' } : {}), table: listed.table, ...(listed.schema !== undefined ? { schema: listed.schema } : {}), pass: `${listed.schema ?? ''}.${listed.table}@${at}` };
}

/** A key read from the database, as the tests that pick it narrow it (all of them, or none). */
function keyPickedBy(key: ReflectedKey, tests: KeyTest[]): ReflectedKey {
  return tests.length === 0 ? key : { ...key, test: tests.length === 1 ? tests[0] : { k: 'and', tests } };
}

/** The fields of a foreign key the Inspector gives (`get_foreign_keys`), those of a unique constraint (`get_unique_constraints`), and those of a foreign key's `options`. */
const KEY_FIELDS = new Set(['name', 'constrained_columns', 'referred_table', 'referred_columns', 'referred_schema', 'column_names']);
const KEY_OPTIONS = new Set(['ondelete', 'onupdate']);
/** The fields that list a key's columns: a foreign key's, a unique constraint's. */
const COLUMNS_FIELDS = new Set(['constrained_columns', 'column_names']);

/**
 * `base["name"]`, `base.get("name")` (with or without a default), `base["options"].get("ondelete")`,
 * `base.get("options", {})["ondelete"]`: the field of an Inspector's foreign key read, and the expression it is read
 * from; undefined for anything else.
 */
function keyFieldOf(e: Expr): { base: Expr; field: string } | undefined {
  const read = (x: Expr): { base: Expr; key: string } | undefined => {
    if (x.k === 'subscript' && x.index.length === 1 && x.index[0].k === 'str') return { base: x.obj, key: x.index[0].v };
    if (x.k === 'call' && x.fn.k === 'attr' && x.fn.name === 'get' && x.kw.length === 0 && (x.args.length === 1 || x.args.length === 2) && x.args[0].k === 'str') return { base: x.fn.obj, key: x.args[0].v };
    return undefined;
  };
  const outer = read(e);
  if (!outer) return undefined;
  if (KEY_FIELDS.has(outer.key)) return { base: outer.base, field: outer.key };
  const options = KEY_OPTIONS.has(outer.key) ? read(outer.base) : undefined;
  return options?.key === 'options' ? { base: options.base, field: outer.key } : undefined;
}

const continued = new WeakMap<Stmt[], Stmt[]>();

/** `any(c for x in iter)`: whether an item of a filtered comprehension passes its tests (its list is not empty). */
function anyPasses(comp: Extract<Expr, { k: 'comp' }>): Expr {
  return { k: 'call', fn: { k: 'name', id: 'any', s: comp.s }, args: [{ k: 'comp', elt: allOf(comp.conds, comp.s)!, target: comp.target, iter: comp.iter, conds: [], s: comp.s }], kw: [], s: comp.s };
}

/** The tests of a comprehension as one (`a and b`); undefined for none. */
function allOf(tests: Expr[], s: Span): Expr | undefined {
  return tests.length <= 1 ? tests[0] : { k: 'boolop', op: 'and', values: tests, s };
}

/**
 * A pass of `for target in [elt for x in iter if c]: body`, as `if c: target = elt; body` run with `x` bound to each item
 * of `iter`: the same ops, with each test where the interpreter reads tests (on the database among them). The
 * comprehension's own names are renamed, as Python gives them a scope of their own: they neither change the
 * function's names of the same spelling nor stay bound after the loop.
 */
function comprehensionPass(comp: Extract<Expr, { k: 'comp' }>, loop: Extract<Stmt, { k: 'for' }>): { target: Expr; pass: Stmt[] } {
  const own = new Map(namesIn(comp.target).map((n) => [n, `${n}\0comprehension`]));
  const [target, elt] = [renamed(comp.target, own), renamed(comp.elt, own)];
  const test = allOf(comp.conds.map((c) => renamed(c, own)), comp.s);
  const body: Stmt[] = [{ k: 'assign', targets: [loop.target], value: elt, s: loop.target.s }, ...continuesAsBranches(loop.body)];
  return { target, pass: test ? [{ k: 'if', test, body, orelse: [], s: comp.s }] : body };
}

/** An expression with the names `names` maps read under their new spelling (a copy; the syntax is not changed). */
function renamed<T extends Expr>(e: T, names: ReadonlyMap<string, string>): T {
  const copy = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(copy);
    if (v === null || typeof v !== 'object') return v;
    const node = v as { k?: string; id?: string };
    if (node.k === 'name' && node.id !== undefined && names.has(node.id)) return { ...node, id: names.get(node.id) };
    return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, key === 's' ? x : copy(x)]));
  };
  return copy(e) as T;
}

/**
 * A loop body with each `if <test>: continue` at its top level turned into an `if` whose `else` holds the rest of
 * the body (`continue` elsewhere is not followed).
 */
function continuesAsBranches(body: Stmt[]): Stmt[] {
  let out = continued.get(body);
  if (!out) {
    const i = body.findIndex((s) => s.k === 'if' && s.body.length === 1 && s.body[0].k === 'continue' && s.orelse.length === 0);
    const s = body[i];
    out = s?.k === 'if' ? [...body.slice(0, i), { ...s, body: [], orelse: continuesAsBranches(body.slice(i + 1)) }] : body;
    continued.set(body, out);
  }
  return out;
}

/** Names read from the database: its tables, or the columns, indexes or constraints of one kind of one table. */
type DatabaseNames = { k: 'tables'; schema?: string } | { k: 'columns' | 'indexes' | ConstraintType; table: string; schema?: string };

/** The Inspector methods whose results are sets of names, by what they name. */
const INSPECTOR_READS = new Map<string, DatabaseNames['k']>([
  ['get_table_names', 'tables'],
  ['get_columns', 'columns'],
  ['get_indexes', 'indexes'],
  ['get_foreign_keys', 'foreignkey'],
  ['get_unique_constraints', 'unique'],
  ['get_check_constraints', 'check'],
]);
/** Items of a literal list `all(...)` or `any(...)` tests one by one at most; passes of a comprehension read as a loop. */
const MAX_TESTED_ITEMS = 50;
/** Ways to fetch a query's first answer: each gives None when there is no row. */
const ROW_FETCHES = new Set(['fetchone', 'first', 'scalar', 'one_or_none', 'scalar_one_or_none']);
/** Those that give the first row's value itself (`SELECT EXISTS (...)` gives true or false). */
const VALUE_FETCHES = new Set(['scalar', 'scalar_one_or_none']);
/** Builtins that keep the items of the one sequence they are given. */
const SEQUENCE_BUILTINS = new Set(['set', 'frozenset', 'list', 'tuple', 'sorted']);

/** The arm of an `if` whose own block raises (a `raise` among its statements), where only one of them does. */
function raisingArm(s: Extract<Stmt, { k: 'if' }>): 'body' | 'orelse' | undefined {
  const [body, orelse] = [s.body.some((x) => x.k === 'raise'), s.orelse.some((x) => x.k === 'raise')];
  return body === orelse ? undefined : body ? 'body' : 'orelse';
}

/**
 * The test and the value of a way out of a helper: `if <test>: return <value>`, or a loop whose body is only that
 * (`for ix in inspector.get_indexes(t): if ix["name"] == name: return True`), whose test is the `any(...)` of the if's.
 */
function returnGuard(s: Stmt): { test: Expr; value: Expr } | undefined {
  if (s.k === 'if') return s.orelse.length === 0 && s.body.length === 1 && s.body[0].k === 'return' && s.body[0].value ? { test: s.test, value: s.body[0].value } : undefined;
  const only = s.k === 'for' && s.body.length === 1 && s.body[0].k === 'if' ? returnGuard(s.body[0]) : undefined;
  if (!only || s.k !== 'for') return undefined;
  const any: Expr = { k: 'call', fn: { k: 'name', id: 'any', s: s.s }, args: [{ k: 'comp', elt: only.test, target: s.target, iter: s.iter, conds: [], s: s.s }], kw: [], s: s.s };
  return { test: any, value: only.value };
}

/** Whether an expression is an empty list or tuple (`[]`, `()`). */
function isEmptySequence(e: Expr): boolean {
  return (e.k === 'list' || e.k === 'tuple') && e.items.length === 0;
}

/** A table, column or index name as a database lists it (a dotted one could be read as schema and table). */
function isPlainName(name: unknown): name is string {
  return typeof name === 'string' && !name.includes('.');
}

/** The existence test for one name of a set of names read from the database. */
function named(names: DatabaseNames, name: string): Existence {
  const schema = names.schema !== undefined ? { schema: names.schema } : {};
  if (names.k === 'tables') return { table: name, ...schema };
  if (names.k === 'columns') return { table: names.table, column: name, ...schema };
  return names.k === 'indexes' ? { table: names.table, index: name, ...schema } : { table: names.table, constraint: { type: names.k, name }, ...schema };
}

/** `x[key]` or `x.get(key)`, where `x` is the comprehension's target (`{c["name"] for c in ...}`, `c["column_names"]`). */
function isKeyOf(e: Expr, target: Expr, key: string): boolean {
  if (target.k !== 'name') return false;
  if (e.k === 'subscript') return e.obj.k === 'name' && e.obj.id === target.id && e.index.length === 1 && e.index[0].k === 'str' && e.index[0].v === key;
  return e.k === 'call' && e.fn.k === 'attr' && e.fn.name === 'get' && e.fn.obj.k === 'name' && e.fn.obj.id === target.id && e.args.length >= 1 && e.args[0].k === 'str' && e.args[0].v === key;
}

/** Whether an expression is a connection's dialect object (`op.get_bind().dialect`, `bind.dialect`). */
function isDialectObject(e: Expr): boolean {
  return e.k === 'attr' && e.name === 'dialect';
}

/** The dialect a SQLAlchemy dialect class stands for, by its canonical name (`mysql.MySQLDialect`: mysql). */
function dialectOfClass(canonical: string | undefined): string | undefined {
  const m = canonical ? /^(postgresql|mysql|sqlite|mssql|oracle)\.\w*(dialect|Dialect\w*)$/.exec(canonical) : null;
  return m?.[1];
}

/** `<anything>.dialect.name` or `<anything>.engine.name` (also a bare `dialect.name`), or an engine URL's `get_backend_name()`. */
function isDialectAttr(e: Expr): boolean {
  // `bind.engine.url.get_backend_name()`: the dialect's name, as `dialect.name` gives it.
  if (e.k === 'call' && e.fn.k === 'attr' && e.fn.name === 'get_backend_name' && e.args.length === 0 && e.fn.obj.k === 'attr' && e.fn.obj.name === 'url') return true;
  if (e.k !== 'attr' || e.name !== 'name') return false;
  const owner = e.obj.k === 'attr' ? e.obj.name : e.obj.k === 'name' ? e.obj.id : undefined;
  return owner === 'dialect' || owner === 'engine';
}

/**
 * Whether an expression is an engine URL's `drivername` or a dialect's `dialect_description` (murano): both
 * `postgresql+psycopg2`, the dialect's name, then the driver's.
 */
function isDriverName(e: Expr): boolean {
  return e.k === 'attr' && e.obj.k === 'attr' && ((e.name === 'drivername' && e.obj.name === 'url') || (e.name === 'dialect_description' && e.obj.name === 'dialect'));
}

/** Whether a block ends with `return`, or with a `try` whose own block does (what a retry loop runs when nothing fails). */
function returnsAtEnd(body: Stmt[]): boolean {
  const last = body[body.length - 1];
  return last?.k === 'return' || (last?.k === 'try' && returnsAtEnd(last.body));
}

/** Whether a loop's block has a `break` of its own (not one of a loop inside it). */
function breaksOut(body: Stmt[]): boolean {
  return body.some((s) => s.k === 'break' || ((s.k === 'if' || s.k === 'with' || s.k === 'try') && innerBlocks(s).some(breaksOut)));
}

function namesIn(target: Expr): string[] {
  if (target.k === 'name') return [target.id];
  if (target.k === 'tuple' || target.k === 'list') return target.items.flatMap(namesIn);
  return [];
}

