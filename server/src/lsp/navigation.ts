import type { Hover, Location, Position } from 'vscode-languageserver/node';
import type { Analysis } from '../core/project';
import { tableKey, type ColumnDef, type SourceRef, type TableDef } from '../core/schema/schema';
import { fileUri } from './convert';

/** The model table (and column) declared at a position, with its counterpart at head in the migrations. */
interface ModelTarget {
  model: TableDef;
  column?: ColumnDef;
  migration?: TableDef;
  migrationColumn?: ColumnDef;
  heads: string[];
}

function contains(ref: SourceRef, file: string, pos: Position): boolean {
  const [sl, sc, el, ec] = ref.span;
  if (ref.file !== file || pos.line < sl || pos.line > el) return false;
  return !(pos.line === sl && pos.character < sc) && !(pos.line === el && pos.character > ec);
}

/** Finds the model table or column whose declaration covers a position of a file. */
function modelTargetAt(analysis: Analysis, file: string, pos: Position): ModelTarget | undefined {
  for (const env of analysis.environments) {
    for (const model of env.models) {
      // A column a library's base class gives is placed on the class's name, which stands for the table.
      const column = [...model.columns.values()].find((c) => c.origin !== model.origin && contains(c.origin, file, pos));
      if (!column && !contains(model.origin, file, pos)) continue;
      const migration = env.schema.get(tableKey(model.name, model.schema)) ?? [...env.schema.values()].find((t) => t.name === model.name);
      return { model, column, migration, migrationColumn: column ? migration?.columns.get(column.name) : undefined, heads: env.schemaHeads };
    }
  }
  return undefined;
}

function describeColumn(c: ColumnDef): string {
  const parts = [c.type?.text ?? 'type unknown', c.nullable ? 'NULL' : 'NOT NULL'];
  if (c.primaryKey) parts.push('primary key');
  if (c.serverDefault) parts.push(`server default ${c.serverDefault.text}`);
  return parts.join(', ');
}

function link(root: string, ref: SourceRef): string {
  return `${fileUri(root, ref.file)}#L${ref.span[0] + 1}`;
}

/** Hover on a model column or table: its state at head according to the migrations, and the revisions that made it. */
export function hoverAt(analysis: Analysis, root: string, file: string, pos: Position): Hover | undefined {
  const t = modelTargetAt(analysis, file, pos);
  if (!t) return undefined;
  const head = t.heads.length === 1 ? `head \`${t.heads[0]}\`` : `heads ${t.heads.map((h) => `\`${h}\``).join(', ')}`;
  const lines: string[] = [];
  if (t.column) {
    const name = `${t.model.name}.${t.column.name}`;
    if (!t.migrationColumn) lines.push(`**${name}** is not in the migrations at ${head}.`);
    else {
      lines.push(`**${name}** at ${head}: ${describeColumn(t.migrationColumn)}`);
      for (const h of t.migrationColumn.history ?? []) lines.push(`- \`${h.op}\` in revision [\`${h.revision}\`](${link(root, h.origin)})`);
    }
  } else if (!t.migration) lines.push(`**${t.model.name}** is not created by the migrations at ${head}.`);
  else {
    lines.push(`**${t.model.name}** at ${head}: ${t.migration.columns.size} columns${t.migration.partial ? ' (assumed to exist before the first revision)' : ''}`);
    for (const h of t.migration.history ?? []) lines.push(`- \`${h.op}\` in revision [\`${h.revision}\`](${link(root, h.origin)})`);
  }
  return { contents: { kind: 'markdown', value: lines.join('\n') } };
}

/** Go to definition from a model column (or table) to the migration op that created it. */
export function definitionAt(analysis: Analysis, root: string, file: string, pos: Position): Location | undefined {
  const t = modelTargetAt(analysis, file, pos);
  const origin = t?.column ? t.migrationColumn?.origin : t?.migration?.origin;
  if (!origin) return undefined;
  const [sl, sc, el, ec] = origin.span;
  return { uri: fileUri(root, origin.file), range: { start: { line: sl, character: sc }, end: { line: el, character: ec } } };
}
