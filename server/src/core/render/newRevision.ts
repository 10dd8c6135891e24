import type { EnvironmentAnalysis } from '../project';
import type { RevisionGraph } from '../migrations/graph';
import { matchMigrationTables, type SchemaChange } from '../diff/diffSchemas';
import { dirname } from '../config/environments';
import { revisionFileName } from './fileName';
import { renderChangeOps } from './renderOps';
import { renderRevision } from './renderRevision';

/** Why no revision can be written (a broken revision graph, a name that exists, a template we cannot render). */
export class RevisionError extends Error {}

/** What a new revision is made from; everything from outside (disk, clock, randomness) is passed in. */
export interface NewRevisionInput {
  environment: EnvironmentAnalysis;
  message: string;
  /** The text of the environment's `script.py.mako`, when it has one. */
  template?: string;
  /** The project's files (relative POSIX paths), so that no name is used twice. */
  existingFiles: Iterable<string>;
  now: Date;
  /** A fresh 12-hex revision id on each call (`uuid4().hex[-12:]` in Alembic). */
  newId: () => string;
  /** The revision id to use instead of a fresh one (`--rev-id`). */
  revisionId?: string;
  /** The dialect to assume when the environment's config names none (the `dialect` setting). */
  dialect?: string;
  /** The head to follow (`--head`: a head's id, or `label@head`), where the heads must not all be merged. */
  head?: string;
}

/** A revision ready to be written. */
export interface NewRevision {
  /** Where it goes (relative POSIX path). */
  file: string;
  text: string;
  revisionId: string;
  downRevision: string | string[] | null;
  /** The changes it makes. */
  written: SchemaChange[];
  /** Changes left out because they are only notes (tables the history assumes were made outside it, lowered codes). */
  skipped: SchemaChange[];
}

/**
 * Whether a revision writes a change: drift at warning or error level, and not a table only assumed to exist or
 * that a model of unknown table name may describe (dropping it could lose that model's rows).
 */
export function writesAsDrift(c: SchemaChange): boolean {
  return (c.finding.severity === 'error' || c.finding.severity === 'warning') && !isTentativeDrop(c);
}

/** A table only assumed to exist, or that a model of unknown table name may describe: never dropped. */
export function isTentativeDrop(c: SchemaChange): boolean {
  return c.kind === 'drop-table' && !!c.tentative;
}

/**
 * The first table a change would write that a detached tree's revisions make or change (they are replayed after
 * the head, so a revision after the head would run before them), or undefined.
 */
function touchedAfterHead(analysis: EnvironmentAnalysis, changes: SchemaChange[]): string | undefined {
  if (analysis.detached.length === 0) return undefined;
  const detachedIds = new Set(analysis.detached.flatMap((g) => [...g.revisions.keys()]));
  // Matched as the comparison matched them (by name where one side names no schema).
  const migrationTable = matchMigrationTables(analysis.schema);
  for (const c of changes) {
    const table = 'migration' in c ? c.migration : c.kind === 'add-table' && c.renamedFrom ? c.renamedFrom : migrationTable(c.model);
    if (!table) continue;
    const entries = [...(table.history ?? []), ...[...table.columns.values()].flatMap((col) => col.history ?? [])];
    if (entries.some((h) => detachedIds.has(h.revision))) return table.schema ? `${table.schema}.${table.name}` : table.name;
  }
  return undefined;
}

const GRAPH_BLOCKERS = new Set(['revision-cycle', 'missing-down-revision', 'duplicate-revision']);

/**
 * The heads a new revision follows: the one `--head` names (a head's id or its start, or `label@head`), else all of
 * them, merged; but heads on separately labelled branches (expand and contract) are kept apart, as Alembic keeps them:
 * one must be named.
 */
function parentHeads(graph: RevisionGraph, heads: string[], wanted: string | undefined): string[] {
  const labels = new Map(heads.map((h) => [h, branchLabelsOf(graph, h)]));
  const describe = (h: string): string => `${h}${labels.get(h)!.size > 0 ? ` (${[...labels.get(h)!].join(', ')})` : ''}`;
  if (wanted !== undefined) {
    const at = wanted.indexOf('@');
    const label = at >= 0 ? wanted.slice(0, at) : undefined;
    const matching = label !== undefined ? (wanted.slice(at + 1) === 'head' ? heads.filter((h) => labels.get(h)!.has(label)) : []) : wanted === 'head' ? heads : heads.filter((h) => h.startsWith(wanted));
    if (matching.length === 1) return matching;
    const known = heads.length === 0 ? 'there is no head' : `the heads are ${heads.map(describe).join(', ')}`;
    throw new RevisionError(`--head ${wanted} names ${matching.length === 0 ? 'no head' : 'several heads'} (${known}); name one head by its id or as label@head`);
  }
  const sets = [...labels.values()];
  const apart = sets.find((set) => [...set].some((l) => !sets.every((other) => other.has(l))));
  if (heads.length > 1 && apart) {
    const example = [...apart].find((l) => !sets.every((other) => other.has(l)))!;
    throw new RevisionError(`the heads ${heads.map(describe).join(', ')} are on separately labelled branches, which a merge would join: name the one to follow with --head (as alembic revision --head does), e.g. --head ${example}@head`);
  }
  return heads;
}

