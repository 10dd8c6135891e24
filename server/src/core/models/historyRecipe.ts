import type { Expr } from '../python/syntax';
import { callsIn } from '../python/syntax';
import { exprText, type DefStmt, type Resolver } from '../python/resolve';
import { calleeName } from '../schema/columns';
import type { EvalContext } from '../schema/types';
import type { ClassGraph, ClassRef } from './classes';

type Call = Extract<Expr, { k: 'call' }>;

/** What SQLAlchemy's versioned_history example does to a model it maps, read from the project's copy of it. */
export interface HistoryRecipe {
  /** The name of the history table it makes for a table, when the name can be read. */
  historyTable?: (table: string) => string | undefined;
  /** The `Column(...)` calls it appends to the model's own table (`version`), each with where to read it. */
  addedColumns: Array<{ ctx: EvalContext; call: Call }>;
}

/** How many helpers deep the recipe's mapper function is followed. */
const MAX_HELPERS = 3;

/** The class a model derives from (or the model itself) that maps it through its own `__mapper_cls__`, if any. */
export function mapperMixinOf(graph: ClassGraph, ref: ClassRef): ClassRef | undefined {
  return [ref, ...graph.ancestors(ref)].find((c) => c.cls.body.some((s) => s.k === 'def' && s.name === '__mapper_cls__'));
}

/**
 * SQLAlchemy's versioned_history example, which many projects copy as history_meta.py (GOV.UK Notify's
 * notifications-api): a mixin (`mapperMixinOf`) whose `__mapper_cls__` maps each model through a function that makes
 * a `<table>_history` table at run time and appends a `version` column to the model's table.
 */
export function readHistoryRecipe(resolver: Resolver, mixin: ClassRef): HistoryRecipe {
  const mapperCls = mixin.cls.body.find((s): s is DefStmt => s.k === 'def' && s.name === '__mapper_cls__')!;
  const recipe: HistoryRecipe = { addedColumns: [] };
  const seen = new Set<DefStmt>();
  const follow = (file: string, def: DefStmt, depth: number): void => {
    if (seen.has(def) || depth > MAX_HELPERS) return;
    seen.add(def);
    const ctx: EvalContext = { resolver, file };
    for (const call of callsIn(def.body)) {
      const callee = calleeName(ctx, call);
      if (callee === 'sa.Table' && call.args[0]) recipe.historyTable ??= tableNameTemplate(call.args[0]);
      else if (call.fn.k === 'attr' && call.fn.name === 'append_column' && /\blocal_table$/.test(exprText(call.fn.obj)) && call.args[0]?.k === 'call' && calleeName(ctx, call.args[0]) === 'sa.Column') {
        recipe.addedColumns.push({ ctx, call: call.args[0] });
      } else if (callee === undefined) {
        const target = resolver.resolve(file, call.fn);
        if (target.t === 'def') follow(target.file, target.def, depth + 1);
      }
    }
  };
  follow(mixin.file, mapperCls, 0);
  return recipe;
}

/**
 * The history table's name from the expression that makes it of the mapped table's name (`local_table.name`):
 * `f"{t.name}_history"`, `"%s_history" % t.name`, `"{}_history".format(t.name)`.
 */
function tableNameTemplate(e: Expr): ((table: string) => string | undefined) | undefined {
  const isName = (x: Expr | undefined): boolean => !!x && /\blocal_table\.name$/.test(exprText(x));
  if (e.k === 'fstr' && e.parts.every((p) => typeof p === 'string' || isName(p))) {
    return (table) => e.parts.map((p) => (typeof p === 'string' ? p : table)).join('');
  }
  if (e.k === 'binop' && e.op === '%' && e.left.k === 'str' && isName(e.right) && e.left.v.split('%s').length === 2) {
    const [before, after] = e.left.v.split('%s');
    return (table) => `${before}${table}${after}`;
  }
  if (e.k === 'call' && e.fn.k === 'attr' && e.fn.name === 'format' && e.fn.obj.k === 'str' && e.args.length === 1 && isName(e.args[0]) && e.fn.obj.v.split('{}').length === 2) {
    const [before, after] = e.fn.obj.v.split('{}');
    return (table) => `${before}${table}${after}`;
  }
  return undefined;
}
