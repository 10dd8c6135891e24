import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
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

const smallProjects: string[] = [];

/**
 * A new project in a temporary folder (removed by `removeSmallProjects`): alembic.ini with `url`, an env.py targeting `app.models.Base`, `app/models.py`
 * and one revision "a1" (down_revision None) with `upgrade`'s body; returns the folder and a writer for more files.
 */
export function smallProject(prefix: string, p: { url: string; models: string; upgrade: string }): { dir: string; write: (file: string, text: string) => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  smallProjects.push(dir);
  const write = projectWriter(dir);
  write('alembic.ini', `[alembic]\nscript_location = migrations\nsqlalchemy.url = ${p.url}\n`);
  write('migrations/env.py', 'from alembic import context\nfrom app.models import Base\ncontext.configure(connection=None, target_metadata=Base.metadata)\n');
  write('app/__init__.py', '');
  write('app/models.py', `import sqlalchemy as sa\nfrom sqlalchemy.orm import declarative_base\nBase = declarative_base()\n${p.models}`);
  write('migrations/versions/a1.py', `from alembic import op\nimport sqlalchemy as sa\nrevision = "a1"\ndown_revision = None\n\ndef upgrade():\n${p.upgrade}`);
  return { dir, write };
}

/** Removes the folders `smallProject` made. */
export function removeSmallProjects(): void {
  for (const dir of smallProjects.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
