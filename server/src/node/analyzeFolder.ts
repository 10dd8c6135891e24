import { createPythonParser } from '../core/python/parser';
import { Project, type Analysis } from '../core/project';
import { defaultSettings, readPyprojectSettings, type Settings } from '../core/config/settings';
import { readProjectFiles } from './readProject';
import { readParserWasm } from './wasm';

/** The analysis of a folder on disk, with the settings used and any problems reading them. */
export interface FolderAnalysis {
  analysis: Analysis;
  settings: Settings;
  settingsProblems: string[];
  project: Project;
}

/** Reads a project folder from disk into the engine and analyses it (the CLI's whole job, minus printing). */
export async function analyzeFolder(root: string, options: { wasmDir?: string } = {}): Promise<FolderAnalysis> {
  const parser = await createPythonParser(readParserWasm(options.wasmDir));
  const project = new Project(parser);
  const { files, skipped } = readProjectFiles(root);
  for (const [file, text] of files) project.setFile(file, text);
  for (const s of skipped) project.noteUnreadable(s.file, s.reason);
  const pyproject = files.get('pyproject.toml');
  const { settings, problems } = pyproject ? readPyprojectSettings(pyproject) : { settings: defaultSettings(), problems: [] };
  const analysis = project.analyze(settings);
  return { analysis, settings, settingsProblems: problems, project };
}
