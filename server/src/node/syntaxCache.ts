import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PythonParser } from '../core/python/parser';
import type { ModuleSyntax } from '../core/python/syntax';

export { defaultCacheDir } from './cacheDir';

/**
 * Wraps a parser with an on-disk cache of parsed syntax keyed by the SHA-1 of the file's text: a warm run reads JSON
 * instead of parsing. Entries are written atomically (when `shouldWrite` allows: an editor does not store every
 * keystroke's text); an unreadable or corrupt entry is parsed again, never trusted.
 */
export function cachingParser(parser: PythonParser, dir: string, options: { shouldWrite?: () => boolean } = {}): PythonParser {
  let writable = true;
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch {
    writable = false;
  }
  return {
    parseModule(text: string): ModuleSyntax {
      const key = createHash('sha1').update(text).digest('hex');
      const file = path.join(dir, key.slice(0, 2), `${key}.json`);
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8')) as ModuleSyntax;
      } catch {
        // Not cached yet, or unreadable: parse.
      }
      const syntax = parser.parseModule(text);
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
