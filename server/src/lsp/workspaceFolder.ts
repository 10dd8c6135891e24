import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { SplitPythonParser } from '../core/python/parser';
import { Project, type Analysis } from '../core/project';
import type { Finding } from '../core/findings';
import { defaultSettings, mergeSettings, projectSettings, settingsFindings, type Settings } from '../core/config/settings';
import { decodeProjectFiles, decodeText, isInPassedOverFolder, isProjectFile, MAX_FILE_BYTES, packageNameOf, readProjectBytes, TOO_LARGE_REASON } from '../node/readProject';
import { FolderParser, textsToParseAhead, type ParseHelper } from '../node/parseAhead';
import { ParseCache } from '../node/parseCache';
import { checkResultOf, contentKey, keyWithSettings, readStoredResult, storeResult } from '../node/resultStore';
import { fileUri, toDiagnostic } from './convert';

/** Diagnostics to publish for one file (version set for open buffers). */
export interface Publication {
  uri: string;
  diagnostics: Diagnostic[];
  version?: number;
}


/**
 * One workspace folder: its engine `Project`, fed from disk and overlaid by the editor's open buffers (which win),
 * its parser (with the folder's parse cache, and a helper thread's help during the first index), the files that
 * had diagnostics last time (so they get `[]` when fixed), and the key of the files as loaded from disk, under which
 * the first index's result is stored (the same store the CLI's `check` reads and writes).
 */
export class WorkspaceFolder {
  readonly project: Project;
  private readonly parser = new FolderParser();
  private readonly cache: ParseCache;
  private readonly open = new Map<string, number>();
  /** Open buffers of files the project does not read (a virtual environment's, an installed package's): left alone. */
  private readonly foreignBuffers = new Set<string>();
  /** What was last published for each file (relative path) with diagnostics: the diagnostics and the buffer version they were for. */
  private published = new Map<string, { diagnostics: Diagnostic[]; version?: number }>();
  /** The diagnostic of each finding (the engine keeps the finding objects of what did not change). */
  private readonly diagnosticOf = new WeakMap<Finding, Diagnostic>();
  private readonly uris = new Map<string, string>();
  private settings: Settings = defaultSettings();
  /** The settings pyproject.toml alone gives, and the problems met reading them (what `check` reports). */
  private fileSettings: Settings = defaultSettings();
  private settingsProblems: string[] = [];
  /** The settings problems as findings on pyproject.toml, made when the settings are read. */
  private settingsNotes: Finding[] = [];
  /** The content key of the files as last loaded from disk; undefined once any text differs from what was loaded. */
  private loadedKey: string | undefined;
  /** The key whose result is in the store, read or written in this session (it is not written again). */
  private storedKey: string | undefined;
  /** Whether a text changed since the last analysis was published (new settings show in `analysedSettings`). */
  private changedSinceAnalysis = true;
  /** Whether what is published came from the store (no analysis has published since). */
  private showingStored = false;
  /** Files changed since their stored diagnostics were published: those are withdrawn, not left stale. */
  private readonly staleStored = new Set<string>();
  /** The settings the latest analysis was started with (`readSettings` makes a new object on every read). */
  private analysedSettings: Settings | undefined;
  /** The editor's `alembicDrift.*` settings for this folder; they win over pyproject.toml. */
  private editorSettings: Record<string, unknown> = {};
  lastAnalysis: Analysis | undefined;

  /** A folder parsed with `treeSitter`, its parse cache the pack in `cacheDir` the CLI uses for the same folder. */
  constructor(
    readonly root: string,
    treeSitter: SplitPythonParser,
    private readonly cacheDir: string,
  ) {
    this.cache = ParseCache.forProject(cacheDir, root);
    this.parser.use(this.cache.wrap(treeSitter));
    this.project = new Project(this.parser, { packageName: packageNameOf(root) });
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
    const bytes = readProjectBytes(this.root);
    const { files, skipped } = decodeProjectFiles(bytes);
    this.loadedKey = this.open.size === 0 ? contentKey(bytes) : undefined;
    for (const [file, text] of files) if (!this.open.has(file)) this.project.setFile(file, text);
    for (const s of skipped) this.project.noteUnreadable(s.file, s.reason);
    this.readSettings();
  }

