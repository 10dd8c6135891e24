import type { Expr, Stmt } from '../python/syntax';
import { keywordArg, lastDefinition, returnedValue } from '../python/syntax';
import { canonicalName, type ClassStmt, type Resolver } from '../python/resolve';
import { evalLiteral } from '../python/literals';
import { metadataKeyOf } from './naming';

/** A project class, with the file that defines it. */
export interface ClassRef {
  file: string;
  cls: ClassStmt;
}

/** How the declarative root of a model hierarchy names tables and maps annotations. */
export type RootKind = 'declarative' | 'flask' | 'sqlmodel';

/** A declarative base: the class or value models derive from, and where its MetaData settings live. */
export interface DeclarativeRoot {
  kind: RootKind;
  /** The call that made the base (`declarative_base(...)`, `SQLAlchemy(...)`), when it is a value. */
  call?: { file: string; e: Extract<Expr, { k: 'call' }> };
  /** The base class, when it is a class (`class Base(DeclarativeBase)`). */
  cls?: ClassRef;
  /** The key of the MetaData of another base that this one's tables go to (`Model.metadata = Base.metadata`). */
  sharedMetadata?: string;
}

/** What a base expression of a class turns out to be. */
type BaseInfo = { t: 'class'; ref: ClassRef } | { t: 'root'; root: DeclarativeRoot } | { t: 'other'; opaque: boolean };

/** Bases from outside the project that declare no columns. */
const CLOSED_EXTERNAL = /^(sa|fsa|sqlmodel|typing|builtins|abc|dataclasses|enum|collections)\.|^(pydantic|typing_extensions)\b/;

const FLASK_APPBUILDER_MODEL = /^flask_appbuilder(\.models\.sqla)?\.Model$/;
// MappedAsDataclass is a mixin: a class with it is a base only through DeclarativeBase, else a model or a mixin.
const DECLARATIVE_BASE_CLASSES = new Set(['sa.DeclarativeBase', 'sa.DeclarativeBaseNoMeta']);
const BASE_FACTORIES = new Set(['sa.declarative_base', 'sa.generate_base', 'sa.as_declarative']);

/** Answers questions about the project's class hierarchy: bases, roots, mixins, abstract classes. Memoised. */
export class ClassGraph {
  private readonly baseCache = new Map<ClassStmt, BaseInfo[]>();

  constructor(readonly resolver: Resolver) {}

  /**
   * The MetaData a library's base shares with a base of the project, when the module that uses it says so at its top
   * level before line `before` (`Model.metadata = Base.metadata`, as Airflow does with Flask-AppBuilder's Model: a class
   * takes the MetaData its base has when the class is made).
   */
  private sharedMetadata(file: string, name: string, before: number): { sharedMetadata?: string } {
    let shared: { sharedMetadata?: string } = {};
    for (const s of this.resolver.moduleBody(file)) {
      if (s.s[0] >= before) break;
      if (s.k !== 'assign' || !s.value) continue;
      const target = s.targets.find((t) => t.k === 'attr' && t.name === 'metadata');
      if (target?.k !== 'attr' || this.resolver.externalName(file, target.obj) !== name) continue;
      const key = metadataKeyOf(this, file, s.value);
      shared = key !== undefined ? { sharedMetadata: key } : {};
    }
    return shared;
  }

  /** What each base expression of a class refers to. */
  bases(ref: ClassRef): BaseInfo[] {
    let out = this.baseCache.get(ref.cls);
    if (out) return out;
    out = [];
    this.baseCache.set(ref.cls, out);
    for (const b of ref.cls.bases) out.push(this.baseInfo(ref.file, b));
    // `class Base(metaclass=DeclarativeMeta)`: SQLAlchemy 1.4's declarative base over a registry of its own (galaxy).
    // A class that names bases too (`class User(Base, metaclass=DeclarativeMeta)`) is mapped through them.
    for (const k of ref.cls.bases.length === 0 ? ref.cls.kw : []) {
      const v = k.name === 'metaclass' ? this.resolver.resolve(ref.file, k.value) : undefined;
      if (v?.t === 'ext' && canonicalName(v.q) === 'sa.DeclarativeMeta') out.push({ t: 'root', root: { kind: 'declarative', cls: ref } });
    }
    // `@as_declarative()` makes the class itself a declarative base.
    for (const d of ref.cls.decorators) {
      const fn = d.k === 'call' ? d.fn : d;
      const v = this.resolver.resolve(ref.file, fn);
      if (v.t === 'ext' && canonicalName(v.q) === 'sa.as_declarative') out.push({ t: 'root', root: { kind: 'declarative', cls: ref } });
      if (v.t === 'ext' && canonicalName(v.q) === 'sa.mapped_as_dataclass') out.push({ t: 'root', root: { kind: 'declarative', cls: ref } });
      // `@reg.mapped` / `@reg.mapped_as_dataclass` where `reg = registry(...)`: mapped in that registry's MetaData.
      if (fn.k === 'attr' && (fn.name === 'mapped' || fn.name === 'mapped_as_dataclass')) {
        const owner = this.resolver.resolve(ref.file, fn.obj);
        if (owner.t === 'expr' && owner.e.k === 'call' && this.resolver.externalName(owner.file, owner.e.fn) === 'sa.registry') out.push({ t: 'root', root: { kind: 'declarative', call: { file: owner.file, e: owner.e } } });
      }
    }
    return out;
  }

