import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

const SCHEME = 'alembic-drift-report';
const RENDER_COMMAND = 'alembicDrift.server.renderAuditReport';

/**
 * The audit report as a read-only virtual document (`alembic-drift-report:/<folder>/AUDIT.md`), rendered by the
 * server from its latest analysis and re-rendered after every analysis, shown in the Markdown preview.
 */
export class AuditReportProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Set<string>();
  private readonly registration: vscode.Disposable;

  constructor(private readonly client: LanguageClient) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, this);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    this.open.add(uri.toString());
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.name === uri.path.split('/')[1]);
    const text = await this.client.sendRequest<string | null>('workspace/executeCommand', { command: RENDER_COMMAND, arguments: folder ? [folder.uri.toString()] : [] });
    return text ?? '# Alembic Drift\n\nThe project is still being indexed.\n';
  }

  /** Opens the report of the active file's workspace folder (or the first) in the Markdown preview. */
  async show(): Promise<void> {
    const active = vscode.window.activeTextEditor?.document.uri;
    const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) return;
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${folder.name}/AUDIT.md` });
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  }

  /** Re-renders the open reports (called after each analysis). */
  refresh(): void {
    for (const uri of this.open) this.changed.fire(vscode.Uri.parse(uri));
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
