import type { Expr, Span } from '../python/syntax';
import { isNone, keywordArg } from '../python/syntax';
import { canonicalName } from '../python/resolve';
import type { EvalContext } from '../schema/types';
import type { ColumnSource, ColumnSpec } from '../schema/columns';
import type { AnnotationInfo } from './annotations';

type Call = Extract<Expr, { k: 'call' }>;

/** The arguments of a call in source order: keywords by name, `*args` / `**kwargs` as `null` (opaque). */
function callArguments(call: Call): NonNullable<ColumnSource['call']>['args'] {
  const args = [...call.args.map((a) => ({ keyword: a.k === 'starred' ? null : undefined, value: a.s })), ...call.kw.map((k) => ({ keyword: k.name, value: k.value.s }))];
  return args.sort((a, b) => a.value[0] - b.value[0] || a.value[1] - b.value[1]);
}

/** In `Optional[T]`, `T | None`, `None | T` or `Union[T, None]`: the T, so that an edit can drop the None. */
function optionalInner(ctx: EvalContext, e: Expr): Span | undefined {
  if (e.k === 'binop' && e.op === '|') {
    if (isNone(e.right) && !isNone(e.left)) return e.left.s;
    if (isNone(e.left) && !isNone(e.right)) return e.right.s;
    return undefined;
  }
  if (e.k !== 'subscript') return undefined;
  const head = ctx.resolver.resolve(ctx.file, e.obj, ctx.locals);
  const name = head.t === 'ext' ? canonicalName(head.q) : undefined;
  if (name === 'typing.Optional' && e.index.length === 1) return e.index[0].s;
  if (name === 'typing.Union' && e.index.length === 2) {
    const rest = e.index.filter((x) => !isNone(x));
    return rest.length === 1 ? rest[0].s : undefined;
  }
  return undefined;
}

/**
 * Where a model column written in place stands and which of its attributes an edit there can change (see
 * `ColumnSource`). `call` is the declaring call written in place, `annotation` the Python type of a `Mapped[...]` or
 * SQLModel field with what it says, `carried` the column an `Annotated` alias brings (its attributes are not editable
 * here), `fromAnnotation` whether nullability and type follow the annotation when the call does not say.
 */
export function columnSourceOf(options: {
  ctx: EvalContext;
  statement: Span;
  spec: ColumnSpec;
  call?: { kind: string; e: Call };
  annotation?: { e: Expr; info: AnnotationInfo };
  fromAnnotation: boolean;
  /** A bare annotation with no value: `= mapped_column(...)` may be appended to it. */
  assignable?: boolean;
}): ColumnSource {
  const { ctx, spec, call, annotation, fromAnnotation } = options;
  const carried = annotation?.info.carried;
  const has = (name: string): boolean => !!call && keywordArg(call.e, name) !== undefined;
  const sqlmodelField = call?.kind === 'sqlmodel.Field';
  const opaqueKwargs = sqlmodelField && has('sa_column_kwargs');

  let type: ColumnSource['type'] = 'other';
  if (spec.typeSpan) type = 'argument';
  else if (!carried?.type && !sqlmodelField && fromAnnotation && annotation?.info.type) type = 'annotation';

  let nullable: ColumnSource['nullable'];
  if (opaqueKwargs || spec.primaryKey) nullable = 'other';
  else if (has('nullable')) nullable = 'keyword';
  else if (carried?.nullable !== undefined) nullable = 'other';
  else nullable = fromAnnotation ? 'annotation' : 'default';

  let serverDefault: ColumnSource['serverDefault'];
  if (sqlmodelField || carried?.serverDefault) serverDefault = 'other';
  else if (has('server_default')) serverDefault = 'keyword';
  else serverDefault = spec.serverDefault ? 'other' : 'none';

  return {
    statement: options.statement,
    call: call ? { kind: call.kind, span: call.e.s, args: callArguments(call.e) } : undefined,
    annotation: annotation ? { span: annotation.e.s, optional: annotation.info.optional, inner: optionalInner(ctx, annotation.e) } : undefined,
    ...(options.assignable ? { assignable: true } : {}),
    type,
    ...(type === 'argument' ? { typeSpan: spec.typeSpan } : {}),
    nullable,
    serverDefault,
  };
}
