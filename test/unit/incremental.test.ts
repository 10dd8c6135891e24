import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project } from '../../server/src/core/project';
import { readProjectFiles } from '../../server/src/node/readProject';
import { damage, seeded } from '../fuzz/damage';
import { testParser } from './helpers';

const ROOT = path.join(__dirname, '..', '..', '..');
const PROJECTS = [
  ...['test/fixtures', 'test/fixtures-report'].flatMap((dir) => fs.readdirSync(path.join(ROOT, dir)).map((name) => `${dir}/${name}`)),
  'examples/shop',
].filter((dir) => fs.statSync(path.join(ROOT, dir)).isDirectory());

/** Edits a user makes that change what the analysis sees: lengths, nullability, lines added and removed, damage. */
const EDITS: Array<(text: string, rnd: () => number) => string> = [
  (t, r) => t.replace(/String\((\d+)\)/g, (m, n: string) => (r() < 0.5 ? `String(${Number(n) + 1})` : m)),
  (t) => (t.includes('nullable=False') ? t.replace('nullable=False', 'nullable=True') : t.replace('nullable=True', 'nullable=False')),
  (t, r) => {
    const lines = t.split('\n');
    lines.splice(Math.floor(r() * lines.length), 1);
    return lines.join('\n');
  },
  (t, r) => {
    const lines = t.split('\n');
    const i = lines.findIndex((l, n) => n >= Math.floor(r() * lines.length) && /^\s+\w+ = (sa\.|db\.)?Column\(/.test(l));
    if (i < 0) return t;
    const indent = lines[i].match(/^\s*/)![0];
    lines.splice(i + 1, 0, `${indent}extra_${Math.floor(r() * 1000)} = ${lines[i].includes('db.Column') ? 'db.' : lines[i].includes('sa.Column') ? 'sa.' : ''}Column(${lines[i].includes('sa.') ? 'sa.' : ''}Integer)`);
    return lines.join('\n');
  },
  (t, r) => damage(t, r),
];

describe('incremental analysis', () => {
  it('gives, after every edit, the findings a fresh analysis of the same files gives', async function () {
    this.timeout(120_000);
    const parser = await testParser();
    const rnd = seeded(20261130);
    let edits = 0;
    for (const dir of PROJECTS) {
      const { files } = readProjectFiles(path.join(ROOT, dir));
      const texts = new Map(files);
      const editor = new Project(parser);
      for (const [file, text] of texts) editor.setFile(file, text);
      editor.analyze();
      const pyFiles = [...texts.keys()].filter((f) => f.endsWith('.py'));
      for (let i = 0; i < 25; i++) {
        const file = pyFiles[Math.floor(rnd() * pyFiles.length)];
        // Now and then back to the original text, as after an undo.
        const text = rnd() < 0.2 ? files.get(file)! : EDITS[Math.floor(rnd() * EDITS.length)](texts.get(file)!, rnd);
        texts.set(file, text);
        editor.setFile(file, text);
        const fresh = new Project(parser);
        for (const [f, t] of texts) fresh.setFile(f, t);
        assert.deepEqual(editor.analyze().findings, fresh.analyze().findings, `${dir}: after edit ${i} of ${file}`);
        edits++;
      }
    }
    assert.ok(edits >= 25 * PROJECTS.length);
  });

  it('replays an edit inside a revision and reads the history anew once its metadata changes', async () => {
    const parser = await testParser();
    const { files } = readProjectFiles(path.join(ROOT, 'examples/shop'));
    const file = 'migrations/versions/7c8d9e0f1a2b_create_orders.py';
    const original = files.get(file)!;
    const editor = new Project(parser);
    for (const [f, t] of files) editor.setFile(f, t);
    const first = editor.analyze().findings;
    const steps = [
      original.replace('sa.String(length=255)', 'sa.String(length=2550)'),
      original.replace('sa.String(length=255)', 'sa.String(length=2550)').replace(/^down_revision.*$/m, "down_revision = 'nowhere'"),
      original.replace('sa.String(length=255), nullable=False', 'sa.String(length=255), nullable=True'),
      original,
    ];
    const seen: string[] = [];
    for (const text of steps) {
      editor.setFile(file, text, { keepLastGood: true });
      const fresh = new Project(parser);
      for (const [f, t] of files) fresh.setFile(f, f === file ? text : t);
      const findings = editor.analyze().findings;
      assert.deepEqual(findings, fresh.analyze().findings);
      seen.push(JSON.stringify(findings.map((f) => `${f.code}: ${f.message}`)));
    }
    // Each edit changed what is reported (a type, a broken graph, a nullability), and the undo brought it all back.
    assert.equal(new Set(seen).size, 4, seen.join("\n"));
    assert.deepEqual(editor.analyze().findings, first);
  });

  it("replays every group of tables again when an edit changes whether the history builds from empty", async () => {
    const parser = await testParser();
    const revision = (id: string, down: string, body: string): string => `from alembic import op\nimport sqlalchemy as sa\nrevision = "${id}"\ndown_revision = ${down}\n\ndef upgrade():\n${body}\n`;
    const files = new Map([
      ['alembic.ini', '[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://localhost/app\n'],
      ['migrations/env.py', 'from alembic import context\n'],
      ['migrations/versions/a1.py', revision('a1', 'None', '    op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))')],
      ['migrations/versions/b2.py', revision('b2', '"a1"', '    if "audit" in sa.inspect(op.get_bind()).get_table_names():\n        op.add_column("users", sa.Column("audited", sa.Boolean()))')],
      ['migrations/versions/c3.py', revision('c3', '"b2"', '    op.create_table("settings", sa.Column("id", sa.Integer(), primary_key=True))')],
    ]);
    const editor = new Project(parser);
    for (const [f, t] of files) editor.setFile(f, t);
    const before = editor.analyze().findings;
    // An unconditional change to a table no revision makes, in a revision that touches no table of the test's group:
    // the history now relies on create_all(), and the test on "audit" can no longer be decided.
    const edited = revision('c3', '"b2"', '    op.create_table("settings", sa.Column("id", sa.Integer(), primary_key=True))\n    op.add_column("legacy", sa.Column("x", sa.Integer()))');
    editor.setFile('migrations/versions/c3.py', edited);
    const fresh = new Project(parser);
    for (const [f, t] of files) fresh.setFile(f, f === 'migrations/versions/c3.py' ? edited : t);
    const after = editor.analyze().findings;
    assert.deepEqual(after, fresh.analyze().findings);
    assert.notDeepEqual(after.map((f) => f.code), before.map((f) => f.code));
    assert.ok(after.some((f) => f.code === 'unresolved' && f.table === 'users'));
  });
});
