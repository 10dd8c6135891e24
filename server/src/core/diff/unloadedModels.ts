import type { SchemaChange } from './diffSchemas';

/**
 * Softens to a note each missing table whose model's module env.py never loads, directly or through what it imports,
 * where it loads other model modules (so the imports were followed): Alembic's autogenerate does not see such a model
 * either unless something imports it at run time (letta's job_messages, a module nothing imports any more). A change's
 * finding is replaced, not changed, so that remembered diffs stay as they were.
 */
export function softenUnloadedModels(changes: SchemaChange[], loaded: () => ReadonlySet<string>, modelFiles: ReadonlySet<string>): SchemaChange[] {
  if (!changes.some(isMissingTable)) return changes;
  const loads = loaded();
  if (![...loads].some((f) => modelFiles.has(f))) return changes;
  return changes.map((c) => {
    if (!isMissingTable(c) || c.kind !== 'add-table' || loads.has(c.model.origin.file)) return c;
    const message = `${c.finding.message} Its module is not imported by env.py, directly or through what it imports: Alembic's autogenerate does not see it either, unless something imports it at run time.`;
    return { ...c, unloaded: true as const, finding: { ...c.finding, severity: 'information' as const, message } };
  });
}

function isMissingTable(c: SchemaChange): boolean {
  return c.kind === 'add-table' && c.finding.code === 'missing-table' && c.finding.severity === 'warning';
}
