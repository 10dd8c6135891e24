import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, checkJson, runCli } from '../cli/runCli';
import { reportRows } from './parseReport';

const PROJECTS = [
  ...['fixtures', 'fixtures-report'].flatMap((folder) =>
    fs
      .readdirSync(path.join(REPO, 'test', folder))
      .sort()
      .map((name) => path.join(REPO, 'test', folder, name))
      .filter((dir) => fs.statSync(dir).isDirectory()),
  ),
  path.join(REPO, 'examples', 'shop'),
];

describe('report: says exactly what check says', () => {
  for (const dir of PROJECTS) {
    it(path.relative(REPO, dir), () => {
      const problems = checkJson(dir).diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
      const r = runCli(['report', '.', '--date', '2025-02-03'], dir);
      assert.equal(r.status, 0, r.stderr);
      // Every error and warning of check is in exactly one problem row, at its own file and line, and every
      // problem row stands for findings of check: nothing more, nothing less.
      const left = problems.map((d) => `${d.code}@${d.file}:${d.range.start.line + 1}`);
      const unmatched: string[] = [];
      for (const row of reportRows(r.stdout)) {
        for (const code of row.codes) {
          const i = left.findIndex((k) => row.places.some((p) => k === `${code}@${p}`));
          if (i < 0) unmatched.push(`${code} in: ${row.text}`);
          else left.splice(i, 1);
        }
      }
      assert.deepEqual(unmatched, [], 'rows of the report that check does not report');
      assert.deepEqual(left, [], 'findings of check missing from the report');
      const total = /^\*\*(\d+) problems?\*\*/m.exec(r.stdout);
      assert.equal(total ? Number(total[1]) : 0, problems.length, 'the executive summary counts the findings of check');
      // No drift is claimed only of models compared.
      const compared = !/^No model was compared with the migrations\.$/m.test(r.stdout);
      if (problems.length === 0) assert.match(r.stdout, compared ? /^\*\*No drift\.\*\*/m : /^\*\*Nothing compared\.\*\*/m);
    });
  }
});
