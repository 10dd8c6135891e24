import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO, runCli } from '../cli/runCli';
import { reportLinks } from './parseReport';

const PROJECT = path.join(REPO, 'test', 'fixtures-report', 'type-and-fk-mismatches');

/** Asserts that every link of a report opens an existing file of the project at an existing line. */
function assertLinksResolve(markdown: string, reportFolder: string): void {
  const links = reportLinks(markdown);
  assert.ok(links.length > 10, 'the report links its findings');
  for (const { place, target } of links) {
    const [file, fragment] = target.split('#');
    const full = path.resolve(reportFolder, decodeURIComponent(file));
    assert.ok(fs.existsSync(full), `${target} (from ${reportFolder}) does not exist`);
    const line = Number(/^L(\d+)$/.exec(fragment)![1]);
    assert.ok(line >= 1 && line <= fs.readFileSync(full, 'utf8').split('\n').length, `${target}: no line ${line}`);
    assert.ok(full.endsWith(path.join(...place.replace(/:\d+$/, '').split('/'))), `${place} links to ${target}`);
  }
}

describe('report: the CLI', () => {
  it('prints to standard output with links relative to the current folder', () => {
    const r = runCli(['report', PROJECT, '--date', '2025-02-03'], REPO);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^# Schema drift audit: type-and-fk-mismatches$/m);
    assert.match(r.stdout, /\]\(test\/fixtures-report\/type-and-fk-mismatches\/fleet\/models\.py#L37\)/);
    assertLinksResolve(r.stdout, REPO);
  });

  it('writes -o FILE elsewhere with links relative to that file\'s folder, and no absolute path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-report-'));
    try {
      const out = path.join(dir, 'audits', 'AUDIT.md');
      const r = runCli(['report', PROJECT, '-o', out, '--date', '2025-02-03'], REPO);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '');
      const text = fs.readFileSync(out, 'utf8');
      assertLinksResolve(text, path.dirname(out));
      assert.ok(!/\]\(\//.test(text) && !text.includes(os.tmpdir()), 'no absolute path in the report');
      // The same report as on standard output, but for the links.
      const printed = runCli(['report', '.', '--date', '2025-02-03'], PROJECT).stdout;
      const unlinked = (s: string): string => s.replace(/\]\([^)]*?([^/)]+#L\d+)\)/g, ']($1)');
      assert.equal(unlinked(text), unlinked(printed));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes -o FILE inside the project with links that climb out of its folder', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-copy-'));
    try {
      fs.cpSync(PROJECT, copy, { recursive: true });
      const r = runCli(['report', '-o', 'docs/AUDIT.md', '--date', '2025-02-03'], copy);
      assert.equal(r.status, 0, r.stderr);
      const text = fs.readFileSync(path.join(copy, 'docs', 'AUDIT.md'), 'utf8');
      assert.match(text, /\[fleet\/models\.py:37\]\(\.\.\/fleet\/models\.py#L37\)/);
      assertLinksResolve(text, path.join(copy, 'docs'));
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('dates the report today unless --date says otherwise, and refuses a date that is not one', () => {
    const r = runCli(['report', PROJECT]);
    const d = new Date();
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    assert.match(r.stdout, new RegExp(`^Date: ${today}\\.`, 'm'));
    for (const bad of ['2025-02-30', '03/02/2025', 'today']) {
      const b = runCli(['report', PROJECT, '--date', bad]);
      assert.equal(b.status, 2, bad);
      assert.match(b.stderr, /--date must be a date as YYYY-MM-DD/);
    }
  });

  it('exits 2 for a folder without Alembic, an extra argument, or -o naming a folder', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-empty-'));
    try {
      assert.equal(runCli(['report', empty]).status, 2);
      assert.equal(runCli(['report', PROJECT, 'extra']).status, 2);
      const folder = runCli(['report', PROJECT, '-o', empty]);
      assert.equal(folder.status, 2);
      assert.match(folder.stderr, /-o needs a file name/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('replaces only a report of its own with -o, and says in one line why it cannot write', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-report-out-'));
    try {
      const source = path.join(dir, 'models.py');
      fs.writeFileSync(source, 'class User: ...\n');
      const refused = runCli(['report', PROJECT, '-o', source]);
      assert.equal(refused.status, 2, refused.stderr);
      assert.match(refused.stderr, /models\.py exists and is not a report of alembic-drift; it is left as it is/);
      assert.equal(fs.readFileSync(source, 'utf8'), 'class User: ...\n');

      const audit = path.join(dir, 'AUDIT.md');
      fs.writeFileSync(audit, '');
      assert.equal(runCli(['report', PROJECT, '-o', audit, '--date', '2025-02-03']).status, 0, 'an empty file (mktemp) is written');
      assert.equal(runCli(['report', PROJECT, '-o', '/dev/null']).status, 0, 'a device is written');
      const again = runCli(['report', PROJECT, '-o', audit, '--date', '2025-02-04']);
      assert.equal(again.status, 0, again.stderr);
      assert.match(fs.readFileSync(audit, 'utf8'), /2025-02-04/);

      const underFile = runCli(['report', PROJECT, '-o', path.join(source, 'AUDIT.md')]);
      assert.equal(underFile.status, 2);
      assert.match(underFile.stderr, /^alembic-drift: cannot write .*AUDIT\.md: a part of the path is a file, not a folder\n$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('heads a model whose class name ends with Model, or a table whose name ends with table, without the word again', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-report-'));
    try {
      fs.mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = migrations\n');
      fs.writeFileSync(path.join(dir, 'migrations', 'env.py'), 'from app.models import Base\ntarget_metadata = Base.metadata\n');
      fs.writeFileSync(path.join(dir, 'migrations', 'versions', 'a1_first.py'), 'from alembic import op\nimport sqlalchemy as sa\nrevision = "a1"\ndown_revision = None\n\ndef upgrade():\n    op.create_table("studies", sa.Column("id", sa.Integer(), primary_key=True))\n');
      fs.mkdirSync(path.join(dir, 'app'));
      fs.writeFileSync(path.join(dir, 'app', '__init__.py'), '');
      fs.writeFileSync(path.join(dir, 'app', 'models.py'), 'import sqlalchemy as sa\nfrom sqlalchemy.orm import declarative_base\nBase = declarative_base()\n\nclass StudyModel(Base):\n    __tablename__ = "studies"\n    id = sa.Column(sa.Integer, primary_key=True)\n\nclass Trial(Base):\n    __tablename__ = "trials"\n    id = sa.Column(sa.Integer, primary_key=True)\n\nlinks_table = sa.Table("links", Base.metadata, sa.Column("id", sa.Integer, primary_key=True))\n');
      const r = runCli(['report', '.', '--date', '2025-02-03'], dir);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.stdout.split('\n').filter((l) => /^### \d/.test(l)), ['### 1. StudyModel (app/models.py)', '### 2. Trial Model (app/models.py)', '### 3. links_table (app/models.py)']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
