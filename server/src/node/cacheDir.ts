import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Bumped whenever the parse cache's entries (flat trees, core/python/parsedTextBytes) or its layout change, so old entries are never read. */
const CACHE_FORMAT = 6;

/** Set by the build (scripts/build.mjs) from the sources of all bundles, so the CLI, its engine and the server agree. */
declare const __ALEMBIC_DRIFT_BUILD__: string | undefined;

let buildId: string | undefined;

/** A fingerprint of the running code itself, so that any new build (not only a new version) starts a fresh cache. */
function currentBuild(): string {
  if (buildId === undefined) {
    if (typeof __ALEMBIC_DRIFT_BUILD__ === 'string') buildId = __ALEMBIC_DRIFT_BUILD__;
    else {
      try {
        buildId = createHash('sha1').update(fs.readFileSync(__filename)).digest('hex').slice(0, 12);
      } catch {
        buildId = 'unknown';
      }
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
  const dir = path.join(base, `${toolVersion}-${CACHE_FORMAT}-${currentBuild()}`);
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
 * The name a project folder's entries have in a cache folder (its parse pack, its stored results): of its real path,
 * so that every way to reach it (a symbolic link, a drive letter in another case) names the same entries.
 */
export function projectCacheName(project: string): string {
  let real = path.resolve(project);
  try {
    real = fs.realpathSync.native(real);
  } catch {
    // A folder that cannot be resolved is named as given.
  }
  return createHash('sha1').update(real).digest('hex').slice(0, 20);
}

/** Where the parse pack of a project folder is kept in a cache folder (node/parseCache.ts). */
export function packFileOf(dir: string, project: string): string {
  return path.join(dir, `${projectCacheName(project)}.pack`);
}

/** Whether a cache folder holds a parse pack for a project folder (a run before this one parsed it). */
export function cachePackExists(dir: string, project: string): boolean {
  return fs.existsSync(packFileOf(dir, project));
}

/** A temporary file this old was left by a process stopped while it wrote. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * Removes the temporary files (`NAME.PID.tmp`) in a cache folder whose name starts with `prefix` and that are over an
 * hour old: left by a process stopped while it wrote them (one being written now is younger).
 */
export function removeStaleTemporaryFiles(folder: string, prefix: string): void {
  const now = Date.now();
  try {
    for (const name of fs.readdirSync(folder)) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const file = path.join(folder, name);
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (stat && now - stat.mtimeMs > STALE_TEMP_MS) fs.rmSync(file, { force: true });
    }
  } catch {
    // A file removed meanwhile, or a folder that cannot be read: the next write tries again.
  }
}

/**
 * Writes a cache file whole: into `NAME.PID.tmp` beside it (which `removeStaleTemporaryFiles` clears if the process
 * stops midway), then renamed over it, so that a reader never sees half of it. Throws when the disk refuses.
 */
export function writeCacheFile(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}
