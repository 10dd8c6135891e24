/**
 * The worker thread of parseAhead.ts: loads tree-sitter, then reads the texts it is sent into flat trees, in order,
 * each one it can claim before the main thread does, and hands each tree over (its arrays transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createTextReader, type TextReader } from '../core/python/parser';
import { flatTreeBuffer } from '../core/python/flatTree';
import { readParserWasm } from './wasm';
import { CLAIMED_BY_HELPER, claimIndex, FREE, READY_COUNT, type HelperResult, type HelperStart, type HelperTexts } from './parseAheadProtocol';

function readAll(reader: TextReader, { texts, shared, port }: HelperTexts): void {
  const board = new Int32Array(shared);
  for (let i = 0; i < texts.length; i++) {
    if (Atomics.compareExchange(board, claimIndex(i), FREE, CLAIMED_BY_HELPER) !== FREE) continue;
    let result: HelperResult;
    try {
      result = { index: i, parsed: reader.read(texts[i], { detach: true }) };
    } catch {
      result = { index: i };
    }
    port.postMessage(result, result.parsed ? [flatTreeBuffer(result.parsed.tree)] : []);
    Atomics.add(board, READY_COUNT, 1);
    Atomics.notify(board, READY_COUNT);
  }
}

if (parentPort) {
  const start = workerData as HelperStart;
  const reader = createTextReader(start.wasm ?? readParserWasm());
  void reader.then(() => parentPort?.postMessage('ready'));
  // One message per folder shared; each is read to the end before the next.
  start.port.on('message', (texts: HelperTexts) => {
    void reader.then((r) => readAll(r, texts));
  });
}
