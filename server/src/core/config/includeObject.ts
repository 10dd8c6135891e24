import type { Expr, Stmt } from '../python/syntax';
import type { Resolver } from '../python/resolve';
import { evalStringList } from '../python/literals';

/** Kinds of schema object Alembic passes to `include_object` / `include_name` as `type_`. */
export type ObjectType = 'table' | 'column' | 'index' | 'unique_constraint' | 'foreign_key_constraint';

/** One exclusion the project's env.py makes: objects of a type (or any type) whose name is listed or has a prefix. */
export interface ExcludeRule {
  type?: ObjectType;
  names: string[];
  prefixes: string[];
  /** Only objects that exist on this side (`reflected` / `compare_to is None`: only in the database, i.e. the migrations). */
  side?: 'migrations' | 'models';
}

type DefStmt = Extract<Stmt, { k: 'def' }>;
type Params = { name: string; type: string; reflected: string; compareTo: string };

/**
 * Reads the exclusions an env.py's `include_object` / `include_name` hook makes with literal names, the ignore lists
 * projects write for Alembic today: `if type_ == "table" and name in ("a", "b"): return False`,
 * `if name == "x": return False`, `return name not in IGNORED` (a module constant), `name.startswith("tmp_")`.
 * Conditions it cannot read exclude nothing.
 */
export function readIncludeObjectRules({ resolver, file }: { resolver: Resolver; file: string }): ExcludeRule[] {
  const out: ExcludeRule[] = [];
  for (const s of resolver.moduleBody(file)) {
    if (s.k !== 'def' || (s.name !== 'include_object' && s.name !== 'include_name')) continue;
    const at = (i: number, fallback: string): string => s.params[i]?.name ?? fallback;
    const params = s.name === 'include_object'
      ? { name: at(1, 'name'), type: at(2, 'type_'), reflected: at(3, 'reflected'), compareTo: at(4, 'compare_to') }
      : { name: at(0, 'name'), type: at(1, 'type_'), reflected: '', compareTo: '' };
    readBody(resolver, file, s, params, out);
  }
  return out;
}

function readBody(resolver: Resolver, file: string, def: DefStmt, params: Params, out: ExcludeRule[]): void {
  for (const s of def.body) {
    if (s.k === 'if' && returnsFalse(s.body)) {
      const rule = readCondition(resolver, file, s.test, params, false);
      if (rule) out.push(rule);
    } else if (s.k === 'return' && s.value) {
      const rule = readCondition(resolver, file, s.value, params, true);
      if (rule) out.push(rule);
    }
  }
}

function returnsFalse(body: Stmt[]): boolean {
  const first = body[0];
  return first?.k === 'return' && first.value?.k === 'const' && first.value.v === false;
}

function text(e: Expr): string | undefined {
  return e.k === 'other' ? e.text : undefined;
}

/** Reads `a and b` clauses over `type_` and `name`; `negated` reads `return name not in X` as excluding X. */
function readCondition(resolver: Resolver, file: string, test: Expr, params: Params, negated: boolean): ExcludeRule | undefined {
  const t = text(test);
  if (!t || /\bor\b/.test(t)) return undefined;
  const rule: ExcludeRule = { names: [], prefixes: [] };
  const q = `(['"])([^'"]+)\\1`;
  for (const raw of t.replace(/^not\s*\((.*)\)$/s, '$1').split(/\s+and\s+/)) {
    const clause = raw.trim().replace(/^\((.*)\)$/s, '$1').trim();
    let m = new RegExp(`^${params.type}\\s*==\\s*${q}$`).exec(clause);
    if (m) {
      rule.type = m[2] as ObjectType;
      continue;
    }
    if (params.reflected && (clause === params.reflected || clause === `${params.compareTo} is None`)) {
      rule.side = 'migrations';
      continue;
    }
    if (params.reflected && (clause === `not ${params.reflected}` || clause === `${params.compareTo} is not None`)) {
      rule.side = 'models';
      continue;
    }
    m = new RegExp(`^${params.name}\\s*==\\s*${q}$`).exec(clause) ?? new RegExp(`^${q}\\s*==\\s*${params.name}$`).exec(clause);
    if (m && !negated) {
      rule.names.push(m[2]);
      continue;
    }
    m = new RegExp(`^${params.name}\\.startswith\\(\\s*${q}\\s*\\)$`).exec(clause);
    if (m && !negated) {
      rule.prefixes.push(m[2]);
      continue;
    }
    const membership = new RegExp(`^${params.name}\\s+(not\\s+in|in)\\s+(.+)$`, 's').exec(clause);
    if (membership && (membership[1] !== 'in') === negated) {
      const list = listOf(resolver, file, membership[2]);
      if (!list) return undefined;
      rule.names.push(...list);
      continue;
    }
    return undefined;
  }
  return rule.names.length > 0 || rule.prefixes.length > 0 ? rule : undefined;
}

/** A literal list of strings written in the condition, or the module constant it names. */
function listOf(resolver: Resolver, file: string, source: string): string[] | undefined {
  const s = source.trim();
  if (/^[A-Za-z_][\w.]*$/.test(s)) {
    const parts = s.split('.');
    let e: Expr = { k: 'name', id: parts[0], s: [0, 0, 0, 0] };
    for (const p of parts.slice(1)) e = { k: 'attr', obj: e, name: p, s: [0, 0, 0, 0] };
    return evalStringList(resolver, file, e);
  }
  if (!/^[[({]/.test(s)) return undefined;
  const items = [...s.matchAll(/(['"])([^'"]*)\1/g)].map((m) => m[2]);
  return items.length > 0 ? items : undefined;
}

/** Whether a rule excludes an object of this type and name, found on one side (or both, for a mismatch). */
export function isExcluded(rules: ExcludeRule[], object: { type: ObjectType; name: string | undefined; side?: 'migrations' | 'models' }): boolean {
  const name = object.name;
  if (name === undefined) return false;
  return rules.some((r) => (!r.type || r.type === object.type) && (!r.side || r.side === object.side) && (r.names.includes(name) || r.prefixes.some((p) => name.startsWith(p))));
}
