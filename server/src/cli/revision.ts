import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { analyzeFolder } from '../node/analyzeFolder';
import { writeRevision } from '../node/writeRevision';
import { RevisionError } from '../core/render/newRevision';
import { REVISION_USAGE, UsageError, noProjectError, projectFolder, type Command } from './command';

/**
 * `alembic-drift revision [DIR] -m MESSAGE [--env NAME] [--rev-id ID] [--head HEAD]`: write the one revision that brings the
 * migrations to the models (like `alembic revision --autogenerate`, without a database) and print its path.
 */
export const revisionCommand: Command = {
  usage: REVISION_USAGE,
  async run({ argv }) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { message: { type: 'string', short: 'm' }, env: { type: 'string' }, 'rev-id': { type: 'string' }, head: { type: 'string' } },
    });
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    if (values.message === undefined) throw new UsageError('a message is needed: -m "what the revision does"');
    const revId = values['rev-id'];
    if (revId !== undefined && !/^\w+$/.test(revId)) throw new UsageError('--rev-id must be letters, digits and underscores');
    const root = projectFolder(positionals[0]);
    const folder = await analyzeFolder(root);
    for (const p of folder.settingsProblems) process.stderr.write(`alembic-drift: ${p}\n`);
    const envs = folder.analysis.environments;
    if (envs.length === 0) throw noProjectError(positionals[0]);
    const names = envs.map((e) => e.env.name);
    const wanted = values.env;
    const named = wanted === undefined ? [] : envs.filter((e) => [e.env.name, e.env.scriptLocation, e.env.section, e.env.engine].includes(wanted));
    if (named.length > 1) throw new UsageError(`--env ${values.env} names several environments; pick one with --env (${named.map((e) => e.env.name).join(', ')})`);
    const environment = values.env === undefined ? (envs.length === 1 ? envs[0] : undefined) : named[0];
    if (!environment) throw new UsageError(values.env === undefined ? `the project has several Alembic environments; pick one with --env (${names.join(', ')})` : `no environment "${values.env}" (there are: ${names.join(', ')})`);
    try {
      const { path: written, revision } = writeRevision({ root, folder, environment, message: values.message, revisionId: revId, head: values.head });
      if (revision.written.length === 0) process.stderr.write('alembic-drift: no drift found; the revision is empty.\n');
      if (revision.skipped.length > 0) process.stderr.write(`alembic-drift: ${revision.skipped.length} change${revision.skipped.length === 1 ? ' is' : 's are'} only noted, not written (see alembic-drift check).\n`);
      process.stdout.write(`${path.resolve(written)}\n`);
      return 0;
    } catch (e) {
      if (e instanceof RevisionError) throw new UsageError(e.message);
      throw e;
    }
  },
};
