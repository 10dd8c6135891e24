import * as assert from 'node:assert/strict';
import { codes, replay, rev, table, withCode } from './migrationsHelpers';

const USERS = `
  op.create_table(
      "users",
      sa.Column("id", sa.Integer(), nullable=False),
      sa.Column("email", sa.String(length=255), nullable=False),
      sa.Column("name", sa.String(length=100), nullable=True),
      sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
      sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
      sa.UniqueConstraint("email", name=op.f("uq_users_email")),
  )
`;

describe('migrations: replaying op.create_table and op.drop_table', () => {
  it('builds a table with types, nullability, server defaults, a named primary key and constraints', async () => {
    const r = await replay({ 'v/a.py': rev('a', null, USERS) });
    assert.deepEqual(r.findings, []);
    const users = table(r, 'users');
    assert.deepEqual([...users.columns.keys()], ['id', 'email', 'name', 'created_at']);
    assert.deepEqual(users.primaryKey, ['id']);
    assert.equal(users.primaryKeyName, 'pk_users');
    const email = users.columns.get('email')!;
    assert.deepEqual([email.type?.name, email.type?.args, email.nullable, email.primaryKey], ['String', { length: 255 }, false, false]);
    assert.equal(users.columns.get('id')!.primaryKey, true);
    assert.equal(users.columns.get('name')!.nullable, true);
    const created = users.columns.get('created_at')!;
    assert.deepEqual([created.type?.args, created.serverDefault?.key], [{ timezone: true }, 'now']);
    assert.deepEqual(users.uniques.map((u) => [u.name, u.columns]), [['uq_users_email', ['email']]]);
  });

  it('records where each table, column and constraint comes from, and the revision that made it', async () => {
    const r = await replay({ 'v/a.py': rev('a', null, USERS) });
    const users = table(r, 'users');
    // Line 8 of the file is `def upgrade():`; the call starts on line 9.
    assert.deepEqual(users.origin, { file: 'v/a.py', span: [9, 4, 17, 5] });
    assert.deepEqual(users.history, [{ revision: 'a', op: 'create_table', origin: users.origin }]);
    const email = users.columns.get('email')!;
    assert.deepEqual(email.origin, { file: 'v/a.py', span: [12, 8, 12, 65] });
    assert.deepEqual(email.history, [{ revision: 'a', op: 'create_table', origin: email.origin }]);
    assert.deepEqual(users.uniques[0].origin.span, [16, 8, 16, 65]);
  });

  it('takes a primary key from primary_key=True, making the column NOT NULL, and from PrimaryKeyConstraint alone', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("tags", sa.Column("id", sa.Integer, primary_key=True), sa.Column("label", sa.Text))
        op.create_table("pairs", sa.Column("a", sa.Integer), sa.Column("b", sa.Integer), sa.PrimaryKeyConstraint("a", "b"))
      `),
    });
    const tags = table(r, 'tags');
    assert.deepEqual([tags.primaryKey, tags.columns.get('id')!.nullable, tags.columns.get('label')!.nullable], [['id'], false, true]);
    const pairs = table(r, 'pairs');
    assert.deepEqual([pairs.primaryKey, pairs.columns.get('a')!.nullable, pairs.columns.get('b')!.primaryKey], [['a', 'b'], false, true]);
  });

  it("counts a column's index=True, unique=True and ForeignKey inside create_table", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.create_table(
            "posts",
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
            sa.Column("slug", sa.String(200), unique=True),
            sa.Column("code", sa.String(20), unique=True, index=True),
            sa.Column("owner_id", sa.Integer(), sa.ForeignKey("auth.accounts.id", name="fk_owner")),
        )
      `),
    });
    const posts = table(r, 'posts');
    assert.deepEqual(posts.indexes.map((i) => [i.name, i.columns, i.unique, i.conventional]), [
      ['ix_posts_author_id', ['author_id'], false, true],
      ['ix_posts_code', ['code'], true, true],
    ]);
    assert.deepEqual(posts.uniques.map((u) => [u.name, u.columns]), [[undefined, ['slug']]]);
    assert.deepEqual(posts.foreignKeys.map((f) => [f.name, f.columns, f.refSchema, f.refTable, f.refColumns, f.ondelete]), [
      [undefined, ['author_id'], undefined, 'users', ['id'], 'CASCADE'],
      ['fk_owner', ['owner_id'], 'auth', 'accounts', ['id'], undefined],
    ]);
    assert.equal(posts.foreignKeys[0].origin.span[0], posts.columns.get('author_id')!.origin.span[0]);
  });

  it('reads a ForeignKey to a model attribute that a revision imports as the table and column it points at', async () => {
    const r = await replay({
      'app/models.py': `
        from sqlalchemy import Column, String
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        TRACES = "trace_info"
        class SqlTraceInfo(Base):
            __tablename__ = TRACES
            request_id = Column("rid", String(50), primary_key=True)
        class Undecided(Base):
            key = Column(String(50), primary_key=True)
      `,
      'v/a.py': rev('a', null, `
        op.create_table("trace_info", sa.Column("rid", sa.String(length=50), primary_key=True))
        op.create_table(
            "trace_tags",
            sa.Column("key", sa.String(length=250), primary_key=True),
            sa.Column("request_id", sa.String(length=50), sa.ForeignKey(column=SqlTraceInfo.request_id, name="fk_trace_tags_request_id")),
        )
        op.add_column("trace_tags", sa.Column("other", sa.String(length=50), sa.ForeignKey(Undecided.key)))
      `, 'from app.models import SqlTraceInfo, Undecided'),
    });
    const tags = table(r, 'trace_tags');
    assert.deepEqual(tags.foreignKeys.map((f) => [f.name, f.columns, f.refTable, f.refColumns]), [['fk_trace_tags_request_id', ['request_id'], 'trace_info', ['rid']]]);
    // A class whose table is not written in its body: the foreign key is not dropped silently.
    assert.deepEqual(withCode(r.findings, 'unresolved').map((f) => f.message), ['op.add_column: could not evaluate the table of ForeignKey(Undecided.key) statically; table "trace_tags" is not compared.']);
  });

  it('reads table-level ForeignKeyConstraint, Index and CheckConstraint, and schema=', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table(
            "orders",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.Column("qty", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["user_id"], ["auth.users.id"], name="fk_orders_user", ondelete="SET NULL", onupdate="CASCADE"),
            sa.Index("ix_orders_user_qty", "user_id", "qty", unique=True),
            sa.CheckConstraint("qty > 0", name="ck_qty_positive"),
            sa.PrimaryKeyConstraint("id"),
            schema="sales",
        )
      `),
    });
    assert.deepEqual([...r.schema.keys()], ['sales.orders']);
    const orders = table(r, 'sales.orders');
    assert.equal(orders.schema, 'sales');
    assert.deepEqual(orders.foreignKeys.map((f) => [f.name, f.refSchema, f.refTable, f.refColumns, f.ondelete, f.onupdate]), [['fk_orders_user', 'auth', 'users', ['id'], 'SET NULL', 'CASCADE']]);
    assert.deepEqual(orders.indexes.map((i) => [i.name, i.columns, i.unique]), [['ix_orders_user_qty', ['user_id', 'qty'], true]]);
    assert.deepEqual(orders.checks.map((c) => [c.name, c.sql]), [['ck_qty_positive', 'qty > 0']]);
  });

  it('names a schema-qualified index=True index with the schema, as the default convention does', async () => {
    const r = await replay({ 'v/a.py': rev('a', null, 'op.create_table("users", sa.Column("email", sa.String(), index=True), schema="auth")') });
    assert.deepEqual(table(r, 'auth.users').indexes.map((i) => i.name), ['ix_auth_users_email']);
  });

  it('drops a table, and reports an op on it afterwards as invalid', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', 'op.drop_table("users")'),
      'v/c.py': rev('c', 'b', 'op.add_column("users", sa.Column("x", sa.Integer()))'),
    });
    assert.equal(r.schema.size, 0);
    const invalid = withCode(r.findings, 'invalid-operation');
    assert.equal(invalid.length, 1);
    assert.equal(invalid[0].file, 'v/c.py');
    assert.equal(invalid[0].severity, 'warning');
    assert.equal(invalid[0].table, 'users');
    assert.match(invalid[0].message, /op\.add_column: table "users" does not exist at this point \(it was dropped in revision b\)/);
  });

  it('reports creating a table that exists, unless if_not_exists=True', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.create_table("users", sa.Column("id", sa.Integer()))
        op.create_table("users", sa.Column("id", sa.Integer()), if_not_exists=True)
        op.drop_table("ghosts", if_exists=True)
      `),
    });
    const invalid = withCode(r.findings, 'invalid-operation');
    assert.deepEqual(invalid.map((f) => f.span[0]), [9]);
    assert.match(invalid[0].message, /table "users" already exists/);
    assert.equal(table(r, 'users').columns.size, 4);
  });
});

