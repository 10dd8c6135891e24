import { makeFinding, type Finding } from '../findings';
import type { AlembicEnvironment } from '../config/environments';
import type { Schema, TableDef } from '../schema/schema';
import { comparedOnEveryDialect } from '../schema/types';

/** How many columns a note names before it counts the rest. */
const NAMED = 3;

/**
 * A note for an environment whose database dialect is unknown while some model columns have a type that depends on
 * it (a TypeDecorator that picks its type in `load_dialect_impl`): their types could not be compared, which would
 * otherwise go unsaid. Undefined when the dialect is known or no compared column depends on it (a column whose
 * migrations give it the same decorator does not: it is the same type on every dialect).
 */
export function unknownDialectNote({ env, dialect, models, schema }: { env: AlembicEnvironment; dialect: string | undefined; models: TableDef[]; schema: Schema }): Finding | undefined {
  if (dialect !== undefined) return undefined;
  const byName = new Map([...schema.values()].map((t) => [t.name, t]));
  const skipped: string[] = [];
  for (const table of models) {
    const migrated = byName.get(table.name);
    if (!migrated) continue;
    for (const column of table.columns.values()) {
      if (!column.type?.variants || column.type.family) continue;
      // The same decorator on both sides (fastapi-users' GUID) is the same type on every dialect; one that differs from
      // the migrations' type on every dialect, or on none, is compared whatever the dialect.
      const other = migrated.columns.get(column.name)?.type;
      if (other?.variants && other.name === column.type.name) continue;
      if (other && comparedOnEveryDialect(column.type, other) !== undefined) continue;
      skipped.push(`${column.type.name} on ${table.name}.${column.name}`);
    }
  }
  if (skipped.length === 0) return undefined;
  const file = env.configFile ?? `${env.scriptLocation ? `${env.scriptLocation}/` : ''}env.py`;
  const listed = skipped.slice(0, NAMED).join(', ') + (skipped.length > NAMED ? ` and ${skipped.length - NAMED} more` : '');
  const message = `The database dialect of ${env.name} is unknown (no database URL in its config, no dialect setting): the types of ${skipped.length} model column${skipped.length === 1 ? '' : 's'} that depend on it (${listed}) are not compared. Set sqlalchemy.url in alembic.ini, or dialect under [tool.alembic-drift].`;
  return makeFinding('unresolved', { message, file, span: [0, 0, 0, 0] });
}
