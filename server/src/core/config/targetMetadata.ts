import { exprText, type Resolver } from '../python/resolve';
import type { TargetMetadataSource } from '../diff/noModels';
import type { Expr } from '../python/syntax';
import { ClassGraph } from '../models/classes';
import { metadataKeyOf, namingConventionOf, type NamingConvention } from '../models/naming';
import { configureKeywords } from './compareOptions';

/**
 * The MetaData objects an env.py gives autogenerate (`target_metadata = Base.metadata`, or a list of them), as the
 * keys the models' tables carry; undefined when env.py sets none that can be read (a function call, a name imported
 * at run time), and every MetaData of the project is then a candidate.
 */
export function readTargetMetadata({ resolver, file }: { resolver: Resolver; file: string }): string[] | undefined {
  const value = targetMetadataOf(resolver, file);
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

/** Where env.py sets target_metadata and to what (for messages); undefined when it sets none. */
export function readTargetMetadataSource({ resolver, file }: { resolver: Resolver; file: string }): TargetMetadataSource | undefined {
  const value = targetMetadataOf(resolver, file);
  if (!value) return undefined;
  const text = exprText(value);
  return { file, span: value.s, text: text.length > 80 ? `${text.slice(0, 79)}…` : text, read: readTargetMetadata({ resolver, file }) !== undefined };
}

/**
 * The naming convention Alembic's ops name constraints and indexes by: that of env.py's `target_metadata` when it is
 * one MetaData (a list has none); none when it is not known.
 */
export function readTargetConvention({ resolver, file }: { resolver: Resolver; file: string }): NamingConvention {
  const value = targetMetadataOf(resolver, file);
  if (!value || value.k === 'list' || value.k === 'tuple') return {};
  return namingConventionOf(new ClassGraph(resolver), file, value) ?? {};
}

/** What env.py assigns to `target_metadata` last, at module level, or else gives `configure(target_metadata=...)`. */
function targetMetadataOf(resolver: Resolver, file: string): Expr | undefined {
  let value;
  for (const s of resolver.moduleBody(file)) {
    if (s.k === 'assign' && s.value && s.targets.some((t) => t.k === 'name' && t.id === 'target_metadata')) value = s.value;
  }
  return value ?? configureKeywords(resolver.moduleBody(file)).find((k) => k.name === 'target_metadata')?.value;
}
