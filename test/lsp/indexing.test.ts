import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspTestClient } from './lspClient';
import { PARSE_AHEAD_MIN_CHARS } from '../../server/src/node/parseAhead';

const REVISIONS = 400;

/** A project with a long history: one table per revision, and a model file that declares them all plus one column. */
function writeLongHistory(dir: string): void {
  const versions = path.join(dir, 'migrations', 'versions');
  fs.mkdirSync(versions, { recursive: true });
  fs.writeFileSync(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = migrations\n');
  const id = (i: number): string => `r${String(i).padStart(11, '0')}`;
  const models = ['import sqlalchemy as sa', 'from sqlalchemy.orm import declarative_base', '', 'Base = declarative_base()', ''];
  for (let i = 0; i < REVISIONS; i++) {
    const columns = Array.from({ length: 8 }, (_, c) => `        sa.Column("c${c}", sa.String(${20 + c}), nullable=True),`);
    fs.writeFileSync(path.join(versions, `${id(i)}_t${i}.py`), [
      `"""table t${i}"""`, 'from alembic import op', 'import sqlalchemy as sa', '',
      `revision = "${id(i)}"`, `down_revision = ${i === 0 ? 'None' : `"${id(i - 1)}"`}`, '', '',
      'def upgrade():', `    op.create_table(`, `        "t${i}",`, '        sa.Column("id", sa.Integer(), nullable=False),', ...columns, '        sa.PrimaryKeyConstraint("id"),', '    )', '', '',
      'def downgrade():', `    op.drop_table("t${i}")`, '',
    ].join('\n'));
    models.push(`class T${i}(Base):`, `    __tablename__ = "t${i}"`, '    id = sa.Column(sa.Integer, primary_key=True)');
    for (let c = 0; c < 8; c++) models.push(`    c${c} = sa.Column(sa.String(${20 + c}))`);
    if (i === REVISIONS - 1) models.push('    added = sa.Column(sa.Integer)');
    models.push('', '');
  }
  fs.mkdirSync(path.join(dir, 'app'));
  fs.writeFileSync(path.join(dir, 'app', 'models.py'), models.join('\n'));
}

describe('language server while it indexes', function () {
  this.timeout(120_000);
  let root: string;
  let cache: string;
  let client: LspTestClient;

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-index-'));
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-cache-'));
    writeLongHistory(root);
    // Enough Python that the first index shares its parsing with the helper thread.
    const versions = path.join(root, 'migrations', 'versions');
    const chars = [...fs.readdirSync(versions).map((f) => path.join(versions, f)), path.join(root, 'app', 'models.py')].reduce((n, f) => n + fs.readFileSync(f, 'utf8').length, 0);
    assert.ok(chars >= PARSE_AHEAD_MIN_CHARS, `${chars} characters to parse`);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  });

  it('answers requests before its first index is done, then publishes the drift', async () => {
    // A fresh cache folder: every file is parsed, as on a first start.
    client = new LspTestClient(root, undefined, { ...process.env, ALEMBIC_DRIFT_CACHE_DIR: cache });
    await client.start({ waitForIndex: false });
    const uri = client.uri('app/models.py');
    const answered: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 4 } });
      answered.push(client.isIndexed);
    }
    assert.equal(answered[0], false, 'the first hover was answered only after the index');
    await client.indexDone();
    const p = await client.diagnostics('app/models.py');
    assert.deepEqual(p.diagnostics.map((d) => String(d.code)), ['missing-column']);
  });

  /** Runs `test` with a cache folder of its own, which the sessions it starts share; removed after. */
  async function withCache(test: (env: NodeJS.ProcessEnv) => Promise<void>): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-cache-'));
    try {
      await test({ ...process.env, ALEMBIC_DRIFT_CACHE_DIR: dir });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Whether the server has said that it is indexed by the time it answers one more request (a hover). */
  async function indexedAfterRoundTrip(client: LspTestClient): Promise<boolean> {
    await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: client.uri('app/models.py') }, position: { line: 6, character: 4 } });
    return client.isIndexed;
  }

  /** The model file with one more column that no revision adds (two missing-columns in all). */
  const withMoreColumn = (text: string): string => text.replace('    added = sa.Column(sa.Integer)', '    added = sa.Column(sa.Integer)\n    more = sa.Column(sa.Integer)');

  it('stores on shutdown what it found for the files as saved, and starts the next session from it', () =>
    withCache(async (env) => {
      const models = path.join(root, 'app', 'models.py');
      const original = fs.readFileSync(models, 'utf8');
      const saved = withMoreColumn(original);
      const two = (p: { diagnostics: Array<{ code?: unknown }> }): boolean => p.diagnostics.length === 2;
      const first = new LspTestClient(root, undefined, env);
      const second = new LspTestClient(root, undefined, env);
      try {
        await first.start();
        // Typed and saved in the editor: the buffer and the disk say the same.
        await first.open('app/models.py', original, 1);
        await first.change('app/models.py', saved, 2);
        fs.writeFileSync(models, saved);
        await first.changedOnDisk([{ file: 'app/models.py', type: 2 }]);
        await first.diagnostics('app/models.py', two);
        await first.stop();

        await second.start({ waitForIndex: false });
        const early = await second.diagnostics('app/models.py');
        assert.equal(await indexedAfterRoundTrip(second), false, 'the diagnostics came from the store, before the index');
        assert.ok(two(early), 'with the column added in the last session');
      } finally {
        await second.stop();
        fs.writeFileSync(models, original);
      }
    }));

  it('withdraws what it showed from the store for a file typed in before the index is done', () =>
    withCache(async (env) => {
      const first = new LspTestClient(root, undefined, env);
      await first.start();
      await first.stop();
      const second = new LspTestClient(root, undefined, env);
      try {
        await second.start({ waitForIndex: false });
        const stored = await second.diagnostics('app/models.py');
        assert.deepEqual(stored.diagnostics.map((d) => String(d.code)), ['missing-column']);
        await second.open('app/models.py', withMoreColumn(fs.readFileSync(path.join(root, 'app', 'models.py'), 'utf8')));
        assert.equal(await indexedAfterRoundTrip(second), false);
        assert.deepEqual(second.published('app/models.py')?.diagnostics, [], 'the stored diagnostics no longer hold: withdrawn');
        await second.indexDone();
        const after = await second.diagnostics('app/models.py', (p) => p.diagnostics.length > 0);
        assert.deepEqual(after.diagnostics.map((d) => String(d.code)), ['missing-column', 'missing-column']);
      } finally {
        await second.stop();
      }
    }));

  it('shows the diagnostics a first session stored before a second session has indexed, then publishes nothing again', () =>
    withCache(async (env) => {
      const first = new LspTestClient(root, undefined, env);
      await first.start();
      const expected = (await first.diagnostics('app/models.py')).diagnostics;
      await first.stop();
      const second = new LspTestClient(root, undefined, env);
      try {
        let published = 0;
        second.onPublication((p) => {
          if (p.uri.endsWith('/app/models.py')) published++;
        });
        await second.start({ waitForIndex: false });
        const early = await second.diagnostics('app/models.py');
        // One round trip later, a server that published from its index has said by now that it is indexed.
        assert.equal(await indexedAfterRoundTrip(second), false, 'the diagnostics came before the index was done');
        assert.deepEqual(early.diagnostics, expected);
        await second.indexDone();
        assert.equal(published, 1, 'the index found the same and published nothing again');
      } finally {
        await second.stop();
      }
    }));
});