  /** Whether a class with this base expression is mapped by SQLAlchemy: a declarative base, or a class under one. */
  isMappingBase(file: string, e: Expr): boolean {
    const info = this.baseInfo(file, e);
    return info.t === 'root' || (info.t === 'class' && this.rootOf(info.ref) !== undefined);
  }

  private baseInfo(file: string, e: Expr, depth = 0): BaseInfo {
    // `SQLAlchemyBaseUserTable[int]`: a generic class made concrete is that class.
    if (e.k === 'subscript') return this.baseInfo(file, e.obj, depth);
    const v = this.resolver.resolve(file, e);
    if (v.t === 'class') return { t: 'class', ref: { file: v.file, cls: v.cls } };
    if (v.t === 'ext') {
      const name = canonicalName(v.q);
      if (name === 'fsa.Model') return { t: 'root', root: { kind: 'flask', call: this.flaskCall(file, e) } };
      // Flask-AppBuilder's Model names its tables from the class name as Flask-SQLAlchemy does (DynamicPlugin:
      // dynamic_plugin).
      if (FLASK_APPBUILDER_MODEL.test(name)) return { t: 'root', root: { kind: 'flask', ...this.sharedMetadata(file, name, e.s[0]) } };
      if (name === 'sqlmodel.SQLModel') return { t: 'root', root: { kind: 'sqlmodel' } };
      if (DECLARATIVE_BASE_CLASSES.has(name)) return { t: 'root', root: { kind: 'declarative' } };
      // A library mixin (authlib's OAuth2ClientMixin, ...) may declare columns we cannot see.
      return { t: 'other', opaque: !CLOSED_EXTERNAL.test(name) };
    }
    if (v.t === 'expr' && v.e.k === 'call') {
      const fn = this.resolver.resolve(v.file, v.e.fn);
      const name = fn.t === 'ext' ? canonicalName(fn.q) : undefined;
      if (name && BASE_FACTORIES.has(name)) return { t: 'root', root: { kind: 'declarative', call: { file: v.file, e: v.e } } };
      // `Base = cast(Any, declarative_base())` only tells the type checker what the base is (deepchecks).
      if (name === 'typing.cast' && v.e.args.length === 2 && depth < 4) return this.baseInfo(v.file, v.e.args[1], depth + 1);
      // `registry().generate_base()`
      if (v.e.fn.k === 'attr' && v.e.fn.name === 'generate_base') return { t: 'root', root: { kind: 'declarative', call: { file: v.file, e: v.e } } };
      const returned = depth < 4 ? this.returnedBase(v.file, v.e) : undefined;
      if (returned) return this.baseInfo(returned.file, returned.e, depth + 1);
    }
    return { t: 'other', opaque: v.t === 'unknown' };
  }

  /**
   * What a project function called to make a declarative base returns (`BASE = get_base()`): a base defined elsewhere
   * (sqlalchemy-helpers' `return Base`), or the value of the local it returns (cloudkitty's `base =
   * declarative_base(); ...; return base`); undefined for any other call.
   */
  returnedBase(file: string, call: Extract<Expr, { k: 'call' }>): { file: string; e: Expr } | undefined {
    const fn = this.resolver.resolve(file, call.fn);
    const returned = fn.t === 'def' ? returnedValue(fn.def) : undefined;
    if (fn.t !== 'def' || !returned || (returned.k !== 'name' && returned.k !== 'attr')) return undefined;
    let made: Expr | undefined;
    for (const st of fn.def.body) if (st.k === 'assign' && returned.k === 'name' && st.targets.some((t) => t.k === 'name' && t.id === returned.id)) made = st.value;
    return { file: fn.file, e: made ?? returned };
  }

  /** The `SQLAlchemy(...)` call behind `db.Model`, to read its MetaData. */
  private flaskCall(file: string, e: Expr): DeclarativeRoot['call'] {
    if (e.k !== 'attr') return undefined;
    const v = this.resolver.resolve(file, e.obj);
    return v.t === 'expr' && v.e.k === 'call' ? { file: v.file, e: v.e } : undefined;
  }

  /** The declarative root a class is mapped under (through any depth of project classes), if any. */
  rootOf(ref: ClassRef, seen = new Set<ClassStmt>()): DeclarativeRoot | undefined {
    if (seen.has(ref.cls)) return undefined;
    seen.add(ref.cls);
    for (const b of this.bases(ref)) {
      if (b.t === 'root') {
        if (b.root.kind === 'declarative' && !b.root.cls && !b.root.call) return { kind: 'declarative', cls: ref };
        return b.root;
      }
      if (b.t === 'class') {
        const r = this.rootOf(b.ref, seen);
        // A class between a model and its root that sets `metadata` (bitcart's `Model(SQLQuery)` with its own naming
        // convention) holds the MetaData its subclasses' tables go to, as SQLAlchemy takes `cls.metadata`.
        if (r?.kind === 'declarative' && r.cls && this.ownAttribute(ref, 'metadata')) return { ...r, cls: ref };
        if (r) return r;
      }
    }
    return undefined;
  }

