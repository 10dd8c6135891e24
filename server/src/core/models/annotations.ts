import { isNone, type Expr } from '../python/syntax';
import { canonicalName, type ClassStmt } from '../python/resolve';
import { evalLiteral } from '../python/literals';
import type { SqlType } from '../schema/schema';
import { PYTHON_TYPE_DEFAULTS, enumMembers, evalType, makeType, type EvalContext } from '../schema/types';
import { COLUMN_CALLS, calleeName, evalColumnCall, type ColumnSpec } from '../schema/columns';

/** One entry of a declarative base's `type_annotation_map`: the key's identity and the SQL type it maps to. */
export interface TypeMapEntry {
  key: string;
  type: SqlType;
  /** An `Enum(..., values_callable=...)`: a Python enum it maps is stored by its members' values, not their names. */
  enumByValue?: boolean;
}

/** What a `Mapped[...]` (or SQLModel field) annotation says about a column. */
export interface AnnotationInfo {
  /** Admits None (`Optional[T]`, `T | None`). */
  optional: boolean;
  /** The SQL type it implies, when it implies one. */
  type?: SqlType;
  /** A column spec carried by an `Annotated[T, mapped_column(...)]` alias. */
  carried?: ColumnSpec;
  /** A relationship (`Mapped["User"]`, `Mapped[list["Item"]]`), not a column. */
  relationship: boolean;
}

const RELATIONSHIP_WRAPPERS = new Set(['sa.WriteOnlyMapped', 'sa.DynamicMapped']);
const COLLECTIONS = new Set(['builtins.list', 'builtins.set', 'builtins.dict', 'builtins.tuple', 'typing.List', 'typing.Set', 'typing.Dict', 'typing.Sequence', 'typing.Iterable', 'typing.FrozenSet', 'typing.Collection', 'builtins.frozenset']);

/**
 * The identity of a resolved annotation, used to look it up in a `type_annotation_map`; a generic one
 * (`dict[str, Any]`) is keyed by its parameters too, as SQLAlchemy looks it up.
 */
export function annotationKey(ctx: EvalContext, e: Expr, depth = 0): string | undefined {
  if (e.k === 'subscript') {
    const head = depth < 8 ? annotationKey(ctx, e.obj, depth + 1) : undefined;
    const params = head !== undefined ? e.index.map((x) => (x.k === 'const' && x.v === null ? 'None' : annotationKey(ctx, x, depth + 1))) : [];
    return head !== undefined && params.every((p) => p !== undefined) ? `${head}[${params.join(', ')}]` : undefined;
  }
  const v = ctx.resolver.resolve(ctx.file, e, ctx.locals);
  if (v.t === 'ext') return canonicalName(v.q);
  if (v.t === 'class') return `${v.file}:${v.cls.name}`;
  if (e.k === 'name' || e.k === 'attr') {
    if (v.t === 'expr') return `${v.file}:${e.k === 'name' ? e.id : e.name}`;
  }
  return undefined;
}

/**
 * The type_annotation_map entry SQLAlchemy resolves a Python enum class by, walking its bases as its MRO does: a
 * project base the map names first, then `enum.Enum` (every enum's base).
 */
function enumMapEntry(ctx: EvalContext, file: string, cls: ClassStmt, typeMap: TypeMapEntry[], depth = 0): TypeMapEntry | undefined {
  if (typeMap.length === 0 || depth > 10) return undefined;
  const at = { resolver: ctx.resolver, file };
  for (const b of cls.bases) {
    const key = annotationKey(at, b);
    const v = ctx.resolver.resolve(file, b);
    const hit = key && (v.t === 'class' || /^enum\./.test(key)) ? typeMap.find((m) => m.key === key) : undefined;
    if (hit) return hit;
    const inherited = v.t === 'class' && v.cls !== cls ? enumMapEntry(ctx, v.file, v.cls, typeMap, depth + 1) : undefined;
    if (inherited && inherited.key !== 'enum.Enum') return inherited;
  }
  return depth === 0 ? typeMap.find((m) => m.key === 'enum.Enum') : undefined;
}

/** Whether an annotation is `Mapped[...]` (2.0 style); returns the inner expression. */
export function unwrapMapped(ctx: EvalContext, ann: Expr): { inner?: Expr; relationshipOnly: boolean } | undefined {
  if (ann.k !== 'subscript') return undefined;
  const name = calleeLike(ctx, ann.obj);
  if (name === 'sa.Mapped') return { inner: ann.index[0], relationshipOnly: false };
  if (name && RELATIONSHIP_WRAPPERS.has(name)) return { relationshipOnly: true };
  return undefined;
}

/** Whether an annotation is `ClassVar[...]` (or a bare `ClassVar`): an attribute of the class, never a field. */
export function isClassVar(ctx: EvalContext, ann: Expr | undefined): boolean {
  return !!ann && /^(typing|typing_extensions)\.ClassVar$/.test(calleeLike(ctx, ann.k === 'subscript' ? ann.obj : ann) ?? '');
}

function calleeLike(ctx: EvalContext, e: Expr): string | undefined {
  const v = ctx.resolver.resolve(ctx.file, e, ctx.locals);
  return v.t === 'ext' ? canonicalName(v.q) : undefined;
}

/** Whether a subscripted annotation is `Optional[...]` or a `Union[...]` with None. */
function admitsNone(ctx: EvalContext, e: Expr): boolean {
  if (e.k !== 'subscript') return false;
  const head = calleeLike(ctx, e.obj);
  return head === 'typing.Optional' || (head === 'typing.Union' && e.index.some(isNone));
}

