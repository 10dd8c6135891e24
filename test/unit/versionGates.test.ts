import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readProjectFiles } from '../../server/src/node/readProject';
import { Project } from '../../server/src/core/project';
import { alembicComparingChecksByDefault, alembicWithoutCheckComparison } from '../../server/src/core/config/packageRequirements';
import { py, testParser } from './helpers';

/** A project whose model has a named CHECK constraint that the migrations lack, and the given env.py line. */
async function checkProject(env: string): Promise<Project> {
  const project = new Project(await testParser());
  project.setFile('alembic.ini', '[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://localhost/app\n');
  project.setFile('migrations/env.py', `from alembic import context\n${env}\n`);
  project.setFile(
    'app/models.py',
    py(`
      import sqlalchemy as sa
      from sqlalchemy.orm import declarative_base
      Base = declarative_base()
      class Product(Base):
          __tablename__ = "products"
          __table_args__ = (sa.CheckConstraint("price > 0", name="positive_price"),)
          id = sa.Column(sa.Integer, primary_key=True)
          price = sa.Column(sa.Integer)
    `),
  );
  project.setFile('migrations/versions/a1.py', 'from alembic import op\nimport sqlalchemy as sa\nrevision = "a1"\ndown_revision = None\n\ndef upgrade():\n    op.create_table("products", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("price", sa.Integer()))\n');
  return project;
}

/** The missing-check finding as a user reads it: its severity, and what its message adds after the difference. */
function missingCheck(project: Project): string {
  const f = project.analyze().findings.find((x) => x.code === 'missing-check');
  assert.ok(f, 'a missing-check finding');
  return `${f.severity}: ${f.message.replace(/^.*\(head a1\)\.\s*/, '')}`;
}

const NO_PLUGINS = 'context.configure(target_metadata=None)';
const PLUGIN_NAMED = 'context.configure(target_metadata=None, autogenerate_plugins=["alembic.autogenerate.*", "alembic.ext.checkconstraint_byname"])';
const PLUGINS_WITHOUT_IT = 'context.configure(target_metadata=None, autogenerate_plugins=["alembic.autogenerate.*"])';

