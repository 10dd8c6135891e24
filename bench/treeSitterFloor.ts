// The floor our own parser pays: web-tree-sitter's parse (no walk, no analysis) of every .py file of a project, split
// over two threads as the CLI splits it, in a fresh process. Beside CPython's ast.parse it shows how much of a cold
// check any tool built on tree-sitter's wasm build cannot avoid on this machine.
//
// Usage: node out/bench/treeSitterFloor.js PROJECT_DIR
// Prints one JSON object: files, bytes, load_s (both threads ready), parse_s (both halves parsed, after load).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Language, Parser } from 'web-tree-sitter';

const DIST = path.resolve(__dirname, '..', '..', 'dist');

interface Half {
  texts: string[];
}

async function loadParser(): Promise<Parser> {
  await Parser.init({ wasmBinary: fs.readFileSync(path.join(DIST, 'web-tree-sitter.wasm')) } as object);
  const parser = new Parser();
  parser.setLanguage(await Language.load(fs.readFileSync(path.join(DIST, 'tree-sitter-python.wasm'))));
  return parser;
}

function parseAll(parser: Parser, texts: string[]): void {
  for (const text of texts) parser.parse(text)?.delete();
}

/** The .py files under root, as bench/pyparse.py lists them (no dot folders, no __pycache__). */
function pythonFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && e.name !== '__pycache__') walk(full);
      } else if (e.name.endsWith('.py')) out.push(full);
    }
  };
  walk(root);
  return out;
}

async function main(): Promise<void> {
  const texts = pythonFiles(process.argv[2]).map((f) => fs.readFileSync(f, 'utf8'));
  // Two halves of about the same size, largest texts first.
  const halves: [string[], string[]] = [[], []];
  const sizes = [0, 0];
  for (const t of [...texts].sort((a, b) => b.length - a.length)) {
    const i = sizes[0] <= sizes[1] ? 0 : 1;
    halves[i].push(t);
    sizes[i] += t.length;
  }
  const start = performance.now();
  const worker = new Worker(__filename, { workerData: { texts: halves[1] } satisfies Half });
  const workerReady = new Promise<void>((resolve) => worker.once('message', () => resolve()));
  const parser = await loadParser();
  await workerReady;
  const loaded = performance.now();
  const workerDone = new Promise<void>((resolve) => worker.once('message', () => resolve()));
  worker.postMessage('parse');
  parseAll(parser, halves[0]);
  await workerDone;
  const end = performance.now();
  await worker.terminate();
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  process.stdout.write(JSON.stringify({ files: texts.length, bytes, load_s: (loaded - start) / 1000, parse_s: (end - loaded) / 1000 }) + '\n');
}

async function helper(): Promise<void> {
  const { texts } = workerData as Half;
  const parser = await loadParser();
  parentPort!.postMessage('ready');
  parentPort!.once('message', () => {
    parseAll(parser, texts);
    parentPort!.postMessage('done');
  });
}

void (isMainThread ? main() : helper());
