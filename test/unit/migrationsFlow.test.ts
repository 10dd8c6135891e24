import * as assert from 'node:assert/strict';
import { codes, replay, rev, table } from './migrationsHelpers';
import type { TableDef } from '../../server/src/core/schema/schema';
import { py, testParser } from './helpers';
import { databaseNamedBy } from '../../server/src/core/migrations/interpret';

const BASE = rev('a', null, `
  op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.String(255)))
  op.create_table("posts", sa.Column("id", sa.Integer(), primary_key=True))
`);

/** A model module of a class `cls` on table `table` and a class Audit on "audit", each with an id key. */
const modelsWithAudit = (cls: string, table: string): string => `
  import sqlalchemy as sa
  from sqlalchemy.orm import declarative_base
  Base = declarative_base()
  class ${cls}(Base):
      __tablename__ = "${table}"
      id = sa.Column(sa.Integer, primary_key=True)
  class Audit(Base):
      __tablename__ = "audit"
      id = sa.Column(sa.Integer, primary_key=True)
`;

/** The note on a revision's `metadata.create_all()` of every table (`call` as written). */
const CREATE_ALL_NOTE = (call: string): string =>
  `helper call: \`${call}\` makes every table of the models as they are when the revision runs, not as they were when it was written: a table no revision creates is taken as made here, and its drift cannot be seen (a database upgraded before a model changed lacks the change).`;

describe('migrations: helper functions', () => {
  it("unpacks the tuple a helper returns, a connection among its items, into the names assigned (onyx's _release_migration_snapshot)", async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        bind, schema = _bind_and_schema()
        bind.exec_driver_sql(f'CREATE INDEX ix_users_email ON "{schema}".users (email)')
      `, `
        def _bind_and_schema():
            bind = op.get_bind()
            return bind, "public"
      `),
    });
    assert.deepEqual([r.findings.map((f) => f.message), table(r, 'users').indexes.map((i) => i.name)], [[], ['ix_users_email']]);
  });

  it('inlines module-level helpers with positional, keyword and default arguments bound', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        add_timestamps("users")
        add_timestamps(table="posts", column="changed_at")
        add_flag("users", flag_name("active"))
        op.create_index(index_name("users", "email"), "users", ["email"])
        add_flag("posts", flag_from_settings())
      `, `
        from settings import flag_from_settings


        def index_name(table, column):
            return f"ix_{table}_{column}"


        def add_timestamps(table, column="updated_at"):
            op.add_column(table, sa.Column(column, sa.DateTime(), server_default=sa.func.now()))
            op.create_index(f"ix_{table}_{column}", table, [column])


        def flag_name(word):
            return "is_" + word


        def add_flag(table, name):
            op.add_column(table, sa.Column(name, sa.Boolean()))
      `),
    });
    assert.deepEqual(r.findings.map((f) => f.message), ['op.add_column: could not evaluate the column name `sa.Column(name, sa.Boolean())` statically; table "posts" is not compared.']);
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'updated_at', 'is_active']);
    assert.deepEqual(table(r, 'users').indexes.map((i) => i.name), ['ix_users_updated_at', 'ix_users_email']);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'changed_at']);
    assert.deepEqual(table(r, 'posts').indexes.map((i) => i.name), ['ix_posts_changed_at']);
    assert.deepEqual([table(r, 'users').uncertain, table(r, 'posts').uncertain], [undefined, true], 'the posts flag column could not be named');
  });

  it('follows helpers imported from another module, columns they return, and `op` passed as an argument', async () => {
    const r = await replay({
      'migrations/helpers.py': `
        import sqlalchemy as sa


        def audit_columns():
            return [
                sa.Column("created_at", sa.DateTime(), nullable=False),
                sa.Column("created_by", sa.String(50)),
            ]


        def id_column():
            return sa.Column("id", sa.Integer(), primary_key=True)


        def create_lookup(operations, name):
            operations.create_table(name, id_column(), sa.Column("label", sa.Text(), nullable=False), *audit_columns())
      `,
      'v/a.py': rev('a', null, `
        op.create_table("events", id_column(), *audit_columns())
        create_lookup(op, "colors")
        cols = audit_columns()
        op.create_table("notes", id_column(), *cols)
      `, 'from migrations.helpers import audit_columns, create_lookup, id_column'),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual([...table(r, 'events').columns.keys()], ['id', 'created_at', 'created_by']);
    assert.deepEqual(table(r, 'events').primaryKey, ['id']);
    assert.deepEqual(table(r, 'events').columns.get('created_at')!.origin.file, 'migrations/helpers.py');
    assert.deepEqual([...table(r, 'colors').columns.keys()], ['id', 'label', 'created_at', 'created_by']);
    assert.deepEqual([...table(r, 'notes').columns.keys()], ['id', 'created_at', 'created_by']);
  });

  it("runs a project @contextmanager's code before its yield, then the with block, then its finally block and the rest (neutron's remove_fks_from_table)", async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        with without_email("users", "mail") as ctx:
            op.add_column("users", sa.Column("mail", sa.String(255)))
        with plain_helper("posts"):
            op.add_column("posts", sa.Column("body", sa.Text()))
      `, `
        import contextlib
        from contextlib import contextmanager

        @contextlib.contextmanager
        def without_email(table, renamed):
            try:
                op.drop_column(table, "email")
                yield
            except Exception:
                op.drop_column(table, "never_seen")
            finally:
                op.create_index("ix_users_id", table, ["id"])
            op.create_index("ix_" + renamed, table, [renamed])

        @contextmanager
        def plain_helper(table):
            op.add_column(table, sa.Column("title", sa.String(80)))
            yield table
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    const users = table(r, 'users');
    assert.deepEqual([...users.columns.keys()], ['id', 'mail']);
    // The finally block runs after the with block too; an except block does not.
    assert.deepEqual(users.indexes.map((i) => [i.name, i.columns]), [['ix_users_id', ['id']], ['ix_mail', ['mail']]]);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'title', 'body']);
  });

  it("reads a with block over a helper that returns op.batch_alter_table(...) as that batch (mlflow's _with_batch)", async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        for name in ("users", "posts"):
            with _with_batch(name) as batch_op:
                batch_op.add_column(sa.Column("workspace", sa.String(63), nullable=False, server_default="default"))
      `, `
        def _with_batch(table_name):
            return op.batch_alter_table(table_name, recreate="auto")
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.ok(table(r, 'users').columns.has('workspace'));
    assert.equal(table(r, 'posts').columns.get('workspace')?.nullable, false);
  });

  it("follows super().method() in a method of an object the revision builds (galaxy's DDL operations)", async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        AddColumn("posts", "user_id").run()
        DropEmail("users").run()
      `, `
        class Operation:
            def __init__(self, table):
                self.table = table
            def run(self):
                self.pre()
                self.execute()
            def pre(self):
                pass
        class AddColumn(Operation):
            def __init__(self, table, column):
                super().__init__(table)
                self.column = column
            def execute(self):
                op.add_column(self.table, sa.Column(self.column, sa.Integer()))
            def run(self):
                return super().run()
        class Logged(Operation):
            def run(self):
                op.create_index("ix_users_id", "users", ["id"])
                super().run()
        class DropEmail(Logged):
            def execute(self):
                op.drop_column(self.table, "email")
            def run(self):
                super().run()
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'user_id']);
    assert.deepEqual([[...table(r, 'users').columns.keys()], table(r, 'users').indexes.map((i) => i.name)], [['id'], ['ix_users_id']]);
  });

  it('stops at recursion instead of looping', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, 'again("t")', `
        def again(name):
            op.create_table(name, sa.Column("id", sa.Integer()))
            again(name)
      `),
    });
    assert.deepEqual([...r.schema.keys()], ['t']);
  });
});

describe('migrations: replay order', () => {
  it("runs a merge's parents in Alembic's order, the last one listed first (fides: an add_column on one branch, a rename on the other)", async () => {
    const r = await replay({
      'v/0001.py': rev('0001', null, 'op.create_table("t", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))'),
      'v/aaaa.py': rev('aaaa', '0001', 'op.rename_table("t", "t2")'),
      'v/ffff.py': rev('ffff', '0001', 'op.add_column("t", sa.Column("is_default", sa.Boolean(), nullable=True))'),
      'v/9999.py': rev('9999', ['aaaa', 'ffff'], 'pass'),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual([...table(r, 't2').columns.keys()], ['id', 'is_default']);
  });
});

describe('migrations: loops and local variables', () => {
  it('unrolls loops over literal lists, module constants and tuples, binding the loop variables', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        for table in ["users", "posts"]:
            op.add_column(table, sa.Column("deleted_at", sa.DateTime()))
        for table, column in INDEXED:
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column])
        for col in (sa.Column("a", sa.Integer()), sa.Column("b", sa.Integer())):
            op.add_column("posts", col)
        for table, items in NESTED:
            for index, columns in items:
                op.create_index(index, table, list(columns))
      `, `
        INDEXED = [("users", "email"), ("posts", "deleted_at")]
        NESTED = (("users", (("ix_users_email_id", ("email", "id")),)),)
      `),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'deleted_at']);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'deleted_at', 'a', 'b']);
    // `list(columns)` of a tuple bound by a loop (ckan's 039 revision).
    assert.deepEqual(table(r, 'users').indexes.map((i) => [i.name, i.columns]), [['ix_users_email', ['email']], ['ix_users_email_id', ['email', 'id']]]);
    assert.deepEqual(table(r, 'posts').indexes.map((i) => i.name), ['ix_posts_deleted_at']);
  });

  it('unrolls loops over dicts and their keys(), values() and items(), list(), sorted() and zip() (polar, zenml)', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        for name in INDEXES:
            op.create_index(name, "users", ["email"])
        for name, columns in INDEXES.items():
            op.drop_index(name, table_name="users")
        for column in sorted(COLUMNS.values()):
            op.add_column("posts", sa.Column(column, sa.Integer()))
        for old, new in zip(list(RENAMES.keys()), tuple(RENAMES.values())):
            op.rename_table(old, new)
      `, `
        INDEXES = {"ix_users_a": ["email"], "ix_users_b": ["email"]}
        COLUMNS = {"x": "views", "y": "likes"}
        RENAMES = {"posts": "articles"}
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual(table(r, 'users').indexes, []);
    assert.deepEqual([...table(r, 'articles').columns.keys()], ['id', 'likes', 'views']);
    assert.ok(!r.schema.has('posts'));
  });

  it('reads the name and type of a column at their keys in a loop over dicts written out, whatever else they hold (jupyterhub)', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        for spec in COLUMNS:
            op.add_column("posts", sa.Column(spec["name"], spec["type"], nullable=True))
      `, `
        COLUMNS = [
            {"name": "title", "type": sa.Unicode(2047), "note": some_helper()},
            {"type": sa.Integer(), "name": "views"},
        ]
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual([...table(r, 'posts').columns.entries()].map(([name, c]) => [name, c.type?.name, c.type?.args.length]), [['id', 'Integer', undefined], ['title', 'Unicode', 2047], ['views', 'Integer', undefined]]);
  });

  it('unrolls loops over a dict held in a dict, at a key the loop gives, and over starred items (cloudkitty, backend.ai)', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        for table in ("users", "posts"):
            for name, columns in INDEXES[table].items():
                op.create_index(name, table, columns)
        for column in ("title", *ADDED):
            op.add_column("posts", sa.Column(column, sa.Integer()))
        op.create_index("ix_posts_last", "posts", [ORDER[-1]])
      `, `
        INDEXES = {"users": {"ix_users_email": ["email"]}, "posts": {"ix_posts_id": ["id"], "ix_posts_both": ["id"]}}
        ADDED = {"views": 0, "likes": 0}
        ORDER = ["title", *ADDED]
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual(table(r, 'users').indexes.map((i) => [i.name, i.columns]), [['ix_users_email', ['email']]]);
    assert.deepEqual(table(r, 'posts').indexes.map((i) => i.name), ['ix_posts_id', 'ix_posts_both', 'ix_posts_last']);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'title', 'views', 'likes']);
    assert.deepEqual(table(r, 'posts').indexes[2].columns, ['likes']);
  });

  it('unrolls loops over lists that module-level comprehensions make (gnocchi)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        for t in ["users", "posts", "posts_history"]:
            op.create_table(t, sa.Column("id", sa.Integer(), primary_key=True), sa.Column("revision", sa.Integer()))
            op.create_index("ix_%s_id" % t, t, ["id"])
            op.create_index("ix_%s_revision" % t, t, ["revision"])
      `),
      'v/b.py': rev('b', 'a', `
        for table, colname in RESOURCE_TABLES + HISTORY_TABLES:
            op.drop_index("ix_%s_%s" % (table, colname), table_name=table)
      `, `
        RESOURCE_TABLES = [(t, "id") for t in ["users", "posts", "tags"] if t != "tags"]
        HISTORY_TABLES = [("%s_history" % t, "revision") for t, c in RESOURCE_TABLES if t.startswith("p")]
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual(table(r, 'users').indexes.map((i) => i.name), ['ix_users_revision']);
    assert.deepEqual(table(r, 'posts').indexes.map((i) => i.name), ['ix_posts_revision']);
    assert.deepEqual(table(r, 'posts_history').indexes.map((i) => i.name), ['ix_posts_history_id']);
  });

  it('unrolls loops over comprehensions of items that are no literals, their tests on the database read per item (neutron, pgadmin)', async () => {
    const r = await replay({
      'v/a.py': BASE,
      // neutron's 8a6d8bdae39: a module-level comprehension of (name, Table) pairs.
      'v/b.py': rev('b', 'a', `
        for table, model in TABLE_MODELS:
            op.add_column(table, sa.Column("standard_attr_id", sa.BigInteger()))
      `, `
        TABLES = ("users", "posts")
        TABLE_MODELS = [(table, sa.Table(table, sa.MetaData(), sa.Column("id", sa.Integer()))) for table in TABLES]
      `),
      // pgadmin's sharedserver_feature_parity_: the columns the table lacks, by a filtered comprehension.
      'v/c.py': rev('c', 'b', `
        if not sa.inspect(op.get_bind()).has_table("users"):
            return
        existing = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("users")}
        new_columns = [("email", sa.Column("email", sa.String(255))), ("tags", sa.Column("tags", sa.JSON()))]
        to_add = [col for name, col in new_columns if name not in existing]
        if to_add:
            with op.batch_alter_table("users") as batch_op:
                for col in to_add:
                    batch_op.add_column(col)
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'standard_attr_id', 'tags']);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'standard_attr_id']);
    assert.ok(!table(r, 'users').uncertain);
    // The comprehension's names are its own (the loop's `name` stays "users"), a `continue` in the body skips a pass,
    // a list a literal decides empty skips its `if`, and a comprehension of itself is no loop to read (no crash).
    const more = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        name = "users"
        for column in [sa.Column(name, sa.String(10)) for name in ("a", "b", "c")]:
            if column is None:
                continue
            op.add_column(name, column)
        for n in [n for n in ("d", "e") if n != "e"]:
            if n == "d":
                continue
            op.add_column("posts", sa.Column(n, sa.String(10)))
        todo = [n for n in ("x", "y") if n == "zz"]
        if todo:
            op.add_column("posts", sa.Column("never", sa.String(10)))
        cols = columns_of("posts")
        cols = [c for c in cols if c is not None]
        for c in cols:
            op.add_column("posts", c)
      `),
    });
    assert.deepEqual([...table(more, 'users').columns.keys()], ['id', 'email', 'a', 'b', 'c']);
    assert.deepEqual([...table(more, 'posts').columns.keys()], ['id']);
    assert.deepEqual(more.findings.map((f) => f.message), ['op.add_column: could not evaluate the column `c` statically; table "posts" is not compared.']);
  });

  it("fills %(name)s fields from a dict or dict(...), and reads a MetaData's naming_convention from another module (jupyterhub)", async () => {
    const r = await replay({
      'app/orm.py': 'import sqlalchemy as sa\nmeta = sa.MetaData(naming_convention={"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"})\n',
      'v/a.py': rev('a', null, `
        op.create_table("teams", sa.Column("id", sa.Integer(), primary_key=True))
        for table_name in ("users", "posts"):
            op.create_table(table_name, sa.Column("id", sa.Integer(), primary_key=True), sa.Column("team_id", sa.Integer()))
            op.create_foreign_key(naming_convention["fk"] % dict(table_name=table_name, column_0_name="team_id", referred_table_name="teams"), table_name, "teams", ["team_id"], ["id"])
        op.create_unique_constraint("uq_%(t)s_%(c)s" % {"t": "users", "c": "team_id"}, "users", ["team_id"])
      `, 'from app import orm\nnaming_convention = orm.meta.naming_convention'),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual(['users', 'posts'].map((t) => table(r, t).foreignKeys.map((fk) => fk.name)), [['fk_users_team_id_teams'], ['fk_posts_team_id_teams']]);
    assert.deepEqual(table(r, 'users').uniques.map((u) => u.name), ['uq_users_team_id']);
  });

  it('runs a while True retry loop once when its body returns once through and never breaks out (skyvern)', async () => {
    const files = (loop: string) => ({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        _retry("users", 'ALTER TABLE users ADD COLUMN tenant INTEGER')
        op.add_column("posts", sa.Column("after", sa.Integer()))
      `, `
        def _retry(table, statement):
            attempts = 0
            while True:
                ${loop.split('\n').join('\n                ')}
                try:
                    op.execute(statement)
                    return
                except Exception:
                    time.sleep(1)
      `),
    });
    const once = await replay(files('attempts += 1'), 'postgresql');
    assert.deepEqual(once.findings, []);
    assert.deepEqual([...table(once, 'users').columns.keys()], ['id', 'email', 'tenant']);
    assert.deepEqual([...table(once, 'posts').columns.keys()], ['id', 'after']);
    // A loop that may break out may not have run its ops: they are uncertain, and what follows still runs.
    const breaking = await replay(files('attempts += 1\nif attempts > 3:\n    break'), 'postgresql');
    assert.deepEqual([...table(breaking, 'posts').columns.keys()], ['id', 'after']);
    assert.equal(table(breaking, 'users').uncertain, true);
  });

  it('loops over reversed(...) without reversing the list it reads (a list grown with append)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("a", sa.Column("id", sa.Integer(), primary_key=True))
        renames = []
        renames.append(("a", "b"))
        renames.append(("b", "c"))
        for old, new in reversed(renames):
            pass
        for old, new in renames:
            op.rename_table(old, new)
      `),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual([...r.schema.keys()], ['c']);
  });

  it('gives up on comprehensions that multiply to more items than it evaluates, and says so (no crash)', async () => {
    const big = Array.from({ length: 5000 }, (_, i) => `"t${i}"`).join(', ');
    const r = await replay({
      'v/a.py': rev('a', null, `
        for row in GRID:
            op.create_table(row[0], sa.Column("id", sa.Integer(), primary_key=True))
      `, `BIG = [${big}]\nGRID = [[x + y for x in BIG] for y in BIG]`),
    });
    assert.deepEqual(r.findings.map((f) => f.message), ['op.create_table: could not evaluate the table name `row[0]` statically.']);
  });

  it('reads the column a local lambda makes when the op calls it (gnocchi)', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        for table_name in ("users", "posts"):
            creator_col = lambda: sa.Column("creator", sa.String(255))
            stamped = lambda name: sa.Column(name + "_ts", sa.DateTime(), nullable=True)
            op.add_column(table_name, creator_col())
            op.add_column(table_name, stamped(table_name))
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'creator', 'users_ts']);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'creator', 'posts_ts']);
  });

  it("follows a helper's *columns and a list it grows with append (superset's create_table and add_columns helpers)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        create_table("tags", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(50)))
        add_columns("tags", sa.Column("catalog", sa.String(256)), sa.Column("uuid", sa.String(36)))
      `, `
        def create_table(table_name, *columns, **kwargs):
            op.create_table(table_name, *columns, **kwargs)
        def add_columns(table_name, *columns):
            cols_to_add = []
            for col in columns:
                if not has_column(table_name, col.name):
                    cols_to_add.append(col)
            with op.batch_alter_table(table_name) as batch_op:
                for col in cols_to_add:
                    batch_op.add_column(col)
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual([...table(r, 'tags').columns.keys()], ['id', 'name', 'catalog', 'uuid']);
  });

  it('appends to a list what a loop pass makes, with the loop variable of that pass (privacyidea)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        columns = [sa.Column("id", sa.Integer(), primary_key=True)]
        for bucket in BUCKETS:
            columns.append(sa.Column(bucket, sa.BigInteger(), nullable=False))
        for name in ["x", "y"]:
            col = sa.Column(name, sa.Text())
            columns.append(col)
        op.create_table("metric", *columns)
      `, 'BUCKETS = ["b1", "b2", "b3"]'),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual([...table(r, 'metric').columns.keys()], ['id', 'b1', 'b2', 'b3', 'x', 'y']);
  });

  it('reports ops that use the variable of a loop over something unknown', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        for table in get_tables():
            op.add_column(table, sa.Column("tenant_id", sa.Integer()))
      `, 'from x import get_tables'),
    });
    assert.deepEqual(codes(r.findings), ['unresolved']);
    assert.deepEqual(r.uncertainOps.map((o) => [o.kind, o.column]), [['add_column', 'tenant_id']]);
  });

  it("reads an op's **keywords from a dict of the revision, and says when it cannot (galaxy's **self.kw)", async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        kw = {"nullable": False, "existing_type": sa.String(255)}
        op.alter_column("users", "email", **kw)
        op.alter_column("posts", "id", **COLLATION)
        op.add_column("posts", sa.Column("body", sa.Text()), **unknown_options())
        op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True), **TABLE_KWARGS)
        op.add_column("tags", sa.Column("name", sa.String(20)), **SCHEMA_KWARGS)
      `, 'COLLATION = {"type_": sa.BigInteger()}\nfrom v.common import TABLE_KWARGS, SCHEMA_KWARGS'),
      // Another module's dict: a dialect's options change nothing, and a literal reads the same anywhere.
      'v/common.py': 'TABLE_KWARGS = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}\nSCHEMA_KWARGS = {"schema": None}\n',
    });
    assert.deepEqual([...table(r, 'tags').columns.keys()], ['id', 'name']);
    assert.equal(table(r, 'users').columns.get('email')?.nullable, false);
    assert.equal(table(r, 'posts').columns.get('id')?.type?.name, 'BigInteger');
    assert.deepEqual(r.findings.map((f) => `${f.code}: ${f.message}`), ['unresolved: op.add_column: could not evaluate the keyword arguments `**unknown_options()` statically; table "posts" is not compared.']);
    assert.equal(table(r, 'posts').uncertain, true);
  });

  it('evaluates local variables, and runs an op whose result is assigned (bulk_insert and data statements are ignored)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        name = "settings"
        key = name + "_key"
        settings = op.create_table(name, sa.Column(key, sa.String(50), primary_key=True), sa.Column("value", sa.Text()))
        op.bulk_insert(settings, [{"settings_key": "a", "value": "b"}])
        conn = op.get_bind()
        conn.execute(sa.text("UPDATE settings SET value = 'x'"))
        op.execute(settings.update().values(value="y"))
        op.get_bind().execute("DELETE FROM settings")
      `),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual([...table(r, 'settings').columns.keys()], ['settings_key', 'value']);
  });

  it('drops a MetaData passed to create_table, as Alembic does with anything but columns, constraints and indexes (neutron, backend.ai)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("rbacs", sa.MetaData(), sa.Column("id", sa.Integer(), primary_key=True))
        md = sa.MetaData(naming_convention={"pk": "pk_%(table_name)s"})
        op.create_table("images", md, sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(20)))
      `),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual([...table(r, 'images').columns.keys()], ['id', 'name']);
    assert.equal(table(r, 'rbacs').uncertain, undefined);
  });
});

