import { randomRevisionId } from '../node/writeRevision';
import { CodeActionKind, type CodeAction, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { EnvironmentAnalysis } from '../core/project';
import type { SchemaChange } from '../core/diff/diffSchemas';
import { isTentativeDrop, newRevision, RevisionError, writesAsDrift } from '../core/render/newRevision';
import { planModelEdit } from '../core/models/modelEdits';
import { Resolver } from '../core/python/resolve';
import { fileUri, findingKey, spanRange, type DiagnosticData } from './convert';
import type { WorkspaceFolder } from './workspaceFolder';

/** The source action that writes one revision for every drift of the workspace folder. */
export const GENERATE_ALL_KIND = `${CodeActionKind.Source}.alembicDrift.generateMigration`;
/** The source action that writes one revision for the drift found in the current file. */
export const GENERATE_FILE_KIND = `${GENERATE_ALL_KIND}.file`;
/** The server command behind "Generate migration" (folder URI, and a file URI for the drift of that file only). */
export const GENERATE_COMMAND = 'alembicDrift.server.generateMigration';
/** The title of the reverse quick fix, which edits the model instead of writing a migration. */
export const UPDATE_MODEL_TITLE = 'Update the model to match the migrations';
const MODEL_FIXES = new Set(['type-mismatch', 'nullable-mismatch', 'default-mismatch']);

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
    case 'add-check':
      return `create check constraint ${c.check.name} on ${c.model.name}`;
    case 'drop-check':
      return `drop check constraint ${c.check.name} of ${c.migration.name}`;
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
      newId: randomRevisionId,
      dialect: folder.dialectSetting,
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

/** "Update the model to match the migrations": the edit of the column's declaration, when it can be made safely. */
function updateModelAction(options: { folder: WorkspaceFolder; env: EnvironmentAnalysis; change: SchemaChange; diagnostic: Diagnostic }): CodeAction | undefined {
  const { folder, change } = options;
  const file = change.finding.file;
  const text = folder.project.getText(file);
  if (text === undefined) return undefined;
  const project = folder.project;
  const resolver = new Resolver({ files: () => project.paths().filter((f) => f.endsWith('.py')), syntax: (f) => project.syntax(f) });
  const edits = planModelEdit({ change, text, resolver, dialect: options.env.env.dialect });
  if (!edits) return undefined;
  const edit: WorkspaceEdit = { changes: { [fileUri(folder.root, file)]: edits.map((e) => ({ range: spanRange(e.span), newText: e.newText })) } };
  return { title: UPDATE_MODEL_TITLE, kind: CodeActionKind.QuickFix, diagnostics: [options.diagnostic], edit };
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
  // With several environments, each action says which one its revision goes to.
  const titled = (title: string, env: EnvironmentAnalysis): string => (analysis.environments.length > 1 ? `${title} in ${env.env.name}` : title);
  if (wants(CodeActionKind.QuickFix)) {
    for (const d of options.diagnostics) {
      const data = d.data as DiagnosticData | undefined;
      if (d.source !== 'alembic-drift' || !data?.key) continue;
      for (const env of analysis.environments) {
        if (data.code === 'multiple-heads' && env.graph.problems.some((p) => findingKey(p) === data.key)) {
          const merge = revisionAction({ folder, env, changes: [], title: titled('Add merge revision', env), message: 'merge heads', kind: CodeActionKind.QuickFix, diagnostics: [d] });
          if (merge) out.push(merge);
        }
        const change = env.changes.find((c) => findingKey(c.finding) === data.key);
        if (!change || isTentativeDrop(change)) continue;
        const what = describeChange(change);
        const action = revisionAction({ folder, env, changes: [change], title: titled(`Add migration: ${what}`, env), message: what.replace(/ \(deletes its data\)$/, ''), kind: CodeActionKind.QuickFix, diagnostics: [d] });
        if (action) out.push(action);
        const update = MODEL_FIXES.has(data.code) && !out.some((a) => a.title === UPDATE_MODEL_TITLE && a.diagnostics?.[0] === d) ? updateModelAction({ folder, env, change, diagnostic: d }) : undefined;
        if (update) out.push(update);
      }
    }
  }
  const generate = (kind: string, pick: (c: SchemaChange) => boolean, what: string, message: string): void => {
    if (!wants(kind) || (kind === GENERATE_ALL_KIND && options.only?.includes(GENERATE_FILE_KIND))) return;
    for (const env of analysis.environments) {
      const changes = env.changes.filter((c) => writesAsDrift(c) && pick(c));
      if (changes.length === 0) continue;
      const action = revisionAction({ folder, env, changes, title: titled(`Generate migration for ${what} (${changes.length} change${changes.length === 1 ? '' : 's'})`, env), message, kind });
      if (action) out.push(action);
    }
  };
  generate(GENERATE_ALL_KIND, () => true, 'all drift', 'sync models');
  generate(GENERATE_FILE_KIND, (c) => c.finding.file === options.file, 'the drift in this file', `sync ${options.file.split('/').pop()!.replace(/\.py$/, '')}`);
  return out;
}

/** One revision "Generate migration" writes: the file it creates and the edit that creates it, or why it cannot. */
export interface GeneratedRevision {
  title: string;
  uri?: string;
  edit?: WorkspaceEdit;
  error?: string;
}

/**
 * What the "Generate migration" commands write for a folder: a revision per Alembic environment with drift, for all
 * of it or for the drift found in one file. The client applies the edits (no editor need be open).
 */
export function generateMigrations(folder: WorkspaceFolder, file?: string): GeneratedRevision[] {
  const kind = file === undefined ? GENERATE_ALL_KIND : GENERATE_FILE_KIND;
  const actions = codeActionsFor({ folder, file: file ?? '', diagnostics: [], only: [kind] }).filter((a) => a.kind === kind);
  return actions.map((a) => {
    const created = a.edit?.documentChanges?.find((c) => 'kind' in c && c.kind === 'create');
    return { title: a.title, uri: created && 'uri' in created ? created.uri : undefined, edit: a.edit, error: a.disabled?.reason };
  });
}
