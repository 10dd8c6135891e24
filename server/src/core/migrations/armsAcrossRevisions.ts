/**
 * Arms of tests on the dialect that two revisions in a row split between them: dstack adds a column under
 * `if dialect.name == "sqlite"` in one revision and under `!= "sqlite"` in the next (moved there "to avoid deadlocks"
 * on PostgreSQL). Exactly one of the two runs on any database, so what both do surely happens, as with the two arms
 * of one `if` (mergeAlternativeArms).
 */
import { mergeAlternativeArms } from './alternativeArms';
import { DIALECT_UNIVERSE, type OpStep } from './interpret';
import type { RevisionSteps } from './replay';

/**
 * The pairs read so far, by the steps of the earlier revision, with what they gave (undefined: nothing to merge): the
 * same steps in give the same steps out, and a keystroke reads no pair again.
 */
const merges = new WeakMap<OpStep[], { later: OpStep[]; merged: [OpStep[], OpStep[]] | undefined }>();

/**
 * The revisions in replay order with, for each two in a row whose undecided dialect arms run on dialects that
 * together make every dialect once (one revision's arm on SQLite, the next one's everywhere else), the ops both arms
 * make alike on a table run in the earlier revision as ops that surely run, and the later revision's left out.
 * Revisions without such arms are returned as they were (the same arrays, which the replay's memo compares).
 */
export function mergeArmsAcrossRevisions(revisions: RevisionSteps[]): RevisionSteps[] {
  let out: RevisionSteps[] | undefined;
  for (let i = 0; i + 1 < revisions.length; i++) {
    const [earlier, later] = [out?.[i] ?? revisions[i], revisions[i + 1]];
    const merged = mergedPair(earlier.steps, later.steps);
    if (!merged) continue;
    out ??= [...revisions];
    out[i] = { revision: earlier.revision, steps: merged[0] };
    out[i + 1] = { revision: later.revision, steps: merged[1] };
  }
  return out ?? revisions;
}

/** The two revisions' steps with their complementary arms merged; undefined when they have none alike. */
function mergedPair(earlier: OpStep[], later: OpStep[]): [OpStep[], OpStep[]] | undefined {
  const known = merges.get(earlier);
  if (known && known.later === later) return known.merged;
  const merged = mergePair(earlier, later);
  merges.set(earlier, { later, merged });
  return merged;
}

function mergePair(earlier: OpStep[], later: OpStep[]): [OpStep[], OpStep[]] | undefined {
  const laterArms = new Map<string, readonly string[]>();
  for (const step of later) if (inArm(step)) laterArms.set(key(step.runsOn), step.runsOn);
  if (laterArms.size === 0) return undefined;
  for (const [start, step] of earlier.entries()) {
    if (!inArm(step)) continue;
    const other = [...laterArms.values()].find((d) => complementary(step.runsOn, d));
    if (!other) continue;
    const [mine, theirs] = [key(step.runsOn), key(other)];
    const steps = [...earlier, ...later];
    const kept = mergeAlternativeArms(steps, start, earlier.length, (s, i) => inArm(s) && key(s.runsOn) === (i < earlier.length ? mine : theirs));
    if (kept.size === 0) continue;
    // What both arms do runs on every dialect: as an op outside any test on the dialect.
    const sure = steps.map((s) => (kept.has(s) ? surely(s) : s));
    return [sure.slice(0, earlier.length), sure.slice(earlier.length)];
  }
  return undefined;
}

/** An undecided step in an arm whose dialects are known. */
function inArm(step: OpStep): step is OpStep & { runsOn: readonly string[] } {
  return step.uncertain && step.runsOn !== undefined && !step.when && !step.notOnDialect;
}

/** Whether two arms together run once on every dialect. */
function complementary(a: readonly string[], b: readonly string[]): boolean {
  return a.length + b.length === DIALECT_UNIVERSE.length && DIALECT_UNIVERSE.every((d) => a.includes(d) !== b.includes(d));
}

function key(dialects: readonly string[]): string {
  return dialects.join('\0');
}

/** The step as one that runs on every database. */
function surely(step: OpStep): OpStep {
  const { runsOn: _, ...rest } = step;
  return { ...rest, uncertain: false };
}
