// What the benchmark measures outside the language server: the CLI (cold and warm), CPython's ast.parse of the same
// files, tree-sitter's parse alone of them, and real Alembic; and how findings compare with the planted drift.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PlantedDrift } from './generate';

export const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const PRELOAD = path.join(__dirname, 'rssPreload.js');

// ---------------------------------------------------------------------------------------------------------------
// Statistics

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

// ---------------------------------------------------------------------------------------------------------------
// Findings against the planted drift

/** A finding as the CLI's JSON and the server's diagnostics both give it. */
export interface Found {
  code: string;
  table?: string;
  column?: string;
  file: string;
  /** 1-based. */
  line: number;
  severity: string;
  message: string;
}

export interface DriftCheck {
  planted: number;
  found: number;
  /** Planted drift with no finding of the same code, table and column. */
  missed: PlantedDrift[];
  /** Found, but in another file or on another line than planted. */
  elsewhere: Array<{ planted: PlantedDrift; reported: { file: string; line: number } }>;
  /** Findings at warning or error level that no planted drift explains. */
  falseAlarms: Found[];
  /** Information and hint findings that no planted drift explains. */
  notes: Found[];
}

const findingKey = (f: { code: string; table?: string; column?: string }): string => `${f.code}|${f.table ?? ''}|${f.column ?? ''}`;

export function checkDrift(planted: PlantedDrift[], found: Found[]): DriftCheck {
  const byKey = new Map<string, Found[]>();
  for (const f of found) byKey.set(findingKey(f), [...(byKey.get(findingKey(f)) ?? []), f]);
  const plantedKeys = new Set(planted.map(findingKey));
  const result: DriftCheck = { planted: planted.length, found: 0, missed: [], elsewhere: [], falseAlarms: [], notes: [] };
  for (const p of planted) {
    const matches = byKey.get(findingKey(p)) ?? [];
    if (matches.length === 0) result.missed.push(p);
    else {
      result.found++;
      if (!matches.some((m) => m.file === p.file && m.line === p.line)) result.elsewhere.push({ planted: p, reported: { file: matches[0].file, line: matches[0].line } });
    }
  }
  for (const f of found) {
    if (plantedKeys.has(findingKey(f))) continue;
    (f.severity === 'error' || f.severity === 'warning' ? result.falseAlarms : result.notes).push(f);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// The CLI

export interface CliRun {
  seconds: number;
  /** CPU time of the process, user + system (all threads): less sensitive than \`seconds\` to a busy machine. */
  cpuSeconds: number | undefined;
  maxRssMB: number | undefined;
  exitCode: number | null;
  found: Found[];
  /** Files the run left in the project folder (a cache there); removed again after the run. */
  wroteIntoProject: string[];
}

interface CliJson {
  diagnostics: Array<{ file: string; range: { start: { line: number } }; severity: string; code: string; message: string; table?: string; column?: string }>;
}

function listFiles(root: string): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      out.add(full);
      if (e.isDirectory()) walk(full);
    }
  };
  walk(root);
  return out;
}

/** An environment whose user cache folders are `home` (so a run starts with no cache, or with the one left there). */
export function cacheEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') };
  delete env.ALEMBIC_DRIFT_CACHE_DIR;
  return env;
}

/** One `alembic-drift check ROOT --format json`, timed from spawn to exit. */
export function runCli(root: string, env: NodeJS.ProcessEnv): CliRun {
  const before = listFiles(root);
  const usageFile = path.join(os.tmpdir(), `alembic-drift-bench-usage-${process.pid}`);
  fs.rmSync(usageFile, { force: true });
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--require', PRELOAD, CLI, 'check', root, '--format', 'json'], { env: { ...env, BENCH_USAGE_FILE: usageFile }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - start) / 1000;
  const usage = fs.existsSync(usageFile) ? (JSON.parse(fs.readFileSync(usageFile, 'utf8')) as { maxRssKB: number; cpuMicros: number }) : undefined;
  fs.rmSync(usageFile, { force: true });
  const wroteIntoProject = [...listFiles(root)].filter((f) => !before.has(f));
  for (const f of wroteIntoProject) fs.rmSync(f, { recursive: true, force: true });
  if (r.status !== 0 && r.status !== 1) throw new Error(`alembic-drift check ${root} ended with ${r.status ?? r.signal}:\n${r.stderr}`);
  const json = JSON.parse(r.stdout) as CliJson;
  const found = json.diagnostics.map((d) => ({ code: d.code, table: d.table, column: d.column, file: d.file, line: d.range.start.line + 1, severity: d.severity, message: d.message }));
  return { seconds, cpuSeconds: usage && usage.cpuMicros / 1e6, maxRssMB: usage && usage.maxRssKB / 1024, exitCode: r.status, found, wroteIntoProject: wroteIntoProject.map((f) => path.relative(root, f)) };
}

