import * as assert from 'node:assert/strict';
import { extractRevision, type RevisionInfo } from '../../server/src/core/migrations/revisions';
import { buildRevisionGraph } from '../../server/src/core/migrations/graph';
import { codes, project, withCode } from './migrationsHelpers';

/** A RevisionInfo for graph tests: its revision line is line `line` of a file named after the id. */
function info(id: string, down: string[], extra: Partial<RevisionInfo> = {}): RevisionInfo {
  return { id, downRevisions: down, branchLabels: [], dependsOn: [], file: `versions/${id}.py`, span: [10, 0, 10, 20], downRevisionSpan: [11, 0, 11, 20], ...extra };
}

describe('migrations: revision metadata', () => {
  it('reads the typed form of a current Alembic template, with the docstring title as message', async () => {
    const files = {
      'migrations/versions/1a2b3c4d5e6f_add_users.py': `
        """Add users table

        Revision ID: 1a2b3c4d5e6f
        Revises:
        """
        from typing import Sequence, Union

        revision: str = "1a2b3c4d5e6f"
        down_revision: Union[str, None] = None
        branch_labels: Union[str, Sequence[str], None] = None
        depends_on: Union[str, Sequence[str], None] = None
      `,
    };
    const resolver = await project(files);
    const r = extractRevision({ resolver, file: 'migrations/versions/1a2b3c4d5e6f_add_users.py' });
    assert.deepEqual(r, {
      id: '1a2b3c4d5e6f',
      downRevisions: [],
      branchLabels: [],
      dependsOn: [],
      file: 'migrations/versions/1a2b3c4d5e6f_add_users.py',
      span: [7, 0, 7, 30],
      downRevisionSpan: [8, 0, 8, 38],
      dependsOnSpan: [10, 0, 10, 50],
      message: 'Add users table',
    });
  });

  it('reads merges, branch labels, depends_on and values held in module constants', async () => {
    const files = {
      'db/ids.py': `
        BASE = "aaa"
      `,
      'db/merge.py': `
        from db.ids import BASE
        OTHER = "bbb"
        revision = "ccc"
        down_revision = (BASE, OTHER)
        branch_labels = "reporting"
        depends_on = ["ddd"]
      `,
    };
    const resolver = await project(files);
    const r = extractRevision({ resolver, file: 'db/merge.py' })!;
    assert.deepEqual([r.id, r.downRevisions, r.branchLabels, r.dependsOn, r.message], ['ccc', ['aaa', 'bbb'], ['reporting'], ['ddd'], undefined]);
  });

  it('reads depends_on = "" as none, as Alembic does (invenio-accounts), and down_revision = "" as the id it is', async () => {
    const files = { 'v/b.py': 'revision = "b"\ndown_revision = "a"\nbranch_labels = ()\ndepends_on = ""\n', 'v/c.py': 'revision = "c"\ndown_revision = ""\n' };
    const resolver = await project(files);
    const b = extractRevision({ resolver, file: 'v/b.py' })!;
    assert.deepEqual([b.downRevisions, b.branchLabels, b.dependsOn], [['a'], [], []]);
    assert.deepEqual(extractRevision({ resolver, file: 'v/c.py' })!.downRevisions, ['']);
  });

  it("says a depends_on set in a try: block that an import may stop is uncertain, and reports a missing one as a note (invenio-accounts)", async () => {
    const files = {
      'v/b.py': 'CM2 = "cm2"\nids = ["typo1"]\ntry:\n    import invenio_communities\n    ids += ["cm1", CM2]\nexcept ImportError:\n    pass\nrevision = "b"\ndown_revision = "a"\ndepends_on = ids\n',
      'v/a.py': 'revision = "a"\ndown_revision = None\ndepends_on = ["zz"]\n',
    };
    const resolver = await project(files);
    const [a, b] = ['v/a.py', 'v/b.py'].map((f) => extractRevision({ resolver, file: f })!);
    assert.deepEqual([b.dependsOn, b.dependsOnInTry, a.dependsOnInTry], [['typo1', 'cm1', 'cm2'], ['cm1', 'cm2'], undefined]);
    const g = buildRevisionGraph([a, b]);
    // An id set outside the `try:` is an error as any other.
    assert.deepEqual(withCode(g.problems, 'missing-down-revision').map((f) => [f.file, f.severity, /depends on "(\w+)"/.exec(f.message)?.[1]]), [['v/a.py', 'error', 'zz'], ['v/b.py', 'error', 'typo1'], ['v/b.py', 'information', 'cm1'], ['v/b.py', 'information', 'cm2']]);
  });

  it('recognises revisions by their code, not their name or folder', async () => {
    const files = {
      'anything/x.py': 'revision = "x1"\ndown_revision = "x0"\n',
      'migrations/versions/not_a_revision.py': 'revision = "y1"\n',
      'migrations/env.py': 'from alembic import context\ntarget_metadata = None\n',
    };
    const resolver = await project(files);
    assert.equal(extractRevision({ resolver, file: 'anything/x.py' })?.id, 'x1');
    assert.equal(extractRevision({ resolver, file: 'migrations/versions/not_a_revision.py' }), undefined);
    assert.equal(extractRevision({ resolver, file: 'migrations/env.py' }), undefined);
  });

  it('keeps a down_revision that cannot be evaluated as unresolved rather than making the revision a base', async () => {
    const files = { 'v/a.py': 'import os\nrevision = "a"\ndown_revision = os.environ["PREV"]\n' };
    const resolver = await project(files);
    const r = extractRevision({ resolver, file: 'v/a.py' })!;
    assert.deepEqual(r.downRevisions, []);
    assert.deepEqual(r.unresolved, ['down_revision `os.environ["PREV"]`']);
    const graph = buildRevisionGraph([r]);
    assert.deepEqual(graph.bases, []);
    assert.deepEqual(withCode(graph.problems, 'unresolved').map((f) => f.span), [[1, 0, 1, 14]]);
  });
});

