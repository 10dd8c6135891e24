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
  const byId = new Map(revisions.filter((r) => !excluded.has(r.id)).map((r) => [r.id, r]));
  const loaded = new Map(revisions.map((r, i) => [r.id, i]));
  // A parent in a cycle stands for the revisions below the cycle, so what is above it still runs after them.
  const below = (ids: string[], seen = new Set<string>()): string[] =>
    ids.flatMap((id) => (byId.has(id) ? [id] : excluded.has(id) && !seen.has(id) && seen.add(id) ? below(all.get(id)!.downRevisions, seen) : []));
  const parents = new Map([...byId.values()].map((r) => [r.id, [...new Set(below(r.downRevisions))]]));
  const versioned = (r: OrderedRevision): string[] => parents.get(r.id)!;
  const dependencies = new Map<string, string[]>();
  for (const r of byId.values()) dependencies.set(r.id, r.dependsOn.filter((d) => byId.has(d)));
  // A dependency an ancestor already has is no edge of its own (Alembic's _normalize_depends_on).
  const normalized = new Map<string, string[]>();
  for (const r of byId.values()) {
    const own = dependencies.get(r.id)!;
    if (own.length === 0) {
      normalized.set(r.id, []);
      continue;
    }
    const inherited = new Set<string>();
    for (const a of ancestors(r.id, (id) => versioned(byId.get(id)!))) if (a !== r.id) for (const d of dependencies.get(a)!) inherited.add(d);
    normalized.set(r.id, own.filter((d) => !inherited.has(d)));
  }
  const down = (id: string): string[] => [...new Set([...versioned(byId.get(id)!), ...normalized.get(id)!])];
  const ancestorsOf = (id: string): Set<string> => ancestors(id, down);

  const todo = new Set(byId.keys());
  const children = new Set<string>();
  for (const r of byId.values()) for (const p of down(r.id)) children.add(p);
  const heads = [...byId.keys()].filter((id) => !children.has(id)).sort((a, b) => loaded.get(a)! - loaded.get(b)!);
  const current = [...heads];
  const ancestorsAt = current.map(ancestorsOf);
  const walked: string[] = [];
  let at = 0;
  while (current.length > 0) {
    const candidate = current[at];
    const other = ancestorsAt.findIndex((set, i) => i !== at && set.has(candidate));
    if (other >= 0) {
      // Another head still needs it: that one is walked first.
      at = other;
      continue;
    }
    if (todo.delete(candidate)) walked.push(candidate);
    const next = down(candidate).filter((p) => todo.has(p) && !current.includes(p));
    if (next.length === 0) {
      current.splice(at, 1);
      ancestorsAt.splice(at, 1);
      at = Math.max(at - 1, 0);
    } else if (normalized.get(candidate)!.length === 0 && versioned(byId.get(candidate)!).length === 1) {
      current[at] = next[0];
      ancestorsAt[at].delete(candidate);
    } else {
      current[at] = next[0];
      ancestorsAt[at] = ancestorsOf(next[0]);
      for (const p of next.slice(1)) {
        current.push(p);
        ancestorsAt.push(ancestorsOf(p));
      }
    }
  }
  const order = walked.reverse();
  if (todo.size === 0) return order;
  // Above a cycle: parents first, in load order.
  const placed = new Set(order);
  const rest = [...todo].sort((a, b) => loaded.get(a)! - loaded.get(b)!);
  while (rest.length > 0) {
    const i = rest.findIndex((id) => down(id).every((p) => placed.has(p) || !todo.has(p)));
    const [id] = rest.splice(i >= 0 ? i : 0, 1);
    order.push(id);
    placed.add(id);
  }
  return order;
}

/** A revision and every revision below it, following `parents`. */
function ancestors(id: string, parents: (id: string) => string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const p of parents(next)) stack.push(p);
  }
  return seen;
}
