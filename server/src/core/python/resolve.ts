import type { Expr, ModuleSyntax, Stmt } from './syntax';
import { dottedName } from './syntax';

export type ClassStmt = Extract<Stmt, { k: 'class' }>;
export type DefStmt = Extract<Stmt, { k: 'def' }>;

/**
 * What a name or attribute chain refers to, found without running anything.
 * `ext` carries the dotted name of something imported from outside the project (e.g. "sqlalchemy.orm.Mapped").
 */
export type Value =
  | { t: 'ext'; q: string }
  | { t: 'module'; file: string }
  | { t: 'class'; file: string; cls: ClassStmt }
  | { t: 'def'; file: string; def: DefStmt }
  | { t: 'expr'; file: string; e: Expr }
  | { t: 'member'; owner: { file: string; cls: ClassStmt }; name: string }
  /** An object whose attributes are known (an instance a migration builds of a project class: `self.op`). */
  | { t: 'object'; attrs: ReadonlyMap<string, Value> }
  | { t: 'unknown' };

type Binding =
  | { k: 'import'; module: string }
  | { k: 'from'; file: string; level: number; module: string; name: string }
  | { k: 'value'; e: Expr }
  | { k: 'class'; cls: ClassStmt }
  | { k: 'def'; def: DefStmt };

/** Local bindings (function parameters, loop variables) that shadow module names while evaluating a body. */
export type Locals = ReadonlyMap<string, Value>;

const BUILTINS = new Set(['int', 'str', 'float', 'bool', 'bytes', 'dict', 'list', 'tuple', 'set', 'frozenset', 'object', 'type', 'len', 'range', 'None']);
const MAX_DEPTH = 40;
const NO_BINDINGS: ReadonlyMap<string, LineBinding[]> = new Map();

/** The source of the modules the resolver may follow (the project's Python files, parsed lazily). */
export interface ModuleSource {
  /** All project file paths (relative POSIX). */
  files(): Iterable<string>;
  /** The parsed syntax of a project file, or undefined when it cannot be read. */
  syntax(file: string): ModuleSyntax | undefined;
  /**
   * The module-level `downgrade()` of a project file, which `syntax` leaves out (nothing replays a revision's own):
   * another revision may run it (`import_module("...versions.x").downgrade()`).
   */
  downgrade?(file: string): DefStmt | undefined;
  /**
   * The dotted name the project's root folder is imported by when it is itself a package (an `__init__.py` at its
   * top): `airflow` for a check run inside airflow/, whose modules import `airflow.models.base`; `nova.db.main` inside
   * a package of packages.
   */
  rootPackage?: string;
  /**
   * Folders on `sys.path` though they hold an `__init__.py` (tracim's backend/, beside its setup.py): their modules
   * are imported by their names below them.
   */
  importRoots?: ReadonlySet<string>;
  /**
   * The top-level package the project's folder is part of (`dagster` for a check inside dagster/_core/storage/alembic):
   * a module of it that the project does not hold is the project's own code, outside the folder checked.
   */
  ownPackage?: string;
  /**
   * The file of a library module Alembic Drift describes (the model bases of fastapi-users, ...), read when the
   * project holds no module of that dotted name.
   */
  libraryModule?(dotted: string): string | undefined;
}

/**
 * Resolves names across the project's own modules: imports (absolute and relative), aliases, classes, constants.
 * Every module is read through `source.syntax` each time it is consulted (so a caller can see what was read); its
 * bindings are kept per syntax object, so a resolver stays valid while the set of files is the same: create a new
 * one when files are added or removed.
 */
