#!/usr/bin/env node
import { checkCommand } from './cli/check';
import { revisionCommand } from './cli/revision';
import { reportCommand } from './cli/report';
import { UsageError, type Command } from './cli/command';
import { VERSION } from './version';


/** The subcommands, by name. */
const COMMANDS: Record<string, Command> = {
  check: checkCommand,
  revision: revisionCommand,
  report: reportCommand,
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || (e as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`alembic-drift: ${(e as Error).message.split('\n')[0]}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`alembic-drift: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 3;
  },
);