describe('migrations: branches', () => {
  it('takes the arm that does not raise of a test it cannot decide, as the upgrade only completes through it (endurain)', async () => {
    const files = (upgrade: string): Record<string, string> => ({ 'v/a.py': BASE, 'v/b.py': rev('b', 'a', upgrade) });
    // On the dialect: the arm taken runs on PostgreSQL alone, and its ops are sure.
    const dialect = await replay(files(`
      if op.get_bind().dialect.name == "postgresql":
          op.add_column("users", sa.Column("tags", sa.Text()))
          op.drop_column("users", "email")
      else:
          raise NotImplementedError("PostgreSQL only")
    `));
    assert.deepEqual([codes(dialect.findings), [...table(dialect, 'users').columns.keys()], table(dialect, 'users').uncertain], [[], ['id', 'tags'], undefined]);
    // On what the database holds: the ops after a guard that raises run whenever the upgrade completes.
    const held = await replay(files(`
      if not sa.inspect(op.get_bind()).has_table("posts"):
          raise RuntimeError("run the posts migration first")
      op.add_column("posts", sa.Column("title", sa.String()))
    `));
    assert.deepEqual([codes(held.findings), [...table(held, 'posts').columns.keys()]], [[], ['id', 'title']]);
    // A `try:` may catch what the arm raises: both arms stay possible, as before.
    const caught = await replay(files(`
      try:
          if op.get_bind().dialect.name == "postgresql":
              op.drop_column("users", "email")
          else:
              raise NotImplementedError()
      except NotImplementedError:
          pass
    `));
    assert.deepEqual(codes(caught.findings), ['unresolved']);
    // So may contextlib.suppress, or a context manager of the project's whose `except` around its `yield` swallows.
    const managers = 'import contextlib\n@contextlib.contextmanager\ndef passing():\n    yield\n@contextlib.contextmanager\ndef logged():\n    try:\n        yield\n    except Exception:\n        raise\n    else:\n        pass\n@contextlib.contextmanager\ndef swallowed():\n    try:\n        yield\n    except Exception:\n        pass';
    const within = async (manager: string): Promise<string[]> => codes((await replay({ 'v/a.py': BASE, 'v/b.py': rev('b', 'a', `
      with ${manager}:
          if op.get_bind().dialect.name == "postgresql":
              op.drop_column("users", "email")
          else:
              raise NotImplementedError()
    `, managers) })).findings);
    // One that only yields, or whose handler raises again (its else: block catches nothing), lets the raise through.
    for (const manager of ['passing()', 'logged()']) assert.deepEqual(await within(manager), [], manager);
    for (const manager of ['contextlib.suppress(NotImplementedError)', 'swallowed()']) assert.deepEqual(await within(manager), ['unresolved'], manager);
  });

  it('binds a variable of unknown value to the literal an == test compares it with, inside the body only (cloudkitty)', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        for name, table in TABLES.items():
            if name == "posts":
                op.add_column(name, sa.Column("title", sa.String()))
            if "users" == name:
                op.add_column(name, sa.Column("nick", sa.String()))
            op.add_column(name, sa.Column("other", sa.String()))
      `, `
        from elsewhere import TABLES
      `),
    });
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'title']);
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'nick']);
    // After the tests, the name is unknown again.
    assert.deepEqual(r.findings.map((f) => [f.code, f.span[0]]), [['unresolved', 15]]);
  });

  it('takes a batch that rebuilds its table from a copy_from Table as leaving that table unknown, and one that alters it in place as it is (cloudkitty)', async () => {
    const batch = (recreate: string): string => rev('b', 'a', `
      with op.batch_alter_table("users", copy_from=users_table, recreate="${recreate}") as batch_op:
          batch_op.add_column(sa.Column("scope", sa.String(40)))
    `, `
      from elsewhere import users_table
    `);
    const always = await replay({ 'v/a.py': BASE, 'v/b.py': batch('always') });
    assert.deepEqual(codes(always.findings), ['unresolved']);
    assert.match(always.findings[0].message, /the Table object `users_table` the batch rebuilds the table from \(recreate="always"\).*table "users" is not compared/);
    assert.equal(table(always, 'users').uncertain, true);
    assert.ok(table(always, 'users').columns.has('scope'));
    // "auto" rebuilds on SQLite only, and only for an op that needs it (add_column does not): in place.
    for (const dialect of ['postgresql', 'sqlite']) {
      const auto = await replay({ 'v/a.py': BASE, 'v/b.py': batch('auto') }, dialect);
      assert.deepEqual(codes(auto.findings), []);
      assert.ok(!table(auto, 'users').uncertain);
    }
  });

  it("rebuilds a batch's table from a Core table the revision writes out as copy_from, then applies the block's ops (airflow)", async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        with op.batch_alter_table("users", recreate="always", copy_from=old_users) as batch_op:
            batch_op.add_column(sa.Column("scope", sa.String(40)))
      `, `
        old_users = sa.Table(
            "users",
            sa.MetaData(),
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("email", sa.String(100), nullable=False),
            sa.Index("ix_users_email", "email"),
        )
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    const users = table(r, 'users');
    assert.deepEqual([...users.columns.keys()], ['id', 'email', 'scope']);
    assert.deepEqual([users.columns.get('email')!.type?.args, users.columns.get('email')!.nullable], [{ length: 100 }, false]);
    assert.deepEqual(users.indexes.map((i) => i.name), ['ix_users_email']);
    assert.ok(!users.uncertain);
    // One reflected from the database is the table as it is.
    const reflected = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        with op.batch_alter_table("users", recreate="always", copy_from=sa.Table("users", sa.MetaData(), autoload_with=op.get_bind())) as batch_op:
            batch_op.alter_column("email", nullable=False)
      `),
    });
    assert.deepEqual(codes(reflected.findings), []);
    assert.deepEqual([...table(reflected, 'users').columns.keys()], ['id', 'email']);
  });

  const DIALECT_BRANCH = rev('b', 'a', `
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("users", sa.Column("tags", postgresql.ARRAY(sa.Text())))
    else:
        op.add_column("posts", sa.Column("tags", sa.JSON()))
  `, 'from sqlalchemy.dialects import postgresql');

  it('takes both branches of a dialect test when the dialect is unknown, marking what they touch uncertain', async () => {
    const r = await replay({ 'v/a.py': BASE, 'v/b.py': DIALECT_BRANCH });
    // Each table so left out of the comparison is named once, in a note on the first op that touched it.
    assert.deepEqual(r.findings.map((f) => `${f.severity} ${f.code} ${f.table}`), ['information unresolved users', 'information unresolved posts']);
    assert.match(r.findings[0].message, /runs only under a condition that could not be decided .*when the dialect is unknown, set sqlalchemy\.url in alembic\.ini.*table "users" is not compared/);
    assert.deepEqual([table(r, 'users').columns.has('tags'), table(r, 'posts').columns.has('tags')], [true, true]);
    assert.deepEqual([table(r, 'users').uncertain, table(r, 'posts').uncertain], [true, true]);
  });

  it('takes what both arms of an undecided dialect test do to a table alike as done, with what they give differently unknown (dify)', async () => {
    const r = await replay({ 'v/a.py': BASE, 'v/b.py': rev('b', 'a', `
      if op.get_bind().dialect.name == "postgresql":
          op.create_table("models", sa.Column("id", postgresql.UUID(), server_default=sa.text("uuid_generate_v4()"), nullable=False), sa.Column("config", sa.Text()), sa.Column("valid", sa.Boolean(), nullable=False), sa.PrimaryKeyConstraint("id", name="model_pkey"))
          with op.batch_alter_table("users") as batch_op:
              batch_op.add_column(sa.Column("role", sa.String(255), server_default=sa.text("'normal'::character varying"), nullable=False))
          op.create_index("ix_posts_id", "posts", ["id"])
      else:
          op.create_table("models", sa.Column("id", sa.String(36), nullable=False), sa.Column("config", sa.Text()), sa.Column("valid", sa.Boolean(), nullable=False), sa.PrimaryKeyConstraint("id", name="model_pkey"))
          with op.batch_alter_table("users") as batch_op:
              batch_op.add_column(sa.Column("role", sa.Text(), server_default=sa.text("'normal'"), nullable=False))
    `, 'from sqlalchemy.dialects import postgresql') });
    // Only the index that one arm alone makes leaves its table's indexes uncompared.
    assert.deepEqual(r.findings.map((f) => `${f.code} ${f.table}`), ['unresolved posts']);
    const models = table(r, 'models');
    assert.equal(models.uncertain, undefined);
    assert.deepEqual([...models.columns.values()].map((c) => [c.name, c.unknown ?? []]), [['id', ['type', 'serverDefault']], ['config', []], ['valid', []]]);
    // PostgreSQL's cast of the default is the same default; the types differ.
    assert.deepEqual([table(r, 'users').uncertain, table(r, 'users').columns.get('role')?.unknown], [undefined, ['type']]);
    // Arms that make other columns are two ways the table may be: it is not compared.
    const other = await replay({ 'v/a.py': BASE, 'v/b.py': rev('b', 'a', `
      if op.get_bind().dialect.name == "postgresql":
          op.create_table("models", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("tags", sa.Text()))
      else:
          op.create_table("models", sa.Column("id", sa.Integer(), primary_key=True))
    `) });
    assert.deepEqual([other.findings.map((f) => `${f.code} ${f.table}`), table(other, 'models').uncertain], [['unresolved models'], true]);
    // An elif without an else runs neither arm on a third dialect; an op under a test of its own inside an arm may not run.
    for (const body of [
      'if op.get_bind().dialect.name == "postgresql":\n    op.create_table("audit", sa.Column("id", sa.Integer(), primary_key=True))\nelif op.get_bind().dialect.name == "mysql":\n    op.create_table("audit", sa.Column("id", sa.Integer(), primary_key=True))',
      'if op.get_bind().dialect.name == "postgresql":\n    if op.get_bind().execute(sa.text("select 1")).scalar():\n        op.create_table("audit", sa.Column("id", sa.Integer(), primary_key=True))\nelse:\n    op.create_table("audit", sa.Column("id", sa.Integer(), primary_key=True))',
      // What both arms of an inner test do runs only where the outer arm does (keep's alertraw).
      'if op.get_bind().dialect.name == "postgresql":\n    op.create_table("audit", sa.Column("id", sa.Integer(), primary_key=True))\n    op.add_column("audit", sa.Column("note", sa.Text()))\nelse:\n    if op.get_bind().dialect.name == "mysql":\n        op.create_table("audit", sa.Column("id", sa.Integer(), primary_key=True))\n    else:\n        op.create_table("audit", sa.Column("id", sa.Integer(), primary_key=True))',
    ]) {
      const maybe = await replay({ 'v/a.py': BASE, 'v/b.py': rev('b', 'a', body) });
      assert.equal(table(maybe, 'audit').uncertain, true, body);
      assert.deepEqual(maybe.findings.filter((f) => f.severity !== 'information').map((f) => f.message), [], body);
    }
  });

  it('takes what two revisions in a row do alike under tests on the dialect that together run once everywhere as done (dstack)', async () => {
    const sqliteArm = rev('b', 'a', `
      if op.get_context().dialect.name == "sqlite":
          with op.batch_alter_table("users", schema=None) as batch_op:
              batch_op.add_column(sa.Column("original_name", sa.String(length=50), nullable=True))
    `);
    const elsewhere = (test: string, column = 'original_name'): string =>
      rev('c', 'b', `
      if ${test}:
          with op.batch_alter_table("users", schema=None) as batch_op:
              batch_op.add_column(sa.Column("${column}", sa.String(length=50), nullable=True), if_not_exists=True)
    `);
    const r = await replay({ 'v/a.py': BASE, 'v/b.py': sqliteArm, 'v/c.py': elsewhere('op.get_context().dialect.name != "sqlite"') });
    assert.deepEqual([r.findings.map((f) => f.message), table(r, 'users').uncertain, table(r, 'users').columns.get('original_name')?.nullable], [[], undefined, true]);
    // A PostgreSQL arm leaves MySQL and the rest out; other columns are two ways the table may be; on a known dialect nothing is in doubt.
    for (const later of [elsewhere('op.get_context().dialect.name == "postgresql"'), elsewhere('op.get_context().dialect.name != "sqlite"', 'display_name')]) {
      const maybe = await replay({ 'v/a.py': BASE, 'v/b.py': sqliteArm, 'v/c.py': later });
      assert.deepEqual([maybe.findings.map((f) => `${f.code} ${f.table}`), table(maybe, 'users').uncertain], [['unresolved users'], true], later);
    }
    const onPostgres = await replay({ 'v/a.py': BASE, 'v/b.py': sqliteArm, 'v/c.py': elsewhere('op.get_context().dialect.name != "sqlite"') }, 'postgresql');
    assert.deepEqual([onPostgres.findings.map((f) => f.message), table(onPostgres, 'users').columns.has('original_name')], [[], true]);
  });

  it("runs upgrade() through a decorator of the project's that skips it on a dialect (ihatemoney's skip_if_sqlite)", async () => {
    const files = {
      'migrations/utils.py': py(`
        import functools
        from alembic import op

        def skip_if_sqlite(func):
            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                if op.get_bind().engine.dialect.name == "sqlite":
                    return
                return func(*args, **kwargs)
            return wrapper
      `),
      'migrations/versions/a.py': BASE,
      'migrations/versions/b.py': `from alembic import op\nimport sqlalchemy as sa\nfrom migrations import utils\nrevision = "b"\ndown_revision = "a"\n\n@utils.skip_if_sqlite\ndef upgrade():\n    op.add_column("users", sa.Column("nickname", sa.String(40)))\n`,
    };
    assert.equal(table(await replay(files, 'sqlite'), 'users').columns.has('nickname'), false);
    assert.equal(table(await replay(files, 'postgresql'), 'users').columns.has('nickname'), true);
    const unknown = await replay(files);
    assert.deepEqual([unknown.findings.map((f) => `${f.code} ${f.table}`), table(unknown, 'users').uncertain], [['unresolved users'], true]);
    // A wrapper that hands upgrade() to code not read here says nothing of when it runs: upgrade() is read as written.
    const handedOver = { ...files, 'migrations/utils.py': py(`
      from locking import run_locked

      def skip_if_sqlite(func):
          def wrapper(*args, **kwargs):
              return run_locked(func, *args, **kwargs)
          return wrapper
    `) };
    assert.equal(table(await replay(handedOver, 'sqlite'), 'users').columns.has('nickname'), true);
  });

  it("takes a type change one arm writes in SQL and the other with alter_column as done (InvoiceManager's password length)", async () => {
    const r = await replay({ 'v/a.py': rev('a', null, 'op.create_table("user", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("password", sa.String(80), nullable=False))'), 'v/b.py': rev('b', 'a', `
      bind = op.get_bind()
      if bind.dialect.name == "postgresql":
          op.execute('ALTER TABLE "user" ALTER COLUMN password TYPE VARCHAR(255)')
      else:
          op.alter_column("user", "password", existing_type=sa.String(length=80), type_=sa.String(length=255), existing_nullable=False)
    `) });
    assert.deepEqual(r.findings.map((f) => f.message), []);
    const password = table(r, 'user').columns.get('password')!;
    assert.equal(table(r, 'user').uncertain, undefined);
    assert.deepEqual([password.type?.family, password.type?.args.length, password.nullable, password.unknown], ['VARCHAR', 255, false, undefined]);
  });

  it("decides a test on the engine URL's drivername prefix, a dialect's dialect_description, or the backend name as a test on the dialect (resultsdb, murano)", async () => {
    const files = { 'v/a.py': BASE, 'v/b.py': rev('b', 'a', `
      if op.get_bind().engine.url.drivername.startswith("postgresql"):
          op.add_column("users", sa.Column("pg_only", sa.Integer()))
      if op.get_bind().engine.url.get_backend_name() == "mysql":
          op.add_column("users", sa.Column("mysql_only", sa.Integer()))
      if op.get_bind().dialect.dialect_description.startswith("mysql"):
          op.add_column("users", sa.Column("mysql_too", sa.Integer()))
      if op.get_bind().engine.url.drivername.startswith("postgresql+psycopg2"):
          op.add_column("users", sa.Column("driver_only", sa.Integer()))
    `) };
    const pg = await replay(files, 'postgresql');
    const users = table(pg, 'users');
    // Which driver the URL names is not known: that test stays undecided.
    assert.deepEqual([users.columns.has('pg_only'), users.columns.has('mysql_only'), users.columns.has('mysql_too'), pg.findings.map((f) => f.message)], [true, false, false, ['op.add_column: runs only under a condition that could not be decided (a test on what the database holds); table "users" is not compared.']]);
    const mysql = table(await replay(files, 'mysql'), 'users');
    assert.deepEqual([mysql.columns.has('pg_only'), mysql.columns.has('mysql_only'), mysql.columns.has('mysql_too')], [false, true, true]);
  });

  it('decides a test on the engine URL as text as a test on the dialect, and such a test compared with a boolean (CTFd)', async () => {
    const files = { 'v/a.py': BASE, 'v/b.py': rev('b', 'a', `
      url = str(op.get_bind().engine.url)
      if url.startswith("mysql"):
          op.add_column("users", sa.Column("mysql_only", sa.Integer()))
      elif url.startswith("postgres"):
          op.add_column("users", sa.Column("pg_only", sa.Integer()))
      if url.startswith("sqlite") is False:
          op.add_column("users", sa.Column("not_sqlite", sa.Integer()))
      if str(op.get_bind().engine.url).startswith("mysql+pymysql"):
          op.add_column("users", sa.Column("driver_only", sa.Integer()))
    `) };
    const columns = (r: Awaited<ReturnType<typeof replay>>): string[] => [...table(r, 'users').columns.keys()].filter((c) => c.includes('_') && c !== 'driver_only');
    const pg = await replay(files, 'postgresql');
    // Which driver the URL names is not known: that test stays undecided.
    assert.deepEqual([columns(pg), pg.findings.map((f) => f.message)], [['pg_only', 'not_sqlite'], ['op.add_column: runs only under a condition that could not be decided (a test on what the database holds); table "users" is not compared.']]);
    assert.deepEqual(columns(await replay(files, 'sqlite')), []);
    const unknown = await replay(files);
    // With no dialect known, the tests are undecided and advise setting it.
    assert.deepEqual(unknown.findings.map((f) => /when the dialect is unknown, set sqlalchemy.url/.test(f.message)), [true]);
  });

  it('makes a named constraint both branches of an undecided test create once; a second one of that name is refused', async () => {
    const both = await replay({ 'v/a.py': BASE, 'v/b.py': rev('b', 'a', `
      if op.get_bind().engine.name == "sqlite":
          with op.batch_alter_table("users") as batch_op:
              batch_op.create_unique_constraint("uq_users_email", ["email"])
      else:
          op.create_unique_constraint("uq_users_email", "users", ["email"])
    `) });
    assert.deepEqual(table(both, 'users').uniques.map((u) => u.name), ['uq_users_email']);
    const twice = await replay({ 'v/a.py': BASE, 'v/b.py': rev('b', 'a', 'op.create_unique_constraint("uq_users_email", "users", ["email"])\nop.create_unique_constraint("uq_users_email", "users", ["email"])') });
    assert.deepEqual(twice.findings.map((f) => `${f.code} ${f.message}`), ['invalid-operation op.create_unique_constraint: constraint "uq_users_email" already exists on table "users".']);
  });

  it("makes a use_alter foreign key once when create_foreign_key makes it after create_table, and keeps batch mode's last constraint of a name (prefect)", async () => {
    const later = await replay({ 'v/a.py': rev('a', null, `
      op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
      op.create_table("posts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("user_id", sa.Integer()), sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_posts_user", use_alter=True))
      op.create_foreign_key("fk_posts_user", "posts", "users", ["user_id"], ["id"], ondelete="SET NULL")
    `) });
    assert.deepEqual(later.findings.map((f) => f.code), []);
    assert.deepEqual(table(later, 'posts').foreignKeys.map((k) => `${k.name} ${k.ondelete}`), ['fk_posts_user SET NULL']);
    // use_alter on the column's own ForeignKey.
    const column = await replay({ 'v/a.py': rev('a', null, `
      op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
      op.create_table("posts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", name="fk_posts_user", use_alter=True)))
      op.create_foreign_key("fk_posts_user", "posts", "users", ["user_id"], ["id"])
    `) });
    assert.deepEqual(column.findings.map((f) => f.code), []);
    const batch = await replay({ 'v/a.py': BASE, 'v/b.py': rev('b', 'a', `
      op.add_column("posts", sa.Column("user_id", sa.Integer()))
      with op.batch_alter_table("posts") as batch_op:
          batch_op.create_foreign_key("fk_posts_user", "users", ["user_id"], ["id"])
          batch_op.create_foreign_key("fk_posts_user", "users", ["user_id"], ["id"], ondelete="CASCADE")
    `) });
    assert.deepEqual(batch.findings.map((f) => f.code), []);
    assert.deepEqual(table(batch, 'posts').foreignKeys.map((k) => `${k.name} ${k.ondelete}`), ['fk_posts_user CASCADE']);
  });

  it("forgets the indexes and constraints of a dropped column under the table's other spelling (public.t for t)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("a", sa.Integer()), sa.UniqueConstraint("a", name="uq_t_a"))
        op.create_index("ix_t_a", "t", ["a"])
      `),
      'v/b.py': rev('b', 'a', `
        with op.batch_alter_table("t", schema="public") as batch_op:
            batch_op.drop_column("a")
            batch_op.drop_constraint("uq_t_a", type_="unique")
            batch_op.drop_index("ix_t_a")
      `),
    });
    assert.deepEqual(r.findings.map((f) => f.code), []);
  });

  it('splits what follows arms that only assign only where the arms then agree, and keeps a return both arms make', async () => {
    const json = (rest: string): string => `
      if op.get_bind().dialect.name == "postgresql":
          json_t = postgresql.JSONB()
      else:
          json_t = sa.JSON()
      ${rest}`;
    // An op under a test on the database after the split: read as before, the type unknown and the table compared.
    const guarded = await replay({ 'v/a.py': BASE, 'v/b.py': rev('b', 'a', json(`op.add_column("users", sa.Column("data", json_t))
      insp = sa.inspect(op.get_bind())
      if "ix_users_email" not in [i["name"] for i in insp.get_indexes("users")]:
          op.create_index("ix_users_email", "users", ["email"])`), 'from sqlalchemy.dialects import postgresql') });
    assert.deepEqual([guarded.findings, table(guarded, 'users').uncertain, table(guarded, 'users').indexes.map((i) => i.name)], [[], undefined, ["ix_users_email"]]);
    // Both arms return: what follows the test never runs.
    const returned = await replay({ 'v/a.py': BASE, 'v/b.py': rev('b', 'a', `
      insp = sa.inspect(op.get_bind())
      if "x" not in insp.get_table_names():
          if op.get_bind().dialect.name == "postgresql":
              json_t = postgresql.JSONB()
          else:
              json_t = sa.JSON()
          op.create_table("x", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("data", json_t))
          return
      op.drop_table("x")
    `, 'from sqlalchemy.dialects import postgresql') });
    assert.deepEqual([returned.findings, table(returned, 'x').uncertain], [[], undefined]);
  });

  it('leaves a value the two branches of an undecided dialect test bind differently unknown after them (tacker)', async () => {
    const revision = rev('a', null, `
      if op.get_bind().engine.name == "postgresql":
          deleted_type = sa.SmallInteger
          label = "deleted"
      else:
          deleted_type = sa.Boolean
          label = "deleted"
      op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True), sa.Column(label, deleted_type))
    `);
    const unknown = await replay({ 'v/a.py': revision });
    assert.deepEqual(unknown.findings, []);
    // The name both bind alike is known; the type is not, and is not guessed: it is one of the arms' two.
    assert.deepEqual([...table(unknown, 't').columns.values()].map((c) => [c.name, c.unknown, c.typeAlternatives?.map((t) => t.family)]), [['id', undefined, undefined], ['deleted', ['type'], ['SMALLINT', 'BOOLEAN']]]);
    const pg = await replay({ 'v/a.py': revision }, 'postgresql');
    assert.deepEqual(table(pg, 't').columns.get('deleted')?.type?.family, 'SMALLINT');
    // A list both branches grow, each its own way, is unknown too; one only one branch grows keeps its items.
    const lists = await replay({ 'v/a.py': rev('a', null, `
      cols = [sa.Column("id", sa.Integer(), primary_key=True)]
      extra = [sa.Column("id", sa.Integer(), primary_key=True)]
      if op.get_bind().dialect.name == "postgresql":
          cols.append(sa.Column("data", sa.SmallInteger()))
      else:
          cols.append(sa.Column("data", sa.Boolean()))
      if op.get_bind().dialect.name != "postgresql":
          extra.append(sa.Column("note", sa.Text()))
      op.create_table("t", *cols)
      op.create_table("u", *extra)
    `) });
    assert.deepEqual(lists.findings.map((f) => f.code), ['unresolved']);
    assert.deepEqual([...table(lists, 'u').columns.keys()], ['id', 'note']);
  });

  it('takes only the matching branch when the dialect is known', async () => {
    const pg = await replay({ 'v/a.py': BASE, 'v/b.py': DIALECT_BRANCH }, 'postgresql');
    assert.deepEqual([table(pg, 'users').columns.has('tags'), table(pg, 'posts').columns.has('tags')], [true, false]);
    assert.deepEqual([table(pg, 'users').uncertain, table(pg, 'posts').uncertain], [undefined, undefined]);
    const sqlite = await replay({ 'v/a.py': BASE, 'v/b.py': DIALECT_BRANCH }, 'sqlite');
    assert.deepEqual([table(sqlite, 'users').columns.has('tags'), table(sqlite, 'posts').columns.has('tags')], [false, true]);
  });

  it('decides a dialect test made by a helper function, and tests joined with and / or', async () => {
    const r = await replay(
      {
        'v/a.py': BASE,
        'v/b.py': rev('b', 'a', `
          conn = op.get_bind()
          if _is_pg(conn):
              op.add_column("users", sa.Column("pg", sa.Integer()))
          else:
              op.add_column("users", sa.Column("other", sa.Integer()))
          if _is_pg(conn) and conn.dialect.name != "mysql":
              op.add_column("users", sa.Column("both", sa.Integer()))
          if not _is_pg(conn) or conn.dialect.name == "sqlite":
              op.add_column("users", sa.Column("never", sa.Integer()))
        `, 'def _is_pg(conn):\n    return conn.dialect.name == "postgresql"'),
      },
      'postgresql',
    );
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'pg', 'both']);
    assert.equal(table(r, 'users').uncertain, undefined);
  });

  it('sees a dialect test in a helper that takes no argument, and in a helper that returns the dialect name (mealie, endurain)', async () => {
    const files = {
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        if is_postgres():
            op.add_column("users", sa.Column("pg", sa.Integer()))
        if get_db_type() == "sqlite":
            op.add_column("users", sa.Column("lite", sa.Integer()))
        if get_db_dialect() == "mysql":
            op.add_column("users", sa.Column("my", sa.Integer()))
        dialect = get_db_dialect()
        if dialect == "mysql":
            op.add_column("users", sa.Column("my2", sa.Integer()))
      `, 'def is_postgres():\n    return op.get_context().dialect.name == "postgresql"\ndef get_db_type():\n    return op.get_context().dialect.name\ndef get_db_dialect():\n    connection = op.get_bind()\n    dialect = connection.dialect.name\n    return dialect'),
    };
    const sqlite = await replay(files, 'sqlite');
    assert.deepEqual([...table(sqlite, 'users').columns.keys()], ['id', 'email', 'lite']);
    assert.deepEqual([...table(await replay(files, 'mysql'), 'users').columns.keys()], ['id', 'email', 'my', 'my2']);
    assert.equal(table(sqlite, 'users').uncertain, undefined);
    const unknown = await replay(files);
    assert.deepEqual([[...table(unknown, 'users').columns.keys()], table(unknown, 'users').uncertain], [['id', 'email', 'pg', 'lite', 'my', 'my2'], true]);
  });

  it("says that an undecided test is on what the database holds, not its dialect, whether the dialect is known or not (zenml's inspector guards)", async () => {
    const files = {
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        try:
            op.add_column("legacy", sa.Column("flag", sa.Integer()))
        except Exception:
            pass
        tables = sa.inspect(op.get_bind()).get_table_names()
        if "legacy" not in tables:
            op.add_column("users", sa.Column("flag", sa.Integer()))
      `),
    };
    // The history alters a table it never creates, where a failure is swallowed: create_all() may have made it, so
    // the test cannot be decided.
    for (const dialect of [undefined, 'mysql']) {
      const r = await replay(files, dialect);
      assert.deepEqual(r.findings.map((f) => f.code), ['unresolved', 'assumed-baseline'], dialect);
      assert.equal(r.findings[0].message, 'op.add_column: runs only under a condition that could not be decided (a test on what the database holds); table "users" is not compared.');
    }
  });

  it("says that a test of what a query returned is on what the database holds, which no dialect setting decides (fides' row counts)", async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        connection = op.get_bind()
        count = connection.execute(sa.text("SELECT COUNT(*) FROM users")).scalar()
        if count < 1000000:
            op.create_index(op.f("ix_users_email"), "users", ["email"])
        else:
            logger.warning("users is big: create ix_users_email by hand")
        url = str(connection.engine.url)
        if url.startswith("mysql"):
            op.create_index("ix_posts_mysql", "posts", ["id"])
      `),
    });
    assert.deepEqual(r.findings.map((f) => [f.code, f.span[0]]), [['unresolved', 12], ['unresolved', 17]]);
    assert.equal(r.findings[0].message, 'op.create_index: runs only under a condition that could not be decided (a test on what the database holds); index "ix_users_email" of table "users" is not compared.');
    // A test no query's result is in stays one on the dialect (CTFd's), which a configured dialect may decide.
    assert.match(r.findings[1].message, /a test on the database or its dialect; when the dialect is unknown, set sqlalchemy\.url/);
  });

  it("reads a setting named for one database as a test on the dialect: the configured dialect decides it, else what it guards is uncertain (letta's two histories)", async () => {
    const files = {
      'v/a.py': rev('a', null, `
        if not settings.letta_pg_uri_no_default:
            return
        op.create_table("items", sa.Column("id", sa.Integer(), primary_key=True))
      `, 'from app.config import settings'),
      'v/b.py': rev('b', 'a', `
        if settings.letta_pg_uri_no_default:
            return
        op.create_table("items", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_table("sequence", sa.Column("id", sa.Integer(), primary_key=True))
      `, 'from app.config import settings'),
    };
    const unknown = await replay(files);
    assert.deepEqual(codes(unknown.findings), ['unresolved', 'unresolved']);
    assert.match(unknown.findings[1].message, /^op\.create_table: runs only under a condition that could not be decided \(a test on the database or its dialect; .*\); tables? "sequence"/);
    const pg = await replay(files, 'postgresql');
    assert.deepEqual([codes(pg.findings), [...pg.schema.keys()].sort()], [[], ['items']]);
    const sqlite = await replay(files, 'sqlite');
    assert.deepEqual([codes(sqlite.findings), [...sqlite.schema.keys()].sort()], [[], ['items', 'sequence']]);
  });

  it('takes a setting for a database only where its name holds exactly one database word', async () => {
    const parser = await testParser();
    const test = (source: string): unknown => {
      const [statement] = parser.parseModule(source).body;
      return statement.k === 'expr' ? databaseNamedBy(statement.value) : 'not an expression';
    };
    assert.deepEqual(test('not settings.letta_pg_uri_no_default'), { dialect: 'postgresql', negated: true });
    assert.deepEqual(test('USE_SQLITE'), { dialect: 'sqlite', negated: false });
    assert.deepEqual(test('config.isPostgres()'), { dialect: 'postgresql', negated: false });
    assert.deepEqual(test('not not app.mariadb_mode'), { dialect: 'mysql', negated: false });
    for (const other of ['settings.page_size', 'settings.pg_or_sqlite', 'settings.flag', 'is_pg(conn)', 'settings.pg == 1']) assert.equal(test(other), undefined, other);
  });

  it('decides isinstance(bind.dialect, MySQLDialect) and a tuple of dialect classes (superset)', async () => {
    const files = {
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        bind = op.get_bind()
        if isinstance(bind.dialect, MySQLDialect):
            op.add_column("users", sa.Column("my", sa.Integer()))
        if isinstance(op.get_bind().dialect, (postgresql.dialect, SQLiteDialect)):
            op.add_column("users", sa.Column("pg_or_lite", sa.Integer()))
      `, 'from sqlalchemy.dialects import postgresql\nfrom sqlalchemy.dialects.mysql.base import MySQLDialect\nfrom sqlalchemy.dialects.sqlite.base import SQLiteDialect'),
    };
    const mysql = await replay(files, 'mysql');
    assert.deepEqual([[...table(mysql, 'users').columns.keys()], table(mysql, 'users').uncertain], [['id', 'email', 'my'], undefined]);
    const pg = await replay(files, 'postgresql');
    assert.deepEqual([...table(pg, 'users').columns.keys()], ['id', 'email', 'pg_or_lite']);
  });

  it('decides the usual spellings of a dialect test: a bind variable, context, engine.name, in, not, a flag variable, bind and ... (gnocchi)', async () => {
    const r = await replay(
      {
        'v/a.py': BASE,
        'v/b.py': rev('b', 'a', `
          bind = op.get_bind()
          is_sqlite = bind.dialect.name == "sqlite"
          dialect = context.get_context().dialect.name
          if bind.dialect.name != "postgresql":
              op.add_column("users", sa.Column("a", sa.Integer()))
          if not is_sqlite:
              op.add_column("users", sa.Column("b", sa.Integer()))
          if dialect in ("mysql", "postgresql"):
              op.add_column("users", sa.Column("c", sa.Integer()))
          if bind.engine.name not in ["postgresql"]:
              op.add_column("users", sa.Column("d", sa.Integer()))
          if "postgresql" == op.get_context().dialect.name:
              op.add_column("users", sa.Column("e", sa.Integer()))
          elif is_sqlite:
              op.add_column("users", sa.Column("f", sa.Integer()))
          if bind.engine.name == MYSQL_ENGINE:
              op.add_column("users", sa.Column("g", sa.Integer()))
          if POSTGRES == bind.engine.name:
              op.add_column("users", sa.Column("h", sa.Integer()))
          if bind and bind.engine.name == "postgresql":
              op.add_column("users", sa.Column("i", sa.Integer()))
          if bind and bind.engine.name == "mysql":
              op.add_column("users", sa.Column("j", sa.Integer()))
        `, 'from alembic import context\nMYSQL_ENGINE = "mysql"\nPOSTGRES = "postgresql"'),
      },
      'postgresql',
    );
    // A constant is read as the name it holds (neutron's MYSQL_ENGINE).
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'b', 'c', 'e', 'h', 'i']);
    assert.equal(table(r, 'users').uncertain, undefined);
  });

  it('decides a test of the connection itself whatever the dialect: `if not bind: return` never returns (0xCarti)', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        bind = op.get_bind()
        if not bind:
            return
        if sa.inspect(bind).has_table("tags"):
            return
        op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True))
        op.add_column("users", sa.Column("nick", sa.String(20)))
        if bind and bind.engine.name == "postgresql":
            op.add_column("users", sa.Column("pg_only", sa.Integer()))
      `),
    });
    // No dialect is known: the test on the name stays undecided, the one on the connection does not.
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'nick', 'pg_only']);
    assert.equal(table(r, 'tags').uncertain, undefined);
    assert.equal(table(r, 'users').columns.get('nick')!.type?.name, 'String');
    assert.deepEqual(r.findings.map((f) => f.message), ['op.add_column: runs only under a condition that could not be decided (a test on the database or its dialect; when the dialect is unknown, set sqlalchemy.url in alembic.ini, or dialect under [tool.alembic-drift]); table "users" is not compared.']);
  });

  it('treats ops after an early return in an undecided dialect branch as uncertain', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        op.add_column("posts", sa.Column("always", sa.Integer()))
        if op.get_bind().dialect.name != "postgresql":
            return
        op.add_column("users", sa.Column("pg_only", sa.Integer()))
      `),
    });
    assert.deepEqual([table(r, 'posts').uncertain, table(r, 'users').uncertain], [undefined, true]);
    const sqlite = await replay({ 'v/a.py': BASE, 'v/b.py': rev('b', 'a', 'if op.get_bind().dialect.name == "sqlite":\n    return\nop.add_column("users", sa.Column("x", sa.Integer()))') }, 'sqlite');
    assert.equal(table(sqlite, 'users').columns.has('x'), false);
  });

  it('keeps a table that an undecided dialect branch drops, so later ops are not misjudged', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        if op.get_bind().dialect.name == "sqlite":
            op.drop_table("posts")
            op.create_table("posts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("x", sa.Integer()))
        op.add_column("posts", sa.Column("y", sa.Integer()))
      `),
    });
    assert.deepEqual(r.findings.map((f) => `${f.code} ${f.table} ${f.span[0]}`), ['unresolved posts 10']);
    assert.equal(table(r, 'posts').uncertain, true);
  });

  it("leaves uncompared the keys of a table whose foreign keys name a table an undecided dialect branch renames (cuckoo)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("machines", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_table("machines_tags", sa.Column("machine_id", sa.Integer(), sa.ForeignKey("machines.id")))
      `),
      'v/b.py': rev('b', 'a', `
        if op.get_bind().engine.driver == "pysqlite":
            op.rename_table("machines", "old_machines")
            op.drop_table("old_machines")
            op.create_table("machines", sa.Column("id", sa.Integer(), primary_key=True))
      `),
    });
    const keys = table(r, 'machines_tags');
    assert.deepEqual([keys.uncertain, keys.uncertainConstraints], [undefined, true]);
    assert.ok(r.findings.some((f) => f.table === 'machines_tags' && /the foreign keys of table "machines_tags" name the table it renames/.test(f.message)));
    // Renamed back within the revision (SQLite's round trip that rewrites other tables' references): keys compared.
    const roundTrip = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("user", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_table("setting", sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id")))
      `),
      'v/b.py': rev('b', 'a', `
        if op.get_bind().dialect.name == "sqlite":
            op.execute('ALTER TABLE "user" RENAME TO user_old')
            op.execute('ALTER TABLE user_old RENAME TO "user"')
      `),
    });
    assert.equal(table(roundTrip, 'setting').uncertainConstraints, undefined);
    assert.deepEqual(table(roundTrip, 'setting').foreignKeys.map((fk) => fk.refTable), ['user']);
    // Renamed in both branches (SQL in one, rename_table in the other): renamed whichever runs, keys compared.
    const bothBranches = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("parent", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_table("child", sa.Column("parent_id", sa.Integer(), sa.ForeignKey("parent.id")))
      `),
      'v/b.py': rev('b', 'a', `
        if op.get_bind().dialect.name == "postgresql":
            op.execute("ALTER TABLE parent RENAME TO parents")
        else:
            op.rename_table("parent", "parents")
      `),
    });
    assert.equal(table(bothBranches, 'child').uncertainConstraints, undefined);
  });

  it('still compares the columns of a table whose undecided dialect branch only changes its indexes or constraints', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        op.add_column("posts", sa.Column("title", sa.String(200)))
        op.add_column("posts", sa.Column("user_id", sa.Integer()))
        if op.get_bind().engine.name == "mysql":
            op.drop_constraint("fk_posts_user", "posts", type_="foreignkey")
            op.drop_index("ix_posts_title", table_name="posts")
        op.create_index("ix_posts_title", "posts", ["title"])
        op.create_foreign_key("fk_posts_user", "posts", "users", ["user_id"], ["id"])
        if op.get_bind().engine.name == "mysql":
            op.drop_constraint("pk_users", "users")
      `),
    });
    // The later ops on those names are not judged (the branch may not have run); one note per table.
    assert.deepEqual(r.findings.map((f) => `${f.code} ${f.table} ${f.span[0]}`), ['unresolved posts 12', 'unresolved users 17']);
    // A drop of a constraint cannot drop a plain index: those are still compared.
    assert.match(r.findings[0].message, /the constraints and unique indexes of table "posts" are not compared \(its other indexes are\)/);
    assert.deepEqual([table(r, 'posts').uncertain, table(r, 'posts').uncertainConstraints], [undefined, true]);
    // A drop_constraint without type_ may drop the primary key: that is among the constraints left out.
    assert.deepEqual([table(r, 'users').uncertain, table(r, 'users').uncertainConstraints], [undefined, true]);
  });

  it('takes both branches of other tests without uncertainty, and only one when the test is a constant', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        if has_column("users", "x"):
            op.add_column("users", sa.Column("y", sa.Integer()))
        else:
            op.add_column("users", sa.Column("z", sa.Integer()))
        if ENABLE_AUDIT:
            op.create_table("audit", sa.Column("id", sa.Integer()))
        if False:
            op.create_table("never", sa.Column("id", sa.Integer()))
        if has_column("users", "retry_index"):
            op.drop_column("users", "retry_index")
      `, `
        from x import has_column
        ENABLE_AUDIT = True
      `),
    });
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'y', 'z']);
    assert.equal(table(r, 'users').uncertain, undefined);
    assert.deepEqual([...r.schema.keys()], ['users', 'posts', 'audit']);
    // A drop the test guards, of a column that never existed, is not an invalid op: it may well not run.
    assert.deepEqual(r.findings, []);
  });

  it('runs try: bodies without reporting ops that the author expects may fail', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        try:
            op.drop_constraint("users_email_key", "users", type_="unique")
            op.add_column("users", sa.Column("note", sa.Text()))
        except Exception:
            op.create_table("fallback", sa.Column("id", sa.Integer()))
      `),
    });
    assert.deepEqual(r.findings, []);
    assert.ok(table(r, 'users').columns.has('note'));
    assert.equal(r.schema.has('fallback'), false);
  });
});

