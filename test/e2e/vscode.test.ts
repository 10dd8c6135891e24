/**
 * The extension as a user meets it, in a real VS Code: code-server 4.139.1 (Code 1.139.1) driven in Debian's Chromium
 * with playwright-core. The .vsix that `npm run package` built is installed offline; the example project (a temporary
 * copy) shows its missing column as a squiggle and a Problems row; the quick fix writes the revision, which saves to
 * disk, and the finding goes away; a column typed into the model is flagged before it is saved.
 *
 * Tools come from scripts/e2e-tools.sh (run by `npm run test:e2e`). Without them the suite skips, except in CI where
 * it fails.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { CodeServerHome, REPO, VSIX, launchBrowser, requireTools, tempFolder, waitFor, type CodeServer } from './codeServer';
import { T, Workbench } from './workbench';

const ARTIFACTS = path.join(REPO, 'out', 'e2e-artifacts');
/** The README's screenshot; rewritten only when ALEMBIC_DRIFT_UPDATE_SCREENSHOT=1 (it is committed). */
const README_SCREENSHOT = path.join(REPO, 'docs', 'images', 'quick-fix.png');
const HEAD = '7c8d9e0f1a2b';
const ORIGINAL_REVISIONS = ['1a2b3c4d5e6f_create_catalog.py', `${HEAD}_create_orders.py`];

