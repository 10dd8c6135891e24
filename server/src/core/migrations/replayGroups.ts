import { foldTableNotes } from './foldNotes';
import { InputsMemo } from '../memo';
import { tableKey, type Schema, type SourceRef, type SqlType } from '../schema/schema';
import type { ColumnItem, MigrationOp } from './ops';
import { applyRevisionOps, baselineFinding, buildsFromEmpty, databaseHint, historyDatabase, sameTableUse, type ReplayResult } from './apply';
import type { NamingConvention } from '../models/naming';
import type { RevisionSteps } from './replay';
import type { OpStep } from './interpret';
import { testedTables } from './databaseTests';
import { splitForeignKey } from '../models/extractModels';
import { databaseEnumName } from '../schema/types';
import { mergeArmsAcrossRevisions } from './armsAcrossRevisions';

/**
 * Replays the revisions' ops in groups of tables that no op links to each other (a foreign key, a rename), each group
 * through a memo, so that an edit of one revision replays only the tables its ops touch. An op on a table it cannot
 * name touches no table but may explain later failures on any: it is replayed in every group, at its place; the
 * tables the groups assume to exist before the first revision make one note. A history with an op that reaches into
 * tables it does not name (a rename to an unknown name, an enum type change, an index dropped by name alone) is
 * replayed whole, as one group. Groups only grow (an op removed leaves its tables together), which never changes the
 * result, only what is replayed.
 */
export class ReplayGroups {
  private readonly memo = new InputsMemo<ReplayResult>();
  private readonly scopes = new Map<string, ScopeState>();

  /**
   * The schema the revisions' ops leave, replaying again only the groups whose ops changed; `scope` names the history,
   * `convention` is the naming convention its ops name constraints by, `dialect` the database it runs on when known.
   */
  replay(revisionsAsRead: RevisionSteps[], scope: string, convention: NamingConvention = {}, dialect?: string): ReplayResult {
    const revisions = mergeArmsAcrossRevisions(revisionsAsRead);
    // Another convention is another history: every name it gives may differ; so is another database.
    scope = `${scope}\0${JSON.stringify(convention)}\0${dialect ?? ''}`;
    const inputs: unknown[] = new Array(revisions.length * 2);
    revisions.forEach((r, i) => {
      inputs[2 * i] = r.revision;
      inputs[2 * i + 1] = r.steps;
    });
    return this.memo.get(`${scope}\0all`, inputs, () => {
      const result = this.grouped(revisions, inputs, scope, convention, dialect);
      return { ...result, findings: foldTableNotes(result.findings) };
    });
  }

  /** The replay of the revisions in groups of tables, or whole when an op reaches into tables it does not name. */
  private grouped(revisions: RevisionSteps[], inputs: unknown[], scope: string, convention: NamingConvention, dialect: string | undefined): ReplayResult {
    let state = this.scopes.get(scope);
    if (!state) this.scopes.set(scope, (state = { groups: new TableGroups(), linked: new WeakSet() }));
    for (const { steps } of revisions) {
      if (state.linked.has(steps)) continue;
      for (const { op, when } of steps) {
        const keys = tablesOf(op);
        // The tables an op's conditions test are replayed with its own: the replay decides them there.
        const tested = when?.map((w) => testedTables(w.test));
        if (keys === undefined || tested?.includes(undefined)) return this.whole(revisions, inputs, scope, convention, dialect);
        state.groups.link(tested ? [...keys, ...tested.flatMap((t) => t!)] : keys);
      }
      state.linked.add(steps);
    }
    return this.inGroups(revisions, scope, state, convention, dialect);
  }

  /** Forgets entries not used since the last sweep. */
  sweep(): void {
    this.memo.sweep();
  }

  /** Forgets everything. */
  clear(): void {
    this.memo.clear();
    this.scopes.clear();
  }

