import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { storeFileIndex, unchangedContentKey } from '../../server/src/node/fileIndex';
import { readProjectBytes } from '../../server/src/node/readProject';
import { contentKey } from '../../server/src/node/resultStore';

describe('the file index: a content key without reading unchanged files', () => {
  let project: string;
  let cacheDir: string;

  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-index-project-'));
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-index-cache-'));
    fs.mkdirSync(path.join(project, 'app'));
    fs.writeFileSync(path.join(project, 'app', 'models.py'), 'x = 1\n');
    fs.writeFileSync(path.join(project, 'alembic.ini'), '[alembic]\nscript_location = migrations\n');
  });

  afterEach(() => {
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  /** Reads the project and stores its index as if the read had happened `settledFor` ms after the files last changed. */
  const index = (settledFor = 5000): string => {
    const read = readProjectBytes(project);
    const key = contentKey(read);
    storeFileIndex(cacheDir, project, key, read, Date.now() + settledFor);
    return key;
  };

  it('gives the key of the last read while no file changed, added or went away', () => {
    const key = index();
    assert.equal(unchangedContentKey(cacheDir, project), key);
    fs.writeFileSync(path.join(project, 'app', 'other.py'), 'y = 2\n');
    assert.equal(unchangedContentKey(cacheDir, project), undefined, 'a file added');
    index();
    fs.rmSync(path.join(project, 'app', 'other.py'));
    assert.equal(unchangedContentKey(cacheDir, project), undefined, 'a file removed');
    fs.writeFileSync(path.join(project, 'notes.txt'), 'not a project file');
    index();
    assert.notEqual(unchangedContentKey(cacheDir, project), undefined, 'other files do not count');
  });

  it('sees a change that keeps the size and puts the modification time back', () => {
    const file = path.join(project, 'app', 'models.py');
    // Whole seconds, which a file time keeps exactly.
    fs.utimesSync(file, 1_700_000_000, 1_700_000_000);
    index();
    fs.writeFileSync(file, 'x = 2\n');
    fs.utimesSync(file, 1_700_000_000, 1_700_000_000);
    assert.equal(fs.statSync(file).mtimeMs, 1_700_000_000_000);
    assert.equal(unchangedContentKey(cacheDir, project), undefined);
  });

  it('does not trust files changed shortly before they were read, nor a damaged or missing index', () => {
    index(0);
    assert.equal(unchangedContentKey(cacheDir, project), undefined, 'changed less than 2 s before the read');
    assert.equal(unchangedContentKey(path.join(cacheDir, 'elsewhere'), project), undefined, 'no index');
    index();
    const [build] = fs.readdirSync(path.join(cacheDir, 'results'));
    fs.writeFileSync(path.join(cacheDir, 'results', build, 'files.index'), '{"format":1,"key":"k","readAt":1,"files":[["a",1]],"skipped":[]}');
    assert.equal(unchangedContentKey(cacheDir, project), undefined, 'damaged');
  });
});
