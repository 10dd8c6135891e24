import type { ActionStep, AuditReport, FindingItem, IssueRow, ModelSection, RowSide, SourceLine } from './auditReport';
import { ROW_LABELS } from './issueKinds';

/** How every report begins (then the project's name): how `report -o` knows a file it may replace. */
export const REPORT_TITLE = '# Schema drift audit: ';

/** How to render: the report, and the path from the report file's folder to the project root ('' when the same). */
export interface RenderInput {
  report: AuditReport;
  /** Relative POSIX path prefix for links, ending in '/' unless empty. */
  linkBase: string;
}

const STATUS_ICON: Record<ModelSection['status'], string> = { matches: '✅', discrepancies: '⚠️', missing: '❌', renamed: '❌', noted: 'ℹ️', 'not-compared': '❔' };

const STEP_TITLES: Record<ActionStep['kind'], string> = {
  'repair-history': 'Repair the revision history',
  'create-tables': 'Create the missing tables, in foreign-key order',
  columns: 'Add, alter and drop columns',
  constraints: 'Primary keys, unique constraints, indexes and foreign keys',
  renames: 'Rename tables',
  'drop-tables': 'Tables with no model: drop them, or write their models',
};

const REPAIR_HINTS: Partial<Record<FindingItem['code'], string>> = {
  'missing-down-revision': 'Point it at the revision it follows. ',
  'duplicate-revision': 'Give all but one of them a new id, and update what names it. ',
  'revision-cycle': 'Point one of them at a revision outside the loop. ',
  'invalid-operation': 'Fix the operation, or the revision before it that left the schema otherwise. ',
};

/** Renders the audit as Markdown whose links to source lines are relative to the report file's folder. */
export function renderMarkdown({ report, linkBase }: RenderInput): string {
  const link = (at: SourceLine): string => `[${at.file}:${at.line}](${linkBase}${at.file.split('/').map(encodeURIComponent).join('/')}#L${at.line})`;
  const out: string[] = [];
  const para = (...lines: string[]): void => {
    out.push(...lines, '');
  };
  para(`${REPORT_TITLE}${report.project}`);
  para(`Date: ${report.date}. Written by \`alembic-drift report\` from the project's files alone: no project code was run and no database was queried. It says what \`alembic-drift check\` says, model by model.`);
  para(...header(report, link));
  para('## Executive summary');
  para(...summary(report));
  para('## Findings by model');
  if (report.models.length === 0) para('No model was compared with the migrations.');
  report.models.forEach((m, i) => {
    if (m.environment !== undefined && m.environment !== report.models[i - 1]?.environment) para(`**Environment \`${m.environment}\`:**`);
    para(...modelSection(m, link));
  });
  para('## Tables with no model');
  const renamed = report.models.some((m) => m.status === 'renamed');
  const noted = report.notes.some((n) => n.code === 'extra-table');
  const one = report.uncompared.length === 1;
  const uncompared = `${report.uncompared.map((t) => `\`${t}\``).join(', ')}: an op on ${one ? 'it' : 'them'} could not be read, or runs only under a condition that could not be decided, so ${one ? 'it was' : 'they were'} not compared (see Notes)`;
  const tables = tablesAtHead(report);
  if (report.models.length === 0 && report.unmodelled.length === 0) para(tables === 0 ? 'The migrations leave no table at head.' : `No model was compared, so ${tables === 1 ? 'the table the migrations leave at head is' : `the ${tables} tables the migrations leave at head are`} not judged here (see Notes).`);
  else if (report.unmodelled.length === 0) para(`Every table the migrations leave at head is described by a model${renamed ? ' (or is a renamed one, above)' : ''}${noted ? ', or listed under Notes' : ''}${report.uncompared.length > 0 ? `, except ${uncompared}` : ''}.`);
  else if (report.uncompared.length > 0) para(`No model describes ${uncompared}.`);
  for (const group of report.unmodelled) {
    if (group.environment !== undefined) para(`Environment \`${group.environment}\`:`);
    para(...issueTable(['Issue', 'Table', 'Model definition', 'Migration definition'], group.rows, link));
  }
  para('## Revision graph');
  para(...(report.graph.length > 0 ? findingTable(['Issue', 'Revision', 'Details'], report.graph, link) : ['No revision-graph problems were found.']));
  if (report.otherProblems.length > 0) {
    para('## Other problems');
    para(...findingTable(['Issue', 'Where', 'Details'], report.otherProblems, link));
  }
  para('## Notes');
  if (report.notes.length === 0) para('No notes: `check` reports nothing as information.');
  else {
    para(`What \`check\` reports as information: not problems, but places where the static reading stopped or assumed something${report.models.some((m) => m.notes.length > 0) ? ' (notes about a model are in its section)' : ''}.`);
    para(...report.notes.map((n) => `- ${link(n.at)} \`${n.code}\`: ${inline(n.message)}`));
  }
  para('## Actions');
  para(...actions(report, link));
  return `${out.join('\n').trimEnd()}\n`;
}

