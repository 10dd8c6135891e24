// Bundles the CLI and the language server with esbuild into dist/, with the parsers' wasm files beside them.
import { createHash } from 'node:crypto';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');
fs.mkdirSync(dist, { recursive: true });

const wasm = [
  require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  path.join(path.dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'),
  // PostgreSQL's parser (op.execute SQL); its loader reads it from the bundle's folder.
  path.join(path.dirname(require.resolve('libpg-query')), 'libpg-query.wasm'),
];
for (const file of wasm) {
  if (!fs.existsSync(file)) {
    console.error(`build: missing ${file}`);
    process.exit(1);
  }
  fs.copyFileSync(file, path.join(dist, path.basename(file)));
}

// One build id for every bundle (the caches are per build: the CLI, its engine and the server must agree), from
// everything that goes into them.
const buildHash = createHash('sha1');
const hashTree = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) hashTree(full);
    else buildHash.update(`${path.relative(root, full)}\0`).update(fs.readFileSync(full));
  }
};
hashTree(path.join(root, 'server', 'src'));
for (const file of ['package-lock.json', 'scripts/build.mjs']) if (fs.existsSync(path.join(root, file))) buildHash.update(fs.readFileSync(path.join(root, file)));
const buildId = buildHash.digest('hex').slice(0, 12);

const common = {
  absWorkingDir: root,
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  define: { __ALEMBIC_DRIFT_BUILD__: JSON.stringify(buildId) },
  // Only the compiled tests use these look-ups (the bundle finds its wasm files beside itself).
  external: ['tree-sitter-python/package.json', 'web-tree-sitter/web-tree-sitter.wasm'],
  // NOTE: the ESM build of web-tree-sitter uses import.meta.url, which a CJS bundle does not have.
  alias: { 'web-tree-sitter': path.join(path.dirname(require.resolve('web-tree-sitter/web-tree-sitter.wasm')), 'web-tree-sitter.cjs').replace(/\\/g, '/') },
};

// The CLI in two bundles: cli.js (arguments, the result cache, output) and engine.js (parsing, analysis,
// rendering), which cli.js requires only when it must analyse: a warm `check` never loads the engine.
const engineApart = {
  name: 'engine-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/engine$/ }, (args) => (args.importer.endsWith(path.join('cli', 'loadEngine.ts')) ? { path: './engine.js', external: true } : undefined));
  },
};
await esbuild.build({ ...common, entryPoints: [{ in: 'server/src/cli.ts', out: 'cli' }], plugins: [engineApart] });
await esbuild.build({ ...common, entryPoints: [{ in: 'server/src/cli/engine.ts', out: 'engine' }] });
// The parse helper's thread (node/parseAhead.ts starts it from the bundle's folder).
await esbuild.build({ ...common, entryPoints: [{ in: 'server/src/node/parseWorker.ts', out: 'parseWorker' }] });
const cliText = fs.readFileSync(path.join(dist, 'cli.js'), 'utf8');
for (const heavy of ['web-tree-sitter', 'function analyzeFolder(']) {
  if (cliText.includes(heavy)) {
    console.error(`build: dist/cli.js holds ${heavy}; it belongs in dist/engine.js`);
    process.exit(1);
  }
}
if (fs.existsSync(path.join(root, 'server/src/server.ts'))) await esbuild.build({ ...common, entryPoints: [{ in: 'server/src/server.ts', out: 'server' }] });
// The VS Code extension: `vscode` is provided by the editor at run time.
await esbuild.build({
  absWorkingDir: root,
  entryPoints: [{ in: 'client/src/extension.ts', out: 'extension' }],
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  external: ['vscode'],
});
fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
for (const name of ['web-tree-sitter.wasm', 'tree-sitter-python.wasm', 'libpg-query.wasm']) {
  if (!fs.existsSync(path.join(dist, name))) {
    console.error(`build: ${name} is missing from dist/`);
    process.exit(1);
  }
}

// V8's code cache of the engine (server/src/node/codeCache.ts), made by a check of the example project, which
// compiles the functions a check runs: later checks skip compiling them. A Node whose V8 differs refuses it.
const engineCache = path.join(dist, 'engine.js.cache');
fs.rmSync(engineCache, { force: true });
const check = [path.join(dist, 'cli.js'), 'check', path.join(root, 'examples', 'shop'), '--no-cache', '--exit-zero', '--format', 'json'];
const made = spawnSync(process.execPath, check, { env: { ...process.env, ALEMBIC_DRIFT_WRITE_CODE_CACHE: '1' }, stdio: ['ignore', 'ignore', 'inherit'] });
if (made.status !== 0 || !fs.existsSync(engineCache)) {
  console.error(`build: the engine's code cache was not made (the example's check exited with ${made.status ?? made.signal})`);
  process.exit(1);
}
