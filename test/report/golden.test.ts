import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, runCli } from '../cli/runCli';

const FIXTURES = path.join(REPO, 'test', 'fixtures-report');
/** The date every golden report is written with. */
export const GOLDEN_DATE = '2025-02-03';

describe('report: golden audits of the fixture projects (UPDATE_GOLDEN=1 rewrites them)', () => {
  for (const name of fs.readdirSync(FIXTURES).sort()) {
    const dir = path.join(FIXTURES, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    it(name, () => {
      const r = runCli(['report', '.', '--date', GOLDEN_DATE], dir);
      assert.equal(r.status, 0, r.stderr);
      const golden = path.join(dir, 'expected.md');
      if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(golden, r.stdout);
      assert.equal(r.stdout, fs.readFileSync(golden, 'utf8'));
    });
  }
});