export class Resolver {
  private readonly moduleIndex = new Map<string, string[]>();
  private readonly tables = new WeakMap<ModuleSyntax, Map<string, LineBinding[]>>();
  private readonly fileSet: Set<string>;
  /** The dotted name of each library module found so far, by its file. */
  private readonly libraryNames = new Map<string, string>();
  /** The answer of findModule for each dotted name that does not depend on the importing file. */
  private readonly foundModules = new Map<string, string | undefined>();
  /**
   * What an import binding of a library name resolves to (`import sqlalchemy as sa`, `from sqlalchemy import Column`),
   * and the library names reached from such a value (`sa.Column`): the same objects at every lookup, which no file of
   * the project can change (a binding belongs to one version of its file's syntax).
   */
  private readonly libraryValues = new WeakMap<object, Value>();
  private readonly libraryMembers = new Map<string, Map<string, Value>>();

  constructor(private readonly source: ModuleSource) {
    this.fileSet = new Set(source.files());
    for (const file of this.fileSet) {
      if (!file.endsWith('.py')) continue;
      const parts = file.slice(0, -3).split('/');
      if (parts[parts.length - 1] === '__init__') parts.pop();
      const dirs = file.split('/').slice(0, -1);
      for (let i = 0; i < parts.length; i++) {
        const key = parts.slice(i).join('.');
        if (!key) continue;
        // A module inside a regular package (a folder with __init__.py) is importable only by its full dotted name
        // from the folder above that package: `polar/kit/sqlalchemy.py` is not the module `sqlalchemy`.
        const folder = dirs.slice(0, i).join('/');
        if (i > 0 && this.fileSet.has(`${folder}/__init__.py`) && !source.importRoots?.has(folder)) continue;
        this.index(key, file);
      }
      if (source.rootPackage) this.index([source.rootPackage, ...parts].join('.'), file);
    }
  }

  private index(dotted: string, file: string): void {
    const list = this.moduleIndex.get(dotted);
    if (list) list.push(file);
    else this.moduleIndex.set(dotted, [file]);
  }

  /** Whether a name the project does not hold is of the checked folder's own package, outside that folder. */
  isOwnCodeOutside(q: string): boolean {
    return this.source.ownPackage !== undefined && q.split('.')[0] === this.source.ownPackage;
  }

  /** The project file that holds the dotted module name, as Python would find it from `fromFile`, if any. */
  findModule(dotted: string, fromFile?: string): string | undefined {
    // The same few names (`sqlalchemy`, `alembic.op`) are asked for at nearly every call a revision makes.
    if (this.foundModules.has(dotted)) return this.foundModules.get(dotted);
    const candidates = this.moduleIndex.get(dotted);
    if (!candidates || candidates.length <= 1) {
      // A project package called alembic (fides' migrations, `fides.api.alembic`, checked from fides/api) is not the
      // library that `from alembic import op` imports; nor is one called sqlalchemy.
      const found = LIBRARY_ROOTS.has(dotted.split('.')[0]) ? undefined : (candidates?.[0] ?? this.libraryModule(dotted));
      this.foundModules.set(dotted, found);
      return found;
    }
    if (LIBRARY_ROOTS.has(dotted.split('.')[0])) return undefined;
    // Prefer the candidate that shares the longest folder prefix with the importing file, then the shortest path.
    const score = (f: string): number => {
      if (!fromFile) return 0;
      const a = f.split('/');
      const b = fromFile.split('/');
      let i = 0;
      while (i < a.length && i < b.length && a[i] === b[i]) i++;
      return i;
    };
    return [...candidates].sort((x, y) => score(y) - score(x) || x.length - y.length)[0];
  }

  /** The project file an import statement of `fromFile` loads (`level` dots before `module`), if any. */
  importedModule(fromFile: string, level: number, module: string): string | undefined {
    return level > 0 ? this.relativeModule(fromFile, level, module) : this.findModule(module, fromFile);
  }

  /** A library module Alembic Drift describes, by its dotted name. */
  private libraryModule(dotted: string): string | undefined {
    const file = this.source.libraryModule?.(dotted);
    if (file) this.libraryNames.set(file, dotted);
    return file;
  }

