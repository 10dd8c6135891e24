import * as assert from 'node:assert/strict';
import { Project } from '../../server/src/core/project';
import { readPyprojectSettings } from '../../server/src/core/config/settings';
import { testParser, py } from './helpers';

// One test per real-world trap (shared/design's "Real-world traps", issue 5): each says what must be reported and
// what must not. Projects are written inline: a models file, revisions, alembic.ini and, where a trap needs it,
// pyproject.toml.

const MODEL_HEAD = 'import sqlalchemy as sa\nfrom sqlalchemy.orm import declarative_base\nBase = declarative_base()\n';

/** A revision file whose upgrade() body is `body` (dedented); `prelude` is module-level code. */
function revision(id: string, down: string | null, body: string, prelude = ''): string {
  const indented = py(body).split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
  return `from alembic import op\nimport sqlalchemy as sa\n${prelude ? py(prelude) : ''}\nrevision = "${id}"\ndown_revision = ${down === null ? 'None' : `"${down}"`}\n\ndef upgrade():\n${indented}\n`;
}

interface TrapProject {
  url?: string;
  models: string;
  revisions: string[];
  files?: Record<string, string>;
  pyproject?: string;
}

/** Every finding as "severity code table.column", and the settings problems. */
async function check(p: TrapProject): Promise<string[]> {
  const project = new Project(await testParser());
  project.setFile('alembic.ini', `[alembic]\nscript_location = migrations\nsqlalchemy.url = ${p.url ?? 'postgresql://localhost/app'}\n`);
  project.setFile('app/models.py', `${MODEL_HEAD}${py(p.models)}`);
  p.revisions.forEach((text, i) => project.setFile(`migrations/versions/r${i}.py`, text));
  for (const [f, t] of Object.entries(p.files ?? {})) project.setFile(f, py(t));
  const { settings, problems } = p.pyproject ? readPyprojectSettings(py(p.pyproject)) : { settings: undefined, problems: [] };
  assert.deepEqual(problems, []);
  return project.analyze(settings).findings.map((f) => `${f.severity} ${f.code} ${f.table ?? ''}${f.column ? `.${f.column}` : ''}`.trim());
}

/** Only the findings at warning or error level. */
const loud = (found: string[]): string[] => found.filter((f) => f.startsWith('warning') || f.startsWith('error'));

const USERS_GROUPS = `
  class User(Base):
      __tablename__ = "users"
      id = sa.Column(sa.Integer, primary_key=True)
      nick = sa.Column(sa.String(40))
  class Group(Base):
      __tablename__ = "groups"
      id = sa.Column(sa.Integer, primary_key=True)
`;

