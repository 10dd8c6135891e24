import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_FILE_BYTES, packageNameOf, readProjectBytes, readProjectFiles, stampProjectFiles } from '../../server/src/node/readProject';

describe('reading a project folder', () => {
  it('names a folder by the dotted path of the packages it is in, as its modules import it (nova/db/main)', () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-pkg-'));
    try {
      const main = path.join(top, 'repo', 'nova', 'db', 'main');
      fs.mkdirSync(main, { recursive: true });
      for (const dir of ['repo/nova', 'repo/nova/db', 'repo/nova/db/main']) fs.writeFileSync(path.join(top, dir, '__init__.py'), '');
      assert.equal(packageNameOf(main), 'nova.db.main');
      assert.equal(packageNameOf(path.join(top, 'repo', 'nova')), 'nova', 'repo/ holds no __init__.py');
      fs.rmSync(path.join(top, 'repo/nova/__init__.py'));
      assert.equal(packageNameOf(main), 'db.main');
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });

  it('reads every file whole, however the shared buffers fill, and notes the files over the size limit', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-read-'));
    try {
      const written = new Map<string, Buffer>();
      // Files of 1.5 MB overflow the 4 MB buffer in the middle of a file; big.py is over the limit.
      for (const [name, size] of [['a.py', 10], ['b.py', 1_500_000], ['c.py', 1_500_000], ['d.py', 1_500_000], ['e.py', 0], ['f.py', 1_999_999], ['z.ini', 7]] as const) {
        const bytes = Buffer.alloc(size, name.charCodeAt(0));
        fs.writeFileSync(path.join(dir, name), bytes);
        written.set(name, bytes);
      }
      fs.writeFileSync(path.join(dir, 'big.py'), Buffer.alloc(MAX_FILE_BYTES + 1, 32));
      // A data migration with its rows inline: a few MB, read.
      const rows = Buffer.from(`ROWS = [${'(1, "x"), '.repeat(300_000)}]\n`);
      fs.writeFileSync(path.join(dir, 'rows.py'), rows);
      written.set('rows.py', rows);
      fs.mkdirSync(path.join(dir, 'pkg'));
      fs.writeFileSync(path.join(dir, 'pkg', 'm.py'), 'x = "héllo"\n');
      written.set('pkg/m.py', Buffer.from('x = "héllo"\n'));
      const read = readProjectBytes(dir);
      assert.deepEqual([...read.files.keys()].sort(), [...written.keys()].sort());
      for (const [name, bytes] of written) assert.ok(Buffer.from(read.files.get(name)!).equals(bytes), name);
      assert.deepEqual(read.skipped, [{ file: 'big.py', reason: 'is larger than 8 MB' }]);
      assert.equal(readProjectFiles(dir).files.get('pkg/m.py'), 'x = "héllo"\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("passes over a folder pip installed packages into (bazarr's libs/ with its own SQLAlchemy), and reads the rest", () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-vendored-'));
    try {
      const write = (rel: string, text: string): void => {
        fs.mkdirSync(path.dirname(path.join(top, rel)), { recursive: true });
        fs.writeFileSync(path.join(top, rel), text);
      };
      write('app/models.py', 'from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n');
      write('libs/sqlalchemy/__init__.py', 'from .sql.schema import Column\n');
      write('libs/sqlalchemy_utils/models.py', 'class Thing(Base):\n    __tablename__ = "things"\n');
      write('libs/SQLAlchemy-2.0.37.dist-info/METADATA', 'Name: SQLAlchemy\n');
      // A package's own metadata beside its sources (an editable install's egg-info) is no sign of installed packages.
      write('src/app2/db.py', 'X = 1\n');
      write('src/app2.egg-info/PKG-INFO', 'Name: app2\n');
      assert.deepEqual([...readProjectFiles(top).files.keys()].sort(), ['app/models.py', 'src/app2/db.py']);
      assert.deepEqual([...stampProjectFiles(top).stamps.keys()].sort(), ['app/models.py', 'src/app2/db.py']);
      // The project's own folder is read whatever it holds.
      write('Tool-1.0.dist-info/METADATA', 'Name: Tool\n');
      assert.deepEqual([...readProjectFiles(top).files.keys()].sort(), ['app/models.py', 'src/app2/db.py']);
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });

  it('passes over a link to nothing (pagure), and reads a link to a file', () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-links-'));
    try {
      fs.writeFileSync(path.join(top, 'real.py'), 'X = 1\n');
      fs.symlinkSync(path.join(top, 'real.py'), path.join(top, 'linked.py'));
      fs.symlinkSync('/does/not/exist.py', path.join(top, 'dangling.py'));
      const read = readProjectBytes(top);
      assert.deepEqual([...read.files.keys()].sort(), ['linked.py', 'real.py']);
      assert.deepEqual(read.skipped, []);
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });

  it('says that a file name which is not UTF-8 is why a file cannot be read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-read-'));
    try {
      // "caf\xe9.py" in Latin-1, as an old archive may hold it.
      fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.py')]), 'x = 1\n');
      assert.deepEqual(readProjectBytes(dir).skipped, [{ file: 'caf\uFFFD.py', reason: 'cannot be read: its name is not valid UTF-8' }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
