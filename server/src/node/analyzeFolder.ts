import { createPythonParser } from '../core/python/parser';
import { loadSqlParsers } from './sqlParsers';
import { Project, type Analysis } from '../core/project';
import { defaultSettings, readPyprojectSettings, type Settings } from '../core/config/settings';
import { readProjectFiles, type ProjectFiles } from './readProject';
import { readParserWasm } from './wasm';
import { cachingParser, defaultCacheDir } from './syntaxCache';
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
  const pyproject = files.files.get('pyproject.toml');
  return pyproject ? readPyprojectSettings(pyproject) : { settings: defaultSettings(), problems: [] };
}

/**
 * Reads a project folder from disk into the engine and analyses it (the CLI's whole job, minus printing). Parsed
 * files come from the parse cache (in `cacheDir`, by default the user's) unless `cache` is false; `read` passes files
 * already read.
 */
export async function analyzeFolder(root: string, options: { wasmDir?: string; cache?: boolean; cacheDir?: string; read?: ProjectFiles } = {}): Promise<FolderAnalysis> {
  const treeSitter = await createPythonParser(readParserWasm(options.wasmDir));
  await loadSqlParsers();
  const parser = options.cache === false ? undefined : cachingParser(treeSitter, options.cacheDir ?? defaultCacheDir(VERSION), { project: root });
  const project = new Project(parser ?? treeSitter);
  const read = options.read ?? readProjectFiles(root);
  for (const [file, text] of read.files) project.setFile(file, text);
  for (const s of read.skipped) project.noteUnreadable(s.file, s.reason);
  const { settings, problems } = folderSettings(read);
  const analysis = project.analyze(settings);
  parser?.flush();
  return { analysis, settings, settingsProblems: problems, project };
}
