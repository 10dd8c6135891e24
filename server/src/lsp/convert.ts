import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver/node';
import type { Finding, Severity } from '../core/findings';
import type { Span } from '../core/python/syntax';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries for code actions: the finding's key, never its message. */
export interface DiagnosticData {
  key: string;
  code: string;
  table?: string;
  column?: string;
}

/** A stable key for a finding, used to find it again when a code action is asked for. */
export function findingKey(f: Finding): string {
  return `${f.code}|${f.file}|${f.table ?? ''}|${f.column ?? ''}|${f.span.join(',')}`;
}

/** The URI of a project file (relative POSIX path) under a workspace folder on disk. */
export function fileUri(root: string, file: string): string {
  return pathToFileURL(path.join(root, ...file.split('/'))).toString();
}

/** The LSP range of an engine span. */
export function spanRange(span: Span): Range {
  return { start: { line: span[0], character: span[1] }, end: { line: span[2], character: span[3] } };
}

/** Maps an engine finding to an LSP diagnostic: code, source, a link to the rule's page, the other side, a key. */
export function toDiagnostic(f: Finding, options: { root: string; docsDir: string }): Diagnostic {
  const related: DiagnosticRelatedInformation[] | undefined = f.related?.map((r) => ({
    location: { uri: fileUri(options.root, r.file), range: spanRange(r.span) },
    message: r.message,
  }));
  const data: DiagnosticData = { key: findingKey(f), code: f.code, table: f.table, column: f.column };
  return {
    range: spanRange(f.span),
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: pathToFileURL(path.join(options.docsDir, `${f.code}.md`)).toString() },
    source: 'alembic-drift',
    message: f.message,
    relatedInformation: related,
    data,
  };
}
