import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readPack } from '../../server/src/node/parsePack';
import { REPO, runCli } from './runCli';
import { addWeightColumn } from '../lsp/exampleServer';

describe('CLI cache', () => {
  let project: string;
  let cacheDir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-cache-project-'));
    fs.cpSync(path.join(REPO, 'examples', 'shop'), project, { recursive: true });
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-cache-'));
    env = { ...process.env, ALEMBIC_DRIFT_CACHE_DIR: cacheDir };
  });

  afterEach(() => {
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('stores results where it was told, gives the same answer warm, and sees any change of a file', () => {
    const cold = runCli(['check', project, '--format', 'json'], REPO, env);
    assert.ok(fs.readdirSync(cacheDir).length > 0, 'the cache folder holds entries');
    const warm = runCli(['check', project, '--format', 'json'], REPO, env);
    assert.equal(warm.stdout, cold.stdout);
    assert.equal(warm.status, cold.status);

    const catalog = path.join(project, 'shop', 'models', 'catalog.py');
    fs.writeFileSync(catalog, addWeightColumn(fs.readFileSync(catalog, 'utf8')));
    const changed = JSON.parse(runCli(['check', project, '--format', 'json'], REPO, env).stdout) as { diagnostics: Array<{ column?: string }> };
    assert.ok(changed.diagnostics.some((d) => d.column === 'weight'), 'the new column is reported after the edit');
  });

  it('answers from the files the file system says are unchanged, and still sees a same-size edit with its time put back', () => {
    const orders = path.join(project, 'shop', 'models', 'orders.py');
    // Whole seconds, which a file time keeps exactly.
    fs.utimesSync(orders, 1_700_000_000, 1_700_000_000);
    const cold = runCli(['check', project, '--format', 'json'], REPO, env);
    // Files changed less than 2 s before a check are read again by the next one: let the copied files settle.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    runCli(['check', project, '--format', 'json'], REPO, env);
    const [results] = fs.readdirSync(cacheDir).map((build) => path.join(cacheDir, build, 'results'));
    const indexFile = path.join(results, fs.readdirSync(results)[0], 'files.index');
    const indexed = fs.readFileSync(indexFile, 'utf8');
    const warm = runCli(['check', project, '--format', 'json'], REPO, env);
    assert.equal(warm.stdout, cold.stdout);
    assert.equal(fs.readFileSync(indexFile, 'utf8'), indexed, 'answered from the index, without reading the files again');

    fs.writeFileSync(orders, fs.readFileSync(orders, 'utf8').replace(/nullable=False/, 'nullable=True '));
    fs.utimesSync(orders, 1_700_000_000, 1_700_000_000);
    const changed = runCli(['check', project, '--format', 'json'], REPO, env);
    assert.notEqual(changed.stdout, cold.stdout, 'the edit is seen');
  });

  it('keeps the parsed files of a project in one pack, which follows the project and does not grow with edits', () => {
    const packs = (): string[] => fs.readdirSync(cacheDir).flatMap((build) => fs.readdirSync(path.join(cacheDir, build)).filter((f) => f.endsWith('.pack')).map((f) => path.join(cacheDir, build, f)));
    const entries = (file: string): number => readPack(file).size;
    runCli(['check', project], REPO, env);
    assert.equal(packs().length, 1);
    const parsed = entries(packs()[0]);
    assert.ok(parsed >= 3, `one entry per parsed file (${parsed})`);
    for (let i = 0; i < 3; i++) {
      const catalog = path.join(project, 'shop', 'models', 'catalog.py');
      fs.appendFileSync(catalog, `\n# edit ${i}\n`);
      runCli(['check', project], REPO, env);
    }
    assert.equal(packs().length, 1);
    assert.equal(entries(packs()[0]), parsed, 'the old text of the edited file is dropped');
  });

  it('never trusts a damaged entry', () => {
    const cold = runCli(['check', project, '--format', 'json'], REPO, env);
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    for (const file of walk(cacheDir)) fs.writeFileSync(file, '{ not json');
    const again = runCli(['check', project, '--format', 'json'], REPO, env);
    assert.equal(again.stdout, cold.stdout);
  });

  it('prunes the folders of earlier builds, and nothing else in a shared cache folder', () => {
    fs.mkdirSync(path.join(cacheDir, '0.0.1-1-0123456789ab'));
    fs.writeFileSync(path.join(cacheDir, 'someone-elses.txt'), 'keep me');
    runCli(['check', project], REPO, env);
    const names = fs.readdirSync(cacheDir);
    assert.ok(!names.includes('0.0.1-1-0123456789ab'));
    assert.ok(names.includes('someone-elses.txt'));
  });

  it('--no-cache reads and writes nothing, and leaves the folders of other builds alone', () => {
    const otherBuild = path.join(cacheDir, '0.0.9-5-aaaaaaaaaaaa');
    fs.mkdirSync(otherBuild);
    fs.writeFileSync(path.join(otherBuild, 'keep'), '');
    const r = runCli(['check', project, '--no-cache'], REPO, env);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(fs.readdirSync(cacheDir), ['0.0.9-5-aaaaaaaaaaaa']);
    assert.deepEqual(fs.readdirSync(otherBuild), ['keep']);
  });

  it('shares its entries between the ways to reach a folder: a symbolic link and the real path', () => {
    const links = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-cache-link-'));
    try {
      const link = path.join(links, 'shop');
      fs.symlinkSync(project, link, 'dir');
      const viaLink = runCli(['check', link, '--format', 'json'], REPO, env);
      const viaRealPath = runCli(['check', '--format', 'json'], project, env);
      assert.equal(JSON.parse(viaRealPath.stdout).diagnostics.length, JSON.parse(viaLink.stdout).diagnostics.length);
      const [build] = fs.readdirSync(cacheDir);
      assert.equal(fs.readdirSync(path.join(cacheDir, build, 'results')).length, 1, 'one folder of results');
      assert.equal(fs.readdirSync(path.join(cacheDir, build)).filter((f) => f.endsWith('.pack')).length, 1, 'one pack');
    } finally {
      fs.rmSync(links, { recursive: true, force: true });
    }
  });
});
