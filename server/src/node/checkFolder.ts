import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../core/findings';
import { readProjectFiles } from './readProject';
import { analyzeFolder, folderSettings } from './analyzeFolder';
import { defaultCacheDir } from './syntaxCache';
import { VERSION } from '../version';

/** What `check` prints: the findings, the heads compared against, and how many environments were found. */
export interface CheckResult {
  findings: Finding[];
  heads: string[];
  environments: number;
  settingsProblems: string[];
}

/**
 * Checks a folder on disk. With the cache on, a run whose inputs (every file's text, the settings, the tool's
 * version) are unchanged reads the previous result; otherwise files already parsed come from the parse cache.
 */
export async function checkFolder(root: string, options: { cache: boolean }): Promise<CheckResult> {
  const read = readProjectFiles(root);
  const { problems } = folderSettings(read);
  const resultFile = options.cache ? path.join(defaultCacheDir(VERSION), 'results', `${inputKey(read.files, read.skipped)}.json`) : undefined;
  if (resultFile) {
    try {
      return { ...(JSON.parse(fs.readFileSync(resultFile, 'utf8')) as Omit<CheckResult, 'settingsProblems'>), settingsProblems: problems };
    } catch {
      // No result for these inputs yet.
    }
  }
  const { analysis } = await analyzeFolder(root, { cache: options.cache, read });
  const result = { findings: analysis.findings, heads: [...new Set(analysis.environments.flatMap((e) => e.heads))], environments: analysis.environments.length };
  if (resultFile) writeAtomically(resultFile, JSON.stringify(result));
  return { ...result, settingsProblems: problems };
}

/** A key over everything the result depends on: the version, every file's path and text, what was skipped. */
function inputKey(files: Map<string, string>, skipped: Array<{ file: string; reason: string }>): string {
  const hash = createHash('sha1').update(VERSION);
  for (const file of [...files.keys()].sort()) hash.update(`\0${file}\0`).update(files.get(file)!);
  for (const s of skipped) hash.update(`\0skipped\0${s.file}\0${s.reason}`);
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
