/**
 * Reuse of work between analyses. A computation run through `FileMemo.get` records which project files it read
 * (through the resolver); its result is kept until one of those files changes, so an edit redoes only the work that
 * read the edited file. `InputsMemo` keeps a result while its inputs are the very same objects.
 */

/** The same items in the same order (by identity). */
export function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Which project files the computations now running have read; nested computations report to every enclosing one. */
export class FileReads {
  private readonly frames: Array<Set<string>> = [];

  /** Notes that the running computations read `file`. */
  read(file: string): void {
    for (const frame of this.frames) frame.add(file);
  }

  /** Whether a computation is being tracked (so that reads matter). */
  get tracking(): boolean {
    return this.frames.length > 0;
  }

  /** Runs `compute`, returning its value and the files it read. */
  track<T>(compute: () => T): { value: T; files: Set<string> } {
    const files = new Set<string>();
    this.frames.push(files);
    try {
      return { value: compute(), files };
    } finally {
      this.frames.pop();
    }
  }
}

/** Entries by key, with what was used since the last sweep. */
class SweptEntries<E extends { used: boolean }> {
  protected readonly entries = new Map<string, E>();

  /** Forgets entries not used since the last sweep. */
  sweep(): void {
    this.entries.forEach((entry, key) => {
      if (entry.used) entry.used = false;
      else this.entries.delete(key);
    });
  }

  /** Whether a result for `key` is remembered (reading it would not compute). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
  }
}

interface MemoEntry<T> {
  value: T;
  /** The files the computation read. */
  reads: string[];
  used: boolean;
}

/**
 * Results by key, each kept until a file it read changes (`invalidate`). `sweep()` forgets entries not used since
 * the previous sweep, so memory follows the project, not its history.
 */
export class FileMemo<T> extends SweptEntries<MemoEntry<T>> {
  /** For each file, the keys of the entries that read it. */
  private readonly dependents = new Map<string, Set<string>>();

  constructor(private readonly reads: FileReads) {
    super();
  }

  /** The result for `key`: the remembered one if no file it read has changed since, else computed now. */
  get(key: string, compute: () => T): T {
    const entry = this.entries.get(key);
    if (entry) {
      entry.used = true;
      // An enclosing computation read what this one read.
      if (this.reads.tracking) for (const file of entry.reads) this.reads.read(file);
      return entry.value;
    }
    const { value, files } = this.reads.track(compute);
    const reads = [...files];
    this.entries.set(key, { value, reads, used: true });
    for (const file of reads) {
      const keys = this.dependents.get(file);
      if (keys) keys.add(key);
      else this.dependents.set(file, new Set([key]));
    }
    return value;
  }

  /** Forgets the entries that read `file` (its text changed, or it was removed or added); returns their keys. */
  invalidate(file: string): string[] {
    const keys = this.dependents.get(file);
    if (!keys) return [];
    const forgot: string[] = [];
    keys.forEach((key) => {
      if (this.entries.delete(key)) forgot.push(key);
    });
    this.dependents.delete(file);
    return forgot;
  }

  /** Forgets entries not used since the last sweep. */
  override sweep(): void {
    super.sweep();
    this.dependents.forEach((keys, file) => {
      keys.forEach((key) => {
        if (!this.entries.has(key)) keys.delete(key);
      });
      if (keys.size === 0) this.dependents.delete(file);
    });
  }

  /** Forgets everything. */
  override clear(): void {
    super.clear();
    this.dependents.clear();
  }
}

/**
 * Results by key, each valid while the inputs it was computed from are the very same objects (identity, in order):
 * a step whose inputs come from memoised steps is skipped when none of them was redone.
 */
export class InputsMemo<T> extends SweptEntries<{ inputs: readonly unknown[]; value: T; used: boolean }> {
  /** The result for `key`: the remembered one if its inputs are identical, else computed now (and remembered). */
  get(key: string, inputs: readonly unknown[], compute: () => T): T {
    const entry = this.entries.get(key);
    if (entry && sameItems(entry.inputs, inputs)) {
      entry.used = true;
      return entry.value;
    }
    const value = compute();
    this.entries.set(key, { inputs, value, used: true });
    return value;
  }
}

/**
 * One result kept while it is asked for with the same list of files (the same array) and every text it read is
 * still the same string: for work that reads a few config files by name out of the whole project.
 */
export class TextsMemo<T> {
  private last?: { files: readonly string[]; texts: Map<string, string | undefined>; value: T };

  /** The result of `compute` over `readText`: the remembered one if nothing it read has changed. */
  get(files: readonly string[], readText: (file: string) => string | undefined, compute: (readText: (file: string) => string | undefined) => T): T {
    const last = this.last;
    if (last && last.files === files && [...last.texts].every(([file, text]) => readText(file) === text)) return last.value;
    const texts = new Map<string, string | undefined>();
    const value = compute((file) => {
      const text = readText(file);
      texts.set(file, text);
      return text;
    });
    this.last = { files, texts, value };
    return value;
  }

  /** Forgets the result. */
  clear(): void {
    this.last = undefined;
  }
}
