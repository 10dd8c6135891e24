import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPythonParser, type ParsedText, type SplitPythonParser } from '../../server/src/core/python/parser';
import { parsedTextByteLength, readParsedText, writeParsedText } from '../../server/src/core/python/parsedTextBytes';
import { detachFlatTree, flatTreeOver, FLAT_TREE_NODE_BYTES, NO_NODE } from '../../server/src/core/python/flatTree';
import { ParseCache } from '../../server/src/node/parseCache';
import { readPack } from '../../server/src/node/parsePack';
import { readParserWasm } from '../../server/src/node/wasm';
import { fixturePythonFiles } from './helpers';

/** A parsed text's bytes, at a 4-byte boundary (as the pack reader gives them), `shift` bytes into their buffer. */
function bytesOf(parsed: ParsedText, shift = 0): Uint8Array {
  const length = parsedTextByteLength(parsed);
  const bytes = new Uint8Array(new ArrayBuffer(length + shift), shift, length);
  writeParsedText(parsed, bytes, 0);
  return bytes;
}

/** The parser, counting the texts it really parses. */
function counting(parser: SplitPythonParser): { parser: SplitPythonParser; parsed: () => number } {
  let n = 0;
  return {
    parser: {
      read: (text, options) => {
        n++;
        return parser.read(text, options);
      },
      convert: (text, p) => parser.convert(text, p),
      parseModule: (text) => {
        n++;
        return parser.parseModule(text);
      },
    },
    parsed: () => n,
  };
}

