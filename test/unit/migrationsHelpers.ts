import { Resolver, type DefStmt } from '../../server/src/core/python/resolve';
import { moduleDowngrade } from '../../server/src/core/python/parser';
import { extractRevision, type RevisionInfo } from '../../server/src/core/migrations/revisions';
import { buildRevisionGraph, type RevisionGraph } from '../../server/src/core/migrations/graph';
import { replayMigrations, type ReplayResult } from '../../server/src/core/migrations/replay';
import type { Finding, FindingCode } from '../../server/src/core/findings';
import type { TableDef } from '../../server/src/core/schema/schema';
import { py, testParser } from './helpers';
import { libraryModuleFile, libraryModuleText } from '../../server/src/core/models/libraryModels';

/** A resolver over in-memory files (path -> Python text, dedented), and the library modules the engine describes. */
export async function project(files: Record<string, string>, ownPackage?: string): Promise<Resolver> {
  const parser = await testParser();
  const parsed = new Map(Object.entries(files).map(([path, text]) => [path, parser.parseModule(py(text))]));
  const projectFiles = [...parsed.keys()];
  const downgrade = (file: string): DefStmt | undefined => (file in files ? moduleDowngrade(parser, py(files[file])) : undefined);
  const syntax = (file: string): ReturnType<typeof parser.parseModule> | undefined => {
    const library = parsed.has(file) ? undefined : libraryModuleText(file);
    if (library !== undefined) parsed.set(file, parser.parseModule(library));
    return parsed.get(file);
  };
  return new Resolver({ files: () => projectFiles, syntax, downgrade, ownPackage, libraryModule: libraryModuleFile });
}

/** The revisions found among the files. */
export function revisionsOf(resolver: Resolver, files: Record<string, string>): RevisionInfo[] {
  return Object.keys(files)
    .map((file) => extractRevision({ resolver, file }))
    .filter((r): r is RevisionInfo => r !== undefined);
}

/** Builds the graph of the files' revisions and replays it. */
export async function replay(files: Record<string, string>, dialect?: string, ownPackage?: string): Promise<ReplayResult & { graph: RevisionGraph }> {
  const resolver = await project(files, ownPackage);
  const graph = buildRevisionGraph(revisionsOf(resolver, files));
  return { graph, ...replayMigrations({ resolver, graph, dialect }) };
}

/** A revision file in Alembic's layout whose `upgrade()` body is `upgrade` (dedented); `prelude` goes before it. */
export function rev(id: string, down: string | string[] | null, upgrade: string, prelude = ''): string {
  const downText = down === null ? 'None' : Array.isArray(down) ? `(${down.map((d) => `"${d}"`).join(', ')})` : `"${down}"`;
  const body = py(upgrade)
    .split('\n')
    .map((l) => (l ? `    ${l}` : l))
    .join('\n');
  return `"""Revision ${id}"""\nfrom alembic import op\nimport sqlalchemy as sa\n${prelude ? py(prelude) : ''}\nrevision = "${id}"\ndown_revision = ${downText}\n\n\ndef upgrade():\n${body}\n`;
}

/** A table of the replayed schema, which must exist. */
export function table(result: { schema: Map<string, TableDef> }, key: string): TableDef {
  const t = result.schema.get(key);
  if (!t) throw new Error(`no table "${key}"; have ${[...result.schema.keys()].join(', ')}`);
  return t;
}

/** The findings with one code. */
export function withCode(findings: Finding[], code: FindingCode): Finding[] {
  return findings.filter((f) => f.code === code);
}

/** The codes of the findings, for a compact assertion. */
export function codes(findings: Finding[]): string[] {
  return findings.map((f) => f.code);
}
