// `alembic-drift revision` on fixture projects whose models are ahead of their migrations, judged by real Alembic:
// the written revision compiles, parses, runs up and down with the whole history, and leaves nothing to compare.
import * as assert from 'node:assert/strict';
import { MAX_FILE_BYTES } from '../../server/src/node/readProject';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO, projectWriter, runCli } from '../cli/runCli';
import { alembicAvailable, alembicTemplatesFolder, isParenthesisDefaultBug, runRevisionOracle } from '../oracle/runOracle';
import { testParser } from '../unit/helpers';

const FIXTURES = path.join(REPO, 'test', 'fixtures-revision');

/** What a fixture's revision must look like, beyond what Alembic checks. */
interface Expectations {
  description: string;
  /** A pattern for the new file's name (with `-m sync`). */
  fileName: string;
  /** Texts the revision must contain. */
  contains: string[];
  /** Texts it must contain in this order. */
  order?: string[];
  /** Texts it must not contain. */
  absent: string[];
}

/** A fresh copy of a fixture in a temporary folder. */
function copyFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `alembic-drift-revision-${name}-`));
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** The files of a folder and its sub-folders (relative paths), to see what a command left behind. */
function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('alembic-drift revision, judged by real Alembic (Debian python3-alembic on SQLite)', function () {
  const made: string[] = [];
  before(function () {
    if (!alembicAvailable()) {
      if (process.env.CI) throw new Error('python3-alembic is required in CI (.ci/run installs it)');
      this.skip();
    }
  });
  after(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const name of fs.readdirSync(FIXTURES).sort()) {
    const expectations = JSON.parse(fs.readFileSync(path.join(FIXTURES, name, 'fixture.json'), 'utf8')) as Expectations;
    it(`${name}: the revision runs both ways and leaves no drift`, async () => {
      const dir = copyFixture(name);
      made.push(dir);
      assert.equal(runCli(['check', dir]).status, 1, 'the fixture has drift before the revision');
      const before = listFiles(dir);

      const r = runCli(['revision', dir, '-m', 'sync']);
      assert.equal(r.status, 0, r.stderr);
      const written = r.stdout.trim();
      assert.ok(path.isAbsolute(written) && fs.existsSync(written), `printed path ${written} exists`);
      assert.match(path.basename(written), new RegExp(expectations.fileName));
      assert.deepEqual(listFiles(dir), [...before, path.relative(dir, written)].sort(), 'exactly one new file, no temporary file left');

      const text = fs.readFileSync(written, 'utf8');
      for (const piece of expectations.contains) assert.ok(text.includes(piece), `the revision contains ${JSON.stringify(piece)}\n${text}`);
      for (const piece of expectations.absent) assert.ok(!text.includes(piece), `the revision does not contain ${JSON.stringify(piece)}\n${text}`);
      const positions = (expectations.order ?? []).map((piece) => text.indexOf(piece));
      assert.deepEqual(positions.map((p) => p >= 0), positions.map(() => true), `every ordered piece is there\n${text}`);
      assert.deepEqual(positions, [...positions].sort((a, b) => a - b), `in order: ${expectations.order?.join(' < ')}\n${text}`);

      const compiled = spawnSync('/usr/bin/python3', ['-m', 'py_compile', written], { encoding: 'utf8' });
      assert.equal(compiled.status, 0, `python3 compiles it: ${compiled.stderr}`);
      const syntax = (await testParser()).parseModule(text);
      assert.deepEqual(syntax.errors, [], 'tree-sitter parses it without errors');

      const oracle = runRevisionOracle(dir);
      assert.ok(oracle.tables_after_upgrade.length > 0, 'upgrade heads made tables');
      assert.deepEqual(oracle.left_after_downgrade, [], 'downgrade base removed every table');
      assert.equal(oracle.heads.length, 1, 'one head after the revision');
      assert.deepEqual(oracle.diffs.filter((d) => !isParenthesisDefaultBug(d)), [], "Alembic's compare_metadata finds nothing after upgrade heads");

      const check = runCli(['check', dir]);
      assert.equal(check.status, 0, `alembic-drift check is clean:\n${check.stdout}${check.stderr}`);
    });
  }
});