describe('migrations: tests on what the database holds', () => {
  const TABLES = rev('a', null, `
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "users" not in existing:
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.String(255)))
    else:
        op.drop_column("users", "legacy_flag")
    if "posts" not in existing:
        op.create_table("posts", sa.Column("id", sa.Integer(), primary_key=True))
  `);

  it("decides them as an upgrade of an empty database does, through sets, comprehensions and else branches (open-webui's guards)", async () => {
    const files = {
      'v/a.py': TABLES,
      'v/b.py': rev('b', 'a', `
        inspector = sa.inspect(op.get_bind())
        columns = {c["name"] for c in inspector.get_columns("users")}
        if "email" not in columns:
            op.add_column("users", sa.Column("email", sa.Text()))
        if "bio" not in columns:
            op.add_column("users", sa.Column("bio", sa.Text()))
        names = [c.get("name") for c in inspector.get_columns("posts")]
        if "title" in names and "id" in names:
            op.drop_column("posts", "id")
        elif not "title" in names:
            op.add_column("posts", sa.Column("title", sa.String(80)))
      `),
    };
    for (const dialect of [undefined, 'sqlite']) {
      const r = await replay(files, dialect);
      assert.deepEqual(r.findings.map((f) => f.message), [], dialect);
      assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'bio']);
      assert.equal(table(r, 'users').columns.get('email')!.type?.family, 'VARCHAR');
      assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'title']);
      assert.equal(table(r, 'users').uncertain, undefined);
      assert.equal(table(r, 'posts').uncertain, undefined);
    }
  });

  it("decides all(...) and any(...) of a test over a literal list, in a helper given an engine (agenta's is_initial_setup)", async () => {
    const files = {
      'v/a.py': TABLES,
      'v/b.py': rev('b', 'a', `
        engine = sa.create_engine(context.config.get_main_option("sqlalchemy.url"))
        if is_initial_setup(engine=engine):
            op.create_table("spans", sa.Column("id", sa.Integer(), primary_key=True))
        else:
            op.add_column("users", sa.Column("legacy", sa.Integer()))
        if any(t in sa.inspect(engine).get_table_names() for t in ["nope", "posts"]):
            op.add_column("posts", sa.Column("seen", sa.Integer()))
      `, `
        from alembic import context


        def is_initial_setup(engine):
            inspector = sa.inspect(engine)
            required_tables = ["users", "posts", "spans"]
            existing_tables = inspector.get_table_names()
            all_tables_exist = all(table in existing_tables for table in required_tables)
            return not all_tables_exist
      `),
    };
    const r = await replay(files, 'postgresql');
    assert.deepEqual(r.findings.map((f) => f.message), []);
    assert.ok(r.schema.has('spans'));
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email']);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'seen']);
  });

  it("decides queries of information_schema and pg_indexes a revision runs itself, with bind parameters (skyvern, onyx)", async () => {
    const files = {
      'v/a.py': TABLES,
      'v/b.py': rev('b', 'a', `
        conn = op.get_bind()
        result = conn.execute(sa.text("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'users' AND column_name = 'email'"))
        if not result.fetchone():
            op.add_column("users", sa.Column("email", sa.Text()))
        has_bio = conn.execute(sa.text("SELECT column_name FROM information_schema.columns c WHERE c.table_name = 'users' AND c.column_name = 'bio'")).first() is not None
        if not has_bio:
            op.add_column("users", sa.Column("bio", sa.Text()))
        for table in reversed(("users", "posts")):
            if not _column_exists(table):
                op.add_column(table, sa.Column("tenant", sa.Integer()))
        if conn.execute(sa.text("SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 'users')")).scalar():
            op.add_column("users", sa.Column("seen", sa.Boolean()))
        if not conn.execute(sa.text("SELECT count(*) FROM pg_indexes WHERE tablename = 'posts' AND indexname = 'ix_posts_tenant'")).scalar():
            op.create_index("ix_posts_tenant", "posts", ["tenant"])
        if conn.execute(sa.text("SELECT count(*) FROM pg_indexes WHERE tablename = 'posts' AND indexname = 'ix_posts_tenant'")).fetchone():
            op.add_column("posts", sa.Column("counted_row", sa.Integer()))
      `, `
        def _column_exists(table):
            result = op.get_bind().execute(
                sa.text("SELECT 1 FROM information_schema.columns WHERE table_name = :table_name AND column_name = :column_name"),
                {"table_name": table, "column_name": "tenant"},
            )
            return result.first() is not None
      `),
    };
    const r = await replay(files, 'postgresql');
    assert.deepEqual(r.findings.map((f) => f.message), ['op.add_column: runs only under a condition that could not be decided (a test on what the database holds); table "posts" is not compared.']);
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'bio', 'tenant', 'seen']);
    assert.equal(table(r, 'users').columns.get('email')!.type?.family, 'VARCHAR');
    assert.deepEqual(table(r, 'posts').indexes.map((i) => i.name), ['ix_posts_tenant']);
    assert.equal(table(r, 'users').uncertain, undefined);
    // A count fetched as a row is a row whatever the count: that test is not decided.
    assert.equal(table(r, 'posts').uncertain, true);
  });

  it('decides a helper that loops over what the database lists and returns True on a match, False after (InvoiceManager)', async () => {
    const r = await replay({
      'v/a.py': TABLES,
      'v/b.py': rev('b', 'a', `
        if not _index_exists("users", "ix_users_email"):
            op.create_index("ix_users_email", "users", ["email"])
        if _table_exists("archive"):
            op.drop_table("users")
      `, `
        def _index_exists(table_name, index_name):
            inspector = sa.inspect(op.get_bind())
            for index in inspector.get_indexes(table_name):
                if index.get("name") == index_name:
                    return True
            return False

        def _table_exists(name):
            for table in sa.inspect(op.get_bind()).get_table_names():
                if table == name:
                    return True
            return False
      `),
    });
    assert.deepEqual(r.findings.map((f) => f.message), []);
    assert.deepEqual(table(r, 'users').indexes.map((i) => i.name), ['ix_users_email']);
  });

  it('decides each test on a set of column names read once, after ops on other columns of its table (InvoiceManager)', async () => {
    const r = await replay({
      'v/a.py': TABLES,
      'v/b.py': rev('b', 'a', `
        inspector = sa.inspect(op.get_bind())
        columns = _column_names(inspector, "users")
        if "nickname" not in columns:
            op.add_column("users", sa.Column("nickname", sa.String(20)))
        if "email" not in columns:
            op.add_column("users", sa.Column("email_twice", sa.String(20)))
        if "bio" not in columns:
            op.add_column("users", sa.Column("bio", sa.Text()))
        op.alter_column("users", "bio", new_column_name="about")
        if "about" not in columns:
            op.add_column("users", sa.Column("about_again", sa.Text()))
      `, `
        def _column_names(inspector, table_name):
            return {column["name"] for column in inspector.get_columns(table_name)}
      `),
    });
    // The set was read before "about" was made by a rename: that test stays open.
    assert.deepEqual(r.findings.map((f) => f.code), ['unresolved']);
    assert.deepEqual([...table(r, 'users').columns.keys()].slice(0, 4), ['id', 'email', 'nickname', 'about']);
  });

  it("decides the rows fetchall() gives of a catalog query, and an engine's has_table() (sync-engine)", async () => {
    const r = await replay({
      'v/a.py': TABLES,
      'v/b.py': rev('b', 'a', `
        conn = op.get_bind()
        res = conn.execute(text("SELECT * FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'users' AND COLUMN_NAME = 'nickname' AND TABLE_SCHEMA = DATABASE()"))
        if res.fetchall() == []:
            conn.execute(text("ALTER TABLE users ADD COLUMN nickname varchar(16)"))
        res = conn.execute(text("SELECT * FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'users' AND COLUMN_NAME = 'email'"))
        if not res.fetchall():
            op.add_column("users", sa.Column("email_again", sa.String(50)))
        if conn.execute(text("SELECT 1 FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'posts'")).fetchall() != []:
            op.add_column("posts", sa.Column("seen", sa.Boolean()))
        engine = main_engine(pool_size=1)
        if not engine.has_table("archive"):
            return
        op.drop_table("posts")
      `, `
        from sqlalchemy.sql import text
        from app.ignition import main_engine
      `),
    }, 'mysql');
    assert.deepEqual(r.findings.map((f) => f.message), []);
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'nickname']);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'seen']);
  });

  it('reads op.create_table(*args): a list of the name and items, a helper that passes its own *args on (quetz, nbgrader)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        users_args = [
            "users",
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("email", sa.String(50), nullable=False),
        ]
        op.create_table(*users_args)
        _get_or_create_table("posts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("title", sa.Text()))
      `, `
        def _get_or_create_table(*args):
            table_exists = op.get_context().dialect.has_table(op.get_bind(), args[0])
            if not table_exists:
                table = op.create_table(*args)
            else:
                table = sa.sql.table(*args)
            return table
      `),
    });
    assert.deepEqual(r.findings.map((f) => f.message), []);
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email']);
    assert.deepEqual([...table(r, 'posts').columns.keys(), table(r, 'posts').uncertain], ['id', 'title', undefined]);
  });

  it('makes up no column for a guarded rename of one a known table lacks (backend.ai backports one rename to two branches)', async () => {
    const body = `
      columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("u")}
      if "amount" in columns and "resource_usage" not in columns:
          op.alter_column("u", "amount", new_column_name="resource_usage", type_=sa.Numeric())
      if "duration_seconds" in columns:
          op.drop_column("u", "duration_seconds")
    `;
    const r = await replay({
      'v/a.py': rev('a', null, 'op.create_table("u", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("amount", sa.Numeric(24, 6)), sa.Column("duration_seconds", sa.Integer()))'),
      'v/b1.py': rev('b1', 'a', body),
      'v/b2.py': rev('b2', 'a', body),
      'v/m.py': rev('m', ['b1', 'b2'], 'pass'),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual([...table(r, 'u').columns.keys()], ['id', 'resource_usage']);
  });

  it('decides has_table() in a helper, any() over get_indexes(), and what follows an early return', async () => {
    const r = await replay({
      'v/a.py': TABLES,
      'v/b.py': rev('b', 'a', `
        if _exists("posts"):
            return
        op.add_column("posts", sa.Column("never", sa.Integer()))
      `, 'def _exists(name):\n    inspector = sa.inspect(op.get_bind())\n    return inspector.has_table(name)'),
      'v/c.py': rev('c', 'b', `
        insp = sa.inspect(op.get_bind())
        if insp.has_table("archive"):
            return
        op.create_table("archive", sa.Column("id", sa.Integer(), primary_key=True))
        if not any(ix["name"] == "ix_users_email" for ix in insp.get_indexes("users")):
            op.create_index("ix_users_email", "users", ["email"])
        op.create_index("ix_users_id", "users", ["id"])
        if "ix_users_other" not in {ix["name"] for ix in insp.get_indexes("users")}:
            op.create_index("ix_users_other", "users", ["email"])
        if not _index_exists("users", "ix_users_id"):
            op.create_index("ix_users_id_twice", "users", ["id"])
        if not _index_exists("archive", "ix_archive_id"):
            op.create_index("ix_archive_id", "archive", ["id"])
      `, `
        def _index_exists(table, name):
            if table not in sa.inspect(op.get_bind()).get_table_names():
                return False
            return name in {ix["name"] for ix in sa.inspect(op.get_bind()).get_indexes(table)}
      `),
    });
    assert.deepEqual(r.findings.map((f) => f.message), []);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id']);
    assert.deepEqual([...table(r, 'archive').columns.keys()], ['id']);
    // A helper that returns False early when the table is missing, then tests the index.
    assert.deepEqual(table(r, 'archive').indexes.map((i) => i.name), ['ix_archive_id']);
    // Read before ix_users_email and ix_users_id were made: other indexes made since do not change what it finds.
    assert.deepEqual(table(r, 'users').indexes.map((i) => i.name), ['ix_users_email', 'ix_users_id', 'ix_users_other']);
  });

  it('decides tests on the names of foreign keys, unique and check constraints the Inspector lists (airflow 2.10.3)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("dag", sa.Column("dag_id", sa.String(250), primary_key=True))
        op.create_table("alias", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_table(
            "ref",
            sa.Column("alias_id", sa.Integer(), primary_key=True),
            sa.Column("dag_id", sa.String(250), primary_key=True),
            sa.Column("code", sa.String(20)),
            sa.ForeignKeyConstraint(["alias_id"], ["alias.id"], name="ref_alias_fkey", ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["dag_id"], ["dag.dag_id"], name="ref_dag_id_fkey", ondelete="CASCADE"),
            sa.UniqueConstraint("code", name="uq_ref_code"),
            sa.CheckConstraint("code <> ''", name="ck_ref_code"),
        )
        op.create_table("plain", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("dag_id", sa.String(250), sa.ForeignKey("dag.dag_id")))
      `),
      'v/b.py': rev('b', 'a', `
        insp = inspect(op.get_bind())
        fk_constraints = [fk["name"] for fk in insp.get_foreign_keys("ref")]
        with op.batch_alter_table("ref") as batch_op:
            if "ref_alias_fkey" in fk_constraints:
                batch_op.drop_constraint("ref_alias_fkey", type_="foreignkey")
                batch_op.create_foreign_key("ref_alias_id_fkey", "alias", ["alias_id"], ["id"], ondelete="CASCADE")
            if "ref_dag_fkey" in fk_constraints:
                batch_op.drop_constraint("ref_dag_id_fkey", type_="foreignkey")
        if not any(u["name"] == "uq_ref_code" for u in insp.get_unique_constraints("ref")):
            op.create_unique_constraint("uq_ref_code_twice", "ref", ["code"])
        if "ck_ref_code" in {c["name"] for c in insp.get_check_constraints("ref")}:
            op.drop_constraint("ck_ref_code", "ref", type_="check")
        if "plain_dag_id_fkey" in [fk["name"] for fk in insp.get_foreign_keys("plain")]:
            op.drop_constraint("plain_dag_id_fkey", "plain", type_="foreignkey")
      `, 'from sqlalchemy import inspect'),
    });
    assert.deepEqual(r.findings.filter((f) => f.severity !== 'information').map((f) => f.message), []);
    const ref = table(r, 'ref');
    assert.deepEqual(ref.foreignKeys.map((fk) => fk.name), ['ref_dag_id_fkey', 'ref_alias_id_fkey']);
    assert.deepEqual(ref.uniques.map((u) => u.name), ['uq_ref_code']);
    assert.deepEqual(ref.checks.map((c) => c.name), []);
    // An unnamed foreign key's name is the database's own (SQLite has none): the test is not decided.
    assert.equal(table(r, 'plain').uncertainConstraints, true);
    assert.deepEqual(r.findings.map((f) => f.message), ['op.drop_constraint: runs only under a condition that could not be decided (a test on what the database holds); the constraints and unique indexes of table "plain" are not compared (its other indexes are).']);
  });

  it('decides whether a table has a unique constraint of exactly some columns, by the column_names the Inspector lists (langflow)', async () => {
    const history = (dialect: string | undefined) => replay({
      'v/a.py': rev('a', null, `
        op.create_table("members", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("tenant_id", sa.Integer()), sa.Column("email", sa.String(100)), sa.UniqueConstraint("tenant_id", "id"))
        op.create_index("ix_members_email", "members", ["email"], unique=True)
        op.create_table("audit", sa.Column("id", sa.Integer(), primary_key=True))
      `),
      'v/b.py': rev('b', 'a', `
        insp = sa.inspect(op.get_bind())
        if not any(c["column_names"] == ["tenant_id", "id"] for c in insp.get_unique_constraints("members")):
            op.add_column("audit", sa.Column("made_pair", sa.Integer()))
        if not any(c["column_names"] == ["id", "tenant_id"] for c in insp.get_unique_constraints("members")):
            op.add_column("audit", sa.Column("other_order", sa.Integer()))
        if any(c.get("column_names") == ["email"] for c in insp.get_unique_constraints("members")):
            op.add_column("audit", sa.Column("listed_index", sa.Integer()))
      `),
    }, dialect);
    // The pair in the other order is no such constraint; a unique index is one on MySQL alone.
    assert.deepEqual([...table(await history('postgresql'), 'audit').columns.keys()], ['id', 'other_order']);
    assert.deepEqual([...table(await history('mysql'), 'audit').columns.keys()], ['id', 'other_order', 'listed_index']);
    // Where the database is not known, the unique index may be listed or not: the op is taken as it may have run.
    assert.deepEqual([...table(await history(undefined), 'audit').columns.keys()], ['id', 'other_order', 'listed_index']);
  });

  it("decides whether a table has a primary key by the constrained_columns the Inspector's get_pk_constraint lists (neutron-fwaas)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("port_links", sa.Column("group_id", sa.String(36), nullable=False), sa.Column("port_id", sa.String(36), nullable=False))
        op.create_table("groups", sa.Column("id", sa.String(36), primary_key=True))
      `),
      'v/b.py': rev('b', 'a', `
        insp = reflection.Inspector.from_engine(op.get_bind().engine)
        if "port_links" not in insp.get_table_names():
            return
        pk = insp.get_pk_constraint("port_links")
        if not pk["constrained_columns"]:
            op.create_primary_key("pk_port_links", "port_links", ["group_id", "port_id"])
        if not insp.get_pk_constraint("groups").get("constrained_columns"):
            op.create_primary_key("pk_groups_again", "groups", ["id"])
      `, 'from sqlalchemy.engine import reflection'),
    });
    assert.deepEqual(r.findings.map((f) => f.message), []);
    assert.deepEqual(table(r, 'port_links').primaryKey, ['group_id', 'port_id']);
    assert.equal(table(r, 'port_links').primaryKeyName, 'pk_port_links');
    assert.equal(table(r, 'groups').primaryKeyName, undefined);
  });

  it('leaves a test on a primary key undecided when an op since the read may have changed it', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, 'op.create_table("links", sa.Column("a", sa.Integer(), nullable=False), sa.Column("b", sa.Integer(), nullable=False))'),
      'v/b.py': rev('b', 'a', `
        pk = sa.inspect(op.get_bind()).get_pk_constraint("links")
        op.create_primary_key("pk_links", "links", ["a"])
        if not pk["constrained_columns"]:
            op.add_column("links", sa.Column("c", sa.Integer()))
      `),
    });
    // The Inspector read the table before the key was made: the test finds none, which the replay cannot see from the
    // table as it is now.
    assert.deepEqual(r.findings.map((f) => f.code), ['unresolved']);
  });

  it('takes a unique constraint made only when a test finds none of its columns as made, whichever way the test goes', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, 'op.create_table("teams", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("tenant_id", sa.Integer()))'),
      'v/b.py': rev('b', 'a', `
        if op.get_bind().dialect.name == "mysql":
            op.create_unique_constraint("uq_teams_mysql", "teams", ["id"])
        unique = sa.inspect(op.get_bind()).get_unique_constraints("teams")
        if not any(c["column_names"] == ["tenant_id", "id"] for c in unique):
            op.create_unique_constraint("uq_teams_tenant_id", "teams", ["tenant_id", "id"])
      `),
    });
    // The constraint made on MySQL alone leaves the test undecided; the one the test guards is there either way.
    assert.deepEqual(table(r, 'teams').uniques.map((u) => u.name), ['uq_teams_mysql', 'uq_teams_tenant_id']);
    assert.deepEqual(r.findings.map((f) => f.code), ['unresolved']);
    assert.match(r.findings[0].message, /a test on the database or its dialect/);
  });

  it("decides pg_type asked for an enum type a column uses, and leaves one no column uses undecided (backend.ai)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("sessions", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("result", sa.Enum("OK", "FAILED", name="sessionresults")))
      `),
      'v/b.py': rev('b', 'a', `
        conn = op.get_bind()
        if conn.exec_driver_sql("SELECT 1 FROM pg_type WHERE typname = 'sessionresults'").fetchone() is not None:
            conn.exec_driver_sql("ALTER TYPE sessionresults RENAME TO sessionresult")
        if conn.exec_driver_sql("SELECT 1 FROM pg_type WHERE typname = 'orphan' AND typtype = 'e'").fetchone() is not None:
            op.add_column("sessions", sa.Column("note", sa.String()))
      `),
    }, 'postgresql');
    const sessions = table(r, 'sessions');
    assert.equal(sessions.columns.get('result')!.type?.enumName, 'sessionresult');
    // SQLAlchemy quotes a name not all lower case: pg_type holds "JobState", which typname = 'jobstate' does not find.
    const quoted = await replay({
      'v/a.py': rev('a', null, 'op.create_table("jobs", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("state", sa.Enum("A", name="JobState")))'),
      'v/b.py': rev('b', 'a', `
        if op.get_bind().exec_driver_sql("SELECT 1 FROM pg_type WHERE typname = 'jobstate'").fetchone() is None:
            op.add_column("jobs", sa.Column("note", sa.String()))
      `),
    }, 'postgresql');
    assert.deepEqual(codes(quoted.findings), ['unresolved']);
    // A type no column uses may exist (made with CREATE TYPE, or left by a dropped table): that column is not known.
    assert.deepEqual(r.findings.map((f) => f.message), ['op.add_column: runs only under a condition that could not be decided (a test on what the database holds); table "sessions" is not compared.']);
  });

  it("decides pg_indexes asked for an index name alone, fetched with first()[0], over every table of the schema", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.String(50)))'),
      'v/b.py': rev('b', 'a', `
        bind = op.get_bind()
        if not bind.execute(sa.text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_users_email'")).first()[0]:
            op.create_index("ix_users_email", "users", ["email"])
        if bind.execute(sa.text("SELECT count(*) FROM pg_indexes WHERE indexname = 'users_pkey'")).first()[0]:
            op.add_column("users", sa.Column("pk_seen", sa.Integer()))
        if bind.execute(sa.text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_nowhere'")).scalar():
            op.add_column("users", sa.Column("never", sa.Integer()))
      `),
    }, 'postgresql');
    assert.deepEqual(r.findings.map((f) => f.message), []);
    const users = table(r, 'users');
    assert.deepEqual([...users.columns.keys()], ['id', 'email', 'pk_seen']);
    assert.deepEqual(users.indexes.map((i) => i.name), ['ix_users_email']);
    // With no schemaname, pg_indexes lists the indexes of every schema.
    const schemas = await replay({
      'v/a.py': rev('a', null, 'op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("a", sa.Integer()), schema="other")\nop.create_index("ix_t_a", "t", ["a"], schema="other")'),
      'v/b.py': rev('b', 'a', `
        if op.get_bind().execute(sa.text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_t_a'")).scalar():
            op.add_column("t", sa.Column("b", sa.Integer()), schema="other")
        if op.get_bind().execute(sa.text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_t_a' AND schemaname = 'public'")).scalar():
            op.add_column("t", sa.Column("c", sa.Integer()), schema="other")
      `),
    }, 'postgresql');
    assert.deepEqual([schemas.findings, [...table(schemas, 'other.t').columns.keys()]], [[], ['id', 'a', 'b']]);
  });

  it("leaves out only the foreign key an op that may not run makes, and decides dialect.supports_alter where the dialect is known (storyboard)", async () => {
    const files = { 'v/a.py': BASE, 'v/b.py': rev('b', 'a', `
      op.add_column("posts", sa.Column("user_id", sa.Integer()))
      op.add_column("posts", sa.Column("editor_id", sa.Integer()))
      dialect = op.get_bind().engine.dialect
      if dialect.supports_alter:
          op.create_foreign_key("fk_posts_user", "posts", "users", ["user_id"], ["id"])
    `) };
    const unknown = await replay(files);
    assert.deepEqual(unknown.findings.map((f) => f.message.replace(/ \(a test[^)]*\)/, '')), ['op.create_foreign_key: runs only under a condition that could not be decided; foreign key (user_id) -> users of table "posts" is not compared.']);
    assert.deepEqual([table(unknown, 'posts').uncertainConstraints, table(unknown, 'posts').foreignKeys.map((fk) => [fk.columns, fk.inDoubt])], [undefined, [[['user_id'], true]]]);
    // The doubt is the key's: it follows a rename of the table it refers to, and goes with a sure drop of the key.
    const later = async (upgrade: string): Promise<string[]> => (await replay({ ...files, 'v/c.py': rev('c', 'b', upgrade) })).findings.map((f) => f.message.replace(/ \(a test[^)]*\)/, ''));
    assert.deepEqual(await later('op.rename_table("users", "accounts")'), ['op.create_foreign_key: runs only under a condition that could not be decided; foreign key (user_id) -> accounts of table "posts" is not compared.']);
    assert.deepEqual(await later('op.drop_constraint("fk_posts_user", "posts", type_="foreignkey")'), []);
    for (const [dialect, keys] of [['sqlite', 0], ['postgresql', 1]] as const) {
      const known = await replay(files, dialect);
      assert.deepEqual([known.findings, table(known, 'posts').foreignKeys.length], [[], keys], dialect);
    }
  });

  it('leaves out only the indexes an op that may not run makes, named in one note per op and table (ironic, gns3-server)', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        count = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM users")).scalar()
        for name, column in [("ix_users_a", "id"), ("ix_users_b", "email")]:
            if count < 1000000:
                op.create_index(name, "users", [column])
        op.create_index("ix_posts_id", "posts", ["id"])
      `),
    });
    assert.deepEqual(r.findings.map((f) => f.message.replace(/ \(a test.*\)/, '')), ['op.create_index: runs only under a condition that could not be decided; indexes "ix_users_a", "ix_users_b" of table "users" are not compared.']);
    // The table's other indexes and its constraints are compared.
    assert.deepEqual([table(r, 'users').uncertainConstraints, table(r, 'users').indexesInDoubt], [undefined, ['ix_users_a', 'ix_users_b']]);
    // The doubt goes with the table when it is renamed, and away with it when it is dropped and made anew; a sure op
    // on the index settles it.
    const later = (upgrade: string): Promise<Awaited<ReturnType<typeof replay>>> => replay({ 'v/a.py': BASE, 'v/b.py': rev('b', 'a', `
      count = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM users")).scalar()
      if count < 1000000:
          op.create_index("ix_users_a", "users", ["id"])
    `), 'v/c.py': rev('c', 'b', upgrade) });
    const renamed = await later('op.rename_table("users", "accounts")');
    assert.deepEqual([table(renamed, 'accounts').indexesInDoubt, renamed.findings.map((f) => f.message.replace(/.*; /, ''))], [['ix_users_a'], ['index "ix_users_a" of table "accounts" is not compared.']]);
    const remade = await later('op.drop_table("users")\nop.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))');
    assert.deepEqual([table(remade, 'users').indexesInDoubt, remade.findings], [undefined, []]);
    for (const drop of ['op.drop_index("ix_users_a", table_name="users")', 'op.drop_index("ix_users_a")']) {
      const dropped = await later(drop);
      assert.deepEqual([table(dropped, 'users').indexesInDoubt, dropped.findings], [[], []], drop);
    }
  });

  it('takes an index made only where it is missing, or dropped only where it is there, as certain though the test is not decided (copr)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.String(50)), sa.Column("name", sa.String(50)))
        op.create_index("ix_users_name", "users", ["name"])
        op.create_table("posts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("title", sa.String(50)))
        op.add_column("legacy", sa.Column("x", sa.Integer()))
      `),
      'v/b.py': rev('b', 'a', `
        bind = op.get_bind()
        if _index_missing(bind, "ix_users_email"):
            op.create_index("ix_users_email", "users", ["email"])
        if not _index_missing(bind, "ix_users_old"):
            op.drop_index("ix_users_old", "users")
        if _index_missing(bind, "ix_posts_other"):
            op.create_index("ix_posts_title", "posts", ["title"])
      `, `
        def _index_missing(bind, index_name):
            return not (
                bind.execute("SELECT count(*) FROM pg_indexes "
                             "WHERE indexname = '{}'".format(index_name))
                .first()[0]
            )
      `),
    }, 'postgresql');
    // The history alters a table it never creates: a table made outside it may hold any index, so no test is decided.
    assert.deepEqual(codes(r.findings).sort(), ['assumed-baseline', 'unresolved']);
    // Only an index made where another is missing is in doubt.
    assert.match(r.findings.find((f) => f.code === 'unresolved')!.message, /^op\.create_index: runs only under a condition that could not be decided .*; index "ix_posts_title" of table "posts" is not compared\.$/);
    const users = table(r, 'users');
    assert.deepEqual([users.indexes.map((i) => i.name), users.uncertainConstraints, table(r, 'posts').uncertainConstraints], [['ix_users_name', 'ix_users_email'], undefined, undefined]);
    assert.deepEqual(table(r, 'posts').indexesInDoubt, ['ix_posts_title']);
  });

  it('takes the table a revision creates after dropping it where the database may have it (mistral: made by create_all)', async () => {
    const r = await replay({
      'v/a.py': TABLES,
      'v/b.py': rev('b', 'a', `
        inspect = reflection.Inspector.from_engine(op.get_bind())
        if "scheduled_jobs" in inspect.get_table_names():
            op.drop_table("scheduled_jobs")
        op.create_table("scheduled_jobs", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("run_after", sa.Integer()))
      `, 'from sqlalchemy.engine import reflection'),
    }, 'sqlite');
    // The drop runs where the table was made outside the migrations; either way the create succeeds, and makes it.
    assert.deepEqual(r.findings.filter((f) => f.severity === 'warning').map((f) => f.message), []);
    assert.deepEqual([...table(r, 'scheduled_jobs').columns.keys()], ['id', 'run_after']);
    assert.equal(table(r, 'scheduled_jobs').partial, undefined);
  });

  it('leaves a test undecided when an op on its table ran since the names were read, until clear_cache() reads them anew', async () => {
    const r = await replay({
      'v/a.py': TABLES,
      'v/b.py': rev('b', 'a', `
        insp = sa.inspect(op.get_bind())
        tables = insp.get_table_names()
        op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True))
        if "tags" not in tables:
            op.add_column("tags", sa.Column("stale", sa.Integer()))
        insp.clear_cache()
        if "tags" in insp.get_table_names():
            op.add_column("users", sa.Column("fresh", sa.Integer()))
      `),
    }, 'sqlite');
    assert.deepEqual(r.findings.map((f) => f.message), ['op.add_column: runs only under a condition that could not be decided (a test on what the database holds); table "tags" is not compared.']);
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'fresh']);
    assert.equal(table(r, 'users').uncertain, undefined);
  });

  it("dates what an Inspector reads to when it first asks for it, not to when it was made (quay's index guards after its table guard)", async () => {
    const files = (): Record<string, string> => ({
      'v/a.py': rev('a', null, `
        inspector = Inspector.from_engine(op.get_bind())
        if "blobs" not in inspector.get_table_names():
            op.create_table("blobs", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("digest", sa.String(64)))
        indexes = inspector.get_indexes("blobs")
        if not "ix_blobs_digest" in [i["name"] for i in indexes]:
            op.create_index("ix_blobs_digest", "blobs", ["digest"])
      `, 'from sqlalchemy.engine.reflection import Inspector'),
    });
    const fresh = await replay(files());
    assert.deepEqual([fresh.findings, table(fresh, 'blobs').indexes.map((i) => i.name), table(fresh, 'blobs').uncertainConstraints], [[], ['ix_blobs_digest'], undefined]);
    // A read the Inspector made before an op changed what it reads is kept: what the test finds is not known here.
    const kept = await replay({
      'v/a.py': rev('a', null, `
        inspector = Inspector.from_engine(op.get_bind())
        op.create_table("blobs", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("digest", sa.String(64)))
        before = inspector.get_indexes("blobs")
        op.create_index("ix_blobs_id", "blobs", ["id"])
        if "ix_blobs_id" not in [i["name"] for i in inspector.get_indexes("blobs")]:
            op.create_index("ix_blobs_id", "blobs", ["id"])
      `, 'from sqlalchemy.engine.reflection import Inspector'),
    });
    assert.deepEqual(kept.findings.map((f) => f.message.replace(/ \(.*/, '')), ['op.create_index: runs only under a condition that could not be decided']);
  });

  it("leaves a test undecided where the database may not be what the replay holds (review of open-webui's guards)", async () => {
    const undecided = async (upgrade: string, prelude = ''): Promise<string[]> => {
      const r = await replay({ 'v/a.py': TABLES, 'v/b.py': rev('b', 'a', upgrade, prelude) }, 'sqlite');
      return r.findings.map((f) => f.message.replace(/ \(a test on what the database holds\)/, '').replace(/;.*/, ''));
    };
    const UNDECIDED = 'op.add_column: runs only under a condition that could not be decided';
    // A cache cleared, or the names read anew, in one branch only: after the `if` they may be the earlier ones.
    assert.deepEqual(await undecided(`
      insp = sa.inspect(op.get_bind())
      if "audit" not in insp.get_table_names():
          op.create_table("audit", sa.Column("id", sa.Integer(), primary_key=True))
      else:
          insp.clear_cache()
      if "audit" in insp.get_table_names():
          op.add_column("users", sa.Column("audit_id", sa.Integer()))
    `), [UNDECIDED]);
    // A helper that may return before its last line (read as its last line, "audit" would lack "bio"), or whose
    // result a decorator may cache.
    assert.deepEqual(await undecided(`
      if column_missing("audit", "bio"):
          op.add_column("audit", sa.Column("bio", sa.Text()))
      if "posts" in cached_tables():
          op.add_column("posts", sa.Column("title", sa.Text()))
    `, `
      import functools
      def column_missing(table, column):
          insp = sa.inspect(op.get_bind())
          if table not in insp.get_table_names():
              return False
          return column not in {c["name"] for c in insp.get_columns(table)}
      @functools.lru_cache
      def cached_tables():
          return sa.inspect(op.get_bind()).get_table_names()
    `), [UNDECIDED, 'The migrations alter a table that no revision creates ("audit")']);
    // A table an op that may not have run (in a try: body) touched; a batch's ops, which run when the block ends.
    assert.deepEqual(await undecided(`
      try:
          op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True))
      except Exception:
          pass
      if "tags" in sa.inspect(op.get_bind()).get_table_names():
          op.add_column("users", sa.Column("tag_id", sa.Integer()))
      with op.batch_alter_table("posts") as batch_op:
          batch_op.add_column(sa.Column("slug", sa.String(80)))
          if "slug" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("posts")}:
              op.add_column("posts", sa.Column("slugs", sa.Integer()))
    `), [UNDECIDED, UNDECIDED]);
    // An index name a unique constraint may have (PostgreSQL lists its index), and a dotted name.
    const unique = await replay({
      'v/a.py': rev('a', null, 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.String(80)), sa.UniqueConstraint("email", name="uq_users_email"))'),
      'v/b.py': rev('b', 'a', `
        insp = sa.inspect(op.get_bind())
        if "uq_users_email" not in {ix["name"] for ix in insp.get_indexes("users")}:
            op.create_index("ix_users_email", "users", ["email"])
        if "public.users" in insp.get_table_names():
            op.add_column("users", sa.Column("public", sa.Integer()))
      `),
    }, 'postgresql');
    assert.deepEqual(unique.findings.map((f) => f.message.replace(/;.*/, '')), ['op.create_index: runs only under a condition that could not be decided (a test on what the database holds)', UNDECIDED + ' (a test on what the database holds)']);
    // The name PostgreSQL gave an unnamed unique constraint's index, which a rename of the table keeps.
    const renamed = await replay({
      'v/a.py': rev('a', null, 'op.create_table("accounts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.String(80)), sa.UniqueConstraint("email"))\nop.rename_table("accounts", "users")'),
      'v/b.py': rev('b', 'a', `
        if "accounts_email_key" in [i["name"] for i in sa.inspect(op.get_bind()).get_indexes("users")]:
            op.add_column("users", sa.Column("flag", sa.Integer()))
        if "ix_users_email" not in [i["name"] for i in sa.inspect(op.get_bind()).get_indexes("users")]:
            op.create_index("ix_users_email", "users", ["email"])
      `),
    }, 'postgresql');
    assert.deepEqual(renamed.findings.map((f) => f.message.replace(/;.*/, '')), [UNDECIDED + ' (a test on what the database holds)']);
    assert.deepEqual(table(renamed, 'users').indexes.map((i) => i.name), ['ix_users_email']);
  });

  it('skips the rest of a loop pass after `if <test>: continue`', async () => {
    const r = await replay({
      'v/a.py': TABLES,
      'v/b.py': rev('b', 'a', `
        tables = sa.inspect(op.get_bind()).get_table_names()
        for name in ["users", "audit", "posts"]:
            if name in tables:
                continue
            op.create_table(name, sa.Column("id", sa.Integer(), primary_key=True))
        for column in ["email", "bio"]:
            if column == "email":
                continue
            op.add_column("users", sa.Column(column, sa.Text()))
      `),
    });
    assert.deepEqual(r.findings.map((f) => f.message), []);
    assert.deepEqual([...r.schema.keys()].sort(), ['audit', 'posts', 'users']);
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'bio']);
  });

  it("knows that alembic_version exists while a revision runs (mindsdb's checkpoint)", async () => {
    const r = await replay({
      'v/a.py': TABLES,
      'v/b.py': rev('b', 'a', `
        if "alembic_version" in sa.inspect(op.get_bind()).get_table_names():
            return
        op.drop_table("users")
      `),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email']);
  });

  it("knows that alembic_version has a primary key (neutron's pk_on_alembic_version_table)", async () => {
    const r = await replay({
      'v/a.py': TABLES,
      'v/b.py': rev('b', 'a', `
        pk = sa.inspect(op.get_bind()).get_pk_constraint("alembic_version")
        if not pk["constrained_columns"]:
            op.create_primary_key(op.f("pk_alembic_version"), "alembic_version", ["version_num"])
      `),
    });
    assert.deepEqual(r.findings, []);
  });

  it('stops inlining helpers that call helpers several times each (exponential), and reads the ops after them', async () => {
    const helpers = Array.from({ length: 9 }, (_, i) => `def f${i}(x):\n${Array.from({ length: 8 }, (__, j) => `    v${j} = f${i + 1}(x)\n`).join('')}    return v0\n`).join('') + 'def f9(x):\n    return x\n';
    const r = await replay({ 'v/a.py': TABLES, 'v/b.py': rev('b', 'a', 'f0("users")\nop.add_column("users", sa.Column("after", sa.Integer()))', helpers) });
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'after']);
  });

  it('leaves undecided a test on a table no revision creates when the history relies on tables made before it (create_all())', async () => {
    const tests = [
      'if "users" in sa.inspect(op.get_bind()).get_table_names() and "audit" in sa.inspect(op.get_bind()).get_table_names():',
      '    op.add_column("users", sa.Column("audited", sa.Boolean()))',
      'if "users" not in sa.inspect(op.get_bind()).get_table_names() or "audit" in sa.inspect(op.get_bind()).get_table_names():',
      '    op.add_column("posts", sa.Column("maybe", sa.Boolean()))',
    ].join('\n');
    const relying = await replay({ 'v/a.py': TABLES, 'v/b.py': rev('b', 'a', `op.drop_column("settings", "legacy")\n${tests}`) }, 'sqlite');
    assert.deepEqual(relying.findings.map((f) => f.message), [
      'op.add_column: runs only under a condition that could not be decided (a test on what the database holds); table "users" is not compared.',
      'op.add_column: runs only under a condition that could not be decided (a test on what the database holds); table "posts" is not compared.',
      'The migrations alter a table that no revision creates ("settings"); assuming it exists before the first revision, e.g. made by metadata.create_all() and alembic stamp.',
    ]);
    // A history that makes every table it uses builds its schema from empty, as `alembic upgrade` from base does: a
    // table no revision has made does not exist (a guard that drops a legacy table finds none).
    const fromEmpty = await replay({ 'v/a.py': TABLES, 'v/b.py': rev('b', 'a', `${tests}\nif "migrate_version" in sa.inspect(op.get_bind()).get_table_names():\n    op.drop_table("migrate_version")`) }, 'sqlite');
    assert.deepEqual(fromEmpty.findings, []);
    assert.deepEqual([...table(fromEmpty, 'users').columns.keys()], ['id', 'email']);
    assert.deepEqual([...table(fromEmpty, 'posts').columns.keys()], ['id']);
    // A guarded change to a table no revision makes is written for databases create_all() made: not from empty.
    const defensive = await replay({ 'v/a.py': TABLES, 'v/b.py': rev('b', 'a', `${tests}\nif "accounts" in sa.inspect(op.get_bind()).get_table_names():\n    op.add_column("accounts", sa.Column("email", sa.String(100)))`) }, 'sqlite');
    assert.deepEqual(defensive.findings.map((f) => `${f.code} ${f.table ?? ''}`), ['unresolved users', 'unresolved posts', 'unresolved accounts', 'assumed-baseline ']);
  });

  it('finds a table no revision creates when an op that surely runs alters it: the history assumes it made before (jupyterhub)', async () => {
    const guarded = [
      'tables = sa.inspect(op.get_bind()).get_table_names()',
      'if "services" in tables:',
      '    op.add_column("services", sa.Column("cwd", sa.Unicode(2047)))',
      'if "legacy" in tables:',
      '    op.add_column("legacy", sa.Column("note", sa.Text()))',
    ].join('\n');
    // jupyterhub's rbac revision alters services under no test, after an earlier one asked whether it exists.
    const later = 'with op.batch_alter_table("services") as batch_op:\n    batch_op.add_column(sa.Column("oauth_client_id", sa.Unicode(255)))';
    const r = await replay({ 'v/a.py': TABLES, 'v/b.py': rev('b', 'a', guarded), 'v/c.py': rev('c', 'b', later) }, 'sqlite');
    assert.deepEqual([...table(r, 'services').columns.keys()], ['cwd', 'oauth_client_id']);
    assert.equal(table(r, 'services').columns.get('cwd')!.type!.args.length, 2047);
    // The other table only a guarded op touches stays undecided, as before.
    assert.deepEqual(r.findings.map((f) => `${f.code} ${f.table ?? ''}`), ['unresolved legacy', 'assumed-baseline ']);
    // Dropped, it may be made again outside the migrations (create_all() at the next start): a later test stays
    // undecided, and nothing is said to fail.
    const dropped = await replay({ 'v/a.py': TABLES, 'v/b.py': rev('b', 'a', 'op.drop_table("services")'), 'v/c.py': rev('c', 'b', guarded) }, 'sqlite');
    assert.equal(dropped.schema.has('services'), false);
    assert.deepEqual(dropped.findings.map((f) => `${f.code} ${f.table ?? ''}`), ['unresolved legacy', 'assumed-baseline ']);
  });
});

