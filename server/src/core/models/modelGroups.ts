import type { Resolver } from '../python/resolve';
import type { FileMemo } from '../memo';
import { tableKey } from '../schema/schema';
import { extractModels, type ModelSchema } from './extractModels';

/**
 * The model files in groups that are read independently, so that an edit re-reads only its own group. Every file
 * starts alone; groups that turn out to describe the same table (a subclass mapped onto its parent's table, a
 * module-level `Index` or a `ForeignKey(Model.id)` on another file's model) or to leave a column untyped that takes
 * its type from the other's table are merged and read together from then on, which gives what reading all the files
 * at once gives.
 */
export class ModelGroups {
  /** Each file's group, as the sorted list of its files (the same array for every member). */
  private readonly groupOf = new Map<string, string[]>();

  /** Reads the models of `files`, each group through `memo` (so unchanged groups are not read again). */
  read({ resolver, files, memo }: { resolver: Resolver; files: string[]; memo: FileMemo<ModelSchema> }): ModelSchema {
    for (;;) {
      const groups = this.groups(files);
      let read = false;
      const results = groups.map((group) => ({
        group,
        schema: memo.get(group.join('\n'), () => {
          read = true;
          return extractModels({ resolver, files: group });
        }),
      }));
      // Groups read before were checked then; only a group read now can have come to depend on another.
      const merges = read ? dependentGroups(results) : [];
      if (merges.length === 0) return { tables: results.flatMap((r) => r.schema.tables), findings: results.flatMap((r) => r.schema.findings), unnamed: results.flatMap((r) => r.schema.unnamed) };
      for (const [a, b] of merges) this.merge(a, b);
    }
  }

  /** Forgets the groups (the set of files changed). */
  clear(): void {
    this.groupOf.clear();
  }

  private groups(files: string[]): string[][] {
    const present = new Set(files);
    const out = new Set<string[]>();
    for (const file of files) {
      let group = this.groupOf.get(file);
      // A group some of whose files are no longer model files is read with those that still are.
      if (group && !group.every((f) => present.has(f))) group = undefined;
      if (!group) {
        group = [file];
        this.groupOf.set(file, group);
      }
      out.add(group);
    }
    return [...out];
  }

  private merge(a: string[], b: string[]): void {
    // The groups as they are now (an earlier merge of this round may have grown them).
    const first = this.groupOf.get(a[0]) ?? a;
    const second = this.groupOf.get(b[0]) ?? b;
    if (first === second) return;
    const merged = [...new Set([...first, ...second])].sort();
    for (const file of merged) this.groupOf.set(file, merged);
  }
}

/** Pairs of groups whose separate readings would differ from a joint one. */
function dependentGroups(results: Array<{ group: string[]; schema: ModelSchema }>): Array<[string[], string[]]> {
  const merges: Array<[string[], string[]]> = [];
  const owner = new Map<string, string[]>();
  const byName = new Map<string, string[]>();
  for (const { group, schema } of results) {
    for (const t of schema.tables) {
      const key = tableKey(t.name, t.schema);
      const other = owner.get(key);
      if (other && other !== group) merges.push([other, group]);
      else owner.set(key, group);
      byName.set(t.name, group);
    }
  }
  for (const { group, schema } of results) {
    for (const t of schema.tables) {
      for (const fk of t.foreignKeys) {
        if (!fk.columns.some((c) => t.columns.has(c) && !t.columns.get(c)!.type)) continue;
        const other = owner.get(tableKey(fk.refTable, fk.refSchema)) ?? byName.get(fk.refTable);
        if (other && other !== group) merges.push([group, other]);
      }
    }
  }
  return merges;
}