  private whole(revisions: RevisionSteps[], inputs: unknown[], scope: string, convention: NamingConvention, dialect: string | undefined): ReplayResult {
    return this.memo.get(`${scope}\0*`, inputs, () => applyRevisionOps(revisions, { convention, dialect }));
  }

  private inGroups(revisions: RevisionSteps[], scope: string, state: ScopeState, convention: NamingConvention, dialect: string | undefined): ReplayResult {
    const last = state.last;
    const incremental = this.incrementalLayout(revisions, state);
    const layout = incremental ?? fullLayout(revisions, state.groups);
    const { members, untabled, tabled } = layout;
    // Whether the history makes every table it uses is a fact of all groups: each group's replay depends on it. It is
    // the last answer when the revisions that changed use and make the same tables as before.
    const fromEmpty = incremental && last && revisions.every((r, i) => r.steps === last.revisions[i].steps || sameTableUse(r.steps, last.revisions[i].steps)) ? last.fromEmpty : buildsFromEmpty(revisions);
    state.last = { revisions, unions: state.groups.unions, layout, fromEmpty };
    const hint = databaseHint(revisions);
    const results: ReplayResult[] = [];
    for (const [group, pairs] of members) {
      const result = this.memo.get(`${scope}\0${group}\0${fromEmpty}\0${hint}`, pairs, () => {
        const steps: RevisionSteps[] = [];
        for (let i = 0; i < pairs.length; i += 2) steps.push({ revision: pairs[i] as string, steps: [pairs[i + 1] as OpStep] });
        return applyRevisionOps(steps, { convention, fromEmpty, hint, dialect });
      });
      results.push(result);
    }
    const schema: Schema = new Map();
    for (const r of results) for (const [key, table] of r.schema) schema.set(key, table);
    // What every group replayed (the ops that name no table) is reported by the first group only; where one call made
    // ops of both kinds, by content.
    const seen = new Set<string>();
    const fromFirst = <T>(list: T[], span: (x: T) => SourceRef['span'], i: number): T[] =>
      i === 0 ? list : list.filter((x) => {
        const at = span(x);
        if (!untabled.has(at)) return true;
        if (!tabled.has(at)) return false;
        const key = JSON.stringify(x);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    const findings = results.flatMap((r, i) => fromFirst(r.findings, (f) => f.span, i)).filter((f) => f.code !== 'assumed-baseline');
    // What an op naming no table may have done to a group's own tables (an index it may have dropped) is the group's.
    const uncertainOps = results.flatMap((r, i) => [...fromFirst(r.uncertainOps.filter((u) => u.table === undefined), (u) => u.origin.span, i), ...r.uncertainOps.filter((u) => u.table !== undefined)]);
    const baseline = results.flatMap((r) => r.baseline);
    if (baseline.length > 0) {
      const position = new Map<OpStep, number>();
      for (const { steps } of revisions) for (const step of steps) position.set(step, position.size);
      baseline.sort((a, b) => position.get(a.step)! - position.get(b.step)!);
      findings.push(baselineFinding(baseline.map((b) => b.table), baseline[0].step.op.origin));
    }
    // Asked only for the model tables no revision makes: looked up in the groups then, once per table for as long as
    // this replay is kept (a model edit keeps it), not merged on every analysis.
    const asked = new Map<string, string | undefined>();
    const gone = {
      get: (key: string): string | undefined => {
        if (schema.has(key)) return undefined;
        if (!asked.has(key)) asked.set(key, results.find((r) => r.gone.get(key) !== undefined)?.gone.get(key));
        return asked.get(key);
      },
    };
    return { schema, findings, uncertainOps, baseline, gone, database: historyDatabase(dialect, hint) };
  }

  /**
   * The layout of the last replay with only the groups that the changed revisions touch rebuilt, when that is all
   * that changed: the same revisions in the same order, no group merged since, no op that names no table among the
   * changed ones. Undefined otherwise.
   */
  private incrementalLayout(revisions: RevisionSteps[], state: ScopeState): GroupLayout | undefined {
    const last = state.last;
    if (!last || last.unions !== state.groups.unions || last.revisions.length !== revisions.length) return undefined;
    const touched = new Set<string>();
    const changed: number[] = [];
    for (let i = 0; i < revisions.length; i++) {
      if (revisions[i].revision !== last.revisions[i].revision) return undefined;
      if (revisions[i].steps === last.revisions[i].steps) continue;
      changed.push(i);
      for (const { op } of [...last.revisions[i].steps, ...revisions[i].steps]) {
        const keys = tablesOf(op)!;
        if (keys.length === 0) return undefined;
        touched.add(state.groups.find(keys[0]));
      }
    }
    const { revsOf, untabled, tabled } = last.layout;
    const members = new Map(last.layout.members);
    for (const group of touched) {
      if (!members.has(group)) return undefined;
      const indexes = new Set(revsOf.get(group) ?? []);
      for (const i of changed) if (revisions[i].steps.some(({ op }) => state.groups.find(tablesOf(op)![0]) === group)) indexes.add(i);
      const sorted = [...indexes].sort((a, b) => a - b);
      revsOf.set(group, sorted);
      const pairs: Array<string | OpStep> = [];
      for (const i of sorted) {
        for (const step of revisions[i].steps) {
          const keys = tablesOf(step.op)!;
          if (keys.length === 0 || state.groups.find(keys[0]) === group) pairs.push(revisions[i].revision, step);
        }
      }
      members.set(group, pairs);
    }
    for (const i of changed) for (const { op } of revisions[i].steps) tabled.add(op.origin.span);
    return { members, revsOf, untabled, tabled };
  }
}

/** Each group's ops in replay order, and what the merge needs to know about where ops were written. */
interface GroupLayout {
  /** Per group, its ops as revision, step, revision, step...: their identity is what the memo compares. */
  members: Map<string, Array<string | OpStep>>;
  /** Per group, the indexes of the revisions with ops in it (or with ops that name no table). */
  revsOf: Map<string, number[]>;
  /** Where the ops that name no table were written, and where table ops were (one call may make both kinds). */
  untabled: Set<SourceRef['span']>;
  tabled: Set<SourceRef['span']>;
}

interface ScopeState {
  groups: TableGroups;
  linked: WeakSet<OpStep[]>;
  last?: { revisions: RevisionSteps[]; unions: number; layout: GroupLayout; fromEmpty: boolean };
}

/** Every group's ops, from all revisions. */
function fullLayout(revisions: RevisionSteps[], groups: TableGroups): GroupLayout {
  const members = new Map<string, Array<string | OpStep>>();
  for (const { steps } of revisions) {
    for (const { op } of steps) {
      const keys = tablesOf(op)!;
      if (keys.length > 0) members.set(groups.find(keys[0]), []);
    }
  }
  // Ops that name no table go to every group (to one, if there is no other).
  if (members.size === 0) members.set('', []);
  const all = [...members.entries()];
  const revsOf = new Map<string, number[]>(all.map(([group]) => [group, []]));
  const untabled = new Set<SourceRef['span']>();
  const tabled = new Set<SourceRef['span']>();
  revisions.forEach(({ revision, steps }, index) => {
    for (const step of steps) {
      const keys = tablesOf(step.op)!;
      const targets = keys.length > 0 ? [groups.find(keys[0])] : all.map(([group]) => group);
      (keys.length > 0 ? tabled : untabled).add(step.op.origin.span);
      for (const group of targets) {
        members.get(group)!.push(revision, step);
        const list = revsOf.get(group)!;
        if (list[list.length - 1] !== index) list.push(index);
      }
    }
  });
  return { members, revsOf, untabled, tabled };
}

const opTables = new WeakMap<MigrationOp, string[] | null>();

/** `readTablesOf`, once per op (ops are kept while their revision file is unchanged). */
export function tablesOf(op: MigrationOp): string[] | undefined {
  let keys = opTables.get(op);
  if (keys === undefined) {
    keys = readTablesOf(op) ?? null;
    opTables.set(op, keys);
  }
  return keys ?? undefined;
}

/**
 * The keys of the tables an op touches or reads, the first its own; none when it names no table (it can only be
 * remembered as uncertain); undefined when it may reach into any table.
 */
function readTablesOf(op: MigrationOp): string[] | undefined {
  if (op.kind === 'alter_enum' || op.kind === 'drop_enum' || op.kind === 'legacy_alter_table') return undefined;
  // The foreign keys of any table may refer to a table dropped with CASCADE; PostgreSQL's ALTER TABLE may rename any
  // table's index.
  if ((op.kind === 'drop_table' && op.cascade) || (op.kind === 'rename_table' && op.via === 'execute')) return undefined;
  if (op.kind === 'drop_index' && !op.table && op.name !== undefined) return undefined;
  if (op.kind === 'rename_index' && !op.table) return undefined;
  const table = 'table' in op ? op.table : undefined;
  if (table?.name === undefined) return [];
  const keys = [tableKey(table.name, table.schema)];
  // `public.user` is PostgreSQL's default schema's `user`, which the replay finds under either name; so is a name SQL
  // spelled in mixed case.
  // A bare name may be found through PostgreSQL's search_path in another schema too: a table of any schema replays with
  // the bare name's.
  if (table.schema !== undefined) keys.push(table.name);
  if (table.spelled !== undefined) keys.push(tableKey(table.spelled, table.schema));
  const referenced = (refs: string[]): void => {
    for (const ref of refs) {
      const target = splitForeignKey(ref);
      if (target?.table) keys.push(tableKey(target.table, target.schema));
    }
  };
  // Columns typed with one database enum type read each other's values (an add_column takes the type's values).
  const enumType = (type: SqlType | undefined): void => {
    const name = databaseEnumName(type);
    if (name !== undefined) keys.push(`\0enum:${name}`);
  };
  const columnRefs = (items: ColumnItem[]): void => {
    for (const item of items) {
      enumType(item.spec.type);
      for (const fk of item.spec.foreignKeys) if (fk.target.kind === 'text') referenced([fk.target.text]);
    }
  };
  switch (op.kind) {
    case 'rename_table':
      if (op.newName === undefined) return undefined;
      keys.push(tableKey(op.newName, table.schema));
      break;
    case 'create_table':
      columnRefs(op.columns);
      for (const c of op.constraints) if (c.spec.kind === 'foreign') referenced(c.spec.refs);
      break;
    case 'add_column':
      if (op.column) columnRefs([op.column]);
      break;
    case 'alter_column':
      enumType(op.changes.type);
      break;
    case 'create_foreign_key':
      if (op.constraint?.kind === 'foreign') referenced(op.constraint.refs);
      // A key read from the database made again to refer to another table (the one it referred to is already linked).
      if (op.reflected?.set.refTable !== undefined) keys.push(tableKey(op.reflected.set.refTable, op.reflected.set.refSchema ?? table.schema));
      break;
    default:
      break;
  }
  return keys;
}

/** Union-find over table keys. */
class TableGroups {
  private readonly parent = new Map<string, string>();

  /** Puts the tables in one group. */
  link(keys: string[]): void {
    if (keys.length === 0) return;
    const root = this.find(keys[0]);
    for (const key of keys.slice(1)) {
      const other = this.find(key);
      if (other !== root) {
        this.parent.set(other, root);
        this.unions++;
      }
    }
  }

  /** How many times two groups were merged (a group's name can change only then). */
  unions = 0;

  /** The group of a table, named by one of its tables. */
  find(key: string): string {
    let root = key;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    if (!this.parent.has(key)) this.parent.set(key, key);
    // Path compression.
    let node = key;
    while (node !== root) {
      const next = this.parent.get(node)!;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }
}