describe('migrations: foreign keys read from the database and made again', () => {
  /** Users and posts, the posts' two keys to users unnamed (the database names them), alarms with a named one. */
  const KEYS = rev('a', null, `
    op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer()),
        sa.Column("editor_id", sa.Integer()),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["editor_id"], ["users.id"], ondelete="SET NULL"),
    )
    op.create_table("alarm", sa.Column("id", sa.Integer(), primary_key=True))
    op.create_table(
        "alarm_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("alarm_id", sa.Integer()),
        sa.ForeignKeyConstraint(["alarm_id"], ["alarm.id"], name="fk_history_alarm"),
    )
  `);
  /** Each key of a table: its name, columns, referred table and ON DELETE. */
  const keys = (r: { schema: Map<string, TableDef> }, name: string): string[] => table(r, name).foreignKeys.map((k) => `${k.name ?? '-'} ${k.columns.join(',')} ${k.refTable} ${k.ondelete ?? '-'}`);

  it("makes again with ON DELETE CASCADE each key a loop over get_foreign_keys() picks by a column (aodh's 010_add_cascade)", async () => {
    const r = await replay({
      'v/a.py': KEYS,
      'v/b.py': rev('b', 'a', `
        inspector = sa.inspect(op.get_bind())
        for table, column in {"alarm_history": "alarm_id", "posts": "user_id"}.items():
            for fk in inspector.get_foreign_keys(table):
                if column in fk["constrained_columns"]:
                    op.drop_constraint(fk["name"], table, type_="foreignkey")
                    op.create_foreign_key(fk["name"], table, fk["referred_table"], fk["constrained_columns"], fk["referred_columns"], ondelete="CASCADE")
      `),
    });
    assert.deepEqual(r.findings.map((f) => f.message), []);
    assert.deepEqual(keys(r, 'alarm_history'), ['fk_history_alarm alarm_id alarm CASCADE']);
    assert.deepEqual(keys(r, 'posts'), ['- editor_id users SET NULL', '- user_id users CASCADE']);
  });

  it("makes again with what the revision set on them the keys neutron's helpers drop and make from a list (networking-sfc), placing their ops at the revision's call", async () => {
    const cascade = `
      inspector = sa.inspect(op.get_bind())
      for table, column in {"alarm_history": "alarm_id", "posts": "user_id"}.items():
          keys_read = inspector.get_foreign_keys(table)
          for fk in keys_read:
              if column in fk["constrained_columns"]:
                  fk["options"]["ondelete"] = "CASCADE"
                  migration.remove_foreign_keys(table, keys_read)
                  migration.create_foreign_keys(table, keys_read)
    `;
    const r = await replay({ 'v/a.py': KEYS, 'v/b.py': rev('b', 'a', cascade, 'from neutron.db import migration') });
    assert.deepEqual(r.findings.map((f) => f.message), []);
    assert.deepEqual(keys(r, 'alarm_history'), ['fk_history_alarm alarm_id alarm CASCADE']);
    assert.deepEqual(keys(r, 'posts'), ['- editor_id users SET NULL', '- user_id users CASCADE']);
    // Set on every key in one loop, then made again in another: each as set.
    const twoLoops = await replay({ 'v/a.py': KEYS, 'v/b.py': rev('b', 'a', `
      keys_read = sa.inspect(op.get_bind()).get_foreign_keys("posts")
      for fk in keys_read:
          fk["options"]["ondelete"] = "CASCADE"
      for fk in keys_read:
          op.drop_constraint(fk["name"], "posts", type_="foreignkey")
          op.create_foreign_key(fk["name"], "posts", fk["referred_table"], fk["constrained_columns"], fk["referred_columns"], ondelete=fk["options"].get("ondelete"))
    `) });
    assert.deepEqual(keys(twoLoops, 'posts'), ['- user_id users CASCADE', '- editor_id users CASCADE']);
    // `with migration.remove_fks_from_table(...)`: the keys dropped around the block and made again, its ops placed at the `with`.
    const around = await replay({ 'v/a.py': KEYS, 'v/b.py': rev('b', 'a', 'with migration.remove_fks_from_table("posts"):\n    op.alter_column("posts", "user_id", type_=sa.BigInteger())\nop.create_foreign_key("fk_history_alarm", "alarm_history", "alarm", ["alarm_id"], ["id"])', 'from neutron.db import migration') });
    assert.deepEqual(keys(around, 'posts'), ['- user_id users -', '- editor_id users SET NULL']);
    // The one finding is the create of a key that exists: the helper's drop and create made none.
    assert.deepEqual(around.findings.map((f) => [f.code, f.file, f.span[0]]), [['invalid-operation', 'v/b.py', 11]]);
    // What the helper's ops find is said at the revision's `with`, not in the library's module.
    const ghost = await replay({ 'v/a.py': KEYS, 'v/b.py': rev('b', 'a', 'with migration.remove_fks_from_table("ghosts"):\n    pass', 'from neutron.db import migration') });
    assert.deepEqual(ghost.findings.map((f) => [f.file, f.span[0]]), [['v/b.py', 9]]);
  });

  it("drops the unique constraint a loop over get_unique_constraints() picks by its column_names (blazar's allow_duplicate_lease_names)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("leases", sa.Column("id", sa.String(36), primary_key=True), sa.Column("name", sa.String(80)), sa.Column("owner", sa.String(80)), sa.UniqueConstraint("name"), sa.UniqueConstraint("owner", "name", name="uq_leases_owner"))
        op.create_table("hosts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("label", sa.String(80), unique=True))
      `),
      'v/b.py': rev('b', 'a', `
        inspector = reflection.Inspector.from_engine(op.get_bind())
        for constraint in inspector.get_unique_constraints("leases"):
            if constraint["column_names"] == ["name"]:
                op.drop_constraint(constraint["name"], "leases", type_="unique")
                break
        uc = next(u for u in inspector.get_unique_constraints("hosts") if "label" in u["column_names"])
        op.drop_constraint(uc["name"], "hosts", type_="unique")
      `, 'from sqlalchemy.engine import reflection'),
    });
    assert.deepEqual(r.findings.map((f) => f.message), []);
    assert.deepEqual(table(r, 'leases').uniques.map((u) => u.columns), [['owner', 'name']]);
    assert.deepEqual(table(r, 'hosts').uniques, []);
  });

  it('picks a key by whether the database lists it with a name: PostgreSQL names every key, SQLite not the unnamed (InvoiceManager)', async () => {
    const files = {
      'v/a.py': KEYS,
      'v/b.py': rev('b', 'a', `
        inspector = sa.inspect(op.get_bind())
        for fk in inspector.get_foreign_keys("posts"):
            if fk.get("constrained_columns") == ["user_id"] and fk.get("referred_table") == "users" and fk.get("name"):
                op.drop_constraint(fk["name"], "posts", type_="foreignkey")
        op.create_foreign_key("fk_posts_user_id", "posts", "users", ["user_id"], ["id"], ondelete="CASCADE")
      `),
    };
    const pg = await replay(files, 'postgresql');
    assert.deepEqual(pg.findings.map((f) => f.message), []);
    assert.deepEqual(keys(pg, 'posts'), ['- editor_id users SET NULL', 'fk_posts_user_id user_id users CASCADE']);
    // SQLite lists the unnamed key with no name: the test leaves it, and the table has both.
    const sqlite = await replay(files, 'sqlite');
    assert.deepEqual(keys(sqlite, 'posts'), ['- user_id users -', '- editor_id users SET NULL', 'fk_posts_user_id user_id users CASCADE']);
  });

  it('reads the key `next(...)` picks, what the create writes out, and a drop alone (a key dropped by reflection)', async () => {
    const r = await replay({
      'v/a.py': KEYS,
      'v/b.py': rev('b', 'a', `
        fks = sa.inspect(op.get_bind()).get_foreign_keys("posts")
        fk = next(fk for fk in fks if fk["constrained_columns"] == ["editor_id"] and fk.get("referred_table") == "users")
        op.drop_constraint(fk["name"], "posts", type_="foreignkey")
        op.create_foreign_key(fk["name"], "posts", "users", ["editor_id"], ["id"])
        for key in sa.inspect(op.get_bind()).get_foreign_keys("alarm_history"):
            if key["referred_table"] != "alarm":
                continue
            op.drop_constraint(key["name"], "alarm_history", type_="foreignkey")
      `),
    });
    assert.deepEqual(r.findings.map((f) => f.message), []);
    // Made again with no ON DELETE: the create gives none.
    assert.deepEqual(keys(r, 'posts'), ['- user_id users -', '- editor_id users -']);
    assert.deepEqual(keys(r, 'alarm_history'), []);

    // Its name held in a variable; a test on the key that cannot be read around an op leaves which key it takes open.
    const partly = await replay({
      'v/a.py': KEYS,
      'v/b.py': rev('b', 'a', `
        for fk in sa.inspect(op.get_bind()).get_foreign_keys("posts"):
            if fk["referred_table"] != "users" or "editor_id" not in fk["constrained_columns"]:
                continue
            if fk.get("options", {}).get("ondelete") == "CASCADE":
                return
            name = fk["name"]
            op.drop_constraint(name, "posts", type_="foreignkey")
            op.create_foreign_key(name, "posts", "users", ["editor_id"], ["id"], ondelete="CASCADE")
        for fk in sa.inspect(op.get_bind()).get_foreign_keys("alarm_history"):
            if fk["name"].startswith("fk_"):
                op.drop_constraint(fk["name"], "alarm_history", type_="foreignkey")
      `),
    });
    assert.deepEqual(codes(partly.findings), ['unresolved', 'unresolved']);
    assert.deepEqual(partly.findings.map((f) => f.message.slice(0, 60)), ['op.drop_constraint: could not evaluate the constraint name `', 'op.drop_constraint: runs only under a condition that could n']);
    assert.deepEqual(keys(partly, 'posts'), ['- user_id users -', '- editor_id users CASCADE']);
    // The drop of a name not known keeps the key, and the table is not compared.
    assert.deepEqual(keys(partly, 'alarm_history'), ['fk_history_alarm alarm_id alarm -']);

    // The key picked once and held in a variable, read inline (`next(...)`, or the first of a list it makes): the drop
    // and the create after it take the same key.
    for (const pick of [
      'fk = next(k for k in sa.inspect(op.get_bind()).get_foreign_keys("posts") if k["constrained_columns"] == ["editor_id"])',
      'matched = [k for k in sa.inspect(op.get_bind()).get_foreign_keys("posts") if "editor_id" in k.get("constrained_columns", [])]\nfk = matched[0]',
    ]) {
      const held = await replay({ 'v/a.py': KEYS, 'v/b.py': rev('b', 'a', `${pick}\nop.drop_constraint(fk["name"], "posts", type_="foreignkey")\nop.create_foreign_key(fk["name"], "posts", "users", ["editor_id"], ["id"], ondelete="CASCADE")`) });
      assert.deepEqual(held.findings.map((f) => f.message), [], pick);
      assert.deepEqual(keys(held, 'posts'), ['- user_id users -', '- editor_id users CASCADE'], pick);
    }

    // Made again after the loop that dropped one of them: that one alone, not every key the loop read.
    const after = await replay({
      'v/a.py': KEYS,
      'v/b.py': rev('b', 'a', `
        for fk in sa.inspect(op.get_bind()).get_foreign_keys("posts"):
            if fk["constrained_columns"] == ["user_id"]:
                op.drop_constraint(fk["name"], "posts", type_="foreignkey")
                break
        op.create_foreign_key(fk["name"], "posts", "users", ["user_id"], ["id"], ondelete="CASCADE")
      `),
    });
    assert.deepEqual(keys(after, 'posts'), ['- editor_id users SET NULL', '- user_id users CASCADE']);
  });

  it("reads the name `next((fk[\"name\"] for fk in ...), default)` picks: under `if name:`, its default where none is picked, unique constraints by their set of columns (privacyidea)", async () => {
    const pickName = (table: string, test: string, fallback: string): string => `name = next((k["name"] for k in sa.inspect(op.get_bind()).get_foreign_keys("${table}") if ${test}), ${fallback})`;
    // Picked by the table it refers to, dropped under `if name:`: the key is gone, and nothing is left undecided.
    const picked = await replay({ 'v/a.py': KEYS, 'v/b.py': rev('b', 'a', `${pickName('alarm_history', 'k["referred_table"] == "alarm"', 'None')}\nif name:\n    op.drop_constraint(name, "alarm_history", type_="foreignkey")`) });
    assert.deepEqual([picked.findings.map((f) => f.message), keys(picked, 'alarm_history')], [[], []]);
    // None picked: `if name:` is false, and the drop does not run.
    const none = await replay({ 'v/a.py': KEYS, 'v/b.py': rev('b', 'a', `${pickName('alarm_history', 'k["referred_table"] == "users"', 'None')}\nif name:\n    op.drop_constraint(name, "alarm_history", type_="foreignkey")`) });
    assert.deepEqual([none.findings.map((f) => f.message), keys(none, 'alarm_history')], [[], ['fk_history_alarm alarm_id alarm -']]);
    // A unique constraint picked by its columns in any order, with a name for a default: picked, or dropped by that name.
    const uniques = (test: string): string => rev('b', 'a', `
      op.create_table("realms", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("a", sa.Integer()), sa.Column("b", sa.Integer()), sa.UniqueConstraint("b", "a", name="uq_realms"), sa.UniqueConstraint("a", name="uq_realms_a"))
      cols = {"a", "b"}
      name = next((u["name"] for u in sa.inspect(op.get_bind()).get_unique_constraints("realms") if ${test}), "uq_realms_a")
      op.drop_constraint(name, "realms", type_="unique")
    `);
    const bySet = await replay({ 'v/a.py': KEYS, 'v/b.py': uniques('set(u["column_names"]) == cols and u["name"]') });
    assert.deepEqual([bySet.findings.map((f) => f.message), table(bySet, 'realms').uniques.map((u) => u.name)], [[], ['uq_realms_a']]);
    const byDefault = await replay({ 'v/a.py': KEYS, 'v/b.py': uniques('u["column_names"] == ["c"]') });
    assert.deepEqual([byDefault.findings.map((f) => f.message), table(byDefault, 'realms').uniques.map((u) => u.name)], [[], ['uq_realms']]);
  });

  it("makes again every key an Inspector read before, from what it read then (tacker's modify_foreign_keys_constraint)", async () => {
    const r = await replay({
      'v/a.py': KEYS,
      'v/b.py': rev('b', 'a', `
        with modify_foreign_keys_constraint(["posts"]):
            op.alter_column("posts", "user_id", existing_type=sa.Integer(), nullable=False)
      `, `
        import contextlib


        @contextlib.contextmanager
        def modify_foreign_keys_constraint(table_names):
            inspector = sa.inspect(op.get_bind())
            try:
                for table in table_names:
                    for fk in inspector.get_foreign_keys(table):
                        op.drop_constraint(fk["name"], table, type_="foreignkey")
                yield
            finally:
                for table in table_names:
                    for fk in inspector.get_foreign_keys(table):
                        op.create_foreign_key(fk["name"], table, fk["referred_table"], fk["constrained_columns"], fk["referred_columns"], ondelete=fk["options"].get("ondelete"))
      `),
    });
    assert.deepEqual(r.findings.map((f) => f.message), []);
    // As they were: the Inspector gives the keys it read before they were dropped.
    assert.deepEqual(keys(r, 'posts'), ['- user_id users -', '- editor_id users SET NULL']);
    assert.equal(table(r, 'posts').columns.get('user_id')!.nullable, false);
  });

  it("follows the key into helpers that drop and make again the keys they are given, changed or not (neutron's remove_foreign_keys)", async () => {
    const helpers = `
      def remove_foreign_keys(table, foreign_keys):
          for fk in foreign_keys:
              op.drop_constraint(constraint_name=fk["name"], table_name=table, type_="foreignkey")


      def create_foreign_keys(table, foreign_keys):
          for fk in foreign_keys:
              op.create_foreign_key(
                  constraint_name=fk["name"],
                  source_table=table,
                  referent_table=fk["referred_table"],
                  local_cols=fk["constrained_columns"],
                  remote_cols=fk["referred_columns"],
                  ondelete=fk["options"].get("ondelete"),
              )
    `;
    /** The revision that goes through the keys of posts on `columns`, with `between` between the drop and the create. */
    const remade = (columns: string, between: string): string => rev('b', 'a', `
      op.create_unique_constraint("uq_posts_user", "posts", ["user_id", "editor_id"])
      inspector = sa.inspect(op.get_bind())
      for fk in inspector.get_foreign_keys("posts"):
          if fk["constrained_columns"] == ["${columns}"]:
              remove_foreign_keys("posts", [fk])
              ${between}
              create_foreign_keys("posts", [fk])
    `, helpers);
    const same = await replay({ 'v/a.py': KEYS, 'v/b.py': remade('editor_id', 'op.drop_constraint("uq_posts_user", "posts", type_="unique")') });
    assert.deepEqual(same.findings.map((f) => f.message), []);
    assert.deepEqual(keys(same, 'posts'), ['- user_id users -', '- editor_id users SET NULL']);
    assert.deepEqual(table(same, 'posts').uniques, []);
    // Its ON DELETE set in between (neutron's 5881373af7f5): made again with it.
    const cascade = await replay({ 'v/a.py': KEYS, 'v/b.py': remade('user_id', 'fk["options"]["ondelete"] = "CASCADE"') });
    assert.deepEqual(cascade.findings.map((f) => f.message), []);
    assert.deepEqual(keys(cascade, 'posts'), ['- editor_id users SET NULL', '- user_id users CASCADE']);
    // Another field changed: the key dropped is the one read, the one made again is not known.
    const other = await replay({ 'v/a.py': KEYS, 'v/b.py': remade('user_id', 'fk["referred_table"] = "alarm"') });
    assert.deepEqual(codes(other.findings), ['unresolved']);
    assert.match(other.findings[0].message, /^op\.create_foreign_key: could not evaluate the constraint name `fk\["name"\]`/);
    assert.deepEqual(keys(other, 'posts'), ['- editor_id users SET NULL']);
  });
});

