import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EnvironmentAnalysis } from '../core/project';
import { newRevision, RevisionError, type NewRevision } from '../core/render/newRevision';
import type { FolderAnalysis } from './analyzeFolder';
import { describeFileError } from './fileErrors';

/** A revision written to disk: its absolute path and what it holds. */
export interface WrittenRevision {
  path: string;
  revision: NewRevision;
}

/** What to write: the analysed folder, the environment the revision belongs to, and its message. */
export interface WriteRevisionInput {
  root: string;
  folder: FolderAnalysis;
  environment: EnvironmentAnalysis;
  message: string;
  /** The revision id to use (`--rev-id`); a fresh random one when undefined. */
  revisionId?: string;
  /** The head to follow (`--head`), where the heads must not all be merged. */
  head?: string;
  /** The clock (tests pass a fixed time). */
  now?: Date;
}

/** A fresh revision id: the last 12 hex digits of a random UUID, as Alembic makes them. */
export function randomRevisionId(): string {
  return randomUUID().replace(/-/g, '').slice(-12);
}

/**
 * Plans a revision for one environment of a folder (reading its `script.py.mako`) and writes it atomically: to a
 * temporary file first, then linked to its name, which fails rather than replace a file that exists.
 */
export function writeRevision(input: WriteRevisionInput): WrittenRevision {
  const env = input.environment.env;
  const templatePath = path.join(input.root, env.scriptLocation, 'script.py.mako');
  const template = fs.existsSync(templatePath) ? fs.readFileSync(templatePath, 'utf8') : undefined;
  const revision = newRevision({
    environment: input.environment,
    message: input.message,
    template,
    existingFiles: [...input.folder.project.paths(), ...listFolders(input.root, env.versionLocations)],
    now: input.now ?? new Date(),
    newId: randomRevisionId,
    revisionId: input.revisionId,
    head: input.head,
    dialect: input.folder.settings.dialect,
  });
  const target = path.join(input.root, ...revision.file.split('/'));
  writeNewFile(target, revision.text);
  return { path: target, revision };
}

/** The files already in the version folders (relative POSIX paths), whatever their kind. */
function listFolders(root: string, folders: string[]): string[] {
  const out: string[] = [];
  for (const folder of folders) {
    try {
      for (const name of fs.readdirSync(path.join(root, folder))) out.push(folder ? `${folder}/${name}` : name);
    } catch {
      // A version folder that does not exist yet holds nothing.
    }
  }
  return out;
}

/**
 * Writes a file that must not exist yet, so that a failure leaves neither a partial file nor a replaced one; a file
 * system that refuses (permissions, a read-only disk, a file where a folder must be) is a RevisionError saying why.
 */
function writeNewFile(target: string, text: string): void {
  try {
    writeNewFileOrThrow(target, text);
  } catch (e) {
    if (e instanceof RevisionError) throw e;
    throw new RevisionError(`cannot write ${target}: ${describeFileError(e)}`);
  }
}

function writeNewFileOrThrow(target: string, text: string): void {
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  fs.writeFileSync(temp, text, { encoding: 'utf8', flag: 'wx' });
  try {
    fs.linkSync(temp, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new RevisionError(`${target} already exists`);
    // A file system without hard links: check, then rename (atomic, though not exclusive).
    if (fs.existsSync(target)) throw new RevisionError(`${target} already exists`);
    fs.renameSync(temp, target);
    return;
  } finally {
    if (fs.existsSync(temp)) fs.unlinkSync(temp);
  }
}
