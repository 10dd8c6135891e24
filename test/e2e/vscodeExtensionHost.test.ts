/**
 * Extension-host tests in a real VS Code: code-server started with the smoke-test driver, so that the workbench honours
 * the `payload` of its URL and runs test/e2e/exthost/index.ts (compiled) inside the extension host, next to the
 * extension unpacked from the .vsix. This harness answers the extension host's requests to look at the workbench
 * (see exthost/protocol.ts) and reports each case as a mocha test.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { CodeServerHome, REPO, VSIX, launchBrowser, requireTools, tempFolder, waitFor, type CodeServer } from './codeServer';
import { CASES, DIR_ENV, RESULT_FILE, answer, pendingChecks, readJson, type Answer, type CaseResult, type Check } from './exthost/protocol';
import { T, Workbench } from './workbench';

const ARTIFACTS = path.join(REPO, 'out', 'e2e-artifacts');

/** Does what the extension host asked: polls the workbench until the check holds, or says what it saw. */
async function look(wb: Workbench, check: Check): Promise<Answer> {
  if (check.kind === 'status-bar') {
    try {
      await waitFor(`"${check.includes}" in the status bar`, T.medium, async () => ((await wb.statusBar()).includes(check.includes) ? true : undefined));
      return { ok: true };
    } catch {
      return { ok: false, detail: `the status bar shows ${JSON.stringify(await wb.statusBar().catch(() => '?'))}, not "${check.includes}"` };
    }
  }
  try {
    await waitFor(`the output channel "${check.name}"`, T.medium, async () => ((await wb.outputChannel()) === check.name ? true : undefined));
    return { ok: true };
  } catch {
    return { ok: false, detail: `the Output panel shows ${JSON.stringify(await wb.outputChannel().catch(() => undefined))}, not "${check.name}"` };
  }
}

describe('VS Code extension host (smoke-test driver): the extension through the vscode API', function () {
  this.timeout(30_000);

  let tmp = '';
  let server: CodeServer | undefined;
  let browser: BrowserContext | undefined;
  let results: CaseResult[] = [];

  before(async function () {
    this.timeout(10 * 60_000);
    requireTools(this);
    tmp = tempFolder('alembic-drift-exthost-');
    const project = path.join(tmp, 'shop');
    fs.cpSync(path.join(REPO, 'examples', 'shop'), project, { recursive: true });
    const talk = path.join(tmp, 'talk');
    fs.mkdirSync(talk);

    // The extension under test is the .vsix, unpacked by code-server's own installer into a folder of its own.
    const unpack = new CodeServerHome(path.join(tmp, 'unpack'));
    unpack.env.EXTENSIONS_GALLERY = '{}';
    unpack.installExtension(VSIX);
    const installed = fs.readdirSync(unpack.extensions).find((d) => d.startsWith('alembic-drift.alembic-drift-'));
    assert.ok(installed, `the .vsix unpacked into ${unpack.extensions}`);
    const extensionDir = path.join(unpack.extensions, installed);
    const testsModule = path.join(REPO, 'out', 'test', 'e2e', 'exthost', 'index.js');
    assert.ok(fs.existsSync(testsModule), `${testsModule} is compiled`);

    const home = new CodeServerHome(path.join(tmp, 'code-server'));
    home.env.EXTENSIONS_GALLERY = '{}';
    home.env[DIR_ENV] = talk;
    server = await home.start({ extraArgs: ['--vscode-option=--enable-smoke-test-driver'] });
    const authority = `127.0.0.1:${server.port}`;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${extensionDir}`],
      ['extensionTestsPath', `vscode-remote://${authority}${testsModule}`],
    ];
    browser = await launchBrowser(path.join(tmp, 'browser'), home.env);
    const page = browser.pages()[0] ?? (await browser.newPage());
    const wb = new Workbench(page);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(project)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await wb.ready();

    let exitedAt: number | undefined;
    try {
      results = await waitFor('the extension-host tests to finish', 8 * 60_000, async () => {
        for (const { id, check } of pendingChecks(talk)) answer(talk, id, await look(wb, check));
        const done = readJson<CaseResult[]>(path.join(talk, RESULT_FILE));
        if (done) return done;
        // The extension host exits when the tests are done; without a result, it crashed.
        if (/Extension Host Process exited/.test(server!.log())) {
          exitedAt ??= Date.now();
          if (Date.now() - exitedAt > 5_000) throw new Error('the extension host exited without a result');
        }
        return undefined;
      }, 250);
    } catch (e) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'extension-host.png') }).catch(() => undefined);
      throw new Error(`${(e as Error).message}\n--- code-server (last lines) ---\n${server.log().split('\n').slice(-40).join('\n')}`);
    }
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (tmp && !process.env.ALEMBIC_DRIFT_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const name of CASES) {
    it(name, function () {
      const r = results.find((x) => x.name === name);
      assert.ok(r, `the extension host did not run "${name}"`);
      if (!r.ok) throw new Error(`in the extension host: ${r.error}`);
    });
  }
});
