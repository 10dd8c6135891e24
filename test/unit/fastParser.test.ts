import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPythonParser, type TreeSitterParser } from '../../server/src/core/python/parser';
import { parseModuleFast } from '../../server/src/core/python/fastParser';
import { readParserWasm } from '../../server/src/node/wasm';
import { generateProject, SIZES } from '../../bench/generate';
import { seeded } from '../fuzz/damage';

const REPO = path.resolve(__dirname, '..', '..', '..');

let treeSitter: Promise<TreeSitterParser> | undefined;
function treeSitterParser(): Promise<TreeSitterParser> {
  treeSitter ??= createPythonParser(readParserWasm(), { fastPath: false });
  return treeSitter;
}

function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) out.push(...pythonFiles(full));
    else if (e.isFile() && e.name.endsWith('.py')) out.push(full);
  }
  return out;
}

/** Whether the fast path took the text, after checking that it then says exactly what tree-sitter says. */
function agrees(ts: TreeSitterParser, text: string, label: string): boolean {
  const fast = parseModuleFast(text);
  if (!fast) return false;
  assert.deepStrictEqual(fast, ts.parseWithTreeSitter(text), `${label}: the fast path differs from tree-sitter`);
  return true;
}

/** Small edits of the kind typing makes: a character or a token in or out, a line moved, indented, duplicated. */
const TOKENS = [',', ':', '(', ')', '[', ']', '{', '}', '#x', ' # alembic-drift: ignore', 'if ', ' else ', ' ', '\n', '    ', '"', "'", '"""', '=', '==', 'lambda: ', '*', '**', 'not ', '.', '@', '\\\n', ';', 'def ', 'class ', 'return ', 'for ', ' in ', 'as ', '-', '1', '1.5', '0x', 'r"', 'f"{', '\t', '\r\n', 'with ', 'try:', 'except:', 'elif x:', 'pass'];
function mutate(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * (text.length + 1));
  const lines = text.split('\n');
  const line = Math.floor(rnd() * lines.length);
  switch (Math.floor(rnd() * 6)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 3));
    case 1:
      return text.slice(0, at) + TOKENS[Math.floor(rnd() * TOKENS.length)] + text.slice(at);
    case 2:
      lines.splice(line, 0, lines[line]);
      return lines.join('\n');
    case 3:
      lines[line] = rnd() < 0.5 ? `  ${lines[line]}` : lines[line].replace(/^ {1,4}/, '');
      return lines.join('\n');
    case 4:
      if (line + 1 < lines.length) [lines[line], lines[line + 1]] = [lines[line + 1], lines[line]];
      return lines.join('\n');
    default:
      lines.splice(line, 1);
      return lines.join('\n');
  }
}