  /** The module a relative import (`from ..x import y`) names, as a project file or undefined. */
  private relativeModule(fromFile: string, level: number, module: string): string | undefined {
    const dir = fromFile.split('/').slice(0, -1);
    const base = dir.slice(0, Math.max(0, dir.length - (level - 1)));
    const path = [...base, ...(module ? module.split('.') : [])].join('/');
    const files = this.fileSet;
    if (files.has(`${path}.py`)) return `${path}.py`;
    if (files.has(`${path}/__init__.py`)) return `${path}/__init__.py`;
    if (path === '' && files.has('__init__.py')) return '__init__.py';
    return undefined;
  }

  private moduleFile(binding: { file: string; level: number; module: string }): string | undefined {
    return binding.level > 0 ? this.relativeModule(binding.file, binding.level, binding.module) : this.findModule(binding.module, binding.file);
  }

  /**
   * Whether a name is bound nowhere at a file's top level (no import, assignment, def or class; no `import *`) and is
   * no builtin: code that uses it stops with NameError.
   */
  isUnbound(file: string, name: string): boolean {
    const table = this.bindings(file);
    return !table.has(name) && !table.has('*') && !PYTHON_BUILTINS.has(name);
  }

  /** The module-level bindings of a file, each name with its successive bindings in source order. */
  private bindings(file: string): ReadonlyMap<string, LineBinding[]> {
    const syntax = this.source.syntax(file);
    if (!syntax) return NO_BINDINGS;
    let table = this.tables.get(syntax);
    if (table) return table;
    table = new Map();
    this.tables.set(syntax, table);
    collectBindings(file, syntax.body, table, false);
    return table;
  }

  /**
   * The binding of a name as code at `line` sees it while the module is imported: the last one before that line
   * (a class body that uses an imported `Service` before a later `class Service` rebinds it), else the final one
   * (a function body calling a helper defined below it).
   */
  private binding(file: string, name: string, line?: number): Binding | undefined {
    const list = this.bindings(file).get(name);
    if (!list || list.length === 0) return undefined;
    if (line !== undefined && list.length > 1) {
      for (let i = list.length - 1; i >= 0; i--) if (list[i].line < line) return list[i].b;
    }
    return list[list.length - 1].b;
  }

  /** Whether the project holds a file at this path. */
  hasFile(file: string): boolean {
    return this.fileSet.has(file);
  }

  /** The top-level statements of a project file. */
  moduleBody(file: string): Stmt[] {
    return this.source.syntax(file)?.body ?? [];
  }

  /** What `name` means at the top level of `file`. */
  lookup(file: string, name: string, depth = 0, line?: number): Value {
    if (depth > MAX_DEPTH) return { t: 'unknown' };
    const b = this.binding(file, name, line);
    if (!b) {
      // `from x import *` re-exports: the last such import whose module of the project has the name (pybossa's core
      // imports `*` from its extensions, then from its messages), else the last of a module outside the project.
      let outside: string | undefined;
      const stars = this.bindings(file).get('*') ?? [];
      for (let i = stars.length - 1; i >= 0; i--) {
        const star = stars[i].b;
        if (star.k !== 'from') continue;
        const mod = this.moduleFile(star);
        if (mod && mod !== file) {
          const v = this.lookup(mod, name, depth + 1);
          if (v.t !== 'unknown') return v;
        } else if (!mod) outside ??= star.module;
      }
      if (outside !== undefined) return { t: 'ext', q: `${outside}.${name}` };
      const downgrade = name === 'downgrade' ? this.source.downgrade?.(file) : undefined;
      if (downgrade) return { t: 'def', file, def: downgrade };
      return BUILTINS.has(name) ? { t: 'ext', q: `builtins.${name}` } : { t: 'unknown' };
    }
    switch (b.k) {
      case 'import':
      case 'from': {
        const known = this.libraryValues.get(b);
        if (known) return known;
        const value = b.k === 'import' ? this.moduleValue(b.module, file) : this.fromImported(file, b, depth);
        if (value.t === 'ext' && (b.k === 'import' || this.moduleFile(b) === undefined)) this.libraryValues.set(b, value);
        return value;
      }
      case 'class':
        return { t: 'class', file, cls: b.cls };
      case 'def':
        return { t: 'def', file, def: b.def };
      case 'value': {
        if (b.e.k === 'name' || b.e.k === 'attr') {
          const alias = this.resolve(file, b.e, undefined, depth + 1);
          if (alias.t !== 'unknown') return alias;
        }
        return { t: 'expr', file, e: b.e };
      }
    }
  }

