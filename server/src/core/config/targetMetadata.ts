import { exprText, type Resolver } from '../python/resolve';
import type { TargetMetadataSource } from '../diff/noModels';
import type { Expr, Stmt } from '../python/syntax';
import { ClassGraph } from '../models/classes';
import { metadataKeyOf, namingConventionOf, type NamingConvention } from '../models/naming';
import { configureKeywords } from './compareOptions';
import { isLibraryFile } from '../models/libraryModels';

/**
 * The MetaData objects an env.py gives autogenerate (`target_metadata = Base.metadata`, or a list of them), as the
 * keys the models' tables carry; undefined when env.py sets none that can be read (a function call, a name imported
 * at run time), and every MetaData of the project is then a candidate.
 */
export function readTargetMetadata({ resolver, file, engine }: { resolver: Resolver; file: string; engine?: string }): string[] | undefined {
  const value = targetMetadataOf(resolver, file, engine);
  if (!value) return undefined;
  const graph = new ClassGraph(resolver);
  const items = value.k === 'list' || value.k === 'tuple' ? value.items : value.k === 'dict' ? value.entries.map(([, v]) => v) : [value];
  const keys: string[] = [];
  for (const item of items) {
    const key = metadataKeyOf(graph, file, item);
    if (key === undefined) return undefined;
    keys.push(key);
  }
  for (const source of copiedMetadata(resolver.moduleBody(file))) {
    const key = metadataKeyOf(graph, file, source);
    if (key !== undefined && !keys.includes(key)) keys.push(key);
  }
  return keys.length > 0 ? keys : undefined;
}

/**
 * The project files env.py imports by name (`import oss.src.dbs.postgres.testsets.dbes  # noqa: F401`, `from app.models
 * import users`): modules it loads so that their models join target_metadata.
 */
export function importedModuleFiles(resolver: Resolver, file: string): Set<string> {
  const out = new Set<string>();
  for (const s of resolver.moduleBody(file)) {
    const modules = s.k === 'import' ? [s.module] : s.k === 'from' && s.level === 0 ? [s.module, ...s.names.map((n) => `${s.module}.${n.name}`)] : [];
    for (const m of modules) {
      const found = resolver.findModule(m, file);
      if (found) out.add(found);
    }
  }
  return out;
}

/** How many project modules `loadedModuleFiles` follows at most. */
const MAX_LOADED_MODULES = 5_000;

/**
 * The project modules Python loads when it runs a file: those it imports at its top level, their packages, and what
 * those import in turn; so a model env.py reaches only through another module (OpenHands' enterprise edition imports
 * the core edition's model through a re-export) is registered in its MetaData too.
 */
export function loadedModuleFiles(resolver: Resolver, file: string): Set<string> {
  const out = new Set<string>();
  const queue = [file];
  const load = (found: string | undefined): void => {
    if (found === undefined || out.has(found) || isLibraryFile(found) || out.size >= MAX_LOADED_MODULES) return;
    out.add(found);
    queue.push(found);
  };
  while (queue.length > 0) {
    const from = queue.pop()!;
    for (const s of resolver.moduleBody(from)) {
      if (s.k !== 'import' && s.k !== 'from') continue;
      const level = s.k === 'from' ? s.level : 0;
      // `import a.b.c` runs a/__init__.py and a/b/__init__.py first.
      const parts = s.module.split('.');
      if (level === 0) for (let i = 1; i < parts.length; i++) load(resolver.importedModule(from, 0, parts.slice(0, i).join('.')));
      load(resolver.importedModule(from, level, s.module));
      // `from pkg import sub` loads the submodule sub when there is one.
      if (s.k === 'from') for (const n of s.names) load(resolver.importedModule(from, level, s.module ? `${s.module}.${n.name}` : n.name));
    }
  }
  out.delete(file);
  return out;
}

/**
 * The MetaData whose tables env.py copies into target_metadata at module level, so that autogenerate compares them
 * too: glance's `for table in models_metadef.BASE_DICT.metadata.sorted_tables: target_metadata._add_table(table.name,
 * table.schema, table)`, or `table.to_metadata(target_metadata)` in such a loop.
 */
function copiedMetadata(body: Stmt[]): Expr[] {
  const out: Expr[] = [];
  for (const s of body) {
    if (s.k !== 'for' || s.target.k !== 'name') continue;
    const table = s.target.id;
    const source = tablesSource(s.iter);
    const copies = (e: Expr): boolean =>
      e.k === 'call' &&
      e.fn.k === 'attr' &&
      ((e.fn.name === '_add_table' && isTargetName(e.fn.obj)) || ((e.fn.name === 'to_metadata' || e.fn.name === 'tometadata') && e.fn.obj.k === 'name' && e.fn.obj.id === table && e.args.length > 0 && isTargetName(e.args[0])));
    if (source && s.body.some((st) => st.k === 'expr' && copies(st.value))) out.push(source);
  }
  return out;
}

/** The MetaData of `md.sorted_tables` or `md.tables.values()`. */
function tablesSource(iter: Expr): Expr | undefined {
  if (iter.k === 'attr' && iter.name === 'sorted_tables') return iter.obj;
  if (iter.k === 'call' && iter.args.length === 0 && iter.fn.k === 'attr' && iter.fn.name === 'values' && iter.fn.obj.k === 'attr' && iter.fn.obj.name === 'tables') return iter.fn.obj.obj;
  return undefined;
}

function isTargetName(e: Expr): boolean {
  return e.k === 'name' && e.id === 'target_metadata';
}

/** Where env.py sets target_metadata and to what (for messages); undefined when it sets none. */
export function readTargetMetadataSource({ resolver, file, engine }: { resolver: Resolver; file: string; engine?: string }): TargetMetadataSource | undefined {
  const value = targetMetadataOf(resolver, file, engine);
  if (!value) return undefined;
  const text = exprText(value);
  const from = resolver.resolve(file, value);
  return { file, span: value.s, text: text.length > 80 ? `${text.slice(0, 79)}…` : text, ...(from.t === 'ext' ? { external: from.q } : {}) };
}

/**
 * The naming convention Alembic's ops name constraints and indexes by: that of env.py's `target_metadata` when it is
 * one MetaData (a list has none; so has a missing one); undefined when env.py sets one this cannot read
 * (indico's `current_app.extensions['migrate'].db.metadata`).
 */
export function readTargetConvention({ resolver, file, engine }: { resolver: Resolver; file: string; engine?: string }): NamingConvention | undefined {
  const value = targetMetadataOf(resolver, file, engine);
  if (!value || value.k === 'list' || value.k === 'tuple' || value.k === 'dict' || (value.k === 'const' && value.v === null)) return {};
  return namingConventionOf(new ClassGraph(resolver), file, value);
}

/**
 * What env.py assigns to `target_metadata` last, at module level, or else gives `configure(target_metadata=...)`; for
 * one database of a multidb config, its entry of a dict by database name (`{"engine1": Base1.metadata, ...}`).
 */
function targetMetadataOf(resolver: Resolver, file: string, engine?: string): Expr | undefined {
  let value;
  for (const s of resolver.moduleBody(file)) {
    if (s.k === 'assign' && s.value && s.targets.some((t) => t.k === 'name' && t.id === 'target_metadata')) value = s.value;
  }
  value ??= configureKeywords(resolver.moduleBody(file)).find((k) => k.name === 'target_metadata')?.value;
  if (value?.k !== 'dict' || engine === undefined) return value;
  return value.entries.find(([k]) => k?.k === 'str' && k.v === engine)?.[1];
}