describe('migrations: replaying column ops', () => {
  it('adds a column and an autogenerate-style index named with op.f', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.add_column('users', sa.Column('nick', sa.String(length=40), nullable=True))
        op.create_index(op.f('ix_users_nick'), 'users', ['nick'], unique=False)
      `),
    });
    assert.deepEqual(r.findings, []);
    const users = table(r, 'users');
    const nick = users.columns.get('nick')!;
    assert.deepEqual([nick.type?.args.length, nick.nullable, nick.history?.map((h) => [h.revision, h.op])], [40, true, [['b', 'add_column']]]);
    assert.deepEqual(nick.origin, { file: 'v/b.py', span: [9, 4, 9, 82] }, 'the add_column call');
    assert.deepEqual(users.indexes.map((i) => [i.name, i.columns, i.unique, i.conventional, i.origin.span[0]]), [['ix_users_nick', ['nick'], false, true, 10]]);
    assert.deepEqual(users.history?.map((h) => [h.revision, h.op]), [['a', 'create_table'], ['b', 'add_column'], ['b', 'create_index']]);
  });

  it('reads the ops and op.f imported by name from alembic.op (`from alembic.op import create_index, f`)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        add_column('users', Column('nick', String(length=40), nullable=True))
        create_index(f('ix_users_nick'), 'users', ['nick'], unique=False)
      `, 'from alembic.op import add_column, create_index, f\nfrom sqlalchemy import Column, String'),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual(table(r, 'users').indexes.map((i) => [i.name, i.columns, i.conventional]), [['ix_users_nick', ['nick'], true]]);
  });

  it("creates an added column's index, unique constraint and foreign key, as Alembic does", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.add_column("users", sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id"), index=True))
        op.add_column("users", sa.Column("handle", sa.String(30), unique=True))
      `),
    });
    const users = table(r, 'users');
    assert.deepEqual(users.indexes.map((i) => i.name), ['ix_users_team_id']);
    assert.deepEqual(users.foreignKeys.map((f) => [f.columns, f.refTable]), [[['team_id'], 'teams']]);
    assert.deepEqual(users.uniques.map((u) => u.columns), [['email'], ['handle']]);
  });

  it('reports adding a column that exists and dropping or altering one that does not', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.add_column("users", sa.Column("email", sa.String()))
        op.drop_column("users", "nope")
        op.alter_column("users", "nada", nullable=True)
      `),
    });
    assert.deepEqual(withCode(r.findings, 'invalid-operation').map((f) => [f.span[0], f.column]), [[9, 'email'], [10, 'nope'], [11, 'nada']]);
    assert.match(r.findings[0].message, /column "users\.email" already exists/);
  });

  it("reports an alter_column keyword misspelt for one that changes the column, which Alembic ignores (Mailu's type= for type_=)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.alter_column("users", "name", type=sa.String(255))
        with op.batch_alter_table("users") as batch_op:
            batch_op.alter_column("email", nulable=True, existing_type=sa.String(255))
        op.alter_column("users", "name", server_default="x", default="x", postgresql_using="name::text", type=sa.Text(), type_=sa.Text())
      `),
    });
    assert.deepEqual(r.findings.map((f) => [f.code, f.span[0], f.column]), [['invalid-operation', 9, 'name'], ['invalid-operation', 11, 'email']]);
    assert.equal(r.findings[0].message, 'op.alter_column: "type=" is not an argument of alter_column ("type_=" is); Alembic passes it on to the database dialect, which ignores it, so it changes nothing.');
    assert.match(r.findings[1].message, /"nulable=" is not an argument of alter_column \("nullable=" is\)/);
    const users = table(r, 'users');
    assert.equal(users.columns.get('email')!.nullable, false, 'the column keeps what it had');
    assert.deepEqual([users.columns.get('name')!.type?.name, users.columns.get('name')!.serverDefault?.key], ['Text', 'x'], 'a keyword no change is meant by (default=), or one given besides the right one, is not reported');
  });

  it('says when alter_column sets a type it cannot evaluate, and compares the rest of the column (ironic-inspector)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        name_type = read_type_from_database()
        with op.batch_alter_table("users") as batch_op:
            batch_op.alter_column("name", nullable=False, type_=name_type)
        op.alter_column("users", "email", type_=None, nullable=True)
      `, 'from elsewhere import read_type_from_database'),
    });
    // `type_=None` changes no type.
    assert.deepEqual(table(r, 'users').columns.get('email')!.type?.args, { length: 255 });
    assert.deepEqual(r.findings.map((f) => f.message), ['batch_op.alter_column: could not evaluate the type `name_type` statically; the type of column "users.name" is not compared.']);
    const name = table(r, 'users').columns.get('name')!;
    assert.deepEqual([name.nullable, name.unknown], [false, ['type']]);
    assert.ok(!table(r, 'users').uncertain);
  });

  it('reads an alter_column that names no change as the nothing Alembic emits for it, whatever its column argument', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.alter_column("users", sa.Column("name", sa.String(64), nullable=False))
        op.alter_column("users", "nada", existing_type=sa.String())
        op.alter_column("users", "name", existing_nullable=True, **extra)
      `),
    });
    // The third has keywords not known: said, as before.
    assert.deepEqual(r.findings.map((f) => [f.code, f.span[0]]), [['unresolved', 11]]);
    assert.equal(table(r, 'users').columns.get('name')!.nullable, true);
  });

  it('drops a column with the indexes and constraints on it', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.create_index("ix_users_name", "users", ["name"])
        op.drop_column("users", "email")
        op.drop_column("users", "name")
      `),
    });
    const users = table(r, 'users');
    assert.deepEqual([...users.columns.keys()], ['id', 'created_at']);
    assert.deepEqual([users.indexes, users.uniques], [[], []]);
  });

  it('narrows on MySQL the indexes and keys of several columns a dropped column was part of, and drops them elsewhere (optuna)', async () => {
    const files = {
      'v/a.py': rev('a', null, `
        op.create_table("trial_values", sa.Column("trial_id", sa.Integer(), nullable=False), sa.Column("step", sa.Integer(), nullable=False), sa.Column("value", sa.Float()), sa.PrimaryKeyConstraint("trial_id", "step"), sa.UniqueConstraint("trial_id", "step", name="uq_trial_values"))
        op.create_index("ix_trial_values_trial_step", "trial_values", ["trial_id", "step"])
        op.create_index("ix_trial_values_step", "trial_values", ["step"])
      `),
      'v/b.py': rev('b', 'a', 'op.drop_column("trial_values", "step")'),
    };
    const shape = (r: Awaited<ReturnType<typeof replay>>) => {
      const t = table(r, 'trial_values');
      return { pk: t.primaryKey, uniques: t.uniques.map((u) => `${u.name} ${u.columns.join()}`), indexes: t.indexes.map((i) => `${i.name} ${i.columns.join()}`) };
    };
    assert.deepEqual(shape(await replay(files, 'mysql')), { pk: ['trial_id'], uniques: ['uq_trial_values trial_id'], indexes: ['ix_trial_values_trial_step trial_id'] });
    assert.deepEqual(shape(await replay(files, 'postgresql')), { pk: [], uniques: [], indexes: [] });
  });

  it("makes no unique constraint on the primary key's columns in PostgreSQL's CREATE TABLE, and keeps it elsewhere (h)", async () => {
    const files = {
      'v/a.py': rev('a', null, `
        op.create_table("settings", sa.Column("key", sa.Text(), nullable=False), sa.PrimaryKeyConstraint("key"), sa.UniqueConstraint("key"))
        op.create_table("tokens", sa.Column("value", sa.Text(), primary_key=True, unique=True), sa.Column("scope", sa.Text()), sa.UniqueConstraint("scope", "value", name="uq_tokens_scope"))
        op.create_table("pairs", sa.Column("a", sa.Integer()), sa.Column("b", sa.Integer()), sa.PrimaryKeyConstraint("a", "b"), sa.UniqueConstraint("b", "a", name="uq_pairs_b_a"), sa.UniqueConstraint("a", "b", name="uq_pairs_a_b"))
      `),
    };
    const pg = await replay(files, 'postgresql');
    assert.deepEqual(pg.findings, []);
    assert.deepEqual(['settings', 'tokens', 'pairs'].map((t) => table(pg, t).uniques.map((u) => u.name ?? u.columns.join())), [[], ['uq_tokens_scope'], ['uq_pairs_b_a']]);
    // An unnamed primary key takes the name of the unique constraint PostgreSQL left out.
    assert.equal(table(pg, 'pairs').primaryKeyDatabaseName, 'uq_pairs_a_b');
    const sqlite = await replay(files, 'sqlite');
    assert.deepEqual(['settings', 'tokens'].map((t) => table(sqlite, t).uniques.length), [1, 2]);
  });

  it("leaves out create_table's use_alter foreign keys where the database can ALTER a table, as SQLAlchemy does (mealie)", async () => {
    const files = {
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))
        op.create_table(
            "recipes",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", use_alter=True)),
            sa.Column("owner_id", sa.Integer()),
            sa.ForeignKeyConstraint(["owner_id"], ["users.id"], use_alter=True, name="fk_recipes_owner"),
            sa.PrimaryKeyConstraint("id"),
        )
      `),
      // What create_table left out, made by a later op (an add_column's key is made with ALTER whatever it says).
      'v/b.py': rev('b', 'a', `
        op.create_foreign_key("fk_recipes_owner", "recipes", "users", ["owner_id"], ["id"])
        op.add_column("users", sa.Column("best_id", sa.Integer(), sa.ForeignKey("recipes.id", use_alter=True)))
      `),
    };
    const keys = (r: Awaited<ReturnType<typeof replay>>): string[][] => ['recipes', 'users'].map((t) => table(r, t).foreignKeys.map((k) => k.columns.join()));
    for (const dialect of ['postgresql', 'mysql']) {
      const r = await replay(files, dialect);
      assert.deepEqual([r.findings, keys(r)], [[], [['owner_id'], ['best_id']]], dialect);
    }
    const sqlite = await replay(files, 'sqlite');
    assert.deepEqual([sqlite.findings, keys(sqlite)], [[], [['user_id', 'owner_id'], ['best_id']]]);
  });

  it('drops with a column the indexes whose expressions or WHERE clause use it, as PostgreSQL does (warehouse)', async () => {
    const files = {
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.create_index("users_lower_name_idx", "users", [sa.text("lower(name)"), "created_at"], unique=True)
        op.create_index("users_named_idx", "users", ["created_at"], postgresql_where=sa.text("name IS NOT NULL"))
        op.create_index("users_lower_email_idx", "users", [sa.text("lower(email)")])
        op.drop_column("users", "name")
      `),
    };
    const r = await replay(files, 'postgresql');
    assert.deepEqual(r.findings, []);
    assert.deepEqual(table(r, 'users').indexes.map((i) => i.name), ['users_lower_email_idx']);
    // postgresql_where= is no WHERE clause elsewhere: the index stays on SQLite, and where the dialect is unknown.
    for (const dialect of ['sqlite', undefined]) assert.deepEqual(table(await replay(files, dialect), 'users').indexes.map((i) => i.name), ['users_named_idx', 'users_lower_email_idx']);
  });

  it('alters type, nullability and server default, ignoring existing_* for the state, and keeps a history', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.alter_column("users", "name", existing_type=sa.String(length=100), type_=sa.Text(), nullable=False, existing_nullable=True)
        op.alter_column("users", "email", server_default="x", existing_server_default=None)
        op.alter_column("users", "created_at", server_default=None, existing_type=sa.Integer())
      `),
    });
    assert.deepEqual(r.findings, []);
    const users = table(r, 'users');
    const name = users.columns.get('name')!;
    assert.deepEqual([name.type?.name, name.nullable], ['Text', false]);
    assert.deepEqual(name.history?.map((h) => [h.revision, h.op, h.origin.span[0]]), [['a', 'create_table', 13], ['b', 'alter_column', 9]]);
    assert.equal(users.columns.get('email')!.serverDefault?.key, 'x');
    const created = users.columns.get('created_at')!;
    assert.deepEqual([created.serverDefault, created.type?.name], [undefined, 'DateTime']);
  });

  it('renames a column, in place, in its constraints and in the foreign keys that reference it', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        users_table = sa.Table("users", sa.MetaData(), autoload_with=op.get_bind())
        op.create_table("posts", sa.Column("id", sa.Integer, primary_key=True), sa.Column("author", sa.Integer, sa.ForeignKey(users_table.c.id)))
        op.alter_column("users", "id", new_column_name="user_id")
        op.alter_column("users", "email", new_column_name="mail", existing_type=sa.String(255))
        op.alter_column("users", "name", name="full_name")
      `),
    });
    assert.deepEqual(r.findings, []);
    const users = table(r, 'users');
    // `name=` is the new name, as Alembic before 1.0 took it (fedocal).
    assert.deepEqual([...users.columns.keys()], ['user_id', 'mail', 'full_name', 'created_at']);
    assert.deepEqual([users.primaryKey, users.uniques[0].columns], [['user_id'], ['mail']]);
    assert.deepEqual(users.columns.get('mail')!.history?.map((h) => h.op), ['create_table', 'alter_column']);
    assert.deepEqual(table(r, 'posts').foreignKeys[0].refColumns, ['user_id']);
  });
});

