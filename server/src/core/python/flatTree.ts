import type { Language, Tree } from 'web-tree-sitter';
import type { Span } from './syntax';

/**
 * The functions of web-tree-sitter's own wasm binding that a walk needs. Emscripten puts them on the module object
 * handed to `Parser.init`; the public `TreeCursor` calls the same ones, but copies the cursor in and out of the
 * transfer buffer with generic `setValue`/`getValue` calls and makes an object per node, which cost more than the walk.
 */
interface CursorExports {
  _ts_tree_root_node_wasm(tree: number): void;
  _ts_tree_cursor_new_wasm(tree: number): void;
  _ts_tree_cursor_delete_wasm(tree: number): void;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
}

const CURSOR_EXPORTS: Array<keyof CursorExports> = [
  '_ts_tree_root_node_wasm',
  '_ts_tree_cursor_new_wasm',
  '_ts_tree_cursor_delete_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
];

const INITIAL_NODES = 1024;
/** The most nodes whose arrays a walker keeps between walks (about 5 MB). */
const MAX_KEPT_NODES = 1 << 18;

/** No node: what a child lookup returns when there is none. */
export const NO_NODE = -1;
const ERROR_SYMBOL = 0xffff;

/**
 * A tree-sitter tree copied into typed arrays: node `i` in pre-order has a type, a field in its parent, a start and an
 * end (UTF-16 offsets, as JavaScript strings count), its parent and the first node after its subtree. Plain arrays,
 * so a tree read on one thread can be handed to another (once copied out of the walker's reused arrays).
 */
export interface FlatTreeData {
  size: number;
  typeIds: Uint16Array;
  fieldIds: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  parents: Int32Array;
  afters: Int32Array;
}

/** Bytes per node of a flat tree's arrays: starts, ends, parents and afters (32-bit), then types and fields (16-bit). */
export const FLAT_TREE_NODE_BYTES = 20;

/**
 * Views of the arrays of `size` nodes laid out from `byteOffset` of `buffer` (a multiple of 4), in the order of
 * FLAT_TREE_NODE_BYTES; `size` nodes in use.
 */
export function flatTreeOver(buffer: ArrayBufferLike, byteOffset: number, size: number): FlatTreeData {
  const int32 = (k: number): Int32Array => new Int32Array(buffer, byteOffset + k * size * 4, size);
  const uint16 = (k: number): Uint16Array => new Uint16Array(buffer, byteOffset + size * 16 + k * size * 2, size);
  return { size, starts: int32(0), ends: int32(1), parents: int32(2), afters: int32(3), typeIds: uint16(0), fieldIds: uint16(1) };
}

/** Arrays for `size` nodes, all in one buffer (which is what a worker thread transfers), none in use yet. */
function allocate(size: number): FlatTreeData {
  const d = flatTreeOver(new ArrayBuffer(size * FLAT_TREE_NODE_BYTES), 0, size);
  d.size = 0;
  return d;
}

/** A flat tree's arrays in the order `flatTreeOver` lays them out. */
export function flatTreeArrays(d: FlatTreeData): Array<Int32Array | Uint16Array> {
  return [d.starts, d.ends, d.parents, d.afters, d.typeIds, d.fieldIds];
}

/** The first `n` nodes of `from`, copied into `to`. */
function copyNodes(from: FlatTreeData, to: FlatTreeData, n: number): void {
  const source = flatTreeArrays(from);
  flatTreeArrays(to).forEach((a, k) => a.set(source[k].subarray(0, n)));
}

/** A tree of no nodes (what an unparsable text gives, and what a view shows when it shows nothing). */
export const EMPTY_FLAT_TREE: FlatTreeData = allocate(0);

/** A copy of the first `size` nodes in a buffer of their own (what a worker thread transfers). */
export function detachFlatTree(d: FlatTreeData): FlatTreeData {
  const copy = allocate(d.size);
  copyNodes(d, copy, d.size);
  copy.size = d.size;
  return copy;
}

/**
 * Whether `d` is a tree in pre-order over a text of `textLength` (what a damaged copy may not be): node 0 the root of
 * all nodes, each other node's parent before it, each subtree inside its parent's, offsets inside the text. A
 * converter reading such a tree always ends.
 */
