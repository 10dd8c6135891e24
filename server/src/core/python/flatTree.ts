import type { Language, Tree } from 'web-tree-sitter';
import type { Span } from './syntax';

/**
 * The functions of web-tree-sitter's own wasm binding that a walk needs. Emscripten puts them on the module object
 * handed to `Parser.init`; the public `TreeCursor` calls the same ones, but copies the cursor in and out of the
 * transfer buffer with generic `setValue`/`getValue` calls and makes an object per node, which cost more than the walk.
 */
interface CursorExports {
  _ts_init(): number;
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
  '_ts_init',
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

/** No node: what a child lookup returns when there is none. */
export const NO_NODE = -1;
const ERROR_SYMBOL = 0xffff;

/**
 * A tree-sitter tree copied into typed arrays in one walk: node `i` in pre-order has a type, a field in its parent,
 * a start and an end (UTF-16 offsets, as JavaScript strings count), its parent and the first node after its subtree.
 * Reading it costs no call into wasm, so a converter can look at a node as often as it likes.
 */
export class FlatTree {
  private typeIds = new Uint16Array(1024);
  private fieldIds = new Uint16Array(1024);
  private starts = new Int32Array(1024);
  private ends = new Int32Array(1024);
  private parents = new Int32Array(1024);
  private afters = new Int32Array(1024);
  private count = 0;
  private text = '';
  private lineStarts: number[] | undefined;
  private readonly named: Uint8Array;

  private constructor(
    private readonly exports: CursorExports,
    private readonly typeNames: string[],
    private readonly fieldIdsByName: Map<string, number>,
    language: Language,
  ) {
    this.named = new Uint8Array(typeNames.length);
    for (let id = 0; id < typeNames.length; id++) this.named[id] = language.nodeTypeIsNamed(id) ? 1 : 0;
  }

  /** A reusable flat tree for one language, or an error naming what the wasm binding lacks. */
  static forLanguage(module: object, language: Language): FlatTree {
    const missing = CURSOR_EXPORTS.filter((name) => typeof (module as Record<string, unknown>)[name] !== 'function');
    if (missing.length) throw new Error(`web-tree-sitter's module object lacks ${missing.join(', ')}: it must be the pinned version, initialised once with that object`);
    const fields = new Map<string, number>();
    language.fields.forEach((name, id) => {
      if (name) fields.set(name, id);
    });
    return new FlatTree(module as CursorExports, language.types, fields, language);
  }

  /** The id of a field name in this language (0 when the grammar has no such field). */
  fieldId(name: string): number {
    return this.fieldIdsByName.get(name) ?? 0;
  }

  /** Copies `tree` (parsed from `text`) into this object, replacing what it held; node 0 is the root. */
  load(tree: Tree, text: string): void {
    const x = this.exports;
    const address = (tree as unknown as { 0: number })[0];
    this.text = text;
    this.lineStarts = undefined;
    // The cursor lives in the binding's transfer buffer; nothing else touches that buffer during the walk.
    x._ts_init();
    x._ts_tree_root_node_wasm(address);
    x._ts_tree_cursor_new_wasm(address);
    let n = 0;
    let parent = NO_NODE;
    try {
      for (;;) {
        if (n === this.typeIds.length) this.grow();
        this.typeIds[n] = x._ts_tree_cursor_current_node_type_id_wasm(address);
        this.fieldIds[n] = x._ts_tree_cursor_current_field_id_wasm(address);
        this.starts[n] = x._ts_tree_cursor_start_index_wasm(address);
        this.ends[n] = x._ts_tree_cursor_end_index_wasm(address);
        this.parents[n] = parent;
        const node = n++;
        if (x._ts_tree_cursor_goto_first_child_wasm(address)) {
          parent = node;
          continue;
        }
        this.afters[node] = n;
        while (!x._ts_tree_cursor_goto_next_sibling_wasm(address)) {
          if (parent === NO_NODE) return;
          this.afters[parent] = n;
          parent = this.parents[parent];
          x._ts_tree_cursor_goto_parent_wasm(address);
        }
      }
    } finally {
      this.count = n;
      x._ts_tree_cursor_delete_wasm(address);
    }
  }

  private grow(): void {
    const size = this.typeIds.length * 2;
    const widen = <T extends Uint16Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.typeIds = widen(this.typeIds, (s) => new Uint16Array(s));
    this.fieldIds = widen(this.fieldIds, (s) => new Uint16Array(s));
    this.starts = widen(this.starts, (s) => new Int32Array(s));
    this.ends = widen(this.ends, (s) => new Int32Array(s));
    this.parents = widen(this.parents, (s) => new Int32Array(s));
    this.afters = widen(this.afters, (s) => new Int32Array(s));
  }

  /** How many nodes the tree has. */
  get size(): number {
    return this.count;
  }

  /** The node's type, as tree-sitter names it ('ERROR' for a region the parser could not read). */
  type(n: number): string {
    const id = this.typeIds[n];
    return id === ERROR_SYMBOL ? 'ERROR' : (this.typeNames[id] ?? 'ERROR');
  }

  /** Whether the node is a named one (not punctuation or a keyword token). */
  isNamed(n: number): boolean {
    const id = this.typeIds[n];
    return id === ERROR_SYMBOL || this.named[id] === 1;
  }

  /** The node's parent, or NO_NODE for the root. */
  parent(n: number): number {
    return this.parents[n];
  }

  /** The node's source text. */
  textOf(n: number): string {
    return this.text.slice(this.starts[n], this.ends[n]);
  }

  /** Where the node starts: an offset into the text (UTF-16 code units). */
  start(n: number): number {
    return this.starts[n];
  }

  /** Where the node ends: the offset just past it. */
  end(n: number): number {
    return this.ends[n];
  }

  /** The node's start and end as rows and columns (UTF-16 code units, as tree-sitter's web binding reports them). */
  span(n: number): Span {
    const a = this.starts[n];
    const b = this.ends[n];
    const lines = (this.lineStarts ??= lineStartsOf(this.text));
    const ra = rowOf(lines, a);
    const rb = b === a ? ra : rowOf(lines, b, ra);
    return [ra, a - lines[ra], rb, b - lines[rb]];
  }

  /** The node's children, named or not, in order. */
  children(n: number): number[] {
    const out: number[] = [];
    for (let c = n + 1, end = this.afters[n]; c < end; c = this.afters[c]) out.push(c);
    return out;
  }

  /** The node's named children, in order. */
  namedChildren(n: number): number[] {
    const out: number[] = [];
    for (let c = n + 1, end = this.afters[n]; c < end; c = this.afters[c]) if (this.isNamed(c)) out.push(c);
    return out;
  }

  /** The node's first named child, or NO_NODE. */
  firstNamedChild(n: number): number {
    for (let c = n + 1, end = this.afters[n]; c < end; c = this.afters[c]) if (this.isNamed(c)) return c;
    return NO_NODE;
  }

  /** The first child in the given field, or NO_NODE. */
  child(n: number, field: number): number {
    if (field === 0) return NO_NODE;
    for (let c = n + 1, end = this.afters[n]; c < end; c = this.afters[c]) if (this.fieldIds[c] === field) return c;
    return NO_NODE;
  }

  /** Every child in the given field, in order. */
  childrenInField(n: number, field: number): number[] {
    const out: number[] = [];
    if (field === 0) return out;
    for (let c = n + 1, end = this.afters[n]; c < end; c = this.afters[c]) if (this.fieldIds[c] === field) out.push(c);
    return out;
  }
}

function lineStartsOf(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
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