describe('alembic-drift revision: refusals', () => {
  const made: string[] = [];
  after(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('never replaces a file: a taken name is exit 2 and the file is left as it was', () => {
    const dir = copyFixture('batch-sqlite');
    made.push(dir);
    const taken = path.join(dir, 'migrations', 'versions', 'abcdef123456_sync.py');
    fs.writeFileSync(taken, '# not a revision\n');
    const before = listFiles(dir);
    const r = runCli(['revision', dir, '-m', 'sync', '--rev-id', 'abcdef123456']);
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, /abcdef123456_sync\.py already exists/);
    assert.equal(fs.readFileSync(taken, 'utf8'), '# not a revision\n');
    assert.deepEqual(listFiles(dir), before);
  });

  it('refuses while a model or revision file cannot be read whole, where it would have dropped or re-created its tables', () => {
    const cases: Array<{ damage: (dir: string) => void; reason: RegExp }> = [
      {
        // A saved typo: the rest of the model file is lost to the parser.
        damage: (dir) => {
          const file = path.join(dir, 'blog', 'models.py');
          fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\)\n/, '\n'));
        },
        reason: /blog\/models\.py: this file has a syntax error at line \d+; .* Fix it first: .*could drop or re-create it/,
      },
      {
        // A merge conflict left in a revision.
        damage: (dir) => {
          const versions = path.join(dir, 'migrations', 'versions');
          const file = path.join(versions, fs.readdirSync(versions).find((f) => f.endsWith('.py'))!);
          fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n(def upgrade\(\)[^\n]*\n)/, '\n<<<<<<< HEAD\n=======\n>>>>>>> feature\n$1'));
        },
        reason: /migrations\/versions\/\w+\.py: this file has a syntax error at line \d+/,
      },
      {
        // A model file over the size limit, not read at all.
        damage: (dir) => fs.appendFileSync(path.join(dir, 'blog', 'models.py'), `\nBIG = "${'x'.repeat(MAX_FILE_BYTES)}"\n`),
        reason: /blog\/models\.py was not read: it is larger than 8 MB\. Fix it first/,
      },
      {
        // A parent named through an import: the heads cannot be known.
        damage: (dir) => {
          const versions = path.join(dir, 'migrations', 'versions');
          const file = path.join(versions, fs.readdirSync(versions).find((f) => f.endsWith('.py'))!);
          fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^down_revision = .*$/m, 'from ids import PARENT\ndown_revision = PARENT'));
        },
        reason: /the revision graph cannot be read: migrations\/versions\/\w+\.py has a down_revision that cannot be evaluated statically/,
      },
    ];
    for (const { damage, reason } of cases) {
      const dir = copyFixture('batch-sqlite');
      made.push(dir);
      damage(dir);
      const before = listFiles(dir);
      const r = runCli(['revision', dir, '-m', 'sync']);
      assert.equal(r.status, 2, `${reason}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, reason);
      assert.deepEqual(listFiles(dir), before, 'nothing written');
    }
  });

  it('is not stopped by files that hold neither models nor revisions, nor by a syntax error the settings silence', () => {
    const dir = copyFixture('batch-sqlite');
    made.push(dir);
    fs.mkdirSync(path.join(dir, 'seed'));
    fs.writeFileSync(path.join(dir, 'seed', 'big_data.py'), `ROWS = "${'x'.repeat(MAX_FILE_BYTES)}"\n`);
    const big = runCli(['revision', dir, '-m', 'sync']);
    assert.equal(big.status, 0, big.stderr);
    fs.rmSync(big.stdout.trim());
    const file = path.join(dir, 'blog', 'models.py');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\)\n/, '\n'));
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.alembic-drift]\nseverity = { parse-error = "off" }\n');
    const silenced = runCli(['revision', dir, '-m', 'sync']);
    assert.equal(silenced.status, 0, `the user has said the error does not matter: ${silenced.stderr}`);
  });

  it('refuses a revision id that a revision already has, and a missing message', () => {
    const dir = copyFixture('batch-sqlite');
    made.push(dir);
    const used = runCli(['revision', dir, '-m', 'sync', '--rev-id', '3f1c2a9b7d10']);
    assert.equal(used.status, 2);
    assert.match(used.stderr, /revision id "3f1c2a9b7d10" is already used/);
    const bare = runCli(['revision', dir]);
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /a message is needed/);
  });

  it('asks which environment when there are several, and writes in the one named by --env (section or folder)', () => {
    const dir = copyFixture('two-heads');
    made.push(dir);
    fs.appendFileSync(path.join(dir, 'alembic.ini'), '\n[olddb]\nscript_location = archive\nsqlalchemy.url = sqlite:///archive.db\n');
    fs.mkdirSync(path.join(dir, 'archive', 'versions'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'archive', 'versions', '1111aaaa2222_old_loans.py'), 'from alembic import op\nimport sqlalchemy as sa\n\nrevision = "1111aaaa2222"\ndown_revision = None\n\n\ndef upgrade():\n    op.create_table("old_loans", sa.Column("id", sa.Integer(), primary_key=True))\n');
    const ask = runCli(['revision', dir, '-m', 'sync']);
    assert.equal(ask.status, 2);
    assert.match(ask.stderr, /several Alembic environments; pick one with --env \(alembic\.ini, alembic\.ini \[olddb\]\)/);
    const r = runCli(['revision', dir, '-m', 'sync', '--env', 'olddb']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(path.dirname(r.stdout.trim()), path.join(dir, 'archive', 'versions'));
    assert.match(fs.readFileSync(r.stdout.trim(), 'utf8'), /^down_revision: Union\[str, Sequence\[str\], None\] = '1111aaaa2222'$/m, 'the default template: archive has no script.py.mako');
    const byFolder = runCli(['revision', dir, '-m', 'again', '--env', 'archive']);
    assert.equal(byFolder.status, 0, byFolder.stderr);
    assert.equal(path.dirname(byFolder.stdout.trim()), path.join(dir, 'archive', 'versions'));
    const main = runCli(['revision', dir, '-m', 'main', '--env', 'alembic']);
    assert.equal(main.status, 0, `[alembic], as Alembic's --name calls it: ${main.stderr}`);
    assert.equal(path.dirname(main.stdout.trim()), path.join(dir, 'migrations', 'versions'));
  });

  it("writes one database's ops of a multidb project into Alembic's multidb template, named by --env", function () {
    if (!alembicAvailable()) {
      if (process.env.CI) throw new Error('python3-alembic is required in CI (.ci/run installs it)');
      this.skip();
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-revision-multidb-'));
    made.push(dir);
    const write = projectWriter(dir);
    write('alembic.ini', '[alembic]\nscript_location = migrations\ndatabases = engine1, engine2\n\n[engine1]\nsqlalchemy.url = sqlite:///one.db\n\n[engine2]\nsqlalchemy.url = postgresql://localhost/two\n');
    write('app/__init__.py', '');
    write('app/models.py', 'import sqlalchemy as sa\nfrom sqlalchemy.orm import declarative_base\n\nBase1 = declarative_base()\nBase2 = declarative_base()\n\n\nclass User(Base1):\n    __tablename__ = "users"\n    id = sa.Column(sa.Integer, primary_key=True)\n\n\nclass Audit(Base2):\n    __tablename__ = "audit"\n    id = sa.Column(sa.Integer, primary_key=True)\n    what = sa.Column(sa.String(20))\n');
    write('migrations/env.py', 'from alembic import context\nfrom app.models import Base1, Base2\n\ntarget_metadata = {"engine1": Base1.metadata, "engine2": Base2.metadata}\n');
    write('migrations/script.py.mako', fs.readFileSync(path.join(alembicTemplatesFolder(), 'multidb', 'script.py.mako'), 'utf8'));
    write('migrations/versions/a1_first.py', 'from alembic import op\nimport sqlalchemy as sa\n\nrevision = "a1"\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade(engine_name):\n    globals()["upgrade_%s" % engine_name]()\n\n\ndef downgrade(engine_name):\n    globals()["downgrade_%s" % engine_name]()\n\n\ndef upgrade_engine1():\n    op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))\n\n\ndef downgrade_engine1():\n    op.drop_table("users")\n\n\ndef upgrade_engine2():\n    op.create_table("audit", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))\n\n\ndef downgrade_engine2():\n    op.drop_table("audit")\n');
    const ask = runCli(['revision', dir, '-m', 'sync']);
    assert.equal(ask.status, 2);
    assert.match(ask.stderr, /several Alembic environments; pick one with --env \(alembic\.ini \(engine1\), alembic\.ini \(engine2\)\)/);
    const r = runCli(['revision', dir, '-m', 'add what', '--env', 'engine2']);
    assert.equal(r.status, 0, r.stderr);
    const text = fs.readFileSync(r.stdout.trim(), 'utf8');
    assert.match(text, /def upgrade_engine1\(\) -> None:\n    pass\n/);
    assert.match(text, /def upgrade_engine2\(\) -> None:\n    # ### commands auto generated by Alembic - please adjust! ###\n    op\.add_column\('audit', sa\.Column\('what', sa\.String\(length=20\), nullable=True\)\)/);
    assert.match(text, /def downgrade_engine2\(\) -> None:\n    # ### commands auto generated by Alembic - please adjust! ###\n    op\.drop_column\('audit', 'what'\)/);
    assert.match(text, /^down_revision = 'a1'$/m);
    const after = runCli(['check', dir, '--format', 'json', '--no-cache']);
    assert.equal(after.status, 0, `the models and both databases agree: ${after.stdout}`);
    // Alembic loads the revision and finds both databases' functions in it.
    const load = spawnSync('/usr/bin/python3', ['-c', 'import sys\nfrom alembic.script import ScriptDirectory\nrev = ScriptDirectory(sys.argv[1]).get_revision("heads")\nprint(rev.down_revision, callable(rev.module.upgrade_engine1), callable(rev.module.upgrade_engine2))', path.join(dir, 'migrations')], { encoding: 'utf8' });
    assert.equal(load.stdout.trim(), 'a1 True True', load.stderr);
  });

  it('uses the given revision id and prints only the path', () => {
    const dir = copyFixture('two-heads');
    made.push(dir);
    const r = runCli(['revision', dir, '-m', 'Merge the branches; add loans!', '--rev-id', '0123456789ab']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${path.join(dir, 'migrations', 'versions', '0123456789ab_merge_the_branches_add_loans.py')}\n`);
  });
});