describe('migrations: op plugins a project registers (Alembic cookbook)', () => {
  const ENV = `
    import sqlalchemy as sa
    from alembic import context
    from alembic.operations import MigrateOperation, Operations
    from app.replaceable import ReversibleOp


    @Operations.register_operation("replace_enum")
    class ReplaceEnumOp(MigrateOperation):
        def __init__(self, table_name, column_name, to_enum):
            self.table_name = table_name
            self.column_name = column_name
            self.to_enum = to_enum

        @classmethod
        def replace_enum(cls, operations, table_name, column_name, to_enum):
            op = ReplaceEnumOp(table_name, column_name, to_enum)
            return operations.invoke(op)


    @Operations.implementation_for(ReplaceEnumOp)
    def replace_enum(operations, operation):
        with operations.batch_alter_table(operation.table_name) as batch_op:
            batch_op.alter_column(operation.column_name, type_=operation.to_enum)
        operations.create_index("ix_{}_{}".format(operation.table_name, operation.to_enum.name), operation.table_name, [operation.column_name])


    @Operations.register_operation("create_or_replace_sp", "invoke_for_target")
    class CreateSPOp(ReversibleOp):
        pass


    @Operations.implementation_for(CreateSPOp)
    def create_or_replace_sp(operations, operation):
        operations.execute("CREATE OR REPLACE FUNCTION %s %s" % (operation.target.name, operation.target.sqltext))
  `;
  const REPLACEABLE = `
    from alembic.operations import MigrateOperation


    class ReversibleOp(MigrateOperation):
        def __init__(self, target):
            self.target = target

        @classmethod
        def invoke_for_target(cls, operations, target):
            op = cls(target)
            return operations.invoke(op)
  `;

  it("reads an Enum's .name from SQLAlchemy's Enum or a dialect's ENUM, not from a project function of such a name", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_index("ix_%s" % STATUS.name, "t", ["id"])
        op.create_index("ix_%s" % postgresql.ENUM("a", name="kind").name, "t", ["id"])
        op.create_index("ix_%s" % make_enum("a", name="mood").name, "t", ["id"])
      `, 'from sqlalchemy.dialects import postgresql\nSTATUS = sa.Enum("a", "b", name="status")\n\ndef make_enum(*values, name):\n    return postgresql.ENUM(*values, name="app_" + name)\n'),
    });
    const names = table(r, 't').indexes.map((i) => i.name);
    assert.deepEqual(names.slice(0, 2), ['ix_status', 'ix_kind']);
    assert.ok(!names.includes('ix_mood'));
    assert.deepEqual(codes(r.findings), ['unresolved']);
  });

  it('finds the plugins from the revision, an implementation for a base class, an op object made in place, and says what it cannot follow', async () => {
    const env = `
      from alembic.operations import MigrateOperation, Operations
      from app import ops
    `;
    const ops = `
      from alembic.operations import MigrateOperation, Operations


      class TableOp(MigrateOperation):
          def __init__(self, table_name):
              self.table_name = table_name


      @Operations.register_operation("stamp_table")
      class StampTableOp(TableOp):
          @classmethod
          def stamp_table(cls, operations, table_name):
              return operations.invoke(cls(table_name))


      @Operations.register_operation("lost_op")
      class LostOp(TableOp):
          @classmethod
          def lost_op(cls, operations, table_name):
              return cls._elsewhere(operations, table_name)


      @Operations.implementation_for(TableOp)
      def stamp(operations, operation):
          operations.add_column(operation.table_name, sa.Column("stamped", sa.Boolean()))
    `;
    const r = await replay({
      'app/__init__.py': '',
      'app/ops.py': `import sqlalchemy as sa\n${py(ops)}`,
      'app/helpers.py': 'from alembic import op\n\ndef stamp_users():\n    op.stamp_table("users")\n',
      'migrations/env.py': env,
      'migrations/versions/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_table("posts", sa.Column("id", sa.Integer(), primary_key=True))
        stamp_users()
        op.stamp_table("posts")
        op.lost_op("posts")
      `, 'from app.helpers import stamp_users'),
    });
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'stamped']);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'stamped']);
    assert.deepEqual(r.findings.map((f) => f.message), ['op.lost_op: could not evaluate what this op, which Alembic Drift does not know, changes statically.']);
  });

  it("runs a registered op's class method and the implementation its invoke() calls, as Alembic does", async () => {
    const r = await replay({
      'app/__init__.py': '',
      'app/replaceable.py': REPLACEABLE,
      'migrations/env.py': ENV,
      'migrations/versions/a.py': rev('a', null, `
        op.create_table("events", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("kind", sa.Enum("a", "b", name="kind")))
        op.replace_enum("events", "kind", sa.Enum("a", "b", "c", name="kind_v2"))
        op.create_or_replace_sp(my_function)
        op.cleanup_everything("events")
      `, 'from app.functions import my_function'),
    }, 'postgresql');
    // A type of a new name (alter_column makes no type: one named "kind" again would keep the values "kind" has).
    assert.deepEqual(table(r, 'events').columns.get('kind')!.type?.enumValues, ['a', 'b', 'c']);
    assert.deepEqual(table(r, 'events').indexes.map((i) => i.name), ['ix_events_kind_v2']);
    // The stored procedure's implementation runs SQL that makes a function, no table change; an op nobody registers
    // is still reported.
    assert.deepEqual(r.findings.map((f) => f.message), ['op.cleanup_everything: could not evaluate what this op, which Alembic Drift does not know, changes statically.']);
  });
});

