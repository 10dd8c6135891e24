import * as assert from 'node:assert/strict';
import { Project } from '../../server/src/core/project';
import { readCompareOptions, type CompareOptions } from '../../server/src/core/config/compareOptions';
import { alembicWithoutTypeComparison } from '../../server/src/core/config/packageRequirements';
import type { PythonParser } from '../../server/src/core/python/parser';
import { resolverFor } from './project';
import { py, testParser } from './helpers';

const ENV = 'migrations/env.py';
const FLASK_ENV = `
  from alembic import context
  from flask import current_app

  def run_migrations_online():
      with connectable.connect() as connection:
          context.configure(connection=connection, target_metadata=target_metadata, **current_app.extensions["migrate"].configure_args)
`;

/** Everything env.py (and, for Flask-Migrate, the files that call `Migrate(`) asks autogenerate for. */
async function allOptions(envPy: string, files: Record<string, string> = {}): Promise<CompareOptions> {
  const all: Record<string, string> = { [ENV]: envPy, ...files };
  const resolver = await resolverFor(all);
  return readCompareOptions({ resolver, file: ENV, migrateFiles: () => Object.keys(all).filter((f) => all[f].includes('Migrate(')) });
}

/** The compare options alone (what most tests here are about). */
async function options(envPy: string, files: Record<string, string> = {}): Promise<Pick<CompareOptions, 'serverDefault' | 'type'>> {
  const { renderAsBatch: _, checkConstraints: __, typeByDefault: ___, ...compare } = await allOptions(envPy, files);
  return compare;
}

