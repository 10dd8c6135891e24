import type { SchemaChange } from '../diff/diffSchemas';
import { describeColumn, describeForeignKey, describeServerDefault, describeType, enumValuesOnlyIn, qualifiedName } from './describeDefinitions';

/** What would fix a group of changes: Alembic op text (Python), or one plain sentence per change. */
export interface FixText {
  kind: 'ops' | 'descriptions';
  lines: string[];
  /** The imports the ops need, for `ops`. */
  imports?: string[];
}

/**
 * The text that would fix a group of changes, in the order given. NOTE: this is the one place to switch to the
 * revision writer's `renderChangeOps` (server/src/core/render/) once it lands; until then, a plain description each.
 */
export function renderFixes({ changes }: { changes: SchemaChange[]; batch: boolean }): FixText {
  return { kind: 'descriptions', lines: changes.map(describeFix) };
}

function describeFix(change: SchemaChange): string {
  switch (change.kind) {
    case 'add-table': {
      const t = qualifiedName(change.model);
      if (change.renamedFrom) return `Rename table \`${qualifiedName(change.renamedFrom)}\` to \`${t}\`.`;
      const fks = [...new Set(change.model.foreignKeys.map((fk) => `\`${fk.refTable}\``))];
      return `Create table \`${t}\` with columns ${[...change.model.columns.keys()].map((c) => `\`${c}\``).join(', ')}${fks.length ? ` and foreign keys to ${fks.join(', ')}` : ''}.`;
    }
    case 'drop-table':
      return `Drop table \`${qualifiedName(change.migration)}\`, or write the model it lacks.`;
    case 'add-column':
      return `Add column \`${qualifiedName(change.model)}.${change.column.name}\`: \`${describeColumn(change.model, change.column)}\`.`;
    case 'drop-column':
      return `Drop column \`${qualifiedName(change.migration)}.${change.column.name}\`, or declare it in the model.`;
    case 'alter-column': {
      const c = `\`${qualifiedName(change.model)}.${change.column.name}\``;
      if (change.what === 'enum') {
        const added = enumValuesOnlyIn(change.column.type, change.existing.type);
        const removed = enumValuesOnlyIn(change.existing.type, change.column.type);
        const name = change.column.type?.enumName ?? change.existing.type?.enumName;
        const what = [added.length ? `add ${added.join(', ')}` : '', removed.length ? `remove ${removed.join(', ')}` : ''].filter(Boolean).join(' and ');
        return `Change the values of ${name ? `enum \`${name}\` (` : ''}${c}${name ? ')' : ''}: ${what}.`;
      }
      if (change.what === 'type') return `Change the type of ${c} from \`${describeType(change.existing.type)}\` to \`${describeType(change.column.type)}\`.`;
      if (change.what === 'nullable') return change.column.nullable ? `Make ${c} nullable.` : `Make ${c} NOT NULL (rows where it is NULL must be filled first).`;
      const wanted = describeServerDefault(change.column);
      return wanted ? `Set the server default of ${c}: \`${wanted}\`.` : `Drop the server default of ${c}.`;
    }
    case 'primary-key':
      return `Make the primary key of \`${qualifiedName(change.model)}\` (${change.model.primaryKey.join(', ')}) instead of (${change.migration.primaryKey.join(', ')}).`;
    case 'add-index':
      return `Create ${change.index.unique ? 'unique index' : 'index'}${change.index.name ? ` \`${change.index.name}\`` : ''} on \`${qualifiedName(change.model)}\` (${change.index.columns.join(', ')}).`;
    case 'drop-index':
      return `Drop index${change.index.name ? ` \`${change.index.name}\`` : ''} on \`${qualifiedName(change.migration)}\` (${change.index.columns.join(', ')}), or declare it in the model.`;
    case 'add-unique':
      return `Create unique constraint${change.unique.name ? ` \`${change.unique.name}\`` : ''} on \`${qualifiedName(change.model)}\` (${change.unique.columns.join(', ')}).`;
    case 'drop-unique':
      return `Drop unique constraint${change.unique.name ? ` \`${change.unique.name}\`` : ''} on \`${qualifiedName(change.migration)}\` (${change.unique.columns.join(', ')}), or declare it in the model.`;
    case 'add-foreign-key':
      return `Create foreign key on \`${qualifiedName(change.model)}\` (${change.foreignKey.columns.join(', ')}): ${describeForeignKey(change.foreignKey)}.`;
    case 'drop-foreign-key':
      return `Drop foreign key${change.foreignKey.name ? ` \`${change.foreignKey.name}\`` : ''} on \`${qualifiedName(change.migration)}\` (${change.foreignKey.columns.join(', ')}), or declare it in the model.`;
  }
}
