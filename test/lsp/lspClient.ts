import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic } from 'vscode-languageserver/node';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** A published diagnostics notification. */
export interface Publication {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

/**
 * A minimal LSP client that spawns the bundled server (dist/server.js --stdio) and speaks JSON-RPC to it like an
 * editor does; tests await notifications instead of sleeping.
 */
export class LspTestClient {
  readonly process: ChildProcess;
  readonly connection: MessageConnection;
  private readonly latest = new Map<string, Publication>();
  private waiters: Array<() => void> = [];
  private listeners: Array<(p: Publication) => void> = [];
  private indexed = false;
  /** How many `alembicDrift/analyzed` notifications have arrived. */
  analyses = 0;

  constructor(
    readonly root: string,
    /** The editor's `alembicDrift` settings, answered to `workspace/configuration` when given. */
    private readonly configuration?: Record<string, unknown>,
    /** The server's environment (default: this process's). */
    env?: NodeJS.ProcessEnv,
  ) {
    this.process = spawn(process.execPath, [path.join(REPO, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: Publication) => {
      this.latest.set(p.uri, p);
      for (const listener of this.listeners) listener(p);
      this.wake();
    });
    this.connection.onNotification('alembicDrift/indexed', () => {
      this.indexed = true;
      this.wake();
    });
    this.connection.onNotification('alembicDrift/analyzed', () => {
      this.analyses++;
      this.wake();
    });
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.configuration ?? null));
    this.connection.listen();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when `check()` holds, re-checking after every notification; rejects after `timeoutMs`. */
  until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const test = (): void => {
        if (check()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(test);
      };
      test();
    });
  }

  /** The URI of a file of the workspace. */
  uri(file: string): string {
    return pathToFileURL(path.join(this.root, file)).toString();
  }

  /** Calls `listener` with every diagnostics notification as it arrives (the benchmark times them). */
  onPublication(listener: (p: Publication) => void): void {
    this.listeners.push(listener);
  }

  /**
   * initialize + initialized, then waits for the first index. Tests analyse without debounce (`debounceMs: 0`) unless
   * `initializationOptions` says otherwise; `{}` keeps the server's own default.
   */
  async start(options: { dynamicWatchers?: boolean; disabledActions?: boolean; initializationOptions?: Record<string, unknown>; timeoutMs?: number; waitForIndex?: boolean } = {}): Promise<void> {
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(this.root).toString(),
      workspaceFolders: [{ uri: pathToFileURL(this.root).toString(), name: 'ws' }],
      capabilities: {
        workspace: { didChangeWatchedFiles: { dynamicRegistration: options.dynamicWatchers ?? true }, configuration: this.configuration !== undefined },
        textDocument: { codeAction: { disabledSupport: options.disabledActions ?? false } },
        window: { workDoneProgress: true },
      },
      initializationOptions: options.initializationOptions ?? { debounceMs: 0 },
    });
    await this.connection.sendNotification('initialized', {});
    if (options.waitForIndex !== false) await this.indexDone(options.timeoutMs);
  }

  /** Whether the server has said that its first index is done. */
  get isIndexed(): boolean {
    return this.indexed;
  }

  /** Resolves when the server says its first index is done. */
  indexDone(timeoutMs?: number): Promise<void> {
    return this.until(() => this.indexed, 'the first index', timeoutMs);
  }

  /** The latest diagnostics published for a file, once `accept` holds for them. */
  async diagnostics(file: string, accept: (p: Publication) => boolean = () => true): Promise<Publication> {
    const uri = this.uri(file);
    await this.until(() => {
      const p = this.latest.get(uri);
      return !!p && accept(p);
    }, `diagnostics for ${file}`);
    return this.latest.get(uri)!;
  }

  /** The latest diagnostics published for a file so far, if any (after `start()`, the first index's are all in). */
  published(file: string): Publication | undefined {
    return this.latest.get(this.uri(file));
  }

  /** Opens a file as the editor would. */
  async open(file: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: this.uri(file), languageId: 'python', version, text } });
  }

  /** Replaces a buffer's text (unsaved). */
  async change(file: string, text: string, version: number): Promise<void> {
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: this.uri(file), version }, contentChanges: [{ text }] });
  }

  /** Tells the server files changed on disk (1 created, 2 changed, 3 deleted). */
  async changedOnDisk(changes: Array<{ file: string; type: 1 | 2 | 3 }>): Promise<void> {
    await this.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: changes.map((c) => ({ uri: this.uri(c.file), type: c.type })) });
  }

  /** shutdown + exit, and waits for the process to end. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    await this.connection.sendRequest('shutdown').catch(() => undefined);
    await this.connection.sendNotification('exit').catch(() => undefined);
    this.connection.dispose();
    await exited;
  }
}