/** The branch labels a revision is on: its own and those of every revision it descends from, as `label@head` finds it. */
function branchLabelsOf(graph: RevisionGraph, id: string): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const revision = graph.revisions.get(next);
    if (!revision) continue;
    for (const l of revision.branchLabels) out.add(l);
    stack.push(...revision.downRevisions);
  }
  return out;
}

/**
 * Plans the one revision that takes an environment's migrations to its models, as `alembic revision --autogenerate`
 * would write it but with no database: down_revision is the head (a tuple merging all heads when there are several),
 * the file name follows `file_template`, and the text follows the project's template. Throws RevisionError when it
 * cannot be done safely.
 */
export function newRevision(input: NewRevisionInput): NewRevision {
  const { environment: analysis } = input;
  const env = analysis.env;
  const blocker = analysis.graph.problems.find((p) => GRAPH_BLOCKERS.has(p.code));
  if (blocker) throw new RevisionError(`the revision graph must be fixed first: ${blocker.message}`);
  const unlinked = [...analysis.graph.revisions.values()].find((r) => r.unresolved?.some((u) => u.startsWith('down_revision ')));
  if (unlinked) throw new RevisionError(`the revision graph cannot be read: ${unlinked.file} has a down_revision that cannot be evaluated statically, so the heads a new revision must follow are not known`);
  const written = analysis.changes.filter(writesAsDrift);
  const afterHead = touchedAfterHead(analysis, written);
  if (afterHead) {
    const folders = [...new Set(analysis.detached.flatMap((g) => [...g.revisions.values()].map((r) => dirname(r.file))))].sort();
    const shown = folders.length > 3 ? `${folders.slice(0, 3).join(', ')} and ${folders.length - 3} more` : folders.join(', ');
    throw new RevisionError(`${env.name}: "${afterHead}" is changed by revisions outside its version folders (${shown}), which the project's own tooling adds to Alembic's (as neutron-db-manage and keystone-manage do); a revision after its head would run before them. Write it with that tooling (neutron-db-manage revision --expand, for one)`);
  }
  const unread = analysis.unreadFiles[0];
  if (unread) {
    const what = unread.message.startsWith(unread.file) ? unread.message : `${unread.file}: ${unread.message.charAt(0).toLowerCase()}${unread.message.slice(1)}`;
    throw new RevisionError(`${what.replace(/\.$/, '')}. Fix it first: what it describes is not known, and a revision written now could drop or re-create it`);
  }
  const heads = parentHeads(analysis.graph, [...analysis.heads].sort(), input.head);
  const downRevision = heads.length === 0 ? null : heads.length === 1 ? heads[0] : heads;

  let folder: string;
  if (env.versionLocations.length === 1) folder = env.versionLocations[0];
  else {
    const head = heads.length > 0 ? analysis.graph.revisions.get(heads[0]) : undefined;
    if (!head) throw new RevisionError(`${env.name} has several version locations and no head to choose one by`);
    folder = dirname(head.file);
  }

  const existing = new Set(input.existingFiles);
  const taken = analysis.graph.revisions.get(input.revisionId ?? '');
  if (taken) throw new RevisionError(`the revision id "${input.revisionId}" is already used by ${taken.file}`);
  const used = [...existing].map((f) => f.slice(f.lastIndexOf('/') + 1));
  let revisionId = input.revisionId ?? input.newId();
  for (let tries = 0; !input.revisionId && (analysis.graph.revisions.has(revisionId) || used.some((f) => f.includes(revisionId))); tries++) {
    if (tries > 100) throw new RevisionError('no unused revision id was found');
    revisionId = input.newId();
  }

  const skipped = analysis.changes.filter((c) => !written.includes(c));
  // The database the history shows it runs on where none is configured, as the comparison took it.
  const dialect = env.dialect ?? input.dialect ?? analysis.database;
  const ops = renderChangeOps({ changes: written, batch: !!analysis.compare.renderAsBatch || dialect === 'sqlite', dialect });
  let text: string;
  try {
    text = renderRevision({ message: input.message, revisionId, downRevision, createDate: input.now, ...ops, template: input.template, engine: env.engine, mainOptions: env.mainOptions });
  } catch (e) {
    throw new RevisionError(`${env.scriptLocation ? `${env.scriptLocation}/` : ''}script.py.mako: ${(e as Error).message}`);
  }
  let name: string;
  try {
    name = revisionFileName({ fileTemplate: env.fileTemplate, revisionId, message: input.message, now: input.now, truncateSlugLength: env.truncateSlugLength });
  } catch (e) {
    throw new RevisionError(`${env.name}: ${(e as Error).message}`);
  }
  // A file_template may name sub-folders, never a way out of the version folder, and must leave a name.
  const parts = name.split(/[\\/]/);
  if (parts.some((p) => p === '..') || name.startsWith('/') || parts[parts.length - 1] === '.py') {
    throw new RevisionError(`${env.name}: file_template gives the file name "${name}", which does not name a file in the version folder`);
  }
  // Alembic reads the sub-folders of a version folder only with recursive_version_locations = true: a revision
  // written there would never run, and the next one would not find it as its parent.
  if (parts.length > 1 && !env.recursive) {
    throw new RevisionError(`${env.name}: file_template puts the new revision in ${[folder, ...parts.slice(0, -1)].filter(Boolean).join('/')}, a sub-folder Alembic reads only with recursive_version_locations = true`);
  }
  const file = folder ? `${folder}/${name}` : name;
  if (existing.has(file)) throw new RevisionError(`${file} already exists`);
  return { file, text, revisionId, downRevision, written, skipped };
}
