import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PythonParser } from '../core/python/parser';
import type { ModuleSyntax } from '../core/python/syntax';

export { defaultCacheDir } from './cacheDir';

/** A parser whose results are kept on disk; `flush()` writes what this run parsed (call it once the analysis is done). */
export interface CachingParser extends PythonParser {
  flush(): void;
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
  const packFile = path.join(dir, `${createHash('sha1').update(path.resolve(options.project)).digest('hex').slice(0, 20)}.pack`);
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

  return {
    parseModule(text: string): ModuleSyntax {
      stored ??= readPack(packFile);
      const key = createHash('sha1').update(text).digest('hex');
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
      used = [];
      writable = false;
    },
  };
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
