import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, checkJson } from './runCli';

const FIXTURES = path.join(REPO, 'test', 'fixtures');

interface Expected {
  file: string;
  line: number;
  code: string;
  table?: string;
  column?: string;
}

const key = (e: Expected): string => `${e.file}:${e.line} ${e.code} ${e.table ?? ''}${e.column ? `.${e.column}` : ''}`;

describe('fixture projects: findings are exactly the expected ones', () => {
  for (const name of fs.readdirSync(FIXTURES).sort()) {
    const dir = path.join(FIXTURES, name);
    const expectedFile = path.join(dir, 'expected.json');
    if (!fs.existsSync(expectedFile)) continue;
    it(name, () => {
      const expected = (JSON.parse(fs.readFileSync(expectedFile, 'utf8')) as Expected[]).map(key).sort();
      const expectedCodes = new Set(expected.map((e) => e.split(' ')[1]));
      const { diagnostics } = checkJson(dir);
      // Warnings and errors must match exactly; information findings only where the fixture lists their code.
      const actual = diagnostics
        .filter((d) => d.severity === 'error' || d.severity === 'warning' || expectedCodes.has(d.code))
        .map((d) => key({ file: d.file, line: d.range.start.line + 1, code: d.code, table: d.table, column: d.column }))
        .sort();
      assert.deepEqual(actual, expected, diagnostics.map((d) => `${d.file}:${d.range.start.line + 1} ${d.code} ${d.message}`).join('\n'));
    });
  }
});
