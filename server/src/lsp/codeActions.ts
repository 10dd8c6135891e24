import { randomUUID } from 'node:crypto';
import { CodeActionKind, type CodeAction, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { EnvironmentAnalysis } from '../core/project';
import type { SchemaChange } from '../core/diff/diffSchemas';
import { newRevision, RevisionError } from '../core/render/newRevision';
import { fileUri, findingKey, type DiagnosticData } from './convert';
import type { WorkspaceFolder } from './workspaceFolder';

/** The source action that writes one revision for every drift of the workspace folder. */
export const GENERATE_ALL_KIND = `${CodeActionKind.Source}.alembicDrift.generateMigration`;
/** The source action that writes one revision for the drift found in the current file. */
export const GENERATE_FILE_KIND = `${GENERATE_ALL_KIND}.file`;

function qualified(t: { name: string; schema?: string }): string {
  return t.schema ? `${t.schema}.${t.name}` : t.name;
}

/** What the fix of one change does, in the words of a revision message. */
export function describeChange(c: SchemaChange): string {
  switch (c.kind) {
    case 'add-table':
      return c.renamedFrom ? `rename table ${qualified(c.renamedFrom)} to ${qualified(c.model)}` : `create table ${qualified(c.model)}`;
    case 'drop-table':
      return c.renamedTo ? `rename table ${qualified(c.migration)} to ${qualified(c.renamedTo)}` : `drop table ${qualified(c.migration)} (deletes its data)`;
    case 'add-column':
      return `add column ${c.model.name}.${c.column.name}`;
    case 'drop-column':
      return `drop column ${c.migration.name}.${c.column.name} (deletes its data)`;
    case 'alter-column':
      return `alter column ${c.model.name}.${c.column.name}`;
    case 'primary-key':
      return `change the primary key of ${c.model.name}`;
    case 'add-index':
      return `create index ${c.index.name ?? `on ${c.model.name}(${c.index.columns.join(', ')})`}`;
    case 'drop-index':
      return `drop index ${c.index.name ?? `on ${c.migration.name}(${c.index.columns.join(', ')})`}`;
    case 'add-unique':
      return `create unique constraint on ${c.model.name}(${c.unique.columns.join(', ')})`;
    case 'drop-unique':
      return `drop unique constraint on ${c.migration.name}(${c.unique.columns.join(', ')})`;
    case 'add-foreign-key':
      return `create foreign key ${c.model.name}(${c.foreignKey.columns.join(', ')}) -> ${c.foreignKey.refTable}`;
    case 'drop-foreign-key':
      return `drop foreign key ${c.migration.name}(${c.foreignKey.columns.join(', ')}) -> ${c.foreignKey.refTable}`;
  }
}

/** A code action whose edit creates the new revision file (never over an existing one). */
function revisionAction(options: { folder: WorkspaceFolder; env: EnvironmentAnalysis; changes: SchemaChange[]; title: string; message: string; kind: string; diagnostics?: Diagnostic[] }): CodeAction | undefined {
  const { folder, env } = options;
  const scriptFolder = env.env.scriptLocation ? `${env.env.scriptLocation}/` : '';
  try {
    const revision = newRevision({
      environment: { ...env, changes: options.changes },
      message: options.message,
      template: folder.project.getText(`${scriptFolder}script.py.mako`),
      existingFiles: folder.project.paths(),
      now: new Date(),
      newId: () => randomUUID().replace(/-/g, '').slice(-12),
    });
    const uri = fileUri(folder.root, revision.file);
    const edit: WorkspaceEdit = {
      documentChanges: [
        { kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } },
        { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: revision.text }] },
      ],
    };
    return { title: options.title, kind: options.kind, diagnostics: options.diagnostics, edit, isPreferred: options.kind === CodeActionKind.QuickFix };
  } catch (e) {
    if (e instanceof RevisionError) return { title: options.title, kind: options.kind, disabled: { reason: e.message } };
    throw e;
  }
}

/**
 * The quick fixes for the diagnostics of a request, looked up by the key each diagnostic carries (never by its
 * message): each writes a new revision chained to the current head(s). Plus the source action for all drift.
 */
export function codeActionsFor(options: { folder: WorkspaceFolder; file: string; diagnostics: Diagnostic[]; only?: string[] }): CodeAction[] {
  const { folder } = options;
  const analysis = folder.lastAnalysis;
  if (!analysis) return [];
  const wants = (kind: string): boolean => !options.only || options.only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const out: CodeAction[] = [];
  if (wants(CodeActionKind.QuickFix)) {
    for (const d of options.diagnostics) {
      const data = d.data as DiagnosticData | undefined;
      if (d.source !== 'alembic-drift' || !data?.key) continue;
      for (const env of analysis.environments) {
        if (data.code === 'multiple-heads' && env.graph.problems.some((p) => findingKey(p) === data.key)) {
          const merge = revisionAction({ folder, env, changes: [], title: 'Add merge revision', message: 'merge heads', kind: CodeActionKind.QuickFix, diagnostics: [d] });
          if (merge) out.push(merge);
        }
        const change = env.changes.find((c) => findingKey(c.finding) === data.key);
        if (!change) continue;
        const what = describeChange(change);
        const action = revisionAction({ folder, env, changes: [change], title: `Add migration: ${what}`, message: what.replace(/ \(deletes its data\)$/, ''), kind: CodeActionKind.QuickFix, diagnostics: [d] });
        if (action) out.push(action);
      }
    }
  }
  const drift = (c: SchemaChange): boolean => c.finding.severity === 'error' || c.finding.severity === 'warning';
  const generate = (kind: string, pick: (c: SchemaChange) => boolean, what: string, message: string): void => {
    if (!wants(kind) || (kind === GENERATE_ALL_KIND && options.only?.includes(GENERATE_FILE_KIND))) return;
    for (const env of analysis.environments) {
      const changes = env.changes.filter((c) => drift(c) && pick(c));
      if (changes.length === 0) continue;
      const action = revisionAction({ folder, env, changes, title: `Generate migration for ${what} (${changes.length} change${changes.length === 1 ? '' : 's'})`, message, kind });
      if (action) out.push(action);
    }
  };
  generate(GENERATE_ALL_KIND, () => true, 'all drift', 'sync models');
  generate(GENERATE_FILE_KIND, (c) => c.finding.file === options.file, 'the drift in this file', `sync ${options.file.split('/').pop()!.replace(/\.py$/, '')}`);
  return out;
}
