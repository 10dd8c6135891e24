import type { Expr, Span, Stmt } from './syntax';
import { innerBlocks, keywordArg, methodKind, subExprs } from './syntax';
import type { ClassStmt, Locals, Resolver, Value } from './resolve';
import { canonicalName } from './resolve';
import { pyStr } from '../render/python';

/** A Python literal value the analysis can know without running code. */
export type Literal = string | number | boolean | null | Literal[];

const MAX_DEPTH = 30;

/**
 * Evaluates an expression to a literal when it is one, or is built only from literals and module constants:
 * strings, numbers, f-strings and `+` over constants, tuples and lists, `op.f("name")`, `str.lower()`/`upper()`/`split()`.
 * Returns undefined for anything that would need running code.
 */
export function evalLiteral(resolver: Resolver, file: string, e: Expr, locals?: Locals, depth = 0): Literal | undefined {
  if (evaluating) return evaluate(resolver, file, e, locals, depth);
  evaluating = true;
  comprehensionItemsLeft = MAX_COMPREHENSION_WORK;
  try {
    return evaluate(resolver, file, e, locals, depth);
  } finally {
    evaluating = false;
    constants = undefined;
  }
}

/** Whether an outermost `evalLiteral` is under way (the evaluation of a module constant inside it shares its memo). */
let evaluating = false;

/** Items all the comprehensions of one outermost evaluation may go through (nested ones multiply). */
const MAX_COMPREHENSION_WORK = 100_000;
let comprehensionItemsLeft = MAX_COMPREHENSION_WORK;

/**
 * The module constants an outermost `evalLiteral` has evaluated, by their expression: a comprehension that tests each
 * item against a constant (`[p for p in ALL if p not in SKIP]`) evaluates that constant once, not once per item. Made
 * at the first constant (most evaluations, of a literal, need none).
 */
let constants: Map<Expr, Literal> | undefined;

/** The members of a literal list as `in` compares them (by value), built once per list. */
const memberKeys = new WeakMap<Literal[], Set<string>>();

function membersOf(list: Literal[]): Set<string> {
  let keys = memberKeys.get(list);
  if (!keys) memberKeys.set(list, (keys = new Set(list.map((x) => JSON.stringify(x)))));
  return keys;
}

