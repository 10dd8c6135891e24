import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, State, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
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
    vscode.commands.registerCommand('alembicDrift.generateMigration', () => runSourceAction(false)),
    vscode.commands.registerCommand('alembicDrift.generateMigrationForFile', () => runSourceAction(true)),
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

/** Asks the server for the "Generate migration for all drift" source action and applies its edit. */
async function runSourceAction(currentFileOnly: boolean): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const uri = editor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!uri) return;
  const kind = currentFileOnly ? 'source.alembicDrift.generateMigration.file' : 'source.alembicDrift.generateMigration';
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, editor?.selection ?? new vscode.Range(0, 0, 0, 0), kind);
  const action = actions?.find((a) => a.edit && a.kind?.value === kind);
  if (!action?.edit) {
    void vscode.window.showInformationMessage(currentFileOnly ? 'Alembic Drift: no drift in this file.' : 'Alembic Drift: no drift to write a migration for.');
    return;
  }
  await vscode.workspace.applyEdit(action.edit, { isRefactoring: true });
}

/** Stops the language server. */
export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
