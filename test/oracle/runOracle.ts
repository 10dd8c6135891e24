// Runs real Alembic (test/oracle/oracle.py under Debian's python3-alembic) on a fixture project, so tests can
// compare our findings with what `alembic check` would see. See test/oracle/README.md for what Alembic can and
// cannot see, and known-differences.json for the per-fixture differences that are expected.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** One difference reported by Alembic's compare_metadata(), normalized by oracle.py. */
export interface OracleDiff {
  /** add_table, remove_table, add_column, remove_column, modify_type, modify_nullable, modify_default,
   *  add_index, remove_index, add_constraint, remove_constraint, add_fk, remove_fk ("add" = only in the models). */
  kind: string;
  table: string;
  /** The column, for column changes and for single-column indexes, unique constraints and foreign keys. */
  column?: string;
  /** Index or constraint name, when it has one. */
  name?: string;
  /** All columns of an index, unique constraint or foreign key. */
  columns?: string[];
  /** For modify_*: the database's value and the models' value, as readable text. */
  old?: unknown;
  new?: unknown;
}

/** The interpreter that has Alembic 1.8 and SQLAlchemy 1.4 (Debian); ALEMBIC_ORACLE_PYTHON overrides it. */
function oraclePython(): string {
  return process.env.ALEMBIC_ORACLE_PYTHON || '/usr/bin/python3';
}

/** Finds a script of this folder (oracle.py, revision_oracle.py) whether this module runs from test/oracle or out/test/oracle. */
function oracleScript(name = 'oracle.py'): string {
  let dir = __dirname;
  for (;;) {
    for (const candidate of [path.join(dir, name), path.join(dir, 'test', 'oracle', name)]) {
      if (fs.existsSync(candidate)) {
        return candidate;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`${name} not found above ${__dirname}`);
    }
    dir = parent;
  }
}

let available: boolean | undefined;

/** Tells whether the oracle can run here (the interpreter exists and imports alembic and sqlalchemy). */
export function alembicAvailable(): boolean {
  if (available === undefined) {
    const result = spawnSync(oraclePython(), ['-c', 'import alembic, sqlalchemy'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    available = result.status === 0;
  }
  return available;
}

/** Runs one of the oracle scripts on a folder and returns its stdout; throws with its stderr on failure. */
function runScript(name: string, dir: string): string {
  const script = oracleScript(name);
  const result = spawnSync(oraclePython(), [script, path.resolve(dir)], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.error) {
    throw new Error(`cannot run ${oraclePython()} ${script}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(`Alembic oracle ${name} failed on ${dir} (exit ${result.status ?? result.signal}):\n${result.stderr.trim()}`);
  }
  return result.stdout;
}

/** Runs real Alembic on a fixture folder and returns its differences; throws with oracle.py's stderr on failure. */
export function runAlembicOracle(fixtureDir: string): OracleDiff[] {
  return runScript('oracle.py', fixtureDir)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as OracleDiff);
}

/** The order real Alembic's `upgrade heads` runs the revisions of each folder under `dir` in, by folder name. */
export function runUpgradeOrderOracle(dir: string): Record<string, string[]> {
  return JSON.parse(runScript('upgrade_order_oracle.py', dir)) as Record<string, string[]>;
}

/** What revision_oracle.py saw: the migrations run up, down to base and up again, then compared with the models. */
export interface RevisionOracleResult {
  heads: string[];
  tables_after_upgrade: string[];
  left_after_downgrade: string[];
  diffs: OracleDiff[];
}

/** Runs a project's whole history through real Alembic both ways; throws with the failing step on stderr. */
export function runRevisionOracle(projectDir: string): RevisionOracleResult {
  return JSON.parse(runScript('revision_oracle.py', projectDir)) as RevisionOracleResult;
}

/**
 * Alembic 1.8 on SQLite compares server defaults as text and reports `(CURRENT_TIMESTAMP)` against
 * `CURRENT_TIMESTAMP` as a change (sqlalchemy/alembic#634), for whichever tables batch mode did not recreate.
 */
export function isParenthesisDefaultBug(d: OracleDiff): boolean {
  if (d.kind !== 'modify_default') return false;
  const strip = (v: unknown): string => String(v ?? '').trim().replace(/^\((.*)\)$/s, '$1').toLowerCase();
  return strip(d.old) === strip(d.new);
}

/** What Mako made of a template: the text, or the error it raised. */
export interface MakoOracleResult {
  text?: string;
  error?: string;
}

/**
 * Renders a template with real Mako (mako_oracle.py) and the variables Alembic's revision command passes:
 * `variables` holds the plain ones (arrays are tuples); create_date, comma and config are made on the Python side.
 */
export function runMakoOracle(request: { template: string; variables: Record<string, unknown>; create_date: number[]; options: Record<string, string> }): MakoOracleResult {
  const result = spawnSync(oraclePython(), [oracleScript('mako_oracle.py')], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    timeout: 60_000,
  });
  if (result.error) throw new Error(`cannot run ${oraclePython()}: ${result.error.message}`);
  return result.status === 0 ? { text: result.stdout } : { error: result.stderr.trim() };
}

/** The folder of the templates `alembic init` copies (generic, async, multidb), from the oracle's Alembic. */
export function alembicTemplatesFolder(): string {
  const result = spawnSync(oraclePython(), ['-c', 'import alembic, os; print(os.path.join(os.path.dirname(alembic.__file__), "templates"))'], { encoding: 'utf8' });
  return result.stdout.trim();
}
