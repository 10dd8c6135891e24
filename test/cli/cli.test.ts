import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO, checkJson, removeSmallProjects, runCli, smallProject } from './runCli';

const EXAMPLE = path.join(REPO, 'examples', 'shop');

describe('CLI', () => {
  after(removeSmallProjects);

  it('reports the example project\'s drift as text, with relative 1-based positions, and exits 1', () => {
    const r = runCli(['check', EXAMPLE]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^shop\/models\/catalog\.py:19:5: warning missing-column Column "products\.sku" is not in the migrations \(head 7c8d9e0f1a2b\)\.$/m);
    assert.match(r.stdout, /^shop\/models\/orders\.py:19:5: warning nullable-mismatch /m);
    assert.match(r.stdout, /^migrations\/versions\/7c8d9e0f1a2b_create_orders\.py:\d+:\d+: warning extra-column Column "orders\.coupon_code"/m);
    assert.match(r.stdout, /3 warnings/);
  });

  it('exits 0 with --exit-zero and still prints the drift', () => {
    const r = runCli(['check', EXAMPLE, '--exit-zero']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /missing-column/);
  });

  it('writes JSON with 0-based LSP ranges, table and column', () => {
    const { status, heads, diagnostics } = checkJson(EXAMPLE);
    assert.equal(status, 1);
    assert.deepEqual(heads, ['7c8d9e0f1a2b']);
    const sku = diagnostics.find((d) => d.code === 'missing-column');
    assert.deepEqual(sku && { file: sku.file, start: sku.range.start, table: sku.table, column: sku.column, severity: sku.severity }, {
      file: 'shop/models/catalog.py', start: { line: 18, character: 4 }, table: 'products', column: 'sku', severity: 'warning',
    });
  });

  it('writes SARIF 2.1.0 with one rule per code and 1-based regions', () => {
    const r = runCli(['check', EXAMPLE, '--format', 'sarif']);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.ok(run.tool.driver.rules.some((rule: { id: string }) => rule.id === 'missing-column'));
    const result = run.results.find((x: { ruleId: string }) => x.ruleId === 'missing-column');
    assert.equal(result.locations[0].physicalLocation.region.startLine, 19);
    assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'shop/models/catalog.py');
  });

  it('exits 0 on a project whose models and migrations agree', () => {
    const r = runCli(['check', path.join(REPO, 'test', 'fixtures', 'clean-classic')]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /No drift found/);
  });

  it('exits 2 with a one-line reason for a missing folder, a folder without Alembic, and a bad option', () => {
    const missing = runCli(['check', path.join(REPO, 'no-such-folder')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /is not a folder/);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-empty-'));
    const none = runCli(['check', empty]);
    // An alembic.ini that declares nothing (a comment only) is no environment, and the reason says what was looked for.
    fs.writeFileSync(path.join(empty, 'alembic.ini'), '# Alembic configuration\n');
    const blank = runCli(['check', empty]);
    fs.rmSync(empty, { recursive: true, force: true });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no Alembic project found/);
    assert.equal(none.stderr.trim().split('\n').length, 1);
    assert.equal(blank.status, 2);
    assert.match(blank.stderr, /no Alembic project found in .* \(no alembic\.ini or pyproject\.toml with a script_location, no env\.py beside a versions folder, no revision files\)/);
    const bad = runCli(['check', EXAMPLE, '--format', 'xml']);
    assert.equal(bad.status, 2);
  });

  it("reads which Alembic a Pipfile or a setup.cfg beside the project requires: types are then not compared by default", () => {
    const { dir, write } = smallProject('alembic-drift-pins-', {
      url: 'postgresql://localhost/app',
      models: 'class Item(Base):\n    __tablename__ = "items"\n    id = sa.Column(sa.Integer, primary_key=True)\n    label = sa.Column(sa.Text)\n',
      upgrade: '    op.create_table("items", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("label", sa.String(40)))\n',
    });
    const typeFinding = (): string => checkJson(dir).diagnostics.filter((d) => d.code === 'type-mismatch').map((d) => `${d.severity}: ${d.message}`).join('\n');
    assert.match(typeFinding(), /^warning: /);
    write('Pipfile', '[packages]\nalembic = "==1.7.7"\nsqlalchemy = "*"\n');
    assert.match(typeFinding(), /^information: .*alembic = "==1\.7\.7" \(Pipfile\)/);
    fs.rmSync(path.join(dir, 'Pipfile'));
    write('setup.cfg', '[options]\ninstall_requires =\n    alembic>=1.4,<1.10\n');
    assert.match(typeFinding(), /^information: .*alembic>=1\.4,<1\.10 \(setup\.cfg\)/);
  });

  it('says how many model tables it could not compare, in place of a bare "No drift found"', () => {
    const models = 'class User(Base):\n    __tablename__ = "app_users"\n    id = sa.Column(sa.Integer, primary_key=True)\n    nickname = sa.Column(sa.Text)\n';
    // The table's name is made at run time: the tool cannot tell whether this op made "app_users".
    const upgrade = (body: string): string => `    prefix = op.get_context().opts["table_prefix"]\n${body}`;
    const users = '    op.create_table(f"{prefix}users", sa.Column("id", sa.Integer(), primary_key=True))\n';
    const { dir, write } = smallProject('alembic-drift-uncompared-', { url: 'sqlite:///app.db', models, upgrade: upgrade(users) });
    const revision = (body: string): string => `from alembic import op\nimport sqlalchemy as sa\nrevision = "a1"\ndown_revision = None\n\ndef upgrade():\n${upgrade(body)}`;
    const none = runCli(['check', dir]);
    assert.equal(none.status, 0, none.stderr);
    assert.match(none.stdout, /^Nothing compared: the one model table could not be compared with the migrations at head a1 \(see the notes\); 1 note\.$/m);
    assert.doesNotMatch(none.stdout, /No drift found/);
    const json = JSON.parse(runCli(['check', dir, '--format', 'json']).stdout) as { modelTables: number; uncompared: string[] };
    assert.deepEqual({ modelTables: json.modelTables, uncompared: json.uncompared }, { modelTables: 1, uncompared: ['app_users'] });
    // A second model whose table the migrations make is compared, and its drift reported beside the count.
    write('app/models.py', `${fs.readFileSync(path.join(dir, 'app/models.py'), 'utf8')}class Tag(Base):\n    __tablename__ = "tags"\n    id = sa.Column(sa.Integer, primary_key=True)\n    label = sa.Column(sa.Text)\n`);
    write('migrations/versions/a1.py', revision(`${users}    op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("label", sa.Text()))\n`));
    assert.match(runCli(['check', dir]).stdout, /^No drift found in the 1 of 2 model tables compared \(compared with head a1\); 1 not compared \(see the notes\); 1 note\.$/m);
    write('migrations/versions/a1.py', revision(`${users}    op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True))\n`));
    assert.match(runCli(['check', dir]).stdout, /^0 errors, 1 warning, 1 note \(compared with head a1\); 1 of 2 model tables not compared \(see the notes\)\.$/m);
  });

  it("says that the heads of several environments are each one's, not one history's several heads (Open-Assistant)", () => {
    const { dir, write } = smallProject('alembic-drift-two-envs-', { url: 'sqlite:///app.db', models: '', upgrade: '    pass\n' });
    write('inference/alembic.ini', '[alembic]\nscript_location = migrations\nsqlalchemy.url = sqlite:///inference.db\n');
    write('inference/migrations/env.py', 'from alembic import context\ncontext.configure(connection=None, target_metadata=None)\n');
    write('inference/migrations/versions/b1.py', 'revision = "b1"\ndown_revision = None\n\ndef upgrade():\n    pass\n');
    assert.match(runCli(['check', dir]).stdout, /^No drift found \(compared with the heads of 2 environments, a1, b1\)/m);
  });

  it('stops quietly, with the exit status of its check, when the reader of its output goes away (`check | head`)', () => {
    const models = Array.from({ length: 1500 }, (_, i) => `class T${i}(Base):\n    __tablename__ = "t${i}"\n    id = sa.Column(sa.Integer, primary_key=True)\n`).join('');
    const { dir } = smallProject('alembic-drift-pipe-', { url: 'sqlite:///app.db', models, upgrade: '    pass\n' });
    const cli = path.join(REPO, 'dist', 'cli.js');
    const r = spawnSync('bash', ['-c', `"$0" "$1" check "$2" --format json --no-cache | head -c 100 > /dev/null; echo "status $\{PIPESTATUS[0]}"`, process.execPath, cli, dir], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.trim(), 'status 1');
  });

  it('defaults DIR to the current folder', () => {
    const r = runCli(['check'], EXAMPLE);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^shop\/models\/catalog\.py:19:5:/m);
  });
});