  /** The name an `import` statement (one inside a function too) binds, and what it is: `import a.b` binds `a`, `import a.b as c` binds `a.b` to `c`. */
  importedBy(file: string, s: Extract<Stmt, { k: 'import' }>): { name: string; value: Value } {
    const module = s.asname ? s.module : s.module.split('.')[0];
    return { name: s.asname ?? module, value: this.moduleValue(module, file) };
  }

  /** A module by its dotted name: the project's file, else the library's. */
  private moduleValue(module: string, file: string): Value {
    const mod = this.findModule(module, file);
    return mod ? { t: 'module', file: mod } : { t: 'ext', q: module };
  }

  /** What a `from` statement (one inside a function too: `from kotti.util import camel_case_to_name`) binds `name` to. */
  imported(file: string, s: Extract<Stmt, { k: 'from' }>, name: string): Value {
    return this.fromImported(file, { k: 'from', file, level: s.level, module: s.module, name }, 0);
  }

  private fromImported(file: string, b: Extract<Binding, { k: 'from' }>, depth: number): Value {
    const mod = this.moduleFile(b);
    const submodule = (): string | undefined => (b.level > 0 ? this.relativeModule(b.file, b.level, b.module ? `${b.module}.${b.name}` : b.name) : this.findModule(`${b.module}.${b.name}`, file));
    if (!mod) {
      // A namespace package (a folder without __init__.py, PEP 420): `from app import models` is its module.
      const sub = submodule();
      if (sub) return { t: 'module', file: sub };
      if (b.level > 0) return { t: 'unknown' };
      return { t: 'ext', q: `${b.module}.${b.name}` };
    }
    // A submodule (`from . import models`) or a name inside the module.
    const inner = mod === file ? { t: 'unknown' as const } : this.lookup(mod, b.name, depth + 1);
    if (inner.t !== 'unknown') return inner;
    const sub = submodule();
    if (sub) return { t: 'module', file: sub };
    // What a described library module does not describe is the library's, as if it were not described.
    return this.libraryNames.has(mod) ? { t: 'ext', q: `${b.module}.${b.name}` } : { t: 'unknown' };
  }

  /** What an expression refers to when it is a name, an attribute chain or a call result bound to a name. */
  resolve(file: string, e: Expr, locals?: Locals, depth = 0): Value {
    if (depth > MAX_DEPTH) return { t: 'unknown' };
    if (e.k === 'name') {
      const local = locals?.get(e.id);
      if (local) return local;
      return this.lookup(file, e.id, depth + 1, e.s[0]);
    }
    if (e.k === 'attr') {
      // `sa.GUID` after `sa.GUID = GUID` at the top of the module (looked up first: such a binding is rare).
      const patched = e.obj.k === 'name' && !locals?.has(e.obj.id) ? this.binding(file, `${e.obj.id}.${e.name}`) : undefined;
      if (patched?.k === 'value' && e.obj.k === 'name' && this.binding(file, e.obj.id, e.s[0])?.k === 'import') return this.resolve(file, patched.e, undefined, depth + 1);
      const owner = this.resolve(file, e.obj, locals, depth + 1);
      return this.member(owner, e.name, depth + 1);
    }
    if (e.k === 'call' || e.k === 'subscript' || e.k === 'str' || e.k === 'num' || e.k === 'fstr' || e.k === 'binop' || e.k === 'tuple' || e.k === 'list' || e.k === 'dict') return { t: 'expr', file, e };
    return { t: 'unknown' };
  }

