import { makeFinding, type Finding } from '../findings';
import type { SchemaChange } from '../diff/diffSchemas';
import type { RevisionGraph } from '../migrations/graph';

/**
 * Applies the `baseline` setting: the database was made by `metadata.create_all()` and stamped at that revision, so
 * model tables that no migration creates were made then. Their `missing-table` changes are dropped (no finding, no
 * op in a generated revision) and one `assumed-baseline` note on the baseline revision lists them. A baseline that
 * names no revision of this graph changes nothing; it is said once.
 */
export function applyBaselineSetting({ changes, graph, baseline }: { changes: SchemaChange[]; graph: RevisionGraph; baseline: string | undefined }): { changes: SchemaChange[]; findings: Finding[] } {
  if (baseline === undefined) return { changes, findings: [] };
  const revision = graph.revisions.get(baseline);
  if (!revision) {
    if (graph.revisions.size === 0) return { changes, findings: [] };
    const first = [...graph.revisions.values()][0];
    const message = `The baseline setting names revision "${baseline}", which is not a revision of this history; it is not applied.`;
    return { changes, findings: [makeFinding('assumed-baseline', { message, file: first.file, span: first.span })] };
  }
  const assumed = changes.filter((c) => c.kind === 'add-table' && !c.renamedFrom);
  if (assumed.length === 0) return { changes, findings: [] };
  const names = assumed.map((c) => (c.kind === 'add-table' ? `"${[c.model.schema, c.model.name].filter(Boolean).join('.')}"` : '')).join(', ');
  const message = `The baseline setting says revision ${baseline} stamped a database made by metadata.create_all(): ${assumed.length === 1 ? 'the model table' : `${assumed.length} model tables`} that no revision creates (${names}) ${assumed.length === 1 ? 'is' : 'are'} assumed to exist.`;
  return { changes: changes.filter((c) => !assumed.includes(c)), findings: [makeFinding('assumed-baseline', { message, file: revision.file, span: revision.span })] };
}
