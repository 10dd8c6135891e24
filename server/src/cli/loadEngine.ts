import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeCacheFile, loadBundle, writeCodeCache } from '../node/codeCache';
import { optimiseOnlyLastingHotCode } from '../node/v8Flags';

/** The CLI's engine side (engine.ts). */
export type Engine = typeof import('./engine');

/** Set by the build (scripts/build.mjs): the run writes the engine bundle's code cache as it exits. */
export const WRITE_CODE_CACHE_ENV = 'ALEMBIC_DRIFT_WRITE_CODE_CACHE';

let engine: Engine | undefined;

/**
 * Loads the engine on first use, with V8 set for a batch analysis, compiled with the code cache the build made for it
 * when one lies beside it (node/codeCache). NOTE: the bundler keeps the require out of dist/cli.js
 * (scripts/build.mjs): it loads dist/engine.js, or the compiled engine.js beside this file when running from
 * compiled sources.
 */
export function loadEngine(): Engine {
  if (!engine) {
    optimiseOnlyLastingHotCode();
    const bundle = path.join(__dirname, 'engine.js');
    const writeCache = process.env[WRITE_CODE_CACHE_ENV] === '1';
    if (writeCache || fs.existsSync(codeCacheFile(bundle))) {
      const loaded = loadBundle(bundle);
      if (writeCache) {
        process.once('exit', () => {
          try {
            writeCodeCache(bundle, loaded);
          } catch (e) {
            process.stderr.write(`alembic-drift: the engine's code cache could not be written (${(e as Error).message})\n`);
          }
        });
      }
      engine = loaded.exports as Engine;
    } else {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      engine = require('./engine') as Engine;
    }
  }
  return engine;
}
