import type { SchemaChange } from '../diff/diffSchemas';
import type { TableDef } from '../schema/schema';
import type { ActionStep, EnvironmentActions, FindingItem } from './auditReport';
import { qualifiedName } from './describeDefinitions';
import { renderFixes } from './renderFixes';

/** What one environment's actions are planned from. */
export interface ActionInput {
  environment?: string;
  dialect?: string;
  /** The problem changes, a renamed table as its model-side change only. */
  fixes: SchemaChange[];
  /** Revision-graph problems and invalid operations in this environment's revisions. */
  repairs: FindingItem[];
}

type ChangeKind = SchemaChange['kind'];

const COLUMN_ORDER: ChangeKind[] = ['add-column', 'alter-column', 'drop-column'];
// Drops first (a foreign key may need the unique constraint being replaced), foreign keys last (they need their keys).
const CONSTRAINT_ORDER: ChangeKind[] = ['drop-foreign-key', 'drop-index', 'drop-unique', 'primary-key', 'add-unique', 'add-index', 'add-foreign-key'];

/**
 * The recommended order of migrations for one environment: repair the revision history first, then create the
 * missing tables in foreign-key order, then columns, then constraints and indexes, then renames, and last the tables
 * no model describes (dropping them is the one step that loses data).
 */
export function planActions(input: ActionInput): EnvironmentActions {
  const batch = input.dialect === 'sqlite';
  const steps: ActionStep[] = [];
  if (input.repairs.length > 0) steps.push({ kind: 'repair-history', repairs: input.repairs });
  const of = (kinds: ChangeKind[]): SchemaChange[] => input.fixes.filter((c) => kinds.includes(c.kind));
  const step = (kind: ActionStep['kind'], changes: SchemaChange[], cycle?: string[]): void => {
    if (changes.length === 0) return;
    const needsBatch = changes.some((c) => !['add-column', 'add-table', 'drop-table'].includes(c.kind));
    steps.push({ kind, repairs: [], fix: renderFixes({ changes, batch }), ...(batch && needsBatch ? { needsBatch } : {}), ...(cycle?.length ? { cycle } : {}) });
  };

  const creates = of(['add-table']).filter((c) => c.kind === 'add-table' && !c.renamedFrom) as Array<Extract<SchemaChange, { kind: 'add-table' }>>;
  const created = orderByForeignKeys(creates.map((c) => c.model));
  step('create-tables', created.order.map((t) => creates.find((c) => c.model === t)!), created.cycle);
  step('columns', sortChanges({ changes: of(COLUMN_ORDER), kinds: COLUMN_ORDER, kindFirst: false }));
  step('constraints', sortChanges({ changes: of(CONSTRAINT_ORDER), kinds: CONSTRAINT_ORDER, kindFirst: true }));
  step('renames', sortChanges({ changes: of(['add-table']).filter((c) => c.kind === 'add-table' && c.renamedFrom), kinds: ['add-table'], kindFirst: false }));
  const drops = of(['drop-table']) as Array<Extract<SchemaChange, { kind: 'drop-table' }>>;
  const dropped = orderByForeignKeys(drops.map((c) => c.migration));
  step('drop-tables', [...dropped.order].reverse().map((t) => drops.find((c) => c.migration === t)!), dropped.cycle);
  return { ...(input.environment !== undefined ? { environment: input.environment } : {}), batch, steps };
}

/** Tables ordered so that each comes after the tables its foreign keys point at; those in a cycle last, by name. */
function orderByForeignKeys(tables: TableDef[]): { order: TableDef[]; cycle: string[] } {
  const byName = new Map(tables.map((t) => [qualifiedName(t), t]));
  const target = (t: TableDef, ref: { refTable: string; refSchema?: string }): TableDef | undefined =>
    byName.get(ref.refSchema ? `${ref.refSchema}.${ref.refTable}` : t.schema && byName.has(`${t.schema}.${ref.refTable}`) ? `${t.schema}.${ref.refTable}` : ref.refTable);
  const needs = new Map(tables.map((t) => [t, new Set(t.foreignKeys.map((fk) => target(t, fk)).filter((x): x is TableDef => x !== undefined && x !== t))]));
  const order: TableDef[] = [];
  const left = [...tables].sort((a, b) => compare(qualifiedName(a), qualifiedName(b)));
  for (;;) {
    const next = left.find((t) => [...needs.get(t)!].every((n) => order.includes(n)));
    if (!next) break;
    order.push(next);
    left.splice(left.indexOf(next), 1);
  }
  return { order: [...order, ...left], cycle: left.map(qualifiedName) };
}

/** Changes by table then kind (columns: a table's changes together), or by kind then table (constraints). */
function sortChanges({ changes, kinds, kindFirst }: { changes: SchemaChange[]; kinds: ChangeKind[]; kindFirst: boolean }): SchemaChange[] {
  const table = (c: SchemaChange): string => qualifiedName('model' in c ? c.model : c.migration);
  const byTable = (a: SchemaChange, b: SchemaChange): number => compare(table(a), table(b));
  const byKind = (a: SchemaChange, b: SchemaChange): number => kinds.indexOf(a.kind) - kinds.indexOf(b.kind);
  return changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (kindFirst ? byKind(a.c, b.c) || byTable(a.c, b.c) : byTable(a.c, b.c) || byKind(a.c, b.c)) || a.i - b.i)
    .map((x) => x.c);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
