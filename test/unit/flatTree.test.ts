import * as assert from 'node:assert/strict';
import { Parser, type Node as SyntaxNode } from 'web-tree-sitter';
import { detachFlatTree, FlatTree, FlatTreeWalker } from '../../server/src/core/python/flatTree';
import { loadTreeSitter } from '../../server/src/core/python/parser';
import { readParserWasm } from '../../server/src/node/wasm';
import { fixturePythonFiles, py } from './helpers';

/** Every node of tree-sitter's own tree in pre-order, as the public API reports it. */
function publicNodes(root: SyntaxNode): Array<{ type: string; named: boolean; field: string | null; start: number; end: number; span: number[]; children: number }> {
  const out: ReturnType<typeof publicNodes> = [];
  const visit = (n: SyntaxNode, field: string | null): void => {
    out.push({ type: n.type, named: n.isNamed, field, start: n.startIndex, end: n.endIndex, span: [n.startPosition.row, n.startPosition.column, n.endPosition.row, n.endPosition.column], children: n.childCount });
    n.children.forEach((c, i) => c && visit(c, n.fieldNameForChild(i)));
  };
  visit(root, null);
  return out;
}

/** The same, read from the flat copy. */
function flatNodes(t: FlatTree, fieldNames: Array<string | null>): ReturnType<typeof publicNodes> {
  const out: ReturnType<typeof publicNodes> = [];
  for (let n = 0; n < t.size; n++) {
    const field = t.parent(n) < 0 ? null : (fieldNames.find((name) => name && t.childrenInField(t.parent(n), t.fieldId(name)).includes(n)) ?? null);
    out.push({ type: t.type(n), named: t.isNamed(n), field, start: t.start(n), end: t.end(n), span: t.span(n), children: t.children(n).length });
  }
  return out;
}

const SAMPLES: Record<string, string> = {
  models: py(`
    from sqlalchemy import Column, Integer, String
    class User(Base):
        __tablename__ = "users"
        id = Column(Integer, primary_key=True)  # comment
        name: Mapped[str] = mapped_column(String(50), nullable=not False, default=f"x{1 + 2}")
        def method(self, *args, key=None, **kw) -> int:
            return [x for x in args if x]
  `),
  damaged: 'class A(Base:\n    x = Column(Integer,\n\ndef upgrade():\n    op.add_column("t", sa.Column("c"',
  unicode: '# café ☕ 🐍\nname = "naïve 😀 ok"  # 中文\r\nother = 1\r\n\tx = é\n',
  empty: '',
  crlf: 'def upgrade():\r\n    op.drop_table("t")\r\n',
};

describe('the flat copy of a tree-sitter tree', () => {
  it('has the same nodes, types, fields, offsets, positions and children as tree-sitter reports', async () => {
    const { module, language } = await loadTreeSitter(readParserWasm());
    const parser = new Parser();
    parser.setLanguage(language);
    const walker = FlatTreeWalker.forModule(module);
    const flat = new FlatTree(language);
    const texts = { ...SAMPLES, ...Object.fromEntries(fixturePythonFiles()) };
    assert.ok(Object.keys(texts).length > Object.keys(SAMPLES).length, 'fixture files were read');
    for (const [name, text] of Object.entries(texts)) {
      const tree = parser.parse(text)!;
      try {
        const expected = publicNodes(tree.rootNode);
        flat.show(walker.walk(tree), text);
        assert.deepEqual(flatNodes(flat, language.fields), expected, name);
        // The copy a worker thread hands over reads the same.
        flat.show(detachFlatTree(walker.walk(tree)), text);
        assert.deepEqual(flatNodes(flat, language.fields), expected, name);
      } finally {
        tree.delete();
      }
    }
    parser.delete();
  });

  it('names the pinned binding when handed a module object without its exports', () => {
    assert.throws(() => FlatTreeWalker.forModule({}), /lacks _ts_tree_root_node_wasm/);
  });
});
