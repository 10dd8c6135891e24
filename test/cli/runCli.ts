import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (tests run from out/test/...). */
export const REPO = path.resolve(__dirname, '..', '..', '..');

/** Runs the bundled CLI (dist/cli.js) and returns its exit status and output. */
export function runCli(args: string[], cwd = REPO, env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One diagnostic of the CLI's JSON output. */
export interface JsonDiagnostic {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: string;
  code: string;
  message: string;
  table?: string;
  column?: string;
}

/** Runs `check DIR --format json` and parses the result. */
export function checkJson(dir: string): { status: number | null; heads: string[]; diagnostics: JsonDiagnostic[]; stderr: string } {
  const r = runCli(['check', dir, '--format', 'json']);
  if (r.status !== 0 && r.status !== 1) throw new Error(`alembic-drift exited ${r.status}: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as { heads: string[]; diagnostics: JsonDiagnostic[] };
  return { status: r.status, heads: parsed.heads, diagnostics: parsed.diagnostics, stderr: r.stderr };
}

/** A function that writes a file of a project in `dir`, making its folders. */
export function projectWriter(dir: string): (file: string, text: string) => void {
  return (file, text) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
}
