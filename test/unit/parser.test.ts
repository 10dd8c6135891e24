import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exprText } from '../../server/src/core/python/resolve';
import { neededTextEnd } from '../../server/src/core/python/unreadTail';
import { testParser, py } from './helpers';

describe('python parser', () => {
  it('extracts assignments, calls and keyword arguments as plain data', async () => {
    const parser = await testParser();
    const m = parser.parseModule(py(`
      import sqlalchemy as sa
      name = sa.Column(sa.String(length=50), nullable=False)
    `));
    assert.equal(m.errors.length, 0);
    assert.equal(m.body[0].k, 'import');
    const assign = m.body[1];
    assert.equal(assign.k, 'assign');
    if (assign.k !== 'assign' || assign.value?.k !== 'call') throw new Error('expected a call');
    assert.equal(assign.value.kw[0].name, 'nullable');
    assert.deepEqual(assign.s, [1, 0, 1, 54]);
  });

  it('counts columns in UTF-16 code units after non-ASCII text', async () => {
    const parser = await testParser();
    const m = parser.parseModule('x = "héllo😀"; y = 1\n');
    const second = m.body[1];
    // "x = "héllo😀"; " is 15 UTF-16 units: the emoji counts 2.
    assert.equal(second.s[1], 15);
  });

  it('reads string prefixes, escapes, concatenation and f-strings', async () => {
    const parser = await testParser();
    const m = parser.parseModule('a = r"\\d" "x\\n"\nb = f"ix_{T}_id"\n');
    const [a, b] = m.body;
    assert.ok(a.k === 'assign' && a.value?.k === 'str' && a.value.v === '\\dx\n');
    assert.ok(b.k === 'assign' && b.value?.k === 'fstr' && b.value.parts[0] === 'ix_');
  });

  it('keeps comparisons, `and` / `or` and `not` as syntax (chained comparisons whole, `and` chains flattened)', async () => {
    const parser = await testParser();
    const values = parser.parseModule('a == "x"\nx not in (1, 2)\nx is not None\nnot a\na and b and c\na < b < c\na or (b or c)\nx not  in y\n').body.map((s) => (s.k === 'expr' ? s.value : undefined));
    const [eq, notIn, isNot, not, and, chain, or, spaced] = values;
    assert.ok(eq?.k === 'compare' && eq.left.k === 'name' && eq.ops.join() === '==' && eq.comparators[0].k === 'str' && eq.comparators[0].v === 'x');
    assert.ok(notIn?.k === 'compare' && notIn.ops.join() === 'not in' && notIn.comparators[0].k === 'tuple' && notIn.comparators[0].items.length === 2);
    assert.ok(isNot?.k === 'compare' && isNot.ops.join() === 'is not' && isNot.comparators[0].k === 'const' && isNot.comparators[0].v === null);
    assert.ok(not?.k === 'not' && not.value.k === 'name' && not.value.id === 'a');
    assert.ok(and?.k === 'boolop' && and.op === 'and' && and.values.map((v) => (v.k === 'name' ? v.id : '?')).join() === 'a,b,c');
    assert.ok(chain?.k === 'compare' && chain.ops.join() === '<,<' && chain.left.k === 'name' && chain.comparators.map((v) => (v.k === 'name' ? v.id : '?')).join() === 'b,c');
    // A parenthesised operand stays one operand, as in Python's own tree.
    assert.ok(or?.k === 'boolop' && or.op === 'or' && or.values.length === 2 && or.values[1].k === 'boolop');
    assert.ok(spaced?.k === 'compare' && spaced.ops.join() === 'not in');
    assert.deepEqual(values.map((v) => (v ? exprText(v) : '')), ['a == "x"', 'x not in (1, 2)', 'x is not None', 'not a', 'a and b and c', 'a < b < c', 'a or (b or c)', 'x not in y']);
  });

  it('survives broken input and reports where', async () => {
    const parser = await testParser();
    const m = parser.parseModule('class A(Base:\n    x = Column(\n<<<<<<< HEAD\n\x00\n');
    assert.ok(m.errors.length > 0);
  });

  describe("a revision's trailing downgrade()", () => {
    const revision = (downgrade: string, after = ''): string =>
      `"""add c\n\nRevision ID: b1\n"""\nfrom alembic import op\nrevision = "b1"\ndown_revision = "a1"\n\n\ndef upgrade():\n    op.add_column("t", sa.Column("c", sa.Integer()))\n\n\ndef downgrade():\n${downgrade}\n${after}`;

    it('is not parsed when it ends the file: a syntax error in it is not reported, upgrade() is read', async () => {
      const parser = await testParser();
      const m = parser.parseModule(revision('    op.drop_column("t", "c"\n    # alembic-drift: ignore\n'));
      assert.deepEqual(m.errors, []);
      assert.deepEqual(m.ignores, {});
      assert.deepEqual(m.body.filter((s) => s.k === 'def').map((s) => s.k === 'def' && [s.name, s.body.length]), [['upgrade', 1]]);
      assert.equal(m.body.length, 5, 'docstring, import, two assignments, upgrade()');
    });

    it('is parsed with the rest when a top-level statement follows it, or when the text before it is broken', async () => {
      const parser = await testParser();
      const followed = parser.parseModule(revision('    op.drop_column("t", "c"\n', 'def helper():\n    pass\n'));
      assert.equal(followed.errors.length > 0, true, 'the error in downgrade() is reported');
      const brokenBefore = parser.parseModule(revision('    op.drop_column("t", "c")\n').replace('sa.Integer()))', 'sa.Integer()'));
      assert.equal(brokenBefore.errors.length > 0, true);
      assert.equal(brokenBefore.errors[0][0], 10, 'the error is placed in upgrade(), not at its end');
      // A string whose text puts "def downgrade(" at column 0: the text before it does not parse alone.
      const inString = parser.parseModule('def upgrade():\n    op.execute("""\ndef downgrade():\n    """)\n');
      assert.deepEqual(inString.errors, []);
      assert.equal(inString.body[0].k === 'def' && inString.body[0].body.length, 1);
    });

    it('leaves every fixture file with the same syntax as the text before it', async () => {
      const parser = await testParser();
      const fixture = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');
      let cut = 0;
      for (const f of fs.readdirSync(fixture, { recursive: true, encoding: 'utf8' })) {
        if (!f.endsWith('.py')) continue;
        const text = fs.readFileSync(path.join(fixture, f), 'utf8');
        const end = neededTextEnd(text);
        if (end === text.length) continue;
        cut++;
        const before = parser.parseModule(text.slice(0, end));
        if (before.errors.length > 0) continue;
        assert.deepEqual(parser.parseModule(text), before, f);
      }
      assert.ok(cut >= 20, `${cut} fixture revisions end with downgrade()`);
    });
  });
});
