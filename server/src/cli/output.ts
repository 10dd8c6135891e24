import { idList, RULES, type Finding } from '../core/findings';

/** What the CLI prints about one run of `check`. */
export interface CheckReport {
  root: string;
  heads: string[];
  findings: Finding[];
  /** How many Alembic environments were checked (each has its own heads). */
  environments: number;
  /** How many model tables were read, and the names of those that could not be compared with the migrations. */
  modelTables: number;
  uncompared: string[];
}

/**
 * `path:line:col: code message`, 1-based, one finding a line, then a summary line, which says how many model tables
 * could not be compared: "No drift found" must not hide that nothing was.
 */
export function formatText(report: CheckReport): string {
  const lines = report.findings.map((f) => `${f.file}:${f.span[0] + 1}:${f.span[1] + 1}: ${f.severity} ${f.code} ${f.message}`);
  const count = (s: string): number => report.findings.filter((f) => f.severity === s).length;
  const errors = count('error');
  const warnings = count('warning');
  const infos = count('information') + count('hint');
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  // Several environments (Open-Assistant's backend and inference server) each have a head: not a history's several heads.
  const headsOf = report.environments > 1 ? `the heads of ${report.environments} environments, ${idList(report.heads)}` : `${report.heads.length === 1 ? 'head' : 'heads'} ${idList(report.heads)}`;
  const heads = report.heads.length > 0 ? ` (compared with ${headsOf})` : '';
  const notes = infos ? `; ${plural(infos, 'note')}` : '';
  const skipped = report.uncompared.length;
  const total = Math.max(report.modelTables, skipped);
  if (errors + warnings > 0) {
    const uncompared = skipped > 0 ? `; ${skipped} of ${plural(total, 'model table')} not compared (see the notes)` : '';
    lines.push(`${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(infos, 'note')}${heads}${uncompared}.`);
  } else if (skipped === 0) {
    lines.push(`No drift found${heads}${notes}.`);
  } else if (skipped < total) {
    lines.push(`No drift found in the ${total - skipped} of ${plural(total, 'model table')} compared${heads}; ${skipped} not compared (see the notes)${notes}.`);
  } else {
    const at = report.heads.length > 0 ? ` at ${headsOf}` : '';
    lines.push(`Nothing compared: ${total === 1 ? 'the one model table could not' : `none of the ${total} model tables could`} be compared with the migrations${at} (see the notes)${notes}.`);
  }
  return `${lines.join('\n')}\n`;
}

function toJsonDiagnostic(f: Finding): Record<string, unknown> {
  const out: Record<string, unknown> = {
    file: f.file,
    range: { start: { line: f.span[0], character: f.span[1] }, end: { line: f.span[2], character: f.span[3] } },
    severity: f.severity,
    code: f.code,
    message: f.message,
  };
  if (f.table !== undefined) out.table = f.table;
  if (f.column !== undefined) out.column = f.column;
  return out;
}

/** One JSON object: version, root, heads, the model tables read and those not compared, and the diagnostics with 0-based LSP positions. */
export function formatJson(report: CheckReport): string {
  return `${JSON.stringify({ version: 1, root: report.root, heads: report.heads, modelTables: report.modelTables, uncompared: report.uncompared, diagnostics: report.findings.map(toJsonDiagnostic) }, null, 2)}\n`;
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

/** SARIF 2.1.0 with one rule per code and results with file and 1-based region, for code-scanning tools. */
export function formatSarif(report: CheckReport, toolVersion: string): string {
  const codes = Object.keys(RULES) as Array<keyof typeof RULES>;
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'alembic-drift',
            version: toolVersion,
            rules: codes.map((code) => ({ id: code, shortDescription: { text: RULES[code].title }, defaultConfiguration: { level: SARIF_LEVEL[RULES[code].severity] } })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: codes.indexOf(f.code),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file },
                region: { startLine: f.span[0] + 1, startColumn: f.span[1] + 1, endLine: f.span[2] + 1, endColumn: f.span[3] + 1 },
              },
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