function header(report: AuditReport, link: (at: SourceLine) => string): string[] {
  const lines: string[] = [];
  const envText = (e: AuditReport['environments'][number]): string =>
    `\`${e.name}\` (${e.name === e.scriptLocation ? '' : `script location \`${e.scriptLocation || '.'}\`, `}${e.dialect ? `${e.dialect}, ` : ''}${plural(e.revisionCount, 'revision')}, ${plural(e.tableCount, 'table')} at ${e.heads.length > 1 ? 'its heads' : 'head'})`;
  const headsText = (e: AuditReport['environments'][number]): string =>
    e.heads.length === 0 ? 'none (no revisions)' : e.heads.map((h) => `\`${h.id}\`${h.message ? ` "${inline(h.message)}"` : ''}${h.at ? ` (${link(h.at)})` : ''}`).join(', ');
  if (report.environments.length === 1) {
    const e = report.environments[0];
    lines.push(`- **Alembic environment:** ${envText(e)}`);
    lines.push(`- **Head revision${e.heads.length > 1 ? 's' : ''}:** ${headsText(e)}`);
  } else {
    lines.push(`- **Alembic environments:** ${report.environments.length}`);
    for (const e of report.environments) lines.push(`  - ${envText(e)}; head${e.heads.length > 1 ? 's' : ''} ${headsText(e)}`);
  }
  const tables = tablesAtHead(report);
  const compared = report.models.length;
  lines.push(`- **Read:** ${plural(report.modelCount, 'model')}${compared !== report.modelCount ? ` (${compared} compared with the migrations)` : ''}, ${plural(tables, 'table')} in the migrations, ${plural(report.revisionCount, 'revision')}`);
  return lines;
}

/** The tables the migrations leave at head, in every environment. */
function tablesAtHead(report: AuditReport): number {
  return report.environments.reduce((n, e) => n + e.tableCount, 0);
}

function summary(report: AuditReport): string[] {
  const { error, warning, information, hint } = report.totals;
  const problems = error + warning;
  const notes = information + hint;
  const byStatus = (...s: ModelSection['status'][]): number => report.models.filter((m) => s.includes(m.status)).length;
  const lines: string[] = [];
  if (problems === 0 && report.models.length === 0) {
    // quay's models are not SQLAlchemy's: agreement would be claimed of nothing.
    lines.push(`**Nothing compared.** No model was compared with the migrations, so this report cannot say whether they agree; \`check\` reports no error or warning${notes ? ` (${plural(notes, 'note')}: see Notes, which say what could not be read)` : ''}.`, '');
  } else if (problems === 0) {
    lines.push(`**No drift.** Every model compared matches the migrations, and \`check\` reports no error or warning${notes ? ` (${plural(notes, 'note')}: see Notes)` : ''}.`, '');
  } else {
    lines.push(`**${plural(problems, 'problem')}** (\`check\`: ${plural(error, 'error')}, ${plural(warning, 'warning')}, ${plural(notes, 'note')}).`, '');
    lines.push('| Problem | Count |', '| --- | ---: |');
    for (const s of report.summary) lines.push(`| ${s.label} | ${s.count} |`);
    lines.push('');
  }
  const parts = [
    `✅ ${byStatus('matches')} match`,
    `⚠️ ${byStatus('discrepancies')} with discrepancies`,
    `❌ ${byStatus('missing', 'renamed')} missing or renamed`,
  ];
  if (byStatus('noted')) parts.push(`ℹ️ ${byStatus('noted')} not created by the migrations, as a note`);
  if (byStatus('not-compared')) parts.push(`❔ ${byStatus('not-compared')} not compared`);
  lines.push(`Models: ${parts.join(' · ')}.`);
  return lines;
}

