import { optimiseOnlyLastingHotCode } from '../node/v8Flags';

/** The CLI's engine side (engine.ts). */
export type Engine = typeof import('./engine');

let engine: Engine | undefined;

/**
 * Loads the engine on first use, with V8 set for a batch analysis. NOTE: the bundler keeps this require out of
 * dist/cli.js (scripts/build.mjs): it loads dist/engine.js, or the compiled engine.js beside this file when running
 * from compiled sources.
 */
export function loadEngine(): Engine {
  if (!engine) {
    optimiseOnlyLastingHotCode();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    engine = require('./engine') as Engine;
  }
  return engine;
}
