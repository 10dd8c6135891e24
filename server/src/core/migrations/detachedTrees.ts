import type { AlembicEnvironment } from '../config/environments';
import type { RevisionInfo } from './revisions';

/** Revision folders read as one detached tree: the folders, in the order first met, and all their revisions. */
export interface DetachedTree {
  dirs: string[];
  revisions: RevisionInfo[];
}

/**
 * Joins folders of detached revisions whose revisions name each other's (a `down_revision` or `depends_on` naming a
 * revision or a branch label of another folder), as keystone's and neutron's `versions/<release>/{expand,contract}`,
 * which their code adds to `version_locations`: one tree each, so that a parent in a sibling folder is found.
 */
export function joinLinkedFolders(byDir: Map<string, RevisionInfo[]>): DetachedTree[] {
  const dirs = [...byDir.keys()];
  const parent = new Map(dirs.map((d) => [d, d]));
  const root = (d: string): string => {
    let r = d;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(d, r);
    return r;
  };
  const holder = new Map<string, string>();
  for (const [dir, list] of byDir) {
    for (const r of list) {
      holder.set(r.id, dir);
      for (const label of r.branchLabels) holder.set(label, dir);
    }
  }
  for (const [dir, list] of byDir) {
    for (const r of list) {
      for (const ref of [...r.downRevisions, ...r.dependsOn]) {
        const other = holder.get(ref);
        if (other !== undefined && root(other) !== root(dir)) parent.set(root(other), root(dir));
      }
    }
  }
  const trees = new Map<string, DetachedTree>();
  for (const dir of dirs) {
    const key = root(dir);
    const tree = trees.get(key) ?? { dirs: [], revisions: [] };
    tree.dirs.push(dir);
    tree.revisions.push(...byDir.get(dir)!);
    trees.set(key, tree);
  }
  return [...trees.values()];
}

/** A folder name that says its revisions were set aside (`versions_backup`, `old`, `versions.bak`, `archive`, `versions copy`). */
const BACKUP_NAME = /^(?:.*[_.\- ])?(?:backups?|bak|old|archived?|deprecated|unused|obsolete|copy)(?:[_.\- ].*)?$/i;

/** Whether a folder of detached revisions, or a folder above it, is named as a backup, which nothing runs. */
export function isBackupFolder(dir: string): boolean {
  return dir.split('/').some((segment) => BACKUP_NAME.test(segment));
}

/** A folder of tests (`test`, `tests`, `testing`, `test_utils`, `testing_utils`, `fixtures`). */
const TEST_NAME = /^(?:tests?|testing|(?:test|testing)_utils?|fixtures?)$/i;

/** Whether a folder of detached revisions lies in a folder of tests, whose revisions are the tests' fixtures. */
export function isTestFolder(dir: string): boolean {
  return dir.split('/').some((segment) => TEST_NAME.test(segment));
}

/** An environment found by its env.py alone, `of` one a config names, with the first revision they share. */
export interface EnvironmentCopy {
  env: AlembicEnvironment;
  of: AlembicEnvironment;
  shared: RevisionInfo;
}

/**
 * The environments no config names whose revisions share an id with those of one a config names (SteamSelfGifter's
 * db/migrations, an older copy beside the alembic folder its code runs): a revision id names one revision, so such a
 * folder is a copy that nothing runs.
 */
export function findEnvironmentCopies(envs: AlembicEnvironment[], ownOf: (env: AlembicEnvironment) => RevisionInfo[]): EnvironmentCopy[] {
  const configured = new Map<string, AlembicEnvironment>();
  for (const env of envs) if (env.configFile) for (const r of ownOf(env)) configured.set(r.id, env);
  if (configured.size === 0) return [];
  const copies: EnvironmentCopy[] = [];
  for (const env of envs) {
    if (env.configFile) continue;
    const shared = ownOf(env).find((r) => configured.has(r.id));
    if (shared) copies.push({ env, of: configured.get(shared.id)!, shared });
  }
  return copies;
}
