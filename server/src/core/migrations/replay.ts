import type { Resolver } from '../python/resolve';
import type { ReplayResult } from './apply';
import { ReplayGroups } from './replayGroups';
import type { RevisionGraph } from './graph';
import { interpretUpgrade, type OpStep } from './interpret';

export type { ReplayResult, UncertainOp } from './apply';

/** One revision's ops, in the order the upgrade runs them. */
export interface RevisionSteps {
  revision: string;
  steps: OpStep[];
}

/**
 * Every revision's `upgrade()` ops in graph order: the main graph, then the detached trees in `after` (revisions
 * outside every version folder), in the order given. `dialect` decides dialect branches.
 */
export function revisionSteps({ resolver, graph, dialect, after = [] }: { resolver: Resolver; graph: RevisionGraph; dialect?: string; after?: RevisionGraph[] }): RevisionSteps[] {
  return [graph, ...after].flatMap((g) => g.order.map((id) => ({ revision: id, steps: interpretUpgrade({ resolver, file: g.revisions.get(id)!.file, dialect }) })));
}

/**
 * Replays every revision's `upgrade()` in graph order into one schema (the schema at the head, or at all heads
 * merged), with provenance on every table, column, index and constraint, and findings for ops that cannot be
 * evaluated or that act on something that does not exist at that point.
 */
export function replayMigrations(input: { resolver: Resolver; graph: RevisionGraph; dialect?: string; after?: RevisionGraph[] }): ReplayResult {
  return new ReplayGroups().replay(revisionSteps(input), '', {}, input.dialect);
}