describe('version gates: what the Alembic and SQLAlchemy the project requires compare', () => {
  it('reads which Alembic compares CHECK constraints: none before 1.19, by default on 1.19.0 and 1.19.1 alone', () => {
    const pip = (text: string) => [{ path: 'requirements.txt', text: `${text}\n` }];
    for (const before of ['alembic==1.18.5', 'alembic<1.19', 'alembic>=1.7,<=1.18.9', 'alembic~=1.18.0', 'alembic==1.18.*']) {
      assert.equal(alembicWithoutCheckComparison(pip(before)), `${before} (requirements.txt)`, before);
    }
    for (const open of ['alembic==1.19.0', 'alembic>=1.18', 'alembic~=1.18', 'alembic']) assert.equal(alembicWithoutCheckComparison(pip(open)), undefined, open);
    for (const byDefault of ['alembic==1.19.1', 'alembic===1.19.0', 'alembic==1.19.0 \\', 'alembic>=1.19,<1.19.2', 'alembic~=1.19.0,<1.19.2', 'alembic>1.19.0,<=1.19.1']) {
      assert.equal(alembicComparingChecksByDefault(pip(byDefault)), `${byDefault.replace(' \\', '')} (requirements.txt)`, byDefault);
    }
    for (const other of ['alembic==1.19.2', 'alembic==1.18.5', 'alembic~=1.19.0', 'alembic==1.19.*', 'alembic>=1.19', 'alembic<1.19.2', 'alembic>1.18.9,<1.19.2', 'alembic!=1.19.2']) {
      assert.equal(alembicComparingChecksByDefault(pip(other)), undefined, other);
    }
    // Poetry's constraints: an exact version, ^ and ~ (from the version written), and comparisons; keys in any case.
    const poetry = (constraint: string) => [{ path: 'pyproject.toml', text: `[tool.poetry.dependencies]\nAlembic = ${constraint}\n` }];
    assert.equal(alembicComparingChecksByDefault(poetry('"1.19.1"')), 'Alembic = "1.19.1" (pyproject.toml)');
    assert.equal(alembicComparingChecksByDefault(poetry('{ version = ">=1.19.0,<1.19.2" }')), 'Alembic = ">=1.19.0,<1.19.2" (pyproject.toml)');
    for (const other of ['"^1.19"', '"~1.19"', '"1.19.2"']) assert.equal(alembicComparingChecksByDefault(poetry(other)), undefined, other);
    assert.equal(alembicWithoutCheckComparison(poetry('"~1.18"')), 'Alembic = "~1.18" (pyproject.toml)');
    assert.equal(alembicWithoutCheckComparison(poetry('"^1.18"')), undefined);
  });

  it("takes a pip-tools input's compiled file as what is installed: main.in's open alembic>=1.18.5 yields to main.txt's pin (warehouse)", () => {
    const input = { path: 'requirements/main.in', text: 'alembic>=1.18.5\nalembic-postgresql-enum\n' };
    const compiled = { path: 'requirements/main.txt', text: '#\n#    pip-compile --output-file=requirements/main.txt requirements/main.in\n#\nalembic==1.18.5 \\\n    --hash=sha256:06d8\n    # via -r requirements/main.in\n' };
    assert.equal(alembicWithoutCheckComparison([input, compiled]), 'alembic==1.18.5 (requirements/main.txt)');
    // An input with no compiled file beside it still counts.
    assert.equal(alembicWithoutCheckComparison([{ ...input, path: 'requirements/dev.in' }, compiled]), undefined);
  });

  it('reports no CHECK constraint difference as a warning where the project requires an Alembic before 1.19, even with the plugin named', async () => {
    const project = await checkProject(PLUGIN_NAMED);
    assert.equal(missingCheck(project), 'warning: ');
    project.setFile('requirements.txt', 'alembic==1.18.5\n');
    assert.equal(missingCheck(project), 'information: Alembic does not compare it here: the project requires alembic==1.18.5 (requirements.txt), whose autogenerate does not compare CHECK constraints (named ones are compared from Alembic 1.19 on).');
    project.setFile('migrations/env.py', `from alembic import context\n${NO_PLUGINS}\n`);
    assert.match(missingCheck(project), /^information: .*requires alembic==1\.18\.5 \(requirements\.txt\)/);
  });

  it('reports it as a warning on Alembic 1.19.0 or 1.19.1, whose default plugins compare named CHECK constraints, unless env.py lists its own', async () => {
    const project = await checkProject(NO_PLUGINS);
    assert.equal(missingCheck(project), "information: Alembic does not compare it here: env.py's autogenerate_plugins do not name alembic.ext.checkconstraint_byname.");
    project.setFile('requirements.txt', 'alembic==1.19.1 \\\n    --hash=sha256:0123\n');
    assert.equal(missingCheck(project), 'warning: ');
    project.setFile('pyproject.toml', '[project]\nname = "app"\ndependencies = ["alembic==1.19.0"]\n');
    assert.equal(missingCheck(project), 'warning: ');
    // From 1.19.2 the plugin is opt-in; a list env.py writes is read as it is.
    project.setFile('requirements.txt', 'alembic==1.19.2\n');
    assert.match(missingCheck(project), /^information: .*autogenerate_plugins do not name/);
    project.setFile('requirements.txt', 'alembic==1.19.1\n');
    project.setFile('migrations/env.py', `from alembic import context\n${PLUGINS_WITHOUT_IT.replace('"alembic.autogenerate.*"', '"alembic.autogenerate.*", "~alembic.autogenerate.checkconstraint_byname"')}\n`);
    assert.match(missingCheck(project), /^information: .*autogenerate_plugins do not name/);
    // A list that keeps the default wildcard picks the plugin as the default does there (the wildcard matched it then).
    project.setFile('migrations/env.py', `from alembic import context\n${PLUGINS_WITHOUT_IT}\n`);
    assert.equal(missingCheck(project), 'warning: ');
    project.setFile('requirements.txt', 'alembic==1.19.2\n');
    assert.match(missingCheck(project), /^information: .*autogenerate_plugins do not name/);
  });

  it("reads the pins of a requirements/ folder as the requirements of the folder that holds it (pypi/warehouse's requirements/main.txt)", async () => {
    const project = await checkProject(PLUGIN_NAMED);
    project.setFile('requirements/main.in', 'alembic>=1.18.5\n');
    project.setFile('requirements/main.txt', 'alembic==1.18.5 \\\n    --hash=sha256:06d8\n');
    assert.match(missingCheck(project), /^information: .*the project requires alembic==1\.18\.5 \(requirements\/main\.txt\), whose autogenerate/);
    // Only files directly in it, and only pip's: a deeper folder's or another kind say nothing.
    project.removeFile('requirements/main.txt');
    project.removeFile('requirements/main.in');
    project.setFile('requirements/old/main.txt', 'alembic==1.18.5\n');
    project.setFile('requirements/main.lock', 'alembic==1.18.5\n');
    assert.equal(missingCheck(project), 'warning: ');
  });

  it('reads the .txt and .in files directly in a requirements/ folder from disk, and no others there', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-requirements-'));
    try {
      for (const file of ['requirements/main.txt', 'requirements/dev.in', 'requirements/README.md', 'requirements/old/main.txt', 'docs/notes.txt', 'requirements-dev.txt']) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), 'alembic==1.18.5\n');
      }
      assert.deepEqual([...readProjectFiles(dir).files.keys()].sort(), ['requirements-dev.txt', 'requirements/dev.in', 'requirements/main.txt']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports no index on an expression, on either side, where the project requires a SQLAlchemy before 2.0, whose inspector skips them (indico)', async () => {
    const project = new Project(await testParser());
    project.setFile('alembic.ini', '[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://localhost/app\n');
    project.setFile('migrations/env.py', 'from alembic import context\ncontext.configure(target_metadata=None)\n');
    project.setFile(
      'app/models.py',
      py(`
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class User(Base):
            __tablename__ = "users"
            __table_args__ = (sa.Index("ix_users_email_lower", sa.func.lower(sa.column("email"))),)
            id = sa.Column(sa.Integer, primary_key=True)
            email = sa.Column(sa.String)
            affiliation = sa.Column(sa.String, index=True)
      `),
    );
    project.setFile(
      'migrations/versions/a1.py',
      py(`
        from alembic import op
        import sqlalchemy as sa
        revision = "a1"
        down_revision = None
        def upgrade():
            op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.String()), sa.Column("affiliation", sa.String()))
            op.create_index(op.f("ix_users_affiliation_lower"), "users", [sa.text("lower(affiliation)")])
            op.create_index("ix_users_id_desc", "users", [sa.text("id DESC")], unique=True)
      `),
    );
    const indexes = (): string[] =>
      project
        .analyze()
        .findings.filter((f) => f.code.endsWith('-index'))
        .map((f) => `${f.severity} ${f.code} ${f.message.replace(/^.*?[Ii]ndex "([^"]+)".*?\.(?: |$)/, '$1 ')}`.trim())
        .sort();
    assert.deepEqual(indexes(), [
      'warning extra-index ix_users_affiliation_lower',
      'warning extra-index ix_users_id_desc',
      'warning missing-index ix_users_affiliation',
      'warning missing-index ix_users_email_lower',
    ]);
    project.setFile('requirements.in', 'alembic\nsqlalchemy<2  # major upgrade\n');
    const why = 'Alembic does not compare it here: the project requires sqlalchemy<2 (requirements.in), whose inspector does not reflect indexes on expressions';
    assert.deepEqual(indexes(), [
      `information extra-index ix_users_affiliation_lower ${why}.`,
      `information missing-index ix_users_email_lower ${why}, so Alembic leaves the model's out too.`,
      // A column sorted is still a column to the inspector (lemur's `sa.text("id DESC")`): Alembic would drop it.
      'warning extra-index ix_users_id_desc',
      'warning missing-index ix_users_affiliation',
    ]);
    const notes = (): number => indexes().filter((f) => f.startsWith('information')).length;
    // SQLAlchemy 2 reflects them on PostgreSQL.
    project.setFile('requirements.in', 'sqlalchemy>=1.4\n');
    assert.equal(notes(), 0);
    // A database not known (indico's alembic.ini has no URL) is taken as PostgreSQL; MySQL's inspector reads them otherwise.
    project.setFile('requirements.in', 'sqlalchemy<2\n');
    project.setFile('alembic.ini', '[alembic]\nscript_location = migrations\n');
    assert.equal(notes(), 2);
    project.setFile('alembic.ini', '[alembic]\nscript_location = migrations\nsqlalchemy.url = mysql://localhost/app\n');
    assert.equal(notes(), 0);
  });
});
