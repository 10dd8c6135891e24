import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParserWasm } from '../core/python/parser';

const RUNTIME = 'web-tree-sitter.wasm';
const PYTHON = 'tree-sitter-python.wasm';

/**
 * Reads the two wasm files the parser needs: from `dir` when given, else beside the bundle (dist/),
 * else from node_modules (tests running from compiled sources).
 */
export function readParserWasm(dir?: string): ParserWasm {
  const candidates = dir ? [dir] : [__dirname, path.join(__dirname, '..', '..', 'dist')];
  for (const d of candidates) {
    const runtime = path.join(d, RUNTIME);
    const python = path.join(d, PYTHON);
    if (fs.existsSync(runtime) && fs.existsSync(python)) return { runtime: fs.readFileSync(runtime), python: fs.readFileSync(python) };
  }
  if (dir) throw new Error(`The parser's wasm files (${RUNTIME}, ${PYTHON}) are missing from ${dir}`);
  return {
    runtime: fs.readFileSync(require.resolve(`web-tree-sitter/${RUNTIME}`)),
    python: fs.readFileSync(path.join(path.dirname(require.resolve('tree-sitter-python/package.json')), PYTHON)),
  };
}
