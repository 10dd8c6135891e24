import * as assert from 'node:assert/strict';
import { MAX_FILE_BYTES } from '../../server/src/node/readProject';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPythonParser, type SplitPythonParser } from '../../server/src/core/python/parser';
import { readParserWasm } from '../../server/src/node/wasm';
import { WorkspaceFolder, type Publication } from '../../server/src/lsp/workspaceFolder';
import { checkFolder } from '../../server/src/node/checkFolder';
import * as analyzeFolder from '../../server/src/node/analyzeFolder';
import { addWeightColumn, CATALOG } from '../lsp/exampleServer';
import { defaultCacheDir, projectCacheName } from '../../server/src/node/cacheDir';
import { readStoredResult, RESULTS_KEPT, storeResult, type CheckResult } from '../../server/src/node/resultStore';
import { VERSION } from '../../server/src/version';

const REPO = path.resolve(__dirname, '..', '..', '..');
const DOCS = path.join(REPO, 'docs', 'rules');

/** An analysis of a folder, run to the end and published (not stored); returns what it publishes. */
function analyseAndPublish(folder: WorkspaceFolder, storeAsFirstIndex = false): Publication[] {
  const steps = folder.analysisSteps();
  let step = steps.next();
  while (!step.done) step = steps.next();
  const publications = folder.publish(step.value, DOCS);
  if (storeAsFirstIndex) folder.storeFirstIndex(step.value);
  return publications;
}

/** A folder's first index, run to the end and stored; returns what it publishes. */
function index(folder: WorkspaceFolder): Publication[] {
  return analyseAndPublish(folder, true);
}

/** Each file's diagnostics, by file name, as a user sees them (line, severity, code, message). */
function shown(publications: Publication[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of publications) out[path.basename(p.uri)] = p.diagnostics.map((d) => `${d.range.start.line + 1} ${d.severity} ${String(d.code)} ${d.message}`);
  return out;
}

