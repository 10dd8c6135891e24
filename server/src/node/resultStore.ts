import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../core/findings';
import type { Analysis } from '../core/project';
import { projectCacheName, removeStaleTemporaryFiles, writeCacheFile } from './cacheDir';
import type { ProjectBytes } from './readProject';
import { VERSION } from '../version';

/**
 * What `check` prints: the findings, the heads compared against, how many environments were found, and how many model
 * tables there were with the names of those that could not be compared.
 */
export interface CheckResult {
  findings: Finding[];
  heads: string[];
  environments: number;
  settingsProblems: string[];
  modelTables: number;
  uncompared: string[];
}

/** Bumped when the stored result changes shape. */
const RESULT_FORMAT = 3;

/** The result `check` prints for an analysis (and the settings problems met reading pyproject.toml). */
export function checkResultOf(analysis: Analysis, settingsProblems: string[]): CheckResult {
  const qualified = (t: { name: string; schema?: string }): string => (t.schema ? `${t.schema}.${t.name}` : t.name);
  return {
    findings: analysis.findings,
    heads: [...new Set(analysis.environments.flatMap((e) => e.schemaHeads))],
    environments: analysis.environments.length,
    settingsProblems,
    modelTables: new Set(analysis.environments.flatMap((e) => e.models)).size,
    uncompared: [...new Set(analysis.environments.flatMap((e) => e.uncompared.map(qualified)))].sort(),
  };
}

/** A key over everything a folder's result depends on: the tool's version, every file's path and bytes, what was skipped. */
export function contentKey(read: ProjectBytes): string {
  const hash = createHash('sha1').update(VERSION);
  for (const file of [...read.files.keys()].sort()) {
    const bytes = read.files.get(file)!;
    hash.update(`\0${file}\0${bytes.length}\0`).update(bytes);
  }
  for (const s of read.skipped) hash.update(`\0skipped\0${s.file}\0${s.reason}`);
  return hash.digest('hex');
}

/** The key of a folder's result when its settings also come from outside its files (the editor's, as JSON). */
export function keyWithSettings(contentKeyOfFiles: string, settings: string): string {
  return createHash('sha1').update(`${contentKeyOfFiles}\0settings\0${settings}`).digest('hex');
}

/** How many results are kept for each project folder: the ones stored or read last. */
export const RESULTS_KEPT = 8;

/** The folder of a project's stored results. */
export const resultsFolder = (cacheDir: string, project: string): string => path.join(cacheDir, 'results', projectCacheName(project));

/** The result stored for a project folder under `key` (by the CLI or the language server), if there is a sound one. */
export function readStoredResult(cacheDir: string, project: string, key: string): CheckResult | undefined {
  const file = path.join(resultsFolder(cacheDir, project), `${key}.json`);
  let stored: unknown;
  try {
    stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // No result for these inputs yet, or one that cannot be read: the folder is analysed.
    return undefined;
  }
  try {
    // Read last counts as stored last: a state the project comes back to (a branch) is kept.
    const now = new Date();
    fs.utimesSync(file, now, now);
  } catch {
    // A read-only cache keeps its order.
  }
  // A damaged or foreign file is analysed again, never shown.
  if (!isRecord(stored) || stored.format !== RESULT_FORMAT) return undefined;
  const { findings, heads, environments, settingsProblems, modelTables, uncompared } = stored;
  if (!Array.isArray(findings) || !findings.every(isFinding) || !isStrings(heads) || typeof environments !== 'number' || !isStrings(settingsProblems) || typeof modelTables !== 'number' || !isStrings(uncompared)) return undefined;
  return { findings, heads, environments, settingsProblems, modelTables, uncompared };
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isStrings(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

function isSpan(x: unknown): boolean {
  return Array.isArray(x) && x.length === 4 && x.every((n) => Number.isInteger(n) && n >= 0);
}

const optional = (x: unknown, test: (y: unknown) => boolean): boolean => x === undefined || test(x);

/** Whether a stored value has every field of a finding that is shown or printed, each of its type. */
function isFinding(f: unknown): f is Finding {
  return (
    isRecord(f) &&
    typeof f.code === 'string' &&
    typeof f.severity === 'string' &&
    SEVERITIES.has(f.severity) &&
    typeof f.message === 'string' &&
    typeof f.file === 'string' &&
    isSpan(f.span) &&
    optional(f.table, (x) => typeof x === 'string') &&
    optional(f.column, (x) => typeof x === 'string') &&
    optional(f.heads, isStrings) &&
    optional(f.related, (r) => Array.isArray(r) && r.every((p) => isRecord(p) && typeof p.file === 'string' && isSpan(p.span) && typeof p.message === 'string'))
  );
}

/**
 * Stores a project folder's result under `key` (written whole, then renamed), keeping that folder's last
 * `RESULTS_KEPT` results; a cache that cannot be written only costs time.
 */
export function storeResult(cacheDir: string, project: string, key: string, result: CheckResult): void {
  const folder = resultsFolder(cacheDir, project);
  const file = path.join(folder, `${key}.json`);
  try {
    writeCacheFile(file, JSON.stringify({ format: RESULT_FORMAT, ...result }));
    pruneResults(folder, file);
    removeStaleTemporaryFiles(folder, '');
  } catch {
    // Read-only or full disk.
  }
}

/** Removes all but the `RESULTS_KEPT` results last stored or read, `kept` among them. */
function pruneResults(folder: string, kept: string): void {
  const results = fs.readdirSync(folder).flatMap((name) => {
    const file = path.join(folder, name);
    const stat = name.endsWith('.json') && file !== kept ? fs.statSync(file, { throwIfNoEntry: false }) : undefined;
    // A file removed meanwhile by another process is not counted.
    return stat ? [{ file, mtime: stat.mtimeMs }] : [];
  });
  results.sort((a, b) => b.mtime - a.mtime);
  for (const r of results.slice(RESULTS_KEPT - 1)) fs.rmSync(r.file, { force: true });
}
