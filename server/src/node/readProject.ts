import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFileError } from './fileErrors';
import { isRequirementsFile } from '../core/config/requirementsFile';

/** A file the reader left out, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

/** The project files read from disk: relative POSIX path -> text. */
export interface ProjectFiles {
  files: Map<string, string>;
  skipped: SkippedFile[];
}

/** The project files as read from disk, not yet decoded: relative POSIX path -> bytes. */
export interface ProjectBytes {
  files: Map<string, Uint8Array>;
  skipped: SkippedFile[];
  /** What the file system said of each file read, just before it was read. */
  stamps: Map<string, FileStamp>;
}

/** What the file system says of a file: its size, modification and change times (ms), and inode. */
export type FileStamp = [size: number, mtimeMs: number, ctimeMs: number, ino: number];

/** Folders that never hold the project's own models or migrations. */
const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__', 'site-packages', 'dist-packages', 'venv', 'env', '.venv', '.tox', '.nox', '.eggs', '.git', '.hg', '.svn', '.mypy_cache', '.pytest_cache', '.ruff_cache']);
/**
 * Files larger than this are not read (a generated dump, not code anyone edits by hand). A data migration with its
 * rows inline can pass 2 MB; left unread, its children would lose their parent and its tables would be missing.
 */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Why a file larger than `MAX_FILE_BYTES` was not read, as reported and as compared with what was skipped. */
export const TOO_LARGE_REASON = `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`;
const MAX_FILES = 50_000;

/**
 * Whether a file, by its path in the project, is one the engine reads: Python sources, the configs that declare Alembic
 * environments, and the files that say what the project requires (which Alembic it runs).
 */
export function isProjectFile(file: string): boolean {
  return file.endsWith('.py') || file.endsWith('.ini') || file === 'script.py.mako' || file.endsWith('/script.py.mako') || isRequirementsFile(file);
}

const DECODER = new TextDecoder('utf-8', { fatal: false });

/** Decodes file bytes as UTF-8, replacing what is not (a file in another encoding still yields text). */
export function decodeText(bytes: Uint8Array): string {
  return DECODER.decode(bytes);
}

/**
 * Reads the Python files and Alembic configs below `root`, skipping virtual environments, caches, hidden folders,
 * symlinked folders (no loops) and files over the size limit; never follows anything outside `root`.
 */
export function readProjectFiles(root: string): ProjectFiles {
  return decodeProjectFiles(readProjectBytes(root));
}

/** The texts of files read as bytes. */
export function decodeProjectFiles(read: ProjectBytes): ProjectFiles {
  const files = new Map<string, string>();
  for (const [file, bytes] of read.files) files.set(file, decodeText(bytes));
  return { files, skipped: read.skipped };
}

/** Reads the same files as readProjectFiles, as bytes (what a cache key needs; decoding waits until a text is). */
export function readProjectBytes(root: string): ProjectBytes {
  const files = new Map<string, Uint8Array>();
  const stamps = new Map<string, FileStamp>();
  const skipped: SkippedFile[] = [];
  const arena = new Arena();
  walkProject(root, skipped, (rel, full, link) => {
    try {
      // A link may point at a folder or a pipe: look before opening it.
      if (link && !fs.statSync(full).isFile()) return;
      const read = arena.read(full);
      if (read === TOO_LARGE) {
        skipped.push({ file: rel, reason: TOO_LARGE_REASON });
        return;
      }
      files.set(rel, read.bytes);
      stamps.set(rel, read.stamp);
    } catch (e) {
      if (!danglingLink(link, e)) skipped.push({ file: rel, reason: unreadable(rel, e) });
    }
  });
  return { files, skipped, stamps };
}

/** A link to nothing (pagure's hooks link to a deployment's path): no file of the project, passed over. */
function danglingLink(link: boolean, e: unknown): boolean {
  return link && (e as NodeJS.ErrnoException).code === 'ENOENT';
}

/** The files readProjectBytes would read, each with what the file system says of it, and the ones it would skip; nothing is read. */
export function stampProjectFiles(root: string): { stamps: Map<string, FileStamp>; skipped: SkippedFile[] } {
  const stamps = new Map<string, FileStamp>();
  const skipped: SkippedFile[] = [];
  walkProject(root, skipped, (rel, full, link) => {
    try {
      const stat = fs.statSync(full);
      if (link && !stat.isFile()) return;
      if (stat.size > MAX_FILE_BYTES) skipped.push({ file: rel, reason: TOO_LARGE_REASON });
      else stamps.set(rel, stampOf(stat));
    } catch (e) {
      if (!danglingLink(link, e)) skipped.push({ file: rel, reason: unreadable(rel, e) });
    }
  });
  return { stamps, skipped };
}

/** Why a file could not be read. Node names a file whose name is not UTF-8 with U+FFFD in its place: no path opens it. */
function unreadable(rel: string, e: unknown): string {
  return rel.slice(rel.lastIndexOf('/') + 1).includes('\uFFFD') ? 'cannot be read: its name is not valid UTF-8' : `cannot be read (${describeFileError(e)})`;
}

function stampOf(stat: fs.Stats): FileStamp {
  return [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino];
}

