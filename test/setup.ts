// Mocha's root hooks (.mocharc.json requires this file): the suite's caches go to a folder of its own, removed at the
// end, never to the user's (~/.cache/alembic-drift, whose other builds a run would otherwise prune).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

let suiteCache: string | undefined;
let userSetting: string | undefined;

export const mochaHooks = {
  beforeAll(): void {
    userSetting = process.env.ALEMBIC_DRIFT_CACHE_DIR;
    suiteCache = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-suite-cache-'));
    process.env.ALEMBIC_DRIFT_CACHE_DIR = suiteCache;
  },
  afterAll(): void {
    if (suiteCache) fs.rmSync(suiteCache, { recursive: true, force: true });
    if (userSetting === undefined) delete process.env.ALEMBIC_DRIFT_CACHE_DIR;
    else process.env.ALEMBIC_DRIFT_CACHE_DIR = userSetting;
  },
};
