import type { Resolver } from '../python/resolve';
import { ClassGraph } from '../models/classes';
import { metadataKeyOf } from '../models/naming';

/**
 * The MetaData objects an env.py gives autogenerate (`target_metadata = Base.metadata`, or a list of them), as the
 * keys the models' tables carry; undefined when env.py sets none that can be read (a function call, a name imported
 * at run time), and every MetaData of the project is then a candidate.
 */
export function readTargetMetadata({ resolver, file }: { resolver: Resolver; file: string }): string[] | undefined {
  let value;
  for (const s of resolver.moduleBody(file)) {
    if (s.k === 'assign' && s.value && s.targets.some((t) => t.k === 'name' && t.id === 'target_metadata')) value = s.value;
  }
  if (!value) return undefined;
  const graph = new ClassGraph(resolver);
  const items = value.k === 'list' || value.k === 'tuple' ? value.items : [value];
  const keys: string[] = [];
  for (const item of items) {
    const key = metadataKeyOf(graph, file, item);
    if (key === undefined) return undefined;
    keys.push(key);
  }
  return keys.length > 0 ? keys : undefined;
}