describe('migrations: revisions run by project code', () => {
  it('runs the upgrade() and the downgrade() of a revision another imports with importlib.import_module (superset)', async () => {
    const b = `${rev('b', 'a', 'op.add_column("users", sa.Column("email", sa.String(50)))', 'NAME_LENGTH = 40')}\n\ndef downgrade():\n    op.drop_column("users", "email")\n`;
    const undo = rev('c', 'b', 'module.downgrade()', 'from importlib import import_module\nmodule = import_module("v.2020-01-02_b_email")');
    const project = {
      'v/a.py': rev('a', null, 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))'),
      'v/2020-01-02_b_email.py': b,
      'v/c.py': undo,
    };
    // c undoes b: the column b added is gone.
    const undone = await replay(project);
    assert.deepEqual([undone.findings, [...table(undone, 'users').columns.keys()]], [[], ['id']]);
    // d runs b's upgrade() again, and reads a constant of it.
    const r = await replay({
      ...project,
      'v/d.py': rev('d', 'c', `
        redo.upgrade()
        op.add_column("users", sa.Column("name", sa.String(redo.NAME_LENGTH)))
      `, 'import importlib\nredo = importlib.import_module("v.2020-01-02_b_email")'),
    });
    assert.deepEqual(r.findings, []);
    const users = table(r, 'users');
    assert.deepEqual([...users.columns.keys()], ['id', 'email', 'name']);
    assert.equal(users.columns.get('name')!.type?.args.length, 40);
    // A module that defines no downgrade() (Python stops with AttributeError) is said so.
    const none = await replay({ ...project, 'v/2020-01-02_b_email.py': rev('b', 'a', 'op.add_column("users", sa.Column("email", sa.String(50)))') });
    assert.deepEqual(none.findings.map((f) => f.message), ['helper call: could not evaluate `module.downgrade()`, of a module whose downgrade() is missing or does not parse, statically; the tables that exist when it runs are not compared.']);
    // Another object's upgrade() (a data migration's rows) is no revision's: nothing is said, nothing left in doubt.
    const rows = await replay({
      'v/a.py': rev('a', null, 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))\nfor plan in session.query(Plan):\n    plan.upgrade()'),
      'v/2020-01-02_b_email.py': `${rev('b', 'a', 'op.add_column("users", sa.Column("email", sa.String(50)))')}\n\ndef downgrade():\n    op.drop_column("users", "email")\n`,
      'v/c.py': rev('c', 'b', 'op.add_column("users", sa.Column("email", sa.String(50)))'),
    });
    assert.deepEqual([rows.findings.map((f) => f.message), rows.uncertainOps], [['op.add_column: column "users.email" already exists.'], []]);
  });

  it('reads ops on an `op` parameter of upgrade(), as projects that pass their own Operations object write them', async () => {
    const text = `"""plugin revision"""\nimport sqlalchemy as sa\n\nrevision = "b1"\ndown_revision = None\n\n\ndef upgrade(op=None):\n    op.create_table("widgets", sa.Column("id", sa.Integer(), primary_key=True))\n`;
    const r = await replay({ 'plugin/migrations/b1.py': text });
    assert.deepEqual([...r.schema.keys()], ['widgets']);
  });

  it('decides a test of whether upgrade() was given a parameter as Alembic calls it: without arguments', async () => {
    // mindsdb's checkpoint revision: its own runner passes `op` on a new database; under `alembic upgrade` it does nothing.
    const checkpoint = (test: string, before = '') =>
      `"""checkpoint"""\nimport sqlalchemy as sa\nfrom alembic import op as alembic_op\nfrom alembic.operations import Operations\n\nrevision = "c"\ndown_revision = "a"\n\n\ndef upgrade(op: Operations = None):\n${before}    if ${test}:\n        return\n    op.create_table("widgets", sa.Column("id", sa.Integer(), primary_key=True))\n`;
    for (const test of ['op is None', 'not op', 'op == None']) {
      const r = await replay({ 'v/a.py': BASE, 'v/c.py': checkpoint(test) });
      assert.deepEqual([...r.schema.keys()], ['users', 'posts'], test);
      assert.deepEqual(r.findings, [], test);
    }
    for (const test of ['op is not None', 'op']) {
      const r = await replay({ 'v/a.py': BASE, 'v/c.py': checkpoint(test) });
      assert.deepEqual([...r.schema.keys()], ['users', 'posts', 'widgets'], test);
      assert.deepEqual(r.findings, [], test);
    }
    // Another parameter may be what env.py passes run_migrations() (`engine_name` in the multidb template): not decided.
    const passed = await replay({ 'v/a.py': BASE, 'v/c.py': checkpoint('engine_name is None').replace('def upgrade(op: Operations = None):', 'def upgrade(engine_name=None):').replace('op.create_table', 'alembic_op.create_table') });
    assert.deepEqual([...passed.schema.keys()], ['users', 'posts', 'widgets']);
    // Bound anew, the name is no longer the parameter: the test is not decided, and the op after it may run.
    const rebound = await replay({ 'v/a.py': BASE, 'v/c.py': checkpoint('op is None', '    op = alembic_op\n') });
    assert.deepEqual([...rebound.schema.keys()], ['users', 'posts', 'widgets']);
  });

  it('reports what a revision runs through exec() as unread, and no later failure on a table it may have made', async () => {
    // mindsdb's first revision execs the code autogenerate renders for the models of that day.
    const r = await replay({
      'v/a.py': rev('a', null, `
        mc = context.get_context()
        code = render_upgrade(produce_migrations(mc, metadata))
        exec(code)
      `, 'from alembic import context\nfrom alembic.autogenerate import produce_migrations\n'),
      'v/b.py': rev('b', 'a', `
        with op.batch_alter_table("predictor") as batch_op:
            batch_op.add_column(sa.Column("status", sa.String()))
      `),
      // A later revision that may create the table too (mindsdb's checkpoint, under a test that is not decided).
      'v/c.py': rev('c', 'b', `
        if not new_database():
            return
        op.create_table("predictor", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("status", sa.String()))
      `, 'from app.setup import new_database\n'),
    });
    assert.deepEqual(r.findings.map((f) => `${f.code} ${f.message}`), ['unresolved exec(): could not evaluate the code `code` statically.']);
  });

  it("reports a call of a helper of the project's own package that the checked folder does not hold (dagster's alembic folder)", async () => {
    const files = {
      'versions/a.py': rev('a', null, `
        create_0_10_0_run_tables()
        setup_logging()
        tables = list_tables()
      `, 'from dagster._core.storage.migration.utils import create_0_10_0_run_tables, list_tables\nfrom structlog_setup import setup_logging\n'),
    };
    const notes = (r: { findings: Array<{ code: string; message: string }> }): string[] => r.findings.map((f) => `${f.code} ${f.message}`);
    assert.deepEqual(notes(await replay(files, undefined, 'dagster')), ['unresolved helper call: could not evaluate `dagster._core.storage.migration.utils.create_0_10_0_run_tables`, a helper outside the checked folder, statically.']);
    // Checked from a folder that is no package, the same import may be of a library: nothing is said.
    assert.deepEqual(notes(await replay(files)), []);
  });
});