describe('results stored for a folder as loaded from disk', () => {
  let parser: SplitPythonParser;
  let project: string;
  let cacheDir: string;

  before(async () => {
    parser = await createPythonParser(readParserWasm(path.join(REPO, 'dist')));
  });

  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-stored-'));
    fs.cpSync(path.join(REPO, 'examples', 'shop'), project, { recursive: true });
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-stored-cache-'));
  });

  afterEach(() => {
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  /** The catalog model file on disk. */
  const catalogFile = (): string => path.join(project, ...CATALOG.split('/'));

  /** A new session's folder, loaded from disk. */
  const session = (): WorkspaceFolder => {
    const folder = new WorkspaceFolder(project, parser, cacheDir);
    folder.loadFromDisk();
    return folder;
  };

  it('gives a new session the diagnostics of the last one before anything is analysed', () => {
    assert.deepEqual(session().storedPublications(DOCS), [], 'nothing is stored before a first index');
    const first = index(session());
    assert.ok(Object.values(shown(first)).flat().some((d) => d.includes('missing-column')), 'the example has drift');

    const second = session();
    const early = second.storedPublications(DOCS);
    assert.equal(second.lastAnalysis, undefined, 'no analysis has run');
    assert.deepEqual(shown(early), shown(first));
    assert.deepEqual(index(second), [], 'the index that follows publishes nothing again');
  });

  it('passes over the files pip writes into a virtual environment or a libs/ folder while the editor runs, on disk or open', () => {
    const folder = session();
    const before = shown(index(folder));
    const model = 'import sqlalchemy as sa\nfrom shop.models.base import Base\n\nclass Vendored(Base):\n    __tablename__ = "vendored"\n    id = sa.Column(sa.Integer, primary_key=True)\n';
    const write = (rel: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
      fs.writeFileSync(path.join(project, rel), text);
    };
    write('env3/pyvenv.cfg', 'home = /usr/bin\n');
    write('env3/lib/python3.11/site-packages/pkg/models.py', model);
    write('libs/pkg-1.0.dist-info/METADATA', 'Name: pkg\n');
    write('libs/pkg/models.py', model);
    write('shop/models/extra.py', model.replace('"vendored"', '"extra"'));
    for (const file of ['env3/lib/python3.11/site-packages/pkg/models.py', 'libs/pkg/models.py', 'shop/models/extra.py']) folder.refreshFromDisk(file);
    folder.setBuffer('libs/pkg/more.py', model.replace('"vendored"', '"more"'), 1);
    const after = Object.values(shown(analyseAndPublish(folder))).flat().filter((d) => !Object.values(before).flat().includes(d));
    // Only the project's own new model is one: its table has no migration.
    assert.deepEqual(after.map((d) => d.replace(/ \(.*$/, '')), ['4 2 missing-table Table "extra"']);
  });

  it('stores nothing for, and shows nothing stored to, a folder whose texts differ from the disk', () => {
    index(session());
    const disk = fs.readFileSync(catalogFile(), 'utf8');

    const same = session();
    same.setBuffer(CATALOG, disk, 1);
    assert.notDeepEqual(same.storedPublications(DOCS), [], 'a buffer that is the disk text changes nothing');

    const typed = session();
    typed.setBuffer(CATALOG, addWeightColumn(disk), 1);
    assert.deepEqual(typed.storedPublications(DOCS), [], 'an unsaved edit hides what was stored for the disk');
    index(typed);

    // The edited session stored nothing under the disk's key: a new session sees the disk's result, not the buffer's.
    const after = session().storedPublications(DOCS);
    assert.ok(!JSON.stringify(after).includes('weight'));
  });

  it('withdraws the stored diagnostics of a file that changes before the index replaces them', () => {
    index(session());
    const next = session();
    const early = next.storedPublications(DOCS);
    const catalog = early.find((p) => p.uri.endsWith('catalog.py'));
    assert.ok(catalog && catalog.diagnostics.length > 0);
    assert.deepEqual(next.withdrawStale(), [], 'nothing to withdraw while nothing changed');
    next.setBuffer(CATALOG, fs.readFileSync(catalogFile(), 'utf8').replace('    sku = ', '    code = '), 1);
    assert.deepEqual(next.withdrawStale(), [{ uri: catalog.uri, diagnostics: [], version: 1 }]);
    assert.deepEqual(next.withdrawStale(), [], 'withdrawn once');
    const published = index(next);
    assert.ok(JSON.stringify(published).includes('products.code'), 'the index then publishes what the buffer says');
  });

  it('stores at the end of a session only what holds for the files as saved', () => {
    const folder = session();
    analyseAndPublish(folder);
    const full = catalogFile();
    const edited = addWeightColumn(fs.readFileSync(full, 'utf8'));
    folder.setBuffer(CATALOG, edited, 1);
    folder.storeIfSaved();
    assert.deepEqual(session().storedPublications(DOCS), [], 'not analysed since the edit: nothing stored');
    analyseAndPublish(folder);
    folder.storeIfSaved();
    assert.deepEqual(session().storedPublications(DOCS), [], 'unsaved: nothing stored for the disk');
    fs.writeFileSync(full, `${edited}# saved by another program\n`);
    folder.storeIfSaved();
    assert.deepEqual(session().storedPublications(DOCS), [], 'the disk holds another text: nothing stored');
    fs.writeFileSync(full, edited);
    folder.storeIfSaved();
    assert.ok(JSON.stringify(session().storedPublications(DOCS)).includes('products.weight'), 'saved: the next session starts from it');
  });

  it('stores nothing at the end of a session whose analysis read a broken buffer as its last clean version', () => {
    const folder = session();
    analyseAndPublish(folder);
    const full = catalogFile();
    const good = addWeightColumn(fs.readFileSync(full, 'utf8'));
    folder.setBuffer(CATALOG, good, 1);
    analyseAndPublish(folder);
    const broken = good.replace('    weight = sa.Column(sa.Integer)\n', '    weight = sa.Column(sa.Integer\n');
    folder.setBuffer(CATALOG, broken, 2);
    analyseAndPublish(folder);
    fs.writeFileSync(full, broken);
    folder.storeIfSaved();
    assert.deepEqual(session().storedPublications(DOCS), [], '`check` reads the broken text as it is, not as its last clean version');
  });

  it('forgets that a file was too large once it is read, and stores at the end only what `check` would find', () => {
    const big = path.join(project, 'shop', 'fixtures.py');
    fs.writeFileSync(big, '# padding\n'.repeat(MAX_FILE_BYTES / 10 + 1));
    const folder = session();
    const notRead = (published: Publication[]): boolean => JSON.stringify(published).includes('was not read');
    assert.ok(notRead(analyseAndPublish(folder)), 'a file over the size limit is reported as not read');
    fs.writeFileSync(big, 'ROWS = []\n');
    folder.refreshFromDisk('shop/fixtures.py');
    assert.ok(!notRead(analyseAndPublish(folder)), 'read once it is small');
    folder.storeIfSaved();
    const next = session().storedPublications(DOCS);
    assert.ok(next.length > 0 && !notRead(next), 'the stored result is that of the files as they are');
  });

  it('stores nothing when the settings change while the first index runs', () => {
    const folder = session();
    const steps = folder.analysisSteps();
    folder.setEditorSettings({ exclude: [CATALOG] });
    let step = steps.next();
    while (!step.done) step = steps.next();
    folder.storeFirstIndex(step.value);
    assert.deepEqual(session().storedPublications(DOCS), [], 'a result made with other settings is not stored under these');
  });

  it('shows nothing from a damaged or foreign stored result, and stores a sound one over it', () => {
    const first = index(session());
    const results = path.join(cacheDir, 'results', projectCacheName(project));
    const [file] = fs.readdirSync(results);
    const stored = JSON.parse(fs.readFileSync(path.join(results, file), 'utf8')) as { findings: unknown[] };
    const damaged = [
      { ...stored, findings: [null] },
      { ...stored, findings: [{ ...(stored.findings[0] as object), span: [1, 2] }] },
      { ...stored, findings: [{ ...(stored.findings[0] as object), severity: 'fatal' }] },
      { ...stored, findings: [{ ...(stored.findings[0] as object), related: [{ file: 3 }] }] },
      { ...stored, heads: 'abc' },
      { ...stored, format: 1 },
      [],
    ];
    for (const bad of damaged) {
      fs.writeFileSync(path.join(results, file), JSON.stringify(bad));
      const folder = session();
      assert.deepEqual(folder.storedPublications(DOCS), [], JSON.stringify(bad).slice(0, 80));
      assert.deepEqual(shown(index(folder)), shown(first), 'the index publishes as usual');
    }
    assert.deepEqual(shown(session().storedPublications(DOCS)), shown(first), 'the last index stored a sound result');
  });

  it('keys the result by every file: a file changed on disk between sessions is analysed, never shown stale', () => {
    index(session());
    fs.writeFileSync(catalogFile(), addWeightColumn(fs.readFileSync(catalogFile(), 'utf8')));
    const next = session();
    assert.deepEqual(next.storedPublications(DOCS), []);
    assert.ok(JSON.stringify(index(next)).includes('weight'), 'the new column is reported');
  });

  it('keys the result by the editor settings too, when they change what the folder files set', () => {
    const first = index(session());
    const strict = session();
    strict.setEditorSettings({ severity: { 'missing-column': 'error' } });
    assert.deepEqual(strict.storedPublications(DOCS), [], 'other settings, other result');
    const published = index(strict);
    assert.notDeepEqual(shown(published), shown(first));

    const again = session();
    again.setEditorSettings({ severity: { 'missing-column': 'error' } });
    assert.deepEqual(shown(again.storedPublications(DOCS)), shown(published));
  });

  it('shares results with `check`, both ways', async () => {
    const before = process.env.ALEMBIC_DRIFT_CACHE_DIR;
    process.env.ALEMBIC_DRIFT_CACHE_DIR = cacheDir;
    try {
      const engine = (): typeof analyzeFolder => analyzeFolder;
      // `check` first: a session shows what it found, with no analysis.
      const checked = await checkFolder(project, { cache: true, engine });
      const checkCache = defaultCacheDir(VERSION);
      const folder = new WorkspaceFolder(project, parser, checkCache);
      folder.loadFromDisk();
      const early = folder.storedPublications(DOCS);
      const analysed = new WorkspaceFolder(project, parser, fs.mkdtempSync(path.join(cacheDir, 'other-')));
      analysed.loadFromDisk();
      assert.ok(checked.findings.length > 0);
      assert.deepEqual(shown(early), shown(index(analysed)), 'what check stored is what the session would publish');

      // A session first: `check` prints what the session stored, without analysing.
      fs.appendFileSync(catalogFile(), '\n# edited\n');
      const edited = new WorkspaceFolder(project, parser, checkCache);
      edited.loadFromDisk();
      index(edited);
      const fromSession = await checkFolder(project, {
        cache: true,
        engine: () => {
          throw new Error('check analysed a folder the session had stored');
        },
      });
      const fresh = await checkFolder(project, { cache: false, engine });
      assert.deepEqual(fromSession, fresh, 'check prints what it would print analysing the folder');
    } finally {
      if (before === undefined) delete process.env.ALEMBIC_DRIFT_CACHE_DIR;
      else process.env.ALEMBIC_DRIFT_CACHE_DIR = before;
    }
  });
});

describe('stored results kept per project folder', () => {
  let cacheDir: string;
  const result = (n: number): CheckResult => ({ findings: [], heads: [`head${n}`], environments: 1, settingsProblems: [], modelTables: 0, uncompared: [] });
  const folderOf = (project: string): string => path.join(cacheDir, 'results', projectCacheName(project));
  const keys = (project: string): string[] => fs.readdirSync(folderOf(project)).sort();
  /** Stores result n under key-n and dates it n minutes after an hour ago, so the order does not hang on the clock. */
  const storeAt = (project: string, n: number): void => {
    storeResult(cacheDir, project, `key-${n}`, result(n));
    const at = new Date(Date.now() - 3_600_000 + n * 60_000);
    fs.utimesSync(path.join(folderOf(project), `key-${n}.json`), at, at);
  };

  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-results-'));
  });

  afterEach(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('keeps the results last stored or read, and no more, for each project folder apart', () => {
    storeAt('/work/other', 0);
    for (let n = 0; n < 10; n++) storeAt('/work/project', n);
    assert.equal(RESULTS_KEPT, 8);
    assert.deepEqual(keys('/work/project'), ['key-2.json', 'key-3.json', 'key-4.json', 'key-5.json', 'key-6.json', 'key-7.json', 'key-8.json', 'key-9.json']);
    assert.deepEqual(keys('/work/other'), ['key-0.json'], "another folder's result is not counted or removed");
    assert.deepEqual(readStoredResult(cacheDir, '/work/project', 'key-2')?.heads, ['head2']);
    storeResult(cacheDir, '/work/project', 'key-10', result(10));
    assert.deepEqual(keys('/work/project'), ['key-10.json', 'key-2.json', 'key-4.json', 'key-5.json', 'key-6.json', 'key-7.json', 'key-8.json', 'key-9.json'], 'the result read last is kept, the oldest other goes');
    assert.equal(readStoredResult(cacheDir, '/work/other', 'key-2'), undefined, 'results are found in their own folder only');
  });

  it('removes temporary files left by a process stopped while it wrote, and not those being written', () => {
    const folder = folderOf('/work/project');
    fs.mkdirSync(folder, { recursive: true });
    const stale = path.join(folder, 'key-a.json.123.tmp');
    const fresh = path.join(folder, 'key-b.json.456.tmp');
    fs.writeFileSync(stale, '{');
    fs.writeFileSync(fresh, '{');
    const twoHoursAgo = new Date(Date.now() - 7_200_000);
    fs.utimesSync(stale, twoHoursAgo, twoHoursAgo);
    storeResult(cacheDir, '/work/project', 'key-c', result(0));
    assert.deepEqual(fs.readdirSync(folder).sort(), ['key-b.json.456.tmp', 'key-c.json']);
  });
});
