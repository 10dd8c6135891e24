import * as vscode from 'vscode';

/** The status bar item: indexing, in sync, N drifts, several heads, or stopped; a click shows the output. */
export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('alembicDrift.status', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Alembic Drift';
    this.item.command = 'alembicDrift.showOutput';
  }

  /** Shows a state that has no numbers. */
  show(state: 'indexing' | 'stopped'): void {
    this.item.text = state === 'indexing' ? '$(sync~spin) Alembic Drift' : '$(error) Alembic Drift stopped';
    this.item.tooltip = state === 'indexing' ? 'Indexing models and migrations' : 'The language server stopped; see the output';
    this.item.show();
  }

  /** Shows the result of the latest analysis. */
  update(p: { findings: number; drift?: number; heads?: number }): void {
    const drift = p.drift ?? p.findings;
    if ((p.heads ?? 1) > 1) {
      this.item.text = `$(git-merge) ${p.heads} heads`;
      this.item.tooltip = 'The revision graph has several heads';
    } else if (drift === 0) {
      this.item.text = '$(check) Alembic in sync';
      this.item.tooltip = 'Models and migrations agree';
    } else {
      this.item.text = `$(warning) ${drift} drift${drift === 1 ? '' : 's'}`;
      this.item.tooltip = 'Models and migrations disagree: see the Problems panel';
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
