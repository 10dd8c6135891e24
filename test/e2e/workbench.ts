/**
 * Drives the VS Code workbench in Chromium as a person would: keys, clicks, and what is on the screen. Every wait polls
 * the DOM with a timeout; nothing sleeps for a fixed time.
 */
import type { Locator, Page } from 'playwright-core';
import { waitFor } from './codeServer';

/** Timeouts for a 2-core machine that may also be building or testing something else. */
export const T = { short: 15_000, medium: 45_000, long: 120_000 };

export interface SquiggleLines {
  /** Line numbers rendered in the editor's margin (proof that it is drawn). */
  rendered: number[];
  /** The line of each squiggle of that kind. */
  squiggles: number[];
}

export class Workbench {
  constructor(readonly page: Page) {}

  /** Waits until the workbench is drawn and the extension host has connected. */
  async ready(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: T.long });
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: T.long });
  }

  private quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Opens the quick input with `key`, types `text`, and clicks the row whose accessible name contains `rowLabel`. */
  private async pick(key: string, text: string, rowLabel: string): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press(key);
    const input = this.quickInput().locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: T.short });
    await input.fill(text);
    const byLabel = this.quickInput().locator(`.quick-input-list .monaco-list-row[aria-label*=${JSON.stringify(rowLabel)}]`);
    const byText = this.quickInput().locator('.quick-input-list .monaco-list-row').filter({ hasText: rowLabel });
    const row = await waitFor(`a quick input row "${rowLabel}" for "${text}"`, T.medium, async () => ((await byLabel.count()) > 0 ? byLabel : (await byText.count()) > 0 ? byText : undefined));
    await row.first().click();
    await this.quickInput().waitFor({ state: 'hidden', timeout: T.short });
  }

  async closeQuickInput(): Promise<void> {
    if (await this.quickInput().isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput().waitFor({ state: 'hidden', timeout: T.short });
    }
  }

  /** Quick open (Ctrl+P): opens a file of the workspace by name and waits until its editor is the active one. */
  async openFile(name: string): Promise<void> {
    await this.pick('Control+P', name, name);
    await waitFor(`${name} to be the active editor`, T.medium, async () => ((await this.activeTab()) === name ? true : undefined));
    await this.activeEditor().locator('.view-lines').waitFor({ state: 'visible', timeout: T.medium });
  }

  /** Runs a command from the command palette (F1) by its label. */
  async runCommand(label: string): Promise<void> {
    await this.pick('F1', `>${label}`, label);
  }

  /** The label of the active editor's tab. */
  async activeTab(): Promise<string | undefined> {
    const tab = this.page.locator('.part.editor .editor-group-container.active .tab.active').first();
    return (await tab.count()) > 0 ? ((await tab.getAttribute('data-resource-name')) ?? undefined) : undefined;
  }

  /** Whether the active tab shows unsaved changes. */
  async activeTabDirty(): Promise<boolean> {
    return (await this.page.locator('.part.editor .editor-group-container.active .tab.active.dirty').count()) > 0;
  }

  activeEditor(): Locator {
    return this.page.locator('.part.editor .editor-group-container.active .editor-container .monaco-editor').first();
  }

  /** Puts the cursor at line:column (Go to Line), checked through the status bar. */
  async goTo(line: number, column: number): Promise<void> {
    await this.pick('Control+G', `:${line}:${column}`, `line ${line}`);
    await waitFor(`the cursor at Ln ${line}, Col ${column}`, T.short, async () => {
      const text = await this.page.locator('.part.statusbar').innerText();
      return text.includes(`Ln ${line}, Col ${column}`) ? true : undefined;
    });
    await this.waitForEditorFocus();
  }

  /** Waits until the active editor has the keyboard (focus comes back to it a moment after a quick input closes). */
  async waitForEditorFocus(): Promise<void> {
    await waitFor('the editor to have the keyboard', T.short, async () => ((await this.activeEditor().evaluate((e) => e.classList.contains('focused'))) ? true : undefined));
  }

  /**
   * Opens the code action menu at the cursor (Ctrl+.) and waits for the action titled `title` in it. A key pressed
   * while the editor is still taking focus back, or while the language server is still answering, can come to
   * nothing; then the menu is closed and the key pressed again, until `timeoutMs`.
   */
  async openCodeActions(title: string, timeoutMs = T.medium): Promise<Locator> {
    const item = this.codeActionMenu().locator('.monaco-list-row').filter({ hasText: title });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.waitForEditorFocus();
      await this.page.keyboard.press('Control+.');
      try {
        await item.first().waitFor({ state: 'visible', timeout: Math.min(10_000, Math.max(1_000, deadline - Date.now())) });
        return item.first();
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`no code action "${title}" after ${timeoutMs} ms: ${(e as Error).message}`);
        if (await this.codeActionMenu().isVisible()) await this.page.keyboard.press('Escape');
      }
    }
  }

  /** The lines of the active editor that carry a squiggle of `kind`, and the lines drawn (see SquiggleLines). */
  async squiggles(kind: 'warning' | 'error' | 'info' = 'warning'): Promise<SquiggleLines> {
    return this.activeEditor().evaluate((editor, kind) => {
      const numbers = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].map((n) => ({ line: Number(n.textContent), rect: n.getBoundingClientRect() }));
      const squiggles = [...editor.querySelectorAll(`.view-overlays .squiggly-${kind}`)].map((s) => {
        const r = s.getBoundingClientRect();
        const mid = r.top + r.height / 2;
        return numbers.find((n) => mid >= n.rect.top && mid <= n.rect.bottom)?.line ?? -1;
      });
      return { rendered: numbers.map((n) => n.line).filter((n) => n > 0), squiggles };
    }, kind);
  }

  /** Waits until the active editor draws a squiggle of `kind` on `line`. */
  async waitForSquiggle(line: number, kind: 'warning' | 'error' = 'warning', timeoutMs = T.medium): Promise<void> {
    await waitFor(`a ${kind} squiggle on line ${line}`, timeoutMs, async () => ((await this.squiggles(kind)).squiggles.includes(line) ? true : undefined));
  }

  /** Waits until the active editor, drawn with `line` in view, has no squiggle of `kind` on it. */
  async waitForNoSquiggle(line: number, kind: 'warning' | 'error' = 'warning', timeoutMs = T.medium): Promise<void> {
    await waitFor(`no ${kind} squiggle on line ${line}`, timeoutMs, async () => {
      const s = await this.squiggles(kind);
      return s.rendered.includes(line) && !s.squiggles.includes(line) ? true : undefined;
    });
  }

  /** Opens the Problems panel (once; the shortcut toggles it). */
  async showProblems(): Promise<void> {
    const panel = this.page.locator('.markers-panel');
    if (await panel.isVisible()) return;
    await this.runCommand('Problems: Focus on Problems View');
    await panel.waitFor({ state: 'visible', timeout: T.medium });
  }

  /** The accessible names of the Problems panel's rows (one per problem, one per file, one per related location). */
  async problemRows(): Promise<string[]> {
    return this.page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  }

  /** The Problems rows that are findings (not files or related locations). */
  async problems(): Promise<string[]> {
    return (await this.problemRows()).filter((r) => /generated by alembic-drift/.test(r));
  }

  /** Text of the status bar. */
  async statusBar(): Promise<string> {
    return this.page.locator('.part.statusbar').innerText();
  }

  /** The channel the Output panel shows, when it is visible. */
  async outputChannel(): Promise<string | undefined> {
    const view = this.page.locator('.part.panel .pane-body.output-view').first();
    if (!(await view.isVisible())) return undefined;
    return (await view.getAttribute('aria-label'))?.replace(/ - Output$/, '');
  }

  /** The code action menu (Ctrl+. or the lightbulb); its rows are `.monaco-list-row`s. */
  codeActionMenu(): Locator {
    return this.page.locator('.action-widget .actionList');
  }
}