describe('migrations: replaying table renames, indexes and constraints', () => {
  it('renames a table, follows it in foreign keys, and reports the old name afterwards', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.create_table("posts", sa.Column("id", sa.Integer, primary_key=True), sa.Column("author", sa.Integer, sa.ForeignKey("users.id")))
        op.rename_table("users", "accounts")
        op.drop_column("users", "name")
      `),
    });
    assert.deepEqual([...r.schema.keys()].sort(), ['accounts', 'posts']);
    assert.equal(table(r, 'accounts').name, 'accounts');
    assert.deepEqual(table(r, 'accounts').history?.map((h) => h.op), ['create_table', 'rename_table']);
    assert.equal(table(r, 'posts').foreignKeys[0].refTable, 'accounts');
    assert.match(withCode(r.findings, 'invalid-operation')[0].message, /it was renamed to "accounts" in revision b/);
  });

  it('reads the expressions an index is made of: text(), column(...).desc(), func calls (lemur, phoenix)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.create_index("ix_lower_name", "users", [sa.text("lower(name)")])
        op.create_index("ix_recent", "users", ["email", sa.column("created_at").desc()])
        op.create_index("ix_func", "users", [sa.func.lower(sa.column("email"))])
        path = sa.column("attributes")["user"].as_string()
        op.create_index("ix_path", "users", [path])
      `),
    });
    assert.deepEqual(table(r, 'users').indexes.map((i) => [i.name, i.columns]), [['ix_lower_name', ['lower(name)']], ['ix_recent', ['email', 'created_at DESC']], ['ix_func', ['lower(email)']]]);
    // A local name is no column: what it holds is not read.
    assert.deepEqual(withCode(r.findings, 'unresolved').map((f) => f.message), ['op.create_index: could not evaluate the columns `[path]` statically.']);
  });

  it("drops an index by its name where the table renamed away still holds it, as PostgreSQL does (Hyperion)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.create_index("ix_users_name", "users", ["name"])
        op.rename_table("users", "old_users")
        op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))
        op.drop_index("ix_users_name", table_name="users")
      `),
    });
    assert.deepEqual([codes(r.findings), table(r, 'old_users').indexes, table(r, 'users').indexes], [[], [], []]);
  });

  it('creates and drops indexes (table_name= or positional, or looked up by name), and reports unknown ones', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.create_index("ix_a", "users", ["name"])
        op.create_index("ix_b", "users", ["name", "email"], unique=True)
        op.create_index(op.f("ix_c"), table_name="users", columns=["email"])
        op.drop_index("ix_a", table_name="users")
        op.drop_index("ix_b", "users")
        op.drop_index("ix_c", table_name=None)
        op.drop_index("ix_missing", table_name="users")
        op.drop_index("ix_gone")
        op.drop_index("ix_maybe", table_name="users", if_exists=True)
      `),
    });
    assert.deepEqual(table(r, 'users').indexes, []);
    assert.deepEqual(withCode(r.findings, 'invalid-operation').map((f) => f.span[0]), [15, 16]);
  });

  it('drops an index or constraint made with a long op.f name by the name SQLAlchemy cut it to (fides)', async () => {
    // SQLAlchemy cuts a generated name over PostgreSQL's 63 characters to its first 55, `_` and the last 4 hex digits
    // of its MD5; a migration autogenerated later names the index as the database holds it.
    const long = 'ix_currentprivacypreference_fides_user_device_provided_identity_id';
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.create_index(op.f("${long}"), "users", ["name"])
        op.create_unique_constraint(op.f("uq_${long}"), "users", ["email"])
        op.create_index(op.f("${long}_2"), "users", ["email"])
        op.drop_index("ix_currentprivacypreference_fides_user_device_provided__d6ea", table_name="users")
        op.drop_constraint("uq_ix_currentprivacypreference_fides_user_device_provid_4b9c", "users", type_="unique")
        op.drop_index("ix_currentprivacypreference_fides_user_device_provided__0000", table_name="users")
      `),
    });
    assert.deepEqual(table(r, 'users').uniques.map((u) => u.name), ['uq_users_email']);
    assert.deepEqual(table(r, 'users').indexes.map((i) => i.name), [`${long}_2`]);
    assert.deepEqual(withCode(r.findings, 'invalid-operation').map((f) => f.message), ['op.drop_index: index "ix_currentprivacypreference_fides_user_device_provided__0000" does not exist on table "users" at this point.']);
  });

  it("replays GeoAlchemy2's geospatial ops as the plain ops they extend, and reports an op it does not know", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.add_geospatial_column("users", sa.Column("geom", Geometry("POINT", srid=4326, spatial_index=False)))
        with op.batch_alter_table("users") as batch_op:
            batch_op.add_geospatial_column(sa.Column("area", Geometry("POLYGON", spatial_index=False)))
            batch_op.create_geospatial_index("idx_users_area", ["area"])
        op.drop_geospatial_column("users", "geom")
        op.add_column("users", sa.Column("spot", Geometry("POINT")))
        op.frobnicate_table("users")
        op.get_bind()
      `, 'from geoalchemy2 import Geometry\n'),
    });
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'email', 'name', 'created_at', 'area', 'spot']);
    // A spatial column gets GeoAlchemy2's index unless spatial_index=False (as autogenerate writes it).
    assert.deepEqual(table(r, 'users').indexes.map((i) => i.name), ['idx_users_area', 'idx_users_spot']);
    assert.deepEqual(r.findings.map((f) => `${f.code} ${f.message}`), ['unresolved op.frobnicate_table: could not evaluate what this op, which Alembic Drift does not know, changes statically.']);
  });

  it("drops the index MySQL keeps after a foreign key is dropped, named as the key, without reporting it (mlrun)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("user_id", sa.Integer()), sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="_tags_user_fk"))
        op.drop_constraint("_tags_user_fk", "tags", type_="foreignkey")
        op.drop_index("_tags_user_fk", table_name="tags")
        op.drop_index("_tags_other_fk", table_name="tags")
      `),
    });
    assert.deepEqual(table(r, 'tags').foreignKeys, []);
    assert.deepEqual(withCode(r.findings, 'invalid-operation').map((f) => f.message), ['op.drop_index: index "_tags_other_fk" does not exist on table "tags" at this point.']);
  });

  it('reports an index or constraint on a column the table does not have', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.create_index("ix_x", "users", ["nickname"])
        op.create_index("ix_lower", "users", [sa.text("lower(email)")])
        op.create_index("ix_name", "users", ["name"])
        op.create_index("ix_name", "users", ["email"])
      `),
    });
    assert.deepEqual(withCode(r.findings, 'invalid-operation').map((f) => [f.span[0], f.column]), [[9, 'nickname'], [12, undefined]]);
    assert.deepEqual(table(r, 'users').indexes.map((i) => i.columns), [['nickname'], ['lower(email)'], ['name']]);
  });

  it('creates unique, foreign key, check and primary key constraints and drops each by name whatever type_ says', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("teams", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"), schema="hr")
        op.create_table("people", sa.Column("id", sa.Integer()), sa.Column("team_id", sa.Integer()), sa.Column("code", sa.String(5)))
        op.create_primary_key("pk_people", "people", ["id"])
        op.create_unique_constraint("uq_people_code", "people", ["code"])
        op.create_foreign_key("fk_people_team", "people", "teams", ["team_id"], ["id"], ondelete="CASCADE", referent_schema="hr")
        op.create_check_constraint("ck_code", "people", "length(code) = 5")
      `),
      'v/b.py': rev('b', 'a', `
        op.drop_constraint("uq_people_code", "people", type_="foreignkey")
        op.drop_constraint("ck_code", "people")
      `),
    });
    assert.deepEqual(r.findings, []);
    const people = table(r, 'people');
    assert.deepEqual([people.primaryKey, people.primaryKeyName, people.columns.get('id')!.nullable], [['id'], 'pk_people', false]);
    assert.deepEqual(people.foreignKeys.map((f) => [f.name, f.columns, f.refSchema, f.refTable, f.refColumns, f.ondelete]), [['fk_people_team', ['team_id'], 'hr', 'teams', ['id'], 'CASCADE']]);
    assert.deepEqual([people.uniques, people.checks], [[], []]);
  });

  it("reads a conditional expression's value where its test is known, or where both arms give the same (tracecat)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("teams", sa.Column("id", sa.Integer(), primary_key=True))
        for table in ["people", "robots"]:
            op.create_table(table, sa.Column("id", sa.Integer(), primary_key=True), sa.Column("team_id", sa.Integer()))
            op.create_foreign_key(f"fk_{table}_team", table, "teams", ["team_id"], ["id"], ondelete="CASCADE" if HAS_ONDELETE[table] else None)
        op.create_index("ix_people_team" if len(TABLES) > 1 else "ix_team", "people", ["team_id"], unique=True if unknown() else True)
      `, `
        from x import unknown
        HAS_ONDELETE = {"people": True, "robots": False}
        TABLES = ["people", "robots"]
      `),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual(['people', 'robots'].map((t) => table(r, t).foreignKeys.map((f) => [f.name, f.ondelete ?? null])), [[['fk_people_team', 'CASCADE']], [['fk_robots_team', null]]]);
    assert.deepEqual(table(r, 'people').indexes.map((i) => [i.name, i.unique]), [['ix_people_team', true]]);
  });

  it('drops unnamed constraints by their PostgreSQL default names, and never guesses between several', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("a", sa.Integer(), unique=True), sa.Column("b", sa.Integer(), sa.ForeignKey("t.id")))
        op.create_table("u", sa.Column("id", sa.Integer()), sa.UniqueConstraint("id"), sa.CheckConstraint("id > 0"))
        op.create_table("w", sa.Column("id", sa.Integer()), sa.UniqueConstraint("id", name="uq_w"))
      `),
      'v/b.py': rev('b', 'a', `
        op.drop_constraint("t_a_key", "t", type_="unique")
        op.drop_constraint("t_b_fkey", "t", type_="foreignkey")
        op.drop_constraint("t_pkey", "t", type_="primary")
        op.drop_constraint("u_ibfk_1", "u")
        op.drop_constraint("w_missing", "w")
      `),
    });
    const t = table(r, 't');
    assert.deepEqual([t.uniques, t.foreignKeys, t.primaryKey, t.columns.get('id')!.primaryKey], [[], [], [], false]);
    // Which of u's unnamed constraints is dropped cannot be told: its constraints are not compared, its columns are.
    assert.deepEqual([table(r, 'u').uncertain, table(r, 'u').uncertainConstraints], [undefined, true]);
    assert.deepEqual(withCode(r.findings, 'unresolved').map((f) => [f.span[0], f.table]), [[12, 'u']]);
    assert.deepEqual(withCode(r.findings, 'invalid-operation').map((f) => f.span[0]), [13]);
  });

  it("drops a named primary key by its name in any case, as Oracle folds it and MySQL ignores it (rucio's CONFIGS_HISTORY_PK)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("configs_history", sa.Column("section", sa.String(128)), sa.Column("opt", sa.String(128)))
        op.create_primary_key("configs_history_pk", "configs_history", ["section", "opt"])
        op.create_table("other", sa.Column("id", sa.Integer()), sa.UniqueConstraint("id", name="uq_other"))
      `),
      'v/b.py': rev('b', 'a', `
        op.drop_constraint("CONFIGS_HISTORY_PK", "configs_history", type_="primary")
        op.drop_constraint("UQ_OTHER", "other", type_="unique")
      `),
    });
    assert.deepEqual(table(r, 'configs_history').primaryKey, []);
    // Only a primary key: another constraint's name is matched as written.
    assert.deepEqual(withCode(r.findings, 'invalid-operation').map((f) => f.message), ['op.drop_constraint: constraint "UQ_OTHER" does not exist on table "other" at this point.']);
  });

  it("drops the primary key whatever name it is given, one read from the Inspector too (ironic-inspector's attributes)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("attributes", sa.Column("uuid", sa.String(36), nullable=False), sa.Column("name", sa.String(255), primary_key=True), sa.Column("value", sa.String(255), primary_key=True))
      `),
      'v/b.py': rev('b', 'a', `
        inspector = sa.inspect(op.get_bind())
        pk_constraint = inspector.get_pk_constraint("attributes").get("name") or "pk_attributes"
        op.drop_constraint(pk_constraint, "attributes", type_="primary")
        op.alter_column("attributes", "value", nullable=True, existing_type=sa.String(255))
      `),
    });
    assert.deepEqual(table(r, 'attributes').primaryKey, []);
    assert.equal(table(r, 'attributes').columns.get('value')!.nullable, true);
    // The name is still said to be unknown: only that it is the table's primary key is.
    assert.deepEqual(r.findings.map((f) => f.message.replace(/`.*`/, 'X')), ['op.drop_constraint: could not evaluate the constraint name X statically.']);
  });

  it('makes again a foreign key that a drop of a key it could not name may have dropped, without calling it a duplicate (invenio-accounts)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("role", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id", name="pk_role"))
        op.create_table("userrole", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("role_id", sa.Integer()), sa.ForeignKeyConstraint(["role_id"], ["role.id"], name="fk_userrole_role_id"))
      `),
      'v/b.py': rev('b', 'a', `
        for fk in get_referencing_foreign_keys(Role):
            op.drop_constraint(fk.constraint.name, fk.constraint.table.name, type_="foreignkey")
        op.create_foreign_key("fk_userrole_role_id", "userrole", "role", ["role_id"], ["id"], ondelete="CASCADE")
      `, 'from sqlalchemy_utils import get_referencing_foreign_keys\nfrom app.models import Role'),
    });
    assert.deepEqual(r.findings.map((f) => f.code), ['unresolved']);
    assert.deepEqual(table(r, 'userrole').foreignKeys.map((k) => `${k.name} ${k.ondelete}`), ['fk_userrole_role_id CASCADE']);
  });

  it('knows the name PostgreSQL gave an unnamed constraint when it was made, through renames, numbered and cut to 63 bytes', async () => {
    const long = 'hierarchy_node_by_connector_credential_pair';
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("forward_email", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("gen_email_id", sa.Integer(), sa.ForeignKey("gen_email.id")),
            sa.Column("n", sa.Integer()), sa.UniqueConstraint("gen_email_id", "n"), sa.CheckConstraint("n > 0"))
        op.create_table("copr", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("pr_id", sa.Integer(), sa.ForeignKey("pr.id")), sa.ForeignKeyConstraint(["pr_id"], ["pr.id"]))
        op.create_table("${long}", sa.Column("connector_id", sa.Integer()), sa.Column("credential_id", sa.Integer()),
            sa.ForeignKeyConstraint(["connector_id", "credential_id"], ["pair.connector_id", "pair.credential_id"]))
      `),
      'v/b.py': rev('b', 'a', `
        op.rename_table("forward_email", "contact")
        op.alter_column("contact", "gen_email_id", new_column_name="alias_id")
        op.alter_column("contact", "n", new_column_name="m")
      `),
      'v/c.py': rev('c', 'b', `
        op.drop_constraint("forward_email_gen_email_id_fkey", "contact", type_="foreignkey")
        op.drop_constraint("forward_email_gen_email_id_n_key", "contact", type_="unique")
        op.drop_constraint("forward_email_n_check", "contact", type_="check")
        op.drop_constraint("forward_email_pkey", "contact", type_="primary")
        op.drop_constraint("copr_pr_id_fkey1", "copr", type_="foreignkey")
        op.drop_constraint("hierarchy_node_by_connector_cre_connector_id_credential_id_fkey", "${long}", type_="foreignkey")
      `),
    });
    assert.deepEqual(r.findings, []);
    const contact = table(r, 'contact');
    assert.deepEqual([contact.foreignKeys, contact.uniques, contact.checks, contact.primaryKey], [[], [], [], []]);
    // Of copr's two keys on pr_id, the second made (fkey1) is gone and the first is compared as before.
    const copr = table(r, 'copr');
    assert.deepEqual([copr.foreignKeys.map((f) => f.databaseName), copr.uncertainConstraints], [['copr_pr_id_fkey'], undefined]);
    assert.deepEqual(table(r, long).foreignKeys, []);
  });

  it("names an unnamed check by the one column it names, not words of its strings, seeing columns declared after it", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("active", sa.Integer(), sa.CheckConstraint("active < status")),
            sa.Column("status", sa.String(10)), sa.CheckConstraint("status IN ('active', 'banned')"))
      `),
      'v/b.py': rev('b', 'a', `
        op.drop_constraint("users_status_check", "users", type_="check")
        op.drop_constraint("users_check", "users", type_="check")
      `),
    });
    assert.deepEqual([r.findings, table(r, 'users').checks], [[], []]);
  });
});

