import type { Span } from './python/syntax';

/** Severity of a finding, named as LSP and the CLI's JSON output name them. */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Every finding code, with its default severity and a one-line title (the rule's page in docs/rules/ explains it). */
export const RULES = {
  'missing-table': { severity: 'warning', title: 'A model table that no migration creates' },
  'missing-column': { severity: 'warning', title: 'A model column that no migration adds' },
  'type-mismatch': { severity: 'warning', title: "The model's column type differs from the migrations'" },
  'nullable-mismatch': { severity: 'warning', title: "The model's nullability differs from the migrations'" },
  'default-mismatch': { severity: 'warning', title: "The model's server default differs from the migrations'" },
  'primary-key-mismatch': { severity: 'warning', title: "The model's primary key differs from the migrations'" },
  'missing-index': { severity: 'warning', title: 'A model index that no migration creates' },
  'missing-unique': { severity: 'warning', title: 'A model unique constraint that no migration creates' },
  'missing-foreign-key': { severity: 'warning', title: 'A model foreign key that no migration creates' },
  'enum-mismatch': { severity: 'warning', title: "The model's enum values differ from the migrations'" },
  'extra-table': { severity: 'warning', title: 'A table the migrations create that no model describes' },
  'extra-column': { severity: 'warning', title: 'A column the migrations create that no model describes' },
  'extra-index': { severity: 'warning', title: 'An index the migrations create that no model describes' },
  'extra-unique': { severity: 'warning', title: 'A unique constraint the migrations create that no model describes' },
  'extra-foreign-key': { severity: 'warning', title: 'A foreign key the migrations create that no model describes' },
  'missing-check': { severity: 'warning', title: 'A named model CHECK constraint that no migration creates' },
  'extra-check': { severity: 'warning', title: 'A named CHECK constraint the migrations create that no model describes' },
  'multiple-heads': { severity: 'error', title: 'The revision graph has more than one head' },
  'missing-down-revision': { severity: 'error', title: 'A down_revision names a revision that does not exist' },
  'duplicate-revision': { severity: 'error', title: 'Two revision files share one revision id' },
  'revision-cycle': { severity: 'error', title: 'The revision graph has a cycle' },
  'detached-revisions': { severity: 'information', title: 'Revision files outside every version folder of the Alembic config' },
  'invalid-operation': { severity: 'warning', title: 'A migration op on a table or column that does not exist at that point' },
  unresolved: { severity: 'information', title: 'Something the static analysis could not evaluate' },
  'assumed-baseline': { severity: 'information', title: 'Tables the migrations alter but never create' },
  'parse-error': { severity: 'information', title: 'A file that could not be fully understood' },
  'invalid-setting': { severity: 'warning', title: 'A setting in pyproject.toml that cannot be used' },
  'missing-script-location': { severity: 'warning', title: "An Alembic config's script_location names no folder of the project" },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type FindingCode = keyof typeof RULES;

/** Another place a finding concerns (the migration op behind a model-side finding, and the other way round). */
export interface RelatedPlace {
  file: string;
  span: Span;
  message: string;
}

/** One problem found by the engine: the single source for the CLI, the language server and the report. */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  file: string;
  span: Span;
  table?: string;
  /** A note about several tables (one op that leaves them all uncompared): their names, in place of `table`. */
  tables?: string[];
  column?: string;
  related?: RelatedPlace[];
  /** The head revision(s) the model was compared against. */
  heads?: string[];
}

/**
 * Revision ids for a message: all of them up to eight, else the first eight and how many more (a history with
 * thousands of heads would otherwise repeat them all in every finding).
 */
export function idList(ids: readonly string[], max = 8): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}

/** The default severity of a code. */
export function defaultSeverity(code: FindingCode): Severity {
  return RULES[code].severity;
}

/** Builds a finding with the code's default severity. */
export function makeFinding(code: FindingCode, fields: Omit<Finding, 'code' | 'severity'>): Finding {
  return { code, severity: defaultSeverity(code), ...fields };
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/** Sorts findings by file, position, then code, so every output is stable. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.span[0] - b.span[0] ||
      a.span[1] - b.span[1] ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.message < b.message ? -1 : 1),
  );
}

/** The note for a finding, the same object while the finding is (the server publishes what changed by identity). */
const notes = new WeakMap<Finding, Map<string, Finding>>();

/** A warning or error lowered to a note that says why (`Alembic does not compare it here: ...`), made once per finding. */
export function loweredToNote(f: Finding, why: string): Finding {
  let byWhy = notes.get(f);
  if (!byWhy) notes.set(f, (byWhy = new Map()));
  let note = byWhy.get(why);
  if (!note) byWhy.set(why, (note = { ...f, severity: 'information', message: `${f.message} ${why}` }));
  return note;
}
