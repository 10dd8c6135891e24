import * as fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CodeActionKind, DidChangeWatchedFilesNotification, FileChangeType, TextDocumentSyncKind, TextDocuments, type Connection, type InitializeParams, type InitializeResult, type WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createPythonParser } from '../core/python/parser';
import { readParserWasm } from '../node/wasm';
import { cachePackExists, defaultCacheDir } from '../node/cacheDir';
import { ParseHelper } from '../node/parseAhead';
import { loadSqlParsers } from '../node/sqlParsers';
import { VERSION } from '../version';
import { Debouncer } from './debounce';
import { definitionAt, hoverAt } from './navigation';
import { GENERATE_ALL_KIND, GENERATE_COMMAND, GENERATE_FILE_KIND, codeActionsFor, generateMigrations } from './codeActions';
import { RENDER_AUDIT_COMMAND, renderAuditReport } from './auditReport';
import { WorkspaceFolder } from './workspaceFolder';
import type { Analysis } from '../core/project';

/** Where the server finds its wasm files and the rule pages its diagnostics link to. */
export interface ServerOptions {
  wasmDir: string;
  docsDir: string;
  /** Called once, when the first index of every folder is done (the process entry tunes the heap for editing then). */
  afterFirstIndex?: () => void;
}

/** Sent when the first index of every workspace folder is done (tests await it instead of sleeping). */
export const INDEXED_NOTIFICATION = 'alembicDrift/indexed';
/** Sent after every analysis: all findings, those at warning or error level, and the most heads of any environment. */
export const ANALYZED_NOTIFICATION = 'alembicDrift/analyzed';

const WATCHED_GLOBS = ['**/*.py', '**/alembic.ini', '**/*.ini', '**/script.py.mako', '**/pyproject.toml', '**/requirements*.txt', '**/requirements*.in', '**/requirements/*.txt', '**/requirements/*.in', '**/setup.cfg', '**/Pipfile'];
const DEFAULT_DEBOUNCE_MS = 25;
/** How long an analysis runs before it lets other messages through. */
const SLICE_MS = 8;

/**
 * The language server: keeps one engine project per workspace folder true to the editor's buffers and the disk,
 * re-analyses after a quiet moment, and publishes diagnostics. Handlers only wire events to `WorkspaceFolder`s.
 */