describe('migrations: alter_column on MySQL', () => {
  it('restates the whole column, as Alembic writes MODIFY / CHANGE: existing_type, and existing_nullable else NULL', async () => {
    const files = {
      'v/a.py': rev('a', null, `
        op.create_table("algorithm", sa.Column("name", sa.String(30), primary_key=True), sa.Column("note", sa.String(30), nullable=False),
            sa.Column("tenant_id", sa.String(255), nullable=False), sa.Column("flag", sa.Integer(), nullable=False))
      `),
      'v/b.py': rev('b', 'a', `
        op.alter_column("algorithm", "note", nullable=False, existing_type=sa.String(255))
        op.alter_column("algorithm", "tenant_id", new_column_name="project_id", existing_type=sa.String(36))
        op.alter_column("algorithm", "flag", server_default="0")
      `),
    };
    const mysql = table(await replay(files, 'mysql'), 'algorithm');
    assert.deepEqual(['note', 'project_id', 'flag'].map((c) => [mysql.columns.get(c)!.type?.args.length, mysql.columns.get(c)!.nullable]), [[255, false], [36, true], [undefined, false]]);
    // Elsewhere an alter_column changes only what it names.
    const pg = table(await replay(files, 'postgresql'), 'algorithm');
    assert.deepEqual(['note', 'project_id'].map((c) => [pg.columns.get(c)!.type?.args.length, pg.columns.get(c)!.nullable]), [[30, false], [255, false]]);
  });

  it("says, the dialect unknown, what MySQL's restatement would change: an existing_type that is not the column's (watcher), and a lost NOT NULL where the history shows MySQL in use (designate)", async () => {
    const files = (options: string): Record<string, string> => ({
      'v/a.py': rev('a', null, `
        op.create_table("audits", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("interval", sa.Integer(), nullable=False),
            sa.Column("domain_id", sa.String(36), nullable=False), sa.Column("note", sa.Text(), nullable=True)${options})
      `),
      'v/b.py': rev('b', 'a', `
        op.alter_column("audits", "interval", existing_type=sa.String(36), nullable=True)
        op.alter_column("audits", "domain_id", new_column_name="zone_id", existing_type=sa.String(36))
        op.alter_column("audits", "note", type_=sa.String(200), existing_nullable=True)
      `),
    });
    const plain = await replay(files(''));
    assert.deepEqual(plain.findings.map((f) => f.message), ['op.alter_column: on MySQL, which restates the whole column, it also makes "audits.interval" of type sa.String(36) (its existing_type=), where other databases keep it as it was; the dialect is not known (set sqlalchemy.url in alembic.ini, or dialect under [tool.alembic-drift]), so its type is not compared.']);
    const interval = table(plain, 'audits').columns.get('interval')!;
    assert.deepEqual([interval.unknown, interval.typeAlternatives?.map((t) => t.family), interval.nullable], [['type'], ['INTEGER', 'VARCHAR'], true]);
    // MySQL's own options in the history: the rename that leaves out existing_nullable= makes the column nullable there.
    const hinted = await replay(files(', mysql_engine="InnoDB"'));
    assert.deepEqual(hinted.findings.map((f) => f.message.replace(/, where .*/, '')), [
      'op.alter_column: on MySQL, which restates the whole column, it also makes "audits.interval" of type sa.String(36) (its existing_type=)',
      'op.alter_column: on MySQL, which restates the whole column, it also makes "audits.zone_id" nullable (no existing_nullable=)',
    ]);
    assert.deepEqual(table(hinted, 'audits').columns.get('zone_id')!.unknown, ['nullable']);
    // A known dialect decides: no note.
    for (const dialect of ['mysql', 'postgresql']) assert.deepEqual((await replay(files(', mysql_engine="InnoDB"'), dialect)).findings, [], dialect);
    // PostgreSQL's own types in the history: it does not run on MySQL, where they could not be made.
    const pg = await replay({ ...files(''), 'v/c.py': rev('c', 'b', 'op.add_column("audits", sa.Column("data", postgresql.JSONB()))', 'from sqlalchemy.dialects import postgresql') });
    assert.deepEqual(pg.findings, []);
    // A table a later revision drops leaves nothing uncompared at head (magnum drops its renamed service.ports).
    assert.deepEqual((await replay({ ...files(''), 'v/c.py': rev('c', 'b', 'op.drop_table("audits")') })).findings, []);
  });

  it("reads the ops of an arm only MySQL takes as MySQL runs them, and puts in doubt only what an op there changes (Marzban)", async () => {
    const files = {
      'v/a.py': rev('a', null, `
        op.create_table("visitors", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("agent", sa.String(40), nullable=True), sa.Column("note", sa.Text(), nullable=False))
      `),
      'v/b.py': rev('b', 'a', `
        if op.get_bind().engine.name == "mysql":
            op.alter_column("visitors", "agent", existing_type=sa.String(length=300), nullable=True)
            op.alter_column("visitors", "note", type_=sa.Text(), existing_nullable=False)
      `),
    };
    const unknown = await replay(files);
    // On MySQL `agent` becomes VARCHAR(300): its type is in doubt, its nullability (NULL either way) is not; `note` keeps both.
    assert.deepEqual(unknown.findings.map((f) => f.message.replace(/: runs only .*\]\);/, ':')), ['op.alter_column: the type of column "visitors.agent" is not compared.']);
    const visitors = table(unknown, 'visitors');
    assert.deepEqual([visitors.columns.get('agent')!.unknown, visitors.columns.get('note')!.unknown], [['type'], undefined]);
    // Known, the dialect decides as before.
    assert.equal(table(await replay(files, 'mysql'), 'visitors').columns.get('agent')!.type!.args.length, 300);
    assert.equal(table(await replay(files, 'postgresql'), 'visitors').columns.get('agent')!.type!.args.length, 40);
  });

  it("drops an unnamed unique constraint by the name MySQL gives it, its first column's (superset's report_schedule)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("report", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(150), unique=True), sa.Column("type", sa.String(50)))
      `),
      'v/b.py': rev('b', 'a', `
        op.drop_index(op.f("name"), table_name="report")
        op.create_unique_constraint("uq_report_name_type", "report", ["name", "type"])
        op.drop_index("type", table_name="report")
      `),
    });
    // "type" names no index, nor an unnamed unique constraint that begins with it.
    assert.deepEqual(r.findings.map((f) => `${f.code} ${f.message}`), ['invalid-operation op.drop_index: index "type" does not exist on table "report" at this point.']);
    assert.deepEqual(table(r, 'report').uniques.map((u) => [u.name, u.columns]), [['uq_report_name_type', ['name', 'type']]]);
  });

  it("drops an unnamed foreign key by the name MySQL's InnoDB gives it, numbered past the table's others (zaqar's Pools_ibfk_1)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("groups", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_table("Pools", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("group", sa.Integer(), sa.ForeignKey("groups.id")), sa.Column("parent", sa.Integer(), sa.ForeignKey("Pools.id")))
      `),
      'v/b.py': rev('b', 'a', `
        op.drop_constraint("Pools_ibfk_1", "Pools", type_="foreignkey")
        op.create_foreign_key(None, "Pools", "groups", ["group"], ["id"], ondelete="CASCADE")
        op.drop_constraint("Pools_ibfk_2", "Pools", type_="foreignkey")
      `),
    });
    assert.deepEqual(r.findings, []);
    const pools = table(r, 'Pools');
    assert.deepEqual(pools.foreignKeys.map((fk) => [fk.columns, fk.ondelete]), [[['group'], 'CASCADE']]);
    assert.equal(pools.uncertainConstraints, undefined);
    // InnoDB renames the names it gave with the table: the key is purchases_ibfk_1 after the rename, never orders_ibfk_1.
    const renamed = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_table("orders", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id")), sa.Column("shop_id", sa.Integer()))
        op.rename_table("orders", "purchases")
        op.create_foreign_key(None, "purchases", "users", ["shop_id"], ["id"])
        op.drop_constraint("purchases_ibfk_1", "purchases", type_="foreignkey")
      `),
    });
    assert.deepEqual(renamed.findings, []);
    assert.deepEqual(table(renamed, 'purchases').foreignKeys.map((fk) => [fk.columns, fk.mysqlName]), [[['shop_id'], 'purchases_ibfk_2']]);
  });
});

describe('migrations: an index op that cannot be read', () => {
  it('leaves the columns of its table compared, and only its indexes and constraints out', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.String(50)))
        op.create_index("ix_users_lower_email", "users", columns_of("users"))
      `, 'from helpers import columns_of'),
    });
    assert.deepEqual(r.findings.map((f) => f.code), ['unresolved']);
    const users = table(r, 'users');
    assert.deepEqual([users.uncertain, users.uncertainConstraints], [undefined, true]);
  });
});

