/**
 * What the extension-host tests (index.ts, run inside code-server's extension host through the smoke-test driver) and
 * their harness (../vscodeExtensionHost.test.ts, in mocha) share: the names of the cases, and a folder of small files
 * through which they talk. The extension host writes `NN-name.wait` when it needs the harness to look at the
 * workbench (the status bar, the Output panel), the harness answers `NN-name.ok` or `NN-name.fail`, and the
 * extension host finally writes `result.json`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The environment variable, set for code-server and so inherited by its extension host, naming the folder. */
export const DIR_ENV = 'ALEMBIC_DRIFT_EXTHOST_DIR';

export const CASES = [
  'activates in a workspace with an alembic.ini',
  'registers its commands',
  'publishes the example\'s drift as diagnostics (code, rule link, related information)',
  'shows the drift in the status bar',
  'Update the model to match the migrations edits the model line; saved, its finding goes',
  'Generate migration for the drift in this file writes a revision for that file only, saved and opened',
  'Generate migration for all drift, with no editor open, writes one revision, saved and opened; no drift is left',
  'shows "in sync" in the status bar',
  'Restart server: the restarted server flags an unsaved edit',
  'Show output reveals the Alembic Drift output channel',
] as const;
export type CaseName = (typeof CASES)[number];

export interface CaseResult {
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

/** A look at the workbench that the harness does for the extension host. */
export type Check = { kind: 'status-bar'; includes: string } | { kind: 'output-channel'; name: string };

export interface Answer {
  ok: boolean;
  detail?: string;
}

export const RESULT_FILE = 'result.json';

export function writeJson(file: string, value: unknown): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2));
  fs.renameSync(tmp, file);
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The checks that wait for an answer: `NN-name.wait` files with neither `.ok` nor `.fail` beside them. */
export function pendingChecks(dir: string): Array<{ id: string; check: Check }> {
  const out: Array<{ id: string; check: Check }> = [];
  for (const f of fs.readdirSync(dir).sort()) {
    if (!f.endsWith('.wait')) continue;
    const id = f.slice(0, -'.wait'.length);
    if (fs.existsSync(path.join(dir, `${id}.ok`)) || fs.existsSync(path.join(dir, `${id}.fail`))) continue;
    const check = readJson<Check>(path.join(dir, f));
    if (check) out.push({ id, check });
  }
  return out;
}

export function answer(dir: string, id: string, a: Answer): void {
  writeJson(path.join(dir, `${id}.${a.ok ? 'ok' : 'fail'}`), a);
}