  /** The attribute `name` of a resolved value. */
  member(owner: Value, name: string, depth = 0): Value {
    switch (owner.t) {
      case 'ext': {
        let members = this.libraryMembers.get(owner.q);
        if (!members) {
          // A project reaches a few hundred library names; the bound only guards against the unusual.
          if (this.libraryMembers.size > 10_000) this.libraryMembers.clear();
          this.libraryMembers.set(owner.q, (members = new Map()));
        }
        let value = members.get(name);
        if (!value) members.set(name, (value = { t: 'ext', q: `${owner.q}.${name}` }));
        return value;
      }
      case 'module': {
        const v = this.lookup(owner.file, name, depth + 1);
        if (v.t !== 'unknown') return v;
        const pkg = owner.file.endsWith('__init__.py') ? owner.file.slice(0, -'__init__.py'.length) : undefined;
        if (pkg !== undefined) {
          const files = this.fileSet;
          if (files.has(`${pkg}${name}.py`)) return { t: 'module', file: `${pkg}${name}.py` };
          if (files.has(`${pkg}${name}/__init__.py`)) return { t: 'module', file: `${pkg}${name}/__init__.py` };
        }
        const library = this.libraryNames.get(owner.file);
        const submodule = library !== undefined ? this.libraryModule(`${library}.${name}`) : undefined;
        if (submodule) return { t: 'module', file: submodule };
        return library !== undefined ? { t: 'ext', q: `${library}.${name}` } : { t: 'unknown' };
      }
      case 'class':
        return { t: 'member', owner: { file: owner.file, cls: owner.cls }, name };
      case 'object':
        return owner.attrs.get(name) ?? { t: 'unknown' };
      case 'expr': {
        // `db.Column` where `db = SQLAlchemy()`: the Flask-SQLAlchemy object exposes SQLAlchemy's names.
        if (owner.e.k === 'call') {
          const fn = this.resolve(owner.file, owner.e.fn, undefined, depth + 1);
          if (this.isFlaskSqlAlchemy(fn, depth + 1)) return { t: 'ext', q: `flask_sqlalchemy.db.${name}` };
          // `meta.naming_convention` of `meta = MetaData(naming_convention={...})` (jupyterhub's revisions read it).
          const given = fn.t === 'ext' && canonicalName(fn.q) === 'sa.MetaData' ? owner.e.kw.find((k) => k.name === name) : undefined;
          if (given) return { t: 'expr', file: owner.file, e: given.value };
        }
        return { t: 'unknown' };
      }
      default:
        return { t: 'unknown' };
    }
  }

  /**
   * The method a class (or, searched left to right and depth first as Python's method resolution finds it in simple
   * trees, one of its project bases) defines under `name`.
   */
  methodOf(owner: { file: string; cls: ClassStmt }, name: string): { file: string; def: DefStmt } | undefined {
    const found = this.inClassOrBases(owner, (cls) => [...cls.body].reverse().find((s): s is DefStmt => s.k === 'def' && s.name === name));
    return found && { file: found.file, def: found.found };
  }

  /** The value a class or one of its project bases last assigns to `name` in its body (`__flavor__ = "Nyaa"`). */
  classAttribute(owner: { file: string; cls: ClassStmt }, name: string): { file: string; found: Expr } | undefined {
    return this.inClassOrBases(owner, (cls) => {
      const s = [...cls.body].reverse().find((x) => x.k === 'assign' && x.value && x.targets.some((t) => t.k === 'name' && t.id === name));
      return s?.k === 'assign' ? s.value : undefined;
    });
  }

