import type { SchemaChange } from '../diff/diffSchemas';
import { renderChangeOps } from '../render/renderOps';

/** The Alembic op text that would fix a group of changes: the upgrade's lines and the imports they need. */
export interface FixText {
  lines: string[];
  imports: string[];
}

/**
 * The op text that fixes a group of changes, exactly as the revision writer (`alembic-drift revision`) writes it:
 * the report's one dependency on the writer, so that an audit and a generated revision never disagree.
 */
export function renderFixes({ changes, batch, dialect }: { changes: SchemaChange[]; batch: boolean; dialect?: string }): FixText {
  const { upgrade, imports } = renderChangeOps({ changes, batch, dialect });
  return { lines: upgrade, imports };
}
