import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NODE24_BIN, REPO } from './codeServer';

// The CLI on the Node that code-server runs (24, V8 13), beside the Node 20 of the other tests: V8 settings that an
// engine process makes must not show on its output.
describe('the CLI on Node 24', function () {
  this.timeout(60_000);

  it("analyses the example, prints its drift, and writes nothing on standard error", function () {
    const node = path.join(NODE24_BIN, 'node');
    if (!fs.existsSync(node)) {
      if (process.env.CI) throw new Error('Node 24 is required for the real-editor tests (npm run test:e2e installs it)');
      this.skip();
    }
    const r = spawnSync(node, [path.join(REPO, 'dist', 'cli.js'), 'check', path.join(REPO, 'examples', 'shop'), '--no-cache'], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^shop\/models\/catalog\.py:19:5: .*missing-column/m);
    assert.equal(r.stderr, '');
  });
});
