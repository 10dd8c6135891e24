import type { ClassStmt, DefStmt, Resolver } from '../python/resolve';
import { evalString } from '../python/literals';
import { importedModuleFiles } from '../config/targetMetadata';

/**
 * The ops a project adds to Alembic, as Alembic's cookbook writes them: a class registered with
 * `@Operations.register_operation("name"[, "classmethod"])` and the function `@Operations.implementation_for(cls)`
 * registers to run it.
 */

/** Ops a project registers with Alembic, by name, and the functions that implement them, by the class they run for. */
export interface OpPlugins {
  ops: Map<string, { file: string; cls: ClassStmt; classMethod: string }>;
  implementations: Map<ClassStmt, { file: string; def: DefStmt }>;
}

const MAX_BASE_DEPTH = 10;

/**
 * The op plugins registered where a revision's environment is set up: its env.py (the nearest one up from the
 * revision) and the project modules it imports (`import x`, `from x import y` of a module or of a module's name).
 */
export function readOpPlugins(resolver: Resolver, revisionFile: string): OpPlugins {
  const plugins: OpPlugins = { ops: new Map(), implementations: new Map() };
  const dirs = revisionFile.split('/').slice(0, -1);
  let env: string | undefined;
  for (let n = dirs.length; n >= 0 && !env; n--) {
    const candidate = [...dirs.slice(0, n), 'env.py'].join('/');
    if (resolver.hasFile(candidate)) env = candidate;
  }
  if (!env) return plugins;
  for (const source of [env, ...importedModuleFiles(resolver, env)]) {
    for (const s of resolver.moduleBody(source)) {
      if (s.k !== 'class' && s.k !== 'def') continue;
      for (const d of s.decorators) {
        if (d.k !== 'call' || d.fn.k !== 'attr' || !resolver.externalName(source, d.fn.obj)?.endsWith('Operations')) continue;
        const name = d.args[0] && evalString(resolver, source, d.args[0]);
        if (s.k === 'class' && d.fn.name === 'register_operation' && name) {
          const classMethod = (d.args[1] && evalString(resolver, source, d.args[1])) ?? name;
          plugins.ops.set(name, { file: source, cls: s, classMethod });
        }
        const target = s.k === 'def' && d.fn.name === 'implementation_for' && d.args[0] ? resolver.resolve(source, d.args[0]) : undefined;
        if (target?.t === 'class' && s.k === 'def') plugins.implementations.set(target.cls, { file: source, def: s });
      }
    }
  }
  return plugins;
}

/** The implementation registered for an op class, or for the nearest of its project bases that has one (as Alembic dispatches). */
export function implementationOf(plugins: OpPlugins, resolver: Resolver, owner: { file: string; cls: ClassStmt }, depth = 0): { file: string; def: DefStmt } | undefined {
  const own = plugins.implementations.get(owner.cls);
  if (own || depth > MAX_BASE_DEPTH) return own;
  for (const base of owner.cls.bases) {
    const v = resolver.resolve(owner.file, base);
    const found = v.t === 'class' ? implementationOf(plugins, resolver, v, depth + 1) : undefined;
    if (found) return found;
  }
  return undefined;
}
