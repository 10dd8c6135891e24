/**
 * Lineages of one environment that a later lineage takes over from. A lineage is a part of the revision graph that
 * no `down_revision` or `depends_on` links to the rest: its own root, its own head. When a lineage's first revision
 * creates exactly the tables another lineage ends with, the two cannot both run on one database (every table would
 * be created twice): the first is the older history a database followed before the new root was stamped in its
 * place, as aiida-core keeps its `django` and `sqlalchemy` histories beside the `main` one that starts from their
 * common end.
 */
import { tableKey } from '../schema/schema';
import type { RevisionGraph } from './graph';
import type { OpStep } from './interpret';

/** A lineage left out of the replay, and the revision whose lineage takes over from it. */
export interface SupersededLineage {
  /** Its revisions, in upgrade order. */
  revisions: string[];
  /** Its first revision in upgrade order, where it is reported. */
  root: string;
  /** The first revision of the lineage that takes over. */
  by: string;
  /** The tables it ends with, which `by` creates, sorted. */
  tables: string[];
}

/**
 * The lineages of `graph` that another lineage's first revision takes over from (see the module's comment), given
 * each revision's ops (asked only when there are several lineages); undefined when the graph is one lineage, none when
 * a lineage's tables cannot all be named.
 */
export function supersededLineages(graph: RevisionGraph, opsOf: (revision: string) => OpStep[]): SupersededLineage[] | undefined {
  const lineages = lineagesOf(graph);
  if (lineages.length < 2) return undefined;
  const facts = lineages.map((revisions) => {
    const roots = revisions.filter((id) => graph.revisions.get(id)!.downRevisions.length === 0);
    return {
      revisions,
      root: revisions[0],
      end: tablesAfter(revisions, opsOf),
      created: roots.length === 1 ? tablesAfter(roots, opsOf) : undefined,
    };
  });
  const takesOver = (later: (typeof facts)[number], earlier: (typeof facts)[number]): boolean =>
    later !== earlier && later.created !== undefined && earlier.end !== undefined && later.created.size > 0 && sameSet(later.created, earlier.end);
  const out: SupersededLineage[] = [];
  for (const earlier of facts) {
    // Two lineages that each start where the other ends say nothing about which one is the newer.
    const by = facts.find((later) => takesOver(later, earlier) && !takesOver(earlier, later));
    if (by) out.push({ revisions: earlier.revisions, root: earlier.root, by: by.root, tables: [...earlier.end!].sort() });
  }
  return out;
}

/** The graph's lineages (parts linked by down_revision or depends_on), each in upgrade order, by their first revision. */
function lineagesOf(graph: RevisionGraph): string[][] {
  const parent = new Map<string, string>();
  // Every revision on the way to the root is pointed at it: a long linear history stays a few steps deep.
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let at = id; at !== root; ) {
      const next = parent.get(at)!;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  for (const id of graph.order) parent.set(id, id);
  const labels = new Map<string, string>();
  for (const r of graph.revisions.values()) for (const label of r.branchLabels) labels.set(label, r.id);
  for (const id of graph.order) {
    const r = graph.revisions.get(id)!;
    for (const other of [...r.downRevisions, ...r.dependsOn.map((d) => labels.get(d) ?? d)]) {
      if (parent.has(other)) parent.set(find(other), find(id));
    }
  }
  const byRoot = new Map<string, string[]>();
  for (const id of graph.order) {
    const root = find(id);
    const list = byRoot.get(root);
    if (list) list.push(id);
    else byRoot.set(root, [id]);
  }
  return [...byRoot.values()];
}

/**
 * The tables an empty database holds after the revisions' ops, by create, drop and rename; undefined when an op that
 * may change which tables exist names no table, or runs only under a test the replay may not pass.
 */
function tablesAfter(revisions: string[], opsOf: (revision: string) => OpStep[]): Set<string> | undefined {
  const tables = new Set<string>();
  for (const id of revisions) {
    for (const { op, uncertain, when } of opsOf(id)) {
      if (op.kind !== 'create_table' && op.kind !== 'drop_table' && op.kind !== 'rename_table') continue;
      if (op.table.name === undefined || uncertain || when) return undefined;
      const key = tableKey(op.table.name, op.table.schema);
      if (op.kind === 'create_table') tables.add(key);
      else if (op.kind === 'drop_table') tables.delete(key);
      else {
        if (op.newName === undefined) return undefined;
        tables.delete(key);
        tables.add(tableKey(op.newName, op.table.schema));
      }
    }
  }
  return tables;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
