import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../core/findings';
import type * as AnalyzeFolder from './analyzeFolder';
import { decodeProjectFiles, readProjectBytes, type ProjectBytes } from './readProject';
import { defaultCacheDir } from './cacheDir';
import { VERSION } from '../version';

/** What `check` prints: the findings, the heads compared against, and how many environments were found. */
export interface CheckResult {
  findings: Finding[];
  heads: string[];
  environments: number;
  settingsProblems: string[];
}

/** Bumped when the stored result changes shape. */
const RESULT_FORMAT = 2;

/**
 * Checks a folder on disk. With the cache on, a run whose inputs (every file's bytes, the tool's version and build)
 * are unchanged reads the previous result, and never loads the engine (`engine` is called only when it must
 * analyse: the CLI passes a loader of its separately bundled engine); otherwise files already parsed come from the
 * parse cache.
 */
export async function checkFolder(root: string, options: { cache: boolean; engine: () => Pick<typeof AnalyzeFolder, 'analyzeFolder' | 'folderSettings'> }): Promise<CheckResult> {
  const bytes = readProjectBytes(root);
  const cacheDir = options.cache ? defaultCacheDir(VERSION) : undefined;
  const resultFile = cacheDir ? path.join(cacheDir, 'results', `${inputKey(bytes)}.json`) : undefined;
  if (resultFile) {
    try {
      const stored = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as CheckResult & { format: number };
      if (stored.format === RESULT_FORMAT) return { findings: stored.findings, heads: stored.heads, environments: stored.environments, settingsProblems: stored.settingsProblems };
    } catch {
      // No result for these inputs yet.
    }
  }
  const engine = options.engine();
  const read = decodeProjectFiles(bytes);
  const { problems } = engine.folderSettings(read);
  const { analysis } = await engine.analyzeFolder(root, { cache: options.cache, cacheDir, read });
  const result: CheckResult = { findings: analysis.findings, heads: [...new Set(analysis.environments.flatMap((e) => e.heads))], environments: analysis.environments.length, settingsProblems: problems };
  if (resultFile) writeAtomically(resultFile, JSON.stringify({ format: RESULT_FORMAT, ...result }));
  return result;
}

/** A key over everything the result depends on: the version, every file's path and bytes, what was skipped. */
function inputKey(read: ProjectBytes): string {
  const hash = createHash('sha1').update(VERSION);
  for (const file of [...read.files.keys()].sort()) {
    const bytes = read.files.get(file)!;
    hash.update(`\0${file}\0${bytes.length}\0`).update(bytes);
  }
  for (const s of read.skipped) hash.update(`\0skipped\0${s.file}\0${s.reason}`);
  return hash.digest('hex');
}

function writeAtomically(file: string, text: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  } catch {
    // A cache that cannot be written only costs time.
  }
}
