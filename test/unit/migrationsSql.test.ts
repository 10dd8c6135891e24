import * as assert from 'node:assert/strict';
import { readSqlOps } from '../../server/src/core/migrations/sql';
import { readCatalogQuery } from '../../server/src/core/migrations/catalogQueries';
import { loadSqlParsers } from '../../server/src/node/sqlParsers';
import { codes, replay, rev, table } from './migrationsHelpers';

/** A revision that runs each SQL text through op.execute, as a triple-quoted string. */
function executing(id: string, down: string | null, ...sql: string[]): string {
  return rev(id, down, sql.map((s) => `op.execute("""${s}""")`).join('\n'));
}

const ORIGIN = { file: 'v/a.py', span: [0, 0, 0, 1] as [number, number, number, number] };

describe('migrations: DDL in op.execute', () => {
  before(() => loadSqlParsers());

  it('reads CREATE TABLE: column types, NOT NULL, PRIMARY KEY, DEFAULT, UNIQUE, REFERENCES, CHECK and table constraints', async () => {
    const r = await replay({
      'v/a.py': executing('a', null, `
        CREATE TABLE IF NOT EXISTS public.accounts (
            id SERIAL PRIMARY KEY,
            email character varying(255) NOT NULL UNIQUE,
            balance numeric(12, 2) DEFAULT 100 NOT NULL,
            created timestamp with time zone DEFAULT now() NOT NULL,
            "Data" jsonb,
            tags text[],
            owner_id integer CONSTRAINT fk_owner REFERENCES auth.users (id) ON DELETE CASCADE,
            team_id integer REFERENCES teams,
            status varchar(10) DEFAULT 'new'::character varying CHECK (status <> ''),
            CONSTRAINT uq_accounts_owner UNIQUE (owner_id, team_id),
            FOREIGN KEY (team_id) REFERENCES teams (id) ON UPDATE SET NULL
        )
      `),
    });
    assert.deepEqual(r.findings, []);
    const t = table(r, 'public.accounts');
    assert.deepEqual([...t.columns.keys()], ['id', 'email', 'balance', 'created', 'Data', 'tags', 'owner_id', 'team_id', 'status']);
    const col = (name: string) => t.columns.get(name)!;
    assert.deepEqual([col('id').type?.name, col('id').nullable, t.primaryKey], ['Integer', false, ['id']]);
    assert.deepEqual([col('email').type?.name, col('email').type?.args, col('email').nullable], ['String', { length: 255 }, false]);
    assert.deepEqual([col('balance').type?.args, col('balance').serverDefault?.key], [{ precision: 12, scale: 2 }, '100']);
    assert.deepEqual([col('created').type?.args, col('created').serverDefault?.key, col('created').type?.text], [{ timezone: true }, 'now', 'timestamp with time zone']);
    assert.deepEqual([col('Data').type?.name, col('Data').nullable], ['postgresql.JSONB', true]);
    assert.deepEqual([col('tags').type?.family, col('tags').type?.item?.name], ['ARRAY', 'Text']);
    assert.equal(col('status').serverDefault?.key, 'new');
    assert.deepEqual(t.uniques.map((u) => [u.name, u.columns]), [[undefined, ['email']], ['uq_accounts_owner', ['owner_id', 'team_id']]]);
    assert.deepEqual(t.foreignKeys.map((f) => [f.name, f.columns, f.refSchema, f.refTable, f.refColumns, f.ondelete, f.onupdate]), [
      ['fk_owner', ['owner_id'], 'auth', 'users', ['id'], 'CASCADE', undefined],
      [undefined, ['team_id'], undefined, 'teams', [], undefined, undefined],
      [undefined, ['team_id'], undefined, 'teams', ['id'], undefined, 'SET NULL'],
    ]);
    assert.deepEqual(t.checks.map((c) => c.sql), ["status <> ''"]);
    assert.deepEqual(t.history?.map((h) => h.op), ['execute']);
    assert.deepEqual(col('email').origin, t.origin);
  });

  it("keeps other tables' foreign keys on a table's old name while SQLite's PRAGMA legacy_alter_table is on (securedrop)", async () => {
    const rebuild = (pragma: string) => rev('b', 'a', `
        conn = op.get_bind()
        ${pragma}
        op.rename_table("journalists", "journalists_tmp")
        op.create_table("journalists", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(255)))
        op.execute("INSERT INTO journalists SELECT id, name FROM journalists_tmp")
        op.drop_table("journalists_tmp")
    `);
    const first = rev('a', null, `
        op.create_table("journalists", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(255)))
        op.create_table("replies", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("journalist_id", sa.Integer(), sa.ForeignKey("journalists.id")))
    `);
    const target = async (pragma: string): Promise<string[]> => table(await replay({ 'v/a.py': first, 'v/b.py': rebuild(pragma) }, 'sqlite'), 'replies').foreignKeys.map((fk) => fk.refTable);
    assert.deepEqual(await target('conn.execute("PRAGMA legacy_alter_table=ON")'), ['journalists']);
    // Without it (SQLite 3.26 and later, and every other database) the rename takes the references along.
    assert.deepEqual(await target(''), ['journalists_tmp']);
    assert.deepEqual(await target('op.execute("PRAGMA legacy_alter_table = OFF")'), ['journalists_tmp']);
  });

  it('drops the columns of an enum type DROP TYPE ... CASCADE drops, and the foreign keys on a table DROP TABLE ... CASCADE drops (renku, onyx)', async () => {
    const first = rev('a', null, `
        op.create_table("launchers", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("kind", sa.Enum("global", "image", name="kind")))
        op.create_table("bots", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_table("channels", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("bot_id", sa.Integer(), sa.ForeignKey("bots.id")), sa.Column("owner_id", sa.Integer(), sa.ForeignKey("public.bots.id")))
    `);
    const second = (cascade: string) => rev('b', 'a', `
        op.execute("DROP TYPE kind${cascade}")
        op.execute("CREATE TYPE kind AS ENUM ('GLOBAL', 'CUSTOM')")
        op.add_column("channels", sa.Column("kind", sa.Enum("GLOBAL", "CUSTOM", name="kind", create_type=False)))
        op.execute("DROP TABLE bots${cascade}")
    `);
    const r = await replay({ 'v/a.py': first, 'v/b.py': second(' CASCADE') });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual([...table(r, 'launchers').columns.keys()], ['id']);
    assert.deepEqual(table(r, 'channels').foreignKeys, []);
    assert.deepEqual(table(r, 'channels').columns.get('kind')?.type?.enumValues, ['GLOBAL', 'CUSTOM']);
    // Without CASCADE the database refuses both drops while a column or a key depends on them: nothing goes.
    const kept = await replay({ 'v/a.py': first, 'v/b.py': second('') });
    assert.deepEqual([...table(kept, 'launchers').columns.keys()], ['id', 'kind']);
    assert.deepEqual(table(kept, 'channels').foreignKeys.map((fk) => fk.refTable), ['bots', 'bots']);
  });

  it('names the callee that ran the SQL in its messages: batch_op.execute, a connection (privacyidea, h)', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True))
        with op.batch_alter_table("t") as batch_op:
            batch_op.execute("DROP INDEX ix_nowhere")
        conn = op.get_bind()
        conn.execute(sa.text("CREATE TABLE t (id INTEGER)"))
      `),
    });
    assert.deepEqual(r.findings.map((f) => f.message.split(':')[0]), ['batch_op.execute', 'conn.execute']);
  });

  it("drops the foreign keys that refer to a key DROP CONSTRAINT ... CASCADE drops (invenio's pk_accounts_role)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("role", sa.Column("id", sa.Integer(), nullable=False), sa.Column("code", sa.String(20)), sa.PrimaryKeyConstraint("id", name="pk_role"), sa.UniqueConstraint("code", name="uq_role_code"))
        op.create_table("userrole", sa.Column("role_id", sa.Integer()), sa.Column("role_code", sa.String(20)),
            sa.ForeignKeyConstraint(["role_id"], ["role.id"], name="fk_userrole_role_id"), sa.ForeignKeyConstraint(["role_code"], ["role.code"], name="fk_userrole_role_code"))
      `),
      'v/b.py': rev('b', 'a', `
        op.execute("ALTER TABLE role DROP CONSTRAINT pk_role CASCADE")
        op.create_primary_key("pk_role", "role", ["id"])
        op.create_foreign_key("fk_userrole_role_id", "userrole", "role", ["role_id"], ["id"])
      `),
    });
    assert.deepEqual(r.findings, []);
    // Only the key on the dropped primary key goes; the one on the unique constraint stays.
    assert.deepEqual(table(r, 'userrole').foreignKeys.map((fk) => fk.name), ['fk_userrole_role_code', 'fk_userrole_role_id']);
  });

  it("renames an index or constraint that PostgreSQL's ALTER TABLE names in place of a table (pybossa's app_pkey)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, 'op.create_table("app", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.Unicode(255), unique=True))'),
      'v/b.py': executing('b', 'a', 'ALTER TABLE app RENAME TO project', 'ALTER TABLE app_pkey RENAME TO project_pkey', 'ALTER TABLE app_name_key RENAME TO project_name_key'),
      'v/c.py': rev('c', 'b', 'op.drop_constraint("project_name_key", "project", type_="unique")'),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual([...r.schema.keys()], ['project']);
    assert.deepEqual([table(r, 'project').primaryKeyName, table(r, 'project').uniques], ['project_pkey', []]);
    // A table made before the first revision (its indexes not known): a name as PostgreSQL names an index is one.
    const baseline = await replay({ 'v/b.py': executing('b', null, 'ALTER TABLE app RENAME TO project', 'ALTER TABLE app_pkey RENAME TO project_pkey') });
    assert.deepEqual([...baseline.schema.keys()], ['project']);
    // A table whose name only ends like an index's, renamed to one that does not: a table.
    const keys = await replay({ 'v/b.py': executing('b', null, 'ALTER TABLE api_key RENAME TO api_keys') });
    assert.deepEqual([...keys.schema.keys()], ['api_keys']);
  });

  it("says that SQL read from a file when the revision runs is not read, where it said nothing (ichnaea's base.sql)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.execute(sa.text(BASE_SQL))
        op.execute(sa.text(open("more.sql").read()))
        op.execute(sa.text(statement))
      `, 'import os\nwith open(os.path.join(os.path.dirname(__file__), "base.sql")) as fd:\n    BASE_SQL = fd.read().strip()\nstatement = compute()\n'),
    });
    assert.deepEqual(r.findings.map((f) => `${f.code} ${f.span[0]}`), ['unresolved 13', 'unresolved 14'], 'SQL of a value not known otherwise stays unsaid, as before');
    assert.match(r.findings[0].message, /^op\.execute: the SQL it runs is read from a file when the revision runs \(`BASE_SQL`\), which is not read here: what it changes is not known\.$/);
    // It may have made any table: one a later revision alters is not said to be assumed made outside the migrations.
    const altered = await replay({
      'v/a.py': rev('a', null, 'op.execute(sa.text(open("base.sql").read()))'),
      'v/b.py': rev('b', 'a', 'op.add_column("region", sa.Column("name", sa.Text()))'),
    });
    assert.deepEqual(codes(altered.findings), ['unresolved']);
    assert.deepEqual(altered.uncertainOps.map((o) => [o.kind, o.table]), [['sql_file', undefined]]);
    // Given as it is read, with no sa.text() around it (augur's legacy .sql files, one by one in a loop).
    const bare = await replay({
      'v/a.py': rev('a', null, `
        for name in sorted(folder.glob("*.sql")):
            with (folder / name).open() as legacy_file:
                op.execute(legacy_file.read())
        op.execute(Path("commit.sql").read_text().strip())
        op.execute(legacy_sql(name))
      `, 'from pathlib import Path\nfolder = Path(__file__).parent / "legacy"\n'),
    });
    assert.deepEqual(bare.findings.map((f) => `${f.code} ${f.span[0]}`), ['unresolved 13', 'unresolved 14'], 'a call that is not a read stays unsaid');
    assert.match(bare.findings[0].message, /read from a file when the revision runs \(`legacy_file\.read\(\)`\)/);
    assert.deepEqual(bare.uncertainOps.map((o) => o.kind), ['sql_file', 'sql_file']);
  });

  it("takes a view's name for no table: its indexes change nothing (augur's materialized views, indexed for REFRESH CONCURRENTLY)", async () => {
    const r = await replay({
      'v/a.py': executing('a', null, 'CREATE TABLE repo (repo_id integer PRIMARY KEY, name text)', 'CREATE MATERIALIZED VIEW analytics.repo_stats AS SELECT repo_id FROM repo', 'CREATE VIEW public.repo_names AS SELECT name FROM repo'),
      'v/b.py': rev('b', 'a', `
        op.execute("CREATE UNIQUE INDEX ON analytics.repo_stats (repo_id)")
        op.create_index("ix_repo_stats", "repo_stats", ["repo_id"], unique=True, schema="analytics")
        op.execute("DROP MATERIALIZED VIEW analytics.repo_stats; DROP VIEW repo_names")
        op.create_index("ix_repo_names", "repo_names", ["name"])
      `),
    });
    assert.deepEqual([...r.schema.keys()], ['repo', 'repo_names'], 'an index on a name no longer a view: a table assumed made, as before');
    assert.deepEqual(codes(r.findings), ['assumed-baseline']);
    assert.deepEqual(table(r, 'repo').indexes, []);
  });

  it('takes the referenced primary key when REFERENCES names only the table', async () => {
    const r = await replay({
      'v/a.py': executing('a', null, 'CREATE TABLE teams (code text PRIMARY KEY)', 'CREATE TABLE members (team text REFERENCES teams)'),
    });
    assert.deepEqual(table(r, 'members').foreignKeys[0].refColumns, ['code']);
  });

  it('reads ALTER TABLE: ADD [COLUMN], DROP [COLUMN], RENAME COLUMN, RENAME TO, ALTER COLUMN, ADD/DROP CONSTRAINT', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(50)), sa.Column("old", sa.Text()))'),
      'v/b.py': executing('b', 'a',
        'ALTER TABLE users ADD COLUMN nick varchar(40) NOT NULL DEFAULT \'\'',
        'ALTER TABLE users ADD age integer, ADD COLUMN IF NOT EXISTS nick text',
        'ALTER TABLE users DROP COLUMN IF EXISTS old CASCADE',
        'ALTER TABLE ONLY users RENAME COLUMN name TO full_name',
        'ALTER TABLE users ALTER COLUMN full_name TYPE text USING full_name::text, ALTER COLUMN full_name SET NOT NULL',
        'ALTER TABLE users ALTER COLUMN age SET DEFAULT 18, ALTER age DROP NOT NULL',
        'ALTER TABLE users ALTER COLUMN nick DROP DEFAULT',
        'ALTER TABLE users ADD CONSTRAINT uq_users_nick UNIQUE (nick), ADD CONSTRAINT ck_age CHECK (age >= 0)',
        'ALTER TABLE users DROP CONSTRAINT ck_age',
        'ALTER TABLE users RENAME TO people',
        'ALTER TABLE people OWNER TO admin',
      ),
    });
    assert.deepEqual(r.findings, []);
    const people = table(r, 'people');
    assert.deepEqual([...people.columns.keys()], ['id', 'full_name', 'nick', 'age']);
    const col = (name: string) => people.columns.get(name)!;
    assert.deepEqual([col('nick').type?.args, col('nick').nullable, col('nick').serverDefault], [{ length: 40 }, false, undefined]);
    assert.deepEqual([col('full_name').type?.name, col('full_name').nullable], ['Text', false]);
    assert.deepEqual([col('age').nullable, col('age').serverDefault?.key], [true, '18']);
    assert.deepEqual(col('full_name').history?.map((h) => [h.revision, h.op]), [['a', 'create_table'], ['b', 'execute'], ['b', 'execute'], ['b', 'execute']]);
    assert.deepEqual(people.uniques.map((u) => u.name), ['uq_users_nick']);
    assert.deepEqual(people.checks, []);
  });

  it("keeps a CREATE INDEX's method, operator classes and WHERE as Alembic's postgresql_ options, for a revision that makes it again (SurfSense)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("chunks", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("embedding", sa.Text()), sa.Column("due", sa.Integer()))
        op.execute("CREATE INDEX ix_chunks_vec ON chunks USING hnsw (embedding public.vector_cosine_ops)")
        op.execute("CREATE INDEX ix_chunks_due ON chunks (due) WHERE due IS NOT NULL AND id > 0;")
        op.execute("CREATE INDEX ix_chunks_plain ON chunks USING btree (due)")
      `),
    });
    assert.deepEqual(table(r, 'chunks').indexes.map((i) => [i.name, i.columns, i.options]), [
      ['ix_chunks_vec', ['embedding'], [{ key: 'postgresql_using', value: { literal: 'hnsw' } }, { key: 'postgresql_ops', value: { dict: [['embedding', 'public.vector_cosine_ops']] } }]],
      ['ix_chunks_due', ['due'], [{ key: 'postgresql_where', value: { sql: 'due IS NOT NULL AND id > 0' } }]],
      ['ix_chunks_plain', ['due'], undefined],
    ]);
  });

  it('reads CREATE [UNIQUE] INDEX, DROP INDEX and DROP TABLE [IF EXISTS], through sa.text, text() and module constants', async () => {
    const create = rev('a', null, `
      op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.Text()))
      op.execute(sa.text("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix_users_email ON users USING btree (lower(email), id DESC)"))
      op.execute(CREATE_INDEX)
      op.execute("CREATE UNIQUE INDEX ix_users_singleton ON users ((true)); CREATE INDEX ix_users_id_again ON users ((id))")
    `, `
      CREATE_INDEX = "CREATE INDEX ix_users_id ON public.users (id)"
    `);
    const created = await replay({ 'v/a.py': create.replace('public.users', 'users') });
    assert.deepEqual(created.findings, []);
    assert.deepEqual(table(created, 'users').indexes.map((i) => [i.name, i.columns, i.unique]), [
      ['ix_users_email', ['lower(email)', 'id'], true],
      ['ix_users_id', ['id'], false],
      // A constant is no column (onyx's singleton tables); a column in parentheses is that column.
      ['ix_users_singleton', ['(true)'], true],
      ['ix_users_id_again', ['id'], false],
    ]);
    const dropped = await replay({
      'v/a.py': create.replace('public.users', 'users'),
      'v/b.py': rev('b', 'a', `
        op.execute(text("DROP INDEX IF EXISTS ix_users_id; DROP INDEX IF EXISTS ix_nothing"))
        op.execute("DROP INDEX ix_users_email")
        op.execute("DROP TABLE IF EXISTS temp_import, users CASCADE;")
      `, 'from sqlalchemy import text'),
    });
    assert.deepEqual([dropped.findings, dropped.schema.size], [[], 0]);
    const qualified = await replay({ 'v/a.py': create });
    // PostgreSQL's public schema is the default one the table was made in: the same table, as Alembic compares it.
    assert.deepEqual([...qualified.schema.keys()], ['users']);
    assert.deepEqual(table(qualified, 'users').indexes.map((i) => i.name), ['ix_users_email', 'ix_users_id', 'ix_users_singleton', 'ix_users_id_again']);
  });

  it("reads MySQL's ALTER TABLE ... ADD INDEX with MySQL's grammar when the dialect is unknown, not as a column named index (nylas)", async () => {
    const r = await replay({ 'v/a.py': rev('a', null, `
      op.create_table("contact", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("namespace_id", sa.Integer()), sa.Column("created_at", sa.DateTime()))
      op.execute("ALTER TABLE contact ADD INDEX idx_namespace_created(namespace_id, created_at)")
      op.execute("ALTER TABLE contact ADD UNIQUE KEY uq_contact_ns (namespace_id)")
    `) });
    assert.deepEqual(r.findings, []);
    assert.deepEqual([...table(r, 'contact').columns.keys()], ['id', 'namespace_id', 'created_at']);
    assert.deepEqual(table(r, 'contact').indexes.map((i) => [i.name, i.columns, i.unique]), [['idx_namespace_created', ['namespace_id', 'created_at'], false]]);
    assert.deepEqual(table(r, 'contact').uniques.map((u) => [u.name, u.columns]), [['uq_contact_ns', ['namespace_id']]]);
  });

  it("reads MySQL's ADD FULLTEXT, INDEX or KEY written or not, and ADD SPATIAL INDEX as indexes, on MySQL and when the dialect is unknown (storyboard)", async () => {
    const files = { 'v/a.py': rev('a', null, `
      op.create_table("projects", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(50)), sa.Column("place", sa.Text()))
      op.execute("ALTER TABLE projects ADD FULLTEXT projects_fti (name)")
      op.execute("ALTER TABLE projects ADD FULLTEXT KEY projects_fti2 (name)")
      op.execute("ALTER TABLE projects ADD SPATIAL INDEX projects_place (place)")
    `) };
    for (const dialect of [undefined, 'mysql']) {
      const r = await replay(files, dialect);
      assert.deepEqual([r.findings, [...table(r, 'projects').columns.keys()]], [[], ['id', 'name', 'place']], dialect);
      assert.deepEqual(table(r, 'projects').indexes.map((i) => [i.name, i.columns]), [['projects_fti', ['name']], ['projects_fti2', ['name']], ['projects_place', ['place']]], dialect);
    }
    // A column of that name, with a type's modifiers, is still a column to PostgreSQL.
    const pg = await replay({ 'v/a.py': rev('a', null, 'op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True))\nop.execute("ALTER TABLE t ADD fulltext varchar(10)")\nop.execute("ALTER TABLE t ADD spatial geography(POINT)")') });
    assert.deepEqual([...table(pg, 't').columns.keys()], ['id', 'fulltext', 'spatial']);
  });

  it('ignores data changes, functions, triggers, extensions, grants and comments', async () => {
    const r = await replay({
      'v/a.py': executing('a', null, `
        -- a comment; with a semicolon
        CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
        CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $$
        BEGIN
          ALTER TABLE nope ADD COLUMN x int; NEW.updated_at = now(); RETURN NEW;
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
        /* block comment: DROP TABLE users; */
        INSERT INTO users (id) VALUES (1);
        UPDATE users SET name = 'a;b' WHERE id = 1;
        GRANT SELECT ON users TO reader;
        COMMENT ON TABLE users IS 'People';
        CREATE TYPE mood AS ENUM ('sad', 'ok');
      `),
    });
    assert.deepEqual(r.findings, []);
    assert.equal(r.schema.size, 0);
  });

  it('marks a table uncertain for table DDL it cannot read, and reports it', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))'),
      'v/b.py': executing('b', 'a', 'ALTER TABLE users FROBNICATE COLUMN id bigint', 'ALTER INDEX ix_a RENAME TO ix_b'),
    });
    assert.deepEqual(codes(r.findings), ['unresolved']);
    assert.match(r.findings[0].message, /op\.execute: could not evaluate the SQL `ALTER TABLE users FROBNICATE COLUMN id bigint` statically/);
    assert.equal(table(r, 'users').uncertain, true);
    // An index renamed that the history never made (a name the database gave): only an index of the new name may be explained by it.
    assert.deepEqual(r.uncertainOps.map((o) => [o.kind, o.name]), [['create_index', 'ix_b']]);
  });

  it('renames an index, the constraint an index backs, and a constraint by ALTER INDEX / ALTER TABLE ... RENAME CONSTRAINT', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.Column("email", sa.String(50)),
            sa.PrimaryKeyConstraint("id", name="old_users_pkey"), sa.UniqueConstraint("email", name="old_email_key"))
        op.create_index("old_ix_email", "users", ["email"])
      `),
      'v/b.py': executing('b', 'a', 'ALTER INDEX old_ix_email RENAME TO ix_users_email', 'ALTER INDEX old_users_pkey RENAME TO users_pkey', 'ALTER TABLE users RENAME CONSTRAINT old_email_key TO users_email_key'),
    });
    assert.deepEqual(r.findings, []);
    const users = table(r, 'users');
    assert.deepEqual([users.indexes.map((i) => i.name), users.primaryKeyName, users.uniques.map((u) => u.name), users.uncertain], [['ix_users_email'], 'users_pkey', ['users_email_key'], undefined]);
    assert.deepEqual(r.uncertainOps, []);
  });

  it("makes a unique index the constraint of PostgreSQL's ADD CONSTRAINT ... USING INDEX, on its columns and under its name", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.Column("email", sa.String(50)), sa.Column("uid", sa.String(50)), sa.UniqueConstraint("uid", name="uq_uid"))
        op.create_index("ix_email", "users", ["email"], unique=True)
        op.create_index("ix_id", "users", ["id"], unique=True)
        op.create_index("ix_uid", "users", ["uid"], unique=True)
      `),
      'v/b.py': executing('b', 'a', 'ALTER TABLE users ADD CONSTRAINT uq_email UNIQUE USING INDEX ix_email', 'ALTER TABLE users ADD PRIMARY KEY USING INDEX ix_id', 'ALTER TABLE users ADD CONSTRAINT uq_uid UNIQUE USING INDEX ix_uid', 'ALTER TABLE users ADD CONSTRAINT uq_x UNIQUE USING INDEX ix_missing'),
    });
    const users = table(r, 'users');
    assert.deepEqual([users.indexes.map((i) => i.name), users.uniques.map((u) => [u.name, u.columns]), users.primaryKey, users.primaryKeyName], [['ix_uid'], [['uq_uid', ['uid']], ['uq_email', ['email']]], ['id'], 'ix_id']);
    assert.deepEqual(r.findings.map((f) => [f.code, f.message.replace(/.*: /, '')]), [
      ['invalid-operation', 'table "users" already has an index or constraint named "uq_uid".'],
      ['invalid-operation', 'index "ix_missing" does not exist on table "users" at this point.'],
    ]);
    const refused = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.String(50)))
        op.create_index("ix_email", "users", ["email"])
        op.create_index("ix_email_u", "users", ["email"], unique=True)
      `),
      'v/b.py': executing('b', 'a', 'ALTER TABLE users ADD CONSTRAINT uq_email UNIQUE USING INDEX ix_email', 'ALTER TABLE users ADD CONSTRAINT pk_users PRIMARY KEY USING INDEX ix_email_u'),
    });
    assert.deepEqual(refused.findings.map((f) => f.message.replace(/.*: /, '')), ['index "ix_email" is not a unique index.', 'table "users" already has a primary key.']);
  });

  it('reads SQL built from known parts, and reports DDL built from unknown parts', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
        for col in ["a", "b"]:
            op.execute(f"ALTER TABLE {TABLE} ADD COLUMN {col} integer")
        parts = ["CREATE INDEX ix_users_a", "ON users (a)"]
        op.execute(" ".join(parts))
        op.execute(f"ALTER TABLE users ADD COLUMN {unknown_name()} text")
        op.execute("ALTER TABLE %s DROP COLUMN a" % get_table())
        op.execute(f"UPDATE users SET a = {value()}")
      `, `
        from x import get_table, unknown_name, value
        TABLE = "users"
      `),
    });
    assert.deepEqual(codes(r.findings), ['unresolved', 'unresolved']);
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'a', 'b']);
    assert.deepEqual(table(r, 'users').indexes.map((i) => i.name), ['ix_users_a']);
    assert.equal(table(r, 'users').uncertain, true);
    // The DROP COLUMN on a table named at run time drops column a of some table, nothing else.
    assert.deepEqual(r.uncertainOps.map((o) => [o.kind, o.table, o.column]), [['drop_column', undefined, 'a']]);
  });

  it("reads repr() and str() of known values, and an f-string's !r and !s, as Python writes them, and a format spec that leaves the value as it is (fides)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("prefs", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("data", sa.Text()), sa.Column("n", sa.Integer()))
        for key in ["email", "it's"]:
            op.execute(f"CREATE INDEX ix_prefs_{len(key)} ON prefs ((data->>{repr(key)}))")
        op.execute(f"CREATE INDEX ix_prefs_kind ON prefs ((data->>{KIND!r}))")
        op.execute("ALTER TABLE prefs ALTER COLUMN n SET DEFAULT " + str(SIZE))
        op.execute(f"ALTER TABLE prefs ALTER COLUMN data SET DEFAULT {KIND!r}")
        op.execute(f"CREATE INDEX ix_prefs_{SIZE:>4} ON prefs (n)")
        op.execute(f"CREATE INDEX ix_prefs_{SIZE:d}_{'n':s} ON prefs (n)")
      `, `
        KIND = 'a "kind"'
        SIZE = 10
      `),
    });
    const prefs = table(r, 'prefs');
    assert.deepEqual(prefs.indexes.map((i) => [i.name, i.expressions ?? i.columns]), [
      ['ix_prefs_5', ["data->>'email'"]],
      // Python quotes a text holding a single quote in double quotes (an identifier to PostgreSQL).
      ['ix_prefs_4', [`data->>"it's"`]],
      ['ix_prefs_kind', [`data->>'a "kind"'`]],
      ['ix_prefs_10_n', ['n']],
    ]);
    assert.equal(prefs.columns.get('n')!.serverDefault?.text, '10');
    assert.equal(prefs.columns.get('data')!.serverDefault?.text, `'a "kind"'`);
    // `{SIZE:>4}` pads to "  10": not read, so the last statement is not evaluated.
    assert.deepEqual(r.findings.map((f) => f.message.replace(/ statically.*/, '')), ['op.execute: could not evaluate the SQL text `f"CREATE INDEX ix_prefs_{SIZE:>4} ON prefs (n)"`']);
  });

  it('finds a table SQL names unquoted in mixed case under that spelling, unless the database is PostgreSQL, which folds it (zaqar)', async () => {
    const files = {
      'v/a.py': rev('a', null, `
        op.create_table("PoolGroup", sa.Column("name", sa.String(64), primary_key=True))
        op.create_table("Pools", sa.Column("name", sa.String(64), primary_key=True))
      `),
      'v/b.py': executing('b', 'a', 'drop table PoolGroup', 'alter table Pools add column x int'),
    };
    const anyDatabase = await replay(files);
    assert.deepEqual(codes(anyDatabase.findings), []);
    assert.deepEqual([...anyDatabase.schema.keys()], ['Pools']);
    assert.deepEqual([...table(anyDatabase, 'Pools').columns.keys()], ['name', 'x']);
    // PostgreSQL drops and alters "poolgroup" and "pools", which no revision made.
    const postgres = await replay(files, 'postgresql');
    assert.deepEqual([...postgres.schema.keys()].sort(), ['PoolGroup', 'Pools', 'pools']);
  });

  it("reads text()'s escaped colons as the colons SQLAlchemy sends, and str.replace() of known text (backend.ai)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("groups", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("options", sa.Text()), sa.Column("tags", sa.Text()))
        escaped = DEFAULT.replace(":", r"\\:")
        op.execute(sa.text(f"ALTER TABLE groups ALTER COLUMN options SET DEFAULT '{escaped}'\\\\:\\\\:jsonb"))
        op.execute(sa.text("ALTER TABLE groups ALTER COLUMN tags SET DEFAULT '{}'\\\\:\\\\:jsonb, ALTER COLUMN id SET DEFAULT :start"))
      `, `
        DEFAULT = '{"timeouts":{"default":null}}'
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    const groups = table(r, 'groups');
    assert.equal(groups.columns.get('options')!.serverDefault?.text, `'{"timeouts":{"default":null}}'::jsonb`);
    assert.equal(groups.columns.get('tags')!.serverDefault?.text, `'{}'::jsonb`);
  });

  it("takes DDL on a table of a schema built at run time as DDL on that table, not on a made-up schema (data.all)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("notification", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("type", sa.Integer()))
        op.execute(f"ALTER TABLE {envname}.notification ALTER COLUMN type TYPE VARCHAR(100)")
      `, `
        import os
        envname = os.getenv("envname", "local")
      `),
    });
    assert.deepEqual(r.findings.map((f) => f.message), ['op.execute: could not evaluate the SQL text `f"ALTER TABLE {envname}.notification ALTER COLUMN type TYPE VARCHAR(100)"` statically; table "notification" is not compared.']);
    assert.equal(table(r, 'notification').uncertain, true);
  });

  it("reads index DDL whose only part built at run time is the schema as on the search path (onyx's current_schema())", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.Text()), sa.Column("name", sa.Text()))
        schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
        op.execute(f'CREATE INDEX CONCURRENTLY "ix_users_email" ON "{schema}".users (email)')
        op.execute(f'CREATE INDEX CONCURRENTLY "ix_users_name" ON "{schema}".users (name)')
        op.execute(f'DROP INDEX CONCURRENTLY "{schema}"."ix_users_name"')
      `),
    });
    assert.deepEqual([r.findings.map((f) => f.message), table(r, 'users').uncertainConstraints, table(r, 'users').indexes.map((i) => i.name)], [[], undefined, ['ix_users_email']]);
  });

  it("reads the DDL inside a DO block, under IF as a branch on what the database holds; DDL run with EXECUTE untrusts its table (surfsense, onyx)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.Text()))
        op.create_table("posts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("body", sa.Text()))
        op.execute("DO $$ BEGIN ALTER TABLE users ADD COLUMN email text; CREATE INDEX ix_users_email ON users (email); END $$;")
        op.execute("DO $$ BEGIN IF EXISTS (SELECT 1 FROM information_schema.columns WHERE column_name = 'body') THEN ALTER TABLE posts RENAME COLUMN body TO content; END IF; END $$;")
        op.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'ix_posts_id') THEN CREATE INDEX ix_posts_id ON posts (id); END IF; ALTER TABLE posts DROP COLUMN missing; EXCEPTION WHEN others THEN NULL; END $$;")
        op.execute("DO $$ BEGIN UPDATE users SET name = 'x' WHERE name IS NULL; END $$;")
        op.execute("DO $$ DECLARE r RECORD; BEGIN FOR r IN SELECT conname FROM pg_constraint LOOP EXECUTE format('ALTER TABLE users DROP CONSTRAINT %I', r.conname); END LOOP; END $$;")
      `),
    });
    assert.deepEqual([...table(r, 'users').columns.keys()], ['id', 'name', 'email']);
    assert.deepEqual(table(r, 'users').indexes.map((i) => i.name), ['ix_users_email']);
    assert.deepEqual([table(r, 'users').uncertain, table(r, 'users').uncertainConstraints], [undefined, true]);
    assert.deepEqual([...table(r, 'posts').columns.keys()], ['id', 'content']);
    assert.deepEqual(table(r, 'posts').indexes.map((i) => i.name), ['ix_posts_id']);
    assert.deepEqual(r.findings.map((f) => f.message), ['op.execute: could not evaluate the SQL `ALTER TABLE users DROP CONSTRAINT %I` statically; the constraints and unique indexes of table "users" are not compared.']);
    // Comments and strings are not statements (an apostrophe in one does not open a string), and a temporary table
    // the block makes is known to its next statements.
    const quiet = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("a", sa.Integer()))
        op.execute(\"\"\"DO $$
        BEGIN
            -- don't ALTER TABLE t DROP COLUMN a;
            /* ALTER TABLE t DROP COLUMN id; */
            RAISE NOTICE $m$it's ALTER TABLE t DROP COLUMN a;$m$;
            -- Create index on t (a) for lookups
            CREATE INDEX ix_t_a ON t (a);
            CREATE TEMP TABLE tmp_ids (id integer);
            ALTER TABLE tmp_ids ADD COLUMN extra integer;
            DROP TABLE tmp_ids;
        END $$;\"\"\")
      `),
    });
    assert.deepEqual(quiet.findings, []);
    assert.deepEqual([...quiet.schema.keys()], ['t']);
    assert.deepEqual([...table(quiet, 't').columns.keys()], ['id', 'a']);
    assert.deepEqual(table(quiet, 't').indexes.map((i) => i.name), ['ix_t_a']);
  });

  it('reads DDL sent through the connection, also as exec_driver_sql', async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
        conn = op.get_bind()
        conn.execute(sa.text("ALTER TABLE users ADD COLUMN flag boolean DEFAULT false"))
        autocommit = conn.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.exec_driver_sql("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_users_flag ON users (flag)")
      `),
    });
    assert.equal(table(r, 'users').columns.get('flag')?.serverDefault?.key, 'false');
    assert.deepEqual(table(r, 'users').indexes.map((i) => i.name), ['ix_users_flag'], "exec_driver_sql on an autocommit connection (letta's CONCURRENTLY)");
  });

  it("reads DDL given as SQLAlchemy's text() to any execute... method (augur's own session, execute_sql)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("user_repos", sa.Column("user_id", sa.Integer()), sa.Column("repo_id", sa.Integer()))
        with DatabaseSession(logger) as session:
            changes = """
                ALTER TABLE user_repos ADD COLUMN group_id BIGINT, DROP COLUMN user_id, ADD PRIMARY KEY (group_id, repo_id);
            """
            session.execute_sql(sa.sql.text(changes))
            session.execute_sql(text("ALTER TABLE user_repos ADD COLUMN note text"))
            session.fetchall_data_from_sql_text(sa.text("ALTER TABLE user_repos ADD COLUMN fetched text"))
            session.execute_sql("ALTER TABLE user_repos ADD COLUMN plain text")
      `, 'from sqlalchemy import text\nfrom app.db import DatabaseSession\n'),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual([...table(r, 'user_repos').columns.keys()], ['repo_id', 'group_id', 'note'], 'only text() says the string is SQL for the database');
    assert.deepEqual(table(r, 'user_repos').primaryKey, ['group_id', 'repo_id']);
  });

  it('reads MySQL forms: backquotes, KEY and UNIQUE KEY in CREATE TABLE, DROP INDEX ... ON, RENAME TABLE', () => {
    const ops = readSqlOps(
      'CREATE TABLE `items` (`id` int unsigned NOT NULL AUTO_INCREMENT, `key` varchar(10), `sku` varchar(20) NOT NULL, PRIMARY KEY (`id`), UNIQUE KEY `uq_sku` (`sku`), KEY `ix_key` (`key`)) ENGINE=InnoDB;' +
        'DROP INDEX ix_key ON items; RENAME TABLE items TO products',
      ORIGIN,
    );
    assert.deepEqual(ops.map((o) => o.kind), ['create_table', 'drop_index', 'rename_table']);
    const create = ops[0];
    if (create.kind !== 'create_table') throw new Error('expected create_table');
    assert.deepEqual(create.columns.map((c) => [c.spec.name, c.spec.type?.name]), [['id', 'Integer'], ['key', 'String'], ['sku', 'String']]);
    assert.deepEqual(create.constraints.map((c) => [c.spec.kind, c.spec.name]), [['primary', undefined], ['unique', 'uq_sku'], ['index', 'ix_key']]);
    assert.deepEqual(ops[1].kind === 'drop_index' && [ops[1].table?.name, ops[1].name], ['items', 'ix_key']);
    assert.deepEqual(ops[2].kind === 'rename_table' && [ops[2].table.name, ops[2].newName], ['items', 'products']);
  });

  it('never throws on broken SQL', () => {
    for (const sql of ['CREATE TABLE', 'CREATE TABLE t (', "ALTER TABLE t ADD COLUMN x varchar(", 'CREATE INDEX ON', "DROP TABLE 'x", 'CREATE TABLE t (a int DEFAULT', '$$ unterminated']) {
      assert.doesNotThrow(() => readSqlOps(sql, ORIGIN), sql);
    }
  });

  it('reads MySQL MODIFY and CHANGE, first with the MySQL grammar when the dialect is mysql', () => {
    const ops = readSqlOps('ALTER TABLE users MODIFY COLUMN id bigint NOT NULL, CHANGE COLUMN name full_name varchar(100) NULL', ORIGIN, { dialect: 'mysql' });
    assert.deepEqual(ops.map((o) => o.kind === 'alter_column' && [o.column, o.changes.type?.name, o.changes.nullable, o.changes.newName]), [
      ['id', 'BigInteger', false, undefined],
      ['name', 'String', true, 'full_name'],
    ]);
    // With no dialect, PostgreSQL's grammar rejects MODIFY and the MySQL grammar reads it.
    assert.deepEqual(readSqlOps('ALTER TABLE users MODIFY COLUMN id bigint', ORIGIN).map((o) => o.kind), ['alter_column']);
  });

  it("reads MySQL's DROP PRIMARY KEY as a drop of the table's primary key, whatever its name (octavia)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("health_monitor", sa.Column("pool_id", sa.String(36), nullable=False), sa.Column("id", sa.String(36), nullable=False), sa.PrimaryKeyConstraint("pool_id", name="pk_hm"))
        op.execute("ALTER TABLE health_monitor DROP PRIMARY KEY,ADD PRIMARY KEY(id);")
      `),
    });
    assert.deepEqual(r.findings, []);
    assert.deepEqual(table(r, 'health_monitor').primaryKey, ['id']);
  });

  it('reads SQLite forms: AUTOINCREMENT, WITHOUT ROWID, a trigger body with semicolons', () => {
    const ops = readSqlOps(
      'CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL); CREATE TRIGGER tr AFTER INSERT ON notes BEGIN UPDATE notes SET body = NEW.body WHERE id = NEW.id; END',
      ORIGIN,
      { dialect: 'sqlite' },
    );
    assert.deepEqual(ops.map((o) => o.kind), ['create_table']);
    const create = ops[0];
    if (create.kind !== 'create_table') throw new Error('expected create_table');
    assert.deepEqual(create.columns.map((c) => [c.spec.name, c.spec.type?.name, c.spec.primaryKey, c.spec.nullable]), [['id', 'Integer', true, false], ['body', 'Text', false, false]]);
    assert.deepEqual(readSqlOps('PRAGMA foreign_keys=OFF', ORIGIN, { dialect: 'sqlite' }), []);
  });

  it('gives nothing for DML with bind parameters, and keeps reading the DDL around it', () => {
    const ops = readSqlOps("UPDATE users SET name = :name WHERE id = %(id)s; ALTER TABLE users ADD COLUMN note text DEFAULT 'a:b'; DELETE FROM users WHERE id = %s", ORIGIN);
    assert.deepEqual(ops.map((o) => o.kind), ['add_column']);
    assert.deepEqual(ops[0].kind === 'add_column' && ops[0].column?.spec.serverDefault?.text, "'a:b'");
  });

  it('gives nothing, and reports nothing, for DML that PostgreSQL parses though its text holds a control character', () => {
    // PostgreSQL's scanner refuses the \x01 that its parser accepts in a comment: DML is never scanned, so it is read.
    assert.deepEqual(readSqlOps('INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING -- \x01', ORIGIN), []);
  });

  it('reports each statement no grammar reads, scoped to the table it names, or to nothing', () => {
    const ops = readSqlOps('ALTER TABLE "Users" FROBNICATE x; SELEKT 1; CREATE INDEX ix ON t USING (((; INSERT INTO t (a) VALUES (1)', ORIGIN);
    assert.deepEqual(ops.map((o) => o.kind === 'opaque' && [o.table?.name, !!o.indexesOnly, !!o.noteOnly]), [
      ['Users', false, false],
      [undefined, false, true],
      [undefined, true, false],
    ]);
    assert.match(ops[1].unresolved[0], /the SQL `SELEKT 1`/);
  });

  it('leaves out a temporary table the same SQL makes, indexes and drops (Indico), and keeps what it does to real tables', () => {
    const ops = readSqlOps(
      `CREATE TEMPORARY TABLE merge_map AS SELECT id, id AS current_user_id FROM users;
       CREATE INDEX ix_merge_map_current_user_id ON merge_map USING btree (current_user_id);
       CREATE TEMP TABLE scratch (id int);
       UPDATE events SET user_id = mm.current_user_id FROM merge_map mm WHERE mm.user_id = events.user_id;
       DROP TABLE merge_map, scratch;
       DROP TABLE old_events;`,
      ORIGIN,
    );
    assert.deepEqual(ops.map((o) => [o.kind, 'table' in o ? o.table?.name : undefined]), [['drop_table', 'old_events']]);
  });

  it("knows a temporary table earlier SQL of the same revision made, in later op.execute calls (letta's temp_agent_passages)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("passages", sa.Column("id", sa.Integer(), primary_key=True))
        op.execute("CREATE TEMPORARY TABLE temp_passages AS SELECT * FROM passages")
        op.execute("DELETE FROM passages")
        op.execute("ALTER TABLE temp_passages ADD COLUMN note text")
        op.execute("DROP TABLE temp_passages")
        op.execute("CREATE TABLE temp_passages (id int)")
      `),
    });
    // Dropped, the temporary table is gone: a table of its name made later is schema.
    assert.deepEqual([r.findings, [...r.schema.keys()]], [[], ['passages', 'temp_passages']]);
    // The MySQL grammar too.
    const mysql = await replay({ 'v/a.py': rev('a', null, 'op.execute("CREATE TEMPORARY TABLE tmp_ids (id INT)")\nop.execute("ALTER TABLE tmp_ids ADD INDEX ix_id (id)")\nop.execute("DROP TABLE tmp_ids")') }, 'mysql');
    assert.deepEqual([mysql.findings, [...mysql.schema.keys()]], [[], []]);
  });

  it("takes MySQL table options as no change, and a key change it cannot read as one on the table's keys alone", () => {
    for (const sql of ['ALTER TABLE x ENGINE=InnoDB', 'ALTER TABLE x DEFAULT CHARSET=utf8mb4', 'ALTER TABLE `x` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin']) {
      assert.deepEqual(readSqlOps(sql, ORIGIN, { dialect: 'mysql' }), [], sql);
    }
    const ops = readSqlOps('ALTER TABLE health_monitor DROP KEY ix_pool', ORIGIN, { dialect: 'mysql' });
    assert.deepEqual(ops.map((o) => [o.kind, o.kind === 'opaque' && !!o.constraintsOnly]), [['opaque', true]]);
    const dropped = readSqlOps('ALTER TABLE health_monitor DROP PRIMARY KEY', ORIGIN, { dialect: 'mysql' });
    assert.deepEqual(dropped.map((o) => o.kind === 'drop_constraint' && [o.type, o.primaryKey]), [['primary', true]]);
  });

  it('reads a MySQL procedure whole, not cut at the semicolons of its BEGIN ... END body, as no schema change', () => {
    const procedure = `
      CREATE PROCEDURE DropForeignKeyIfExists()
      BEGIN
        IF EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_NAME = 'fk') THEN
          ALTER TABLE t DROP FOREIGN KEY fk;
        ELSE
          SELECT CASE WHEN 1 > 0 THEN 1 ELSE 0 END;
        END IF;
      END;
      BEGIN;
      ALTER TABLE t ADD COLUMN c INT;
      COMMIT`;
    const ops = readSqlOps(procedure, ORIGIN, { dialect: 'mysql' });
    assert.deepEqual(ops.map((o) => o.kind), ['add_column']);
    // An unreadable statement inside such a body would have been reported on its own.
    const broken = readSqlOps(procedure.replace('END IF;', 'END IF; ALTER TABLE t FROBNICATE;'), ORIGIN, { dialect: 'mysql' });
    assert.deepEqual(broken.map((o) => o.kind), ['add_column']);
  });

  it('does not read SQL without CREATE, ALTER, DROP or RENAME: no statement of it can change the schema', () => {
    assert.deepEqual(readSqlOps('SELEKT 1; UPDATE users SET created_at = WHERE; DELETE FROM altered_rows WHERE', ORIGIN), []);
    const broken = readSqlOps("UPDATE users SET note = 'x' WHERE; Drop TABLE IF EXISTS x y z", ORIGIN);
    assert.deepEqual(broken.map((o) => o.kind === 'opaque' && [o.table?.name, !!o.noteOnly]), [[undefined, true], ['x', false]]);
  });

  it('treats functions, triggers, extensions, grants, types, views and DO blocks without DDL as no change to any table', () => {
    const ops = readSqlOps(
      `CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql;
       CREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION f(); GRANT SELECT ON users TO r;
       REVOKE ALL ON users FROM PUBLIC; CREATE VIEW v AS SELECT 1; CREATE SEQUENCE s; CREATE SCHEMA IF NOT EXISTS a;
       DO $$ BEGIN UPDATE users SET x = 1; END $$; CREATE TYPE mood AS ENUM ('a'); SET lock_timeout = 0;
       COMMENT ON COLUMN users.email IS 'x'; INSERT INTO t SELECT * FROM u ON CONFLICT DO NOTHING; TRUNCATE logs`,
      ORIGIN,
    );
    // A view changes no table: only its name is kept (see the test on views).
    assert.deepEqual(ops.map((o) => o.kind), ['create_view']);
  });

  it('keeps the source text of types and defaults after non-ASCII text (the parser counts bytes)', () => {
    const ops = readSqlOps("ALTER TABLE users ADD COLUMN \"prénom\" character varying(40) DEFAULT 'é' NOT NULL", ORIGIN);
    const add = ops[0];
    if (add.kind !== 'add_column') throw new Error('expected add_column');
    assert.deepEqual([add.column?.spec.name, add.column?.spec.type?.text, add.column?.spec.serverDefault?.text, add.column?.spec.nullable], ['prénom', 'character varying(40)', "'é'", false]);
  });

  it('reads identity columns as NOT NULL and ignores EXCLUDE constraints', () => {
    const ops = readSqlOps('CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, r tsrange, EXCLUDE USING gist (r WITH &&))', ORIGIN);
    const create = ops[0];
    if (create.kind !== 'create_table') throw new Error('expected create_table');
    assert.deepEqual([create.columns[0].spec.nullable, create.constraints.length, create.unresolved], [false, 0, []]);
  });

  it('keeps names longer than the 63 bytes PostgreSQL allows whole, as Alembic and the models spell them', () => {
    const long = 'ix_flow_run__scheduler_deployment_id_auto_scheduled_next_scheduled_start_time';
    const ops = readSqlOps(`CREATE INDEX ${long} ON flow_run (a); DROP INDEX "${long}"`, ORIGIN);
    assert.deepEqual(ops.map((o) => (o.kind === 'create_index' ? o.index?.name : o.kind === 'drop_index' ? o.name : o.kind)), [long, long]);
  });

  it("fills a DDL's %(name)s from its context, in a loop over tables (funnel's switch to timestamptz)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("created_at", sa.DateTime()))
        op.create_table("posts", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("created_at", sa.DateTime()))
      `),
      'v/b.py': rev('b', 'a', `
        for table, column in COLUMNS:
            op.get_bind().execute(
                sa.DDL(
                    'ALTER TABLE "%(table)s" ALTER COLUMN "%(column)s" TYPE TIMESTAMP WITH TIME ZONE USING "%(column)s" AT TIME ZONE \\'UTC\\'',
                    context={"table": table, "column": column},
                )
            )
      `, `
        COLUMNS = [("users", "created_at"), ("posts", "created_at")]
      `),
    }, 'postgresql');
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual([...r.schema.keys()].sort(), ['posts', 'users']);
    for (const t of ['users', 'posts']) assert.deepEqual(table(r, t).columns.get('created_at')!.type?.args, { timezone: true }, t);
  });

  it("takes PostgreSQL's public schema for the default one a table was made in, either way round (mergin, onyx)", async () => {
    const r = await replay({
      'v/a.py': rev('a', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.String(80)))
        op.create_table("tenants", sa.Column("id", sa.Integer(), primary_key=True), schema="public")
      `),
      'v/b.py': executing('b', 'a', 'CREATE UNIQUE INDEX ix_users_email ON public.users (LOWER(email));', 'ALTER TABLE public.tenants ADD COLUMN name TEXT;'),
      'v/c.py': rev('c', 'b', `
        op.add_column("tenants", sa.Column("shard", sa.Integer()))
      `),
    });
    assert.deepEqual(codes(r.findings), []);
    assert.deepEqual([...r.schema.keys()], ['users', 'public.tenants']);
    assert.deepEqual(table(r, 'users').indexes.map((x) => x.name), ['ix_users_email']);
    assert.deepEqual([...table(r, 'public.tenants').columns.keys()], ['id', 'name', 'shard']);
  });
});

describe('migrations: catalog queries a revision tests', () => {
  const read = async (sql: string, params: Record<string, string> = {}) => readCatalogQuery(await loadSqlParsers(), sql, new Map(Object.entries(params)));

  it('reads what a query of information_schema or pg_indexes asks, and how its answer shows it', async () => {
    assert.deepEqual(await read("SELECT 1 FROM information_schema.columns WHERE table_name = :t AND column_name = 'x' AND table_schema = 'audit'", { t: "it's" }), { what: { table: "it's", schema: 'audit', column: 'x' }, answer: 'rows' });
    assert.deepEqual(await read("SELECT COUNT(*) FROM pg_catalog.pg_indexes WHERE schemaname = 'public' AND tablename = 'posts' AND indexname = 'ix'"), { what: { table: 'posts', index: 'ix' }, answer: 'truth' });
    assert.deepEqual(await read("SELECT EXISTS (SELECT FROM information_schema.tables WHERE table_name = 'posts' AND table_type = 'BASE TABLE')"), { what: { table: 'posts' }, answer: 'truth' });
  });

  it('reads nothing from other queries, other conditions or a parameter not given', async () => {
    assert.equal(await read("SELECT 1 FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'x' AND data_type = 'text'"), undefined);
    assert.equal(await read("SELECT 1 FROM information_schema.columns WHERE table_name = 'posts' OR column_name = 'x'"), undefined);
    assert.equal(await read("SELECT 1 FROM information_schema.columns WHERE table_name = :t AND column_name = 'x'"), undefined);
    assert.equal(await read("SELECT 1 FROM information_schema.columns WHERE table_name = 'posts'"), undefined);
    assert.equal(await read("SELECT 1 FROM posts WHERE table_name = 'posts'"), undefined);
    assert.equal(await read('SELECT 1 FROM information_schema.columns WHERE'), undefined);
    // A view is not a table; max(...) gives a row whether or not anything is found.
    assert.equal(await read("SELECT 1 FROM information_schema.tables WHERE table_name = 'report' AND table_type = 'VIEW'"), undefined);
    assert.equal(await read("SELECT max(column_name) FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'x'"), undefined);
    assert.deepEqual(await read("SELECT * FROM information_schema.tables WHERE table_name = 'posts' AND table_catalog = 'app'"), { what: { table: 'posts' }, answer: 'rows' });
  });
});
