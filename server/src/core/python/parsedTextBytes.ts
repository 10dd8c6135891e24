import { FLAT_TREE_NODE_BYTES, flatTreeArrays, flatTreeOver, isWellFormedFlatTree } from './flatTree';
import type { ParsedText } from './parser';
import type { Span } from './syntax';

/**
 * A parsed text as bytes, for a parse cache on disk: how many nodes and errors, the error spans, then the flat tree's
 * arrays as `flatTreeOver` lays them out, each in the machine's byte order. Every
 * part is a multiple of 4 bytes long, so bytes read back at a 4-byte boundary are viewed in place, not copied.
 */

const HEAD_BYTES = 8;
const SPAN_BYTES = 16;

/** The fewest bytes an entry takes (a text of no nodes and no errors). */
export const MIN_ENTRY_BYTES = HEAD_BYTES;

/** How many bytes a parsed text of `nodes` nodes and `errors` error spans takes. */
function byteLength(nodes: number, errors: number): number {
  return HEAD_BYTES + errors * SPAN_BYTES + nodes * FLAT_TREE_NODE_BYTES;
}

/** How many bytes `parsed` takes. */
export function parsedTextByteLength(parsed: ParsedText): number {
  return byteLength(parsed.tree.size, parsed.errors.length);
}

/** Writes `parsed` into `into` at `at` (which needs `parsedTextByteLength(parsed)` bytes; any alignment). */
export function writeParsedText(parsed: ParsedText, into: Uint8Array, at: number): void {
  const t = parsed.tree;
  const n = t.size;
  const head = new Int32Array(2 + parsed.errors.length * 4);
  head[0] = n;
  head[1] = parsed.errors.length;
  parsed.errors.forEach((span, i) => head.set(span, 2 + i * 4));
  let pos = at;
  const put = (a: Int32Array | Uint16Array, count: number): void => {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, count * a.BYTES_PER_ELEMENT);
    into.set(bytes, pos);
    pos += bytes.length;
  };
  put(head, head.length);
  for (const a of flatTreeArrays(t)) put(a, n);
}

/**
 * The parsed text that `bytes` hold for a text of `textLength` characters, its arrays views onto `bytes` (which must
 * start at a 4-byte boundary of their buffer); undefined when the bytes are not a whole, well-formed entry.
 */
export function readParsedText(bytes: Uint8Array, textLength: number): ParsedText | undefined {
  if (bytes.byteOffset % 4 !== 0 || bytes.length < HEAD_BYTES) return undefined;
  const buffer = bytes.buffer;
  const [n, errorCount] = new Int32Array(buffer, bytes.byteOffset, 2);
  if (n < 0 || errorCount < 0 || bytes.length !== byteLength(n, errorCount)) return undefined;
  const spansAt = bytes.byteOffset + HEAD_BYTES;
  const spans = new Int32Array(buffer, spansAt, errorCount * 4);
  const errors: Span[] = [];
  for (let i = 0; i < errorCount; i++) errors.push([spans[i * 4], spans[i * 4 + 1], spans[i * 4 + 2], spans[i * 4 + 3]]);
  const tree = flatTreeOver(buffer, spansAt + errorCount * SPAN_BYTES, n);
  return isWellFormedFlatTree(tree, textLength) ? { tree, errors } : undefined;
}
