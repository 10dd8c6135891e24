import type { FindingCode } from '../findings';

/** A kind of problem as the audit counts it: its summary line, and the codes of the findings it counts. */
export interface IssueKind {
  key: string;
  /** Plural, for the executive summary. */
  summary: string;
  codes: FindingCode[];
}

/**
 * The kinds of problem in the order the executive summary lists them, the most serious first: what breaks
 * `alembic upgrade`, then whole tables, then columns, then constraints and indexes. Every finding code is in exactly
 * one kind; a table-name mismatch counts a missing table and a table with no model that share their columns.
 */
export const ISSUE_KINDS: IssueKind[] = [
  { key: 'graph', summary: 'Revision-graph problems', codes: ['multiple-heads', 'missing-down-revision', 'duplicate-revision', 'revision-cycle'] },
  { key: 'invalid-operation', summary: 'Invalid operations in the migrations', codes: ['invalid-operation'] },
  { key: 'missing-table', summary: 'Tables missing from the migrations', codes: ['missing-table'] },
  { key: 'extra-table', summary: 'Tables in the migrations with no model', codes: ['extra-table'] },
  { key: 'rename', summary: 'Table-name mismatches (renamed tables)', codes: [] },
  { key: 'missing-column', summary: 'Columns missing from the migrations', codes: ['missing-column'] },
  { key: 'extra-column', summary: 'Columns in the migrations with no model', codes: ['extra-column'] },
  { key: 'type-mismatch', summary: 'Type mismatches', codes: ['type-mismatch'] },
  { key: 'enum-mismatch', summary: 'Enum value mismatches', codes: ['enum-mismatch'] },
  { key: 'primary-key-mismatch', summary: 'Primary-key mismatches', codes: ['primary-key-mismatch'] },
  { key: 'nullable-mismatch', summary: 'Nullability mismatches', codes: ['nullable-mismatch'] },
  { key: 'default-mismatch', summary: 'Server-default mismatches', codes: ['default-mismatch'] },
  { key: 'missing-foreign-key', summary: 'Foreign keys missing from the migrations', codes: ['missing-foreign-key'] },
  { key: 'extra-foreign-key', summary: 'Foreign keys in the migrations with no model', codes: ['extra-foreign-key'] },
  { key: 'missing-unique', summary: 'Unique constraints missing from the migrations', codes: ['missing-unique'] },
  { key: 'missing-index', summary: 'Indexes missing from the migrations', codes: ['missing-index'] },
  { key: 'extra-unique', summary: 'Unique constraints in the migrations with no model', codes: ['extra-unique'] },
  { key: 'extra-index', summary: 'Indexes in the migrations with no model', codes: ['extra-index'] },
  { key: 'missing-check', summary: 'CHECK constraints missing from the migrations', codes: ['missing-check'] },
  { key: 'extra-check', summary: 'CHECK constraints in the migrations with no model', codes: ['extra-check'] },
  { key: 'other', summary: 'Other findings raised to warning or error by the settings', codes: ['unresolved', 'assumed-baseline', 'parse-error', 'detached-revisions', 'invalid-setting', 'missing-script-location'] },
];

/** The label of a row of the audit's tables, one per finding code; a renamed table's row has its own. */
export const ROW_LABELS: Record<FindingCode, string> = {
  'multiple-heads': 'Multiple heads',
  'missing-down-revision': 'Missing parent revision',
  'duplicate-revision': 'Duplicate revision id',
  'revision-cycle': 'Revision cycle',
  'invalid-operation': 'Invalid operation',
  'missing-table': 'Missing table',
  'extra-table': 'Table with no model',
  'missing-column': 'Missing column',
  'extra-column': 'Column with no model',
  'type-mismatch': 'Type mismatch',
  'enum-mismatch': 'Enum values differ',
  'primary-key-mismatch': 'Primary key differs',
  'nullable-mismatch': 'Nullability differs',
  'default-mismatch': 'Server default differs',
  'missing-foreign-key': 'Missing foreign key',
  'extra-foreign-key': 'Foreign key with no model',
  'missing-unique': 'Missing unique constraint',
  'missing-index': 'Missing index',
  'extra-unique': 'Unique constraint with no model',
  'extra-index': 'Index with no model',
  'missing-check': 'Missing CHECK constraint',
  'extra-check': 'CHECK constraint with no model',
  unresolved: 'Not evaluated statically',
  'assumed-baseline': 'Assumed baseline',
  'parse-error': 'File not fully read',
  'detached-revisions': 'Detached revisions',
  'invalid-setting': 'Setting not used',
  'missing-script-location': 'Config names no folder',
};

/** The row label of a renamed table: the missing table and the table with no model, in one row. */
export const RENAME_LABEL = 'Table name differs';

/** The kind a finding code is counted under. */
export function kindOfCode(code: FindingCode): IssueKind {
  return ISSUE_KINDS.find((k) => k.codes.includes(code))!;
}
