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