  /**
   * The first thing `pick` finds in a class or its project bases, searched left to right and depth first as Python's
   * method resolution finds it in simple trees, with the file it is in.
   */
  inClassOrBases<T>(owner: { file: string; cls: ClassStmt }, pick: (cls: ClassStmt) => T | undefined): { file: string; found: T } | undefined {
    const queue = [owner];
    const seen = new Set<ClassStmt>();
    while (queue.length > 0 && seen.size < 16) {
      const c = queue.shift()!;
      if (seen.has(c.cls)) continue;
      seen.add(c.cls);
      const found = pick(c.cls);
      if (found !== undefined) return { file: c.file, found };
      const bases: Array<{ file: string; cls: ClassStmt }> = [];
      for (const b of c.cls.bases) {
        const v = this.resolve(c.file, b);
        if (v.t === 'class') bases.push({ file: v.file, cls: v.cls });
      }
      queue.unshift(...bases);
    }
    return undefined;
  }

  /** Whether a callee is Flask-SQLAlchemy's `SQLAlchemy` class or a project subclass of it. */
  private isFlaskSqlAlchemy(fn: Value, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    if (fn.t === 'ext') return canonicalName(fn.q) === 'fsa.SQLAlchemy';
    if (fn.t === 'class') return fn.cls.bases.some((b) => this.isFlaskSqlAlchemy(this.resolve(fn.file, b, undefined, depth + 1), depth + 1));
    return false;
  }

  /** The canonical external name an expression refers to ("sa.Column", "postgresql.JSONB"), or undefined. */
  externalName(file: string, e: Expr, locals?: Locals): string | undefined {
    const v = this.resolve(file, e, locals);
    return v.t === 'ext' ? canonicalName(v.q) : undefined;
  }
}

/**
 * The module `importlib.import_module("a.b")` (or `import_module(...)`) imports by a literal name: a revision that
 * runs another one's functions imports it so, its file name not being a Python identifier (superset).
 */
function importedModule(e: Expr): string | undefined {
  if (e.k !== 'call' || e.args.length !== 1 || e.kw.length > 0 || e.args[0].k !== 'str') return undefined;
  const fn = e.fn;
  const named = fn.k === 'name' ? fn.id === 'import_module' : fn.k === 'attr' && fn.name === 'import_module' && fn.obj.k === 'name' && fn.obj.id === 'importlib';
  return named ? e.args[0].v : undefined;
}

interface LineBinding {
  line: number;
  b: Binding;
}

function collectBindings(file: string, body: Stmt[], table: Map<string, LineBinding[]>, guarded: boolean): void {
  let line = 0;
  const set = (name: string, b: Binding): void => {
    const list = table.get(name);
    if (!list) table.set(name, [{ line, b }]);
    else if (!guarded) list.push({ line, b });
  };
  for (const s of body) {
    line = s.s[0];
    switch (s.k) {
      case 'import':
        if (s.asname) set(s.asname, { k: 'import', module: s.module });
        else {
          const top = s.module.split('.')[0];
          set(top, { k: 'import', module: top });
        }
        break;
      case 'from':
        for (const n of s.names) set(n.asname ?? n.name, { k: 'from', file, level: s.level, module: s.module, name: n.name });
        break;
      case 'class':
        set(s.name, { k: 'class', cls: s });
        break;
      case 'def':
        set(s.name, { k: 'def', def: s });
        break;
      case 'assign':
        if (s.value) {
          const imported = importedModule(s.value);
          for (const t of s.targets) {
            if (t.k === 'name') set(t.id, imported !== undefined ? { k: 'import', module: imported } : { k: 'value', e: s.value });
            // `sa.GUID = GUID`: a module given a name of another's (advanced-alchemy's revision template).
            else if (t.k === 'attr' && t.obj.k === 'name') set(`${t.obj.id}.${t.name}`, { k: 'value', e: s.value });
            else if (t.k === 'tuple' && s.value.k === 'tuple' && t.items.length === s.value.items.length) {
              t.items.forEach((item, i) => {
                if (item.k === 'name') set(item.id, { k: 'value', e: (s.value as { items: Expr[] }).items[i] });
              });
            }
          }
        }
        break;
      case 'if': {
        // `if TYPE_CHECKING:` never runs: what the program binds is in its else (`Base = Any` for the type checker,
        // `Base = registry.generate_base()` at run time). Its own names stay as a fallback, like any guarded branch.
        const typeCheckingOnly = isTypeCheckingTest(s.test);
        collectBindings(file, typeCheckingOnly ? s.orelse : s.body, table, guarded);
        collectBindings(file, typeCheckingOnly ? s.body : s.orelse, table, true);
        break;
      }
      case 'try':
        collectBindings(file, s.body, table, guarded);
        for (const h of s.handlers) collectBindings(file, h, table, true);
        break;
      case 'with':
        // Run once (mlrun defines its models under `with warnings.catch_warnings():`).
        collectBindings(file, s.body, table, guarded);
        break;
      default:
        break;
    }
  }
}