describe('migrations: batch mode', () => {
  it('applies batch_op ops to the batch table, with schema=, op.f names and the batch form of create_foreign_key', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.create_table("teams", sa.Column("id", sa.Integer(), primary_key=True), schema="hr")
        with op.batch_alter_table("users", schema=None) as batch_op:
            batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
            batch_op.alter_column("name", existing_type=sa.String(length=100), type_=sa.String(length=200), nullable=False)
            batch_op.drop_column("created_at")
            batch_op.create_index(batch_op.f("ix_users_team_id"), ["team_id"], unique=False)
            batch_op.create_foreign_key(batch_op.f("fk_users_team_id_teams"), "teams", ["team_id"], ["id"], referent_schema="hr", ondelete="SET NULL")
            batch_op.create_unique_constraint("uq_users_name", ["name"])
            batch_op.drop_constraint(op.f("uq_users_email"), type_="unique")
            batch_op.create_check_constraint("ck_name", "length(name) > 0")
      `),
    });
    assert.deepEqual(r.findings, []);
    const users = table(r, 'users');
    assert.deepEqual([...users.columns.keys()], ['id', 'email', 'name', 'team_id']);
    assert.deepEqual([users.columns.get('name')!.type?.args.length, users.columns.get('name')!.nullable], [200, false]);
    assert.deepEqual(users.indexes.map((i) => [i.name, i.conventional]), [['ix_users_team_id', true]]);
    assert.deepEqual(users.foreignKeys.map((f) => [f.name, f.refSchema, f.refTable, f.refColumns, f.ondelete]), [['fk_users_team_id_teams', 'hr', 'teams', ['id'], 'SET NULL']]);
    assert.deepEqual(users.uniques.map((u) => u.name), ['uq_users_name']);
    assert.deepEqual(users.checks.map((c) => c.name), ['ck_name']);
    assert.deepEqual(users.columns.get('team_id')!.history?.map((h) => h.op), ['add_column']);
  });

  it('applies the ops of a batch block whose `as` is in parentheses (pgadmin4)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        with (op.batch_alter_table("users")
              as batch_op):
            batch_op.add_column(sa.Column("is_adhoc", sa.Integer(), nullable=False, server_default="0"))
            batch_op.alter_column("name", existing_type=sa.String(length=100), type_=sa.Text())
      `),
    });
    assert.deepEqual(r.findings, []);
    const users = table(r, 'users');
    assert.deepEqual([users.columns.get('is_adhoc')?.nullable, users.columns.get('name')!.type?.name], [false, 'Text']);
  });

  it('reports batch ops on a table that was dropped; another schema is another table', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.drop_table("users")
        with op.batch_alter_table("users") as batch_op:
            batch_op.drop_column("name")
        with op.batch_alter_table("users", schema="public") as batch_op:
            batch_op.drop_column("name")
      `),
    });
    assert.deepEqual(codes(r.findings), ['invalid-operation', 'assumed-baseline']);
    assert.equal(r.findings[0].span[0], 11);
    assert.equal(table(r, 'public.users').partial, true);
  });
});

describe('migrations: names from code', () => {
  it('evaluates table and column names held in module constants, imported constants and class attributes', async () => {
    const r = await replay({
      'app/names.py': `
        class Tables:
            ORDERS = "orders"
        PREFIX = "app_"
      `,
      'v/a.py': rev('a', null, `
        op.create_table(USERS_TABLE, sa.Column(ID, sa.Integer(), primary_key=True))
        op.create_table(Tables.ORDERS, sa.Column("id", sa.Integer(), primary_key=True), schema=SCHEMA)
        op.create_table(PREFIX + "logs", sa.Column("id", sa.Integer()))
        op.create_table(f"{PREFIX}audit", sa.Column("id", sa.Integer()))
        op.create_index(op.f(f"ix_{USERS_TABLE}_{ID}"), USERS_TABLE, [ID])
      `, `
        from app.names import PREFIX, Tables
        USERS_TABLE = "users"
        ID = "id"
        SCHEMA = "shop"
      `),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual([...r.schema.keys()], ['users', 'shop.orders', 'app_logs', 'app_audit']);
    assert.deepEqual(table(r, 'users').indexes.map((i) => i.name), ['ix_users_id']);
  });
});

describe('migrations: a schema that existed before the migrations (create_all + stamp)', () => {
  it('assumes tables that the history alters but never creates, as partial tables, with one finding listing them', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.add_column("legacy", sa.Column("flag", sa.Boolean(), nullable=False, server_default=sa.false()))
        op.alter_column("legacy", "title", type_=sa.String(300), existing_type=sa.String(100), nullable=False)
        op.drop_index("ix_legacy_old", table_name="legacy")
        op.drop_constraint("fk_legacy_owner", "legacy", type_="foreignkey")
        op.drop_column("legacy", "obsolete")
        op.create_index("ix_other_x", "other", ["x"], schema="archive")
      `),
    });
    assert.deepEqual(codes(r.findings), ['assumed-baseline']);
    const baseline = r.findings[0];
    assert.equal(baseline.severity, 'information');
    assert.deepEqual(baseline.span, [9, 4, 9, 103]);
    assert.match(baseline.message, /2 tables that no revision creates \("legacy", "archive\.other"\)/);
    const legacy = table(r, 'legacy');
    assert.deepEqual([legacy.partial, legacy.uncertain, [...legacy.columns.keys()]], [true, undefined, ['flag', 'title']]);
    const title = legacy.columns.get('title')!;
    assert.deepEqual([title.type?.args.length, title.nullable, title.unknown], [300, false, ['serverDefault']]);
    assert.equal(table(r, 'archive.other').partial, true);
  });

  it('reports a table used before the revision that creates it, instead of assuming it', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, 'op.add_column("users", sa.Column("x", sa.Integer()))'),
      'v/b.py': rev('b', 'a', USERS),
    });
    assert.deepEqual(codes(r.findings), ['invalid-operation']);
    assert.match(r.findings[0].message, /is not created until revision b/);
    assert.equal(table(r, 'users').partial, undefined);
  });

  it('takes a table that a later revision drops before re-creating it (a SQLite rebuild in SQL) as one that existed', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        with op.batch_alter_table("connection") as batch_op:
            batch_op.alter_column("login", existing_type=sa.VARCHAR(length=500), type_=sa.Text(), existing_nullable=True)
      `),
      'v/b.py': rev('b', 'a', `
        op.execute("CREATE TABLE connection_new (id INTEGER NOT NULL, login TEXT, PRIMARY KEY (id))")
        op.execute("INSERT INTO connection_new SELECT * FROM connection")
        op.execute("DROP TABLE connection")
        op.execute("ALTER TABLE connection_new RENAME TO connection")
      `),
    });
    assert.deepEqual(codes(r.findings), ['assumed-baseline']);
    assert.match(r.findings[0].message, /"connection"/);
    const connection = table(r, 'connection');
    assert.deepEqual([connection.partial, [...connection.columns.keys()]], [undefined, ['id', 'login']]);
  });
});

describe('migrations: what cannot be evaluated', () => {
  it('reports an unknown table name and keeps the op, with what is known, for the diff', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.add_column(get_table(), sa.Column("nickname", sa.String(40)))
        op.create_index("ix_x", table_for("x"), ["x"])
      `, `
        from somewhere import get_table, table_for
      `),
    });
    assert.deepEqual(codes(r.findings), ['unresolved', 'unresolved']);
    assert.equal(r.findings[0].severity, 'information');
    assert.match(r.findings[0].message, /op\.add_column: could not evaluate the table name `get_table\(\)` statically/);
    assert.deepEqual(r.uncertainOps.map((o) => [o.kind, o.revision, o.column, o.name, o.origin.span[0]]), [
      ['add_column', 'a', 'nickname', undefined, 10],
      ['create_index', 'a', undefined, 'ix_x', 11],
    ]);
  });

  it('marks a known table uncertain when a column name cannot be evaluated, and does not warn about what that may explain', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.add_column("users", sa.Column(column_name(), sa.Integer()))
        op.alter_column("users", "phantom", nullable=False)
      `, 'from x import column_name'),
    });
    assert.deepEqual(codes(r.findings), ['unresolved']);
    assert.match(r.findings[0].message, /the column name `sa\.Column\(column_name\(\), sa\.Integer\(\)\)`/);
    const users = table(r, 'users');
    assert.equal(users.uncertain, true);
    assert.deepEqual(users.columns.get('phantom')!.unknown, ['serverDefault']);
  });

  it("leaves a known table's constraints uncompared when a constraint is dropped by a name read at run time (endurain)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("activities", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("garmin_id", sa.BigInteger()), sa.UniqueConstraint("garmin_id"))
      `),
      'v/b.py': rev('b', 'a', `
        op.drop_constraint(constraint_name(), "activities", type_="unique")
      `, 'from x import constraint_name'),
    });
    assert.deepEqual(r.findings.map((f) => f.message), ['op.drop_constraint: could not evaluate the constraint name `constraint_name()` statically; the constraints and unique indexes of table "activities" are not compared (its other indexes are).']);
    assert.equal(table(r, 'activities').uncertainConstraints, true);
  });

  it("leaves only the primary key uncompared when one is made of columns that cannot be read, until one is made surely (cloudkitty)", async () => {
    const files = (extra: string): Record<string, string> => ({
      'v/a.py': rev('a', null, `
        op.create_table("mappings", sa.Column("id", sa.Integer(), nullable=False), sa.Column("value", sa.String(40)), sa.UniqueConstraint("value", name="uniq_value"))
      `),
      'v/b.py': rev('b', 'a', `
        op.create_primary_key("pk_mappings", "mappings", key_columns())
        op.drop_constraint("uniq_value", "mappings", type_="unique")${extra}
      `, 'from x import key_columns'),
    });
    const r = await replay(files(''));
    assert.deepEqual(r.findings.map((f) => f.message), ['op.create_primary_key: could not evaluate the columns `key_columns()` statically; the primary key of table "mappings" is not compared.']);
    assert.deepEqual([table(r, 'mappings').primaryKeyUnread, table(r, 'mappings').uncertainConstraints, table(r, 'mappings').uniques], [true, undefined, []]);
    // Dropped by its name alone (as PostgreSQL allows) or with type_="primary", and made again: known again.
    for (const drop of ['op.drop_constraint("pk_mappings", "mappings", type_="primary")', 'op.drop_constraint("pk_mappings", "mappings")']) {
      const remade = await replay(files(`\n        ${drop}\n        op.create_primary_key("pk_mappings", "mappings", ["id"])`));
      assert.deepEqual([remade.findings.length, table(remade, 'mappings').primaryKeyUnread, table(remade, 'mappings').primaryKey], [1, undefined, ['id']], drop);
    }
    // Not a drop by a name the database gave an unnamed constraint of the table (PostgreSQL's mappings_code_key).
    const unnamed = await replay({ 'v/a.py': rev('a', null, 'op.create_table("mappings", sa.Column("id", sa.Integer(), nullable=False), sa.Column("code", sa.String(10), unique=True))'), 'v/b.py': rev('b', 'a', 'op.create_primary_key("pk_mappings", "mappings", key_columns())\nop.drop_constraint("mappings_code_key", "mappings")', 'from x import key_columns') });
    assert.equal(table(unnamed, 'mappings').primaryKeyUnread, true);
    // A key whose name alone cannot be read is known.
    const named = await replay({ ...files(''), 'v/b.py': rev('b', 'a', 'op.create_primary_key(key_name(), "mappings", ["id"])', 'from x import key_name') });
    assert.deepEqual([table(named, 'mappings').primaryKeyUnread, table(named, 'mappings').primaryKey, named.findings.map((f) => f.message)], [undefined, ['id'], ['op.create_primary_key: could not evaluate the constraint name `key_name()` statically.']]);
  });

  it('does not report a missing column that an unresolved op on an unknown table may have added', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, USERS),
      'v/b.py': rev('b', 'a', `
        op.add_column(T, sa.Column("nickname", sa.String(40)))
        op.alter_column("users", "nickname", nullable=False)
        op.drop_column("users", "other")
      `, 'from x import T'),
    });
    assert.deepEqual(codes(r.findings), ['unresolved', 'invalid-operation']);
    assert.equal(r.findings[1].column, 'other');
  });

  it('accepts ops on a table that a rename from an unresolved name may have made, as an uncertain partial table', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.rename_table(old_name(), "accounts")
        op.add_column("accounts", sa.Column("plan", sa.String(20)))
      `, 'from x import old_name'),
    });
    assert.deepEqual(codes(r.findings), ['unresolved']);
    assert.deepEqual(r.uncertainOps.map((o) => [o.kind, o.name]), [['rename_table', 'accounts']]);
    const accounts = table(r, 'accounts');
    assert.deepEqual([accounts.partial, accounts.uncertain, [...accounts.columns.keys()]], [true, true, ['plan']]);
  });

  it('reports a table created under an unresolved name without guessing which one', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table(name, sa.Column("id", sa.Integer()))
      `, 'from x import name'),
    });
    assert.equal(r.schema.size, 0);
    assert.deepEqual(r.uncertainOps.map((o) => o.kind), ['create_table']);
  });
});
