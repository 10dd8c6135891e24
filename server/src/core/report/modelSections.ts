import type { Finding } from '../findings';
import type { SchemaChange } from '../diff/diffSchemas';
import { sameList, type ForeignKeyDef, type IndexDef, type SourceRef, type TableDef, type UniqueDef } from '../schema/schema';
import type { FindingItem, IssueRow, ModelSection, RowSide } from './auditReport';
import { describeCheck, describeColumn, describeForeignKey, describeIndex, describeNullable, describePrimaryKey, describeServerDefault, describeType, describeUnique, enumValuesOnlyIn, qualifiedName } from './describeDefinitions';
import { ISSUE_KINDS, RENAME_LABEL, ROW_LABELS, kindOfCode } from './issueKinds';
import { compareText, isProblem, lastSetting, lineOf, migrationTableRef, type EnvironmentContext } from './reportContext';

/** What one environment contributes to the report: its model sections (unnumbered), its tables with no model. */
export interface EnvironmentSections {
  sections: Array<Omit<ModelSection, 'number'>>;
  unmodelled: IssueRow[];
  /** The problem changes to fix (a renamed table as both its changes). */
  fixes: SchemaChange[];
  /** Every finding the sections show (rows, statuses and notes). */
  placed: Set<Finding>;
}

type DropTable = Extract<SchemaChange, { kind: 'drop-table' }>;

const NOT_IN_MIGRATION = 'NOT IN MIGRATION';
const NOT_IN_MODEL = 'NOT IN MODEL';

/**
 * Sorts an environment's changes under the models they concern (migration-side ones through the table the model was
 * compared with) and turns each problem into a row; a missing table and a table with no model that share their
 * columns become one renamed-table row. Notes (information findings) stay notes.
 */
export function buildModelSections(ctx: EnvironmentContext): EnvironmentSections {
  const { analysis } = ctx;
  const placed = new Set<Finding>();
  const fixes: SchemaChange[] = [];
  const modelOfMigration = new Map<TableDef, TableDef>();
  for (const m of analysis.models) {
    const mig = ctx.migrationTableOf(m);
    if (mig) modelOfMigration.set(mig, m);
  }
  const byModel = new Map<TableDef, SchemaChange[]>(analysis.models.map((m) => [m, []]));
  const drops: DropTable[] = [];
  for (const change of analysis.changes) {
    if (change.kind === 'drop-table') {
      drops.push(change);
      continue;
    }
    const model = 'model' in change ? change.model : modelOfMigration.get(change.migration);
    if (model) byModel.get(model)?.push(change);
  }
  const renameOf = (add: Extract<SchemaChange, { kind: 'add-table' }>): DropTable | undefined =>
    isProblem(add.finding) ? drops.find((d) => d.migration === add.renamedFrom && d.renamedTo === add.model && isProblem(d.finding)) : undefined;
  const consumed = new Set<DropTable>();
  const baseline = [...analysis.schema.values()].some((t) => t.partial);

  const sections: EnvironmentSections['sections'] = [];
  for (const model of [...analysis.models].sort(bySource)) {
    const changes = byModel.get(model)!;
    const rows: IssueRow[] = [];
    const notes: FindingItem[] = [];
    let status: ModelSection['status'] | undefined;
    for (const change of changes) {
      placed.add(change.finding);
      if (!isProblem(change.finding)) {
        notes.push(findingItem(ctx, change.finding));
        if (change.kind === 'add-table') status = 'noted';
        continue;
      }
      fixes.push(change);
      const rename = change.kind === 'add-table' ? renameOf(change) : undefined;
      if (change.kind === 'add-table' && rename) {
        consumed.add(rename);
        placed.add(rename.finding);
        fixes.push(rename);
        rows.push(renameRow(ctx, change.model, rename));
        status = 'renamed';
        continue;
      }
      if (change.kind === 'add-table') status = 'missing';
      rows.push(changeRow(ctx, change));
    }
    const mig = ctx.migrationTableOf(model);
    status ??= !mig || analysis.uncompared.includes(model) ? 'not-compared' : rows.length > 0 ? 'discrepancies' : 'matches';
    rows.sort(byKind);
    sections.push({
      modelName: model.modelName ?? model.name,
      modelKind: model.modelKind ?? 'class',
      table: qualifiedName(model),
      at: lineOf(model.origin),
      environment: ctx.label,
      status,
      migrationTable: status === 'renamed' || !mig ? undefined : migrationTableRef(ctx, mig),
      partial: !!mig?.partial && status !== 'renamed',
      ...(status === 'noted' ? { notedBecause: baseline ? 'baseline' : 'settings' } : {}),
      rows,
      notes,
    });
  }

  const unmodelled: IssueRow[] = [];
  for (const drop of drops) {
    if (consumed.has(drop) || !isProblem(drop.finding)) continue;
    placed.add(drop.finding);
    fixes.push(drop);
    unmodelled.push(changeRow(ctx, drop));
  }
  return { sections, unmodelled, fixes, placed };
}

