// The V8 settings of the engine's processes. Node and Electron (VS Code's host) accept V8 flags after start; an unknown
// flag is a line on stderr, and a refused one leaves V8's default in place: nothing else changes.
import * as v8 from 'node:v8';

/**
 * Leaves optimising to code that stays hot, for a batch analysis (the CLI) on Node 20 (V8 11): the optimising
 * compiler starts on a function after eight times V8 11's default interrupt budget. At the default, V8's background
 * compilation took about a second of CPU in a cold check of a big project, on the same two cores as the analysis;
 * with this budget a cold check of L takes 7 to 11% less time and 10 to 16% less CPU (docs/design/speed.md). Set
 * before the engine's code first runs. Not for the server: in a long editing session it held 100 to 170 MB more
 * through its first thousand edits. Other V8 versions keep their defaults: V8 12 and 13 (Node 22, 24) no longer
 * have the flag (setting it would print a line on stderr), and its counterpart there gained nothing measurable.
 */
export function optimiseOnlyLastingHotCode(v8Version = process.versions.v8): void {
  if (v8Version.startsWith('11.')) setFlag('--interrupt-budget=540672');
}

/**
 * Lets the heap grow only 20% past what the last full collection kept alive (V8 lets it grow up to fourfold by
 * default): each analysis leaves a few MB of garbage, and in a long editing session V8's default let the server's
 * memory climb by 100 MB or more between collections. The server sets it after its first index, which the default
 * serves better (fewer collections while the facts of the whole project are built).
 */
export function frugalHeap(): void {
  setFlag('--heap-growing-percent=20');
}

function setFlag(flag: string): void {
  try {
    v8.setFlagsFromString(flag);
  } catch {
    // V8's default stays.
  }
}