export function isWellFormedFlatTree(d: FlatTreeData, textLength: number): boolean {
  const n = d.size;
  if (n === 0) return true;
  if (d.parents[0] !== NO_NODE || d.afters[0] !== n) return false;
  for (let i = 0; i < n; i++) {
    const start = d.starts[i];
    const end = d.ends[i];
    const after = d.afters[i];
    if (start < 0 || end < start || end > textLength || after <= i || after > n) return false;
    if (i === 0) continue;
    const parent = d.parents[i];
    if (parent < 0 || parent >= i || after > d.afters[parent]) return false;
  }
  return true;
}

/** The one buffer a flat tree's arrays live in, to transfer it to another thread. */
export function flatTreeBuffer(d: FlatTreeData): ArrayBuffer {
  return d.starts.buffer as ArrayBuffer;
}

/**
 * Copies tree-sitter trees into flat arrays with one cursor walk each, calling the binding's exports directly; the
 * arrays are reused from one tree to the next.
 */
export class FlatTreeWalker {
  private data = allocate(INITIAL_NODES);

  private constructor(private readonly exports: CursorExports) {}

  /** A walker over the given tree-sitter module object, or an error naming what the object lacks. */
  static forModule(module: object): FlatTreeWalker {
    const missing = CURSOR_EXPORTS.filter((name) => typeof (module as Record<string, unknown>)[name] !== 'function');
    if (missing.length) throw new Error(`web-tree-sitter's module object lacks ${missing.join(', ')}: it must be the pinned version, initialised once with that object`);
    return new FlatTreeWalker(module as CursorExports);
  }

  /** Copies `tree` into the walker's arrays (valid until the next walk); node 0 is the root. */
  walk(tree: Tree): FlatTreeData {
    const x = this.exports;
    const address = (tree as unknown as { 0: number })[0];
    // Arrays a huge file grew are not kept for the rest of the process.
    if (this.data.typeIds.length > MAX_KEPT_NODES) this.data = allocate(INITIAL_NODES);
    let d = this.data;
    // The cursor lives in the binding's transfer buffer; nothing else touches that buffer during the walk.
    x._ts_tree_root_node_wasm(address);
    x._ts_tree_cursor_new_wasm(address);
    let n = 0;
    let parent = NO_NODE;
    try {
      for (;;) {
        if (n === d.typeIds.length) d = this.data = grow(d);
        d.typeIds[n] = x._ts_tree_cursor_current_node_type_id_wasm(address);
        d.fieldIds[n] = x._ts_tree_cursor_current_field_id_wasm(address);
        d.starts[n] = x._ts_tree_cursor_start_index_wasm(address);
        d.ends[n] = x._ts_tree_cursor_end_index_wasm(address);
        d.parents[n] = parent;
        const node = n++;
        if (x._ts_tree_cursor_goto_first_child_wasm(address)) {
          parent = node;
          continue;
        }
        d.afters[node] = n;
        while (!x._ts_tree_cursor_goto_next_sibling_wasm(address)) {
          if (parent === NO_NODE) return d;
          d.afters[parent] = n;
          parent = d.parents[parent];
          x._ts_tree_cursor_goto_parent_wasm(address);
        }
      }
    } finally {
      d.size = n;
      x._ts_tree_cursor_delete_wasm(address);
    }
  }
}

function grow(d: FlatTreeData): FlatTreeData {
  const bigger = allocate(d.typeIds.length * 2);
  copyNodes(d, bigger, d.typeIds.length);
  return bigger;
}

/**
 * A flat tree read with the names of its language: node types, fields, text, positions, children. Reading it costs
 * no call into wasm, so a converter can look at a node as often as it likes.
 */
export class FlatTree {
  private d: FlatTreeData = EMPTY_FLAT_TREE;
  private text = '';
  private lineStarts: number[] | undefined;
  /** The row of the last span asked for: a converter asks in about text order, so the next is usually on it or just after. */
  private lastRow = 0;
  private readonly named: Uint8Array;
  private readonly typeNames: string[];
  private readonly fieldIdsByName = new Map<string, number>();

  constructor(language: Language) {
    this.typeNames = language.types;
    this.named = new Uint8Array(this.typeNames.length);
    for (let id = 0; id < this.typeNames.length; id++) this.named[id] = language.nodeTypeIsNamed(id) ? 1 : 0;
    language.fields.forEach((name, id) => {
      if (name) this.fieldIdsByName.set(name, id);
    });
  }

