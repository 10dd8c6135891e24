import type { Finding } from '../findings';

/** The one table a note names, written as Alembic Drift's notes write it. */
const ONE_TABLE = /table "([^"]+)"/g;

/** How many tables a folded note names before "and N more". */
const LISTED = 5;

/**
 * One note per op for what it leaves uncompared in several tables: the notes one op gives that differ only in the
 * table they name (manila's loop over 41 tables under a MySQL test gave 41 notes on one line) become one that names
 * them all, in the order they came. Other findings are left as they are, in their order.
 */
export function foldTableNotes(findings: Finding[]): Finding[] {
  const groups = new Map<string, { first: Finding; tables: string[] }>();
  const out: Array<Finding | string> = [];
  let folded = false;
  for (const f of findings) {
    const names = f.severity === 'information' ? [...f.message.matchAll(ONE_TABLE)] : [];
    if (names.length !== 1) {
      out.push(f);
      continue;
    }
    const key = `${f.code}\0${f.file}\0${f.span.join(',')}\0${f.message.replace(ONE_TABLE, 'table "\0"')}`;
    const group = groups.get(key);
    if (group) {
      if (!group.tables.includes(names[0][1])) group.tables.push(names[0][1]);
      folded = true;
      continue;
    }
    groups.set(key, { first: f, tables: [names[0][1]] });
    out.push(key);
  }
  if (!folded) return findings;
  return out.map((x) => {
    if (typeof x !== 'string') return x;
    const { first, tables } = groups.get(x)!;
    if (tables.length === 1) return first;
    const listed = tables.slice(0, LISTED).map((t) => `"${t}"`);
    const list = tables.length > LISTED ? `${listed.join(', ')} and ${tables.length - LISTED} more` : `${listed.slice(0, -1).join(', ')} and ${listed[listed.length - 1]}`;
    const message = first.message.replace(ONE_TABLE, 'table "\0"').replace('table "\0" is ', `tables ${list} are `).replace('table "\0"', `tables ${list}`);
    const { table: _table, column: _column, ...rest } = first;
    return { ...rest, message, tables };
  });
}
