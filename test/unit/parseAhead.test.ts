import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { createPythonParser } from '../../server/src/core/python/parser';
import { readParserWasm } from '../../server/src/node/wasm';
import { FolderParser, ParseHelper } from '../../server/src/node/parseAhead';
import { analyzeFolder } from '../../server/src/node/analyzeFolder';
import { fixturePythonFiles } from './helpers';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');

function fixtureTexts(): string[] {
  return fixturePythonFiles().map(([, text]) => text);
}

/** A fixed shuffle, so that a failure can be replayed. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  let seed = 7;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('parsing ahead on a helper thread', () => {
  it('gives each text the syntax the parser alone gives, whatever order the texts are asked for in', async () => {
    const wasm = readParserWasm();
    const parser = await createPythonParser(wasm);
    const texts = fixtureTexts();
    assert.ok(texts.length > 50, `fixture texts (${texts.length})`);
    const damaged = texts.slice(0, 10).map((t) => t.slice(0, Math.floor(t.length / 2)));
    const helper = ParseHelper.start(wasm);
    try {
      assert.equal(await helper.ready, true, 'the helper thread started');
      const sharing = helper.share(parser, [...texts, ...damaged]);
      // Asked in another order, some twice, and one text the helper was never given.
      const asked = [...shuffled([...texts, ...damaged]), texts[0], texts[3], 'x = (\n'];
      for (const text of asked) assert.deepEqual(sharing.parseModule(text), parser.parseModule(text));
      assert.ok(helper.helped > 0, 'the helper read some of the texts');
    } finally {
      await helper.stop();
    }
  });

  it('starts on texts shared before this thread has tree-sitter, with the wasm the helper reads itself', async () => {
    const texts = fixtureTexts();
    // The CLI starts the helper before its engine is loaded, and shares the texts before its own tree-sitter is.
    const helper = ParseHelper.start();
    try {
      const folder = new FolderParser();
      folder.shareWith(helper, texts);
      assert.throws(() => folder.parseModule(texts[0]), /no parser yet/);
      assert.equal(await helper.ready, true, 'the helper thread loaded tree-sitter on its own');
      const parser = await createPythonParser(readParserWasm());
      folder.use(parser);
      for (const text of texts) assert.deepEqual(folder.parseModule(text), parser.parseModule(text));
      assert.ok(helper.helped > 0, 'the helper read some of the texts');
      folder.alone();
      const before = helper.helped;
      assert.deepEqual(folder.parseModule(texts[1]), parser.parseModule(texts[1]));
      assert.equal(helper.helped, before, 'alone, the folder parses on this thread');
    } finally {
      await helper.stop();
    }
  });

  it('parses everything itself when the helper cannot start', async () => {
    const wasm = readParserWasm();
    const parser = await createPythonParser(wasm);
    const texts = fixtureTexts().slice(0, 20);
    const helper = ParseHelper.start(wasm, path.join(FIXTURES, 'no-such-worker.js'));
    try {
      assert.equal(await helper.ready, false);
      const sharing = helper.share(parser, texts);
      for (const text of texts) assert.deepEqual(sharing.parseModule(text), parser.parseModule(text));
      assert.equal(helper.helped, 0);
    } finally {
      await helper.stop();
    }
    // A worker that cannot even be made (a relative path is refused at once): the parser is used as it is.
    const refused = ParseHelper.start(wasm, 'no-such-worker.js');
    assert.equal(refused.share(parser, texts), parser);
    await refused.stop();
  });

  it('keeps the texts of two shares apart (two workspace folders on one helper)', async () => {
    const wasm = readParserWasm();
    const parser = await createPythonParser(wasm);
    const texts = fixtureTexts();
    const first = texts.slice(0, Math.floor(texts.length / 2));
    const second = texts.slice(first.length);
    const helper = ParseHelper.start(wasm);
    try {
      assert.equal(await helper.ready, true);
      const a = helper.share(parser, first);
      const b = helper.share(parser, second);
      // The second share's readings arrive while the first is still asked for its texts, one by one.
      for (const text of first) assert.deepEqual(a.parseModule(text), parser.parseModule(text));
      for (const text of second) assert.deepEqual(b.parseModule(text), parser.parseModule(text));
      assert.ok(helper.helped > 0, 'the helper read some of the texts');
    } finally {
      await helper.stop();
    }
  });

  it('analyses a project to the same findings with the helper as without it', async () => {
    const helper = ParseHelper.start(readParserWasm());
    try {
      assert.equal(await helper.ready, true);
      for (const fixture of ['core-tables', 'dialect-trees', 'flask-sqlalchemy']) {
        const root = path.join(FIXTURES, fixture);
        const alone = await analyzeFolder(root, { cache: false, parseAheadChars: Infinity });
        const helped = await analyzeFolder(root, { cache: false, parseAheadChars: 0, helper });
        assert.ok(alone.analysis.findings.length > 0, `${fixture} has findings`);
        assert.deepEqual(helped.analysis.findings, alone.analysis.findings, fixture);
      }
      assert.ok(helper.helped > 0, 'the helper read some of the files');
    } finally {
      await helper.stop();
    }
  });
});
