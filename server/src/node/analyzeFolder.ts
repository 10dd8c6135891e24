import { createPythonParser, type PythonParser, type TreeSitterParser } from '../core/python/parser';
import { parseModuleFast } from '../core/python/fastParser';
import type { ModuleSyntax } from '../core/python/syntax';
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
  const read = options.read ?? readProjectFiles(root);
  // The fast path first, for every Python file: tree-sitter (its wasm) is loaded only if one needs it.
  const parsed = new Map<string, ModuleSyntax>();
  let fallback = false;
  for (const [file, text] of read.files) {
    if (!file.endsWith('.py')) continue;
    const syntax = parseModuleFast(text);
    if (syntax) parsed.set(text, syntax);
    else fallback = true;
  }
  let treeSitter: TreeSitterParser | undefined;
  if (fallback) treeSitter = await createPythonParser(readParserWasm(options.wasmDir), { fastPath: false });
  await loadSqlParsers();
  const slow: PythonParser = {
    parseModule(text) {
      if (!treeSitter) throw new Error('a file needs tree-sitter, which was not loaded (it is not one of the files read)');
      return treeSitter.parseWithTreeSitter(text);
    },
  };
  const fastOrSlow = options.cache === false ? { parseModule: (text: string) => parseModuleFast(text) ?? slow.parseModule(text) } : cachingParser(slow, options.cacheDir ?? defaultCacheDir(VERSION));
  const parser: PythonParser = {
    parseModule(text) {
      // Each result once: two files with the same text get syntax objects of their own, as from a parser.
      const syntax = parsed.get(text);
      if (!syntax) return fastOrSlow.parseModule(text);
      parsed.delete(text);
      return syntax;
    },
  };
  const project = new Project(parser);
  for (const [file, text] of read.files) project.setFile(file, text);
  for (const s of read.skipped) project.noteUnreadable(s.file, s.reason);
  const { settings, problems } = folderSettings(read);
  const analysis = project.analyze(settings);
  return { analysis, settings, settingsProblems: problems, project };
}
