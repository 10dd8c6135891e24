/**
 * The order `alembic upgrade heads` runs revisions in, from an empty database: Alembic walks down from the heads
 * (RevisionMap._topological_sort) and runs what it met in reverse. Down one branch as far as no other head needs
 * the next revision, then over to that head: of a merge's parents, the last one listed runs first, branch and all.
 */

/** What the order needs of one revision: its parents (`down_revision`, in order) and the revisions it depends on. */
export interface OrderedRevision {
  id: string;
  downRevisions: string[];
  dependsOn: string[];
}

/**
 * The ids of `revisions` (given in the order Alembic loads their files) in upgrade order, less those in `excluded`
 * (a cycle, which Alembic refuses); parents and dependencies that are not among them are left out. Revisions no head
 * reaches (above a cycle) come last, parents first.
 */
export function upgradeOrder(revisions: OrderedRevision[], excluded: ReadonlySet<string>): string[] {
  const all = new Map(revisions.map((r) => [r.id, r]));
  // Revisions by number, in load order; parents and dependencies as numbers.
  const ids = revisions.filter((r) => !excluded.has(r.id)).map((r) => r.id);
  const n = ids.length;
  const number = new Map(ids.map((id, i) => [id, i]));
  // A parent in a cycle stands for the revisions below the cycle, so what is above it still runs after them.
  const below = (list: string[], seen = new Set<string>()): number[] =>
    list.flatMap((id) => (number.has(id) ? [number.get(id)!] : excluded.has(id) && !seen.has(id) && seen.add(id) ? below(all.get(id)!.downRevisions, seen) : []));
  const versioned = ids.map((id) => [...new Set(below(all.get(id)!.downRevisions))]);
  const dependencies = ids.map((id) => all.get(id)!.dependsOn.filter((d) => number.has(d)).map((d) => number.get(d)!));
  // A dependency an ancestor already has is no edge of its own (Alembic's _normalize_depends_on).
  const normalized = dependencies.map((own, i) => {
    if (own.length === 0) return own;
    const inherited = new Set<number>();
    const above = reach(i, n, (k) => versioned[k]);
    for (let k = 0; k < n; k++) if (above[k] && k !== i) for (const d of dependencies[k]) inherited.add(d);
    return own.filter((d) => !inherited.has(d));
  });
  const down = ids.map((_, i) => [...new Set([...versioned[i], ...normalized[i]])]);
  const ancestorsOf = (i: number): Uint8Array => reach(i, n, (k) => down[k]);

  const todo = new Uint8Array(n).fill(1);
  const isChild = new Uint8Array(n);
  for (const parents of down) for (const p of parents) isChild[p] = 1;
  const current: number[] = [];
  for (let i = 0; i < n; i++) if (!isChild[i]) current.push(i);
  const ancestorsAt = current.map(ancestorsOf);
  const walked: number[] = [];
  let at = 0;
  while (current.length > 0) {
    const candidate = current[at];
    const other = ancestorsAt.findIndex((set, i) => i !== at && set[candidate] === 1);
    if (other >= 0) {
      // Another head still needs it: that one is walked first.
      at = other;
      continue;
    }
    if (todo[candidate]) {
      todo[candidate] = 0;
      walked.push(candidate);
    }
    const next = down[candidate].filter((p) => todo[p] && !current.includes(p));
    if (next.length === 0) {
      current.splice(at, 1);
      ancestorsAt.splice(at, 1);
      at = Math.max(at - 1, 0);
    } else if (normalized[candidate].length === 0 && versioned[candidate].length === 1) {
      current[at] = next[0];
      ancestorsAt[at][candidate] = 0;
    } else {
      current[at] = next[0];
      ancestorsAt[at] = ancestorsOf(next[0]);
      for (const p of next.slice(1)) {
        current.push(p);
        ancestorsAt.push(ancestorsOf(p));
      }
    }
  }
  const order = walked.reverse().map((i) => ids[i]);
  if (order.length === n) return order;
  // Above a cycle: parents first, in load order.
  const placed = new Uint8Array(n);
  for (const id of order) placed[number.get(id)!] = 1;
  const rest: number[] = [];
  for (let i = 0; i < n; i++) if (todo[i]) rest.push(i);
  while (rest.length > 0) {
    const k = rest.findIndex((i) => down[i].every((p) => placed[p] || !todo[p]));
    const [i] = rest.splice(k >= 0 ? k : 0, 1);
    order.push(ids[i]);
    placed[i] = 1;
  }
  return order;
}

/** Marks a revision and every revision below it, following `parents` (by number, among `n`). */
function reach(start: number, n: number, parents: (i: number) => number[]): Uint8Array {
  const seen = new Uint8Array(n);
  const stack = [start];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen[next]) continue;
    seen[next] = 1;
    for (const p of parents(next)) if (!seen[p]) stack.push(p);
  }
  return seen;
}