function modelSection(m: ModelSection, link: (at: SourceLine) => string): string[] {
  const kind = m.modelKind === 'table' ? 'Table' : 'Model';
  // A name that already ends with the word (optuna's `StudyModel`, a `users_table`) is not followed by it again.
  const title = m.modelName.toLowerCase().endsWith(kind.toLowerCase()) ? m.modelName : `${m.modelName} ${kind}`;
  const lines = [`### ${m.number}. ${title} (${m.at.file})`, ''];
  const table = `\`${m.table}\``;
  const mig = m.migrationTable;
  const renamed = mig?.renamed ? `, renamed to ${table} in revision \`${mig.renamed.revision}\` at ${link(mig.renamed.at)}` : '';
  const where = mig ? `; table ${mig.created ? 'created' : 'first altered'} in revision \`${mig.revision ?? '?'}\` at ${link(mig.at)}${renamed}` : '';
  const partial = m.partial ? ' The migrations alter this table but never create it (it is assumed to exist before them), so only what they touch was compared.' : '';
  const problems = m.rows.reduce((n, r) => n + r.findings.length, 0);
  const shownNote = m.status === 'noted' ? m.notes.find((n) => n.code === 'missing-table') : undefined;
  const status: Record<ModelSection['status'], string> = {
    matches: `**Table ${table} exists and matches.**${partial}`,
    discrepancies: `**Table ${table} exists with ${plural(problems, 'discrepancy', 'discrepancies')}.**${partial}`,
    missing: `**Table ${table} is missing from the migrations:** no revision creates it.`,
    renamed: `**Table ${table} is not in the migrations under this name:** they create a table with the same columns under another name (below).`,
    noted:
      m.notedBecause === 'baseline'
        ? `**No revision creates table ${table}.** The migrations assume tables made outside them (\`create_all\` and \`alembic stamp\`), which may include it, so \`check\` reports it as a note, not a problem.`
        : `**No revision creates table ${table}.** The settings make this a note, not a problem.`,
    'not-compared': mig
      ? `**Table ${table} exists but was not compared:** an operation the analysis could not evaluate may change it (see Notes).`
      : `**Not compared:** no table of the migrations was paired with this model and nothing was reported about it (an operation the analysis could not evaluate may create it, or the settings ignore it).`,
  };
  lines.push(`${STATUS_ICON[m.status]} ${status[m.status]}`, '');
  lines.push(`Model at ${link(m.at)}${where}.`, '');
  if (m.rows.length > 0) lines.push(...issueTable(['Issue', 'Field', 'Model definition', 'Migration definition'], m.rows, link), '');
  const notes = m.notes.filter((n) => n !== shownNote);
  if (notes.length > 0) lines.push(...notes.map((n) => `- ℹ️ Note (${link(n.at)}): ${inline(n.message)}`), '');
  return trimBlank(lines);
}

function issueTable(head: string[], rows: IssueRow[], link: (at: SourceLine) => string): string[] {
  const side = (s: RowSide): string => {
    const parts: string[] = [];
    if (s.code !== undefined) parts.push(code(s.code));
    if (s.note !== undefined) parts.push(s.note);
    if (s.revision !== undefined) parts.push(`revision \`${s.revision}\``);
    return `${parts.join(', ')}${s.at ? ` (${link(s.at)})` : ''}`;
  };
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${[r.label, r.field, side(r.model), side(r.migration)].map(cell).join(' | ')} |`)];
}

function findingTable(head: string[], items: FindingItem[], link: (at: SourceLine) => string): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...items.map((f) => `| ${[ROW_LABELS[f.code], `${f.revision ? `\`${f.revision}\` ` : ''}(${link(f.at)})`, inline(f.message)].map(cell).join(' | ')} |`),
  ];
}

function actions(report: AuditReport, link: (at: SourceLine) => string): string[] {
  const all = report.actions.filter((a) => a.steps.length > 0);
  if (all.length === 0) return [report.models.length === 0 ? 'Nothing to do that this report can tell: no model was compared (see Notes).' : 'Nothing to do: the models and the migrations agree.'];
  const lines: string[] = [
    'Recommended order: repair the revision history first, then rename tables (every later step uses the new names), then create the missing tables (referenced tables first), then columns, then constraints and indexes; tables with no model come last, because dropping them loses data and the fix may be a model instead.',
    '',
    'Each step after the repairs is one new revision, whose `upgrade()` is the ops shown: the text `alembic-drift revision` writes. They bring the database to what the models say; where a migration is right and the model is behind, change the model instead.',
    '',
  ];
  for (const a of all) {
    const level = a.environment !== undefined ? '####' : '###';
    if (a.environment !== undefined) lines.push(`### Environment \`${a.environment}\``, '');
    a.steps.forEach((step, i) => lines.push(...actionStep({ step, number: i + 1, level, link }), ''));
  }
  return trimBlank(lines);
}

function actionStep({ step, number, level, link }: { step: ActionStep; number: number; level: string; link: (at: SourceLine) => string }): string[] {
  const lines = [`${level} Step ${number}. ${STEP_TITLES[step.kind]}`, ''];
  if (step.kind === 'repair-history') {
    lines.push('These are in the existing revisions: `alembic upgrade` cannot be trusted until they are fixed.', '');
    // Findings that say the same (every head of a split graph, every file of a duplicated id) are one repair.
    const byMessage = new Map<string, FindingItem[]>();
    for (const r of step.repairs) byMessage.set(r.message, [...(byMessage.get(r.message) ?? []), r]);
    for (const [message, items] of byMessage) lines.push(`- ${inline(message)} ${REPAIR_HINTS[items[0].code] ?? ''}(${items.map((r) => link(r.at)).join(', ')})`);
    return lines;
  }
  const fix = step.fix!;
  lines.push('```python', ...fix.imports, ...(fix.imports.length > 0 ? [''] : []), ...trimBlank([...fix.lines]), '```');
  const following = (step.followingForeignKeys ?? []).map((k) => `the foreign key of \`${k.table}\` (${k.columns.join(', ')}) then references \`${k.target}\``);
  if (following.length > 0) lines.push('', `Renaming a table re-points the foreign keys that reference it: ${following.join('; ')}, as the model says, with no other op.`);
  return lines;
}

function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** A table cell: pipes escaped (GitHub and VS Code keep them inside code spans), never a line break. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function inline(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function trimBlank(lines: string[]): string[] {
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