function evaluate(resolver: Resolver, file: string, e: Expr, locals: Locals | undefined, depth: number): Literal | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const again = (x: Expr, f = file, l = locals): Literal | undefined => evaluate(resolver, f, x, l, depth + 1);
  switch (e.k) {
    case 'str':
    case 'num':
      return e.v;
    case 'const':
      return e.v;
    case 'fstr': {
      let out = '';
      for (const p of e.parts) {
        if (typeof p === 'string') out += p;
        else {
          const v = again(p);
          if (v === undefined || Array.isArray(v)) return undefined;
          out += pythonText(v);
        }
      }
      return out;
    }
    case 'tuple':
    case 'list':
    case 'set': {
      const out: Literal[] = [];
      for (const item of e.items) {
        if (item.k === 'starred') {
          // A dict unpacks to its keys.
          const v = again(item.value) ?? dictKeysOf(resolver, file, item.value, locals);
          if (!Array.isArray(v)) return undefined;
          out.push(...v);
          continue;
        }
        const v = again(item);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
    case 'binop': {
      const l = again(e.left);
      // `"fk_%(table_name)s" % dict(table_name=t)` or `% {"table_name": t}`: the fields by name.
      const named = e.op === '%' && typeof l === 'string' ? mappingOf(resolver, file, e.right, locals) : undefined;
      if (named) {
        const formatted = percentFormat(l as string, [], named, '');
        return formatted.complete ? formatted.text : undefined;
      }
      const r = again(e.right);
      if (l === undefined || r === undefined) return undefined;
      if (e.op === '+') {
        if (typeof l === 'string' && typeof r === 'string') return l + r;
        if (typeof l === 'number' && typeof r === 'number') return l + r;
        if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
      }
      if (e.op === '-' && typeof l === 'number' && typeof r === 'number') return l - r;
      if (e.op === '*' && typeof l === 'number' && typeof r === 'number') return l * r;
      if (e.op === '%' && typeof l === 'string') {
        const formatted = percentFormat(l, Array.isArray(r) ? r : [r], undefined, '');
        return formatted.complete ? formatted.text : undefined;
      }
      return undefined;
    }
    case 'name': {
      const bound = boundValue(resolver, file, e, locals);
      if (!bound) return undefined;
      // Module constants are remembered; a comprehension's or a loop's variable, bound anew per item, is not.
      const constant = !locals?.has(e.id);
      const known = constant ? constants?.get(bound.e) : undefined;
      if (known !== undefined) return known;
      const v = again(bound.e, bound.file, undefined);
      if (v !== undefined && constant) (constants ??= new Map()).set(bound.e, v);
      return v;
    }
    case 'attr': {
      // `context.get_context().version_table_schema` (rucio's schema prefix): None, the default schema, as env.py
      // configures it unless given `version_table_schema`; its models are in the default schema too.
      if (e.name === 'version_table_schema' && e.obj.k === 'call') {
        const fn = resolver.resolve(file, e.obj.fn, locals);
        if (fn.t === 'ext' && (fn.q === 'alembic.context.get_context' || fn.q === 'alembic.op.get_context')) return null;
      }
      if (e.name === '__name__') {
        // A project class's name (`cls.__name__` where `cls` is bound to the mapped class).
        const owner = resolver.resolve(file, e.obj, locals);
        if (owner.t === 'class') return owner.cls.name;
      }
      // A member of a project enum: `AccountType.student.value` is what the member is set to, `.name` its name; so of
      // a comprehension's variable bound to a member (`[m.value for m in AccountType]`).
      if ((e.name === 'value' || e.name === 'name') && (e.obj.k === 'attr' || e.obj.k === 'name')) {
        const member = resolver.resolve(file, e.obj, locals);
        const set = member.t === 'member' && isEnumClass(resolver, member.owner) ? resolver.classAttribute(member.owner, member.name) : undefined;
        // An alias's name is the member's it stands for (`Level.DEFAULT.name` is "MEDIUM" after `DEFAULT = MEDIUM`).
        if (member.t === 'member' && set) return e.name === 'name' ? canonicalMemberName(resolver, member.owner, member.name) : again(set.found, set.file, undefined);
      }
      if (e.name === 'name') {
        // `status_enum.name` where `status_enum = sa.Enum(..., name="status")`: the type's name.
        const owner = e.obj.k === 'call' ? { e: e.obj, file } : boundValue(resolver, file, e.obj, locals);
        const named = owner?.e.k === 'call' && /^(sa\.Enum|\w+\.ENUM)$/.test(resolver.externalName(owner.file, owner.e.fn) ?? '') ? keywordArg(owner.e, 'name') : undefined;
        if (owner && named) return again(named, owner.file, undefined);
      }
      const bound = boundValue(resolver, file, e, locals);
      return bound ? again(bound.e, bound.file, undefined) : undefined;
    }
    case 'not': {
      const v = again(e.value);
      return v === undefined ? undefined : !isTruthy(v);
    }
    case 'ifexp': {
      // `"CASCADE" if ONDELETE[table] else None`: the arm the test picks; either, when both give the same.
      const test = again(e.test);
      if (test !== undefined) return again(isTruthy(test) ? e.body : e.orelse);
      const [body, orelse] = [again(e.body), again(e.orelse)];
      return body !== undefined && JSON.stringify(body) === JSON.stringify(orelse) ? body : undefined;
    }
    case 'boolop': {
      // Python's `and` / `or` give one of their operands.
      let last: Literal | undefined;
      for (const x of e.values) {
        last = again(x);
        if (last === undefined) return undefined;
        if (isTruthy(last) !== (e.op === 'and')) return last;
      }
      return last;
    }
    case 'compare': {
      if (e.ops.length !== 1) return undefined;
      const l = again(e.left);
      const r = again(e.comparators[0]);
      if (l === undefined || r === undefined) return undefined;
      const same = (): boolean => JSON.stringify(l) === JSON.stringify(r);
      switch (e.ops[0]) {
        case '==':
        case 'is':
          return same();
        case '!=':
        case 'is not':
          return !same();
        case 'in':
        case 'not in': {
          const found = Array.isArray(r) ? membersOf(r).has(JSON.stringify(l)) : typeof r === 'string' && typeof l === 'string' ? r.includes(l) : undefined;
          return found === undefined ? undefined : found === (e.ops[0] === 'in');
        }
        case '<':
        case '<=':
        case '>':
        case '>=': {
          if (typeof l !== typeof r || (typeof l !== 'number' && typeof l !== 'string')) return undefined;
          const op = e.ops[0];
          return op === '<' ? l < r! : op === '<=' ? l <= r! : op === '>' ? l > r! : l >= r!;
        }
        default:
          return undefined;
      }
    }
    case 'comp':
      return comprehension(resolver, file, e, locals, depth);
    case 'subscript': {
      // `schema[:-1]`, `names[0]`: an item or a slice of a literal text or list (steps are not read).
      const v = e.index.length === 1 ? again(e.obj) : undefined;
      if (typeof v === 'string' || Array.isArray(v)) return itemOrSlice(v, e.index[0]);
      // `prefixes[table]`: a dict written out, at a key known here.
      const key = e.index.length === 1 && v === undefined ? again(e.index[0]) : undefined;
      const value = typeof key === 'string' ? dictValueAt(resolver, file, e.obj, key, locals) : undefined;
      return value && again(value.e, value.file, value.locals);
    }
    case 'call': {
      // `len(cls.possible_render_modes)`: the length of a literal, or the count of a literal's items whatever they are.
      if (e.fn.k === 'name' && e.fn.id === 'len' && e.args.length === 1 && e.kw.length === 0) {
        const v = again(e.args[0]);
        if (typeof v === 'string' || Array.isArray(v)) return v.length;
        return literalItemCount(resolver, file, e.args[0], locals);
      }
      // `repr(key)`, `str(n)`: the text Python makes of a literal (an f-string's `{key!r}` reads as `repr(key)`).
      if (e.fn.k === 'name' && (e.fn.id === 'repr' || e.fn.id === 'str') && e.args.length === 1 && e.args[0].k !== 'starred' && e.kw.length === 0) {
        const v = again(e.args[0]);
        return v === undefined ? undefined : e.fn.id === 'repr' ? pythonRepr(v) : pythonText(v);
      }
      // `format(name, "s")`, as an f-string's `{name:s}` reads: the specs that leave a text or an integer as it is.
      if (e.fn.k === 'name' && e.fn.id === 'format' && e.args.length === 2 && e.kw.length === 0) {
        const [v, spec] = [again(e.args[0]), again(e.args[1])];
        if (spec === '' && v !== undefined) return pythonText(v);
        if (spec === 's' && typeof v === 'string') return v;
        return spec === 'd' && Number.isInteger(v) ? String(v) : undefined;
      }
      // `list(columns)`, `tuple(names)`: the items of a literal sequence (a text's characters, as Python gives them).
      if (e.fn.k === 'name' && (e.fn.id === 'list' || e.fn.id === 'tuple') && e.args.length === 1 && e.args[0].k !== 'starred' && e.kw.length === 0) {
        // A dict's keys (FitTrackee's `list(RECORD_TYPES_COLUMNS_MATCHING.keys())`).
        const v = again(e.args[0]) ?? dictKeysOf(resolver, file, e.args[0], locals);
        if (typeof v === 'string') return [...v];
        return Array.isArray(v) ? [...v] : undefined;
      }
      // `STATUSES.keys()` of a dict written out: its keys (storyboard's `Enum(*TASK_STATUSES.keys())`).
      if (e.fn.k === 'attr' && e.fn.name === 'keys' && e.args.length === 0 && e.kw.length === 0) return dictKeysOf(resolver, file, e, locals);
      // `op.f("ix_name")`, `sa.text("...")` and `"x".lower()` keep a literal value.
      if (e.fn.k === 'attr' && (e.fn.name === 'f' || e.fn.name === 'text' || e.fn.name === 'literal_column') && e.args.length === 1) {
        return again(e.args[0]);
      }
      if (e.fn.k === 'attr' && e.args.length === 0 && (e.fn.name === 'lower' || e.fn.name === 'upper' || e.fn.name === 'strip')) {
        const v = again(e.fn.obj);
        if (typeof v !== 'string') return undefined;
        return e.fn.name === 'lower' ? v.toLowerCase() : e.fn.name === 'upper' ? v.toUpperCase() : v.trim();
      }
      // A project helper whose body is one `return` (`def columns(): return ["a", "b"]`, a staticmethod too), called
      // by its bare name, or a class or static method called on a class (`cls._prefixed("torrents.id")`); other calls
      // are mostly SQLAlchemy's, not worth resolving here.
      if (e.fn.k === 'name') {
        const fn = resolver.resolve(file, e.fn, locals);
        // `f("ix_name")` after `from alembic.op import f`, `text("...")` after `from sqlalchemy import text`.
        if (fn.t === 'ext' && (fn.q === 'alembic.op.f' || canonicalName(fn.q) === 'sa.text') && e.args.length === 1) return again(e.args[0]);
        const returned = fn.t === 'def' ? soleReturn(fn.def) : undefined;
        if (fn.t === 'def' && returned) return again(returned, fn.file, helperArguments({ file }, fn.def, fn.file, e));
      }
      if (e.fn.k === 'attr') {
        const member = resolver.resolve(file, e.fn, locals);
        const method = member.t === 'member' ? resolver.methodOf(member.owner, member.name) : undefined;
        const returned = method && methodKind(method.def) !== 'instance' ? soleReturn(method.def) : undefined;
        if (member.t === 'member' && method && returned) return again(returned, method.file, methodArguments({ file }, method, member.owner, e));
      }
      if (e.fn.k === 'attr' && (e.fn.name === 'startswith' || e.fn.name === 'endswith') && e.args.length === 1 && e.kw.length === 0) {
        // `t.startswith("rt_")`: a test on a literal text, one affix or a tuple of them.
        const [text, affix, starts] = [again(e.fn.obj), again(e.args[0]), e.fn.name === 'startswith'];
        const affixes = Array.isArray(affix) ? affix : [affix];
        if (typeof text !== 'string' || !affixes.every((a): a is string => typeof a === 'string')) return undefined;
        return affixes.some((a) => (starts ? text.startsWith(a) : text.endsWith(a)));
      }
      if (e.fn.k === 'attr' && e.fn.name === 'replace' && e.args.length === 2 && e.kw.length === 0) {
        // `DEFAULT.replace(":", r"\:")`: every occurrence, as Python replaces them.
        const [text, from, to] = [again(e.fn.obj), again(e.args[0]), again(e.args[1])];
        return typeof text === 'string' && typeof from === 'string' && typeof to === 'string' ? text.split(from).join(to) : undefined;
      }
      if (e.fn.k === 'attr' && e.fn.name === 'split' && e.args.length <= 1 && e.kw.length === 0) {
        // `"users.email".split(".")`; with no separator, on runs of whitespace, as Python splits.
        const [text, separator] = [again(e.fn.obj), e.args.length === 1 ? again(e.args[0]) : undefined];
        if (typeof text !== 'string' || (e.args.length === 1 && (typeof separator !== 'string' || separator === ''))) return undefined;
        return typeof separator === 'string' ? text.split(separator) : text.split(/\s+/).filter((part) => part !== '');
      }
      if (e.fn.k === 'attr' && e.fn.name === 'join' && e.args.length === 1 && e.kw.length === 0) {
        // `" ".join(["CREATE INDEX ix", "ON t (a)"])`
        const [separator, items] = [again(e.fn.obj), again(e.args[0])];
        return typeof separator === 'string' && Array.isArray(items) && items.every((x) => typeof x === 'string') ? items.join(separator) : undefined;
      }
      if (e.fn.k === 'attr' && e.fn.name === 'format' && e.fn.obj.k === 'str') {
        const text = (x: Expr): string | undefined => {
          const v = again(x);
          return v === undefined ? undefined : pythonText(v);
        };
        return formatText(e.fn.obj.v, e.args.map(text), new Map(e.kw.map((k) => [k.name ?? '', text(k.value)])));
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Items a comprehension of literals may make at most; past it, its value is not worth knowing. */
const MAX_COMPREHENSION_ITEMS = 10_000;

/**
 * A comprehension over a literal iterable (`[("%s_history" % t, "revision") for t, c in TABLES if c]`): its target
 * bound to each item in turn, the conditions tested and the element evaluated; undefined when any of them is unknown.
 */
function comprehension(resolver: Resolver, file: string, e: Extract<Expr, { k: 'comp' }>, locals: Locals | undefined, depth: number): Literal | undefined {
  let binders = enumIteration(resolver, file, e.iter, locals);
  if (!binders) {
    const items = evaluate(resolver, file, e.iter, locals, depth + 1);
    const iterated = typeof items === 'string' ? [...items] : items;
    if (!Array.isArray(iterated) || iterated.length > MAX_COMPREHENSION_ITEMS) return undefined;
    binders = iterated.map((item) => (target, into) => bindLiteral(target, item, file, into));
  }
  comprehensionItemsLeft -= binders.length;
  if (comprehensionItemsLeft < 0) return undefined;
  const out: Literal[] = [];
  for (const bind of binders) {
    const inner = new Map(locals ?? []);
    if (!bind(e.target, inner)) return undefined;
    let kept = true;
    for (const cond of e.conds) {
      const v = evaluate(resolver, file, cond, inner, depth + 1);
      if (v === undefined) return undefined;
      kept &&= isTruthy(v);
    }
    if (!kept) continue;
    const v = evaluate(resolver, file, e.elt, inner, depth + 1);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** Binds a comprehension's target to one item of what it iterates; false when the shapes differ. */
type ItemBinder = (target: Expr, into: Map<string, Value>) => boolean;

/**
 * The items of a project enum class iterated (also under `list()` or `tuple()`): its members (`for m in Status`,
 * without aliases, as Python iterates an enum; `Status.__members__.values()`, with them), their names
 * (`Status.__members__`, `.keys()`) or both (`.items()`); undefined for anything else.
 */
function enumIteration(resolver: Resolver, file: string, iter: Expr, locals: Locals | undefined): ItemBinder[] | undefined {
  const inner = iter.k === 'call' && iter.fn.k === 'name' && (iter.fn.id === 'list' || iter.fn.id === 'tuple') && iter.args.length === 1 && iter.kw.length === 0 ? iter.args[0] : iter;
  const viewed = inner.k === 'call' && inner.args.length === 0 && inner.fn.k === 'attr' && inner.fn.obj.k === 'attr' && inner.fn.obj.name === '__members__' ? inner.fn : undefined;
  const kind = viewed?.name ?? (inner.k === 'attr' && inner.name === '__members__' ? 'keys' : 'members');
  const base = viewed?.k === 'attr' && viewed.obj.k === 'attr' ? viewed.obj.obj : inner.k === 'attr' && inner.name === '__members__' ? inner.obj : inner;
  if (kind !== 'keys' && kind !== 'values' && kind !== 'items' && kind !== 'members') return undefined;
  const owner = resolver.resolve(file, base, locals);
  if (owner.t !== 'class' || !isEnumClass(resolver, owner)) return undefined;
  const members = enumMemberAssignments(owner.cls);
  const canonical = canonicalMembers(resolver, owner, members);
  // A class iterated while its members' values are worked out (`ALL = [m.value for m in Role]` in Role's own body).
  if (!canonical) return undefined;
  const binders: ItemBinder[] = [];
  for (const { name } of members) {
    // An alias (a second name for a value already given) is the member it names: iterating the class skips it.
    const first = canonical.get(name) ?? name;
    if (kind === 'members' && first !== name) continue;
    const member: Value = { t: 'member', owner: { file: owner.file, cls: owner.cls }, name: first };
    if (kind === 'keys') binders.push((target, into) => bindLiteral(target, name, owner.file, into));
    else if (kind === 'items') binders.push((target, into) => (target.k === 'tuple' || target.k === 'list') && target.items.length === 2 && target.items[1].k === 'name' && bindLiteral(target.items[0], name, owner.file, into) && !!into.set(target.items[1].id, member));
    else binders.push((target, into) => target.k === 'name' && !!into.set(target.id, member));
  }
  return binders;
}

/** The member an enum member's name stands for: itself, or the one an alias names. */
function canonicalMemberName(resolver: Resolver, owner: { file: string; cls: ClassStmt }, name: string): string {
  return canonicalMembers(resolver, owner, enumMemberAssignments(owner.cls))?.get(name) ?? name;
}

/** The enum classes whose members' values are being worked out (see `canonicalMembers`). */
const evaluatingMembers = new Set<ClassStmt>();

/**
 * Each alias among an enum's members, with the member it stands for: one whose value is another member's name
 * (`DEFAULT = MEDIUM`), or a value an earlier member has. Undefined when asked again while the values are worked out
 * (a member whose value reads the class).
 */
function canonicalMembers(resolver: Resolver, owner: { file: string; cls: ClassStmt }, members: Array<{ name: string; value: Expr }>): Map<string, string> | undefined {
  if (evaluatingMembers.has(owner.cls)) return undefined;
  evaluatingMembers.add(owner.cls);
  try {
    return aliasesOf(resolver, owner.file, members);
  } finally {
    evaluatingMembers.delete(owner.cls);
  }
}

/** The aliases among `members` (see `canonicalMembers`), their values read in `file`. */
function aliasesOf(resolver: Resolver, file: string, members: Array<{ name: string; value: Expr }>): Map<string, string> {
  const out = new Map<string, string>();
  const byValue = new Map<string, string>();
  for (const { name, value } of members) {
    const named = value.k === 'name' ? members.find((m) => m.name === value.id && m.name !== name) : undefined;
    if (named) {
      out.set(name, out.get(named.name) ?? named.name);
      continue;
    }
    const v = evalLiteral(resolver, file, value);
    const key = v === undefined ? undefined : JSON.stringify(v);
    const earlier = key === undefined ? undefined : byValue.get(key);
    if (earlier !== undefined) out.set(name, earlier);
    else if (key !== undefined) byValue.set(key, name);
  }
  return out;
}

/** The members a Python enum class's body declares: its public names assigned one value each, in order. */
export function enumMemberAssignments(cls: ClassStmt): Array<{ name: string; value: Expr }> {
  const out: Array<{ name: string; value: Expr }> = [];
  for (const s of cls.body) {
    if (s.k !== 'assign' || !s.value || s.targets.length !== 1 || s.targets[0].k !== 'name' || s.targets[0].id.startsWith('_')) continue;
    out.push({ name: s.targets[0].id, value: s.value });
  }
  return out;
}

/** Binds a loop's or comprehension's target (a name, or names unpacked from a tuple) to a literal; false when the shapes differ. */
export function bindLiteral(target: Expr, v: Literal, file: string, into: Map<string, Value>): boolean {
  if (target.k === 'name') {
    into.set(target.id, { t: 'expr', file, e: literalExpr(v, target.s) });
    return true;
  }
  if ((target.k === 'tuple' || target.k === 'list') && Array.isArray(v) && v.length === target.items.length) {
    return target.items.every((t, i) => bindLiteral(t, v[i], file, into));
  }
  return false;
}

/**
 * The expression a name or attribute is bound to: a local, a module constant as bound above the name's line (`X +=
 * [...]` reads the X before it), or a class attribute (`Tables.USERS`, `cls.modes`) set in the class or a project base.
 */
export function boundValue(resolver: Resolver, file: string, e: Expr, locals: Locals | undefined): { e: Expr; file: string } | undefined {
  // A name bound to a value, or to a class's attribute (`TAG = Unit.TAG_ACTION` at module level).
  const v = e.k === 'name' ? (locals?.get(e.id) ?? resolver.lookup(file, e.id, 0, e.s[0])) : e.k === 'attr' ? resolver.resolve(file, e, locals) : undefined;
  if (v?.t === 'expr') return { e: v.e, file: v.file };
  if (v?.t !== 'member') return undefined;
  const set = resolver.classAttribute(v.owner, v.name);
  return set ? { e: set.found, file: set.file } : undefined;
}

/** What a function returns when its body (past a docstring) is one `return`. */
export function soleReturn(def: Extract<Stmt, { k: 'def' }>): Expr | undefined {
  const body = def.body.filter((st) => !(st.k === 'expr' && st.value.k === 'str'));
  return body.length === 1 && body[0].k === 'return' ? body[0].value : undefined;
}

/** How many items a literal list, tuple or set (or a name bound to one) has, whatever the items are. */
function literalItemCount(resolver: Resolver, file: string, e: Expr, locals: Locals | undefined): number | undefined {
  let at: { e: Expr; file: string } | undefined = { e, file };
  for (let hops = 0; at && hops < MAX_DEPTH; hops++) {
    const x: Expr = at.e;
    if (x.k === 'list' || x.k === 'tuple' || x.k === 'set') return x.items.some((i) => i.k === 'starred') ? undefined : x.items.length;
    at = boundValue(resolver, at.file, x, hops === 0 ? locals : undefined);
  }
  return undefined;
}

/** Python's truth of a literal: empty strings and lists, 0, False and None are false. */
export function isTruthy(v: Literal): boolean {
  return Array.isArray(v) ? v.length > 0 : !!v;
}

/** Like `evalLiteral`, but only a string counts. */
export function evalString(resolver: Resolver, file: string, e: Expr | undefined, locals?: Locals): string | undefined {
  if (!e) return undefined;
  const v = evalLiteral(resolver, file, e, locals);
  return typeof v === 'string' ? v : undefined;
}

/**
 * A dict written out with string keys and literal values (`{"managed_by_alembic": False}`), through a module
 * constant; undefined when any key or value cannot be evaluated.
 */
export function evalDict(resolver: Resolver, file: string, e: Expr | undefined, locals?: Locals): Record<string, Literal> | undefined {
  if (e?.k === 'name' || e?.k === 'attr') {
    const bound = boundValue(resolver, file, e, locals);
    return bound ? evalDict(resolver, bound.file, bound.e) : undefined;
  }
  if (e?.k !== 'dict') return undefined;
  const out: Record<string, Literal> = {};
  for (const [k, v] of e.entries) {
    const key = k ? evalLiteral(resolver, file, k, locals) : undefined;
    const value = evalLiteral(resolver, file, v, locals);
    if (typeof key !== 'string' || value === undefined) return undefined;
    out[key] = value;
  }
  return out;
}

/**
 * The value a dict written out (through a module constant or a variable) holds at a key, whatever its other values
 * are (`item["name"]` of `{"name": "cwd", "type": sa.Unicode(2047)}`); undefined when a key before it cannot be read.
 */
export function dictValueAt(resolver: Resolver, file: string, e: Expr, key: string, locals?: Locals): { file: string; e: Expr; locals?: Locals } | undefined {
  if (e.k === 'name' || e.k === 'attr') {
    const bound = boundValue(resolver, file, e, locals);
    return bound ? dictValueAt(resolver, bound.file, bound.e, key) : undefined;
  }
  if (e.k !== 'dict') return undefined;
  let found: Expr | undefined;
  for (const [k, v] of e.entries) {
    const at = k ? evalLiteral(resolver, file, k, locals) : undefined;
    if (typeof at !== 'string') return undefined;
    if (at === key) found = v;
  }
  return found && { file, e: found, locals };
}

/** A dict written out (or a module constant of one), or `dict(key=value, ...)`, with literal values. */
function mappingOf(resolver: Resolver, file: string, e: Expr, locals: Locals | undefined): Record<string, Literal> | undefined {
  if (e.k === 'call' && e.fn.k === 'name' && e.fn.id === 'dict' && e.args.length === 0 && !locals?.has('dict') && ['unknown', 'ext'].includes(resolver.resolve(file, e.fn).t)) {
    const out: Record<string, Literal> = {};
    for (const k of e.kw) {
      const value = k.name === null ? undefined : evalLiteral(resolver, file, k.value, locals);
      if (k.name === null || value === undefined) return undefined;
      out[k.name] = value;
    }
    return out;
  }
  return e.k === 'dict' || e.k === 'name' || e.k === 'attr' ? evalDict(resolver, file, e, locals) : undefined;
}

/** The keys of a dict written out (through a module constant), or of its `.keys()`; undefined when any is unknown. */
function dictKeysOf(resolver: Resolver, file: string, e: Expr, locals: Locals | undefined): Literal[] | undefined {
  const keysCall = e.k === 'call' && e.fn.k === 'attr' && e.fn.name === 'keys' && e.args.length === 0 && e.kw.length === 0;
  return dictKeys(resolver, file, keysCall && e.fn.k === 'attr' ? e.fn.obj : e, locals);
}

/** The keys of a dict written out (through a module constant), whatever its values are; undefined when any is unknown. */
function dictKeys(resolver: Resolver, file: string, e: Expr, locals: Locals | undefined): Literal[] | undefined {
  const bound = e.k === 'name' || e.k === 'attr' ? boundValue(resolver, file, e, locals) : { e, file };
  if (bound?.e.k !== 'dict') return undefined;
  const keys: Literal[] = [];
  for (const [k] of bound.e.entries) {
    const key = k ? evalLiteral(resolver, bound.file, k, bound.e === e ? locals : undefined) : undefined;
    if (key === undefined) return undefined;
    keys.push(key);
  }
  return keys;
}

/** A list of strings (`["a", "b"]`, `("a",)`, or a single string), or undefined. */
export function evalStringList(resolver: Resolver, file: string, e: Expr | undefined, locals?: Locals): string[] | undefined {
  if (!e) return undefined;
  const v = evalLiteral(resolver, file, e, locals);
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

/**
 * The parameters of a project helper `def` bound to a call's arguments, as locals for its body: each positional or
 * keyword argument (read where the call is), else the parameter's default (read where the def is); `*args` to a
 * tuple of the positional arguments left over and `**kwargs` to a dict of the keywords no parameter takes, which
 * `spreadArguments` spells out again where the body passes them on (`Index(name, *cols, **kwargs)`).
 */
export function helperArguments(ctx: { file: string }, def: Extract<Stmt, { k: 'def' }>, defFile: string, call: Extract<Expr, { k: 'call' }>): Locals {
  const locals = new Map<string, Value>();
  const named = new Set(def.params.filter((p) => !p.star).map((p) => p.name));
  // Each passed value gets a name no Python code can spell, bound to the value where the call reads it.
  const passed = (param: string, key: string | number, value: Expr): Expr => {
    const id = `${param}\0${key}`;
    locals.set(id, { t: 'expr', file: ctx.file, e: value });
    return { k: 'name', id, s: value.s };
  };
  def.params.forEach((p, i) => {
    if (p.star === '*') {
      const rest = call.args.slice(i).filter((a) => a.k !== 'starred');
      locals.set(p.name, { t: 'expr', file: ctx.file, e: { k: 'tuple', items: rest.map((a, j) => passed(p.name, j, a)), s: call.s } });
      return;
    }
    if (p.star === '**') {
      const extra = call.kw.filter((k): k is { name: string; value: Expr } => k.name !== null && !named.has(k.name));
      const entries = extra.map((k): [Expr, Expr] => [{ k: 'str', v: k.name, s: k.value.s }, passed(p.name, k.name, k.value)]);
      locals.set(p.name, { t: 'expr', file: ctx.file, e: { k: 'dict', entries, s: call.s } });
      return;
    }
    const arg = call.args[i] ?? keywordArg(call, p.name) ?? p.default;
    if (arg) locals.set(p.name, arg === p.default ? { t: 'expr', file: defFile, e: arg } : { t: 'expr', file: ctx.file, e: arg });
  });
  bindBodyLocals(def, defFile, locals);
  return locals;
}

/**
 * What a helper's straight-line statements before its `return` add to its bound parameters: a name the body assigns
 * once, at its top level and not from itself (`col = Column(*args, **kwargs)`), and the keys `**kwargs` gets from
 * `kwargs.setdefault("k", v)` or `kwargs["k"] = v`. A name assigned more than once, or inside a block, stays unknown.
 */
function bindBodyLocals(def: Extract<Stmt, { k: 'def' }>, defFile: string, locals: Map<string, Value>): void {
  const params = new Set(def.params.map((p) => p.name));
  const assigned = assignmentCounts(def.body);
  const kwargsParam = def.params.find((p) => p.star === '**')?.name;
  const setKeyword = (key: Expr | undefined, value: Expr | undefined, replace: boolean): void => {
    const bound = kwargsParam === undefined ? undefined : locals.get(kwargsParam);
    if (key?.k !== 'str' || !value || bound?.t !== 'expr' || bound.e.k !== 'dict') return;
    const present = bound.e.entries.some(([k]) => k?.k === 'str' && k.v === key.v);
    if (present && !replace) return;
    const id = `${kwargsParam}\0${key.v}\0body`;
    locals.set(id, { t: 'expr', file: defFile, e: value });
    const entry: [Expr, Expr] = [key, { k: 'name', id, s: value.s }];
    const entries = [...bound.e.entries.filter(([k]) => !(k?.k === 'str' && k.v === key.v)), entry];
    locals.set(kwargsParam!, { ...bound, e: { ...bound.e, entries } });
  };
  for (const st of def.body) {
    if (st.k === 'return') break;
    if (st.k === 'expr' && st.value.k === 'call' && st.value.fn.k === 'attr' && st.value.fn.name === 'setdefault' && st.value.fn.obj.k === 'name' && st.value.fn.obj.id === kwargsParam) {
      setKeyword(st.value.args[0], st.value.args[1], false);
    }
    if (st.k !== 'assign' || !st.value || st.targets.length !== 1) continue;
    const [target] = st.targets;
    if (target.k === 'subscript' && target.obj.k === 'name' && target.obj.id === kwargsParam && target.index.length === 1) setKeyword(target.index[0], st.value, true);
    if (target.k === 'name' && !params.has(target.id) && assigned.get(target.id) === 1 && !mentions(st.value, target.id)) locals.set(target.id, { t: 'expr', file: defFile, e: st.value });
  }
}

/** How many times each plain name is bound in a block (assigned, a loop's or a `with`'s target, a def or class), blocks inside included. */
function assignmentCounts(body: Stmt[]): Map<string, number> {
  const counts = new Map<string, number>();
  const bind = (e: Expr | string): void => {
    if (typeof e === 'string') counts.set(e, (counts.get(e) ?? 0) + 1);
    else if (e.k === 'name') bind(e.id);
    else if (e.k === 'tuple' || e.k === 'list') e.items.forEach(bind);
    else if (e.k === 'starred') bind(e.value);
  };
  const visit = (stmts: Stmt[]): void => {
    for (const st of stmts) {
      if (st.k === 'assign') st.targets.forEach(bind);
      else if (st.k === 'for') bind(st.target);
      else if (st.k === 'with') {
        for (const item of st.items) if (item.as) bind(item.as);
      } else if (st.k === 'def' || st.k === 'class') bind(st.name);
      for (const block of innerBlocks(st)) visit(block);
    }
  };
  visit(body);
  return counts;
}

/** Whether an expression reads a name. */
function mentions(e: Expr, name: string): boolean {
  return (e.k === 'name' && e.id === name) || subExprs(e).some((inner) => mentions(inner, name));
}

/**
 * The parameters of a class's method called on the class (`cls._prefix("x")`) bound as `helperArguments` binds a
 * helper's, its first bound to the class itself unless it is a static method.
 */
export function methodArguments(ctx: { file: string }, method: { file: string; def: Extract<Stmt, { k: 'def' }> }, owner: { file: string; cls: ClassStmt }, call: Extract<Expr, { k: 'call' }>): Locals {
  const self = methodKind(method.def) === 'staticmethod' ? undefined : method.def.params[0];
  const locals = new Map(helperArguments(ctx, self ? { ...method.def, params: method.def.params.slice(1) } : method.def, method.file, call));
  if (self) locals.set(self.name, { t: 'class', file: owner.file, cls: owner.cls });
  return locals;
}

/**
 * A call with its `*args` and `**kwargs` spelled out where a helper's parameters bind them (see `helperArguments`),
 * so that `keywordArg(call, 'unique')` finds what the helper's caller passed; the call itself otherwise.
 */
export function spreadArguments<C extends Extract<Expr, { k: 'call' }>>(call: C, locals: Locals | undefined): C {
  if (!locals) return call;
  const boundTo = (e: Expr, k: 'tuple' | 'dict'): Expr | undefined => {
    const v = e.k === 'name' ? locals.get(e.id) : undefined;
    return v?.t === 'expr' && v.e.k === k ? v.e : undefined;
  };
  if (!call.args.some((a) => a.k === 'starred' && boundTo(a.value, 'tuple')) && !call.kw.some((k) => k.name === null && boundTo(k.value, 'dict'))) return call;
  const args = call.args.flatMap((a) => {
    const t = a.k === 'starred' ? boundTo(a.value, 'tuple') : undefined;
    return t?.k === 'tuple' ? t.items : [a];
  });
  const kw = call.kw.flatMap((k) => {
    const d = k.name === null ? boundTo(k.value, 'dict') : undefined;
    return d?.k === 'dict' ? d.entries.map(([key, value]) => ({ name: key?.k === 'str' ? key.v : null, value })) : [k];
  });
  return { ...call, args, kw };
}

/** A synthetic expression for a literal value, so a bound variable or parameter evaluates the same anywhere. */
export function literalExpr(v: Literal, s: Span): Expr {
  if (typeof v === 'string') return { k: 'str', v, s };
  if (typeof v === 'number') return { k: 'num', v, s };
  if (Array.isArray(v)) return { k: 'list', items: v.map((x) => literalExpr(x, s)), s };
  return { k: 'const', v, s };
}

/** Python's `str.format` for `{}`, `{0}` and `{name}` fields; undefined when a field's value is not known. */
export function formatText(template: string, args: Array<string | undefined>, named: ReadonlyMap<string, string | undefined>): string | undefined {
  let next = 0;
  let complete = true;
  const out = template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, field: string | undefined) => {
    if (field === undefined) return m[0];
    const v = field === '' ? args[next++] : /^\d+$/.test(field) ? args[Number(field)] : named.get(field);
    if (v === undefined) complete = false;
    return v ?? '';
  });
  return complete ? out : undefined;
}

/**
 * Python's `%` formatting: `%s`, `%d` and `%r` from the positional values, `%(name)s` from the named ones, `%%` a
 * percent sign; a field it cannot fill becomes `unknown`, and `complete` says whether none did.
 */
export function percentFormat(template: string, positional: ReadonlyArray<Literal | undefined>, named: Readonly<Record<string, Literal>> | undefined, unknown: string): { text: string; complete: boolean } {
  let next = 0;
  let complete = true;
  const text = template.replace(/%(?:\(([^)]*)\))?([sdr%])/g, (_m, key: string | undefined, conversion: string) => {
    if (conversion === '%' && key === undefined) return '%';
    const v = key !== undefined ? named?.[key] : positional[next++];
    if (v === undefined) {
      complete = false;
      return unknown;
    }
    return conversion === 'r' && typeof v === 'string' ? pythonRepr(v) : pythonText(v);
  });
  return { text, complete };
}

/** A literal as Python's `str()` writes it (`True`, `None`, `['a', 'b']`). */
export function pythonText(v: Literal): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(', ')}]`;
  return String(v);
}

/** Python's `repr()` of a literal (a text quoted as CPython quotes it). */
function pythonRepr(v: Literal): string {
  return typeof v === 'string' ? pyStr(v) : pythonText(v);
}

/** Whether a project class derives from Python's `enum` classes (`class AccountType(StrEnum)`), itself or through a base. */
/** Whether a project class derives, through project classes, from Python's `enum.Enum` (or StrEnum, IntEnum, Flag...). */
export function isEnumClass(resolver: Resolver, owner: { file: string; cls: ClassStmt }, depth = 0): boolean {
  if (depth > 8) return false;
  return owner.cls.bases.some((b) => {
    const v = resolver.resolve(owner.file, b);
    if (v.t === 'ext') return /^(enum|strenum|aenum)\./.test(v.q) || /(^|\.)(Enum|StrEnum|IntEnum|IntFlag|Flag)$/.test(v.q);
    return v.t === 'class' && v.cls !== owner.cls && isEnumClass(resolver, { file: v.file, cls: v.cls }, depth + 1);
  });
}

/** The `schema` of a `__table_args__` value written out: a dict, or a tuple or list holding one. */
export function schemaOfTableArgs(resolver: Resolver, file: string, e: Expr, locals: Locals | undefined): string | undefined {
  const value = tableArgsEntry(resolver, file, e, locals, 'schema');
  return value && evalString(resolver, file, value, locals);
}

/** The value a `__table_args__` value written out (a dict, or a tuple or list holding one) gives a keyword, as written. */
export function tableArgsEntry(resolver: Resolver, file: string, e: Expr, locals: Locals | undefined, key: string): Expr | undefined {
  const dict = e.k === 'dict' ? e : e.k === 'tuple' || e.k === 'list' ? e.items.find((i) => i.k === 'dict') : undefined;
  if (dict?.k !== 'dict') return undefined;
  for (const [k, v] of dict.entries) {
    if (k && evalString(resolver, file, k, locals) === key) return v;
  }
  return undefined;
}

/**
 * Locals with the names a function's body binds to one value before its first `return` (`fk = ForeignKey(...)`,
 * a hook's own constants), each as written, over `locals` when given.
 */
export function assignedLocals(body: Stmt[], file: string, locals?: Locals): Map<string, Value> {
  const out = new Map(locals);
  for (const s of body) {
    if (s.k === 'return') break;
    if (s.k === 'assign' && s.value && s.targets.length === 1 && s.targets[0].k === 'name') out.set(s.targets[0].id, { t: 'expr', file, e: s.value });
  }
  return out;
}

/** `v[0]`, `v[-1]`, `v[1:]`, `v[:-1]` of a text or list (steps are not read); undefined for any other index. */
export function itemOrSlice<T>(v: string | T[], index: Expr): string | T | T[] | undefined {
  if (index.k === 'num' && Number.isInteger(index.v)) return v.at(index.v);
  const slice = index.k === 'other' ? /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*$/.exec(index.text) : null;
  if (!slice) return undefined;
  const [from, to] = [slice[1], slice[2]].map((x) => (x === undefined ? undefined : Number(x)));
  return v.slice(from ?? 0, to);
}
