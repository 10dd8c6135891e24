import type { SchemaChange } from '../diff/diffSchemas';
import type { ActionStep, EnvironmentActions, FindingItem, FollowingForeignKey } from './auditReport';
import { qualifiedName } from './describeDefinitions';
import { renderFixes } from './renderFixes';
import { sameList } from '../schema/schema';

/** What one environment's actions are planned from. */
export interface ActionInput {
  environment?: string;
  /** The environment's database, for the op text and SQLite's batch mode. */
  dialect?: string;
  /** The environment's env.py renders ops in batch mode (`render_as_batch=True`). */
  renderAsBatch?: boolean;
  /** The problem changes; a renamed table as both its changes (add-table and drop-table). */
  fixes: SchemaChange[];
  /** Revision-graph problems and invalid operations in this environment's revisions. */
  repairs: FindingItem[];
}

type ChangeKind = SchemaChange['kind'];
type AddTable = Extract<SchemaChange, { kind: 'add-table' }>;
type DropTable = Extract<SchemaChange, { kind: 'drop-table' }>;

const COLUMNS: ChangeKind[] = ['add-column', 'alter-column', 'drop-column'];
const CONSTRAINTS: ChangeKind[] = ['primary-key', 'add-index', 'drop-index', 'add-unique', 'drop-unique', 'add-foreign-key', 'drop-foreign-key', 'add-check', 'drop-check'];

/**
 * The recommended order of migrations for one environment: repair the revision history first, then renames, then
 * create the missing tables (the op text puts referenced tables first), then columns, then constraints and indexes,
 * and last the tables no model describes (dropping them is the one step that loses data). NOTE: renames come before
 * the rest, not last: every later step names the table by its model's name, which exists only once the table is
 * renamed; and a rename re-points the foreign keys that reference the table, so a foreign key that differs only by
 * that name is left to the rename (the revision writer orders its ops the same way).
 */
export function planActions(input: ActionInput): EnvironmentActions {
  const batch = !!input.renderAsBatch || input.dialect === 'sqlite';
  const steps: ActionStep[] = [];
  if (input.repairs.length > 0) steps.push({ kind: 'repair-history', repairs: input.repairs });
  const step = (kind: ActionStep['kind'], changes: SchemaChange[], followingForeignKeys: FollowingForeignKey[] = []): void => {
    if (changes.length === 0) return;
    steps.push({ kind, repairs: [], fix: renderFixes({ changes, batch, dialect: input.dialect }), ...(followingForeignKeys.length > 0 ? { followingForeignKeys } : {}) });
  };

  const adds = input.fixes.filter((c): c is AddTable => c.kind === 'add-table');
  const drops = input.fixes.filter((c): c is DropTable => c.kind === 'drop-table');
  const renames = adds.filter((a) => drops.some((d) => isRename(a, d)));
  const renamedFrom = drops.filter((d) => renames.some((a) => isRename(a, d)));
  const followed = foreignKeysFollowingRenames(input.fixes, renames);
  const moved = new Set(followed.flatMap((f) => f.changes));
  step('renames', [...renames, ...renamedFrom], followed);
  step('create-tables', adds.filter((a) => !renames.includes(a)));
  step('columns', input.fixes.filter((c) => COLUMNS.includes(c.kind)));
  step('constraints', input.fixes.filter((c) => CONSTRAINTS.includes(c.kind) && !moved.has(c)));
  step('drop-tables', drops.filter((d) => !renamedFrom.includes(d)));
  return { ...(input.environment !== undefined ? { environment: input.environment } : {}), steps };
}

function isRename(add: AddTable, drop: DropTable): boolean {
  return add.renamedFrom === drop.migration && drop.renamedTo === add.model;
}

/**
 * Foreign keys that differ only because they reference a table under its old name: a model's key to the new name
 * (add-foreign-key) and the migrations' key on the same columns to the old name (drop-foreign-key).
 */
function foreignKeysFollowingRenames(fixes: SchemaChange[], renames: AddTable[]): FollowingForeignKey[] {
  const out: FollowingForeignKey[] = [];
  for (const add of fixes) {
    if (add.kind !== 'add-foreign-key') continue;
    const fk = add.foreignKey;
    const rename = renames.find((r) => r.model.name === fk.refTable && r.model.schema === fk.refSchema);
    const old = rename?.renamedFrom;
    if (!old) continue;
    const drop = fixes.find(
      (c): c is Extract<SchemaChange, { kind: 'drop-foreign-key' }> =>
        c.kind === 'drop-foreign-key' && qualifiedName(c.migration) === qualifiedName(add.model) && sameList(c.foreignKey.columns, fk.columns) && c.foreignKey.refTable === old.name && c.foreignKey.refSchema === old.schema && sameList(c.foreignKey.refColumns, fk.refColumns),
    );
    if (drop) out.push({ table: qualifiedName(add.model), columns: fk.columns, target: qualifiedName(rename.model), changes: [add, drop] });
  }
  return out;
}

