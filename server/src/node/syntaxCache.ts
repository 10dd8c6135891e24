import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PythonParser } from '../core/python/parser';
import type { ModuleSyntax } from '../core/python/syntax';

export { defaultCacheDir } from './cacheDir';

/** A parser whose results are kept on disk; `flush()` writes what this run parsed (call it once the analysis is done). */
export interface CachingParser extends PythonParser {
  flush(): void;
  /** The texts among `texts` that the cache does not hold (what a run will have to parse). */
  uncached(texts: string[]): string[];
}

/**
 * Wraps a parser with an on-disk cache of parsed syntax for one project folder: a pack, one file of
 * `sha1-of-text<TAB>json` lines, read once and its entries parsed when asked for. A run that had to parse anything
 * writes a new pack of the entries it used (atomically, at `flush()`; what is parsed after it, such as an editor's
 * buffers as they are typed, is not stored), so the pack follows the project. One file per project, not one per Python file: a cold run of a
 * big project wrote thousands of small files, which a busy disk made slower than the parsing. A damaged pack or
 * entry is parsed again, never trusted.
 */
export function cachingParser(parser: PythonParser, dir: string, options: { project: string }): CachingParser {
  const packFile = packFileOf(dir, options.project);
  let stored: Map<string, string> | undefined;
  /** The entries this run used, kept until a parse makes a new pack worth writing (then written as they come). */
  let used: Array<[key: string, json: string]> = [];
  let out: { fd: number; temp: string } | undefined;
  let writable = true;

  const write = (key: string, json: string): void => {
    if (!out) {
      used.push([key, json]);
      return;
    }
    try {
      fs.writeSync(out.fd, `${key}\t${json}\n`);
    } catch {
      abandon();
    }
  };
  const abandon = (): void => {
    if (!out) return;
    try {
      fs.closeSync(out.fd);
      fs.rmSync(out.temp, { force: true });
    } catch {
      // Nothing more to do: the old pack stays.
    }
    out = undefined;
    writable = false;
  };
  const startPack = (): void => {
    if (out || !writable) return;
    try {
      fs.mkdirSync(dir, { recursive: true });
      const temp = `${packFile}.${process.pid}.tmp`;
      out = { fd: fs.openSync(temp, 'w'), temp };
      const earlier = used;
      used = [];
      for (const [key, json] of earlier) write(key, json);
    } catch {
      writable = false;
    }
  };

  /** Keys already computed for texts asked about by `uncached`, so that no text is hashed twice. */
  let keys = new Map<string, string>();
  const keyOf = (text: string): string => keys.get(text) ?? createHash('sha1').update(text).digest('hex');

  return {
    uncached(texts: string[]): string[] {
      stored ??= readPack(packFile);
      const missing: string[] = [];
      for (const text of texts) {
        const key = keyOf(text);
        keys.set(text, key);
        if (!stored.has(key)) missing.push(text);
      }
      return missing;
    },
    parseModule(text: string): ModuleSyntax {
      stored ??= readPack(packFile);
      const key = keyOf(text);
      const json = stored.get(key);
      if (json !== undefined) {
        try {
          const syntax = JSON.parse(json) as ModuleSyntax;
          write(key, json);
          return syntax;
        } catch {
          // A damaged entry: parse.
        }
      }
      const syntax = parser.parseModule(text);
      if (writable) {
        startPack();
        write(key, JSON.stringify(syntax));
      }
      return syntax;
    },
    flush(): void {
      if (out) {
        try {
          fs.closeSync(out.fd);
          fs.renameSync(out.temp, packFile);
        } catch {
          fs.rmSync(out.temp, { force: true });
        }
        out = undefined;
      }
      // What is parsed from now on (an editor's later buffers) is not stored: let the pack's text go.
      stored = new Map();
      keys = new Map();
      used = [];
      writable = false;
    },
  };
}

/** Where the pack of a project folder is kept in a cache folder. */
function packFileOf(dir: string, project: string): string {
  return path.join(dir, `${createHash('sha1').update(path.resolve(project)).digest('hex').slice(0, 20)}.pack`);
}

/** Whether a cache folder holds a pack for a project folder (a run before this one parsed it). */
export function cachePackExists(dir: string, project: string): boolean {
  return fs.existsSync(packFileOf(dir, project));
}

/** The entries of a pack by key; an unreadable pack is empty, a line that is not `key<TAB>json` is skipped. */
function readPack(file: string): Map<string, string> {
  const entries = new Map<string, string>();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return entries;
  }
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const tab = text.indexOf('\t', start);
    if (tab === start + 40 && tab < end) entries.set(text.slice(start, tab), text.slice(tab + 1, end));
    start = end + 1;
  }
  return entries;
}
