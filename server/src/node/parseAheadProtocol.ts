import type { MessagePort } from 'node:worker_threads';
import type { ParsedText, ParserWasm } from '../core/python/parser';

/** What the parse helper starts with: the parser's wasm (read by the helper itself when absent) and the port it talks to the main thread on. */
export interface HelperStart {
  wasm?: ParserWasm;
  port: MessagePort;
}

/** What the main thread then sends for each share: the texts, the shared board of claims, the port for results. */
export interface HelperTexts {
  texts: string[];
  shared: SharedArrayBuffer;
  port: MessagePort;
}

/** One text read by the helper (no `parsed` when reading it threw: the main thread parses it itself). */
export interface HelperResult {
  index: number;
  parsed?: ParsedText;
}

/** Slot of the shared board counting the results posted (the main thread waits on it). */
export const READY_COUNT = 0;
/** A text's claim: free, or taken by one of the two threads (whoever takes it parses it, exactly once). */
export const FREE = 0;
export const CLAIMED_BY_MAIN = 1;
export const CLAIMED_BY_HELPER = 2;

/** The board slot of text `i`'s claim. */
export function claimIndex(i: number): number {
  return 1 + i;
}

/** The size in bytes of a board for `n` texts. */
export function boardBytes(n: number): number {
  return Int32Array.BYTES_PER_ELEMENT * (1 + n);
}