describe("compare options: what env.py asks autogenerate to compare", () => {
  it('reads context.configure(...) in a with block inside an else branch', async () => {
    const envPy = `
      from alembic import context

      if context.is_offline_mode():
          context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
      else:
          with connectable.connect() as c:
              context.configure(connection=c, compare_type=False)
    `;
    assert.deepEqual(await options(envPy), { serverDefault: false, type: false });
  });

  it('reads a keyword set from a module constant', async () => {
    const envPy = `
      from alembic import context
      COMPARE = False
      SERVER_DEFAULTS = True

      def run_migrations_online():
          context.configure(connection=connection, compare_type=COMPARE, compare_server_default=SERVER_DEFAULTS)
    `;
    assert.deepEqual(await options(envPy), { serverDefault: true, type: false });
  });

  it('reads a constant imported from another module, a local variable, and a dict spread key by key', async () => {
    const settings = { 'app/settings.py': 'COMPARE_DEFAULTS = True\n' };
    assert.deepEqual(await options('from alembic import context\nfrom app.settings import COMPARE_DEFAULTS\ncontext.configure(compare_server_default=COMPARE_DEFAULTS)\n', settings), { serverDefault: true, type: true });
    const local = `
      from alembic import context
      def run():
          flag = False
          context.configure(compare_type=flag)
    `;
    assert.deepEqual(await options(local), { serverDefault: false, type: false });
    const spread = `
      from alembic import context
      OPTIONS = dict(compare_server_default=True)
      def run():
          kw = {"compare_type": False}
          kw["render_as_batch"] = True
          context.configure(connection=connection, **kw, **OPTIONS)
    `;
    assert.deepEqual(await options(spread), { serverDefault: true, type: false });
  });

  it('counts only False as off, as Alembic does (`is False`): a comparison function, None and 0 compare', async () => {
    assert.deepEqual(await options('from alembic import context\ndef my_compare(*args):\n    return None\ncontext.configure(compare_server_default=my_compare)\n'), { serverDefault: true, type: true, functions: { serverDefault: 'my_compare' } });
    assert.deepEqual(await options('from alembic import context\ncontext.configure(compare_server_default=None, compare_type=0)\n'), { serverDefault: true, type: true });
    assert.deepEqual(await options('from alembic import context\ncontext.configure(compare_server_default=False, compare_type=False)\n'), { serverDefault: false, type: false });
    assert.deepEqual(await options('from alembic import context\ncontext.configure(url=url, compare_type=False)\ncontext.configure(connection=c, compare_type=True)\n'), { serverDefault: false, type: true });
  });

  it("lowers to notes the differences a comparison function decides column by column (airflow's compare_server_default)", async () => {
    const project = new Project(await testParser());
    project.setFile('alembic.ini', '[alembic]\nscript_location = migrations\nsqlalchemy.url = sqlite:///app.db\n');
    project.setFile('app/db.py', 'def compare_server_default(context, inspected_column, metadata_column, inspected_default, metadata_default, rendered_metadata_default):\n    return False\n');
    project.setFile(ENV, 'from alembic import context\nfrom app.db import compare_server_default\ncontext.configure(connection=c, compare_server_default=compare_server_default, compare_type=lambda *a: None)\n');
    project.setFile('app/models.py', 'import sqlalchemy as sa\nfrom sqlalchemy.orm import declarative_base\nBase = declarative_base()\nclass Item(Base):\n    __tablename__ = "items"\n    id = sa.Column(sa.Integer, primary_key=True)\n    rank = sa.Column(sa.Integer, nullable=False)\n    label = sa.Column(sa.String(40))\n');
    project.setFile('migrations/versions/a1.py', 'from alembic import op\nimport sqlalchemy as sa\nrevision = "a1"\ndown_revision = None\n\ndef upgrade():\n    op.create_table("items", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("rank", sa.Integer(), server_default="0", nullable=False), sa.Column("label", sa.Text()))\n');
    const found = project.analyze().findings.filter((f) => f.code === 'default-mismatch' || f.code === 'type-mismatch');
    assert.deepEqual(found.map((f) => [f.code, f.severity, f.message.replace(/^.*\(head a1\)\. /, '')]), [
      ['default-mismatch', 'information', "Alembic compares it only if env.py's compare_server_default=compare_server_default says so: a function that decides column by column when it runs."],
      ['type-mismatch', 'information', "Alembic compares it only if env.py's compare_type=lambda says so: a function that decides column by column when it runs."],
    ]);
  });

  it('assumes nothing without a configure(...) call, and keeps only what unknown spread options cannot undo', async () => {
    assert.deepEqual(await options('from alembic import context\n'), {});
    assert.deepEqual(await options('from alembic import context\ncontext.configure(connection=c, compare_type=False, **get_options())\n'), { serverDefault: undefined, type: false, spread: true });
    assert.deepEqual(await options('from alembic import context\ncontext.configure(connection=c, compare_server_default=True, **OPTIONS)\n'), { serverDefault: true, type: undefined, spread: true });
    // A `**kw` parameter passes what the function's callers in env.py give it.
    const helper = `
      from alembic import context
      def _configure(**kw):
          context.configure(target_metadata=target_metadata, **kw)
      def run_migrations_online():
          _configure(connection=connection, compare_type=False)
    `;
    assert.deepEqual(await options(helper), { serverDefault: false, type: false });
  });

  it("reads the configure(...) of a project module env.py imports when env.py calls none itself (zenml's Alembic class)", async () => {
    const envPy = `
      from alembic import context
      import app.models
      from app.migrate import Runner
      Runner(context=context).run_migrations()
    `;
    const migrate = `
      class Runner:
          def __init__(self, context):
              self.context = context
          def run_migrations(self):
              self.context.configure(url="sqlite://", target_metadata=None, compare_type=True, render_as_batch=True)
    `;
    const models = 'import logging\nlogging.config.configure(level=1)\n';
    assert.deepEqual(await options(envPy, { 'app/__init__.py': '', 'app/migrate.py': migrate, 'app/models.py': models }), { serverDefault: false, type: true });
    // A configure() that is not Alembic's (no keyword of EnvironmentContext.configure) says nothing.
    assert.deepEqual(await options(envPy, { 'app/__init__.py': '', 'app/migrate.py': models, 'app/models.py': models }), {});
  });

  it('no longer reads compare_type=False written in a comment or a string', async () => {
    const envPy = `
      from alembic import context
      # compare_type=False would make autogenerate faster
      NOTE = "see compare_type=False, compare_server_default=True in the docs"

      def run_migrations_online():
          """Runs with context.configure(compare_type=False, compare_server_default=True)?"""
          context.configure(connection=connection, target_metadata=target_metadata)
    `;
    assert.deepEqual(await options(envPy), { serverDefault: false, type: true });
  });

  it("reads Flask-Migrate's options from Migrate(...) in another module, with its default compare_type=True", async () => {
    const app = `
      from flask import Flask
      from flask_migrate import Migrate
      from app.db import db

      app = Flask(__name__)
      migrate = Migrate(app, db, compare_server_default=True)
    `;
    assert.deepEqual(await options(FLASK_ENV, { 'app/__init__.py': app, 'app/db.py': 'db = None\n' }), { serverDefault: true, type: true });
    assert.deepEqual(await options(FLASK_ENV), { serverDefault: false, type: true });
    // The keywords of init_app(...) on the Migrate object count too; a comment does not.
    const factory = `
      from flask_migrate import Migrate
      # Migrate(compare_server_default=True) once the defaults match
      migrate = Migrate()
      def create_app():
          migrate.init_app(app, db, compare_type=False)
    `;
    assert.deepEqual(await options(FLASK_ENV, { 'app/__init__.py': factory }), { serverDefault: false, type: false });
    // Flask-Migrate's newer template reads configure_args into a local first.
    const template = `
      from alembic import context
      from flask import current_app
      def run_migrations_online():
          conf_args = current_app.extensions["migrate"].configure_args
          if conf_args.get("process_revision_directives") is None:
              conf_args["process_revision_directives"] = process_revision_directives
          with connectable.connect() as connection:
              context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
    `;
    assert.deepEqual(await options(template, { 'app/ext.py': 'from flask_migrate import Migrate\nmigrate = Migrate(compare_type=False)\n' }), { serverDefault: false, type: false });
  });

  it('is read again when env.py or a file calling Migrate( changes, not when a model or a revision does', async () => {
    const real = await testParser();
    const parses = new Map<string, number>();
    const parser: PythonParser = {
      parseModule(text) {
        parses.set(text, (parses.get(text) ?? 0) + 1);
        return real.parseModule(text);
      },
    };
    const model = (length: number): string => py(`
      import sqlalchemy as sa
      from sqlalchemy.orm import declarative_base
      Base = declarative_base()
      class Item(Base):
          __tablename__ = "items"
          id = sa.Column(sa.Integer, primary_key=True)
          rank = sa.Column(sa.Integer, nullable=False)
          label = sa.Column(sa.String(${length}))
    `);
    const revision = (length: number): string =>
      `from alembic import op\nimport sqlalchemy as sa\nrevision = "a1"\ndown_revision = None\n\ndef upgrade():\n` +
      `    op.create_table("items", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("rank", sa.Integer(), server_default="0", nullable=False), sa.Column("label", sa.String(${length})))\n`;
    const envPy = py(FLASK_ENV);
    const files: Record<string, string> = {
      'alembic.ini': '[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://localhost/app\n',
      'app/models.py': model(40),
      'migrations/versions/a1.py': revision(40),
      [ENV]: envPy,
      'app/ext.py': 'from flask_migrate import Migrate\nmigrate = Migrate(app, db, compare_server_default=True)\n',
      'app/late.py': 'migrate = None\n',
    };
    const editor = new Project(parser);
    for (const [f, t] of Object.entries(files)) editor.setFile(f, t);
    /** The severity of the server default's finding after an edit, checked against a fresh analysis of the same files. */
    const edit = (file: string, text: string): string | undefined => {
      files[file] = text;
      editor.setFile(file, text);
      editor.releaseSyntax();
      parses.delete(envPy);
      const found = editor.analyze().findings;
      const fresh = new Project(real);
      for (const [f, t] of Object.entries(files)) fresh.setFile(f, t);
      assert.deepEqual(found, fresh.analyze().findings, `after an edit of ${file}`);
      return found.find((f) => f.code === 'default-mismatch')?.severity;
    };
    const envPyRead = (): boolean => parses.has(envPy);

    assert.equal(edit('app/models.py', model(40)), 'warning');
    assert.equal(edit('app/models.py', model(50)), 'warning');
    assert.equal(envPyRead(), false, 'a model edit reads env.py again');
    assert.equal(edit('migrations/versions/a1.py', revision(50)), 'warning');
    assert.equal(envPyRead(), false, 'a revision edit reads env.py again');
    assert.equal(edit('app/ext.py', 'from flask_migrate import Migrate\nmigrate = Migrate(app, db, compare_server_default=False)\n'), 'information');
    assert.equal(envPyRead(), true);
    // A file that starts calling Migrate( was never read: it is found all the same.
    assert.equal(edit('app/late.py', 'from flask_migrate import Migrate\nmigrate = Migrate(app, db, compare_server_default=True)\n'), 'warning');
    assert.equal(edit(ENV, envPy.replace('**current_app', 'compare_server_default=False, **current_app')), 'information');
  });

  it('reads render_as_batch as Python truth, from configure(...) or Flask-Migrate, and not from a comment', async () => {
    const batch = async (envPy: string, files: Record<string, string> = {}): Promise<boolean | undefined> => (await allOptions(envPy, files)).renderAsBatch;
    assert.equal(await batch('from alembic import context\ncontext.configure(connection=c, render_as_batch=True)\n'), true);
    assert.equal(await batch('from alembic import context\nBATCH = 1\ncontext.configure(connection=c, render_as_batch=BATCH)\n'), true);
    assert.equal(await batch('from alembic import context\ncontext.configure(connection=c, render_as_batch=None)\n'), false);
    // An expression read only at run time (prefect: `dialect.name == "sqlite"`) is not known to be true.
    assert.equal(await batch('from alembic import context\ncontext.configure(connection=c, render_as_batch=dialect.name == "sqlite")\n'), false);
    assert.equal(await batch('from alembic import context\n# render_as_batch=True for SQLite, one day\ncontext.configure(connection=c)\n'), false);
    const app = 'from flask_migrate import Migrate\nmigrate = Migrate(app, db, render_as_batch=True)\n';
    assert.equal(await batch(FLASK_ENV, { 'app/__init__.py': app }), true);
  });

  it('takes an Alembic before 1.12 that pyproject.toml requires as leaving types alone where env.py does not set compare_type (fides)', () => {
    const project = (deps: string): string => `[project]\nname = "app"\ndependencies = [${deps}]\n`;
    const capped = [
      project('"alembic==1.8.1"'),
      project('"alembic>=1.7,<1.12"'),
      project('"alembic[tz]~=1.11.0 ; python_version >= \'3.8\'"'),
      project('"alembic==1.8.*"'),
      '[tool.poetry.dependencies]\nalembic = "~1.8"\n',
      '[tool.poetry.dependencies]\nalembic = { version = "1.10.4", extras = ["tz"] }\n',
    ];
    const pyproject = (text: string | undefined) => (text === undefined ? [] : [{ path: 'pyproject.toml', text }]);
    for (const text of capped) assert.notEqual(alembicWithoutTypeComparison(pyproject(text)), undefined, text);
    const open = [
      project('"alembic>=1.8"'),
      project('"alembic~=1.8"'),
      project('"alembic==1.12.0"'),
      project('"alembic"'),
      project('"alembic-utils==0.8.1", "alembic>=1.13"'),
      project('"alembic==1.8.1"') + '[project.optional-dependencies]\ndev = ["alembic>=1.13"]\n',
      '[tool.poetry.dependencies]\nalembic = "^1.8"\n',
      'not toml at all: alembic==1.8.1 [',
      undefined,
    ];
    for (const text of open) assert.equal(alembicWithoutTypeComparison(pyproject(text)), undefined, text);
    assert.equal(alembicWithoutTypeComparison(pyproject(project('"alembic==1.8.1"'))), 'alembic==1.8.1 (pyproject.toml)');
    // pip's requirements files, with comments, options and other packages around it; all of the folder's must agree.
    const pinned = { path: 'requirements.txt', text: '-r base.txt\n# the database\nSQLAlchemy==1.4.46\nalembic==1.6.5  # pinned for tz\nalembic-utils==0.8.1\n' };
    assert.equal(alembicWithoutTypeComparison([pinned]), 'alembic==1.6.5 (requirements.txt)');
    assert.equal(alembicWithoutTypeComparison([pinned, { path: 'requirements-dev.txt', text: 'alembic>=1.13\n' }]), undefined);
    assert.equal(alembicWithoutTypeComparison([{ path: 'requirements.txt', text: 'alembic\n' }]), undefined);
    assert.equal(alembicWithoutTypeComparison([{ path: 'requirements.txt', text: 'alembic==1.8.1 \\\n    --hash=sha256:0123\n' }]), 'alembic==1.8.1 (requirements.txt)');
    // A setup.py's install_requires (pybossa), read from its string literals.
    const setup = { path: 'setup.py', text: 'from setuptools import setup\nrequirements = [\n    "alembic==0.9.10",\n    "alembic-utils",\n]\nsetup(name="app", install_requires=requirements)\n' };
    assert.equal(alembicWithoutTypeComparison([setup]), 'alembic==0.9.10 (setup.py)');
    assert.equal(alembicWithoutTypeComparison([{ ...setup, text: setup.text.replace('==0.9.10', '>=0.9') }]), undefined);
    // A setup.cfg's install_requires lines, and a Pipfile's packages (a version string or a table with one).
    const cfg = { path: 'setup.cfg', text: '[metadata]\nname = app\n\n[options]\ninstall_requires =\n    SQLAlchemy>=1.3\n    alembic>=1.0,<1.9\n' };
    assert.equal(alembicWithoutTypeComparison([cfg]), 'alembic>=1.0,<1.9 (setup.cfg)');
    assert.equal(alembicWithoutTypeComparison([{ ...cfg, text: cfg.text.replace('<1.9', '<2') }]), undefined);
    const pipfile = (packages: string) => [{ path: 'Pipfile', text: `[[source]]\nurl = "https://pypi.org/simple"\n\n[packages]\n${packages}\n` }];
    assert.equal(alembicWithoutTypeComparison(pipfile('alembic = "==1.7.7"')), 'alembic = "==1.7.7" (Pipfile)');
    assert.equal(alembicWithoutTypeComparison(pipfile('alembic = {version = "<1.10", extras = ["tz"]}')), 'alembic = "<1.10" (Pipfile)');
    for (const open of ['alembic = "*"', 'alembic = ">=1.7"', 'alembic = {git = "https://github.com/sqlalchemy/alembic"}', 'alembic = ']) {
      assert.equal(alembicWithoutTypeComparison(pipfile(open)), undefined, open);
    }
  });

  it('lowers type differences to notes under such a requirement, and is read again when pyproject.toml changes', async () => {
    const files: Record<string, string> = {
      'pyproject.toml': '[project]\nname = "app"\ndependencies = ["alembic==1.8.1"]\n',
      'alembic.ini': '[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://localhost/app\n',
      'app/models.py': 'import sqlalchemy as sa\nfrom sqlalchemy.orm import declarative_base\nBase = declarative_base()\nclass Item(Base):\n    __tablename__ = "items"\n    id = sa.Column(sa.Integer, primary_key=True)\n    label = sa.Column(sa.Text)\n',
      'migrations/versions/a1.py': 'from alembic import op\nimport sqlalchemy as sa\nrevision = "a1"\ndown_revision = None\n\ndef upgrade():\n    op.create_table("items", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("label", sa.String(40)))\n',
      [ENV]: 'from alembic import context\ncontext.configure(connection=None, target_metadata=None)\n',
    };
    const editor = new Project(await testParser());
    for (const [f, t] of Object.entries(files)) editor.setFile(f, t);
    const typeFinding = () => editor.analyze().findings.find((f) => f.code === 'type-mismatch');
    assert.equal(typeFinding()?.severity, 'information');
    assert.match(typeFinding()!.message, /Alembic does not compare it here: the project requires alembic==1\.8\.1 \(pyproject\.toml\)/);
    editor.setFile('pyproject.toml', files['pyproject.toml'].replace('==1.8.1', '>=1.13'));
    assert.equal(typeFinding()?.severity, 'warning');
    // A requirements file beside it that pins an older one: the folder's requirements disagree, so nothing is assumed.
    editor.setFile('requirements.txt', 'alembic==1.6.5\n');
    assert.equal(typeFinding()?.severity, 'warning');
    editor.setFile('pyproject.toml', '[project]\nname = "app"\n');
    assert.match(typeFinding()!.message, /the project requires alembic==1\.6\.5 \(requirements\.txt\)/);
    editor.removeFile('requirements.txt');
    // compare_type written in env.py holds whatever the requirement.
    editor.setFile('pyproject.toml', files['pyproject.toml']);
    editor.setFile(ENV, files[ENV].replace('target_metadata=None', 'target_metadata=None, compare_type=True'));
    assert.equal(typeFinding()?.severity, 'warning');
  });

  it("takes a SQLModel field whose default is None as nullable where the project requires pydantic 1, as SQLModel makes it there (keep)", async () => {
    const editor = new Project(await testParser());
    editor.setFile('alembic.ini', '[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://localhost/app\n');
    editor.setFile('app/models.py', 'from typing import Optional\nfrom sqlmodel import Field, SQLModel\nclass Dashboard(SQLModel, table=True):\n    id: Optional[int] = Field(default=None, primary_key=True)\n    created_by: str = None\n    updated_by: str = Field(default=None)\n    name: str = Field(default=None, nullable=False)\n');
    editor.setFile('migrations/versions/a1.py', 'from alembic import op\nimport sqlalchemy as sa\nrevision = "a1"\ndown_revision = None\n\ndef upgrade():\n    op.create_table("dashboard", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("created_by", sa.String(), nullable=True), sa.Column("updated_by", sa.String(), nullable=True), sa.Column("name", sa.String(), nullable=False))\n');
    const nullability = (): string[] => editor.analyze().findings.filter((f) => f.code === 'nullable-mismatch').map((f) => f.column!);
    // pydantic 2 (or nothing said): NOT NULL, as SQLModel makes it.
    assert.deepEqual(nullability(), ['created_by', 'updated_by']);
    editor.setFile('pyproject.toml', '[tool.poetry.dependencies]\npython = "^3.11"\npydantic = "^1.10.4"\nsqlmodel = "0.0.22"\n');
    assert.deepEqual(nullability(), []);
    // A SQLModel from before pydantic 2 says so too; an explicit nullable= holds either way.
    editor.setFile('pyproject.toml', '[project]\nname = "app"\ndependencies = ["sqlmodel==0.0.8"]\n');
    assert.deepEqual(nullability(), []);
    editor.setFile('pyproject.toml', '[project]\nname = "app"\ndependencies = ["sqlmodel>=0.0.16", "pydantic>=2"]\n');
    assert.deepEqual(nullability(), ['created_by', 'updated_by']);
  });
});
