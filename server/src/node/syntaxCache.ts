import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PythonParser, TreeSitterParser } from '../core/python/parser';
import { parseModuleFast } from '../core/python/fastParser';
import type { ModuleSyntax } from '../core/python/syntax';

export { defaultCacheDir } from './cacheDir';

/**
 * Wraps a parser with an on-disk cache of parsed syntax keyed by the SHA-1 of the file's text: a warm run reads JSON
 * instead of parsing. Entries are written atomically (when `shouldWrite` allows: an editor does not store every
 * keystroke's text); an unreadable or corrupt entry is parsed again, never trusted. Files the fast path parses never
 * touch the cache: parsing them again is quicker than reading their JSON.
 */
export function cachingParser(parser: PythonParser | TreeSitterParser, dir: string, options: { shouldWrite?: () => boolean } = {}): PythonParser {
  let writable = true;
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch {
    writable = false;
  }
  return {
    parseModule(text: string): ModuleSyntax {
      const fast = parseModuleFast(text);
      if (fast) return fast;
      const key = createHash('sha1').update(text).digest('hex');
      const file = path.join(dir, key.slice(0, 2), `${key}.json`);
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8')) as ModuleSyntax;
      } catch {
        // Not cached yet, or unreadable: parse.
      }
      const syntax = 'parseWithTreeSitter' in parser ? parser.parseWithTreeSitter(text) : parser.parseModule(text);
      if (writable && (options.shouldWrite?.() ?? true)) {
        try {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          const temp = `${file}.${process.pid}.tmp`;
          fs.writeFileSync(temp, JSON.stringify(syntax));
          fs.renameSync(temp, file);
        } catch {
          writable = false;
        }
      }
      return syntax;
    },
  };
}