/**
 * Reads the Python type inside `Mapped[...]` (or a SQLModel field annotation): optionality, the implied SQL type
 * (type_annotation_map first, then SQLAlchemy's defaults), an `Annotated` alias's column, or a relationship.
 */
export function readAnnotation(ctx: EvalContext, e: Expr, typeMap: TypeMapEntry[], options: { sqlmodel?: boolean; isMappedClass?: (ctx: EvalContext, e: Expr) => boolean } = {}, depth = 0): AnnotationInfo {
  const none: AnnotationInfo = { optional: false, relationship: false };
  if (depth > 10) return none;
  const again = (x: Expr, c = ctx): AnnotationInfo => readAnnotation(c, x, typeMap, options, depth + 1);
  // A forward reference in quotes: a model class name, or a quoted scalar type.
  if (e.k === 'str') {
    if (/^(Optional\[|List\[|list\[)/.test(e.v) || /^[A-Z]\w*$/.test(e.v)) return { ...none, relationship: true };
    return none;
  }
  if (e.k === 'const' && e.v === null) return { ...none, optional: true };
  // `T | None`
  if (e.k === 'binop' && e.op === '|') {
    const l = again(e.left);
    const r = again(e.right);
    if (isNone(e.right)) return { ...l, optional: true };
    if (isNone(e.left)) return { ...r, optional: true };
    return { ...l, optional: l.optional || r.optional };
  }
  const key = annotationKey(ctx, e);
  if (key) {
    const mapped = typeMap.find((m) => m.key === key);
    // A map's key may itself be `Optional[X]` (galaxy's): the column still admits None, as SQLAlchemy reads it.
    if (mapped) return { ...none, type: mapped.type, optional: admitsNone(ctx, e) };
  }
  if (e.k === 'subscript') {
    const head = calleeLike(ctx, e.obj);
    if (head === 'typing.Optional') return { ...again(e.index[0]), optional: true };
    if (head === 'typing.Union') {
      const parts = e.index.filter((x) => !(x.k === 'const' && x.v === null));
      const first = parts[0] ? again(parts[0]) : none;
      return { ...first, optional: parts.length < e.index.length || first.optional };
    }
    if (head === 'typing.Annotated') {
      const base = again(e.index[0]);
      for (const extra of e.index.slice(1)) {
        if (extra.k === 'call') {
          const callee = calleeName(ctx, extra);
          // The alias carries its own column, whatever the Python type (`Annotated[dict, mapped_column(JSONB)]`).
          if (callee && COLUMN_CALLS.has(callee)) return { ...base, relationship: false, carried: evalColumnCall(ctx, extra, callee) };
        }
      }
      return base;
    }
    if (head === 'typing.Literal') {
      const values = e.index.map((x) => evalLiteral(ctx.resolver, ctx.file, x, ctx.locals));
      // SQLAlchemy makes a Literal's Enum non-native (`Enum._resolve_for_python_type`): a VARCHAR, no named type.
      if (values.every((v) => typeof v === 'string')) return { ...none, type: { name: 'Enum', family: 'ENUM', args: { native_enum: false }, enumValues: values as string[], text: 'Literal' } };
      return none;
    }
    if (head && COLLECTIONS.has(head)) return { ...none, relationship: !options.sqlmodel };
    return none;
  }
  const v = ctx.resolver.resolve(ctx.file, e, ctx.locals);
  if (v.t === 'expr' && (e.k === 'name' || e.k === 'attr')) {
    // An alias such as `str50 = Annotated[str, mapped_column(String(50))]`.
    return again(v.e, { resolver: ctx.resolver, file: v.file });
  }
  if (v.t === 'class') {
    const entry = enumMapEntry(ctx, v.file, v.cls, typeMap);
    const members = enumMembers(ctx.resolver, v.file, v.cls, !!entry?.enumByValue);
    if (members !== undefined) {
      // The map's entry for the enum's base (`enum.Enum: sa.Enum(enum.Enum, values_callable=..., native_enum=False)`)
      // gives its keywords, as SQLAlchemy's `Enum._resolve_for_python_type`; a non-Enum entry is used as it is.
      if (entry && entry.type.family !== 'ENUM') return { ...none, type: entry.type };
      // Shown as SQLAlchemy makes it of the annotation (`Mapped[Status]` is `sa.Enum(Status)`).
      const type: SqlType = { name: 'Enum', family: 'ENUM', args: { ...entry?.type.args }, enumName: entry?.type.enumName ?? v.cls.name.toLowerCase(), text: `sa.Enum(${v.cls.name})` };
      return { ...none, type: members ? { ...type, enumValues: members } : type };
    }
    if (options.isMappedClass?.({ resolver: ctx.resolver, file: ctx.file }, e)) return { ...none, relationship: true };
    const t = evalType(ctx, e);
    return t ? { ...none, type: t } : { ...none, relationship: true };
  }
  if (v.t === 'ext') {
    const q = canonicalName(v.q);
    const saName = PYTHON_TYPE_DEFAULTS[q];
    if (saName) {
      if (options.sqlmodel && q === 'builtins.str') return { ...none, type: makeType('sqlmodel.AutoString', {}, 'AutoString') };
      return { ...none, type: makeType(`sa.${saName}`, {}, saName) };
    }
    if (q === 'builtins.dict' || q === 'typing.Any') return none;
    return none;
  }
  return none;
}
