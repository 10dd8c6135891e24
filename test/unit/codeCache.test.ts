import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeCacheFile, loadBundle, writeCodeCache } from '../../server/src/node/codeCache';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** A CommonJS module that uses what its wrapper gives it: `require`, `module`, `exports`, `__filename`, `__dirname`. */
const MODULE = `const path = require('node:path');
exports.where = () => path.basename(__dirname) + '/' + path.basename(__filename);
module.exports.sum = (xs) => xs.reduce((a, b) => a + b, 0);
`;

describe('the code cache of a bundle', () => {
  let dir: string;
  let bundle: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-code-cache-'));
    bundle = path.join(dir, 'bundle.js');
    fs.writeFileSync(bundle, MODULE);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The loaded module's answers, as its callers see them. */
  function answers(exports: unknown): [string, number] {
    const m = exports as { where(): string; sum(xs: number[]): number };
    return [m.where(), m.sum([1, 2, 3])];
  }

  it('loads a bundle as require does, then with the cache written for it', () => {
    const first = loadBundle(bundle);
    assert.equal(first.codeCache, 'none');
    assert.deepEqual(answers(first.exports), [`${path.basename(dir)}/bundle.js`, 6]);
    writeCodeCache(bundle, first);
    const again = loadBundle(bundle);
    assert.equal(again.codeCache, 'used');
    assert.deepEqual(answers(again.exports), [`${path.basename(dir)}/bundle.js`, 6]);
  });

  it('does not give V8 a cache made for another text of the same length', () => {
    writeCodeCache(bundle, loadBundle(bundle));
    // V8 itself checks only the length of the text a cache was made for.
    const changed = MODULE.replace('a + b', 'a - b');
    assert.equal(changed.length, MODULE.length);
    fs.writeFileSync(bundle, changed);
    const loaded = loadBundle(bundle);
    assert.equal(loaded.codeCache, 'none');
    assert.deepEqual(answers(loaded.exports), [`${path.basename(dir)}/bundle.js`, -6]);
  });

  it('does not give V8 a damaged cache', () => {
    writeCodeCache(bundle, loadBundle(bundle));
    const cache = fs.readFileSync(codeCacheFile(bundle));
    cache[cache.length - 1] ^= 0xff;
    fs.writeFileSync(codeCacheFile(bundle), cache);
    const loaded = loadBundle(bundle);
    assert.equal(loaded.codeCache, 'none');
    assert.deepEqual(answers(loaded.exports), [`${path.basename(dir)}/bundle.js`, 6]);
  });

  it('is made by the build for the engine, and taken by a CLI run of this Node', () => {
    // Loaded as the CLI loads it: in a process of its own, with the V8 settings the CLI gives a batch analysis.
    const script = `
      require(${JSON.stringify(path.join(REPO, 'out', 'server', 'src', 'node', 'v8Flags.js'))}).optimiseOnlyLastingHotCode();
      const { loadBundle } = require(${JSON.stringify(path.join(REPO, 'out', 'server', 'src', 'node', 'codeCache.js'))});
      const loaded = loadBundle(${JSON.stringify(path.join(REPO, 'dist', 'engine.js'))});
      process.stdout.write(loaded.codeCache + ' ' + typeof loaded.exports.analyzeFolder);`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'used function');
  });
});
