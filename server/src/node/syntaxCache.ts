import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PythonParser } from '../core/python/parser';
import type { ModuleSyntax } from '../core/python/syntax';

/** Bumped whenever the shape of `ModuleSyntax` or the parser's output changes, so old entries are never read. */
const SYNTAX_FORMAT = 3;

let buildId: string | undefined;

/** A fingerprint of the running code itself, so that any new build (not only a new version) starts a fresh cache. */
function currentBuild(): string {
  if (buildId === undefined) {
    try {
      buildId = createHash('sha1').update(fs.readFileSync(__filename)).digest('hex').slice(0, 12);
    } catch {
      buildId = 'unknown';
    }
  }
  return buildId;
}

/**
 * Where users expect caches: $ALEMBIC_DRIFT_CACHE_DIR, else $XDG_CACHE_HOME/alembic-drift, else ~/.cache/alembic-drift;
 * one sub-folder per version and build of the tool.
 */
export function defaultCacheDir(toolVersion: string): string {
  const base = process.env.ALEMBIC_DRIFT_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'alembic-drift');
  const dir = path.join(base, `${toolVersion}-${SYNTAX_FORMAT}-${currentBuild()}`);
  if (!fs.existsSync(dir)) {
    // A new build: the folders of earlier builds will never be read again.
    try {
      // Only folders named as this tool names them: the base may be shared with other tools.
      for (const old of fs.readdirSync(base)) if (/^\d+\.\d+\.\d+-\d+-([0-9a-f]{12}|unknown)$/.test(old)) fs.rmSync(path.join(base, old), { recursive: true, force: true });
    } catch {
      // Nothing to prune.
    }
  }
  return dir;
}

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