  /**
   * Runs a change of one file. Unless it leaves the file's text as it was, the texts are no longer those loaded from
   * disk (a file that has no text, say one too large to read, is taken to have changed), and diagnostics the store
   * gave the file are to be withdrawn.
   */
  private changeFile(file: string, change: () => void): void {
    const before = this.project.getText(file);
    change();
    const after = this.project.getText(file);
    if (after !== undefined && after === before) return;
    this.loadedKey = undefined;
    this.changedSinceAnalysis = true;
    if (this.showingStored && this.published.has(file)) this.staleStored.add(file);
  }

  /**
   * Re-reads one file after a change on disk (created, changed or deleted), unless the editor holds it open or it is
   * no file of the project (in a virtual environment, a folder of installed packages: what the first read passed over).
   */
  refreshFromDisk(file: string): void {
    if (this.open.has(file) || !this.isOwnFile(file)) return;
    this.changeFile(file, () => this.readFromDisk(file));
    if (file === 'pyproject.toml') this.readSettings();
  }

  private readFromDisk(file: string): void {
    const full = path.join(this.root, ...file.split('/'));
    try {
      const stat = fs.statSync(full);
      if (!stat.isFile()) return;
      if (stat.size > MAX_FILE_BYTES) {
        this.project.removeFile(file);
        this.project.noteUnreadable(file, TOO_LARGE_REASON);
      } else this.project.setFile(file, decodeText(fs.readFileSync(full)));
    } catch {
      this.project.removeFile(file);
    }
  }

  /** Whether a file, by its path, is one the project reads. */
  private isOwnFile(file: string): boolean {
    return isProjectFile(file) && !isInPassedOverFolder(this.root, file);
  }

  /** An editor buffer's text replaces the disk's (a buffer of a file the project does not read is left alone). */
  setBuffer(file: string, text: string, version: number): void {
    // Told apart when first opened, not again at each keystroke.
    if (this.foreignBuffers.has(file)) return;
    if (!this.open.has(file) && !this.isOwnFile(file)) {
      this.foreignBuffers.add(file);
      return;
    }
    this.open.set(file, version);
    this.changeFile(file, () => this.project.setFile(file, text, { keepLastGood: true }));
    if (file === 'pyproject.toml') this.readSettings();
  }

  /** A closed buffer falls back to what is on disk. */
  closeBuffer(file: string): void {
    this.foreignBuffers.delete(file);
    this.open.delete(file);
    this.refreshFromDisk(file);
  }

  /**
   * Takes the editor's settings for this folder (from `workspace/configuration`). An empty value (`[]`, `{}`, null)
   * is what an editor sends for a setting left unset (VS Code answers with each contributed default): it leaves
   * pyproject.toml's value in place.
   */
  setEditorSettings(raw: Record<string, unknown> | undefined): void {
    this.editorSettings = Object.fromEntries(Object.entries(raw ?? {}).filter(([, value]) => !isEmptySetting(value)));
    this.readSettings();
  }

  private readSettings(): void {
    const read = projectSettings(this.project.getText('pyproject.toml'));
    this.fileSettings = read.settings;
    this.settingsProblems = read.problems;
    this.settings = mergeSettings(read.settings, this.editorSettings).settings;
    this.settingsNotes = settingsFindings(read.problems, this.project.getText('pyproject.toml'), this.settings);
  }

  /**
   * The key of this folder's result while its texts are those loaded from disk: the content key, the one `check`
   * uses, when the folder's files alone set its settings; else that key with the settings.
   */
  private resultKey(filesKey = this.loadedKey): string | undefined {
    if (filesKey === undefined) return undefined;
    const settings = JSON.stringify(this.settings);
    return settings === JSON.stringify(this.fileSettings) ? filesKey : keyWithSettings(filesKey, settings);
  }