describe('parse cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-parse-cache-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads back from bytes the tree of every fixture file, damaged copies too, as the syntax the parser gives', async () => {
    const parser = await createPythonParser(readParserWasm());
    const texts = fixturePythonFiles().map(([, text]) => text);
    for (const text of [...texts, ...texts.slice(0, 20).map((t) => t.slice(0, Math.floor(t.length * 0.7))), '', 'x = (\n', 'é = "😀"\r\n']) {
      const bytes = bytesOf(parser.read(text));
      const back = readParsedText(bytes, text.length);
      assert.ok(back, `the bytes of a text of ${text.length} characters read back`);
      assert.deepEqual(parser.convert(text, back), parser.parseModule(text));
    }
  });

  it('refuses bytes that are cut short, misplaced, or hold no tree of that text', async () => {
    const parser = await createPythonParser(readParserWasm());
    const text = 'import sqlalchemy as sa\n\nclass A(Base):\n    __tablename__ = "a"\n    id = sa.Column(sa.Integer, primary_key=True)\n';
    const parsed = { tree: detachFlatTree(parser.read(text).tree), errors: [] };
    const good = bytesOf(parsed);
    assert.ok(readParsedText(good, text.length));
    assert.equal(readParsedText(good.subarray(0, good.length - 4), text.length), undefined, 'cut short');
    assert.equal(readParsedText(bytesOf(parsed, 2), text.length), undefined, 'not at a 4-byte boundary');
    assert.equal(readParsedText(good, text.length - 10), undefined, 'a shorter text than the tree spans');
    const n = parsed.tree.size;
    const damage = (field: 'parents' | 'afters' | 'ends', node: number, value: number): Uint8Array => {
      const tree = detachFlatTree(parsed.tree);
      tree[field][node] = value;
      return bytesOf({ tree, errors: [] });
    };
    assert.equal(readParsedText(damage('parents', 5, 7), text.length), undefined, 'a parent after its child');
    assert.equal(readParsedText(damage('afters', 5, 5), text.length), undefined, 'a subtree that ends before it starts (a converter would loop)');
    assert.equal(readParsedText(damage('afters', 3, n + 1), text.length), undefined, 'a subtree past the last node');
    assert.equal(readParsedText(damage('ends', 4, -1), text.length), undefined, 'an end before the start');
  });

  it('converts a forged tree of any depth without overflowing the stack (statements past 200 levels are left out)', async () => {
    const parser = await createPythonParser(readParserWasm());
    const text = 'x = 1\n';
    const n = 100_000;
    const tree = flatTreeOver(new ArrayBuffer(n * FLAT_TREE_NODE_BYTES), 0, n);
    // Node 0 the module, then ERROR inside ERROR all the way down, each of no width.
    for (let i = 0; i < n; i++) {
      tree.typeIds[i] = i === 0 ? parser.read(text).tree.typeIds[0] : 0xffff;
      tree.parents[i] = i === 0 ? NO_NODE : i - 1;
      tree.afters[i] = n;
    }
    const parsed = readParsedText(bytesOf({ tree, errors: [] }), text.length);
    assert.ok(parsed, 'well-formed: it passes the check');
    assert.deepEqual(parser.convert(text, parsed).body, []);
    // Real nesting, as deep as CPython allows (100 levels), is read whole.
    const nested = Array.from({ length: 99 }, (_, i) => `${' '.repeat(i)}if a:\n`).join('') + `${' '.repeat(99)}x = 1\n`;
    let depth = 0;
    for (let body = parser.parseModule(nested).body; body[0]?.k === 'if'; body = body[0].body) depth++;
    assert.equal(depth, 99);
  });

  it('refuses a pack whose entries are too short to hold a tree, however its digest reads', () => {
    const pack = path.join(dir, 'forged.pack');
    const magic = Buffer.from(`alembic-drift ${os.endianness()}`, 'latin1');
    const entries = Buffer.concat(Array.from({ length: 1000 }, (_, i) => Buffer.concat([createHash('sha1').update(String(i)).digest(), Buffer.alloc(4)])));
    const body = Buffer.concat([magic, entries]);
    fs.writeFileSync(pack, Buffer.concat([body, createHash('sha1').update(body).digest()]));
    assert.equal(readPack(pack).size, 0);
  });

  it('removes the temporary file a stopped writer left beside a pack when that pack is written again', async () => {
    const parser = await createPythonParser(readParserWasm());
    let runs = 0;
    const run = (): void => {
      const cache = ParseCache.forProject(dir, '/p');
      cache.wrap(parser).parseModule(`x = ${runs++}\n`);
      cache.flush();
    };
    run();
    const [pack] = fs.readdirSync(dir);
    const [stale, fresh, otherProjects] = [`${pack}.999.tmp`, `${pack}.998.tmp`, '0123456789abcdef0123.pack.997.tmp'];
    for (const f of [stale, fresh, otherProjects]) fs.writeFileSync(path.join(dir, f), 'partial');
    const twoHoursAgo = new Date(Date.now() - 7_200_000);
    for (const f of [stale, otherProjects]) fs.utimesSync(path.join(dir, f), twoHoursAgo, twoHoursAgo);
    run();
    assert.deepEqual(fs.readdirSync(dir).sort(), [pack, fresh, otherProjects].sort(), 'one being written now and those of other projects stay');
  });

  it('parses each text once: a later run takes what an earlier one stored, and stores what it parses anew', async () => {
    const tree = await createPythonParser(readParserWasm());
    const texts = fixturePythonFiles().slice(0, 30).map(([, text]) => text);
    const first = counting(tree);
    const cold = ParseCache.forProject(dir, '/some/project');
    assert.deepEqual(cold.uncached(texts), texts);
    const parsing = cold.wrap(first.parser);
    const syntax = texts.map((t) => parsing.parseModule(t));
    cold.flush();
    assert.equal(first.parsed(), texts.length);

    const second = counting(tree);
    const warm = ParseCache.forProject(dir, '/some/project');
    const added = 'x = 1\n';
    assert.deepEqual(warm.uncached([...texts, added]), [added]);
    const reading = warm.wrap(second.parser);
    assert.deepEqual(texts.map((t) => reading.parseModule(t)), syntax);
    reading.parseModule(added);
    warm.flush();
    assert.equal(second.parsed(), 1, 'only the new text is parsed');
    // The new pack holds what the second run used: the old entries and the new one.
    const packs = fs.readdirSync(dir).filter((f) => f.endsWith('.pack'));
    assert.equal(packs.length, 1);
    assert.equal(readPack(path.join(dir, packs[0])).size, new Set(texts).size + 1);
    // Another project's pack is its own.
    assert.deepEqual(ParseCache.forProject(dir, '/another/project').uncached(texts), texts);
  });

  it('stores a text read by another thread as it is converted, and serves a held text detached when asked', async () => {
    const tree = await createPythonParser(readParserWasm());
    const text = 'from alembic import op\n\ndef upgrade():\n    op.drop_table("a")\n';
    const cache = ParseCache.forProject(dir, '/p');
    const wrapped = cache.wrap(tree);
    const elsewhere = tree.read(text, { detach: true });
    const syntax = wrapped.convert(text, elsewhere);
    cache.flush();
    const again = ParseCache.forProject(dir, '/p');
    const second = counting(tree);
    const held = again.wrap(second.parser).read(text, { detach: true });
    assert.equal(second.parsed(), 0);
    assert.notEqual(held.tree.starts.buffer.byteLength, 0);
    assert.equal(held.tree.starts.buffer.byteLength, held.tree.size * 20, 'detached: a buffer of its own');
    assert.deepEqual(tree.convert(text, held), syntax);
  });

  it('parses everything again when the pack is damaged: a changed byte, cut short, or not a pack', async () => {
    const tree = await createPythonParser(readParserWasm());
    const texts = fixturePythonFiles().slice(0, 10).map(([, text]) => text);
    const fill = ParseCache.forProject(dir, '/p');
    const wrapped = fill.wrap(tree);
    const syntax = texts.map((t) => wrapped.parseModule(t));
    fill.flush();
    const pack = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.pack'))!);
    const good = fs.readFileSync(pack);
    const damages: Array<[string, Buffer]> = [
      ['a changed byte', Buffer.from(good.map((b, i) => (i === Math.floor(good.length / 2) ? b ^ 1 : b)))],
      ['cut short', good.subarray(0, good.length - 100)],
      ['not a pack', Buffer.from('{ not json')],
    ];
    for (const [what, bytes] of damages) {
      fs.writeFileSync(pack, bytes);
      const cache = ParseCache.forProject(dir, '/p');
      assert.deepEqual(cache.uncached(texts), texts, what);
      const second = counting(tree);
      assert.deepEqual(texts.map((t) => cache.wrap(second.parser).parseModule(t)), syntax, what);
      assert.equal(second.parsed(), texts.length, what);
      cache.flush();
    }
  });
});
