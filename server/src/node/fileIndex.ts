import * as fs from 'node:fs';
import * as path from 'node:path';
import { resultsFolder } from './resultStore';
import { writeCacheFile } from './cacheDir';
import { stampProjectFiles, type FileStamp, type ProjectBytes, type SkippedFile } from './readProject';

/**
 * A project folder's last content key, with what the file system said of each file when it was read (size, times,
 * inode): a check whose files all say the same has the same key without reading them, as git's index spares git
 * reading unchanged files. A file changed shortly before it was read may change again within the same file time
 * (file times are coarse); such a file makes the index unusable until a later read.
 */

const INDEX_FILE = 'files.index';
const INDEX_FORMAT = 1;
/** Files changed less than this before the read may have changed since with the same stamp. */
const RACY_MS = 2000;

interface FileIndex {
  format: number;
  key: string;
  readAt: number;
  files: Array<[string, ...FileStamp]>;
  skipped: SkippedFile[];
}

/** Remembers the content key of files read at `readAt` (ms since the epoch, taken before the first was read). */
export function storeFileIndex(cacheDir: string, project: string, key: string, read: ProjectBytes, readAt: number): void {
  const index: FileIndex = { format: INDEX_FORMAT, key, readAt, files: [...read.stamps].map(([file, stamp]) => [file, ...stamp]), skipped: read.skipped };
  try {
    writeCacheFile(path.join(resultsFolder(cacheDir, project), INDEX_FILE), JSON.stringify(index));
  } catch {
    // Read-only or full disk: files are read each time.
  }
}

/** The content key of the project's files when the file system says of each what it said when they were last read; undefined otherwise. */
export function unchangedContentKey(cacheDir: string, project: string): string | undefined {
  let index: unknown;
  try {
    index = JSON.parse(fs.readFileSync(path.join(resultsFolder(cacheDir, project), INDEX_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isIndex(index)) return undefined;
  const settled = index.readAt - RACY_MS;
  if (index.files.some(([, , mtime, ctime]) => mtime >= settled || ctime >= settled)) return undefined;
  const now = stampProjectFiles(project);
  if (now.stamps.size !== index.files.length || JSON.stringify(now.skipped) !== JSON.stringify(index.skipped)) return undefined;
  for (const [file, ...stamp] of index.files) {
    const seen = now.stamps.get(file);
    if (!seen || seen.some((v, i) => v !== stamp[i])) return undefined;
  }
  return index.key;
}

function isIndex(x: unknown): x is FileIndex {
  if (typeof x !== 'object' || x === null) return false;
  const i = x as Partial<FileIndex>;
  return (
    i.format === INDEX_FORMAT &&
    typeof i.key === 'string' &&
    typeof i.readAt === 'number' &&
    Array.isArray(i.skipped) &&
    Array.isArray(i.files) &&
    i.files.every((f) => Array.isArray(f) && f.length === 5 && typeof f[0] === 'string' && f.slice(1).every((n) => typeof n === 'number'))
  );
}
