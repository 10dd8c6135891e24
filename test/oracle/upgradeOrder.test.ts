import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildRevisionGraph } from '../../server/src/core/migrations/graph';
import type { RevisionInfo } from '../../server/src/core/migrations/revisions';
import { alembicAvailable, runUpgradeOrderOracle } from './runOracle';

/** A small revision graph: each revision's parents (one, none for a new base, or two for a merge) and depends_on, all earlier. */
function randomGraph(seed: number): RevisionInfo[] {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const revisions: RevisionInfo[] = [];
  const count = 3 + Math.floor(random() * 10);
  for (let i = 0; i < count; i++) {
    // Ids that do not sort as they were made, so that file order and history order differ.
    const id = `${String.fromCharCode(97 + Math.floor(random() * 26))}${i}`;
    const parents = new Set<string>();
    const wanted = i === 0 ? 0 : random() < 0.2 ? 2 : random() < 0.1 ? 0 : 1;
    for (let k = 0; k < wanted; k++) parents.add(revisions[Math.floor(random() * i)].id);
    const dependsOn = i > 1 && random() < 0.25 ? [revisions[Math.floor(random() * i)].id].filter((d) => !parents.has(d)) : [];
    revisions.push({ id, downRevisions: [...parents], branchLabels: [], dependsOn, file: `versions/${id}.py`, span: [0, 0, 0, 0], downRevisionSpan: [0, 0, 0, 0] });
  }
  return revisions;
}

function revisionFile(r: RevisionInfo): string {
  const tuple = (ids: string[]): string => (ids.length === 0 ? 'None' : ids.length === 1 ? JSON.stringify(ids[0]) : `(${ids.map((x) => JSON.stringify(x)).join(', ')})`);
  return `revision = ${JSON.stringify(r.id)}\ndown_revision = ${tuple(r.downRevisions)}\nbranch_labels = None\ndepends_on = ${tuple(r.dependsOn)}\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`;
}

describe('the replay runs revisions in the order real Alembic upgrades them (Debian python3-alembic)', function () {
  before(function () {
    if (!alembicAvailable()) {
      if (process.env.CI) throw new Error('python3-alembic is required in CI (.ci/run installs it)');
      this.skip();
    }
  });

  it('agrees on 80 random graphs with branches, merges, several heads and depends_on', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upgrade-order-'));
    try {
      const graphs = new Map<string, RevisionInfo[]>();
      for (let seed = 1; seed <= 80; seed++) {
        const revisions = randomGraph(seed);
        const name = `g${String(seed).padStart(2, '0')}`;
        graphs.set(name, revisions);
        fs.mkdirSync(path.join(dir, name, 'versions'), { recursive: true });
        for (const r of revisions) fs.writeFileSync(path.join(dir, name, r.file), revisionFile(r));
      }
      const theirs = runUpgradeOrderOracle(dir);
      for (const [name, revisions] of graphs) {
        const graph = buildRevisionGraph(revisions);
        assert.deepEqual(graph.order, theirs[name], `${name}: ${revisions.map((r) => `${r.id}<-${[...r.downRevisions, ...r.dependsOn.map((d) => `dep ${d}`)].join(',')}`).join(' ')}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