// ---------------------------------------------------------------------------------------------------------------
// CPython and Alembic

export interface PythonParse {
  files: number;
  bytes: number;
  read_s: number;
  parse_s: number;
  total_s: number;
  /** The python3 process from spawn to exit (interpreter start-up included). */
  process_s: number;
}

export function pythonParse(root: string): PythonParse {
  const start = performance.now();
  const r = spawnSync('python3', [path.join(REPO, 'bench', 'pyparse.py'), root], { encoding: 'utf8' });
  const process_s = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`python3 bench/pyparse.py failed: ${r.error ?? r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Omit<PythonParse, 'process_s'>), process_s };
}

export interface TreeSitterParse {
  files: number;
  bytes: number;
  /** Both threads' tree-sitter loaded. */
  load_s: number;
  /** Every file parsed, half on each thread, after the load. */
  parse_s: number;
}

/** web-tree-sitter's parse alone of the same files on both cores, in a fresh process (out/bench/treeSitterFloor.js). */
export function treeSitterParse(root: string): TreeSitterParse {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'treeSitterFloor.js'), root], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`treeSitterFloor.js failed: ${r.error ?? r.stderr}`);
  return JSON.parse(r.stdout) as TreeSitterParse;
}

export const ALEMBIC_PYTHON = '/usr/bin/python3';

export function alembicAvailable(): boolean {
  return spawnSync(ALEMBIC_PYTHON, ['-c', 'import alembic, sqlalchemy'], { stdio: 'ignore' }).status === 0;
}

export interface AlembicDiff {
  kind: string;
  table: string;
  column?: string;
  name?: string;
}

export interface AlembicRun {
  load_s: number;
  upgrade_s: number;
  compare_s: number;
  total_s: number;
  process_s: number;
  heads: string[];
  diffs: AlembicDiff[];
}

export function runAlembic(root: string): AlembicRun {
  const start = performance.now();
  const r = spawnSync(ALEMBIC_PYTHON, [path.join(REPO, 'bench', 'alembic_bench.py'), root], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const process_s = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`bench/alembic_bench.py failed (${r.status}): ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Omit<AlembicRun, 'process_s'>), process_s };
}

/** Alembic's kind for each planted finding code (test/oracle/known-differences.json has the same map). */
const ALEMBIC_KIND: Record<string, string> = {
  'missing-table': 'add_table',
  'extra-table': 'remove_table',
  'missing-column': 'add_column',
  'extra-column': 'remove_column',
  'type-mismatch': 'modify_type',
  'nullable-mismatch': 'modify_nullable',
  'default-mismatch': 'modify_default',
  'missing-index': 'add_index',
  'extra-index': 'remove_index',
  'missing-unique': 'add_constraint',
  'extra-unique': 'remove_constraint',
  'missing-foreign-key': 'add_fk',
  'extra-foreign-key': 'remove_fk',
};

/**
 * What real Alembic says about the planted drift: planted drift it does not report, and differences it reports that
 * no planted drift explains (the indexes of a table it adds or removes whole are part of that table).
 */
export function checkAlembic(planted: PlantedDrift[], diffs: AlembicDiff[]): { missed: PlantedDrift[]; unexplained: AlembicDiff[] } {
  const key = (kind: string, table: string, column?: string): string => `${kind}|${table}|${kind.endsWith('_table') ? '' : (column ?? '')}`;
  const expected = new Set(planted.map((p) => key(ALEMBIC_KIND[p.code], p.table, p.column)));
  const got = new Set(diffs.map((d) => key(d.kind, d.table, d.column)));
  const wholeTables = new Set(diffs.filter((d) => d.kind === 'add_table' || d.kind === 'remove_table').map((d) => d.table));
  return {
    missed: planted.filter((p) => !got.has(key(ALEMBIC_KIND[p.code], p.table, p.column))),
    unexplained: diffs.filter((d) => !expected.has(key(d.kind, d.table, d.column)) && !(wholeTables.has(d.table) && d.kind.endsWith('_index'))),
  };
}
