import * as assert from 'node:assert/strict';
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

  it('survives broken input and reports where', async () => {
    const parser = await testParser();
    const m = parser.parseModule('class A(Base:\n    x = Column(\n<<<<<<< HEAD\n\x00\n');
    assert.ok(m.errors.length > 0);
  });
});
