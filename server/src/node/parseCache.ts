import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detachFlatTree } from '../core/python/flatTree';
import { readParsedText } from '../core/python/parsedTextBytes';
import type { ParsedText, ParseOptions, SplitPythonParser } from '../core/python/parser';
import { PackWriter, readPack } from './parsePack';
import { packFileOf } from './cacheDir';

export { defaultCacheDir } from './cacheDir';

/**
 * The parse cache of one project folder: a pack (node/parsePack) of the flat trees tree-sitter made of its texts, by
 * the SHA-1 of each text, read once and each entry read when asked for. A run that had to parse anything writes a
 * new pack of the entries it used (atomically, at `flush()`; what is parsed after it, such as an editor's buffers as
 * they are typed, is not stored), so the pack follows the project. Flat trees, not syntax: they are written as they
 * are (JSON of the syntax of a big project cost a cold run a tenth of its time) and converted faster than JSON is
 * parsed. A damaged pack or entry is parsed again, never trusted.
 */
export class ParseCache {
  private stored: Map<string, Uint8Array> | undefined;
  /** Entries this run took from the old pack, kept until a parse makes a new pack worth writing. */
  private takenBeforeWriting: Array<[key: string, bytes: Uint8Array]> = [];
  /** The keys this run used (taken or parsed), each written once. */
  private readonly usedKeys = new Set<string>();
  private out: PackWriter | undefined;
  private writable = true;
  private closed = false;
  /** Keys already computed for texts asked about by `uncached`, so that no text is hashed twice. */
  private keys = new Map<string, string>();

  private constructor(private readonly packFile: string) {}

  /** The cache of the folder `project`, its pack in the cache folder `dir`. */
  static forProject(dir: string, project: string): ParseCache {
    return new ParseCache(packFileOf(dir, project));
  }

  /** The texts among `texts` that the cache does not hold (what a run will have to parse). */
  uncached(texts: string[]): string[] {
    const stored = this.storedEntries();
    const missing: string[] = [];
    for (const text of texts) {
      const key = this.keyOf(text);
      this.keys.set(text, key);
      if (!stored.has(key)) missing.push(text);
    }
    return missing;
  }

  /** `parser`, reading through the cache until `flush()`: a text it holds is not parsed, one parsed is stored. */
  wrap(parser: SplitPythonParser): SplitPythonParser {
    const read = (text: string, options?: ParseOptions & { detach?: boolean }): ParsedText => {
      // The pack holds what a check reads of each text: a whole text, rarely asked for, is parsed each time.
      if (this.closed || options?.whole) return parser.read(text, options);
      const key = this.keyOf(text);
      const held = this.take(key, text.length);
      if (held) return options?.detach ? { tree: detachFlatTree(held.tree), errors: held.errors } : held;
      const parsed = parser.read(text, options);
      this.store(key, parsed);
      return parsed;
    };
    return {
      read,
      convert: (text, parsed, options) => {
        // A text read elsewhere (by a helper thread) is stored as it is converted.
        if (!this.closed && !options?.whole) this.store(this.keyOf(text), parsed);
        return parser.convert(text, parsed, options);
      },
      parseModule: (text, options) => parser.convert(text, read(text, options), options),
    };
  }

  /** Writes the pack of what this run used, if it parsed anything; from then on the cache stores and serves nothing. */
  flush(): void {
    if (this.out) {
      try {
        this.out.finish();
      } catch {
        this.out.abandon();
      }
      this.out = undefined;
    }
    // What is parsed from now on (an editor's later buffers) is not stored: let the pack go.
    this.closed = true;
    this.stored = new Map();
    this.keys = new Map();
    this.takenBeforeWriting = [];
    this.usedKeys.clear();
  }

  private storedEntries(): Map<string, Uint8Array> {
    this.stored ??= readPack(this.packFile);
    return this.stored;
  }

  private keyOf(text: string): string {
    return this.keys.get(text) ?? createHash('sha1').update(text).digest('hex');
  }

  /** The stored reading of a text, noted as used; undefined when there is none or it is damaged. */
  private take(key: string, textLength: number): ParsedText | undefined {
    const bytes = this.storedEntries().get(key);
    const parsed = bytes && readParsedText(bytes, textLength);
    if (!bytes || !parsed) return undefined;
    if (!this.usedKeys.has(key)) {
      this.usedKeys.add(key);
      if (this.out) this.write(key, bytes);
      else this.takenBeforeWriting.push([key, bytes]);
    }
    return parsed;
  }

  /** Stores a text's reading in the new pack (started now, with what was taken before). */
  private store(key: string, parsed: ParsedText): void {
    if (this.usedKeys.has(key) || !this.writable) return;
    this.usedKeys.add(key);
    if (!this.out) {
      try {
        fs.mkdirSync(path.dirname(this.packFile), { recursive: true });
        this.out = PackWriter.open(this.packFile);
      } catch {
        this.writable = false;
        return;
      }
      for (const [k, bytes] of this.takenBeforeWriting) this.write(k, bytes);
      this.takenBeforeWriting = [];
    }
    this.write(key, parsed);
  }

  private write(key: string, entry: ParsedText | Uint8Array): void {
    try {
      this.out?.add(key, entry);
    } catch {
      this.out?.abandon();
      this.out = undefined;
      this.writable = false;
    }
  }
}

