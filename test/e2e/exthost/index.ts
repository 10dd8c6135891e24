/**
 * The extension-host tests: loaded by code-server's extension host (`extensionTestsPath` of the smoke-test driver's
 * payload) next to the extension unpacked from the .vsix (`extensionDevelopmentPath`), with the real `vscode` API and
 * the example project open. Each case runs in order; the results go to a file that the harness
 * (../vscodeExtensionHost.test.ts) reads. What the API cannot see (the status bar, the Output panel) the harness
 * checks in the workbench when asked (see protocol.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CASES, DIR_ENV, RESULT_FILE, readJson, writeJson, type Answer, type CaseName, type CaseResult, type Check } from './protocol';

const EXTENSION_ID = 'alembic-drift.alembic-drift';
const COMMANDS = ['alembicDrift.generateMigration', 'alembicDrift.generateMigrationForFile', 'alembicDrift.restartServer', 'alembicDrift.showOutput'];
const ORIGINAL_REVISIONS = ['1a2b3c4d5e6f_create_catalog.py', '7c8d9e0f1a2b_create_orders.py'];
const CASE_TIMEOUT_MS = 150_000;

async function poll<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every diagnostic of the extension, with its file relative to the workspace folder. */
function drift(): Array<{ file: string; d: vscode.Diagnostic }> {
  const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const out: Array<{ file: string; d: vscode.Diagnostic }> = [];
  for (const [uri, list] of vscode.languages.getDiagnostics()) {
    for (const d of list) if (d.source === 'alembic-drift') out.push({ file: path.relative(root, uri.fsPath).split(path.sep).join('/'), d });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

function codeOf(d: vscode.Diagnostic): string | undefined {
  return typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}

export async function run(): Promise<void> {
  const dir = process.env[DIR_ENV];
  if (!dir) throw new Error(`${DIR_ENV} is not set`);
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const versions = (): string => path.join(root!, 'migrations', 'versions');
  const catalog = (): vscode.Uri => vscode.Uri.file(path.join(root!, 'shop', 'models', 'catalog.py'));
  const orders = (): vscode.Uri => vscode.Uri.file(path.join(root!, 'shop', 'models', 'orders.py'));
  const written: string[] = [];
  /** The revision a command writes: its file name once it is on disk with its text, and that text. */
  const newRevision = async (): Promise<{ file: string; text: string }> => {
    const file = await poll('the new revision', 30_000, () => fs.readdirSync(versions()).find((f) => f.endsWith('.py') && !ORIGINAL_REVISIONS.includes(f) && !written.includes(f)));
    written.push(file);
    // Written as a refactoring: saved at once (files.refactoring.autoSave), and the command saves what is left.
    const text = await poll('the revision on disk', 30_000, () => {
      const t = fs.readFileSync(path.join(versions(), file), 'utf8');
      return t.includes('def upgrade') ? t : undefined;
    });
    return { file, text };
  };
  /** The command opens the revision it wrote, saved. */
  const shownRevision = async (file: string): Promise<void> => {
    const editor = await poll(`an editor on ${file}`, 30_000, () => (vscode.window.activeTextEditor?.document.uri.fsPath === path.join(versions(), file) ? vscode.window.activeTextEditor : undefined));
    assert.equal(editor.document.isDirty, false, 'the revision is saved');
  };
  let seq = 0;

  /** Asks the harness to look at the workbench, and waits for its answer. */
  async function ask(name: string, check: Check): Promise<void> {
    const id = `${String(++seq).padStart(2, '0')}-${name}`;
    writeJson(path.join(dir!, `${id}.wait`), check);
    const a = await poll(`the harness to check ${JSON.stringify(check)}`, 120_000, () => readJson<Answer>(path.join(dir!, `${id}.ok`)) ?? readJson<Answer>(path.join(dir!, `${id}.fail`)));
    if (!a.ok) throw new Error(`in the workbench: ${a.detail ?? JSON.stringify(check)}`);
  }

  const cases: Record<CaseName, () => Promise<void>> = {
    'activates in a workspace with an alembic.ini': async () => {
      assert.ok(root, 'a workspace folder is open');
      assert.ok(fs.existsSync(path.join(root, 'alembic.ini')));
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is loaded`);
      // Activated by `workspaceContains:**/alembic.ini`, without anything opened.
      await poll('the extension to activate by itself', 60_000, () => (ext.isActive ? true : undefined));
    },

    'registers its commands': async () => {
      const all = await vscode.commands.getCommands(true);
      for (const c of COMMANDS) assert.ok(all.includes(c), `${c} is registered`);
    },

    'publishes the example\'s drift as diagnostics (code, rule link, related information)': async () => {
      const found = await poll('the example\'s three findings', 60_000, () => {
        const d = drift();
        return d.length === 3 ? d : undefined;
      });
      assert.deepEqual(
        found.map(({ file, d }) => [file, d.range.start.line, d.range.start.character, codeOf(d), d.severity]),
        [
          ['migrations/versions/7c8d9e0f1a2b_create_orders.py', 38, 8, 'extra-column', vscode.DiagnosticSeverity.Warning],
          ['shop/models/catalog.py', 18, 4, 'missing-column', vscode.DiagnosticSeverity.Warning],
          ['shop/models/orders.py', 18, 4, 'nullable-mismatch', vscode.DiagnosticSeverity.Warning],
        ],
      );
      const sku = found[1].d;
      assert.match(sku.message, /^Column "products\.sku" is not in the migrations/);
      const target = typeof sku.code === 'object' ? sku.code.target : undefined;
      assert.ok(target && /\/docs\/rules\/missing-column\.md$/.test(target.path), `rule link: ${target?.toString()}`);
      assert.ok(fs.existsSync(target.fsPath), 'the rule page ships in the .vsix');
      assert.ok(sku.relatedInformation?.some((r) => r.location.uri.fsPath.endsWith('1a2b3c4d5e6f_create_catalog.py')), 'related: the migration that creates the table');
    },

    'shows the drift in the status bar': async () => {
      await ask('drift', { kind: 'status-bar', includes: '3 drifts' });
    },

    'Update the model to match the migrations edits the model line; saved, its finding goes': async () => {
      const editor = await vscode.window.showTextDocument(orders());
      const finding = drift().find((x) => x.file === 'shop/models/orders.py' && codeOf(x.d) === 'nullable-mismatch');
      assert.ok(finding, 'the nullable-mismatch of customers.full_name');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', orders(), finding.d.range, vscode.CodeActionKind.QuickFix.value);
      const update = actions?.find((a) => a.title === 'Update the model to match the migrations');
      assert.ok(update?.edit, `the quick fix is offered (${actions?.map((a) => a.title).join(', ')})`);
      assert.ok(await vscode.workspace.applyEdit(update.edit), 'the edit applies');
      assert.match(editor.document.lineAt(finding.d.range.start.line).text, /full_name = sa\.Column\(sa\.String\(120\), nullable=True\)/);
      assert.ok(await editor.document.save(), 'the model saves');
      await poll('the finding to go', 60_000, () => (drift().some((x) => x.file === 'shop/models/orders.py') ? undefined : true));
      assert.equal(drift().length, 2);
    },

    'Generate migration for the drift in this file writes a revision for that file only, saved and opened': async () => {
      await vscode.window.showTextDocument(catalog());
      await vscode.commands.executeCommand('alembicDrift.generateMigrationForFile');
      const { file, text } = await newRevision();
      assert.match(file, /^[0-9a-f]{12}_sync_catalog\.py$/);
      assert.match(text, /down_revision: .* = '7c8d9e0f1a2b'/);
      assert.match(text, /batch_op\.add_column\(sa\.Column\('sku'/);
      assert.doesNotMatch(text, /coupon_code/);
      await shownRevision(file);
      const left = await poll('only the migration-side finding left', 60_000, () => {
        const d = drift();
        return d.length === 1 ? d : undefined;
      });
      assert.equal(codeOf(left[0].d), 'extra-column');
    },

    'Generate migration for all drift, with no editor open, writes one revision, saved and opened; no drift is left': async () => {
      // From the command palette with every editor closed: the command asks the server for the workspace folder's
      // revision (code actions need a document; asked for the folder's URI, VS Code answers "Illegal argument").
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await poll('no editor open', 10_000, () => (vscode.window.activeTextEditor ? undefined : true));
      const previous = written[0].slice(0, 12);
      await vscode.commands.executeCommand('alembicDrift.generateMigration');
      const { file, text } = await newRevision();
      assert.match(file, /^[0-9a-f]{12}_sync_models\.py$/);
      assert.match(text, new RegExp(`down_revision: .* = '${previous}'`));
      assert.match(text, /batch_op\.drop_column\('coupon_code'\)/);
      await shownRevision(file);
      await poll('no drift left', 60_000, () => (drift().length === 0 ? true : undefined));
    },

    'shows "in sync" in the status bar': async () => {
      await ask('in-sync', { kind: 'status-bar', includes: 'Alembic in sync' });
    },

    'Restart server: the restarted server flags an unsaved edit': async () => {
      await vscode.commands.executeCommand('alembicDrift.restartServer');
      const editor = await vscode.window.showTextDocument(catalog());
      const doc = editor.document;
      const last = doc.lineAt(doc.lineCount - 1);
      const line = last.isEmptyOrWhitespace ? doc.lineCount - 1 : doc.lineCount;
      const ok = await editor.edit((e) => e.insert(last.range.end, `${last.isEmptyOrWhitespace ? '' : '\n'}    weight = sa.Column(sa.Integer, nullable=False)\n`));
      assert.ok(ok, 'the edit applies');
      assert.ok(doc.isDirty, 'the model is unsaved');
      const d = await poll('a finding for the typed column', 60_000, () => drift().find((x) => x.file === 'shop/models/catalog.py' && x.d.message.includes('"products.weight"')));
      assert.equal(codeOf(d.d), 'missing-column');
      assert.equal(d.d.range.start.line, line);
      await ask('one-drift', { kind: 'status-bar', includes: '1 drift' });
    },

    'Show output reveals the Alembic Drift output channel': async () => {
      await vscode.commands.executeCommand('alembicDrift.showOutput');
      await ask('output', { kind: 'output-channel', name: 'Alembic Drift' });
    },
  };

  const results: CaseResult[] = [];
  for (const name of CASES) {
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([cases[name](), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS)))]);
      results.push({ name, ok: true, ms: Date.now() - t0 });
    } catch (e) {
      results.push({ name, ok: false, error: (e as Error).stack ?? String(e), ms: Date.now() - t0 });
    } finally {
      clearTimeout(timer);
    }
  }
  writeJson(path.join(dir, RESULT_FILE), results);
}
