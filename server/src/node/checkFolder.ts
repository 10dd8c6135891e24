import type * as AnalyzeFolder from './analyzeFolder';
import { decodeProjectFiles, readProjectBytes, type ProjectBytes } from './readProject';
import { cachePackExists, defaultCacheDir } from './cacheDir';
import { PARSE_AHEAD_MIN_CHARS, ParseHelper } from './parseAhead';
import { checkResultOf, contentKey, readStoredResult, storeResult, type CheckResult } from './resultStore';
import { storeFileIndex, unchangedContentKey } from './fileIndex';
import { VERSION } from '../version';

/**
 * Checks a folder on disk. With the cache on, a run whose inputs (every file's bytes, the tool's version and build)
 * are unchanged reads the previous result (without reading the files when the file system says none changed since
 * they were last read), and never loads the engine (`engine` is called only when it must
 * analyse: the CLI passes a loader of its separately bundled engine); otherwise files already parsed come from the
 * parse cache.
 */
export async function checkFolder(root: string, options: { cache: boolean; engine: () => Pick<typeof AnalyzeFolder, 'analyzeFolder' | 'folderSettings'> }): Promise<CheckResult> {
  const cacheDir = options.cache ? defaultCacheDir(VERSION) : undefined;
  // Files that the file system says are as they were when last read have the key they had then.
  const unchanged = cacheDir && unchangedContentKey(cacheDir, root);
  const stored = cacheDir && unchanged && readStoredResult(cacheDir, root, unchanged);
  if (stored) return stored;
  const readAt = Date.now();
  const bytes = readProjectBytes(root);
  const store = cacheDir ? { dir: cacheDir, key: contentKey(bytes) } : undefined;
  const storedByContent = store && readStoredResult(store.dir, root, store.key);
  if (store) storeFileIndex(store.dir, root, store.key, bytes, readAt);
  if (storedByContent) return storedByContent;
  // A first check of a big project: the helper thread loads tree-sitter while this one loads the engine.
  const helper = manyTextsToParse(bytes, root, cacheDir) ? ParseHelper.start() : undefined;
  let result: CheckResult;
  try {
    const engine = options.engine();
    const read = decodeProjectFiles(bytes);
    const { problems } = engine.folderSettings(read);
    const { analysis } = await engine.analyzeFolder(root, { cache: options.cache, cacheDir: store?.dir, read, helper });
    result = checkResultOf(analysis, problems);
  } finally {
    await helper?.stop();
  }
  if (store) storeResult(store.dir, root, store.key, result);
  return result;
}

/**
 * Whether a check is about to parse enough text for a helper thread, before the engine says exactly: the folder has
 * that much Python and no parse cache (the engine starts a helper itself when a cache it has turns out to miss much).
 */
function manyTextsToParse(read: ProjectBytes, root: string, cacheDir: string | undefined): boolean {
  if (cacheDir && cachePackExists(cacheDir, root)) return false;
  let bytes = 0;
  for (const [file, content] of read.files) if (file.endsWith('.py')) bytes += content.length;
  return bytes >= PARSE_AHEAD_MIN_CHARS;
}