describe('migrations: revision graph', () => {
  it('orders a linear history and finds its base and head', () => {
    const g = buildRevisionGraph([info('c', ['b']), info('a', []), info('b', ['a'])]);
    assert.deepEqual(g.order, ['a', 'b', 'c']);
    assert.deepEqual(g.bases, ['a']);
    assert.deepEqual(g.heads, ['c']);
    assert.deepEqual(g.problems, []);
  });

  it("orders a merge after both parents, the last one listed first, as Alembic runs them (fides' rename on one branch)", () => {
    // `alembic upgrade heads` of these files runs a, y, x, m (Alembic 1.8 with its files loaded in name order).
    const g = buildRevisionGraph([info('m', ['x', 'y']), info('y', ['a']), info('x', ['a']), info('a', [])]);
    assert.deepEqual(g.order, ['a', 'y', 'x', 'm']);
    assert.deepEqual(g.heads, ['m']);
    assert.deepEqual(g.problems, []);
  });

  it('reports every head of a graph with two heads, on its revision line, naming both', () => {
    const g = buildRevisionGraph([info('a', []), info('b', ['a']), info('c', ['a'])]);
    assert.deepEqual(g.heads, ['b', 'c']);
    const heads = withCode(g.problems, 'multiple-heads');
    assert.deepEqual(heads.map((f) => [f.file, f.span, f.severity]), [
      ['versions/b.py', [10, 0, 10, 20], 'error'],
      ['versions/c.py', [10, 0, 10, 20], 'error'],
    ]);
    assert.match(heads[0].message, /b, c/);
  });

  it('does not report heads each on a labeled branch of its own, as keystone keeps expand and contract apart', () => {
    const labeled = buildRevisionGraph([info('a', []), info('e1', ['a'], { branchLabels: ['expand'] }), info('e2', ['e1']), info('c1', ['a'], { branchLabels: ['contract'] })]);
    assert.deepEqual([labeled.heads, withCode(labeled.problems, 'multiple-heads')], [['c1', 'e2'], []]);
    // A label both heads reach (on their common base) keeps nothing apart.
    const shared = buildRevisionGraph([info('a', [], { branchLabels: ['main'] }), info('b', ['a']), info('c', ['a'])]);
    assert.equal(withCode(shared.problems, 'multiple-heads').length, 2);
  });

  it('orders by depends_on (also through a branch label) without making it a parent', () => {
    const g = buildRevisionGraph([
      info('a', []),
      info('b', ['a'], { dependsOn: ['zeta'] }),
      info('x', [], { branchLabels: ['other'] }),
      info('z', ['x'], { branchLabels: ['zeta'] }),
      info('c', ['b'], { dependsOn: ['other'] }),
    ]);
    assert.ok(g.order.indexOf('z') < g.order.indexOf('b'));
    assert.ok(g.order.indexOf('x') < g.order.indexOf('c'));
    assert.deepEqual(g.heads, ['c', 'z']);
  });

  it('orders as Alembic does, whatever order the files come in: down each branch, over to the next head (checked against Alembic)', () => {
    const revisions = [info('a', []), info('q', ['a']), info('d', ['a']), info('k', ['a']), info('m', ['q', 'd', 'k'])];
    const first = buildRevisionGraph(revisions).order;
    const second = buildRevisionGraph([...revisions].reverse()).order;
    assert.deepEqual(first, ['a', 'k', 'd', 'q', 'm']);
    assert.deepEqual(second, first);
    // Two heads: each walked down as far as the other needs nothing of it; branches of a branch point (Alembic: a d e b c m).
    assert.deepEqual(buildRevisionGraph([info('a', []), info('b', ['a']), info('c', ['b']), info('d', ['a']), info('e', ['d']), info('m', ['c', 'e'])]).order, ['a', 'd', 'e', 'b', 'c', 'm']);
    // A depends_on target runs before its dependant, walked as one more parent (Alembic: a c b d, and a b c d).
    assert.deepEqual(buildRevisionGraph([info('a', []), info('b', ['a']), info('c', ['a']), info('d', ['b'], { dependsOn: ['c'] })]).order, ['a', 'c', 'b', 'd']);
    assert.deepEqual(buildRevisionGraph([info('a', []), info('b', ['a']), info('c', ['a']), info('d', ['c'], { dependsOn: ['b'] })]).order, ['a', 'b', 'c', 'd']);
  });

  it('reports a down_revision that does not exist on the revision line, pointing at the down_revision, suggesting a close id (a typo)', () => {
    const g = buildRevisionGraph([info('1a2b3c4d5e6f', []), info('222222222222', ['1a2b3c4d5e6e']), info('333333333333', ['999999999999'])]);
    const missing = withCode(g.problems, 'missing-down-revision');
    assert.equal(missing.length, 2);
    assert.deepEqual(missing[0].related?.[0].span, [11, 0, 11, 20]);
    assert.equal(missing[0].span[0], 10);
    assert.match(missing[0].message, /"1a2b3c4d5e6e", which does not exist; did you mean "1a2b3c4d5e6f"\?/);
    assert.doesNotMatch(missing[1].message, /did you mean/);
    // Three heads (the links are broken): the last loaded runs first, as two bases do in Alembic.
    assert.deepEqual(g.order, ['333333333333', '222222222222', '1a2b3c4d5e6f']);
  });

  it('does not count as a head the revision a typo was meant to name, but still reports real heads', () => {
    const typo = buildRevisionGraph([info('1a2b3c4d5e6f', []), info('222222222222', ['1a2b3c4d5e6e'])]);
    assert.deepEqual(typo.heads, ['1a2b3c4d5e6f', '222222222222']);
    assert.deepEqual(withCode(typo.problems, 'multiple-heads'), []);
    const merged = buildRevisionGraph([info('a', []), info('b', ['a']), info('c', ['a']), info('d', ['gone']), info('m', ['c', 'd'])]);
    assert.deepEqual(withCode(merged.problems, 'multiple-heads').map((f) => f.file), ['versions/b.py', 'versions/m.py']);
  });

  it('reports a depends_on that names neither a revision nor a label', () => {
    const g = buildRevisionGraph([info('a', [], { dependsOn: ['nope'], dependsOnSpan: [12, 0, 12, 21] })]);
    assert.deepEqual(withCode(g.problems, 'missing-down-revision').map((f) => f.span), [[12, 0, 12, 21]]);
  });

  it('reports a duplicated id on every file that uses it and keeps the first file by path', () => {
    const g = buildRevisionGraph([info('a', []), info('b', ['a'], { file: 'versions/z_copy.py' }), info('b', ['a'], { file: 'versions/b.py' })]);
    const dupes = withCode(g.problems, 'duplicate-revision');
    assert.deepEqual(dupes.map((f) => f.file), ['versions/b.py', 'versions/z_copy.py']);
    assert.match(dupes[0].message, /versions\/b\.py, versions\/z_copy\.py/);
    assert.equal(g.revisions.get('b')!.file, 'versions/b.py');
  });

  it('reports a cycle on each revision in it, leaves them out of the order and still orders their descendants', () => {
    const g = buildRevisionGraph([info('a', []), info('b', ['a', 'c']), info('c', ['b']), info('d', ['c'])]);
    const cycle = withCode(g.problems, 'revision-cycle');
    assert.deepEqual(cycle.map((f) => f.file), ['versions/b.py', 'versions/c.py']);
    assert.match(cycle[0].message, /b, c/);
    assert.deepEqual(g.order, ['a', 'd']);
  });

  it('reports a revision that names itself', () => {
    const g = buildRevisionGraph([info('a', ['a'])]);
    assert.deepEqual(codes(g.problems), ['revision-cycle']);
    assert.deepEqual(g.order, []);
  });

  it('handles a long history without deep recursion', () => {
    const revisions = Array.from({ length: 5000 }, (_, i) => info(`r${String(i).padStart(5, '0')}`, i === 0 ? [] : [`r${String(i - 1).padStart(5, '0')}`]));
    const g = buildRevisionGraph(revisions);
    assert.equal(g.order.length, 5000);
    assert.deepEqual(g.heads, ['r04999']);
  });
});

describe('migrations: many heads', () => {
  it('names the first eight heads and counts the rest, instead of repeating thousands of ids in every finding', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `h${String(i).padStart(4, '0')}`);
    const g = buildRevisionGraph([info('base', []), ...ids.map((id) => info(id, ['base']))]);
    const heads = withCode(g.problems, 'multiple-heads');
    assert.equal(heads.length, 2000);
    assert.equal(heads[0].message, 'Multiple head revisions are present: h0000, h0001, h0002, h0003, h0004, h0005, h0006, h0007 and 1992 more; merge them (alembic merge heads).');
  });
});
