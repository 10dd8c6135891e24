import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, State, type LanguageClientOptions, type ServerOptions, type WorkspaceEdit as LspWorkspaceEdit } from 'vscode-languageclient/node';
import { StatusItem } from './statusItem';
import { AuditReportProvider } from './auditReport';

let client: LanguageClient | undefined;

/** Starts the language server (bundled beside this file) and wires the commands, the status bar and the output. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Alembic Drift', { log: true });
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'python' }, { scheme: 'file', pattern: '**/{alembic.ini,pyproject.toml,script.py.mako}' }],
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions: { debounceMs: vscode.workspace.getConfiguration('alembicDrift').get<number>('debounceMs') },
    connectionOptions: { maxRestartCount: 4 },
  };
  client = new LanguageClient('alembicDrift', 'Alembic Drift', serverOptions, clientOptions);
  const status = new StatusItem();
  context.subscriptions.push(output, status);
  client.onDidChangeState((e) => {
    if (e.newState === State.Stopped) status.show('stopped');
  });

  context.subscriptions.push(
    vscode.commands.registerCommand('alembicDrift.generateMigration', () => generateMigration(false)),
    vscode.commands.registerCommand('alembicDrift.generateMigrationForFile', () => generateMigration(true)),
    vscode.commands.registerCommand('alembicDrift.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('alembicDrift.showOutput', () => output.show(true)),
  );

  const report = new AuditReportProvider(client);
  context.subscriptions.push(report, vscode.commands.registerCommand('alembicDrift.openAuditReport', () => report.show()));

  status.show('indexing');
  await client.start();
  client.onNotification('alembicDrift/analyzed', (p: { findings: number; drift?: number; heads?: number }) => {
    status.update(p);
    report.refresh();
  });
}

/** The server command that returns the revision(s) to write, for a folder or for one file of it. */
const GENERATE_COMMAND = 'alembicDrift.server.generateMigration';

interface GeneratedRevision {
  title: string;
  uri?: string;
  edit?: LspWorkspaceEdit;
  error?: string;
}

/** The folder a workspace command is for: the active file's, the only one, or the one the user picks. */
async function commandFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = active && vscode.workspace.getWorkspaceFolder(active);
  if (folder) return folder;
  const all = vscode.workspace.workspaceFolders ?? [];
  if (all.length <= 1) return all[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Generate the migration for which folder?' });
}

/**
 * "Generate migration for all drift" (of a workspace folder; no editor need be open) or "for the drift in this file":
 * asks the server for the revision, applies its edit as a refactoring (so VS Code saves the new file), and opens it.
 */
async function generateMigration(currentFileOnly: boolean): Promise<void> {
  if (!client) return;
  const file = vscode.window.activeTextEditor?.document.uri;
  if (currentFileOnly && !file) {
    void vscode.window.showInformationMessage('Alembic Drift: open a model file to generate a migration for its drift.');
    return;
  }
  const folder = await commandFolder();
  if (!folder) return;
  const args = currentFileOnly && file ? [folder.uri.toString(), file.toString()] : [folder.uri.toString()];
  const revisions = (await client.sendRequest<GeneratedRevision[] | null>('workspace/executeCommand', { command: GENERATE_COMMAND, arguments: args })) ?? [];
  if (revisions.length === 0) {
    void vscode.window.showInformationMessage(currentFileOnly ? 'Alembic Drift: no drift in this file.' : 'Alembic Drift: no drift to write a migration for.');
    return;
  }
  for (const revision of revisions) {
    if (!revision.edit || !revision.uri) {
      void vscode.window.showErrorMessage(`Alembic Drift: ${revision.title}: ${revision.error ?? 'cannot be written'}`);
      continue;
    }
    const edit = await client.protocol2CodeConverter.asWorkspaceEdit(revision.edit);
    if (!edit || !(await vscode.workspace.applyEdit(edit, { isRefactoring: true }))) {
      void vscode.window.showErrorMessage(`Alembic Drift: ${revision.title}: the edit was not applied`);
      continue;
    }
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(revision.uri));
    if (document.isDirty) await document.save();
    await vscode.window.showTextDocument(document, { preview: false });
  }
}

/** Stops the language server. */
export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
