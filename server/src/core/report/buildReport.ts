import type { Finding, Severity } from '../findings';
import type { Analysis } from '../project';
import { matchMigrationTables, notComparedAtHead } from '../diff/diffSchemas';
import type { AuditReport, EnvironmentSummary, FindingItem, ModelSection, SummaryLine } from './auditReport';
import { ISSUE_KINDS, kindOfCode } from './issueKinds';
import { buildModelSections, findingItem } from './modelSections';
import { planActions } from './planActions';
import { compareText, isProblem, lineOf, makeEnvironmentContext, type EnvironmentContext } from './reportContext';

/** What the audit is built from: the engine's analysis, the project's name (its folder) and the date to print. */
export interface ReportInput {
  analysis: Analysis;
  project: string;
  /** YYYY-MM-DD, given so that the report is the same text for the same project. */
  date: string;
  /** The settings' dialect, for environments whose `sqlalchemy.url` does not name one. */
  dialect?: string;
}

const MIGRATION_BOOKKEEPING = new Set(['alembic_version']);

/**
 * Turns an analysis into the audit, model by model, from the engine's findings and changes alone: every error and
 * warning of `check` is one row (a renamed table's two are one row), and nothing else is a problem.
 */
export function buildReport({ analysis, project, date, dialect }: ReportInput): AuditReport {
  const several = analysis.environments.length > 1;
  const contexts = analysis.environments.map((e) => makeEnvironmentContext(e, several ? e.env.name : undefined));
  const built = contexts.map((ctx) => ({ ctx, ...buildModelSections(ctx) }));
  const placed = new Set(built.flatMap((b) => [...b.placed]));

  // Environment by environment (in the order they were found), then in source order.
  const models: ModelSection[] = built
    .flatMap((b, env) => b.sections.map((s) => ({ s, env })))
    .sort((a, b) => a.env - b.env || compareText(a.s.at.file, b.s.at.file) || a.s.at.line - b.s.at.line)
    .map(({ s }, i) => ({ number: i + 1, ...s }));

  const rest = analysis.findings.filter((f) => !placed.has(f));
  const contextOf = (f: Finding): EnvironmentContext | undefined => contexts.find((c) => c.revisionOf(f.file) !== undefined);
  const graphCodes = new Set(ISSUE_KINDS.find((k) => k.key === 'graph')!.codes);
  const graph = rest.filter((f) => isProblem(f) && graphCodes.has(f.code)).map((f) => findingItem(contextOf(f), f));
  const otherProblems = rest.filter((f) => isProblem(f) && !graphCodes.has(f.code)).map((f) => findingItem(contextOf(f), f));
  const notes = rest.filter((f) => !isProblem(f)).map((f) => findingItem(contextOf(f), f));

  const repairsOf = (ctx: EnvironmentContext, i: number): FindingItem[] =>
    rest.filter((f) => isProblem(f) && (graphCodes.has(f.code) || f.code === 'invalid-operation') && (contextOf(f) ?? contexts[0]) === contexts[i]).map((f) => findingItem(ctx, f));
  const actions = built.map(({ ctx, fixes }, i) => {
    const { env, compare } = ctx.analysis;
    return planActions({ environment: ctx.label, dialect: env.dialect ?? dialect ?? ctx.analysis.database, renderAsBatch: compare.renderAsBatch, fixes, repairs: repairsOf(ctx, i) });
  });

  return {
    project,
    date,
    environments: contexts.map(summarizeEnvironment),
    modelCount: analysis.modelCount,
    revisionCount: analysis.revisionCount,
    totals: countSeverities(analysis.findings),
    summary: summarize(models, built.flatMap((b) => b.unmodelled), [...graph, ...otherProblems]),
    models,
    unmodelled: built.filter((b) => b.unmodelled.length > 0).map((b) => ({ ...(b.ctx.label !== undefined ? { environment: b.ctx.label } : {}), rows: b.unmodelled })),
    uncompared: contexts.flatMap(uncomparedTables),
    graph,
    otherProblems,
    notes,
    actions,
  };
}

/** The tables of an environment's head that no model describes and that were not compared, by qualified name. */
function uncomparedTables(ctx: EnvironmentContext): string[] {
  const { schema, models } = ctx.analysis;
  const findTable = matchMigrationTables(schema);
  const described = new Set(models.map(findTable));
  return [...schema.values()].filter((t) => notComparedAtHead(t) && !described.has(t) && !MIGRATION_BOOKKEEPING.has(t.name)).map((t) => (t.schema ? `${t.schema}.${t.name}` : t.name));
}

function summarizeEnvironment(ctx: EnvironmentContext): EnvironmentSummary {
  const { env, graph, schemaHeads, detached, schema } = ctx.analysis;
  return {
    name: env.name,
    scriptLocation: env.scriptLocation,
    ...(env.dialect ? { dialect: env.dialect } : {}),
    heads: [...schemaHeads].sort().map((id) => {
      const r = graph.revisions.get(id) ?? detached.map((g) => g.revisions.get(id)).find((x) => x !== undefined);
      return { id, ...(r?.message ? { message: r.message } : {}), ...(r ? { at: lineOf(r) } : {}) };
    }),
    revisionCount: graph.revisions.size + detached.reduce((n, g) => n + g.revisions.size, 0),
    tableCount: [...schema.values()].filter((t) => !MIGRATION_BOOKKEEPING.has(t.name)).length,
  };
}

/** Problems per kind, in the order of ISSUE_KINDS; a renamed table counts once, as a table-name mismatch. */
function summarize(models: ModelSection[], unmodelled: AuditReport['unmodelled'][number]['rows'], others: FindingItem[]): SummaryLine[] {
  const counts = new Map<string, number>();
  const add = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const row of [...models.flatMap((m) => m.rows), ...unmodelled]) add(row.findings.length > 1 ? 'rename' : kindOfCode(row.findings[0].code).key);
  for (const f of others) add(kindOfCode(f.code).key);
  return ISSUE_KINDS.filter((k) => counts.has(k.key)).map((k) => ({ kind: k.key, label: k.summary, count: counts.get(k.key)! }));
}

function countSeverities(findings: Finding[]): Record<Severity, number> {
  const out: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const f of findings) out[f.severity]++;
  return out;
}

