import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');

describe('Neovim (a second real LSP client)', function () {
  this.timeout(60_000);

  it('shows the example project\'s drift on the right line of the model file', function () {
    if (spawnSync('nvim', ['--version']).status !== 0) {
      if (process.env.CI) throw new Error('nvim is required for the real-editor tests (npm run test:e2e installs it)');
      this.skip();
    }
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-nvim-'));
    fs.cpSync(path.join(REPO, 'examples', 'shop'), root, { recursive: true });
    try {
      const out = path.join(root, 'diagnostics.txt');
      const r = spawnSync('nvim', ['--headless', '--clean', '-u', path.join(REPO, 'test', 'e2e', 'neovim.lua'), path.join(root, 'shop', 'models', 'catalog.py')], {
        env: { ...process.env, ALEMBIC_DRIFT_ROOT: root, ALEMBIC_DRIFT_SERVER: path.join(REPO, 'dist', 'server.js'), ALEMBIC_DRIFT_OUT: out },
        encoding: 'utf8',
        timeout: 45_000,
      });
      assert.equal(r.status, 0, `nvim exited ${r.status}: ${r.stderr}`);
      assert.equal(fs.readFileSync(out, 'utf8'), '18:missing-column\n');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
