import * as assert from 'node:assert/strict';
import { exprText } from '../../server/src/core/python/resolve';
import { neededTextEnd } from '../../server/src/core/python/unreadTail';
import { fixturePythonFiles, testParser, py } from './helpers';
import type { ModuleSyntax } from '../../server/src/core/python/syntax';

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
    const m = parser.parseModule('a = r"\\d" "x\\n"\nb = f"ix_{T}_id"\nc = f"{{x}}" "{{y}}"\n');
    const [a, b, c] = m.body;
    assert.ok(a.k === 'assign' && a.value?.k === 'str' && a.value.v === '\\dx\n');
    assert.ok(b.k === 'assign' && b.value?.k === 'fstr' && b.value.parts[0] === 'ix_');
    // Doubled braces are one brace in an f-string only.
    assert.ok(c.k === 'assign' && c.value?.k === 'str' && c.value.v === '{x}{{y}}');
  });

  it('writes back what messages quote of an expression: f-strings, starred arguments, sets and dicts as written', async () => {
    const parser = await testParser();
    const source = ['f"ix_{T}_id {{x}}\\n"', 'sa.Enum(*constants.TYPES, name="t")', '{RenderMode.html, 2}', '{"schema": "events", **extra}'];
    const texts = parser.parseModule(source.map((e) => `v = ${e}\n`).join('')).body.map((s) => (s.k === 'assign' && s.value ? exprText(s.value) : ''));
    assert.deepEqual(texts, source);
  });

  it('keeps comparisons, `and` / `or` and `not` as syntax (chained comparisons whole, `and` chains flattened)', async () => {
    const parser = await testParser();
    const source = ['a == "x"', 'x not in (1, 2)', 'x is not None', 'not a', 'a and b and c', 'a < b < c', 'a or (b or c)', 'x not  in y'];
    const values = parser.parseModule(source.map((e) => `v = ${e}\n`).join('')).body.map((s) => (s.k === 'assign' ? s.value : undefined));
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
    // In statement position the value is dropped: `a and b` runs b only when a holds, the statement `if a: b`.
    const [stmt] = parser.parseModule('a and b\n').body;
    assert.ok(stmt.k === 'if' && stmt.test.k === 'name' && stmt.test.id === 'a' && stmt.body[0].k === 'expr' && stmt.body[0].value.k === 'name' && stmt.body[0].value.id === 'b');
  });

  it('survives broken input and reports where', async () => {
    const parser = await testParser();
    const m = parser.parseModule('class A(Base:\n    x = Column(\n<<<<<<< HEAD\n\x00\n');
    assert.ok(m.errors.length > 0);
  });

  it('places a merge conflict left inside a function on its line, not at the top of the file', async () => {
    const parser = await testParser();
    const lines = ['"""doc"""', 'from alembic import op', '', 'revision = "a1"', 'down_revision = None', '', '', 'def upgrade():', '    op.drop_table("x")', '=======', '    op.drop_table("y")', ''];
    const m = parser.parseModule(lines.join('\n'));
    assert.equal(m.errors[0][0], 9);
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
      const clean = parser.parseModule(revision('    op.drop_column("t", "c")\n', 'def helper():\n    pass\n'));
      assert.deepEqual(clean.body.filter((s) => s.k === 'def').map((s) => s.k === 'def' && s.name), ['upgrade', 'helper'], 'what follows is read; downgrade() is left out either way');
      const brokenBefore = parser.parseModule(revision('    op.drop_column("t", "c")\n').replace('sa.Integer()))', 'sa.Integer()'));
      assert.equal(brokenBefore.errors.length > 0, true);
      assert.equal(brokenBefore.errors[0][0], 10, 'the error is placed in upgrade(), not at its end');
      // A string whose text puts "def downgrade(" at column 0: the text before it does not parse alone.
      const inString = parser.parseModule('def upgrade():\n    op.execute("""\ndef downgrade():\n    """)\n');
      assert.deepEqual(inString.errors, []);
      assert.equal(inString.body[0].k === 'def' && inString.body[0].body.length, 1);
    });

    /** The syntax of the whole text: a top-level statement after downgrade() keeps the parser from stopping there. */
    const wholeParse = (parser: { parseModule(text: string): ModuleSyntax }, text: string): ModuleSyntax => {
      const m = parser.parseModule(`${text}${text.endsWith('\n') ? '' : '\n'}after_downgrade = 1\n`);
      const last = m.body.pop();
      assert.ok(last?.k === 'assign' && last.targets[0].k === 'name' && last.targets[0].id === 'after_downgrade', 'the whole text was read');
      return m;
    };

    it('gives every fixture file the syntax of its whole text, less the downgrade() def', async () => {
      const parser = await testParser();
      let cut = 0;
      for (const [f, text] of fixturePythonFiles()) {
        if (neededTextEnd(text) === text.length) continue;
        cut++;
        const whole = wholeParse(parser, text);
        const read = parser.parseModule(text);
        assert.deepEqual(read.body, whole.body, f);
        if (whole.errors.length === 0) assert.deepEqual(read.errors, [], f);
      }
      assert.ok(cut >= 20, `${cut} fixture revisions end with downgrade()`);
    });

    it("reads a revision's downgrade() when asked for the whole text, with the same syntax before it", async () => {
      const parser = await testParser();
      const text = 'revision = "b"\n\ndef upgrade():\n    op.add_column("t", sa.Column("c", sa.Integer()))\n\n\ndef downgrade():\n    op.drop_column("t", "c")\n';
      const read = parser.parseModule(text);
      const whole = parser.parseModule(text, { whole: true });
      assert.deepEqual(whole.body.slice(0, -1), read.body);
      const downgrade = whole.body[whole.body.length - 1];
      assert.ok(downgrade.k === 'def' && downgrade.name === 'downgrade' && downgrade.body.length === 1 && downgrade.s[0] === 6);
    });

    it('reads the whole text when a line break or indentation only Python or tree-sitter sees could end downgrade()', async () => {
      const parser = await testParser();
      const texts = {
        'a form feed before a later top-level def': 'def upgrade():\n    op.f()\n\ndef downgrade():\n    pass\n\fdef upgrade():\n    op.create_table("t")\n',
        'a no-break space before a statement': 'def upgrade():\n    op.f()\n\ndef downgrade():\n    pass\n\u00a0x = 1\n',
        '"def downgrade(" after a line separator in a comment': 'def upgrade():\n    # see \u2028def downgrade(): below\n    op.create_table("t")\n',
        'lines that end in a carriage return only': 'def upgrade():\r    op.f()\r\ndef downgrade():\r    pass\rdef late():\r    pass\r',
      };
      for (const [name, text] of Object.entries(texts)) {
        // The same text with the def renamed (same length, so every span stays), then left out as the converter does.
        const whole = parser.parseModule(text.replace(/def downgrade\(/g, 'def downgrad_(')).body.filter((s) => !(s.k === 'def' && s.name === 'downgrad_'));
        assert.deepEqual(parser.parseModule(text).body, whole, name);
      }
    });
  });
});
