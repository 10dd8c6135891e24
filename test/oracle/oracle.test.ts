import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, checkJson } from '../cli/runCli';
import { alembicAvailable, isParenthesisDefaultBug, runAlembicOracle } from './runOracle';

const FIXTURES = path.join(REPO, 'test', 'fixtures');

interface KnownDifferences {
  kindForCode: Record<string, string | null>;
  fixtures: Record<string, { oracleOnly: Array<{ kind: string; table: string; column?: string }>; oursOnly: Array<{ code: string; table: string; column?: string }> }>;
}

const known = JSON.parse(fs.readFileSync(path.join(REPO, 'test', 'oracle', 'known-differences.json'), 'utf8')) as KnownDifferences;
const key = (kind: string, table: string, column?: string): string => `${kind} ${table}${column ? `.${column}` : ''}`;

describe('real Alembic agrees with our findings (Debian python3-alembic on SQLite)', function () {
  before(function () {
    if (!alembicAvailable()) {
      if (process.env.CI) throw new Error('python3-alembic is required in CI (.ci/run installs it)');
      this.skip();
    }
  });

  for (const name of fs.readdirSync(FIXTURES).sort()) {
    const dir = path.join(FIXTURES, name);
    const meta = path.join(dir, 'fixture.json');
    if (!fs.existsSync(meta) || !(JSON.parse(fs.readFileSync(meta, 'utf8')) as { oracle?: boolean }).oracle) continue;
    it(name, () => {
      const allowed = known.fixtures[name] ?? { oracleOnly: [], oursOnly: [] };
      const skipOracle = new Set(allowed.oracleOnly.map((d) => key(d.kind, d.table, d.column)));
      const skipOurs = new Set(allowed.oursOnly.map((d) => key(d.code, d.table, d.column)));
      const theirs = runAlembicOracle(dir)
        .filter((d) => !isParenthesisDefaultBug(d))
        .map((d) => key(d.kind, d.table, d.column))
        .filter((k) => !skipOracle.has(k))
        .sort();
      const ours = checkJson(dir)
        .diagnostics.filter((d) => d.severity === 'warning' && d.table && !skipOurs.has(key(d.code, d.table, d.column)))
        .map((d) => {
          const kind = known.kindForCode[d.code];
          assert.ok(kind, `${d.code} on ${d.table} has no Alembic counterpart and is not listed as expected`);
          return key(kind, d.table!, d.column);
        })
        .sort();
      assert.deepEqual([...new Set(ours)], [...new Set(theirs)]);
    });
  }
});
