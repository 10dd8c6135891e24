import * as fs from 'node:fs';
import * as path from 'node:path';
import { createPythonParser, type PythonParser } from '../../server/src/core/python/parser';
import { readParserWasm } from '../../server/src/node/wasm';
import { loadSqlParsers } from '../../server/src/node/sqlParsers';

let parser: Promise<PythonParser> | undefined;

/** The real tree-sitter Python parser (and the engine's SQL parsers), loaded once for the whole test run. */
export function testParser(): Promise<PythonParser> {
  parser ??= loadSqlParsers().then(() => createPythonParser(readParserWasm()));
  return parser;
}

/** Removes the common indentation of a template literal, so inline Python reads naturally in tests. */
export function py(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** Every Python file of the fixture projects, as [path under test/fixtures, text], in path order. */
export function fixturePythonFiles(): Array<[string, string]> {
  const root = path.join(__dirname, '..', '..', '..', 'test', 'fixtures');
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]);
}
