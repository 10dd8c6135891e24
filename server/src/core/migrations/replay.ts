import type { Resolver } from '../python/resolve';
import { applyRevisionOps, type ReplayResult } from './apply';
import type { RevisionGraph } from './graph';
import { interpretUpgrade } from './interpret';

export type { ReplayResult, UncertainOp } from './apply';

/**
 * Replays every revision's `upgrade()` in graph order into one schema (the schema at the head, or at all heads
 * merged), with provenance on every table, column, index and constraint, and findings for ops that cannot be
 * evaluated or that act on something that does not exist at that point. `dialect` decides dialect branches.
 * `after` are detached trees (revisions outside every version folder) applied on top, in the order given.
 */
export function replayMigrations({ resolver, graph, dialect, after = [] }: { resolver: Resolver; graph: RevisionGraph; dialect?: string; after?: RevisionGraph[] }): ReplayResult {
  const revisions = [graph, ...after].flatMap((g) => g.order.map((id) => ({ revision: id, steps: interpretUpgrade({ resolver, file: g.revisions.get(id)!.file, dialect }) })));
  return applyRevisionOps(revisions);
}
