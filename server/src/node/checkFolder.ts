import type * as AnalyzeFolder from './analyzeFolder';
import { decodeProjectFiles, readProjectBytes } from './readProject';
import { defaultCacheDir } from './cacheDir';
import { checkResultOf, contentKey, readStoredResult, storeResult, type CheckResult } from './resultStore';
import { VERSION } from '../version';

/**
 * Checks a folder on disk. With the cache on, a run whose inputs (every file's bytes, the tool's version and build)
 * are unchanged reads the previous result, and never loads the engine (`engine` is called only when it must
 * analyse: the CLI passes a loader of its separately bundled engine); otherwise files already parsed come from the
 * parse cache.
 */
export async function checkFolder(root: string, options: { cache: boolean; engine: () => Pick<typeof AnalyzeFolder, 'analyzeFolder' | 'folderSettings'> }): Promise<CheckResult> {
  const bytes = readProjectBytes(root);
  const store = options.cache ? { dir: defaultCacheDir(VERSION), key: contentKey(bytes) } : undefined;
  const stored = store && readStoredResult(store.dir, root, store.key);
  if (stored) return stored;
  const engine = options.engine();
  const read = decodeProjectFiles(bytes);
  const { problems } = engine.folderSettings(read);
  const { analysis } = await engine.analyzeFolder(root, { cache: options.cache, cacheDir: store?.dir, read });
  const result = checkResultOf(analysis, problems);
  if (store) storeResult(store.dir, root, store.key, result);
  return result;
}