describe('fast Python parser', () => {
  it('says exactly what tree-sitter says about every fixture and example file it takes', async () => {
    const ts = await treeSitterParser();
    const files = ['test', 'examples'].flatMap((d) => pythonFiles(path.join(REPO, d)));
    let taken = 0;
    for (const file of files) if (agrees(ts, fs.readFileSync(file, 'utf8'), path.relative(REPO, file))) taken++;
    assert.ok(taken > files.length * 0.9, `the fast path takes most files (${taken} of ${files.length})`);
  });

  it('takes every file of a generated benchmark project, with the same result', async function () {
    this.timeout(120_000);
    const ts = await treeSitterParser();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-fast-'));
    try {
      generateProject(dir, SIZES.S);
      for (const file of pythonFiles(dir)) assert.ok(agrees(ts, fs.readFileSync(file, 'utf8'), path.relative(dir, file)), `${file} is taken`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows tree-sitter on the constructs it takes', async () => {
    const ts = await treeSitterParser();
    const cases = [
      // Where blocks end: comments indented at least as deep as a block stay in it.
      'def f():\n    a\n    # in f\n  # not\nb\n',
      'class A:\n    def f(self):\n        x = 1\n    # in A\n        # in A too\n# out\nclass B: pass  # same line\n',
      'if x:\n    y = 1  # trailing\nelif z:\n    pass\nelse:\n    w = 2\n\n\n# end\n',
      'def downgrade():\n    op.drop_table("t")\n    # ### end ###\n',
      'try:\n    import a\nexcept (ImportError, ValueError) as e:\n    a = None\nelse:\n    b = 1\nfinally:\n    c = 2\n',
      'for i, (a, b) in enumerate(x):\n    pass\nelse:\n    y = [a for a in b if a if not b]\n',
      'while x:\n    x -= 1\n',
      'with op.batch_alter_table("t", schema=None) as batch_op, open(f) as (g, h):\n    batch_op.add_column(sa.Column("c", sa.Integer()))\n',
      // Expressions.
      'x = -1, +2, ~3, - 4, -0x1F, -1.5e3, 2 ** -1, -a ** b, a ^ b & c | d << 1 >> 2, a @ b // c % d\n',
      'x = a if b else c; y = lambda q, *r, s=1, **t: q\nz = not a and b or c < d <= e == f != g in h not in i is j is not k\n',
      'x = f(*args, **kw, key=1)\ny = g(a for a in b)\nz = h((a for a in b), c)\n',
      'x = {"a": 1, **b}; y = {1, 2}; z = {}; w = {a: b for a, b in c}; v = {a for a in b}\n',
      'x = a[1:2, ::3, :, b]; y = a[...]; z = (); w = (1,); v = [*a, b]\n',
      'x = """doc\nstring""" "more" r"\\d" b"\\x00" u"\\u00e9"\ny = 1_000 + 0o17 + 0b1 + 1j + 1.5j + .5 + 1e-3\n',
      'a = b = c, d = 1, 2\n(e, f) = [g, h] = i\nj: Mapped[Optional[str]] = mapped_column(String(20))\nk: int\nl += 1\n',
      'from . import a\nfrom ..b.c import (d as e, f,)\nfrom __future__ import annotations\nimport g.h as i, j\nfrom k import *\n',
      '@decorator\n@declared_attr.directive\ndef f(a, b: int = 1, *c: str, d, e=2, **f) -> None:\n    return a, b\n',
      'class A(Base, metaclass=M):\n    __tablename__ = "a"\n    @declared_attr\n    def b(cls):\n        return Column(Integer)\n    def c(self):\n        return 1\n',
      'type = Column(String)\nmatch = 1\nprint("x")\nexec = 2\nx.type\nglobal a, b\ndel a\nassert a, "b"\nraise E from e\n',
      'x = f(  # comment\n    a,  # another\n    b=1,\n)\n',
      'x = "héllo😀"; y = 1\n# alembic-drift: ignore[missing-column]\nz = 2  # alembic-drift: ignore\n',
      'x = 1\r\ny = (2,\r\n    3)  # c\r\nif x:\r\n    pass  # d\r\n',
      // The async template's env.py.
      'async def run_async_migrations() -> None:\n    async with connectable.connect() as connection:\n        await connection.run_sync(do_run_migrations)\n    await connectable.dispose()\n\n@decorator\nasync def f():\n    async for x in y:\n        x = await g() ** 2\n',
    ];
    for (const text of cases) assert.ok(agrees(ts, text, JSON.stringify(text)), `the fast path takes ${JSON.stringify(text)}`);
  });

  it('gives up on what it does not know, and never differs from tree-sitter on damaged text (seeded)', async () => {
    const ts = await treeSitterParser();
    const corpus = ['test/fixtures', 'examples'].flatMap((d) => pythonFiles(path.join(REPO, d))).map((f) => fs.readFileSync(f, 'utf8'));
    const rnd = seeded(20261130);
    let taken = 0;
    for (let i = 0; i < 1500; i++) {
      let text = corpus[Math.floor(rnd() * corpus.length)];
      for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) text = mutate(text, rnd);
      if (agrees(ts, text, `mutation ${i}`)) taken++;
    }
    assert.ok(taken > 100, `some mutations still parse (${taken})`);
    for (const text of ['x = (\n', 'def f(:\n', 'x = 1\n  y = 2\n', 'if x:\ny\n', '\tx = 1\n', 'x = f"{a}"\n', 'x = [a async for a in b]\n', 'x = yield\n']) {
      assert.equal(parseModuleFast(text), undefined, `gives up on ${JSON.stringify(text)}`);
    }
  });
});