  /** The id of a field name in this language (0 when the grammar has no such field). */
  fieldId(name: string): number {
    return this.fieldIdsByName.get(name) ?? 0;
  }

  /** Reads `data`, the tree of `text`, from now on. */
  show(data: FlatTreeData, text: string): void {
    this.d = data;
    this.text = text;
    this.lineStarts = undefined;
    this.lastRow = 0;
  }

  /** How many nodes the tree has. */
  get size(): number {
    return this.d.size;
  }

  /** The node's type, as tree-sitter names it ('ERROR' for a region the parser could not read). */
  type(n: number): string {
    const id = this.d.typeIds[n];
    return id === ERROR_SYMBOL ? 'ERROR' : (this.typeNames[id] ?? 'ERROR');
  }

  /** Whether the node is a named one (not punctuation or a keyword token). */
  isNamed(n: number): boolean {
    const id = this.d.typeIds[n];
    return id === ERROR_SYMBOL || this.named[id] === 1;
  }

  /** The node's parent, or NO_NODE for the root. */
  parent(n: number): number {
    return this.d.parents[n];
  }

  /** The node's source text. */
  textOf(n: number): string {
    return this.text.slice(this.d.starts[n], this.d.ends[n]);
  }

  /** Where the node starts: an offset into the text (UTF-16 code units). */
  start(n: number): number {
    return this.d.starts[n];
  }

  /** Where the node ends: the offset just past it. */
  end(n: number): number {
    return this.d.ends[n];
  }

  /** The node's start and end as rows and columns (UTF-16 code units, as tree-sitter's web binding reports them). */
  span(n: number): Span {
    const a = this.d.starts[n];
    const b = this.d.ends[n];
    const lines = (this.lineStarts ??= lineStartsOf(this.text));
    const ra = rowNear(lines, a, this.lastRow);
    this.lastRow = ra;
    const rb = b === a ? ra : rowNear(lines, b, ra);
    return [ra, a - lines[ra], rb, b - lines[rb]];
  }

  /** The node's children, named or not, in order. */
  children(n: number): number[] {
    const out: number[] = [];
    for (let c = n + 1, end = this.d.afters[n]; c < end; c = this.d.afters[c]) out.push(c);
    return out;
  }

  /** The node's named children, in order. */
  namedChildren(n: number): number[] {
    const out: number[] = [];
    for (let c = n + 1, end = this.d.afters[n]; c < end; c = this.d.afters[c]) if (this.isNamed(c)) out.push(c);
    return out;
  }

  /** The node's first named child, or NO_NODE. */
  firstNamedChild(n: number): number {
    for (let c = n + 1, end = this.d.afters[n]; c < end; c = this.d.afters[c]) if (this.isNamed(c)) return c;
    return NO_NODE;
  }

  /** The next named child of the node's parent after this node, or NO_NODE: with firstNamedChild, a walk of the named children that makes no list. */
  nextNamedSibling(n: number): number {
    for (let c = this.d.afters[n], end = this.d.afters[this.d.parents[n]]; c < end; c = this.d.afters[c]) if (this.isNamed(c)) return c;
    return NO_NODE;
  }

  /** The first child in the given field, or NO_NODE. */
  child(n: number, field: number): number {
    if (field === 0) return NO_NODE;
    for (let c = n + 1, end = this.d.afters[n]; c < end; c = this.d.afters[c]) if (this.d.fieldIds[c] === field) return c;
    return NO_NODE;
  }

  /** Every child in the given field, in order. */
  childrenInField(n: number, field: number): number[] {
    const out: number[] = [];
    if (field === 0) return out;
    for (let c = n + 1, end = this.d.afters[n]; c < end; c = this.d.afters[c]) if (this.d.fieldIds[c] === field) out.push(c);
    return out;
  }
}

function lineStartsOf(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/** The row of an offset, looked for on row `hint` and the few rows after it before the whole text is searched. */
function rowNear(lines: number[], offset: number, hint: number): number {
  if (lines[hint] > offset) return rowOf(lines, offset);
  const last = lines.length - 1;
  for (let row = hint; row < hint + 4; row++) {
    if (row === last || lines[row + 1] > offset) return row;
  }
  return rowOf(lines, offset, hint + 4);
}

/** The row of an offset: the last line start at or before it (searching from `from` on). */
function rowOf(lines: number[], offset: number, from = 0): number {
  let lo = from;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
