#!/usr/bin/env node
import { checkCommand } from './cli/check';
import { loadEngine } from './cli/loadEngine';
import { REPORT_USAGE, REVISION_USAGE, UsageError, isUsageError, type Command } from './cli/command';
import { VERSION } from './version';

/** The subcommands, by name; those that always analyse live in the engine bundle, loaded when they run. */
const COMMANDS: Record<string, Command> = {
  check: checkCommand,
  revision: { usage: REVISION_USAGE, run: (ctx) => loadEngine().revisionCommand.run(ctx) },
  report: { usage: REPORT_USAGE, run: (ctx) => loadEngine().reportCommand.run(ctx) },
};

const USAGE = `Usage:
${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join('\n')}

Finds drift between the SQLAlchemy models and the Alembic migrations of the project in DIR (default: the current
folder), statically: nothing of the project is imported or run, no database is needed.
Exit status: 0 no drift, 1 drift found (0 with --exit-zero), 2 usage problem.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (name === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = name ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(name ? `unknown command "${name}" (try: alembic-drift --help)` : 'a command is needed (try: alembic-drift --help)');
  return command.run({ argv: rest, version: VERSION });
}

// A reader that stops early (`check | head`) closes the pipe: the rest of the output is not wanted, which is no error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (isUsageError(e) || (e as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`alembic-drift: ${(e as Error).message.split('\n')[0]}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`alembic-drift: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 3;
  },
);
