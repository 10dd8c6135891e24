import { idList, makeFinding, type Finding } from '../findings';
import type { RevisionInfo } from './revisions';
import { upgradeOrder } from './upgradeOrder';
import { closestSpelling } from '../spelling';

/** The revision graph of one migration environment. */
export interface RevisionGraph {
  /** Revisions by id; for an id that several files share, the first file by path. */
  revisions: Map<string, RevisionInfo>;
  /** Revisions that no revision names as its down_revision, by id. */
  heads: string[];
  /** Revisions whose down_revision is None, by id. */
  bases: string[];
  /** Every revision outside a cycle, in the order `alembic upgrade heads` runs them (parents and depends_on targets first). */
  order: string[];
  problems: Finding[];
}

/**
 * Links revisions by `down_revision` and `depends_on` and orders them for replay; a broken graph (duplicates,
 * missing parents, cycles, several heads) is reported as findings, never thrown.
 */
export function buildRevisionGraph(revisions: RevisionInfo[], options: { parentsElsewhere?: ReadonlySet<string> } = {}): RevisionGraph {
  const problems: Finding[] = [];
  const byId = new Map<string, RevisionInfo>();
  const sharing = new Map<string, RevisionInfo[]>();
  for (const r of [...revisions].sort((a, b) => compare(a.file, b.file))) {
    const list = sharing.get(r.id);
    if (list) list.push(r);
    else {
      sharing.set(r.id, [r]);
      byId.set(r.id, r);
    }
  }
  for (const [id, list] of sharing) {
    if (list.length < 2) continue;
    for (const r of list) {
      problems.push(makeFinding('duplicate-revision', { message: `Revision id "${id}" is used by ${list.length} files: ${list.map((x) => x.file).join(', ')}.`, file: r.file, span: r.span }));
    }
  }

  const labels = new Map<string, string>();
  for (const r of byId.values()) for (const label of r.branchLabels) if (!labels.has(label)) labels.set(label, r.id);
  const ids = [...byId.keys()].sort(compare);
  const children = new Map<string, string[]>(ids.map((id) => [id, []]));
  /** Edges that order the replay: parent -> child and depends_on target -> dependant. */
  const successors = new Map<string, string[]>(ids.map((id) => [id, []]));
  /** Heads that a fixed link could give a child: the ids suggested for typos, or any head when a parent is unreadable. */
  const suggested = new Set<string>();
  let linksUnknown = false;
  for (const id of ids) {
    const r = byId.get(id)!;
    if (r.unresolved) {
      linksUnknown = true;
      problems.push(makeFinding('unresolved', { message: `Revision "${id}": could not evaluate ${r.unresolved.join(', ')} statically.`, file: r.file, span: r.span }));
    }
    for (const parent of r.downRevisions) {
      if (byId.has(parent)) {
        children.get(parent)!.push(id);
        successors.get(parent)!.push(id);
        continue;
      }
      // A detached tree may start from a revision of the main history.
      if (options.parentsElsewhere?.has(parent)) continue;
      const guess = closestSpelling(parent, ids);
      if (guess !== undefined) suggested.add(guess);
      problems.push(
        makeFinding('missing-down-revision', {
          message: `Revision "${id}" has down_revision "${parent}", which does not exist${guess ? `; did you mean "${guess}"?` : '.'}`,
          file: r.file,
          span: r.span,
          related: [{ file: r.file, span: r.downRevisionSpan, message: `down_revision names "${parent}"` }],
        }),
      );
    }
    for (const dependency of r.dependsOn) {
      const target = byId.has(dependency) ? dependency : labels.get(dependency);
      if (target !== undefined) {
        successors.get(target)!.push(id);
        continue;
      }
      // A detached tree may depend on a revision (or a branch label) of the main history.
      if (options.parentsElsewhere?.has(dependency)) continue;
      const guess = closestSpelling(dependency, ids);
      // Set in a `try:` that an exception may stop first (invenio's revision of an optional package, added after
      // `import invenio_communities`): Alembic reads depends_on without it where that package is not installed.
      const optional = r.dependsOnInTry?.includes(dependency);
      const where = optional ? ', set in a `try:` block that may stop before it (a package that is not installed): where it is, its revisions are not in this project' : '';
      const finding = makeFinding('missing-down-revision', {
        message: `Revision "${id}" depends on "${dependency}", which is neither a revision nor a branch label${where}${guess ? `; did you mean "${guess}"?` : '.'}`,
        file: r.file,
        span: r.dependsOnSpan ?? r.span,
      });
      problems.push(optional ? { ...finding, severity: 'information' } : finding);
    }
  }

  const inCycle = new Set<string>();
  for (const cycle of findCycles(ids, successors)) {
    for (const id of cycle) {
      inCycle.add(id);
      const r = byId.get(id)!;
      const message = cycle.length === 1 ? `Revision "${id}" names itself as its own ancestor.` : `Revision "${id}" is part of a cycle in the revision graph: ${cycle.join(', ')}.`;
      problems.push(makeFinding('revision-cycle', { message, file: r.file, span: r.span }));
    }
  }

  const heads = ids.filter((id) => children.get(id)!.length === 0);
  // A head that only a broken link (a typo, an unreadable down_revision) leaves without a child is reported there instead.
  const realHeads = linksUnknown ? [] : heads.filter((id) => !suggested.has(id));
  if (realHeads.length > 1 && !onLabeledBranches(realHeads, byId)) {
    for (const id of realHeads) {
      const r = byId.get(id)!;
      problems.push(makeFinding('multiple-heads', { message: `Multiple head revisions are present: ${idList(realHeads)}; merge them (alembic merge heads).`, file: r.file, span: r.span }));
    }
  }
  return {
    revisions: byId,
    heads,
    bases: ids.filter((id) => byId.get(id)!.downRevisions.length === 0 && !byId.get(id)!.unresolved),
    order: upgradeOrder(
      [...byId.values()].map((r) => ({ id: r.id, downRevisions: r.downRevisions, dependsOn: r.dependsOn.map((d) => (byId.has(d) ? d : labels.get(d) ?? d)) })),
      inCycle,
    ),
    problems,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The strongly connected components that are cycles (more than one revision, or a self-reference), each sorted. */
function findCycles(ids: string[], successors: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (id: string): void => {
    index.set(id, counter);
    low.set(id, counter);
    counter++;
    stack.push(id);
    onStack.add(id);
  };
  for (const start of ids) {
    if (index.has(start)) continue;
    visit(start);
    const work: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    while (work.length > 0) {
      const top = work[work.length - 1];
      const succ = successors.get(top.id)!;
      if (top.next < succ.length) {
        const w = succ[top.next++];
        if (!index.has(w)) {
          visit(w);
          work.push({ id: w, next: 0 });
        } else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.id)!));
      }
      if (low.get(top.id) !== index.get(top.id)) continue;
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== top.id);
      if (component.length > 1 || succ.includes(top.id)) cycles.push(component.sort(compare));
    }
  }
  return cycles;
}

/**
 * Whether each head is on a branch of its own name (`branch_labels` on it or on an ancestor, a label no other head
 * reaches): Alembic's documented design of branches kept apart on purpose (keystone's expand and contract), which
 * `alembic upgrade heads` runs.
 */
function onLabeledBranches(heads: string[], byId: ReadonlyMap<string, RevisionInfo>): boolean {
  const labelsOf = (head: string): Set<string> => {
    const out = new Set<string>();
    const seen = new Set<string>();
    const stack = [head];
    while (stack.length > 0) {
      const id = stack.pop()!;
      const r = byId.get(id);
      if (!r || seen.has(id)) continue;
      seen.add(id);
      for (const label of r.branchLabels) out.add(label);
      stack.push(...r.downRevisions);
    }
    return out;
  };
  const sets = heads.map(labelsOf);
  return sets.every((own, i) => [...own].some((label) => sets.every((other, j) => j === i || !other.has(label))));
}
