import * as assert from 'node:assert/strict';
import { Project } from '../../server/src/core/project';
import { fixturePythonFiles, testParser } from './helpers';

const MODEL = `import sqlalchemy as sa
from sqlalchemy.orm import declarative_base
Base = declarative_base()

class Product(Base):
    __tablename__ = "products"
    id = sa.Column(sa.Integer, primary_key=True)
    price = sa.Column(sa.Integer)
    sku = sa.Column(sa.String(32))
`;

describe('parser: lines tree-sitter joins or dedents where CPython stops', () => {
  // Each is a SyntaxError or IndentationError for CPython; tree-sitter reads each without an ERROR node.
  const broken: Array<[string, string, number]> = [
    ['a half-typed assignment joins the next line', MODEL.replace('    price =', '    weight =\n    price ='), 7],
    ['an assignment with nothing after =', MODEL.replace('    price = sa.Column(sa.Integer)', '    price = '), 7],
    ['an annotation with nothing after :', MODEL.replace('    price = sa.Column(sa.Integer)', '    price: '), 7],
    ['a half-typed attribute', MODEL.replace('    price = sa.Column(sa.Integer)', '    price = sa.'), 7],
    ['a line dedented to no outer level', MODEL.replace('    price =', '  price ='), 7],
    ['a line indented past its block', MODEL.replace('    price =', '     price ='), 7],
    ['an op. above the next op', 'from alembic import op\ndef upgrade():\n    op.\n    op.drop_table("x")\n', 2],
    ['an annotated down_revision with no value', 'revision = "a"\ndown_revision: str | None = \nbranch_labels = None\n', 1],
  ];
  for (const [what, text, line] of broken) {
    it(`reports ${what}, on its line`, async () => {
      const { errors } = (await testParser()).parseModule(text);
      assert.equal(errors[0]?.[0], line, JSON.stringify(errors));
    });
  }

  it('accepts lines joined inside brackets, strings and after a backslash, and statements after ; or on a header line', async () => {
    const text = [
      'x = (1 +',
      '     2)',
      'y = [a for a in',
      '     range(3)]  # comment ( not a bracket',
      'z = """one',
      'two"""',
      "w = 'a\\",
      "b'",
      'v = 1 + \\',
      '    2',
      'class A: a = 1; b = 2',
      'if x:',
      '    pass',
      'else:',
      '\tpass',
      'def f(',
      '    a,',
      '):',
      '    return {',
      "        'k': 'v',",
      '    }',
      '',
    ].join('\n');
    assert.deepEqual((await testParser()).parseModule(text).errors, []);
  });

  it('finds none in the fixture projects, which CPython compiles', async () => {
    const parser = await testParser();
    const flagged = fixturePythonFiles().filter(([, text]) => parser.parseModule(text).errors.length > 0);
    assert.deepEqual(flagged.map(([file]) => file), []);
  });

  it('keeps revision from dropping the columns after a half-typed line: the model file is reported unread', async () => {
    const project = new Project(await testParser());
    project.setFile('alembic.ini', '[alembic]\nscript_location = migrations\n');
    project.setFile('app/models.py', MODEL.replace('    price =', '    weight =\n    price ='));
    project.setFile('migrations/versions/a1.py', 'from alembic import op\nimport sqlalchemy as sa\nrevision = "a1"\ndown_revision = None\ndef upgrade():\n    op.create_table("products", sa.Column("id", sa.Integer(), nullable=False), sa.Column("price", sa.Integer()), sa.Column("sku", sa.String(32)), sa.PrimaryKeyConstraint("id"))\n');
    const analysis = project.analyze();
    assert.ok(analysis.findings.some((f) => f.code === 'parse-error' && f.file === 'app/models.py' && f.span[0] === 7));
    assert.deepEqual(analysis.environments[0].unreadFiles.map((f) => f.file), ['app/models.py']);
  });
});