  /**
   * The diagnostics stored for exactly these files and settings (by `check` or by an earlier session's first index),
   * to publish before the first index has run; none when there are none or a text differs from the disk's.
   */
  storedPublications(docsDir: string): Publication[] {
    const key = this.resultKey();
    const stored = key === undefined ? undefined : readStoredResult(this.cacheDir, this.root, key);
    if (!stored) return [];
    this.storedKey = key;
    this.showingStored = true;
    return this.publishFindings(stored.findings, docsDir);
  }

  /** `[]` for each file whose stored diagnostics no longer hold (it changed before an analysis replaced them). */
  withdrawStale(): Publication[] {
    const out = [...this.staleStored].map((file) => ({ uri: this.uriOf(file), diagnostics: [], version: this.open.get(file) }));
    for (const file of this.staleStored) this.published.delete(file);
    this.staleStored.clear();
    return out;
  }

  /**
   * Stores the first index's result under the key of the files as loaded from disk, unless a text or the settings
   * have changed since it started.
   */
  storeFirstIndex(analysis: Analysis): void {
    if (this.analysedSettings === this.settings) this.store(this.resultKey(), analysis);
  }

  /**
   * Stores the last analysis's result when it is current and every text is the one on disk (all saved), so that the
   * next session starts from it (when the editor closes); reads the folder again to make sure.
   */
  storeIfSaved(): void {
    const analysis = this.lastAnalysis;
    // A broken buffer is read as its last clean version: `check` of the same text on disk would read it as it is.
    if (!analysis || this.changedSinceAnalysis || this.analysedSettings !== this.settings || this.project.readsLastGood()) return;
    // Nothing changed since the folder was read (every change clears the loaded key), and its result is stored.
    if (this.loadedKey !== undefined && this.resultKey() === this.storedKey) return;
    const bytes = readProjectBytes(this.root);
    const disk = decodeProjectFiles(bytes);
    const paths = this.project.paths();
    if (paths.length !== disk.files.size || paths.some((file) => disk.files.get(file) !== this.project.getText(file))) return;
    const noted = this.project.unreadableFiles();
    if (disk.skipped.length !== noted.size || disk.skipped.some((s) => noted.get(s.file) !== s.reason)) return;
    this.store(this.resultKey(contentKey(bytes)), analysis);
  }

  private store(key: string | undefined, analysis: Analysis): void {
    if (key === undefined || key === this.storedKey) return;
    storeResult(this.cacheDir, this.root, key, checkResultOf(analysis, this.settingsProblems));
    this.storedKey = key;
  }

  /** The dialect the settings name, for a revision written where the environment's URL names none. */
  get dialectSetting(): string | undefined {
    return this.settings.dialect;
  }

  /** The folder's analysis in small steps, with its current settings (see `Project.analysisSteps`). */
  analysisSteps(): Generator<void, Analysis> {
    this.analysedSettings = this.settings;
    return this.project.analysisSteps(this.settings);
  }

  /**
   * Takes a finished analysis and returns what to publish: the files whose diagnostics changed or whose buffer has a
   * new version, and `[]` for files that had diagnostics and have none now.
   */
  publish(analysis: Analysis, docsDir: string): Publication[] {
    this.lastAnalysis = analysis;
    this.project.releaseSyntax();
    this.showingStored = false;
    this.staleStored.clear();
    this.changedSinceAnalysis = false;
    return this.publishFindings([...analysis.findings, ...this.settingsNotes], docsDir);
  }

  /** What to publish for these findings, given what was published last (see `publish`). */
  private publishFindings(findings: Finding[], docsDir: string): Publication[] {
    const byFile = new Map<string, Diagnostic[]>();
    for (const f of findings) {
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

/** Whether an editor setting's value is empty: unset, null, an empty string, list or object. */
function isEmptySetting(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** The same diagnostics in the same order: the same objects, or objects with the same content. */
function sameDiagnostics(a: Diagnostic[], b: Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((d, i) => d === b[i] || JSON.stringify(d) === JSON.stringify(b[i]));
}
