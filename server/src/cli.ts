#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFolder } from './node/analyzeFolder';
import { formatJson, formatSarif, formatText, type CheckReport } from './cli/output';

const VERSION = '0.1.0';
const USAGE = `Usage: alembic-drift check [DIR] [--format text|json|sarif] [--exit-zero]

Finds drift between the SQLAlchemy models and the Alembic migrations of the project in DIR (default: the current
folder), statically: nothing of the project is imported or run, no database is needed.
Exit status: 0 no drift, 1 drift found (0 with --exit-zero), 2 usage problem.`;

function usageError(message: string): never {
  process.stderr.write(`alembic-drift: ${message}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string', short: 'f' }, 'exit-zero': { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } } });
  } catch (e) {
    usageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [command, dirArg, ...rest] = positionals;
  if (command !== 'check') usageError(command ? `unknown command "${command}" (try: alembic-drift check [DIR])` : 'a command is needed (try: alembic-drift check [DIR])');
  if (rest.length > 0) usageError(`unexpected argument "${rest[0]}"`);
  const format = values.format ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) usageError(`--format must be text, json or sarif, not "${format}"`);
  const root = path.resolve(dirArg ?? '.');
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) usageError(`${dirArg ?? '.'} is not a folder`);

  const { analysis, settingsProblems } = await analyzeFolder(root);
  if (analysis.environments.length === 0) usageError(`no Alembic project found in ${dirArg ?? '.'} (no alembic.ini, no migrations with revision files)`);
  for (const p of settingsProblems) process.stderr.write(`alembic-drift: ${p}\n`);
  const heads = [...new Set(analysis.environments.flatMap((e) => e.heads))];
  const report: CheckReport = { root, heads, findings: analysis.findings };
  const out = format === 'json' ? formatJson(report) : format === 'sarif' ? formatSarif(report, VERSION) : formatText(report);
  process.stdout.write(out);
  if (values['exit-zero']) return 0;
  return analysis.findings.some((f) => f.severity === 'error' || f.severity === 'warning') ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`alembic-drift: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 3;
  },
);