/** Whether an `if` tests `TYPE_CHECKING` (bare or `typing.TYPE_CHECKING`), which is false whenever the code runs. */
function isTypeCheckingTest(test: Expr): boolean {
  return (test.k === 'name' && test.id === 'TYPE_CHECKING') || (test.k === 'attr' && test.name === 'TYPE_CHECKING');
}

/** Python's builtin names a module may use without binding them. */
const PYTHON_BUILTINS = new Set([
  'abs', 'all', 'any', 'ascii', 'bin', 'bool', 'breakpoint', 'bytearray', 'bytes', 'callable', 'chr', 'classmethod', 'compile',
  'complex', 'delattr', 'dict', 'dir', 'divmod', 'enumerate', 'eval', 'exec', 'filter', 'float', 'format', 'frozenset',
  'getattr', 'globals', 'hasattr', 'hash', 'help', 'hex', 'id', 'input', 'int', 'isinstance', 'issubclass', 'iter', 'len',
  'list', 'locals', 'map', 'max', 'memoryview', 'min', 'next', 'object', 'oct', 'open', 'ord', 'pow', 'print', 'property',
  'range', 'repr', 'reversed', 'round', 'set', 'setattr', 'slice', 'sorted', 'staticmethod', 'str', 'sum', 'super', 'tuple',
  'type', 'vars', 'zip', '__import__', '__name__', '__file__', '__doc__', 'None', 'True', 'False', 'Ellipsis', 'NotImplemented',
  'Exception', 'ValueError', 'TypeError', 'KeyError', 'RuntimeError', 'NotImplementedError', 'AttributeError',
]);

const SQLALCHEMY_ROOTS = new Set(['sqlalchemy', 'flask_sqlalchemy', 'sqlmodel', 'sqlalchemy_utils']);
/** The libraries whose names an absolute import always means, whatever the project's own folders are called. */
const LIBRARY_ROOTS = new Set([...SQLALCHEMY_ROOTS, 'alembic']);
const SQLMODEL_OWN = new Set(['Field', 'SQLModel', 'Relationship', 'AutoString']);

/**
 * A stable short name for an imported thing, whatever module path the project imported it from:
 * `sqlalchemy.types.String` and `sqlalchemy.String` are both "sa.String"; dialect types keep their dialect
 * ("postgresql.JSONB"); SQL functions keep `func` ("sa.func.now"); typing names become "typing.X".
 */
export function canonicalName(q: string): string {
  let name = canonicalNames.get(q);
  if (name === undefined) {
    // A project names a few hundred things at most, each many times; the bound only guards against the unusual.
    if (canonicalNames.size > 10_000) canonicalNames.clear();
    canonicalNames.set(q, (name = canonicalNameOf(q)));
  }
  return name;
}

