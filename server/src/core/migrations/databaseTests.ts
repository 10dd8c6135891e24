import { sameList, sameSet, tableKey } from '../schema/schema';

/**
 * Tests a revision makes on what the database holds (`if "t" not in inspector.get_table_names():`), and how the
 * replay decides them: a replay upgrades an empty database, so it knows what such a test finds, as Alembic's own
 * `upgrade` from base would.
 */

/** What one test asks of the database: whether a table exists, or a column, index or named constraint of a table. */
export interface Existence {
  /** Undefined for an index of any table of the schema (`pg_indexes` asked for an index name alone: PostgreSQL's index names are unique in a schema). */
  table?: string;
  schema?: string;
  column?: string;
  index?: string;
  /** With no table: the index may be in any schema (`pg_indexes` asked with no `schemaname`). */
  anySchema?: true;
  /** A named enum type of PostgreSQL (`pg_type` asked for a `typname`): no table. */
  enumType?: string;
  /** A constraint the Inspector lists by name (`get_foreign_keys`, `get_unique_constraints`, `get_check_constraints`), by Alembic's `type_`. */
  constraint?: { type: ConstraintType; name: string };
  /** A unique constraint of exactly these columns, in this order, as `get_unique_constraints` lists its `column_names`. */
  uniqueOn?: string[];
  /** A primary key of any columns, as `get_pk_constraint` lists its `constrained_columns` (none: an empty list). */
  primaryKey?: true;
  /**
   * A foreign key (or unique constraint) the Inspector lists that the key's test picks: what
   * `next((fk["name"] for fk in inspector.get_foreign_keys("t") if ...), None)` is true on (privacyidea).
   */
  picked?: ReflectedKey;
}

/** The kinds of constraint an Inspector lists by name, as Alembic's `drop_constraint(type_=...)` names them. */
export type ConstraintType = 'foreignkey' | 'unique' | 'check';

/**
 * A test on what the database holds: existence tests under `not`, `and` and `or`; `dialect` is a test on a dialect no
 * setting decides, beside them.
 */
export type DatabaseTest = { k: 'exists'; what: Existence } | { k: 'const'; v: boolean } | { k: 'dialect' } | { k: 'not'; test: DatabaseTest } | { k: 'and' | 'or'; tests: DatabaseTest[] };

/**
 * A condition an op runs under: the op runs when `test` finds `holds`. One test object is one evaluation (an `if` in
 * a loop makes one per pass), decided when the replay first reaches an op under it: no op runs between the test and
 * that op. `undecided` is how the op is taken when the replay cannot tell (the state of that table is not known).
 */
export interface RunsWhen {
  test: DatabaseTest;
  holds: boolean;
  undecided: 'uncertain' | 'guarded';
}

/** The test, true, false, or undefined when what one of its existence tests asks is not known. */
export function decideTest(test: DatabaseTest, exists: (what: Existence) => boolean | undefined): boolean | undefined {
  switch (test.k) {
    case 'exists':
      return exists(test.what);
    case 'const':
      return test.v;
    case 'dialect':
      return undefined;
    case 'not': {
      const inner = decideTest(test.test, exists);
      return inner === undefined ? undefined : !inner;
    }
    default: {
      // Three-valued: `False and <unknown>` is False, `True or <unknown>` is True.
      const values = test.tests.map((t) => decideTest(t, exists));
      const decisive = test.k === 'or';
      if (values.includes(decisive)) return decisive;
      return values.includes(undefined) ? undefined : !decisive;
    }
  }
}

/** What a test asks of the database, each existence test once per place it is written. */
export function existencesOf(test: DatabaseTest): Existence[] {
  switch (test.k) {
    case 'exists':
      return [test.what];
    case 'const':
    case 'dialect':
      return [];
    case 'not':
      return existencesOf(test.test);
    default:
      return test.tests.flatMap(existencesOf);
  }
}

/** The keys of the tables a test looks at; undefined when it looks at every table. */
export function testedTables(test: DatabaseTest): string[] | undefined {
  const asked = existencesOf(test);
  return asked.every((what) => what.table !== undefined) ? asked.map((what) => tableKey(what.table!, what.schema)) : undefined;
}

/**
 * A foreign key a revision reads from the database and changes by what it read (aodh's `for fk in
 * inspector.get_foreign_keys(table): if column in fk["constrained_columns"]: op.drop_constraint(fk["name"], ...)`): the
 * keys of `table` that `test` holds for, among those one read of the table's keys (`pass`) gave, which a drop and the
 * create after it share. With `kind: 'unique'`, the unique constraints `get_unique_constraints` lists (blazar's `if
 * constraint["column_names"] == ["name"]: op.drop_constraint(constraint["name"], ...)`).
 */
export interface ReflectedKey {
  kind?: 'unique';
  table: string;
  schema?: string;
  pass: string;
  test?: KeyTest;
  /** Its actions as the revision set them after reading it (`fk["options"]["ondelete"] = "CASCADE"`; null: none). */
  changed?: { ondelete?: string | null; onupdate?: string | null };
  /** The name `next(..., default)` gives where it picks no key (`"rrix_2"`; null: None); undefined without a default. */
  fallback?: string | null;
}

/**
 * A test on a key read from the database: its columns (in order, or in any order: `set(uq["column_names"]) == {...}`),
 * one of them, the table a foreign key refers to, whether the database lists it with a name (`fk.get("name")`).
 */
export type KeyTest = { k: 'columns' | 'columnSet'; columns: string[] } | { k: 'hasColumn'; column: string } | { k: 'refTable'; table: string } | { k: 'named' } | { k: 'not'; test: KeyTest } | { k: 'and' | 'or'; tests: KeyTest[] };

/**
 * Whether a foreign key or unique constraint of the replayed schema is one a test picks (a key the test leaves open is
 * not), on `database` when it is known.
 */
export function keyPicked(test: KeyTest | undefined, fk: { columns: string[]; refTable?: string; name?: string }, database?: string): boolean {
  if (!test) return true;
  switch (test.k) {
    case 'named':
      // PostgreSQL and MySQL name the keys a revision left unnamed; SQLite lists them with no name.
      return fk.name !== undefined || database !== 'sqlite';
    case 'columns':
      return sameList(fk.columns, test.columns);
    case 'columnSet':
      return sameSet(fk.columns, test.columns);
    case 'hasColumn':
      return fk.columns.includes(test.column);
    case 'refTable':
      return fk.refTable === test.table;
    case 'not':
      return !keyPicked(test.test, fk, database);
    case 'and':
      return test.tests.every((t) => keyPicked(t, fk, database));
    default:
      return test.tests.some((t) => keyPicked(t, fk, database));
  }
}
