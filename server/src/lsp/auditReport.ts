import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildReport } from '../core/report/buildReport';
import { renderMarkdown } from '../core/report/renderMarkdown';
import type { WorkspaceFolder } from './workspaceFolder';

/** The server command that renders a folder's audit report (the client shows it in the Markdown preview). */
export const RENDER_AUDIT_COMMAND = 'alembicDrift.server.renderAuditReport';

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The Markdown audit of a folder as of its latest analysis, with links as file URIs so they open from any preview. */
export function renderAuditReport(folder: WorkspaceFolder): string | undefined {
  const analysis = folder.lastAnalysis;
  if (!analysis) return undefined;
  const report = buildReport({ analysis, project: path.basename(folder.root), date: today() });
  return renderMarkdown({ report, linkBase: `${pathToFileURL(folder.root).toString()}/` });
}
