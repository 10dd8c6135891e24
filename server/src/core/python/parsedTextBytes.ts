import { isWellFormedFlatTree, type FlatTreeData } from './flatTree';
import type { ParsedText } from './parser';
import type { Span } from './syntax';

/**
 * A parsed text as bytes, for a parse cache on disk: how many nodes and errors, the error spans, then the flat tree's
 * arrays (starts, ends, parents, afters as 32-bit; types, fields as 16-bit), each in the machine's byte order. Every
 * part is a multiple of 4 bytes long, so bytes read back at a 4-byte boundary are viewed in place, not copied.
 */

const HEAD_BYTES = 8;
const SPAN_BYTES = 16;
const NODE_BYTES = 20;

/** How many bytes `parsed` takes. */
export function parsedTextByteLength(parsed: ParsedText): number {
  return HEAD_BYTES + parsed.errors.length * SPAN_BYTES + parsed.tree.size * NODE_BYTES;
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
  put(t.starts, n);
  put(t.ends, n);
  put(t.parents, n);
  put(t.afters, n);
  put(t.typeIds, n);
  put(t.fieldIds, n);
}

/**
 * The parsed text that `bytes` hold for a text of `textLength` characters, its arrays views onto `bytes` (which must
 * start at a 4-byte boundary of their buffer); undefined when the bytes are not a whole, well-formed entry.
 */
export function readParsedText(bytes: Uint8Array, textLength: number): ParsedText | undefined {
  if (bytes.byteOffset % 4 !== 0 || bytes.length < HEAD_BYTES) return undefined;
  const buffer = bytes.buffer;
  let pos = bytes.byteOffset;
  const head = new Int32Array(buffer, pos, 2);
  const [n, errorCount] = head;
  if (n < 0 || errorCount < 0 || bytes.length !== HEAD_BYTES + errorCount * SPAN_BYTES + n * NODE_BYTES) return undefined;
  pos += HEAD_BYTES;
  const spans = new Int32Array(buffer, pos, errorCount * 4);
  const errors: Span[] = [];
  for (let i = 0; i < errorCount; i++) errors.push([spans[i * 4], spans[i * 4 + 1], spans[i * 4 + 2], spans[i * 4 + 3]]);
  pos += errorCount * SPAN_BYTES;
  const int32 = (): Int32Array => {
    const a = new Int32Array(buffer, pos, n);
    pos += n * 4;
    return a;
  };
  const uint16 = (): Uint16Array => {
    const a = new Uint16Array(buffer, pos, n);
    pos += n * 2;
    return a;
  };
  const tree: FlatTreeData = { size: n, starts: int32(), ends: int32(), parents: int32(), afters: int32(), typeIds: uint16(), fieldIds: uint16() };
  return isWellFormedFlatTree(tree, textLength) ? { tree, errors } : undefined;
}
