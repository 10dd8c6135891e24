import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES, type FindingCode } from '../../server/src/core/findings';

/** docs/rules/ at the repository root (this file runs from out/test/unit/). */
const DOCS = path.resolve(__dirname, '../../../docs/rules');
const CODES = Object.keys(RULES) as FindingCode[];

function pages(): string[] {
  return fs
    .readdirSync(DOCS)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((f) => f.slice(0, -'.md'.length))
    .sort();
}

function read(file: string): string {
  return fs.readFileSync(path.join(DOCS, file), 'utf8');
}

describe('docs/rules: one page per finding code', () => {
  it('has a page for every code in RULES', () => {
    const have = new Set(pages());
    assert.deepEqual(CODES.filter((c) => !have.has(c)), []);
  });

  it('has no page for a code that does not exist', () => {
    assert.deepEqual(pages().filter((p) => !(p in RULES)), []);
  });

  it('titles each page with its code and states its default severity', () => {
    for (const code of CODES) {
      const lines = read(`${code}.md`).split('\n');
      assert.equal(lines[0], `# ${code}`, `${code}.md title`);
      const severity = lines.find((l) => l.startsWith('**Default severity:**'));
      assert.ok(severity?.startsWith(`**Default severity:** ${RULES[code].severity}`), `${code}.md default severity`);
    }
  });

  it('lists every code, and only those, in the index with its default severity', () => {
    const rows = [...read('README.md').matchAll(/^\| \[([a-z-]+)\]\(\1\.md\) \| ([a-z]+) \|/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(rows, CODES.map((c) => [c, RULES[c].severity]));
  });
});
