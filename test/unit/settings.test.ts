import * as assert from 'node:assert/strict';
import { readPyprojectSettings, settingsFindings } from '../../server/src/core/config/settings';

describe('settings of [tool.alembic-drift]', () => {
  it('says which values it cannot use, and keeps the rest', () => {
    const { settings, problems } = readPyprojectSettings(
      [
        '[tool.alembic-drift]',
        'exclude = "legacy.py"',
        'models = ["app/models/*.py"]',
        'version_locations = ["db/more"]',
        'dialect = "postgress"',
        'ignore = { tables = "audit", codes = ["extra-table", "no-such-code"], colums = ["a.b"] }',
      ].join('\n'),
    );
    assert.deepEqual(problems, [
      'Unknown setting "version_locations" in [tool.alembic-drift] (the settings are severity, exclude, models, version-locations, dialect, baseline, ignore)',
      'exclude must be a list of strings, such as exclude = ["..."]',
      'dialect "postgress" is not one this tool knows (postgresql, mysql, mariadb, sqlite, mssql, oracle...); it is used as given',
      'Unknown key "colums" in ignore (the keys are tables, columns, codes)',
      'ignore.tables must be a list of strings, such as ignore.tables = ["..."]',
      'Unknown finding code in ignore.codes: no-such-code',
    ]);
    assert.deepEqual(settings.exclude, []);
    assert.deepEqual(settings.models, ['app/models/*.py']);
    assert.equal(settings.dialect, 'postgress');
    assert.deepEqual(settings.ignore, { tables: [], columns: [], codes: ['extra-table'] });
  });

  it('leaves out what it names: an unknown key is not applied, a severity that is not a table is said', () => {
    const { settings, problems } = readPyprojectSettings('[tool.alembic-drift]\nversionLocations = ["db/more"]\nseverity = "off"\n');
    assert.deepEqual(settings.versionLocations, []);
    assert.deepEqual(problems.slice(1), ['severity must be a table of codes, such as severity = { extra-table = "information" }']);
  });

  it('reads a dialect as SQLAlchemy names it, postgres included', () => {
    assert.equal(readPyprojectSettings('[tool.alembic-drift]\ndialect = "postgres"\n').settings.dialect, 'postgresql');
    assert.deepEqual(readPyprojectSettings('[tool.alembic-drift]\ndialect = "sqlite"\n').problems, []);
  });

  it('places its problems on the [tool.alembic-drift] line, with the severity the settings give them', () => {
    const text = '[project]\nname = "x"\n\n[tool.alembic-drift]\nexclude = "a"\nseverity = { invalid-setting = "error" }\n';
    const { settings, problems } = readPyprojectSettings(text);
    const findings = settingsFindings(problems, text, settings);
    assert.deepEqual(findings.map((f) => [f.file, f.span, f.severity, f.code]), [['pyproject.toml', [3, 0, 3, 20], 'error', 'invalid-setting']]);
    const broken = readPyprojectSettings('[tool.alembic-drift\n');
    assert.match(broken.problems[0], /^pyproject\.toml is not valid TOML/);
    assert.deepEqual(settingsFindings(broken.problems, '[tool.alembic-drift\n', broken.settings)[0].span, [0, 0, 0, 19]);
  });
});
