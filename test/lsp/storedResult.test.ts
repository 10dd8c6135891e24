import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspTestClient, type Publication } from './lspClient';
import { addWeightColumn, CATALOG, copyExample } from './exampleServer';
import { runCli, REPO } from '../cli/runCli';

/** Every diagnostics notification of a session, in order, as file -> "line code" list. */
async function session(root: string, env: NodeJS.ProcessEnv): Promise<Array<{ file: string; shown: string[] }>> {
  const client = new LspTestClient(root, undefined, env);
  const seen: Array<{ file: string; shown: string[] }> = [];
  client.onPublication((p: Publication) => seen.push({ file: path.relative(root, new URL(p.uri).pathname), shown: p.diagnostics.map((d) => `${d.range.start.line}:${String(d.code)}`) }));
  await client.start();
  await client.stop();
  return seen;
}

describe('language server: results stored between sessions', function () {
  this.timeout(60_000);
  let root: string;
  let cacheDir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    root = copyExample();
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-stored-'));
    env = { ...process.env, ALEMBIC_DRIFT_CACHE_DIR: cacheDir };
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('publishes the same diagnostics in a second session, once per file', async () => {
    const first = await session(root, env);
    const second = await session(root, env);
    assert.deepEqual(second, first);
    assert.equal(new Set(second.map((p) => p.file)).size, second.length, 'no file is published twice');
  });

  it('never shows a file changed on disk between sessions with the last session\'s diagnostics', async () => {
    await session(root, env);
    const file = path.join(root, CATALOG);
    fs.writeFileSync(file, addWeightColumn(fs.readFileSync(file, 'utf8')));
    const next = (await session(root, env)).filter((p) => p.file === CATALOG);
    assert.ok(next.length > 0);
    for (const p of next) assert.deepEqual(p.shown, ['18:missing-column', '21:missing-column']);
  });

  it('stores what `check` prints for the same files', async () => {
    await session(root, env);
    const under = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).map((name) => path.join(dir, name)) : []);
    const results = (): string[] => fs.readdirSync(cacheDir).flatMap((build) => under(path.join(cacheDir, build, 'results')).flatMap(under)).filter((f) => f.endsWith('.json'));
    const stored = results();
    assert.equal(stored.length, 1, 'the first index stored its result');
    const fromStore = runCli(['check', root, '--format', 'json'], REPO, env);
    assert.deepEqual(results(), stored, '`check` read it and wrote nothing new');
    assert.equal(fromStore.stdout, runCli(['check', root, '--format', 'json', '--no-cache'], REPO, env).stdout);
  });
});