  /** Whether a class inherits from a class we cannot read (a library mixin, an unresolved name): its columns are not all known. */
  hasOpaqueBase(ref: ClassRef): boolean {
    return this.opaqueBase(ref) !== undefined;
  }

  /** The first base of a class written in its own statement that we cannot read, if any. */
  opaqueBase(ref: ClassRef): Expr | undefined {
    const at = this.bases(ref).findIndex((b) => b.t === 'other' && b.opaque);
    return at >= 0 ? ref.cls.bases[at] : undefined;
  }

  /** Whether the class is itself a declarative base (derives directly from `DeclarativeBase` or is `@as_declarative`). */
  isDeclarativeBaseClass(ref: ClassRef): boolean {
    return this.bases(ref).some((b) => b.t === 'root' && b.root.kind === 'declarative' && (!b.root.call || b.root.cls?.cls === ref.cls));
  }

  /** The project classes a class derives from, nearest first, each once (a simple MRO). */
  ancestors(ref: ClassRef): ClassRef[] {
    const out: ClassRef[] = [];
    const seen = new Set<ClassStmt>([ref.cls]);
    const visit = (r: ClassRef): void => {
      for (const b of this.bases(r)) {
        if (b.t !== 'class' || seen.has(b.ref.cls)) continue;
        seen.add(b.ref.cls);
        out.push(b.ref);
        visit(b.ref);
      }
    };
    visit(ref);
    return out;
  }

  /** The value of a simple class attribute (`__abstract__ = True`, `__tablename__ = "x"`) set in the class's own body. */
  ownAttribute(ref: ClassRef, name: string): Expr | undefined {
    let found: Expr | undefined;
    for (const s of ref.cls.body) {
      if (s.k === 'assign' && s.value && s.targets.some((t) => t.k === 'name' && t.id === name)) found = s.value;
    }
    return found;
  }

  /**
   * Whether SQLAlchemy maps the class's subclasses in `__init_subclass__`, as SQLAlchemy 2's `DeclarativeBase` does,
   * rather than in a metaclass (`declarative_base()`, Flask-SQLAlchemy, SQLModel), which runs after that hook.
   */
  mapsInInitSubclass(ref: ClassRef, seen = new Set<ClassStmt>()): boolean {
    if (seen.has(ref.cls)) return false;
    seen.add(ref.cls);
    return this.bases(ref).some((b) => (b.t === 'root' && b.root.kind === 'declarative' && !b.root.cls && !b.root.call) || (b.t === 'class' && this.mapsInInitSubclass(b.ref, seen)));
  }

  /**
   * The `__init_subclass__` Python runs as the class is made: the first one its bases define, depth first from the
   * left (the class's own runs only for its subclasses), with the class that defines it.
   */
  subclassHook(ref: ClassRef): { owner: ClassRef; def: Extract<Stmt, { k: 'def' }> } | undefined {
    const seen = new Set<ClassStmt>([ref.cls]);
    const visit = (r: ClassRef): { owner: ClassRef; def: Extract<Stmt, { k: 'def' }> } | undefined => {
      for (const b of this.bases(r)) {
        // `declarative_base(cls=Mixin)`: the base derives from that class.
        const made = b.t === 'root' && b.root.call ? keywordArg(b.root.call.e, 'cls') : undefined;
        const madeFrom = made && b.t === 'root' && b.root.call ? this.resolver.resolve(b.root.call.file, made) : undefined;
        const base = b.t === 'class' ? b.ref : madeFrom?.t === 'class' ? { file: madeFrom.file, cls: madeFrom.cls } : undefined;
        if (!base || seen.has(base.cls)) continue;
        seen.add(base.cls);
        const def = lastDefinition(base.cls.body, '__init_subclass__');
        const found = def ? { owner: base, def } : visit(base);
        if (found) return found;
      }
      return undefined;
    };
    return visit(ref);
  }

  /** Whether the class maps no table of its own: it says `__abstract__ = True`, or derives from AbstractConcreteBase. */
  isAbstract(ref: ClassRef): boolean {
    const v = this.ownAttribute(ref, '__abstract__');
    if (v) return evalLiteral(this.resolver, ref.file, v) === true;
    // `class Observation(AbstractConcreteBase, Base)`: no table of its own; its columns go to each subclass, as a mixin's.
    return ref.cls.bases.some((b) => {
      const base = this.resolver.resolve(ref.file, b);
      return base.t === 'ext' && canonicalName(base.q) === 'sa.AbstractConcreteBase';
    });
  }

  /** Whether a SQLModel class is declared with `table=True`. */
  isSqlModelTable(ref: ClassRef): boolean {
    const t = keywordArg(ref.cls, 'table');
    return !!t && evalLiteral(this.resolver, ref.file, t) === true;
  }
}
