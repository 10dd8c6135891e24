import * as fs from 'node:fs';
import * as path from 'node:path';

/** What a CLI command gets: its own arguments (after the command name) and the tool's version. */
export interface CommandContext {
  argv: string[];
  version: string;
}

/** A CLI subcommand: its usage line, and a run function that resolves to the exit status. */
export interface Command {
  usage: string;
  run(ctx: CommandContext): Promise<number>;
}

export const REVISION_USAGE = 'alembic-drift revision [DIR] -m MESSAGE [--env NAME] [--rev-id ID] [--head HEAD]';
export const REPORT_USAGE = 'alembic-drift report [DIR] [-o FILE] [--date YYYY-MM-DD]';

/** A problem with how the tool was called: exit status 2 with a one-line reason on stderr. */
export class UsageError extends Error {
  /** NOTE: cli.js and engine.js each bundle this class, so `instanceof` cannot tell; this mark can. */
  readonly usageError = true;
}

/** Whether an error is a UsageError, whichever bundle threw it. */
export function isUsageError(e: unknown): e is UsageError {
  return (e as { usageError?: unknown } | undefined)?.usageError === true;
}

/** The absolute project folder named by a DIR argument (default: the current folder), or a UsageError. */
export function projectFolder(dirArg: string | undefined): string {
  const root = path.resolve(dirArg ?? '.');
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new UsageError(`${dirArg ?? '.'} is not a folder`);
  return root;
}

/** The UsageError for a folder in which no Alembic environment was found (`dirArg` as the user wrote it). */
export function noProjectError(dirArg: string | undefined): UsageError {
  return new UsageError(`no Alembic project found in ${dirArg ?? '.'} (no alembic.ini or pyproject.toml with a script_location, no env.py beside a versions folder, no revision files)`);
}