const canonicalNames = new Map<string, string>();

function canonicalNameOf(q: string): string {
  const parts = q.split('.');
  const root = parts[0];
  const last = parts[parts.length - 1];
  if (SQLALCHEMY_ROOTS.has(root)) {
    const d = parts.indexOf('dialects');
    if (d >= 0) return parts.length > d + 2 ? `${parts[d + 1]}.${last}` : `dialect.${parts[d + 1] ?? ''}`;
    const f = parts.indexOf('func');
    if (f >= 0) return ['sa.func', ...parts.slice(f + 1)].join('.');
    // `sqlalchemy.sql.functions.current_timestamp()` (anitya) is what `func.current_timestamp()` makes.
    const functions = parts.indexOf('functions');
    if (functions > 0 && parts[functions - 1] === 'sql' && parts.length === functions + 2) return `sa.func.${last}`;
    if (root === 'flask_sqlalchemy') {
      if (parts[1] === 'db') return last === 'Model' ? 'fsa.Model' : `sa.${last}`;
      return `fsa.${last}`;
    }
    if (root === 'sqlmodel' && SQLMODEL_OWN.has(last)) return `sqlmodel.${last}`;
    if (root === 'sqlalchemy_utils') return `sautils.${last}`;
    return `sa.${last}`;
  }
  if (root === 'typing' || root === 'typing_extensions') return `typing.${last}`;
  return q;
}

/** The dotted text of an expression for messages (`sa.String`), or a short form of its source. */
export function exprText(e: Expr): string {
  const d = dottedName(e);
  if (d) return d;
  switch (e.k) {
    case 'str':
      return JSON.stringify(e.v);
    case 'num':
      return String(e.v);
    case 'const':
      return e.v === null ? 'None' : e.v ? 'True' : 'False';
    case 'call':
      if (e.written !== undefined) return e.written;
      return `${exprText(e.fn)}(${[...e.args.map(exprText), ...e.kw.map((k) => (k.name ? `${k.name}=${exprText(k.value)}` : `**${exprText(k.value)}`))].join(', ')})`;
    case 'attr':
      return `${exprText(e.obj)}.${e.name}`;
    case 'subscript':
      return `${exprText(e.obj)}[${e.index.map(exprText).join(', ')}]`;
    case 'tuple':
      return `(${e.items.map(exprText).join(', ')})`;
    case 'list':
      return `[${e.items.map(exprText).join(', ')}]`;
    case 'binop':
      return `${exprText(e.left)} ${e.op} ${exprText(e.right)}`;
    case 'compare':
      return [exprText(e.left), ...e.ops.map((op, i) => `${op} ${exprText(e.comparators[i])}`)].join(' ');
    case 'boolop':
      return e.values.map((v) => (v.k === 'boolop' ? `(${exprText(v)})` : exprText(v))).join(` ${e.op} `);
    case 'not':
      return `not ${e.value.k === 'boolop' ? `(${exprText(e.value)})` : exprText(e.value)}`;
    case 'ifexp':
      return `${exprText(e.body)} if ${exprText(e.test)} else ${exprText(e.orelse)}`;
    case 'other':
    case 'lambda':
      return e.text;
    case 'starred':
      return `*${exprText(e.value)}`;
    case 'set':
      return `{${e.items.map(exprText).join(', ')}}`;
    case 'dict':
      return `{${e.entries.map(([k, v]) => (k ? `${exprText(k)}: ${exprText(v)}` : `**${exprText(v)}`)).join(', ')}}`;
    case 'fstr': {
      // Literal parts escaped as in a string, braces doubled; the expressions between braces as written.
      const body = e.parts.map((p) => (typeof p === 'string' ? JSON.stringify(p).slice(1, -1).replace(/[{}]/g, '$&$&') : `{${exprText(p)}}`)).join('');
      return `f"${body}"`;
    }
    default:
      return '…';
  }
}