describe('real-world traps: what must and must not be reported', () => {
  it('a schema made by create_all + stamp, named by the baseline setting: one note, no missing-table', async () => {
    const revisions = [revision('a1', null, 'op.add_column("users", sa.Column("nick", sa.String(40)))')];
    // Detected without the setting: the altered table is assumed, the other model table is a quiet note.
    const detected = await check({ models: USERS_GROUPS, revisions });
    assert.deepEqual(loud(detected), []);
    assert.deepEqual(detected.filter((f) => f.includes('assumed-baseline') || f.includes('missing-table')).sort(), ['information assumed-baseline', 'information missing-table groups']);
    // Named: no missing-table at all (not even a note), one note on the baseline revision.
    const named = await check({ models: USERS_GROUPS, revisions, pyproject: '[tool.alembic-drift]\nbaseline = "a1"\n' });
    assert.deepEqual(named.filter((f) => f.includes('missing-table')), []);
    assert.deepEqual(named.filter((f) => f.includes('assumed-baseline')), ['information assumed-baseline', 'information assumed-baseline']);
    assert.ok(named.every((f) => !f.startsWith('warning')), named.join('\n'));
    // A later revision's drift is still reported.
    const later = await check({ models: USERS_GROUPS, revisions: [...revisions, revision('b2', 'a1', 'op.add_column("groups", sa.Column("name", sa.Text()))')], pyproject: '[tool.alembic-drift]\nbaseline = "a1"\n' });
    assert.deepEqual(loud(later), ['warning extra-column groups.name']);
    // A baseline that names no revision is said, and changes nothing.
    const unknown = await check({ models: USERS_GROUPS, revisions, pyproject: '[tool.alembic-drift]\nbaseline = "zz"\n' });
    assert.ok(unknown.includes('information missing-table groups'));
    assert.equal(unknown.filter((f) => f === 'information assumed-baseline').length, 2, 'the detected baseline and the unknown revision');
  });

  it("a table a revision makes from the models (pgadmin's create_all(bind, tables=[Server.__table__])): it exists after, and a column dropped from it is missing", async () => {
    const models = `
      class Server(Base):
          __tablename__ = "server"
          id = sa.Column(sa.Integer, primary_key=True)
          user_id = sa.Column(sa.Integer, nullable=False)
          name = sa.Column(sa.String(64))
      class Group(Base):
          __tablename__ = "servergroup"
          id = sa.Column(sa.Integer, primary_key=True)
          user_id = sa.Column(sa.Integer, nullable=False)
    `;
    const made = revision('r1', 'r0', 'Base.metadata.create_all(op.get_bind(), tables=[Server.__table__])', 'from app.models import Base, Server');
    const guarded = revision('r2', 'r1', `
      inspector = sa.inspect(op.get_bind())
      for name in ("server", "servergroup"):
          if inspector.has_table(name):
              op.create_index(f"ix_{name}_user_id", name, ["user_id"])
    `);
    const revisions = [revision('r0', null, 'op.create_table("servergroup", sa.Column("id", sa.Integer, primary_key=True), sa.Column("user_id", sa.Integer, nullable=False))'), made, guarded];
    // has_table() is True for both: the one create_all made too (it checks first, and makes what is missing).
    const found = await check({ models, revisions });
    assert.deepEqual(found.sort(), ['warning extra-index server.user_id', 'warning extra-index servergroup.user_id']);
    // Its columns are the model's when the revision runs, except one a later revision surely drops.
    const dropped = await check({ models, revisions: [...revisions, revision('r3', 'r2', 'op.drop_column("server", "user_id")')] });
    assert.deepEqual(loud(dropped).sort(), ['warning extra-index server.user_id', 'warning extra-index servergroup.user_id', 'warning missing-column server.user_id']);
    // Added again, or dropped only under a test that cannot be decided: not reported as missing.
    const again = await check({ models, revisions: [...revisions, revision('r3', 'r2', 'op.drop_column("server", "user_id")\nop.add_column("server", sa.Column("user_id", sa.Integer, nullable=False))')] });
    assert.ok(!again.some((f) => f.includes('missing-column')), again.join('\n'));
    const undecided = await check({ models, revisions: [...revisions, revision('r3', 'r2', 'if op.get_context().get_x_argument(as_dictionary=True).get("drop"):\n    op.drop_column("server", "user_id")')] });
    assert.ok(!undecided.some((f) => f.includes('missing-column')), undecided.join('\n'));
  });

  describe('dialect branches and if_exists / if_not_exists', () => {
    const models = `
      class User(Base):
          __tablename__ = "users"
          id = sa.Column(sa.Integer, primary_key=True)
          pg_only = sa.Column(sa.Text)
    `;
    const revisions = [
      revision('a1', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
        if op.get_bind().dialect.name == "postgresql":
            op.add_column("users", sa.Column("pg_only", sa.Text()))
        else:
            op.add_column("users", sa.Column("lite_only", sa.Text()))
      `),
    ];

    it('follows the branch of the known dialect (alembic.ini URL or the dialect setting)', async () => {
      assert.deepEqual(loud(await check({ models, revisions })), []);
      assert.deepEqual(loud(await check({ models, revisions, url: 'sqlite:///app.db' })).sort(), ['warning extra-column users.lite_only', 'warning missing-column users.pg_only']);
      assert.deepEqual(loud(await check({ models, revisions, url: 'driver://user:pass@localhost/dbname', pyproject: '[tool.alembic-drift]\ndialect = "postgresql"\n' })), []);
    });

    it('decides `in (...)` and `!=` tests on the dialect name', async () => {
      const written = (test: string, pgFirst: boolean): string[] => [
        revision('a1', null, `
          op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
          if ${test}:
              op.add_column("users", sa.Column("${pgFirst ? 'pg_only' : 'lite_only'}", sa.Text()))
          else:
              op.add_column("users", sa.Column("${pgFirst ? 'lite_only' : 'pg_only'}", sa.Text()))
        `),
      ];
      for (const [test, pgFirst] of [['op.get_bind().dialect.name in ("postgresql", "cockroachdb")', true], ['op.get_bind().dialect.name != "postgresql"', false], ['"postgresql" != op.get_bind().dialect.name', false], ['not (op.get_bind().dialect.name not in ["postgresql"])', true]] as const) {
        assert.deepEqual(loud(await check({ models, revisions: written(test, pgFirst) })), [], test);
        assert.deepEqual(loud(await check({ models, revisions: written(test, pgFirst), url: 'sqlite:///app.db' })).sort(), ['warning extra-column users.lite_only', 'warning missing-column users.pg_only'], test);
      }
    });

    it('treats the table as uncertain when the dialect is unknown: no warning either way, and a note that says why', async () => {
      const found = await check({ models, revisions, url: 'driver://user:pass@localhost/dbname' });
      assert.deepEqual(loud(found), []);
      assert.deepEqual(found, ['information unresolved users']);
    });

    it('still compares the columns when an undecided branch only drops a constraint (mlflow: a CHECK dropped on MySQL)', async () => {
      const runs = `
        class Run(Base):
            __tablename__ = "runs"
            id = sa.Column(sa.Integer, primary_key=True)
            status = sa.Column(sa.String(20))
      `;
      const history = [
        revision('a1', null, `
          op.create_table("runs", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("status", sa.String(length=9)),
              sa.CheckConstraint("status IN ('RUNNING', 'FAILED')", name="status"))
        `),
        revision('a2', 'a1', `
          if op.get_bind().engine.name == "mysql":
              op.drop_constraint("status", "runs", type_="check")
        `),
      ];
      assert.deepEqual(await check({ models: runs, revisions: history, url: '""' }), ['warning type-mismatch runs.status', 'information unresolved runs']);
    });

    it('accepts if_not_exists / if_exists ops on what exists or not, and reports the same ops without the flags', async () => {
      const flagged = revision('b2', 'a1', `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), if_not_exists=True)
        op.drop_table("gone", if_exists=True)
        op.create_index("ix_users_pg_only", "users", ["pg_only"], if_not_exists=True)
        op.create_index("ix_users_pg_only", "users", ["pg_only"], if_not_exists=True)
        op.drop_index("ix_users_pg_only", table_name="users")
        op.drop_index("ix_users_pg_only", table_name="users", if_exists=True)
      `);
      assert.deepEqual(loud(await check({ models, revisions: [...revisions, flagged] })), []);
      // (A bare drop of a table no revision made is not reported: it is read as a baseline table.)
      const bare = revision('b2', 'a1', `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_index("ix_users_pg_only", "users", ["pg_only"])
        op.create_index("ix_users_pg_only", "users", ["pg_only"])
      `);
      assert.deepEqual(loud(await check({ models, revisions: [...revisions, bare] })).map((f) => f.split(' ')[1]).sort(), ['extra-index', 'invalid-operation', 'invalid-operation']);
    });
  });

  describe('types from libraries and the project', () => {
    const create = (columns: string, prelude = '') => [revision('a1', null, `op.create_table("things", sa.Column("id", sa.Integer(), primary_key=True), ${columns})`, prelude)];

    it('compares a TypeDecorator by its impl, and reports a real difference', async () => {
      const models = `
        class GUID(sa.types.TypeDecorator):
            impl = sa.CHAR(32)
            cache_ok = True
        class Thing(Base):
            __tablename__ = "things"
            id = sa.Column(sa.Integer, primary_key=True)
            key = sa.Column(GUID())
      `;
      assert.deepEqual(loud(await check({ models, revisions: create('sa.Column("key", sa.CHAR(length=32))') })), []);
      assert.deepEqual(loud(await check({ models, revisions: create('sa.Column("key", sa.Integer())') })), ['warning type-mismatch things.key']);
    });

    it('compares sqlalchemy_utils types, with_variant, ARRAY, Computed and Identity as Alembic does', async () => {
      const models = `
        import sqlalchemy_utils
        from sqlalchemy.dialects import postgresql
        class Thing(Base):
            __tablename__ = "things"
            id = sa.Column(sa.Integer, sa.Identity(), primary_key=True)
            uid = sa.Column(sqlalchemy_utils.UUIDType(binary=False))
            data = sa.Column(sa.JSON().with_variant(postgresql.JSONB(), "postgresql"))
            tags = sa.Column(postgresql.ARRAY(sa.String(20)))
            total = sa.Column(sa.Integer, sa.Computed("id * 2"))
      `;
      const columns = `sa.Column("uid", sqlalchemy_utils.types.uuid.UUIDType(binary=False)), sa.Column("data", postgresql.JSONB(astext_type=sa.Text())),
          sa.Column("tags", postgresql.ARRAY(sa.String(length=20))), sa.Column("total", sa.Integer(), sa.Computed("id * 2"))`;
      const prelude = 'import sqlalchemy_utils\nfrom sqlalchemy.dialects import postgresql\n';
      const ok = [revision('a1', null, `op.create_table("things", sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False), ${columns}, sa.PrimaryKeyConstraint("id"))`, prelude)];
      assert.deepEqual(loud(await check({ models, revisions: ok })), []);
      // JSON where the model's variant says JSONB on PostgreSQL is a difference.
      const json = [revision('a1', null, `op.create_table("things", sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False), ${columns.replace('postgresql.JSONB(astext_type=sa.Text())', 'sa.JSON()')}, sa.PrimaryKeyConstraint("id"))`, prelude)];
      assert.deepEqual(loud(await check({ models, revisions: json })), ['warning type-mismatch things.data']);
    });

    it('compares the sqlalchemy_utils types stored as one type on every database as that type (octavia)', async () => {
      const models = `
        import sqlalchemy_utils
        class Listener(Base):
            __tablename__ = "listeners"
            id = sa.Column(sa.Integer, primary_key=True)
            tls_versions = sa.Column(sqlalchemy_utils.ScalarListType())
            email = sa.Column(sqlalchemy_utils.EmailType(320))
            color = sa.Column(sqlalchemy_utils.ColorType(max_length=30))
            country = sa.Column(sqlalchemy_utils.CountryType)
            phone = sa.Column(sqlalchemy_utils.PhoneNumberType("FI", 32))
      `;
      const table = (tls: string, color: string) => [revision('a1', null, `op.create_table("listeners", sa.Column("id", sa.Integer(), nullable=False), sa.Column("tls_versions", ${tls}), sa.Column("email", sa.Unicode(320)), sa.Column("color", ${color}), sa.Column("country", sa.String(2)), sa.Column("phone", sa.Unicode(32)), sa.PrimaryKeyConstraint("id"))`)];
      assert.deepEqual(loud(await check({ models, revisions: table('sa.UnicodeText()', 'sa.Unicode(30)') })), []);
      assert.deepEqual(loud(await check({ models, revisions: table('sa.String(512)', 'sa.Unicode(20)') })), ['warning type-mismatch listeners.tls_versions', 'warning type-mismatch listeners.color']);
    });

    it('reads SQLModel str fields as AutoString (VARCHAR), with max_length', async () => {
      const project = new Project(await testParser());
      project.setFile('alembic.ini', '[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://localhost/app\n');
      project.setFile('app/models.py', py(`
        from typing import Optional
        from sqlmodel import Field, SQLModel
        class Hero(SQLModel, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            name: str = Field(max_length=40)
            nick: Optional[str] = None
      `));
      project.setFile('migrations/versions/a.py', revision('a1', null, `
        op.create_table("hero", sa.Column("id", sa.Integer(), nullable=False), sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
            sa.Column("nick", sqlmodel.sql.sqltypes.AutoString(), nullable=True), sa.PrimaryKeyConstraint("id"))
      `, 'import sqlmodel\n'));
      assert.deepEqual(project.analyze().findings.map((f) => f.code), []);
    });
  });

  it('table names from module constants, f-strings and loops over literal lists', async () => {
    const models = `
      class Order(Base):
          __tablename__ = "orders"
          id = sa.Column(sa.Integer, primary_key=True)
          code = sa.Column(sa.String(10), index=True)
      class ALog(Base):
          __tablename__ = "a_log"
          id = sa.Column(sa.Integer, primary_key=True)
      class BLog(Base):
          __tablename__ = "b_log"
          id = sa.Column(sa.Integer, primary_key=True)
      class CLog(Base):
          __tablename__ = "c_log"
          id = sa.Column(sa.Integer, primary_key=True)
    `;
    const revisions = [
      revision('a1', null, `
        op.create_table(TABLE, sa.Column("id", sa.Integer(), primary_key=True), sa.Column(CODE, sa.String(10)))
        op.create_index(f"ix_{TABLE}_{CODE}", TABLE, [CODE])
        for prefix in ["a", "b"]:
            op.create_table(f"{prefix}_log", sa.Column("id", sa.Integer(), primary_key=True))
      `, 'TABLE = "orders"\nCODE = "code"\n'),
    ];
    // c_log is in the models but no loop item makes it.
    assert.deepEqual(loud(await check({ models, revisions })), ['warning missing-table c_log']);
  });

  it('schemas: schema= on tables and ops, __table_args__ {"schema": ...}, MetaData(schema=...), version_table_schema', async () => {
    const models = `
      class User(Base):
          __tablename__ = "users"
          __table_args__ = {"schema": "auth"}
          id = sa.Column(sa.Integer, primary_key=True)
          email = sa.Column(sa.String(100))
      Billing = declarative_base(metadata=sa.MetaData(schema="billing"))
      class Invoice(Billing):
          __tablename__ = "invoices"
          id = sa.Column(sa.Integer, primary_key=True)
          total = sa.Column(sa.Numeric(10, 2))
    `;
    const envPy = `
      from alembic import context
      def run_migrations_online():
          context.configure(connection=None, target_metadata=None, version_table_schema="meta", include_schemas=True)
    `;
    const ok = [
      revision('a1', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), schema="auth")
        op.add_column("users", sa.Column("email", sa.String(100)), schema="auth")
        op.create_table("invoices", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("total", sa.Numeric(10, 2)), schema="billing")
      `),
    ];
    assert.deepEqual(loud(await check({ models, revisions: ok, files: { 'migrations/env.py': envPy } })), []);
    // The column added to users in another schema (public) is not the auth table's column.
    const wrong = [ok[0].replace('op.add_column("users", sa.Column("email", sa.String(100)), schema="auth")', 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.String(100)))')];
    const found = loud(await check({ models, revisions: wrong, files: { 'migrations/env.py': envPy } }));
    assert.ok(found.includes('warning missing-column users.email'), found.join('\n'));
  });

  it('suppression: an ignore comment, and ignore lists of tables, columns and codes in pyproject', async () => {
    const models = `
      class User(Base):
          __tablename__ = "users"
          id = sa.Column(sa.Integer, primary_key=True)
          a = sa.Column(sa.String(5))  # alembic-drift: ignore[missing-column]
          b = sa.Column(sa.String(5))
          c = sa.Column(sa.String(5))  # alembic-drift: ignore
          d = sa.Column(sa.String(5))  # alembic-drift: ignore[type-mismatch]
      class Legacy(Base):
          __tablename__ = "legacy"
          id = sa.Column(sa.Integer, primary_key=True)
    `;
    const revisions = [revision('a1', null, 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("old", sa.Text()))\nop.create_table("spatial_ref_sys", sa.Column("srid", sa.Integer(), primary_key=True))')];
    assert.deepEqual(loud(await check({ models, revisions })).sort(), ['warning extra-column users.old', 'warning extra-table spatial_ref_sys', 'warning missing-column users.b', 'warning missing-column users.d', 'warning missing-table legacy']);
    const pyproject = '[tool.alembic-drift]\nignore = { tables = ["spatial_ref_sys", "legacy"], columns = ["users.b"], codes = ["extra-column"] }\n';
    assert.deepEqual(loud(await check({ models, revisions, pyproject })), ['warning missing-column users.d']);
  });

  describe("env.py's autogenerate settings: what Alembic itself would compare", () => {
    const models = `
      class Item(Base):
          __tablename__ = "items"
          __table_args__ = (sa.Index("ix_items_note_nocase", "note"),)
          id = sa.Column(sa.Integer, primary_key=True)
          label = sa.Column(sa.String(40))
          rank = sa.Column(sa.Integer, nullable=False)
          code = sa.Column(sa.String(8))
          note = sa.Column(sa.Text)
    `;
    const revisions = [
      revision('a1', null, `
        op.create_table("items", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("label", sa.String(40)),
            sa.Column("rank", sa.Integer(), server_default="0", nullable=False), sa.Column("code", sa.Integer()), sa.Column("note", sa.Text()))
        op.execute("CREATE INDEX ix_items_label_ci ON items (label)")
        op.create_index("gin_items_label", "items", ["label"])
        op.create_index("ix_items_code", "items", ["code"])
        op.create_table("scratch_a", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_table("scratch_keep", sa.Column("id", sa.Integer(), primary_key=True))
      `),
    ];
    const hook = (body: string): string =>
      `from alembic import context\n\ndef include_object(object, name, type_, reflected, compare_to):\n${py(body).split('\n').map((l) => (l ? `    ${l}` : l)).join('\n')}\n` +
      'context.configure(connection=connection, target_metadata=target_metadata, include_object=include_object)\n';

    it('include_object with nested branches, else, or, and endswith/startswith over tuples leaves out what autogenerate leaves out', async () => {
      const envPy = hook(`
        if type_ == "index":
            if not reflected:
                if name.endswith(("asc", "desc")):
                    return compare_to is None
            else:
                if name.startswith("gin_") or name.endswith(("_ci", "_nocase")):
                    return False
        if type_ == "table" and name == "scratch_keep":
            return True
        if type_ == "table" and reflected and compare_to is None:
            return False
        return True
      `);
      const found = loud(await check({ models, revisions, files: { 'migrations/env.py': envPy } }));
      // Left out: the reflected indexes the hook names, and tables only in the database except the one it keeps.
      // Kept: an index of the models with the same ending (the rule is for reflected ones), an index no rule names.
      assert.deepEqual(found.map((f) => f.split(' ').slice(1).join(' ')).sort(), ['extra-index items.code', 'extra-table scratch_keep', 'missing-index items.note', 'type-mismatch items.code'], found.join('\n'));
    });

    it('include_object reads a condition however long it is written', async () => {
      const others = Array.from({ length: 12 }, (_, i) => `"some_other_long_table_name_${i}"`).join(', ');
      const envPy = hook(`
        if type_ == "table" and (name in (${others}, "scratch_a") or name == "another_table_nobody_has") and compare_to is None:
            return False
        return True
      `);
      assert.ok(envPy.length > 400);
      const found = loud(await check({ models, revisions, files: { 'migrations/env.py': envPy } }));
      assert.ok(!found.some((f) => f.includes('scratch_a')), found.join('\n'));
      assert.ok(found.includes('warning extra-table scratch_keep'), found.join('\n'));
    });

    it('include_object conditions it cannot read exclude nothing below them', async () => {
      const envPy = hook(`
        if type_ == "index" and object.info.get("skip"):
            return False
        if SETTINGS.lenient:
            if name.startswith("gin_"):
                return False
        return True
      `);
      const found = loud(await check({ models, revisions, files: { 'migrations/env.py': envPy } }));
      for (const f of ['warning extra-index items.label', 'warning extra-table scratch_a']) assert.ok(found.includes(f), `${f} in\n${found.join('\n')}`);
    });

    it('include_object conditions read only in part lower what they may leave out to notes (mealie: a name and an isinstance test)', async () => {
      const envPy = hook(`
        if type_ == "column" and name == "code" and object.table.name == "items" and isinstance(compare_to.type, sa.Integer):
            return False
        if SETTINGS.lenient and not name.startswith("ix_"):
            return False
        return True
      `);
      const found = await check({ models, revisions, files: { 'migrations/env.py': envPy } });
      assert.ok(found.includes('information type-mismatch items.code'), found.join('\n'));
      // A condition that names nothing (a negated name test alone) lowers nothing.
      for (const f of ['warning extra-index items.code', 'warning extra-table scratch_a']) assert.ok(found.includes(f), `${f} in\n${found.join('\n')}`);
    });

    it('server defaults are warnings only where env.py turns compare_server_default on; compare_type=False lowers types', async () => {
      const find = async (envPy: string | undefined, extra: Record<string, string> = {}): Promise<string[]> =>
        (await check({ models, revisions, files: { ...(envPy ? { 'migrations/env.py': envPy } : {}), ...extra } })).filter((f) => /default-mismatch|type-mismatch/.test(f)).sort();
      const configure = (args: string): string => `from alembic import context\ncontext.configure(connection=connection, target_metadata=target_metadata${args})\n`;
      // Alembic's defaults: server defaults not compared (a note), types compared.
      assert.deepEqual(await find(configure('')), ['information default-mismatch items.rank', 'warning type-mismatch items.code']);
      assert.deepEqual(await find(configure(', compare_server_default=True')), ['warning default-mismatch items.rank', 'warning type-mismatch items.code']);
      assert.deepEqual(await find(configure(', compare_server_default=my_compare, compare_type=False')), ['information type-mismatch items.code', 'warning default-mismatch items.rank']);
      // Flask-Migrate passes the keywords of Migrate(...): read where the project calls it.
      const flask = configure(', **current_app.extensions["migrate"].configure_args');
      assert.deepEqual(await find(flask), ['information default-mismatch items.rank', 'warning type-mismatch items.code']);
      assert.deepEqual(await find(flask, { 'app/__init__.py': 'from flask_migrate import Migrate\nmigrate = Migrate(compare_type=True, compare_server_default=True)\n' }), ['warning default-mismatch items.rank', 'warning type-mismatch items.code']);
      // Options env.py does not spell out (spread from elsewhere) may turn either on: types are compared, as Alembic's
      // default does, and a server default is a note (Alembic's default leaves it off; zenml spreads an empty dict).
      assert.deepEqual(await find(configure(', **OPTIONS')), ['information default-mismatch items.rank', 'warning type-mismatch items.code']);
      // No env.py at all: nothing is assumed.
      assert.deepEqual(await find(undefined), ['warning default-mismatch items.rank', 'warning type-mismatch items.code']);
    });
  });

  it('raw SQL: DDL is schema, DML, functions, triggers, extensions and grants are not; unreadable SQL is a note', async () => {
    const models = `
      class User(Base):
          __tablename__ = "users"
          id = sa.Column(sa.Integer, primary_key=True)
          email = sa.Column(sa.String(100), nullable=False)
      class Tag(Base):
          __tablename__ = "tags"
          id = sa.Column(sa.Integer, primary_key=True)
    `;
    const revisions = [
      revision('a1', null, `
        op.execute("CREATE TABLE users (id serial PRIMARY KEY, email varchar(100) NOT NULL)")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("""CREATE FUNCTION touch() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()")
        op.execute("GRANT SELECT ON users TO reader")
        op.execute(sa.text("INSERT INTO users (email) VALUES (:email)").bindparams(email="a@b.c"))
        conn = op.get_bind()
        conn.execute(sa.text("UPDATE users SET email = lower(email)"))
        op.execute("ALTER TABLE users ADD COLUMN nick text")
        op.execute("ALTER TABLE tags FROBNICATE")
      `),
    ];
    const found = await check({ models, revisions });
    // The column added in SQL is real drift; the statement nothing reads is a note, and leaves its table alone.
    assert.deepEqual(loud(found), ['warning extra-column users.nick']);
    assert.ok(found.includes('information unresolved'), found.join('\n'));
    assert.ok(!found.some((f) => f.includes('missing-table tags') && !f.startsWith('information')), found.join('\n'));
  });
});
