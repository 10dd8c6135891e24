import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFolder } from '../node/analyzeFolder';
import { describeFileError } from '../node/fileErrors';
import { buildReport } from '../core/report/buildReport';
import { REPORT_TITLE, renderMarkdown } from '../core/report/renderMarkdown';
import { REPORT_USAGE, UsageError, noProjectError, projectFolder, type Command } from './command';

/** `alembic-drift report [DIR] [-o FILE] [--date YYYY-MM-DD]`: the Markdown audit, to FILE or standard output. */
export const reportCommand: Command = {
  usage: REPORT_USAGE,
  async run({ argv }) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { output: { type: 'string', short: 'o' }, date: { type: 'string' } } });
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    const date = values.date ?? today();
    if (!isDate(date)) throw new UsageError(`--date must be a date as YYYY-MM-DD, not "${date}"`);
    const root = projectFolder(positionals[0]);
    const output = values.output !== undefined ? path.resolve(values.output) : undefined;
    const existing = output && fs.existsSync(output) ? fs.statSync(output) : undefined;
    if (existing?.isDirectory()) throw new UsageError(`${values.output} is a folder; -o needs a file name`);
    if (output && existing && !mayReplace(output, existing)) throw new UsageError(`${values.output} exists and is not a report of alembic-drift; it is left as it is (name a new file, or remove it first)`);
    const { analysis, settings, settingsProblems } = await analyzeFolder(root);
    if (analysis.environments.length === 0) throw noProjectError(positionals[0]);
    for (const p of settingsProblems) process.stderr.write(`alembic-drift: ${p}\n`);
    const report = buildReport({ analysis, project: path.basename(root), date, dialect: settings.dialect });
    // Links are relative to the folder the report is read from: the output file's, or the current one for stdout.
    const markdown = renderMarkdown({ report, linkBase: linkBase(path.dirname(output ?? path.join(process.cwd(), 'stdout.md')), root) });
    if (output) {
      try {
        fs.mkdirSync(path.dirname(output), { recursive: true });
        fs.writeFileSync(output, markdown);
      } catch (e) {
        throw new UsageError(`cannot write ${values.output}: ${describeFileError(e)}`);
      }
      process.stderr.write(`alembic-drift: wrote ${values.output}\n`);
    } else process.stdout.write(markdown);
    return 0;
  },
};

/**
 * Whether `-o` may write over what is there: an empty file, a device such as /dev/stdout, or a report this command
 * wrote before (judged by its first line); never another file.
 */
function mayReplace(file: string, stat: fs.Stats): boolean {
  if (!stat.isFile() || stat.size === 0) return true;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(REPORT_TITLE.length);
      return fs.readSync(fd, head, 0, head.length, 0) === head.length && head.toString('utf8') === REPORT_TITLE;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** The relative POSIX path from the report's folder to the project root, with a trailing slash ('' when the same). */
function linkBase(from: string, root: string): string {
  const rel = path.relative(from, root).split(path.sep).join('/');
  return rel ? `${rel.split('/').map(encodeURIComponent).join('/')}/` : '';
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}