/** A finding as a note or a problem listed outside the model sections. */
export function findingItem(ctx: EnvironmentContext | undefined, f: Finding): FindingItem {
  return { code: f.code, severity: f.severity, message: f.message, at: lineOf(f), revision: ctx?.revisionOf(f.file) };
}

function renameRow(ctx: EnvironmentContext, model: TableDef, drop: DropTable): IssueRow {
  const add = { code: 'missing-table' as const, at: lineOf(model.origin) };
  const table = migrationTableRef(ctx, drop.migration);
  return {
    label: RENAME_LABEL,
    field: '(table name)',
    model: { code: qualifiedName(model), at: lineOf(model.origin) },
    migration: { code: table.name, note: 'same columns', at: lineOf(drop.finding), revision: table.revision },
    findings: [add, { code: 'extra-table', at: lineOf(drop.finding) }],
  };
}

/** The row of one problem change: each side as written, the finding's side at the finding's place. */
function changeRow(ctx: EnvironmentContext, change: SchemaChange): IssueRow {
  const f = change.finding;
  const at = lineOf(f);
  const row = (field: string, model: RowSide, migration: RowSide): IssueRow => ({ label: ROW_LABELS[f.code], field, model, migration, findings: [{ code: f.code, at }] });
  const cols = (columns: string[]): string => columns.map((c) => `\`${c}\``).join(', ');
  const revision = (file: string): string | undefined => ctx.revisionOf(file);
  switch (change.kind) {
    case 'add-table': {
      const twin = change.renamedFrom ? `; the migrations create \`${qualifiedName(change.renamedFrom)}\` with the same columns: renamed?` : '';
      return row('(table)', { code: qualifiedName(change.model), note: columnCount(change.model), at }, { note: `${NOT_IN_MIGRATION}${twin}` });
    }
    case 'drop-table': {
      const table = migrationTableRef(ctx, change.migration);
      const twin = change.renamedTo ? `; model ${change.renamedTo.modelName ?? change.renamedTo.name} has the same columns: renamed?` : '';
      return row(`\`${table.name}\``, { note: `${NOT_IN_MODEL}${twin}` }, { code: table.name, note: columnCount(change.migration), at, revision: table.revision });
    }
    case 'add-column':
      return row(cols([change.column.name]), { code: describeColumn(change.model, change.column), at }, { note: NOT_IN_MIGRATION });
    case 'drop-column': {
      const created = change.column.history?.[0];
      return row(cols([change.column.name]), { note: NOT_IN_MODEL }, { code: describeColumn(change.migration, change.column), at, revision: created?.revision ?? revision(f.file) });
    }
    case 'alter-column': {
      const { column, existing, what } = change;
      const setting = lastSetting(existing, what === 'nullable' ? 'nullable' : what === 'server-default' ? 'serverDefault' : 'type');
      const migAt = setting ? lineOf(setting.origin) : lineOf(existing.origin);
      const migRevision = setting?.revision ?? revision(existing.origin.file);
      const side = (code: string | undefined, note?: string): RowSide => (code === undefined ? { note: 'no server default' } : { code, ...(note ? { note } : {}) });
      const [m, g] =
        what === 'nullable' ? [side(describeNullable(column)), side(describeNullable(existing))]
        : what === 'server-default' ? [side(describeServerDefault(column)), side(describeServerDefault(existing))]
        : what === 'enum' ? [side(describeType(column.type), onlyIn('model', enumValuesOnlyIn(column.type, existing.type))), side(describeType(existing.type), onlyIn('migrations', enumValuesOnlyIn(existing.type, column.type)))]
        : [side(describeType(column.type)), side(describeType(existing.type))];
      return row(cols([column.name]), { ...m, at }, { ...g, at: migAt, revision: migRevision });
    }
    case 'primary-key': {
      const table = migrationTableRef(ctx, change.migration);
      return row('(table)', { code: describePrimaryKey(change.model), at }, { code: describePrimaryKey(change.migration), at: table.at, revision: table.revision });
    }
    case 'add-index':
    case 'add-unique':
    case 'add-foreign-key': {
      const mig = ctx.migrationTableOf(change.model);
      const [own, others] = constraintPair(change.model, mig, change);
      return row(cols(own.columns), { code: own.text, at }, others.length ? otherSide(ctx, others, 'migration') : { note: NONE[change.kind] });
    }
    case 'drop-index':
    case 'drop-unique':
    case 'drop-foreign-key': {
      const model = modelSide(ctx, change.migration);
      const [own, others] = constraintPair(change.migration, model, change);
      return row(cols(own.columns), others.length ? otherSide(ctx, others, 'model') : { note: NONE[change.kind] }, { code: own.text, at, revision: revision(f.file) });
    }
    case 'add-check':
      return row('(table)', { code: describeCheck(change.check), at }, { note: 'no CHECK constraint of that name' });
    case 'drop-check':
      return row('(table)', { note: 'no CHECK constraint of that name' }, { code: describeCheck(change.check), at, revision: revision(f.file) });
  }
}

