import type { Finding } from '../findings';
import type { EnvironmentAnalysis } from '../project';
import { matchMigrationTables } from '../diff/diffSchemas';
import type { ColumnDef, HistoryEntry, SourceRef, TableDef } from '../schema/schema';
import type { MigrationTableRef, SourceLine } from './auditReport';
import { qualifiedName } from './describeDefinitions';

/** What the report needs to know of one environment beyond its analysis: lookups by file and by model. */
export interface EnvironmentContext {
  analysis: EnvironmentAnalysis;
  /** The environment's name when the project has several, else undefined (one environment needs no name). */
  label?: string;
  /** The revision id a revision file defines. */
  revisionOf(file: string): string | undefined;
  /** The migration table a model table was compared with, paired as the diff paired them. */
  migrationTableOf(model: TableDef): TableDef | undefined;
}

/** Builds the lookups of one environment; `label` names it in a report of several environments. */
export function makeEnvironmentContext(analysis: EnvironmentAnalysis, label?: string): EnvironmentContext {
  const byFile = new Map<string, string>();
  for (const r of analysis.graph.revisions.values()) byFile.set(r.file, r.id);
  // Revisions applied after the head (detached trees) are known only through the history they wrote.
  const remember = (h: HistoryEntry): void => {
    if (!byFile.has(h.origin.file)) byFile.set(h.origin.file, h.revision);
  };
  for (const t of analysis.schema.values()) {
    t.history?.forEach(remember);
    for (const c of t.columns.values()) c.history?.forEach(remember);
  }
  return { analysis, label, revisionOf: (file) => byFile.get(file), migrationTableOf: matchMigrationTables(analysis.schema) };
}

/** Whether a finding is a problem (error or warning), as `check`'s exit status counts it, rather than a note. */
export function isProblem(f: Finding): boolean {
  return f.severity === 'error' || f.severity === 'warning';
}

/** The 1-based line a source place starts on. */
export function lineOf(ref: SourceRef | Finding): SourceLine {
  return { file: ref.file, line: ref.span[0] + 1 };
}

/** The entry of a migration column's history that last set an attribute (the op that created it, if none changed it). */
export function lastSetting(column: ColumnDef, attribute: NonNullable<HistoryEntry['sets']>[number]): HistoryEntry | undefined {
  const history = column.history ?? [];
  for (let i = history.length - 1; i >= 0; i--) {
    const sets = history[i].sets;
    if (!sets || sets.includes(attribute)) return history[i];
  }
  return undefined;
}

/** A migration table as the report names it: where and in which revision its history starts. */
export function migrationTableRef(ctx: EnvironmentContext, table: TableDef): MigrationTableRef {
  const first = table.history?.[0];
  const rename = table.history?.filter((h) => h.op === 'rename_table').at(-1);
  return {
    name: qualifiedName(table),
    at: lineOf(first?.origin ?? table.origin),
    revision: first?.revision ?? ctx.revisionOf(table.origin.file),
    created: !table.partial,
    ...(rename ? { renamed: { at: lineOf(rename.origin), revision: rename.revision } } : {}),
  };
}

/** Orders strings by code unit, the same on every machine (no locale). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

