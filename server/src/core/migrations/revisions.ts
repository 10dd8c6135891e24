import { namesUsedIn, subExprs, type Expr, type Span, type Stmt } from '../python/syntax';
import { exprText, type Resolver } from '../python/resolve';
import { evalLiteral, type Literal } from '../python/literals';

/** What a revision file says about its place in the revision graph. */
export interface RevisionInfo {
  id: string;
  /** Parents: none for a base, one, or several for a merge. */
  downRevisions: string[];
  branchLabels: string[];
  /** Revisions (or branch labels) that must run first without being parents. */
  dependsOn: string[];
  file: string;
  /** The `revision = ...` statement. */
  span: Span;
  /** The `down_revision = ...` statement. */
  downRevisionSpan: Span;
  /** The `depends_on = ...` statement, when there is one. */
  dependsOnSpan?: Span;
  /** Of its ids, those a module-level `try:` block sets, which may stop before it (invenio's, of optional packages). */
  dependsOnInTry?: string[];
  /** The first line of the module docstring (Alembic's message). */
  message?: string;
  /** Metadata that could not be evaluated statically, as "down_revision `expr`". */
  unresolved?: string[];
}

type Assign = Extract<Stmt, { k: 'assign' }>;

const FIELDS = new Set(['revision', 'down_revision', 'branch_labels', 'depends_on']);

/**
 * Reads a file's revision metadata: a file is a revision when its module level assigns both `revision` (a string,
 * typed or not, possibly through a constant) and `down_revision`, whatever its name or folder.
 */
export function extractRevision({ resolver, file }: { resolver: Resolver; file: string }): RevisionInfo | undefined {
  const body = resolver.moduleBody(file);
  const assigned = new Map<string, Assign & { value: NonNullable<Assign['value']> }>();
  for (const s of body) {
    if (s.k !== 'assign' || !s.value) continue;
    for (const t of s.targets) if (t.k === 'name' && FIELDS.has(t.id)) assigned.set(t.id, { ...s, value: s.value });
  }
  const revision = assigned.get('revision');
  const down = assigned.get('down_revision');
  if (!revision || !down) return undefined;
  const id = evalLiteral(resolver, file, revision.value);
  if (typeof id !== 'string') return undefined;
  const unresolved: string[] = [];
  const strings = (field: string): string[] => {
    const s = assigned.get(field);
    if (!s) return [];
    const v = evalLiteral(resolver, file, s.value);
    if (v === null) return [];
    // Alembic keeps `depends_on = ""` as "" and then skips it as false (invenio-accounts writes it).
    if (typeof v === 'string') return v === '' && field === 'depends_on' ? [] : [v];
    if (Array.isArray(v) && v.every((x): x is string => typeof x === 'string')) return v;
    unresolved.push(`${field} \`${exprText(s.value)}\``);
    return [];
  };
  const info: RevisionInfo = {
    id,
    downRevisions: strings('down_revision'),
    branchLabels: strings('branch_labels'),
    dependsOn: strings('depends_on'),
    file,
    span: revision.s,
    downRevisionSpan: down.s,
  };
  const dependsOn = assigned.get('depends_on');
  if (dependsOn) info.dependsOnSpan = dependsOn.s;
  const inTry = dependsOn && info.dependsOn.length > 0 ? idsSetInTry(body, namesUsedIn(dependsOn.value), (e) => evalLiteral(resolver, file, e)) : [];
  if (inTry.length > 0) info.dependsOnInTry = info.dependsOn.filter((d) => inTry.includes(d));
  const message = docstringTitle(body);
  if (message !== undefined) info.message = message;
  if (unresolved.length > 0) info.unresolved = unresolved;
  return info;
}

/**
 * The texts a module-level `try:` with handlers gives one of `names` in its body (`ids += ["..."]` after `import
 * optional_package`), which an exception may stop before it.
 */
function idsSetInTry(body: Stmt[], names: readonly string[], literal: (e: Expr) => Literal | undefined): string[] {
  // Written out, or through a constant (`ids += [COMMUNITIES_REVISION]`).
  const texts = (e: Expr): string[] => {
    if (e.k === 'str') return [e.v];
    const v = e.k === 'name' && !names.includes(e.id) ? literal(e) : undefined;
    return typeof v === 'string' ? [v] : subExprs(e).flatMap(texts);
  };
  return body.flatMap((s) => (s.k === 'try' && s.handlers.length > 0 ? s.body : [])).flatMap((x) => (x.k === 'assign' && x.value && x.targets.some((t) => t.k === 'name' && names.includes(t.id)) ? texts(x.value) : []));
}

/** The first non-empty line of a module docstring. */
function docstringTitle(body: Stmt[]): string | undefined {
  const first = body[0];
  if (first?.k !== 'expr' || first.value.k !== 'str') return undefined;
  return first.value.v.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
}
