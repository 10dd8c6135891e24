import type { FindingCode, Severity } from '../findings';
import type { SchemaChange } from '../diff/diffSchemas';
import type { FixText } from './renderFixes';

/** A line of a project file: path relative to the project root (POSIX), line 1-based. */
export interface SourceLine {
  file: string;
  line: number;
}

/** One side of a row: the definition as written (code), a plain remark, where it is and which revision wrote it. */
export interface RowSide {
  code?: string;
  note?: string;
  at?: SourceLine;
  revision?: string;
}

/** One problem (two for a renamed table) as a row: what kind, which field, what each side says. */
export interface IssueRow {
  label: string;
  field: string;
  model: RowSide;
  migration: RowSide;
  /** The findings of `check` the row stands for, with where each one is. */
  findings: Array<{ code: FindingCode; at: SourceLine }>;
}

/** A finding that is a note (information), or a problem with no model or table to sit under. */
export interface FindingItem {
  code: FindingCode;
  severity: Severity;
  message: string;
  at: SourceLine;
  /** The revision the finding's file defines, when it is a revision file. */
  revision?: string;
}

/** A migration table as the model sections and the no-model section name it. */
export interface MigrationTableRef {
  name: string;
  at: SourceLine;
  revision?: string;
  /** Whether the first op on it created it (else the history only alters it). */
  created: boolean;
  /** The last `rename_table` that gave it its name. */
  renamed?: { at: SourceLine; revision: string };
}

/**
 * How a model stands: its table matches; has discrepancies; is missing (or is there under another name); is missing
 * but only as a note (a baseline the migrations assume may hold it); or was not compared (an unresolved op may touch it).
 */
export type ModelStatus = 'matches' | 'discrepancies' | 'missing' | 'renamed' | 'noted' | 'not-compared';

/** One model class (or Core table) of the project, compared in one environment. */
export interface ModelSection {
  number: number;
  modelName: string;
  modelKind: 'class' | 'table';
  table: string;
  at: SourceLine;
  /** The environment's name, when the project has several. */
  environment?: string;
  status: ModelStatus;
  migrationTable?: MigrationTableRef;
  /** The migrations alter the table but never create it: only what they touch was compared. */
  partial: boolean;
  /**
   * For `noted`: the table is missing only as a note because the migrations assume tables made outside them
   * (`baseline`), or because the settings lowered the finding's severity (`settings`).
   */
  notedBecause?: 'baseline' | 'settings';
  rows: IssueRow[];
  notes: FindingItem[];
}

/** A count of problems of one kind for the executive summary. */
export interface SummaryLine {
  kind: string;
  label: string;
  count: number;
}

/** A head revision, with its message. */
export interface HeadRef {
  id: string;
  message?: string;
  at?: SourceLine;
}

/** One Alembic environment as the report's header describes it. */
export interface EnvironmentSummary {
  name: string;
  scriptLocation: string;
  dialect?: string;
  heads: HeadRef[];
  revisionCount: number;
  tableCount: number;
}

/** A foreign key that a rename re-points: the model's key and the migrations' differ only by the renamed table. */
export interface FollowingForeignKey {
  table: string;
  columns: string[];
  /** The table's new name, which the key references once renamed. */
  target: string;
  /** The add-foreign-key and drop-foreign-key changes the rename makes unnecessary. */
  changes: SchemaChange[];
}

/** One step of the recommended order: a migration to write (or a repair of existing ones) and what it fixes. */
export interface ActionStep {
  kind: 'repair-history' | 'create-tables' | 'columns' | 'constraints' | 'renames' | 'drop-tables';
  /** For `repair-history`: the findings to repair. */
  repairs: FindingItem[];
  /** For the other kinds: the Alembic ops of the step's changes. */
  fix?: FixText;
  /** For `renames`: the foreign keys the renames re-point, left out of the constraints step. */
  followingForeignKeys?: FollowingForeignKey[];
}

/** The recommended steps of one environment. */
export interface EnvironmentActions {
  environment?: string;
  steps: ActionStep[];
}

/** The whole audit as data: rendered to Markdown by `renderMarkdown`, checked against `check` by the tests. */
export interface AuditReport {
  project: string;
  date: string;
  environments: EnvironmentSummary[];
  modelCount: number;
  revisionCount: number;
  /** How many findings of each severity `check` reports. */
  totals: Record<Severity, number>;
  summary: SummaryLine[];
  models: ModelSection[];
  /** Tables the migrations create that no model describes (not renames). */
  unmodelled: Array<{ environment?: string; rows: IssueRow[] }>;
  /** Tables at head that no model describes and that were not compared (an op on them could not be read, or may not run). */
  uncompared: string[];
  graph: FindingItem[];
  /** Problems that are neither about a model nor about the revision graph (invalid operations, raised notes). */
  otherProblems: FindingItem[];
  /** Notes not shown in a model's section. */
  notes: FindingItem[];
  actions: EnvironmentActions[];
}