describe('VS Code (code-server in Chromium): the .vsix as a user meets it', function () {
  this.timeout(T.long + 60_000);

  let tmp = '';
  let project = '';
  let home: CodeServerHome;
  let installOutput = '';
  let server: CodeServer | undefined;
  let browser: BrowserContext | undefined;
  let wb: Workbench;
  const consoleErrors: string[] = [];

  const versionsDir = (): string => path.join(project, 'migrations', 'versions');
  const newRevisions = (): string[] => fs.readdirSync(versionsDir()).filter((f) => f.endsWith('.py') && !ORIGINAL_REVISIONS.includes(f));

  before(async function () {
    this.timeout(6 * 60_000);
    requireTools(this);
    tmp = tempFolder('alembic-drift-vscode-');
    project = path.join(tmp, 'shop');
    fs.cpSync(path.join(REPO, 'examples', 'shop'), project, { recursive: true });
    home = new CodeServerHome(path.join(tmp, 'code-server'));
    // No extension gallery: the machine is offline, and nothing may be fetched.
    home.env.EXTENSIONS_GALLERY = '{}';
    installOutput = home.installExtension(VSIX);
    server = await home.start({ folder: project });
    browser = await launchBrowser(path.join(tmp, 'browser'), home.env);
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(T.medium);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 300));
    });
    wb = new Workbench(page);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(project)}`);
    await wb.ready();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !wb) return;
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${this.currentTest.title.replace(/[^\w]+/g, '-').slice(0, 80)}.png`);
    await wb.page.screenshot({ path: file }).catch(() => undefined);
    console.log(`      screenshot: ${file}`);
    console.log(`      code-server (last lines):\n${server?.log().split('\n').slice(-30).join('\n')}`);
    if (consoleErrors.length) console.log(`      browser console errors:\n${consoleErrors.slice(-10).join('\n')}`);
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (tmp && !process.env.ALEMBIC_DRIFT_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('installs the .vsix offline', function () {
    assert.match(installOutput, /successfully installed/i);
    const version = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    assert.deepEqual(home.listExtensions(), [`alembic-drift.alembic-drift@${version}`]);
  });

  it('shows the missing column as a squiggle on its line and a row in the Problems panel', async function () {
    await wb.showProblems();
    await wb.openFile('catalog.py');
    await wb.waitForSquiggle(19);
    assert.deepEqual((await wb.squiggles('warning')).squiggles, [19], 'one warning squiggle, on line 19 (sku)');
    const row = await waitFor('the Problems row of products.sku', T.medium, async () => (await wb.problems()).find((r) => r.includes('"products.sku"')));
    assert.match(row, /^Warning: Column "products\.sku" is not in the migrations \(head 7c8d9e0f1a2b\)\. at line 19 and character 5\./);
    // The other two findings of the example (a migration file and orders.py) are listed too.
    const all = await waitFor('three findings in the Problems panel', T.medium, async () => {
      const rows = await wb.problems();
      return rows.length === 3 ? rows : undefined;
    });
    assert.ok(all.some((r) => r.includes('"orders.coupon_code"')), all.join('\n'));
    assert.ok(all.some((r) => r.includes('"customers.full_name"')), all.join('\n'));
    await waitFor('the status bar item to count the drift', T.medium, async () => ((await wb.statusBar()).includes('3 drifts') ? true : undefined));
  });

  it('the quick fix "Add migration: add column products.sku" writes the revision; saved, the finding is gone', async function () {
    await wb.openFile('catalog.py');
    await wb.goTo(19, 5);
    const item = await wb.openCodeActions('Add migration: add column products.sku');
    const menu = wb.codeActionMenu();
    await fs.promises.mkdir(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, 'quick-fix.png');
    await wb.page.screenshot({ path: shot });
    if (process.env.ALEMBIC_DRIFT_UPDATE_SCREENSHOT === '1') {
      fs.mkdirSync(path.dirname(README_SCREENSHOT), { recursive: true });
      fs.copyFileSync(shot, README_SCREENSHOT);
    }
    assert.deepEqual(newRevisions(), [], 'no revision before the fix');
    await item.click();
    await menu.waitFor({ state: 'hidden', timeout: T.medium });

    // The edit creates the file; its text may stay unsaved in an editor until saved.
    const file = await waitFor('the new revision file', T.medium, async () => newRevisions()[0]);
    await wb.runCommand('File: Save All');
    const text = await waitFor(`the revision's text on disk (${file})`, T.medium, async () => {
      const t = fs.readFileSync(path.join(versionsDir(), file), 'utf8');
      return t.includes('upgrade') ? t : undefined;
    });
    assert.deepEqual(newRevisions(), [file], 'exactly one new revision');
    assert.match(file, /^[0-9a-f]{12}_add_column_products_sku\.py$/);
    assert.match(text, new RegExp(`^down_revision: .* = '${HEAD}'$`, 'm'));
    assert.match(text, /with op\.batch_alter_table\('products', schema=None\) as batch_op:\n\s+batch_op\.add_column\(sa\.Column\('sku', sa\.String\(length=32\), nullable=False\)\)/);
    assert.match(text, /batch_op\.drop_column\('sku'\)/);
    assert.doesNotMatch(text, /coupon_code|full_name/, 'only the chosen change is written');

    // The finding is gone from the Problems panel (the other two stay) and from the editor.
    const rows = await waitFor('the products.sku row to leave the Problems panel', T.medium, async () => {
      const r = await wb.problems();
      return r.length === 2 && !r.some((x) => x.includes('"products.sku"')) ? r : undefined;
    });
    assert.ok(rows.some((r) => r.includes('"orders.coupon_code"')) && rows.some((r) => r.includes('"customers.full_name"')), rows.join('\n'));
    await wb.openFile('catalog.py');
    await wb.waitForNoSquiggle(19);
    await waitFor('the status bar item to count 2 drifts', T.medium, async () => ((await wb.statusBar()).includes('2 drifts') ? true : undefined));
  });

  it('flags a column typed into the model before it is saved', async function () {
    await wb.openFile('catalog.py');
    await wb.goTo(21, 37); // the end of `    description = sa.Column(sa.Text)`
    const line = '    weight = sa.Column(sa.Integer, nullable=False)';
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type(line, { delay: 10 });
    const typed = Date.now();
    await wb.waitForSquiggle(22);
    const ms = Date.now() - typed;
    const row = await waitFor('the Problems row of products.weight', T.medium, async () => (await wb.problems()).find((r) => r.includes('"products.weight"')));
    assert.match(row, /^Warning: Column "products\.weight" is not in the migrations \(head [0-9a-f]{12}\)\. at line 22 and character 5\./);
    assert.equal(await wb.activeTabDirty(), true, 'the model is unsaved');
    assert.doesNotMatch(fs.readFileSync(path.join(project, 'shop', 'models', 'catalog.py'), 'utf8'), /weight/, 'nothing was saved');
    console.log(`      (squiggle ${ms} ms after the last key)`);
  });
});
