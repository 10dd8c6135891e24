import { parseArgs } from 'node:util';
import { checkFolder } from '../node/checkFolder';
import { loadEngine } from './loadEngine';
import { UsageError, noProjectError, projectFolder, type Command } from './command';
import { formatJson, formatSarif, formatText, type CheckReport } from './output';

/** `alembic-drift check [DIR] [--format text|json|sarif] [--exit-zero]`: report drift; exit 1 when there is some. */
export const checkCommand: Command = {
  usage: 'alembic-drift check [DIR] [--format text|json|sarif] [--exit-zero] [--no-cache]',
  async run({ argv, version }) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string', short: 'f' }, 'exit-zero': { type: 'boolean' }, 'no-cache': { type: 'boolean' } } });
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    const format = values.format ?? 'text';
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
    const root = projectFolder(positionals[0]);
    const result = await checkFolder(root, { cache: !values['no-cache'], engine: loadEngine });
    if (result.environments === 0) throw noProjectError(positionals[0]);
    for (const p of result.settingsProblems) process.stderr.write(`alembic-drift: ${p}\n`);
    const report: CheckReport = { root, heads: result.heads, findings: result.findings, environments: result.environments, modelTables: result.modelTables, uncompared: result.uncompared };
    process.stdout.write(format === 'json' ? formatJson(report) : format === 'sarif' ? formatSarif(report, version) : formatText(report));
    if (values['exit-zero']) return 0;
    return result.findings.some((f) => f.severity === 'error' || f.severity === 'warning') ? 1 : 0;
  },
};
