import { RENAME_LABEL, ROW_LABELS } from '../../server/src/core/report/issueKinds';

/** A problem row of a rendered audit: its label, the codes it stands for, and the `file:line` of every link in it. */
export interface ReportRow {
  label: string;
  codes: string[];
  places: string[];
  text: string;
}

const CODES_BY_LABEL = new Map<string, string[]>([...Object.entries(ROW_LABELS).map(([code, label]) => [label, [code]] as [string, string[]]), [RENAME_LABEL, ['missing-table', 'extra-table']]]);

/** The `file:line` texts of the Markdown links in a piece of the report, with their targets. */
export function reportLinks(markdown: string): Array<{ place: string; target: string }> {
  return [...markdown.matchAll(/\[([^\]]+:\d+)\]\(([^)\s]+)\)/g)].map((m) => ({ place: m[1], target: m[2] }));
}

/** Every table row of the report whose first cell is the label of a problem, as the tests read the report back. */
export function reportRows(markdown: string): ReportRow[] {
  const rows: ReportRow[] = [];
  for (const line of markdown.split('\n')) {
    const m = /^\| ([^|]+?) \|/.exec(line);
    const codes = m ? CODES_BY_LABEL.get(m[1]) : undefined;
    if (!m || !codes) continue;
    rows.push({ label: m[1], codes, places: reportLinks(line).map((l) => l.place), text: line });
  }
  return rows;
}
