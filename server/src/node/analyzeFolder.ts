import { createPythonParser } from '../core/python/parser';
import { FolderParser, ParseHelper, textsToParseAhead } from './parseAhead';
import { loadSqlParsers } from './sqlParsers';
import { Project, type Analysis } from '../core/project';
import { projectSettings, type Settings } from '../core/config/settings';
import { packageNameOf, readProjectFiles, type ProjectFiles } from './readProject';
import { readParserWasm } from './wasm';
import { defaultCacheDir, ParseCache } from './parseCache';
import { VERSION } from '../version';

/** The analysis of a folder on disk, with the settings used and any problems reading them. */
export interface FolderAnalysis {
  analysis: Analysis;
  settings: Settings;
  settingsProblems: string[];
  project: Project;
}

/** The settings of a folder's pyproject.toml, with the problems found reading them. */
export function folderSettings(files: ProjectFiles): { settings: Settings; problems: string[] } {
  return projectSettings(files.files.get('pyproject.toml'));
}

/**
 * Reads a project folder from disk into the engine and analyses it (the CLI's whole job, minus printing). Parsed
 * files come from the parse cache (in `cacheDir`, by default the user's) unless `cache` is false; `read` passes files
 * already read. With at least `parseAheadChars` of text to parse, a helper thread parses beside this one: `helper`
 * when given (the caller stops it), else one started here.
 */
export async function analyzeFolder(root: string, options: { wasmDir?: string; cache?: boolean; cacheDir?: string; read?: ProjectFiles; parseAheadChars?: number; helper?: ParseHelper } = {}): Promise<FolderAnalysis> {
  const wasm = readParserWasm(options.wasmDir);
  const read = options.read ?? readProjectFiles(root);
  const python = new FolderParser();
  // Without the cache, the cache folder is not even looked at (finding it prunes other builds' folders).
  const cache = options.cache === false ? undefined : ParseCache.forProject(options.cacheDir ?? defaultCacheDir(VERSION), root);
  const project = new Project(python, { packageName: packageNameOf(root) });
  for (const [file, text] of read.files) project.setFile(file, text);
  for (const s of read.skipped) project.noteUnreadable(s.file, s.reason);
  const { settings, problems } = folderSettings(read);
  // Much to parse: a helper thread loads tree-sitter while this one does, then shares the parsing.
  const ahead = textsToParseAhead(project, settings, cache, options.parseAheadChars);
  const ownHelper = ahead && !options.helper ? ParseHelper.start(wasm) : undefined;
  try {
    const helper = options.helper ?? ownHelper;
    // Sent at once: the helper starts on them while this thread loads its own tree-sitter.
    if (ahead && helper) python.shareWith(helper, ahead);
    const treeSitter = await createPythonParser(wasm);
    python.use(cache ? cache.wrap(treeSitter) : treeSitter);
    await loadSqlParsers();
    const analysis = project.analyze(settings);
    cache?.flush();
    return { analysis, settings, settingsProblems: problems, project };
  } finally {
    python.alone();
    await ownHelper?.stop();
  }
}
