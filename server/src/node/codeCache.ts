import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { writeCacheFile } from './cacheDir';

/*
 * V8's code cache of a CommonJS bundle: the bytecode of the functions a run of it compiled, made once (when the
 * bundle is built) so that later runs skip compiling them. It lies beside the bundle, as `<bundle>.cache`: the SHA-1
 * of the bundle's text it was made for, the SHA-1 of V8's data, then the data. V8 itself refuses data of another V8
 * version or other V8 flags; the two digests make sure that data of another text (V8 checks only its length) or
 * damaged data is never given to V8.
 */

const DIGEST_BYTES = 20;
/** The parameters Node's own module wrapper gives a CommonJS module. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAPPER_TAIL = '\n})';

/** A bundle loaded as a CommonJS module, and whether its code cache served. */
export interface LoadedBundle {
  exports: unknown;
  /** `used`: V8 took the cache; `refused`: V8 refused it (another V8 or flags); `none`: no cache matched the text. */
  codeCache: 'used' | 'refused' | 'none';
  /** V8's code cache of the bundle, with the functions compiled so far (what `writeCodeCache` stores). */
  cacheData(): Buffer;
  /** The SHA-1 of the bundle's text. */
  textDigest: Buffer;
}

/** Where a bundle's code cache lies. */
export function codeCacheFile(bundle: string): string {
  return `${bundle}.cache`;
}

/**
 * Loads a CommonJS bundle as `require` would (its own `require`, `module`, `__filename` and `__dirname`; `import()`
 * through Node's loader), compiled with its code cache when one made for its text lies beside it and V8 takes it.
 * Unlike `require`, `--enable-source-maps` does not map its stack traces to the sources.
 */
export function loadBundle(bundle: string): LoadedBundle {
  const text = fs.readFileSync(bundle, 'utf8');
  const textDigest = createHash('sha1').update(text).digest();
  const cachedData = matchingCache(codeCacheFile(bundle), textDigest);
  // `import()` inside the bundle goes to Node's own loader, as it would from a module `require` loaded.
  const script = new vm.Script(`${WRAPPER_HEAD}${text}${WRAPPER_TAIL}`, { filename: bundle, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  return {
    exports: module.exports,
    codeCache: !cachedData ? 'none' : script.cachedDataRejected ? 'refused' : 'used',
    cacheData: () => script.createCachedData(),
    textDigest,
  };
}

/** Writes the code cache of a loaded bundle beside it (whole: a run that reads it meanwhile sees the old one or none). */
export function writeCodeCache(bundle: string, loaded: LoadedBundle): void {
  const data = loaded.cacheData();
  writeCacheFile(codeCacheFile(bundle), Buffer.concat([loaded.textDigest, createHash('sha1').update(data).digest(), data]));
}

/** V8's data in a cache file made for a text of this digest, undefined when there is none or it is damaged. */
function matchingCache(file: string, textDigest: Buffer): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length <= 2 * DIGEST_BYTES || !bytes.subarray(0, DIGEST_BYTES).equals(textDigest)) return undefined;
  const data = bytes.subarray(2 * DIGEST_BYTES);
  return createHash('sha1').update(data).digest().equals(bytes.subarray(DIGEST_BYTES, 2 * DIGEST_BYTES)) ? data : undefined;
}
