import type { Finding } from '../findings';

/** The one table or column a note names, written as Alembic Drift's notes write it. */
const ONE_NAME = /\b(table|column) "([^"]+)"/g;

/** How many tables or columns a folded note names before "and N more". */
const LISTED = 5;

/**
 * One note per op for what it leaves uncompared in several tables: the notes one op gives that differ only in the
 * table or column they name (manila's loop over 41 tables under a MySQL test gave 41 notes on one line) become one
 * that names them all, in the order they came, with the tables they are of. Other findings are left as they are, in
 * their order.
 */
export function foldTableNotes(findings: Finding[]): Finding[] {
  const groups = new Map<string, { first: Finding; noun: string; names: string[]; tables: string[] }>();
  const out: Array<Finding | string> = [];
  let folded = false;
  for (const f of findings) {
    const found = f.severity === 'information' ? [...f.message.matchAll(ONE_NAME)] : [];
    if (found.length !== 1) {
      out.push(f);
      continue;
    }
    const [, noun, name] = found[0];
    const table = noun === 'table' ? name : f.table ?? name;
    const key = `${f.code}\0${f.file}\0${f.span.join(',')}\0${f.message.replace(ONE_NAME, '$1 "\0"')}`;
    const group = groups.get(key);
    if (group) {
      if (!group.names.includes(name)) group.names.push(name);
      if (!group.tables.includes(table)) group.tables.push(table);
      folded = true;
      continue;
    }
    groups.set(key, { first: f, noun, names: [name], tables: [table] });
    out.push(key);
  }
  if (!folded) return findings;
  return out.map((x) => {
    if (typeof x !== 'string') return x;
    const { first, noun, names, tables } = groups.get(x)!;
    if (names.length === 1) return first;
    const listed = names.slice(0, LISTED).map((t) => `"${t}"`);
    const list = names.length > LISTED ? `${listed.join(', ')} and ${names.length - LISTED} more` : `${listed.slice(0, -1).join(', ')} and ${listed[listed.length - 1]}`;
    const one = `${noun} "\0"`;
    const message = first.message.replace(ONE_NAME, one).replace(`${one} is `, `${noun}s ${list} are `).replace(one, `${noun}s ${list}`);
    const { table: _table, column: _column, ...rest } = first;
    return { ...rest, message, tables };
  });
}
