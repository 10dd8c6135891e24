import * as assert from 'node:assert/strict';
import { parseIni } from '../../server/src/core/config/alembicIni';
import { discoverEnvironments } from '../../server/src/core/config/environments';

describe('alembic.ini as configparser reads it', () => {
  it('interpolates %(here)s and keys of the same section, and unescapes %%', () => {
    const ini = parseIni('[alembic]\nscript_location = %(here)s/%(folder)s\nfolder = db\nfile_template = %%(rev)s_%%(slug)s\n', '/srv/app');
    assert.equal(ini.get('alembic')!.get('script_location'), '/srv/app/db');
    assert.equal(ini.get('alembic')!.get('file_template'), '%(rev)s_%(slug)s');
  });

  it('gives every section the keys of [DEFAULT], which is no section of its own (onyx)', () => {
    const ini = parseIni('[DEFAULT]\nscript_location = alembic\nsqlalchemy.url = postgresql://localhost/%(db)s\ndb = app\n\n[alembic]\nscript_location = alembic\n\n[tenants]\nscript_location = alembic_tenants\ndb = tenants\n', '.');
    assert.deepEqual([...ini.keys()], ['alembic', 'tenants']);
    assert.equal(ini.get('alembic')!.get('sqlalchemy.url'), 'postgresql://localhost/app');
    assert.deepEqual([ini.get('tenants')!.get('script_location'), ini.get('tenants')!.get('sqlalchemy.url')], ['alembic_tenants', 'postgresql://localhost/tenants']);
    assert.equal(parseIni('[DEFAULT]\na = 1\n[alembic]\nb = 2\n', '.', { defaults: false }).get('alembic')!.has('a'), false);
    // Environments: [alembic] and the sections that set script_location themselves, not [DEFAULT] nor the logging ones.
    const text = '[DEFAULT]\nscript_location = alembic\nsqlalchemy.url = postgresql://localhost/app\n\n[alembic]\n\n[tenants]\nscript_location = alembic_tenants\n\n[loggers]\nkeys = root\n';
    const envs = discoverEnvironments({ files: ['alembic.ini', 'alembic/env.py', 'alembic_tenants/env.py'], readText: () => text });
    assert.deepEqual(envs.map((e) => [e.name, e.scriptLocation, e.dialect]), [['alembic.ini', 'alembic', 'postgresql'], ['alembic.ini [tenants]', 'alembic_tenants', 'postgresql']]);
  });

  it("takes a multidb template's databases from the revisions' upgrade_<name>() where the app sets `databases` at run time (LinOTP)", () => {
    const texts: Record<string, string> = {
      'alembic.ini': '[alembic]\nscript_location = migrations\n',
      'migrations/env.py': 'from alembic import context\ndb_names = context.config.get_main_option("databases")\n',
      'migrations/versions/a.py': 'def upgrade(engine_name):\n    globals()["upgrade_%s" % engine_name]()\n\ndef upgrade_main():\n    pass\n\ndef upgrade_audit():\n    pass\n',
      // A plain upgrade() with a helper named like one: no database of its own.
      'migrations/versions/b.py': 'def upgrade():\n    upgrade_data()\n\ndef upgrade_data():\n    pass\n',
    };
    const envs = discoverEnvironments({ files: Object.keys(texts), readText: (f) => texts[f] });
    assert.deepEqual(envs.map((e) => e.engine), ['audit', 'main']);
    // An env.py that does not read `databases` is no multidb one.
    const plain = discoverEnvironments({ files: Object.keys(texts), readText: (f) => (f === 'migrations/env.py' ? 'from alembic import context\n' : texts[f]) });
    assert.deepEqual(plain.map((e) => e.engine), [undefined]);
  });

  it("splits version_locations on path_separator (Alembic 1.16's name) as on version_path_separator", () => {
    const files = ['alembic.ini', 'migrations/env.py', 'migrations/versions/a.py', 'plugin/versions/p.py'];
    for (const key of ['path_separator', 'version_path_separator']) {
      const text = `[alembic]\nscript_location = migrations\n${key} = os\nversion_locations = %(here)s/migrations/versions:%(here)s/plugin/versions\n`;
      const envs = discoverEnvironments({ files, readText: (f) => (f === 'alembic.ini' ? text : undefined) });
      assert.deepEqual(envs.map((e) => e.versionLocations), [['migrations/versions', 'plugin/versions']], key);
    }
  });

  it("reads [tool.alembic]'s strings as Alembic does: %(here)s is the file's folder and %% a percent sign", () => {
    const toml = '[tool.alembic]\nscript_location = "%(here)s/migrations"\nfile_template = "%%(year)d/%%(rev)s_%%(slug)s"\nversion_locations = ["%(here)s/migrations/versions", "%(here)s/more"]\n';
    const envs = discoverEnvironments({ files: ['pyproject.toml', 'migrations/env.py', 'migrations/versions/a.py', 'more/b.py'], readText: (f) => (f === 'pyproject.toml' ? toml : undefined) });
    assert.deepEqual(envs.map((e) => [e.scriptLocation, e.fileTemplate, e.versionLocations]), [['migrations', '%(year)d/%(rev)s_%(slug)s', ['migrations/versions', 'more']]]);
  });

  it("reads Flask-Migrate's migrations/alembic.ini, which names no script_location, for the folder it configures (GeoNature)", () => {
    const files = ['migrations/alembic.ini', 'migrations/env.py', 'migrations/versions/a.py', 'migrations/versions/imports/b.py'];
    const ini = '[alembic]\nversion_locations = %(here)s/versions,%(here)s/versions/imports\nfile_template = %%(rev)s_%%(slug)s\n';
    const envs = discoverEnvironments({ files, readText: (f) => (f === 'migrations/alembic.ini' ? ini : f === 'migrations/env.py' ? 'from flask import current_app\n' : undefined) });
    assert.deepEqual(envs.map((e) => [e.name, e.scriptLocation, e.configFile, e.versionLocations, e.fileTemplate, e.engine]), [['migrations', 'migrations', 'migrations/alembic.ini', ['migrations/versions', 'migrations/versions/imports'], '%(rev)s_%(slug)s', undefined]]);
    // Flask-Migrate's multidb env.py runs each revision's upgrade(engine_name) for the default database ('') and each bind.
    const multidb = 'bind_names = []\nfor bind in bind_names:\n    context.config.set_section_option(bind, "sqlalchemy.url", "x")\n';
    assert.deepEqual(discoverEnvironments({ files, readText: (f) => (f === 'migrations/env.py' ? multidb : undefined) }).map((e) => e.engine), ['']);
  });

  it('leaves a value as written when nested references would grow it past 64 KB, instead of exhausting memory', () => {
    // Thirty references per level, six levels: 30^6 copies of the last value if expanded in full.
    const keys = Array.from({ length: 6 }, (_, i) => `k${i} = ${`%(k${i + 1})s`.repeat(30)}`);
    const ini = parseIni(`[alembic]\nscript_location = %(k0)s\n${keys.join('\n')}\nk6 = xxxxxxxxxx\n`, '/srv/app');
    const section = ini.get('alembic')!;
    assert.equal(section.get('k5'), 'x'.repeat(300), 'small expansions are made');
    assert.equal(section.get('k4'), 'x'.repeat(9000));
    assert.equal(section.get('script_location'), '%(k0)s', 'too large: as written');
  });
});
