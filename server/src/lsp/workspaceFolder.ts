import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { SplitPythonParser } from '../core/python/parser';
import { Project, type Analysis } from '../core/project';
import type { Finding } from '../core/findings';
import { defaultSettings, mergeSettings, readPyprojectSettings, type Settings } from '../core/config/settings';
import { decodeText, isProjectFile, readProjectFiles } from '../node/readProject';
import { FolderParser, textsToParseAhead, type ParseHelper } from '../node/parseAhead';
import { ParseCache } from '../node/parseCache';
import { fileUri, toDiagnostic } from './convert';

/** Diagnostics to publish for one file (version set for open buffers). */
export interface Publication {
  uri: string;
  diagnostics: Diagnostic[];
  version?: number;
}

const MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * One workspace folder: its engine `Project`, fed from disk and overlaid by the editor's open buffers (which win),
 * its parser (with the folder's parse cache, and a helper thread's help during the first index), and the files that
 * had diagnostics last time (so they get `[]` when fixed).
 */
export class WorkspaceFolder {
  readonly project: Project;
  private readonly parser = new FolderParser();
  private readonly cache: ParseCache;
  private readonly open = new Map<string, number>();
  /** What was last published for each file (relative path) with diagnostics: the diagnostics and the buffer version they were for. */
  private published = new Map<string, { diagnostics: Diagnostic[]; version?: number }>();
  /** The diagnostic of each finding (the engine keeps the finding objects of what did not change). */
  private readonly diagnosticOf = new WeakMap<Finding, Diagnostic>();
  private readonly uris = new Map<string, string>();
  private settings: Settings = defaultSettings();
  /** The editor's `alembicDrift.*` settings for this folder; they win over pyproject.toml. */
  private editorSettings: Record<string, unknown> = {};
  lastAnalysis: Analysis | undefined;

  /** A folder parsed with `treeSitter`, its parse cache the pack in `cacheDir` the CLI uses for the same folder. */
  constructor(
    readonly root: string,
    treeSitter: SplitPythonParser,
    cacheDir: string,
  ) {
    this.cache = ParseCache.forProject(cacheDir, root);
    this.parser.use(this.cache.wrap(treeSitter));
    this.project = new Project(this.parser);
  }

  /** Shares the first index's parsing with a helper thread (`helper()` gives it) if enough is to be parsed; whether it did. */
  shareParsing(helper: () => ParseHelper): boolean {
    const texts = textsToParseAhead(this.project, this.settings, this.cache);
    if (!texts) return false;
    this.parser.shareWith(helper(), texts);
    return true;
  }

  /** Parses on this thread from now on (the first index is over, or failed). */
  parseAlone(): void {
    this.parser.alone();
  }

  /** Writes the parse cache of what the first index parsed (what is parsed later is not stored). */
  flushParseCache(): void {
    this.cache.flush();
  }

  /** The folder's path for a `file://` URI inside it, as a relative POSIX path, or undefined. */
  relative(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    const rel = path.relative(this.root, fileURLToPath(uri));
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  /** Reads every project file from disk (the first index); open buffers keep their text. */
  loadFromDisk(): void {
    const { files, skipped } = readProjectFiles(this.root);
    for (const [file, text] of files) if (!this.open.has(file)) this.project.setFile(file, text);
    for (const s of skipped) this.project.noteUnreadable(s.file, s.reason);
    this.readSettings();
  }

  /** Re-reads one file after a change on disk (created, changed or deleted), unless the editor holds it open. */
  refreshFromDisk(file: string): void {
    if (this.open.has(file) || !isProjectFile(path.posix.basename(file))) return;
    const full = path.join(this.root, ...file.split('/'));
    try {
      const stat = fs.statSync(full);
      if (!stat.isFile()) return;
      if (stat.size > MAX_FILE_BYTES) {
        this.project.removeFile(file);
        this.project.noteUnreadable(file, `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`);
      } else this.project.setFile(file, decodeText(fs.readFileSync(full)));
    } catch {
      this.project.removeFile(file);
    }
    if (file === 'pyproject.toml') this.readSettings();
  }

  /** An editor buffer's text replaces the disk's. */
  setBuffer(file: string, text: string, version: number): void {
    this.open.set(file, version);
    this.project.setFile(file, text, { keepLastGood: true });
    if (file === 'pyproject.toml') this.readSettings();
  }

  /** A closed buffer falls back to what is on disk. */
  closeBuffer(file: string): void {
    this.open.delete(file);
    this.refreshFromDisk(file);
  }

  /** Takes the editor's settings for this folder (from `workspace/configuration`). */
  setEditorSettings(raw: Record<string, unknown> | undefined): void {
    this.editorSettings = raw ?? {};
    this.readSettings();
  }

  private readSettings(): void {
    const text = this.project.getText('pyproject.toml');
    const base = text ? readPyprojectSettings(text).settings : defaultSettings();
    this.settings = mergeSettings(base, this.editorSettings).settings;
  }

  /** The folder's analysis in small steps, with its current settings (see `Project.analysisSteps`). */
  analysisSteps(): Generator<void, Analysis> {
    return this.project.analysisSteps(this.settings);
  }

  /**
   * Takes a finished analysis and returns what to publish: the files whose diagnostics changed or whose buffer has a
   * new version, and `[]` for files that had diagnostics and have none now.
   */
  publish(analysis: Analysis, docsDir: string): Publication[] {
    this.lastAnalysis = analysis;
    this.project.releaseSyntax();
    const byFile = new Map<string, Diagnostic[]>();
    for (const f of analysis.findings) {
      let diagnostic = this.diagnosticOf.get(f);
      if (!diagnostic) this.diagnosticOf.set(f, (diagnostic = toDiagnostic(f, { root: this.root, docsDir })));
      const list = byFile.get(f.file);
      if (list) list.push(diagnostic);
      else byFile.set(f.file, [diagnostic]);
    }
    const out: Publication[] = [];
    const published = new Map<string, { diagnostics: Diagnostic[]; version?: number }>();
    for (const [file, diagnostics] of byFile) {
      const now = { diagnostics, version: this.open.get(file) };
      const before = this.published.get(file);
      if (!before || before.version !== now.version || !sameDiagnostics(before.diagnostics, diagnostics)) out.push({ uri: this.uriOf(file), ...now });
      published.set(file, now);
    }
    for (const file of this.published.keys()) if (!byFile.has(file)) out.push({ uri: this.uriOf(file), diagnostics: [], version: this.open.get(file) });
    this.published = published;
    return out;
  }

  private uriOf(file: string): string {
    let uri = this.uris.get(file);
    if (uri === undefined) this.uris.set(file, (uri = fileUri(this.root, file)));
    return uri;
  }
}

/** The same diagnostics in the same order: the same objects, or objects with the same content. */
function sameDiagnostics(a: Diagnostic[], b: Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((d, i) => d === b[i] || JSON.stringify(d) === JSON.stringify(b[i]));
}
