// Bundles the CLI and the language server with esbuild into dist/, with the parsers' wasm files beside them.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

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

const entries = [{ in: 'server/src/cli.ts', out: 'cli' }];
if (fs.existsSync(path.join(root, 'server/src/server.ts'))) entries.push({ in: 'server/src/server.ts', out: 'server' });

await esbuild.build({
  absWorkingDir: root,
  entryPoints: entries,
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // Only the compiled tests use these look-ups (the bundle finds its wasm files beside itself).
  external: ['tree-sitter-python/package.json', 'web-tree-sitter/web-tree-sitter.wasm'],
  // NOTE: the ESM build of web-tree-sitter uses import.meta.url, which a CJS bundle does not have.
  alias: { 'web-tree-sitter': path.join(path.dirname(require.resolve('web-tree-sitter/web-tree-sitter.wasm')), 'web-tree-sitter.cjs').replace(/\\/g, '/') },
});
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
