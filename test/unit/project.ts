import { Resolver } from '../../server/src/core/python/resolve';
import type { ModuleSyntax } from '../../server/src/core/python/syntax';
import { extractModels } from '../../server/src/core/models/extractModels';
import type { TableDef } from '../../server/src/core/schema/schema';
import { testParser, py } from './helpers';

/** A resolver over in-memory files (dedented), parsed by the real parser. */
export async function resolverFor(files: Record<string, string>): Promise<Resolver> {
  const parser = await testParser();
  const parsed = new Map<string, ModuleSyntax>();
  for (const [f, text] of Object.entries(files)) parsed.set(f, parser.parseModule(py(text)));
  return new Resolver({ files: () => parsed.keys(), syntax: (f) => parsed.get(f) });
}

/** The model tables of in-memory files, by table name. */
export async function modelTables(files: Record<string, string>): Promise<Map<string, TableDef>> {
  const resolver = await resolverFor(files);
  const { tables } = extractModels({ resolver, files: Object.keys(files) });
  return new Map(tables.map((t) => [t.schema ? `${t.schema}.${t.name}` : t.name, t]));
}