describe('migrations: enum values', () => {
  it('follows ALTER TYPE ... ADD VALUE and sync_enum_values into the enum columns that use the type', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("logs", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("kind", sa.Enum("view", name="log_kind")))
      `),
      'v/b.py': rev('b', 'a', `
        op.execute("ALTER TYPE log_kind ADD VALUE IF NOT EXISTS 'edit'")
      `),
      'v/c.py': rev('c', 'b', `
        op.sync_enum_values("public", "log_kind", ["view", "edit"], ["view", "edit", "delete"])
      `),
    });
    assert.deepEqual(table(r, 'logs').columns.get('kind')!.type!.enumValues, ['view', 'edit', 'delete']);
    const added = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("logs", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("kind", sa.Enum("view", name="log_kind")))
      `),
      'v/b.py': rev('b', 'a', `
        op.execute("ALTER TYPE log_kind ADD VALUE IF NOT EXISTS 'edit'")
      `),
    });
    assert.deepEqual(table(added, 'logs').columns.get('kind')!.type!.enumValues, ['view', 'edit']);
    // RENAME VALUE keeps the value's place (fides' storagetype).
    const renamed = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("logs", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("kind", sa.Enum("view", "edit", name="log_kind")))
      `),
      'v/b.py': rev('b', 'a', `
        op.execute("ALTER TYPE log_kind RENAME VALUE 'view' TO 'read'")
      `),
    });
    assert.deepEqual(table(renamed, 'logs').columns.get('kind')!.type!.enumValues, ['read', 'edit']);
  });

  it("leaves only an enum type's values unknown where ALTER TYPE ... ADD VALUE writes one built at run time (faraday)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("logs", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("kind", sa.Enum("view", name="log_kind")), sa.Column("note", sa.Text(), nullable=False))
        op.create_table("other", sa.Column("id", sa.Integer(), primary_key=True))
      `),
      'v/b.py': rev('b', 'a', `
        op.execute(f"ALTER TYPE log_kind ADD VALUE IF NOT EXISTS '{NEW_KIND}'")
      `, 'from elsewhere import NEW_KIND'),
    });
    assert.deepEqual(r.findings.map((f) => f.message), ['op.execute: could not evaluate the SQL text `f"ALTER TYPE log_kind ADD VALUE IF NOT EXISTS \'{NEW_KIND}\'"` statically; the values of enum type "log_kind" are not compared.']);
    const logs = table(r, 'logs');
    assert.equal(logs.columns.get('kind')!.type!.enumValues, undefined);
    // Both tables are compared: nothing else is in doubt.
    assert.deepEqual([logs.uncertain, table(r, 'other').uncertain, logs.columns.get('note')!.nullable], [undefined, undefined, false]);
    assert.deepEqual(r.uncertainOps, []);
    // A column made later with that type does not know its values either.
    const later = await replay({
      'v/a.py': rev('a', null, `
        op.execute("CREATE TYPE status AS ENUM ('a', 'b')")
        op.execute(f"ALTER TYPE status ADD VALUE '{NEW_KIND}'")
        op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("status", postgresql.ENUM("a", "b", name="status", create_type=False)))
      `, 'from elsewhere import NEW_KIND\nfrom sqlalchemy.dialects import postgresql'),
    }, 'postgresql');
    assert.equal(table(later, 't').columns.get('status')!.type!.enumValues, undefined);
  });

  it("leaves only an enum type's values unknown where ALTER TYPE ... ADD VALUE runs on some databases only (conda-store)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("artifact", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("kind", sa.Enum("LOGS", name="artifacttype")), sa.Column("key", sa.Text(), nullable=True))
      `),
      'v/b.py': rev('b', 'a', `
        if op.get_bind().engine.name == "postgresql":
            op.execute("ALTER TYPE artifacttype ADD VALUE 'YAML'")
      `),
    });
    assert.deepEqual(r.findings.map((f) => f.message), ['op.execute: runs only under a condition that could not be decided (a test on the database or its dialect; when the dialect is unknown, set sqlalchemy.url in alembic.ini, or dialect under [tool.alembic-drift]); the values of enum type "artifacttype" are not compared.']);
    const artifact = table(r, 'artifact');
    // The table is compared (its nullability, say); only the type's values are unknown.
    assert.deepEqual([artifact.uncertain, artifact.columns.get('kind')!.type!.enumValues, artifact.columns.get('key')!.nullable], [undefined, undefined, true]);
    const pg = await replay({ 'v/a.py': rev('a', null, `
        op.create_table("artifact", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("kind", sa.Enum("LOGS", name="artifacttype")))
        if op.get_bind().engine.name == "postgresql":
            op.execute("ALTER TYPE artifacttype ADD VALUE 'YAML'")
      `) }, 'postgresql');
    assert.deepEqual(table(pg, 'artifact').columns.get('kind')!.type!.enumValues, ['LOGS', 'YAML']);
  });

  it('gives a column added with an enum type that already exists the values of that type, where types are named (synapse)', async () => {
    const files = {
      'v/a.py': rev('a', null, `
        LOCATION.create(op.get_bind())
        op.create_table("plates", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("location", LOCATION))
      `, 'LOCATION = sa.Enum("CQ1", "KX2", "EXTERNAL", name="location")'),
      // A later revision spells the type again, with a value fewer: add_column makes no type, it uses the one there.
      'v/b.py': rev('b', 'a', `
        op.create_table("plans", sa.Column("id", sa.Integer(), primary_key=True))
        op.add_column("plans", sa.Column("storage", LOCATION, nullable=False))
        op.alter_column("plates", "location", type_=LOCATION)
      `, 'LOCATION = sa.Enum("CQ1", "KX2", name="location")'),
    };
    for (const dialect of ['postgresql', undefined]) {
      const r = await replay(files, dialect);
      assert.deepEqual(table(r, 'plans').columns.get('storage')!.type!.enumValues, ['CQ1', 'KX2', 'EXTERNAL'], String(dialect));
      assert.deepEqual(table(r, 'plates').columns.get('location')!.type!.enumValues, ['CQ1', 'KX2', 'EXTERNAL'], String(dialect));
    }
    // MySQL's ENUM is the column's own, and so is a non-native enum's VARCHAR anywhere (onyx's user.role).
    const mysql = await replay(files, 'mysql');
    assert.deepEqual(table(mysql, 'plans').columns.get('storage')!.type!.enumValues, ['CQ1', 'KX2']);
    const nonNative = await replay({
      'v/a.py': rev('a', null, 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("role", sa.Enum("BASIC", "ADMIN", name="userrole", native_enum=False)))'),
      'v/b.py': rev('b', 'a', 'op.alter_column("users", "role", type_=sa.Enum("BASIC", "ADMIN", "GLOBAL_CURATOR", name="userrole", native_enum=False))'),
    }, 'postgresql');
    assert.deepEqual(table(nonNative, 'users').columns.get('role')!.type!.enumValues, ['BASIC', 'ADMIN', 'GLOBAL_CURATOR']);
  });

  it("keeps on PostgreSQL an enum type an alter_column moved its one column off, for an alter_column back to its name (neutron-vpnaas)", async () => {
    const files = (between: string): Record<string, string> => ({
      'v/a.py': rev('a', null, 'op.create_table("policies", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("auth", sa.Enum("sha1", name="vpn_auth")), sa.Column("pfs", sa.Enum("group2", "group5", name="vpn_pfs")))'),
      'v/b.py': rev('b', 'a', `
        op.alter_column("policies", "auth", type_=sa.Enum("group2", "group5", name="vpn_pfs"))
        ${between}
        op.alter_column("policies", "auth", type_=sa.Enum("sha256", "sha384", name="vpn_auth"))
      `),
    });
    // ALTER COLUMN ... TYPE vpn_auth: the type the database still holds, with its values.
    const back = await replay(files(''), 'postgresql');
    assert.deepEqual(table(back, 'policies').columns.get('auth')!.type!.enumValues, ['sha1']);
    // Dropped in between (DROP TYPE), the name is the new values' (as a type the revision makes would be).
    const dropped = await replay(files('op.execute("DROP TYPE vpn_auth")'), 'postgresql');
    assert.deepEqual(table(dropped, 'policies').columns.get('auth')!.type!.enumValues, ['sha256', 'sha384']);
  });

  it("follows ALTER TYPE ... RENAME TO, and alembic_postgresql_enum's sync_enum_values(schema, name, new_values, affected_columns) (warehouse)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("disabled_for", sa.Enum("password compromised", name="disable_reason")))
      `),
      'v/b.py': rev('b', 'a', `
        from alembic_postgresql_enum import TableReference
        op.execute("ALTER TYPE disable_reason RENAME TO disablereason")
        op.sync_enum_values("public", "disablereason", ["password compromised", "account frozen"], [TableReference(table_schema="public", table_name="users", column_name="disabled_for")], enum_values_to_rename=[])
      `),
      'v/c.py': rev('c', 'b', `
        op.sync_enum_values("public", "disablereason", ["password compromised", "account frozen", "admin initiated"], [("users", "disabled_for")])
      `),
    });
    const type = table(r, 'users').columns.get('disabled_for')!.type!;
    assert.deepEqual([type.enumName, type.enumValues], ['disablereason', ['password compromised', 'account frozen', 'admin initiated']]);
    assert.deepEqual(codes(r.findings), []);
  });
});

