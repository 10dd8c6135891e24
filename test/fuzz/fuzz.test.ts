import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Project } from '../../server/src/core/project';
import { readProjectFiles } from '../../server/src/node/readProject';
import { testParser } from '../unit/helpers';
import { runCli } from '../cli/runCli';
import { LspTestClient } from '../lsp/lspClient';
import { damage, seeded } from './damage';

const REPO = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = [path.join(REPO, 'examples', 'shop'), ...fs.readdirSync(path.join(REPO, 'test', 'fixtures')).map((f) => path.join(REPO, 'test', 'fixtures', f))];
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const PROJECTS = Number(process.env.FUZZ_PROJECTS ?? 300);
const EDITS = Number(process.env.FUZZ_EDITS ?? 300);

describe(`fuzz (seed ${SEED})`, function () {
  this.timeout(300_000);

  it(`analyses ${PROJECTS} damaged copies of the fixture projects without throwing, each finding well formed`, async () => {
    const rnd = seeded(SEED);
    const parser = await testParser();
    for (let n = 0; n < PROJECTS; n++) {
      const source = FIXTURES[n % FIXTURES.length];
      const { files } = readProjectFiles(source);
      const project = new Project(parser);
      const names = [...files.keys()];
      const victims = new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => names[Math.floor(rnd() * names.length)]));
      for (const [file, text] of files) project.setFile(file, victims.has(file) ? damage(text, rnd) : text);
      const context = `project ${n} (${path.basename(source)}, damaged ${[...victims].join(', ')})`;
      const analysis = project.analyze();
      for (const f of analysis.findings) {
        assert.ok(f.span.every((x) => Number.isInteger(x) && x >= 0), `${context}: bad span ${f.span}`);
        assert.ok(f.message.length > 0 && f.file.length > 0, `${context}: empty finding`);
      }
    }
  });

  it('ends the CLI with 0 or 1 and valid JSON on damaged projects on disk', () => {
    const rnd = seeded(SEED + 1);
    for (let n = 0; n < 12; n++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-fuzz-'));
      fs.cpSync(FIXTURES[n % FIXTURES.length], dir, { recursive: true });
      const { files } = readProjectFiles(dir);
      const names = [...files.keys()].filter((f) => f.endsWith('.py'));
      const victim = names[Math.floor(rnd() * names.length)];
      fs.writeFileSync(path.join(dir, victim), damage(files.get(victim)!, rnd), 'latin1');
      const r = runCli(['check', dir, '--format', 'json', '--no-cache']);
      assert.ok(r.status === 0 || r.status === 1 || (r.status === 2 && /no Alembic project found/.test(r.stderr)), `exit ${r.status} on ${dir}: ${r.stderr}`);
      if (r.status !== 2) assert.ok(Array.isArray(JSON.parse(r.stdout).diagnostics));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`keeps the server serving through ${EDITS} random edits, and the right diagnostics come back once repaired`, async () => {
    const rnd = seeded(SEED + 2);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-fuzz-lsp-'));
    fs.cpSync(path.join(REPO, 'examples', 'shop'), root, { recursive: true });
    const client = new LspTestClient(root);
    try {
      await client.start();
      const files = ['shop/models/catalog.py', 'shop/models/orders.py', 'migrations/versions/7c8d9e0f1a2b_create_orders.py'];
      const texts = files.map((f) => fs.readFileSync(path.join(root, f), 'utf8'));
      const versions = files.map(() => 1);
      for (let i = 0; i < files.length; i++) await client.open(files[i], texts[i], 1);
      for (let n = 0; n < EDITS; n++) {
        const i = Math.floor(rnd() * files.length);
        await client.change(files[i], damage(texts[i], rnd), ++versions[i]);
      }
      for (let i = 0; i < files.length; i++) await client.change(files[i], texts[i], ++versions[i]);
      const catalog = await client.diagnostics(files[0], (p) => p.version === versions[0]);
      assert.deepEqual(catalog.diagnostics.map((d) => `${d.range.start.line}:${String(d.code)}`), ['18:missing-column']);
      assert.equal(client.process.exitCode, null, 'the server is still running');
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
