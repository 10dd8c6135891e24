import * as assert from 'node:assert/strict';
import { Project } from '../../server/src/core/project';
import { testParser } from './helpers';

const MODELS = `import sqlalchemy as sa
from sqlalchemy.orm import declarative_base
Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
`;

const REVISION = `from alembic import op
import sqlalchemy as sa
revision = "a1"
down_revision = None

def upgrade():
    op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))
`;

/** The findings (code file line) of a project with a model, an env.py and a revision under `folder`, and the given configs. */
async function findings(configs: Record<string, string>, folder = 'migrations'): Promise<string[]> {
  const project = new Project(await testParser());
  project.setFile('app/models.py', MODELS);
  project.setFile(`${folder}/env.py`, 'from alembic import context\n');
  project.setFile(`${folder}/versions/a1_init.py`, REVISION);
  for (const [file, text] of Object.entries(configs)) project.setFile(file, text);
  return project.analyze().findings.map((f) => `${f.code} ${f.file} ${f.span[0]}`);
}

describe('config: a script_location that names no folder of the project', () => {
  it('is reported on its line of alembic.ini, and the revisions found on disk are still compared', async () => {
    const found = await findings({ 'alembic.ini': '[alembic]\n# where the scripts are\nscript_location = migraitons\nsqlalchemy.url = sqlite:///app.db\n' });
    assert.deepEqual(found, ['missing-script-location alembic.ini 2']);
  });

  it('is reported in the section that names it, and in [tool.alembic] of pyproject.toml', async () => {
    const ini = '[alembic]\nscript_location = migrations\n\n[reports]\nscript_location = reports/migrations\n';
    assert.deepEqual(await findings({ 'alembic.ini': ini }), ['missing-script-location alembic.ini 4']);
    const toml = '[project]\nname = "app"\n\n[tool.alembic]\nscript_location = "%(here)s/db"\n';
    assert.deepEqual(await findings({ 'pyproject.toml': toml }), ['missing-script-location pyproject.toml 4']);
  });

  it('is not reported for a folder that exists, however written, nor for an absolute path, and only noted for a package it cannot see', async () => {
    for (const script of ['migrations', './migrations/', '%(here)s/migrations', '/srv/app/migrations']) {
      assert.deepEqual(await findings({ 'alembic.ini': `[alembic]\nscript_location = ${script}\n` }), [], script);
    }
    for (const script of ['app:migrations', 'installed_pkg:migrations']) {
      const project = new Project(await testParser());
      project.setFile('alembic.ini', `[alembic]\nscript_location = ${script}\n`);
      const found = project.analyze().findings.map((f) => [f.code, f.severity, f.message]);
      assert.deepEqual(found, [['missing-script-location', 'information', `script_location "${script}" of alembic.ini names a package this project does not hold (installed elsewhere?): no revision of it is read.`]], script);
    }
    assert.deepEqual(await findings({ 'backend/alembic.ini': '[alembic]\nscript_location = %(here)s/migrations\n' }, 'backend/migrations'), []);
    // An absolute path that leaves nothing to check (pagure's deployment config) is noted, not passed over in silence.
    const alone = new Project(await testParser());
    alone.setFile('alembic.ini', '[alembic]\nscript_location = /usr/share/pagure/alembic\n');
    assert.deepEqual(alone.analyze().findings.map((f) => [f.code, f.severity, f.message]), [['missing-script-location', 'information', 'script_location "/usr/share/pagure/alembic" of alembic.ini is an absolute path that is no folder of this project (a deployment\'s?): no revision of it is read.']]);
  });

  it("is found in the portion of a namespace package that holds it (a polylith's bases/pkg and components/pkg: renku)", async () => {
    const project = new Project(await testParser());
    project.setFile('bases/pkg/api/app.py', 'APP = 1\n');
    project.setFile('components/pkg/app/models.py', MODELS.replace('id = sa.Column(sa.Integer, primary_key=True)', 'id = sa.Column(sa.Integer, primary_key=True)\n    name = sa.Column(sa.String(80))'));
    project.setFile('components/pkg/migrations/env.py', 'from alembic import context\n');
    project.setFile('components/pkg/migrations/versions/a1_init.py', REVISION);
    project.setFile('components/pkg/migrations/alembic.ini', '[alembic]\nscript_location = pkg:migrations\n\n[common]\nscript_location = pkg:migrations\nversion_locations = %(here)s/versions\n');
    const found = project.analyze().findings.map((f) => `${f.code} ${f.file}`);
    assert.deepEqual(found, ['missing-column components/pkg/app/models.py']);
  });

  it("imports modules from the folders alembic.ini's prepend_sys_path puts on sys.path, and reads them again when it changes", async () => {
    const project = new Project(await testParser());
    project.setFile('alembic.ini', '[alembic]\nscript_location = migrations\nprepend_sys_path = src\n');
    project.setFile('migrations/env.py', 'from alembic import context\nimport shop.db.models\nfrom shop.db.base import Base\ntarget_metadata = Base.metadata\n');
    project.setFile('migrations/versions/a1_init.py', REVISION);
    // src is a package itself, so `shop` is importable only because src is on sys.path.
    project.setFile('src/__init__.py', '');
    project.setFile('src/shop/__init__.py', '');
    project.setFile('src/shop/db/__init__.py', '');
    project.setFile('src/shop/db/base.py', 'from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n');
    project.setFile('src/shop/db/models.py', 'import sqlalchemy as sa\nfrom shop.db.base import Base\n\nclass User(Base):\n    __tablename__ = "users"\n    id = sa.Column(sa.Integer, primary_key=True)\n    name = sa.Column(sa.String(80))\n');
    assert.deepEqual(project.analyze().findings.map((f) => `${f.code} ${f.file}`), ['missing-column src/shop/db/models.py']);
    project.setFile('alembic.ini', '[alembic]\nscript_location = migrations\nprepend_sys_path = .\n');
    assert.deepEqual(project.analyze().findings.map((f) => f.code), ['extra-table']);
    project.setFile('alembic.ini', '[alembic]\nscript_location = migrations\nprepend_sys_path = . src\n');
    assert.deepEqual(project.analyze().findings.map((f) => f.code), ['missing-column']);
  });

  it("lets a plugin's own environment depend on a revision of the project's (quetz's plugins)", async () => {
    const project = new Project(await testParser());
    project.setFile('app/models.py', MODELS);
    project.setFile('alembic.ini', '[alembic]\nscript_location = app:migrations\n');
    project.setFile('app/migrations/env.py', 'from alembic import context\n');
    project.setFile('app/migrations/versions/a1_init.py', REVISION);
    project.setFile('plugins/tags/alembic.ini', '[alembic]\nscript_location = tags:migrations\n');
    project.setFile('plugins/tags/tags/migrations/env.py', 'from alembic import context\n');
    const plugin = (depends: string) => `from alembic import op\nimport sqlalchemy as sa\nrevision = "t1"\ndown_revision = None\nbranch_labels = ("tags",)\ndepends_on = "${depends}"\n\ndef upgrade():\n    pass\n`;
    project.setFile('plugins/tags/tags/migrations/versions/t1_init.py', plugin('a1'));
    assert.deepEqual(project.analyze().findings.map((f) => `${f.code} ${f.file}`), []);
    project.setFile('plugins/tags/tags/migrations/versions/t1_init.py', plugin('a2'));
    assert.deepEqual(project.analyze().findings.map((f) => `${f.code} ${f.file}`), ['missing-down-revision plugins/tags/tags/migrations/versions/t1_init.py']);
  });

  it("is not reported, nor read as an environment, when it is a template's placeholder (jupyterhub's {alembic_dir})", async () => {
    for (const script of ['{alembic_dir}', '${ALEMBIC_DIR}', '%(alembic_dir)s', '%(here)s/{name}']) {
      assert.deepEqual(await findings({ 'app/alembic.ini': `[alembic]\nscript_location = ${script}\nsqlalchemy.url = {db_url}\n` }), [], script);
    }
  });

  it("is found from the folder Alembic is run in: a config inside the package with the path from the project's root", async () => {
    const ini = '[alembic]\nscript_location = pkg/store/db_migrations\n';
    assert.deepEqual(await findings({ 'pkg/store/db_migrations/alembic.ini': ini }, 'pkg/store/db_migrations'), []);
    // The revisions are those of that folder: the model's table is created, so nothing is missing.
    assert.deepEqual(await findings({ 'pkg/store/db_migrations/alembic.ini': '[alembic]\nscript_location = pkg/store/migraitons\n' }, 'pkg/store/db_migrations'), ['missing-script-location pkg/store/db_migrations/alembic.ini 1']);
    // Checked from inside the package (mlflow checked from mlflow/store): the path ends in the config's own folder.
    assert.deepEqual(await findings({ 'db_migrations/alembic.ini': ini }, 'db_migrations'), []);
    // But a path that only ends like a folder the config is not in is still none.
    assert.deepEqual(await findings({ 'alembic.ini': '[alembic]\nscript_location = old/migrations\n' }), ['missing-script-location alembic.ini 1']);
  });

  it("is the checked folder itself when the config in it names it from the folder above (Flask-Migrate's migrations/alembic.ini, MerginMaps)", async () => {
    const checked = async (folderName: string): Promise<string[]> => {
      const project = new Project(await testParser(), { packageName: folderName });
      project.setFile('alembic.ini', '[alembic]\nscript_location = migrations\n');
      project.setFile('env.py', 'from alembic import context\n');
      project.setFile('versions/a1_init.py', REVISION);
      project.setFile('models.py', MODELS.replace('"users"', '"accounts"'));
      return project.analyze().findings.map((f) => `${f.code} ${f.file} ${f.span[0]}`);
    };
    // Its revisions are read: the model's table is missing from them, the revision's is extra.
    assert.deepEqual((await checked('migrations')).sort(), ['extra-table versions/a1_init.py 6', 'missing-table models.py 4']);
    assert.ok((await checked('db')).includes('missing-script-location alembic.ini 1'));
    // Only a folder with its env.py in it is a script folder.
    const noEnv = new Project(await testParser(), { packageName: 'migrations' });
    noEnv.setFile('alembic.ini', '[alembic]\nscript_location = migrations\n');
    noEnv.setFile('models.py', MODELS);
    assert.ok(noEnv.analyze().findings.some((f) => f.code === 'missing-script-location'));
  });
});