describe('migrations: dispatch, helper classes and statements as Python runs them', () => {
  it("runs an op called among another op's arguments first, and leaves its None out of the other (endurain's alter_column inside create_table)", async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        op.create_table(
            "notifications",
            sa.Column("id", sa.Integer(), primary_key=True),
            op.alter_column("users", "email", existing_type=sa.String(255), nullable=False),
            sa.Column("read", sa.Boolean(), nullable=False),
        )
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual([[...table(r, 'notifications').columns.keys()], table(r, 'notifications').uncertain], [['id', 'read'], undefined]);
    assert.equal(table(r, 'users').columns.get('email')!.nullable, false);
  });

  it("reads a dict written out at a key known in a loop, in SQL built with an f-string (tacker's fk_prefixes[table])", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("devices", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("template_id", sa.Integer()), sa.ForeignKeyConstraint(["template_id"], ["devices.id"], name="devices_template_id_fkey"))
        op.create_table("servicetypes", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("template_id", sa.Integer()), sa.ForeignKeyConstraint(["template_id"], ["devices.id"], name="servicetypes_template_id_fkey"))
      `),
      'v/b.py': rev('b', 'a', `
        fk_prefixes = {"servicetypes": "servicetypes", "vnf": "devices"}
        op.rename_table("devices", "vnf")
        for table in ("servicetypes", "vnf"):
            op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {fk_prefixes[table]}_template_id_fkey")
      `),
    }, 'postgresql');
    assert.deepEqual(r.findings.map((f) => f.message), []);
    assert.deepEqual([table(r, 'vnf').foreignKeys, table(r, 'servicetypes').foreignKeys, table(r, 'vnf').uncertainConstraints], [[], [], undefined]);
  });

  it("reads a conditional assignment as the branch its test takes, version_table_schema as the default schema, and slices (rucio)", async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        schema = context.get_context().version_table_schema + "." if context.get_context().version_table_schema else ""
        op.add_column("posts", sa.Column("title", sa.String()), schema=schema[:-1] or None)
        op.execute("ALTER TABLE " + schema + "posts ADD COLUMN body TEXT")
        table = NAMES[-1] if NAMES else "users"
        op.add_column(table, sa.Column(NAMES[0][:4], sa.Integer()))
        kind = sa.Text() if os.environ.get("BIG") else sa.String(20)
        op.add_column("posts", sa.Column("data", kind))
        op.add_column("posts", sa.Column("share_%s%%" % "of", sa.Integer()))
        op.add_column("posts", sa.Column(f"is_{True}", sa.Boolean()))
      `, `
        import os
        from alembic import context
        NAMES = ["posts_extra", "posts"]
      `),
    }, 'postgresql');
    assert.deepEqual(codes(r.findings), []);
    // Python's % formatting (%% is a percent sign) and str() of a literal (True).
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'title', 'body', 'post', 'data', 'share_of%', 'is_True']);
    // A test it cannot decide leaves the name unknown, as the one expression it is: neither branch's type is taken.
    assert.equal(table(r, 'posts').columns.get('data')!.type, undefined);
  });

  it('makes the table of Model.__table__.create(bind) as the model describes it, and drops it with .drop(bind)', async () => {
    const models = modelsWithAudit('RunEvent', 'run_event');
    const r = await replay({
      'app/models.py': models,
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        RunEvent.__table__.create(op.get_bind(), checkfirst=True)
        for model in (Audit,):
            model.__table__.create(op.get_bind())
        Base.metadata.create_all(op.get_bind(), tables=[Audit.__table__])
        op.add_column("run_event", sa.Column("kind", sa.String()))
      `, 'from app.models import Audit, Base, RunEvent'),
      'v/c.py': rev('c', 'b', `
        Audit.__table__.drop(op.get_bind())
        Base.metadata.create_all(op.get_bind())
      `, 'from app.models import Audit, Base'),
    });
    assert.deepEqual([...r.schema.keys()], ['users', 'posts', 'run_event']);
    assert.ok(table(r, 'run_event').partial && table(r, 'run_event').fromModel, 'its columns are the model\'s when the revision runs');
    assert.deepEqual([...table(r, 'run_event').columns.keys()], ['kind']);
    assert.deepEqual(r.findings.map((f) => [f.code, f.message]), [['unresolved', CREATE_ALL_NOTE('Base.metadata.create_all(op.get_bind())')]]);
  });

  it("takes a create_all(tables=[...]) under a test it cannot decide as doing nothing to a table that surely exists (pgadmin's 09d53fca90c7)", async () => {
    const models = modelsWithAudit('User', 'users');
    const r = await replay({
      'app/models.py': models,
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        version = op.get_bind().execute(sa.text("select version from schema_version")).scalar()
        if version < 2:
            Base.metadata.create_all(op.get_bind(), tables=[User.__table__, Audit.__table__])
        if sa.inspect(op.get_bind()).has_table("users"):
            op.create_index("ix_users_email", "users", ["email"])
      `, 'from app.models import Audit, Base, User'),
    });
    const users = table(r, 'users');
    assert.ok(!users.uncertain && !users.uncertainConstraints && !users.partial);
    assert.deepEqual(users.indexes.map((i) => i.name), ['ix_users_email']);
    // A table it may or may not have made stays in doubt.
    assert.ok(table(r, 'audit').uncertain);
  });

  it("reads the tables of metadata.create_all(tables=...) from a list the revision names, its classes frozen there and its Core tables (superset)", async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        bind = op.get_bind()
        Base.metadata.drop_all(bind=bind, tables=new_tables)
        Base.metadata.create_all(bind=bind, tables=new_tables)
      `, `
        from sqlalchemy.ext.declarative import declarative_base
        Base = declarative_base()
        class NewThing(Base):
            __tablename__ = "sl_things"
            id = sa.Column(sa.Integer, primary_key=True)
            name = sa.Column(sa.String(50))
        links = sa.Table("sl_links", Base.metadata, sa.Column("thing_id", sa.ForeignKey("sl_things.id"), primary_key=True))
        new_tables = [NewThing.__table__, links]
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    const things = table(r, 'sl_things');
    assert.ok(!things.partial);
    assert.deepEqual([...things.columns.keys()], ['id', 'name']);
    // A Core table in the list is made as op.create_table would make it.
    assert.deepEqual(table(r, 'sl_links').foreignKeys.map((fk) => [fk.columns, fk.refTable]), [[['thing_id'], 'sl_things']]);
    // An empty list makes nothing, as SQLAlchemy's create_all(tables=[]) does.
    const none = await replay({ 'v/a.py': BASE, 'v/b.py': rev('b', 'a', 'Base.metadata.create_all(op.get_bind(), tables=[])', 'from sqlalchemy.orm import declarative_base\nBase = declarative_base()') });
    assert.deepEqual([codes(none.findings), [...none.schema.keys()]], [[], ['users', 'posts']]);
  });

  it("makes the table of a model class the revision writes itself, frozen there, with its columns (backend.ai's SessionRow)", async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        connection = op.get_bind()
        Base = declarative_base()

        class SessionRow(Base):
            __tablename__ = "sessions"
            id: sa.Column[int] = sa.Column("id", sa.Integer(), primary_key=True)
            name = sa.Column(sa.String(length=64), nullable=False)
            __table_args__ = (sa.Index("ix_sessions_name", "name"), {"extend_existing": True})

        SessionRow.__table__.create(connection)
        op.add_column("sessions", sa.Column("tag", sa.String(64)))
      `, 'from sqlalchemy.orm import declarative_base'),
    });
    assert.deepEqual(codes(r.findings), []);
    const sessions = table(r, 'sessions');
    assert.ok(!sessions.partial);
    assert.deepEqual([...sessions.columns.values()].map((c) => `${c.name} ${c.type?.name} ${c.nullable}`), ['id Integer false', 'name String false', 'tag String true']);
    assert.deepEqual(sessions.indexes.map((i) => i.name), ['ix_sessions_name']);
    // A mixin may add columns (superset's AuditMixinNullable): that table is the model's, its columns not read.
    const mixed = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        Tag.__table__.create(op.get_bind())
      `, `
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class Audit:
            created_on = sa.Column(sa.DateTime)
        class Tag(Base, Audit):
            __tablename__ = "tag"
            id = sa.Column(sa.Integer, primary_key=True)
      `),
    });
    assert.ok(table(mixed, 'tag').partial);
    // What adds nothing to the table (privacyidea's relationships, methods, literals) is passed over; what cannot be
    // read leaves the table uncompared, as a note says.
    const frozen = (extra: string) =>
      replay({
        'v/a.py': BASE,
        'v/b.py': rev('b', 'a', `
          Base = declarative_base()
          class Token(Base):
              __tablename__ = "token"
              __mapper_args__ = {"eager_defaults": True}
              id = sa.Column(sa.Integer(), primary_key=True)
              serial = sa.Column(sa.Unicode(40), nullable=False)
              owners = relationship("Owner", lazy="dynamic")
              kind = "hotp"
              ${extra}
              def get(self):
                  return self.serial
          Token.__table__.create(op.get_bind())
        `, 'from sqlalchemy.orm import declarative_base, declared_attr, relationship'),
      });
    const token = table(await frozen(''), 'token');
    assert.deepEqual([!!token.partial, token.uncertain, [...token.columns.keys()], token.primaryKey], [false, undefined, ['id', 'serial'], ['id']]);
    const unread = await frozen('extra = make_column()');
    assert.deepEqual(unread.findings.map((f) => f.message), ['helper call: could not evaluate the columns of class Token, which this revision writes (its attribute extra) statically.']);
    assert.equal(table(unread, 'token').uncertain, true);
    // A declared_attr adds a column (or the table's arguments): not passed over.
    const declared = await frozen('@declared_attr\n              def owner_id(cls):\n                  return sa.Column(sa.Integer())');
    assert.match(declared.findings[0]?.message ?? '', /\(its method owner_id\)/);
  });

  it("makes and drops a Core table the revision builds, with .create(bind) and .drop(bind) (onyx's sso_provider)", async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        metadata = sa.MetaData()
        _provider_table(metadata).create(op.get_bind())
        tags = sa.Table("tags", metadata, sa.Column("id", sa.Integer(), primary_key=True), schema="extra")
        tags.create(op.get_bind(), checkfirst=True)
        tags.create(op.get_bind(), checkfirst=True)
        tags.drop(op.get_bind())
      `, `
        def _provider_table(metadata):
            return sa.Table("sso_provider", metadata, sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(), nullable=False, unique=True))
      `),
    });
    assert.deepEqual([...r.schema.keys()], ['users', 'posts', 'sso_provider']);
    assert.deepEqual([...table(r, 'sso_provider').columns.values()].map((c) => `${c.name} ${c.nullable}`), ['id false', 'name false']);
    assert.deepEqual(table(r, 'sso_provider').uniques.map((u) => u.columns), [['name']]);
    assert.deepEqual(codes(r.findings), [], 'the second create is checkfirst: no "already exists"');
  });

  it("makes and drops a Core index the revision builds on a table it reflects, with .create(bind) and .drop(bind) (glance's mitaka01)", async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        meta = sa.MetaData(bind=op.get_bind())
        users = sa.Table("users", meta, autoload=True)
        by_email = sa.Index(EMAIL_INDEX, users.c.email)
        by_email.create(op.get_bind())
        sa.Index("users_id_email", users.c.id, users.c.email, unique=True).create(op.get_bind())
        sa.Index("gone", users.c.id).create(op.get_bind())
        sa.Index("gone", users.c.id).drop(op.get_bind())
      `, 'EMAIL_INDEX = "users_email_idx"'),
    });
    assert.deepEqual(table(r, 'users').indexes.map((i) => `${i.name} ${i.columns.join(',')} ${i.unique}`), ['users_email_idx email false', 'users_id_email id,email true']);
    assert.deepEqual(codes(r.findings), []);
    // checkfirst=True: made only where missing, dropped only where there.
    const checked = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        users = sa.Table("users", sa.MetaData(), autoload_with=op.get_bind())
        sa.Index("ix_users_email", users.c.email).create(op.get_bind())
        sa.Index("ix_users_email", users.c.email).create(op.get_bind(), checkfirst=True)
        sa.Index("ix_users_old", users.c.id).drop(op.get_bind(), checkfirst=True)
      `),
    });
    assert.deepEqual([codes(checked.findings), table(checked, 'users').indexes.map((i) => i.name)], [[], ['ix_users_email']]);
  });

  it('says what a first revision of `Base.metadata.create_all(bind=op.get_bind())` hides: the drift of the tables it makes', async () => {
    const models = `
      import sqlalchemy as sa
      from sqlalchemy.orm import declarative_base
      Base = declarative_base()
      class User(Base):
          __tablename__ = "users"
          id = sa.Column(sa.Integer, primary_key=True)
    `;
    const r = await replay({
      'app/models.py': models,
      'v/a.py': rev('a', null, `
        Base.metadata.create_all(bind=op.get_bind())
      `, 'from app.models import Base'),
      'v/b.py': rev('b', 'a', `
        Base.metadata.drop_all(bind=op.get_bind())
      `, 'from app.models import Base'),
    });
    assert.deepEqual(r.findings.map((f) => [f.code, f.message]), [
      ['unresolved', CREATE_ALL_NOTE('Base.metadata.create_all(bind=op.get_bind())')],
      ['unresolved', 'helper call: `Base.metadata.drop_all(bind=op.get_bind())` drops every table of the models as they are when the revision runs: which ones cannot be read statically.'],
    ]);
  });

  it('makes the calls of a statement that is a tuple of calls, as a stray comma leaves it (mlrun)', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        (
            op.add_column("posts", sa.Column("title", sa.String())),
        )
        op.add_column("posts", sa.Column("body", sa.Text())),
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'title', 'body']);
  });


  it('runs the upgrade_ function that globals().get() names from a parameter left at its default', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': `from alembic import op\nimport sqlalchemy as sa\nrevision = "b"\ndown_revision = "a"\n\ndef upgrade(engine_name: str = "") -> None:\n    globals().get(f"upgrade_{engine_name}", lambda: None)()\n\ndef upgrade_() -> None:\n    op.add_column("posts", sa.Column("title", sa.String()))\n\ndef upgrade_other() -> None:\n    op.drop_table("users")\n`,
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'title']);
    assert.ok(r.schema.has('users'), 'the other database\'s upgrade is not run');
  });

  it('says so where a method that runs ops is called on an object it cannot follow, and not for a method that runs none', async () => {
    const r = await replay({
      'v/a.py': BASE,
      'v/b.py': rev('b', 'a', `
        for rn in RENAMES:
            rn.upgrade()
      `, `
        from dataclasses import dataclass
        @dataclass
        class Rn:
            current_name: str
            future_name: str
            def _do(self, current, future):
                op.rename_table(current, future)
            def upgrade(self):
                self._do(self.current_name, self.future_name)
            def describe(self):
                return self.current_name
        RENAMES = [Rn("users", "accounts")]
      `),
      'v/c.py': rev('c', 'b', `
        for rn in RENAMES:
            print(rn.describe())
      `, `
        RENAMES = []
      `),
    });
    const notes = r.findings.filter((f) => f.code === 'unresolved');
    assert.deepEqual(notes.map((f) => [f.file, f.message]), [['v/b.py', 'helper call: could not evaluate `rn.upgrade()`, a method that runs Alembic ops on an object that could not be followed, statically; the tables that exist when it runs are not compared.']]);
  });
});

describe('migrations: batch mode', () => {
  it('accepts dropping an index after the column it covered, in one batch', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("blocks", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("version", sa.String()), sa.Column("name", sa.String()))
        op.create_index("uq_blocks_name_version", "blocks", ["name", "version"], unique=True)
      `),
      'v/b.py': rev('b', 'a', `
        with op.batch_alter_table("blocks") as batch_op:
            batch_op.drop_column("version")
            batch_op.drop_index("uq_blocks_name_version")
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual(table(r, 'blocks').indexes, []);
  });
});