type ConstraintChange = Extract<SchemaChange, { kind: 'add-index' | 'add-unique' | 'add-foreign-key' | 'drop-index' | 'drop-unique' | 'drop-foreign-key' }>;
interface DescribedConstraint {
  columns: string[];
  text: string;
  origin: SourceRef;
}

const NONE: Record<ConstraintChange['kind'], string> = {
  'add-index': 'no index',
  'drop-index': 'no index',
  'add-unique': 'no unique constraint',
  'drop-unique': 'no unique constraint',
  'add-foreign-key': 'no foreign key',
  'drop-foreign-key': 'no foreign key',
};

/** The changed index, unique constraint or foreign key, and those of the other table on the same columns. */
function constraintPair(own: TableDef, other: TableDef | undefined, change: ConstraintChange): [DescribedConstraint, DescribedConstraint[]] {
  const described = (t: TableDef, c: IndexDef | UniqueDef | ForeignKeyDef): DescribedConstraint => ({
    columns: c.columns,
    origin: c.origin,
    text: 'refTable' in c ? describeForeignKey(c) : 'unique' in c ? describeIndex(t, c) : describeUnique(t, c),
  });
  const item = 'index' in change ? change.index : 'unique' in change ? change.unique : change.foreignKey;
  const list: Array<IndexDef | UniqueDef | ForeignKeyDef> = !other ? [] : 'index' in change ? other.indexes : 'unique' in change ? other.uniques : other.foreignKeys;
  return [described(own, item), list.filter((c) => sameList(c.columns, item.columns)).map((c) => described(other!, c))];
}

/** The other side's constraints on the same columns: what they say, where the first one is, and its revision. */
function otherSide(ctx: EnvironmentContext, others: DescribedConstraint[], side: 'model' | 'migration'): RowSide {
  const first = others[0].origin;
  return { code: others.map((o) => o.text).join('; '), at: lineOf(first), ...(side === 'migration' ? { revision: ctx.revisionOf(first.file) } : {}) };
}

function onlyIn(side: string, values: string[]): string | undefined {
  return values.length ? `only in the ${side}: ${values.join(', ')}` : undefined;
}

function columnCount(t: TableDef): string {
  return `${t.columns.size} column${t.columns.size === 1 ? '' : 's'}`;
}

/** The model table compared with a migration table. */
function modelSide(ctx: EnvironmentContext, migration: TableDef): TableDef | undefined {
  return ctx.analysis.models.find((m) => ctx.migrationTableOf(m) === migration);
}


function bySource(a: TableDef, b: TableDef): number {
  return compareText(a.origin.file, b.origin.file) || a.origin.span[0] - b.origin.span[0] || compareText(a.name, b.name);
}

function byKind(a: IssueRow, b: IssueRow): number {
  const rank = (r: IssueRow): number => (r.label === RENAME_LABEL ? ISSUE_KINDS.findIndex((k) => k.key === 'rename') : ISSUE_KINDS.indexOf(kindOfCode(r.findings[0].code)));
  const at = (r: IssueRow): number => r.findings[0].at.line;
  return rank(a) - rank(b) || compareText(a.findings[0].at.file, b.findings[0].at.file) || at(a) - at(b) || compareText(a.field, b.field);
}

