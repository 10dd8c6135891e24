import * as fs from 'node:fs';
import * as path from 'node:path';

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

/** Folders that never hold the project's own models or migrations. */
const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__', 'site-packages', 'dist-packages', 'venv', 'env', '.venv', '.tox', '.nox', '.eggs', '.git', '.hg', '.svn', '.mypy_cache', '.pytest_cache', '.ruff_cache']);
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_FILES = 50_000;

/** Whether a file is one the engine reads: Python sources and the configs that declare Alembic environments. */
export function isProjectFile(name: string): boolean {
  return name.endsWith('.py') || name.endsWith('.ini') || name === 'pyproject.toml' || name === 'script.py.mako';
}

/** Decodes file bytes as UTF-8, replacing what is not (a file in another encoding still yields text). */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

/**
 * Reads the Python files and Alembic configs below `root`, skipping virtual environments, caches, hidden folders,
 * symlinked folders (no loops) and files over the size limit; never follows anything outside `root`.
 */
export function readProjectFiles(root: string): ProjectFiles {
  const files = new Map<string, string>();
  const skipped: SkippedFile[] = [];
  const stack: string[] = [''];
  let count = 0;
  while (stack.length > 0) {
    const rel = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch (e) {
      if (rel) skipped.push({ file: rel, reason: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (SKIPPED_FOLDERS.has(entry.name) || entry.name.startsWith('.')) continue;
        if (fs.existsSync(path.join(root, childRel, 'pyvenv.cfg'))) continue;
        stack.push(childRel);
        continue;
      }
      if (!isProjectFile(entry.name)) continue;
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      if (++count > MAX_FILES) {
        skipped.push({ file: childRel, reason: `the project has more than ${MAX_FILES} Python and config files; the rest were not read` });
        return { files, skipped };
      }
      try {
        const full = path.join(root, childRel);
        const stat = fs.statSync(full);
        if (!stat.isFile()) continue;
        if (stat.size > MAX_FILE_BYTES) {
          skipped.push({ file: childRel, reason: `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` });
          continue;
        }
        files.set(childRel, decodeText(fs.readFileSync(full)));
      } catch (e) {
        skipped.push({ file: childRel, reason: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
      }
    }
  }
  return { files, skipped };
}