/**
 * Walks the folders below `root` that may hold the project's files (skipping virtual environments, caches, hidden
 * folders, symlinked folders and folders packages were installed into), in a fixed order, calling `onFile` for each
 * Python file or config (`link`: it is a symbolic link, which may not point at a file); a folder that cannot be
 * listed, and the files past MAX_FILES, go to `skipped`.
 */
function walkProject(root: string, skipped: SkippedFile[], onFile: (rel: string, full: string, link: boolean) => void): void {
  const stack: string[] = [''];
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  let count = 0;
  while (stack.length > 0) {
    const rel = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch (e) {
      if (rel) skipped.push({ file: rel, reason: `cannot be read (${describeFileError(e)})` });
      continue;
    }
    if (rel && entries.some(isInstallRecord)) continue;
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!passedOverByName(entry.name) && !isEnvironment(path.join(root, childRel))) stack.push(childRel);
        continue;
      }
      if (!isProjectFile(childRel)) continue;
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      if (++count > MAX_FILES) {
        skipped.push({ file: childRel, reason: `the project has more than ${MAX_FILES} Python and config files; the rest were not read` });
        return;
      }
      onFile(childRel, prefix + childRel, !entry.isFile());
    }
  }
}

/** Whether a folder is passed over by its name alone: a cache, a virtual environment's usual name, a hidden folder. */
function passedOverByName(name: string): boolean {
  return SKIPPED_FOLDERS.has(name) || name.startsWith('.');
}

/** Whether a folder is a virtual environment, whatever its name. */
function isEnvironment(full: string): boolean {
  return fs.existsSync(path.join(full, 'pyvenv.cfg'));
}

/**
 * Whether a file (by its path below `root`) lies in a folder the project's walk passes over, so that a change to it
 * on disk, or its editor buffer, is no file of the project either (pip filling a virtual environment or `libs/`).
 */
export function isInPassedOverFolder(root: string, file: string): boolean {
  const names = file.split('/').slice(0, -1);
  for (let i = 0; i < names.length; i++) {
    const full = path.join(root, ...names.slice(0, i + 1));
    if (passedOverByName(names[i]) || isEnvironment(full)) return true;
    try {
      if (fs.readdirSync(full, { withFileTypes: true }).some(isInstallRecord)) return true;
    } catch {
      // A folder gone or unreadable: the file is read (or found gone) as any other.
    }
  }
  return false;
}

/**
 * Whether a folder entry is the record of a package pip installed there (`x.dist-info`): its folder is one that
 * `pip install --target` filled (bazarr's `libs/`, a copy of SQLAlchemy and Alembic among them), third-party code and
 * never the project's own models or migrations.
 */
function isInstallRecord(entry: fs.Dirent): boolean {
  return entry.isDirectory() && entry.name.endsWith('.dist-info');
}

const TOO_LARGE = 'too large';
const READ_ONLY = fs.constants.O_RDONLY;

/**
 * Reads files one after the other into large shared buffers and hands out views of them: open, fstat, read, close
 * and no other system call or allocation per file (a `check` whose files changed reads every file to key its result).
 */
class Arena {
  private buffer = Buffer.allocUnsafeSlow(4 * 1024 * 1024);
  private used = 0;

  /** A file's bytes and what the file system said of it before it was read, or TOO_LARGE. */
  read(full: string): { bytes: Uint8Array; stamp: FileStamp } | typeof TOO_LARGE {
    const fd = fs.openSync(full, READ_ONLY);
    try {
      const stat = fs.fstatSync(fd);
      if (stat.size > MAX_FILE_BYTES) return TOO_LARGE;
      // Up to the size the file had (one still being written has another stamp by the next check); a file that
      // says 0 (some special files) is read to its end.
      const until = stat.size > 0 ? stat.size : MAX_FILE_BYTES + 1;
      let n = 0;
      while (n < until) {
        if (this.used + n === this.buffer.length) this.grow(n);
        const read = fs.readSync(fd, this.buffer, this.used + n, Math.min(this.buffer.length - this.used - n, until - n), null);
        if (read === 0) break;
        n += read;
      }
      if (n > MAX_FILE_BYTES) return TOO_LARGE;
      this.used += n;
      return { bytes: this.buffer.subarray(this.used - n, this.used), stamp: stampOf(stat) };
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Moves the `n` bytes read so far to the start of a new, larger buffer; views of the old one stay valid. */
  private grow(n: number): void {
    const next = Buffer.allocUnsafeSlow(Math.max(this.buffer.length, 2 * (n + 1), MAX_FILE_BYTES + 1));
    this.buffer.copy(next, 0, this.used, this.used + n);
    this.buffer = next;
    this.used = 0;
  }
}

/**
 * The dotted name a folder is imported by: its own name, after those of the folders above it that are packages too
 * (each with an `__init__.py`), as Python finds `nova.db.main` from the folder that holds nova/.
 */
export function packageNameOf(root: string): string {
  const names = [path.basename(path.resolve(root))];
  for (let dir = path.dirname(path.resolve(root)); fs.existsSync(path.join(dir, '__init__.py')) && dir !== path.dirname(dir); dir = path.dirname(dir)) {
    names.unshift(path.basename(dir));
  }
  return names.join('.');
}