export class LspServer {
  private readonly documents = new TextDocuments(TextDocument);
  private folders: WorkspaceFolder[] = [];
  private folderPaths: string[] = [];
  /** Whether tree-sitter is loaded and the folders made (analyses can run). */
  private ready = false;
  /** A parse thread the folders share the first index's parsing with. */
  private helper: ParseHelper | undefined;
  private debouncer: Debouncer | undefined;
  private canRegisterWatchers = false;
  private canPullConfiguration = false;
  /** The client shows an action's `disabled` reason; one that cannot would offer the action as if it worked. */
  private canShowDisabled = false;
  private fallbackWatchers: fs.FSWatcher[] = [];
  /** Buffer events that arrived before the first index; replayed once it is ready. */
  private pending: Array<() => void> = [];
  /** Counts changes, so that an analysis knows when what it read has changed under it. */
  private generation = 0;
  /** Whether an analysis of every folder has finished (the first index is done). */
  private indexed = false;
  private progress: WorkDoneProgressServerReporter | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly options: ServerOptions,
  ) {}

  /** Wires the handlers and starts listening on the connection. */
  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => void this.start());
    c.onDidChangeWatchedFiles((params) => {
      for (const change of params.changes) {
        this.whenReady(() => {
          const found = this.locate(change.uri);
          if (found) found.folder.refreshFromDisk(found.file);
        });
      }
      this.schedule();
    });
    this.documents.onDidChangeContent((e) => {
      this.whenReady(() => {
        const found = this.locate(e.document.uri);
        if (found) found.folder.setBuffer(found.file, e.document.getText(), e.document.version);
      });
      this.schedule();
    });
    this.documents.onDidClose((e) => {
      this.whenReady(() => {
        const found = this.locate(e.document.uri);
        if (found) found.folder.closeBuffer(found.file);
      });
      this.schedule();
    });
    c.onDidChangeConfiguration(() => {
      void this.pullConfiguration().then(() => this.schedule());
    });
    c.onHover((p) => {
      const found = this.locate(p.textDocument.uri);
      return found?.folder.lastAnalysis ? hoverAt(found.folder.lastAnalysis, found.folder.root, found.file, p.position) : undefined;
    });
    c.onDefinition((p) => {
      const found = this.locate(p.textDocument.uri);
      return found?.folder.lastAnalysis ? definitionAt(found.folder.lastAnalysis, found.folder.root, found.file, p.position) : undefined;
    });
    c.onCodeAction((p) => {
      const found = this.locate(p.textDocument.uri);
      const actions = found ? codeActionsFor({ folder: found.folder, file: found.file, diagnostics: p.context.diagnostics, only: p.context.only }) : [];
      return this.canShowDisabled ? actions : actions.filter((a) => !a.disabled);
    });
    c.onExecuteCommand((p) => {
      if (p.command !== RENDER_AUDIT_COMMAND && p.command !== GENERATE_COMMAND) return undefined;
      const [uri, file] = (p.arguments ?? []).map((a: unknown) => (typeof a === 'string' ? a : undefined));
      const folder = this.folders.find((f) => pathToFileURL(f.root).toString() === uri?.replace(/\/$/, '')) ?? this.folders[0];
      if (p.command === GENERATE_COMMAND) return folder ? generateMigrations(folder, file === undefined ? undefined : (folder.relative(file) ?? '')) : [];
      return folder ? renderAuditReport(folder) ?? null : null;
    });
    c.onShutdown(() => {
      this.debouncer?.dispose();
      for (const w of this.fallbackWatchers) w.close();
      // A folder whose last analysis is of the files as saved starts the next session from it.
      for (const f of this.folders) {
        try {
          f.storeIfSaved();
        } catch (e) {
          this.connection.console.warn(`alembic-drift: could not store the result of ${f.root}: ${(e as Error).message}`);
        }
      }
    });
    this.documents.listen(c);
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.folderPaths = folders.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    const options = (params.initializationOptions ?? {}) as { debounceMs?: number };
    this.debouncer = new Debouncer(typeof options.debounceMs === 'number' ? options.debounceMs : DEFAULT_DEBOUNCE_MS, () => void this.analyze());
    this.canRegisterWatchers = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    this.canPullConfiguration = !!params.capabilities.workspace?.configuration;
    this.canShowDisabled = !!params.capabilities.textDocument?.codeAction?.disabledSupport;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        workspace: { workspaceFolders: { supported: true } },
        hoverProvider: true,
        definitionProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, GENERATE_ALL_KIND, GENERATE_FILE_KIND] },
        executeCommandProvider: { commands: [RENDER_AUDIT_COMMAND, GENERATE_COMMAND] },
      },
      serverInfo: { name: 'alembic-drift', version: '0.1.0' },
    };
  }

  /** The first index: parser, files from disk, first diagnostics; buffer events meanwhile are queued, not lost. */
  private async start(): Promise<void> {
    await this.watchFiles();
    this.progress = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
    this.progress?.begin('Alembic Drift', 0, 'Indexing models and migrations…');
    try {
      // The parse cache the CLI fills serves the first index too (buffers typed later are parsed afresh).
      const cacheDir = defaultCacheDir(VERSION);
      const wasm = readParserWasm(this.options.wasmDir);
      // A folder without a parse cache will parse much: a helper thread loads tree-sitter meanwhile.
      if (this.folderPaths.some((p) => !cachePackExists(cacheDir, p))) this.helper = ParseHelper.start(wasm);
      await loadSqlParsers();
      const treeSitter = await createPythonParser(wasm);
      // Each folder reads (and after the first index writes) its own pack, the one the CLI uses for that folder.
      this.folders = this.folderPaths.map((p) => new WorkspaceFolder(p, treeSitter, cacheDir));
      this.ready = true;
      for (const f of this.folders) f.loadFromDisk();
      await this.pullConfiguration();
      const queued = this.pending;
      this.pending = [];
      for (const run of queued) run();
      // A folder whose files and settings are those of a stored result shows its diagnostics before it is indexed.
      for (const f of this.folders) for (const p of f.storedPublications(this.options.docsDir)) void this.connection.sendDiagnostics(p);
      // The first index shares its parsing with the helper thread; edits after it are parsed here.
      let shared = false;
      for (const f of this.folders) if (f.shareParsing(() => (this.helper ??= ParseHelper.start(wasm)))) shared = true;
      if (!shared) this.stopHelper();
      // Answers requests while it runs; if an edit interrupts it, the run the edit scheduled finishes the index.
      await this.analyze();
    } catch (e) {
      this.connection.console.error(`alembic-drift: indexing failed: ${(e as Error).stack ?? e}`);
      this.stopHelper();
      this.progress?.done();
    }
  }

  /** Ends the first index's parse helper, if any: every folder parses on this thread from now on. */
  private stopHelper(): void {
    for (const f of this.folders) f.parseAlone();
    void this.helper?.stop();
    this.helper = undefined;
  }

  /** Watches project files through the client when it can register watchers, else with a recursive fs.watch. */
  private async watchFiles(): Promise<void> {
    if (this.canRegisterWatchers) {
      await this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_GLOBS.map((globPattern) => ({ globPattern })) }).catch(() => undefined);
      return;
    }
    for (const root of this.folderPaths) {
      try {
        const watcher = fs.watch(root, { recursive: true }, (_event, name) => {
          if (!name) return;
          const file = name.toString().split(/[\\/]/).join('/');
          this.whenReady(() => this.folders.find((f) => f.root === root)?.refreshFromDisk(file));
          this.schedule();
        });
        this.fallbackWatchers.push(watcher);
      } catch {
        this.connection.console.warn(`alembic-drift: cannot watch ${root}; changes on disk are seen when files are opened.`);
      }
    }
  }

  /** Reads the editor's `alembicDrift` settings for each folder, when the client can answer. */
  private async pullConfiguration(): Promise<void> {
    if (!this.canPullConfiguration) return;
    for (const f of this.folders) {
      const raw = (await this.connection.workspace.getConfiguration({ scopeUri: pathToFileURL(f.root).toString(), section: 'alembicDrift' }).catch(() => undefined)) as Record<string, unknown> | undefined;
      f.setEditorSettings(raw);
      // An analysis running now read the settings before: it is stale.
      this.generation++;
    }
  }

  private whenReady(run: () => void): void {
    if (this.ready && this.folders.length > 0) run();
    else this.pending.push(run);
  }

  /** After any change: the running analysis is stale, and a new one runs after the debounce. */
  private schedule(): void {
    this.generation++;
    for (const f of this.folders) for (const p of f.withdrawStale()) void this.connection.sendDiagnostics(p);
    if (this.ready) this.debouncer?.schedule();
  }

  private locate(uri: string): { folder: WorkspaceFolder; file: string } | undefined {
    for (const folder of this.folders) {
      const file = folder.relative(uri);
      if (file !== undefined) return { folder, file };
    }
    return undefined;
  }

  /**
   * Analyses every folder in slices of a few milliseconds, answering other messages in between, and publishes.
   * An edit during the run makes it stale: it stops without publishing (the edit scheduled a new run, which reuses
   * the work done). Returns whether it finished.
   */
  private async analyze(): Promise<boolean> {
    const generation = this.generation;
    const results: Array<[WorkspaceFolder, Analysis]> = [];
    for (const folder of this.folders) {
      try {
        const steps = folder.analysisSteps();
        let sliceStart = performance.now();
        for (;;) {
          const step = steps.next();
          if (step.done) {
            results.push([folder, step.value]);
            break;
          }
          if (performance.now() - sliceStart < SLICE_MS) continue;
          await new Promise((resolve) => setImmediate(resolve));
          if (this.generation !== generation) return false;
          sliceStart = performance.now();
        }
      } catch (e) {
        this.connection.console.error(`alembic-drift: analysis of ${folder.root} failed: ${(e as Error).stack ?? e}`);
      }
    }
    let findings = 0;
    let drift = 0;
    let heads = 0;
    for (const [folder, analysis] of results) {
      for (const p of folder.publish(analysis, this.options.docsDir)) void this.connection.sendDiagnostics(p);
      findings += analysis.findings.length;
      drift += analysis.findings.filter((f) => f.severity === 'error' || f.severity === 'warning').length;
      heads = Math.max(heads, ...analysis.environments.map((e) => e.heads.length));
    }
    void this.connection.sendNotification(ANALYZED_NOTIFICATION, { findings, drift, heads });
    if (!this.indexed) {
      this.indexed = true;
      for (const [folder, analysis] of results) folder.storeFirstIndex(analysis);
      for (const f of this.folders) f.flushParseCache();
      this.stopHelper();
      this.progress?.done();
      void this.connection.sendNotification(INDEXED_NOTIFICATION, { folders: this.folders.length, findings });
      this.options.afterFirstIndex?.();
    }
    return true;
  }
}

export { FileChangeType };
